//! Detection: a recorded frame file replayed through the detectors of its installations.

use liftspec_detect::replay::{Installation, Recorded, Replay};
use liftspec_detect::thresholds::Thresholds;
use liftspec_protocol::{file, wire};
use serde::{Deserialize, Serialize};
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

use crate::file::{ErrorInfo, Place};
use crate::{json, name, out, Failure, Result};

/// A fault episode of a replay: raised once, cleared once (or still open).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct Episode {
    /// The device.
    pub device: String,
    /// The lift, if the installation named it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub registration_code: Option<String>,
    /// What (`trappedBetweenFloors`, `doorOpeningFault`, …).
    pub kind: String,
    /// How urgent (`critical`, `major`, `warning`, `info`).
    pub severity: String,
    /// When it was raised, ms.
    pub raised_at_ms: i64,
    /// When it cleared, ms; absent: open when the recording ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub cleared_at_ms: Option<i64>,
    /// The clause or default it rests on.
    pub source: String,
    /// The detection that raised it, with its evidence.
    #[tsify(type = "unknown")]
    pub detection: serde_json::Value,
}

/// An item of the file that was not replayed, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct Skipped {
    /// Where.
    pub place: Place,
    /// Why.
    pub error: ErrorInfo,
}

/// What a replay found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ReplayResult {
    /// Every episode, in the order raised.
    pub episodes: Vec<Episode>,
    /// What the replay noticed about the recording (gaps, duplicates, unknown devices).
    #[tsify(type = "unknown[]")]
    pub notices: Vec<serde_json::Value>,
    /// Frames run through a detector.
    pub frames: u64,
    /// Items of the file that are not frames (never dropped without a word).
    pub skipped: Vec<Skipped>,
}

/// Replays a recorded frame file (stream, hex or JSON lines) through the detectors of
/// `installationsJsonl` (one `{"device", "registrationCode", "profile"}` per line, as
/// `liftspec city --record` writes), with `thresholdsJson` or liftspec's Hangzhou defaults, as
/// `liftspec detect` does: each frame counts as received at its send time.
#[wasm_bindgen(js_name = replayFrameFile)]
pub fn replay_frame_file(
    installations_jsonl: &str,
    data: &[u8],
    thresholds_json: Option<String>,
) -> Result<Ts<ReplayResult>> {
    let mut installations = Vec::new();
    for (i, line) in installations_jsonl.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        installations.push(serde_json::from_str::<Installation>(line).map_err(|e| {
            Failure::new("json.invalid", format!("installation line {}: {e}", i + 1))
        })?);
    }
    let thresholds = match thresholds_json {
        None => Thresholds::default(),
        Some(t) => {
            let t: Thresholds = serde_json::from_str(&t)?;
            t.validate().map_err(|e| Failure::new(e.code(), &e))?;
            t
        }
    };
    let mut replay = Replay::new(installations, thresholds);
    let mut skipped = Vec::new();
    for item in file::read(data).items {
        let decoded = item
            .bytes
            .map_err(Failure::from)
            .and_then(|b| wire::decode(&b).map_err(Failure::from));
        match decoded {
            Ok(frame) => replay.push(Recorded {
                envelope: frame.envelope,
                received_at: None,
            }),
            Err(e) => skipped.push(Skipped {
                place: item.position.into(),
                error: e.into(),
            }),
        }
    }
    let report = replay.finish_at_last_frame();
    out(ReplayResult {
        episodes: report
            .episodes
            .iter()
            .map(|e| {
                Ok(Episode {
                    device: e.device.to_string(),
                    registration_code: e.registration_code.as_ref().map(ToString::to_string),
                    kind: name(&e.raised.kind),
                    severity: name(&e.raised.severity),
                    raised_at_ms: e.raised.at.millis(),
                    cleared_at_ms: e.cleared_at.map(|t| t.millis()),
                    source: e.raised.source.clone(),
                    detection: json(&e.raised)?,
                })
            })
            .collect::<Result<_>>()?,
        notices: report.notices.iter().map(json).collect::<Result<_>>()?,
        frames: report.frames,
        skipped,
    })
}
