//! The platform's receive path, sans-I/O: for each terminal a receiver session, validation
//! against its installation, and its lift's detector — bytes and a receive time in,
//! deliveries, detections and the frames to answer with out.
//!
//! - **Time is passed in.** A service passes the wall clock; a simulation or a replay passes
//!   its own (see [`crate::config::Clock`]).
//! - **Ticks per device, on one grid.** Each detector is ticked at every multiple of
//!   [`TICK_MS`] since the Unix epoch, lazily: before a frame of its device is taken, the
//!   device's detector is ticked through every grid point up to the frame's receive time, and
//!   [`Pipeline::tick_all`] ticks every detector up to a time (a service's timer, the end of a
//!   run). A device's detections therefore depend only on its own frames and the ticks, never on
//!   how frames of different devices interleave — so any number of connections, a restart, or a
//!   partitioned deployment, gives the same detections as one in-memory run.
//! - **State per device** ([`DeviceState`]) is serialisable and versioned
//!   ([`DeviceState::VERSION`]): the durable store checkpoints it with what it delivered.
//!
//! ```
//! use liftspec_platform::pipeline::Pipeline;
//! use liftspec_platform::fleet::Fleet;
//! let mut pipeline = Pipeline::new(&Fleet::default(), Default::default());
//! let taken = pipeline.ingest(b"not a frame", liftspec_model::time::Timestamp::from_millis(0));
//! assert_eq!(taken.refused.map(|r| r.code), Some("decode.too_short"));
//! ```

use std::collections::HashMap;

use liftspec_detect::detection::{DetectedKind, Detection};
use liftspec_detect::lift::{LiftDetector, LiftProfile};
use liftspec_detect::thresholds::Thresholds;
use liftspec_model::time::Timestamp;
use liftspec_protocol::downlink::DownlinkSender;
use liftspec_protocol::message::{Body, MessageKind};
use liftspec_protocol::session::{ReceiveOutcome, ReceiverSession, SessionConfig};
use liftspec_protocol::validate::ValidationContext;
use liftspec_protocol::wire::{self, DeviceId};
use liftspec_risk::triggers::Counters;

use crate::fleet::Fleet;

/// The tick grid, ms: detectors are ticked at every multiple of 5 s (the replay's cadence).
pub const TICK_MS: i64 = liftspec_detect::replay::Replay::TICK_MS;

/// A device's state on the platform: what a checkpoint holds.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceState {
    /// The receiver session (sequencing, held frames, duplicates, clock).
    pub session: ReceiverSession,
    /// The lift's detector.
    pub detector: LiftDetector,
    /// The platform's numbering of its frames to the device.
    pub downlink: DownlinkSender,
    /// The next grid point to tick the detector at (`None`: no frame taken yet).
    pub next_tick: Option<i64>,
    /// The counters of the latest Statistics (for Art. 32(3) screening).
    pub counters: Option<Counters>,
    /// Frames taken from this device (genuine, whether delivered, duplicate or rejected).
    pub frames: u64,
}

impl DeviceState {
    /// The checkpoint format's version: a store refuses a checkpoint of another version rather
    /// than misread it.
    pub const VERSION: u32 = 1;

    fn new(device: DeviceId, profile: LiftProfile) -> Self {
        Self {
            session: ReceiverSession::with_config(SessionConfig::default()),
            detector: LiftDetector::new(profile),
            // The platform's epoch for its frames to the device; a restored state keeps it.
            downlink: DownlinkSender::new(device, 1),
            next_tick: None,
            counters: None,
            frames: 0,
        }
    }
}

/// A detection with the lift it is about.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiftDetection {
    /// The lift's index in the fleet.
    pub lift: u32,
    /// The detection, with its evidence and source.
    pub detection: Detection,
}

impl LiftDetection {
    /// Whether it raised an entrapment (the rescue service must be told).
    pub fn is_entrapment(&self) -> bool {
        self.detection.raised
            && matches!(
                self.detection.kind,
                DetectedKind::TrappedAtLanding | DetectedKind::TrappedBetweenFloors
            )
    }
}

/// A frame the pipeline could not take: nothing changed, nothing is answered (a forged,
/// corrupt, reflected or unknown device's frame). Reported, never dropped in silence.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Refused {
    /// The device the frame claims, if it decoded that far.
    pub device: Option<String>,
    /// The stable error code.
    pub code: &'static str,
    /// The error.
    pub message: String,
}

