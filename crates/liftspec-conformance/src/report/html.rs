//! The HTML certificate: one self-contained page (no scripts, no external resources) that names
//! the implementation, the suite and its hash, and shows the results per clause and every
//! failing case with what was expected and what came back.

use std::fmt::Write;

use super::{escape, per_clause, show_actual, show_expected};
use crate::runner::{Outcome, Run};

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#1b1b1b}\
h1{font-size:1.5rem;margin-bottom:.2rem}table{border-collapse:collapse;width:100%;margin:1rem 0}\
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}\
th{background:#f2f2f2}code,pre{font:13px ui-monospace,monospace;white-space:pre-wrap;word-break:break-all}\
.verdict{font-size:1.2rem;padding:.6rem 1rem;border-radius:.3rem;display:inline-block}\
.ok{background:#e3f4e1;color:#14521a}.bad{background:#fbe3e1;color:#7a1410}\
.sign{margin-top:3rem;display:flex;gap:3rem}.sign div{border-top:1px solid #555;flex:1;padding-top:.3rem}";

/// The certificate page.
pub fn certificate(run: &Run) -> String {
    let mut h = String::new();
    let verdict = if run.ok() {
        "<span class=\"verdict ok\">Conforms: every case passed</span>".to_owned()
    } else {
        format!(
            "<span class=\"verdict bad\">Does not conform: {} case(s) failed</span>",
            run.failed()
        )
    };
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>liftspec conformance: {name} {version}</title><style>{STYLE}</style></head><body>\n\
<h1>liftspec unified interface — conformance certificate</h1>\n\
<p>{verdict}</p>\n<p><strong>{summary}</strong></p>\n\
<table><tr><th>implementation</th><td>{name}</td></tr>\
<tr><th>version</th><td>{version}</td></tr>\
<tr><th>adapter command</th><td><code>{command}</code></td></tr>\
<tr><th>suite</th><td>liftspec conformance {suite} (docs/protocol.md, version 2)</td></tr>\
<tr><th>SHA-256 of the cases</th><td><code>{hash}</code></td></tr>\
<tr><th>run started</th><td>{started}</td></tr>\
<tr><th>timeout per case</th><td>{timeout} ms</td></tr></table>\n",
        name = escape(&run.implementation.name),
        version = escape(&run.implementation.version),
        command = escape(&run.command),
        suite = escape(&run.suite_version),
        hash = escape(&run.suite_hash),
        started = escape(&run.started_at),
        timeout = run.timeout_ms,
        summary = escape(&run.summary()),
    );
    h.push_str("<h2>Results per clause</h2>\n<table><tr><th>clause</th><th>passed</th><th>failed</th><th>expected failures</th></tr>\n");
    for (clause, (pass, fail, xfail)) in per_clause(run) {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{pass}</td><td>{fail}</td><td>{xfail}</td></tr>",
            escape(clause)
        );
    }
    h.push_str("</table>\n");
    let failing: Vec<_> = run
        .results
        .iter()
        .filter(|r| r.outcome != Outcome::Pass)
        .collect();
    if failing.is_empty() {
        h.push_str("<h2>Failing cases</h2>\n<p>None.</p>\n");
    } else {
        h.push_str("<h2>Failing cases</h2>\n<table><tr><th>case</th><th>clause</th><th>expected</th><th>actual</th></tr>\n");
        for r in failing {
            let note = match r.outcome {
                Outcome::ExpectedFailure => " <em>(on the expected-failure list)</em>",
                Outcome::UnexpectedPass => {
                    " <em>(passes, but is on the expected-failure list)</em>"
                }
                _ => "",
            };
            let step = r
                .step
                .as_deref()
                .map(|s| format!(" <em>({})</em>", escape(s)))
                .unwrap_or_default();
            let _ = writeln!(
                h,
                "<tr><td><code>{}</code>{note}{step}<br>{}</td><td>{}</td><td><pre>{}</pre></td><td><pre>{}</pre></td></tr>",
                escape(&r.id),
                escape(&r.description),
                escape(&r.clause),
                escape(&show_expected(&r.expected)),
                escape(&show_actual(&r.actual)),
            );
        }
        h.push_str("</table>\n");
    }
    h.push_str("<div class=\"sign\"><div>certifier, date</div><div>inspection body, seal</div></div>\n</body></html>\n");
    h
}
