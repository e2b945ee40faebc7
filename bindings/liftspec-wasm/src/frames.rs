//! Frames: decode, the JSON form, validate, verify, encode and sign.

use liftspec_protocol::auth::{DeviceCredentials, DeviceKeys};
use liftspec_protocol::receive;
use liftspec_protocol::validate::{assess_clock, validate, ClockQuality, ValidationContext};
use liftspec_protocol::wire::{self, Envelope};
use serde::{Deserialize, Serialize};
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

use crate::{arg, name, out, ts, Failure, Result};

/// What a frame's header says, and its JSON form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct FrameInfo {
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
    /// The frame's length in bytes.
    pub length: usize,
    /// The frame in its JSON form (`docs/protocol.md` §10).
    #[tsify(type = "unknown")]
    pub json: serde_json::Value,
}

impl FrameInfo {
    /// The header of `frame`, decoded from `bytes`, and its JSON form.
    pub(crate) fn of(frame: &wire::Frame, bytes: &[u8]) -> Result<Self> {
        let e = &frame.envelope;
        Ok(Self {
            kind: name(&e.body.kind()),
            device: e.device.to_string(),
            epoch: e.epoch,
            seq: e.seq,
            sent_at_ms: e.sent_at.millis(),
            scheme: name(&frame.scheme),
            length: bytes.len(),
            json: serde_json::from_str(&liftspec_protocol::json::decoded_to_json(
                frame.clone(),
                bytes,
            )?)?,
        })
    }
}

/// Decodes a frame (its authentication is not checked: see `verifyFrame`).
#[wasm_bindgen(js_name = decodeFrame)]
pub fn decode_frame(bytes: &[u8]) -> Result<Ts<FrameInfo>> {
    out(FrameInfo::of(&wire::decode(bytes)?, bytes)?)
}

/// A frame's JSON form (`docs/protocol.md` §10), as text.
#[wasm_bindgen(js_name = frameToJson)]
pub fn frame_to_json(bytes: &[u8]) -> Result<String> {
    Ok(liftspec_protocol::json::to_json(bytes)?)
}

/// The exact bytes of a frame's JSON form.
#[wasm_bindgen(js_name = frameFromJson)]
pub fn frame_from_json(json: &str) -> Result<Vec<u8>> {
    Ok(liftspec_protocol::json::from_json(json)?)
}

/// A frame's bytes from hex (upper or lower case, spaces allowed).
#[wasm_bindgen(js_name = frameFromHex)]
pub fn frame_from_hex(text: &str) -> Result<Vec<u8>> {
    Ok(liftspec_protocol::file::hex_frame(text)?)
}

/// The installation a frame is validated against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InstallationContext {
    /// The lowest floor served.
    pub lowest_floor: i16,
    /// The highest floor served.
    pub highest_floor: i16,
    /// The rated speed, mm/s.
    pub rated_speed_mm_s: u32,
    /// The receiver's clock, ms since the Unix epoch; left out, each frame is graded against
    /// its own send time (only its structure is checked).
    #[serde(default)]
    #[tsify(optional)]
    pub now_ms: Option<f64>,
}

impl InstallationContext {
    pub(crate) fn context(&self, sent_at_ms: i64) -> Result<ValidationContext> {
        let now = match self.now_ms {
            Some(ms) => ts(ms)?,
            None => liftspec_model::time::Timestamp::from_millis(sent_at_ms),
        };
        Ok(ValidationContext::new(
            self.lowest_floor,
            self.highest_floor,
            self.rated_speed_mm_s,
            now,
        ))
    }
}

/// How plausible a frame's send time is (a finding, never a reason to reject).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", tag = "grade")]
pub enum SendTime {
    /// Within the plausible window.
    Plausible,
    /// Ahead of the receiver's clock.
    #[serde(rename_all = "camelCase")]
    Ahead {
        /// By how much, ms.
        by_ms: i64,
    },
    /// Older than the window.
    #[serde(rename_all = "camelCase")]
    Old {
        /// Its age, ms.
        age_ms: i64,
    },
    /// Before any terminal spoke this interface.
    BeforeEarliest,
}

impl From<ClockQuality> for SendTime {
    fn from(q: ClockQuality) -> Self {
        match q {
            ClockQuality::Plausible => Self::Plausible,
            ClockQuality::Ahead { by_ms } => Self::Ahead { by_ms },
            ClockQuality::Old { age_ms } => Self::Old { age_ms },
            ClockQuality::BeforeEarliest => Self::BeforeEarliest,
        }
    }
}

