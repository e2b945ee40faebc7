//! `liftspec city --to HOST:PORT`: the simulated city's terminals over real TCP to a running
//! platform (`liftspec serve`), through gateway connections that keep every frame until it is
//! acknowledged and send again after a reconnection.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use liftspec_model::time::Timestamp;

use liftspec_platform::client::{link, LinkReport};
use liftspec_platform::gateway::Relay;
use liftspec_sim::stream::Simulation;

use crate::Failure;

/// Streams every frame of `sim` to `addr` over `connections` connections (lift `i` on
/// connection `i mod connections`), at `speed` times real time if given (else as fast as they
/// are taken), then reports.
pub(crate) fn run(
    mut sim: Simulation,
    addr: &str,
    connections: u32,
    speed: Option<f64>,
) -> Result<ExitCode, Failure> {
    let city = sim.city().clone();
    let n = (connections.max(1) as usize).min(city.lifts.len().max(1));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| Failure(format!("starting the runtime: {e}")))?;
    let started = Instant::now();
    let (senders, links): (Vec<_>, Vec<_>) = (0..n)
        .map(|c| {
            let relays: Vec<Relay> = (c..city.lifts.len())
                .step_by(n)
                .map(|i| Relay::new(city.lifts[i].device.clone(), city.epoch(i), city.keys(i)))
                .collect();
            let (tx, rx) = tokio::sync::mpsc::channel::<Vec<u8>>(4_096);
            (tx, runtime.spawn(link(addr.to_owned(), relays, rx)))
        })
        .unzip();
    eprintln!(
        "streaming {} lifts to {addr} over {n} connections …",
        city.lifts.len()
    );
    let mut frames = 0u64;
    let mut pace = speed.map(Pace::new);
    for frame in sim.by_ref() {
        frames += 1;
        if let Some(p) = pace.as_mut() {
            std::thread::sleep(p.wait(frame.at));
        }
        // A connection that gave up closed its queue: its error is reported below.
        if senders[frame.lift as usize % n]
            .blocking_send(frame.bytes)
            .is_err()
        {
            break;
        }
    }
    drop(senders);
    let mut total = LinkReport::default();
    for l in links {
        let (report, _) = runtime
            .block_on(l)
            .map_err(|e| Failure(format!("a connection task failed: {e}")))?
            .map_err(|e| Failure(e.to_string()))?;
        total = total.plus(report);
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "Streamed {frames} frames of {} lifts to {addr} over {n} connections in {secs:.1} s ({:.0} frames/s): {} acknowledged, {} sent again after {} reconnections, {} comforting messages received, {} platform frames refused.",
        city.lifts.len(),
        frames as f64 / secs.max(1e-9),
        total.acknowledged,
        total.resent,
        total.reconnections,
        total.commands,
        total.refused
    );
    if total.acknowledged < frames {
        return Err(Failure(format!(
            "only {} of {frames} frames were acknowledged",
            total.acknowledged
        )));
    }
    Ok(ExitCode::SUCCESS)
}

/// Plays frames at a multiple of real time: a frame sent `d` after the first waits until
/// `d / speed` has passed since the first was played.
struct Pace {
    speed: f64,
    first: Option<(Timestamp, Instant)>,
}

impl Pace {
    fn new(speed: f64) -> Self {
        Self { speed, first: None }
    }

    /// How long to wait before playing a frame sent at `at`.
    fn wait(&mut self, at: Timestamp) -> Duration {
        let (t0, started) = *self.first.get_or_insert((at, Instant::now()));
        let virtual_ms = at.millis().saturating_sub(t0.millis()).max(0);
        // Checked: a speed near zero or a far-off time waits the longest a Duration holds.
        let due = Duration::try_from_secs_f64(virtual_ms as f64 / 1_000.0 / self.speed)
            .unwrap_or(Duration::MAX);
        due.saturating_sub(started.elapsed())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pace_waits_for_virtual_time_over_speed() {
        let mut p = Pace::new(60.0);
        let t0 = Timestamp::from_millis(1_000_000);
        assert_eq!(p.wait(t0), Duration::ZERO, "the first frame plays at once");
        // A virtual minute later: a second later at 60 times real time.
        let w = p.wait(Timestamp::from_millis(1_060_000));
        assert!(
            w <= Duration::from_secs(1) && w > Duration::from_millis(500),
            "{w:?}"
        );
        // A frame from before the first (a device clock behind) waits for nothing.
        assert_eq!(p.wait(Timestamp::from_millis(0)), Duration::ZERO);
    }

    #[test]
    fn pace_at_a_tiny_speed_saturates_rather_than_panics() {
        let mut p = Pace::new(f64::MIN_POSITIVE);
        p.wait(Timestamp::from_millis(0));
        assert!(p.wait(Timestamp::from_millis(i64::MAX)) > Duration::from_secs(1 << 40));
    }
}
