//! Procurement scoring: implementation opinions item 12 — in projects paid from public funds, the
//! lifts' failure rates and the after-sales service and credit of the manufacturer and the
//! operating unit weigh in procurement and tenders — with the selection and configuration the use
//! needs (Hangzhou Reg. Art. 12 ¶2). Reliability per manufacturer and model (faults per lift-year
//! against the fleet median), after-sales performance (fault fix time, rescue SLA) and the credit
//! grade combine into a tender score with its explanation. The weights are liftspec defaults and
//! data.

/// What a tender is scored on.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TenderFacts {
    /// Bidder (manufacturer) and model.
    pub bidder: String,
    /// Model.
    pub model: String,
    /// Lift-years of this model in service in the city.
    pub lift_years: f64,
    /// Faults of this model in that time.
    pub faults: u32,
    /// Mean hours from fault to repair.
    pub mean_fix_hours: f64,
    /// Share of rescues within the Art. 30 limit, percent.
    pub rescue_sla_percent: f64,
    /// The bidder's credit grade.
    pub grade: String,
}

/// Weights (points out of 100) and references. `Default`: reliability 40, after-sales 30,
/// credit 30; a 24-hour repair is worth nothing (liftspec defaults).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TenderWeights {
    /// Reliability points.
    pub reliability: f64,
    /// After-sales points (half fix time, half rescue SLA).
    pub after_sales: f64,
    /// Credit points.
    pub credit: f64,
    /// Fix time that scores zero, hours.
    pub worst_fix_hours: f64,
    /// Share of the credit points each grade earns.
    pub grade_share: Vec<(String, f64)>,
}

impl Default for TenderWeights {
    fn default() -> Self {
        Self {
            reliability: 40.0,
            after_sales: 30.0,
            credit: 30.0,
            worst_fix_hours: 24.0,
            grade_share: vec![
                ("A".into(), 1.0),
                ("B".into(), 0.75),
                ("C".into(), 0.4),
                ("D".into(), 0.0),
            ],
        }
    }
}

/// A scored tender.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TenderScore {
    /// Bidder.
    pub bidder: String,
    /// Model.
    pub model: String,
    /// Total out of 100.
    pub score: f64,
    /// Each part with its reason.
    pub explanation: Vec<String>,
}

/// Scores tenders against each other (reliability is relative to the median fault rate of the
/// tenders' models). Returned best first.
pub fn score_tenders(tenders: &[TenderFacts], weights: &TenderWeights) -> Vec<TenderScore> {
    let rate = |t: &TenderFacts| f64::from(t.faults) / t.lift_years.max(0.1);
    let mut rates: Vec<f64> = tenders.iter().map(rate).collect();
    rates.sort_by(f64::total_cmp);
    let median = rates.get(rates.len() / 2).copied().unwrap_or(0.0);
    let mut out: Vec<TenderScore> = tenders
        .iter()
        .map(|t| {
            let r = rate(t);
            let reliability = weights.reliability * if r <= 0.0 { 1.0 } else { (median / r).min(1.0) };
            let fix = (1.0 - t.mean_fix_hours / weights.worst_fix_hours).clamp(0.0, 1.0);
            let sla = (t.rescue_sla_percent / 100.0).clamp(0.0, 1.0);
            let after_sales = weights.after_sales * (fix + sla) / 2.0;
            let share = weights
                .grade_share
                .iter()
                .find(|(g, _)| *g == t.grade)
                .map_or(0.0, |(_, s)| *s);
            let credit = weights.credit * share;
            let round = |x: f64| (x * 10.0).round() / 10.0;
            TenderScore {
                bidder: t.bidder.clone(),
                model: t.model.clone(),
                score: round(reliability + after_sales + credit),
                explanation: vec![
                    format!("reliability {:.1}/{}: {r:.2} faults per lift-year against a median of {median:.2}", reliability, weights.reliability),
                    format!("after-sales {:.1}/{}: repairs in {:.1} h on average, {:.0} % of rescues within the Art. 30 limit", after_sales, weights.after_sales, t.mean_fix_hours, t.rescue_sla_percent),
                    format!("credit {:.1}/{}: grade {}", credit, weights.credit, t.grade),
                ],
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.bidder.cmp(&b.bidder))
    });
    out
}
