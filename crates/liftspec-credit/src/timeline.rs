//! Grades that move within a cycle (Hangzhou's scheme: a unit's grade goes up or down as its
//! record changes, not only once a year): the unit re-evaluated at regular dates over a
//! trailing window, each point explained by its change from the one before.

use std::collections::BTreeSet;

use chrono::{Duration, NaiveDate};
use liftspec_model::record::Record;

use crate::evaluate::{change, evaluate, Change, Evaluation, Period, UnitFacts};
use crate::rules::RuleSet;

/// How the timeline samples the cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimelineSpec {
    /// First evaluation date.
    pub from: NaiveDate,
    /// Last evaluation date (included even when the step does not land on it).
    pub to: NaiveDate,
    /// Days between evaluations (≥ 1); liftspec's default is 30, a monthly grade.
    pub step_days: u32,
    /// The trailing window each evaluation covers, in days (≥ 1); liftspec's default is 365,
    /// so every point weighs a full year of records.
    pub window_days: u32,
}

/// One evaluation date.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimelinePoint {
    /// The evaluation over the window ending that day.
    pub evaluation: Evaluation,
    /// What changed since the previous point (none for the first).
    pub change: Option<Change>,
}

/// Why a timeline cannot be drawn.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimelineError {
    /// `to` is before `from`.
    #[error("timeline: to ({to}) is before from ({from})")]
    Reversed {
        /// First date.
        from: NaiveDate,
        /// Last date.
        to: NaiveDate,
    },
    /// A step or window of zero days, or more than 400 points.
    #[error("timeline: {0}")]
    Invalid(&'static str),
}

impl TimelineError {
    /// A stable, machine-readable code.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Reversed { .. } => "credit.timeline.reversed",
            Self::Invalid(_) => "credit.timeline.invalid",
        }
    }
}

/// Evaluates `unit` at every `step_days` from `from` to `to` over the trailing `window_days`,
/// so a grade is seen to move within the cycle, each move explained by the indicators behind
/// it.
///
/// ```
/// use chrono::NaiveDate;
/// use liftspec_credit::{evaluate::UnitFacts, rules::RuleSet, timeline::{timeline, TimelineSpec}};
/// let unit = UnitFacts {
///     unit: "91350100M000100Y43".parse()?, lifts: vec![], technicians: 3,
///     licence_valid_until: None, commendations: vec![],
/// };
/// let spec = TimelineSpec {
///     from: NaiveDate::from_ymd_opt(2025, 1, 31).unwrap(),
///     to: NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
///     step_days: 30,
///     window_days: 365,
/// };
/// let points = timeline(&RuleSet::default_maintenance_unit(), &unit, &[], &spec)?;
/// assert_eq!(points.len(), 13); // every 30 days from 31 January, and 31 December itself
/// assert!(points.iter().all(|p| p.evaluation.grade == "A"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn timeline(
    rules: &RuleSet,
    unit: &UnitFacts,
    records: &[Record],
    spec: &TimelineSpec,
) -> Result<Vec<TimelinePoint>, TimelineError> {
    if spec.to < spec.from {
        return Err(TimelineError::Reversed {
            from: spec.from,
            to: spec.to,
        });
    }
    if spec.step_days == 0 || spec.window_days == 0 {
        return Err(TimelineError::Invalid(
            "stepDays and windowDays must be at least 1",
        ));
    }
    let span = (spec.to - spec.from).num_days();
    if span / i64::from(spec.step_days) > 400 {
        return Err(TimelineError::Invalid("more than 400 evaluation dates"));
    }
    let mut dates = Vec::new();
    let mut day = spec.from;
    while day < spec.to {
        dates.push(day);
        day += Duration::days(i64::from(spec.step_days));
    }
    dates.push(spec.to);
    let none = BTreeSet::new();
    let mut points: Vec<TimelinePoint> = Vec::with_capacity(dates.len());
    for to in dates {
        let period = Period {
            from: to - Duration::days(i64::from(spec.window_days) - 1),
            to,
        };
        let evaluation = evaluate(rules, unit, records, &period, &none);
        let change = points.last().map(|p| change(&p.evaluation, &evaluation));
        points.push(TimelinePoint { evaluation, change });
    }
    Ok(points)
}
