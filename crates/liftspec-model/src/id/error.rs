use core::fmt;

/// Which identifier an [`IdError`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum IdKind {
    /// 注册代码, the 20-digit registration code.
    RegistrationCode,
    /// 设备代码, the 18–20 character equipment code.
    EquipmentCode,
    /// 使用登记证编号, the usage registration certificate number.
    UsageCertificate,
    /// The short emergency rescue code printed on the usage or rescue sign.
    RescueCode,
    /// 统一社会信用代码, the GB 32100 unified social credit code.
    CreditCode,
    /// A technician id.
    TechnicianId,
    /// A crew id.
    CrewId,
    /// A rescue station id.
    StationId,
    /// A rescue incident id.
    IncidentId,
    /// A record id.
    RecordId,
    /// A TSG T5002 maintenance item id such as `A1-05`.
    MaintenanceItem,
    /// A smart-elevator terminal id.
    DeviceId,
}

impl IdKind {
    /// The identifier's name as used in messages.
    pub const fn name(self) -> &'static str {
        match self {
            Self::RegistrationCode => "registration code",
            Self::EquipmentCode => "equipment code",
            Self::UsageCertificate => "usage certificate number",
            Self::RescueCode => "rescue code",
            Self::CreditCode => "unified social credit code",
            Self::TechnicianId => "technician id",
            Self::CrewId => "crew id",
            Self::StationId => "station id",
            Self::IncidentId => "incident id",
            Self::RecordId => "record id",
            Self::MaintenanceItem => "maintenance item",
            Self::DeviceId => "device id",
        }
    }
}

impl fmt::Display for IdKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why an identifier did not parse. Positions count characters from 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// The text has the wrong number of characters.
    #[error("{kind}: expected {min}..={max} characters, found {found}")]
    Length {
        /// The identifier.
        kind: IdKind,
        /// Fewest characters allowed.
        min: usize,
        /// Most characters allowed.
        max: usize,
        /// Characters found.
        found: usize,
    },
    /// A character is not allowed where it stands.
    #[error("{kind}: invalid character {found:?} at position {position}, expected {expected}")]
    InvalidChar {
        /// The identifier.
        kind: IdKind,
        /// Position of the character, from 1.
        position: usize,
        /// The character found.
        found: char,
        /// What was expected there.
        expected: &'static str,
    },
    /// A field is well-formed but its value is impossible.
    #[error("{kind}: {field} {value} at position {position} is out of range: {reason}")]
    OutOfRange {
        /// The identifier.
        kind: IdKind,
        /// The field's name.
        field: &'static str,
        /// Position of the field's first character, from 1.
        position: usize,
        /// The value found.
        value: u32,
        /// What the range is.
        reason: &'static str,
    },
    /// The check character does not match the rest of the identifier.
    #[error("{kind}: check character {found:?} at position {position} does not match, expected {expected:?}")]
    CheckMismatch {
        /// The identifier.
        kind: IdKind,
        /// Position of the check character, from 1.
        position: usize,
        /// The check character found.
        found: char,
        /// The check character the rest of the identifier implies.
        expected: char,
    },
    /// A required part is missing.
    #[error("{kind}: missing {what} at position {position}")]
    Missing {
        /// The identifier.
        kind: IdKind,
        /// The missing part.
        what: &'static str,
        /// Where it should start, from 1.
        position: usize,
    },
}

impl IdError {
    /// The character position (from 1) the error is at, when it is at one (not for a wrong
    /// length).
    ///
    /// ```
    /// use liftspec_model::id::CreditCode;
    /// let e = "91330105256G7JX981".parse::<CreditCode>().unwrap_err();
    /// assert_eq!((e.code(), e.position()), ("id.check_mismatch", Some(18)));
    /// ```
    pub const fn position(&self) -> Option<usize> {
        match self {
            Self::Length { .. } => None,
            Self::InvalidChar { position, .. }
            | Self::OutOfRange { position, .. }
            | Self::CheckMismatch { position, .. }
            | Self::Missing { position, .. } => Some(*position),
        }
    }

    /// A stable, machine-readable code for this error (for FFI, WASM and logs).
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Length { .. } => "id.length",
            Self::InvalidChar { .. } => "id.invalid_char",
            Self::OutOfRange { .. } => "id.out_of_range",
            Self::CheckMismatch { .. } => "id.check_mismatch",
            Self::Missing { .. } => "id.missing",
        }
    }

    /// The identifier this error is about.
    pub const fn kind(&self) -> IdKind {
        match self {
            Self::Length { kind, .. }
            | Self::InvalidChar { kind, .. }
            | Self::OutOfRange { kind, .. }
            | Self::CheckMismatch { kind, .. }
            | Self::Missing { kind, .. } => *kind,
        }
    }
}

/// Checks the character count of `s` against `min..=max`.
pub(crate) fn check_len(kind: IdKind, s: &str, min: usize, max: usize) -> Result<usize, IdError> {
    let found = s.chars().count();
    if found < min || found > max {
        return Err(IdError::Length {
            kind,
            min,
            max,
            found,
        });
    }
    Ok(found)
}

/// Parses an all-ASCII-digit field starting at 0-based byte `start` (ASCII text only).
pub(crate) fn digits(kind: IdKind, s: &str, start: usize, len: usize) -> Result<u32, IdError> {
    let mut value: u32 = 0;
    for (i, b) in s.as_bytes()[start..start + len].iter().enumerate() {
        if !b.is_ascii_digit() {
            return Err(IdError::InvalidChar {
                kind,
                position: start + i + 1,
                found: char::from(*b),
                expected: "a digit 0-9",
            });
        }
        value = value * 10 + u32::from(b - b'0');
    }
    Ok(value)
}

/// Rejects non-ASCII text, naming the first offending character.
pub(crate) fn require_ascii(kind: IdKind, s: &str, expected: &'static str) -> Result<(), IdError> {
    match s.chars().enumerate().find(|(_, c)| !c.is_ascii()) {
        Some((i, c)) => Err(IdError::InvalidChar {
            kind,
            position: i + 1,
            found: c,
            expected,
        }),
        None => Ok(()),
    }
}

/// Implements `Display`, `FromStr`-backed serde (as text), `AsRef<str>` and (feature `schema`)
/// a JSON Schema with the given pattern and description, for an id with a `raw: String` field and
/// a `parse` associated fn.
macro_rules! text_identifier {
    ($ty:ident, $pattern:literal, $description:literal) => {
        #[cfg(feature = "schema")]
        impl schemars::JsonSchema for $ty {
            fn schema_name() -> alloc::borrow::Cow<'static, str> {
                stringify!($ty).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                crate::schema::text($pattern, $description)
            }
        }

        impl core::fmt::Display for $ty {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(&self.raw)
            }
        }

        impl core::str::FromStr for $ty {
            type Err = $crate::id::IdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.raw
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.raw)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <alloc::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                Self::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use text_identifier;
