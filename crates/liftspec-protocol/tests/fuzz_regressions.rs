//! The protocol fuzz targets' properties on every committed regression and seed
//! (`fuzz/regressions/<target>/`, `fuzz/seeds/<target>/`), under plain `cargo test`: a past
//! finding stays fixed even where no nightly toolchain is installed.

mod common;
#[path = "common/world.rs"]
mod world;

use std::path::PathBuf;

use liftspec_protocol::framing::{frame_for_stream, Deframed, Deframer};
use liftspec_protocol::usage_sign::UsageSign;
use liftspec_protocol::{json, wire};

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut out = Vec::new();
    for dir in ["regressions", "seeds"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else {
            continue;
        };
        for entry in entries.flatten() {
            let data = std::fs::read(entry.path()).unwrap();
            out.push((entry.path(), data));
        }
    }
    out
}

#[test]
fn protocol_frame() {
    let cases = inputs("protocol_frame");
    assert!(cases.len() >= 13 + 5, "seeds and regressions are there");
    for (path, data) in cases {
        let _ = wire::peek(&data);
        if wire::decode(&data).is_ok() {
            let text = json::to_json(&data).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(json::from_json(&text).unwrap(), data, "{}", path.display());
        }
    }
}

#[test]
fn protocol_json() {
    for (path, data) in inputs("protocol_json") {
        if let Ok(text) = std::str::from_utf8(&data) {
            if let Ok(bytes) = json::from_json(text) {
                assert!(wire::decode(&bytes).is_ok(), "{}", path.display());
            }
        }
    }
}

#[test]
fn protocol_deframer() {
    for (_, data) in inputs("protocol_deframer") {
        for out in Deframer::new(4096).push_slice(&data) {
            if let Deframed::Frame(frame) = out {
                let again = Deframer::new(8192).push_slice(&frame_for_stream(&frame));
                assert_eq!(again, vec![Deframed::Frame(frame)]);
            }
        }
    }
}

#[test]
fn protocol_usage_sign() {
    for (_, data) in inputs("protocol_usage_sign") {
        if let Ok(text) = std::str::from_utf8(&data) {
            if let Ok(sign) = UsageSign::decode(text) {
                assert_eq!(sign.encode(), text);
            }
        }
    }
}

#[test]
fn protocol_delivery() {
    let cases = inputs("protocol_delivery");
    assert!(!cases.is_empty());
    for (path, data) in cases {
        let Some((seed, script)) = data.split_first_chunk::<8>() else {
            continue;
        };
        let script = &script[..script.len().min(400)];
        if let Err(e) = world::run(script, u64::from_le_bytes(*seed), world::ALL_FAULTS) {
            panic!("{}: {e}", path.display());
        }
    }
}
