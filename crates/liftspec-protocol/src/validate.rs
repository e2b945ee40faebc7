//! Structural validation with field paths. Malformed input is rejected; physically odd but
//! well-formed data (an overspeeding car, a door open while moving) is accepted and left to the
//! detectors.

use alloc::string::String;

use liftspec_model::time::Timestamp;

use crate::message::{AlarmStage, Body, CommandAction};
use crate::wire::Envelope;

/// What validation knows about the installation and the receiver's clock.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidationContext {
    /// Lowest floor the installation serves (from `Register` or the register).
    pub lowest_floor: i16,
    /// Highest floor.
    pub highest_floor: i16,
    /// Rated speed in mm/s.
    pub rated_speed_mm_s: u32,
    /// Receiver's clock now.
    pub now: Timestamp,
    /// Largest accepted |sent_at − now| in ms. liftspec default: 10 minutes, generous enough for
    /// store-and-forward retransmission of recent frames; older frames are judged by the session.
    pub max_skew_ms: i64,
    /// Largest accepted age of a frame (store-and-forward after an outage), in ms.
    /// liftspec default: 7 days.
    pub max_age_ms: i64,
}

impl ValidationContext {
    /// liftspec's defaults for an installation.
    pub fn new(
        lowest_floor: i16,
        highest_floor: i16,
        rated_speed_mm_s: u32,
        now: Timestamp,
    ) -> Self {
        Self {
            lowest_floor,
            highest_floor,
            rated_speed_mm_s,
            now,
            max_skew_ms: 10 * 60 * 1000,
            max_age_ms: 7 * 24 * 3600 * 1000,
        }
    }

    /// Speeds above this (mm/s) are sensor garbage, not overspeed: three times rated plus 1 m/s.
    /// A real overspeed (governor trips at about 115 % of rated) stays well inside.
    pub fn implausible_speed_mm_s(&self) -> i64 {
        i64::from(self.rated_speed_mm_s) * 3 + 1000
    }
}

/// A structural problem, with the path of the field (`body.status.floor`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {reason}")]
pub struct ValidationError {
    /// Field path.
    pub path: String,
    /// What is wrong.
    pub reason: String,
}

impl ValidationError {
    /// A stable, machine-readable code.
    pub const fn code(&self) -> &'static str {
        "validate.field"
    }
}

fn fail(path: &str, reason: impl Into<String>) -> Result<(), ValidationError> {
    Err(ValidationError {
        path: String::from(path),
        reason: reason.into(),
    })
}

fn floor_ok(ctx: &ValidationContext, path: &str, floor: i16) -> Result<(), ValidationError> {
    if floor < ctx.lowest_floor || floor > ctx.highest_floor {
        return fail(
            path,
            alloc::format!(
                "floor {floor} outside {}..={}",
                ctx.lowest_floor,
                ctx.highest_floor
            ),
        );
    }
    Ok(())
}

fn percent_ok(path: &str, value: Option<u8>, max: u8) -> Result<(), ValidationError> {
    match value {
        Some(v) if v > max => fail(path, alloc::format!("{v} % is above {max} %")),
        _ => Ok(()),
    }
}

