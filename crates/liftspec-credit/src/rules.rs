//! Rule sets as data: dimensions, indicators with their measure, deduction, allowance and cap,
//! veto items, bonus items (with an overall cap on top of the full score) and grade bands, each
//! citing its clause. A city changes the file, not
//! the code; an invalid file gives a precise error.

/// What an indicator measures, over the evaluation period, for the unit's lifts.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub enum Measure {
    /// Maintenance intervals (15 days, State Council Reg. Art. 31 ¶2; the rule set's
    /// [`Duties::maintenance_interval`]) that passed without a session, percent of the
    /// intervals the period holds for the unit's lifts: a standing duty, so a lift whose
    /// maintenance stopped, or never started, counts up to the period's end.
    OverdueMaintenancePercent,
    /// Sessions shorter than their items could take, or missing items of their tier, percent
    /// of sessions (uncorroborated maintenance).
    ImplausibleMaintenancePercent,
    /// Faults (excluding trapped passengers) per lift-year.
    FaultsPerLiftYear,
    /// Trapped-passenger incidents per 100 lift-years.
    TrappedPer100LiftYears,
    /// Rescues of the unit's lifts where it was not on site within the Art. 30 limit, counted
    /// exactly from when it received the report (a rescue done by another unit counts as a
    /// miss), percent of rescues.
    RescueSlaMissPercent,
    /// Substantiated complaints against the unit per 100 lifts.
    ComplaintsPer100Lifts,
    /// Administrative penalties against the unit.
    Penalties,
    /// Periodic inspections not passed at the first attempt, percent of inspections.
    InspectionFirstFailPercent,
    /// Lifts per technician above the allowance (staffing).
    LiftsPerTechnician,
    /// Faults of the unit's lifts neither cleared within [`Duties::fault_fix_within_hours`] nor
    /// answered by a written solution telling the use unit to stop using the lift (Hangzhou Reg.
    /// Art. 28(4)), percent of faults.
    UnresolvedFaultsWithoutNoticePercent,
    /// Maintenance sessions on the unit's lifts the use unit did not confirm within
    /// [`Duties::confirmation_within_days`] (Hangzhou Reg. Art. 20(6); Art. 40 ¶1(5)), percent
    /// of sessions.
    UnconfirmedMaintenancePercent,
    /// Entrapments in the unit's lifts where the use unit did not record organising the rescue,
    /// or did not report to the market regulator within
    /// [`Duties::use_unit_report_within_min`] (Hangzhou Reg. Art. 20(3); Art. 40 ¶2), percent
    /// of entrapments.
    UseUnitRescueDutyMissPercent,
    /// Periodic inspections that found the smart elevator system not effective (implementation
    /// opinions item 8; the use unit's duty, Hangzhou Reg. Art. 20(3)), percent of inspections
    /// that checked it.
    SmartSystemNotEffectivePercent,
    /// Periodic inspections requested later than [`Duties::request_months_before`] before the
    /// previous result's validity ended (Hangzhou Reg. Art. 31 ¶1: 届满前一个月), percent of the
    /// requests that can be judged.
    LateInspectionRequestPercent,
    /// Periodic inspections the unit (an inspection body) performed more than
    /// [`Duties::inspection_working_days`] working days after the request (Hangzhou Reg. Art. 31
    /// ¶2; Art. 42), percent of its inspections with a request date.
    LateInspectionPercent,
    /// Reports the unit (an inspection body) issued more than
    /// [`Duties::report_working_days`] working days after the inspection (Hangzhou Reg. Art. 31
    /// ¶2), percent of its reports.
    LateInspectionReportPercent,
}

/// The duties the measures judge against, as data: the clause's number where the text gives one,
/// liftspec's default (named as such) where it says only "promptly".
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Duties {
    /// Maintenance at least every 15 days (State Council Reg. Art. 31 ¶2).
    pub maintenance_interval: liftspec_model::record::MaintenanceInterval,
    /// Arrival within 30 min built-up, 1 h elsewhere, of receiving the report (Hangzhou Reg.
    /// Art. 30).
    pub arrival_limits: liftspec_model::record::ArrivalLimits,
    /// The use unit reports an entrapment to the regulator "及时" (Art. 20(3)): within this many
    /// minutes, liftspec default 60.
    pub use_unit_report_within_min: i64,
    /// The use unit confirms a maintenance session (Art. 20(6) sets no time): within this many
    /// days of it, liftspec default 7.
    pub confirmation_within_days: u32,
    /// A fault is cleared "及时" or answered in writing (Art. 28(4)): within this many hours,
    /// liftspec default 24.
    pub fault_fix_within_hours: i64,
    /// Periodic inspection requested a month before validity ends (Art. 31 ¶1): 1.
    pub request_months_before: u32,
    /// Inspection within ten working days of the request (Art. 31 ¶2): 10.
    pub inspection_working_days: u32,
    /// Report within ten working days of the inspection (Art. 31 ¶2): 10.
    pub report_working_days: u32,
    /// Which days are working days (liftspec default: weekdays; load the year's holidays).
    pub working_calendar: liftspec_model::counting::WorkingCalendar,
}

