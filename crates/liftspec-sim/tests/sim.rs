//! Determinism, physical sanity, ground truth and configuration checks of the simulator.

use std::collections::{BTreeMap, BTreeSet};

use liftspec_model::codes::{DoorStatus, ServiceMode};
use liftspec_protocol::message::{Body, MessageKind};
use liftspec_protocol::wire;
use liftspec_sim::city::{City, HANGZHOU_BOUNDS};
use liftspec_sim::config::{ConfigError, Earthquake, SimConfig};
use liftspec_sim::fault::{FaultKind, GroundTruth};
use liftspec_sim::stream::{SimFrame, Simulation};

fn config(lifts: u32, duration_s: u64, fault_scale: f64) -> SimConfig {
    let d = SimConfig::default();
    SimConfig {
        lifts,
        duration_s,
        faults: d.faults.scaled(fault_scale),
        ..d
    }
}

fn run(config: SimConfig) -> (Simulation, Vec<SimFrame>, Vec<GroundTruth>) {
    let mut sim = Simulation::new(config).unwrap();
    let frames: Vec<SimFrame> = sim.by_ref().collect();
    let truth = sim.take_ground_truth();
    (sim, frames, truth)
}

#[test]
fn the_same_seed_gives_the_same_city_and_frames_byte_for_byte() {
    let a = City::generate(&config(300, 60, 1.0)).unwrap();
    let b = City::generate(&config(300, 60, 1.0)).unwrap();
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
    let (_, fa, ta) = run(config(60, 900, 50.0));
    let (_, fb, tb) = run(config(60, 900, 50.0));
    assert_eq!(fa, fb);
    assert_eq!(ta, tb);
    let other = SimConfig {
        seed: 7,
        ..config(60, 900, 50.0)
    };
    let (_, fc, _) = run(other);
    assert_ne!(fa, fc, "another seed, another city");
}

#[test]
fn the_city_is_inside_hangzhou_with_every_kind_and_age() {
    let city = City::generate(&config(3000, 60, 1.0)).unwrap();
    assert_eq!(city.lifts.len(), 3000);
    let kinds: BTreeSet<_> = city.lifts.iter().map(|l| l.kind).collect();
    assert!(kinds.len() >= 8, "{kinds:?}");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let ages: Vec<u32> = (0..city.lifts.len())
        .map(|i| city.equipment(i).unwrap().years_in_service(today))
        .collect();
    assert!(ages.iter().any(|a| *a < 2) && ages.iter().any(|a| *a >= 25));
    let built_up = city
        .buildings
        .iter()
        .filter(|b| b.location.built_up_area)
        .count();
    assert!(built_up > city.buildings.len() / 2 && built_up < city.buildings.len());
    for b in &city.buildings {
        assert!(HANGZHOU_BOUNDS.contains(b.location.point));
    }
    let codes: BTreeSet<_> = city
        .lifts
        .iter()
        .map(|l| l.registration_code.as_str())
        .collect();
    assert_eq!(
        codes.len(),
        city.lifts.len(),
        "registration codes are unique"
    );
    let rescue: BTreeSet<_> = city.lifts.iter().map(|l| l.rescue_code.as_str()).collect();
    assert_eq!(rescue.len(), city.lifts.len(), "rescue codes are unique");
    for unit in &city.maintenance_units {
        assert!(!unit.crews.is_empty() && !unit.stations.is_empty());
    }
}

/// Every frame in time order, authentic, numbered from 1 per lift, and valid against its own
/// installation (an escalator's two levels, not the building's floors), as the platform checks.
fn assert_valid(sim: &Simulation, frames: &[SimFrame]) {
    assert!(frames.windows(2).all(|w| w[0].at <= w[1].at));
    let mut last_seq: BTreeMap<u32, u64> = BTreeMap::new();
    let city = sim.city();
    for f in frames {
        let frame = wire::decode(&f.bytes).unwrap();
        let creds = city.keys(f.lift as usize).credentials();
        frame.verify(&f.bytes, &creds).unwrap();
        assert_eq!(frame.envelope.device, city.lifts[f.lift as usize].device);
        let prev = last_seq.insert(f.lift, f.seq).unwrap_or(0);
        assert_eq!(f.seq, prev + 1, "per-lift sequence numbers count up from 1");
        let eq = city.equipment(f.lift as usize).unwrap();
        let mut ctx = liftspec_protocol::validate::ValidationContext::new(
            eq.floors.lowest_floor(),
            eq.floors.highest_floor(),
            eq.rated_speed_mm_s,
            f.at,
        );
        ctx.max_skew_ms = 10 * 60_000;
        liftspec_protocol::validate::validate(&frame.envelope, &ctx).unwrap_or_else(|e| {
            panic!(
                "lift {} ({:?}): {:?}: {e}",
                f.lift, city.lifts[f.lift as usize].kind, frame.envelope.body
            )
        });
    }
}

