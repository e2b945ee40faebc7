//! Prints the typhoon-afternoon comparison for the README:
//! `cargo run --release -p liftspec-rescue --example typhoon -- [lifts] [share cut] [share without ARD]`.

#[path = "../tests/storm/mod.rs"]
mod typhoon;

use liftspec_rescue::dispatch::RoadEstimate;
use liftspec_rescue::policy::RescuePolicy;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let lifts: u32 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let share: f64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(0.5);
    let without_ard: f64 = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(0.3);
    let (city, sites, crews) = typhoon::city(lifts);
    let reports = typhoon::entrapments(&city, share, without_ard);
    println!(
        "{lifts} lifts, {} maintenance units, {} crews; a power cut at 16:00 takes {:.0} % of the lifts, {:.0} % of cars have no ARD: {} entrapments at once",
        city.maintenance_units.len(),
        crews.len(),
        share * 100.0,
        without_ard * 100.0,
        reports.len()
    );
    println!("| dispatcher | within Art. 30 limit | mean arrival | 90th percentile | cross-unit (Art. 37) | fire service | crew utilisation |");
    println!("|---|---|---|---|---|---|---|");
    for (name, policy, provider) in [
        (
            "predicted arrival (river-aware ETA, best of 8)",
            RescuePolicy::default(),
            Box::new(typhoon::RiverRoads) as Box<dyn liftspec_rescue::dispatch::TravelTime + Send>,
        ),
        (
            "nearest first (straight line)",
            RescuePolicy {
                candidates: 1,
                ..RescuePolicy::default()
            },
            Box::new(RoadEstimate::default()),
        ),
    ] {
        let o = typhoon::run(&sites, &crews, policy, provider, &reports);
        println!(
            "| {name} | {:.1} % | {:.1} min | {:.1} min | {} | {} | {:.0} % |",
            o.sla_percent(),
            o.mean_arrival(),
            o.p90_arrival(),
            o.cross_unit,
            o.fire_service,
            o.utilisation_percent()
        );
    }
}
