//! Spot checks: more checks for worse grades (Hangzhou Reg. Art. 36), and the "double random,
//! one public" draw (SAMR Order 57 Art. 8, 9, 15 \[recall\]: not in `../shared/reference/`):
//! random targets, weighted towards the priority lists; random inspectors, excluding conflicts
//! of interest; seed and algorithm published, and a verify function that anyone can run to
//! reproduce the draw.

use std::collections::BTreeMap;

/// Spot checks per year by grade. `Default`: A 1, B 2, C 4, D 6 (liftspec default; the rule
/// that bad records get more checks is Hangzhou Reg. Art. 36).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckFrequency {
    /// Checks per year for each grade.
    pub per_year: BTreeMap<String, u32>,
}

impl Default for CheckFrequency {
    fn default() -> Self {
        Self {
            per_year: [("A", 1), ("B", 2), ("C", 4), ("D", 6)]
                .into_iter()
                .map(|(g, n)| (g.to_string(), n))
                .collect(),
        }
    }
}

impl CheckFrequency {
    /// Checks a year for `grade` (the most frequent for an unknown grade).
    pub fn for_grade(&self, grade: &str) -> u32 {
        self.per_year
            .get(grade)
            .copied()
            .unwrap_or_else(|| self.per_year.values().copied().max().unwrap_or(1))
    }
}

/// A candidate target with its weight (1 for ordinary; more for the priority lists).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Target {
    /// Id (a unit's credit code or a lift's registration code).
    pub id: String,
    /// The unit responsible, for conflict-of-interest checks.
    pub unit: String,
    /// Weight ≥ 1.
    pub weight: u32,
}

/// Weights of the priority lists (SAMR Order 57 Art. 9 \[recall\]; Ningbo Reg. Art. 35 ¶2),
/// liftspec defaults.
pub mod weights {
    /// Public gathering places: schools, hospitals, transport hubs, malls, crossings, venues
    /// (Ningbo Reg. Art. 35 ¶2: 公众聚集场所).
    pub const PRIORITY_PLACE: u32 = 3;
    /// An accident in the last two years (Ningbo Reg. Art. 35 ¶2: 近两年内发生过安全事故).
    pub const RECENT_ACCIDENT: u32 = 3;
    /// Many substantiated complaints (SAMR Order 57 Art. 9 \[recall\]).
    pub const MANY_COMPLAINTS: u32 = 2;
    /// A super-high-rise building (Ningbo Reg. Art. 35 ¶2: 超高层建筑).
    pub const SUPER_HIGH_RISE: u32 = 3;
    /// In use more than 15 years *and* a high fault frequency (Ningbo Reg. Art. 35 ¶2:
    /// 使用年限超过十五年且故障频率高).
    pub const OLD_AND_FAULTY: u32 = 3;
}

/// What puts a lift on a priority list.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PriorityFacts {
    /// In a public gathering place.
    pub public_gathering_place: bool,
    /// Height of its building, metres, if known.
    pub building_height_m: Option<f64>,
    /// Commissioning date.
    pub commissioned_on: chrono::NaiveDate,
    /// Whether its fault frequency is high (the fleet's high-fault-rate flag).
    pub high_fault_frequency: bool,
    /// Days of accidents it had.
    pub accidents: Vec<chrono::NaiveDate>,
    /// Substantiated complaints against its units in the last year.
    pub substantiated_complaints: u32,
}

/// A building above this height is super-high-rise, metres: 100 (GB 50352-2019 \[recall\]:
/// 建筑高度大于100m; liftspec default).
pub const SUPER_HIGH_RISE_M: f64 = 100.0;
/// Complaints that count as many: 3 (liftspec default).
pub const MANY_COMPLAINTS_FROM: u32 = 3;

