//! Evaluation: the measures of a unit's records over a period, the rule set's deductions and
//! vetoes, bonus items, a score, a grade and an explanation naming every rule, clause and record
//! behind it.
//! An appeal recomputes with disputed records excluded.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use liftspec_model::catalogue::MaintenanceFamily;
use liftspec_model::id::{ClassScheme, CreditCode, RecordId, RegistrationCode};
use liftspec_model::record::{
    InspectionKind, InspectionRecord, InspectionResult, MaintenanceRecord, Record, SmartSystemCheck,
};
use liftspec_model::time::Timestamp;

use crate::rules::{BonusMeasure, Measure, RuleSet, VetoKind};

/// Fewest minutes a maintenance item plausibly takes (liftspec default; the same rule as the
/// detector's record check).
pub const MIN_MINUTES_PER_ITEM: f64 = 0.8;

/// A lift the unit answers for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiftFacts {
    /// Registration code.
    pub registration_code: RegistrationCode,
    /// Its maintenance family (which TSG T5002 annex).
    pub family: MaintenanceFamily,
    /// Covered by elevator safety liability insurance (Hangzhou Reg. Art. 6); false if absent.
    #[serde(default)]
    pub insured: bool,
    /// Connected to the platform by a smart elevator terminal (opinions item 6); false if
    /// absent.
    #[serde(default)]
    pub smart_terminal: bool,
    /// The day the unit's duty for the lift began (a maintenance contract's start); the
    /// maintenance interval is counted from the later of it and the period's start. `None`: the
    /// duty runs through the whole period.
    #[serde(default)]
    pub maintained_since: Option<NaiveDate>,
}

/// A commendation by a supervising department (State Council Special Equipment Reg. Art. 8).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Commendation {
    /// The record of it (the evidence a bonus line names).
    pub id: RecordId,
    /// Day it was awarded.
    pub awarded_on: NaiveDate,
    /// The awarding department.
    pub by: String,
}

/// The unit under evaluation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnitFacts {
    /// The unit.
    pub unit: CreditCode,
    /// The lifts it maintains (or uses, or made).
    pub lifts: Vec<LiftFacts>,
    /// Technicians on its staff.
    pub technicians: u32,
    /// Licence expiry, if it needs one.
    pub licence_valid_until: Option<NaiveDate>,
    /// Commendations (any period; those in the evaluated one count); none if absent.
    #[serde(default)]
    pub commendations: Vec<Commendation>,
}

impl UnitFacts {
    /// What the records alone tell about maintenance unit `unit`: the lifts it maintained in
    /// them (each lift's maintenance family from its registration code's class, traction when
    /// the code names none), with `technicians` on its staff. Insurance, terminals, contracts,
    /// licence and commendations are not in maintenance records: absent (false, `None`, none).
    /// [`NoLifts`] when the records hold no maintenance by the unit, so there is nothing to
    /// rate.
    ///
    /// ```
    /// use liftspec_credit::evaluate::UnitFacts;
    /// use liftspec_model::id::CreditCode;
    /// let unit: CreditCode = "91330105256G7JX980".parse()?;
    /// let e = UnitFacts::from_maintenance_records(&unit, &[], 3).unwrap_err();
    /// assert_eq!(e.code(), "credit.no_lifts");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_maintenance_records(
        unit: &CreditCode,
        records: &[Record],
        technicians: u32,
    ) -> Result<Self, NoLifts> {
        let mut lifts: BTreeMap<String, LiftFacts> = BTreeMap::new();
        for r in records {
            let Record::Maintenance(m) = r else { continue };
            if &m.maintenance_unit != unit {
                continue;
            }
            let family = m
                .lift
                .equipment_kind(ClassScheme::Catalogue2014)
                .map_or(MaintenanceFamily::TractionAndPositiveDrive, |k| {
                    k.maintenance_family()
                });
            lifts.insert(
                m.lift.to_string(),
                LiftFacts {
                    registration_code: m.lift.clone(),
                    family,
                    insured: false,
                    smart_terminal: false,
                    maintained_since: None,
                },
            );
        }
        if lifts.is_empty() {
            return Err(NoLifts { unit: unit.clone() });
        }
        Ok(Self {
            unit: unit.clone(),
            lifts: lifts.into_values().collect(),
            technicians,
            licence_valid_until: None,
            commendations: Vec::new(),
        })
    }
}

