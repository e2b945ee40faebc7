//! Running the detectors on a recording: a mixed-device frame stream and the installations,
//! in, and detections as episodes, out — the loop a platform operator would otherwise write by
//! hand.
//!
//! - **Sequencing.** Each device's frames are taken in the order they come. A frame whose
//!   epoch and sequence number were already seen is a duplicate: skipped, and reported as a
//!   [`Notice`]. A jump in the sequence is a [`NoticeKind::Gap`] (the frames in between are
//!   missing, which the detectors may miss too); a new epoch is a [`NoticeKind::NewEpoch`] (the
//!   terminal rebooted). A device with no installation is a [`NoticeKind::UnknownDevice`]:
//!   nothing is dropped without a word.
//! - **Time.** A frame is taken as received at its `received_at`, or at its own send time when
//!   the recording has none. Every detector is ticked every [`Replay::TICK_MS`] (5 s) of that
//!   time from the first frame on, so that the time rules (trapped timers, silence, pending
//!   maintenance verdicts) fire within 5 s of their threshold, whatever the terminals'
//!   reporting cadence.
//! - **Maintenance verdicts** are final when the device's telemetry has reached the session's
//!   claimed end, or `verdict_after_ms` after the session arrived
//!   ([`crate::thresholds::Thresholds::verdict_after_ms`]); [`Replay::finish`] judges whatever
//!   is still waiting, as the recording holds no more telemetry.
//! - **Episodes.** A raised detection opens an episode and its clearing closes it; a finding
//!   that is instantaneous (a probable false alarm, a lost position, an uncorroborated session)
//!   is an episode that ends where it starts. Episodes still open at the end have no end.
//!
//! ```
//! use liftspec_detect::{detection::DetectedKind, lift::LiftProfile, replay::*, thresholds::Thresholds};
//! use liftspec_model::{codes::{DoorStatus, ServiceMode}, time::Timestamp};
//! use liftspec_protocol::{message::*, wire::{DeviceId, Envelope}};
//!
//! let device = DeviceId::parse("HZ-1")?;
//! let profile = LiftProfile { rated_speed_mm_s: 1750, bottom_mm: 0, top_mm: 54_000, escalator: false };
//! let mut replay = Replay::new([Installation { device: device.clone(), registration_code: None, profile }],
//!     Thresholds::default());
//! let status = |seq: u64, at: i64, moving: bool, mode: ServiceMode| Recorded {
//!     envelope: Envelope { device: device.clone(), epoch: 1, seq, sent_at: Timestamp::from_millis(at),
//!         body: Body::Status(Status { mode, moving, direction: Direction::None, floor: 3,
//!             door_zone: true, front_door: DoorStatus::Closed, rear_door: None,
//!             occupied: Some(true), load_percent: Some(20), speed_mm_s: Some(0),
//!             position_mm: Some(6_000), mains_power: true, up_final_limit: false,
//!             down_final_limit: false }) },
//!     received_at: None,
//! };
//! // A run that ends out of service with someone inside: an emergency stop, then trapped.
//! replay.push(status(1, 0, true, ServiceMode::Normal));
//! replay.push(status(2, 1_000, false, ServiceMode::OutOfService));
//! replay.push(status(2, 1_000, false, ServiceMode::OutOfService)); // a duplicate
//! let report = replay.finish(Timestamp::from_millis(60_000));
//! let kinds: Vec<_> = report.episodes.iter().map(|e| e.kind).collect();
//! assert_eq!(kinds, [DetectedKind::EmergencyStop, DetectedKind::TrappedAtLanding]);
//! assert_eq!(report.notices[0].kind, NoticeKind::Duplicate);
//! # Ok::<(), liftspec_model::id::IdError>(())
//! ```

use std::collections::BTreeMap;

use liftspec_model::id::RegistrationCode;
use liftspec_model::time::Timestamp;
use liftspec_protocol::wire::{DeviceId, Envelope};

use crate::detection::{DetectedKind, Detection, Severity};
use crate::lift::{LiftDetector, LiftProfile};
use crate::thresholds::Thresholds;

/// One installation: the device that reports for it and what the detector needs to know.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Installation {
    /// The terminal's device id.
    pub device: DeviceId,
    /// The lift's registration code, if known (carried into the episodes).
    #[serde(default)]
    pub registration_code: Option<RegistrationCode>,
    /// The installation's profile.
    pub profile: LiftProfile,
}

