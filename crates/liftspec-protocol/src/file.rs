//! A recorded frame file, whole in memory: the three forms a vendor's tool or a terminal's log
//! writes — the stream framing (`frames.bin`), one frame per line in hex, one frame per line in
//! the JSON form — told apart from the first bytes, and split into frames, each with where it
//! is and its bytes or why it is not a frame. Nothing is skipped silently: every block and every
//! non-blank line is an item.
//!
//! ```
//! use liftspec_protocol::file::{read, Format};
//! let file = read(b"0102\nzz\n");
//! assert_eq!(file.format, Format::Hex);
//! assert_eq!(file.items[0].bytes.as_deref(), Ok(&[1u8, 2][..]));
//! assert_eq!(file.items[1].bytes.as_ref().unwrap_err().code(), "file.not_hex");
//! ```

use alloc::vec::Vec;

use crate::framing::{Deframed, Deframer};
use crate::wire::MAX_FRAME_LEN;

/// How a frame file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Format {
    /// One frame per line in hex.
    Hex,
    /// One frame per line in the JSON form (`docs/protocol.md` §10).
    Json,
    /// The stream framing (COBS + CRC-32, 0x00 delimiters; `docs/protocol.md` §11).
    Stream,
}

/// The longest hex line read: a frame of the largest size in hex, with room for spaces.
pub const MAX_HEX_LINE: usize = 2 * MAX_FRAME_LEN + 1024;

/// Guesses the format from the first bytes: JSON lines if they start with `{`, hex lines if
/// the first line is all hex digits and white space (a bad line further on is then reported as
/// that line's error), else a byte stream.
///
/// ```
/// use liftspec_protocol::file::{sniff, Format};
/// assert_eq!(sniff(b"  {\"v\":1}"), Format::Json);
/// assert_eq!(sniff(b"01 02\n"), Format::Hex);
/// assert_eq!(sniff(b"0102\nnot hex\n"), Format::Hex);
/// assert_eq!(sniff(&[0x03, 0x01, 0x02, 0x00]), Format::Stream);
/// ```
pub fn sniff(peek: &[u8]) -> Format {
    let start = peek.iter().position(|b| !b.is_ascii_whitespace());
    let Some(rest) = start.map(|i| &peek[i..]) else {
        return Format::Stream;
    };
    if rest.starts_with(b"{") {
        return Format::Json;
    }
    let first_line = rest.split(|b| *b == b'\n').next().unwrap_or(rest);
    if first_line
        .iter()
        .all(|b| b.is_ascii_hexdigit() || b.is_ascii_whitespace())
    {
        Format::Hex
    } else {
        Format::Stream
    }
}

/// A frame in hex, upper or lower case; white space between bytes is allowed.
///
/// ```
/// use liftspec_protocol::file::hex_frame;
/// assert_eq!(hex_frame("0a FF"), Ok(vec![0x0a, 0xff]));
/// assert_eq!(hex_frame("0a f").unwrap_err().code(), "file.not_hex");
/// ```
pub fn hex_frame(line: &str) -> Result<Vec<u8>, ItemError> {
    let digits: Vec<u8> = line.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if digits.len() % 2 != 0 {
        return Err(ItemError::NotHex);
    }
    digits
        .chunks(2)
        .map(|p| Some((hex_digit(p[0])? << 4) | hex_digit(p[1])?))
        .collect::<Option<Vec<u8>>>()
        .ok_or(ItemError::NotHex)
}

fn hex_digit(b: u8) -> Option<u8> {
    char::from(b)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

/// Why an item of a file is not a frame.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ItemError {
    /// A line that is not hex.
    #[error("not hex")]
    NotHex,
    /// A line that is not text.
    #[error("not text (UTF-8)")]
    NotText,
    /// A line longer than the format allows.
    #[error("a line longer than {max} bytes")]
    TooLong {
        /// The limit.
        max: usize,
    },
    /// A JSON line that is not a frame's JSON form.
    #[error(transparent)]
    Json(#[from] crate::json::JsonError),
    /// A stream block that was dropped.
    #[error(transparent)]
    Stream(#[from] crate::framing::StreamError),
    /// Bytes after the last delimiter.
    #[error("an incomplete frame at the end (no 0x00 delimiter)")]
    Incomplete,
}

impl ItemError {
    /// The stable code (`file.not_hex`, `file.incomplete`, or the JSON form's or the stream's
    /// code).
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotHex => "file.not_hex",
            Self::NotText => "file.not_text",
            Self::TooLong { .. } => "file.line_too_long",
            Self::Json(e) => e.code(),
            Self::Stream(e) => e.code(),
            Self::Incomplete => "file.incomplete",
        }
    }
}

/// Where an item is in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Position {
    /// Bytes `start..end` of a stream (the block, without its delimiter).
    Bytes {
        /// The first byte.
        start: usize,
        /// One past the last.
        end: usize,
    },
    /// A line, from 1.
    Line(usize),
}

