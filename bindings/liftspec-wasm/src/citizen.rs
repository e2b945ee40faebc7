//! The citizen's page (implementation opinions item 10, 扫一扫): the usage sign, the lift card
//! from the platform's published snapshot, and the three requests a citizen can send.

use liftspec_api::card::{CardError, Due, LiftCardSnapshot};
use liftspec_api::citizen::{ComplaintRequest, FaultReportRequest, RescueReportRequest};
use liftspec_api::request::{HttpRequest, IdempotencyKey};
use liftspec_model::codes::LiftFault;
use liftspec_model::id::RegistrationCode;
use liftspec_protocol::usage_sign::{UsageSign, UsageSignError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

use crate::{json, name, out, Failure, Result};

/// What a usage sign's QR code says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct UsageSignInfo {
    /// The lift's registration code.
    pub registration_code: String,
    /// The rescue code printed beside the QR code.
    pub rescue_code: String,
}

/// A sign's error, with `position` counted in the scanned payload (from 1).
fn sign_failure(e: UsageSignError, payload: &str) -> Failure {
    let position = e.payload_position(payload);
    Failure {
        position,
        ..Failure::from(e)
    }
}

/// Parses and checks a scanned usage-sign payload: its CRC, and both codes' check characters.
/// An error's `position` is the failing character of the payload (from 1).
#[wasm_bindgen(js_name = parseUsageSign)]
pub fn parse_usage_sign(payload: &str) -> Result<Ts<UsageSignInfo>> {
    let sign = UsageSign::decode(payload).map_err(|e| sign_failure(e, payload))?;
    out(UsageSignInfo {
        registration_code: sign.registration_code.to_string(),
        rescue_code: sign.rescue_code.to_string(),
    })
}

/// The payload a lift's usage sign carries.
#[wasm_bindgen(js_name = usageSignPayload)]
pub fn usage_sign_payload(registration_code: &str, rescue_code: &str) -> Result<String> {
    Ok(UsageSign {
        registration_code: registration_code.parse()?,
        rescue_code: rescue_code.parse()?,
    }
    .encode())
}

/// A lift card as the page shows it: the card (`liftspec_api::card::LiftCard`, camelCase
/// members) and whether maintenance and inspection are overdue on the snapshot's day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct LiftCardView {
    /// The card.
    #[tsify(type = "LiftCard")]
    pub card: serde_json::Value,
    /// The day the snapshot was taken (`YYYY-MM-DD`).
    pub as_of: String,
    /// `unknown`, `inTime` or `overdue`.
    pub maintenance: String,
    /// `unknown`, `inTime` or `overdue`.
    pub inspection: String,
}

/// A lift card, as a platform publishes it (`lift-cards.json`).
#[wasm_bindgen(typescript_custom_section)]
const LIFT_CARD: &str = r#"
/** A lift card, as `GET /v1/lifts/lookup` answers it and `lift-cards.json` holds it. */
export interface LiftCard {
    registrationCode: string;
    rescueCode: string | null;
    kind: string;
    address: string;
    district: string;
    useUnit: string;
    maintenanceUnit: string;
    commissionedOn: string;
    lastMaintenance: string | null;
    nextMaintenanceDue: string | null;
    lastInspection: string | null;
    lastInspectionResult: string | null;
    nextInspectionDue: string | null;
    inspectionRequestBy: string | null;
    sources: string[];
}
"#;

/// The lift cards a platform publishes (`lift-cards.json`, `liftspec_api::card`): a scanned
/// sign opens its lift's card.
#[wasm_bindgen]
pub struct LiftCards {
    snapshot: LiftCardSnapshot,
}

#[wasm_bindgen]
impl LiftCards {
    /// Reads a published snapshot.
    #[wasm_bindgen(constructor)]
    pub fn new(snapshot_json: &str) -> Result<LiftCards> {
        Ok(Self {
            snapshot: serde_json::from_str(snapshot_json)?,
        })
    }

