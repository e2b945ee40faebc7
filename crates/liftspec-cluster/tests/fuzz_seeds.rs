//! The fuzz target `cluster_messages` starts from genuine messages: a frame batch of real
//! frames, a downlink batch of real Acks, and a published detection. `LIFTSPEC_BLESS=1`
//! writes them again.

use std::path::PathBuf;

use liftspec_cluster::message::{Downlink, FrameBatch, PublishedDetection};
use liftspec_cluster::partition::Partitions;
use liftspec_cluster::shard::Shard;
use liftspec_platform::config::Clock;
use liftspec_platform::fleet::Fleet;
use liftspec_sim::config::SimConfig;
use liftspec_sim::stream::Simulation;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds/cluster_messages")
}

fn genuine() -> Vec<(&'static str, Vec<u8>)> {
    let d = SimConfig::default();
    let sim = Simulation::new(SimConfig {
        lifts: 2,
        duration_s: 900,
        seed: 4,
        faults: d.faults.scaled(4000.0),
        ..d
    })
    .unwrap();
    let fleet = Fleet::of_city(sim.city());
    let frames: Vec<(u64, Vec<u8>)> = sim.map(|f| (1, f.bytes)).collect();
    let batch = FrameBatch {
        edge: "edge-1".into(),
        frames: frames[..8].to_vec(),
    };
    let parts = Partitions::new(1).unwrap();
    let mut shard = Shard::new(&fleet, parts, 0, Default::default(), 1);
    let all = FrameBatch {
        edge: "edge-1".into(),
        frames,
    };
    shard.take(
        &all,
        Clock::Frames,
        liftspec_model::time::Timestamp::from_millis(0),
    );
    let sealed = shard.seal();
    let detection: PublishedDetection = sealed.detections.first().cloned().expect("a detection");
    let down: Downlink = shard
        .reply(sealed, liftspec_model::time::Timestamp::from_millis(0))
        .remove("edge-1")
        .unwrap();
    vec![
        ("frame-batch.bin", batch.encode()),
        ("downlink.bin", down.encode()),
        ("detection.json", detection.encode()),
    ]
}

#[test]
fn the_seeds_are_genuine_messages() {
    for (name, bytes) in genuine() {
        let path = dir().join(name);
        if std::env::var_os("LIFTSPEC_BLESS").is_some() {
            std::fs::create_dir_all(dir()).unwrap();
            std::fs::write(&path, &bytes).unwrap();
        }
        let stored = std::fs::read(&path).unwrap();
        let ok = match name {
            "frame-batch.bin" => FrameBatch::decode(&stored).map(|_| ()).is_ok(),
            "downlink.bin" => Downlink::decode(&stored).map(|_| ()).is_ok(),
            _ => PublishedDetection::decode(&stored).is_ok(),
        };
        assert!(ok, "{name} decodes");
        assert_eq!(
            stored, bytes,
            "{name} is current (LIFTSPEC_BLESS=1 rewrites it)"
        );
    }
}
