//! The JSON form of a frame (camelCase), for web clients and debugging. It is a view of the same
//! values as the binary frame: [`from_json`] rebuilds the exact binary bytes, so the tag in the JSON
//! verifies against them.
//!
//! ```json
//! {"version":2,"device":"HZ-T-000123","epoch":1592614913,"seq":42,"sentAt":"2026-11-29T05:24:10.000Z",
//!  "body":{"heartbeat":{"uptimeS":3600,"signalDbm":-71,"batteryPercent":98,"clockOffsetMs":-12}},
//!  "auth":{"scheme":"hmacSha256","tag":"…32 hex digits…"}}
//! ```

use alloc::string::String;
use alloc::vec::Vec;

use crate::auth::AuthScheme;
use crate::message::Body;
use crate::wire::{self, DecodeError, DeviceId, Envelope};
use crate::PROTOCOL_VERSION;
use liftspec_model::time::Timestamp;

/// The authentication part of a JSON frame.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JsonAuth {
    /// Scheme.
    pub scheme: AuthScheme,
    /// Tag in lower-case hex.
    pub tag: String,
}

/// A frame in JSON form.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JsonFrame {
    /// Protocol version.
    pub version: u8,
    /// Sender.
    pub device: DeviceId,
    /// The sender's epoch.
    pub epoch: u32,
    /// Sequence number.
    pub seq: u64,
    /// Send time.
    pub sent_at: Timestamp,
    /// Message.
    pub body: Body,
    /// Authentication.
    pub auth: JsonAuth,
}

/// Why JSON is not a frame.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonError {
    /// Not JSON of the frame's shape; the message has line, column and field.
    #[error("JSON: {0}")]
    Syntax(String),
    /// A version this crate does not speak.
    #[error("version {found} is not supported (this implementation speaks {supported})")]
    UnsupportedVersion {
        /// Found.
        found: u8,
        /// Supported.
        supported: u8,
    },
    /// The tag is not hex of the scheme's length.
    #[error("auth.tag: expected {expected} hex digits")]
    BadTag {
        /// Expected hex digits.
        expected: usize,
    },
    /// The binary form could not be built.
    #[error("binary form: {0}")]
    Binary(String),
    /// The binary frame given to [`to_json`] does not decode.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The values have no JSON form (serde_json refused them).
    #[error("JSON output: {0}")]
    Output(String),
    /// Longer than [`MAX_JSON_LEN`]: refused before parsing.
    #[error("JSON frame of {len} bytes, at most {MAX_JSON_LEN}")]
    TooLong {
        /// Bytes given.
        len: usize,
    },
}

impl JsonError {
    /// A stable, machine-readable code.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Syntax(_) => "json.syntax",
            Self::UnsupportedVersion { .. } => "json.unsupported_version",
            Self::BadTag { .. } => "json.bad_tag",
            Self::Binary(_) => "json.binary",
            Self::Decode(e) => e.code(),
            Self::Output(_) => "json.output",
            Self::TooLong { .. } => "json.too_long",
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|b| {
            [
                DIGITS[usize::from(b >> 4)] as char,
                DIGITS[usize::from(b & 15)] as char,
            ]
        })
        .collect()
}

/// Bytes of lower-case hex (§10: tags, like keys, are lower-case; `+` signs, upper case and
/// odd lengths are refused).
fn unhex(s: &str) -> Option<Vec<u8>> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            _ => None,
        }
    }
    if s.len() % 2 != 0 {
        return None;
    }
    s.as_bytes()
        .chunks_exact(2)
        .map(|p| Some(nibble(p[0])? << 4 | nibble(p[1])?))
        .collect()
}

/// The JSON form of binary frame bytes.
pub fn to_json(bytes: &[u8]) -> Result<String, JsonError> {
    decoded_to_json(wire::decode(bytes)?, bytes)
}

/// The JSON form of a frame already decoded from `bytes` (its tag is read from them): for
/// callers that hold the frame and want its JSON form without decoding it again.
///
/// ```
/// use liftspec_protocol::{json, wire};
/// # let bytes = json::from_json(&std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/vectors/status.json"))?)?;
/// let frame = wire::decode(&bytes)?;
/// assert_eq!(json::decoded_to_json(frame, &bytes)?, json::to_json(&bytes)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn decoded_to_json(frame: wire::Frame, bytes: &[u8]) -> Result<String, JsonError> {
    serde_json::to_string(&json_frame(frame, bytes))
        .map_err(|e| JsonError::Output(alloc::format!("{e}")))
}

fn json_frame(frame: wire::Frame, bytes: &[u8]) -> JsonFrame {
    JsonFrame {
        version: PROTOCOL_VERSION,
        device: frame.envelope.device,
        epoch: frame.envelope.epoch,
        seq: frame.envelope.seq,
        sent_at: frame.envelope.sent_at,
        body: frame.envelope.body,
        auth: JsonAuth {
            scheme: frame.scheme,
            tag: hex(bytes.get(frame.tag_start..).unwrap_or_default()),
        },
    }
}

/// Longest JSON text [`from_json`] reads (bytes): generous for any frame within
/// [`wire::MAX_FRAME_LEN`] (every binary byte is at most a few characters of JSON), and checked
/// before parsing, so a huge input allocates nothing.
pub const MAX_JSON_LEN: usize = 8 * wire::MAX_FRAME_LEN;

/// The binary frame bytes for a JSON frame (verify them with `wire::decode` + `Frame::verify`).
pub fn from_json(text: &str) -> Result<Vec<u8>, JsonError> {
    if text.len() > MAX_JSON_LEN {
        return Err(JsonError::TooLong { len: text.len() });
    }
    let json: JsonFrame =
        serde_json::from_str(text).map_err(|e| JsonError::Syntax(alloc::format!("{e}")))?;
    if json.version != PROTOCOL_VERSION {
        return Err(JsonError::UnsupportedVersion {
            found: json.version,
            supported: PROTOCOL_VERSION,
        });
    }
    let tag = unhex(&json.auth.tag)
        .filter(|t| t.len() == json.auth.scheme.tag_len())
        .ok_or(JsonError::BadTag {
            expected: json.auth.scheme.tag_len() * 2,
        })?;
    let envelope = Envelope {
        device: json.device,
        epoch: json.epoch,
        seq: json.seq,
        sent_at: json.sent_at,
        body: json.body,
    };
    let mut bytes = wire::signed_part(&envelope, json.auth.scheme)
        .map_err(|e| JsonError::Binary(alloc::format!("{e}")))?;
    bytes.extend_from_slice(&tag);
    Ok(bytes)
}
