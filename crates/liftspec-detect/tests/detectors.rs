//! Each detector on hand-written frame sequences, at and around its thresholds; and the
//! detector state's determinism and checkpointing.

use liftspec_detect::detection::{DetectedKind, Detection};
use liftspec_detect::lift::LiftDetector;
use liftspec_detect::thresholds::Thresholds;
use liftspec_model::codes::{DoorStatus, EventCode, ServiceMode};
use liftspec_model::time::Timestamp;
use liftspec_protocol::message::*;
use liftspec_protocol::wire::{DeviceId, Envelope};
use proptest::prelude::*;

mod common;

use common::feed::*;

#[test]
fn overspeed_is_above_115_percent_of_rated_not_at_it() {
    let limit = 1750 * 115 / 100; // 2012.5 → 2012 is below
    let mut f = Feed::new();
    f.status(0, idle()).status(1000, moving(1000, limit));
    assert!(f.raised().is_empty(), "{:?}", f.raised());
    f.status(2000, moving(3000, limit + 1));
    assert_eq!(f.raised(), vec![DetectedKind::Overspeed]);
    let d = &f.found[0];
    assert!(d.source.contains("115 %"));
    assert_eq!(d.code, Some(EventCode::from_number(1)));
    assert_eq!(d.evidence[0].value, (limit + 1).to_string());
}

#[test]
fn trapped_needs_thirty_seconds_of_closed_doors_with_people_inside() {
    let stuck = Status {
        mode: ServiceMode::OutOfService,
        load_percent: Some(25),
        occupied: Some(true),
        ..idle()
    };
    let mut f = Feed::new();
    // A run that ends out of service is an emergency stop at once; trapped takes 30 s.
    f.status(0, moving(500, 800)).status(1000, stuck.clone());
    f.tick(30_999);
    assert_eq!(
        f.raised(),
        vec![DetectedKind::EmergencyStop],
        "not trapped yet"
    );
    f.tick(31_000);
    assert_eq!(
        f.raised(),
        vec![DetectedKind::EmergencyStop, DetectedKind::TrappedAtLanding]
    );
    // Between floors it is the more severe kind, and the car is also outside the zone.
    let mut f = Feed::new();
    let between = Status {
        door_zone: false,
        position_mm: Some(1500),
        ..stuck.clone()
    };
    f.status(0, moving(500, 800))
        .status(1000, between)
        .tick(31_000);
    assert_eq!(
        f.raised(),
        vec![
            DetectedKind::StoppedOutsideDoorZone,
            DetectedKind::TrappedBetweenFloors
        ]
    );
    // Doors opening in time: nobody is trapped.
    let mut f = Feed::new();
    let opening = Status {
        front_door: DoorStatus::Opening,
        ..stuck
    };
    f.status(0, moving(500, 800))
        .status(1000, idle())
        .status(2000, opening)
        .tick(60_000);
    assert!(f.raised().is_empty(), "{:?}", f.raised());
}

#[test]
fn the_controllers_trapped_code_raises_at_once_and_back_to_normal_clears() {
    let mut f = Feed::new();
    f.status(0, idle());
    f.send(
        10,
        Body::Event(EventMessage {
            code: EventCode::from_number(11),
            state: EventState::Raised,
            floor: Some(1),
            at: Timestamp::from_millis(T0 + 10),
        }),
    );
    assert_eq!(f.raised(), vec![DetectedKind::TrappedAtLanding]);
    f.send(
        600_000,
        Body::Event(EventMessage {
            code: EventCode::from_number(40),
            state: EventState::Occurred,
            floor: Some(1),
            at: Timestamp::from_millis(T0 + 600_000),
        }),
    );
    assert!(!f.detector.is_active(DetectedKind::TrappedAtLanding));
    assert!(f
        .found
        .iter()
        .any(|d| !d.raised && d.kind == DetectedKind::TrappedAtLanding));
}

