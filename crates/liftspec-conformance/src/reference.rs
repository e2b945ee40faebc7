//! The reference adapter: every operation answered by `liftspec-protocol`, exactly as a receiver
//! that follows `docs/protocol.md` must answer it. `liftspec conformance adapter` serves it.
//!
//! The stateless operations are [`answer`]; [`Reference`] adds the scenario sessions: a
//! terminal (`protocol::terminal::Terminal`, its outbox and store image) or a platform receiver
//! (`protocol::session::ReceiverSession` with its `DownlinkSender`) per session.

use std::collections::BTreeMap;

use liftspec_model::time::Timestamp;
use liftspec_protocol::auth::{DeviceCredentials, DeviceKeys};
use liftspec_protocol::downlink::DownlinkSender;
use liftspec_protocol::framing::{Deframed, Deframer, MAX_BLOCK_LEN};
use liftspec_protocol::message::Body;
use liftspec_protocol::outbox::OutboxConfig;
use liftspec_protocol::session::ReceiverSession;
use liftspec_protocol::terminal::{Applied, Terminal};
use liftspec_protocol::usage_sign::UsageSign;
use liftspec_protocol::validate::{self, ValidationContext};
use liftspec_protocol::wire::DeviceId;
use liftspec_protocol::{json, receive, wire};
use serde_json::{json, Value};

use crate::adapter::Answer;
use crate::case::{Credentials, FrameInput, Installation, Rejection, Request, TerminalKeys};

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
        _ => Err(reject("request.needs_session")),
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

