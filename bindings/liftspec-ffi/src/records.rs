//! Records for the technician's app and for platforms: a maintenance record checked, a unit's
//! credit explained, lifts screened for risk.

use std::collections::BTreeSet;

use liftspec_credit::evaluate::{evaluate, Period, UnitFacts};
use liftspec_credit::rules::RuleSet;
use liftspec_detect::maintenance::check_record;
use liftspec_model::catalogue::MaintenanceFamily;
use liftspec_model::id::{ClassScheme, CreditCode};
use liftspec_model::record::{MaintenanceInterval, MaintenanceRecord, Record};
use liftspec_risk::triggers::{screen, ComponentRegistry, LiftRiskInput, Policy};

use crate::{json, name, LiftspecError, Result};

fn jsonl<T: serde::de::DeserializeOwned>(text: &str) -> Result<Vec<T>> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| {
            serde_json::from_str(l)
                .map_err(|e| LiftspecError::new("json.invalid", format!("line {}: {e}", i + 1)))
        })
        .collect()
}

/// A maintenance record's check.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RecordCheck {
    /// `onTime`, `late`, `tooShort`, … (the verdict's kind).
    pub verdict: String,
    /// Calendar days since the previous session, if there was one.
    pub days_since_previous: Option<i64>,
}

/// Checks a maintenance record (`MaintenanceRecord` JSON) on its own: every item of its tier
/// done (TSG T5002 annex tables for the lift's family, from its registration code), a duration
/// its items could take, and the interval since the previous session's start (State Council
/// Reg. Art. 31 ¶2: 15 days).
#[uniffi::export]
pub fn check_maintenance_record(
    record_json: String,
    previous_start_ms: Option<i64>,
) -> Result<RecordCheck> {
    let record: MaintenanceRecord = serde_json::from_str(&record_json)?;
    let family = record
        .lift
        .equipment_kind(ClassScheme::Catalogue2014)
        .map_or(MaintenanceFamily::TractionAndPositiveDrive, |k| {
            k.maintenance_family()
        });
    let v = check_record(
        &record,
        family,
        previous_start_ms.unwrap_or(i64::MIN),
        &MaintenanceInterval::default(),
    );
    Ok(RecordCheck {
        verdict: name(&v.kind),
        days_since_previous: v.days_since_previous,
    })
}

/// A deduction from a unit's credit score.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CreditDeduction {
    /// Indicator id.
    pub indicator: String,
    /// Its name.
    pub name: String,
    /// The measured value.
    pub value: f64,
    /// Points deducted.
    pub points: f64,
    /// The clause it rests on.
    pub clause: String,
    /// The records it counted.
    pub records: Vec<String>,
}

/// A unit's credit, explained.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CreditExplanation {
    /// The unit.
    pub unit: String,
    /// The rule set.
    pub rules: String,
    /// Score.
    pub score: f64,
    /// Grade.
    pub grade: String,
    /// Deductions.
    pub deductions: Vec<CreditDeduction>,
    /// The whole evaluation (bonuses, vetoes, evidence), JSON.
    pub json: String,
}

/// Explains maintenance unit `unit`'s credit in `year` from `records_jsonl` (one record per
/// line), by `rules_json` or, when `None`, liftspec's default rule set for maintenance units.
#[uniffi::export]
pub fn explain_credit(
    unit: String,
    year: i32,
    records_jsonl: String,
    rules_json: Option<String>,
    technicians: u32,
) -> Result<CreditExplanation> {
    let rules = match rules_json {
        Some(r) => RuleSet::from_json(&r)?,
        None => RuleSet::default_maintenance_unit(),
    };
    let unit = CreditCode::parse(&unit)?;
    let period = Period::year(year)?;
    let records: Vec<Record> = jsonl(&records_jsonl)?;
    let facts = UnitFacts::from_maintenance_records(&unit, &records, technicians)?;
    let e = evaluate(&rules, &facts, &records, &period, &BTreeSet::new());
    Ok(CreditExplanation {
        unit: e.unit.to_string(),
        rules: e.rules.clone(),
        score: e.score,
        grade: e.grade.clone(),
        deductions: e
            .deductions
            .iter()
            .map(|d| CreditDeduction {
                indicator: d.indicator.clone(),
                name: d.name.clone(),
                value: d.value,
                points: d.points,
                clause: d.clause.clone(),
                records: d.records.iter().map(ToString::to_string).collect(),
            })
            .collect(),
        json: json(&e),
    })
}

/// A risk trigger that holds for a lift.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RiskFinding {
    /// The lift.
    pub registration_code: String,
    /// The condition that holds.
    pub condition: String,
    /// What it obliges (`riskAssessment`, …).
    pub obligation: String,
    /// The clause.
    pub clause: String,
    /// Since when it holds (`YYYY-MM-DD`).
    pub first_held: String,
    /// The evidence.
    pub evidence: Vec<String>,
}

/// Screens lifts (`LiftRiskInput` JSON lines) on `date` (`YYYY-MM-DD`) against `policy_json`
/// or, when `None`, Hangzhou's Art. 32 policy.
#[uniffi::export]
pub fn screen_risk(
    lifts_jsonl: String,
    date: String,
    policy_json: Option<String>,
) -> Result<Vec<RiskFinding>> {
    let policy = match policy_json {
        Some(p) => Policy::from_json(&p)?,
        None => Policy::hangzhou(),
    };
    let today = chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d")
        .map_err(|e| LiftspecError::new("time.invalid_date", format!("{date:?}: {e}")))?;
    let registry = ComponentRegistry::default_lives();
    let mut out = Vec::new();
    for lift in jsonl::<LiftRiskInput>(&lifts_jsonl)? {
        for t in screen(&policy, &registry, &lift, today)? {
            out.push(RiskFinding {
                registration_code: lift.registration_code.to_string(),
                condition: t.condition,
                obligation: name(&t.obligation),
                clause: t.clause,
                first_held: t.first_held.to_string(),
                evidence: t.evidence,
            });
        }
    }
    Ok(out)
}
