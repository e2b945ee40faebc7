//! `liftspec detect`: the detectors over a recorded frame stream, as episodes
//! (`liftspec_detect::replay`).

use std::collections::BTreeMap;
use std::process::ExitCode;

use clap::Args;
use liftspec_detect::replay::{Installation, Recorded, Replay};
use liftspec_detect::thresholds::Thresholds;
use liftspec_protocol::wire;

use crate::frames::{for_each_item, Format};
use crate::input::Input;
use crate::records::{each_line, read};
use crate::Failure;

#[derive(Args)]
pub(crate) struct DetectArgs {
    /// The recording: a byte stream, hex lines or JSON lines of frames from any number of
    /// devices, in the order they arrived (`-` for standard input). Frames are decoded, not
    /// authenticated: verify them where they were received. Each frame counts as received at
    /// its own send time.
    input: String,
    /// Input format.
    #[arg(long, value_enum, default_value = "auto")]
    format: Format,
    /// The installations: JSON lines of `{"device", "registrationCode", "profile": {
    /// "ratedSpeedMmS", "bottomMm", "topMm", "escalator"}}` (what `liftspec city --record`
    /// writes).
    #[arg(long)]
    installations: String,
    /// Detection thresholds (JSON, camelCase fields of `Thresholds`; missing fields keep
    /// liftspec's Hangzhou defaults).
    #[arg(long)]
    thresholds: Option<String>,
}

fn read_installations(path: &str) -> Result<Vec<Installation>, Failure> {
    let mut out = Vec::new();
    each_line(path, |_, installation: Installation| {
        out.push(installation);
        Ok(())
    })?;
    if out.is_empty() {
        return Err(Failure(format!("{path}: no installations")));
    }
    Ok(out)
}

fn read_thresholds(path: Option<&str>) -> Result<Thresholds, Failure> {
    let Some(path) = path else {
        return Ok(Thresholds::default());
    };
    let thresholds: Thresholds =
        serde_json::from_str(&read(path)?).map_err(|e| Failure(format!("{path}: {e}")))?;
    thresholds
        .validate()
        .map_err(|e| Failure(format!("{path}: {e} ({})", e.code())))?;
    Ok(thresholds)
}

/// Prints one JSON line `{"<tag>": value}`.
fn line(tag: &str, value: &impl serde::Serialize) -> Result<(), Failure> {
    let mut map = serde_json::Map::new();
    map.insert(tag.into(), serde_json::to_value(value)?);
    println!("{}", serde_json::Value::Object(map));
    Ok(())
}

pub(crate) fn detect(args: DetectArgs) -> Result<ExitCode, Failure> {
    let installations = read_installations(&args.installations)?;
    let thresholds = read_thresholds(args.thresholds.as_deref())?;
    let input = Input::open(&args.input)?;
    let mut replay = Replay::new(installations, thresholds);
    let mut rejected: Vec<(String, String)> = Vec::new();
    let items = for_each_item(input, args.format, |name, position, bytes| {
        match bytes.and_then(|b| wire::decode(&b).map_err(|e| format!("{e} ({})", e.code()))) {
            Ok(frame) => replay.push(Recorded {
                envelope: frame.envelope,
                received_at: None,
            }),
            Err(e) => rejected.push((format!("{name}: {position}"), e)),
        }
    })?;
    if items == 0 {
        return Err(Failure(format!("{}: no frames found", args.input)));
    }
    let report = replay.finish_at_last_frame();
    for episode in &report.episodes {
        line("episode", episode)?;
    }
    for notice in &report.notices {
        line("notice", notice)?;
    }
    for (position, error) in &rejected {
        line(
            "rejected",
            &serde_json::json!({ "position": position, "error": error }),
        )?;
    }
    let mut kinds: BTreeMap<String, u32> = BTreeMap::new();
    for e in &report.episodes {
        *kinds.entry(format!("{:?}", e.kind)).or_default() += 1;
    }
    eprintln!(
        "{} frames, {} episodes {kinds:?}, {} notices, {} rejected",
        report.frames,
        report.episodes.len(),
        report.notices.len(),
        rejected.len()
    );
    Ok(if rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
