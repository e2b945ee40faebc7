//! Running a stateful scenario: its steps put in order to one implementation, each answer
//! checked before the next step. Frames in an answer (a terminal's sends, a platform's
//! replies) are decoded and verified with the session's keys, and compared in their JSON form
//! (`docs/protocol.md` §10), so a pattern names what the text fixes (kind, numbers, body) and
//! a frame that does not verify can never match.

use std::collections::BTreeMap;

use liftspec_protocol::auth::DeviceCredentials;
use liftspec_protocol::{json, receive};
use serde_json::{json, Value};

use crate::adapter::Answer;
use crate::case::{Expected, Request, Scenario};
use crate::runner::{satisfies, Actual};

/// Whether `pattern` matches `value`: an object when each of its members matches the value's
/// member of that name (other members are not compared), an array when it has as many elements
/// and each matches in order, anything else when equal.
///
/// ```
/// use liftspec_conformance::scenario::matches;
/// use serde_json::json;
/// assert!(matches(&json!({"seq": 1}), &json!({"seq": 1, "epoch": 7})));
/// assert!(!matches(&json!([{"seq": 1}]), &json!([{"seq": 1}, {"seq": 2}])));
/// ```
pub fn matches(pattern: &Value, value: &Value) -> bool {
    match (pattern, value) {
        (Value::Object(p), Value::Object(v)) => p
            .iter()
            .all(|(k, pv)| v.get(k).is_some_and(|vv| matches(pv, vv))),
        (Value::Array(p), Value::Array(v)) => {
            p.len() == v.len() && p.iter().zip(v).all(|(a, b)| matches(a, b))
        }
        (p, v) => p == v,
    }
}

/// The keys each session of a scenario was started with, to verify the frames in its answers.
#[derive(Default)]
pub struct Sessions {
    credentials: BTreeMap<String, DeviceCredentials>,
}

impl Sessions {
    /// Notes the keys of a start step (other steps change nothing).
    pub fn observe(&mut self, request: &Request) {
        let credentials = match request {
            Request::TerminalStart { session, keys, .. } => {
                keys.device_keys().ok().map(|k| (session, k.credentials()))
            }
            Request::PlatformStart {
                session,
                credentials,
                ..
            } => credentials.device_credentials().ok().map(|c| (session, c)),
            _ => None,
        };
        if let Some((session, credentials)) = credentials {
            self.credentials.insert(session.clone(), credentials);
        }
    }

    /// An accepted answer as it is compared: for a terminal's poll every frame in `frames`, and
    /// for a platform's receive every frame in `replies` (sorted by kind: Ack, Nack, Resume,
    /// Command, as the text does not order them), becomes its verified JSON form, or
    /// `{"hex": …, "refused": code}` when it does not decode or verify.
    pub fn view(&self, request: &Request, answer: Value) -> Value {
        let (member, sort) = match request {
            Request::TerminalPoll { .. } => ("frames", false),
            Request::PlatformReceive { .. } => ("replies", true),
            _ => return answer,
        };
        let credentials = request.session().and_then(|s| self.credentials.get(s));
        let mut answer = answer;
        if let Some(Value::Array(frames)) = answer.get_mut(member) {
            let mut viewed: Vec<(u8, Value)> =
                frames.iter().map(|f| frame_view(f, credentials)).collect();
            if sort {
                viewed.sort_by_key(|(kind, _)| *kind);
            }
            *frames = viewed.into_iter().map(|(_, v)| v).collect();
        }
        answer
    }
}

/// One frame's JSON form after decoding and verifying it with the session's credentials, and
/// its kind byte (255 when it has none).
fn frame_view(frame: &Value, credentials: Option<&DeviceCredentials>) -> (u8, Value) {
    let Some(hex) = frame.as_str() else {
        return (255, json!({ "refused": "request.not_hex", "value": frame }));
    };
    let refused = |code: &str| (255, json!({ "hex": hex, "refused": code }));
    let Some(bytes) = crate::unhex(hex) else {
        return refused("request.bad_hex");
    };
    let Some(credentials) = credentials else {
        return refused("runner.no_session");
    };
    let decoded = match receive::authenticate(&bytes, Some(credentials)) {
        Ok(f) => f,
        Err(e) => return refused(e.code()),
    };
    let kind = decoded.envelope.body.kind();
    match json::decoded_to_json(decoded, &bytes)
        .ok()
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
    {
        Some(v) => (kind as u8, v),
        None => refused("json.output"),
    }
}

/// How a scenario went: the step that decided it (the first that failed, or the last), its
/// expectation and what came back.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioRun {
    /// The deciding step's index (from 0).
    pub step: usize,
    /// Whether every step got its answer.
    pub passed: bool,
    /// The deciding step's expectation.
    pub expected: Expected,
    /// What came back for it (frames in their JSON form).
    pub actual: Actual,
}

/// The id of a scenario's step `index` in the adapter protocol: `<scenario id>#<n>`, from 1.
pub fn step_id(scenario: &Scenario, index: usize) -> String {
    format!("{}#{}", scenario.id, index + 1)
}

/// Runs a scenario's steps through `ask` (given the step's question id and request), stopping
/// at the first step whose answer is not the expected one.
///
/// ```
/// use liftspec_conformance::{generate, reference::Reference, runner::Actual, scenario};
/// let suite = generate::suite()?;
/// let mut reference = Reference::default();
/// for s in suite.scenarios() {
///     let run = scenario::run(s, |_, request| Actual::Answer(reference.answer(request)));
///     assert!(run.passed, "{}", s.id);
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run(scenario: &Scenario, mut ask: impl FnMut(&str, &Request) -> Actual) -> ScenarioRun {
    let mut sessions = Sessions::default();
    let mut last = ScenarioRun {
        step: 0,
        passed: scenario.steps.is_empty(),
        expected: Expected::Match(Value::Null),
        actual: Actual::Answer(Answer::Unsupported("no steps".into())),
    };
    for (i, step) in scenario.steps.iter().enumerate() {
        sessions.observe(&step.request);
        let actual = match ask(&step_id(scenario, i), &step.request) {
            Actual::Answer(Answer::Accept(v)) => {
                Actual::Answer(Answer::Accept(sessions.view(&step.request, v)))
            }
            other => other,
        };
        let passed = satisfies(&step.expect, &actual);
        last = ScenarioRun {
            step: i,
            passed,
            expected: step.expect.clone(),
            actual,
        };
        if !passed {
            break;
        }
    }
    last
}
