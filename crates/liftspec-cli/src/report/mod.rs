//! The city run's report: the summary (`--json` prints it; its fields are the stable machine
//! form, documented in the README), and `report.html`, a self-contained page (no external
//! requests) with a map of the city, a timeline of the run, a credit card per unit and the risk
//! lifts.

mod cards;
mod map;
mod summary;
mod svg;
mod timeline;

use std::collections::BTreeMap;

use liftspec_credit::evaluate::Evaluation;
use liftspec_platform::fleet::Fleet;
use liftspec_risk::triggers::Trigger;

pub(crate) use map::{CityMap, MapEntrapment};
pub(crate) use summary::print as print_summary;
pub(crate) use timeline::{minute_index, RescueSpan, Timeline};

/// The summary of a city run: what `--json` prints and `report.json` starts with.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Summary {
    pub(crate) seed: u64,
    pub(crate) lifts: usize,
    pub(crate) buildings: usize,
    pub(crate) maintenance_units: usize,
    pub(crate) virtual_hours: f64,
    pub(crate) frames: u64,
    pub(crate) frames_per_second: f64,
    pub(crate) rejected_frames: u64,
    pub(crate) faults_injected: BTreeMap<String, u32>,
    pub(crate) detections: BTreeMap<String, u32>,
    pub(crate) injected_faults_detected_percent: f64,
    pub(crate) credit_grades: BTreeMap<String, u32>,
    pub(crate) lowest_credit: Vec<LowCredit>,
    pub(crate) risk_triggered: usize,
    pub(crate) top_risk: Vec<RiskLift>,
    pub(crate) rescue: RescueSummary,
}

impl LowCredit {
    /// The `n` lowest scores, lowest first, each with its largest deduction.
    pub(crate) fn lowest(evaluations: &[Evaluation], n: usize) -> Vec<Self> {
        let mut lowest: Vec<Self> = evaluations
            .iter()
            .map(|e| Self {
                unit: e.unit.to_string(),
                score: e.score,
                grade: e.grade.clone(),
                largest_deduction: e
                    .deductions
                    .iter()
                    .max_by(|a, b| a.points.total_cmp(&b.points))
                    .map_or(String::new(), |d| format!("{} ({})", d.name, d.clause)),
            })
            .collect();
        lowest.sort_by(|a, b| a.score.total_cmp(&b.score));
        lowest.truncate(n);
        lowest
    }
}

impl RiskLift {
    /// How many lifts have a trigger, and the `n` with the most (ties by registration code),
    /// each trigger with the date it first held and its clause.
    pub(crate) fn most_triggered(
        fleet: &Fleet,
        screened: &[Vec<Trigger>],
        n: usize,
    ) -> (usize, Vec<Self>) {
        let mut risky: Vec<(Self, usize)> = fleet
            .lifts
            .iter()
            .zip(screened)
            .filter(|(_, found)| !found.is_empty())
            .map(|(l, found)| {
                let triggers = found
                    .iter()
                    .map(|t| format!("{} since {} ({})", t.condition, t.first_held, t.clause))
                    .collect();
                let lift = l.equipment.registration_code.to_string();
                (Self { lift, triggers }, found.len())
            })
            .collect();
        let triggered = risky.len();
        risky.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.lift.cmp(&b.0.lift)));
        (
            triggered,
            risky.into_iter().take(n).map(|(r, _)| r).collect(),
        )
    }
}

/// A unit among the lowest credit scores, with its largest deduction.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LowCredit {
    /// Unified social credit code.
    pub(crate) unit: String,
    pub(crate) score: f64,
    pub(crate) grade: String,
    /// The largest deduction's rule and clause (empty when there was none).
    pub(crate) largest_deduction: String,
}

/// A lift with risk-assessment triggers, each with its clause and since when it holds.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RiskLift {
    pub(crate) lift: String,
    pub(crate) triggers: Vec<String>,
}

