//! One partition's share of the platform, sans I/O: the receiver sessions and detectors of the
//! partition's devices, what a batch of frames produced, and the answers to send once that is
//! durable. A worker runs one shard per partition it owns.
//!
//! The order a worker keeps for each batch (the guarantee rests on it):
//! 1. [`Shard::take`] the frames (memory only);
//! 2. publish the [`Sealed::detections`] (the stream drops a repeat by its message id);
//! 3. commit the [`Sealed::checkpoints`] with the stream position, fenced by the lease;
//! 4. acknowledge the stream messages, and send the [`Shard::reply`] frames (the Acks).
//!
//! A crash anywhere replays the partition from its last checkpoint: the same frames through the
//! same restored states give the same detections with the same ordinals, and the sessions drop
//! what they had delivered before.
//!
//! ```
//! use liftspec_cluster::{message::FrameBatch, partition::Partitions, shard::Shard};
//! use liftspec_platform::{config::Clock, fleet::Fleet};
//! use liftspec_model::time::Timestamp;
//! let fleet = Fleet::default();
//! let mut shard = Shard::new(&fleet, Partitions::new(4)?, 0, Default::default(), 1);
//! let batch = FrameBatch { edge: "e".into(), frames: vec![(1, b"junk".to_vec())] };
//! shard.take(&batch, Clock::Frames, Timestamp::from_millis(0));
//! let sealed = shard.seal();
//! assert_eq!(sealed.refused[0].code, "decode.too_short");
//! # Ok::<(), liftspec_cluster::partition::PartitionsError>(())
//! ```

use std::collections::{BTreeMap, HashMap};

use liftspec_detect::thresholds::Thresholds;
use liftspec_model::time::Timestamp;
use liftspec_platform::config::Clock;
use liftspec_platform::fleet::Fleet;
use liftspec_platform::pipeline::{DeviceState, LiftDetection, Pipeline, Refused};
use liftspec_protocol::message::Body;
use liftspec_protocol::wire::{self, DeviceId};

use crate::message::{Downlink, PublishedDetection};
use crate::partition::Partitions;

/// A device's checkpoint as a shard keeps it: its state and how many detections it has raised.
#[derive(Debug, Clone, PartialEq)]
pub struct Checkpoint {
    /// The device id.
    pub device: String,
    /// The state.
    pub state: DeviceState,
    /// Detections published for it so far (the next one is `ordinal + 1`).
    pub ordinal: u64,
}

/// What the frames taken since the last seal produced.
#[derive(Debug, Default)]
pub struct Sealed {
    /// The checkpoints of every device the frames touched.
    pub checkpoints: Vec<Checkpoint>,
    /// Detections, in order, numbered per lift.
    pub detections: Vec<PublishedDetection>,
    /// Frames refused (forged, corrupt, a device not in this partition): reported, not answered.
    pub refused: Vec<Refused>,
    /// Frames taken.
    pub frames: u64,
    touched: BTreeMap<u32, Vec<Body>>,
}

/// One partition's devices.
pub struct Shard {
    partition: u16,
    pipeline: Pipeline,
    /// Local lift → (fleet index, device, registration code, district).
    lifts: Vec<(u32, String, String, u32)>,
    ordinals: Vec<u64>,
    /// Local lift → (edge, connection) it last came on.
    route: HashMap<u32, (String, u64)>,
    now_ms: i64,
    pending: Sealed,
}

impl Shard {
    /// The shard of `partition`: the fleet's lifts whose devices hash to it, fresh, numbering
    /// its frames to devices in downlink epoch `epoch` (a new one per owner: the lease's).
    pub fn new(
        fleet: &Fleet,
        partitions: Partitions,
        partition: u16,
        thresholds: Thresholds,
        epoch: u32,
    ) -> Self {
        let mut sub = Fleet {
            lifts: Vec::new(),
            crews: Vec::new(),
            units: Vec::new(),
        };
        let mut lifts = Vec::new();
        for (i, l) in fleet.lifts.iter().enumerate() {
            if partitions.of(&l.device) == partition {
                sub.lifts.push(l.clone());
                lifts.push((
                    i as u32,
                    l.device.to_string(),
                    l.equipment.registration_code.to_string(),
                    l.equipment.location.region_code,
                ));
            }
        }
        let mut pipeline = Pipeline::new(&sub, thresholds);
        pipeline.new_downlink_epoch(epoch);
        Self {
            partition,
            pipeline,
            ordinals: vec![0; lifts.len()],
            lifts,
            route: HashMap::new(),
            now_ms: i64::MIN,
            pending: Sealed::default(),
        }
    }

    /// The partition.
    pub fn partition(&self) -> u16 {
        self.partition
    }

    /// How many lifts it holds.
    pub fn len(&self) -> usize {
        self.lifts.len()
    }

