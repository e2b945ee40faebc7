//! The replay entry point: a recorded mixed-device stream and the installations in, episodes
//! out, with sequencing, ticks and final maintenance verdicts handled.

mod common;

use common::feed::{idle, moving, profile, T0};
use liftspec_detect::detection::DetectedKind as K;
use liftspec_detect::lift::LiftDetector;
use liftspec_detect::replay::*;
use liftspec_detect::thresholds::Thresholds;
use liftspec_model::codes::ServiceMode;
use liftspec_model::time::Timestamp;
use liftspec_protocol::message::*;
use liftspec_protocol::wire::{self, DeviceId, Envelope};
use liftspec_sim::stream::Simulation;

fn device(n: u32) -> DeviceId {
    DeviceId::parse(&format!("HZ-{n}")).unwrap()
}

fn frame(dev: u32, epoch: u32, seq: u64, at: i64, body: Body) -> Recorded {
    Recorded {
        envelope: Envelope {
            device: device(dev),
            epoch,
            seq,
            sent_at: Timestamp::from_millis(T0 + at),
            body,
        },
        received_at: None,
    }
}

fn installations(n: u32) -> Vec<Installation> {
    (0..n)
        .map(|i| Installation {
            device: device(i),
            registration_code: None,
            profile: profile(),
        })
        .collect()
}

#[test]
fn duplicates_gaps_reboots_and_unknown_devices_are_reported_not_dropped_silently() {
    let stuck = Status {
        mode: ServiceMode::OutOfService,
        load_percent: Some(30),
        occupied: Some(true),
        ..idle()
    };
    let frames = vec![
        frame(0, 1, 1, 0, Body::Status(moving(500, 800))),
        frame(0, 1, 2, 1000, Body::Status(stuck.clone())),
        frame(0, 1, 2, 1000, Body::Status(stuck.clone())), // duplicate
        frame(0, 1, 1, 900, Body::Status(stuck.clone())),  // late duplicate
        frame(0, 1, 6, 2000, Body::Status(stuck.clone())), // 3 missing
        frame(0, 2, 1, 3000, Body::Status(stuck.clone())), // rebooted
        frame(9, 1, 1, 3000, Body::Status(idle())),        // no installation
        frame(1, 1, 1, 3000, Body::Status(idle())),
    ];
    let report = replay(frames, installations(2), Thresholds::default());
    let notices: Vec<(NoticeKind, u64)> =
        report.notices.iter().map(|n| (n.kind, n.count)).collect();
    assert_eq!(
        notices,
        vec![
            (NoticeKind::Duplicate, 1),
            (NoticeKind::Duplicate, 1),
            (NoticeKind::Gap, 3),
            (NoticeKind::NewEpoch, 1),
            (NoticeKind::UnknownDevice, 1),
        ]
    );
    assert_eq!(report.frames, 5);
    // The recording ends at 3 s: the emergency stop is open, trapped not yet (30 s).
    let kinds: Vec<K> = report.episodes.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, vec![K::EmergencyStop]);
    assert!(report.episodes[0].cleared_at.is_none());
}

#[test]
fn ticks_run_the_time_rules_and_episodes_open_and_close_once() {
    let stuck = Status {
        mode: ServiceMode::OutOfService,
        load_percent: Some(30),
        occupied: Some(true),
        ..idle()
    };
    let mut r = Replay::new(installations(2), Thresholds::default());
    r.push(frame(0, 1, 1, 0, Body::Status(moving(500, 800))));
    r.push(frame(0, 1, 2, 1000, Body::Status(stuck)));
    // The other lift keeps reporting; nothing comes from the trapped one for 10 minutes.
    for k in 0..120 {
        r.push(frame(1, 1, k + 1, k as i64 * 5000, Body::Status(idle())));
    }
    let trapped: Vec<&Episode> = r
        .episodes()
        .iter()
        .filter(|e| e.kind == K::TrappedAtLanding)
        .collect();
    assert_eq!(trapped.len(), 1, "raised by the tick, once");
    let latency = trapped[0].raised.detected_at.millis() - (T0 + 1000);
    assert!((30_000..=35_000).contains(&latency), "{latency}");
    // Released: the doors open, the episode closes once.
    let open = Status {
        front_door: liftspec_model::codes::DoorStatus::Opened,
        ..idle()
    };
    r.push(frame(0, 1, 3, 600_000, Body::Status(open)));
    let report = r.finish(Timestamp::from_millis(T0 + 700_000));
    let trapped: Vec<&Episode> = report
        .episodes
        .iter()
        .filter(|e| e.kind == K::TrappedAtLanding)
        .collect();
    assert_eq!(trapped.len(), 1);
    assert_eq!(
        trapped[0].cleared_at,
        Some(Timestamp::from_millis(T0 + 600_000))
    );
}

