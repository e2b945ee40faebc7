//! Record and equipment decoding (JSON and postcard) on arbitrary bytes: must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use liftspec_model::equipment::{Equipment, FloorTable};
use liftspec_model::record::Record;

fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<Record>(data);
    let _ = serde_json::from_slice::<Equipment>(data);
    let _ = serde_json::from_slice::<FloorTable>(data);
    if let Ok(record) = postcard::from_bytes::<Record>(data) {
        let bytes = postcard::to_allocvec(&record).expect("a decoded record encodes");
        assert_eq!(postcard::from_bytes::<Record>(&bytes).expect("and decodes again"), record);
    }
    let _ = postcard::from_bytes::<Equipment>(data);
});