impl Default for Duties {
    fn default() -> Self {
        Self {
            maintenance_interval: Default::default(),
            arrival_limits: Default::default(),
            use_unit_report_within_min: 60,
            confirmation_within_days: 7,
            fault_fix_within_hours: 24,
            request_months_before: 1,
            inspection_working_days: 10,
            report_working_days: 10,
            working_calendar: Default::default(),
        }
    }
}

/// A deduction rule: `points` per unit of the measure above `allowance`, at most `cap`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Indicator {
    /// Stable id, e.g. `Q1`.
    pub id: String,
    /// Name.
    pub name: String,
    /// What it reads.
    pub measure: Measure,
    /// Free allowance.
    pub allowance: f64,
    /// Points deducted per unit above the allowance.
    pub points: f64,
    /// Most points it can deduct.
    pub cap: f64,
    /// The clause or standard it serves.
    pub clause: String,
}

/// What a bonus item reads, over the evaluation period.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub enum BonusMeasure {
    /// Rescues the unit's crews made for lifts it does not answer for, on site within the Art. 30
    /// limit (Hangzhou Reg. Art. 37: rescue by another unit or a rescue station).
    CrossUnitRescues,
    /// Percent of the unit's lifts covered by elevator safety liability insurance (Hangzhou Reg.
    /// Art. 6; implementation opinions item 3).
    InsuredLiftPercent,
    /// Percent of the unit's lifts connected to the platform by a smart elevator terminal
    /// (implementation opinions item 6).
    SmartTerminalLiftPercent,
    /// Commendations by a supervising department during the period (State Council Special
    /// Equipment Reg. Art. 8).
    Commendations,
}

/// A bonus item: `points` per unit of the measure above `threshold`, at most `cap`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bonus {
    /// Stable id, e.g. `B1`.
    pub id: String,
    /// Name.
    pub name: String,
    /// What it reads.
    pub measure: BonusMeasure,
    /// The value the measure must exceed before it earns anything.
    pub threshold: f64,
    /// Points added per unit above the threshold.
    pub points: f64,
    /// Most points it can add.
    pub cap: f64,
    /// The clause it rewards.
    pub clause: String,
}

/// A group of indicators with a share of the score.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Dimension {
    /// Stable id.
    pub id: String,
    /// Name (Hangzhou's five: resources, quality management, emergency rescue, on-site
    /// practice, daily supervision).
    pub name: String,
    /// Points this dimension is worth (the deductions inside it are capped at this).
    pub points: f64,
    /// Indicators.
    pub indicators: Vec<Indicator>,
}

/// What puts a unit straight into the lowest grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum VetoKind {
    /// Licence expired during the period.
    ExpiredLicence,
    /// Responsible for an accident in the period.
    AccidentResponsibility,
}

/// A veto item.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Veto {
    /// Stable id.
    pub id: String,
    /// What.
    pub kind: VetoKind,
    /// Clause.
    pub clause: String,
}

/// A grade and the lowest score that earns it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GradeBand {
    /// Grade, e.g. `A`.
    pub grade: String,
    /// Lowest score for it.
    pub min_score: f64,
}

/// Whom a rule set evaluates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Subject {
    /// Maintenance units.
    MaintenanceUnit,
    /// Use units (owners, property companies).
    UseUnit,
    /// Manufacturers and installers.
    Manufacturer,
    /// Operating units (经营单位: sellers and agents), evaluated once a year (implementation
    /// opinions item 10).
    OperatingUnit,
    /// Inspection and testing bodies, whose credit information goes to the public credit system
    /// too (Hangzhou Reg. Art. 36; implementation opinions item 13).
    InspectionBody,
}

