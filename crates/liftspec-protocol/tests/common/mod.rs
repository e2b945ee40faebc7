//! One sample envelope per message kind, with fixed keys, shared by the tests.
#![allow(dead_code, unreachable_pub)]

use liftspec_model::catalogue::{items, MaintenanceFamily, MaintenanceTier};
use liftspec_model::codes::{DoorStatus, EventCode, ServiceMode};
use liftspec_model::equipment::EquipmentKind;
use liftspec_model::id::*;
use liftspec_model::record::UseUnitConfirmation;
use liftspec_model::time::Timestamp;
use liftspec_protocol::auth::DeviceKeys;
use liftspec_protocol::message::*;
use liftspec_protocol::wire::Envelope;

pub fn keys() -> DeviceKeys {
    DeviceKeys::from_seed([0x11; 32], [0x22; 32]).unwrap()
}

/// The sample device's epoch.
pub const EPOCH: u32 = 0x2D1F_0A37;

pub const T0: i64 = 1_795_929_850_000; // 2026-11-29T05:24:10Z

pub fn envelope(seq: u64, body: Body) -> Envelope {
    Envelope {
        device: DeviceId::parse("HZ-T-000123").unwrap(),
        epoch: EPOCH,
        seq,
        sent_at: Timestamp::from_millis(T0 + seq as i64 * 1000),
        body,
    }
}

pub fn status() -> Status {
    Status {
        mode: ServiceMode::Normal,
        moving: true,
        direction: Direction::Up,
        floor: 7,
        door_zone: false,
        front_door: DoorStatus::Closed,
        rear_door: None,
        occupied: Some(true),
        load_percent: Some(35),
        speed_mm_s: Some(1750),
        position_mm: Some(21_400),
        mains_power: true,
        up_final_limit: false,
        down_final_limit: false,
    }
}

pub fn bodies() -> Vec<(&'static str, Body)> {
    let t = Timestamp::from_millis(T0);
    vec![
        (
            "register",
            Body::Register(Box::new(Register {
                lift: "31103301062010050007".parse().unwrap(),
                equipment_code: Some("3110330012010A0007".parse().unwrap()),
                kind: EquipmentKind::TractionPassenger,
                manufacturer: "91330000MA27U2X059".parse().unwrap(),
                model: "MRL-1000".into(),
                rated_load_kg: Some(1000),
                rated_speed_mm_s: 1750,
                lowest_floor: -1,
                highest_floor: 18,
                stops: 19,
                firmware: "2.4.1".into(),
                public_key: keys().public_key(),
                capabilities: Capabilities {
                    kinds: MessageKind::ALL
                        .iter()
                        .copied()
                        .filter(|k| k.from_device())
                        .map(|k| k.byte())
                        .collect(),
                    load: true,
                    speed: true,
                    position: true,
                    occupancy: true,
                    voice: true,
                },
            })),
        ),
        ("status", Body::Status(status())),
        (
            "statistics",
            Body::Statistics(Statistics {
                running_seconds: 31_536_000,
                run_count: 1_250_000,
                door_cycles: 2_600_000,
                energy_wh: Some(48_000_000),
            }),
        ),
        (
            "event",
            Body::Event(EventMessage {
                code: EventCode::from_number(4),
                state: EventState::Raised,
                floor: Some(7),
                at: t,
            }),
        ),
        (
            "door_cycle",
            Body::DoorCycle(DoorCycle {
                floor: 1,
                door: DoorSide::Front,
                opening_ms: 2100,
                open_ms: 4000,
                closing_ms: 2900,
                reopens_photocell: 1,
                reopens_button: 0,
                load_before_percent: Some(10),
                load_after_percent: Some(45),
                started_at: t,
            }),
        ),
        (
            "alarm",
            Body::Alarm(AlarmMessage {
                alarm_id: 17,
                stage: AlarmStage::Emitted { attempt: 2 },
                floor: Some(7),
                at: t,
            }),
        ),
        (
            "maintenance_session",
            Body::MaintenanceSession(Box::new(MaintenanceSession {
                session_id: "S-20261129-01".into(),
                maintenance_unit: "91350100M000100Y43".parse().unwrap(),
                technicians: vec![
                    TechnicianId::parse("T-0042").unwrap(),
                    TechnicianId::parse("T-0043").unwrap(),
                ],
                tier: MaintenanceTier::HalfMonthly,
                items_done: items(
                    MaintenanceFamily::TractionAndPositiveDrive,
                    MaintenanceTier::HalfMonthly,
                )
                .collect(),
                started_at: t,
                ended_at: Timestamp::from_millis(T0 + 50 * 60_000),
                confirmation: Some(UseUnitConfirmation {
                    confirmed_by: "王工".into(),
                    confirmed_at: Timestamp::from_millis(T0 + 55 * 60_000),
                }),
            })),
        ),
        (
            "heartbeat",
            Body::Heartbeat(Heartbeat {
                uptime_s: 3600,
                signal_dbm: -71,
                battery_percent: Some(98),
                clock_offset_ms: -12,
            }),
        ),
        (
            "discarded",
            Body::Discarded(Discarded {
                through_seq: 120,
                count: 100,
                reason: DiscardReason::Dropped,
            }),
        ),
        (
            "ack",
            Body::Ack(Ack {
                epoch: EPOCH,
                cumulative: 41,
                selective: vec![43, 44],
            }),
        ),
        (
            "nack",
            Body::Nack(Nack {
                epoch: EPOCH,
                seq: 42,
                reason: NackReason::Invalid,
            }),
        ),
        (
            "resume",
            Body::Resume(Resume {
                epoch: EPOCH,
                from_seq: 42,
            }),
        ),
        (
            "command",
            Body::Command(Command {
                idempotency_key: 0x5EED_0001,
                action: CommandAction::Comfort {
                    text_zh: "救援人员预计8分钟后到达，请保持冷静。".into(),
                    text_en: "Rescue arrives in about 8 minutes. Please stay calm.".into(),
                    speak: true,
                },
            }),
        ),
    ]
}

/// Encodes with the device keys or, for platform kinds, the platform's MAC.
pub fn encode(envelope: &Envelope) -> Vec<u8> {
    if envelope.body.kind().from_device() {
        liftspec_protocol::wire::encode(envelope, &keys()).unwrap()
    } else {
        liftspec_protocol::wire::encode_platform(envelope, &keys().credentials()).unwrap()
    }
}
