//! Structural validation with field paths. Malformed input is rejected; physically odd but
//! well-formed data (an overspeeding car, a door open while moving) is accepted and left to the
//! detectors.
//!
//! The send time is not validated: a device's clock can be minutes fast, reset to 2000, or a
//! frame can wait a week in an outbox, and none of that makes an alarm less real. [`assess_clock`]
//! grades the time instead, and the receiver session reports a bad clock as a finding
//! (`docs/protocol.md` §8.5).

use alloc::string::String;

use liftspec_model::time::Timestamp;

use crate::message::{AlarmStage, Body, CommandAction, DiscardReason};
use crate::wire::{Envelope, MAX_SEQ};

/// Most selective acknowledgements one Ack may list.
pub const MAX_SELECTIVE: usize = 1024;

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
    /// How far ahead of the receiver's clock a send time may be before the device's clock is
    /// judged fast, in ms. liftspec default: 10 minutes.
    pub max_skew_ms: i64,
    /// How old a frame may be before its send time is flagged as old (a long store-and-forward,
    /// or a clock that is behind), in ms. liftspec default: 7 days. Old frames are delivered.
    pub max_age_ms: i64,
    /// Send times before this are implausible (a clock reset to its factory default). liftspec
    /// default: 2020-05-01T00:00:00+08:00, when the Hangzhou Regulation took effect; no terminal
    /// speaking this interface sent anything earlier.
    pub earliest_plausible: Timestamp,
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
            earliest_plausible: Timestamp::from_millis(EARLIEST_PLAUSIBLE_MS),
        }
    }

    /// Speeds above this (mm/s) are sensor garbage, not overspeed: three times rated plus 1 m/s.
    /// A real overspeed (governor trips at about 115 % of rated) stays well inside.
    pub fn implausible_speed_mm_s(&self) -> i64 {
        i64::from(self.rated_speed_mm_s) * 3 + 1000
    }
}

/// liftspec's default earliest plausible send time: 2020-05-01T00:00:00+08:00 (the Hangzhou
/// Regulation's day of effect), in Unix milliseconds.
pub const EARLIEST_PLAUSIBLE_MS: i64 = 1_588_262_400_000;

/// How a frame's send time compares with the receiver's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum ClockQuality {
    /// Within the context's limits.
    Plausible,
    /// Ahead of the receiver's clock by more than `max_skew_ms`: the device's clock is fast.
    Ahead {
        /// By how much, ms.
        by_ms: i64,
    },
    /// Older than `max_age_ms`: a long store-and-forward, or a clock that is behind.
    Old {
        /// Age, ms.
        age_ms: i64,
    },
    /// Before `earliest_plausible`: the device's clock was reset.
    BeforeEarliest,
}

impl ClockQuality {
    /// Whether the send time can be taken as the time of the event.
    pub fn is_plausible(self) -> bool {
        matches!(self, Self::Plausible)
    }
}

/// Grades `sent_at` against the receiver's clock (checked arithmetic: any timestamp is fine).
///
/// ```
/// use liftspec_model::time::Timestamp;
/// use liftspec_protocol::validate::{assess_clock, ClockQuality, ValidationContext};
/// let now = Timestamp::from_millis(1_795_929_850_000);
/// let ctx = ValidationContext::new(-1, 18, 1750, now);
/// assert_eq!(assess_clock(now, &ctx), ClockQuality::Plausible);
/// let fast = Timestamp::from_millis(now.millis() + ctx.max_skew_ms + 1);
/// assert_eq!(assess_clock(fast, &ctx), ClockQuality::Ahead { by_ms: ctx.max_skew_ms + 1 });
/// assert_eq!(assess_clock(Timestamp::from_millis(946_684_800_000), &ctx), ClockQuality::BeforeEarliest);
/// ```
pub fn assess_clock(sent_at: Timestamp, ctx: &ValidationContext) -> ClockQuality {
    if sent_at.millis() < ctx.earliest_plausible.millis() {
        return ClockQuality::BeforeEarliest;
    }
    let ahead = sent_at.millis().saturating_sub(ctx.now.millis());
    if ahead > ctx.max_skew_ms {
        return ClockQuality::Ahead { by_ms: ahead };
    }
    let age = ctx.now.millis().saturating_sub(sent_at.millis());
    if age > ctx.max_age_ms {
        return ClockQuality::Old { age_ms: age };
    }
    ClockQuality::Plausible
}

