//! Maintenance authenticity: does the telemetry corroborate a claimed maintenance session?
//! A real session puts the lift in inspection mode (no normal passenger service) for most of the
//! claimed time; sessions are at most 15 days apart (TSG T5002-2017; State Council Special
//! Equipment Regulation Art. 31; the on-demand pilots relax it, so the interval is data).

use liftspec_model::catalogue::MaintenanceFamily;
use liftspec_model::record::{MaintenanceRecord, MAINTENANCE_INTERVAL_DAYS};

/// Fewest minutes a maintenance item plausibly takes on site (liftspec default): a half-monthly
/// session of 31 items takes at least 25 minutes, a yearly one of 76 items an hour.
pub const MIN_MINUTES_PER_ITEM: f64 = 0.8;

/// Share of the claimed session that inspection mode must cover to corroborate it, percent.
pub const CORROBORATION_PERCENT: i64 = 50;

/// The verdict on one session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum VerdictKind {
    /// Inspection-mode time covers the claimed session.
    Corroborated,
    /// No (or too little) inspection-mode time behind the claim.
    NotCorroborated,
    /// Corroborated, but more than the interval after the previous session.
    Overdue,
    /// Shorter than its items could plausibly take.
    TooShort,
    /// Too little inspection-mode time was seen, but the terminal was silent for enough of
    /// the claimed session that the telemetry can neither corroborate nor contradict it. Not
    /// an accusation: a maintenance unit is not blamed for a terminal's silence.
    Unverifiable,
}

/// A verdict with its evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    /// The verdict.
    pub kind: VerdictKind,
    /// How much of the claimed session inspection mode covered, percent.
    pub overlap_percent: i64,
    /// Days since the previous session, if known.
    pub days_since_previous: Option<i64>,
}

/// The verdict for a session claimed from `start` to `end` (ms), given inspection-mode
/// intervals seen in the telemetry, the intervals the terminal was silent, and the end of the
/// previous session (`i64::MIN` if none).
///
/// A session with too little inspection time is [`VerdictKind::NotCorroborated`], unless the
/// silent time would have made up the difference: then it is [`VerdictKind::Unverifiable`].
pub fn verdict(
    start: i64,
    end: i64,
    inspections: &[(i64, i64)],
    silences: &[(i64, i64)],
    previous_end: i64,
) -> Verdict {
    let claimed = (end - start).max(1);
    let overlap = |spans: &[(i64, i64)]| -> i64 {
        spans
            .iter()
            .filter(|(a, b)| *a != i64::MIN && b > a)
            .map(|(a, b)| (end.min(*b) - start.max(*a)).max(0))
            .sum()
    };
    let covered = overlap(inspections);
    let overlap_percent = (covered * 100 / claimed).min(100);
    let days_since_previous = days_between(previous_end, start);
    let kind = if overlap_percent >= CORROBORATION_PERCENT {
        on_time(days_since_previous)
    } else if (covered + overlap(silences)) * 100 / claimed >= CORROBORATION_PERCENT {
        VerdictKind::Unverifiable
    } else {
        VerdictKind::NotCorroborated
    };
    Verdict {
        kind,
        overlap_percent,
        days_since_previous,
    }
}

/// Checks a maintenance record on its own: every item of its tier done (TSG T5002 annex tables),
/// a duration its items could take, and the interval since `previous_end` (`i64::MIN` if none).
/// Telemetry corroboration is [`crate::lift::LiftDetector::maintenance_verdict`].
pub fn check_record(
    record: &MaintenanceRecord,
    family: MaintenanceFamily,
    previous_end: i64,
) -> Verdict {
    let minutes = record.duration_minutes() as f64;
    let items = record.items_done.len().max(1) as f64;
    let days_since_previous = days_between(previous_end, record.started_at.millis());
    let complete = record.check_items(family).is_complete();
    let kind = if minutes < items * MIN_MINUTES_PER_ITEM || !complete {
        VerdictKind::TooShort
    } else {
        on_time(days_since_previous)
    };
    Verdict {
        kind,
        overlap_percent: 0,
        days_since_previous,
    }
}

/// Whole days from `previous_end` (`i64::MIN`: none) to `start`.
fn days_between(previous_end: i64, start: i64) -> Option<i64> {
    (previous_end != i64::MIN).then(|| (start - previous_end) / 86_400_000)
}

/// Corroborated, or overdue when more than the interval has passed since the previous session.
fn on_time(days_since_previous: Option<i64>) -> VerdictKind {
    if days_since_previous.is_some_and(|d| d > i64::from(MAINTENANCE_INTERVAL_DAYS)) {
        VerdictKind::Overdue
    } else {
        VerdictKind::Corroborated
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    #[test]
    fn inspection_time_corroborates_and_its_absence_does_not() {
        let v = verdict(0, 60 * MIN, &[(-MIN, 61 * MIN)], &[], i64::MIN);
        assert_eq!(
            (v.kind, v.overlap_percent),
            (VerdictKind::Corroborated, 100)
        );
        let v = verdict(0, 60 * MIN, &[], &[], i64::MIN);
        assert_eq!(
            (v.kind, v.overlap_percent),
            (VerdictKind::NotCorroborated, 0)
        );
        // Exactly half is enough; just under is not.
        assert_eq!(
            verdict(0, 60 * MIN, &[(0, 30 * MIN)], &[], i64::MIN).kind,
            VerdictKind::Corroborated
        );
        assert_eq!(
            verdict(0, 60 * MIN, &[(0, 29 * MIN)], &[], i64::MIN).kind,
            VerdictKind::NotCorroborated
        );
    }

    #[test]
    fn a_terminal_silent_during_the_session_makes_it_unverifiable_not_uncorroborated() {
        // 20 of 60 minutes in inspection, then the terminal fell silent for 30: had the silent
        // half been inspection it would corroborate, so the telemetry cannot decide.
        let v = verdict(
            0,
            60 * MIN,
            &[(0, 20 * MIN)],
            &[(25 * MIN, 55 * MIN)],
            i64::MIN,
        );
        assert_eq!((v.kind, v.overlap_percent), (VerdictKind::Unverifiable, 33));
        // A short silence does not excuse a session without inspection time.
        let v = verdict(0, 60 * MIN, &[], &[(0, 29 * MIN)], i64::MIN);
        assert_eq!(v.kind, VerdictKind::NotCorroborated);
        // Silence outside the session changes nothing.
        let v = verdict(0, 60 * MIN, &[], &[(-90 * MIN, -MIN)], i64::MIN);
        assert_eq!(v.kind, VerdictKind::NotCorroborated);
    }

    #[test]
    fn a_session_more_than_15_days_after_the_last_is_overdue() {
        let day = 86_400_000;
        let inspected = [(0, 60 * MIN)];
        assert_eq!(
            verdict(0, 60 * MIN, &inspected, &[], -15 * day).kind,
            VerdictKind::Corroborated
        );
        assert_eq!(
            verdict(0, 60 * MIN, &inspected, &[], -16 * day).kind,
            VerdictKind::Overdue
        );
    }
}
