//! Screening a 200,000-lift city for risk-assessment triggers on one core:
//! `cargo bench -p liftspec-benches --bench risk`.

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use liftspec_risk::triggers::{screen, ComponentRegistry, Counters, LiftRiskInput, Policy};
use liftspec_sim::city::City;
use liftspec_sim::config::SimConfig;
use liftspec_sim::rng::Rng;

fn risk(c: &mut Criterion) {
    let city = City::generate(&SimConfig {
        lifts: 200_000,
        ..SimConfig::default()
    })
    .unwrap();
    // The simulated city's own date (its default start).
    let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
    let mut rng = Rng::new(3);
    let inputs: Vec<LiftRiskInput> = city
        .lifts
        .iter()
        .map(|l| {
            let days = (today - l.commissioned_on).num_days().max(0) as u64;
            LiftRiskInput {
                registration_code: l.registration_code.clone(),
                kind: l.kind,
                commissioned_on: l.commissioned_on,
                counters: Some(Counters {
                    on: today,
                    run_count: days * rng.int(150, 450) as u64,
                    door_cycles: days * rng.int(300, 900) as u64,
                }),
                // Mostly none or one fault a month; about one lift-month in a hundred has three.
                monthly_faults: (1..=12)
                    .map(|m| {
                        (
                            2026,
                            m,
                            if rng.chance(0.01) {
                                3
                            } else {
                                rng.int(0, 1) as u32
                            },
                        )
                    })
                    .collect(),
                disasters: Vec::new(),
                replacements: Vec::new(),
                findings: Vec::new(),
            }
        })
        .collect();
    let policy = Policy::hangzhou();
    let registry = ComponentRegistry::default_lives();
    let triggered = inputs
        .iter()
        .filter(|l| !screen(&policy, &registry, l, today).unwrap().is_empty())
        .count();
    println!(
        "{triggered} of {} lifts have at least one trigger",
        inputs.len()
    );
    let mut group = c.benchmark_group("risk");
    group.sample_size(10);
    group.throughput(Throughput::Elements(inputs.len() as u64));
    group.bench_function("screen 200,000 lifts (Hangzhou policy)", |b| {
        b.iter(|| {
            inputs
                .iter()
                .map(|l| screen(&policy, &registry, l, today).unwrap().len())
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, risk);
criterion_main!(benches);