fn seq_ok(path: &str, seq: u64) -> Result<(), ValidationError> {
    if seq == 0 || seq > MAX_SEQ {
        return fail(
            path,
            alloc::format!("sequence numbers run from 1 to {MAX_SEQ}"),
        );
    }
    Ok(())
}

/// A structural problem, with the path of the field (`body.status.floor`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
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

/// The sequencing rules alone: the header's sequence number and the ranges and numbers a
/// control frame names are within 1..=[`MAX_SEQ`] and consistent. A frame that breaks them
/// cannot be sequenced at all.
pub fn validate_sequencing(envelope: &Envelope) -> Result<(), ValidationError> {
    seq_ok("seq", envelope.seq)?;
    match &envelope.body {
        Body::Discarded(d) => {
            if d.through_seq < envelope.seq || d.through_seq > MAX_SEQ {
                return fail(
                    "body.discarded.throughSeq",
                    alloc::format!("must lie in {}..={MAX_SEQ}", envelope.seq),
                );
            }
            let len = d.through_seq - envelope.seq + 1;
            let count_ok = match d.reason {
                DiscardReason::Dropped => d.count >= 1 && d.count <= len,
                DiscardReason::NotHeld => d.count == 0,
            };
            if !count_ok {
                return fail(
                    "body.discarded.count",
                    "1 to the range's length for dropped frames, 0 for notHeld",
                );
            }
        }
        Body::Ack(a) => {
            if a.cumulative > MAX_SEQ {
                return fail("body.ack.cumulative", alloc::format!("above {MAX_SEQ}"));
            }
            if a.selective.len() > MAX_SELECTIVE {
                return fail(
                    "body.ack.selective",
                    alloc::format!("more than {MAX_SELECTIVE} numbers"),
                );
            }
            let mut last = a.cumulative;
            for (i, s) in a.selective.iter().enumerate() {
                if *s <= last || *s > MAX_SEQ {
                    return fail(
                        &alloc::format!("body.ack.selective[{i}]"),
                        alloc::format!(
                            "{s} must be above cumulative {} and the number before it, at most {MAX_SEQ}",
                            a.cumulative
                        ),
                    );
                }
                last = *s;
            }
        }
        Body::Nack(n) => seq_ok("body.nack.seq", n.seq)?,
        Body::Resume(r) => seq_ok("body.resume.fromSeq", r.from_seq)?,
        _ => {}
    }
    Ok(())
}

/// Validates an envelope against the installation: the sequencing rules
/// ([`validate_sequencing`]) and every body's field rules. The send time is graded separately
/// ([`assess_clock`]).
pub fn validate(envelope: &Envelope, ctx: &ValidationContext) -> Result<(), ValidationError> {
    validate_sequencing(envelope)?;
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
            // A record lists each item it did once: a repeat is a fault of the recorder, and
            // would count twice towards the items a tier requires.
            let mut seen = alloc::collections::BTreeSet::new();
            for (i, item) in m.items_done.iter().enumerate() {
                if !seen.insert(*item) {
                    return fail(
                        &alloc::format!("body.maintenanceSession.itemsDone[{i}]"),
                        alloc::format!("item {item} is listed twice"),
                    );
                }
            }
            // The use unit supervises the maintenance on site and confirms it (Hangzhou
            // Regulation art. 20(6), 对维护保养进行现场监督和确认): it confirms work that is done.
            if let Some(c) = &m.confirmation {
                if c.confirmed_at < m.ended_at {
                    return fail(
                        "body.maintenanceSession.confirmation.confirmedAt",
                        "before endedAt: the work was confirmed before it ended",
                    );
                }
            }
        }
        Body::Heartbeat(h) => percent_ok("body.heartbeat.batteryPercent", h.battery_percent, 100)?,
        Body::Ack(_) | Body::Nack(_) | Body::Discarded(_) | Body::Resume(_) => {}
        Body::Command(c) => command_ok(c)?,
    }
    Ok(())
}

/// The rules for platform → device frames alone (what a device checks): sequencing and the
/// command's fields.
pub fn validate_platform(envelope: &Envelope) -> Result<(), ValidationError> {
    validate_sequencing(envelope)?;
    if let Body::Command(c) = &envelope.body {
        command_ok(c)?;
    }
    Ok(())
}

fn command_ok(c: &crate::message::Command) -> Result<(), ValidationError> {
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
    Ok(())
}
