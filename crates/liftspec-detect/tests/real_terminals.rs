//! The ordinary behaviours of real terminals and real lifts (issue: detection on real
//! terminals): each alone raises nothing, and a real fault during the same behaviour is still
//! found. Boundaries are tested at the limit, one unit before and one after.

mod common;

use common::feed::*;
use liftspec_detect::detection::DetectedKind as K;
use liftspec_model::codes::{DoorStatus, EventCode, ServiceMode};
use liftspec_model::time::Timestamp;
use liftspec_protocol::message::*;

const MIN: i64 = 60_000;

fn stuck(load: Option<u8>, occupied: Option<bool>) -> Status {
    Status {
        mode: ServiceMode::OutOfService,
        load_percent: load,
        occupied,
        ..idle()
    }
}

fn with(f: impl FnOnce(&mut Status)) -> Status {
    let mut s = idle();
    f(&mut s);
    s
}

fn open_door() -> Status {
    with(|s| s.front_door = DoorStatus::Opened)
}

/// Idle statuses every `every` ms over `[from, to)`, with ticks every 5 s.
fn idle_for(f: &mut Feed, from: i64, to: i64, every: i64, s: &Status) {
    let mut t = from;
    while t < to {
        f.status(t, s.clone());
        let mut k = t;
        while k < (t + every).min(to) {
            f.tick(k);
            k += 5_000;
        }
        t += every;
    }
}

fn event(at: i64, code: u16, state: EventState) -> Body {
    Body::Event(EventMessage {
        code: EventCode::from_number(code),
        state,
        floor: Some(1),
        at: Timestamp::from_millis(T0 + at),
    })
}

// --- Sensor offsets -------------------------------------------------------------------------

#[test]
fn a_load_cell_offset_on_an_empty_car_is_not_a_passenger() {
    // The occupancy sensor says nobody, the load cell reads 6 %: an hour idle raises nothing.
    let offset = with(|s| {
        s.load_percent = Some(6);
        s.occupied = Some(false);
    });
    let mut f = Feed::new();
    idle_for(&mut f, 0, 60 * MIN, 3_000, &offset);
    assert!(f.raised().is_empty(), "{:?}", f.raised());
    // A stop out of service with the same offset and nobody inside: an emergency stop only.
    let mut f = Feed::new();
    f.status(0, moving(500, 800))
        .status(1000, stuck(Some(6), Some(false)))
        .tick(120_000);
    assert_eq!(f.raised(), vec![K::EmergencyStop]);
    // The same stop with someone inside (the sensor says so, the load barely moves): trapped.
    let mut f = Feed::new();
    f.status(0, moving(500, 800))
        .status(1000, stuck(Some(6), Some(true)))
        .tick(31_000);
    assert_eq!(f.raised(), vec![K::EmergencyStop, K::TrappedAtLanding]);
}

#[test]
fn without_an_occupancy_sensor_the_load_deadband_decides() {
    let trapped_at = |load: u8| {
        let mut f = Feed::new();
        f.status(0, moving(500, 800))
            .status(1000, stuck(Some(load), None))
            .tick(31_000);
        f.raised().contains(&K::TrappedAtLanding)
    };
    assert!(!trapped_at(7));
    assert!(!trapped_at(8), "at the deadband: empty");
    assert!(trapped_at(9), "one above: people");
    // A sensor saying nobody is overruled only by a load beyond 25 %.
    let overruled = |load: u8| {
        let mut f = Feed::new();
        f.status(0, moving(500, 800))
            .status(1000, stuck(Some(load), Some(false)))
            .tick(31_000);
        f.raised().contains(&K::TrappedAtLanding)
    };
    assert!(!overruled(25));
    assert!(overruled(26));
}

// --- Re-levelling ---------------------------------------------------------------------------

fn relevel(position: i32, speed: Option<i32>) -> Status {
    with(|s| {
        s.moving = true;
        s.front_door = DoorStatus::Opened;
        s.position_mm = Some(position);
        s.speed_mm_s = speed;
        s.load_percent = Some(40);
        s.occupied = Some(true);
    })
}

