use alloc::string::{String, ToString};

use super::error::{check_len, digits, require_ascii, text_identifier, IdError, IdKind};
use crate::equipment::EquipmentKind;

/// GB/T 2260 province-level codes (the first two digits of an administrative division code).
pub const PROVINCE_CODES: [u8; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
];

/// 注册代码: the 20-digit registration code of an old-scheme lift.
///
/// Layout (DOMAIN.md §3): 4-digit equipment class, 6-digit administrative division (GB/T 2260),
/// 6-digit year-month of registration and 4-digit sequence, e.g. `31106401052014080025`.
/// The class digits mean different things in the pre-2014 and the 2014 catalogue, so the class
/// is only decoded against a [`ClassScheme`].
///
/// ```
/// use liftspec_model::{id::{ClassScheme, RegistrationCode}, equipment::EquipmentKind};
///
/// let code: RegistrationCode = "31103301062019050007".parse()?;
/// assert_eq!(code.equipment_kind(ClassScheme::Catalogue2014), Some(EquipmentKind::TractionPassenger));
/// assert_eq!(code.to_string(), "31103301062019050007");
/// assert!("3110330106201905000".parse::<RegistrationCode>().is_err()); // 19 digits
/// # Ok::<(), liftspec_model::id::IdError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegistrationCode {
    raw: String,
}

/// Which equipment catalogue the class digits of a registration code follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum ClassScheme {
    /// The 2014 special-equipment catalogue (质检总局 2014 年第 114 号公告): 3110 traction
    /// passenger … 3310 escalator.
    Catalogue2014,
    /// The earlier scheme, where for example 3310 meant a hydraulic passenger lift.
    /// Only the classes listed in [`ClassScheme::decode`] are decoded; the table is from field
    /// recall (DOMAIN.md §3, tag \[recall\]) and should be confirmed against the old catalogue.
    Pre2014,
}

impl ClassScheme {
    /// The scheme most likely in force for a code registered in `year`-`month`: the 2014
    /// catalogue was published on 2014-10-30, so registrations from 2014-11 on use it. A platform
    /// that knows better (from the certificate) should pass the scheme explicitly.
    pub const fn likely_for(year: u16, month: u8) -> Self {
        if year > 2014 || (year == 2014 && month >= 11) {
            Self::Catalogue2014
        } else {
            Self::Pre2014
        }
    }

    /// Decodes a 4-digit class code under this scheme; `None` when the scheme has no such class.
    pub const fn decode(self, class: u16) -> Option<EquipmentKind> {
        match self {
            Self::Catalogue2014 => EquipmentKind::from_catalogue_code(class),
            Self::Pre2014 => match class {
                3110 => Some(EquipmentKind::TractionPassenger),
                3120 => Some(EquipmentKind::TractionFreight),
                3310 => Some(EquipmentKind::HydraulicPassenger),
                3320 => Some(EquipmentKind::HydraulicFreight),
                _ => None,
            },
        }
    }
}

impl RegistrationCode {
    const KIND: IdKind = IdKind::RegistrationCode;

    /// Parses and validates a registration code.
    pub fn parse(s: &str) -> Result<Self, IdError> {
        check_len(Self::KIND, s, 20, 20)?;
        require_ascii(Self::KIND, s, "a digit 0-9")?;
        let class = digits(Self::KIND, s, 0, 4)?;
        let region = digits(Self::KIND, s, 4, 6)?;
        let year = digits(Self::KIND, s, 10, 4)?;
        let month = digits(Self::KIND, s, 14, 2)?;
        digits(Self::KIND, s, 16, 4)?;
        if !(3000..=3999).contains(&class) {
            return Err(IdError::OutOfRange {
                kind: Self::KIND,
                field: "equipment class",
                position: 1,
                value: class,
                reason: "lift classes are 3000-3999",
            });
        }
        // `region / 10_000` is below 100 by construction of a 6-digit field.
        if !PROVINCE_CODES.contains(&((region / 10_000) as u8)) {
            return Err(IdError::OutOfRange {
                kind: Self::KIND,
                field: "province code",
                position: 5,
                value: region / 10_000,
                reason: "not a GB/T 2260 province code",
            });
        }
        if !(1950..=2099).contains(&year) {
            return Err(IdError::OutOfRange {
                kind: Self::KIND,
                field: "year",
                position: 11,
                value: year,
                reason: "expected 1950-2099",
            });
        }
        if !(1..=12).contains(&month) {
            return Err(IdError::OutOfRange {
                kind: Self::KIND,
                field: "month",
                position: 15,
                value: month,
                reason: "expected 01-12",
            });
        }
        Ok(Self { raw: s.to_string() })
    }

    fn field(&self, start: usize, len: usize) -> u32 {
        self.raw.as_bytes()[start..start + len]
            .iter()
            .fold(0, |acc, b| acc * 10 + u32::from(b - b'0'))
    }

    /// The 4-digit equipment class, undecoded.
    pub fn class_code(&self) -> u16 {
        self.field(0, 4) as u16
    }

    /// The 6-digit GB/T 2260 administrative division where the lift was registered.
    pub fn region_code(&self) -> u32 {
        self.field(4, 6)
    }

    /// Year of registration.
    pub fn year(&self) -> u16 {
        self.field(10, 4) as u16
    }

    /// Month of registration, 1-12.
    pub fn month(&self) -> u8 {
        self.field(14, 2) as u8
    }

    /// The 4-digit sequence number within the region and month.
    pub fn sequence(&self) -> u16 {
        self.field(16, 4) as u16
    }

    /// The equipment kind under an explicit scheme.
    pub fn equipment_kind(&self, scheme: ClassScheme) -> Option<EquipmentKind> {
        scheme.decode(self.class_code())
    }

    /// The raw text.
    pub fn as_str(&self) -> &str {
        &self.raw
    }
}

text_identifier!(
    RegistrationCode,
    "^[0-9]{20}$",
    "注册代码, the 20-digit registration code: class (4) + GB/T 2260 division (6) + registration year-month (6) + sequence (4)."
);