/// A versioned rule set.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RuleSet {
    /// Id, e.g. `liftspec-default-maintenance-unit`.
    pub id: String,
    /// Version, e.g. `2026.1`.
    pub version: String,
    /// Whom it evaluates.
    pub subject: Subject,
    /// What it is modelled on, and its status.
    pub source: String,
    /// Dimensions (their points sum to the full score, 100 by convention).
    pub dimensions: Vec<Dimension>,
    /// Veto items.
    pub vetoes: Vec<Veto>,
    /// Bonus items (none if absent).
    #[serde(default)]
    pub bonuses: Vec<Bonus>,
    /// Most points all bonus items together can add on top of the full score (0 if absent).
    #[serde(default)]
    pub max_bonus: f64,
    /// Grade bands, best first.
    pub grades: Vec<GradeBand>,
    /// The duties the measures judge against (Hangzhou's and the State Council's numbers, and
    /// liftspec's defaults where the text says "promptly"; all of them if absent).
    #[serde(default)]
    pub duties: Duties,
}

/// Why a rule file is unusable.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RuleError {
    /// Not JSON of the rule-set shape (with line and column).
    #[error("rule file: {0}")]
    Syntax(String),
    /// A value that makes no sense, with its path.
    #[error("{path}: {reason}")]
    Invalid {
        /// Where, e.g. `dimensions[2].indicators[0].cap`.
        path: String,
        /// Why.
        reason: String,
    },
}

impl RuleError {
    /// A stable, machine-readable code.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Syntax(_) => "credit.rules.syntax",
            Self::Invalid { .. } => "credit.rules.invalid",
        }
    }
}

fn invalid(path: String, reason: &str) -> RuleError {
    RuleError::Invalid {
        path,
        reason: reason.into(),
    }
}

/// The checks every indicator and bonus item shares: a unique id, numbers that are finite and
/// ≥ 0, and a clause.
fn check_item(
    path: &str,
    id: &str,
    ids: &mut std::collections::BTreeSet<String>,
    numbers: [(&str, f64); 3],
    clause: &str,
) -> Result<(), RuleError> {
    if !ids.insert(id.to_string()) {
        return Err(invalid(format!("{path}.id"), "duplicate id"));
    }
    for (field, v) in numbers {
        if !(v.is_finite() && v >= 0.0) {
            return Err(invalid(format!("{path}.{field}"), "must be a number ≥ 0"));
        }
    }
    if clause.trim().is_empty() {
        return Err(invalid(
            format!("{path}.clause"),
            "every rule cites its clause",
        ));
    }
    Ok(())
}

impl RuleSet {
    /// Parses and validates a rule file.
    pub fn from_json(text: &str) -> Result<Self, RuleError> {
        let rules: Self =
            serde_json::from_str(text).map_err(|e| RuleError::Syntax(e.to_string()))?;
        rules.validate()?;
        Ok(rules)
    }

    /// The full score: the dimensions' points.
    pub fn full_score(&self) -> f64 {
        self.dimensions.iter().map(|d| d.points).sum()
    }

    /// Checks ids, numbers and grade bands.
    pub fn validate(&self) -> Result<(), RuleError> {
        let mut ids = std::collections::BTreeSet::new();
        if self.dimensions.is_empty() {
            return Err(invalid("dimensions".into(), "at least one dimension"));
        }
        for (i, d) in self.dimensions.iter().enumerate() {
            if !(d.points.is_finite() && d.points > 0.0) {
                return Err(invalid(
                    format!("dimensions[{i}].points"),
                    "must be positive",
                ));
            }
            for (j, x) in d.indicators.iter().enumerate() {
                let path = format!("dimensions[{i}].indicators[{j}]");
                let numbers = [
                    ("allowance", x.allowance),
                    ("points", x.points),
                    ("cap", x.cap),
                ];
                check_item(&path, &x.id, &mut ids, numbers, &x.clause)?;
                if x.cap > d.points {
                    return Err(invalid(
                        format!("{path}.cap"),
                        "larger than its dimension's points",
                    ));
                }
            }
        }
        for (i, v) in self.vetoes.iter().enumerate() {
            if !ids.insert(v.id.clone()) {
                return Err(invalid(format!("vetoes[{i}].id"), "duplicate id"));
            }
        }
        if !(self.max_bonus.is_finite() && self.max_bonus >= 0.0) {
            return Err(invalid("maxBonus".into(), "must be a number ≥ 0"));
        }
        for (i, b) in self.bonuses.iter().enumerate() {
            let path = format!("bonuses[{i}]");
            let numbers = [
                ("threshold", b.threshold),
                ("points", b.points),
                ("cap", b.cap),
            ];
            check_item(&path, &b.id, &mut ids, numbers, &b.clause)?;
            if b.cap > self.max_bonus {
                return Err(invalid(format!("{path}.cap"), "larger than maxBonus"));
            }
        }
        let d = &self.duties;
        if d.maintenance_interval.days == 0 {
            return Err(invalid(
                "duties.maintenanceInterval.days".into(),
                "at least 1",
            ));
        }
        for (path, v) in [
            (
                "duties.arrivalLimits.builtUpMin",
                d.arrival_limits.built_up_min,
            ),
            (
                "duties.arrivalLimits.elsewhereMin",
                d.arrival_limits.elsewhere_min,
            ),
            (
                "duties.useUnitReportWithinMin",
                d.use_unit_report_within_min,
            ),
            ("duties.faultFixWithinHours", d.fault_fix_within_hours),
        ] {
            if !(1..=100_000).contains(&v) {
                return Err(invalid(path.into(), "must be 1 to 100000"));
            }
        }
        if self.grades.is_empty() {
            return Err(invalid("grades".into(), "at least one grade"));
        }
        for (i, pair) in self.grades.windows(2).enumerate() {
            if pair[1].min_score >= pair[0].min_score {
                return Err(invalid(
                    format!("grades[{}].minScore", i + 1),
                    "grades go from best to worst with falling minimum scores",
                ));
            }
        }
        if self.grades.last().is_some_and(|g| g.min_score > 0.0) {
            return Err(invalid(
                format!("grades[{}].minScore", self.grades.len() - 1),
                "the lowest grade must start at 0",
            ));
        }
        Ok(())
    }