/// What one frame did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Taken {
    /// The lift whose state changed (to checkpoint), if any.
    pub lift: Option<u32>,
    /// Detections raised or cleared, in order (ticks first).
    pub detections: Vec<LiftDetection>,
    /// Platform frames to send the terminal besides its Ack (a Nack, a Resume): send them
    /// with [`Pipeline::reply`] once what the frame changed is durable.
    pub answers: Vec<Body>,
    /// Envelopes delivered to the application.
    pub delivered: u32,
    /// Whether the frame was genuine but rejected for its content (answered with a Nack).
    pub rejected: bool,
    /// Why the frame was refused, if it was.
    pub refused: Option<Refused>,
}

struct LiftInfo {
    lowest_floor: i16,
    highest_floor: i16,
    rated_speed_mm_s: u32,
}

/// The receive path for a fleet.
pub struct Pipeline {
    thresholds: Thresholds,
    by_device: HashMap<DeviceId, u32>,
    devices: Vec<DeviceId>,
    credentials: Vec<liftspec_protocol::auth::DeviceCredentials>,
    info: Vec<LiftInfo>,
    states: Vec<DeviceState>,
    scratch: Vec<Detection>,
}

impl Pipeline {
    /// A pipeline for `fleet` with fresh state for every device.
    pub fn new(fleet: &Fleet, thresholds: Thresholds) -> Self {
        let mut by_device = HashMap::new();
        let mut states = Vec::new();
        let mut info = Vec::new();
        for (i, l) in fleet.lifts.iter().enumerate() {
            by_device.insert(l.device.clone(), i as u32);
            states.push(DeviceState::new(
                l.device.clone(),
                LiftProfile::from_equipment(&l.equipment),
            ));
            info.push(LiftInfo {
                lowest_floor: l.equipment.floors.lowest_floor(),
                highest_floor: l.equipment.floors.highest_floor(),
                rated_speed_mm_s: l.equipment.rated_speed_mm_s,
            });
        }
        Self {
            thresholds,
            by_device,
            devices: fleet.lifts.iter().map(|l| l.device.clone()).collect(),
            credentials: fleet.lifts.iter().map(|l| l.credentials.clone()).collect(),
            info,
            states,
            scratch: Vec::new(),
        }
    }

    /// The lift a device reports for.
    pub fn lift_of(&self, device: &DeviceId) -> Option<u32> {
        self.by_device.get(device).copied()
    }

    /// A lift's terminal.
    pub fn device(&self, lift: u32) -> Option<&DeviceId> {
        self.devices.get(lift as usize)
    }

    /// A lift's state.
    pub fn state(&self, lift: u32) -> Option<&DeviceState> {
        self.states.get(lift as usize)
    }

    /// Replaces a lift's state with a checkpoint (a restart). Returns whether the lift exists.
    pub fn restore(&mut self, lift: u32, state: DeviceState) -> bool {
        match self.states.get_mut(lift as usize) {
            Some(s) => {
                *s = state;
                true
            }
            None => false,
        }
    }

    /// The thresholds the detectors run with.
    pub fn thresholds(&self) -> &Thresholds {
        &self.thresholds
    }

    /// Takes one frame received at `now` (the wall clock).
    pub fn ingest(&mut self, bytes: &[u8], now: Timestamp) -> Taken {
        self.ingest_when(bytes, When::Received(now))
    }

    /// Takes one frame on the frames' own clock ([`crate::config::Clock::Frames`]): it is
    /// received at its send time, and every frame its session delivers is taken at its own send
    /// time, the detectors ticked up to it first. A lift's frames that arrive out of order (sent
    /// again after a reconnection, behind later ones) so give the detections of an in-order
    /// run: a frame held for a gap advances no clock, and one released by a late predecessor is
    /// not taken at the predecessor's time (which would make its terminal's clock look fast).
    ///
    /// ```
    /// use liftspec_platform::{fleet::Fleet, pipeline::Pipeline};
    /// let mut pipeline = Pipeline::new(&Fleet::default(), Default::default());
    /// let taken = pipeline.ingest_on_frames_clock(b"not a frame");
    /// assert!(taken.refused.is_some());
    /// ```
    pub fn ingest_on_frames_clock(&mut self, bytes: &[u8]) -> Taken {
        self.ingest_when(bytes, When::Sent)
    }