/// The records hold no maintenance by the unit, so there are no lifts to rate it on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no maintenance records of unit {unit}, so no lifts to evaluate it on")]
pub struct NoLifts {
    /// The unit.
    pub unit: CreditCode,
}

impl NoLifts {
    /// The stable code, `credit.no_lifts`.
    pub const fn code(&self) -> &'static str {
        "credit.no_lifts"
    }
}

/// The evaluation period, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Period {
    /// First day (UTC+8).
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
}

/// Why a period cannot be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// A year outside the calendar dates can hold.
    #[error("year {year} is outside the supported calendar")]
    YearOutOfRange {
        /// The year asked for.
        year: i32,
    },
    /// The last day is before the first.
    #[error("period ends on {to}, before it starts on {from}")]
    Reversed {
        /// First day.
        from: NaiveDate,
        /// Last day.
        to: NaiveDate,
    },
}

impl PeriodError {
    /// A stable, machine-readable code.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::YearOutOfRange { .. } => "credit.period_year",
            Self::Reversed { .. } => "credit.period_reversed",
        }
    }
}

impl Period {
    /// A calendar year; refused when the year is outside the calendar (never silently another
    /// year).
    ///
    /// ```
    /// use liftspec_credit::evaluate::Period;
    /// assert_eq!(Period::year(2025)?.to.to_string(), "2025-12-31");
    /// assert_eq!(Period::year(300_000).unwrap_err().code(), "credit.period_year");
    /// # Ok::<(), liftspec_credit::evaluate::PeriodError>(())
    /// ```
    pub fn year(year: i32) -> Result<Self, PeriodError> {
        match (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        ) {
            (Some(from), Some(to)) => Ok(Self { from, to }),
            _ => Err(PeriodError::YearOutOfRange { year }),
        }
    }

    /// The days from `from` through `to`.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Self, PeriodError> {
        if to < from {
            return Err(PeriodError::Reversed { from, to });
        }
        Ok(Self { from, to })
    }

    fn contains(&self, t: Timestamp) -> bool {
        t.local_date().is_ok_and(|d| d >= self.from && d <= self.to)
    }

    fn contains_day(&self, d: NaiveDate) -> bool {
        d >= self.from && d <= self.to
    }

    /// Length in years.
    pub fn years(&self) -> f64 {
        ((self.to - self.from).num_days() + 1) as f64 / 365.0
    }
}

/// One deduction with its reasons.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeductionLine {
    /// Indicator id.
    pub indicator: String,
    /// Dimension id.
    pub dimension: String,
    /// What it measures.
    pub name: String,
    /// The measured value.
    pub value: f64,
    /// Points deducted.
    pub points: f64,
    /// The clause.
    pub clause: String,
    /// What the records alone do not show (a lift with no session at all, a stretch still
    /// overdue at the period's end), one line each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
    /// The records behind it.
    pub records: Vec<RecordId>,
}

/// A bonus that applied.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BonusLine {
    /// Bonus id.
    pub bonus: String,
    /// What it rewards.
    pub name: String,
    /// The measured value.
    pub value: f64,
    /// Points added (after the rule set's `maxBonus`).
    pub points: f64,
    /// The clause.
    pub clause: String,
    /// The records behind it (rescues, commendations; none for lift counts).
    pub records: Vec<RecordId>,
}

/// A veto that applied.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VetoLine {
    /// Veto id.
    pub veto: String,
    /// The clause.
    pub clause: String,
    /// The records behind it (none for an expired licence).
    pub records: Vec<RecordId>,
}

/// A unit's evaluation.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Evaluation {
    /// The unit.
    pub unit: CreditCode,
    /// Rule set and version.
    pub rules: String,
    /// Period.
    pub period: Period,
    /// Score out of the rule set's full score.
    pub score: f64,
    /// Grade.
    pub grade: String,
    /// Every deduction, in rule order.
    pub deductions: Vec<DeductionLine>,
    /// Bonus items that applied, in rule order.
    #[serde(default)]
    pub bonuses: Vec<BonusLine>,
    /// Vetoes that applied.
    pub vetoes: Vec<VetoLine>,
    /// Records left out on appeal.
    pub excluded: Vec<RecordId>,
}

#[derive(Default)]
struct Measured {
    value: f64,
    records: Vec<RecordId>,
    evidence: Vec<String>,
}

