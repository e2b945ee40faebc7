//! A crash at any point of the receive path loses nothing acknowledged and doubles nothing:
//! the engine is dropped mid-stream (once after a commit whose Acks never left, once with a
//! batch taken but never committed), reopened from its database, and the terminals send
//! again what was not acknowledged. The detections in the database then equal an in-memory
//! run of the same frames.

use std::collections::BTreeMap;

use liftspec_model::time::Timestamp;
use liftspec_platform::config::{Clock, Setup};
use liftspec_platform::engine::Engine;
use liftspec_platform::fleet::Fleet;
use liftspec_platform::gateway::Relay;
use liftspec_platform::pipeline::Pipeline;
use liftspec_platform::store::{Storage, Store};
use liftspec_protocol::wire;
use liftspec_sim::config::SimConfig;
use liftspec_sim::stream::Simulation;

type Key = (u32, String, bool, i64, i64);

fn key(lift: u32, d: &liftspec_detect::detection::Detection) -> Key {
    (
        lift,
        format!("{:?}", d.kind),
        d.raised,
        d.at.millis(),
        d.detected_at.millis(),
    )
}

#[test]
fn a_restarted_engine_gives_the_detections_of_one_uninterrupted_run() {
    let dir = std::env::temp_dir().join(format!("liftspec-engine-restart-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("platform.db");
    restart_equals_one_run(&|| Box::new(Store::open(&db).unwrap()));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The same crashes with the state in PostgreSQL (a real server, started here).
#[cfg(feature = "postgres")]
#[test]
fn a_restarted_engine_on_postgresql_gives_the_detections_of_one_uninterrupted_run() {
    if !services::available() {
        return;
    }
    let dir = services::scratch("engine-restart-pg");
    let pg = services::Postgres::start(&dir);
    let url = pg.url();
    restart_equals_one_run(&|| {
        Box::new(liftspec_platform::store_pg::PgStore::connect(&url).unwrap())
    });
}

#[cfg(feature = "postgres")]
#[path = "../../liftspec-cluster/tests/common/services.rs"]
mod services;

/// Drops the engine mid-stream twice (after a commit whose Acks never left; with a batch never
/// committed) and reopens it on `store()`; the detections equal one in-memory run.
fn restart_equals_one_run(store: &dyn Fn() -> Box<dyn Storage>) {
    let d = SimConfig::default();
    let config = SimConfig {
        seed: 11,
        lifts: 40,
        duration_s: 3600,
        faults: d.faults.scaled(300.0),
        ..d
    };
    let mut sim = Simulation::new(config).unwrap();
    let city = sim.city().clone();
    let fleet = Fleet::of_city(&city);
    let frames: Vec<_> = sim.by_ref().collect();

    // The reference: one in-memory pipeline on the frames' clock.
    let mut reference = Pipeline::new(&fleet, Default::default());
    let mut want: Vec<Key> = Vec::new();
    for f in &frames {
        let at = wire::peek(&f.bytes).unwrap().sent_at;
        for x in reference.ingest(&f.bytes, at).detections {
            want.push(key(x.lift, &x.detection));
        }
    }
    assert!(want.iter().any(|k| k.1.starts_with("Trapped")), "{want:?}");

    let setup = Setup {
        clock: Clock::Frames,
        ..Setup::new(fleet.clone())
    };
    let open = || Engine::open_boxed(setup.clone(), store(), &[]).unwrap();
    let mut relays: Vec<Relay> = (0..city.lifts.len())
        .map(|i| Relay::new(city.lifts[i].device.clone(), city.epoch(i), city.keys(i)))
        .collect();
    let mut engine = open();
    let wall = Timestamp::from_millis(0);
    let deliver = |engine: &mut Engine, relays: &mut Vec<Relay>, batch: &[(u64, Vec<u8>)]| {
        let done = engine.ingest(batch, wall).unwrap();
        assert!(done.refused.is_empty(), "{:?}", done.refused);
        for (conn, frame) in done.outbound {
            relays[conn as usize].take(&frame).unwrap();
        }
    };
    let batches: Vec<&[liftspec_sim::stream::SimFrame]> = frames.chunks(700).collect();
    let (crash_after_commit, crash_before_commit) = (batches.len() / 3, 2 * batches.len() / 3);
    for (n, chunk) in batches.iter().enumerate() {
        let batch: Vec<(u64, Vec<u8>)> = chunk
            .iter()
            .map(|f| {
                let seq = wire::peek(&f.bytes).unwrap().seq;
                relays[f.lift as usize].keep(seq, f.bytes.clone());
                (u64::from(f.lift), f.bytes.clone())
            })
            .collect();
        if n == crash_after_commit {
            // Committed, but the process dies before a single Ack leaves.
            engine.ingest(&batch, wall).unwrap();
        } else if n != crash_before_commit {
            deliver(&mut engine, &mut relays, &batch);
            continue;
        }
        // The crash (in the second case before the batch was even taken), and the restart:
        // every terminal sends again what was not acknowledged.
        drop(engine);
        engine = open();
        let again: Vec<(u64, Vec<u8>)> = relays
            .iter()
            .enumerate()
            .flat_map(|(i, r)| r.unacknowledged().map(move |(_, b)| (i as u64, b.to_vec())))
            .collect();
        assert!(!again.is_empty());
        deliver(&mut engine, &mut relays, &again);
    }
    assert!(relays.iter().all(|r| r.in_flight() == 0));
    assert_eq!(engine.boot(), 3);

    let stored = engine.store().detections(0, None, None, u32::MAX).unwrap();
    let got: Vec<Key> = stored.iter().map(|s| key(s.lift, &s.detection)).collect();
    // Per lift, in order: the interleaving of lifts differs after a resend, nothing else may.
    let per_lift = |ks: &[Key]| {
        let mut m: BTreeMap<u32, Vec<Key>> = BTreeMap::new();
        for k in ks {
            m.entry(k.0).or_default().push(k.clone());
        }
        m
    };
    assert_eq!(per_lift(&got), per_lift(&want));
    // Every entrapment opened (or merged into) an incident, and they survived both restarts.
    let trapped = want
        .iter()
        .filter(|k| k.1.starts_with("Trapped") && k.2)
        .count();
    assert!(!engine.incidents().is_empty() && engine.incidents().len() <= trapped);
}

/// On the wall clock the timer ticks every detector: a terminal that falls silent raises a
/// communication loss from the timer alone, committed with the device's checkpoint — so a
/// restart does not raise it again.
#[test]
fn on_the_wall_clock_the_timer_finds_a_silent_terminal_once_across_a_restart() {
    let mut sim = Simulation::new(SimConfig {
        seed: 4,
        lifts: 2,
        duration_s: 120,
        ..SimConfig::default()
    })
    .unwrap();
    let city = sim.city().clone();
    let fleet = Fleet::of_city(&city);
    let frames: Vec<_> = sim.by_ref().collect();
    let dir = std::env::temp_dir().join(format!("liftspec-engine-wall-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("platform.db");
    let setup = Setup::new(fleet);
    let open = || Engine::open(setup.clone(), Store::open(&db).unwrap(), &[]).unwrap();
    let mut engine = open();
    let t0 = frames.last().unwrap().at.millis();
    let batch: Vec<(u64, Vec<u8>)> = frames.iter().map(|f| (1, f.bytes.clone())).collect();
    let done = engine.ingest(&batch, Timestamp::from_millis(t0)).unwrap();
    assert!(done.refused.is_empty() && !done.outbound.is_empty());
    let silence = |e: &Engine| {
        e.store()
            .detections(0, None, Some("CommunicationLoss"), 100)
            .unwrap()
            .len()
    };
    // A day of silence: the timer raises the loss for both terminals.
    let later = Timestamp::from_millis(t0 + 86_400_000);
    engine.tick(later).unwrap();
    assert_eq!(silence(&engine), 2);
    drop(engine);
    let mut engine = open();
    engine
        .tick(Timestamp::from_millis(later.millis() + 1_000))
        .unwrap();
    assert_eq!(
        silence(&engine),
        2,
        "raised once, not again after the restart"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
