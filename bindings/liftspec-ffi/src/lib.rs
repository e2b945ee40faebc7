#![doc = include_str!("../README.md")]
//!
//! Conversions only: every rule lives in the liftspec crates; this crate turns their types into
//! uniffi Records, Enums and Objects, and their errors into [`LiftspecError`] with the stable
//! code. Times cross as milliseconds since the Unix epoch (UTC), bytes as byte arrays, and the
//! specification's own JSON forms (message bodies, records, rule sets, policies) as JSON text.

uniffi::setup_scaffolding!();

pub mod citizen;
pub mod detect;
mod error;
pub mod frames;
pub mod records;
pub mod rescue;
pub mod terminal;

pub use error::LiftspecError;

/// A result whose error is a [`LiftspecError`].
pub type Result<T> = std::result::Result<T, LiftspecError>;

fn ts(ms: i64) -> liftspec_model::time::Timestamp {
    liftspec_model::time::Timestamp::from_millis(ms)
}

fn json<T: serde::Serialize>(value: &T) -> String {
    // Serialising the crates' own types to JSON cannot fail (no maps with non-string keys).
    serde_json::to_string(value).unwrap_or_default()
}

/// A unit enum's name in its JSON form (`"trappedBetweenFloors"` → `trappedBetweenFloors`).
fn name<T: serde::Serialize>(value: &T) -> String {
    json(value).trim_matches('"').to_owned()
}

/// The lock of an object's state; a panic elsewhere never poisons it for the other threads.
fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