/// Evaluates `unit` over `period` from `records` (in any order), leaving out `excluded`.
pub fn evaluate(
    rules: &RuleSet,
    unit: &UnitFacts,
    records: &[Record],
    period: &Period,
    excluded: &BTreeSet<RecordId>,
) -> Evaluation {
    let refs: Vec<&Record> = records.iter().collect();
    evaluate_refs(rules, unit, &refs, period, excluded)
}

/// Evaluates many units over one set of records: the records are sorted to their units once
/// (by maintenance unit, by lift, by party), so the cost grows with the records, not with
/// units × records.
pub fn evaluate_all(
    rules: &RuleSet,
    units: &[UnitFacts],
    records: &[Record],
    period: &Period,
) -> Vec<Evaluation> {
    let mut by_unit: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_lift: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, u) in units.iter().enumerate() {
        by_unit.insert(u.unit.as_str(), i);
        for l in &u.lifts {
            by_lift.insert(l.registration_code.as_str(), i);
        }
    }
    let mut buckets: Vec<Vec<&Record>> = vec![Vec::new(); units.len()];
    for r in records {
        let owner = match r {
            Record::Maintenance(m) => by_unit.get(m.maintenance_unit.as_str()).copied(),
            Record::Fault(f) => by_lift.get(f.lift.as_str()).copied(),
            Record::Rescue(x) => {
                // A rescue for another unit's lift also belongs to the responder (Art. 37).
                let own = by_lift.get(x.lift.as_str()).copied();
                if let Some(&i) = x.responder.as_ref().and_then(|r| by_unit.get(r.as_str())) {
                    if Some(i) != own {
                        buckets[i].push(r);
                    }
                }
                own
            }
            Record::Inspection(i) => {
                // An inspection also belongs to the body that performed it (Art. 31 ¶2).
                let own = by_lift.get(i.lift.as_str()).copied();
                if let Some(&b) = by_unit.get(i.body.as_str()) {
                    if Some(b) != own {
                        buckets[b].push(r);
                    }
                }
                own
            }
            Record::Complaint(c) => by_unit.get(c.against.as_str()).copied(),
            Record::Penalty(p) => by_unit.get(p.party.as_str()).copied(),
            Record::Accident(a) => {
                for party in &a.responsible {
                    if let Some(&i) = by_unit.get(party.as_str()) {
                        buckets[i].push(r);
                    }
                }
                None
            }
            _ => None,
        };
        if let Some(i) = owner {
            buckets[i].push(r);
        }
    }
    let none = BTreeSet::new();
    units
        .iter()
        .zip(&buckets)
        .map(|(u, b)| evaluate_refs(rules, u, b, period, &none))
        .collect()
}