#[test]
fn frames_are_in_time_order_authentic_valid_and_numbered() {
    let (sim, frames, _) = run(config(80, 1800, 100.0));
    assert_valid(&sim, &frames);
}

#[test]
fn lifts_and_escalators_come_back_from_a_power_cut_as_themselves() {
    // Regression: an escalator once came back from a power cut running as a car between the
    // building's floors, which the platform rejected as outside its two levels.
    let d = SimConfig::default();
    let only_power = d
        .faults
        .per_lift_day
        .iter()
        .map(|(k, _)| {
            (
                *k,
                if *k == FaultKind::PowerFailure {
                    0.5
                } else {
                    0.0
                },
            )
        })
        .collect();
    let c = SimConfig {
        lifts: 300,
        duration_s: 3 * 3600,
        faults: liftspec_sim::config::FaultRates {
            per_lift_day: only_power,
        },
        ..d
    };
    let (sim, frames, truth) = run(c);
    let escalators_cut = truth
        .iter()
        .filter(|t| t.kind == FaultKind::PowerFailure && t.end.is_some())
        .filter(|t| sim.city().lifts[t.lift as usize].kind.is_escalator_family())
        .count();
    assert!(escalators_cut > 0, "the scenario restores an escalator");
    assert_valid(&sim, &frames);
}

#[test]
fn cars_respect_rated_speed_and_floors_unless_a_fault_says_otherwise() {
    let (sim, frames, truth) = run(config(150, 3600, 0.0));
    assert!(truth.is_empty(), "no faults injected at scale 0");
    let city = sim.city();
    let mut arrivals = 0;
    for f in &frames {
        let env = wire::decode(&f.bytes).unwrap().envelope;
        if let Body::Status(s) = env.body {
            let lift = &city.lifts[f.lift as usize];
            let speed = s.speed_mm_s.unwrap_or(0).unsigned_abs();
            assert!(
                speed <= lift.rated_speed_mm_s + 1,
                "{speed} > {}",
                lift.rated_speed_mm_s
            );
            let floors = &city.building_of(f.lift as usize).unwrap().floors;
            assert!(floors.serves(s.floor) || lift.kind.is_escalator_family());
            if !s.moving && s.door_zone && s.front_door == DoorStatus::Opened {
                // A car standing with its door open is level (±10 mm) with a landing of its table.
                let pos = s.position_mm.unwrap();
                assert!(floors
                    .landings()
                    .iter()
                    .any(|l| (l.level_mm - pos).abs() <= 10));
                arrivals += 1;
            }
            assert!(!s.up_final_limit && !s.down_final_limit);
            assert!(s.mode == ServiceMode::Normal || s.mode == ServiceMode::Inspection);
        }
    }
    assert!(arrivals > 100, "{arrivals} door openings at landings");
}

#[test]
fn door_cycles_have_the_configured_timings() {
    let (_, frames, _) = run(config(100, 3600, 0.0));
    let cycles: Vec<_> = frames
        .iter()
        .filter(|f| f.kind == MessageKind::DoorCycle)
        .map(|f| match wire::decode(&f.bytes).unwrap().envelope.body {
            Body::DoorCycle(d) => d,
            _ => unreachable!(),
        })
        .collect();
    assert!(cycles.len() > 500);
    for d in &cycles {
        assert!((1500..=4500).contains(&d.opening_ms), "{}", d.opening_ms);
        assert!((1500..=5500).contains(&d.closing_ms), "{}", d.closing_ms);
        assert!(d.open_ms >= 1500);
    }
    let mean = cycles.iter().map(|d| f64::from(d.opening_ms)).sum::<f64>() / cycles.len() as f64;
    assert!((2200.0..3400.0).contains(&mean), "{mean}");
}

