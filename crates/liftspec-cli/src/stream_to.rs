//! `liftspec city --to HOST:PORT`: the simulated city's terminals over real TCP to a running
//! platform (`liftspec serve`), through gateway connections that keep every frame until it is
//! acknowledged and send again after a reconnection.

use std::process::ExitCode;
use std::time::Instant;

use liftspec_platform::client::{link, LinkReport};
use liftspec_platform::gateway::Relay;
use liftspec_sim::stream::Simulation;

use crate::Failure;

/// Streams every frame of `sim` to `addr` over `connections` connections (lift `i` on
/// connection `i mod connections`), then reports.
pub(crate) fn run(mut sim: Simulation, addr: &str, connections: u32) -> Result<ExitCode, Failure> {
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
    for frame in sim.by_ref() {
        frames += 1;
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
