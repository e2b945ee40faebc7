//! Stream mode (§9): COBS blocks with a CRC-32, resynchronisation, the block limit.

use liftspec_protocol::framing::{crc32, frame_for_stream, MAX_BLOCK_LEN};
use liftspec_protocol::message::Body;
use liftspec_protocol::wire::MAX_FRAME_LEN;

use super::sample::{self, valid};
use super::Group;
use crate::case::Request;

fn stream(bytes: &[u8]) -> Request {
    Request::Stream {
        hex: crate::hex(bytes),
    }
}

/// Data of `len` bytes with no zero byte whose CRC has no zero byte either, so that its COBS
/// encoding is as long as COBS gets.
fn dense(len: usize) -> Vec<u8> {
    let mut data = vec![0x5Au8; len];
    for tweak in 1..=255u8 {
        if let Some(last) = data.last_mut() {
            *last = tweak;
        }
        if crc32(&data).to_le_bytes().iter().all(|b| *b != 0) {
            break;
        }
    }
    data
}

pub(crate) fn stream_group() -> Group {
    let mut g = Group::new(
        "stream",
        "Stream mode (§9): COBS(frame ‖ CRC-32) ‖ 00, answered as the list of frames and dropped \
         blocks in stream order; broken blocks are dropped at the next 00 and the stream \
         resynchronises. A block is judged only at its delimiter.",
    );
    const M: &str = "§9 stream mode";
    let status = valid(1, &Body::Status(sample::status()));
    let heartbeat = valid(2, &sample::bodies()[7].1);
    let mut s = vec![0];
    s.extend(frame_for_stream(&status));
    s.extend([0x13, 0x37, 0x00]);
    s.extend(frame_for_stream(&heartbeat));
    g.accept("resync", M, "A start delimiter, a Status frame, a truncated block (13 37 00), a Heartbeat frame: two frames and one dropped block, in order.", stream(&s));
    let mut s = frame_for_stream(&status);
    let n = s.len();
    s[n - 3] ^= 0x01;
    g.accept(
        "bad_crc",
        M,
        "A block whose CRC fails (a bit flipped near its end): dropped as stream.bad_crc.",
        stream(&s),
    );
    g.accept("bad_cobs", M, "A block whose COBS code byte (0x20) runs past the block's end: dropped as stream.bad_cobs.", stream(&[0x20, 0x01, 0x02, 0x00]));
    g.accept(
        "too_short",
        M,
        "A block that decodes to 3 bytes, too short for a CRC: dropped as stream.too_short.",
        stream(&[0x04, 0x01, 0x02, 0x03, 0x00]),
    );
    g.accept(
        "empty_blocks",
        M,
        "Delimiters only (00 00 00): empty blocks are not blocks; nothing is reported.",
        stream(&[0, 0, 0]),
    );
    g.accept("no_final_delimiter", M, "A frame, then a frame without its delimiter: only the first is reported (the second is not yet a block).", stream(&{
        let mut s = frame_for_stream(&status);
        let mut second = frame_for_stream(&heartbeat);
        second.pop();
        s.extend(second);
        s
    }));
    // 254 data bytes with no zero: the COBS block is FF, the 254 bytes, then the final code 01.
    let run = dense(250);
    let framed = frame_for_stream(&run);
    g.accept("full_run_with_final_code", M, "A block whose data (payload and CRC, 254 bytes, no zero) fills one full COBS run: written FF … 01 as the reference encoder writes it.", stream(&framed));
    let mut without = framed.clone();
    let n = without.len();
    without.remove(n - 2);
    g.accept("full_run_without_final_code", M, "The same block without the final 01 code byte, as some COBS encoders write it: the same data, accepted.", stream(&without));
    // The limit: a 16,384-byte frame with its CRC, after COBS, is 16,453 bytes.
    let largest = dense(MAX_FRAME_LEN);
    let framed = frame_for_stream(&largest);
    debug_assert_eq!(framed.len() - 1, MAX_BLOCK_LEN);
    g.accept("largest_block", M, "A block of 16,453 bytes, the COBS form of a 16,384-byte frame with its CRC: within the limit (its content is not decoded here).", stream(&framed));
    let larger = dense(MAX_FRAME_LEN + 1);
    g.accept("oversized_block", M, "A block of 16,454 bytes, one past the limit: dropped as stream.oversized, and the next frame is read.", stream(&{
        let mut s = frame_for_stream(&larger);
        s.extend(frame_for_stream(&status));
        s
    }));
    g
}