#[test]
fn relevelling_with_doors_open_in_the_zone_is_permitted() {
    // Passengers board, the ropes stretch 15 mm, the car re-levels at 80 mm/s.
    let mut f = Feed::new();
    f.status(0, moving(300, 500))
        .status(1000, idle())
        .status(1500, open_door())
        .status(4000, relevel(-15, Some(80)))
        .status(4300, relevel(0, Some(0)))
        .status(4600, open_door())
        .tick(10_000);
    assert!(f.raised().is_empty(), "{:?}", f.raised());
    // The limits: 300 mm/s and 200 mm from the stop are permitted; one more is not.
    let case = |position: i32, speed: Option<i32>| {
        let mut f = Feed::new();
        f.status(0, moving(300, 500))
            .status(1000, idle())
            .status(1500, open_door())
            .status(2000, relevel(position, speed));
        f.raised()
    };
    assert!(case(50, Some(300)).is_empty());
    assert_eq!(case(50, Some(301)), vec![K::MovingWithDoorOpen]);
    assert!(case(200, Some(100)).is_empty());
    assert_eq!(case(201, Some(100)), vec![K::MovingWithDoorOpen]);
    // Below the bottom landing it also overtravels.
    assert!(case(-201, Some(-100)).contains(&K::MovingWithDoorOpen));
    assert!(!case(-200, Some(-100)).contains(&K::MovingWithDoorOpen));
    // Outside the door zone it is never re-levelling.
    let mut f = Feed::new();
    let out_of_zone = Status {
        door_zone: false,
        ..relevel(20, Some(50))
    };
    f.status(0, idle())
        .status(500, open_door())
        .status(900, out_of_zone);
    assert_eq!(f.raised(), vec![K::MovingWithDoorOpen]);
}

#[test]
fn a_drift_during_relevelling_is_still_unintended_movement() {
    // The car re-levels, then keeps creeping away from the landing with the doors open.
    let mut f = Feed::new();
    f.status(0, idle())
        .status(500, open_door())
        .status(1000, relevel(20, Some(60)))
        .status(2000, relevel(120, Some(120)))
        .status(3000, relevel(260, Some(150)));
    assert_eq!(f.raised(), vec![K::MovingWithDoorOpen]);
    let d = &f.found[0];
    assert!(d
        .evidence
        .iter()
        .any(|e| e.field == "movedFromStopMm" && e.value == "260"));
    // Speed and position both unreported: it cannot be told from a drift, so it is raised.
    let mut f = Feed::new();
    let blind = Status {
        position_mm: None,
        ..relevel(0, None)
    };
    f.status(0, idle())
        .status(500, open_door())
        .status(1000, blind);
    assert_eq!(f.raised(), vec![K::MovingWithDoorOpen]);
}

// --- Inspection and maintenance runs --------------------------------------------------------

fn inspection(position: i32, speed: i32, moving_now: bool, zone: bool) -> Status {
    with(|s| {
        s.mode = ServiceMode::Inspection;
        s.moving = moving_now;
        s.position_mm = Some(position);
        s.speed_mm_s = Some(speed);
        s.door_zone = zone;
        s.load_percent = Some(9);
        s.occupied = Some(true);
    })
}

fn session(start: i64, end: i64) -> Body {
    Body::MaintenanceSession(common::feed::session(start, end))
}

/// A visit of six inspection spans of 4 minutes, each with a slow 90-second inspection run
/// stopping between floors, and a normal-service test run of 6 minutes between spans.
fn visit(f: &mut Feed, start: i64) -> i64 {
    let mut t = start;
    for _ in 0..6 {
        f.status(t, inspection(0, 0, false, true));
        for k in 1..=90 {
            f.status(t + k * 1000, inspection(k as i32 * 300, 300, true, false));
        }
        f.status(t + 91_000, inspection(27_000, 0, false, false));
        f.tick(t + 150_000);
        f.status(t + 200_000, inspection(27_000, 0, true, false));
        f.status(t + 240_000, inspection(27_000 + 20, 0, false, true));
        // Back to normal for a test run down to the bottom landing, doors cycling there.
        let test = t + 4 * MIN;
        f.status(test, with(|s| s.position_mm = Some(27_020)));
        for k in 1..=18 {
            f.status(test + k * 1000, moving(27_020 - k as i32 * 1500, -1500));
        }
        f.status(test + 19_000, idle());
        f.status(test + 20_000, open_door());
        f.status(test + 25_000, idle());
        f.tick(t + 9 * MIN);
        t += 10 * MIN;
    }
    f.status(t, idle());
    t
}

