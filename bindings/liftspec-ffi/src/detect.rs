//! Detection for JVM platforms: a replay of recorded frames over the installations, and the
//! per-lift detector fed envelopes and ticks.

use std::sync::Mutex;

use liftspec_detect::detection::Detection;
use liftspec_detect::lift::{LiftDetector, LiftProfile};
use liftspec_detect::replay::{Installation, Recorded, Replay};
use liftspec_detect::thresholds::Thresholds;
use liftspec_protocol::wire;

use crate::{json, lock, name, ts, LiftspecError, Result};

/// A detection: a fault raised or cleared, with its evidence and the clause it rests on.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct DetectionInfo {
    /// What (`trappedBetweenFloors`, `doorOpeningFault`, …).
    pub kind: String,
    /// Raised (`true`) or cleared.
    pub raised: bool,
    /// How urgent (`critical`, `major`, `warning`, `info`).
    pub severity: String,
    /// When it happened, ms.
    pub at_ms: i64,
    /// The floor, if known.
    pub floor: Option<i16>,
    /// The clause or default it rests on.
    pub source: String,
    /// The whole detection with its evidence, JSON.
    pub json: String,
}

impl From<&Detection> for DetectionInfo {
    fn from(d: &Detection) -> Self {
        Self {
            kind: name(&d.kind),
            raised: d.raised,
            severity: name(&d.severity),
            at_ms: d.at.millis(),
            floor: d.floor,
            source: d.source.clone(),
            json: json(d),
        }
    }
}

fn thresholds(json: Option<String>) -> Result<Thresholds> {
    let Some(text) = json else {
        return Ok(Thresholds::default());
    };
    let t: Thresholds = serde_json::from_str(&text)?;
    t.validate().map_err(|e| LiftspecError::new(e.code(), &e))?;
    Ok(t)
}

/// One lift's detector: feed it its frames in order and the timer's ticks; it returns the
/// detections each raises or clears. Thread-safe.
#[derive(uniffi::Object)]
pub struct LiftFaultDetector {
    thresholds: Thresholds,
    inner: Mutex<LiftDetector>,
}

#[uniffi::export]
impl LiftFaultDetector {
    /// A detector for the installation `profile_json` (`{"ratedSpeedMmS", "bottomMm", "topMm",
    /// "escalator"}`), with `thresholds_json` or, when `None`, liftspec's Hangzhou defaults.
    #[uniffi::constructor]
    pub fn new(profile_json: String, thresholds_json: Option<String>) -> Result<Self> {
        let profile: LiftProfile = serde_json::from_str(&profile_json)?;
        Ok(Self {
            thresholds: thresholds(thresholds_json)?,
            inner: Mutex::new(LiftDetector::new(profile)),
        })
    }

    /// Takes a (verified) frame of the lift received at `now_ms`.
    pub fn on_frame(&self, bytes: Vec<u8>, now_ms: i64) -> Result<Vec<DetectionInfo>> {
        let frame = wire::decode(&bytes)?;
        let mut out = Vec::new();
        lock(&self.inner).on_envelope(&frame.envelope, ts(now_ms), &self.thresholds, &mut out);
        Ok(out.iter().map(Into::into).collect())
    }

    /// The timer: advances the detector to `now_ms` (a silent terminal, a door held open).
    pub fn on_tick(&self, now_ms: i64) -> Vec<DetectionInfo> {
        let mut out = Vec::new();
        lock(&self.inner).on_tick(ts(now_ms), &self.thresholds, &mut out);
        out.iter().map(Into::into).collect()
    }
}

/// A fault episode of a replay: raised once, cleared once.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct EpisodeInfo {
    /// The device.
    pub device: String,
    /// The lift, if the installation named it.
    pub registration_code: Option<String>,
    /// The detection that raised it.
    pub raised: DetectionInfo,
    /// When it cleared, ms; `None`: open when the recording ended.
    pub cleared_at_ms: Option<i64>,
}

/// What a replay found.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ReplayResult {
    /// Every episode, in the order raised.
    pub episodes: Vec<EpisodeInfo>,
    /// What it noticed about the recording (gaps, duplicates, unknown devices), JSON each.
    pub notices: Vec<String>,
    /// Frames run through a detector.
    pub frames: u64,
}

/// A recorded frame stream through the detectors of its installations, as `liftspec detect`
/// runs it: each frame counts as received at its send time, and the detectors are ticked on a
/// 5-second grid between frames. Thread-safe.
#[derive(uniffi::Object)]
pub struct FrameReplay {
    inner: Mutex<Option<Replay>>,
}

#[uniffi::export]
impl FrameReplay {
    /// A replay over `installations_jsonl` (one `{"device", "registrationCode", "profile"}`
    /// per line: what `liftspec city --record` writes).
    #[uniffi::constructor]
    pub fn new(installations_jsonl: String, thresholds_json: Option<String>) -> Result<Self> {
        let installations = installations_jsonl
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(serde_json::from_str::<Installation>)
            .collect::<std::result::Result<Vec<_>, _>>()?;
        Ok(Self {
            inner: Mutex::new(Some(Replay::new(
                installations,
                thresholds(thresholds_json)?,
            ))),
        })
    }

    /// Takes the next recorded frame (decoded, not authenticated: verify where it was received).
    pub fn push(&self, bytes: Vec<u8>) -> Result<()> {
        let frame = wire::decode(&bytes)?;
        match lock(&self.inner).as_mut() {
            Some(r) => {
                r.push(Recorded {
                    envelope: frame.envelope,
                    received_at: None,
                });
                Ok(())
            }
            None => Err(finished()),
        }
    }

    /// Ends the replay at its last frame and returns what it found (once).
    pub fn finish(&self) -> Result<ReplayResult> {
        let replay = lock(&self.inner).take().ok_or_else(finished)?;
        let report = replay.finish_at_last_frame();
        Ok(ReplayResult {
            episodes: report
                .episodes
                .iter()
                .map(|e| EpisodeInfo {
                    device: e.device.to_string(),
                    registration_code: e.registration_code.as_ref().map(ToString::to_string),
                    raised: (&e.raised).into(),
                    cleared_at_ms: e.cleared_at.map(|t| t.millis()),
                })
                .collect(),
            notices: report.notices.iter().map(json).collect(),
            frames: report.frames,
        })
    }
}

fn finished() -> LiftspecError {
    LiftspecError::new("ffi.replay_finished", "the replay has finished")
}

/// Splits a recording in stream framing (`frames.bin`) into its frames; a corrupt block is an
/// error with its code.
#[uniffi::export]
pub fn deframe(stream: Vec<u8>) -> Result<Vec<Vec<u8>>> {
    use liftspec_protocol::framing::{Deframed, Deframer};
    let mut out = Vec::new();
    for d in Deframer::new(1 << 16).push_slice(&stream) {
        match d {
            Deframed::Frame(f) => out.push(f),
            Deframed::Corrupt(e) => return Err(LiftspecError::new(e.code(), e)),
        }
    }
    Ok(out)
}
