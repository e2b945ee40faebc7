//! Records: a unit's credit explained, lifts screened for risk.

use std::collections::BTreeSet;

use liftspec_credit::evaluate::{evaluate, Period, UnitFacts};
use liftspec_credit::rules::RuleSet;
use liftspec_model::id::CreditCode;
use liftspec_model::record::Record;
use liftspec_risk::triggers::{screen, ComponentRegistry, LiftRiskInput, Policy};
use serde::{Deserialize, Serialize};
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

use crate::{json, name, out, Failure, Result};

fn jsonl<T: serde::de::DeserializeOwned>(text: &str) -> Result<Vec<T>> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l)
                .map_err(|e| Failure::new("json.invalid", format!("line {}: {e}", i + 1)))
        })
        .collect()
}

/// A unit's credit, explained: the score, the grade, and every deduction with the clause it
/// rests on and the records it counted (`evaluation` is the whole evaluation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct CreditExplanation {
    /// The unit.
    pub unit: String,
    /// The score.
    pub score: f64,
    /// The grade.
    pub grade: String,
    /// The whole evaluation: deductions, bonuses, vetoes, with clauses and evidence.
    #[tsify(type = "unknown")]
    pub evaluation: serde_json::Value,
}

/// Explains maintenance unit `unit`'s credit in `year` from `recordsJsonl` (one record per
/// line), by `rulesJson` or, when left out, liftspec's default rule set for maintenance units.
#[wasm_bindgen(js_name = explainCredit)]
pub fn explain_credit(
    unit: &str,
    year: i32,
    records_jsonl: &str,
    rules_json: Option<String>,
    technicians: u32,
) -> Result<Ts<CreditExplanation>> {
    let rules = match rules_json {
        Some(r) => RuleSet::from_json(&r)?,
        None => RuleSet::default_maintenance_unit(),
    };
    let unit = CreditCode::parse(unit)?;
    let period = Period::year(year)?;
    let records: Vec<Record> = jsonl(records_jsonl)?;
    let facts = UnitFacts::from_maintenance_records(&unit, &records, technicians)?;
    let e = evaluate(&rules, &facts, &records, &period, &BTreeSet::new());
    out(CreditExplanation {
        unit: e.unit.to_string(),
        score: e.score,
        grade: e.grade.clone(),
        evaluation: json(&e)?,
    })
}

/// A risk trigger that holds for a lift.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
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

/// Screens lifts (`LiftRiskInput` JSON lines) on `date` (`YYYY-MM-DD`) against `policyJson`
/// or, when left out, Hangzhou's Art. 32 policy.
#[wasm_bindgen(js_name = screenRisk)]
pub fn screen_risk(
    lifts_jsonl: &str,
    date: &str,
    policy_json: Option<String>,
) -> Result<Vec<Ts<RiskFinding>>> {
    let policy = match policy_json {
        Some(p) => Policy::from_json(&p)?,
        None => Policy::hangzhou(),
    };
    let today = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map_err(|e| Failure::new("time.invalid_date", format!("{date:?}: {e}")))?;
    let registry = ComponentRegistry::default_lives();
    let mut out = Vec::new();
    for lift in jsonl::<LiftRiskInput>(lifts_jsonl)? {
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
    out.into_iter().map(crate::out).collect()
}