    fn ingest_when(&mut self, bytes: &[u8], when: When) -> Taken {
        let mut taken = Taken::default();
        let (device, now) = match wire::peek(bytes) {
            Ok(info) => (
                info.device,
                match when {
                    When::Received(now) => now,
                    When::Sent => info.sent_at,
                },
            ),
            Err(e) => {
                taken.refused = Some(Refused {
                    device: None,
                    code: e.code(),
                    message: e.to_string(),
                });
                return taken;
            }
        };
        let Some(lift) = self.lift_of(&device) else {
            taken.refused = Some(Refused {
                device: Some(device.to_string()),
                code: "platform.unknown_device",
                message: format!("no installation for device {device}"),
            });
            return taken;
        };
        self.take(lift, &device, bytes, (when, now), &mut taken);
        taken
    }

    fn take(
        &mut self,
        lift: u32,
        device: &DeviceId,
        bytes: &[u8],
        (when, now): (When, Timestamp),
        taken: &mut Taken,
    ) {
        let i = lift as usize;
        let info = &self.info[i];
        let ctx = ValidationContext::new(
            info.lowest_floor,
            info.highest_floor,
            info.rated_speed_mm_s,
            now,
        );
        let mut out = std::mem::take(&mut self.scratch);
        let state = &mut self.states[i];
        let received = match state
            .session
            .receive(bytes, device, &self.credentials[i], &ctx)
        {
            Ok(r) => r,
            Err(e) => {
                taken.refused = Some(Refused {
                    device: Some(device.to_string()),
                    code: e.code(),
                    message: e.to_string(),
                });
                self.scratch = out;
                return;
            }
        };
        // Ticks due before this frame, then the frame. On the frames' clock a frame ahead of a
        // gap advances nothing: its predecessors come first.
        let ahead = matches!(
            received.outcome,
            ReceiveOutcome::Held | ReceiveOutcome::OutOfWindow
        );
        if !(when == When::Sent && ahead) {
            tick_to(state, now.millis(), &self.thresholds, &mut out);
        }
        state.frames += 1;
        taken.lift = Some(lift);
        taken.rejected = received.rejection.is_some();
        for delivery in &received.deliver {
            let env = &delivery.envelope;
            let at = match when {
                When::Received(now) => now,
                When::Sent => {
                    tick_to(state, env.sent_at.millis(), &self.thresholds, &mut out);
                    env.sent_at
                }
            };
            state
                .detector
                .on_envelope(env, at, &self.thresholds, &mut out);
            if let Body::Statistics(st) = &env.body {
                state.counters = env.sent_at.local_date().ok().map(|on| Counters {
                    on,
                    run_count: st.run_count,
                    door_cycles: st.door_cycles,
                });
            }
        }
        taken.delivered = received.deliver.len() as u32;
        // The answers besides the Ack: the Nack of a rejected frame, a Resume for a gap.
        taken.answers.extend(received.nack.map(Body::Nack));
        taken.answers.extend(received.resume.map(Body::Resume));
        taken.detections.extend(
            out.drain(..)
                .map(|detection| LiftDetection { lift, detection }),
        );
        self.scratch = out;
    }

    /// Ticks every detector through the grid points up to `now` (a timer; the end of a run).
    /// Returns the detections, by lift.
    pub fn tick_all(&mut self, now: Timestamp) -> Vec<LiftDetection> {
        let mut found = Vec::new();
        let mut out = std::mem::take(&mut self.scratch);
        for (i, state) in self.states.iter_mut().enumerate() {
            tick_to(state, now.millis(), &self.thresholds, &mut out);
            found.extend(out.drain(..).map(|detection| LiftDetection {
                lift: i as u32,
                detection,
            }));
        }
        self.scratch = out;
        found
    }

