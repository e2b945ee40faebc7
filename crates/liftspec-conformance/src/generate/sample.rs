//! The suite's test device: its keys, its installation, one body of every kind, and frames
//! built byte by byte as `docs/protocol.md` §2–§4 lays them out (so the generator can also build
//! the frames the reference encoder refuses to make).

use ed25519_dalek::{Signer, SigningKey};
use liftspec_model::catalogue::{items, MaintenanceFamily, MaintenanceTier};
use liftspec_model::codes::{DoorStatus, EventCode, ServiceMode};
use liftspec_model::equipment::EquipmentKind;
use liftspec_model::id::{CreditCode, TechnicianId};
use liftspec_model::record::UseUnitConfirmation;
use liftspec_model::time::Timestamp;
use liftspec_protocol::auth::{MacKeys, MacPurpose};
use liftspec_protocol::message::*;
use serde::Serialize;

use crate::case::{Credentials, Installation};

/// The suite's MAC key: bytes 0x00, 0x01 … 0x1f (docs/conformance.md).
pub const MAC_KEY: [u8; 32] = counting(0x00);
/// The suite's Ed25519 signing seed (RFC 8032 private key): bytes 0x20 … 0x3f.
pub const SIGNING_SEED: [u8; 32] = counting(0x20);
/// A second device's seed, for signatures by the wrong key and key changes: 0x40 … 0x5f.
pub const OTHER_SEED: [u8; 32] = counting(0x40);
/// The test device's id.
pub const DEVICE: &str = "HZ-CT-000001";
/// Its epoch.
pub const EPOCH: u32 = 0x0C0F_FEE5;
/// The send time of sequence number 1: 2026-12-01T02:00:00.000Z.
pub const T0: i64 = 1_796_090_400_000;

const fn counting(from: u8) -> [u8; 32] {
    let mut k = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        k[i] = from + i as u8;
        i += 1;
    }
    k
}

/// The test device's signing key.
pub fn signing() -> SigningKey {
    SigningKey::from_bytes(&SIGNING_SEED)
}

/// Its public key.
pub fn public_key() -> [u8; 32] {
    signing().verifying_key().to_bytes()
}

/// The credentials every frame case carries.
pub fn credentials() -> Credentials {
    Credentials {
        mac_key: crate::hex(&MAC_KEY),
        public_key: crate::hex(&public_key()),
    }
}

/// The installation every frame case carries: floors −1 to 18, 1.75 m/s.
pub const INSTALLATION: Installation = Installation {
    lowest_floor: -1,
    highest_floor: 18,
    rated_speed_mm_s: 1750,
};

fn at(offset_ms: i64) -> Timestamp {
    Timestamp::from_millis(T0 + offset_ms)
}

/// One valid body of every kind, with its name (the kind's JSON name).
pub fn bodies() -> Vec<(&'static str, Body)> {
    vec![
        ("register", Body::Register(Box::new(register(public_key())))),
        ("status", Body::Status(status())),
        (
            "statistics",
            Body::Statistics(Statistics {
                running_seconds: 9_460_800,
                run_count: 402_117,
                door_cycles: 811_940,
                energy_wh: None,
            }),
        ),
        (
            "event",
            Body::Event(EventMessage {
                code: EventCode::from_number(4),
                state: EventState::Raised,
                floor: Some(-1),
                at: at(-1500),
            }),
        ),
        ("doorCycle", Body::DoorCycle(door_cycle())),
        (
            "alarm",
            Body::Alarm(AlarmMessage {
                alarm_id: 3,
                stage: AlarmStage::Emitted { attempt: 1 },
                floor: Some(12),
                at: at(-200),
            }),
        ),
        (
            "maintenanceSession",
            Body::MaintenanceSession(Box::new(maintenance_session())),
        ),
        (
            "heartbeat",
            Body::Heartbeat(Heartbeat {
                uptime_s: 86_400,
                signal_dbm: -83,
                battery_percent: None,
                clock_offset_ms: 240,
            }),
        ),
        (
            "discarded",
            Body::Discarded(Discarded {
                through_seq: 9,
                count: 1,
                reason: DiscardReason::Dropped,
            }),
        ),
        (
            "ack",
            Body::Ack(Ack {
                epoch: EPOCH,
                cumulative: 7,
                selective: vec![9, 12],
            }),
        ),
        (
            "nack",
            Body::Nack(Nack {
                epoch: EPOCH,
                seq: 8,
                reason: NackReason::Invalid,
            }),
        ),
        (
            "resume",
            Body::Resume(Resume {
                epoch: EPOCH,
                from_seq: 8,
            }),
        ),
        (
            "command",
            Body::Command(Command {
                idempotency_key: 77,
                action: CommandAction::Comfort {
                    text_zh: "救援人员正在赶来，请勿扒门。".into(),
                    text_en: "Help is on the way. Do not force the doors.".into(),
                    speak: true,
                },
            }),
        ),
    ]
}

