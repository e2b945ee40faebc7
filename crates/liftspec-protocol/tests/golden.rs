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
