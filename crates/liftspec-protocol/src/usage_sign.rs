//! The "scan the usage sign" QR payload (implementation opinions item 10: citizens scan the usage
//! sign to see maintenance and inspection records and to report faults or complain).
//!
//! Text form, all in the QR alphanumeric character set (so the code stays small):
//!
//! ```text
//! LS1*<registration code, 20 digits>*<rescue code>*<CRC-32 of everything before, 8 upper-case hex>
//! ```
//!
//! ```
//! use liftspec_protocol::usage_sign::UsageSign;
//! let sign = UsageSign {
//!     registration_code: "31103301062010050007".parse()?,
//!     rescue_code: "100072".parse()?,
//! };
//! let text = sign.encode();
//! assert!(text.starts_with("LS1*31103301062010050007*100072*"));
//! assert_eq!(UsageSign::decode(&text)?, sign);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use alloc::string::String;

use liftspec_model::id::{IdError, RegistrationCode, RescueCode};

use crate::framing::crc32;

/// Prefix and version of the payload.
pub const PREFIX: &str = "LS1";

/// What the usage sign's QR code carries.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageSign {
    /// The lift.
    pub registration_code: RegistrationCode,
    /// The rescue code printed beside the QR code.
    pub rescue_code: RescueCode,
}

/// Why a scanned payload is not a usage sign.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsageSignError {
    /// Not `LS1*…*…*…`.
    #[error(
        "expected LS1*<registration>*<rescue>*<crc>, found {parts} part(s) starting {start:?}"
    )]
    Shape {
        /// Parts found.
        parts: usize,
        /// The first part.
        start: String,
    },
    /// The check does not match: misread or tampered.
    #[error("check {found:?} does not match the payload (expected {expected})")]
    Check {
        /// Found.
        found: String,
        /// Expected.
        expected: String,
    },
    /// The registration code or rescue code is invalid.
    #[error("{0}")]
    Id(#[from] IdError),
}

impl UsageSignError {
    /// A stable, machine-readable code.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Shape { .. } => "usage_sign.shape",
            Self::Check { .. } => "usage_sign.check",
            Self::Id(e) => e.code(),
        }
    }
}

impl UsageSignError {
    /// Where in the scanned `text` (from 1, in characters) the error is, so an app can point at
    /// it: the failing character of the registration or rescue code, the first character of
    /// the check for a check mismatch (one past the end when the check is empty), the first
    /// character for a wrong shape. `None` when the error is about a whole code's length.
    ///
    /// ```
    /// use liftspec_protocol::usage_sign::UsageSign;
    /// let text = "LS1*31103301062010050007*10007X*00000000";
    /// let e = UsageSign::decode(text).unwrap_err();
    /// assert_eq!(e.code(), "usage_sign.check");
    /// assert_eq!(e.payload_position(text), Some(33));
    /// ```
    pub fn payload_position(&self, text: &str) -> Option<usize> {
        let field_start = |n: usize| -> Option<usize> {
            let mut at = 0;
            for (i, part) in text.split('*').enumerate() {
                if i == n {
                    return Some(text[..at].chars().count() + 1);
                }
                at += part.len() + 1;
            }
            None
        };
        match self {
            Self::Shape { .. } => Some(1),
            Self::Check { .. } => field_start(3),
            Self::Id(e) => {
                let field = match e.kind() {
                    liftspec_model::id::IdKind::RescueCode => 2,
                    _ => 1,
                };
                Some(field_start(field)? + e.position()? - 1)
            }
        }
    }
}

impl UsageSign {
    /// The QR text.
    pub fn encode(&self) -> String {
        let body = alloc::format!("{PREFIX}*{}*{}", self.registration_code, self.rescue_code);
        let crc = crc32(body.as_bytes());
        alloc::format!("{body}*{crc:08X}")
    }

    /// Parses and checks scanned QR text.
    pub fn decode(text: &str) -> Result<Self, UsageSignError> {
        let mut parts = text.split('*');
        let (Some(prefix), Some(reg), Some(rescue), Some(check), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(UsageSignError::Shape {
                parts: text.split('*').count(),
                start: text.chars().take(8).collect(),
            });
        };
        if prefix != PREFIX {
            return Err(UsageSignError::Shape {
                parts: 4,
                start: prefix.chars().take(8).collect(),
            });
        }
        let body_len = text.len() - check.len() - 1;
        let expected = alloc::format!("{:08X}", crc32(&text.as_bytes()[..body_len]));
        if check != expected {
            return Err(UsageSignError::Check {
                found: check.chars().take(16).collect(),
                expected,
            });
        }
        Ok(Self {
            registration_code: reg.parse()?,
            rescue_code: rescue.parse()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A payload whose check matches `body`, whatever the codes in it.
    fn signed(body: &str) -> String {
        alloc::format!("{body}*{:08X}", crc32(body.as_bytes()))
    }

    #[test]
    fn the_payload_position_points_at_the_failing_character() {
        // A rescue code with a letter where a digit belongs, under a matching check.
        let text = signed("LS1*31103301062010050007*10A072");
        let e = UsageSign::decode(&text).unwrap_err();
        assert_eq!(e.code(), "id.invalid_char", "{e}");
        let at = e.payload_position(&text).unwrap();
        assert_eq!(text.chars().nth(at - 1), Some('A'));

        // A bad check: its first character.
        let text = "LS1*31103301062010050007*100072*0000000Z";
        let e = UsageSign::decode(text).unwrap_err();
        assert_eq!(e.payload_position(text), Some(33));
        assert_eq!(&text[32..], "0000000Z");

        // An empty check: just past the end.
        let e = UsageSign::decode("LS1*1*2*").unwrap_err();
        assert_eq!(e.payload_position("LS1*1*2*"), Some(9));

        // Not a sign at all: the start.
        let e = UsageSign::decode("hello").unwrap_err();
        assert_eq!(e.payload_position("hello"), Some(1));
    }
}
