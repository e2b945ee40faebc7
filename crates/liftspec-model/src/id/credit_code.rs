use alloc::string::{String, ToString};

use super::error::{check_len, text_identifier, IdError, IdKind};

/// The 31 characters of GB 32100-2015, in value order (no I, O, S, V, Z).
pub const CREDIT_CODE_CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// GB 32100-2015 position weights for the first 17 characters.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn value_of(c: char) -> Option<u32> {
    CREDIT_CODE_CHARSET.find(c).map(|i| i as u32)
}

/// The GB 32100 check character for the first 17 characters (each already in the charset).
fn check_char(first17: &str) -> char {
    let sum: u32 = first17
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| value_of(c).unwrap_or(0) * w)
        .sum();
    let value = (31 - sum % 31) % 31;
    CREDIT_CODE_CHARSET.as_bytes()[value as usize] as char
}

/// 统一社会信用代码: the 18-character unified social credit code of an organisation (GB 32100).
///
/// Position 1 registration authority, 2 organisation category, 3–8 administrative division,
/// 9–17 organisation code, 18 the mod-31 check character. Every party in liftspec is keyed by it.
///
/// ```
/// use liftspec_model::id::CreditCode;
/// let code: CreditCode = "91330106MA2CFPRT8A".parse()?;
/// assert_eq!(code.region_code(), 330106);
/// assert!("91330106MA2CFPRT8J".parse::<CreditCode>().is_err()); // wrong check character
/// assert!("91350100M000100Y43".parse::<CreditCode>().is_ok()); // the GB 32100 sample
/// # Ok::<(), liftspec_model::id::IdError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CreditCode {
    raw: String,
}

impl CreditCode {
    const KIND: IdKind = IdKind::CreditCode;

    /// Parses and validates a unified social credit code, including its check character.
    pub fn parse(s: &str) -> Result<Self, IdError> {
        if let Some((i, c)) = s.chars().enumerate().find(|(_, c)| value_of(*c).is_none()) {
            return Err(IdError::InvalidChar {
                kind: Self::KIND,
                position: i + 1,
                found: c,
                expected: "0-9 or an upper-case letter other than I, O, S, V, Z",
            });
        }
        check_len(Self::KIND, s, 18, 18)?;
        if let Some((i, c)) = s[2..8].char_indices().find(|(_, c)| !c.is_ascii_digit()) {
            return Err(IdError::InvalidChar {
                kind: Self::KIND,
                position: i + 3,
                found: c,
                expected: "a digit 0-9 in the administrative division",
            });
        }
        let expected = check_char(&s[..17]);
        let found = s.as_bytes()[17] as char;
        if found != expected {
            return Err(IdError::CheckMismatch {
                kind: Self::KIND,
                position: 18,
                found,
                expected,
            });
        }
        Ok(Self { raw: s.to_string() })
    }

    /// Completes 17 valid leading characters with their check character. Useful for simulators and
    /// tests that need real-looking codes.
    pub fn with_check_char(first17: &str) -> Result<Self, IdError> {
        check_len(Self::KIND, first17, 17, 17)?;
        if let Some((i, c)) = first17
            .chars()
            .enumerate()
            .find(|(_, c)| value_of(*c).is_none())
        {
            return Err(IdError::InvalidChar {
                kind: Self::KIND,
                position: i + 1,
                found: c,
                expected: "0-9 or an upper-case letter other than I, O, S, V, Z",
            });
        }
        let mut raw = first17.to_string();
        raw.push(check_char(first17));
        Self::parse(&raw)
    }

    /// The registration authority character (position 1), e.g. `9` for market regulation.
    pub fn authority(&self) -> char {
        self.raw.as_bytes()[0] as char
    }

    /// The organisation category character (position 2), e.g. `1` for an enterprise.
    pub fn category(&self) -> char {
        self.raw.as_bytes()[1] as char
    }

    /// The 6-digit administrative division of registration.
    pub fn region_code(&self) -> u32 {
        self.raw[2..8].parse().unwrap_or(0)
    }

    /// The 9-character organisation code (positions 9–17).
    pub fn organisation_code(&self) -> &str {
        &self.raw[8..17]
    }

    /// The raw text.
    pub fn as_str(&self) -> &str {
        &self.raw
    }
}

text_identifier!(
    CreditCode,
    "^[0-9A-HJ-NPQRTUWXY]{18}$",
    "统一社会信用代码, the GB 32100-2015 unified social credit code; the 18th character is the mod-31 check."
);