fn evaluate_refs(
    rules: &RuleSet,
    unit: &UnitFacts,
    records: &[&Record],
    period: &Period,
    excluded: &BTreeSet<RecordId>,
) -> Evaluation {
    let lifts: BTreeMap<&str, &LiftFacts> = unit
        .lifts
        .iter()
        .map(|l| (l.registration_code.as_str(), l))
        .collect();
    let n = unit.lifts.len().max(1) as f64;
    let lift_years = n * period.years();
    let mine = |lift: &RegistrationCode| lifts.contains_key(lift.as_str());
    let kept = |id: &RecordId| !excluded.contains(id);

    let duties = &rules.duties;
    // Maintenance by lift: the unit's own sessions (for its intervals and their quality) and
    // every session on the unit's lifts (for the use unit's confirmations).
    let mut sessions: BTreeMap<&str, Vec<&MaintenanceRecord>> = BTreeMap::new();
    let mut inspections_by_lift: BTreeMap<&str, Vec<&InspectionRecord>> = BTreeMap::new();
    let mut measures: BTreeMap<Measure, Measured> = BTreeMap::new();
    let mut add = |m: Measure, value: f64, id: Option<&RecordId>| {
        let e = measures.entry(m).or_default();
        e.value += value;
        if let Some(id) = id {
            e.records.push(id.clone());
        }
    };
    let mut inspections = 0u32;
    let mut rescues = 0u32;
    let mut sessions_on_lifts = 0u32;
    let mut faults = 0u32;
    let mut smart_checks = 0u32;
    let mut performed = 0u32;
    let mut reports = 0u32;
    let mut accidents = Vec::new();
    let mut bonus: BTreeMap<BonusMeasure, Measured> = BTreeMap::new();
    let day = |t: Timestamp| t.local_date().ok();
    for r in records.iter().copied() {
        match r {
            Record::Maintenance(m) if kept(&m.id) && mine(&m.lift) => {
                if m.maintenance_unit == unit.unit {
                    sessions.entry(m.lift.as_str()).or_default().push(m);
                }
                if period.contains(m.started_at) {
                    // Art. 20(6): the use unit confirms each session (within the rule set's days).
                    sessions_on_lifts += 1;
                    let by = day(m.started_at).and_then(|d| {
                        liftspec_model::counting::days_period_end(
                            d,
                            duties.confirmation_within_days,
                        )
                    });
                    let confirmed = m.confirmation.as_ref().is_some_and(|c| {
                        by.is_some_and(|by| day(c.confirmed_at).is_some_and(|d| d <= by))
                    });
                    if !confirmed {
                        add(Measure::UnconfirmedMaintenancePercent, 1.0, Some(&m.id));
                    }
                }
            }
            // Trapped passengers (code 11) are counted from rescues, not as faults.
            Record::Fault(f)
                if kept(&f.id)
                    && mine(&f.lift)
                    && period.contains(f.raised_at)
                    && f.code.number() != 11 =>
            {
                add(Measure::FaultsPerLiftYear, 1.0 / lift_years, Some(&f.id));
                // Art. 28(4): cleared promptly, or a written solution and stop-use notice.
                faults += 1;
                let limit = duties.fault_fix_within_hours.saturating_mul(3_600_000);
                let in_time = |t: Option<Timestamp>| {
                    t.is_some_and(|t| liftspec_model::counting::within(f.raised_at, limit, t))
                };
                if !in_time(f.cleared_at) && !in_time(f.written_notice_at) {
                    add(
                        Measure::UnresolvedFaultsWithoutNoticePercent,
                        1.0,
                        Some(&f.id),
                    );
                }
            }
            Record::Rescue(x)
                if mine(&x.lift) && !x.false_alarm && period.contains(x.reported_at) =>
            {
                let id = RecordId::parse(x.incident.as_str()).ok();
                if id.as_ref().is_some_and(|i| !kept(i)) {
                    continue;
                }
                add(
                    Measure::TrappedPer100LiftYears,
                    100.0 / lift_years,
                    id.as_ref(),
                );
                rescues += 1;
                // Art. 30, exactly, from when the responder received the report; a rescue
                // another unit had to do is a miss for the lift's own unit.
                let another = x.responder.as_ref().is_some_and(|r| r != &unit.unit);
                if another || !x.arrived_within(&duties.arrival_limits) {
                    add(Measure::RescueSlaMissPercent, 1.0, id.as_ref());
                }
                // Art. 20(3): the use unit organises the rescue and reports to the regulator.
                let reported_in_time = x.regulator_reported_at.is_some_and(|t| {
                    liftspec_model::counting::within(
                        x.reported_at,
                        duties.use_unit_report_within_min.saturating_mul(60_000),
                        t,
                    )
                });
                if x.use_unit_organised_at.is_none() || !reported_in_time {
                    add(Measure::UseUnitRescueDutyMissPercent, 1.0, id.as_ref());
                }
            }
            Record::Rescue(x)
                if !mine(&x.lift)
                    && x.responder.as_ref() == Some(&unit.unit)
                    && !x.false_alarm
                    && period.contains(x.reported_at) =>
            {
                let id = RecordId::parse(x.incident.as_str()).ok();
                if id.as_ref().is_some_and(&kept) && x.arrived_within(&duties.arrival_limits) {
                    let e = bonus.entry(BonusMeasure::CrossUnitRescues).or_default();
                    e.value += 1.0;
                    e.records.extend(id);
                }
            }
            Record::Complaint(c)
                if kept(&c.id)
                    && c.against == unit.unit
                    && c.substantiated == Some(true)
                    && period.contains(c.received_at) =>
            {
                add(Measure::ComplaintsPer100Lifts, 100.0 / n, Some(&c.id));
            }
            Record::Penalty(p)
                if kept(&p.id) && p.party == unit.unit && period.contains_day(p.decided_on) =>
            {
                add(Measure::Penalties, 1.0, Some(&p.id));
            }
            Record::Inspection(i) if kept(&i.id) && i.kind == InspectionKind::Periodic => {
                if mine(&i.lift) {
                    inspections_by_lift
                        .entry(i.lift.as_str())
                        .or_default()
                        .push(i);
                }
                if !period.contains_day(i.inspected_on) {
                    continue;
                }
                if mine(&i.lift) {
                    inspections += 1;
                    if i.result != InspectionResult::Pass {
                        add(Measure::InspectionFirstFailPercent, 1.0, Some(&i.id));
                    }
                    if let Some(check) = i.smart_system {
                        smart_checks += 1;
                        if check == SmartSystemCheck::NotEffective {
                            add(Measure::SmartSystemNotEffectivePercent, 1.0, Some(&i.id));
                        }
                    }
                }
                // Art. 31 ¶2, for the body that inspected: ten working days each way.
                if i.body == unit.unit {
                    let calendar = &duties.working_calendar;
                    if let Some(requested) = i.requested_on {
                        performed += 1;
                        let by =
                            calendar.working_days_end(requested, duties.inspection_working_days);
                        if by.is_none_or(|by| i.inspected_on > by) {
                            add(Measure::LateInspectionPercent, 1.0, Some(&i.id));
                        }
                    }
                    if let Some(issued) = i.report_issued_on {
                        reports += 1;
                        let by =
                            calendar.working_days_end(i.inspected_on, duties.report_working_days);
                        if by.is_none_or(|by| issued > by) {
                            add(Measure::LateInspectionReportPercent, 1.0, Some(&i.id));
                        }
                    }
                }
            }
            Record::Accident(a)
                if kept(&a.id)
                    && a.responsible.contains(&unit.unit)
                    && period.contains(a.occurred_at) =>
            {
                accidents.push(a.id.clone());
            }
            _ => {}
        }
    }
    // Art. 31 ¶1: each periodic inspection requested a month before the previous result's
    // validity ended (届满前一个月, the corresponding day a month before; month end if none).
    let mut requests = 0u32;
    for list in inspections_by_lift.values_mut() {
        list.sort_by_key(|i| (i.inspected_on, i.id.clone()));
        for pair in list.windows(2) {
            let (previous, this) = (pair[0], pair[1]);
            let (Some(requested), true) =
                (this.requested_on, period.contains_day(this.inspected_on))
            else {
                continue;
            };
            requests += 1;
            let by = liftspec_model::counting::months_before(
                previous.next_due,
                duties.request_months_before,
            );
            if by.is_none_or(|by| requested > by) {
                add(Measure::LateInspectionRequestPercent, 1.0, Some(&this.id));
            }
        }
    }
    // State Council Reg. Art. 31 ¶2 as a standing duty: every interval of the period that passed
    // without a session, whether the next session came late or never came.
    let interval = &duties.maintenance_interval;
    let (mut missed, mut intervals) = (0u32, 0u32);
    // The unit's own sessions in the period: what implausible sessions are a share of.
    let mut unit_sessions = 0u32;
    let mut lapse_records: Vec<RecordId> = Vec::new();
    let mut lapse_evidence: Vec<String> = Vec::new();
    for lift in &unit.lifts {
        let code = lift.registration_code.as_str();
        let list = sessions.get_mut(code);
        let mut in_period: Vec<(NaiveDate, &MaintenanceRecord)> = Vec::new();
        let mut before: Option<(NaiveDate, &MaintenanceRecord)> = None;
        if let Some(list) = list {
            list.sort_by(|a, b| {
                a.started_at
                    .cmp(&b.started_at)
                    .then_with(|| a.id.cmp(&b.id))
            });
            for m in list.iter().copied() {
                let Some(d) = day(m.started_at) else { continue };
                if d < period.from {
                    before = Some((d, m));
                } else if d <= period.to {
                    in_period.push((d, m));
                }
            }
            unit_sessions =
                unit_sessions.saturating_add(u32::try_from(in_period.len()).unwrap_or(u32::MAX));
            let family = lifts[code].family;
            for (_, m) in &in_period {
                let short = (m.duration_minutes() as f64)
                    < m.items_done.len().max(1) as f64 * MIN_MINUTES_PER_ITEM;
                if short || !m.check_items(family).is_complete() {
                    add(Measure::ImplausibleMaintenancePercent, 1.0, Some(&m.id));
                }
            }
        }
        let duty_from = lift
            .maintained_since
            .map_or(period.from, |d| d.max(period.from));
        if duty_from > period.to {
            continue;
        }
        intervals = intervals.saturating_add(interval.intervals(duty_from, period.to));
        let days: Vec<NaiveDate> = in_period.iter().map(|(d, _)| *d).collect();
        for lapse in interval.lapses(duty_from, before.map(|(d, _)| d), &days, period.to) {
            missed = missed.saturating_add(lapse.missed);
            match lapse.ended_on {
                Some(on) => {
                    if let Some((_, m)) = in_period.iter().find(|(d, _)| *d == on) {
                        lapse_records.push(m.id.clone());
                    }
                }
                None => {
                    let last = in_period
                        .last()
                        .or(before.as_ref())
                        .map(|(_, m)| m.id.clone());
                    lapse_evidence.push(format!(
                        "{code}: no session from {} to {} ({} intervals missed{})",
                        lapse.due.succ_opt().unwrap_or(lapse.due),
                        period.to,
                        lapse.missed,
                        last.as_ref()
                            .map_or(String::from(", none recorded"), |id| format!(
                                ", the last was {id}"
                            ))
                    ));
                    lapse_records.extend(last);
                }
            }
        }
    }
    if unit.technicians > 0 || !unit.lifts.is_empty() {
        add(
            Measure::LiftsPerTechnician,
            n / f64::from(unit.technicians.max(1)),
            None,
        );
    }
    if missed > 0 {
        let e = measures
            .entry(Measure::OverdueMaintenancePercent)
            .or_default();
        e.value = f64::from(missed) * 100.0 / f64::from(intervals.max(1));
        e.records.extend(lapse_records);
        e.evidence.extend(lapse_evidence);
    }

    // Counts into percentages of what they are a share of.
    for (measure, of) in [
        (Measure::InspectionFirstFailPercent, inspections),
        (Measure::RescueSlaMissPercent, rescues),
        (Measure::ImplausibleMaintenancePercent, unit_sessions),
        (Measure::UnresolvedFaultsWithoutNoticePercent, faults),
        (Measure::UnconfirmedMaintenancePercent, sessions_on_lifts),
        (Measure::UseUnitRescueDutyMissPercent, rescues),
        (Measure::SmartSystemNotEffectivePercent, smart_checks),
        (Measure::LateInspectionRequestPercent, requests),
        (Measure::LateInspectionPercent, performed),
        (Measure::LateInspectionReportPercent, reports),
    ] {
        if let Some(m) = measures.get_mut(&measure) {
            m.value = m.value * 100.0 / f64::from(of.max(1));
        }
    }

    let mut deductions = Vec::new();
    let mut total = 0.0;
    for d in &rules.dimensions {
        let mut in_dimension = 0.0;
        for x in &d.indicators {
            let Some(m) = measures.get(&x.measure) else {
                continue;
            };
            let points = capped(
                m.value,
                x.allowance,
                x.points,
                x.cap,
                d.points - in_dimension,
            );
            if points > 0.0 {
                in_dimension += points;
                deductions.push(DeductionLine {
                    indicator: x.id.clone(),
                    dimension: d.id.clone(),
                    name: x.name.clone(),
                    value: thousandths(m.value),
                    points,
                    clause: x.clause.clone(),
                    evidence: m.evidence.clone(),
                    records: sorted(&m.records),
                });
            }
        }
        total += in_dimension;
    }
    let mut vetoes = Vec::new();
    for v in &rules.vetoes {
        match v.kind {
            VetoKind::ExpiredLicence if unit.licence_valid_until.is_some_and(|d| d < period.to) => {
                vetoes.push(VetoLine {
                    veto: v.id.clone(),
                    clause: v.clause.clone(),
                    records: Vec::new(),
                });
            }
            VetoKind::AccidentResponsibility if !accidents.is_empty() => {
                accidents.sort();
                vetoes.push(VetoLine {
                    veto: v.id.clone(),
                    clause: v.clause.clone(),
                    records: accidents.clone(),
                });
            }
            _ => {}
        }
    }
    let bonuses = bonus_lines(rules, unit, period, excluded, bonus);
    let added: f64 = bonuses.iter().map(|b| b.points).sum();
    let score = ((rules.full_score() - total + added) * 1000.0).round() / 1000.0;
    let grade = if vetoes.is_empty() {
        rules.grade_for(score).to_string()
    } else {
        rules.lowest_grade().to_string()
    };
    Evaluation {
        unit: unit.unit.clone(),
        rules: format!("{} {}", rules.id, rules.version),
        period: *period,
        score,
        grade,
        deductions,
        bonuses,
        vetoes,
        excluded: excluded.iter().cloned().collect(),
    }
}