#[test]
fn inspection_runs_and_test_runs_during_a_visit_raise_nothing_and_corroborate_it() {
    let mut f = Feed::new();
    let end = visit(&mut f, 0);
    f.send(end, session(0, end)).tick(end + 60 * MIN);
    assert!(f.raised().is_empty(), "{:?}", f.raised());
    let verdict = f
        .detector
        .maintenance_verdict(&common::feed::session(0, end), &f.thresholds);
    assert!(verdict.overlap_percent >= 90, "{verdict:?}");
}

#[test]
fn faults_during_a_visit_and_fake_sessions_are_still_found() {
    // Overspeed during an inspection run.
    let mut f = Feed::new();
    f.status(0, inspection(0, 0, false, true))
        .status(1000, inspection(300, 2100, true, false));
    assert_eq!(f.raised(), vec![K::Overspeed]);
    // A normal run that overruns the limiter after the visit (54 m at 1.75 m/s: 41 s).
    let mut f = Feed::new();
    f.status(0, inspection(0, 0, false, true))
        .status(MIN, idle());
    for k in 0..=42 {
        f.status(2 * MIN + k * 1000, moving(k as i32 * 100, 100));
    }
    assert_eq!(f.raised(), vec![K::RunTimeout]);
    // The same slow run in inspection mode is exempt (EN 81-20 5.9.2.7).
    let mut f = Feed::new();
    for k in 0..=120 {
        f.status(k * 1000, inspection(k as i32 * 100, 100, true, false));
    }
    assert!(f.raised().is_empty(), "{:?}", f.raised());
    // A session claimed with no visit behind it.
    let mut f = Feed::new();
    idle_for(&mut f, 0, 60 * MIN, 5 * MIN, &idle());
    f.send(60 * MIN, session(5 * MIN, 55 * MIN));
    assert_eq!(f.raised(), vec![K::UncorroboratedMaintenance]);
}

#[test]
fn a_session_that_arrives_before_its_telemetry_is_judged_when_the_telemetry_catches_up() {
    // The technician's report reaches the platform before the terminal's buffered statuses.
    let mut f = Feed::new();
    f.status(0, idle());
    f.send(1000, session(10 * MIN, 50 * MIN));
    assert!(f.raised().is_empty(), "not judged yet");
    f.status(10 * MIN, inspection(0, 0, false, true))
        .status(50 * MIN, idle());
    assert!(f.raised().is_empty(), "{:?}", f.raised());
    // With no telemetry at all it is judged 15 minutes after it arrived (the tick), not before.
    let mut f = Feed::new();
    f.status(0, idle());
    f.send(1000, session(10 * MIN, 50 * MIN));
    f.status(5 * MIN, idle()).status(10 * MIN, idle());
    f.tick(1000 + 15 * MIN - 1);
    assert!(f.raised().is_empty());
    f.tick(1000 + 15 * MIN);
    assert_eq!(f.raised(), vec![K::UncorroboratedMaintenance]);
}

// --- Parking and service modes -------------------------------------------------------------

#[test]
fn a_car_parked_out_of_service_after_a_door_cycle_is_not_a_door_fault() {
    for parked in [ServiceMode::OutOfService, ServiceMode::Parking] {
        let mut f = Feed::new();
        f.status(0, moving(300, 500))
            .status(1000, idle())
            .status(1500, open_door())
            .status(5000, idle())
            .status(6000, with(|s| s.mode = parked));
        idle_for(
            &mut f,
            6000,
            8 * 60 * MIN,
            10 * MIN,
            &with(|s| s.mode = parked),
        );
        assert!(f.raised().is_empty(), "{parked:?}: {:?}", f.raised());
    }
    // The fault: the car arrives and its doors never open.
    let mut f = Feed::new();
    f.status(0, moving(300, 500))
        .status(1000, idle())
        .status(1000, stuck(Some(0), Some(false)))
        .tick(6000);
    assert_eq!(f.raised(), vec![K::DoorOpeningFault]);
    // A parked car with someone shut in who presses the alarm: trapped.
    let mut f = Feed::new();
    f.status(0, with(|s| s.mode = ServiceMode::Parking)).send(
        1000,
        Body::Alarm(AlarmMessage {
            alarm_id: 1,
            stage: AlarmStage::Raised,
            floor: Some(1),
            at: Timestamp::from_millis(T0 + 1000),
        }),
    );
    assert_eq!(f.raised(), vec![K::TrappedAtLanding]);
}

