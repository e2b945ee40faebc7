//! No input makes a binding function panic: random bytes and text into every function that takes
//! them give a value or a `LiftspecError` with a code (a panic would reach Kotlin or Python as an
//! internal error without one).

use liftspec_ffi::{detect, frames, records, rescue, terminal};
use proptest::prelude::*;

fn has_code<T>(r: liftspec_ffi::Result<T>) -> bool {
    match r {
        Ok(_) => true,
        Err(e) => !e.code().is_empty(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn frame_functions_take_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..256), now in any::<i64>()) {
        prop_assert!(has_code(frames::decode_frame(bytes.clone())));
        prop_assert!(has_code(frames::validate_frame(bytes.clone(), -2, 30, 1_000, now)));
        prop_assert!(has_code(frames::verify_frame(bytes.clone(), vec![1; 32], vec![2; 32])));
        prop_assert!(has_code(frames::verify_frame(bytes.clone(), bytes.clone(), bytes.clone())));
        prop_assert!(has_code(detect::deframe(bytes.clone())));
        let keys = terminal::DeviceKeyPair::from_seed(vec![7; 32], vec![9; 32]).unwrap();
        let t = terminal::DeviceTerminal::new("HZ-T-000123".into(), 1, &keys).unwrap();
        prop_assert!(has_code(t.on_platform_frame(bytes.clone(), now)));
        let s = terminal::PlatformSession::new(
            "HZ-T-000123".into(), vec![7; 32], keys.public_key(), -2, 30, 1_000, 9,
        ).unwrap();
        prop_assert!(has_code(s.receive(bytes, now)));
    }

    #[test]
    fn text_functions_take_any_text(text in ".{0,200}", n in any::<u64>(), now in any::<i64>()) {
        prop_assert!(has_code(frames::frame_from_json(text.clone())));
        prop_assert!(has_code(frames::parse_usage_sign(text.clone())));
        prop_assert!(has_code(frames::usage_sign_payload(text.clone(), text.clone())));
        let keys = terminal::DeviceKeyPair::from_seed(vec![7; 32], vec![9; 32]).unwrap();
        prop_assert!(has_code(frames::encode_frame(text.clone(), 1, n, now, text.clone(), &keys)));
        prop_assert!(has_code(terminal::DeviceTerminal::restore("HZ-T-000123".into(), text.clone(), &keys)));
        let t = terminal::DeviceTerminal::new("HZ-T-000123".into(), 1, &keys).unwrap();
        prop_assert!(has_code(t.enqueue(text.clone(), now)));
        prop_assert!(has_code(rescue::Rescue::new(text.clone(), Some(text.clone()))));
        let r = rescue::Rescue::new(r#"{"lifts":[]}"#.into(), None).unwrap();
        prop_assert!(has_code(r.report_by_sign(n, text.clone(), 1, None, now)));
        prop_assert!(has_code(r.accept(n, text.clone(), text.clone(), now)));
        prop_assert!(has_code(r.status(text.clone(), now)));
        prop_assert!(has_code(detect::FrameReplay::new(text.clone(), Some(text.clone()))));
        prop_assert!(has_code(detect::LiftFaultDetector::new(text.clone(), None)));
        prop_assert!(has_code(records::check_maintenance_record(text.clone(), Some(now))));
        prop_assert!(has_code(records::explain_credit(text.clone(), 2025, text.clone(), None, 1)));
        prop_assert!(has_code(records::screen_risk(text.clone(), text.clone(), Some(text))));
    }
}
