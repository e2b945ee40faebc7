//! The timeline of the run: frames and detections per virtual minute, and each rescue from its
//! first report to the passengers' release against its Hangzhou Reg. Art. 30 limit (30 minutes
//! in the built-up area, an hour elsewhere, counted from when the unit received the report).

use super::escape;
use super::svg::n;

/// What the timeline draws; minutes count from the start of the simulation.
#[derive(serde::Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Timeline {
    /// Frames received in each virtual minute.
    pub(crate) frames_per_minute: Vec<u64>,
    /// Detections raised in each virtual minute.
    pub(crate) detections_per_minute: Vec<u32>,
    /// The rescues, in the order they were reported.
    pub(crate) rescues: Vec<RescueSpan>,
}

/// One rescue on the timeline, in minutes from the start of the simulation.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RescueSpan {
    pub(crate) lift: String,
    pub(crate) reported_min: f64,
    /// When the responding unit received the report: where Art. 30's clock starts.
    pub(crate) notified_min: f64,
    pub(crate) arrived_min: Option<f64>,
    pub(crate) released_min: Option<f64>,
    /// The Art. 30 limit for this lift, minutes.
    pub(crate) limit_min: f64,
    pub(crate) within_limit: bool,
}

/// The virtual minute of a time `at_ms` in a run that started at `start_ms` and whose last
/// minute is `last`: a time before the start counts in minute 0 and one past the end in `last`,
/// so no clock, however wrong, can grow the per-minute series.
pub(crate) fn minute_index(at_ms: i64, start_ms: i64, last: usize) -> usize {
    usize::try_from(at_ms.saturating_sub(start_ms) / 60_000)
        .unwrap_or(0)
        .min(last)
}

const LEFT: f64 = 130.0;
const WIDTH: f64 = 800.0;

