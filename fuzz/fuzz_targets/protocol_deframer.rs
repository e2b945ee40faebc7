//! The stream deframer on arbitrary bytes: never panics, and every frame it yields re-frames to a
//! block it yields again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use liftspec_protocol::framing::{frame_for_stream, Deframed, Deframer};

fuzz_target!(|data: &[u8]| {
    let mut deframer = Deframer::new(4096);
    for out in deframer.push_slice(data) {
        if let Deframed::Frame(frame) = out {
            let again = Deframer::new(8192).push_slice(&frame_for_stream(&frame));
            assert_eq!(again, vec![Deframed::Frame(frame)]);
        }
    }
});
