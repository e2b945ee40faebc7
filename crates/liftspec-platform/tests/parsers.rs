//! The platform's parsers never panic and say what is wrong with a stable code: the fleet
//! file, the configuration file, and frames from the wire into the engine.

use liftspec_model::time::Timestamp;
use liftspec_platform::config::{Config, ConfigFile, Setup};
use liftspec_platform::engine::Engine;
use liftspec_platform::fleet::Fleet;
use liftspec_platform::store::Store;
use proptest::prelude::*;

proptest! {
    #[test]
    fn a_fleet_file_of_any_text_is_a_fleet_or_a_typed_error(text in ".{0,300}") {
        if let Err(e) = Fleet::from_json(&text) {
            prop_assert!(e.code().starts_with("fleet."));
        }
    }

    #[test]
    fn a_configuration_of_any_text_parses_or_is_refused(text in ".{0,200}") {
        let _ = serde_json::from_str::<ConfigFile>(&text);
    }

    #[test]
    fn any_bytes_into_the_engine_are_taken_or_refused_with_a_code(
        frames in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..120), 1..20)
    ) {
        let city = liftspec_sim::city::City::generate(&liftspec_sim::config::SimConfig {
            lifts: 2,
            ..Default::default()
        }).unwrap();
        let mut engine = Engine::open(
            Setup::new(Fleet::of_city(&city)),
            Store::open_in_memory().unwrap(),
            &[],
        ).unwrap();
        let batch: Vec<(u64, Vec<u8>)> = frames.into_iter().map(|f| (1, f)).collect();
        let done = engine.ingest(&batch, Timestamp::from_millis(0)).unwrap();
        // Random bytes are not genuine frames: each is refused, and said so.
        prop_assert_eq!(done.refused.len(), batch.len());
        prop_assert!(done.outbound.is_empty());
    }
}

#[test]
fn a_bad_configuration_names_its_file_and_code_before_anything_starts() {
    let dir = std::env::temp_dir().join(format!("liftspec-config-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = dir.join("platform.json");
    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap();
    let err = |text: &str| {
        write("platform.json", text);
        Config::load(&cfg).unwrap_err()
    };
    assert_eq!(
        Config::load(&dir.join("missing.json")).unwrap_err().code,
        "config.unreadable"
    );
    assert_eq!(err("{").code, "config.syntax");
    assert_eq!(
        err(r#"{"fleet":"f.json","colour":"red"}"#).code,
        "config.syntax"
    );
    let e = err(r#"{"fleet":"f.json"}"#);
    assert_eq!(e.code, "config.unreadable");
    assert!(e.file.ends_with("f.json"), "{e}");
    write("f.json", r#"{"lifts":[]}"#);
    write("t.json", r#"{"trappedAfterMs":-5}"#);
    let e = err(r#"{"fleet":"f.json","thresholds":"t.json"}"#);
    assert!(e.file.ends_with("t.json"), "{e}");
    write("r.jsonl", "{\"nope\":1}\n");
    let e = err(r#"{"fleet":"f.json","records":"r.jsonl"}"#);
    assert_eq!(e.code, "records.syntax");
    assert!(e.why.contains("line 1"), "{e}");
    write("c.json", "{}");
    assert!(err(r#"{"fleet":"f.json","creditRules":"c.json"}"#)
        .file
        .ends_with("c.json"));
    write("k.json", "[]");
    assert!(err(r#"{"fleet":"f.json","riskPolicy":"k.json"}"#)
        .file
        .ends_with("k.json"));
    assert_eq!(
        err(r#"{"fleet":"f.json","rescuePolicy":"k.json"}"#).code,
        "rescue_policy.syntax"
    );
    write("platform.json", r#"{"fleet":"f.json","clock":"frames"}"#);
    let ok = Config::load(&cfg).unwrap();
    assert_eq!(ok.database, dir.join("liftspec.db"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The fuzz seeds of `platform_stream` are genuine frames of the fuzz target's city (so the
/// fuzzer starts from the accepting path): every whole frame in them is taken.
#[test]
fn the_stream_fuzz_seeds_are_genuine_frames_of_the_targets_city() {
    use liftspec_protocol::framing::{Deframed, Deframer};
    let city = liftspec_sim::city::City::generate(&liftspec_sim::config::SimConfig {
        seed: 2020,
        lifts: 2,
        ..Default::default()
    })
    .unwrap();
    let fleet = Fleet::of_city(&city);
    let seed = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/seeds/platform_stream/two-lifts-start.bin");
    let mut pipeline = liftspec_platform::pipeline::Pipeline::new(&fleet, Default::default());
    let mut taken = 0;
    for d in Deframer::new(1 << 15).push_slice(&std::fs::read(seed).unwrap()) {
        // The seed is cut from a longer stream: its last block may be partial.
        let Deframed::Frame(f) = d else { continue };
        let at = liftspec_protocol::wire::peek(&f).unwrap().sent_at;
        let t = pipeline.ingest(&f, at);
        assert!(t.refused.is_none(), "{:?}", t.refused);
        taken += 1;
    }
    assert!(taken > 10, "{taken}");
}
