//! The text summary `liftspec city` prints: plain figures, one line per stage.

use std::collections::BTreeMap;

use super::Summary;
use crate::paint::Paint;

/// Counts by kind as `A 3, B 1` (`none` when empty).
pub(super) fn counts(data: &BTreeMap<String, u32>) -> String {
    if data.is_empty() {
        return "none".into();
    }
    data.iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The summary's lines, as printed (without colour when `p` is plain).
pub(crate) fn lines(s: &Summary, elapsed_s: f64, p: Paint) -> Vec<String> {
    let lowest = s.lowest_credit.first().map_or("no units".into(), |l| {
        if l.largest_deduction.is_empty() {
            format!("{} {:.1} (grade {})", l.unit, l.score, l.grade)
        } else {
            format!(
                "{} {:.1} (grade {}), largest deduction: {}",
                l.unit, l.score, l.grade, l.largest_deduction
            )
        }
    });
    vec![
        format!(
            "{} (seed {}): {} lifts, {} buildings, {} maintenance units.",
            p.bold("City"),
            s.seed,
            s.lifts,
            s.buildings,
            s.maintenance_units
        ),
        format!(
            "{}: {} frames in {:.1} s ({:.0} frames/s through decode, verify, validate, sequence, detect); {}.",
            p.bold("Protocol"),
            s.frames,
            elapsed_s,
            s.frames_per_second,
            p.verdict(s.rejected_frames == 0, format!("{} rejected", s.rejected_frames))
        ),
        format!("{}: {}.", p.bold("Faults injected"), counts(&s.faults_injected)),
        format!("{}: {}.", p.bold("Detections"), counts(&s.detections)),
        format!(
            "{}: {}.",
            p.bold("Injected faults detected"),
            p.verdict(
                s.injected_faults_detected_percent >= 99.0,
                format!("{:.1} %", s.injected_faults_detected_percent)
            )
        ),
        format!(
            "{}: {} entrapments dispatched; {}, mean arrival {:.1} min after the unit received the report (the platform's own delay: {:.1} min); {} cross-unit (Art. 37), {} to the fire service.",
            p.bold("Rescue"),
            s.rescue.incidents,
            p.verdict(
                s.rescue.within_limit == s.rescue.incidents,
                format!("{} within the Art. 30 limit", s.rescue.within_limit)
            ),
            s.rescue.mean_arrival_min,
            s.rescue.mean_platform_delay_min,
            s.rescue.cross_unit,
            s.rescue.fire_service
        ),
        format!(
            "{} (2025): {}; lowest: {lowest}.",
            p.bold("Credit grades"),
            counts(&s.credit_grades)
        ),
        format!(
            "{}: {} of {} lifts have an Art. 32 trigger.",
            p.bold("Risk"),
            s.risk_triggered,
            s.lifts
        ),
    ]
}

/// Prints the summary on standard output.
pub(crate) fn print(s: &Summary, elapsed_s: f64) {
    for line in lines(s, elapsed_s, Paint::stdout()) {
        println!("{line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_plain_figures_not_debug_syntax() {
        let mut m = BTreeMap::new();
        m.insert("C".to_string(), 1);
        m.insert("D".to_string(), 2);
        assert_eq!(counts(&m), "C 1, D 2");
        assert_eq!(counts(&BTreeMap::new()), "none");
    }
}