/// The timeline section of the page.
pub(super) fn section(t: &Timeline) -> String {
    let end = t
        .rescues
        .iter()
        .filter_map(|r| r.released_min.or(r.arrived_min))
        .chain(t.rescues.iter().map(|r| r.notified_min + r.limit_min))
        .fold(t.frames_per_minute.len().max(1) as f64, f64::max);
    let x = |minute: f64| LEFT + minute / end * WIDTH;
    let mut out = String::from("<h2>Timeline</h2>");
    // Frames and detections per minute, one chart with two scales.
    let max_frames = t
        .frames_per_minute
        .iter()
        .copied()
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let max_det = f64::from(
        t.detections_per_minute
            .iter()
            .copied()
            .max()
            .unwrap_or(1)
            .max(1),
    );
    let h = 120.0;
    out.push_str(&format!(
        "<svg id=\"timeline-traffic\" width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"frames and detections per minute\">",
        n(LEFT + WIDTH + 20.0),
        n(h + 40.0)
    ));
    for (minute, d) in t.detections_per_minute.iter().enumerate() {
        if *d > 0 {
            let bh = f64::from(*d) / max_det * h;
            out.push_str(&format!(
                "<rect class=\"detections\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#f0a35e\"><title>minute {minute}: {d} detections</title></rect>",
                n(x(minute as f64)),
                n(10.0 + h - bh),
                n((WIDTH / end - 1.0).max(1.0)),
                n(bh)
            ));
        }
    }
    let points: Vec<String> = t
        .frames_per_minute
        .iter()
        .enumerate()
        .map(|(minute, f)| {
            format!(
                "{},{}",
                n(x(minute as f64 + 0.5)),
                n(10.0 + h - *f as f64 / max_frames * h)
            )
        })
        .collect();
    out.push_str(&format!(
        "<polyline class=\"frames\" points=\"{}\" fill=\"none\" stroke=\"#3b7dd8\" stroke-width=\"1.8\"/>",
        points.join(" ")
    ));
    out.push_str(&format!(
        "<text x=\"0\" y=\"24\" font-size=\"12\" fill=\"#3b7dd8\">frames/min (max {max_frames:.0})</text>\
<text x=\"0\" y=\"42\" font-size=\"12\" fill=\"#c46f1f\">detections/min (max {max_det:.0})</text>"
    ));
    out.push_str(&axis(x, end, h + 24.0));
    out.push_str("</svg>");
    // The rescues, one row each.
    let row = 18.0;
    out.push_str(&format!(
        "<h3>Rescues, report to release, against the Art. 30 limit</h3><svg id=\"timeline-rescues\" width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"each rescue against its limit\">",
        n(LEFT + WIDTH + 20.0),
        n(row * t.rescues.len() as f64 + 34.0)
    ));
    for (i, r) in t.rescues.iter().enumerate() {
        let y = 4.0 + row * i as f64;
        let colour = if r.within_limit { "#1f8a4c" } else { "#c0262d" };
        let done = r.released_min.or(r.arrived_min).unwrap_or(end);
        out.push_str(&format!(
            "<g class=\"rescue\" data-within-limit=\"{}\"><text x=\"0\" y=\"{}\" font-size=\"11\">{}</text>\
<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"10\" fill=\"{colour}\" opacity=\"0.75\"><title>reported at minute {:.1}; unit notified {:.1}; arrived {}; released {}</title></rect>\
<line class=\"limit\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"#1d2733\" stroke-width=\"2\"><title>Art. 30 limit: {:.0} min after the unit was notified</title></line>",
            r.within_limit,
            n(y + 10.0),
            escape(&r.lift),
            n(x(r.reported_min)),
            n(y + 1.0),
            n((x(done) - x(r.reported_min)).max(1.0)),
            r.reported_min,
            r.notified_min,
            r.arrived_min.map_or("no".into(), |m| format!("{m:.1}")),
            r.released_min.map_or("no".into(), |m| format!("{m:.1}")),
            n(x(r.notified_min + r.limit_min)),
            n(x(r.notified_min + r.limit_min)),
            n(y - 1.0),
            n(y + 13.0),
            r.limit_min
        ));
        if let Some(a) = r.arrived_min {
            out.push_str(&format!(
                "<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"#1d2733\"><title>crew on site</title></circle>",
                n(x(a)),
                n(y + 6.0)
            ));
        }
        out.push_str("</g>");
    }
    out.push_str(&axis(x, end, row * t.rescues.len() as f64 + 20.0));
    out.push_str("</svg><p class=\"legend\">Bars run from the first report to release; ● the crew on site; | the Art. 30 limit counted from when the unit received the report. Green: on site within the limit.</p>");
    out
}

/// A minute axis at height `y`, a tick every ten or thirty minutes.
fn axis(x: impl Fn(f64) -> f64, end: f64, y: f64) -> String {
    let step = if end > 240.0 {
        60
    } else if end > 90.0 {
        30
    } else {
        10
    };
    let mut out = format!(
        "<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"#8d9bb0\"/>",
        n(x(0.0)),
        n(x(end)),
        n(y - 10.0),
        n(y - 10.0)
    );
    let mut m = 0;
    while f64::from(m) <= end {
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#5b6675\">{m} min</text>",
            n(x(f64::from(m))),
            n(y + 2.0)
        ));
        m += step;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::minute_index;

    #[test]
    fn a_time_falls_in_its_minute_and_never_outside_the_run() {
        let start = 1_000_000;
        assert_eq!(minute_index(start, start, 120), 0);
        assert_eq!(minute_index(start + 59_999, start, 120), 0);
        assert_eq!(minute_index(start + 60_000, start, 120), 1);
        assert_eq!(minute_index(start + 60_001, start, 120), 1);
        assert_eq!(minute_index(start - 1, start, 120), 0);
        assert_eq!(minute_index(start + 120 * 60_000, start, 120), 120);
        assert_eq!(minute_index(start + 121 * 60_000, start, 120), 120);
        assert_eq!(minute_index(i64::MAX, start, 120), 120);
        assert_eq!(minute_index(i64::MIN, start, 120), 0);
        assert_eq!(minute_index(i64::MAX, i64::MIN, 120), 120);
    }
}
