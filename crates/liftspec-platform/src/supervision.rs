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

pub use liftspec_api::card::LiftCard;

/// The card of `lift` from its records, with the maintenance interval and the inspection
/// request lead of `duties` (State Council Reg. Art. 31 ¶2: 15 days; Hangzhou Reg. Art. 31 ¶1:
/// one month before validity ends).
///
/// ```
/// # use liftspec_platform::supervision::lift_card;
/// # use liftspec_credit::rules::RuleSet;
/// # let fleet = liftspec_platform::fleet::Fleet::of_city(&liftspec_sim::city::City::generate(
/// #     &liftspec_sim::config::SimConfig { lifts: 1, ..Default::default() }).unwrap());
/// let card = lift_card(&fleet.lifts[0], &[], &RuleSet::default_maintenance_unit().duties);
/// assert_eq!(card.next_maintenance_due, None, "no maintenance recorded yet");
/// ```
pub fn lift_card(
    lift: &FleetLift,
    records: &[Record],
    duties: &liftspec_credit::rules::Duties,
) -> LiftCard {
    let e = &lift.equipment;
    let code = e.registration_code.as_str();
    let last_maintenance = records
        .iter()
        .filter_map(|r| match r {
            Record::Maintenance(m) if m.lift.as_str() == code => m.ended_at.local_date().ok(),
            _ => None,
        })
        .max();
    let last_inspection = records
        .iter()
        .filter_map(|r| match r {
            Record::Inspection(i) if i.lift.as_str() == code => Some(i),
            _ => None,
        })
        .max_by_key(|i| i.inspected_on);
    let next_inspection_due = last_inspection.map(|i| i.next_due);
    LiftCard {
        registration_code: code.into(),
        rescue_code: e.rescue_code.as_ref().map(|c| c.to_string()),
        kind: e.kind,
        address: e.location.address.clone(),
        district: e.location.district.clone(),
        use_unit: e.use_unit.to_string(),
        maintenance_unit: e.maintenance_unit.to_string(),
        commissioned_on: e.commissioned_on,
        last_maintenance,
        next_maintenance_due: last_maintenance.and_then(|d| {
            liftspec_model::counting::days_period_end(d, duties.maintenance_interval.days)
        }),
        last_inspection: last_inspection.map(|i| i.inspected_on),
        last_inspection_result: last_inspection.map(|i| i.result),
        next_inspection_due,
        inspection_request_by: next_inspection_due.and_then(|d| {
            liftspec_model::counting::months_before(d, duties.request_months_before)
        }),
        sources: vec![
            format!(
                "maintenance at least every {} days (State Council Special Equipment Reg. Art. 31 ¶2)",
                duties.maintenance_interval.days
            ),
            format!(
                "periodic inspection requested {} month(s) before validity ends (Hangzhou Reg. Art. 31 ¶1)",
                duties.request_months_before
            ),
        ],
    }
}

/// Every lift's card as of `as_of`: the snapshot a platform publishes for citizens' pages
/// (`lift-cards.json`), with the due dates of `duties` as [`lift_card`] computes them.
pub fn lift_cards(
    fleet: &Fleet,
    records: &[Record],
    duties: &liftspec_credit::rules::Duties,
    as_of: NaiveDate,
) -> liftspec_api::card::LiftCardSnapshot {
    // Each lift's maintenance and inspection records, in one pass.
    let mut by_lift: BTreeMap<&str, Vec<Record>> = BTreeMap::new();
    for r in records {
        let lift = match r {
            Record::Maintenance(m) => &m.lift,
            Record::Inspection(i) => &i.lift,
            _ => continue,
        };
        by_lift.entry(lift.as_str()).or_default().push(r.clone());
    }
    liftspec_api::card::LiftCardSnapshot {
        as_of,
        cards: fleet
            .lifts
            .iter()
            .map(|l| {
                let own = by_lift
                    .get(l.equipment.registration_code.as_str())
                    .map_or(&[][..], Vec::as_slice);
                lift_card(l, own, duties)
            })
            .collect(),
    }
}

/// The district early-warning ranking (Hangzhou Reg. Art. 35: the platform collects, counts
/// and analyses fault data and publishes early warnings), as `liftspec_risk::planning::
/// district_ranking` scores it: each lift's Art. 32 triggers on `today` plus its faults in the
/// twelve months before — fault records and raised fault detections
/// (`liftspec_detect::fleet::counts_as_fault`) — the top `top` lifts of every district.
pub fn district_ranking(
    fleet: &Fleet,
    counters: &[Option<Counters>],
    records: &[Record],
    detections: &[crate::store::StoredDetection],
    policy: &Policy,
    today: NaiveDate,
    top: usize,
) -> Result<Vec<(String, Vec<liftspec_risk::planning::RankedLift>)>, RiskError> {
    let triggers = screen_lifts(fleet, counters, records, policy, today)?;
    let since = liftspec_model::counting::sub_months(today, 12).unwrap_or(today);
    let within =
        |t: liftspec_model::time::Timestamp| t.local_date().is_ok_and(|d| d > since && d <= today);
    let mut faults: BTreeMap<&str, u32> = BTreeMap::new();
    for r in records {
        if let Record::Fault(f) = r {
            if within(f.raised_at) {
                *faults.entry(f.lift.as_str()).or_default() += 1;
            }
        }
    }
    for s in detections {
        let x = &s.detection;
        if x.raised && liftspec_detect::fleet::counts_as_fault(x.kind) && within(x.detected_at) {
            *faults.entry(s.registration_code.as_str()).or_default() += 1;
        }
    }
    let lifts: Vec<_> = fleet
        .lifts
        .iter()
        .zip(triggers)
        .map(|(l, t)| {
            let e = &l.equipment;
            let n = faults
                .get(e.registration_code.as_str())
                .copied()
                .unwrap_or(0);
            (
                e.registration_code.clone(),
                e.location.district.clone(),
                t,
                n,
            )
        })
        .collect();
    Ok(liftspec_risk::planning::district_ranking(&lifts, top))
}