impl core::fmt::Display for Position {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Bytes { start, end } => write!(f, "bytes {start}..{end}"),
            Self::Line(n) => write!(f, "line {n}"),
        }
    }
}

/// A frame of a file, or why it is not one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Where.
    pub position: Position,
    /// The frame's bytes.
    pub bytes: Result<Vec<u8>, ItemError>,
}

/// A whole frame file, split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// How it was written.
    pub format: Format,
    /// Every frame and every item that is not one, in order.
    pub items: Vec<Item>,
}

/// Reads a whole file, its format guessed by [`sniff`].
pub fn read(data: &[u8]) -> File {
    read_as(data, sniff(data))
}

/// Reads a whole file in `format`.
pub fn read_as(data: &[u8], format: Format) -> File {
    let items = match format {
        Format::Stream => stream_items(data),
        Format::Hex | Format::Json => line_items(data, format),
    };
    File { format, items }
}

fn stream_items(data: &[u8]) -> Vec<Item> {
    let mut deframer = Deframer::new(crate::framing::MAX_BLOCK_LEN);
    let mut items = Vec::new();
    let mut start = 0;
    for (at, b) in data.iter().enumerate() {
        if let Some(d) = deframer.push(*b) {
            items.push(Item {
                position: Position::Bytes { start, end: at },
                bytes: match d {
                    Deframed::Frame(f) => Ok(f),
                    Deframed::Corrupt(e) => Err(e.into()),
                },
            });
        }
        if *b == 0 {
            start = at + 1;
        }
    }
    if start < data.len() {
        items.push(Item {
            position: Position::Bytes {
                start,
                end: data.len(),
            },
            bytes: Err(ItemError::Incomplete),
        });
    }
    items
}

fn line_items(data: &[u8], format: Format) -> Vec<Item> {
    let max = if format == Format::Json {
        crate::json::MAX_JSON_LEN
    } else {
        MAX_HEX_LINE
    };
    let mut items = Vec::new();
    for (i, line) in data.split(|b| *b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let bytes = if line.len() > max {
            Err(ItemError::TooLong { max })
        } else {
            match core::str::from_utf8(line) {
                Err(_) => Err(ItemError::NotText),
                Ok(text) if format == Format::Json => {
                    crate::json::from_json(text).map_err(ItemError::from)
                }
                Ok(text) => hex_frame(text),
            }
        };
        items.push(Item {
            position: Position::Line(i + 1),
            bytes,
        });
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framing::frame_for_stream;

    #[test]
    fn a_stream_reports_every_block_a_bad_one_and_a_tail_without_delimiter() {
        let mut data = frame_for_stream(&[1, 2, 3]);
        let good_end = data.len() - 1;
        data.extend_from_slice(&[5, 9, 9, 9, 9, 0]);
        data.extend_from_slice(&[7, 7]);
        let file = read(&data);
        assert_eq!(file.format, Format::Stream);
        assert_eq!(file.items.len(), 3);
        assert_eq!(file.items[0].bytes, Ok(vec![1, 2, 3]));
        assert_eq!(
            file.items[0].position,
            Position::Bytes {
                start: 0,
                end: good_end
            }
        );
        assert!(file.items[1].bytes.is_err());
        assert_eq!(
            file.items[2].bytes.as_ref().unwrap_err().code(),
            "file.incomplete"
        );
    }

    #[test]
    fn lines_keep_their_numbers_past_blank_lines_and_refuse_binary_and_long_lines() {
        let mut data = b"\n01\r\n\n\xff\xfe\n".to_vec();
        data.extend(core::iter::repeat_n(b'a', MAX_HEX_LINE + 2));
        let file = read_as(&data, Format::Hex);
        let got: Vec<_> = file
            .items
            .iter()
            .map(|i| {
                (
                    i.position.to_string(),
                    i.bytes.as_ref().map_err(ItemError::code).cloned(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("line 2".to_string(), Ok(vec![1])),
                ("line 4".to_string(), Err("file.not_text")),
                ("line 5".to_string(), Err("file.line_too_long")),
            ]
        );
    }

    #[test]
    fn a_json_line_is_rebuilt_to_its_exact_bytes() {
        let vectors = concat!(env!("CARGO_MANIFEST_DIR"), "/vectors");
        let json = std::fs::read_to_string(format!("{vectors}/status.json"))
            .expect("the status vector's JSON form");
        let hex = std::fs::read_to_string(format!("{vectors}/status.hex")).unwrap();
        let line: serde_json::Value = serde_json::from_str(&json).unwrap();
        let file = read(format!("{line}\n").as_bytes());
        assert_eq!(file.format, Format::Json);
        assert_eq!(file.items[0].bytes, hex_frame(hex.trim()));
    }
}