    /// Whether it holds no lift.
    pub fn is_empty(&self) -> bool {
        self.lifts.is_empty()
    }

    /// Restores a device's checkpoint; `false` when the device is not in this shard (a fleet
    /// that changed: the checkpoint stays stored, unused). The downlink epoch stays this
    /// owner's.
    pub fn restore(&mut self, checkpoint: Checkpoint) -> bool {
        let Some(local) = DeviceId::parse(&checkpoint.device)
            .ok()
            .and_then(|d| self.pipeline.lift_of(&d))
        else {
            return false;
        };
        let mut state = checkpoint.state;
        if let Some(current) = self.pipeline.state(local) {
            state.downlink = current.downlink.clone();
        }
        self.ordinals[local as usize] = checkpoint.ordinal;
        self.pipeline.restore(local, state)
    }

    /// Takes a batch of frames from edge `edge` (memory only), each at its send time on the
    /// frames' clock or at `wall`.
    pub fn take_from(
        &mut self,
        edge: &str,
        frames: &[(u64, Vec<u8>)],
        clock: Clock,
        wall: Timestamp,
    ) {
        for (conn, bytes) in frames {
            let taken = match (clock, wire::peek(bytes)) {
                (Clock::Frames, Ok(f)) => {
                    self.now_ms = self.now_ms.max(f.sent_at.millis());
                    self.pipeline.ingest_on_frames_clock(bytes)
                }
                _ => self.pipeline.ingest(bytes, wall),
            };
            self.pending.frames += 1;
            self.pending.refused.extend(taken.refused);
            if let Some(lift) = taken.lift {
                match self.route.get_mut(&lift) {
                    Some((e, c)) if e == edge => *c = *conn,
                    _ => {
                        self.route.insert(lift, (edge.to_owned(), *conn));
                    }
                }
                self.pending
                    .touched
                    .entry(lift)
                    .or_default()
                    .extend(taken.answers);
            }
            self.found(taken.detections);
        }
    }

    /// [`Shard::take_from`] for a whole [`crate::message::FrameBatch`].
    pub fn take(&mut self, batch: &crate::message::FrameBatch, clock: Clock, wall: Timestamp) {
        self.take_from(&batch.edge, &batch.frames, clock, wall);
    }

    /// The wall clock's timer: ticks every detector to `now` (a silent terminal's loss of
    /// communication is found here).
    pub fn tick(&mut self, now: Timestamp) {
        let found = self.pipeline.tick_all(now);
        for d in &found {
            self.pending.touched.entry(d.lift).or_default();
        }
        self.found(found);
    }

    fn found(&mut self, found: Vec<LiftDetection>) {
        for x in found {
            let Some((lift, device, code, region)) = self.lifts.get(x.lift as usize) else {
                continue;
            };
            let ordinal = &mut self.ordinals[x.lift as usize];
            *ordinal = ordinal.saturating_add(1);
            self.pending.detections.push(PublishedDetection {
                lift: *lift,
                ordinal: *ordinal,
                device: device.clone(),
                registration_code: code.clone(),
                region_code: *region,
                detection: x.detection,
            });
        }
    }

    /// Whether anything was taken since the last seal.
    pub fn has_pending(&self) -> bool {
        self.pending.frames > 0 || !self.pending.touched.is_empty()
    }

    /// Ends the batch: what it produced, with the checkpoints to commit.
    pub fn seal(&mut self) -> Sealed {
        let mut sealed = std::mem::take(&mut self.pending);
        for &local in sealed.touched.keys() {
            if let Some(state) = self.pipeline.state(local) {
                sealed.checkpoints.push(Checkpoint {
                    device: self.lifts[local as usize].1.clone(),
                    state: state.clone(),
                    ordinal: self.ordinals[local as usize],
                });
            }
        }
        sealed
    }