/// `per_unit` points for each unit of `value` above `free`, at most `cap` and at most `room`
/// (what the dimension or the bonus allowance has left), kept to 0.001 so that a score is
/// exactly the sum of the lines listed.
fn capped(value: f64, free: f64, per_unit: f64, cap: f64, room: f64) -> f64 {
    thousandths(((value - free).max(0.0) * per_unit).min(cap).min(room))
}

fn thousandths(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn sorted(ids: &[RecordId]) -> Vec<RecordId> {
    let mut ids = ids.to_vec();
    ids.sort();
    ids
}

/// The bonus items that apply, in rule order, their sum capped at the rule set's `maxBonus`.
fn bonus_lines(
    rules: &RuleSet,
    unit: &UnitFacts,
    period: &Period,
    excluded: &BTreeSet<RecordId>,
    mut measured: BTreeMap<BonusMeasure, Measured>,
) -> Vec<BonusLine> {
    if rules.bonuses.is_empty() {
        return Vec::new();
    }
    let n = unit.lifts.len();
    let percent = |count: usize| {
        if n == 0 {
            0.0
        } else {
            count as f64 * 100.0 / n as f64
        }
    };
    let facts = |value: f64| Measured {
        value,
        ..Measured::default()
    };
    measured.insert(
        BonusMeasure::InsuredLiftPercent,
        facts(percent(unit.lifts.iter().filter(|l| l.insured).count())),
    );
    measured.insert(
        BonusMeasure::SmartTerminalLiftPercent,
        facts(percent(
            unit.lifts.iter().filter(|l| l.smart_terminal).count(),
        )),
    );
    let mut awarded: Vec<RecordId> = unit
        .commendations
        .iter()
        .filter(|c| period.contains_day(c.awarded_on) && !excluded.contains(&c.id))
        .map(|c| c.id.clone())
        .collect();
    awarded.sort();
    measured.insert(
        BonusMeasure::Commendations,
        Measured {
            value: awarded.len() as f64,
            records: awarded,
            ..Measured::default()
        },
    );
    let mut lines = Vec::new();
    let mut added = 0.0;
    for b in &rules.bonuses {
        let Some(m) = measured.get(&b.measure) else {
            continue;
        };
        let points = capped(
            m.value,
            b.threshold,
            b.points,
            b.cap,
            rules.max_bonus - added,
        );
        if points > 0.0 {
            added += points;
            lines.push(BonusLine {
                bonus: b.id.clone(),
                name: b.name.clone(),
                value: thousandths(m.value),
                points,
                clause: b.clause.clone(),
                records: sorted(&m.records),
            });
        }
    }
    lines
}

/// How an evaluation moved from the previous one.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    /// Score difference (current − previous).
    pub score: f64,
    /// Previous grade.
    pub from_grade: String,
    /// Current grade.
    pub to_grade: String,
    /// Indicators that deduct more now, or bonus items that add less, with the points lost.
    pub worse: Vec<(String, f64)>,
    /// Indicators that deduct less now, or bonus items that add more.
    pub better: Vec<(String, f64)>,
}

/// The change between two evaluations of the same unit.
pub fn change(previous: &Evaluation, current: &Evaluation) -> Change {
    // Deductions count against the unit, bonuses for it (their ids never collide).
    let points = |e: &Evaluation| -> BTreeMap<String, f64> {
        e.deductions
            .iter()
            .map(|d| (d.indicator.clone(), d.points))
            .chain(e.bonuses.iter().map(|b| (b.bonus.clone(), -b.points)))
            .collect()
    };
    let (p, c) = (points(previous), points(current));
    let ids: BTreeSet<&String> = p.keys().chain(c.keys()).collect();
    let mut worse = Vec::new();
    let mut better = Vec::new();
    for id in ids {
        let delta = c.get(id).copied().unwrap_or(0.0) - p.get(id).copied().unwrap_or(0.0);
        if delta > 0.0 {
            worse.push((id.clone(), delta));
        } else if delta < 0.0 {
            better.push((id.clone(), -delta));
        }
    }
    Change {
        score: ((current.score - previous.score) * 1000.0).round() / 1000.0,
        from_grade: previous.grade.clone(),
        to_grade: current.grade.clone(),
        worse,
        better,
    }
}