#[test]
fn moving_with_the_door_open_differs_from_a_door_opening_while_running() {
    let open = Status {
        front_door: DoorStatus::Opened,
        ..idle()
    };
    let creeping = Status {
        moving: true,
        front_door: DoorStatus::Opened,
        // One millimetre beyond the re-levelling travel (EN 81-20 5.3.8.1: 200 mm).
        position_mm: Some(201),
        speed_mm_s: Some(150),
        ..idle()
    };
    let mut f = Feed::new();
    f.status(0, open).status(700, creeping);
    assert_eq!(f.raised(), vec![DetectedKind::MovingWithDoorOpen]);
    let mut f = Feed::new();
    let opening = Status {
        front_door: DoorStatus::Opening,
        ..moving(6000, 1000)
    };
    f.status(0, moving(4000, 1500)).status(1000, opening);
    assert_eq!(f.raised(), vec![DetectedKind::DoorOpenWhileRunning]);
}

#[test]
fn overtravel_by_limit_switch_or_beyond_150_mm_past_the_terminal_landing() {
    let mut f = Feed::new();
    f.status(0, moving(54_150, 300));
    assert!(f.raised().is_empty());
    f.status(500, moving(54_151, 300));
    assert_eq!(f.raised(), vec![DetectedKind::OvertravelTop]);
    let mut f = Feed::new();
    let limit = Status {
        down_final_limit: true,
        ..moving(0, -100)
    };
    f.status(0, limit);
    assert_eq!(f.raised(), vec![DetectedKind::OvertravelBottom]);
}

#[test]
fn run_timeout_follows_en81_20_and_a_silent_gap_restarts_the_clock() {
    // Full travel 54 m at 1.75 m/s = 30.9 s; + 10 s = 40.9 s (under 45 s).
    let mut f = Feed::new();
    for s in 0..=40 {
        f.status(s * 1000, moving(s as i32 * 100, 100));
    }
    assert!(f.raised().is_empty());
    f.status(41_000, moving(4200, 100));
    assert_eq!(f.raised(), vec![DetectedKind::RunTimeout]);
    // The same run with a 20 s hole in its statuses: its length is unknown, no timeout.
    let mut f = Feed::new();
    for s in (0..=10).chain(31..=45) {
        f.status(s * 1000, moving(s as i32 * 100, 100));
    }
    assert!(f.raised().is_empty(), "{:?}", f.raised());
}

#[test]
fn door_reopens_at_five_make_a_closing_fault() {
    let cycle = |photocell, button| {
        Body::DoorCycle(DoorCycle {
            floor: 3,
            door: DoorSide::Front,
            opening_ms: 2500,
            open_ms: 4000,
            closing_ms: 3000,
            reopens_photocell: photocell,
            reopens_button: button,
            load_before_percent: Some(0),
            load_after_percent: Some(10),
            started_at: Timestamp::from_millis(T0),
        })
    };
    let mut f = Feed::new();
    f.send(0, cycle(3, 1));
    assert!(f.raised().is_empty());
    f.send(10_000, cycle(4, 1));
    assert_eq!(f.raised(), vec![DetectedKind::DoorClosingFault]);
    assert_eq!(f.found[0].floor, Some(3));
}

#[test]
fn an_empty_car_that_arrives_and_stays_shut_out_of_service_has_a_door_opening_fault() {
    let arrived = idle();
    let out_of_service = Status {
        mode: ServiceMode::OutOfService,
        ..idle()
    };
    let mut f = Feed::new();
    f.status(0, moving(500, 500))
        .status(1000, arrived)
        .status(1000, out_of_service);
    f.tick(5999);
    assert!(f.raised().is_empty());
    f.tick(6000);
    assert_eq!(f.raised(), vec![DetectedKind::DoorOpeningFault]);
    // A run that ends out of service is an emergency stop instead.
    let mut f = Feed::new();
    let stopped = Status {
        mode: ServiceMode::OutOfService,
        ..idle()
    };
    f.status(0, moving(500, 1500))
        .status(800, stopped)
        .tick(60_000);
    assert_eq!(f.raised(), vec![DetectedKind::EmergencyStop]);
}

