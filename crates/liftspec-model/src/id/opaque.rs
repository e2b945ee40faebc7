use alloc::string::{String, ToString};

use super::error::{text_identifier, IdError, IdKind};

/// Longest opaque id accepted.
const MAX_LEN: usize = 64;

fn parse_opaque(kind: IdKind, s: &str) -> Result<String, IdError> {
    if s.is_empty() {
        return Err(IdError::Missing {
            kind,
            what: "any character",
            position: 1,
        });
    }
    let allowed = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':');
    if let Some(at) = s.bytes().position(|b| !allowed(b)) {
        // Everything before `at` is ASCII, so the character position is the byte position.
        let found = s[at..].chars().next().unwrap_or('\u{fffd}');
        return Err(IdError::InvalidChar {
            kind,
            position: at + 1,
            found,
            expected: "A-Z, a-z, 0-9, '-', '_', '.' or ':'",
        });
    }
    if s.len() > MAX_LEN {
        return Err(IdError::Length {
            kind,
            min: 1,
            max: MAX_LEN,
            found: s.len(),
        });
    }
    Ok(s.to_string())
}

macro_rules! opaque_id {
    ($(#[$doc:meta])* $ty:ident, $kind:ident) => {
        $(#[$doc])*
        ///
        /// Opaque: 1–64 characters of `A-Z a-z 0-9 - _ . :`, assigned by whoever keeps the register.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $ty {
            raw: String,
        }

        impl $ty {
            /// Parses and validates the id.
            pub fn parse(s: &str) -> Result<Self, IdError> {
                parse_opaque(IdKind::$kind, s).map(|raw| Self { raw })
            }

            /// The raw text.
            pub fn as_str(&self) -> &str {
                &self.raw
            }
        }

        text_identifier!(
            $ty,
            "^[A-Za-z0-9._:-]{1,64}$",
            "An opaque id: 1-64 characters of A-Z a-z 0-9 - _ . :"
        );
    };
}

opaque_id!(
    /// A maintenance technician, usually the number of their special-equipment operator certificate.
    TechnicianId,
    TechnicianId
);
opaque_id!(
    /// A maintenance crew of a maintenance unit.
    CrewId,
    CrewId
);
opaque_id!(
    /// A rescue or maintenance station.
    StationId,
    StationId
);
opaque_id!(
    /// A trapped-passenger rescue incident.
    IncidentId,
    IncidentId
);
opaque_id!(
    /// Any record kept by the platform (maintenance, inspection, fault, complaint, …).
    RecordId,
    RecordId
);
opaque_id!(
    /// A smart-elevator terminal (the device speaking the unified interface), assigned by its vendor.
    DeviceId,
    DeviceId
);
