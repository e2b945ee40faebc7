//! The one exception type, carrying the stable code of the Rust error.

/// An error from liftspec: `code` is stable (`id.check_mismatch`, `rescue.invalid_transition`,
/// `decode.body`, …); `offset` is the failing byte of a frame and `position` the failing
/// character of an identifier (from 1), `path` the failing field, when the error has them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum LiftspecError {
    /// The call failed.
    #[error("{reason} ({code})")]
    Failed {
        /// The stable code.
        code: String,
        /// What is wrong, in English.
        reason: String,
        /// The failing byte of a frame.
        offset: Option<u64>,
        /// The failing character of an identifier or sign, from 1.
        position: Option<u64>,
        /// The failing field.
        path: Option<String>,
    },
}

impl LiftspecError {
    /// An error with only a code and a reason.
    pub fn new(code: &str, reason: impl std::fmt::Display) -> Self {
        Self::Failed {
            code: code.to_owned(),
            reason: reason.to_string(),
            offset: None,
            position: None,
            path: None,
        }
    }

    /// The stable code.
    pub fn code(&self) -> &str {
        match self {
            Self::Failed { code, .. } => code,
        }
    }
}

macro_rules! from_coded {
    ($($t:ty),* $(,)?) => {$(
        impl From<$t> for LiftspecError {
            fn from(e: $t) -> Self {
                Self::new(e.code(), &e)
            }
        }
    )*};
}

from_coded!(
    liftspec_protocol::json::JsonError,
    liftspec_protocol::wire::EncodeError,
    liftspec_protocol::auth::AuthError,
    liftspec_protocol::auth::KeyError,
    liftspec_protocol::session::SessionError,
    liftspec_protocol::terminal::TerminalError,
    liftspec_rescue::service::RescueError,
    liftspec_credit::rules::RuleError,
    liftspec_credit::evaluate::PeriodError,
    liftspec_credit::evaluate::NoLifts,
    liftspec_risk::triggers::RiskError,
    liftspec_model::time::TimestampError,
    liftspec_model::equipment::GeoError,
);

impl From<liftspec_protocol::wire::DecodeError> for LiftspecError {
    fn from(e: liftspec_protocol::wire::DecodeError) -> Self {
        let offset = e.offset().map(|o| o as u64);
        match Self::new(e.code(), &e) {
            Self::Failed { code, reason, .. } => Self::Failed {
                code,
                reason,
                offset,
                position: None,
                path: None,
            },
        }
    }
}

impl From<liftspec_protocol::receive::FrameError> for LiftspecError {
    fn from(e: liftspec_protocol::receive::FrameError) -> Self {
        use liftspec_protocol::receive::FrameError;
        match e {
            FrameError::Decode(e) => e.into(),
            FrameError::Auth(e) => e.into(),
        }
    }
}

impl From<liftspec_model::id::IdError> for LiftspecError {
    fn from(e: liftspec_model::id::IdError) -> Self {
        Self::Failed {
            code: e.code().to_owned(),
            reason: e.to_string(),
            offset: None,
            position: e.position().map(|p| p as u64),
            path: None,
        }
    }
}

impl From<liftspec_protocol::usage_sign::UsageSignError> for LiftspecError {
    fn from(e: liftspec_protocol::usage_sign::UsageSignError) -> Self {
        use liftspec_protocol::usage_sign::UsageSignError;
        match e {
            UsageSignError::Id(id) => id.into(),
            other => Self::new(other.code(), &other),
        }
    }
}

impl From<liftspec_protocol::validate::ValidationError> for LiftspecError {
    fn from(e: liftspec_protocol::validate::ValidationError) -> Self {
        Self::Failed {
            code: e.code().to_owned(),
            reason: e.to_string(),
            offset: None,
            position: None,
            path: Some(e.path.clone()),
        }
    }
}

impl From<serde_json::Error> for LiftspecError {
    fn from(e: serde_json::Error) -> Self {
        Self::new("json.invalid", e)
    }
}