#[test]
fn every_fault_kind_is_injected_and_logged_with_its_signature() {
    let (sim, frames, truth) = run(config(400, 6 * 3600, 1000.0));
    let kinds: BTreeSet<FaultKind> = truth.iter().map(|t| t.kind).collect();
    let missing: Vec<_> = FaultKind::ALL
        .iter()
        .filter(|k| !kinds.contains(k))
        .collect();
    assert!(missing.is_empty(), "never injected: {missing:?}");
    let city = sim.city();
    for t in &truth {
        assert_eq!(city.lifts[t.lift as usize].device, t.device);
        if let Some(end) = t.end {
            assert!(end >= t.start, "{t:?}");
        }
    }
    let by_lift = |lift: u32| {
        frames
            .iter()
            .filter(move |f| f.lift == lift)
            .map(|f| (f.at, wire::decode(&f.bytes).unwrap().envelope.body))
    };
    // Overspeed shows as a status above 115 % of rated speed at its start.
    for t in truth.iter().filter(|t| t.kind == FaultKind::Overspeed) {
        let rated = city.lifts[t.lift as usize].rated_speed_mm_s as i32;
        assert!(by_lift(t.lift).any(|(at, b)| at == t.start
            && matches!(b, Body::Status(s) if s.speed_mm_s.unwrap().abs() * 100 > rated * 115)));
    }
    // Trapped passengers press the alarm button.
    for t in truth.iter().filter(|t| t.kind.traps_passengers()) {
        assert!(by_lift(t.lift).any(|(at, b)| at >= t.start && matches!(b, Body::Alarm(_))));
    }
    // A silent terminal sends nothing while silent.
    for t in truth
        .iter()
        .filter(|t| t.kind == FaultKind::TerminalSilence)
    {
        let end = t.end.map_or(i64::MAX, |e| e.millis());
        assert!(!by_lift(t.lift).any(|(at, _)| at.millis() > t.start.millis() && at.millis() < end));
    }
    // Overtravel opens the final limit switch.
    for t in truth.iter().filter(|t| t.kind == FaultKind::OvertravelTop) {
        assert!(by_lift(t.lift).any(|(_, b)| matches!(b, Body::Status(s) if s.up_final_limit)));
    }
    // A fake maintenance report has no inspection mode behind it.
    for t in truth
        .iter()
        .filter(|t| t.kind == FaultKind::FakeMaintenance)
    {
        // The claimed session (device clock) against the lift's statuses (device clock too).
        let claimed = frames
            .iter()
            .filter(|f| f.lift == t.lift && f.at == t.start)
            .find_map(|f| match wire::decode(&f.bytes).unwrap().envelope.body {
                Body::MaintenanceSession(m) => Some(m),
                _ => None,
            })
            .expect("the fake report is sent");
        let inspected = frames.iter().filter(|f| f.lift == t.lift).any(|f| {
            let env = wire::decode(&f.bytes).unwrap().envelope;
            env.sent_at >= claimed.started_at
                && env.sent_at <= claimed.ended_at
                && matches!(env.body, Body::Status(s) if s.mode == ServiceMode::Inspection)
        });
        assert!(!inspected, "no inspection mode behind a fake report");
    }
}

#[test]
fn real_maintenance_puts_the_lift_in_inspection_mode_first() {
    // A working day from 08:00 local: some of 300 lifts are due.
    let c = SimConfig {
        start: liftspec_model::time::Timestamp::from_millis(1_796_256_000_000),
        ..config(300, 10 * 3600, 0.0)
    };
    let (_, frames, _) = run(c);
    let sessions: Vec<_> = frames
        .iter()
        .filter(|f| f.kind == MessageKind::MaintenanceSession)
        .collect();
    assert!(!sessions.is_empty());
    for s in sessions {
        assert!(frames.iter().any(|f| f.lift == s.lift
            && f.at < s.at
            && matches!(wire::decode(&f.bytes).unwrap().envelope.body,
                Body::Status(st) if st.mode == ServiceMode::Inspection)));
    }
}

fn quake(share: f64) -> SimConfig {
    SimConfig {
        earthquake: Some(Earthquake {
            at_s: 600,
            tripped_share: share,
            reset_after_min: 20,
        }),
        ..config(150, 5400, 0.0)
    }
}

