//! Prints the detectors' accuracy against the simulator's ground truth on the documented
//! scenario (the README's table): `cargo run --release -p liftspec-detect --example accuracy`.

#[path = "../tests/common/accuracy.rs"]
mod accuracy;

fn main() {
    let started = std::time::Instant::now();
    let score = accuracy::run(accuracy::scenario());
    print!("{}", accuracy::table(&score));
    eprintln!(
        "{} frames in {:.1} s; unscored: {:?}",
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