    /// The grade for a score.
    pub fn grade_for(&self, score: f64) -> &str {
        self.grades
            .iter()
            .find(|g| score >= g.min_score)
            .or(self.grades.last())
            .map_or("", |g| g.grade.as_str())
    }

    /// The lowest grade (where a veto puts a unit).
    pub fn lowest_grade(&self) -> &str {
        self.grades.last().map_or("", |g| g.grade.as_str())
    }

    /// liftspec's default rule set for `subject` (see the `default_*` constructors).
    pub fn default_for(subject: Subject) -> Self {
        match subject {
            Subject::MaintenanceUnit => Self::default_maintenance_unit(),
            Subject::UseUnit => Self::default_use_unit(),
            Subject::Manufacturer => Self::default_manufacturer(),
            Subject::OperatingUnit => Self::default_operating_unit(),
            Subject::InspectionBody => Self::default_inspection_body(),
        }
    }

    fn built_in(text: &str) -> Self {
        match Self::from_json(text) {
            Ok(rules) => rules,
            Err(e) => unreachable!("the built-in rule sets are valid (a test checks them): {e}"),
        }
    }

    /// liftspec's default rule set for maintenance units. Its five dimensions follow Hangzhou's
    /// maintenance-unit credit standard (resources, quality management, emergency rescue, on-site
    /// practice, daily supervision); every weight, allowance, deduction, veto and grade band is
    /// liftspec's own, since Hangzhou Reg. Art. 36 asks for credit records and more checks for
    /// bad ones but sets no numbers. Each indicator cites the duty it measures.
    pub fn default_maintenance_unit() -> Self {
        Self::built_in(include_str!(
            "../rules/liftspec-default-maintenance-unit.json"
        ))
    }

    /// liftspec's default rule set for use units: their own duties (Hangzhou Reg. Art. 20: the
    /// rescue and its report, confirming maintenance, keeping the smart system effective, Art. 31
    /// inspection requests) and their lifts' records; every number liftspec's own.
    pub fn default_use_unit() -> Self {
        Self::built_in(include_str!("../rules/liftspec-default-use-unit.json"))
    }

    /// liftspec's default rule set for manufacturers and installers: failure and entrapment
    /// rates of their lifts per lift-year, complaints and penalties; every number liftspec's own.
    pub fn default_manufacturer() -> Self {
        Self::built_in(include_str!("../rules/liftspec-default-manufacturer.json"))
    }

    /// liftspec's default rule set for operating units (经营单位), evaluated yearly
    /// (implementation opinions item 10): failure rates and complaints of the lifts they sold,
    /// penalties; every number liftspec's own.
    pub fn default_operating_unit() -> Self {
        Self::built_in(include_str!(
            "../rules/liftspec-default-operating-unit.json"
        ))
    }

    /// liftspec's default rule set for inspection and testing bodies (Hangzhou Reg. Art. 36;
    /// implementation opinions item 13): inspections and reports within ten working days
    /// (Art. 31 ¶2), complaints and penalties; every number liftspec's own.
    pub fn default_inspection_body() -> Self {
        Self::built_in(include_str!(
            "../rules/liftspec-default-inspection-body.json"
        ))
    }
}
