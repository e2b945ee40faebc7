//! JUnit XML: one test suite per case group, one test case per case.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{escape, show_actual, show_expected};
use crate::runner::{CaseResult, Outcome, Run};

/// The run as JUnit XML (the schema Jenkins, GitLab and GitHub read). Expected failures are
/// `skipped` with the reason; unexpected passes are failures (the list is out of date).
pub fn junit(run: &Run) -> String {
    let mut groups: BTreeMap<&str, Vec<&CaseResult>> = BTreeMap::new();
    for r in &run.results {
        groups.entry(r.group.as_str()).or_default().push(r);
    }
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<testsuites name=\"liftspec conformance {} ({})\" tests=\"{}\" failures=\"{}\" skipped=\"{}\">",
        escape(&run.suite_version),
        escape(&run.implementation.name),
        run.results.len(),
        run.failed(),
        run.expected_failures(),
    );
    for (group, cases) in groups {
        let failures = cases
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Fail | Outcome::UnexpectedPass))
            .count();
        let skipped = cases
            .iter()
            .filter(|r| r.outcome == Outcome::ExpectedFailure)
            .count();
        let seconds: f64 = cases.iter().map(|r| r.micros as f64 / 1e6).sum();
        let _ = writeln!(
            x,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\" time=\"{seconds:.6}\">",
            escape(group),
            cases.len(),
        );
        for r in cases {
            let _ = write!(
                x,
                "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.6}\"",
                escape(&r.clause),
                escape(&r.id),
                r.micros as f64 / 1e6
            );
            let step = r
                .step
                .as_deref()
                .map(|s| format!("{s}\n"))
                .unwrap_or_default();
            let detail = format!(
                "{step}expected: {}\nactual: {}",
                show_expected(&r.expected),
                show_actual(&r.actual)
            );
            match r.outcome {
                Outcome::Pass => x.push_str("/>\n"),
                Outcome::Fail => {
                    let _ = writeln!(
                        x,
                        ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>",
                        escape(&r.description),
                        escape(&detail)
                    );
                }
                Outcome::UnexpectedPass => {
                    let _ = writeln!(
                        x,
                        ">\n      <failure message=\"passes, but is on the expected-failure list: remove it\">{}</failure>\n    </testcase>",
                        escape(&detail)
                    );
                }
                Outcome::ExpectedFailure => {
                    let _ = writeln!(
                        x,
                        ">\n      <skipped message=\"on the expected-failure list\">{}</skipped>\n    </testcase>",
                        escape(&detail)
                    );
                }
            }
        }
        x.push_str("  </testsuite>\n");
    }
    x.push_str("</testsuites>\n");
    x
}
