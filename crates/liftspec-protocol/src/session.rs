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
    /// Delivered (or, for a `Discarded` notice, applied) in order, possibly releasing held
    /// frames after it.
    Delivered,
    /// Ahead of a gap: held until the gap fills.
    Held,
    /// Already delivered, held or skipped: dropped (idempotent; a replay lands here too).
    Duplicate,
    /// Too far ahead of the gap to hold: dropped, Resume requested.
    OutOfWindow,
}

/// A run of sequence numbers the device discarded and this receiver never got: they will not
/// arrive, and the session has moved past them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SkippedRange {
    /// First skipped sequence number.
    pub from_seq: u64,
    /// Last skipped sequence number (inclusive).
    pub through_seq: u64,
}

impl SkippedRange {
    /// How many sequence numbers the run holds.
    pub fn len(&self) -> u64 {
        self.through_seq - self.from_seq + 1
    }

    /// Never true: a run holds at least one sequence number.
    pub fn is_empty(&self) -> bool {
        false
    }
}

/// The result of receiving one frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Received {
    /// What happened.
    pub outcome: ReceiveOutcome,
    /// Envelopes now deliverable to the application, in sequence order. `Discarded` notices are
    /// not delivered: their effect is in `skipped`.
    pub deliver: Vec<Envelope>,
    /// Runs of sequence numbers passed over because the device discarded them, in order; exact
    /// (only what this receiver never got), interleaved with `deliver` by sequence number.
    pub skipped: Vec<SkippedRange>,
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
    /// Sequence numbers skipped because the device discarded them.
    pub skipped: u64,
    /// Genuine frames rejected as invalid (the sequence number is skipped, a Nack is due).
    pub rejected: u64,
}

/// Receiver state for one device. Serialisable, so a platform can checkpoint and move it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceiverSession {
    next_expected: u64,
    window: u64,
    held: BTreeMap<u64, Envelope>,
    /// Discarded ranges ahead of a gap: start → last sequence number.
    pending_skips: BTreeMap<u64, u64>,
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
            pending_skips: BTreeMap::new(),
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
    ///
    /// A genuine (authenticated) frame that fails validation is rejected with
    /// [`SessionError::Invalid`] and its sequence number is passed over, so the session does not
    /// wait for it; answer it with a Nack.
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
        if let Err(invalid) = validate(&frame.envelope, ctx) {
            self.reject(frame.envelope.seq);
            return Err(invalid.into());
        }
        Ok(self.accept(frame.envelope, ctx.now))
    }

    /// Marks `seq`, a genuine frame rejected as invalid, to be passed over: the next frame
    /// processed (at the latest the device's `Discarded` notice after the Nack) moves past it.
    fn reject(&mut self, seq: u64) {
        let pending = self.pending_skips.get(&seq).is_some_and(|t| *t >= seq);
        if seq < self.next_expected || self.held.contains_key(&seq) || pending {
            return;
        }
        if seq - self.next_expected < self.window {
            self.stats.rejected += 1;
            self.pending_skips.insert(seq, seq);
        }
    }

    /// Moves past `through` from `next_expected`: held frames inside are delivered, the missing
    /// runs recorded as skipped.
    fn skip_through(
        &mut self,
        through: u64,
        deliver: &mut Vec<Envelope>,
        skipped: &mut Vec<SkippedRange>,
    ) {
        let mut cursor = self.next_expected;
        let inside: Vec<u64> = self
            .held
            .range(self.next_expected..=through)
            .map(|(s, _)| *s)
            .collect();
        for seq in inside {
            if cursor < seq {
                self.push_skipped(cursor, seq - 1, skipped);
            }
            if let Some(envelope) = self.held.remove(&seq) {
                deliver.push(envelope);
            }
            cursor = seq + 1;
        }
        if cursor <= through {
            self.push_skipped(cursor, through, skipped);
        }
        self.next_expected = through + 1;
    }

    fn push_skipped(&mut self, from_seq: u64, through_seq: u64, skipped: &mut Vec<SkippedRange>) {
        let run = SkippedRange {
            from_seq,
            through_seq,
        };
        self.stats.skipped += run.len();
        skipped.push(run);
    }

    /// Delivers held frames and applies pending skips while they continue the sequence.
    fn drain(&mut self, deliver: &mut Vec<Envelope>, skipped: &mut Vec<SkippedRange>) {
        loop {
            if let Some(envelope) = self.held.remove(&self.next_expected) {
                deliver.push(envelope);
                self.next_expected += 1;
                continue;
            }
            let reach = self
                .pending_skips
                .range(..=self.next_expected)
                .map(|(_, through)| *through)
                .max()
                .filter(|through| *through >= self.next_expected);
            match reach {
                Some(through) => self.skip_through(through, deliver, skipped),
                None => break,
            }
        }
        let next = self.next_expected;
        self.pending_skips.retain(|_, through| *through >= next);
        // A pending skip is keyed by its start; one that began below `next` but reaches past it
        // was applied above, so every survivor starts above `next`.
    }

    /// Sequences an already verified envelope received at `now`.
    pub fn accept(&mut self, envelope: Envelope, now: Timestamp) -> Received {
        let delay = now.millis_since(envelope.sent_at);
        self.last_delay_ms = Some(delay);
        self.min_delay_ms = Some(self.min_delay_ms.map_or(delay, |m| m.min(delay)));
        let seq = envelope.seq;
        let discarded_through = match &envelope.body {
            Body::Discarded(d) => Some(d.through_seq.max(seq)),
            _ => None,
        };
        let mut deliver = Vec::new();
        let mut skipped = Vec::new();
        let mut resume = None;
        // A frame rejected as invalid at `next_expected` left a pending skip there.
        self.drain(&mut deliver, &mut skipped);
        let known = match discarded_through {
            Some(through) => {
                through < self.next_expected
                    || self.pending_skips.get(&seq).is_some_and(|t| *t >= through)
            }
            None => seq < self.next_expected || self.held.contains_key(&seq),
        };
        let outcome = if known {
            self.stats.duplicates += 1;
            ReceiveOutcome::Duplicate
        } else if seq <= self.next_expected {
            match discarded_through {
                Some(through) => self.skip_through(through, &mut deliver, &mut skipped),
                None => {
                    deliver.push(envelope);
                    self.next_expected += 1;
                }
            }
            self.drain(&mut deliver, &mut skipped);
            ReceiveOutcome::Delivered
        } else {
            let outcome = if seq - self.next_expected < self.window {
                match discarded_through {
                    Some(through) => {
                        self.pending_skips.insert(seq, through);
                    }
                    None => {
                        self.held.insert(seq, envelope);
                    }
                }
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
        self.stats.delivered += deliver.len() as u64;
        Received {
            outcome,
            deliver,
            skipped,
            resume,
            ack: self.ack(),
        }
    }
}
