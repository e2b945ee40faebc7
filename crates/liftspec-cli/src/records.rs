//! `liftspec credit explain` and `liftspec risk screen` over JSON-lines files.

use std::collections::BTreeSet;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::Subcommand;
use liftspec_credit::evaluate::{evaluate, Period, UnitFacts};
use liftspec_credit::rules::RuleSet;
use liftspec_model::id::{CreditCode, RecordId};
use liftspec_model::record::Record;
use liftspec_risk::triggers::{screen, ComponentRegistry, LiftRiskInput, Policy};

use crate::input::Input;
use crate::Failure;

#[derive(Subcommand)]
pub(crate) enum CreditCommand {
    /// Score a maintenance unit from a record file and explain every deduction.
    Explain {
        /// Records, one JSON record per line (`{"maintenance": {...}}`, `{"fault": {...}}`, …).
        #[arg(long)]
        records: String,
        /// The unit's unified social credit code.
        #[arg(long)]
        unit: String,
        /// A rule file (default: liftspec's Hangzhou maintenance-unit rules).
        #[arg(long)]
        rules: Option<String>,
        /// The calendar year evaluated.
        #[arg(long, default_value_t = 2025)]
        year: i32,
        /// Technicians on the unit's staff.
        #[arg(long, default_value_t = 1)]
        technicians: u32,
        /// Record ids left out (an appeal), comma-separated.
        #[arg(long, value_delimiter = ',')]
        exclude: Vec<String>,
        /// Print the evaluation as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub(crate) enum RiskCommand {
    /// Screen lifts for risk-assessment triggers.
    Screen {
        /// Lifts, one JSON object per line (registrationCode, kind, commissionedOn, counters,
        /// monthlyFaults, disasters, replacements).
        #[arg(long)]
        lifts: String,
        /// A policy file (default: Hangzhou Reg. Art. 32).
        #[arg(long)]
        policy: Option<String>,
        /// The screening date (default: today).
        #[arg(long)]
        date: Option<NaiveDate>,
        /// Print the triggers as JSON lines.
        #[arg(long)]
        json: bool,
    },
}

/// Longest line of a record or lift file (a record is a few hundred bytes).
const MAX_LINE: usize = 1 << 20;
/// Largest rule or policy file.
const MAX_FILE: u64 = 16 << 20;

pub(crate) fn read(path: &str) -> Result<String, Failure> {
    let len = std::fs::metadata(path)
        .map_err(|e| Failure(format!("{path}: {e}")))?
        .len();
    if len > MAX_FILE {
        return Err(Failure(format!(
            "{path}: {len} bytes, more than a rule file can be ({MAX_FILE})"
        )));
    }
    std::fs::read_to_string(path).map_err(|e| Failure(format!("{path}: {e}")))
}

/// Calls `each` with every JSON line of `path`, read as a stream; the first bad line is the
/// error (with its number).
pub(crate) fn each_line<T: serde::de::DeserializeOwned>(
    path: &str,
    mut each: impl FnMut(usize, T) -> Result<(), Failure>,
) -> Result<usize, Failure> {
    let mut count = 0;
    for line in Input::open(path)?.lines(MAX_LINE) {
        let (n, line) = line?;
        let line = line.map_err(|e| Failure(format!("{path}: line {n}: {e}")))?;
        if line.trim().is_empty() {
            continue;
        }
        let value =
            serde_json::from_str(&line).map_err(|e| Failure(format!("{path}: line {n}: {e}")))?;
        count += 1;
        each(n, value)?;
    }
    Ok(count)
}

pub(crate) fn credit(command: CreditCommand) -> Result<ExitCode, Failure> {
    let CreditCommand::Explain {
        records,
        unit,
        rules,
        year,
        technicians,
        exclude,
        json,
    } = command;
    let rule_set = match &rules {
        Some(path) => {
            RuleSet::from_json(&read(path)?).map_err(|e| Failure(format!("{path}: {e}")))?
        }
        None => RuleSet::default_maintenance_unit(),
    };
    let unit: CreditCode = unit.parse().map_err(|e| Failure(format!("--unit: {e}")))?;
    let period = Period::year(year).map_err(|e| Failure(format!("--year: {e} ({})", e.code())))?;
    let mut all: Vec<Record> = Vec::new();
    each_line(&records, |_, record| {
        all.push(record);
        Ok(())
    })?;
    if all.is_empty() {
        return Err(Failure(format!(
            "{records}: no records: nothing to evaluate"
        )));
    }
    let excluded: BTreeSet<RecordId> = exclude
        .iter()
        .map(|s| RecordId::parse(s).map_err(|e| Failure(format!("--exclude: {e}"))))
        .collect::<Result<_, _>>()?;
    // The unit's lifts: those it maintained in the records.
    let facts = UnitFacts::from_maintenance_records(&unit, &all, technicians)
        .map_err(|e| Failure(format!("{records}: {e}")))?;
    let e = evaluate(&rule_set, &facts, &all, &period, &excluded);
    if json {
        println!("{}", serde_json::to_string_pretty(&e)?);
    } else {
        println!(
            "{} ({} lifts), {} {}: score {:.1}, grade {}",
            e.unit,
            facts.lifts.len(),
            e.rules,
            year,
            e.score,
            e.grade
        );
        let line = |sign: char,
                    points: f64,
                    id: &str,
                    name: &str,
                    value: f64,
                    clause: &str,
                    records: &[RecordId]| {
            let records: Vec<&str> = records.iter().map(RecordId::as_str).collect();
            println!(
                "  {sign}{points:.3} {id} {name} (value {value}) — {clause}; records: {}",
                records.join(", ")
            );
        };
        for d in &e.deductions {
            line(
                '-',
                d.points,
                &d.indicator,
                &d.name,
                d.value,
                &d.clause,
                &d.records,
            );
            for evidence in &d.evidence {
                println!("      {evidence}");
            }
        }
        for b in &e.bonuses {
            line(
                '+', b.points, &b.bonus, &b.name, b.value, &b.clause, &b.records,
            );
        }
        for v in &e.vetoes {
            println!("  veto {} — {}", v.veto, v.clause);
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn risk(command: RiskCommand) -> Result<ExitCode, Failure> {
    let RiskCommand::Screen {
        lifts,
        policy,
        date,
        json,
    } = command;
    let policy = match &policy {
        Some(path) => {
            Policy::from_json(&read(path)?).map_err(|e| Failure(format!("{path}: {e}")))?
        }
        None => Policy::hangzhou(),
    };
    let today = date.unwrap_or_else(|| chrono::Utc::now().date_naive());
    let registry = ComponentRegistry::default_lives();
    let mut triggered = 0;
    let screened = each_line(&lifts, |n, lift: LiftRiskInput| {
        let found = screen(&policy, &registry, &lift, today)
            .map_err(|e| Failure(format!("{lifts}: line {n}: {e}")))?;
        if found.is_empty() {
            return Ok(());
        }
        triggered += 1;
        if json {
            println!(
                "{}",
                serde_json::json!({ "lift": lift.registration_code, "triggers": found })
            );
        } else {
            println!("{}", lift.registration_code);
            for t in &found {
                println!(
                    "  {:?} {} since {} — {}: {}",
                    t.obligation,
                    t.condition,
                    t.first_held,
                    t.clause,
                    t.evidence.join("; ")
                );
            }
        }
        Ok(())
    })?;
    if screened == 0 {
        return Err(Failure(format!("{lifts}: no lifts to screen")));
    }
    eprintln!(
        "{triggered} of {screened} lifts have a trigger ({} on {today})",
        policy.id
    );
    Ok(ExitCode::SUCCESS)
}
