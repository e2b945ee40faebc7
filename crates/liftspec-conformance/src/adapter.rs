//! The adapter protocol (`docs/conformance.md`): JSON lines between the runner and the
//! implementation under test, over the adapter's stdin and stdout.
//!
//! The runner writes one line per question, `{"id": …, "request": {"op": …, …}}`; the adapter
//! answers each with one line carrying the same `id` and exactly one of `accept` (a value),
//! `reject` (`{"code": …, "path": …}`) or `unsupported` (a reason). The first question of every
//! start is `hello`; its answer names the implementation.

use std::io::{BufRead, Write};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::case::{Rejection, Request};

/// The id of the first question.
pub const HELLO_ID: &str = "hello";

/// An answer to one question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Answer {
    /// Accepted, with the value the operation defines.
    Accept(Value),
    /// Rejected, with the stable code (and path).
    Reject(Rejection),
    /// The implementation does not do this operation (it fails the case).
    Unsupported(String),
}

/// One line from the adapter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    /// The question's id.
    pub id: String,
    /// The answer.
    #[serde(flatten)]
    pub answer: Answer,
}

/// What `hello` is answered with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Implementation {
    /// The implementation's name.
    pub name: String,
    /// Its version.
    pub version: String,
}

/// A question as the adapter reads it.
#[derive(Debug, Clone, PartialEq)]
pub enum Question {
    /// The first question: who are you?
    Hello {
        /// The suite's version.
        suite_version: String,
    },
    /// A case's request.
    Case(Request),
}

/// The line the runner writes for a question.
pub fn question_line(id: &str, request: &Request) -> String {
    serde_json::json!({ "id": id, "request": request }).to_string()
}

/// The line the runner writes for `hello`.
pub fn hello_line() -> String {
    serde_json::json!({
        "id": HELLO_ID,
        "request": { "op": "hello", "suiteVersion": crate::case::SUITE_VERSION },
    })
    .to_string()
}

/// Reads a question line: its id and the question, or why it is not one.
pub fn parse_question(line: &str) -> Result<(String, Question), String> {
    let value: Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
    let id = value
        .get("id")
        .and_then(Value::as_str)
        .ok_or("no string member id")?
        .to_owned();
    let request = value.get("request").ok_or("no member request")?;
    if request.get("op").and_then(Value::as_str) == Some("hello") {
        let suite_version = request
            .get("suiteVersion")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        return Ok((id, Question::Hello { suite_version }));
    }
    let request = Request::deserialize(request).map_err(|e| e.to_string())?;
    Ok((id, Question::Case(request)))
}

/// Serves the adapter protocol over `input` and `output` until `input` ends: every question is
/// answered by `answer`, `hello` with `me`. A line that is not a question is answered
/// `unsupported` with the reason, under its id when it has one.
///
/// ```
/// use liftspec_conformance::adapter::{serve, Implementation};
/// let me = Implementation { name: "demo".into(), version: "1".into() };
/// let input = br#"{"id":"hello","request":{"op":"hello","suiteVersion":"1.0.0"}}"#;
/// let mut out = Vec::new();
/// serve(&input[..], &mut out, &me, liftspec_conformance::reference::answer)?;
/// assert!(String::from_utf8(out)?.contains(r#""name":"demo""#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn serve(
    input: impl BufRead,
    mut output: impl Write,
    me: &Implementation,
    mut answer: impl FnMut(&Request) -> Answer,
) -> std::io::Result<()> {
    for line in input.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let reply = match parse_question(&line) {
            Ok((id, Question::Hello { .. })) => Reply {
                id,
                answer: Answer::Accept(serde_json::to_value(me).unwrap_or(Value::Null)),
            },
            Ok((id, Question::Case(request))) => Reply {
                id,
                answer: answer(&request),
            },
            Err(reason) => Reply {
                id: serde_json::from_str::<Value>(&line)
                    .ok()
                    .and_then(|v| v.get("id").and_then(Value::as_str).map(str::to_owned))
                    .unwrap_or_default(),
                answer: Answer::Unsupported(format!("not a question: {reason}")),
            },
        };
        let text = serde_json::to_string(&reply).map_err(std::io::Error::other)?;
        writeln!(output, "{text}")?;
        output.flush()?;
    }
    Ok(())
}