#[test]
fn independent_service_is_not_an_emergency_stop() {
    let independent = |moving_now: bool, door: DoorStatus| {
        with(|s| {
            s.mode = ServiceMode::IndependentService;
            s.moving = moving_now;
            s.front_door = door;
            s.door_zone = !moving_now;
            s.load_percent = Some(10);
            s.occupied = Some(true);
        })
    };
    let mut f = Feed::new();
    f.status(0, independent(true, DoorStatus::Closed))
        .status(3000, independent(false, DoorStatus::Closed))
        .status(4000, independent(false, DoorStatus::Opened));
    idle_for(
        &mut f,
        4000,
        20 * MIN,
        5 * MIN,
        &independent(false, DoorStatus::Opened),
    );
    assert!(f.raised().is_empty(), "{:?}", f.raised());
    // A run in independent service that ends out of service is one.
    let mut f = Feed::new();
    f.status(0, independent(true, DoorStatus::Closed))
        .status(3000, stuck(Some(10), Some(true)));
    assert_eq!(f.raised(), vec![K::EmergencyStop]);
}

// --- Reporting cadence ----------------------------------------------------------------------

fn register(heartbeats: bool) -> Body {
    let mut kinds = vec![MessageKind::Status.byte(), MessageKind::Event.byte()];
    if heartbeats {
        kinds.push(MessageKind::Heartbeat.byte());
    }
    Body::Register(Box::new(Register {
        lift: liftspec_model::id::RegistrationCode::parse("31103301062010050007").unwrap(),
        equipment_code: None,
        kind: liftspec_model::equipment::EquipmentKind::TractionPassenger,
        manufacturer: "91350100M000100Y43".parse().unwrap(),
        model: "X".into(),
        rated_load_kg: Some(1000),
        rated_speed_mm_s: 1750,
        lowest_floor: 1,
        highest_floor: 19,
        stops: 19,
        firmware: "1".into(),
        public_key: [7; 32],
        capabilities: Capabilities {
            kinds,
            load: true,
            speed: true,
            position: true,
            occupancy: true,
            voice: false,
        },
    }))
}

fn heartbeat() -> Body {
    Body::Heartbeat(Heartbeat {
        uptime_s: 1,
        signal_dbm: -70,
        battery_percent: None,
        clock_offset_ms: 0,
    })
}

#[test]
fn idle_reporting_every_few_seconds_with_jitter_raises_nothing() {
    let mut f = Feed::new();
    let mut t = 0;
    let mut k = 0i64;
    while t < 2 * 60 * MIN {
        f.status(t, idle());
        k += 1;
        t += 2_000 + (k * 7_919) % 3_000; // 2–5 s, irregular
        f.tick(t - 1);
    }
    assert!(f.raised().is_empty(), "{:?}", f.raised());
}

#[test]
fn an_entrapment_among_idle_reports_is_one_episode_found_in_time() {
    // The terminal repeats its status every 2–5 s; the car stops out of service with people.
    let stuck_status = stuck(Some(30), Some(true));
    let mut f = Feed::new();
    f.status(0, moving(500, 800))
        .status(1000, stuck_status.clone());
    let mut t = 1000;
    let mut k = 0i64;
    while t < 20 * MIN {
        k += 1;
        t += 2_000 + (k * 7_919) % 3_000;
        f.status(t, stuck_status.clone()).tick(t + 1);
    }
    let trapped: Vec<_> = f
        .found
        .iter()
        .filter(|d| d.raised && d.kind == K::TrappedAtLanding)
        .collect();
    assert_eq!(trapped.len(), 1);
    let latency = trapped[0].detected_at.millis() - (T0 + 1000);
    assert!((30_000..=36_000).contains(&latency), "{latency}");
}

