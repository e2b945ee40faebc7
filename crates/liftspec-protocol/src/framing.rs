//! Stream framing for byte streams (serial lines, TCP): each frame is COBS-encoded with a
//! CRC-32 trailer and ends with a 0x00 byte. COBS guarantees no 0x00 inside, so a receiver that
//! joins mid-stream or meets corrupt or truncated data resynchronises at the next 0x00.
//!
//! ```text
//! wire = COBS(frame ‖ CRC-32/ISO-HDLC(frame) as 4 bytes little-endian) ‖ 0x00
//! ```
//!
//! Senders start every connection (and every restart) with a 0x00 byte, so that a partial frame
//! left in the receiver's buffer is dropped by itself rather than spoiling the next frame.
//!
//! For MQTT or HTTP, where the transport delimits messages, send the frame bytes as they are
//! (payload mode) and skip this module.
//!
//! ```
//! use liftspec_protocol::framing::{frame_for_stream, Deframer, Deframed};
//! let mut wire = frame_for_stream(b"hello");
//! wire.extend_from_slice(&[1, 2, 3, 0]); // a truncated frame, then a (re)start delimiter
//! wire.extend(frame_for_stream(b"world"));
//! let mut deframer = Deframer::new(1024);
//! let out: Vec<Deframed> = wire.iter().filter_map(|&b| deframer.push(b)).collect();
//! assert_eq!(out[0], Deframed::Frame(b"hello".to_vec()));
//! assert!(matches!(out[1], Deframed::Corrupt(_)));
//! assert_eq!(out[2], Deframed::Frame(b"world".to_vec()));
//! ```

use alloc::vec::Vec;

use crate::wire::MAX_FRAME_LEN;

/// The longest block a receiver must accept, in encoded bytes without the delimiter: a
/// [`MAX_FRAME_LEN`] frame with its 4-byte CRC, after COBS (one code byte per 254 data bytes,
/// plus one) — 16,453 bytes. Receivers drop longer blocks (`stream.oversized`), so give this
/// to [`Deframer::new`] unless a smaller limit is wanted (docs/protocol.md §9).
pub const MAX_BLOCK_LEN: usize = MAX_FRAME_LEN + 4 + (MAX_FRAME_LEN + 4) / 254 + 1;

/// CRC-32/ISO-HDLC (the Ethernet/zlib CRC) lookup table.
const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
};

/// CRC-32/ISO-HDLC of `data` (check value: `crc32(b"123456789") == 0xCBF43926`).
pub fn crc32(data: &[u8]) -> u32 {
    !data.iter().fold(!0u32, |c, &b| {
        CRC_TABLE[((c ^ u32::from(b)) & 0xFF) as usize] ^ (c >> 8)
    })
}

/// COBS-encodes `data` into `out` (no trailing delimiter).
fn cobs_encode(data: &[u8], out: &mut Vec<u8>) {
    let mut code_at = out.len();
    out.push(0);
    let mut code: u8 = 1;
    for &b in data {
        if b == 0 {
            out[code_at] = code;
            code_at = out.len();
            out.push(0);
            code = 1;
        } else {
            out.push(b);
            code += 1;
            if code == 0xFF {
                out[code_at] = code;
                code_at = out.len();
                out.push(0);
                code = 1;
            }
        }
    }
    out[code_at] = code;
}

/// COBS-decodes one block (without its delimiter); `None` if malformed.
fn cobs_decode(data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0;
    while i < data.len() {
        let code = data[i];
        if code == 0 {
            return None;
        }
        let end = i + usize::from(code);
        if end > data.len() {
            return None;
        }
        out.extend_from_slice(&data[i + 1..end]);
        i = end;
        if code != 0xFF && i < data.len() {
            out.push(0);
        }
    }
    Some(out)
}

/// Wraps a frame for a byte stream: COBS(frame ‖ CRC-32 LE) ‖ 0x00.
pub fn frame_for_stream(frame: &[u8]) -> Vec<u8> {
    let mut payload = Vec::with_capacity(frame.len() + 4);
    payload.extend_from_slice(frame);
    payload.extend_from_slice(&crc32(frame).to_le_bytes());
    let mut out = Vec::with_capacity(payload.len() + payload.len() / 254 + 2);
    cobs_encode(&payload, &mut out);
    out.push(0);
    out
}

