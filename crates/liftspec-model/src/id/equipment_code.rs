use alloc::string::{String, ToString};

use super::error::{check_len, text_identifier, IdError, IdKind};

/// 设备代码: the 18–20 character equipment code.
///
/// Layout (DOMAIN.md §3): variety code (4) + manufacturer code (5) + year of manufacture (4) +
/// serial (5, letters used above 99999; some issuers use up to 7). Characters are `0-9` and `A-Z`.
///
/// ```
/// use liftspec_model::id::EquipmentCode;
/// let code: EquipmentCode = "3110330012018A0001".parse()?;
/// assert_eq!(code.variety_code(), "3110");
/// assert_eq!(code.manufacturer_code(), "33001");
/// assert_eq!(code.year(), Some(2018));
/// assert_eq!(code.serial(), "A0001");
/// # Ok::<(), liftspec_model::id::IdError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EquipmentCode {
    raw: String,
}

impl EquipmentCode {
    const KIND: IdKind = IdKind::EquipmentCode;

    /// Parses and validates an equipment code (upper-case only: lower case is an error, not
    /// silently folded, so that a code compares equal only to itself).
    pub fn parse(s: &str) -> Result<Self, IdError> {
        if let Some((i, c)) = s
            .chars()
            .enumerate()
            .find(|(_, c)| !(c.is_ascii_digit() || c.is_ascii_uppercase()))
        {
            return Err(IdError::InvalidChar {
                kind: Self::KIND,
                position: i + 1,
                found: c,
                expected: "0-9 or A-Z",
            });
        }
        check_len(Self::KIND, s, 18, 20)?;
        if let Some((i, c)) = s.char_indices().take(4).find(|(_, c)| !c.is_ascii_digit()) {
            return Err(IdError::InvalidChar {
                kind: Self::KIND,
                position: i + 1,
                found: c,
                expected: "a digit 0-9 in the variety code",
            });
        }
        Ok(Self { raw: s.to_string() })
    }

    /// The 4-digit variety code (the 2014 catalogue class, e.g. `3110`).
    pub fn variety_code(&self) -> &str {
        &self.raw[0..4]
    }

    /// The 5-character manufacturer code.
    pub fn manufacturer_code(&self) -> &str {
        &self.raw[4..9]
    }

    /// The 4-character year of manufacture as written.
    pub fn year_text(&self) -> &str {
        &self.raw[9..13]
    }

    /// The year of manufacture, when those four characters are digits.
    pub fn year(&self) -> Option<u16> {
        self.year_text().parse().ok()
    }

    /// The serial (everything after the year).
    pub fn serial(&self) -> &str {
        &self.raw[13..]
    }

    /// The raw text.
    pub fn as_str(&self) -> &str {
        &self.raw
    }
}

text_identifier!(
    EquipmentCode,
    "^[0-9A-Z]{18,20}$",
    "设备代码, the equipment code: variety (4) + manufacturer (5) + year of manufacture (4) + serial (5-7)."
);
