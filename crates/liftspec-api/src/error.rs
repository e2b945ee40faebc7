//! Why a request cannot be built or was refused.

/// A request a citizen's app cannot send as it stands. Every variant has a stable code, the one
/// the platform answers with for the same request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// A rescue report names the lift in none or several ways.
    #[error("give exactly one of rescueCode, signPayload, registrationCode")]
    ReportBy,
    /// A rescue report for no one.
    #[error("persons is at least 1")]
    Persons,
    /// A complaint names neither the lift nor the unit.
    #[error("name the lift, the unit complained against, or both")]
    ComplaintSubject,
    /// No or a malformed `Idempotency-Key`.
    #[error("an idempotency key is 1 to 128 visible ASCII characters")]
    IdempotencyKey,
    /// A body that is not the request's JSON.
    #[error("not the request's JSON: {0}")]
    Json(String),
    /// A scanned usage sign that does not check.
    #[error(transparent)]
    Sign(#[from] liftspec_protocol::usage_sign::UsageSignError),
    /// A registration, rescue or credit code that does not check.
    #[error(transparent)]
    Id(#[from] liftspec_model::id::IdError),
}

impl RequestError {
    /// The stable code (`api.report_by`, `id.check_mismatch`, `sign.check_mismatch`, …).
    pub fn code(&self) -> &'static str {
        match self {
            Self::ReportBy => "api.report_by",
            Self::Persons => "api.persons",
            Self::ComplaintSubject => "api.complaint_subject",
            Self::IdempotencyKey => "api.idempotency_key_invalid",
            Self::Json(_) => "api.bad_json",
            Self::Sign(e) => e.code(),
            Self::Id(e) => e.code(),
        }
    }
}

impl From<serde_json::Error> for RequestError {
    fn from(e: serde_json::Error) -> Self {
        Self::Json(e.to_string())
    }
}
