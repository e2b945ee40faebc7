//! An HTTP request as an app sends it to the platform, and the idempotency key every write
//! carries.

use std::collections::BTreeMap;

use crate::RequestError;

/// The header that makes a write safe to repeat: the platform answers a repeat with the same key
/// and the same request with the first answer, and does the write once.
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";

/// The key of a write: 1 to 128 visible ASCII characters (the platform refuses others with
/// `api.idempotency_key_invalid`). An app makes one per user action, for example a UUID, and
/// reuses it when it retries.
///
/// ```
/// use liftspec_api::request::IdempotencyKey;
/// assert!(IdempotencyKey::parse("5f0c1c2e-report-1").is_ok());
/// assert_eq!(IdempotencyKey::parse("two words").unwrap_err().code(), "api.idempotency_key_invalid");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// The longest key the platform takes.
    pub const MAX_LEN: usize = 128;

    /// Checks a key.
    pub fn parse(key: &str) -> Result<Self, RequestError> {
        if key.is_empty() || key.len() > Self::MAX_LEN || !key.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(RequestError::IdempotencyKey);
        }
        Ok(Self(key.to_owned()))
    }

    /// The key's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A request ready to send: the method, the path under the platform's base URL, the headers
/// and the JSON body.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpRequest {
    /// `POST`, `GET`.
    pub method: String,
    /// The path, `/v1/…`, with its query if any.
    pub path: String,
    /// The headers (`Content-Type`, `Idempotency-Key`).
    pub headers: BTreeMap<String, String>,
    /// The JSON body; empty for a `GET`.
    pub body: String,
}

impl HttpRequest {
    /// A `POST` of `body` (JSON) under `key`.
    pub(crate) fn post(
        path: String,
        body: &impl serde::Serialize,
        key: &IdempotencyKey,
    ) -> Result<Self, RequestError> {
        let mut headers = BTreeMap::new();
        headers.insert("Content-Type".to_owned(), "application/json".to_owned());
        headers.insert(IDEMPOTENCY_HEADER.to_owned(), key.as_str().to_owned());
        Ok(Self {
            method: "POST".to_owned(),
            path,
            headers,
            body: serde_json::to_string(body)?,
        })
    }

    /// A `GET` of `path`.
    pub(crate) fn get(path: String) -> Self {
        Self {
            method: "GET".to_owned(),
            path,
            headers: BTreeMap::new(),
            body: String::new(),
        }
    }
}

/// Escapes `text` for a URL's query value (RFC 3986: unreserved characters stay).
pub(crate) fn query_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_1_to_128_visible_ascii_characters() {
        assert!(IdempotencyKey::parse("a").is_ok());
        assert!(IdempotencyKey::parse(&"k".repeat(128)).is_ok());
        for bad in ["", " a", "a\tb", "é", &"k".repeat(129)] {
            assert_eq!(
                IdempotencyKey::parse(bad),
                Err(RequestError::IdempotencyKey),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_query_value_escapes_everything_but_unreserved_characters() {
        assert_eq!(query_value("LS1*31*100072*AB"), "LS1%2A31%2A100072%2AAB");
        assert_eq!(query_value("a b/c~"), "a%20b%2Fc~");
    }
}