/// Decodes a frame, applies the rules that need no key (the scheme each kind requires, so an
/// unsigned Alarm is refused; a Register's announced key) and checks every rule of its body
/// against the installation; returns the send time's grade. An invalid frame throws with its
/// code and its `offset` or field `path`.
#[wasm_bindgen(js_name = validateFrame)]
pub fn validate_frame(bytes: &[u8], installation: Ts<InstallationContext>) -> Result<Ts<SendTime>> {
    out(validate_with(
        &receive::authenticate(bytes, None)?,
        &arg(&installation)?,
    )?)
}

/// Validates a decoded frame against `installation`.
pub(crate) fn validate_with(
    frame: &wire::Frame,
    installation: &InstallationContext,
) -> Result<SendTime> {
    let ctx = installation.context(frame.envelope.sent_at.millis())?;
    validate(&frame.envelope, &ctx)?;
    Ok(assess_clock(frame.envelope.sent_at, &ctx).into())
}

/// A validator for one installation, for many frames: `check` decodes and validates without
/// building any object (the fast path for a stream).
#[wasm_bindgen]
pub struct FrameValidator {
    installation: InstallationContext,
}

#[wasm_bindgen]
impl FrameValidator {
    /// A validator for `installation`.
    #[wasm_bindgen(constructor)]
    pub fn new(installation: Ts<InstallationContext>) -> Result<FrameValidator> {
        Ok(Self {
            installation: arg(&installation)?,
        })
    }

    /// Decodes and validates a frame (the rules that need no key, then the body's); throws
    /// with the code when it is invalid.
    pub fn check(&self, bytes: &[u8]) -> Result<()> {
        let frame = receive::authenticate(bytes, None)?;
        validate(
            &frame.envelope,
            &self.installation.context(frame.envelope.sent_at.millis())?,
        )?;
        Ok(())
    }
}

fn key32(bytes: &[u8]) -> Result<[u8; 32]> {
    <[u8; 32]>::try_from(bytes).map_err(|_| {
        Failure::new(
            "wasm.key_length",
            format!("a key is 32 bytes, found {}", bytes.len()),
        )
    })
}

/// Verifies a frame's tag with the device's MAC key and public key (32 bytes each): the scheme
/// its kind requires, the MAC key of its direction (a platform frame's downlink MAC too), and
/// the signature of a Register by the key it announces.
#[wasm_bindgen(js_name = verifyFrame)]
pub fn verify_frame(bytes: &[u8], mac_key: &[u8], public_key: &[u8]) -> Result<()> {
    let credentials = DeviceCredentials::new(key32(mac_key)?, key32(public_key)?);
    receive::authenticate(bytes, Some(&credentials))?;
    Ok(())
}

/// A device's keys, for vendors' test tools: the MAC key and the Ed25519 signing seed (32
/// bytes each; make them with `crypto.getRandomValues`).
#[wasm_bindgen]
pub struct DeviceKeyPair {
    keys: DeviceKeys,
}

#[wasm_bindgen]
impl DeviceKeyPair {
    /// The keys from their secrets; a weak signing key throws.
    #[wasm_bindgen(js_name = fromSeed)]
    pub fn from_seed(mac_key: &[u8], signing_seed: &[u8]) -> Result<DeviceKeyPair> {
        Ok(Self {
            keys: DeviceKeys::from_seed(key32(mac_key)?, key32(signing_seed)?)?,
        })
    }

    /// The Ed25519 public key the platform verifies signatures with.
    #[wasm_bindgen(js_name = publicKey)]
    pub fn public_key(&self) -> Vec<u8> {
        self.keys.public_key().to_vec()
    }
}

/// A frame's header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FrameHeader {
    /// The device id.
    pub device: String,
    /// The sequence space.
    pub epoch: u32,
    /// The sequence number.
    pub seq: u64,
    /// The send time, ms since the Unix epoch.
    pub sent_at_ms: f64,
}

/// Builds and signs a device frame: `bodyJson` is the body in its JSON form
/// (`{"heartbeat": {…}}`), signed with `keys` by the scheme its kind requires.
#[wasm_bindgen(js_name = encodeFrame)]
pub fn encode_frame(
    header: Ts<FrameHeader>,
    body_json: &str,
    keys: &DeviceKeyPair,
) -> Result<Vec<u8>> {
    let header = arg(&header)?;
    let envelope = Envelope {
        device: wire::DeviceId::parse(&header.device)?,
        epoch: header.epoch,
        seq: header.seq,
        sent_at: ts(header.sent_at_ms)?,
        body: serde_json::from_str(body_json)?,
    };
    Ok(wire::encode(&envelope, &keys.keys)?)
}
