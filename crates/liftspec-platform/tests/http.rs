//! Every endpoint of the HTTP API, with good input and bad: a platform started in process on
//! ephemeral ports over a small simulated city, fed by its terminals over TCP.

mod common;

use std::sync::mpsc;
use std::time::Duration;

use common::http::{get, post, request};
use liftspec_platform::client::link;
use liftspec_platform::config::{Clock, Config, Setup};
use liftspec_platform::fleet::Fleet;
use liftspec_platform::gateway::Relay;
use liftspec_platform::service::{run, Listening};
use liftspec_protocol::usage_sign::UsageSign;
use liftspec_sim::config::SimConfig;
use liftspec_sim::records::year_of_records;
use liftspec_sim::stream::Simulation;

struct Platform {
    terminals: String,
    http: String,
}

fn start(
    dir: &std::path::Path,
    postgres: Option<String>,
    fleet: Fleet,
    records: Vec<liftspec_model::record::Record>,
) -> Platform {
    let config = Config {
        setup: Setup {
            clock: Clock::Frames,
            ..Setup::new(fleet)
        },
        records,
        database: dir.join("platform.db"),
        postgres,
        terminals: "127.0.0.1:0".into(),
        http: "127.0.0.1:0".into(),
    };
    let (tx, rx) = mpsc::channel::<Listening>();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(run(config, move |at| tx.send(at).unwrap()))
            .unwrap();
    });
    let at = rx.recv_timeout(Duration::from_secs(60)).unwrap();
    Platform {
        terminals: at.terminals.to_string(),
        http: at.http.to_string(),
    }
}

fn code(r: &common::http::Reply) -> String {
    r.json()["code"].as_str().unwrap_or_default().to_owned()
}

#[test]
fn every_endpoint_answers_good_input_and_refuses_bad_with_its_code() {
    every_endpoint(None);
}

/// The same API with the platform's state in PostgreSQL (a real server, started here): the
/// store is the same interface, so every answer is the same.
#[cfg(feature = "postgres")]
#[test]
fn every_endpoint_answers_alike_with_the_state_in_postgresql() {
    if !services::available() {
        return;
    }
    let dir = services::scratch("http-postgres");
    let pg = services::Postgres::start(&dir);
    every_endpoint(Some(pg.url()));
}

#[cfg(feature = "postgres")]
#[path = "../../liftspec-cluster/tests/common/services.rs"]
mod services;

