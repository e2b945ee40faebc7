use alloc::string::{String, ToString};

use super::error::{text_identifier, IdError, IdKind};

/// The length rules of a city's emergency rescue code.
///
/// Cities print a short number on the usage or rescue sign that a trapped passenger reads to the
/// 96333 operator. Hangzhou's format is not published (DOMAIN.md §3, tag \[recall\]), so the length
/// is data: [`RescueCodeFormat::HANGZHOU`] is liftspec's default of 6 digits, the last of which is
/// a Damm check digit (it catches every single-digit error and every adjacent transposition, the
/// two mistakes people make reading a number aloud).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RescueCodeFormat {
    /// Total digits including the check digit.
    pub digits: u8,
}

impl RescueCodeFormat {
    /// Fewest digits a format may have.
    pub const MIN_DIGITS: u8 = 4;
    /// Most digits a format may have.
    pub const MAX_DIGITS: u8 = 12;
    /// liftspec's Hangzhou default: 6 digits (5 serial + 1 check), pending a published format.
    pub const HANGZHOU: Self = Self { digits: 6 };

    /// Largest serial this format can carry.
    pub fn max_serial(self) -> u64 {
        10u64.pow(u32::from(self.digits.clamp(Self::MIN_DIGITS, Self::MAX_DIGITS)) - 1) - 1
    }
}

impl Default for RescueCodeFormat {
    fn default() -> Self {
        Self::HANGZHOU
    }
}

/// The Damm quasigroup of order 10 (Damm 2004), the standard table.
const DAMM: [[u8; 10]; 10] = [
    [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
    [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
    [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
    [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
    [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
    [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
    [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
    [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
    [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
    [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

fn damm_digit(digits: impl Iterator<Item = u8>) -> u8 {
    digits.fold(0, |interim, d| DAMM[usize::from(interim)][usize::from(d)])
}

/// The emergency rescue code: a short all-digit number whose last digit is a Damm check digit.
///
/// ```
/// use liftspec_model::id::{RescueCode, RescueCodeFormat};
/// let code = RescueCode::from_serial(12345, RescueCodeFormat::HANGZHOU)?;
/// assert_eq!(code.as_str().len(), 6);
/// assert_eq!(RescueCode::parse_with(code.as_str(), RescueCodeFormat::HANGZHOU)?, code);
/// // Swapping two neighbouring digits is always caught.
/// let mut swapped = code.as_str().as_bytes().to_vec();
/// swapped.swap(0, 1);
/// assert!(RescueCode::parse(core::str::from_utf8(&swapped).unwrap()).is_err());
/// # Ok::<(), liftspec_model::id::IdError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RescueCode {
    raw: String,
}

impl RescueCode {
    const KIND: IdKind = IdKind::RescueCode;

    /// Parses a code of any length the formats allow (4–12 digits) and checks its check digit.
    pub fn parse(s: &str) -> Result<Self, IdError> {
        Self::parse_len(
            s,
            RescueCodeFormat::MIN_DIGITS,
            RescueCodeFormat::MAX_DIGITS,
        )
    }

    /// Parses a code that must have exactly the format's length.
    pub fn parse_with(s: &str, format: RescueCodeFormat) -> Result<Self, IdError> {
        Self::parse_len(s, format.digits, format.digits)
    }

    fn parse_len(s: &str, min: u8, max: u8) -> Result<Self, IdError> {
        if let Some((i, c)) = s.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
            return Err(IdError::InvalidChar {
                kind: Self::KIND,
                position: i + 1,
                found: c,
                expected: "a digit 0-9",
            });
        }
        let len = s.len();
        if len < usize::from(min) || len > usize::from(max) {
            return Err(IdError::Length {
                kind: Self::KIND,
                min: usize::from(min),
                max: usize::from(max),
                found: len,
            });
        }
        if damm_digit(s.bytes().map(|b| b - b'0')) != 0 {
            let expected = damm_digit(s.bytes().take(len - 1).map(|b| b - b'0'));
            return Err(IdError::CheckMismatch {
                kind: Self::KIND,
                position: len,
                found: char::from(s.as_bytes()[len - 1]),
                expected: char::from(b'0' + expected),
            });
        }
        Ok(Self { raw: s.to_string() })
    }

    /// Builds the code for `serial` (zero-padded to the format's length less one) with its check
    /// digit. Fails when the serial does not fit or the format is outside 4–12 digits.
    pub fn from_serial(serial: u64, format: RescueCodeFormat) -> Result<Self, IdError> {
        if !(RescueCodeFormat::MIN_DIGITS..=RescueCodeFormat::MAX_DIGITS).contains(&format.digits) {
            return Err(IdError::Length {
                kind: Self::KIND,
                min: usize::from(RescueCodeFormat::MIN_DIGITS),
                max: usize::from(RescueCodeFormat::MAX_DIGITS),
                found: usize::from(format.digits),
            });
        }
        if serial > format.max_serial() {
            return Err(IdError::OutOfRange {
                kind: Self::KIND,
                field: "serial",
                position: 1,
                value: u32::try_from(serial).unwrap_or(u32::MAX),
                reason: "does not fit the format's digits",
            });
        }
        let width = usize::from(format.digits) - 1;
        let mut raw = alloc::format!("{serial:0width$}");
        let check = damm_digit(raw.bytes().map(|b| b - b'0'));
        raw.push(char::from(b'0' + check));
        Ok(Self { raw })
    }

    /// The serial (all digits but the check digit).
    pub fn serial(&self) -> u64 {
        self.raw[..self.raw.len() - 1]
            .bytes()
            .fold(0, |acc, b| acc * 10 + u64::from(b - b'0'))
    }

    /// The raw text.
    pub fn as_str(&self) -> &str {
        &self.raw
    }
}

text_identifier!(
    RescueCode,
    "^[0-9]{4,12}$",
    "The emergency rescue code on the usage sign: digits, the last a Damm check digit (Hangzhou default: 6 digits)."
);
