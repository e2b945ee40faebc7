//! The reference adapter: every operation answered by `liftspec-protocol`, exactly as a receiver
//! that follows `docs/protocol.md` must answer it. `liftspec conformance adapter` serves it.

use liftspec_model::time::Timestamp;
use liftspec_protocol::auth::DeviceCredentials;
use liftspec_protocol::framing::{Deframed, Deframer, MAX_BLOCK_LEN};
use liftspec_protocol::usage_sign::UsageSign;
use liftspec_protocol::validate::{self, ValidationContext};
use liftspec_protocol::{json, wire};
use serde_json::{json, Value};

use crate::adapter::Answer;
use crate::case::{Credentials, FrameInput, Installation, Rejection, Request};

/// Answers one request as the reference implementation does.
///
/// ```
/// use liftspec_conformance::{adapter::Answer, case::Request, reference};
/// let answer = reference::answer(&Request::UsageSign { payload: "LS1*x".into() });
/// assert!(matches!(answer, Answer::Reject(r) if r.code == "usage_sign.shape"));
/// ```
pub fn answer(request: &Request) -> Answer {
    let result = match request {
        Request::Frame {
            input,
            credentials,
            installation,
        } => frame(input, credentials, installation),
        Request::Stream { hex } => stream(hex),
        Request::UsageSign { payload } => usage_sign(payload),
    };
    match result {
        Ok(value) => Answer::Accept(value),
        Err(rejection) => Answer::Reject(rejection),
    }
}

fn reject(code: &str) -> Rejection {
    Rejection {
        code: code.to_owned(),
        path: None,
    }
}

/// A request's own hex (keys, bytes) that is not hex: the request is malformed.
fn unhex(text: &str) -> Result<Vec<u8>, Rejection> {
    crate::unhex(text).ok_or_else(|| reject("request.bad_hex"))
}

fn key(text: &str) -> Result<[u8; 32], Rejection> {
    unhex(text)?
        .try_into()
        .map_err(|_| reject("request.bad_key"))
}

fn frame(
    input: &FrameInput,
    credentials: &Credentials,
    installation: &Installation,
) -> Result<Value, Rejection> {
    let bytes = frame_bytes(input)?;
    let frame = wire::decode(&bytes).map_err(|e| reject(e.code()))?;
    let credentials =
        DeviceCredentials::new(key(&credentials.mac_key)?, key(&credentials.public_key)?);
    let kind = frame.envelope.body.kind();
    if kind.from_device() {
        frame
            .verify(&bytes, &credentials)
            .map_err(|e| reject(e.code()))?;
    } else {
        frame
            .verify_platform(&bytes, credentials.mac_keys())
            .map_err(|e| reject(e.code()))?;
    }
    let invalid = |e: validate::ValidationError| Rejection {
        code: e.code().to_owned(),
        path: Some(e.path),
    };
    if kind.from_device() {
        let ctx = ValidationContext::new(
            installation.lowest_floor,
            installation.highest_floor,
            installation.rated_speed_mm_s,
            Timestamp::from_millis(0),
        );
        validate::validate(&frame.envelope, &ctx).map_err(invalid)?;
    } else {
        validate::validate_platform(&frame.envelope).map_err(invalid)?;
    }
    accepted_frame(frame, &bytes)
}

/// A frame request's bytes: the hex as given, or the JSON form rebuilt (§10).
pub fn frame_bytes(input: &FrameInput) -> Result<Vec<u8>, Rejection> {
    match input {
        FrameInput::Hex(hex) => unhex(hex),
        FrameInput::Json(text) => json::from_json(text).map_err(|e| reject(e.code())),
    }
}

/// The value a `frame` request is accepted with: the decoded frame's JSON form and its exact
/// bytes (docs/conformance.md).
pub fn accepted_frame(frame: wire::Frame, bytes: &[u8]) -> Result<Value, Rejection> {
    let text = json::decoded_to_json(frame, bytes).map_err(|e| reject(e.code()))?;
    let value: Value = serde_json::from_str(&text).map_err(|_| reject("json.output"))?;
    Ok(json!({ "json": value, "hex": crate::hex(bytes) }))
}

fn stream(hex: &str) -> Result<Value, Rejection> {
    let bytes = unhex(hex)?;
    let items: Vec<Value> = Deframer::new(MAX_BLOCK_LEN)
        .push_slice(&bytes)
        .into_iter()
        .map(|item| match item {
            Deframed::Frame(frame) => json!({ "frame": crate::hex(&frame) }),
            Deframed::Corrupt(e) => json!({ "dropped": e.code() }),
        })
        .collect();
    Ok(json!({ "items": items }))
}

fn usage_sign(payload: &str) -> Result<Value, Rejection> {
    let sign = UsageSign::decode(payload).map_err(|e| reject(e.code()))?;
    Ok(json!({
        "registrationCode": sign.registration_code.to_string(),
        "rescueCode": sign.rescue_code.to_string(),
    }))
}