/// A Register announcing `public_key`.
pub fn register(public_key: [u8; 32]) -> Register {
    Register {
        lift: "31103301062010050007"
            .parse()
            .unwrap_or_else(|_| unreachable!()),
        equipment_code: None,
        kind: EquipmentKind::TractionPassenger,
        manufacturer: manufacturer(),
        model: "CT-2000".into(),
        rated_load_kg: Some(1050),
        rated_speed_mm_s: 1750,
        lowest_floor: -1,
        highest_floor: 18,
        stops: 20,
        firmware: "1.0.3".into(),
        public_key,
        capabilities: Capabilities {
            kinds: vec![1, 2, 3, 4, 5, 6, 7, 8, 9],
            load: true,
            speed: true,
            position: false,
            occupancy: false,
            voice: true,
        },
    }
}

fn manufacturer() -> CreditCode {
    "91330000MA27U2X059"
        .parse()
        .unwrap_or_else(|_| unreachable!())
}

/// A Status at floor 12, moving up.
pub fn status() -> Status {
    Status {
        mode: ServiceMode::Normal,
        moving: true,
        direction: Direction::Up,
        floor: 12,
        door_zone: false,
        front_door: DoorStatus::Closed,
        rear_door: None,
        occupied: None,
        load_percent: Some(60),
        speed_mm_s: Some(1700),
        position_mm: None,
        mains_power: true,
        up_final_limit: false,
        down_final_limit: false,
    }
}

/// A door cycle at the ground floor.
pub fn door_cycle() -> DoorCycle {
    DoorCycle {
        floor: 0,
        door: DoorSide::Front,
        opening_ms: 1800,
        open_ms: 3000,
        closing_ms: 2600,
        reopens_photocell: 0,
        reopens_button: 1,
        load_before_percent: None,
        load_after_percent: Some(20),
        started_at: at(-9000),
    }
}

/// A half-monthly maintenance session with its confirmation.
pub fn maintenance_session() -> MaintenanceSession {
    MaintenanceSession {
        session_id: "CT-20261201-1".into(),
        maintenance_unit: "91350100M000100Y43"
            .parse()
            .unwrap_or_else(|_| unreachable!()),
        technicians: vec![TechnicianId::parse("T-0101").unwrap_or_else(|_| unreachable!())],
        tier: MaintenanceTier::HalfMonthly,
        items_done: items(
            MaintenanceFamily::TractionAndPositiveDrive,
            MaintenanceTier::HalfMonthly,
        )
        .collect(),
        started_at: at(-3_600_000),
        ended_at: at(-600_000),
        confirmation: Some(UseUnitConfirmation {
            confirmed_by: "李工".into(),
            confirmed_at: at(-300_000),
        }),
    }
}

/// Unsigned LEB128 varint (§3).
pub fn varint(mut v: u64) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let byte = (v & 0x7F) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

/// Zigzag, then varint (§3).
pub fn zigzag(v: i64) -> Vec<u8> {
    varint(((v << 1) ^ (v >> 63)) as u64)
}

/// A header: device id, epoch, sequence number, send time (§2).
pub fn header(device: &str, epoch: u32, seq: u64, sent_at: i64) -> Vec<u8> {
    let mut out = varint(device.len() as u64);
    out.extend_from_slice(device.as_bytes());
    out.extend(varint(u64::from(epoch)));
    out.extend(varint(seq));
    out.extend(zigzag(sent_at));
    out
}

