//! Credit evaluation at city scale: every maintenance unit of a 200,000-lift city over its
//! year of records (about 5 M), indexing once, against evaluating unit by unit over all records
//! (the naive way, timed on a sample of units). `cargo bench -p liftspec-benches --bench credit`.

use std::collections::BTreeSet;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion};
use liftspec_credit::evaluate::{evaluate, evaluate_all, LiftFacts, Period, UnitFacts};
use liftspec_credit::rules::RuleSet;
use liftspec_sim::city::City;
use liftspec_sim::config::SimConfig;
use liftspec_sim::records::year_of_records;

fn credit(c: &mut Criterion) {
    let started = Instant::now();
    let city = City::generate(&SimConfig {
        lifts: 200_000,
        ..SimConfig::default()
    })
    .unwrap();
    let year = year_of_records(&city, 2025, 1);
    let units: Vec<UnitFacts> = city
        .maintenance_units
        .iter()
        .enumerate()
        .map(|(u, mu)| UnitFacts {
            unit: mu.organisation.credit_code.clone(),
            lifts: city
                .lifts
                .iter()
                .filter(|l| l.maintenance_unit as usize == u)
                .map(|l| LiftFacts {
                    registration_code: l.registration_code.clone(),
                    family: l.kind.maintenance_family(),
                })
                .collect(),
            technicians: mu.technicians.len() as u32,
            licence_valid_until: None,
        })
        .collect();
    println!(
        "{} records for {} units generated in {:.1} s",
        year.records.len(),
        units.len(),
        started.elapsed().as_secs_f64()
    );
    let rules = RuleSet::hangzhou_maintenance();
    let period = Period::year(2025);
    let mut group = c.benchmark_group("credit");
    group.sample_size(10);
    group.bench_function("evaluate_all (every unit, records indexed once)", |b| {
        b.iter(|| evaluate_all(&rules, &units, &year.records, &period))
    });
    group.bench_function("naive: one unit over all records", |b| {
        b.iter(|| evaluate(&rules, &units[0], &year.records, &period, &BTreeSet::new()))
    });
    group.finish();
}

criterion_group!(benches, credit);
criterion_main!(benches);
