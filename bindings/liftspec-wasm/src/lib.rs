//! liftspec in the browser and in node, through wasm-bindgen: frames (decode, validate, verify,
//! the JSON form, encode and sign, the stream deframer, a whole recorded file), the usage sign,
//! identifiers, the citizen's requests and lift card, credit, risk, and a replay through the
//! detectors. This crate only converts: every rule lives in the liftspec crates.
//!
//! Errors are JavaScript `Error` objects with `name` `"LiftspecError"`, the stable `code`, and
//! `offset` (a frame's failing byte), `position` (an identifier's failing character, from 1) or
//! `path` (a body's failing field) when the Rust error has them.

mod citizen;
mod detect;
mod error;
mod file;
mod frames;
mod ids;
mod records;

pub use citizen::*;
pub use detect::*;
pub use error::Failure;
pub use file::*;
pub use frames::*;
pub use ids::*;
pub use records::*;

/// A Rust result whose error becomes a JavaScript `Error` with its code.
pub type Result<T> = std::result::Result<T, Failure>;

/// A Rust value as its typed JavaScript value.
pub(crate) fn out<T: tsify::Tsify + serde::Serialize>(value: T) -> Result<tsify::Ts<T>> {
    value.into_ts().map_err(|e| Failure::new("wasm.convert", e))
}

/// A JavaScript argument as its Rust value: a value of the wrong shape is an error with code
/// `wasm.argument` (never a trap, never a leak).
pub(crate) fn arg<T>(value: &tsify::Ts<T>) -> Result<T>
where
    T: tsify::Tsify + serde::de::DeserializeOwned,
    <T as tsify::Tsify>::JsType: Clone,
{
    value
        .to_rust()
        .map_err(|e| Failure::new("wasm.argument", e))
}

/// A timestamp from milliseconds since the Unix epoch.
pub(crate) fn ts(ms: f64) -> Result<liftspec_model::time::Timestamp> {
    if !ms.is_finite() || ms.fract() != 0.0 || ms.abs() > 9.0e15 {
        return Err(Failure::new(
            "wasm.time",
            format!("{ms} is not a whole number of milliseconds"),
        ));
    }
    // In range and whole: the conversion is exact.
    #[allow(clippy::cast_possible_truncation)]
    Ok(liftspec_model::time::Timestamp::from_millis(ms as i64))
}

/// A value's serde name (`status`, `hmacSha256`).
pub(crate) fn name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(e) => format!("<{e}>"),
    }
}

/// Lower-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// A JSON value of a Rust value, for members typed `unknown` on the JavaScript side.
pub(crate) fn json<T: serde::Serialize>(value: &T) -> Result<serde_json::Value> {
    Ok(serde_json::to_value(value)?)
}

/// The README's example, compiled and run as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
