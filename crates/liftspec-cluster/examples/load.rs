//! Load measurement of the sharded platform, in one run: a simulated city's frames through
//! (1) the in-process pipeline on one thread — the peer; (2) publishing into the JetStream
//! frames stream as the ingest edge batches them; (3) 1, 2 and 4 workers draining the stream
//! into PostgreSQL checkpoints, each worker a single-threaded runtime of its own (as a process
//! would be). nats-server and PostgreSQL are real, started here on loopback. Prints a Markdown
//! table for the README, and the figures the sizing paragraph is derived from.
//!
//! `cargo run --release -p liftspec-cluster --example load -- [LIFTS] [MINUTES]`
//!
//! `LOAD_WORKERS=1,1,2,4` (the default) lists the runs, the first a warm-up not reported;
//! `LOAD_TRACE=1` prints the frames committed as the runs go.

#[path = "../tests/common/services.rs"]
mod services;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use liftspec_cluster::jet::{self, Retention};
use liftspec_cluster::message::{subject, FrameBatch};
use liftspec_cluster::node::Node;
use liftspec_cluster::partition::Partitions;
use liftspec_cluster::{pg, worker};
use liftspec_model::time::Timestamp;
use liftspec_platform::config::{Clock, Setup};
use liftspec_platform::fleet::Fleet;
use liftspec_platform::pipeline::Pipeline;
use liftspec_protocol::wire;
use liftspec_sim::config::SimConfig;
use liftspec_sim::stream::Simulation;

const PARTITIONS: u32 = 64;

