//! The conformance suite's adapter side on arbitrary input: the question reader and the answer
//! reader never panic, and the reference answers any frame, stream or usage-sign request (bytes
//! as they come) without panicking, statelessly and as a terminal and a platform in scenario
//! sessions.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use liftspec_conformance::adapter::{parse_question, Question, Reply};
use liftspec_conformance::case::{FrameInput, Request};
use liftspec_conformance::generate::sample;
use liftspec_conformance::reference::{self, Reference};
use liftspec_model::time::Timestamp;

/// The suite's two start steps (a terminal's, a platform's), generated once.
fn starts() -> &'static [Request] {
    static STARTS: OnceLock<Vec<Request>> = OnceLock::new();
    STARTS.get_or_init(|| {
        let suite = liftspec_conformance::generate::suite().expect("the suite generates");
        ["terminalStart", "platformStart"]
            .iter()
            .filter_map(|op| {
                suite
                    .scenarios()
                    .map(|s| s.steps[0].request.clone())
                    .find(|q| q.op() == *op)
            })
            .collect()
    })
}

/// Arbitrary frame bytes and bodies through scenario sessions.
fn sessions(hex: &str, text: Option<&str>) {
    let mut r = Reference::default();
    let mut names = Vec::new();
    for start in starts() {
        let _ = r.answer(start);
        names.push(start.session().unwrap_or_default().to_owned());
    }
    let at = Timestamp::from_millis(sample::T0);
    for session in names {
        let frame = hex.to_owned();
        let _ = r.answer(&Request::TerminalReceive {
            session: session.clone(),
            at,
            frame: frame.clone(),
        });
        let _ = r.answer(&Request::PlatformReceive {
            session: session.clone(),
            at,
            frame,
        });
        if let Some(text) = text {
            let body = serde_json::from_str(text).unwrap_or(serde_json::Value::Null);
            let _ = r.answer(&Request::TerminalEnqueue {
                session: session.clone(),
                at,
                body,
            });
        }
        let _ = r.answer(&Request::TerminalPoll { session, at });
    }
}

fuzz_target!(|data: &[u8]| {
    let hex: String = data.iter().map(|b| format!("{b:02x}")).collect();
    let _ = reference::answer(&Request::Frame {
        input: FrameInput::Hex(hex.clone()),
        credentials: sample::credentials(),
        installation: sample::INSTALLATION,
    });
    let _ = reference::answer(&Request::Stream { hex: hex.clone() });
    sessions(&hex, core::str::from_utf8(data).ok());
    if let Ok(text) = core::str::from_utf8(data) {
        let _ = reference::answer(&Request::UsageSign {
            payload: text.to_owned(),
        });
        let _ = reference::answer(&Request::Frame {
            input: FrameInput::Json(text.to_owned()),
            credentials: sample::credentials(),
            installation: sample::INSTALLATION,
        });
        if let Ok((_, Question::Case(request))) = parse_question(text) {
            let _ = reference::answer(&request);
        }
        let _ = serde_json::from_str::<Reply>(text);
    }
});
