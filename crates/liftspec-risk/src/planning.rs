//! Planning: the periodic inspection cycle with overdue flags, the smart-system retrofit
//! priority (implementation opinions item 6), and a fleet risk ranking per district for early
//! warnings (Hangzhou Reg. Art. 35).

use chrono::NaiveDate;
use liftspec_model::counting::{
    add_months, at_least_years, full_years, months_before, more_than_years,
};
use liftspec_model::equipment::{PlaceCategory, SmartSystemStatus};
use liftspec_model::id::RegistrationCode;

use crate::triggers::{Obligation, Trigger};

/// The inspection cycle. `Default`: every 2 years (with a self-test between) up to 15 years in
/// service, yearly once in service more than 15 years — liftspec's documented default, **to be
/// confirmed against TSG T7001-2023** \[recall\].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InspectionCycle {
    /// Years in service up to which the longer cycle applies: 15.
    pub young_years: u32,
    /// Months between periodic inspections while young: 24.
    pub young_months: u32,
    /// Months between periodic inspections when older: 12.
    pub old_months: u32,
}

impl Default for InspectionCycle {
    fn default() -> Self {
        Self {
            young_years: 15,
            young_months: 24,
            old_months: 12,
        }
    }
}

/// When a lift's next periodic inspection is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InspectionDue {
    /// The due date.
    pub due: NaiveDate,
    /// A self-test due between periodic inspections (young lifts), if any.
    pub self_test: Option<NaiveDate>,
    /// Past due on the planning date.
    pub overdue: bool,
    /// The last day to request it: a month before validity ends (Hangzhou Reg. Art. 31 ¶1:
    /// 届满前一个月 — the corresponding day a month before `due`, that month's last day if none).
    pub request_by: NaiveDate,
}

impl InspectionCycle {
    /// The next inspection after `last` for a lift commissioned on `commissioned`, seen on `today`.
    pub fn next(
        &self,
        commissioned: NaiveDate,
        last: NaiveDate,
        today: NaiveDate,
    ) -> InspectionDue {
        // "More than 15 years" (超过): from the day after the 15-year period ends.
        let young = more_than_years(commissioned, self.young_years).is_none_or(|d| last < d);
        let months = if young {
            self.young_months
        } else {
            self.old_months
        };
        // The result's validity: `months` months from the inspection (Civil Code Art. 202).
        let due = add_months(last, months).unwrap_or(last);
        let self_test = young.then(|| add_months(last, months / 2).unwrap_or(last));
        InspectionDue {
            due,
            self_test,
            overdue: today > due,
            request_by: months_before(due, 1).unwrap_or(due),
        }
    }
}

/// A lift considered for the smart-system retrofit.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RetrofitCandidate {
    /// The lift.
    pub registration_code: RegistrationCode,
    /// Where it is.
    pub place: PlaceCategory,
    /// Commissioning date.
    pub commissioned_on: NaiveDate,
    /// Its smart system.
    pub smart_system: SmartSystemStatus,
    /// District, for the district government's list.
    pub district: String,
}

/// A ranked retrofit candidate with its reasons.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RetrofitPriority {
    /// The lift.
    pub registration_code: RegistrationCode,
    /// District.
    pub district: String,
    /// Priority score (higher first).
    pub score: u32,
    /// Why.
    pub reasons: Vec<String>,
}

/// Ranks lifts without a connected smart system: crowded places and lifts in use 10 years or
/// more (opinions item 6: 使用10年以上, which includes the 10th year: from its anniversary) first,
/// then by age. Ties break by registration code, so the list is stable.
pub fn retrofit_priority(
    candidates: &[RetrofitCandidate],
    today: NaiveDate,
) -> Vec<RetrofitPriority> {
    let mut out: Vec<RetrofitPriority> = candidates
        .iter()
        .filter(|c| c.smart_system != SmartSystemStatus::Connected)
        .map(|c| {
            let years = full_years(c.commissioned_on, today);
            let ten_or_more = at_least_years(c.commissioned_on, 10).is_some_and(|d| today >= d);
            let mut score = years.min(40);
            let mut reasons = Vec::new();
            if c.place.is_crowded() {
                score += 100;
                reasons.push(format!("crowded place ({:?}): opinions item 6", c.place));
            }
            if ten_or_more {
                score += 100;
                reasons.push(format!(
                    "in use {years} years (10 years or more): opinions item 6"
                ));
            }
            if c.smart_system == SmartSystemStatus::FittedNotConnected {
                score += 10;
                reasons.push("fitted but not connected: connecting is cheap".into());
            }
            RetrofitPriority {
                registration_code: c.registration_code.clone(),
                district: c.district.clone(),
                score,
                reasons,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then_with(|| a.registration_code.cmp(&b.registration_code))
    });
    out
}

/// A lift's risk in the ranking.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RankedLift {
    /// The lift.
    pub registration_code: RegistrationCode,
    /// District.
    pub district: String,
    /// Score: 3 per "shall" trigger, 2 per "may" trigger, plus faults in the last 12 months.
    pub score: u32,
    /// The triggers, explained.
    pub reasons: Vec<String>,
}

/// Ranks lifts per district by their triggers and recent faults; the top `top` of each district,
/// highest first, ties by registration code (Art. 35 early warnings).
pub fn district_ranking(
    lifts: &[(RegistrationCode, String, Vec<Trigger>, u32)],
    top: usize,
) -> Vec<(String, Vec<RankedLift>)> {
    let mut by_district: std::collections::BTreeMap<String, Vec<RankedLift>> =
        std::collections::BTreeMap::new();
    for (code, district, triggers, faults) in lifts {
        if triggers.is_empty() && *faults == 0 {
            continue;
        }
        let score = triggers
            .iter()
            .map(|t| {
                if t.obligation == Obligation::Shall {
                    3
                } else {
                    2
                }
            })
            .sum::<u32>()
            + faults;
        let mut reasons: Vec<String> = triggers
            .iter()
            .map(|t| format!("{} since {} ({})", t.condition, t.first_held, t.clause))
            .collect();
        if *faults > 0 {
            reasons.push(format!("{faults} faults in the last 12 months"));
        }
        by_district
            .entry(district.clone())
            .or_default()
            .push(RankedLift {
                registration_code: code.clone(),
                district: district.clone(),
                score,
                reasons,
            });
    }
    by_district
        .into_iter()
        .map(|(d, mut list)| {
            list.sort_by(|a, b| {
                b.score
                    .cmp(&a.score)
                    .then_with(|| a.registration_code.cmp(&b.registration_code))
            });
            list.truncate(top);
            (d, list)
        })
        .collect()
}
