//! The citizen's app (implementation opinions item 10, scan the usage sign): the lift card from
//! the platform's published snapshot, and the requests the platform's API takes.

use std::collections::HashMap;

use liftspec_api::card::{CardError, LiftCardSnapshot};
use liftspec_api::citizen::{ComplaintRequest, FaultReportRequest, RescueReportRequest};
use liftspec_api::request::{HttpRequest, IdempotencyKey};
use liftspec_api::RequestError;
use liftspec_model::id::RegistrationCode;
use liftspec_protocol::usage_sign::UsageSignError;

use crate::{json, name, LiftspecError, Result};

/// A sign's error, with `position` counted in the scanned payload (from 1).
fn sign_error(e: UsageSignError, payload: &str) -> LiftspecError {
    let position = e.payload_position(payload).map(|p| p as u64);
    match LiftspecError::from(e) {
        LiftspecError::Failed {
            code,
            reason,
            offset,
            path,
            ..
        } => LiftspecError::Failed {
            code,
            reason,
            offset,
            position,
            path,
        },
    }
}

impl From<RequestError> for LiftspecError {
    fn from(e: RequestError) -> Self {
        match e {
            RequestError::Id(id) => id.into(),
            RequestError::Sign(s) => s.into(),
            other => Self::new(other.code(), &other),
        }
    }
}

/// A request ready to send to the platform's base URL.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PlatformRequest {
    /// `POST` or `GET`.
    pub method: String,
    /// The path (`/v1/…`).
    pub path: String,
    /// The headers (`Content-Type`, `Idempotency-Key`).
    pub headers: HashMap<String, String>,
    /// The JSON body (empty for a `GET`).
    pub body: String,
}

impl From<HttpRequest> for PlatformRequest {
    fn from(r: HttpRequest) -> Self {
        Self {
            method: r.method,
            path: r.path,
            headers: r.headers.into_iter().collect(),
            body: r.body,
        }
    }
}

/// The 96333 report of trapped passengers for a scanned sign (`POST /v1/rescue/reports`), under
/// `idempotency_key` (one per user action; reuse it on a retry). A sign error's `position` is
/// the failing character of the payload.
#[uniffi::export]
pub fn rescue_report_request(
    sign_payload: String,
    persons: u16,
    floor: Option<i16>,
    idempotency_key: String,
) -> Result<PlatformRequest> {
    let mut r = RescueReportRequest::by_sign(&sign_payload, persons);
    r.floor = floor;
    let key = IdempotencyKey::parse(&idempotency_key)?;
    r.http(&key).map(Into::into).map_err(|e| match e {
        RequestError::Sign(s) => sign_error(s, &sign_payload),
        other => other.into(),
    })
}

/// A fault report for a lift (`POST /v1/lifts/{code}/faults`): `code` is a national fault code
/// (GB/T 24476 1–8, regional 9–11).
#[uniffi::export]
pub fn fault_report_request(
    registration_code: String,
    code: u16,
    floor: Option<i16>,
    idempotency_key: String,
) -> Result<PlatformRequest> {
    let lift = RegistrationCode::parse(&registration_code)?;
    let key = IdempotencyKey::parse(&idempotency_key)?;
    Ok(FaultReportRequest { code, floor }.http(&lift, &key)?.into())
}

/// A complaint (`POST /v1/complaints`) about a lift, a unit, or both: `category` is
/// `frequentFaults`, `rescue`, `maintenance`, `outOfService` or `other`.
#[uniffi::export]
pub fn complaint_request(
    lift: Option<String>,
    against: Option<String>,
    category: String,
    idempotency_key: String,
) -> Result<PlatformRequest> {
    let category = serde_json::from_value(serde_json::Value::String(category))
        .map_err(|e| LiftspecError::new("api.bad_json", format!("category: {e}")))?;
    let key = IdempotencyKey::parse(&idempotency_key)?;
    Ok(ComplaintRequest {
        lift,
        against,
        category,
    }
    .http(&key)?
    .into())
}

/// A lift card as an app shows it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LiftCardInfo {
    /// The registration code.
    pub registration_code: String,
    /// The address.
    pub address: String,
    /// The last maintenance day (`YYYY-MM-DD`), if any is recorded.
    pub last_maintenance: Option<String>,
    /// The last day the next maintenance is due.
    pub next_maintenance_due: Option<String>,
    /// When the inspection certificate's validity ends.
    pub next_inspection_due: Option<String>,
    /// `unknown`, `inTime` or `overdue` on the snapshot's day.
    pub maintenance: String,
    /// `unknown`, `inTime` or `overdue` on the snapshot's day.
    pub inspection: String,
    /// The whole card (`liftspec_api::card::LiftCard`), JSON.
    pub json: String,
}

impl From<CardError> for LiftspecError {
    fn from(e: CardError) -> Self {
        Self::new(e.code(), &e)
    }
}

/// The lift cards a platform publishes (`lift-cards.json`): a scanned sign opens its card.
#[derive(uniffi::Object)]
pub struct LiftCards {
    snapshot: LiftCardSnapshot,
}

#[uniffi::export]
impl LiftCards {
    /// Reads a published snapshot.
    #[uniffi::constructor]
    pub fn new(snapshot_json: String) -> Result<Self> {
        Ok(Self {
            snapshot: serde_json::from_str(&snapshot_json)?,
        })
    }

    /// The card of the lift whose sign was scanned (the sign is checked first).
    pub fn scan(&self, payload: String) -> Result<LiftCardInfo> {
        let card = self.snapshot.scan(&payload).map_err(|e| match e {
            CardError::Sign(s) => sign_error(s, &payload),
            other => other.into(),
        })?;
        let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string());
        let today = self.snapshot.as_of;
        Ok(LiftCardInfo {
            registration_code: card.registration_code.clone(),
            address: card.address.clone(),
            last_maintenance: day(card.last_maintenance),
            next_maintenance_due: day(card.next_maintenance_due),
            next_inspection_due: day(card.next_inspection_due),
            maintenance: name(&card.maintenance(today)),
            inspection: name(&card.inspection(today)),
            json: json(card),
        })
    }

    /// The day the snapshot's records were read (`YYYY-MM-DD`).
    pub fn as_of(&self) -> String {
        self.snapshot.as_of.to_string()
    }
}