#[test]
fn an_earthquake_stops_tripped_lifts_until_they_are_reset() {
    use liftspec_protocol::message::EventMessage;
    let (sim, frames, _) = run(quake(1.0));
    let start = sim.config().start.millis();
    let shake = start + 600_000;
    let body = |f: &SimFrame| wire::decode(&f.bytes).unwrap().envelope.body;
    let code_of = |f: &SimFrame| match body(f) {
        Body::Event(EventMessage { code, .. }) => Some(code.number()),
        _ => None,
    };
    let mut tripped = 0;
    for (i, lift) in sim.city().lifts.iter().enumerate() {
        let mine: Vec<&SimFrame> = frames.iter().filter(|f| f.lift as usize == i).collect();
        let quake = mine.iter().find(|f| code_of(f) == Some(47));
        if lift.kind.is_escalator_family() {
            assert!(quake.is_none(), "escalators have no earthquake operation");
            continue;
        }
        let quake = quake.expect("every lift trips at share 1");
        tripped += 1;
        let at = quake.at.millis();
        // A running car finishes its run (and door cycle) first.
        assert!((shake..shake + 180_000).contains(&at), "lift {i} at {at}");
        let reset = mine
            .iter()
            .find(|f| f.at.millis() > at && code_of(f) == Some(40))
            .expect("reset to normal service");
        let held = reset.at.millis() - at;
        assert!((20 * 60_000..=40 * 60_000 + 1000).contains(&held), "{held}");
        for f in mine
            .iter()
            .filter(|f| f.at.millis() > at && f.at < reset.at)
        {
            if let Body::Status(st) = body(f) {
                assert_eq!(st.mode, ServiceMode::Earthquake);
                assert!(!st.moving, "no run in earthquake operation");
            }
        }
    }
    let lifts = sim
        .city()
        .lifts
        .iter()
        .filter(|l| !l.kind.is_escalator_family())
        .count();
    assert!(lifts > 50, "{lifts}");
    assert_eq!(tripped, lifts);
    // No detector trips, no event 47.
    let (_, calm, _) = run(quake(0.0));
    assert!(calm.iter().all(|f| code_of(f) != Some(47)));
}

fn cut(without_ard: f64) -> SimConfig {
    SimConfig {
        // 15:55 local on the default day; the power fails at 16:00.
        start: liftspec_model::time::Timestamp::from_millis(1_796_284_500_000),
        power_cut: Some(liftspec_sim::config::PowerCut {
            at_s: 300,
            share: 1.0,
            without_ard_share: without_ard,
            restore_after_min: 10,
        }),
        ..config(400, 1800, 0.0)
    }
}

#[test]
fn a_mass_power_cut_traps_passengers_in_cars_without_a_rescue_device() {
    let (sim, frames, truth) = run(cut(1.0));
    let at = sim.config().start.millis() + 300_000;
    let at_cut: Vec<&GroundTruth> = truth.iter().filter(|t| t.start.millis() == at).collect();
    let trapped: Vec<&&GroundTruth> = at_cut
        .iter()
        .filter(|t| t.kind == FaultKind::TrappedBetweenFloors)
        .collect();
    // Every lift loses power at once; the cars that were running with people stop with them.
    assert!(at_cut.len() >= 390, "{} lifts cut", at_cut.len());
    assert!(trapped.len() >= 5, "{} trapped", trapped.len());
    for t in &at_cut {
        assert!(matches!(
            t.kind,
            FaultKind::PowerFailure | FaultKind::TrappedBetweenFloors | FaultKind::TrappedAtLanding
        ));
        // Power returns after 10 to 20 minutes, which ends the fault.
        let held = t.end.expect("restored").millis() - at;
        assert!((600_000..=1_200_000).contains(&held), "{held}");
    }
    // The trapped cars report themselves stopped, out of mains, with people and closed doors.
    for t in &trapped {
        let seen = frames.iter().any(|f| {
            f.lift == t.lift
                && f.at.millis() == at
                && matches!(wire::decode(&f.bytes).unwrap().envelope.body,
                    Body::Status(s) if !s.moving && !s.mains_power && !s.door_zone
                        && s.front_door == DoorStatus::Closed && s.load_percent.is_some_and(|l| l > 0))
        });
        assert!(seen, "lift {}", t.lift);
    }
    assert_valid(&sim, &frames);
    // With automatic rescue devices everywhere, the cars reach a landing: nobody is held.
    let (_, _, truth) = run(cut(0.0));
    assert!(truth
        .iter()
        .filter(|t| t.start.millis() == at)
        .all(|t| t.kind == FaultKind::PowerFailure));
}

