//! The JSON frame decoder on arbitrary text: never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = core::str::from_utf8(data) {
        if let Ok(bytes) = liftspec_protocol::json::from_json(text) {
            let _ = liftspec_protocol::wire::decode(&bytes);
        }
    }
});
