//! A whole recorded frame file: split, decoded and validated item by item, for the vendor
//! frame inspector.

use liftspec_protocol::file::{self, Position};
use serde::{Deserialize, Serialize};
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

use crate::frames::{FrameInfo, InstallationContext};
use crate::{arg, hex, name, out, Failure, Result};

/// An error as data (in a list, where throwing would lose the other items).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ErrorInfo {
    /// The stable code.
    pub code: String,
    /// What is wrong.
    pub reason: String,
    /// The failing byte of the frame.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub offset: Option<usize>,
    /// The failing field.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub path: Option<String>,
}

impl From<Failure> for ErrorInfo {
    fn from(f: Failure) -> Self {
        Self {
            code: f.code,
            reason: f.reason,
            offset: f.offset,
            path: f.path,
        }
    }
}

/// Where an item is: `line` (from 1) or `start..end` bytes of a stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct Place {
    /// `line 3`, `bytes 10..52`.
    pub text: String,
    /// The line, from 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub line: Option<usize>,
    /// The block's first byte in the stream.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub start: Option<usize>,
    /// One past its last byte.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub end: Option<usize>,
}

impl From<Position> for Place {
    fn from(p: Position) -> Self {
        let text = p.to_string();
        match p {
            Position::Line(n) => Self {
                text,
                line: Some(n),
                start: None,
                end: None,
            },
            Position::Bytes { start, end } => Self {
                text,
                line: None,
                start: Some(start),
                end: Some(end),
            },
        }
    }
}

/// A frame of a file, decoded and validated, or why it is not valid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct InspectedFrame {
    /// Where it is.
    pub place: Place,
    /// Its bytes in hex (absent when the item is not a frame at all).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub hex: Option<String>,
    /// Its header and JSON form, when it decodes.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub frame: Option<FrameInfo>,
    /// Why it is not valid: the file, the decoder or the body's rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub error: Option<ErrorInfo>,
}

/// A whole file, inspected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct Inspection {
    /// `stream`, `hex` or `json`.
    pub format: String,
    /// Every item, in order.
    pub frames: Vec<InspectedFrame>,
    /// How many are valid.
    pub valid: usize,
}

/// Splits a file (stream framing, hex lines or JSON lines, told apart from its first bytes),
/// decodes every frame and validates it against `installation`. Nothing is left out: an item
/// that is not a frame is listed with its error.
#[wasm_bindgen(js_name = inspectFrameFile)]
pub fn inspect_frame_file(
    data: &[u8],
    installation: Ts<InstallationContext>,
) -> Result<Ts<Inspection>> {
    let installation = arg(&installation)?;
    let f = file::read(data);
    let frames: Vec<InspectedFrame> = f
        .items
        .into_iter()
        .map(|item| {
            let place = Place::from(item.position);
            let bytes = match item.bytes {
                Ok(b) => b,
                Err(e) => {
                    return InspectedFrame {
                        place,
                        hex: None,
                        frame: None,
                        error: Some(Failure::from(e).into()),
                    }
                }
            };
            // Decoded once: its header and JSON form, then its rules.
            let (frame, error) = match liftspec_protocol::wire::decode(&bytes) {
                Err(e) => (None, Some(Failure::from(e))),
                Ok(decoded) => match FrameInfo::of(&decoded, &bytes) {
                    Err(e) => (None, Some(e)),
                    Ok(info) => (
                        Some(info),
                        crate::frames::validate_with(&decoded, &installation).err(),
                    ),
                },
            };
            InspectedFrame {
                place,
                hex: Some(hex(&bytes)),
                frame,
                error: error.map(Into::into),
            }
        })
        .collect();
    out(Inspection {
        format: name(&f.format),
        valid: frames.iter().filter(|i| i.error.is_none()).count(),
        frames,
    })
}

/// A stream's frames (hex) and the blocks it dropped, each with its place and code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct Deframed {
    /// The frames whose CRC checked, in hex, in order.
    pub frames: Vec<String>,
    /// The blocks dropped (resynchronised at the next 0x00), and why.
    pub dropped: Vec<DroppedBlock>,
}

/// A dropped block of a stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct DroppedBlock {
    /// Where.
    pub place: Place,
    /// Why.
    pub error: ErrorInfo,
}

/// Splits a byte stream in the stream framing (`docs/protocol.md` §11) into its frames, and
/// reports every block it had to drop.
#[wasm_bindgen]
pub fn deframe(stream: &[u8]) -> Result<Ts<Deframed>> {
    let f = file::read_as(stream, file::Format::Stream);
    let mut out = Deframed {
        frames: Vec::new(),
        dropped: Vec::new(),
    };
    for item in f.items {
        match item.bytes {
            Ok(b) => out.frames.push(hex(&b)),
            Err(e) => out.dropped.push(DroppedBlock {
                place: item.position.into(),
                error: Failure::from(e).into(),
            }),
        }
    }
    crate::out(out)
}