#[test]
fn invalid_configurations_are_rejected_precisely() {
    let cases: Vec<(SimConfig, &str)> = vec![
        (config(0, 60, 1.0), "sim.config.out_of_range"),
        (config(2_000_000, 60, 1.0), "sim.config.city_too_large"),
        (config(10, 0, 1.0), "sim.config.out_of_range"),
        (
            SimConfig {
                controller_reports: 1.5,
                ..config(10, 60, 1.0)
            },
            "sim.config.out_of_range",
        ),
        (
            SimConfig {
                controller_reports: f64::NAN,
                ..config(10, 60, 1.0)
            },
            "sim.config.out_of_range",
        ),
        (
            SimConfig {
                duration_s: 600,
                ..quake(0.5)
            },
            "sim.config.out_of_range",
        ),
        (quake(1.01), "sim.config.out_of_range"),
        // A start in 1970 would commission lifts before registration codes' 1950 (a fuzz
        // finding: it used to panic).
        (
            SimConfig {
                start: liftspec_model::time::Timestamp::from_millis(36),
                ..config(6, 3, 1.0)
            },
            "sim.config.out_of_range",
        ),
    ];
    for (c, code) in cases {
        let err = Simulation::new(c).unwrap_err();
        assert_eq!(err.code(), code, "{err}");
    }
    let mut c = config(10, 60, 1.0);
    c.faults.per_lift_day[3].1 = -0.1;
    assert_eq!(
        c.validate().unwrap_err(),
        ConfigError::OutOfRange {
            field: "faults.perLiftDay[3]".into(),
            value: -0.1,
            allowed: "[0, 1]"
        }
    );
    c.faults.per_lift_day[3] = c.faults.per_lift_day[0];
    assert_eq!(
        c.validate().unwrap_err().code(),
        "sim.config.duplicate_fault"
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(40))]

        /// Any configuration is either rejected with an error or simulated without a panic.
        #[test]
        fn any_configuration_is_rejected_or_simulated(
            seed in any::<u64>(),
            lifts in prop_oneof![0u32..40, Just(u32::MAX)],
            duration_s in prop_oneof![0u64..900, Just(u64::MAX)],
            moving_status_ms in 0u32..5000,
            heartbeat_s in 0u32..1000,
            statistics_s in 0u32..5000,
            controller_reports in prop_oneof![-1.0f64..2.0, Just(f64::NAN)],
            peak in prop_oneof![-10.0f64..700.0, Just(f64::INFINITY)],
            scale in 0.0f64..2000.0,
        ) {
            let d = SimConfig::default();
            let config = SimConfig {
                seed, lifts, duration_s, moving_status_ms, heartbeat_s, statistics_s,
                controller_reports, peak_trips_per_hour: peak, faults: d.faults.scaled(scale), ..d
            };
            match Simulation::new(config.clone()) {
                Ok(sim) => {
                    prop_assert!(config.validate().is_ok());
                    let mut last = None;
                    for f in sim {
                        prop_assert!(last.is_none_or(|l| l <= f.at));
                        last = Some(f.at);
                    }
                }
                Err(e) => prop_assert!(e.code().starts_with("sim.config.")),
            }
        }
    }
}

#[test]
fn frames_written_as_a_stream_and_truth_as_json_lines_read_back() {
    use liftspec_protocol::framing::{Deframed, Deframer};
    let (_, frames, truth) = run(config(30, 1800, 300.0));
    let mut file = Vec::new();
    let written = liftspec_sim::stream::write_stream(&mut file, frames.clone()).unwrap();
    assert_eq!(written as usize, file.len());
    let mut deframer = Deframer::new(20_000);
    let read: Vec<Vec<u8>> = deframer
        .push_slice(&file)
        .into_iter()
        .map(|d| match d {
            Deframed::Frame(b) => b,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        read,
        frames.iter().map(|f| f.bytes.clone()).collect::<Vec<_>>()
    );
    let mut lines = Vec::new();
    liftspec_sim::stream::write_ground_truth(&mut lines, &truth).unwrap();
    let back: Vec<GroundTruth> = String::from_utf8(lines)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(back, truth);
    assert!(!truth.is_empty());
}

/// The `sim_config` fuzz target's property on its committed regressions and seeds, under plain
/// `cargo test` (the 1970 start once panicked).
#[test]
fn fuzz_regressions_and_seeds_replay() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut replayed = 0;
    for dir in ["regressions/sim_config", "seeds/sim_config"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap().flatten() {
            let data = std::fs::read(entry.path()).unwrap();
            replayed += 1;
            let Ok(config) = serde_json::from_slice::<liftspec_sim::config::SimConfig>(&data)
            else {
                continue;
            };
            if config.validate().is_err() || config.lifts > 20 || config.duration_s > 600 {
                continue;
            }
            if let Ok(sim) = liftspec_sim::stream::Simulation::new(config) {
                for frame in sim {
                    assert!(liftspec_protocol::wire::decode(&frame.bytes).is_ok());
                }
            }
        }
    }
    assert!(replayed >= 3);
}