impl Installation {
    /// The installation of `equipment`, reported by `device`.
    pub fn from_equipment(
        device: DeviceId,
        equipment: &liftspec_model::equipment::Equipment,
    ) -> Self {
        Self {
            device,
            registration_code: Some(equipment.registration_code.clone()),
            profile: LiftProfile::from_equipment(equipment),
        }
    }
}

/// One frame of a recording.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    /// The decoded (and, by the caller, verified) envelope.
    pub envelope: Envelope,
    /// When the platform received it; `None`: at its send time.
    pub received_at: Option<Timestamp>,
}

/// A fault episode: raised once, cleared once.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Episode {
    /// The device.
    pub device: DeviceId,
    /// The lift, if the installation named it.
    pub registration_code: Option<RegistrationCode>,
    /// What.
    pub kind: DetectedKind,
    /// How urgent.
    pub severity: Severity,
    /// The detection that raised it (with its evidence and source).
    pub raised: Detection,
    /// When it cleared (device clock of the clearing, as the detector reports it); `None`: still
    /// open when the recording ended.
    pub cleared_at: Option<Timestamp>,
}

/// What the replay noticed about the recording itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum NoticeKind {
    /// A frame from a device with no installation: not run through any detector.
    UnknownDevice,
    /// A frame already seen (same epoch, sequence number not above the last): skipped.
    Duplicate,
    /// Sequence numbers were skipped: frames are missing from the recording.
    Gap,
    /// The device started a new epoch (it rebooted).
    NewEpoch,
}

/// A notice with where it happened.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notice {
    /// What.
    pub kind: NoticeKind,
    /// The device.
    pub device: DeviceId,
    /// The frame's epoch.
    pub epoch: u32,
    /// The frame's sequence number.
    pub seq: u64,
    /// For a gap, how many frames are missing; for a duplicate, 1.
    pub count: u64,
}

/// What a replay found.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplayReport {
    /// Every episode, in the order raised.
    pub episodes: Vec<Episode>,
    /// Everything noticed about the recording.
    pub notices: Vec<Notice>,
    /// Frames run through a detector.
    pub frames: u64,
}

struct Lift {
    installation: Installation,
    detector: LiftDetector,
    /// The last (epoch, seq) taken.
    last: Option<(u32, u64)>,
    /// Index in `episodes` of each kind's open episode.
    open: BTreeMap<DetectedKind, usize>,
}

/// The replay: push frames in arrival order, then [`Replay::finish`].
pub struct Replay {
    thresholds: Thresholds,
    lifts: Vec<Lift>,
    by_device: BTreeMap<DeviceId, usize>,
    next_tick: Option<i64>,
    /// The latest receive time pushed.
    latest: Option<i64>,
    report: ReplayReport,
    scratch: Vec<Detection>,
}

impl Replay {
    /// The tick cadence, ms: every detector is ticked every 5 s of recording time.
    pub const TICK_MS: i64 = 5_000;

    /// The longest stretch of recording time ticked through at once: a day (longer than every
    /// time rule but the test call's 72 h, which a day's ticks still reach once it is due).
    pub const MAX_TICKED_GAP_MS: i64 = 86_400_000;

    /// A replay over `installations` with `thresholds`. A device listed twice keeps its last
    /// installation.
    pub fn new(
        installations: impl IntoIterator<Item = Installation>,
        thresholds: Thresholds,
    ) -> Self {
        let mut replay = Self {
            thresholds,
            lifts: Vec::new(),
            by_device: BTreeMap::new(),
            next_tick: None,
            latest: None,
            report: ReplayReport::default(),
            scratch: Vec::new(),
        };
        for installation in installations {
            let lift = Lift {
                detector: LiftDetector::new(installation.profile),
                installation,
                last: None,
                open: BTreeMap::new(),
            };
            match replay.by_device.get(&lift.installation.device) {
                Some(&i) => replay.lifts[i] = lift,
                None => {
                    replay
                        .by_device
                        .insert(lift.installation.device.clone(), replay.lifts.len());
                    replay.lifts.push(lift);
                }
            }
        }
        replay
    }

