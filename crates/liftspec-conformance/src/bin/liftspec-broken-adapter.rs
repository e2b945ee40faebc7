//! Deliberately broken adapters, to show that the suite has teeth: each is the reference with
//! one real defect, and the suite's own test checks that each fails exactly the cases that
//! catch its defect. Not an implementation to certify.
//!
//! ```text
//! liftspec-broken-adapter <defect>
//! ```
//!
//! Defects: `none` (the reference itself, through this process), `skip-tag-check` (decodes and applies the scheme rules, never checks a tag),
//! `no-body-rules` (checks sequencing but no body rule), `usage-sign-no-check` (reads a usage
//! sign's codes without its CRC check), `crash-on-stream` (exits when asked to deframe),
//! `hang-on-usage-sign` (never answers a usage-sign question), `garbage-on-stream` (answers
//! stream questions with a line that is not JSON), `never-retransmit` (a terminal that sends
//! each frame once, whatever happens), `no-dropped-notice` (a terminal that drops frames without
//! a Discarded notice, when full or Nacked), `delivers-duplicates` (a platform that hands a
//! retransmitted frame to its application again), `no-resume-request` (a platform that never
//! asks for missing numbers), `executes-repeats` (a terminal that carries out a command again
//! when the platform retries it).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::process::ExitCode;

use serde_json::Value;

use liftspec_conformance::adapter::{serve, Answer, Implementation};
use liftspec_conformance::case::{FrameInput, Rejection, Request};
use liftspec_conformance::reference::{self, Reference};
use liftspec_protocol::message::{Body, DiscardReason};
use liftspec_protocol::{usage_sign::UsageSign, validate, wire};

const DEFECTS: [&str; 12] = [
    "none",
    "skip-tag-check",
    "no-body-rules",
    "usage-sign-no-check",
    "crash-on-stream",
    "hang-on-usage-sign",
    "garbage-on-stream",
    "never-retransmit",
    "no-dropped-notice",
    "delivers-duplicates",
    "no-resume-request",
    "executes-repeats",
];

fn reject(code: &str) -> Answer {
    Answer::Reject(Rejection {
        code: code.to_owned(),
        path: None,
    })
}

fn frame_bytes(input: &FrameInput) -> Result<Vec<u8>, Answer> {
    reference::frame_bytes(input).map_err(Answer::Reject)
}

/// Everything the reference does for a frame, but no tag is checked.
fn skip_tag_check(request: &Request) -> Answer {
    let Request::Frame {
        input,
        installation,
        ..
    } = request
    else {
        return reference::answer(request);
    };
    let bytes = match frame_bytes(input) {
        Ok(b) => b,
        Err(a) => return a,
    };
    let frame = match wire::decode(&bytes) {
        Ok(f) => f,
        Err(e) => return reject(e.code()),
    };
    if let Err(e) = frame.check_scheme() {
        return reject(e.code());
    }
    let ctx = validate::ValidationContext::new(
        installation.lowest_floor,
        installation.highest_floor,
        installation.rated_speed_mm_s,
        liftspec_model::time::Timestamp::from_millis(0),
    );
    let checked = if frame.envelope.body.kind().from_device() {
        validate::validate(&frame.envelope, &ctx)
    } else {
        validate::validate_platform(&frame.envelope)
    };
    if let Err(e) = checked {
        return Answer::Reject(Rejection {
            code: e.code().to_owned(),
            path: Some(e.path),
        });
    }
    accept_frame(frame, &bytes)
}

fn accept_frame(frame: wire::Frame, bytes: &[u8]) -> Answer {
    match reference::accepted_frame(frame, bytes) {
        Ok(value) => Answer::Accept(value),
        Err(r) => Answer::Reject(r),
    }
}

/// The reference, but a body rule's refusal is ignored (sequencing rules still apply).
fn no_body_rules(request: &Request) -> Answer {
    match reference::answer(request) {
        Answer::Reject(r)
            if r.code == "validate.field"
                && r.path.as_deref().is_some_and(|p| p.starts_with("body."))
                && !sequencing_path(r.path.as_deref().unwrap_or_default()) =>
        {
            let Request::Frame { input, .. } = request else {
                return Answer::Reject(r);
            };
            let Ok(bytes) = frame_bytes(input) else {
                return Answer::Reject(r);
            };
            match wire::decode(&bytes) {
                Ok(frame) => accept_frame(frame, &bytes),
                Err(_) => Answer::Reject(r),
            }
        }
        other => other,
    }
}

/// The fields the sequencing rules check (§8.4), which this defect still checks.
fn sequencing_path(path: &str) -> bool {
    ["body.discarded.", "body.ack.", "body.nack.", "body.resume."]
        .iter()
        .any(|p| path.starts_with(p))
}