    /// Encodes the frames to send lift `lift`'s terminal: `answers` (Nacks, Resumes,
    /// Commands), then one Ack of everything its session holds — cumulative, so one Ack after a
    /// group commit answers every frame the commit made durable. Send them only after that
    /// commit: an acknowledged frame is deleted by the device (`docs/protocol.md` §8.2 rule 8).
    pub fn reply(&mut self, lift: u32, answers: Vec<Body>, now: Timestamp) -> Vec<Vec<u8>> {
        let i = lift as usize;
        let (Some(state), Some(credentials)) = (self.states.get_mut(i), self.credentials.get(i))
        else {
            return Vec::new();
        };
        let ack = Body::Ack(state.session.ack());
        answers
            .into_iter()
            .filter(|b| b.kind() != MessageKind::Ack)
            .chain([ack])
            .filter_map(|body| state.downlink.encode(body, now, credentials).ok())
            .collect()
    }

    /// Starts a new platform epoch for every device's downlink: a restarted platform cannot
    /// prove which numbers it sent after its last checkpoint, so it numbers afresh
    /// (`docs/protocol.md` §8.6). `epoch` must not have been used before (a boot counter).
    pub fn new_downlink_epoch(&mut self, epoch: u32) {
        for (state, device) in self.states.iter_mut().zip(&self.devices) {
            state.downlink = DownlinkSender::new(device.clone(), epoch);
        }
    }
}

/// Ticks `state`'s detector at every grid point up to `now`. A device's first frame starts its
/// grid after itself (a detector with no frame has nothing to time). A silence longer than
/// [`liftspec_detect::replay::Replay::MAX_TICKED_GAP_MS`] is ticked through its last day only.
/// When a frame counts as received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum When {
    /// At this time (the wall clock).
    Received(Timestamp),
    /// At its own send time, and each frame it releases at its own (the frames' clock).
    Sent,
}

fn tick_to(state: &mut DeviceState, now: i64, thresholds: &Thresholds, out: &mut Vec<Detection>) {
    let Some(mut next) = state.next_tick else {
        state.next_tick = Some(
            now.div_euclid(TICK_MS)
                .saturating_add(1)
                .saturating_mul(TICK_MS),
        );
        return;
    };
    let max_gap = liftspec_detect::replay::Replay::MAX_TICKED_GAP_MS;
    if now.saturating_sub(next) > max_gap {
        next = (now - max_gap).div_euclid(TICK_MS).saturating_mul(TICK_MS);
    }
    while next <= now {
        state
            .detector
            .on_tick(Timestamp::from_millis(next), thresholds, out);
        // The grid ends where time does: no point past i64::MAX, and no endless loop there.
        match next.checked_add(TICK_MS) {
            Some(n) => next = n,
            None => break,
        }
    }
    state.next_tick = Some(next);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> DeviceState {
        DeviceState::new(
            DeviceId::parse("HZ-1").unwrap(),
            LiftProfile {
                rated_speed_mm_s: 1000,
                bottom_mm: 0,
                top_mm: 30_000,
                escalator: false,
            },
        )
    }

    #[test]
    fn ticking_to_the_end_of_time_ends() {
        let mut s = state();
        let mut out = Vec::new();
        s.next_tick = Some(0);
        tick_to(&mut s, i64::MAX, &Thresholds::default(), &mut out);
        assert!(s.next_tick.unwrap() > i64::MAX - TICK_MS);
    }

    #[test]
    fn the_grid_is_ticked_at_the_limit_not_a_millisecond_before() {
        let mut s = state();
        let mut out = Vec::new();
        // The first frame at 12,345 ms starts the grid at the next multiple of 5 s.
        tick_to(&mut s, 12_345, &Thresholds::default(), &mut out);
        assert_eq!(s.next_tick, Some(15_000));
        tick_to(&mut s, 14_999, &Thresholds::default(), &mut out);
        assert_eq!(
            s.next_tick,
            Some(15_000),
            "one ms before the grid point: not ticked"
        );
        tick_to(&mut s, 15_000, &Thresholds::default(), &mut out);
        assert_eq!(
            s.next_tick,
            Some(20_000),
            "exactly at the grid point: ticked"
        );
        tick_to(&mut s, 25_001, &Thresholds::default(), &mut out);
        assert_eq!(s.next_tick, Some(30_000), "one ms after: ticked through");
        // A silence longer than a day is ticked through its last day only.
        let day = liftspec_detect::replay::Replay::MAX_TICKED_GAP_MS;
        tick_to(&mut s, 30_000 + 3 * day, &Thresholds::default(), &mut out);
        assert_eq!(s.next_tick, Some(30_000 + 3 * day + TICK_MS));
    }
}
