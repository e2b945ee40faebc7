//! `liftspec serve --role …` end to end: a recorded 2,000-lift city for ten virtual minutes
//! through the sharded platform — an ingest edge, partition workers and the rescue desk, on a
//! real nats-server (JetStream) and a real PostgreSQL started here on loopback. Workers are
//! killed with SIGKILL and restarted, added mid-run, and the nats-server is restarted; the
//! detections and incidents afterwards equal the single-process reference of the same frames:
//! none lost, none doubled.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use liftspec_platform::config::Config;
use liftspec_platform::engine::Engine;
use liftspec_platform::pipeline::Pipeline;
use liftspec_platform::store::Store;
use liftspec_protocol::framing::{Deframed, Deframer};
use liftspec_protocol::wire;

#[path = "../../liftspec-cluster/tests/common/services.rs"]
mod services;
use services::{Nats, Postgres};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_liftspec")
}

fn city(seed: &str) -> Vec<String> {
    [
        "--lifts",
        "2000",
        "--hours",
        "0.16667",
        "--seed",
        seed,
        "--fault-scale",
        "2000",
    ]
    .map(str::to_owned)
    .to_vec()
}

/// Records the city, and computes the single-process reference: every lift's detections (one
/// in-memory pipeline on the frames' clock), and the incidents (the embedded engine).
/// The single-process reference of a recorded city.
struct Reference {
    /// Every lift's detections, as JSON.
    detections: BTreeMap<u32, Vec<serde_json::Value>>,
    /// (registration code, trapped since ms), sorted.
    incidents: Vec<(String, i64)>,
    /// Frames in the recording.
    frames: u64,
}