/// Rescues of the trapped passengers the detectors found.
#[derive(serde::Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RescueSummary {
    pub(crate) incidents: usize,
    pub(crate) within_limit: usize,
    pub(crate) cross_unit: usize,
    pub(crate) fire_service: usize,
    /// Mean minutes from the unit receiving the report to arrival (Art. 30's clock).
    pub(crate) mean_arrival_min: f64,
    /// Mean minutes between the first report and a unit receiving it: the platform's own delay.
    pub(crate) mean_platform_delay_min: f64,
    pub(crate) arrival_minutes: BTreeMap<String, u32>,
}

/// A maintenance unit's credit card: score, grade and the deductions that matter.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreditCard {
    pub(crate) unit: String,
    pub(crate) name: String,
    pub(crate) rules: String,
    pub(crate) score: f64,
    pub(crate) grade: String,
    /// The largest deductions first (at most five), each with its clause.
    pub(crate) deductions: Vec<CardLine>,
    /// Vetoes that applied, with their clauses.
    pub(crate) vetoes: Vec<String>,
}

/// One deduction on a credit card.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CardLine {
    pub(crate) name: String,
    pub(crate) points: f64,
    pub(crate) clause: String,
}

/// Everything `report.json` holds: the summary's fields, then the map, the timeline and the
/// credit cards the page draws.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Report {
    #[serde(flatten)]
    pub(crate) summary: Summary,
    pub(crate) map: CityMap,
    pub(crate) timeline: Timeline,
    pub(crate) credit_cards: Vec<CreditCard>,
}

/// Escapes text for HTML and SVG.
pub(crate) fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const STYLE: &str = "body{font-family:system-ui,'Noto Sans CJK SC','PingFang SC','Microsoft YaHei','WenQuanYi Zen Hei',sans-serif;max-width:980px;margin:auto;padding:0 12px;color:#1d2733}\
h1{margin-bottom:4px}h2{margin-top:28px;border-bottom:1px solid #d5dbe3;padding-bottom:4px}\
.cards{display:flex;flex-wrap:wrap;gap:12px}.card{border:1px solid #d5dbe3;border-radius:8px;padding:10px 14px;width:268px}\
.card .score{font-size:28px;font-weight:600}.grade{display:inline-block;border-radius:4px;padding:0 8px;margin-left:8px;color:#fff}\
.card ul{padding-left:18px;margin:6px 0}.card li{margin:3px 0;font-size:13px}.clause{color:#5b6675;font-size:12px}\
.legend{font-size:13px;color:#3c4654}table{border-collapse:collapse;font-size:13px}td,th{border-bottom:1px solid #e3e7ee;padding:3px 8px;text-align:left;vertical-align:top}";

/// The whole page: self-contained (inline SVG and CSS, no scripts, fonts or tiles from
/// elsewhere), so it opens offline and makes no requests.
pub(crate) fn html(r: &Report) -> String {
    let s = &r.summary;
    let mut page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>liftspec city report</title><style>{STYLE}</style></head><body>\
<h1>liftspec city report</h1><p>Seed {}: {} lifts in {} buildings, {} maintenance units; {} virtual hours, {} frames ({:.0}/s), {} rejected. \
Injected faults detected: {:.1} %. Rescues: {} entrapments, {} within the Art. 30 limit. Risk: {} lifts with an Art. 32 trigger.</p>",
        s.seed,
        s.lifts,
        s.buildings,
        s.maintenance_units,
        s.virtual_hours,
        s.frames,
        s.frames_per_second,
        s.rejected_frames,
        s.injected_faults_detected_percent,
        s.rescue.incidents,
        s.rescue.within_limit,
        s.risk_triggered,
    );
    page.push_str(&map::section(&r.map));
    page.push_str(&timeline::section(&r.timeline));
    page.push_str(&cards::credit_section(&r.credit_cards));
    page.push_str(&cards::risk_section(&s.top_risk));
    page.push_str("<h2>By kind</h2>");
    page.push_str(&svg::bars("Faults injected", &s.faults_injected));
    page.push_str(&svg::bars("Detections", &s.detections));
    page.push_str(&svg::bars(
        "Rescue arrival times (Art. 30: 30 min built-up, 60 min elsewhere)",
        &s.rescue.arrival_minutes,
    ));
    page.push_str("</body></html>\n");
    page
}
