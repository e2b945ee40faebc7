//! Maintenance authenticity: does the telemetry corroborate a claimed maintenance session?
//! A real session puts the lift in inspection mode (no normal passenger service) for most of the
//! claimed time; sessions are at most 15 days apart (State Council Special Equipment Reg. Art. 31
//! ¶2; the on-demand maintenance of Ningbo Reg. Art. 31 relaxes it, so the interval is data:
//! [`MaintenanceInterval`], counted in calendar days as `liftspec_model::counting` says).

use chrono::NaiveDate;
use liftspec_model::catalogue::MaintenanceFamily;
use liftspec_model::record::{MaintenanceInterval, MaintenanceRecord};
use liftspec_model::time::Timestamp;

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
    /// Corroborated, but on a day after the interval since the previous session had run out.
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
    /// Calendar days (China Standard Time) from the previous session's day to this one's, if
    /// known.
    pub days_since_previous: Option<i64>,
}

/// The verdict for a session claimed from `start` to `end` (ms), given inspection-mode
/// intervals seen in the telemetry, the intervals the terminal was silent, the start of the
/// previous session (`i64::MIN` if none) and the maintenance interval. Lateness is judged on the
/// sessions' calendar days, never on the time of day.
///
/// A session with too little inspection time is [`VerdictKind::NotCorroborated`], unless the
/// silent time would have made up the difference: then it is [`VerdictKind::Unverifiable`].
pub fn verdict(
    start: i64,
    end: i64,
    inspections: &[(i64, i64)],
    silences: &[(i64, i64)],
    previous_start: i64,
    interval: &MaintenanceInterval,
) -> Verdict {
    // In i128: the times come from frames, and a claim may span any range.
    let claimed = (i128::from(end) - i128::from(start)).max(1);
    let overlap = |spans: &[(i64, i64)]| -> i128 {
        spans
            .iter()
            .filter(|(a, b)| *a != i64::MIN && b > a)
            .map(|(a, b)| (i128::from(end.min(*b)) - i128::from(start.max(*a))).max(0))
            .sum()
    };
    let covered = overlap(inspections);
    let overlap_percent = (covered * 100 / claimed).min(100) as i64;
    let days = session_days(previous_start, start);
    let kind = if overlap_percent >= CORROBORATION_PERCENT {
        on_time(days, interval)
    } else if (covered + overlap(silences)) * 100 / claimed >= i128::from(CORROBORATION_PERCENT) {
        VerdictKind::Unverifiable
    } else {
        VerdictKind::NotCorroborated
    };
    Verdict {
        kind,
        overlap_percent,
        days_since_previous: days_between(days),
    }
}

/// The visits behind inspection-mode spans: spans sorted and joined where the gap between them
/// is at most `gap_ms`, so that a visit's test runs and stops between inspection spans count
/// as the visit's time ([`crate::thresholds::Thresholds::visit_gap_ms`], liftspec default
/// 15 min). Empty spans and unset ones (`i64::MIN`) are left out.
///
/// ```
/// use liftspec_detect::maintenance::visit_spans;
/// // Three inspection spans with 5- and 40-minute gaps: the first two are one visit.
/// let min = 60_000;
/// let spans = [(0, 10 * min), (15 * min, 20 * min), (60 * min, 70 * min)];
/// assert_eq!(visit_spans(&spans, 15 * min), vec![(0, 20 * min), (60 * min, 70 * min)]);
/// ```
pub fn visit_spans(inspections: &[(i64, i64)], gap_ms: i64) -> Vec<(i64, i64)> {
    let mut spans: Vec<(i64, i64)> = inspections
        .iter()
        .copied()
        .filter(|(a, b)| *a != i64::MIN && b > a)
        .collect();
    spans.sort_unstable();
    let mut joined: Vec<(i64, i64)> = Vec::with_capacity(spans.len());
    for (a, b) in spans {
        match joined.last_mut() {
            Some(last) if a.saturating_sub(last.1) <= gap_ms => last.1 = last.1.max(b),
            _ => joined.push((a, b)),
        }
    }
    joined
}

/// Checks a maintenance record on its own: every item of its tier done (TSG T5002 annex tables),
/// a duration its items could take, and the interval since the previous session's start
/// `previous_start` (`i64::MIN` if none).
/// Telemetry corroboration is [`crate::lift::LiftDetector::maintenance_verdict`].
pub fn check_record(
    record: &MaintenanceRecord,
    family: MaintenanceFamily,
    previous_start: i64,
    interval: &MaintenanceInterval,
) -> Verdict {
    let minutes = record.duration_minutes() as f64;
    let items = record.items_done.len().max(1) as f64;
    let days = session_days(previous_start, record.started_at.millis());
    let complete = record.check_items(family).is_complete();
    let kind = if minutes < items * MIN_MINUTES_PER_ITEM || !complete {
        VerdictKind::TooShort
    } else {
        on_time(days, interval)
    };
    Verdict {
        kind,
        overlap_percent: 0,
        days_since_previous: days_between(days),
    }
}

/// The calendar days (China Standard Time) of the previous session (`i64::MIN`: none) and of
/// this one's start.
fn session_days(previous: i64, start: i64) -> Option<(NaiveDate, NaiveDate)> {
    if previous == i64::MIN {
        return None;
    }
    let day = |ms| Timestamp::from_millis(ms).local_date().ok();
    Some((day(previous)?, day(start)?))
}

/// Calendar days from the previous session's day to this one's.
fn days_between(days: Option<(NaiveDate, NaiveDate)>) -> Option<i64> {
    days.map(|(previous, this)| this.signed_duration_since(previous).num_days())
}

