//! Nearest-available-crew queries at city scale (200,000 lifts, 2,000 crews): the dispatcher's
//! choice by predicted arrival among the 8 nearest, and the plain nearest crew, side by side.
//! `cargo bench -p liftspec-benches --bench rescue`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use liftspec_model::equipment::GeoPoint;
use liftspec_model::id::CreditCode;
use liftspec_model::time::Timestamp;
use liftspec_rescue::dispatch::{CrewSite, Dispatcher, Eligible, RoadEstimate};
use liftspec_sim::city::City;
use liftspec_sim::config::SimConfig;
use liftspec_sim::rng::Rng;

fn rescue(c: &mut Criterion) {
    let city = City::generate(&SimConfig {
        lifts: 200_000,
        ..SimConfig::default()
    })
    .unwrap();
    let units: Vec<CreditCode> = city
        .maintenance_units
        .iter()
        .map(|u| u.organisation.credit_code.clone())
        .collect();
    // 2,000 crews near buildings, spread over the city's maintenance units.
    let mut rng = Rng::new(7);
    let crews: Vec<CrewSite> = (0..2000)
        .map(|i| {
            let b = &city.buildings[rng.index(city.buildings.len())];
            let p = b.location.point;
            CrewSite {
                id: format!("C{i:05}").parse().unwrap(),
                unit: units[i % units.len()].clone(),
                point: GeoPoint::new(
                    p.lat() + rng.range(-0.01, 0.01),
                    p.lon() + rng.range(-0.01, 0.01),
                )
                .unwrap(),
            }
        })
        .collect();
    let mut dispatcher = Dispatcher::new(crews);
    // A busy afternoon: a quarter of the crews are out.
    for i in (0..2000).step_by(4) {
        dispatcher.set_busy(i, true);
    }
    let queries: Vec<(GeoPoint, CreditCode)> = (0..1024)
        .map(|_| {
            let lift = &city.lifts[rng.index(city.lifts.len())];
            let point = city.buildings[lift.building as usize].location.point;
            (point, units[lift.maintenance_unit as usize].clone())
        })
        .collect();
    let road = RoadEstimate::default();
    let at = Timestamp::from_millis(1_796_265_000_000);
    let mut group = c.benchmark_group("rescue/crew query (200k lifts, 2k crews)");
    let mut i = 0;
    group.bench_function("best of 8 by predicted arrival, own unit", |b| {
        b.iter(|| {
            i = (i + 1) % queries.len();
            let (p, unit) = &queries[i];
            black_box(dispatcher.best(*p, Eligible::UnitOnly(unit), &[], 8, at, &road))
        })
    });
    group.bench_function("best of 8 by predicted arrival, any other unit", |b| {
        b.iter(|| {
            i = (i + 1) % queries.len();
            let (p, unit) = &queries[i];
            black_box(dispatcher.best(*p, Eligible::OtherThan(unit), &[], 8, at, &road))
        })
    });
    group.bench_function("nearest by straight line, own unit", |b| {
        b.iter(|| {
            i = (i + 1) % queries.len();
            let (p, unit) = &queries[i];
            black_box(dispatcher.nearest(*p, Eligible::UnitOnly(unit), &[]))
        })
    });
    group.finish();
}

criterion_group!(benches, rescue);
criterion_main!(benches);
