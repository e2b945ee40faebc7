//! The conformance suite's adapter side on arbitrary input: the question reader and the answer
//! reader never panic, and the reference answers any frame, stream or usage-sign request (bytes
//! as they come) without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use liftspec_conformance::adapter::{parse_question, Question, Reply};
use liftspec_conformance::case::{FrameInput, Request};
use liftspec_conformance::generate::sample;
use liftspec_conformance::reference;

fuzz_target!(|data: &[u8]| {
    let hex: String = data.iter().map(|b| format!("{b:02x}")).collect();
    let _ = reference::answer(&Request::Frame {
        input: FrameInput::Hex(hex.clone()),
        credentials: sample::credentials(),
        installation: sample::INSTALLATION,
    });
    let _ = reference::answer(&Request::Stream { hex });
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