#[test]
fn a_position_jump_beyond_what_the_car_could_travel_is_a_lost_position() {
    let mut f = Feed::new();
    // 1 s at up to 1.75 m/s: 1.5 × 1750 + 400 = 3025 mm allowed.
    f.status(0, moving(10_000, 0))
        .status(1000, moving(13_025, 0));
    assert!(f.raised().is_empty());
    f.status(2000, moving(16_100, 0));
    assert_eq!(f.raised(), vec![DetectedKind::FloorPositionLost]);
}

#[test]
fn power_failure_raises_and_clears_with_mains() {
    let off = Status {
        mains_power: false,
        mode: ServiceMode::OutOfService,
        ..idle()
    };
    let mut f = Feed::new();
    f.status(0, idle()).status(1000, off).status(60_000, idle());
    assert_eq!(f.raised(), vec![DetectedKind::PowerFailure]);
    assert!(!f.detector.is_active(DetectedKind::PowerFailure));
}

#[test]
fn silence_longer_than_two_heartbeats_is_a_communication_loss_until_the_next_frame() {
    let mut f = Feed::new();
    f.status(0, idle()).tick(660_000);
    assert!(f.raised().is_empty());
    f.tick(660_001);
    assert_eq!(f.raised(), vec![DetectedKind::CommunicationLoss]);
    f.status(700_000, idle());
    assert!(!f.detector.is_active(DetectedKind::CommunicationLoss));
}

#[test]
fn alarm_presses_are_probably_false_unless_people_are_trapped() {
    let alarm = |stage| {
        Body::Alarm(AlarmMessage {
            alarm_id: 1,
            stage,
            floor: Some(1),
            at: Timestamp::from_millis(T0),
        })
    };
    let open = Status {
        front_door: DoorStatus::Opened,
        ..idle()
    };
    let mut f = Feed::new();
    f.status(0, open).send(10, alarm(AlarmStage::Raised));
    assert_eq!(f.raised(), vec![DetectedKind::ProbableFalseAlarm]);
    assert!(f.found[0].source.contains("EN 81-28"));
    let mut f = Feed::new();
    f.status(0, moving(3000, 1700))
        .send(10, alarm(AlarmStage::Raised));
    assert_eq!(
        f.raised(),
        vec![DetectedKind::ProbableFalseAlarm],
        "running normally"
    );
    // Trapped: never false.
    let stuck = Status {
        mode: ServiceMode::OutOfService,
        load_percent: Some(30),
        door_zone: false,
        position_mm: Some(1500),
        ..idle()
    };
    let mut f = Feed::new();
    f.status(0, moving(500, 800))
        .status(1000, stuck)
        .send(20_000, alarm(AlarmStage::Raised));
    assert!(
        !f.raised().contains(&DetectedKind::ProbableFalseAlarm),
        "{:?}",
        f.raised()
    );
    f.tick(40_000).send(41_000, alarm(AlarmStage::Raised));
    assert!(!f.raised().contains(&DetectedKind::ProbableFalseAlarm));
}

/// Heartbeats every 5 minutes over `[from, to)`, except during `silent`.
fn heartbeats(f: &mut Feed, from: i64, to: i64, silent: (i64, i64)) {
    for at in (from..to).step_by(300_000) {
        if !(silent.0..silent.1).contains(&at) {
            f.send(
                at,
                Body::Heartbeat(Heartbeat {
                    uptime_s: (at / 1000) as u32,
                    signal_dbm: -70,
                    battery_percent: None,
                    clock_offset_ms: 0,
                }),
            );
        }
    }
}

#[test]
fn maintenance_without_inspection_time_is_not_corroborated() {
    let inspection = Status {
        mode: ServiceMode::Inspection,
        ..idle()
    };
    let mut f = Feed::new();
    f.status(0, inspection);
    heartbeats(&mut f, 1, 3_600_000, (0, 0));
    f.status(3_600_000, idle())
        .send(3_600_000, Body::MaintenanceSession(session(0, 3_600_000)));
    assert!(f.raised().is_empty(), "corroborated");
    heartbeats(&mut f, 3_600_001, 7_200_000, (0, 0));
    f.send(
        7_200_000,
        Body::MaintenanceSession(session(3_700_000, 7_200_000)),
    );
    assert_eq!(f.raised(), vec![DetectedKind::UncorroboratedMaintenance]);
}

