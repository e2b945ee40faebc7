//! Validated identifiers.
//!
//! Each identifier is a newtype that can only hold a valid value. `FromStr` and `Display`
//! round-trip exactly (the raw text is kept), serde uses the same text, and every parse failure is
//! an [`IdError`] that names the identifier, the position (counted in characters from 1) and the
//! reason.

mod credit_code;
mod equipment_code;
mod error;
mod opaque;
mod registration_code;
mod rescue_code;
mod usage_certificate;

pub use credit_code::{CreditCode, CREDIT_CODE_CHARSET};
pub use equipment_code::EquipmentCode;
pub use error::{IdError, IdKind};
pub use opaque::{CrewId, DeviceId, IncidentId, RecordId, StationId, TechnicianId};
pub use registration_code::{ClassScheme, RegistrationCode, PROVINCE_CODES};
pub use rescue_code::{RescueCode, RescueCodeFormat};
pub use usage_certificate::{Parenthesis, UsageCertificate, PROVINCE_ABBREVIATIONS};