/// Reads the codes of a usage sign without checking its CRC.
fn usage_sign_no_check(request: &Request) -> Answer {
    let Request::UsageSign { payload } = request else {
        return reference::answer(request);
    };
    let parts: Vec<&str> = payload.split('*').collect();
    if parts.len() != 4 || parts[0] != "LS1" {
        return reject("usage_sign.shape");
    }
    // Recompute the check so the reference's reading applies, whatever the payload's check was.
    let body = format!("LS1*{}*{}", parts[1], parts[2]);
    let fixed = format!(
        "{body}*{:08X}",
        liftspec_protocol::framing::crc32(body.as_bytes())
    );
    match UsageSign::decode(&fixed) {
        Ok(_) => reference::answer(&Request::UsageSign { payload: fixed }),
        Err(e) => reject(e.code()),
    }
}

/// The reference's scenario sessions with one stateful defect.
struct Stateful {
    defect: String,
    reference: Reference,
    /// Per session: the frames (hex) already sent, or received.
    seen: BTreeMap<String, BTreeSet<String>>,
}

impl Stateful {
    fn answer(&mut self, request: &Request) -> Answer {
        let answer = self.reference.answer(request);
        let (Some(session), Answer::Accept(mut value)) = (request.session(), answer.clone()) else {
            return answer;
        };
        let seen = self.seen.entry(session.to_owned()).or_default();
        match (self.defect.as_str(), request) {
            ("never-retransmit", Request::TerminalPoll { .. }) => {
                keep_frames(&mut value, "frames", |hex, _| seen.insert(hex.to_owned()));
            }
            ("no-dropped-notice", Request::TerminalPoll { .. }) => {
                keep_frames(
                    &mut value,
                    "frames",
                    |_, body| !matches!(body, Some(Body::Discarded(d)) if d.reason == DiscardReason::Dropped),
                );
            }
            ("no-resume-request", Request::PlatformReceive { .. }) => {
                keep_frames(&mut value, "replies", |_, body| {
                    !matches!(body, Some(Body::Resume(_)))
                });
            }
            ("executes-repeats", Request::TerminalReceive { .. }) => {
                if let Some(execute) = value.pointer_mut("/command/execute") {
                    *execute = Value::Bool(true);
                }
            }
            // A frame it has had before is handed to the application again.
            ("delivers-duplicates", Request::PlatformReceive { frame, .. })
                if !seen.insert(frame.clone()) =>
            {
                if let (Some(Value::Array(delivered)), Some(seq)) =
                    (value.get_mut("delivered"), frame_seq(frame))
                {
                    if delivered.is_empty() {
                        delivered.push(seq.into());
                    }
                }
            }
            _ => {}
        }
        Answer::Accept(value)
    }
}

/// Keeps the frames (hex) of `member` for which `keep` says so, given each one's body.
fn keep_frames(value: &mut Value, member: &str, mut keep: impl FnMut(&str, Option<&Body>) -> bool) {
    if let Some(Value::Array(frames)) = value.get_mut(member) {
        frames.retain(|f| {
            let hex = f.as_str().unwrap_or_default();
            let body = hex_bytes(hex)
                .and_then(|b| wire::decode(&b).ok())
                .map(|f| f.envelope.body);
            keep(hex, body.as_ref())
        });
    }
}

/// A frame's sequence number, from its hex.
fn frame_seq(hex: &str) -> Option<u64> {
    hex_bytes(hex)
        .and_then(|b| wire::decode(&b).ok())
        .map(|f| f.envelope.seq)
}

fn hex_bytes(hex: &str) -> Option<Vec<u8>> {
    frame_bytes(&FrameInput::Hex(hex.to_owned())).ok()
}

fn main() -> ExitCode {
    let defect = std::env::args().nth(1).unwrap_or_default();
    if !DEFECTS.contains(&defect.as_str()) {
        eprintln!("usage: liftspec-broken-adapter <{}>", DEFECTS.join("|"));
        return ExitCode::from(2);
    }
    let me = Implementation {
        name: format!("liftspec reference with defect {defect}"),
        version: env!("CARGO_PKG_VERSION").to_owned(),
    };
    let stdin = std::io::stdin().lock();
    let stdout = std::io::stdout();
    let mut stateful = Stateful {
        defect: defect.clone(),
        reference: Reference::default(),
        seen: BTreeMap::new(),
    };
    let answer = |request: &Request| -> Answer {
        if request.session().is_some() {
            return stateful.answer(request);
        }
        match (defect.as_str(), request) {
            ("skip-tag-check", _) => skip_tag_check(request),
            ("no-body-rules", _) => no_body_rules(request),
            ("usage-sign-no-check", _) => usage_sign_no_check(request),
            ("crash-on-stream", Request::Stream { .. }) => {
                eprintln!("deframer: index out of bounds (deliberate)");
                std::process::exit(101);
            }
            ("hang-on-usage-sign", Request::UsageSign { .. }) => loop {
                std::thread::sleep(std::time::Duration::from_secs(3600));
            },
            ("garbage-on-stream", Request::Stream { .. }) => {
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "ok!");
                let _ = out.flush();
                // The line above is this question's (bad) answer; the one `serve` writes after
                // it would answer the next question early: exit instead, as a broken adapter
                // that lost its state would.
                std::process::exit(3);
            }
            _ => reference::answer(request),
        }
    };
    match serve(stdin, stdout.lock(), &me, answer) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