#[test]
fn a_session_claimed_while_the_terminal_was_silent_is_unverifiable_not_fake() {
    use liftspec_detect::maintenance::VerdictKind;
    let mut f = Feed::new();
    f.status(0, idle());
    // Silent from 10 to 55 minutes: more than the 11-minute threshold.
    heartbeats(&mut f, 1, 3_600_000, (600_000, 3_300_000));
    let claim = session(900_000, 3_000_000);
    assert_eq!(
        f.detector
            .maintenance_verdict(&claim, &Default::default())
            .kind,
        VerdictKind::Unverifiable
    );
    f.send(3_600_000, Body::MaintenanceSession(claim));
    assert!(f.raised().is_empty(), "{:?}", f.raised());
    // The same claim over a stretch with telemetry and no inspection is not corroborated.
    heartbeats(&mut f, 3_600_001, 7_200_000, (0, 0));
    let claim = session(4_000_000, 6_000_000);
    assert_eq!(
        f.detector
            .maintenance_verdict(&claim, &Default::default())
            .kind,
        VerdictKind::NotCorroborated
    );
}

#[test]
fn a_device_clock_a_minute_off_is_drifting() {
    let mut f = Feed::new();
    let env = Envelope {
        device: DeviceId::parse("HZ-TEST").unwrap(),
        epoch: 1,
        seq: 1,
        sent_at: Timestamp::from_millis(T0 - 61_000),
        body: Body::Status(idle()),
    };
    f.detector.on_envelope(
        &env,
        Timestamp::from_millis(T0),
        &f.thresholds,
        &mut f.found,
    );
    assert_eq!(f.raised(), vec![DetectedKind::ClockDrift]);
}

#[test]
fn thresholds_are_validated() {
    let bad = Thresholds {
        overspeed_ratio: 0.9,
        ..Thresholds::default()
    };
    assert_eq!(bad.validate().unwrap_err().field, "overspeedRatio");
    assert!(Thresholds::default().validate().is_ok());
}

fn arbitrary_status() -> impl Strategy<Value = Status> {
    (
        any::<bool>(),
        0u16..10,
        any::<bool>(),
        -2000i32..60_000,
        -2500i32..2500,
        0u8..3,
        0u8..60,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(moving, door, zone, pos, speed, mode, load, mains, limit)| Status {
                moving,
                front_door: DoorStatus::from_code(door),
                door_zone: zone,
                position_mm: Some(pos),
                speed_mm_s: Some(speed),
                mode: ServiceMode::from_code(mode),
                load_percent: Some(load),
                mains_power: mains,
                up_final_limit: limit,
                ..idle()
            },
        )
}

proptest! {
    /// Stopping anywhere, saving the state (JSON or postcard) and restoring it gives exactly the
    /// detections of an uninterrupted run: batches and checkpoints change nothing.
    #[test]
    fn checkpoints_restore_identical_detection(
        steps in prop::collection::vec((arbitrary_status(), 1i64..40_000, any::<bool>()), 1..60),
        split in any::<prop::sample::Index>(),
        json in any::<bool>(),
    ) {
        let th = Thresholds::default();
        let run = |detector: &mut LiftDetector, steps: &[(Status, i64, bool)], start: i64, seq: u64, out: &mut Vec<Detection>| {
            let mut t = start;
            for (i, (s, dt, tick)) in steps.iter().enumerate() {
                t += dt;
                let env = Envelope { device: DeviceId::parse("HZ-P").unwrap(), epoch: 1, seq: seq + i as u64,
                    sent_at: Timestamp::from_millis(T0 + t), body: Body::Status(s.clone()) };
                detector.on_envelope(&env, Timestamp::from_millis(T0 + t), &th, out);
                if *tick {
                    detector.on_tick(Timestamp::from_millis(T0 + t + 30_000), &th, out);
                }
            }
            t
        };
        let mut whole = LiftDetector::new(profile());
        let mut expected = Vec::new();
        run(&mut whole, &steps, 0, 1, &mut expected);

        let k = split.index(steps.len() + 1);
        let mut first = LiftDetector::new(profile());
        let mut got = Vec::new();
        let t = run(&mut first, &steps[..k], 0, 1, &mut got);
        let mut restored: LiftDetector = if json {
            serde_json::from_str(&serde_json::to_string(&first).unwrap()).unwrap()
        } else {
            postcard::from_bytes(&postcard::to_allocvec(&first).unwrap()).unwrap()
        };
        run(&mut restored, &steps[k..], t, 1 + k as u64, &mut got);
        prop_assert_eq!(got, expected);
        prop_assert_eq!(restored, whole);
    }
}