#[test]
fn maintenance_waiting_for_telemetry_is_judged_at_the_end() {
    let session = Body::MaintenanceSession(common::feed::session(60_000, 3_000_000));
    let frames = vec![
        frame(0, 1, 1, 0, Body::Status(idle())),
        frame(0, 1, 2, 1000, session),
    ];
    let report = replay(frames, installations(1), Thresholds::default());
    let kinds: Vec<K> = report.episodes.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, vec![K::UncorroboratedMaintenance]);
    assert_eq!(
        report.episodes[0].cleared_at,
        Some(report.episodes[0].raised.at)
    );
}

#[test]
fn a_wild_send_time_cannot_make_the_replay_tick_for_years() {
    let frames = vec![
        frame(0, 1, 1, 0, Body::Status(idle())),
        frame(0, 1, 2, 60 * 365 * 86_400_000, Body::Status(idle())),
    ];
    // 60 years of 5-second ticks would never finish; a day's do.
    let report = replay(frames, installations(1), Thresholds::default());
    assert_eq!(report.frames, 2);
    assert!(report
        .episodes
        .iter()
        .any(|e| e.kind == K::CommunicationLoss));
}

/// On a simulated city the replay finds what the hand-written loop finds: the same raised
/// detections, as episodes.
#[test]
fn the_replay_equals_the_hand_written_loop_on_a_simulated_city() {
    let config = liftspec_sim::config::SimConfig {
        lifts: 60,
        duration_s: 2 * 3600,
        faults: liftspec_sim::config::FaultRates::default().scaled(400.0),
        realism: Some(liftspec_sim::config::Realism::typical()),
        ..Default::default()
    };
    let mut sim = Simulation::new(config.clone()).unwrap();
    let city = sim.city().clone();
    let installs: Vec<Installation> = (0..city.lifts.len())
        .map(|i| {
            Installation::from_equipment(city.lifts[i].device.clone(), &city.equipment(i).unwrap())
        })
        .collect();
    let frames: Vec<Recorded> = sim
        .by_ref()
        .map(|f| Recorded {
            envelope: wire::decode(&f.bytes).unwrap().envelope,
            received_at: Some(f.at),
        })
        .collect();
    let end = config.start.millis() + config.duration_s as i64 * 1000;
    // The hand-written loop, as the accuracy test runs it.
    let th = Thresholds::default();
    let mut detectors: Vec<LiftDetector> = installs
        .iter()
        .map(|i| LiftDetector::new(i.profile))
        .collect();
    let mut expected = Vec::new();
    let mut next_tick = frames[0].received_at.unwrap().millis();
    let mut out = Vec::new();
    for f in &frames {
        let at = f.received_at.unwrap().millis();
        while next_tick <= at {
            for (i, d) in detectors.iter_mut().enumerate() {
                d.on_tick(Timestamp::from_millis(next_tick), &th, &mut out);
                expected.extend(
                    out.drain(..)
                        .filter(|x| x.raised)
                        .map(|x| (i, x.kind, x.at)),
                );
            }
            next_tick += Replay::TICK_MS;
        }
        let i = installs
            .iter()
            .position(|x| x.device == f.envelope.device)
            .unwrap();
        detectors[i].on_envelope(&f.envelope, f.received_at.unwrap(), &th, &mut out);
        expected.extend(
            out.drain(..)
                .filter(|x| x.raised)
                .map(|x| (i, x.kind, x.at)),
        );
    }
    let mut r = Replay::new(installs.clone(), th.clone());
    for f in frames {
        r.push(f);
    }
    let report = r.finish(Timestamp::from_millis(end));
    assert!(report.notices.is_empty(), "{:?}", report.notices);
    let got: Vec<_> = report
        .episodes
        .iter()
        .map(|e| {
            (
                installs.iter().position(|x| x.device == e.device).unwrap(),
                e.kind,
                e.raised.at,
            )
        })
        .collect();
    assert!(expected.len() > 20, "{}", expected.len());
    // The replay also ticks to the end and judges waiting sessions: it may find more, never
    // less, and never differently.
    assert_eq!(&got[..expected.len()], &expected[..]);
}

mod random {
    use super::*;
    use liftspec_model::codes::{DoorStatus, EventCode};
    use proptest::prelude::*;