/// The test device's header for `seq`.
pub fn header_for(seq: u64) -> Vec<u8> {
    header(DEVICE, EPOCH, seq, T0 + (seq as i64 - 1) * 1000)
}

/// A message's body bytes (postcard, §3 and §6).
pub fn body_bytes(body: &Body) -> Vec<u8> {
    fn ser<T: Serialize>(m: &T) -> Vec<u8> {
        postcard::to_allocvec(m).unwrap_or_default()
    }
    match body {
        Body::Register(m) => ser(m),
        Body::Status(m) => ser(m),
        Body::Statistics(m) => ser(m),
        Body::Event(m) => ser(m),
        Body::DoorCycle(m) => ser(m),
        Body::Alarm(m) => ser(m),
        Body::MaintenanceSession(m) => ser(m),
        Body::Heartbeat(m) => ser(m),
        Body::Discarded(m) => ser(m),
        Body::Ack(m) => ser(m),
        Body::Nack(m) => ser(m),
        Body::Resume(m) => ser(m),
        Body::Command(m) => ser(m),
    }
}

/// How a raw frame is tagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    /// The first 16 bytes of HMAC-SHA256 with the uplink key.
    Uplink,
    /// … with the downlink key.
    Downlink,
    /// … with the uplink key derived from another MAC key.
    UplinkOfOtherKey,
    /// An Ed25519 signature by `seed`.
    Sign([u8; 32]),
    /// The signature by `seed`, then the uplink MAC (scheme 3).
    SignThenUplink([u8; 32]),
    /// The signature by `seed`, then the uplink MAC of another MAC key.
    SignThenOtherMac([u8; 32]),
    /// These bytes as they are.
    Bytes(&'static [u8]),
}

/// The frame's prefix and signed bytes, then its tag.
pub fn frame(kind: u8, scheme: u8, header: &[u8], body: &[u8], tag: Tag) -> Vec<u8> {
    let mut out = vec![0x4C, 2, kind, scheme];
    out.extend_from_slice(header);
    out.extend_from_slice(body);
    append_tag(&mut out, tag);
    out
}

/// Appends the tag over everything in `out`.
pub fn append_tag(out: &mut Vec<u8>, tag: Tag) {
    let macs = MacKeys::new(&MAC_KEY);
    let t: Vec<u8> = match tag {
        Tag::Uplink => macs.tag(MacPurpose::Uplink, out).to_vec(),
        Tag::Downlink => macs.tag(MacPurpose::Downlink, out).to_vec(),
        Tag::UplinkOfOtherKey => MacKeys::new(&OTHER_SEED)
            .tag(MacPurpose::Uplink, out)
            .to_vec(),
        Tag::Sign(seed) => SigningKey::from_bytes(&seed).sign(out).to_bytes().to_vec(),
        Tag::SignThenUplink(seed) => {
            let mut t = SigningKey::from_bytes(&seed).sign(out).to_bytes().to_vec();
            t.extend_from_slice(&macs.tag(MacPurpose::Uplink, out));
            t
        }
        Tag::SignThenOtherMac(seed) => {
            let mut t = SigningKey::from_bytes(&seed).sign(out).to_bytes().to_vec();
            t.extend_from_slice(&MacKeys::new(&OTHER_SEED).tag(MacPurpose::Uplink, out));
            t
        }
        Tag::Bytes(b) => b.to_vec(),
    };
    out.extend(t);
}

/// The scheme byte and tag the reference encoder gives a kind (§4, §5).
pub fn usual(kind: MessageKind) -> (u8, Tag) {
    match kind {
        MessageKind::Register => (3, Tag::SignThenUplink(SIGNING_SEED)),
        k if k.requires_signature() => (2, Tag::Sign(SIGNING_SEED)),
        k if k.from_device() => (1, Tag::Uplink),
        _ => (1, Tag::Downlink),
    }
}

/// A valid frame of `body` with sequence number `seq`, tagged as the reference tags it.
pub fn valid(seq: u64, body: &Body) -> Vec<u8> {
    let kind = body.kind();
    let (scheme, tag) = usual(kind);
    frame(
        kind.byte(),
        scheme,
        &header_for(seq),
        &body_bytes(body),
        tag,
    )
}
