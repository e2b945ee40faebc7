//! The city platform's HTTP request and answer types for citizens' apps: the 96333 report of
//! trapped passengers, a fault report, a complaint (implementation opinions item 10: "scan the
//! usage sign"), and the lift card a scanned sign opens. The platform deserialises exactly these
//! types, and the bindings (uniffi, wasm) build them, so an app's request and the platform's
//! reading of it cannot drift apart.
//!
//! ```
//! use liftspec_api::citizen::RescueReportRequest;
//! use liftspec_api::request::IdempotencyKey;
//!
//! let key = IdempotencyKey::parse("scan-0001")?;
//! let request = RescueReportRequest::by_rescue_code("100072", 2).http(&key)?;
//! assert_eq!(request.method, "POST");
//! assert_eq!(request.path, "/v1/rescue/reports");
//! assert_eq!(request.body, r#"{"rescueCode":"100072","persons":2}"#);
//! # Ok::<(), liftspec_api::RequestError>(())
//! ```

pub mod card;
pub mod citizen;
mod error;
pub mod request;

pub use error::RequestError;

/// The README's example, compiled and run as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