/// Corroborated, or overdue when the session's day is after the interval since the previous
/// session's day ran out.
fn on_time(days: Option<(NaiveDate, NaiveDate)>, interval: &MaintenanceInterval) -> VerdictKind {
    if days.is_some_and(|(previous, this)| interval.is_late(previous, this)) {
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
        let v = verdict(0, 60 * MIN, &[(-MIN, 61 * MIN)], &[], i64::MIN, &EVERY_15);
        assert_eq!(
            (v.kind, v.overlap_percent),
            (VerdictKind::Corroborated, 100)
        );
        let v = verdict(0, 60 * MIN, &[], &[], i64::MIN, &EVERY_15);
        assert_eq!(
            (v.kind, v.overlap_percent),
            (VerdictKind::NotCorroborated, 0)
        );
        // Exactly half is enough; just under is not.
        assert_eq!(
            verdict(0, 60 * MIN, &[(0, 30 * MIN)], &[], i64::MIN, &EVERY_15).kind,
            VerdictKind::Corroborated
        );
        assert_eq!(
            verdict(0, 60 * MIN, &[(0, 29 * MIN)], &[], i64::MIN, &EVERY_15).kind,
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
            &EVERY_15,
        );
        assert_eq!((v.kind, v.overlap_percent), (VerdictKind::Unverifiable, 33));
        // A short silence does not excuse a session without inspection time.
        let v = verdict(0, 60 * MIN, &[], &[(0, 29 * MIN)], i64::MIN, &EVERY_15);
        assert_eq!(v.kind, VerdictKind::NotCorroborated);
        // Silence outside the session changes nothing.
        let v = verdict(0, 60 * MIN, &[], &[(-90 * MIN, -MIN)], i64::MIN, &EVERY_15);
        assert_eq!(v.kind, VerdictKind::NotCorroborated);
    }

    const EVERY_15: MaintenanceInterval = MaintenanceInterval { days: 15 };

    /// A visit of many short inspection spans with test runs between them corroborates as a
    /// whole: the spans alone cover 40 % of the claim, the visit they make covers it all.
    #[test]
    fn a_visit_of_many_spans_with_test_runs_between_them_is_corroborated() {
        let spans: Vec<(i64, i64)> = (0..6)
            .map(|k| (k * 10 * MIN, k * 10 * MIN + 4 * MIN))
            .collect();
        let alone = verdict(0, 60 * MIN, &spans, &[], i64::MIN, &EVERY_15);
        assert_eq!(alone.kind, VerdictKind::NotCorroborated);
        let visit = visit_spans(&spans, 15 * MIN);
        assert_eq!(visit, vec![(0, 54 * MIN)]);
        let v = verdict(0, 60 * MIN, &visit, &[], i64::MIN, &EVERY_15);
        assert_eq!((v.kind, v.overlap_percent), (VerdictKind::Corroborated, 90));
        // The gap at its limit joins; a millisecond more does not.
        assert_eq!(
            visit_spans(&[(0, 1), (1 + 15 * MIN, 2 + 15 * MIN)], 15 * MIN).len(),
            1
        );
        assert_eq!(
            visit_spans(&[(0, 1), (2 + 15 * MIN, 3 + 15 * MIN)], 15 * MIN).len(),
            2
        );
        // Unsorted, overlapping, empty and unset spans.
        assert_eq!(
            visit_spans(&[(50, 60), (0, 10), (5, 20), (30, 30), (i64::MIN, 5)], 0),
            vec![(0, 20), (50, 60)]
        );
    }

    /// State Council Reg. Art. 31 ¶2, counted in calendar days (China Standard Time): after a
    /// session on 1 January the next is due by 16 January, whatever the time of day of either.
    #[test]
    fn a_session_after_the_fifteenth_day_is_overdue_whatever_the_time_of_day() {
        // 2026-01-01T23:30+08:00 and the days after it at 08:00+08:00.
        let previous = 1_767_281_400_000;
        let day = |n: i64| 1_767_225_600_000 + n * 86_400_000; // 2026-01-01T08:00+08:00 + n days
        let inspected = |at: i64| [(at, at + 60 * MIN)];
        let v = |at: i64, interval: &MaintenanceInterval| {
            verdict(at, at + 60 * MIN, &inspected(at), &[], previous, interval).kind
        };
        assert_eq!(v(day(14), &EVERY_15), VerdictKind::Corroborated, "day 15");
        assert_eq!(
            v(day(15), &EVERY_15),
            VerdictKind::Corroborated,
            "day 16 is the 15th after"
        );
        assert_eq!(v(day(16), &EVERY_15), VerdictKind::Overdue, "17 January");
        // 15.4 days by the clock (23:30 to 08:00 sixteen days later) was once on time.
        assert_eq!(v(day(16), &EVERY_15), VerdictKind::Overdue);
        // The interval is data (Ningbo Reg. Art. 31: on-demand maintenance).
        assert_eq!(
            v(day(16), &MaintenanceInterval { days: 30 }),
            VerdictKind::Corroborated
        );
        // A leap day counts as a day.
        let feb_20_2028 = 1_834_617_600_000; // 2028-02-20T08:00+08:00
        let due_day = feb_20_2028 + 15 * 86_400_000; // 2028-03-06
        let w = |at| {
            verdict(
                at,
                at + 60 * MIN,
                &inspected(at),
                &[],
                feb_20_2028,
                &EVERY_15,
            )
            .kind
        };
        assert_eq!(w(due_day), VerdictKind::Corroborated);
        assert_eq!(w(due_day + 86_400_000), VerdictKind::Overdue);
    }
}