/// Why a stream block was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StreamError {
    /// The block is not valid COBS.
    #[error("malformed COBS block of {len} bytes")]
    BadCobs {
        /// Encoded length.
        len: usize,
    },
    /// The CRC does not match (corrupt or spliced data).
    #[error("CRC mismatch in a {len}-byte block")]
    BadCrc {
        /// Decoded length.
        len: usize,
    },
    /// Too short to hold a CRC.
    #[error("block of {len} bytes is too short for a CRC")]
    TooShort {
        /// Decoded length.
        len: usize,
    },
    /// Longer than the deframer's limit; bytes were skipped up to the next delimiter.
    #[error("block longer than {limit} bytes skipped")]
    Oversized {
        /// The limit.
        limit: usize,
    },
}

impl StreamError {
    /// A stable, machine-readable code.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::BadCobs { .. } => "stream.bad_cobs",
            Self::BadCrc { .. } => "stream.bad_crc",
            Self::TooShort { .. } => "stream.too_short",
            Self::Oversized { .. } => "stream.oversized",
        }
    }
}

/// What the deframer produced from a delimiter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deframed {
    /// A frame whose CRC checked.
    Frame(Vec<u8>),
    /// A block that was dropped, and why.
    Corrupt(StreamError),
}

/// Splits a byte stream into frames (sans-I/O: feed it bytes as they arrive).
#[derive(Debug, Clone)]
pub struct Deframer {
    buf: Vec<u8>,
    limit: usize,
    overflowed: bool,
}

impl Deframer {
    /// A deframer that drops blocks longer than `limit` encoded bytes.
    pub fn new(limit: usize) -> Self {
        Self {
            buf: Vec::new(),
            limit,
            overflowed: false,
        }
    }

    /// Feeds one byte; returns a result at each delimiter (empty blocks are ignored).
    pub fn push(&mut self, byte: u8) -> Option<Deframed> {
        if byte != 0 {
            if self.buf.len() >= self.limit {
                self.overflowed = true;
                self.buf.clear();
            }
            if !self.overflowed {
                self.buf.push(byte);
            }
            return None;
        }
        if core::mem::take(&mut self.overflowed) {
            self.buf.clear();
            return Some(Deframed::Corrupt(StreamError::Oversized {
                limit: self.limit,
            }));
        }
        if self.buf.is_empty() {
            return None;
        }
        let block = core::mem::take(&mut self.buf);
        Some(match cobs_decode(&block) {
            None => Deframed::Corrupt(StreamError::BadCobs { len: block.len() }),
            Some(data) if data.len() < 4 => {
                Deframed::Corrupt(StreamError::TooShort { len: data.len() })
            }
            Some(mut data) => {
                let crc_at = data.len() - 4;
                let crc = u32::from_le_bytes([
                    data[crc_at],
                    data[crc_at + 1],
                    data[crc_at + 2],
                    data[crc_at + 3],
                ]);
                data.truncate(crc_at);
                if crc32(&data) == crc {
                    Deframed::Frame(data)
                } else {
                    Deframed::Corrupt(StreamError::BadCrc { len: data.len() })
                }
            }
        })
    }

    /// Feeds a slice, collecting every result.
    pub fn push_slice(&mut self, bytes: &[u8]) -> Vec<Deframed> {
        bytes.iter().filter_map(|&b| self.push(b)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn cobs_handles_long_runs_and_zeros() {
        for data in [
            vec![],
            vec![0],
            vec![0, 0],
            vec![1; 254],
            vec![1; 255],
            vec![7; 600],
            (0..=255u8).cycle().take(1000).collect(),
        ] {
            let mut enc = Vec::new();
            cobs_encode(&data, &mut enc);
            assert!(!enc.contains(&0));
            assert_eq!(cobs_decode(&enc).unwrap(), data);
        }
    }
}
