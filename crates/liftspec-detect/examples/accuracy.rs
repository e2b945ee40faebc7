//! Prints the detectors' accuracy against the simulator's ground truth (the README's tables):
//! the documented scenario, the realistic fleet with the same faults, and the realistic fleet's
//! false alerts in normal service: `cargo run --release -p liftspec-detect --example accuracy`.

#[path = "../tests/common/accuracy.rs"]
mod accuracy;

use liftspec_detect::detection::Severity;

fn main() {
    for (name, config) in [
        ("documented scenario", accuracy::scenario()),
        ("realistic fleet, same faults", accuracy::realistic()),
        (
            "realistic fleet, normal service",
            accuracy::realistic_normal(),
        ),
    ] {
        let started = std::time::Instant::now();
        let score = accuracy::run(config);
        println!("\n### {name}\n");
        print!("{}", accuracy::table(&score));
        println!(
            "\nFalse alerts per 1,000 lift-hours ({:.0} lift-hours): {:.2} at Warning and above, {:.2} in all.",
            score.lift_hours,
            score.false_alerts_per_1000_lift_hours(Severity::Warning),
            score.false_alerts_per_1000_lift_hours(Severity::Info),
        );
        eprintln!(
            "{name}: {} frames in {:.1} s; unscored: {:?}",
            score.frames,
            started.elapsed().as_secs_f64(),
            score.unscored
        );
        for (kind, (n, ok)) in &score.detections {
            if ok < n {
                eprintln!("precision {kind:?}: {ok}/{n}");
            }
        }
    }
}
