//! No input panics the adapter side: the question and answer readers, the expected-failure
//! list, and the reference answering arbitrary bytes and text.

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