    fn body() -> impl Strategy<Value = Body> {
        let status = (
            any::<bool>(),
            0u16..10,
            any::<bool>(),
            proptest::option::of(-2000i32..60_000),
            proptest::option::of(-3000i32..3000),
            prop_oneof![0u8..8, Just(128u8), Just(129u8), Just(200u8)],
            proptest::option::of(0u8..150),
            proptest::option::of(any::<bool>()),
            any::<bool>(),
        )
            .prop_map(
                |(moving, door, zone, pos, speed, mode, load, occupied, mains)| {
                    Body::Status(Status {
                        moving,
                        front_door: DoorStatus::from_code(door),
                        door_zone: zone,
                        position_mm: pos,
                        speed_mm_s: speed,
                        mode: ServiceMode::from_code(mode),
                        load_percent: load,
                        occupied,
                        mains_power: mains,
                        ..idle()
                    })
                },
            );
        let event = (
            prop_oneof![
                Just(11u16),
                Just(40),
                Just(90),
                Just(4),
                Just(3),
                0u16..2000
            ],
            0u8..3,
        )
            .prop_map(|(code, state)| {
                Body::Event(EventMessage {
                    code: EventCode::from_number(code),
                    state: match state {
                        0 => EventState::Raised,
                        1 => EventState::Cleared,
                        _ => EventState::Occurred,
                    },
                    floor: Some(1),
                    at: Timestamp::from_millis(T0),
                })
            });
        let heartbeat = Just(Body::Heartbeat(Heartbeat {
            uptime_s: 1,
            signal_dbm: -70,
            battery_percent: None,
            clock_offset_ms: 0,
        }));
        prop_oneof![6 => status, 2 => event, 1 => heartbeat]
    }

    proptest! {
        /// Any mix of devices, epochs, sequence numbers, times and bodies: no panic, and every
        /// frame is either run through a detector or reported.
        #[test]
        fn every_frame_is_run_or_reported(
            frames in proptest::collection::vec(
                (0u32..4, 1u32..3, 0u64..40, -100_000i64..4_000_000, body()),
                0..120,
            )
        ) {
            let n = frames.len() as u64;
            let mut r = Replay::new(installations(3), Thresholds::default());
            for (dev, epoch, seq, at, body) in frames {
                r.push(frame(dev, epoch, seq, at, body));
            }
            let report = r.finish(Timestamp::from_millis(T0 + 5_000_000));
            let skipped = report
                .notices
                .iter()
                .filter(|x| matches!(x.kind, NoticeKind::Duplicate | NoticeKind::UnknownDevice))
                .count() as u64;
            prop_assert_eq!(report.frames + skipped, n);
            for e in &report.episodes {
                prop_assert!(e.device != device(3));
            }
        }
    }
}

mod extremes {
    use super::*;
    use liftspec_detect::lift::LiftProfile;
    use proptest::prelude::*;

    proptest! {
        // Each case ticks through up to a day per frame: few cases are enough.
        #![proptest_config(ProptestConfig::with_cases(16))]

        /// Installations and frames at the ends of their ranges (a profile read from a file, a
        /// terminal's wild clock, a session claimed over centuries): never a panic.
        #[test]
        fn extreme_profiles_times_and_claims_never_panic(
            rated in any::<u32>(),
            bottom in any::<i32>(),
            top in any::<i32>(),
            escalator in any::<bool>(),
            times in proptest::collection::vec(any::<i64>(), 1..12),
            positions in proptest::collection::vec(any::<i32>(), 1..12),
            claim in (any::<i64>(), any::<i64>()),
        ) {
            let install = Installation {
                device: device(0),
                registration_code: None,
                profile: LiftProfile { rated_speed_mm_s: rated, bottom_mm: bottom, top_mm: top, escalator },
            };
            let mut r = Replay::new([install], Thresholds::default());
            for (k, (t, p)) in times.iter().zip(positions.iter().cycle()).enumerate() {
                let status = Status {
                    moving: k % 2 == 0,
                    position_mm: Some(*p),
                    speed_mm_s: Some(*p),
                    ..idle()
                };
                let mut f = frame(0, 1, k as u64 + 1, 0, Body::Status(status));
                f.envelope.sent_at = Timestamp::from_millis(*t);
                f.received_at = Some(Timestamp::from_millis(t.wrapping_mul(3)));
                r.push(f);
            }
            let mut session = common::feed::session(0, 0);
            session.started_at = Timestamp::from_millis(claim.0);
            session.ended_at = Timestamp::from_millis(claim.1);
            let mut f = frame(0, 1, 100, 0, Body::MaintenanceSession(session));
            f.envelope.sent_at = Timestamp::from_millis(claim.1);
            r.push(f);
            let _ = r.finish(Timestamp::from_millis(i64::MAX));
        }
    }
}
