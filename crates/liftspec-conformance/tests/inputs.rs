//! No input panics the adapter side: the question and answer readers, the expected-failure
//! list, the reference answering arbitrary bytes and text (statelessly, and as a terminal or a
//! platform in a scenario session), and the scenario runner's view of arbitrary answers.

use liftspec_conformance::adapter::{parse_question, Answer, Reply};
use liftspec_conformance::case::{FrameInput, Request};
use liftspec_conformance::generate::sample;
use liftspec_conformance::{reference, runner};
use proptest::prelude::*;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn frame(input: FrameInput) -> Request {
    Request::Frame {
        input,
        credentials: sample::credentials(),
        installation: sample::INSTALLATION,
    }
}

/// A reference with a terminal session `t` and a platform session `p` started as the suite's
/// scenarios start them.
fn started() -> reference::Reference {
    let suite = liftspec_conformance::generate::suite().unwrap();
    let mut r = reference::Reference::default();
    for (op, session) in [("terminalStart", "t"), ("platformStart", "p")] {
        let mut start = suite
            .scenarios()
            .map(|s| s.steps[0].request.clone())
            .find(|q| q.op() == op)
            .unwrap();
        match &mut start {
            Request::TerminalStart { session: s, .. }
            | Request::PlatformStart { session: s, .. } => *s = session.to_owned(),
            _ => unreachable!(),
        }
        assert!(matches!(r.answer(&start), Answer::Accept(_)));
    }
    r
}

fn at() -> liftspec_model::time::Timestamp {
    liftspec_model::time::Timestamp::from_millis(sample::T0)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_scenario_session_answers_arbitrary_frames_and_bodies(
        bytes in proptest::collection::vec(any::<u8>(), 0..200),
        text in "\\PC{0,80}",
    ) {
        let mut r = started();
        let frame = hex(&bytes);
        let body = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
        let requests = [
            Request::TerminalReceive { session: "t".into(), at: at(), frame: frame.clone() },
            Request::PlatformReceive { session: "p".into(), at: at(), frame: frame.clone() },
            Request::TerminalEnqueue { session: "t".into(), at: at(), body },
            Request::TerminalPoll { session: "t".into(), at: at() },
            Request::TerminalReboot { session: "t".into(), at: at() },
            Request::PlatformReceive { session: "t".into(), at: at(), frame },
        ];
        for request in requests {
            let answer = r.answer(&request);
            prop_assert!(matches!(answer, Answer::Accept(_) | Answer::Reject(_)), "{answer:?}");
            // The runner's view of an answer full of arbitrary "frames" never panics either.
            let mut sessions = liftspec_conformance::scenario::Sessions::default();
            let junk = serde_json::json!({ "frames": [hex(&bytes), 7, null], "replies": [hex(&bytes)] });
            let _ = sessions.view(&request, junk);
            sessions.observe(&request);
        }
    }

    #[test]
    fn a_platform_refuses_a_status_with_one_bit_flipped(at_byte in 0usize..64, bit in 0u8..8) {
        let mut r = started();
        let mut bytes = sample::valid(1, &sample::bodies()[1].1);
        let i = at_byte % bytes.len();
        bytes[i] ^= 1 << bit;
        let answer = r.answer(&Request::PlatformReceive { session: "p".into(), at: at(), frame: hex(&bytes) });
        // Refused, or (a flipped bit can never verify) nothing delivered.
        prop_assert!(matches!(answer, Answer::Reject(_)), "{answer:?}");
    }
}

proptest! {
    #[test]
    fn arbitrary_bytes_are_answered_not_panicked_on(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        for request in [frame(FrameInput::Hex(hex(&bytes))), Request::Stream { hex: hex(&bytes) }] {
            let answer = reference::answer(&request);
            prop_assert!(matches!(answer, Answer::Accept(_) | Answer::Reject(_)));
        }
    }

    #[test]
    fn a_valid_frame_with_one_bit_flipped_is_refused(at in 0usize..64, bit in 0u8..8) {
        let mut bytes = sample::valid(1, &sample::bodies()[1].1);
        let at = at % bytes.len();
        bytes[at] ^= 1 << bit;
        // Every byte is covered by the tag: nothing altered is ever accepted.
        let answer = reference::answer(&frame(FrameInput::Hex(hex(&bytes))));
        prop_assert!(matches!(answer, Answer::Reject(_)), "{answer:?}");
    }

    #[test]
    fn arbitrary_text_is_answered_not_panicked_on(text in "\\PC{0,120}") {
        for request in [frame(FrameInput::Json(text.clone())), Request::UsageSign { payload: text.clone() }] {
            let answer = reference::answer(&request);
            prop_assert!(matches!(answer, Answer::Accept(_) | Answer::Reject(_)));
        }
        let _ = parse_question(&text);
        let _ = serde_json::from_str::<Reply>(&text);
        let ids = runner::parse_expected_failures(&text);
        prop_assert!(ids.iter().all(|id| !id.is_empty() && !id.contains('#') && id.trim() == id));
    }

    #[test]
    fn question_lines_round_trip(id in "[a-z._0-9]{1,30}", payload in "\\PC{0,40}") {
        let request = Request::UsageSign { payload };
        let line = liftspec_conformance::adapter::question_line(&id, &request);
        let (got_id, question) = parse_question(&line).unwrap();
        prop_assert_eq!(got_id, id);
        prop_assert_eq!(question, liftspec_conformance::adapter::Question::Case(request));
    }
}
