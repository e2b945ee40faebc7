//! The supervisor's views over the records: a unit's credit (Hangzhou Reg. Art. 38; the
//! rule set names each deduction's clause) and a lift's Art. 32 risk triggers.
//!
//! ```
//! use liftspec_platform::{fleet::Fleet, supervision};
//! let units = supervision::unit_facts(&Fleet::default());
//! assert!(units.is_empty());
//! ```

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use liftspec_credit::evaluate::{evaluate_all, Evaluation, LiftFacts, Period, UnitFacts};
use liftspec_credit::rules::RuleSet;
use liftspec_model::equipment::SmartSystemStatus;
use liftspec_model::record::Record;
use liftspec_risk::triggers::{
    screen, ComponentRegistry, Counters, LiftRiskInput, Policy, RiskError, Trigger,
};

use crate::fleet::{Fleet, FleetLift};

/// What credit evaluation knows of each unit and its lifts, from the fleet: every lift's
/// family, insurance, whether it reports through a terminal, and that the unit's duty began
/// at commissioning (a unit cannot maintain a lift before it exists).
pub fn unit_facts(fleet: &Fleet) -> Vec<UnitFacts> {
    fleet
        .units
        .iter()
        .map(|u| UnitFacts {
            unit: u.credit_code.clone(),
            lifts: fleet
                .lifts
                .iter()
                .filter(|l| l.equipment.maintenance_unit == u.credit_code)
                .map(|l| LiftFacts {
                    registration_code: l.equipment.registration_code.clone(),
                    family: l.equipment.kind.maintenance_family(),
                    insured: !l.equipment.insurance.is_empty(),
                    smart_terminal: l.equipment.smart_system == SmartSystemStatus::Connected,
                    maintained_since: Some(l.equipment.commissioned_on),
                })
                .collect(),
            technicians: u.technicians,
            licence_valid_until: None,
            commendations: Vec::new(),
        })
        .collect()
}

/// Every unit's credit over `period`, with its explanation.
pub fn evaluate_units(
    fleet: &Fleet,
    rules: &RuleSet,
    records: &[Record],
    period: &Period,
) -> Vec<Evaluation> {
    evaluate_all(rules, &unit_facts(fleet), records, period)
}

/// The facts risk screening reads about every lift, by registration code.
#[derive(Default)]
struct RiskFacts<'a> {
    monthly: BTreeMap<&'a str, BTreeMap<(i32, u32), u32>>,
    disasters: BTreeMap<&'a str, Vec<liftspec_model::record::DisasterExposure>>,
}

impl<'a> RiskFacts<'a> {
    fn of(records: &'a [Record]) -> Self {
        let mut facts = Self::default();
        for r in records {
            match r {
                Record::Fault(f) => {
                    if let Ok(day) = f.raised_at.local_date() {
                        *facts
                            .monthly
                            .entry(f.lift.as_str())
                            .or_default()
                            .entry((day.year(), day.month()))
                            .or_default() += 1;
                    }
                }
                Record::Disaster(x) => facts
                    .disasters
                    .entry(x.lift.as_str())
                    .or_default()
                    .push(x.clone()),
                _ => {}
            }
        }
        facts
    }

    fn input(&self, lift: &FleetLift, counters: Option<Counters>) -> LiftRiskInput {
        let code = lift.equipment.registration_code.as_str();
        LiftRiskInput {
            registration_code: lift.equipment.registration_code.clone(),
            kind: lift.equipment.kind,
            commissioned_on: lift.equipment.commissioned_on,
            counters,
            monthly_faults: self.monthly.get(code).map_or(Vec::new(), |m| {
                m.iter().map(|((y, mo), n)| (*y, *mo, *n)).collect()
            }),
            disasters: self.disasters.get(code).cloned().unwrap_or_default(),
            replacements: Vec::new(),
            findings: Vec::new(),
        }
    }
}

/// Screens every lift of the fleet against `policy` on `today` (Hangzhou Reg. Art. 32):
/// `counters[i]` are lift `i`'s latest Statistics counters. Returns each lift's triggers (an
/// empty list: none holds).
pub fn screen_lifts(
    fleet: &Fleet,
    counters: &[Option<Counters>],
    records: &[Record],
    policy: &Policy,
    today: NaiveDate,
) -> Result<Vec<Vec<Trigger>>, RiskError> {
    let facts = RiskFacts::of(records);
    let registry = ComponentRegistry::default_lives();
    fleet
        .lifts
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let input = facts.input(l, counters.get(i).copied().flatten());
            screen(policy, &registry, &input, today)
        })
        .collect()
}