    /// Takes one frame.
    pub fn push(&mut self, frame: Recorded) {
        let env = &frame.envelope;
        let received = frame.received_at.unwrap_or(env.sent_at).millis();
        self.latest = Some(self.latest.map_or(received, |l| l.max(received)));
        self.tick_until(received);
        let Some(&index) = self.by_device.get(&env.device) else {
            self.notice(NoticeKind::UnknownDevice, env, 1);
            return;
        };
        let last = self.lifts[index].last;
        match last {
            Some((epoch, seq)) if epoch == env.epoch && env.seq <= seq => {
                self.notice(NoticeKind::Duplicate, env, 1);
                return;
            }
            Some((epoch, seq)) if epoch == env.epoch && env.seq > seq.saturating_add(1) => {
                self.notice(NoticeKind::Gap, env, env.seq - seq - 1);
            }
            Some((epoch, _)) if epoch != env.epoch => self.notice(NoticeKind::NewEpoch, env, 1),
            _ => {}
        }
        self.lifts[index].last = Some((env.epoch, env.seq));
        self.report.frames += 1;
        let mut out = std::mem::take(&mut self.scratch);
        self.lifts[index].detector.on_envelope(
            env,
            Timestamp::from_millis(received),
            &self.thresholds,
            &mut out,
        );
        self.record(index, &mut out);
        self.scratch = out;
    }

    /// Ticks every detector up to `until` (recording time) on the cadence. Across a gap of
    /// more than [`Replay::MAX_TICKED_GAP_MS`] only its last day is ticked: the time rules have
    /// all fired by then, and a frame with a wild send time cannot make the replay tick for
    /// years.
    fn tick_until(&mut self, until: i64) {
        let mut next = *self.next_tick.get_or_insert(until);
        if until.saturating_sub(next) > Self::MAX_TICKED_GAP_MS {
            next = until - Self::MAX_TICKED_GAP_MS;
        }
        let mut out = std::mem::take(&mut self.scratch);
        while next <= until {
            for index in 0..self.lifts.len() {
                self.lifts[index].detector.on_tick(
                    Timestamp::from_millis(next),
                    &self.thresholds,
                    &mut out,
                );
                self.record(index, &mut out);
            }
            // At the end of time there is no next tick (a loop on a saturated clock never ends).
            let Some(after) = next.checked_add(Self::TICK_MS) else {
                next = i64::MAX;
                break;
            };
            next = after;
        }
        self.next_tick = Some(next);
        self.scratch = out;
    }

    fn notice(&mut self, kind: NoticeKind, env: &Envelope, count: u64) {
        self.report.notices.push(Notice {
            kind,
            device: env.device.clone(),
            epoch: env.epoch,
            seq: env.seq,
            count,
        });
    }

    /// Turns a detector's output into episodes.
    fn record(&mut self, index: usize, out: &mut Vec<Detection>) {
        let lift = &mut self.lifts[index];
        for d in out.drain(..) {
            if d.raised {
                let open = self.report.episodes.len();
                let instant = !lift.detector.is_active(d.kind);
                self.report.episodes.push(Episode {
                    device: lift.installation.device.clone(),
                    registration_code: lift.installation.registration_code.clone(),
                    kind: d.kind,
                    severity: d.severity,
                    cleared_at: instant.then_some(d.at),
                    raised: d,
                });
                if !instant {
                    lift.open.insert(self.report.episodes[open].kind, open);
                }
            } else if let Some(i) = lift.open.remove(&d.kind) {
                self.report.episodes[i].cleared_at = Some(d.at);
            }
        }
    }

    /// Episodes so far (the report grows as frames are pushed).
    pub fn episodes(&self) -> &[Episode] {
        &self.report.episodes
    }

    /// Ends the recording at `at` (recording time): ticks up to it, judges the maintenance
    /// sessions still waiting for telemetry, and returns the report.
    pub fn finish(mut self, at: Timestamp) -> ReplayReport {
        self.tick_until(at.millis());
        let mut out = std::mem::take(&mut self.scratch);
        for index in 0..self.lifts.len() {
            self.lifts[index]
                .detector
                .finish(at, &self.thresholds, &mut out);
            self.record(index, &mut out);
        }
        self.report
    }

    /// Ends the recording at the latest receive time pushed (0 if none): [`Replay::finish`]
    /// there.
    pub fn finish_at_last_frame(self) -> ReplayReport {
        let at = self.latest.unwrap_or(0).max(0);
        self.finish(Timestamp::from_millis(at))
    }
}

/// Replays `frames` (in arrival order) over `installations` and returns every episode and
/// notice; the recording ends at its last frame's time.
pub fn replay(
    frames: impl IntoIterator<Item = Recorded>,
    installations: impl IntoIterator<Item = Installation>,
    thresholds: Thresholds,
) -> ReplayReport {
    let mut replay = Replay::new(installations, thresholds);
    for frame in frames {
        replay.push(frame);
    }
    replay.finish_at_last_frame()
}