#[test]
fn moving_reports_at_an_irregular_cadence_raise_nothing_and_overspeed_is_still_found() {
    // A 1.5 m/s run reported every 0.3–1.7 s, stamped when sampled.
    let mut f = Feed::new();
    f.status(0, idle());
    let (mut t, mut k) = (0i64, 0i64);
    while t < 20_000 {
        k += 1;
        t += 300 + (k * 523) % 1_400;
        f.status(t, moving((t * 3 / 2) as i32, 1500));
    }
    assert!(f.raised().is_empty(), "{:?}", f.raised());
    f.status(t + 700, moving(((t + 700) * 3 / 2) as i32, 2100));
    assert_eq!(f.raised(), vec![K::Overspeed]);
}

#[test]
fn heartbeats_off_a_quiet_night_is_not_a_communication_loss_but_a_day_is() {
    let mut f = Feed::new();
    f.send(0, register(false)).status(1, idle());
    let day = 86_400_000;
    f.tick(1 + day);
    assert!(f.raised().is_empty(), "at the limit: {:?}", f.raised());
    f.tick(2 + day);
    assert_eq!(f.raised(), vec![K::CommunicationLoss]);
    // No Register, no heartbeat in the first 11 minutes of traffic: heartbeats are off.
    let mut f = Feed::new();
    f.status(0, idle())
        .status(11 * MIN + 1, open_door())
        .status(11 * MIN + 5000, idle());
    f.tick(8 * 60 * MIN);
    assert!(f.raised().is_empty(), "{:?}", f.raised());
}

#[test]
fn the_silence_limit_follows_the_terminals_own_heartbeat_period() {
    // Heartbeats every 15 minutes: the limit is two periods plus a minute, 31 minutes.
    let mut f = Feed::new();
    f.send(0, register(true))
        .send(0, heartbeat())
        .send(15 * MIN, heartbeat());
    f.tick(15 * MIN + 31 * MIN);
    assert!(f.raised().is_empty());
    f.tick(15 * MIN + 31 * MIN + 1);
    assert_eq!(f.raised(), vec![K::CommunicationLoss]);
    // Every minute: the 11-minute floor holds.
    let mut f = Feed::new();
    f.send(0, heartbeat()).send(MIN, heartbeat()).tick(12 * MIN);
    assert!(f.raised().is_empty());
    f.tick(12 * MIN + 1);
    assert_eq!(f.raised(), vec![K::CommunicationLoss]);
}

#[test]
fn time_rules_run_on_ticks_and_statuses_without_heartbeats() {
    // Trapped, reported only on change: the tick raises it 30 s after the stop.
    let mut f = Feed::new();
    f.send(0, register(false))
        .status(0, moving(500, 800))
        .status(1000, stuck(Some(30), Some(true)));
    f.tick(30_999);
    assert_eq!(f.raised(), vec![K::EmergencyStop]);
    f.tick(31_000);
    assert_eq!(f.raised(), vec![K::EmergencyStop, K::TrappedAtLanding]);
    // A door held open, reported only on change: the status that closes it tells.
    let mut f = Feed::new();
    f.send(0, register(false)).status(0, open_door());
    f.tick(10 * MIN);
    assert!(
        f.raised().is_empty(),
        "a tick cannot tell it from a silent terminal"
    );
    f.status(200_000, idle());
    assert_eq!(f.raised(), vec![K::DoorHeldOpen]);
    assert!(!f.detector.is_active(K::DoorHeldOpen), "and it ended there");
    // Held open at the limit (2 minutes) and a millisecond short of it.
    let held = |ms: i64| {
        let mut f = Feed::new();
        f.status(0, open_door()).status(ms, idle());
        f.raised().contains(&K::DoorHeldOpen)
    };
    assert!(held(120_000));
    assert!(!held(119_999));
    // A terminal that went silent with the door open and came back: unknown, not raised.
    let mut f = Feed::new();
    f.status(0, open_door()).status(30 * MIN, idle());
    assert!(!f.raised().contains(&K::DoorHeldOpen), "{:?}", f.raised());
}

// --- Alarms sent as events ------------------------------------------------------------------

