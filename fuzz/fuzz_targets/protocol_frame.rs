//! The binary frame decoder and its JSON view on arbitrary bytes: never panic; whatever decodes
//! goes through JSON and back to a frame with the same values. (Byte equality does not hold yet:
//! postcard accepts over-long varints, so non-canonical encodings decode — open work, issue #3.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use liftspec_protocol::{json, wire};

fuzz_target!(|data: &[u8]| {
    let _ = wire::peek(data);
    if let Ok(frame) = wire::decode(data) {
        let text = json::to_json(data).expect("a decoded frame has a JSON form");
        let again = json::from_json(&text).expect("and back");
        assert_eq!(wire::decode(&again).expect("decodes").envelope, frame.envelope);
    }
});
