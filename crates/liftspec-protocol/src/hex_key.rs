//! Serde for 32-byte keys: lower-case hex text in human-readable formats (JSON), the 32 raw bytes
//! in binary ones (postcard), so the frame bytes stay compact and the JSON stays readable.

use core::fmt;

use serde::de::Visitor;
use serde::{Deserializer, Serializer};

/// Serialises a key (use with `#[serde(with = "crate::hex_key")]`).
pub(crate) fn serialize<S: Serializer>(key: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
    if s.is_human_readable() {
        let mut text = [0u8; 64];
        for (i, b) in key.iter().enumerate() {
            text[2 * i] = HEX[usize::from(b >> 4)];
            text[2 * i + 1] = HEX[usize::from(b & 15)];
        }
        // Every byte of `text` is an ASCII hex digit.
        s.serialize_str(core::str::from_utf8(&text).unwrap_or_default())
    } else {
        serde::Serialize::serialize(key, s)
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

struct HexVisitor;

impl Visitor<'_> for HexVisitor {
    type Value = [u8; 32];

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("64 lower-case hex digits")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<[u8; 32], E> {
        let bytes = v.as_bytes();
        if bytes.len() != 64 {
            return Err(E::invalid_length(bytes.len(), &self));
        }
        let mut key = [0u8; 32];
        for (i, pair) in bytes.chunks_exact(2).enumerate() {
            match (nibble(pair[0]), nibble(pair[1])) {
                (Some(hi), Some(lo)) => key[i] = hi << 4 | lo,
                _ => return Err(E::custom("expected 64 lower-case hex digits")),
            }
        }
        Ok(key)
    }
}

/// Deserialises a key (use with `#[serde(with = "crate::hex_key")]`).
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
    if d.is_human_readable() {
        d.deserialize_str(HexVisitor)
    } else {
        <[u8; 32] as serde::Deserialize>::deserialize(d)
    }
}

/// The JSON Schema of a hex key (for `#[schemars(with = "crate::hex_key::HexKey")]`).
#[cfg(feature = "schema")]
pub(crate) struct HexKey;

#[cfg(feature = "schema")]
impl schemars::JsonSchema for HexKey {
    fn schema_name() -> alloc::borrow::Cow<'static, str> {
        "HexKey".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9a-f]{64}$",
            "description": "32 bytes as 64 lower-case hex digits (in the binary frame: the 32 bytes).",
        })
    }
}
