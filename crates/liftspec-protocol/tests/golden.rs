//! Golden vectors: the exact bytes and JSON of every message kind are committed under `vectors/`
//! and must not change by accident. Regenerate deliberately with `LIFTSPEC_BLESS=1 cargo test`.

mod common;

use std::path::PathBuf;

use common::*;
use liftspec_protocol::framing::frame_for_stream;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn golden_vectors_are_current() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("vectors");
    let bless = std::env::var_os("LIFTSPEC_BLESS").is_some();
    let mut stale = Vec::new();
    for (i, (name, body)) in bodies().into_iter().enumerate() {
        let bytes = encode(&envelope(i as u64 + 1, body));
        let json = liftspec_protocol::json::to_json(&bytes).unwrap();
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        let pretty = serde_json::to_string_pretty(&value).unwrap() + "\n";
        for (file, content) in [
            (format!("{name}.hex"), hex(&bytes) + "\n"),
            (format!("{name}.json"), pretty),
        ] {
            let path = dir.join(&file);
            if bless {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &content).unwrap();
            } else if std::fs::read_to_string(&path).ok().as_deref() != Some(content.as_str()) {
                stale.push(file);
            }
        }
        // The committed JSON decodes to the committed bytes.
        if !bless {
            let committed_json = std::fs::read_to_string(dir.join(format!("{name}.json"))).unwrap();
            assert_eq!(
                liftspec_protocol::json::from_json(&committed_json).unwrap(),
                bytes,
                "{name}"
            );
        }
    }
    // A byte stream: a start delimiter, a status frame, a truncated frame with its delimiter,
    // and a heartbeat frame — what a receiver joining a serial line might see.
    let all = bodies();
    let mut stream = vec![0u8];
    stream.extend(frame_for_stream(&encode(&envelope(2, all[1].1.clone()))));
    stream.extend_from_slice(&[0x13, 0x37, 0x00]);
    stream.extend(frame_for_stream(&encode(&envelope(8, all[7].1.clone()))));
    let path = dir.join("stream.hex");
    let content = hex(&stream) + "\n";
    if bless {
        std::fs::write(&path, &content).unwrap();
    } else if std::fs::read_to_string(&path).ok().as_deref() != Some(content.as_str()) {
        stale.push("stream.hex".into());
    }
    assert!(
        stale.is_empty(),
        "wire format changed for {stale:?}; if deliberate, bump the version or re-bless"
    );
}

/// The worked example in `docs/protocol.md` spells the committed Status vector byte by byte, at
/// the offsets it claims.
#[test]
fn the_specification_example_is_the_status_vector() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let spec = std::fs::read_to_string(root.join("../../docs/protocol.md")).unwrap();
    let start = spec
        .find("<!-- status-frame -->")
        .expect("example start marker");
    let end = spec
        .find("<!-- /status-frame -->")
        .expect("example end marker");
    let mut spelled = String::new();
    for line in spec[start..end].lines() {
        let cols: Vec<&str> = line.split('|').map(str::trim).collect();
        let Some(offset) = cols.first().and_then(|c| c.parse::<usize>().ok()) else {
            continue;
        };
        assert_eq!(offset, spelled.len() / 2, "offset column of {line:?}");
        spelled.push_str(&cols[1].replace(' ', ""));
    }
    let vector = std::fs::read_to_string(root.join("vectors/status.hex")).unwrap();
    assert_eq!(spelled, vector.trim());
}

