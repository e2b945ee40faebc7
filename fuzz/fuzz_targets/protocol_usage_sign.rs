//! The usage-sign QR payload decoder on arbitrary text: never panics; what decodes re-encodes to
//! the same text; an error's payload position is inside the text (or just past an empty check).
#![no_main]

use libfuzzer_sys::fuzz_target;
use liftspec_protocol::usage_sign::UsageSign;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = core::str::from_utf8(data) {
        match UsageSign::decode(text) {
            Ok(sign) => assert_eq!(sign.encode(), text),
            Err(e) => {
                if let Some(p) = e.payload_position(text) {
                    assert!(p >= 1 && p <= text.chars().count() + 1, "{p} in {text:?}");
                }
            }
        }
    }
});
