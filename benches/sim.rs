//! The simulator's speed: frames generated (encoded and authenticated) per second, and virtual
//! lift-hours per second. `cargo bench -p liftspec-benches --bench sim`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use liftspec_sim::config::SimConfig;
use liftspec_sim::stream::Simulation;

fn simulate(c: &mut Criterion) {
    let config = SimConfig {
        lifts: 1000,
        duration_s: 600,
        ..SimConfig::default()
    };
    let frames = Simulation::new(config.clone()).unwrap().count() as u64;
    let mut group = c.benchmark_group("sim");
    group.sample_size(10);
    group.throughput(Throughput::Elements(frames));
    group.bench_function("1000 lifts x 10 min (frames)", |b| {
        b.iter(|| Simulation::new(config.clone()).unwrap().count())
    });
    group.finish();
    let mut group = c.benchmark_group("city");
    group.sample_size(10);
    group.throughput(Throughput::Elements(20_000));
    group.bench_function("generate 20000 lifts", |b| {
        b.iter(|| {
            liftspec_sim::city::City::generate(&SimConfig {
                lifts: 20_000,
                ..SimConfig::default()
            })
            .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, simulate);
criterion_main!(benches);
