//! The credit cards of the maintenance units and the risk lifts with their clauses.

use liftspec_credit::evaluate::Evaluation;
use liftspec_platform::fleet::Fleet;

use super::{escape, CardLine, CreditCard, RiskLift};

impl CreditCard {
    /// A unit's card: its five largest deductions, largest first, and its vetoes, each with
    /// its clause; the unit's name from the fleet (its credit code when the fleet lacks it).
    pub(crate) fn of(e: &Evaluation, fleet: &Fleet) -> Self {
        let mut deductions: Vec<CardLine> = e
            .deductions
            .iter()
            .filter(|d| d.points > 0.0)
            .map(|d| CardLine {
                name: d.name.clone(),
                points: d.points,
                clause: d.clause.clone(),
            })
            .collect();
        deductions.sort_by(|a, b| b.points.total_cmp(&a.points));
        deductions.truncate(5);
        Self {
            unit: e.unit.to_string(),
            name: fleet
                .units
                .iter()
                .find(|u| u.credit_code == e.unit)
                .map_or_else(|| e.unit.to_string(), |u| u.name.clone()),
            rules: e.rules.clone(),
            score: e.score,
            grade: e.grade.clone(),
            deductions,
            vetoes: e
                .vetoes
                .iter()
                .map(|v| format!("{} ({})", v.veto, v.clause))
                .collect(),
        }
    }
}

fn grade_colour(grade: &str) -> &'static str {
    match grade {
        "A" => "#1f8a4c",
        "B" => "#4f9a3a",
        "C" => "#d08a16",
        _ => "#c0262d",
    }
}

/// One card per unit: the score, the grade and the deductions that matter, each with its
/// clause.
pub(super) fn credit_section(cards: &[CreditCard]) -> String {
    let mut out = String::from("<h2>Credit of the maintenance units</h2><div class=\"cards\">");
    for c in cards {
        out.push_str(&format!(
            "<div class=\"card credit-card\"><div><b>{}</b></div><div class=\"clause\">{} · {}</div><div><span class=\"score\">{:.1}</span><span class=\"grade\" style=\"background:{}\">{}</span></div><ul>",
            escape(&c.name),
            escape(&c.unit),
            escape(&c.rules),
            c.score,
            grade_colour(&c.grade),
            escape(&c.grade)
        ));
        for d in &c.deductions {
            out.push_str(&format!(
                "<li>−{:.2} {} <span class=\"clause\">({})</span></li>",
                d.points,
                escape(&d.name),
                escape(&d.clause)
            ));
        }
        if c.deductions.is_empty() {
            out.push_str("<li>no deductions</li>");
        }
        for v in &c.vetoes {
            out.push_str(&format!("<li><b>veto</b> {}</li>", escape(v)));
        }
        out.push_str("</ul></div>");
    }
    out.push_str("</div>");
    out
}

/// The lifts with the most risk-assessment triggers, each with its clauses.
pub(super) fn risk_section(lifts: &[RiskLift]) -> String {
    let mut out = String::from(
        "<h2>Risk lifts (Hangzhou Reg. Art. 32)</h2><table id=\"risk-lifts\"><tr><th>Lift</th><th>Triggers (condition, since, clause)</th></tr>",
    );
    for l in lifts {
        out.push_str(&format!(
            "<tr><td><b>{}</b></td><td>{}</td></tr>",
            escape(&l.lift),
            l.triggers
                .iter()
                .map(|t| escape(t))
                .collect::<Vec<_>>()
                .join("<br>")
        ));
    }
    out.push_str("</table>");
    out
}