fn main() {
    assert!(
        services::available(),
        "nats-server and PostgreSQL are needed"
    );
    let mut args = std::env::args().skip(1);
    let lifts: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(2000);
    let minutes: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(30);
    let mut sim = Simulation::new(SimConfig {
        seed: 2020,
        lifts,
        duration_s: minutes * 60,
        ..SimConfig::default()
    })
    .expect("a valid simulation");
    let fleet = Fleet::of_city(sim.city());
    let frames: Vec<Vec<u8>> = sim.by_ref().map(|f| f.bytes).collect();
    let n = frames.len() as u64;
    let bytes: usize = frames.iter().map(Vec::len).sum();
    eprintln!("{n} frames of {lifts} lifts over {minutes} virtual minutes");

    // (1) The peer: the in-process pipeline, one thread.
    let mut pipeline = Pipeline::new(&fleet, Default::default());
    let t = Instant::now();
    let mut detections = 0usize;
    for f in &frames {
        let at = wire::peek(f).map_or(Timestamp::from_millis(0), |p| p.sent_at);
        detections += pipeline.ingest(f, at).detections.len();
    }
    let memory = n as f64 / t.elapsed().as_secs_f64();

    // The machine's own ceiling for two of anything: the same pipeline, the devices split in
    // two, on two threads at once, no I/O at all.
    let two = Partitions::new(2).unwrap();
    let halves: Vec<Vec<&Vec<u8>>> = (0..2)
        .map(|h| {
            frames
                .iter()
                .filter(|f| wire::peek(f).map_or(h == 0, |i| two.of(&i.device) == h))
                .collect()
        })
        .collect();
    let t = Instant::now();
    std::thread::scope(|s| {
        for half in &halves {
            let fleet = &fleet;
            s.spawn(move || {
                let mut p = Pipeline::new(fleet, Default::default());
                for f in half {
                    let at = wire::peek(f).map_or(Timestamp::from_millis(0), |p| p.sent_at);
                    std::hint::black_box(p.ingest(f, at));
                }
            });
        }
    });
    let two_threads = n as f64 / t.elapsed().as_secs_f64();

    let dir = services::scratch("cluster-load");
    let nats = services::Nats::start(&dir);
    let pgs = services::Postgres::start(&dir);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let partitions = Partitions::new(PARTITIONS).unwrap();

    // (2) Publish as the edge does: by partition, up to 2,048 frames a message.
    let (publish, messages) = rt.block_on(async {
        let (_, ctx) = jet::connect(&nats.url(), Duration::from_secs(10))
            .await
            .unwrap();
        jet::ensure_streams(&ctx, Retention::default())
            .await
            .unwrap();
        let mut by_partition: Vec<Vec<(u64, Vec<u8>)>> = vec![Vec::new(); PARTITIONS as usize];
        let t = Instant::now();
        let mut acks = Vec::new();
        let mut messages = 0u64;
        for f in &frames {
            let p = wire::peek(f).map(|i| partitions.of(&i.device)).unwrap_or(0);
            let b = &mut by_partition[p as usize];
            b.push((1, f.clone()));
            if b.len() == liftspec_cluster::ingest::BATCH_FRAMES {
                let body = FrameBatch {
                    edge: "load".into(),
                    frames: std::mem::take(b),
                }
                .encode();
                acks.push(ctx.publish(subject::frames(p), body.into()).await.unwrap());
                messages += 1;
            }
        }
        for (p, b) in by_partition.into_iter().enumerate() {
            if !b.is_empty() {
                let body = FrameBatch {
                    edge: "load".into(),
                    frames: b,
                }
                .encode();
                acks.push(
                    ctx.publish(subject::frames(p as u16), body.into())
                        .await
                        .unwrap(),
                );
                messages += 1;
            }
        }
        for a in acks {
            a.await.unwrap();
        }
        (n as f64 / t.elapsed().as_secs_f64(), messages)
    });

    // (3) Workers draining the stream, each run into a fresh database.
    let setup = Arc::new(Setup {
        clock: Clock::Frames,
        ..Setup::new(fleet)
    });
    let mut rows = Vec::new();
    let mut state_bytes = 0.0;
    // The first run warms the stream's files and the database's caches: not reported.
    let plan: Vec<usize> = std::env::var("LOAD_WORKERS")
        .ok()
        .map(|v| v.split(',').filter_map(|w| w.parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 1, 2, 4]);
    for (run, workers) in plan.into_iter().enumerate() {
        let db = format!("load{run}");
        let admin = pgs.url_of("postgres");
        rt.block_on(async {
            let (c, conn) = tokio_postgres::connect(&admin, tokio_postgres::NoTls)
                .await
                .unwrap();
            tokio::spawn(conn);
            c.batch_execute(&format!("create database {db}"))
                .await
                .unwrap();
        });
        let url = pgs.url_of(&db);
        let stop = Arc::new(AtomicBool::new(false));
        let ready = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let threads: Vec<_> = (0..workers)
            .map(|w| {
                let node = Node {
                    nats: nats.url(),
                    postgres: url.clone(),
                    name: format!("w{w}"),
                    partitions,
                    retention: Retention::default(),
                };
                let (setup, stop, ready) = (setup.clone(), stop.clone(), ready.clone());
                std::thread::spawn(move || {
                    tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap()
                        .block_on(worker::run(setup, node, stop, move || {
                            ready.fetch_add(1, Ordering::SeqCst);
                        }))
                        .unwrap();
                })
            })
            .collect();
        // Timed from when every worker is connected (a start's cost is not a frame's).
        while ready.load(Ordering::SeqCst) < workers {
            std::thread::sleep(Duration::from_millis(1));
        }
        let t = Instant::now();
        let cpu0 = cpu_secs();
        let others0 = (cpu_of("nats-server"), cpu_of("postgres"));
        // Steady state: from a tenth committed to nine tenths (a start's consumers and leases,
        // and the last partitions' tail, are not a frame's cost); and the whole drain.
        let (secs, steady, state) = rt.block_on(async {
            let db = pg::connect(&url).await.unwrap();
            let (mut t10, mut t90) = (None, None);
            loop {
                let done = pg::frames_committed(&db).await.unwrap();
                if std::env::var_os("LOAD_TRACE").is_some() {
                    eprintln!("{:.2} s: {done}", t.elapsed().as_secs_f64());
                }
                if done >= n / 10 && t10.is_none() {
                    t10 = Some((Instant::now(), done));
                }
                if done >= n * 9 / 10 && t90.is_none() {
                    t90 = Some((Instant::now(), done));
                }
                if done >= n {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            let secs = t.elapsed().as_secs_f64();
            let steady = match (t10, t90) {
                (Some((a, x)), Some((b, y))) if b > a => (y - x) as f64 / (b - a).as_secs_f64(),
                _ => n as f64 / secs,
            };
            let avg: f64 = db
                .query_one("select avg(length(state))::float8 from device_state", &[])
                .await
                .unwrap()
                .get(0);
            (secs, steady, avg)
        });
        state_bytes = state;
        eprintln!(
            "{workers} worker(s): {secs:.2} s; cores busy: {:.2} workers, {:.2} nats-server, {:.2} postgres",
            (cpu_secs() - cpu0) / secs,
            (cpu_of("nats-server") - others0.0) / secs,
            (cpu_of("postgres") - others0.1) / secs,
        );
        stop.store(true, Ordering::Relaxed);
        for t in threads {
            t.join().unwrap();
        }
        if run > 0 {
            rows.push((workers, steady, n as f64 / secs));
        }
    }

    let one = rows.iter().find(|r| r.0 == 1).map_or(rows[0].1, |r| r.1);
    let one_whole = rows.iter().find(|r| r.0 == 1).map_or(rows[0].2, |r| r.2);
    println!("| path | frames/s | per frame | vs in-process |");
    println!("|---|---:|---:|---:|");
    println!(
        "| in-process pipeline, one thread (peer) | {memory:.0} | {:.2} µs | 1.00× |",
        1e6 / memory
    );
    println!(
        "| in-process pipeline, two threads (the machine's ceiling) | {two_threads:.0} | {:.2} µs | {:.2}× ({:.2}× one thread) |",
        1e6 / two_threads,
        memory / two_threads,
        two_threads / memory
    );
    println!(
        "| publish to JetStream, batched by partition | {publish:.0} | {:.2} µs | {:.2}× |",
        1e6 / publish,
        memory / publish
    );
    for (w, r, whole) in &rows {
        println!(
            "| {w} worker{} (stream → shards → PostgreSQL), steady state | {r:.0} | {:.2} µs | {:.2}× ({:.2}× one worker; whole drain {whole:.0}/s, {:.2}×) |",
            if *w == 1 { "" } else { "s" },
            1e6 / r,
            memory / r,
            r / one,
            whole / one_whole
        );
    }
    println!();
    println!(
        "{n} frames ({:.0} B on average) of {lifts} lifts in {messages} stream messages; {detections} detections; {state_bytes:.0} B of checkpoint per lift; {PARTITIONS} partitions; {:.2} frames per lift per second in the simulation.",
        bytes as f64 / n as f64,
        n as f64 / f64::from(lifts) / (minutes * 60) as f64
    );
}

/// CPU seconds this process has used (user + system), from /proc.
fn cpu_secs() -> f64 {
    stat_cpu(&std::fs::read_to_string("/proc/self/stat").unwrap_or_default())
}

/// CPU seconds the running processes named `comm` have used.
fn cpu_of(comm: &str) -> f64 {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0.0;
    };
    dir.filter_map(|e| std::fs::read_to_string(e.ok()?.path().join("stat")).ok())
        .filter(|s| s.contains(&format!("({comm})")))
        .map(|s| stat_cpu(&s))
        .sum()
}

fn stat_cpu(stat: &str) -> f64 {
    let after = stat.rsplit(')').next().unwrap_or_default();
    let f: Vec<f64> = after
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    // Fields 14 and 15 (utime, stime); the list starts at field 3.
    (f.get(11).copied().unwrap_or(0.0) + f.get(12).copied().unwrap_or(0.0)) / 100.0
}
