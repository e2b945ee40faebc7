//! Every [`Storage`] keeps the same contract: the embedded SQLite store and the PostgreSQL store
//! (a real server from Debian's package, started here on loopback) hold the same content after
//! the same run of the engine, a batch is written whole or not at all, a restart finds what was
//! committed, and a newer schema or a foreign checkpoint is refused.

use liftspec_model::record::Record;
use liftspec_platform::config::{Clock, Setup};
use liftspec_platform::engine::Engine;
use liftspec_platform::fleet::Fleet;
use liftspec_platform::store::{Batch, Storage, Store, StoredDetection};
use liftspec_platform::store_pg::PgStore;
use liftspec_protocol::wire;
use liftspec_sim::config::SimConfig;
use liftspec_sim::records::year_of_records;
use liftspec_sim::stream::Simulation;

#[path = "../../liftspec-cluster/tests/common/services.rs"]
mod services;

/// A small city with faults: its setup, frames as batches, and a year of records.
struct Run {
    setup: Setup,
    batches: Vec<Vec<(u64, Vec<u8>)>>,
    records: Vec<Record>,
}

fn city() -> Run {
    let d = SimConfig::default();
    let mut sim = Simulation::new(SimConfig {
        seed: 11,
        lifts: 40,
        duration_s: 3600,
        faults: d.faults.scaled(300.0),
        ..d
    })
    .unwrap();
    let city = sim.city().clone();
    let frames: Vec<_> = sim.by_ref().collect();
    let batches = frames
        .chunks(500)
        .map(|c| {
            c.iter()
                .map(|f| (u64::from(f.lift), f.bytes.clone()))
                .collect()
        })
        .collect();
    Run {
        setup: Setup {
            clock: Clock::Frames,
            ..Setup::new(Fleet::of_city(&city))
        },
        batches,
        records: year_of_records(&city, 2025, 11).records,
    }
}

/// What a store holds, in a form two stores can be compared by.
#[derive(Debug, PartialEq)]
struct Content {
    detections: Vec<StoredDetection>,
    states: Vec<(String, Vec<u8>)>,
    calls: Vec<(i64, String)>,
    records: Vec<String>,
    count: u64,
}

fn content(s: &dyn Storage) -> Content {
    let mut states: Vec<(String, Vec<u8>)> = s
        .states()
        .unwrap()
        .into_iter()
        .map(|(d, st)| (d, postcard::to_allocvec(&st).unwrap()))
        .collect();
    states.sort();
    Content {
        detections: s.detections(0, None, None, u32::MAX).unwrap(),
        states,
        calls: s.rescue_calls().unwrap(),
        records: s
            .records(None)
            .unwrap()
            .iter()
            .map(|r| serde_json::to_string(r).unwrap())
            .collect(),
        count: s.record_count().unwrap(),
    }
}

/// Runs the city through an engine on `store`; checks the reads every store must answer alike.
fn run_on(run: &Run, store: impl Storage + 'static) -> Engine {
    let mut engine = Engine::open(run.setup.clone(), store, &run.records).unwrap();
    for batch in &run.batches {
        let at = wire::peek(&batch[0].1).unwrap().sent_at;
        let done = engine.ingest(batch, at).unwrap();
        assert!(done.refused.is_empty(), "{:?}", done.refused);
    }
    let s = engine.store();
    let all = s.detections(0, None, None, u32::MAX).unwrap();
    assert!(all.len() > 5, "the city raises detections: {}", all.len());
    assert!(all.windows(2).all(|w| w[0].id < w[1].id), "ids increase");
    // The filters and the page.
    let device = all[0].device.clone();
    let of_device = s.detections(0, Some(&device), None, u32::MAX).unwrap();
    assert!(!of_device.is_empty() && of_device.iter().all(|d| d.device == device));
    let kind = format!("{:?}", all[0].detection.kind);
    let of_kind = s.detections(0, None, Some(&kind), u32::MAX).unwrap();
    assert!(of_kind
        .iter()
        .all(|d| format!("{:?}", d.detection.kind) == kind));
    let page = s.detections(all[1].id, None, None, 2).unwrap();
    assert_eq!(page, all[2..4].to_vec());
    // Records by lift.
    assert_eq!(s.record_count().unwrap(), run.records.len() as u64);
    let lift = liftspec_platform::store::lift_of(&run.records[0]).unwrap();
    let of_lift = s.records(Some(&lift)).unwrap();
    assert!(!of_lift.is_empty());
    assert!(of_lift
        .iter()
        .all(|r| liftspec_platform::store::lift_of(r).as_deref() == Some(lift.as_str())));
    engine
}