fn realistic(lifts: u32, duration_s: u64, fault_scale: f64) -> SimConfig {
    SimConfig {
        // 2026-12-03 20:00 Asia/Shanghai: the night and the morning.
        start: liftspec_model::time::Timestamp::from_millis(1_796_299_200_000),
        realism: Some(liftspec_sim::config::Realism::typical()),
        ..config(lifts, duration_s, fault_scale)
    }
}

/// Realism brings every behaviour it names, seeded: the same configuration gives the same
/// frames, the frames stay authentic, valid and numbered, and a run without realism is what it
/// was (realism draws from its own random stream).
#[test]
fn realism_shows_every_behaviour_and_stays_deterministic() {
    let (sim, frames, _) = run(realistic(200, 12 * 3600, 300.0));
    assert_valid(&sim, &frames);
    let (_, again, _) = run(realistic(200, 12 * 3600, 300.0));
    assert_eq!(frames, again);
    let mut seen: BTreeMap<&str, u32> = BTreeMap::new();
    let mut idle_gaps: BTreeMap<u32, (i64, u32)> = BTreeMap::new();
    for f in &frames {
        let env = wire::decode(&f.bytes).unwrap().envelope;
        let what = match &env.body {
            Body::Register(r)
                if !r
                    .capabilities
                    .kinds
                    .contains(&MessageKind::Heartbeat.byte()) =>
            {
                "register without heartbeats"
            }
            Body::Register(r) if !r.capabilities.occupancy => "register without occupancy sensor",
            Body::Status(s) if s.mode == ServiceMode::Parking => "parking 128",
            Body::Status(s) if s.mode == ServiceMode::OutOfService && !s.moving => "out of service",
            Body::Status(s) if s.mode == ServiceMode::IndependentService => "independent 129",
            Body::Status(s) if s.mode == ServiceMode::Inspection && s.moving => "inspection run",
            Body::Status(s) if s.moving && s.door_zone && s.front_door == DoorStatus::Opened => {
                "re-levelling"
            }
            Body::Status(s) if s.occupied == Some(false) && s.load_percent > Some(0) => {
                "load offset"
            }
            Body::Status(s) if !s.moving => {
                let e = idle_gaps.entry(f.lift).or_insert((f.at.millis(), 0));
                if f.at.millis() - e.0 <= 6_000 {
                    e.1 += 1;
                }
                e.0 = f.at.millis();
                "idle status"
            }
            Body::Event(e) if e.code.number() == 90 => "alarm as event 90",
            _ => "other",
        };
        *seen.entry(what).or_default() += 1;
    }
    for what in [
        "register without heartbeats",
        "register without occupancy sensor",
        "parking 128",
        "out of service",
        "independent 129",
        "inspection run",
        "re-levelling",
        "load offset",
        "alarm as event 90",
    ] {
        assert!(seen.get(what).copied().unwrap_or(0) > 0, "{what}: {seen:?}");
    }
    assert!(
        idle_gaps.values().filter(|(_, n)| *n > 100).count() > 10,
        "terminals reporting every few seconds while idle"
    );
    // Without realism, nothing of it.
    let (_, plain, _) = run(SimConfig {
        realism: None,
        ..realistic(50, 3600, 0.0)
    });
    assert!(plain.iter().all(|f| f.kind != MessageKind::Register));
}

#[test]
fn realism_settings_are_validated() {
    let bad = |f: fn(&mut liftspec_sim::config::Realism)| {
        let mut r = liftspec_sim::config::Realism::typical();
        f(&mut r);
        SimConfig {
            realism: Some(r),
            ..SimConfig::default()
        }
        .validate()
        .unwrap_err()
    };
    let e = bad(|r| r.relevel_chance = 1.5);
    assert_eq!(e.code(), "sim.config.out_of_range");
    assert!(e.to_string().contains("realism.relevelChance"), "{e}");
    assert!(bad(|r| r.idle_status_ms = 999)
        .to_string()
        .contains("idleStatusMs"));
    assert!(bad(|r| r.jitter_ms = 2_001)
        .to_string()
        .contains("jitterMs"));
    assert!(bad(|r| r.load_noise_percent = f64::NAN)
        .to_string()
        .contains("loadNoisePercent"));
    assert!(SimConfig {
        realism: Some(liftspec_sim::config::Realism::typical()),
        ..SimConfig::default()
    }
    .validate()
    .is_ok());
}