    /// The card of the lift whose sign was scanned: the sign is checked first (a tampered or
    /// mistyped payload throws with its code), then its registration and rescue codes are
    /// looked up. A sign error's `position` is the failing character of the payload.
    pub fn scan(&self, payload: &str) -> Result<Ts<LiftCardView>> {
        let card = self.snapshot.scan(payload).map_err(|e| match e {
            CardError::Sign(s) => sign_failure(s, payload),
            other => other.into(),
        })?;
        let today = self.snapshot.as_of;
        let due = |d: Due| name(&d);
        out(LiftCardView {
            card: json(card)?,
            as_of: today.to_string(),
            maintenance: due(card.maintenance(today)),
            inspection: due(card.inspection(today)),
        })
    }

    /// The day the snapshot's records were read (`YYYY-MM-DD`).
    #[wasm_bindgen(getter, js_name = asOf)]
    pub fn as_of(&self) -> String {
        self.snapshot.as_of.to_string()
    }

    /// How many lifts the snapshot holds.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> usize {
        self.snapshot.cards.len()
    }
}

/// A request ready to `fetch` from the platform's base URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct PlatformRequest {
    /// `POST` or `GET`.
    pub method: String,
    /// The path (`/v1/…`).
    pub path: String,
    /// The headers (`Content-Type`, `Idempotency-Key`).
    pub headers: BTreeMap<String, String>,
    /// The JSON body (empty for a `GET`).
    pub body: String,
}

impl From<HttpRequest> for PlatformRequest {
    fn from(r: HttpRequest) -> Self {
        Self {
            method: r.method,
            path: r.path,
            headers: r.headers,
            body: r.body,
        }
    }
}

/// The 96333 report of trapped passengers for the scanned sign (`POST /v1/rescue/reports`),
/// under `idempotencyKey` (one per user action; reuse it on a retry).
#[wasm_bindgen(js_name = rescueReportRequest)]
pub fn rescue_report_request(
    sign_payload: &str,
    persons: u16,
    floor: Option<i16>,
    idempotency_key: &str,
) -> Result<Ts<PlatformRequest>> {
    let mut r = RescueReportRequest::by_sign(sign_payload, persons);
    r.floor = floor;
    let key = IdempotencyKey::parse(idempotency_key)?;
    let request = r.http(&key).map_err(|e| match e {
        liftspec_api::RequestError::Sign(s) => sign_failure(s, sign_payload),
        other => other.into(),
    })?;
    out(request.into())
}

/// A fault report for the lift (`POST /v1/lifts/{code}/faults`): `code` is a national fault
/// code (see `liftFaultCodes`).
#[wasm_bindgen(js_name = faultReportRequest)]
pub fn fault_report_request(
    registration_code: &str,
    code: u16,
    floor: Option<i16>,
    idempotency_key: &str,
) -> Result<Ts<PlatformRequest>> {
    let lift = RegistrationCode::parse(registration_code)?;
    let key = IdempotencyKey::parse(idempotency_key)?;
    out(FaultReportRequest { code, floor }.http(&lift, &key)?.into())
}

/// A complaint (`POST /v1/complaints`) about the lift, the unit, or both: `category` is
/// `frequentFaults`, `rescue`, `maintenance`, `outOfService` or `other`.
#[wasm_bindgen(js_name = complaintRequest)]
pub fn complaint_request(
    lift: Option<String>,
    against: Option<String>,
    category: &str,
    idempotency_key: &str,
) -> Result<Ts<PlatformRequest>> {
    let category = serde_json::from_value(serde_json::Value::String(category.to_owned()))
        .map_err(|e| crate::Failure::new("api.bad_json", format!("category: {e}")))?;
    let key = IdempotencyKey::parse(idempotency_key)?;
    out(ComplaintRequest {
        lift,
        against,
        category,
    }
    .http(&key)?
    .into())
}

/// A national fault code a citizen can report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct FaultCode {
    /// The number (GB/T 24476 1–8, regional 9–11).
    pub code: u16,
    /// Its name in English.
    pub label: String,
}

/// Every lift fault code a citizen can pick, in order.
#[wasm_bindgen(js_name = liftFaultCodes)]
pub fn lift_fault_codes() -> Result<Vec<Ts<FaultCode>>> {
    LiftFault::KNOWN
        .iter()
        .map(|f| {
            out(FaultCode {
                code: u16::from(f.code()),
                label: f.label().to_owned(),
            })
        })
        .collect()
}
