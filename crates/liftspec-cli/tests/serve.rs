//! `liftspec serve` end to end: a recorded city's terminals stream over TCP to the platform,
//! which is killed with SIGKILL mid-stream and restarted; the terminals reconnect and send
//! again what was not acknowledged. Afterwards every frame was processed exactly once (the
//! detections equal an in-memory run of the same frames), the incidents open before the kill
//! are there with the same clocks, and the HTTP API serves them.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use liftspec_platform::fleet::Fleet;
use liftspec_platform::pipeline::Pipeline;
use liftspec_protocol::framing::{Deframed, Deframer};
use liftspec_protocol::wire;

#[path = "../../liftspec-platform/tests/common/http.rs"]
mod http;

const CITY: &[&str] = &[
    "--lifts",
    "300",
    "--hours",
    "1",
    "--seed",
    "5",
    "--fault-scale",
    "400",
];

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_liftspec")
}

/// A platform process; killed when dropped, so a failing test leaves none running.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `liftspec serve` (its state in the configured SQLite file, or in `postgres`) and
/// returns it with its (terminals, http) addresses.
fn serve(dir: &Path, terminals: &str, postgres: Option<&str>) -> (Server, String, String) {
    let mut child = Command::new(bin())
        .args(["serve", "--config"])
        .arg(dir.join("platform.json"))
        .args(["--terminals", terminals, "--http", "127.0.0.1:0"])
        .args(
            postgres
                .map(|url| ["--postgres", url])
                .into_iter()
                .flatten(),
        )
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    // "liftspec serve: N lifts; terminals on A; HTTP API on http://B"
    let t = line
        .split("terminals on ")
        .nth(1)
        .unwrap()
        .split(';')
        .next()
        .unwrap();
    let h = line.split("http://").nth(1).unwrap().trim();
    (Server(child), t.to_owned(), h.to_owned())
}

type Key = (u32, String, bool, i64, i64);

fn key(lift: u32, d: &serde_json::Value) -> Key {
    let ms = |v: &serde_json::Value| {
        let s = v.as_str().unwrap();
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .timestamp_millis()
    };
    (
        lift,
        d["kind"].as_str().unwrap().to_owned(),
        d["raised"].as_bool().unwrap(),
        ms(&d["at"]),
        ms(&d["detectedAt"]),
    )
}

fn incidents(http: &str) -> BTreeMap<String, (String, String)> {
    let r = http::get(http, "/v1/rescue/incidents");
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["id"].as_str().unwrap().to_owned(),
                (
                    x["reportedAt"].as_str().unwrap().to_owned(),
                    x["trappedSince"].as_str().unwrap().to_owned(),
                ),
            )
        })
        .collect()
}

#[test]
fn a_platform_killed_mid_stream_processes_every_frame_exactly_once() {
    killed_mid_stream("serve-e2e", None);
}

/// The same with the platform's state in PostgreSQL (`serve --postgres`; a real server from
/// Debian's package, started here on loopback).
#[test]
fn a_platform_on_postgresql_killed_mid_stream_processes_every_frame_exactly_once() {
    if !services::available() {
        return;
    }
    let dir = services::scratch("serve-e2e-pg-server");
    let pg = services::Postgres::start(&dir);
    killed_mid_stream("serve-e2e-pg", Some(&pg.url()));
}

#[path = "../../liftspec-cluster/tests/common/services.rs"]
mod services;

fn killed_mid_stream(name: &str, postgres: Option<&str>) {
    let dir = services::scratch(name);
    let record = Command::new(bin())
        .arg("city")
        .args(CITY)
        .arg("--record")
        .arg(&dir)
        .arg("--out")
        .arg(dir.join("report"))
        .output()
        .unwrap();
    assert!(
        record.status.success(),
        "{}",
        String::from_utf8_lossy(&record.stderr)
    );

    // The reference: the same frames through one in-memory pipeline on the frames' clock.
    let fleet =
        Fleet::from_json(&std::fs::read_to_string(dir.join("fleet.json")).unwrap()).unwrap();
    let mut reference = Pipeline::new(&fleet, Default::default());
    let mut want: BTreeMap<u32, Vec<Key>> = BTreeMap::new();
    let mut frames = 0u64;
    for d in Deframer::new(1 << 16).push_slice(&std::fs::read(dir.join("frames.bin")).unwrap()) {
        let Deframed::Frame(f) = d else {
            panic!("{d:?}")
        };
        frames += 1;
        let at = wire::peek(&f).unwrap().sent_at;
        for x in reference.ingest(&f, at).detections {
            let v = serde_json::to_value(&x.detection).unwrap();
            want.entry(x.lift).or_default().push(key(x.lift, &v));
        }
    }
    let trapped = want
        .values()
        .flatten()
        .filter(|k| k.1.to_lowercase().starts_with("trapped") && k.2)
        .count();
    assert!(trapped > 0);

    let (mut server, terminals, http) = serve(&dir, "127.0.0.1:0", postgres);
    let client = Command::new(bin())
        .arg("city")
        .args(CITY)
        .args(["--to", &terminals, "--connections", "300"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Kill the platform once it has taken about half the frames and opened an incident.
    let started = Instant::now();
    let before = loop {
        let stats = http::get(&http, "/v1/stats").json();
        let taken = stats["frames"].as_u64().unwrap();
        let open = incidents(&http);
        if (taken >= frames / 2 && !open.is_empty()) || taken >= frames * 9 / 10 {
            break open;
        }
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "stalled at {taken} frames"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    server.0.kill().unwrap(); // SIGKILL
    server.0.wait().unwrap();
    assert!(!before.is_empty(), "an incident was open before the kill");

    let (server, _, http) = serve(&dir, &terminals, postgres);
    let out = client.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains(&format!("{frames} acknowledged")),
        "{summary}"
    );
    assert!(!summary.contains(" 0 reconnections"), "{summary}");

    // Every detection once: per lift, in order, equal to the reference.
    let mut got: BTreeMap<u32, Vec<Key>> = BTreeMap::new();
    let mut after = 0;
    loop {
        let page = http::get(&http, &format!("/v1/detections?after={after}&limit=10000"));
        assert_eq!(page.status, 200, "{}", page.body);
        let page = page.json();
        let rows = page.as_array().unwrap();
        if rows.is_empty() {
            break;
        }
        for row in rows {
            let lift = row["lift"].as_u64().unwrap() as u32;
            got.entry(lift)
                .or_default()
                .push(key(lift, &row["detection"]));
            after = row["id"].as_i64().unwrap();
        }
    }
    assert_eq!(got, want);

    // The incidents open before the kill survived, with their clocks.
    let now = incidents(&http);
    for (id, clocks) in &before {
        assert_eq!(now.get(id), Some(clocks), "incident {id}");
    }
    let status = http::get(
        &http,
        &format!("/v1/rescue/incidents/{}", before.keys().next().unwrap()),
    );
    assert_eq!(status.status, 200, "{}", status.body);
    assert!(status.json()["nextComfortZh"].is_string() || status.json()["stage"] != "dispatching");
    let stats = http::get(&http, "/v1/stats").json();
    assert_eq!(stats["boot"], 2);
    // The state lives where it was sent: the configuration's SQLite file exists only without
    // `--postgres`.
    assert_eq!(dir.join("platform.db").exists(), postgres.is_none());
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