/// A lift's weight in the draw on `today` (1, plus each priority list it is on) and the reasons,
/// each with its clause (Ningbo Reg. Art. 35 ¶2's four categories and the complaints list).
///
/// ```
/// use chrono::NaiveDate;
/// use liftspec_credit::spot::{priority_weight, PriorityFacts};
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let facts = PriorityFacts {
///     public_gathering_place: false, building_height_m: Some(150.0),
///     commissioned_on: d(2008, 1, 1), high_fault_frequency: true,
///     accidents: vec![d(2024, 12, 1)], substantiated_complaints: 0,
/// };
/// let (weight, reasons) = priority_weight(&facts, d(2026, 12, 1));
/// assert_eq!(weight, 10);
/// assert_eq!(reasons.len(), 3);
/// ```
pub fn priority_weight(facts: &PriorityFacts, today: chrono::NaiveDate) -> (u32, Vec<String>) {
    use liftspec_model::counting::{more_than_years, sub_months};
    let mut weight = 1u32;
    let mut reasons = Vec::new();
    if facts.public_gathering_place {
        weight += weights::PRIORITY_PLACE;
        reasons.push("a public gathering place (Ningbo Reg. Art. 35 ¶2)".to_string());
    }
    if facts
        .building_height_m
        .is_some_and(|h| h > SUPER_HIGH_RISE_M)
    {
        weight += weights::SUPER_HIGH_RISE;
        reasons.push(format!(
            "a super-high-rise building, above {SUPER_HIGH_RISE_M} m (Ningbo Reg. Art. 35 ¶2; the height: GB 50352 [recall], liftspec default)"
        ));
    }
    let over_15 = more_than_years(facts.commissioned_on, 15).is_some_and(|d| today >= d);
    if over_15 && facts.high_fault_frequency {
        weight += weights::OLD_AND_FAULTY;
        reasons.push(
            "in use more than 15 years and a high fault frequency (Ningbo Reg. Art. 35 ¶2)"
                .to_string(),
        );
    }
    // "近两年内": from the corresponding day two years before today (内 includes it) through today.
    let two_years_back = sub_months(today, 24);
    let recent = facts
        .accidents
        .iter()
        .any(|d| *d <= today && two_years_back.is_some_and(|from| *d >= from));
    if recent {
        weight += weights::RECENT_ACCIDENT;
        reasons.push("an accident in the last two years (Ningbo Reg. Art. 35 ¶2)".to_string());
    }
    if facts.substantiated_complaints >= MANY_COMPLAINTS_FROM {
        weight += weights::MANY_COMPLAINTS;
        reasons.push(format!(
            "{} substantiated complaints (SAMR Order 57 Art. 9 [recall]; from {MANY_COMPLAINTS_FROM}: liftspec default)",
            facts.substantiated_complaints
        ));
    }
    (weight, reasons)
}

/// An inspector and the units they may not check.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Inspector {
    /// Id.
    pub id: String,
    /// Units with a conflict of interest (a former employer, a relative's firm).
    pub conflicts: Vec<String>,
}

/// The published algorithm.
pub const ALGORITHM: &str = "liftspec-draw-1: SplitMix64(seed); targets drawn one by one without replacement, each with probability weight/total (r = next % total over the remaining, in input order); then for each target, inspectors drawn the same way (weight 1) among those without a conflict";

/// A published draw.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Draw {
    /// The seed, published with the result.
    pub seed: u64,
    /// The algorithm.
    pub algorithm: String,
    /// Each target drawn, with its inspectors.
    pub picks: Vec<(String, Vec<String>)>,
}

struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// An index into `weights` with probability weight/total (integer arithmetic only).
    fn pick(&mut self, weights: &[u64]) -> Option<usize> {
        let total: u64 = weights.iter().sum();
        if total == 0 {
            return None;
        }
        let mut r = self.next() % total;
        for (i, w) in weights.iter().enumerate() {
            if r < *w {
                return Some(i);
            }
            r -= w;
        }
        None
    }
}

/// Draws `count` targets and `inspectors_each` inspectors for each.
pub fn draw(
    seed: u64,
    targets: &[Target],
    count: usize,
    inspectors: &[Inspector],
    inspectors_each: usize,
) -> Draw {
    let mut rng = SplitMix(seed);
    let mut remaining: Vec<&Target> = targets.iter().filter(|t| t.weight > 0).collect();
    let mut picks = Vec::new();
    while picks.len() < count {
        let weights: Vec<u64> = remaining.iter().map(|t| u64::from(t.weight)).collect();
        let Some(i) = rng.pick(&weights) else {
            break;
        };
        let target = remaining.remove(i);
        let mut eligible: Vec<&Inspector> = inspectors
            .iter()
            .filter(|x| !x.conflicts.contains(&target.unit))
            .collect();
        let mut chosen = Vec::new();
        while chosen.len() < inspectors_each {
            let Some(j) = rng.pick(&vec![1; eligible.len()]) else {
                break;
            };
            chosen.push(eligible.remove(j).id.clone());
        }
        picks.push((target.id.clone(), chosen));
    }
    Draw {
        seed,
        algorithm: ALGORITHM.into(),
        picks,
    }
}

/// Reproduces a published draw from its seed and inputs: true when it is exactly what was
/// published.
pub fn verify(
    published: &Draw,
    targets: &[Target],
    inspectors: &[Inspector],
    inspectors_each: usize,
) -> bool {
    published.algorithm == ALGORITHM
        && draw(
            published.seed,
            targets,
            published.picks.len(),
            inspectors,
            inspectors_each,
        ) == *published
}