#[test]
fn an_alarm_sent_as_an_event_is_filtered_and_counts_as_trapped_evidence() {
    // Pressed at a landing with the door open: probably false (EN 81-28).
    let mut f = Feed::new();
    f.status(0, open_door())
        .send(10, event(10, 90, EventState::Raised));
    assert_eq!(f.raised(), vec![K::ProbableFalseAlarm]);
    // Pressed in a car stopped out of service between floors, no load reported: trapped now,
    // the same as an Alarm message.
    for body in [
        event(2000, 90, EventState::Raised),
        Body::Alarm(AlarmMessage {
            alarm_id: 1,
            stage: AlarmStage::Raised,
            floor: Some(1),
            at: Timestamp::from_millis(T0 + 2000),
        }),
    ] {
        let between = Status {
            door_zone: false,
            position_mm: Some(1500),
            ..stuck(None, None)
        };
        let mut f = Feed::new();
        f.status(0, moving(500, 800))
            .status(1000, between)
            .send(2000, body);
        assert_eq!(
            f.raised(),
            vec![K::StoppedOutsideDoorZone, K::TrappedBetweenFloors]
        );
        let trapped = f.found.last().unwrap();
        assert!(
            !trapped.evidence.iter().any(|e| e.field == "loadPercent"),
            "no invented load: {:?}",
            trapped.evidence
        );
    }
}

// --- Episodes, not flapping ----------------------------------------------------------------

#[test]
fn one_entrapment_in_normal_mode_is_raised_once_and_cleared_once() {
    // A car idle at a landing in normal mode with people behind closed doors for 12 minutes,
    // reporting every 2 s, the occupancy sensor flickering once.
    let shut = with(|s| {
        s.load_percent = Some(30);
        s.occupied = Some(true);
    });
    let mut f = Feed::new();
    let mut t = 0;
    while t < 12 * MIN {
        let s = if t == 6 * MIN {
            with(|s| s.occupied = Some(false))
        } else {
            shut.clone()
        };
        f.status(t, s).tick(t + 1000);
        t += 2000;
    }
    let raises = f.found.iter().filter(|d| d.raised).count();
    assert_eq!(raises, 1, "{:?}", f.raised());
    assert!(f.detector.is_active(K::TrappedAtLanding));
    // The doors open: cleared after 10 s of the condition gone, not before.
    f.status(t, open_door());
    f.tick(t + 9_999);
    assert!(f.detector.is_active(K::TrappedAtLanding));
    f.tick(t + 10_000);
    assert!(!f.detector.is_active(K::TrappedAtLanding));
    let clears = f.found.iter().filter(|d| !d.raised).count();
    assert_eq!(clears, 1);
}

#[test]
fn a_door_opening_fault_the_controller_clears_is_one_episode() {
    // Raised from telemetry; at the repair the controller clears its code 03, then reports
    // back to normal (40): one raise and one clear, not a second raise between the two.
    let mut f = Feed::new();
    f.status(0, moving(300, 500))
        .status(1000, idle())
        .status(1000, stuck(Some(0), Some(false)))
        .tick(6000);
    f.send(60_000, event(60_000, 3, EventState::Cleared));
    f.send(60_000, event(60_000, 40, EventState::Occurred));
    f.status(60_000, idle());
    let episodes: Vec<(K, bool)> = f.found.iter().map(|d| (d.kind, d.raised)).collect();
    assert_eq!(
        episodes,
        vec![(K::DoorOpeningFault, true), (K::DoorOpeningFault, false)]
    );
}

// --- Evidence states only what was seen -------------------------------------------------------

#[test]
fn evidence_holds_only_fields_the_terminal_reported() {
    let bare = Status {
        door_zone: false,
        position_mm: None,
        speed_mm_s: None,
        load_percent: None,
        occupied: Some(true),
        ..stuck(None, None)
    };
    let mut f = Feed::new();
    let run = Status {
        position_mm: None,
        speed_mm_s: None,
        ..moving(0, 0)
    };
    f.status(0, run).status(1000, bare).tick(31_000);
    assert_eq!(
        f.raised(),
        vec![K::StoppedOutsideDoorZone, K::TrappedBetweenFloors]
    );
    for d in &f.found {
        for e in &d.evidence {
            assert!(
                !matches!(e.field.as_str(), "positionMm" | "loadPercent" | "speedMmS"),
                "{:?}: {e:?}",
                d.kind
            );
        }
    }
}