fn every_endpoint(postgres: Option<String>) {
    let which = if postgres.is_some() { "pg" } else { "sqlite" };
    let dir = std::env::temp_dir().join(format!("liftspec-http-{which}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let d = SimConfig::default();
    let config = SimConfig {
        seed: 3,
        lifts: 60,
        duration_s: 3600,
        faults: d.faults.scaled(400.0),
        ..d
    };
    let mut sim = Simulation::new(config).unwrap();
    let city = sim.city().clone();
    let mut fleet = Fleet::of_city(&city);
    // Crews to spare, so the report below is offered whatever the detected entrapments hold.
    let spare: Vec<_> = fleet
        .crews
        .iter()
        .flat_map(|c| {
            (0..8).map(move |n| liftspec_rescue::dispatch::CrewSite {
                id: liftspec_model::id::CrewId::parse(&format!("{}-SPARE-{n}", c.id)).unwrap(),
                ..c.clone()
            })
        })
        .collect();
    fleet.crews.extend(spare);
    let records = year_of_records(&city, 2025, 3).records;
    let p = start(&dir, postgres, fleet.clone(), records);
    let h = p.http.as_str();

    // The live stream of detections, opened before any frame arrives.
    let mut sse = std::net::TcpStream::connect(h).unwrap();
    std::io::Write::write_all(
        &mut sse,
        format!("GET /v1/detections/stream HTTP/1.1\r\nHost: {h}\r\n\r\n").as_bytes(),
    )
    .unwrap();
    sse.set_read_timeout(Some(Duration::from_secs(60))).unwrap();

    // The terminals, over TCP.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let relays: Vec<Relay> = (0..city.lifts.len())
        .map(|i| Relay::new(city.lifts[i].device.clone(), city.epoch(i), city.keys(i)))
        .collect();
    let (tx, rx) = tokio::sync::mpsc::channel(1024);
    let sending = rt.spawn(link(p.terminals.clone(), relays, rx));
    for f in sim.by_ref() {
        tx.blocking_send(f.bytes).unwrap();
    }
    drop(tx);
    let (report, _) = rt.block_on(sending).unwrap().unwrap();
    assert_eq!(report.acknowledged, report.sent);

    // Supervision: detections, queried and streamed.
    let all = get(h, "/v1/detections?limit=10000");
    assert_eq!(all.status, 200, "{}", all.body);
    let all = all.json();
    assert!(
        !all.as_array().unwrap().is_empty(),
        "{} frames, no detection",
        report.sent
    );
    let first = &all.as_array().unwrap()[0];
    let mut seen = String::new();
    let mut buf = [0u8; 4096];
    while !seen.contains("event: detection") {
        let n = std::io::Read::read(&mut sse, &mut buf).unwrap();
        assert!(n > 0, "the stream closed: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    assert!(seen.contains(&format!("id: {}", first["id"])), "{seen}");
    let one = first["device"].as_str().unwrap();
    let of_one = get(h, &format!("/v1/detections?device={one}&limit=5")).json();
    assert!(of_one
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["device"] == one));
    for bad in [
        "/v1/detections?limit=0",
        "/v1/detections?after=x",
        "/v1/detections?limit=99999",
    ] {
        let r = get(h, bad);
        assert_eq!((r.status, code(&r)), (400, "api.bad_query".into()), "{bad}");
    }
    let r = request(
        h,
        "GET",
        "/v1/detections/stream",
        &[("Last-Event-ID", "x")],
        "",
    );
    assert_eq!((r.status, code(&r)), (400, "api.bad_last_event_id".into()));

    // Rescue: a report by rescue code, repeated, reused, malformed.
    let lift = &fleet.lifts[0].equipment;
    let rescue_code = lift.rescue_code.as_ref().unwrap().to_string();
    let body = format!(r#"{{"rescueCode":"{rescue_code}","persons":2,"floor":1}}"#);
    let r = post(h, "/v1/rescue/reports", "k-report-1", &body);
    assert_eq!(r.status, 201, "{}", r.body);
    let incident = r.json()["incident"].as_str().unwrap().to_owned();
    let again = post(h, "/v1/rescue/reports", "k-report-1", &body);
    assert_eq!(
        (again.status, again.body.clone()),
        (201, r.body.clone()),
        "answered as the first time"
    );
    let reused = post(
        h,
        "/v1/rescue/reports",
        "k-report-1",
        r#"{"rescueCode":"x"}"#,
    );
    assert_eq!(
        (reused.status, code(&reused)),
        (422, "api.idempotency_key_reused".into())
    );
    let r = request(h, "POST", "/v1/rescue/reports", &[], &body);
    assert_eq!(
        (r.status, code(&r)),
        (400, "api.idempotency_key_missing".into())
    );
    let r = request(
        h,
        "POST",
        "/v1/rescue/reports",
        &[("Idempotency-Key", "a b")],
        &body,
    );
    assert_eq!(
        (r.status, code(&r)),
        (400, "api.idempotency_key_invalid".into())
    );
    for (bad, want) in [
        ("{", "api.bad_json"),
        (r#"{"rescueCode":"1","nickname":"x"}"#, "api.bad_json"),
        ("{}", "api.report_by"),
        (
            r#"{"rescueCode":"1","registrationCode":"2"}"#,
            "api.report_by",
        ),
        (r#"{"rescueCode":"1","persons":0}"#, "api.persons"),
    ] {
        let r = post(h, "/v1/rescue/reports", &format!("k-{bad}"), bad);
        assert_eq!((r.status, code(&r)), (400, want.into()), "{bad}");
    }
    let r = post(
        h,
        "/v1/rescue/reports",
        "k-unknown",
        r#"{"rescueCode":"99999"}"#,
    );
    assert_eq!((r.status, code(&r)), (404, "rescue.unknown_lift".into()));
    // A scanned sign: merged into the open incident; a tampered one refused with its code.
    let sign = UsageSign {
        registration_code: lift.registration_code.clone(),
        rescue_code: lift.rescue_code.clone().unwrap(),
    }
    .encode();
    let r = post(
        h,
        "/v1/rescue/reports",
        "k-sign",
        &format!(r#"{{"signPayload":"{sign}"}}"#),
    );
    assert_eq!(
        (r.status, r.json()["merged"].as_bool()),
        (201, Some(true)),
        "{}",
        r.body
    );
    let built = liftspec_api::citizen::RescueReportRequest::by_sign(&sign, 2)
        .http(&liftspec_api::request::IdempotencyKey::parse("k-built-sign").unwrap())
        .unwrap();
    let r = post(
        h,
        &built.path,
        &built.headers["Idempotency-Key"],
        &built.body,
    );
    assert_eq!(r.status, 201, "{built:?}: {}", r.body);
    let tampered = sign.replacen(&lift.registration_code.to_string()[..3], "999", 1);
    let r = post(
        h,
        "/v1/rescue/reports",
        "k-tampered",
        &format!(r#"{{"signPayload":"{tampered}"}}"#),
    );
    assert_eq!(
        (r.status, code(&r)),
        (400, "usage_sign.check".into()),
        "{}",
        r.body
    );

    // The incident as the apps see it, once the timer has offered it to a crew.
    let mut status;
    let started = std::time::Instant::now();
    loop {
        status = get(h, &format!("/v1/rescue/incidents/{incident}"));
        assert_eq!(status.status, 200, "{}", status.body);
        if status.json()["crew"].is_string() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "never offered: {}",
            status.body
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let view = status.json();
    assert!(view["nextComfortZh"].is_string());
    let crew = view["crew"].as_str().unwrap().to_owned();
    let r = get(h, "/v1/rescue/incidents/INC-404");
    assert_eq!(
        (r.status, code(&r)),
        (404, "rescue.unknown_incident".into())
    );
    let r = get(h, "/v1/rescue/incidents/bad%20id");
    assert_eq!(r.status, 400, "{}", r.body);
    let open = get(h, "/v1/rescue/incidents?open=true").json();
    assert!(open
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["id"] == incident.as_str()));
    let r = get(h, "/v1/rescue/incidents?open=maybe");
    assert_eq!((r.status, code(&r)), (400, "api.bad_query".into()));
    let mine = get(h, &format!("/v1/rescue/crews/{crew}/incidents")).json();
    assert!(
        mine.as_array()
            .unwrap()
            .iter()
            .any(|x| x == incident.as_str()),
        "{mine}"
    );
    let r = get(h, "/v1/rescue/crews/NOBODY/incidents");
    assert_eq!((r.status, code(&r)), (404, "rescue.unknown_crew".into()));

    // The crew's workflow, out of order first.
    let act = |action: &str, key: &str, body: &str| {
        post(
            h,
            &format!("/v1/rescue/incidents/{incident}/{action}"),
            key,
            body,
        )
    };
    let crew_body = format!(r#"{{"crew":"{crew}"}}"#);
    let r = act("arrive", "k-early", &crew_body);
    assert_eq!(
        (r.status, code(&r)),
        (409, "rescue.invalid_transition".into()),
        "{}",
        r.body
    );
    let r = act("accept", "k-nocrew", "{}");
    assert_eq!((r.status, code(&r)), (400, "api.crew_missing".into()));
    let r = act("teleport", "k-teleport", &crew_body);
    assert_eq!((r.status, code(&r)), (404, "api.not_found".into()));
    for step in ["accept", "arrive", "release"] {
        let r = act(step, &format!("k-{step}"), &crew_body);
        assert_eq!(r.status, 200, "{step}: {}", r.body);
        let again = act(step, &format!("k-{step}"), &crew_body);
        assert_eq!(again.body, r.body, "{step} repeated");
    }
    let r = act("close", "k-close-nocause", "{}");
    assert_eq!((r.status, code(&r)), (400, "api.cause_missing".into()));
    let r = act("close", "k-close", r#"{"cause":"equipmentFault"}"#);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["lift"], lift.registration_code.as_str());
    let r = act("close", "k-close-2", r#"{"cause":"equipmentFault"}"#);
    assert_eq!(
        (r.status, code(&r)),
        (409, "rescue.invalid_transition".into())
    );
    let r = post(
        h,
        &format!("/v1/rescue/crews/{crew}/position"),
        "k-pos",
        r#"{"lat":30.27,"lon":120.15}"#,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = post(
        h,
        &format!("/v1/rescue/crews/{crew}/position"),
        "k-pos-bad",
        r#"{"lat":91,"lon":0}"#,
    );
    assert_eq!(r.status, 400, "{}", r.body);
    let r = post(
        h,
        "/v1/rescue/crews/NOBODY/position",
        "k-pos-nobody",
        r#"{"lat":30,"lon":120}"#,
    );
    assert_eq!((r.status, code(&r)), (404, "rescue.unknown_crew".into()));

    // Citizens: the lift behind a sign, a fault report, a complaint.
    let card = get(h, &format!("/v1/lifts/lookup?sign={}", urlencode(&sign)));
    assert_eq!(card.status, 200, "{}", card.body);
    let card = card.json();
    assert_eq!(card["registrationCode"], lift.registration_code.as_str());
    assert!(
        card["lastMaintenance"].is_string() && card["nextMaintenanceDue"].is_string(),
        "{card}"
    );
    assert!(card["nextInspectionDue"].is_string(), "{card}");
    let r = get(h, "/v1/lifts/lookup");
    assert_eq!((r.status, code(&r)), (400, "api.sign_missing".into()));
    let r = get(
        h,
        &format!("/v1/lifts/lookup?sign={}", urlencode(&tampered)),
    );
    assert_eq!(
        (r.status, code(&r)),
        (400, "usage_sign.check".into()),
        "{}",
        r.body
    );
    let reg = lift.registration_code.as_str();
    let r = post(
        h,
        &format!("/v1/lifts/{reg}/faults"),
        "k-fault",
        r#"{"code":2,"floor":1}"#,
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let r = post(h, "/v1/lifts/123/faults", "k-fault-bad", r#"{"code":2}"#);
    assert_eq!(r.status, 400, "{}", r.body);
    let r = post(
        h,
        &format!("/v1/lifts/{reg}/faults"),
        "k-fault-json",
        r#"{"code":"two"}"#,
    );
    assert_eq!((r.status, code(&r)), (400, "api.bad_json".into()));
    let r = post(
        h,
        "/v1/complaints",
        "k-complaint",
        &format!(r#"{{"lift":"{reg}","category":"maintenance"}}"#),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["against"], lift.maintenance_unit.as_str());
    let r = post(
        h,
        "/v1/complaints",
        "k-complaint-none",
        r#"{"category":"other"}"#,
    );
    assert_eq!((r.status, code(&r)), (400, "api.complaint_subject".into()));
    let r = post(
        h,
        "/v1/complaints",
        "k-complaint-cat",
        &format!(r#"{{"lift":"{reg}","category":"noise"}}"#),
    );
    assert_eq!((r.status, code(&r)), (400, "api.bad_json".into()));

    // What the apps' builders (liftspec-api, as the bindings and the browser use them) send
    // is what the platform takes.
    let key = |k: &str| liftspec_api::request::IdempotencyKey::parse(k).unwrap();
    let sent = [
        liftspec_api::citizen::FaultReportRequest {
            code: 11,
            floor: None,
        }
        .http(&lift.registration_code, &key("k-built-fault"))
        .unwrap(),
        liftspec_api::citizen::ComplaintRequest {
            lift: Some(reg.into()),
            against: None,
            category: liftspec_model::record::ComplaintCategory::Rescue,
        }
        .http(&key("k-built-complaint"))
        .unwrap(),
    ];
    for built in sent {
        let r = post(
            h,
            &built.path,
            &built.headers["Idempotency-Key"],
            &built.body,
        );
        assert_eq!(r.status, 201, "{built:?}: {}", r.body);
    }
    let built = liftspec_api::citizen::lookup(&sign).unwrap();
    assert_eq!(get(h, &built.path).status, 200, "{built:?}");

    // Supervision: credit, risk, the district ranking.
    let unit = fleet.units[0].credit_code.as_str();
    let r = get(h, &format!("/v1/units/{unit}/credit?year=2025"));
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.json()["score"].is_number() && r.json()["deductions"].is_array(),
        "{}",
        r.body
    );
    let r = get(h, "/v1/units/NOTACODE/credit");
    assert_eq!(r.status, 400, "{}", r.body);
    let r = get(h, &format!("/v1/units/{unit}/credit?year=soon"));
    assert_eq!((r.status, code(&r)), (400, "api.bad_query".into()));
    let r = get(h, &format!("/v1/lifts/{reg}/risk?on=2026-12-01"));
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.json()["triggers"].is_array());
    let r = get(h, &format!("/v1/lifts/{reg}/risk?on=yesterday"));
    assert_eq!((r.status, code(&r)), (400, "api.bad_query".into()));
    let r = get(h, "/v1/districts/early-warning");
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.json()["source"].as_str().unwrap().contains("Art. 35"));
    let r = get(h, "/v1/districts/early-warning?on=2026-12-01&top=3");
    assert_eq!(r.status, 200, "{}", r.body);
    let districts = r.json()["districts"].as_array().unwrap().clone();
    assert!(
        !districts.is_empty()
            && districts
                .iter()
                .all(|d| d["lifts"].as_array().unwrap().len() <= 3)
    );
    let r = get(h, "/v1/districts/early-warning?top=0");
    assert_eq!((r.status, code(&r)), (400, "api.bad_query".into()));
    let r = get(h, "/v1/districts/early-warning?on=x");
    assert_eq!((r.status, code(&r)), (400, "api.bad_query".into()));
    let r = get(h, "/v1/stats");
    assert_eq!(r.status, 200);
    let r = get(h, "/v2/anything");
    assert_eq!((r.status, code(&r)), (404, "api.not_found".into()));
    let _ = std::fs::remove_dir_all(&dir);
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `docs/openapi.json` is the document the code writes (`LIFTSPEC_BLESS=1` rewrites it).
#[test]
fn the_checked_in_openapi_document_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json");
    let want =
        serde_json::to_string_pretty(&liftspec_platform::openapi::document()).unwrap() + "\n";
    if std::env::var_os("LIFTSPEC_BLESS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let got = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        got == want,
        "docs/openapi.json is stale: run with LIFTSPEC_BLESS=1"
    );
}

/// Every documented route is served (none falls through to "no such endpoint").
#[test]
fn every_documented_route_is_served() {
    let dir = std::env::temp_dir().join(format!("liftspec-routes-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let city = liftspec_sim::city::City::generate(&SimConfig {
        lifts: 2,
        ..SimConfig::default()
    })
    .unwrap();
    let p = start(&dir, None, Fleet::of_city(&city), Vec::new());
    // The event stream stays open: it is read in the test above.
    for r in liftspec_platform::openapi::ROUTES
        .iter()
        .filter(|r| !r.path.ends_with("/stream"))
    {
        let path = r.path.replace("{action}", "accept").replace(['{', '}'], "");
        let reply = request(
            &p.http,
            &r.method.to_uppercase(),
            &path,
            &[("Idempotency-Key", "k")],
            "{}",
        );
        assert!(
            !reply.body.contains("no such endpoint"),
            "{} {path}: {}",
            r.method,
            reply.body
        );
        assert!(
            reply.status < 500,
            "{} {path}: {} {}",
            r.method,
            reply.status,
            reply.body
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