fn record(dir: &Path, seed: &str) -> Reference {
    let out = Command::new(bin())
        .arg("city")
        .args(city(seed))
        .arg("--record")
        .arg(dir)
        .arg("--out")
        .arg(dir.join("report"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let config = Config::load(&dir.join("platform.json")).unwrap();
    let mut pipeline = Pipeline::new(&config.setup.fleet, config.setup.thresholds.clone());
    let sites = config.setup.fleet.sites();
    let mut engine =
        Engine::open(config.setup.clone(), Store::open_in_memory().unwrap(), &[]).unwrap();
    let mut want: BTreeMap<u32, Vec<serde_json::Value>> = BTreeMap::new();
    let mut frames = Vec::new();
    for d in Deframer::new(1 << 16).push_slice(&std::fs::read(dir.join("frames.bin")).unwrap()) {
        let Deframed::Frame(f) = d else {
            panic!("{d:?}")
        };
        let at = wire::peek(&f).unwrap().sent_at;
        for x in pipeline.ingest(&f, at).detections {
            want.entry(x.lift)
                .or_default()
                .push(serde_json::to_value(&x.detection).unwrap());
        }
        frames.push((1, f));
    }
    for chunk in frames.chunks(1024) {
        engine
            .ingest(chunk, wire::peek(&chunk[0].1).unwrap().sent_at)
            .unwrap();
    }
    let mut incidents: Vec<(String, i64)> = engine
        .incidents()
        .iter()
        .map(|i| {
            (
                sites[i.lift as usize].registration_code.to_string(),
                i.trapped_since.millis(),
            )
        })
        .collect();
    incidents.sort();
    Reference {
        detections: want,
        incidents,
        frames: frames.len() as u64,
    }
}

/// A node process; killed when dropped.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct Deployment {
    nats: Nats,
    pg: Postgres,
    /// Last, so it is removed after the servers in it have stopped.
    dir: services::Scratch,
}

impl Deployment {
    /// Starts a node and waits for its first line; returns it with that line.
    fn node(&self, role: &str, name: &str) -> (Proc, String) {
        let mut child = Command::new(bin())
            .args(["serve", "--config"])
            .arg(self.dir.join("platform.json"))
            .args(["--role", role, "--name", name, "--terminals", "127.0.0.1:0"])
            .args(["--nats", &self.nats.url(), "--postgres", &self.pg.url()])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert!(
            line.starts_with("liftspec serve: 2000 lifts;"),
            "{role}: {line:?}"
        );
        (Proc(child), line)
    }

    fn ingest(&self) -> (Proc, String) {
        let (p, line) = self.node("ingest", "edge-1");
        let addr = line
            .split("terminals on ")
            .nth(1)
            .unwrap()
            .trim()
            .to_owned();
        (p, addr)
    }

    fn stream(&self, seed: &str, to: &str) -> Child {
        Command::new(bin())
            .arg("city")
            .args(city(seed))
            // Ten virtual minutes in about 30 s, however fast the machine: the kills, restarts
            // and the newcomer land mid-run even when a loaded machine starts nodes slowly.
            .args(["--to", to, "--connections", "10", "--speed", "20"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }

    fn query<T>(&self, f: impl AsyncFnOnce(&tokio_postgres::Client) -> T) -> T {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let db = liftspec_cluster::pg::connect(&self.pg.url()).await.unwrap();
            f(&db).await
        })
    }

    /// Frames the partitions' checkpoints include (a frame sent again counts again).
    fn progress(&self) -> u64 {
        self.query(async |db| liftspec_cluster::pg::frames_committed(db).await.unwrap())
    }

    /// Waits for the city to be streamed, then for the rescue desk to take every detection;
    /// compares with the reference.
    fn finish(&self, streaming: Child, reference: &Reference) {
        let Reference {
            detections: want,
            incidents,
            frames,
        } = reference;
        let out = streaming.wait_with_output().unwrap();
        let summary = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{summary}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            summary.contains(&format!("{frames} acknowledged")),
            "{summary}"
        );
        eprintln!("{summary}");

        let got = self.query(async |db| liftspec_cluster::pg::detections(db).await.unwrap());
        let mut by_lift: BTreeMap<u32, Vec<serde_json::Value>> = BTreeMap::new();
        for d in &got {
            let list = by_lift.entry(d.lift).or_default();
            assert_eq!(
                d.ordinal,
                list.len() as u64 + 1,
                "lift {} numbered in order",
                d.lift
            );
            list.push(serde_json::to_value(&d.detection).unwrap());
        }
        // On a difference, show the first lifts that differ, both sides.
        let differ: Vec<String> = want
            .keys()
            .chain(by_lift.keys())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .filter(|l| want.get(l) != by_lift.get(l))
            .take(4)
            .map(|l| {
                format!(
                    "lift {l}\n  want {:?}\n  got  {:?}",
                    want.get(l),
                    by_lift.get(l)
                )
            })
            .collect();
        assert!(
            differ.is_empty(),
            "{} lifts with detections, want {}:\n{}",
            by_lift.len(),
            want.len(),
            differ.join("\n")
        );
        // The rescue desk takes the detections after they are committed: wait for it.
        let started = Instant::now();
        loop {
            let mut now: Vec<(String, i64)> = self.query(async |db| {
                liftspec_cluster::pg::incidents(db)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|i| (i.registration_code, i.trapped_since_ms))
                    .collect()
            });
            now.sort();
            if &now == incidents {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "incidents {now:?}\nwant {incidents:?}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

fn deploy(name: &str) -> Option<(Deployment, Reference)> {
    if !services::available() {
        return None;
    }
    let dir = services::scratch(name);
    let seed = "11";
    let reference = record(&dir, seed);
    assert!(
        reference.incidents.len() >= 2,
        "the city traps passengers: {:?}",
        reference.incidents
    );
    eprintln!(
        "{} frames, {} detections, {} incidents in the reference",
        reference.frames,
        reference.detections.values().map(Vec::len).sum::<usize>(),
        reference.incidents.len()
    );
    let nats = Nats::start(&dir);
    let pg = Postgres::start(&dir);
    Some((Deployment { dir, nats, pg }, reference))
}

/// Waits until the workers' checkpoints include `at_least` frames.
fn wait_for_progress(d: &Deployment, at_least: u64) {
    let started = Instant::now();
    while d.progress() < at_least {
        assert!(started.elapsed() < Duration::from_secs(120), "no progress");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_killed_worker_and_a_restarted_nats_server_lose_and_double_nothing() {
    let Some((mut d, reference)) = deploy("cluster-crash") else {
        return;
    };
    let _rescue = d.node("rescue", "rescue-1");
    let _w1 = d.node("worker", "w1");
    let mut w2 = d.node("worker", "w2").0;
    let _w3 = d.node("worker", "w3");
    let (_ingest, addr) = d.ingest();
    let mut streaming = d.stream("11", &addr);
    wait_for_progress(&d, reference.frames / 5);
    // SIGKILL: no hand-over; w2's partitions replay from their checkpoints when it is back.
    w2.0.kill().unwrap();
    w2.0.wait().unwrap();
    assert!(streaming.try_wait().unwrap().is_none(), "killed mid-run");
    std::thread::sleep(Duration::from_millis(500));
    let _w2 = d.node("worker", "w2");
    // (Frames sent again after the kill count again: progress is time here, not a share.)
    std::thread::sleep(Duration::from_millis(500));
    d.nats.restart();
    assert!(
        streaming.try_wait().unwrap().is_none(),
        "the server restarted mid-run"
    );
    d.finish(streaming, &reference);
}

#[test]
fn scaling_from_two_workers_to_three_mid_run_keeps_the_output() {
    let Some((d, reference)) = deploy("cluster-scale") else {
        return;
    };
    let _rescue = d.node("rescue", "rescue-1");
    let _w1 = d.node("worker", "w1");
    let _w2 = d.node("worker", "w2");
    let (_ingest, addr) = d.ingest();
    let mut streaming = d.stream("11", &addr);
    wait_for_progress(&d, reference.frames / 20);
    let _w3 = d.node("worker", "w3");
    // It takes its partitions within a turn of the workers' control loops.
    std::thread::sleep(Duration::from_secs(1));
    let moved_before_the_end = streaming.try_wait().unwrap().is_none();
    d.finish(streaming, &reference);
    // The newcomer owns partitions now.
    let owners = d.query(async |db| {
        db.query(
            "select distinct owner from partition_lease where owner is not null",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<_, String>(0))
        .collect::<Vec<_>>()
    });
    let mut owners = owners;
    owners.sort();
    assert_eq!(owners, ["w1", "w2", "w3"], "every worker owns partitions");
    assert!(moved_before_the_end, "the partitions moved mid-run");
}
