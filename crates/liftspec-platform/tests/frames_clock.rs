//! On the frames' clock, a lift's frames that arrive out of order (sent again after a
//! reconnection, behind later ones that got through) give the same detections as the same
//! frames in order: a frame held for a gap advances no clock, and the frames a late
//! predecessor releases are each taken at their own send time.
//!
//! Found by the sharded platform's crash test: after a nats-server restart, frames released by
//! a resent predecessor were taken at the predecessor's time, so their terminals' clocks looked
//! a minute fast (spurious `clockDrift` detections on lifts without any).

use std::collections::BTreeMap;

use liftspec_platform::fleet::Fleet;
use liftspec_platform::pipeline::Pipeline;
use liftspec_protocol::wire;
use liftspec_sim::config::SimConfig;
use liftspec_sim::stream::Simulation;

type ByLift = BTreeMap<u32, Vec<serde_json::Value>>;

fn city() -> (Fleet, Vec<Vec<u8>>) {
    let base = SimConfig::default();
    let config = SimConfig {
        lifts: 80,
        duration_s: 1_200,
        seed: 7,
        faults: base.faults.scaled(5_000.0),
        ..base
    };
    let mut sim = Simulation::new(config).unwrap();
    let fleet = Fleet::of_city(sim.city());
    let frames = sim.by_ref().map(|f| f.bytes).collect();
    (fleet, frames)
}

fn run(
    fleet: &Fleet,
    frames: &[Vec<u8>],
    take: impl Fn(&mut Pipeline, &[u8]) -> liftspec_platform::pipeline::Taken,
) -> ByLift {
    let mut pipeline = Pipeline::new(fleet, Default::default());
    let mut found = ByLift::new();
    for f in frames {
        let taken = take(&mut pipeline, f);
        assert!(taken.refused.is_none(), "{:?}", taken.refused);
        for d in taken.detections {
            found
                .entry(d.lift)
                .or_default()
                .push(serde_json::to_value(&d.detection).unwrap());
        }
    }
    found
}

/// The frames with every lift's frames reversed in runs of `run` (each run's last frame first:
/// a gap, then the frames behind it, as after a reconnection), the lifts' runs interleaved in
/// time order of their first frames.
fn reordered(frames: &[Vec<u8>], run: usize) -> Vec<Vec<u8>> {
    let mut by_device: BTreeMap<String, Vec<Vec<u8>>> = BTreeMap::new();
    for f in frames {
        let device = wire::peek(f).unwrap().device.to_string();
        by_device.entry(device).or_default().push(f.clone());
    }
    let mut runs: Vec<(i64, Vec<Vec<u8>>)> = Vec::new();
    for list in by_device.into_values() {
        for chunk in list.chunks(run) {
            let at = wire::peek(&chunk[0]).unwrap().sent_at.millis();
            runs.push((at, chunk.iter().rev().cloned().collect()));
        }
    }
    runs.sort_by_key(|(at, _)| *at);
    runs.into_iter().flat_map(|(_, r)| r).collect()
}

#[test]
fn frames_out_of_order_give_the_in_order_detections_on_the_frames_clock() {
    let (fleet, frames) = city();
    let in_order = run(&fleet, &frames, |p, f| p.ingest_on_frames_clock(f));
    let detections: usize = in_order.values().map(Vec::len).sum();
    assert!(detections >= 10, "the city has faults: {in_order:?}");
    // The same as receiving each frame at its send time, when they come in order.
    let at_send_time = run(&fleet, &frames, |p, f| {
        let at = wire::peek(f).unwrap().sent_at;
        p.ingest(f, at)
    });
    assert_eq!(at_send_time, in_order);
    // Runs of 40 frames (a few minutes of a lift) fit the session's window of 64.
    let shuffled = reordered(&frames, 40);
    assert_ne!(shuffled, frames);
    let out_of_order = run(&fleet, &shuffled, |p, f| p.ingest_on_frames_clock(f));
    let differ: Vec<_> = in_order
        .keys()
        .chain(out_of_order.keys())
        .filter(|l| in_order.get(l) != out_of_order.get(l))
        .take(3)
        .map(|l| (l, in_order.get(l), out_of_order.get(l)))
        .collect();
    assert!(differ.is_empty(), "{differ:?}");
}

#[test]
fn the_wall_clock_takes_released_frames_when_they_are_taken() {
    // On the wall clock a frame counts as received when it is taken, released or not: the
    // behaviour the frames' clock departs from, pinned so that a change to one is seen.
    let (fleet, frames) = city();
    let shuffled = reordered(&frames, 40);
    let wall = run(&fleet, &shuffled, |p, f| {
        let at = wire::peek(f).unwrap().sent_at;
        p.ingest(f, at)
    });
    let drift = wall
        .values()
        .flatten()
        .filter(|d| d["kind"] == "clockDrift")
        .count();
    assert!(
        drift > 0,
        "released frames look early at their predecessor's time"
    );
}
