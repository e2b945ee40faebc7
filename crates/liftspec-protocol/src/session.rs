//! The platform's receiver session for one device (sans-I/O): decode, verify, validate, drop
//! duplicates idempotently, hold out-of-order frames within a window, ask for a Resume on a gap,
//! acknowledge, and measure clock skew. Time is passed in.
//!
//! ```
//! # use liftspec_protocol::session::{ReceiverSession, ReceiveOutcome};
//! # use liftspec_protocol::{message::*, wire::{DeviceId, Envelope}};
//! # use liftspec_model::time::Timestamp;
//! let hb = |seq| Envelope { device: DeviceId::parse("D1").unwrap(), seq, sent_at: Timestamp::from_millis(0),
//!     body: Body::Heartbeat(Heartbeat { uptime_s: 1, signal_dbm: -70, battery_percent: None, clock_offset_ms: 0 }) };
//! let mut session = ReceiverSession::new(64);
//! let now = Timestamp::from_millis(20);
//! assert_eq!(session.accept(hb(1), now).outcome, ReceiveOutcome::Delivered);
//! let gap = session.accept(hb(3), now);
//! assert_eq!((gap.outcome, gap.resume.map(|r| r.from_seq)), (ReceiveOutcome::Held, Some(2)));
//! let fill = session.accept(hb(2), now);
//! assert_eq!(fill.deliver.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![2, 3]);
//! assert_eq!(session.accept(hb(2), now).outcome, ReceiveOutcome::Duplicate);
//! ```

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use liftspec_model::time::Timestamp;

use crate::auth::{AuthError, DeviceCredentials};
use crate::message::{Ack, Body, Resume};
use crate::validate::{validate, ValidationContext, ValidationError};
use crate::wire::{self, DecodeError, DeviceId, Envelope};

/// What happened to one received frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ReceiveOutcome {
    /// Delivered in order (possibly with held frames after it).
    Delivered,
    /// Ahead of a gap: held until the gap fills.
    Held,
    /// Already delivered or held: dropped (idempotent; a replay lands here too).
    Duplicate,
    /// Too far ahead of the gap to hold: dropped, Resume requested.
    OutOfWindow,
}

/// The result of receiving one frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Received {
    /// What happened.
    pub outcome: ReceiveOutcome,
    /// Envelopes now deliverable to the application, in sequence order.
    pub deliver: Vec<Envelope>,
    /// A Resume to send to the device, if a gap was found.
    pub resume: Option<Resume>,
    /// The acknowledgement to send.
    pub ack: Ack,
}

/// Why a frame was rejected before sequencing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    /// Not a frame.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// Forged or tampered.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// Structurally invalid.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// From another device than this session's.
    #[error("frame from device {found}, session is for {expected}")]
    WrongDevice {
        /// This session's device.
        expected: DeviceId,
        /// The frame's device.
        found: DeviceId,
    },
}

impl SessionError {
    /// A stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Decode(e) => e.code(),
            Self::Auth(e) => e.code(),
            Self::Invalid(e) => e.code(),
            Self::WrongDevice { .. } => "session.wrong_device",
        }
    }
}

/// Counters of a session.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionStats {
    /// Envelopes delivered.
    pub delivered: u64,
    /// Duplicates dropped.
    pub duplicates: u64,
    /// Frames dropped as too far ahead.
    pub out_of_window: u64,
    /// Resumes requested.
    pub resumes: u64,
}

/// The last sequence number a frame accounts for: its own, or the end of a discarded range.
fn discarded_through(envelope: &Envelope) -> u64 {
    match &envelope.body {
        Body::Discarded(d) => d.through_seq.max(envelope.seq),
        _ => envelope.seq,
    }
}

/// Receiver state for one device. Serialisable, so a platform can checkpoint and move it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceiverSession {
    next_expected: u64,
    window: u64,
    held: BTreeMap<u64, Envelope>,
    resume_sent_for: Option<u64>,
    min_delay_ms: Option<i64>,
    last_delay_ms: Option<i64>,
    stats: SessionStats,
}

impl ReceiverSession {
    /// A session expecting sequence number 1 that holds at most `window` frames ahead of a gap.
    pub fn new(window: u64) -> Self {
        Self {
            next_expected: 1,
            window: window.max(1),
            held: BTreeMap::new(),
            resume_sent_for: None,
            min_delay_ms: None,
            last_delay_ms: None,
            stats: SessionStats::default(),
        }
    }

