//! The binary frame decoder and its JSON view on arbitrary bytes: never panic; whatever decodes
//! is canonical, so it goes through JSON and back to the very same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use liftspec_protocol::{json, wire};

fuzz_target!(|data: &[u8]| {
    let _ = wire::peek(data);
    if wire::decode(data).is_ok() {
        let text = json::to_json(data).expect("a decoded frame has a JSON form");
        let again = json::from_json(&text).expect("and back");
        assert_eq!(again, data, "the JSON view rebuilds the exact bytes");
    }
});