#[test]
fn the_state_is_small() {
    let size = std::mem::size_of::<LiftDetector>();
    // Fixed part; the inspection spans and pending sessions are bounded vectors on the heap.
    assert!(size <= 320, "{size} bytes per lift");
}

fn test_call(ok: bool, at_ms: i64) -> Body {
    Body::Alarm(AlarmMessage {
        alarm_id: 1,
        stage: AlarmStage::TestCall { ok },
        floor: Some(1),
        at: Timestamp::from_millis(T0 + at_ms),
    })
}

/// EN 81-28's test call at least every 72 h, the use unit's duty to keep the alarm effective
/// (Hangzhou Reg. Art. 20(3); opinions item 8): 72 h exactly is on time, a millisecond more is
/// missing; a failed call is raised at once and cleared by a good one.
#[test]
fn test_calls_missing_after_72_hours_or_failed_are_raised() {
    let h = 3_600_000;
    let mut f = Feed::new();
    f.status(0, idle()).send(1000, test_call(true, 1000));
    f.tick(1000 + 72 * h);
    assert!(!f.raised().contains(&DetectedKind::TestCallMissing));
    f.tick(1000 + 72 * h + 1);
    assert!(f.raised().contains(&DetectedKind::TestCallMissing));
    let d = f
        .found
        .iter()
        .find(|d| d.kind == DetectedKind::TestCallMissing)
        .unwrap();
    assert!(d.source.contains("72 h") && d.source.contains("Art. 20(3)"));
    f.send(73 * h, test_call(false, 73 * h));
    assert!(f.raised().contains(&DetectedKind::TestCallFailed));
    assert!(f
        .found
        .iter()
        .any(|d| d.kind == DetectedKind::TestCallMissing && !d.raised));
    f.send(74 * h, test_call(true, 74 * h));
    assert!(f
        .found
        .iter()
        .any(|d| d.kind == DetectedKind::TestCallFailed && !d.raised));
    // A terminal that never made a test call: 72 h after its first frame.
    let mut never = Feed::new();
    never.status(0, idle());
    never.tick(72 * h);
    assert!(!never.raised().contains(&DetectedKind::TestCallMissing));
    never.tick(72 * h + 1);
    assert!(never.raised().contains(&DetectedKind::TestCallMissing));
}

/// Hangzhou Reg. Art. 28(4) and 20(9): a car running in normal service while a stop-use notice
/// stands.
#[test]
fn running_while_a_stop_use_notice_stands_is_raised() {
    let mut f = Feed::new();
    f.status(0, idle());
    let mut out = Vec::new();
    f.detector
        .set_stop_use(Some(Timestamp::from_millis(T0 + 500)), &mut out);
    f.status(1000, moving(1000, 1000));
    assert!(f.raised().contains(&DetectedKind::InServiceWhileStopped));
    let mut inspection = moving(2000, 300);
    inspection.mode = ServiceMode::Inspection;
    let mut g = Feed::new();
    g.detector
        .set_stop_use(Some(Timestamp::from_millis(T0)), &mut out);
    g.status(0, idle()).status(1000, inspection);
    assert!(
        g.raised().is_empty(),
        "a maintenance run in inspection mode is what stop-use allows"
    );
    f.detector.set_stop_use(None, &mut f.found);
    assert!(f
        .found
        .iter()
        .any(|d| d.kind == DetectedKind::InServiceWhileStopped && !d.raised));
}
