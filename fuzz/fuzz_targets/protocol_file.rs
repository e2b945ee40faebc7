//! A whole recorded frame file on arbitrary bytes: read in its sniffed format and in each
//! format, never panics; every item lies inside the file, in order; a stream's frames are
//! what the deframer alone finds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use liftspec_protocol::file::{read, read_as, Format, Position};

fuzz_target!(|data: &[u8]| {
    let _ = read(data);
    for format in [Format::Hex, Format::Json, Format::Stream] {
        let file = read_as(data, format);
        let mut last = 0;
        for item in &file.items {
            match item.position {
                Position::Bytes { start, end } => {
                    assert!(start <= end && end <= data.len() && start >= last);
                    last = end;
                }
                Position::Line(n) => {
                    assert!(n > last);
                    last = n;
                }
            }
            if let Err(e) = &item.bytes {
                assert!(!e.code().is_empty());
            }
        }
    }
});