/// The fuzz targets start from seeds made of the golden values (`fuzz/seeds/<target>/`), so they
/// begin inside every kind's decoder; regenerate with `LIFTSPEC_BLESS=1` when the wire changes.
#[test]
fn fuzz_seeds_are_current() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds");
    let bless = std::env::var_os("LIFTSPEC_BLESS").is_some();
    let mut seeds: Vec<(String, Vec<u8>)> = Vec::new();
    let mut all_frames = vec![0x3cu8];
    for (i, (name, body)) in bodies().into_iter().enumerate() {
        let bytes = encode(&envelope(i as u64 + 1, body));
        let json = liftspec_protocol::json::to_json(&bytes).unwrap();
        seeds.push((format!("protocol_frame/{name}"), bytes.clone()));
        seeds.push((format!("protocol_json/{name}"), json.into_bytes()));
        if wire_is_device(&bytes) {
            let mut detect = vec![0x3cu8];
            detect.extend(&bytes);
            seeds.push((format!("detect_envelopes/{name}"), detect));
            all_frames.extend(&bytes);
            all_frames.extend([0xFE, 0xFE]);
        }
    }
    seeds.push(("detect_envelopes/all".into(), all_frames));
    let stream = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("vectors/stream.hex"),
    )
    .unwrap();
    seeds.push(("protocol_deframer/stream".into(), unhex(stream.trim())));
    let sign = liftspec_protocol::usage_sign::UsageSign {
        registration_code: "31103301062010050007".parse().unwrap(),
        rescue_code: "100072".parse().unwrap(),
    };
    seeds.push((
        "protocol_usage_sign/sign".into(),
        sign.encode().into_bytes(),
    ));
    // The delivery world: a seed (8 bytes) then operations; calm, crashing, and everything.
    for (name, ops) in [
        ("calm", (0u8..120).collect::<Vec<u8>>()),
        (
            "crashes",
            (0u8..120)
                .map(|i| if i % 9 == 0 { 200 + i % 5 } else { i })
                .collect(),
        ),
        ("everything", (0u8..=255).rev().collect()),
    ] {
        let mut input = 2020u64.to_le_bytes().to_vec();
        input.extend(ops);
        seeds.push((format!("protocol_delivery/{name}"), input));
    }
    let mut stale = Vec::new();
    for (path, content) in seeds {
        let file = root.join(&path);
        if bless {
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, &content).unwrap();
        } else if std::fs::read(&file).ok().as_deref() != Some(content.as_slice()) {
            stale.push(path);
        }
    }
    assert!(
        stale.is_empty(),
        "fuzz seeds out of date: {stale:?}; regenerate with LIFTSPEC_BLESS=1"
    );
}

fn wire_is_device(bytes: &[u8]) -> bool {
    bytes[2] < 64
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Every error code the reference can emit (every `"area.name"` literal in the protocol crate and
/// in the model's identifiers and times) is listed in `docs/protocol.md` §13.
#[test]
fn every_error_code_is_listed_in_the_specification() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let spec = std::fs::read_to_string(root.join("../../docs/protocol.md")).unwrap();
    let table = &spec[spec.find("## 13. Error codes").expect("§13")..];
    let mut sources = Vec::new();
    let mut dirs = vec![root.join("src"), root.join("../liftspec-model/src/id")];
    sources.push(root.join("../liftspec-model/src/time.rs"));
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                sources.push(path);
            }
        }
    }
    let areas = [
        "auth",
        "decode",
        "downlink",
        "encode",
        "file",
        "id",
        "json",
        "key",
        "outbox",
        "session",
        "stream",
        "time",
        "usage_sign",
        "validate",
    ];
    let mut missing = std::collections::BTreeSet::new();
    let mut found = 0;
    for path in sources {
        let text = std::fs::read_to_string(&path).unwrap();
        for literal in text.split('"').skip(1).step_by(2) {
            let Some((area, name)) = literal.split_once('.') else {
                continue;
            };
            if areas.contains(&area)
                && !name.is_empty()
                && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
            {
                found += 1;
                if !table.contains(&format!("`{literal}`")) {
                    missing.insert(literal.to_owned());
                }
            }
        }
    }
    assert!(found > 50, "only {found} codes found: is the scan broken?");
    assert!(
        missing.is_empty(),
        "not in docs/protocol.md §13: {missing:?}"
    );
}
