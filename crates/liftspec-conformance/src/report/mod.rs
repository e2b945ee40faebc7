//! A run's reports: JSON (the whole run), JUnit XML (for CI systems) and a self-contained HTML
//! certificate for a certifier to sign.

mod html;
mod junit;

pub use html::certificate;
pub use junit::junit;

use std::collections::BTreeMap;

use crate::runner::{Outcome, Run};

/// The run as pretty JSON.
pub fn json(run: &Run) -> String {
    serde_json::to_string_pretty(run).unwrap_or_default() + "\n"
}

/// Results counted per clause, in the specification's order (§2 before §10): the clause with
/// its (passed, failed, expected failures).
pub fn per_clause(run: &Run) -> Vec<(&str, (usize, usize, usize))> {
    let mut out: BTreeMap<(Vec<u32>, &str), (usize, usize, usize)> = BTreeMap::new();
    for r in &run.results {
        let e = out
            .entry((section(&r.clause), r.clause.as_str()))
            .or_default();
        match r.outcome {
            Outcome::Pass => e.0 += 1,
            Outcome::Fail | Outcome::UnexpectedPass => e.1 += 1,
            Outcome::ExpectedFailure => e.2 += 1,
        }
    }
    out.into_iter()
        .map(|((_, clause), n)| (clause, n))
        .collect()
}

/// The section numbers a clause starts with (`§8.4 body rules` → [8, 4]).
fn section(clause: &str) -> Vec<u32> {
    clause
        .trim_start_matches('§')
        .split(|c: char| !c.is_ascii_digit() && c != '.')
        .next()
        .unwrap_or_default()
        .split('.')
        .filter_map(|n| n.parse().ok())
        .collect()
}

/// Escapes text for XML and HTML.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // XML 1.0 has no way to carry other control characters.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// A compact description of what was expected, for failure messages.
pub(crate) fn show_expected(e: &crate::case::Expected) -> String {
    match e {
        crate::case::Expected::Accept(v) => format!("accept {v}"),
        crate::case::Expected::Reject(r) => match &r.path {
            Some(p) => format!("reject {} at {p}", r.code),
            None => format!("reject {}", r.code),
        },
        crate::case::Expected::Match(v) => format!("accept a value matching {v}"),
    }
}

/// A compact description of what happened.
pub(crate) fn show_actual(a: &crate::runner::Actual) -> String {
    use crate::adapter::Answer;
    use crate::runner::Actual;
    match a {
        Actual::Answer(Answer::Accept(v)) => format!("accept {v}"),
        Actual::Answer(Answer::Reject(r)) => match &r.path {
            Some(p) => format!("reject {} at {p}", r.code),
            None => format!("reject {}", r.code),
        },
        Actual::Answer(Answer::Unsupported(why)) => format!("unsupported: {why}"),
        Actual::Timeout(ms) => format!("no answer within {ms} ms (killed)"),
        Actual::Crashed(why) => format!("crashed: {why}"),
        Actual::BadReply(why) => format!("not an answer: {why}"),
    }
}