    /// The next sequence number expected.
    pub fn next_expected(&self) -> u64 {
        self.next_expected
    }

    /// Counters.
    pub fn stats(&self) -> SessionStats {
        self.stats
    }

    /// The device's clock offset estimate in ms (receiver clock − device clock), from the smallest
    /// observed delay: transmission delay only ever adds, so the minimum is the tightest bound.
    pub fn clock_skew_ms(&self) -> Option<i64> {
        self.min_delay_ms
    }

    /// The last observed (receive − send) delay in ms.
    pub fn last_delay_ms(&self) -> Option<i64> {
        self.last_delay_ms
    }

    /// The acknowledgement for the current state.
    pub fn ack(&self) -> Ack {
        Ack {
            cumulative: self.next_expected - 1,
            selective: self.held.keys().copied().collect(),
        }
    }

    /// Decodes, verifies, validates and sequences frame bytes from `expected` device.
    pub fn receive(
        &mut self,
        bytes: &[u8],
        expected: &DeviceId,
        credentials: &DeviceCredentials,
        ctx: &ValidationContext,
    ) -> Result<Received, SessionError> {
        let frame = wire::decode(bytes)?;
        if &frame.envelope.device != expected {
            return Err(SessionError::WrongDevice {
                expected: expected.clone(),
                found: frame.envelope.device,
            });
        }
        frame.verify(bytes, credentials)?;
        validate(&frame.envelope, ctx)?;
        Ok(self.accept(frame.envelope, ctx.now))
    }

    /// Delivers `envelope` (which covers `next_expected`) and moves past it; a discarded range also
    /// releases, in order, any frames of the range that did arrive.
    fn advance(&mut self, envelope: Envelope, deliver: &mut Vec<Envelope>) {
        let through = discarded_through(&envelope);
        deliver.push(envelope);
        if through > self.next_expected {
            let inside: Vec<u64> = self
                .held
                .range(self.next_expected..=through)
                .map(|(s, _)| *s)
                .collect();
            for seq in inside {
                if let Some(held) = self.held.remove(&seq) {
                    deliver.push(held);
                }
            }
        }
        self.next_expected = through + 1;
    }

    /// Sequences an already verified envelope received at `now`.
    pub fn accept(&mut self, envelope: Envelope, now: Timestamp) -> Received {
        let delay = now.millis_since(envelope.sent_at);
        self.last_delay_ms = Some(delay);
        self.min_delay_ms = Some(self.min_delay_ms.map_or(delay, |m| m.min(delay)));
        let seq = envelope.seq;
        let through = discarded_through(&envelope);
        let mut deliver = Vec::new();
        let mut resume = None;
        // A tombstone may grow while the device keeps it (more frames discarded next to it): a
        // longer range under the same sequence number replaces the held one.
        let extends_held = self
            .held
            .get(&seq)
            .is_some_and(|held| discarded_through(held) < through);
        let outcome =
            if through < self.next_expected || (self.held.contains_key(&seq) && !extends_held) {
                self.stats.duplicates += 1;
                ReceiveOutcome::Duplicate
            } else if seq <= self.next_expected {
                self.advance(envelope, &mut deliver);
                while let Some(next) = self.held.remove(&self.next_expected) {
                    self.advance(next, &mut deliver);
                }
                self.stats.delivered += deliver.len() as u64;
                ReceiveOutcome::Delivered
            } else {
                let outcome = if seq - self.next_expected < self.window {
                    self.held.insert(seq, envelope);
                    ReceiveOutcome::Held
                } else {
                    self.stats.out_of_window += 1;
                    ReceiveOutcome::OutOfWindow
                };
                if self.resume_sent_for != Some(self.next_expected)
                    || outcome == ReceiveOutcome::OutOfWindow
                {
                    self.resume_sent_for = Some(self.next_expected);
                    self.stats.resumes += 1;
                    resume = Some(Resume {
                        from_seq: self.next_expected,
                    });
                }
                outcome
            };
        Received {
            outcome,
            deliver,
            resume,
            ack: self.ack(),
        }
    }
}
