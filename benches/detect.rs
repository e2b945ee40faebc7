//! Detection throughput: frames per second through the per-lift detectors, with and without
//! decoding, against the naive window re-scan. `cargo bench -p liftspec-benches --bench detect`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use liftspec_benches::naive::NaiveDetector;
use liftspec_detect::lift::{LiftDetector, LiftProfile};
use liftspec_detect::thresholds::Thresholds;
use liftspec_model::time::Timestamp;
use liftspec_protocol::message::Body;
use liftspec_protocol::wire::{self, Envelope};
use liftspec_sim::config::SimConfig;
use liftspec_sim::stream::Simulation;

fn detect(c: &mut Criterion) {
    let config = SimConfig {
        lifts: 300,
        duration_s: 900,
        ..SimConfig::default()
    };
    let mut sim = Simulation::new(config).unwrap();
    let city = sim.city().clone();
    let frames: Vec<(u32, Timestamp, Vec<u8>)> =
        sim.by_ref().map(|f| (f.lift, f.at, f.bytes)).collect();
    let decoded: Vec<(u32, Timestamp, Envelope)> = frames
        .iter()
        .map(|(l, t, b)| (*l, *t, wire::decode(b).unwrap().envelope))
        .collect();
    let profiles: Vec<LiftProfile> = (0..city.lifts.len())
        .map(|i| LiftProfile::from_equipment(&city.equipment(i).unwrap()))
        .collect();
    let th = Thresholds::default();
    let mut group = c.benchmark_group("detect");
    group.throughput(Throughput::Elements(frames.len() as u64));
    group.sample_size(20);
    group.bench_function("liftspec (decoded frames)", |b| {
        b.iter(|| {
            let mut detectors: Vec<LiftDetector> =
                profiles.iter().map(|p| LiftDetector::new(*p)).collect();
            let mut out = Vec::new();
            for (lift, at, env) in &decoded {
                detectors[*lift as usize].on_envelope(env, *at, &th, &mut out);
                out.clear();
            }
            black_box(detectors)
        })
    });
    group.bench_function("liftspec (decode + detect)", |b| {
        b.iter(|| {
            let mut detectors: Vec<LiftDetector> =
                profiles.iter().map(|p| LiftDetector::new(*p)).collect();
            let mut out = Vec::new();
            for (lift, at, bytes) in &frames {
                let env = wire::decode(bytes).unwrap().envelope;
                detectors[*lift as usize].on_envelope(&env, *at, &th, &mut out);
                out.clear();
            }
            black_box(detectors)
        })
    });
    group.bench_function("naive window re-scan (decoded frames)", |b| {
        b.iter(|| {
            let mut detectors: Vec<NaiveDetector> = vec![NaiveDetector::default(); profiles.len()];
            let mut flags = 0u64;
            for (lift, at, env) in &decoded {
                if let Body::Status(s) = &env.body {
                    let rated = profiles[*lift as usize].rated_speed_mm_s as i32;
                    let f = detectors[*lift as usize].on_status(at.millis(), s, rated);
                    flags += u64::from(f.trapped);
                }
            }
            black_box(flags)
        })
    });
    group.finish();
    println!(
        "detector state: {} bytes per lift; 1,000,000 lifts: {:.0} MB",
        std::mem::size_of::<LiftDetector>(),
        std::mem::size_of::<LiftDetector>() as f64 * 1e6 / 1e6
    );
}

criterion_group!(benches, detect);
criterion_main!(benches);
