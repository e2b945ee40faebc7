//! Frames: decode, the JSON form, validate, verify, encode and sign; the usage sign.

use liftspec_protocol::auth::DeviceCredentials;
use liftspec_protocol::receive;
use liftspec_protocol::usage_sign::UsageSign;
use liftspec_protocol::validate::{assess_clock, validate, ClockQuality, ValidationContext};
use liftspec_protocol::wire::{self, Envelope};

use crate::{name, ts, LiftspecError, Result};

/// What a frame's header says.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FrameSummary {
    /// The message kind (`status`, `alarm`, …).
    pub kind: String,
    /// The device.
    pub device: String,
    /// The sender's sequence space.
    pub epoch: u32,
    /// The sequence number.
    pub seq: u64,
    /// The sender's clock, ms since the Unix epoch.
    pub sent_at_ms: i64,
    /// The authentication scheme (`hmacSha256`, `ed25519`, …).
    pub scheme: String,
    /// The frame in its JSON form (`docs/protocol.md` §10).
    pub json: String,
}

/// Decodes a frame (no authentication: see [`verify_frame`]).
#[uniffi::export]
pub fn decode_frame(bytes: Vec<u8>) -> Result<FrameSummary> {
    let frame = wire::decode(&bytes)?;
    let e = &frame.envelope;
    Ok(FrameSummary {
        kind: name(&e.body.kind()),
        device: e.device.to_string(),
        epoch: e.epoch,
        seq: e.seq,
        sent_at_ms: e.sent_at.millis(),
        scheme: name(&frame.scheme),
        json: liftspec_protocol::json::to_json(&bytes)?,
    })
}

/// The exact bytes of a frame's JSON form.
#[uniffi::export]
pub fn frame_from_json(json: String) -> Result<Vec<u8>> {
    Ok(liftspec_protocol::json::from_json(&json)?)
}

/// How plausible a frame's send time is (a finding, never a reason to reject).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum SendTime {
    /// Within the plausible window.
    Plausible,
    /// Ahead of the receiver's clock.
    Ahead {
        /// By how much, ms.
        by_ms: i64,
    },
    /// Older than the window.
    Old {
        /// Its age, ms.
        age_ms: i64,
    },
    /// Before any terminal spoke this interface.
    BeforeEarliest,
}

/// Decodes a frame, applies the rules that need no key (the scheme each kind requires, so an
/// unsigned Alarm is refused; a Register's announced key) and checks every rule of its body
/// against the installation: floors `lowest_floor..=highest_floor`, rated speed, the receiver's
/// clock `now_ms`. Returns the send time's grade; an invalid frame is an error with its code and
/// field path.
#[uniffi::export]
pub fn validate_frame(
    bytes: Vec<u8>,
    lowest_floor: i16,
    highest_floor: i16,
    rated_speed_mm_s: u32,
    now_ms: i64,
) -> Result<SendTime> {
    let frame = receive::authenticate(&bytes, None)?;
    let ctx = ValidationContext::new(lowest_floor, highest_floor, rated_speed_mm_s, ts(now_ms));
    validate(&frame.envelope, &ctx)?;
    Ok(match assess_clock(frame.envelope.sent_at, &ctx) {
        ClockQuality::Plausible => SendTime::Plausible,
        ClockQuality::Ahead { by_ms } => SendTime::Ahead { by_ms },
        ClockQuality::Old { age_ms } => SendTime::Old { age_ms },
        ClockQuality::BeforeEarliest => SendTime::BeforeEarliest,
    })
}

/// Verifies a frame's tag with the device's MAC key and public key (32 bytes each): the scheme
/// its kind requires, the MAC key of its direction (a platform frame's downlink MAC too), and
/// the signature of a Register by the key it announces.
#[uniffi::export]
pub fn verify_frame(bytes: Vec<u8>, mac_key: Vec<u8>, public_key: Vec<u8>) -> Result<()> {
    let credentials = DeviceCredentials::new(key32(&mac_key)?, key32(&public_key)?);
    receive::authenticate(&bytes, Some(&credentials))?;
    Ok(())
}

pub(crate) fn key32(bytes: &[u8]) -> Result<[u8; 32]> {
    <[u8; 32]>::try_from(bytes).map_err(|_| {
        LiftspecError::new(
            "ffi.key_length",
            format!("a key is 32 bytes, found {}", bytes.len()),
        )
    })
}

/// Builds and signs a device frame: `body_json` is the message body in its JSON form
/// (`{"heartbeat": {…}}`, `{"maintenanceSession": {…}}`), signed with `keys` by the scheme its
/// kind requires.
#[uniffi::export]
pub fn encode_frame(
    device: String,
    epoch: u32,
    seq: u64,
    sent_at_ms: i64,
    body_json: String,
    keys: &crate::terminal::DeviceKeyPair,
) -> Result<Vec<u8>> {
    let envelope = Envelope {
        device: wire::DeviceId::parse(&device)?,
        epoch,
        seq,
        sent_at: ts(sent_at_ms),
        body: serde_json::from_str(&body_json)?,
    };
    Ok(wire::encode(&envelope, keys.keys())?)
}

/// What a usage sign's QR code says.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UsageSignInfo {
    /// The lift's registration code.
    pub registration_code: String,
    /// The rescue code printed beside the QR code.
    pub rescue_code: String,
}

/// Parses and checks a scanned usage-sign payload (its check, both codes' check characters).
#[uniffi::export]
pub fn parse_usage_sign(payload: String) -> Result<UsageSignInfo> {
    let sign = UsageSign::decode(&payload)?;
    Ok(UsageSignInfo {
        registration_code: sign.registration_code.to_string(),
        rescue_code: sign.rescue_code.to_string(),
    })
}

/// The payload of a lift's usage sign, as its QR code carries it (the platform prints signs).
#[uniffi::export]
pub fn usage_sign_payload(registration_code: String, rescue_code: String) -> Result<String> {
    Ok(UsageSign {
        registration_code: registration_code.parse()?,
        rescue_code: rescue_code.parse()?,
    }
    .encode())
}
