//! Identifiers: each checked, with the position of the failing character.

use liftspec_model::id::{
    CreditCode, EquipmentCode, RegistrationCode, RescueCode, UsageCertificate,
};
use serde::{Deserialize, Serialize};
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

use crate::{arg, Result};

/// Which identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub enum IdentifierKind {
    /// The 20-digit registration code (TSG 08).
    RegistrationCode,
    /// The rescue code on the usage sign (96333).
    RescueCode,
    /// The equipment code.
    EquipmentCode,
    /// The usage registration certificate number.
    UsageCertificate,
    /// The unified social credit code of a unit (GB 32100).
    CreditCode,
}

/// Checks an identifier; returns it as the platform writes it. A bad one throws with its code
/// and the `position` (from 1) of the failing character.
#[wasm_bindgen(js_name = checkIdentifier)]
pub fn check_identifier(kind: Ts<IdentifierKind>, text: &str) -> Result<String> {
    Ok(match arg(&kind)? {
        IdentifierKind::RegistrationCode => RegistrationCode::parse(text)?.to_string(),
        IdentifierKind::RescueCode => text.parse::<RescueCode>()?.to_string(),
        IdentifierKind::EquipmentCode => text.parse::<EquipmentCode>()?.to_string(),
        IdentifierKind::UsageCertificate => text.parse::<UsageCertificate>()?.to_string(),
        IdentifierKind::CreditCode => CreditCode::parse(text)?.to_string(),
    })
}