fn frame(
    input: &FrameInput,
    credentials: &Credentials,
    installation: &Installation,
) -> Result<Value, Rejection> {
    let bytes = frame_bytes(input)?;
    let credentials = credentials.device_credentials().map_err(reject)?;
    let frame = receive::authenticate(&bytes, Some(&credentials)).map_err(|e| reject(e.code()))?;
    // The body rules of device kinds use the installation; platform kinds have their own
    // (sequencing, a comfort command's texts), which `validate` applies too.
    let ctx = ValidationContext::new(
        installation.lowest_floor,
        installation.highest_floor,
        installation.rated_speed_mm_s,
        Timestamp::from_millis(0),
    );
    validate::validate(&frame.envelope, &ctx).map_err(|e| Rejection {
        code: e.code().to_owned(),
        path: Some(e.path),
    })?;
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

/// The reference with scenario sessions: [`answer`] for the stateless operations, and a
/// terminal or a platform receiver per session for the scenario steps.
///
/// ```
/// use liftspec_conformance::{adapter::Answer, case::Request, reference::Reference};
/// let mut reference = Reference::default();
/// let poll = Request::TerminalPoll { session: "s".into(), at: "2026-12-01T02:00:00.000Z".parse()? };
/// assert!(matches!(reference.answer(&poll), Answer::Reject(r) if r.code == "request.unknown_session"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Default)]
pub struct Reference {
    sessions: BTreeMap<String, Session>,
}

enum Session {
    Terminal(Box<TerminalSession>),
    Platform(Box<PlatformSession>),
}

struct TerminalSession {
    device: DeviceId,
    keys: DeviceKeys,
    config: OutboxConfig,
    terminal: Terminal,
}

struct PlatformSession {
    device: DeviceId,
    credentials: DeviceCredentials,
    installation: Installation,
    receiver: ReceiverSession,
    sender: DownlinkSender,
}

impl Reference {
    /// Answers one request, keeping each session's state for its next step.
    pub fn answer(&mut self, request: &Request) -> Answer {
        let result = match request {
            Request::Frame { .. } | Request::Stream { .. } | Request::UsageSign { .. } => {
                return answer(request)
            }
            Request::TerminalStart {
                session,
                device,
                epoch,
                keys,
                capacity,
            } => self.terminal_start(session, device, *epoch, keys, *capacity),
            Request::PlatformStart {
                session,
                device,
                credentials,
                installation,
                epoch,
            } => self.platform_start(session, device, credentials, *installation, *epoch),
            Request::TerminalEnqueue { at, body, .. } => self.terminal(request).and_then(|t| {
                let body: Body =
                    serde_json::from_value(body.clone()).map_err(|_| reject("request.bad_body"))?;
                let seq = t
                    .terminal
                    .enqueue(body, *at)
                    .map_err(|e| reject(e.code()))?;
                Ok(json!({ "seq": seq }))
            }),
            Request::TerminalPoll { at, .. } => self.terminal(request).map(|t| {
                let frames: Vec<String> = t
                    .terminal
                    .poll_transmit(*at)
                    .iter()
                    .map(|f| crate::hex(f))
                    .collect();
                json!({ "frames": frames })
            }),
            Request::TerminalReceive { at, frame, .. } => {
                let bytes = unhex(frame);
                self.terminal(request).and_then(|t| {
                    let applied = t
                        .terminal
                        .on_platform_frame(&bytes?, *at)
                        .map_err(|e| reject(e.code()))?;
                    Ok(match applied {
                        Applied::Command(c) => json!({
                            "command": { "idempotencyKey": c.idempotency_key, "execute": true }
                        }),
                        Applied::RepeatedCommand { idempotency_key } => json!({
                            "command": { "idempotencyKey": idempotency_key, "execute": false }
                        }),
                        _ => json!({}),
                    })
                })
            }
            Request::TerminalReboot { .. } => self.terminal(request).map(|t| {
                // Only the store image survives; a fresh epoch is used only if it kept nothing.
                let image = t.terminal.image().clone();
                let fresh = !t.terminal.outbox().epoch();
                let (terminal, _) =
                    Terminal::restore(t.device.clone(), t.keys.clone(), t.config, image, fresh);
                t.terminal = terminal;
                json!({})
            }),
            Request::PlatformReceive { at, frame, .. } => {
                let bytes = unhex(frame);
                self.platform(request).and_then(|p| p.receive(&bytes?, *at))
            }
        };
        match result {
            Ok(value) => Answer::Accept(value),
            Err(rejection) => Answer::Reject(rejection),
        }
    }

    fn terminal_start(
        &mut self,
        session: &str,
        device: &str,
        epoch: u32,
        keys: &TerminalKeys,
        capacity: u32,
    ) -> Result<Value, Rejection> {
        let device = DeviceId::parse(device).map_err(|_| reject("id.device"))?;
        let keys = keys.device_keys().map_err(reject)?;
        let config = OutboxConfig {
            capacity: usize::try_from(capacity).unwrap_or(usize::MAX),
            ..OutboxConfig::default()
        };
        let terminal = Terminal::new(device.clone(), epoch, keys.clone(), config);
        self.sessions.insert(
            session.to_owned(),
            Session::Terminal(Box::new(TerminalSession {
                device,
                keys,
                config,
                terminal,
            })),
        );
        Ok(json!({}))
    }

    fn platform_start(
        &mut self,
        session: &str,
        device: &str,
        credentials: &Credentials,
        installation: Installation,
        epoch: u32,
    ) -> Result<Value, Rejection> {
        let device = DeviceId::parse(device).map_err(|_| reject("id.device"))?;
        let credentials = credentials.device_credentials().map_err(reject)?;
        self.sessions.insert(
            session.to_owned(),
            Session::Platform(Box::new(PlatformSession {
                sender: DownlinkSender::new(device.clone(), epoch),
                device,
                credentials,
                installation,
                receiver: ReceiverSession::with_config(Default::default()),
            })),
        );
        Ok(json!({}))
    }

    fn terminal(&mut self, request: &Request) -> Result<&mut TerminalSession, Rejection> {
        match self.sessions.get_mut(request.session().unwrap_or_default()) {
            Some(Session::Terminal(t)) => Ok(t),
            Some(Session::Platform(_)) => Err(reject("request.wrong_session")),
            None => Err(reject("request.unknown_session")),
        }
    }

    fn platform(&mut self, request: &Request) -> Result<&mut PlatformSession, Rejection> {
        match self.sessions.get_mut(request.session().unwrap_or_default()) {
            Some(Session::Platform(p)) => Ok(p),
            Some(Session::Terminal(_)) => Err(reject("request.wrong_session")),
            None => Err(reject("request.unknown_session")),
        }
    }
}

impl PlatformSession {
    /// Receives a frame as §8.2 says and answers with the replies (Nack, Resume, Ack), the
    /// numbers delivered and the numbers passed over.
    fn receive(&mut self, bytes: &[u8], at: Timestamp) -> Result<Value, Rejection> {
        let ctx = ValidationContext::new(
            self.installation.lowest_floor,
            self.installation.highest_floor,
            self.installation.rated_speed_mm_s,
            at,
        );
        let received = self
            .receiver
            .receive(bytes, &self.device, &self.credentials, &ctx)
            .map_err(|e| reject(e.code()))?;
        let mut bodies = Vec::new();
        if let Some(nack) = received.nack {
            bodies.push(Body::Nack(nack));
        }
        if let Some(resume) = received.resume {
            bodies.push(Body::Resume(resume));
        }
        bodies.push(Body::Ack(received.ack));
        let mut replies = Vec::new();
        for body in bodies {
            let frame = self
                .sender
                .encode(body, at, &self.credentials)
                .map_err(|e| reject(e.code()))?;
            replies.push(crate::hex(&frame));
        }
        let delivered: Vec<u64> = received.deliver.iter().map(|d| d.envelope.seq).collect();
        let skipped: Vec<Value> = received
            .skipped
            .iter()
            .map(|s| json!({ "fromSeq": s.from_seq, "throughSeq": s.through_seq, "reason": s.reason }))
            .collect();
        Ok(json!({ "replies": replies, "delivered": delivered, "skipped": skipped }))
    }
}