/// A batch is written whole or not at all: a reused idempotency key refuses the record and the
/// state written beside it.
fn all_or_nothing(s: &mut dyn Storage, record: &Record) {
    let count = s.record_count().unwrap();
    let answer = |key: &str| {
        (
            key.to_owned(),
            "POST /x {}".to_owned(),
            201,
            "{}".to_owned(),
        )
    };
    s.commit(&Batch {
        records: vec![record.clone()],
        answers: vec![answer("k-1")],
        ..Batch::default()
    })
    .unwrap();
    let a = s.answer("k-1").unwrap().unwrap();
    assert_eq!((a.request.as_str(), a.status), ("POST /x {}", 201));
    assert!(s.answer("k-2").unwrap().is_none());
    assert_eq!(s.record_count().unwrap(), count + 1);
    let err = s
        .commit(&Batch {
            records: vec![record.clone()],
            rescue_calls: vec![(1, "{}".into())],
            answers: vec![answer("k-1")],
            ..Batch::default()
        })
        .expect_err("a reused key refuses the batch");
    assert!(err.code().starts_with("store."), "{err}");
    assert_eq!(
        s.record_count().unwrap(),
        count + 1,
        "nothing of it written"
    );
}

#[test]
fn the_sqlite_and_the_postgresql_store_hold_the_same_after_the_same_run() {
    if !services::available() {
        return;
    }
    let dir = services::scratch("store-contract");
    let pg = services::Postgres::start(&dir);
    let run = city();

    let lite = run_on(&run, Store::open_in_memory().unwrap());
    let post = run_on(&run, PgStore::connect(&pg.url()).unwrap());
    let want = content(lite.store());
    assert_eq!(content(post.store()), want);
    assert_eq!(lite.boot(), 1);
    assert_eq!(post.boot(), 1);
    assert!(!lite.incidents().is_empty(), "the city traps passengers");
    assert_eq!(lite.incidents().len(), post.incidents().len());

    // A restart on PostgreSQL finds everything and counts the boot.
    drop(post);
    let post = Engine::open(
        run.setup.clone(),
        PgStore::connect(&pg.url()).unwrap(),
        &run.records,
    )
    .unwrap();
    assert_eq!(post.boot(), 2);
    assert_eq!(
        content(post.store()),
        want,
        "records are not imported twice"
    );
    drop(post);

    // All or nothing, on both.
    let record = &run.records[0];
    let mut sqlite = Store::open_in_memory().unwrap();
    all_or_nothing(&mut sqlite, record);
    let mut postgres = PgStore::connect(&pg.url()).unwrap();
    all_or_nothing(&mut postgres, record);
    assert_eq!(postgres.schema_version().unwrap(), 1);
    assert_eq!(sqlite.schema_version().unwrap(), 1);
}

#[test]
fn postgresql_refuses_a_newer_schema_and_a_foreign_checkpoint() {
    if !services::available() {
        return;
    }
    let dir = services::scratch("store-refusals");
    let pg = services::Postgres::start(&dir);
    let mut store = PgStore::connect(&pg.url()).unwrap();
    assert_eq!(store.boot().unwrap(), 1);
    let mut raw = postgres::Client::connect(&pg.url(), postgres::NoTls).unwrap();
    raw.execute(
        "insert into platform_device_state (device, version, state) values ('HZ-1', 99, '\\x00')",
        &[],
    )
    .unwrap();
    let err = store.states().err().unwrap();
    assert_eq!(err.code(), "store.bad_checkpoint");
    assert!(err.to_string().contains("format version 99"), "{err}");
    drop(store);
    raw.execute(
        "update platform_meta set value = 2 where key = 'schema'",
        &[],
    )
    .unwrap();
    let err = PgStore::connect(&pg.url()).err().unwrap();
    assert_eq!(err.code(), "store.newer_schema");
    // A server that is not there is an error with its code, not a panic.
    let err = PgStore::connect("postgresql://liftspec@127.0.0.1:1/liftspec")
        .err()
        .unwrap();
    assert_eq!(err.code(), "store.postgres");
}
