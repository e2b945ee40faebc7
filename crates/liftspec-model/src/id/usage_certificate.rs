use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::error::{text_identifier, IdError, IdKind};
use crate::equipment::EquipmentKind;

/// One-character province abbreviations accepted after the variety digits: the 34 official ones,
/// plus the licence-plate style 贵, 云 and 蜀 that also appear on certificates.
pub const PROVINCE_ABBREVIATIONS: [char; 37] = [
    '京', '津', '冀', '晋', '蒙', '辽', '吉', '黑', '沪', '苏', '浙', '皖', '闽', '赣', '鲁', '豫',
    '鄂', '湘', '粤', '桂', '琼', '渝', '川', '黔', '滇', '藏', '陕', '甘', '青', '宁', '新', '台',
    '港', '澳', '贵', '云', '蜀',
];

/// The parentheses around the year of a usage certificate number; both styles occur in the field
/// and the original style is kept so that `Display` gives back the same text.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Parenthesis {
    /// `(` and `)`.
    Ascii,
    /// `（` and `）` (full-width).
    FullWidth,
}

/// 使用登记证编号: the usage registration certificate number, e.g. `梯11浙AJ5023(19)`.
///
/// `梯` + 2-digit variety + province abbreviation + city letter + serial (1–8 of `0-9A-Z`) +
/// 2-digit year in ASCII or full-width parentheses (DOMAIN.md §3).
///
/// ```
/// use liftspec_model::{id::UsageCertificate, equipment::EquipmentKind};
/// let cert: UsageCertificate = "梯11浙AJ5023(19)".parse()?;
/// assert_eq!(cert.equipment_kind(), EquipmentKind::TractionPassenger);
/// assert_eq!((cert.province(), cert.city_letter(), cert.serial()), ('浙', 'A', "J5023"));
/// assert_eq!(cert.year_two_digits(), 19);
/// let wide: UsageCertificate = "梯31浙A0007（21）".parse()?;
/// assert_eq!(wide.to_string(), "梯31浙A0007（21）");
/// # Ok::<(), liftspec_model::id::IdError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UsageCertificate {
    raw: String,
    kind: EquipmentKind,
    province: char,
    city_letter: char,
    serial: String,
    year: u8,
    parenthesis: Parenthesis,
}

impl UsageCertificate {
    const KIND: IdKind = IdKind::UsageCertificate;

    /// Parses and validates a usage certificate number.
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let chars: Vec<char> = s.chars().collect();
        let kind = Self::KIND;
        let at = |i: usize, what: &'static str| -> Result<char, IdError> {
            chars.get(i).copied().ok_or(IdError::Missing {
                kind,
                what,
                position: i + 1,
            })
        };
        let invalid = |i: usize, found: char, expected: &'static str| IdError::InvalidChar {
            kind,
            position: i + 1,
            found,
            expected,
        };
        if chars.len() > 32 {
            return Err(IdError::Length {
                kind,
                min: 9,
                max: 32,
                found: chars.len(),
            });
        }
        let c = at(0, "the character 梯")?;
        if c != '梯' {
            return Err(invalid(0, c, "the character 梯"));
        }
        let mut variety = 0u32;
        for i in 1..3 {
            let c = at(i, "the 2-digit variety code")?;
            let d = c.to_digit(10).ok_or(invalid(i, c, "a digit 0-9"))?;
            variety = variety * 10 + d;
        }
        let equipment_kind =
            EquipmentKind::from_certificate_code(variety as u8).ok_or(IdError::OutOfRange {
                kind,
                field: "variety code",
                position: 2,
                value: variety,
                reason: "expected 11, 12, 13, 21, 22, 31, 32, 41, 42 or 43",
            })?;
        let province = at(3, "a province abbreviation")?;
        if !PROVINCE_ABBREVIATIONS.contains(&province) {
            return Err(invalid(3, province, "a province abbreviation such as 浙"));
        }
        let city_letter = at(4, "the city letter")?;
        if !city_letter.is_ascii_uppercase() {
            return Err(invalid(4, city_letter, "a city letter A-Z"));
        }
        let mut i = 5;
        let mut serial = String::new();
        loop {
            let c = at(i, "the year in parentheses")?;
            if c == '(' || c == '（' {
                break;
            }
            if !(c.is_ascii_digit() || c.is_ascii_uppercase()) {
                return Err(invalid(
                    i,
                    c,
                    "0-9 or A-Z in the serial, or an opening parenthesis",
                ));
            }
            serial.push(c);
            i += 1;
        }
        if serial.is_empty() || serial.len() > 8 {
            return Err(IdError::OutOfRange {
                kind,
                field: "serial length",
                position: 6,
                value: serial.len() as u32,
                reason: "expected 1-8 characters",
            });
        }
        let (parenthesis, close) = if chars[i] == '(' {
            (Parenthesis::Ascii, ')')
        } else {
            (Parenthesis::FullWidth, '）')
        };
        let mut year = 0u32;
        for j in i + 1..i + 3 {
            let c = at(j, "the 2-digit year")?;
            year = year * 10 + c.to_digit(10).ok_or(invalid(j, c, "a digit 0-9"))?;
        }
        let c = at(i + 3, "the closing parenthesis")?;
        if c != close {
            return Err(invalid(
                i + 3,
                c,
                "a closing parenthesis matching the opening one",
            ));
        }
        if let Some(&extra) = chars.get(i + 4) {
            return Err(invalid(i + 4, extra, "the end of the certificate number"));
        }
        Ok(Self {
            raw: s.to_string(),
            kind: equipment_kind,
            province,
            city_letter,
            serial,
            year: year as u8,
            parenthesis,
        })
    }

    /// The equipment kind named by the variety digits.
    pub fn equipment_kind(&self) -> EquipmentKind {
        self.kind
    }

    /// The province abbreviation, e.g. `浙`.
    pub fn province(&self) -> char {
        self.province
    }

    /// The city letter, e.g. `A` for Hangzhou.
    pub fn city_letter(&self) -> char {
        self.city_letter
    }

    /// The serial between the city letter and the year.
    pub fn serial(&self) -> &str {
        &self.serial
    }

    /// The two-digit year of registration as written (e.g. 19 for 2019).
    pub fn year_two_digits(&self) -> u8 {
        self.year
    }

    /// Which parentheses the number was written with.
    pub fn parenthesis(&self) -> Parenthesis {
        self.parenthesis
    }

    /// The number written with ASCII parentheses, for comparing numbers typed by offices that
    /// use different styles.
    pub fn normalized(&self) -> String {
        alloc::format!(
            "梯{:02}{}{}{}({:02})",
            self.kind.certificate_code(),
            self.province,
            self.city_letter,
            self.serial,
            self.year
        )
    }

    /// The raw text.
    pub fn as_str(&self) -> &str {
        &self.raw
    }
}

text_identifier!(
    UsageCertificate,
    "^梯[0-9]{2}.{2}[0-9A-Z]{1,8}[(（][0-9]{2}[)）]$",
    "使用登记证编号, the usage registration certificate number, e.g. `梯11浙AJ5023(19)`."
);
