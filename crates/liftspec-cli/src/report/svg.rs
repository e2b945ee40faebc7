//! Small SVG pieces shared by the report's charts.

use std::collections::BTreeMap;

use super::escape;

/// A horizontal bar chart of counts, with its title.
pub(super) fn bars(title: &str, data: &BTreeMap<String, u32>) -> String {
    let max = data.values().copied().max().unwrap_or(1).max(1);
    let mut svg = format!(
        "<h3>{}</h3><svg width=\"720\" height=\"{}\" role=\"img\" aria-label=\"{}\">",
        escape(title),
        22 * data.len() + 4,
        escape(title)
    );
    for (i, (k, v)) in data.iter().enumerate() {
        let w = 460 * v / max;
        let y = 22 * i;
        svg.push_str(&format!(
            "<text x=\"0\" y=\"{}\" font-size=\"13\">{}</text><rect x=\"220\" y=\"{}\" width=\"{w}\" height=\"16\" fill=\"#3b7dd8\"/><text x=\"{}\" y=\"{}\" font-size=\"13\">{v}</text>",
            y + 14,
            escape(k),
            y + 2,
            226 + w,
            y + 14
        ));
    }
    svg + "</svg>"
}

/// A number for an SVG attribute: one decimal, no exponent.
pub(super) fn n(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.1}")
    } else {
        "0".into()
    }
}