    /// The frames to send once `sealed` is durable: one cumulative Ack per device, and its
    /// Nacks and Resumes, grouped by edge.
    pub fn reply(&mut self, sealed: Sealed, wall: Timestamp) -> BTreeMap<String, Downlink> {
        let now = if self.now_ms == i64::MIN {
            wall
        } else {
            Timestamp::from_millis(self.now_ms)
        };
        let mut out: BTreeMap<String, Downlink> = BTreeMap::new();
        for (local, answers) in sealed.touched {
            let Some((edge, conn)) = self.route.get(&local).cloned() else {
                continue;
            };
            let frames = self.pipeline.reply(local, answers, now);
            out.entry(edge)
                .or_insert_with(|| Downlink { frames: Vec::new() })
                .frames
                .extend(frames.into_iter().map(|f| (conn, f)));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::FrameBatch;
    use liftspec_detect::detection::DetectedKind;
    use liftspec_sim::config::SimConfig;
    use liftspec_sim::stream::Simulation;

    fn city() -> (Fleet, Vec<Vec<u8>>) {
        let d = SimConfig::default();
        let sim = Simulation::new(SimConfig {
            lifts: 30,
            duration_s: 3 * 3600,
            seed: 9,
            faults: d.faults.scaled(400.0),
            ..d
        })
        .unwrap();
        let fleet = Fleet::of_city(sim.city());
        (fleet, sim.map(|f| f.bytes).collect())
    }

    fn batches(frames: &[Vec<u8>]) -> Vec<FrameBatch> {
        frames
            .chunks(500)
            .map(|c| FrameBatch {
                edge: "e".into(),
                frames: c.iter().map(|f| (1, f.clone())).collect(),
            })
            .collect()
    }

    /// (lift, ordinal, detection JSON) of everything published.
    type Out = Vec<(u32, u64, String)>;

    fn run(shard: &mut Shard, batches: &[FrameBatch], out: &mut Out) -> Vec<Checkpoint> {
        let mut last = Vec::new();
        for b in batches {
            shard.take(b, Clock::Frames, Timestamp::from_millis(0));
            let sealed = shard.seal();
            for d in &sealed.detections {
                out.push((
                    d.lift,
                    d.ordinal,
                    serde_json::to_string(&d.detection).unwrap(),
                ));
            }
            last.extend(sealed.checkpoints.iter().cloned());
            shard.reply(sealed, Timestamp::from_millis(0));
        }
        last
    }

    #[test]
    fn a_shard_restored_from_its_checkpoints_continues_as_if_never_stopped() {
        let (fleet, frames) = city();
        let parts = Partitions::new(2).unwrap();
        let all = batches(&frames);
        for p in 0..2 {
            let mut whole = Shard::new(&fleet, parts, p, Default::default(), 1);
            let mut want = Vec::new();
            run(&mut whole, &all, &mut want);
            assert!(!want.is_empty(), "partition {p} detects something");

            // Stop after a third, keep the latest checkpoint of each device, and replay from
            // there with a new owner (a new downlink epoch) — with the last batch taken twice,
            // as a redelivery would.
            let cut = all.len() / 3;
            let mut first = Shard::new(&fleet, parts, p, Default::default(), 1);
            let mut got = Vec::new();
            let checkpoints = run(&mut first, &all[..cut], &mut got);
            let mut latest: HashMap<String, Checkpoint> = HashMap::new();
            for c in checkpoints {
                latest.insert(c.device.clone(), c);
            }
            let mut second = Shard::new(&fleet, parts, p, Default::default(), 2);
            for c in latest.into_values() {
                assert!(second.restore(c));
            }
            run(&mut second, &all[cut - 1..], &mut got);
            assert_eq!(got, want, "partition {p}");
        }
    }

    #[test]
    fn only_the_partitions_devices_are_taken() {
        let (fleet, frames) = city();
        let parts = Partitions::new(2).unwrap();
        let shards: Vec<Shard> = (0..2)
            .map(|p| Shard::new(&fleet, parts, p, Default::default(), 1))
            .collect();
        assert_eq!(shards[0].len() + shards[1].len(), fleet.lifts.len());
        let mut other = Shard::new(&fleet, parts, 0, Default::default(), 1);
        let foreign: Vec<Vec<u8>> = frames
            .iter()
            .filter(|f| parts.of(&wire::peek(f).unwrap().device) == 1)
            .take(3)
            .cloned()
            .collect();
        other.take(
            &batches(&foreign)[0],
            Clock::Frames,
            Timestamp::from_millis(0),
        );
        let sealed = other.seal();
        assert_eq!(
            sealed.refused.len(),
            3,
            "a device of another partition is refused, not dropped"
        );
        assert!(sealed.checkpoints.is_empty());
    }

    #[test]
    fn on_the_wall_clock_the_timer_finds_a_silent_terminal() {
        let (fleet, frames) = city();
        let parts = Partitions::new(1).unwrap();
        let mut shard = Shard::new(&fleet, parts, 0, Default::default(), 1);
        let first = &frames[..200];
        let at = wire::peek(first.last().unwrap()).unwrap().sent_at;
        shard.take(&batches(first)[0], Clock::Wall, at);
        let _ = shard.seal();
        // An hour of silence.
        shard.tick(Timestamp::from_millis(at.millis() + 3_600_000));
        let sealed = shard.seal();
        assert!(
            sealed
                .detections
                .iter()
                .any(|d| d.detection.kind == DetectedKind::CommunicationLoss && d.detection.raised),
            "{:?}",
            sealed
                .detections
                .iter()
                .map(|d| d.detection.kind)
                .collect::<Vec<_>>()
        );
        assert!(
            !sealed.checkpoints.is_empty(),
            "what the timer found is checkpointed"
        );
    }
}
