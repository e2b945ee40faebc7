//! The one error type: a JavaScript `Error` carrying the stable code of the Rust error.

use wasm_bindgen::JsValue;

/// A failed call: becomes a JavaScript `Error` (`name` `"LiftspecError"`) with `code`, and
/// `offset`, `position` and `path` when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The stable code (`decode.bad_tag`, `id.check_mismatch`, `usage_sign.check`, …).
    pub code: String,
    /// What is wrong, in English.
    pub reason: String,
    /// The failing byte of a frame.
    pub offset: Option<usize>,
    /// The failing character of an identifier, from 1.
    pub position: Option<usize>,
    /// The failing field.
    pub path: Option<String>,
}

impl Failure {
    /// A failure with only a code and a reason.
    pub fn new(code: &str, reason: impl std::fmt::Display) -> Self {
        Self {
            code: code.to_owned(),
            reason: reason.to_string(),
            offset: None,
            position: None,
            path: None,
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.reason, self.code)
    }
}

impl std::error::Error for Failure {}

impl From<Failure> for JsValue {
    fn from(f: Failure) -> Self {
        let e = js_sys::Error::new(&f.to_string());
        e.set_name("LiftspecError");
        let set = |k: &str, v: JsValue| {
            // Setting a property of a fresh Error cannot fail.
            let _ = js_sys::Reflect::set(&e, &JsValue::from_str(k), &v);
        };
        set("code", JsValue::from_str(&f.code));
        set("reason", JsValue::from_str(&f.reason));
        if let Some(o) = f.offset {
            set("offset", JsValue::from_f64(o as f64));
        }
        if let Some(p) = f.position {
            set("position", JsValue::from_f64(p as f64));
        }
        if let Some(p) = &f.path {
            set("path", JsValue::from_str(p));
        }
        e.into()
    }
}

macro_rules! from_coded {
    ($($t:ty),* $(,)?) => {$(
        impl From<$t> for Failure {
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
    liftspec_protocol::framing::StreamError,
    liftspec_protocol::file::ItemError,
    liftspec_credit::rules::RuleError,
    liftspec_credit::evaluate::PeriodError,
    liftspec_credit::evaluate::NoLifts,
    liftspec_risk::triggers::RiskError,
    liftspec_api::card::CardError,
);

impl From<liftspec_protocol::wire::DecodeError> for Failure {
    fn from(e: liftspec_protocol::wire::DecodeError) -> Self {
        Self {
            offset: e.offset(),
            ..Self::new(e.code(), &e)
        }
    }
}

impl From<liftspec_protocol::receive::FrameError> for Failure {
    fn from(e: liftspec_protocol::receive::FrameError) -> Self {
        use liftspec_protocol::receive::FrameError;
        match e {
            FrameError::Decode(e) => e.into(),
            FrameError::Auth(e) => e.into(),
        }
    }
}

impl From<liftspec_model::id::IdError> for Failure {
    fn from(e: liftspec_model::id::IdError) -> Self {
        Self {
            position: e.position(),
            ..Self::new(e.code(), &e)
        }
    }
}

impl From<liftspec_protocol::usage_sign::UsageSignError> for Failure {
    fn from(e: liftspec_protocol::usage_sign::UsageSignError) -> Self {
        match e {
            liftspec_protocol::usage_sign::UsageSignError::Id(id) => id.into(),
            other => Self::new(other.code(), &other),
        }
    }
}

impl From<liftspec_api::RequestError> for Failure {
    fn from(e: liftspec_api::RequestError) -> Self {
        match e {
            liftspec_api::RequestError::Id(id) => id.into(),
            liftspec_api::RequestError::Sign(s) => s.into(),
            other => Self::new(other.code(), &other),
        }
    }
}

impl From<liftspec_protocol::validate::ValidationError> for Failure {
    fn from(e: liftspec_protocol::validate::ValidationError) -> Self {
        Self {
            path: Some(e.path.clone()),
            ..Self::new(e.code(), &e)
        }
    }
}

impl From<serde_json::Error> for Failure {
    fn from(e: serde_json::Error) -> Self {
        Self::new("json.invalid", e)
    }
}
