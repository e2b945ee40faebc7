//! Simulates a small city and prints what it produced: frames by kind, faults by kind, speed.
//! `cargo run --release -p liftspec-sim --example sim_summary -- [lifts] [seconds] [fault-scale]`

use std::collections::BTreeMap;
use std::time::Instant;

use liftspec_sim::config::SimConfig;
use liftspec_sim::stream::Simulation;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let lifts = args.get(1).map_or(Ok(1000), |a| a.parse())?;
    let duration_s = args.get(2).map_or(Ok(3600), |a| a.parse())?;
    let scale: f64 = args.get(3).map_or(Ok(1.0), |a| a.parse())?;
    let defaults = SimConfig::default();
    let config = SimConfig {
        lifts,
        duration_s,
        faults: defaults.faults.scaled(scale),
        ..defaults
    };
    let started = Instant::now();
    let mut sim = Simulation::new(config)?;
    let city_s = started.elapsed().as_secs_f64();
    let mut kinds: BTreeMap<String, u64> = BTreeMap::new();
    let mut bytes = 0u64;
    let mut frames = 0u64;
    for frame in sim.by_ref() {
        *kinds.entry(format!("{:?}", frame.kind)).or_default() += 1;
        bytes += frame.bytes.len() as u64;
        frames += 1;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let mut faults: BTreeMap<String, u64> = BTreeMap::new();
    for t in sim.take_ground_truth() {
        *faults.entry(format!("{:?}", t.kind)).or_default() += 1;
    }
    println!("{lifts} lifts, {duration_s} s virtual: city in {city_s:.2} s, total {elapsed:.2} s ({:.0}x real time)", duration_s as f64 / elapsed);
    println!(
        "{frames} frames ({:.0}/s), {bytes} bytes",
        frames as f64 / elapsed
    );
    println!("frames by kind: {kinds:?}");
    println!("faults: {faults:?}");
    println!("state per lift: {} bytes", sim.state_bytes_per_lift());
    Ok(())
}
