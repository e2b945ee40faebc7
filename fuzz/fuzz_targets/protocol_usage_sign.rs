//! The usage-sign QR payload decoder on arbitrary text: never panics; what decodes re-encodes to
//! the same text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use liftspec_protocol::usage_sign::UsageSign;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = core::str::from_utf8(data) {
        if let Ok(sign) = UsageSign::decode(text) {
            assert_eq!(sign.encode(), text);
        }
    }
});
