//! Load measurement: a simulated city's frames through (1) the in-memory pipeline, (2) the
//! durable engine in process (group commits into SQLite, no network), and (3) `liftspec serve`
//! over loopback TCP with one connection per terminal, end to end into the database, while
//! the rescue status endpoint is polled — all in one run, so the cost of durability and of the
//! network are visible side by side. Prints a Markdown table for the README.
//!
//! `cargo run --release -p liftspec-platform --example load -- [LIFTS] [HOURS]`

#[path = "../tests/common/http.rs"]
mod http;

use std::sync::mpsc;
use std::time::{Duration, Instant};

use liftspec_model::time::Timestamp;
use liftspec_platform::client::{link, LinkReport};
use liftspec_platform::config::{Clock, Config, Setup};
use liftspec_platform::engine::Engine;
use liftspec_platform::fleet::Fleet;
use liftspec_platform::gateway::Relay;
use liftspec_platform::pipeline::Pipeline;
use liftspec_platform::service::{run, Listening};
use liftspec_platform::store::Store;
use liftspec_protocol::wire;
use liftspec_sim::config::SimConfig;
use liftspec_sim::stream::Simulation;

fn main() {
    let mut args = std::env::args().skip(1);
    let lifts: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let hours: f64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1.0);
    let mut sim = Simulation::new(SimConfig {
        seed: 2020,
        lifts,
        duration_s: (hours * 3600.0) as u64,
        ..SimConfig::default()
    })
    .expect("a valid simulation");
    let city = sim.city().clone();
    let fleet = Fleet::of_city(&city);
    let frames: Vec<(u32, Vec<u8>)> = sim.by_ref().map(|f| (f.lift, f.bytes)).collect();
    let n = frames.len() as f64;
    let dir = std::env::temp_dir().join(format!("liftspec-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    eprintln!("{} frames of {lifts} lifts", frames.len());

    // (1) In memory.
    let mut pipeline = Pipeline::new(&fleet, Default::default());
    let t = Instant::now();
    for (_, f) in &frames {
        let at = wire::peek(f).map_or(Timestamp::from_millis(0), |p| p.sent_at);
        std::hint::black_box(pipeline.ingest(f, at));
    }
    let memory = n / t.elapsed().as_secs_f64();

    // (2) Durable, in process: batches as the service makes them under load.
    let setup = Setup {
        clock: Clock::Frames,
        ..Setup::new(fleet.clone())
    };
    let mut engine = Engine::open(
        setup.clone(),
        Store::open(&dir.join("engine.db")).expect("a database"),
        &[],
    )
    .expect("an engine");
    let batch: Vec<Vec<(u64, Vec<u8>)>> = frames
        .chunks(liftspec_platform::service::MAX_BATCH_FRAMES)
        .map(|c| c.iter().map(|(l, f)| (u64::from(*l), f.clone())).collect())
        .collect();
    let t = Instant::now();
    let mut commits = 0;
    for b in &batch {
        std::hint::black_box(
            engine
                .ingest(b, Timestamp::from_millis(0))
                .expect("a commit"),
        );
        commits += 1;
    }
    let durable_secs = t.elapsed().as_secs_f64();
    let durable = n / durable_secs;
    let state_bytes: usize = (0..fleet.lifts.len() as u32)
        .filter_map(|i| engine.pipeline().state(i))
        .map(|s| postcard::to_allocvec(s).map_or(0, |b| b.len()))
        .sum::<usize>()
        / fleet.lifts.len().max(1);
    drop(engine);

    // (2b) The same into PostgreSQL, when a server is named (`LIFTSPEC_LOAD_POSTGRES=URL`).
    let postgres = postgres_load(&setup, &batch).map(|secs| (n / secs, secs));

    // (3) The service over TCP, one connection per terminal, with the status endpoint polled.
    let config = Config {
        setup,
        records: Vec::new(),
        database: dir.join("serve.db"),
        postgres: None,
        terminals: "127.0.0.1:0".into(),
        http: "127.0.0.1:0".into(),
    };
    let (tx, rx) = mpsc::channel::<Listening>();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().expect("a runtime");
        let _ = rt.block_on(run(config, move |at| {
            let _ = tx.send(at);
        }));
    });
    let at = rx.recv().expect("the service listening");
    let (terminals, h) = (at.terminals.to_string(), at.http.to_string());
    let rescue_code = fleet.lifts[0]
        .equipment
        .rescue_code
        .clone()
        .expect("a rescue code");
    let r = http::post(
        &h,
        "/v1/rescue/reports",
        "load-1",
        &format!(r#"{{"rescueCode":"{rescue_code}"}}"#),
    );
    let incident = r.json()["incident"]
        .as_str()
        .expect("an incident")
        .to_owned();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime");
    let (senders, links): (Vec<_>, Vec<_>) = (0..city.lifts.len())
        .map(|i| {
            let relay = Relay::new(city.lifts[i].device.clone(), city.epoch(i), city.keys(i));
            let (tx, rx) = tokio::sync::mpsc::channel::<Vec<u8>>(8_192);
            (tx, rt.spawn(link(terminals.clone(), vec![relay], rx)))
        })
        .collect();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let poller = {
        let (stop, h, path) = (
            stop.clone(),
            h.clone(),
            format!("/v1/rescue/incidents/{incident}"),
        );
        std::thread::spawn(move || {
            let mut lat = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let t = Instant::now();
                let r = http::get(&h, &path);
                assert_eq!(r.status, 200, "{}", r.body);
                lat.push(t.elapsed());
                std::thread::sleep(Duration::from_millis(2));
            }
            lat
        })
    };
    let t = Instant::now();
    for (lift, f) in frames {
        senders[lift as usize]
            .blocking_send(f)
            .expect("a connection");
    }
    drop(senders);
    let mut total = LinkReport::default();
    for l in links {
        total = total.plus(rt.block_on(l).expect("a task").expect("a link").0);
    }
    let tcp_secs = t.elapsed().as_secs_f64();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut lat = poller.join().expect("the poller");
    lat.sort();
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 - 1.0) * p) as usize)
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    assert_eq!(total.acknowledged as f64, n, "every frame acknowledged");
    let stats = http::get(&h, "/v1/stats").json();
    println!("| path ({lifts} lifts, {} frames) | frames/s |", n as u64);
    println!("|---|---:|");
    println!("| in-memory pipeline (decode, verify, validate, sequence, detect) | {memory:.0} |");
    println!(
        "| durable engine in process ({commits} group commits into SQLite, `synchronous=FULL`) | {durable:.0} |"
    );
    if let Some((rate, _)) = postgres {
        println!(
            "| durable engine in process ({commits} group commits into PostgreSQL, one transaction each) | {rate:.0} |"
        );
    }
    println!(
        "| `liftspec serve` over loopback TCP, {} connections, every frame acknowledged after its commit ({} commits) | {:.0} |",
        city.lifts.len(),
        stats["commits"],
        n / tcp_secs
    );
    println!();
    println!(
        "Rescue status under that load: {} requests, median {:.2} ms, p99 {:.2} ms, max {:.2} ms. Checkpoint per lift: {state_bytes} bytes.",
        lat.len(),
        pct(0.5),
        pct(0.99),
        pct(1.0)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The durable engine on PostgreSQL: the seconds it took for `batches`, or `None` when no
/// server is named (or this build has no PostgreSQL store).
fn postgres_load(setup: &Setup, batches: &[Vec<(u64, Vec<u8>)>]) -> Option<f64> {
    let url = std::env::var("LIFTSPEC_LOAD_POSTGRES").ok()?;
    #[cfg(feature = "postgres")]
    {
        let store = liftspec_platform::store_pg::PgStore::connect(&url).expect("a database");
        let mut engine = Engine::open(setup.clone(), store, &[]).expect("an engine");
        let t = Instant::now();
        for b in batches {
            std::hint::black_box(
                engine
                    .ingest(b, Timestamp::from_millis(0))
                    .expect("a commit"),
            );
        }
        Some(t.elapsed().as_secs_f64())
    }
    #[cfg(not(feature = "postgres"))]
    {
        let _ = (url, setup, batches);
        eprintln!("LIFTSPEC_LOAD_POSTGRES is set, but this build has no `postgres` feature");
        None
    }
}
