//! Credit evaluation at city scale: every maintenance unit and every use unit of a 200,000-lift
//! city (over 30,000 units) over its year of records (about 5.6 M), indexing once, against
//! evaluating unit by unit over all records (the naive way, timed on one unit). `cargo bench -p liftspec-benches --bench credit`.

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
                    // Every simulated lift reports through a terminal; insurance is not simulated.
                    insured: false,
                    smart_terminal: true,
                    maintained_since: None,
                })
                .collect(),
            technicians: mu.technicians.len() as u32,
            licence_valid_until: None,
            commendations: Vec::new(),
        })
        .collect();
    // Use units answer for the lifts in their buildings.
    let mut use_units: Vec<UnitFacts> = city
        .use_units
        .iter()
        .map(|u| UnitFacts {
            unit: u.organisation.credit_code.clone(),
            lifts: Vec::new(),
            technicians: 0,
            licence_valid_until: None,
            commendations: Vec::new(),
        })
        .collect();
    for l in &city.lifts {
        let owner = city.buildings[l.building as usize].use_unit as usize;
        use_units[owner].lifts.push(LiftFacts {
            registration_code: l.registration_code.clone(),
            family: l.kind.maintenance_family(),
            insured: false,
            smart_terminal: true,
            maintained_since: None,
        });
    }
    println!(
        "{} records for {} maintenance units and {} use units generated in {:.1} s",
        year.records.len(),
        units.len(),
        use_units.len(),
        started.elapsed().as_secs_f64()
    );
    let rules = RuleSet::default_maintenance_unit();
    let period = Period::year(2025).expect("2025 is a calendar year");
    let mut group = c.benchmark_group("credit");
    group.sample_size(10);
    group.bench_function("evaluate_all (every unit, records indexed once)", |b| {
        b.iter(|| evaluate_all(&rules, &units, &year.records, &period))
    });
    let use_rules = RuleSet::default_use_unit();
    group.bench_function("evaluate_all (every use unit, records indexed once)", |b| {
        b.iter(|| evaluate_all(&use_rules, &use_units, &year.records, &period))
    });
    group.bench_function("naive: one unit over all records", |b| {
        b.iter(|| evaluate(&rules, &units[0], &year.records, &period, &BTreeSet::new()))
    });
    group.finish();
}

criterion_group!(benches, credit);
criterion_main!(benches);