/// Validates an envelope against the installation and the receiver's clock.
pub fn validate(envelope: &Envelope, ctx: &ValidationContext) -> Result<(), ValidationError> {
    if envelope.seq == 0 {
        return fail("seq", "sequence numbers start at 1");
    }
    let skew = envelope.sent_at.millis_since(ctx.now);
    if skew > ctx.max_skew_ms {
        return fail(
            "sentAt",
            alloc::format!("{skew} ms in the future, more than {} ms", ctx.max_skew_ms),
        );
    }
    if -skew > ctx.max_age_ms {
        return fail(
            "sentAt",
            alloc::format!("{} ms old, more than {} ms", -skew, ctx.max_age_ms),
        );
    }
    match &envelope.body {
        Body::Register(r) => {
            if r.lowest_floor >= r.highest_floor {
                return fail("body.register.highestFloor", "must be above lowestFloor");
            }
            let span = i32::from(r.highest_floor) - i32::from(r.lowest_floor) + 1;
            if r.stops < 2 || i32::from(r.stops) > span {
                return fail(
                    "body.register.stops",
                    alloc::format!(
                        "{} stops do not fit floors {}..={}",
                        r.stops,
                        r.lowest_floor,
                        r.highest_floor
                    ),
                );
            }
            if r.rated_speed_mm_s == 0 || r.rated_speed_mm_s > 20_000 {
                return fail("body.register.ratedSpeedMmS", "expected 1..=20000 mm/s");
            }
            if r.firmware.is_empty() || r.firmware.len() > 64 {
                return fail("body.register.firmware", "expected 1-64 bytes");
            }
            for (i, kind) in r.capabilities.kinds.iter().enumerate() {
                let path = alloc::format!("body.register.capabilities.kinds[{i}]");
                if *kind == 0 || *kind >= 64 {
                    return fail(
                        &path,
                        alloc::format!("{kind} is not a device kind byte (1-63)"),
                    );
                }
                if r.capabilities.kinds[..i].contains(kind) {
                    return fail(&path, alloc::format!("kind {kind} is declared twice"));
                }
            }
        }
        Body::Status(s) => {
            floor_ok(ctx, "body.status.floor", s.floor)?;
            percent_ok("body.status.loadPercent", s.load_percent, 250)?;
            if let Some(v) = s.speed_mm_s {
                if i64::from(v).abs() > ctx.implausible_speed_mm_s() {
                    return fail(
                        "body.status.speedMmS",
                        alloc::format!(
                            "{v} mm/s is implausible for a {} mm/s lift",
                            ctx.rated_speed_mm_s
                        ),
                    );
                }
            }
        }
        Body::Statistics(_) => {}
        Body::Event(e) => {
            if let Some(f) = e.floor {
                floor_ok(ctx, "body.event.floor", f)?;
            }
        }
        Body::DoorCycle(d) => {
            floor_ok(ctx, "body.doorCycle.floor", d.floor)?;
            for (path, ms) in [
                ("body.doorCycle.openingMs", d.opening_ms),
                ("body.doorCycle.closingMs", d.closing_ms),
            ] {
                if ms > 60_000 {
                    return fail(path, alloc::format!("{ms} ms is longer than a minute"));
                }
            }
            percent_ok(
                "body.doorCycle.loadBeforePercent",
                d.load_before_percent,
                250,
            )?;
            percent_ok("body.doorCycle.loadAfterPercent", d.load_after_percent, 250)?;
        }
        Body::Alarm(a) => {
            if let Some(f) = a.floor {
                floor_ok(ctx, "body.alarm.floor", f)?;
            }
            match a.stage {
                AlarmStage::Emitted { attempt: 0 } => {
                    return fail("body.alarm.stage.emitted.attempt", "attempts count from 1")
                }
                AlarmStage::Battery { percent, .. } if percent > 100 => {
                    return fail("body.alarm.stage.battery.percent", "above 100 %")
                }
                _ => {}
            }
        }
        Body::MaintenanceSession(m) => {
            if m.session_id.is_empty() || m.session_id.len() > 64 {
                return fail("body.maintenanceSession.sessionId", "expected 1-64 bytes");
            }
            if m.technicians.is_empty() {
                return fail(
                    "body.maintenanceSession.technicians",
                    "at least one technician",
                );
            }
            if m.ended_at < m.started_at {
                return fail("body.maintenanceSession.endedAt", "before startedAt");
            }
        }
        Body::Heartbeat(h) => percent_ok("body.heartbeat.batteryPercent", h.battery_percent, 100)?,
        Body::Ack(a) => {
            if let Some((i, s)) = a
                .selective
                .iter()
                .enumerate()
                .find(|(_, s)| **s <= a.cumulative)
            {
                return fail(
                    &alloc::format!("body.ack.selective[{i}]"),
                    alloc::format!("{s} is not above cumulative {}", a.cumulative),
                );
            }
        }
        Body::Nack(_) => {}
        Body::Discarded(d) => {
            if d.through_seq < envelope.seq
                || d.count == 0
                || d.count > d.through_seq - envelope.seq + 1
            {
                return fail(
                    "body.discarded",
                    "range must start at the frame's seq and count at most its length",
                );
            }
        }
        Body::Resume(r) => {
            if r.from_seq == 0 {
                return fail("body.resume.fromSeq", "sequence numbers start at 1");
            }
        }
        Body::Command(c) => {
            if let CommandAction::Comfort {
                text_zh, text_en, ..
            } = &c.action
            {
                if text_zh.is_empty() && text_en.is_empty() {
                    return fail("body.command.action.comfort", "needs a text");
                }
                for (path, text) in [
                    ("body.command.action.comfort.textZh", text_zh),
                    ("body.command.action.comfort.textEn", text_en),
                ] {
                    if text.chars().count() > 200 {
                        return fail(path, "longer than 200 characters");
                    }
                }
            }
        }
    }
    Ok(())
}
