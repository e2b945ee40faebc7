//! The platform's receiver session for one device (sans-I/O, `docs/protocol.md` §8.2): decode,
//! check direction, verify, validate, sequence within the device's epoch — drop retransmissions,
//! report reused numbers, hold out-of-order frames within a window bounded by count and memory,
//! ask for a Resume once per gap per interval — acknowledge, and watch the device's clock. Time
//! is passed in.
//!
//! Nothing is lost in silence: a genuine frame is delivered (flagged when something about it is
//! odd), or its number is reported in [`Received::skipped`] with the reason; a frame that is not
//! genuine changes nothing and is an error.
//!
//! ```
//! # use liftspec_protocol::session::{ReceiverSession, ReceiveOutcome};
//! # use liftspec_protocol::{message::*, wire::{DeviceId, Envelope}};
//! # use liftspec_model::time::Timestamp;
//! let hb = |seq| Envelope { device: DeviceId::parse("D1").unwrap(), epoch: 9, seq,
//!     sent_at: Timestamp::from_millis(0),
//!     body: Body::Heartbeat(Heartbeat { uptime_s: 1, signal_dbm: -70, battery_percent: None, clock_offset_ms: 0 }) };
//! let mut session = ReceiverSession::new(64);
//! let now = Timestamp::from_millis(20);
//! assert_eq!(session.accept(hb(1), now).outcome, ReceiveOutcome::Delivered);
//! let gap = session.accept(hb(3), now);
//! assert_eq!((gap.outcome, gap.resume.map(|r| r.from_seq)), (ReceiveOutcome::Held, Some(2)));
//! let fill = session.accept(hb(2), now);
//! assert_eq!(fill.deliver.iter().map(|d| d.envelope.seq).collect::<Vec<_>>(), vec![2, 3]);
//! assert_eq!(session.accept(hb(2), now).outcome, ReceiveOutcome::Duplicate);
//! ```

mod clock;
mod epoch;
mod outcome;
mod recent;

use alloc::collections::VecDeque;
use alloc::vec::Vec;

use liftspec_model::time::Timestamp;

use crate::auth::{AuthScheme, DeviceCredentials, Verified};
use crate::message::{Ack, MessageKind, Nack, NackReason, Resume};
use crate::validate::{validate, validate_sequencing, ValidationContext, ValidationError};
use crate::wire::{self, DeviceId, Envelope};

pub use clock::ClockFinding;
use clock::ClockWatch;
use epoch::{EpochState, Out};
pub use outcome::{
    Delivery, DeliveryFlags, ReceiveOutcome, Received, SessionError, SessionNotice, SessionStats,
    SkipReason, SkippedRange,
};
use recent::fingerprint;

/// How a session bounds what it keeps. Every value is a liftspec default, not a rule of the
/// specification; a platform sets its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionConfig {
    /// Frames are held only up to this many numbers ahead of the next expected one (default 64).
    pub window: u64,
    /// Most memory held frames may take, estimated from their decoded size (default 256 KiB).
    pub max_held_bytes: usize,
    /// A Resume for the same gap is repeated at most this often, ms (default 2,000).
    pub resume_interval_ms: i64,
    /// How many recent numbers are remembered to tell reused numbers from retransmissions
    /// (default 64).
    pub recent: usize,
    /// How many epochs the device has left are remembered, so an old frame is never taken for a
    /// new epoch (default 16).
    pub retired_epochs: usize,
    /// How many epochs are sequenced at once (default 2: the device's current one, and the one
    /// it left, whose last frames may still be on their way).
    pub live_epochs: usize,
    /// An epoch other than the most recently active one ends after this long without activity,
    /// ms (default 120,000: longer than frames stay in the network).
    pub epoch_grace_ms: i64,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            window: 64,
            max_held_bytes: 256 * 1024,
            resume_interval_ms: 2_000,
            recent: 64,
            retired_epochs: 16,
            live_epochs: 2,
            epoch_grace_ms: 120_000,
        }
    }
}

/// Receiver state for one device. Serialisable, so a platform can checkpoint and move it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceiverSession {
    config: SessionConfig,
    /// Epochs being sequenced; each is acknowledged in its own epoch.
    live: Vec<EpochState>,
    /// The most recently active epoch.
    current: Option<u32>,
    /// Epochs that ended (flushed), kept to judge their late frames and to revive one that
    /// turns out to be alive.
    retired: VecDeque<EpochState>,
    proposed_key: Option<[u8; 32]>,
    clock: ClockWatch,
    min_delay_ms: Option<i64>,
    last_delay_ms: Option<i64>,
    stats: SessionStats,
}

/// What [`ReceiverSession::poll`] found to do.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Polled {
    /// Held frames of an epoch that ended, delivered in order.
    pub deliver: Vec<Delivery>,
    /// Numbers passed over (epochs that ended).
    pub skipped: Vec<SkippedRange>,
    /// Epochs that ended.
    pub notices: Vec<SessionNotice>,
    /// A Resume to send, if numbers are missing in the current epoch.
    pub resume: Option<Resume>,
}

/// One authenticated envelope on its way into the session.
struct Incoming {
    envelope: Envelope,
    fingerprint: u64,
    flags: DeliveryFlags,
    invalid: Option<ValidationError>,
}

impl ReceiverSession {
    /// A session expecting sequence number 1 of whatever epoch the device uses first, holding at
    /// most `window` frames ahead of a gap (liftspec defaults for the rest).
    pub fn new(window: u64) -> Self {
        Self::with_config(SessionConfig {
            window,
            ..SessionConfig::default()
        })
    }

    /// A session with its bounds set by `config`.
    pub fn with_config(config: SessionConfig) -> Self {
        Self {
            config: SessionConfig {
                window: config.window.max(1),
                live_epochs: config.live_epochs.max(1),
                ..config
            },
            live: Vec::new(),
            current: None,
            retired: VecDeque::new(),
            proposed_key: None,
            clock: ClockWatch::default(),
            min_delay_ms: None,
            last_delay_ms: None,
            stats: SessionStats::default(),
        }
    }

    /// A session that continues a device's `epoch` at `next_expected` — for a platform that
    /// recreates a session from its own records of what it delivered (a migration, a lost
    /// checkpoint), so it neither waits for numbers it already has nor skips ones it lacks.
    ///
    /// ```
    /// # use liftspec_protocol::session::{ReceiverSession, SessionConfig};
    /// let session = ReceiverSession::starting_at(7, 1_000, SessionConfig::default());
    /// assert_eq!((session.epoch(), session.next_expected()), (Some(7), 1_000));
    /// ```
    pub fn starting_at(epoch: u32, next_expected: u64, config: SessionConfig) -> Self {
        Self::resuming(&[(epoch, next_expected)], config)
    }

    /// A session that continues several epochs at once, each at its next expected number, the
    /// last one given as the most recently active: for recreating a session from the platform's
    /// records of every epoch it delivered from (see [`ReceiverSession::positions`]).
    ///
    /// ```
    /// # use liftspec_protocol::session::{ReceiverSession, SessionConfig};
    /// let session = ReceiverSession::resuming(&[(7, 40), (9, 3)], SessionConfig::default());
    /// assert_eq!(session.epoch(), Some(9));
    /// assert_eq!(session.next_expected_in(7), Some(40));
    /// ```
    pub fn resuming(positions: &[(u32, u64)], config: SessionConfig) -> Self {
        let mut session = Self::with_config(config);
        for (i, (epoch, next)) in positions.iter().enumerate() {
            if session.live.iter().all(|l| l.epoch != *epoch) {
                // Ordered by activity as given, all long enough ago to end when they go quiet.
                session
                    .live
                    .push(EpochState::new(*epoch, *next, i64::MIN + i as i64));
                session.current = Some(*epoch);
            }
        }
        session
    }

    /// The live epochs with their next expected numbers, the most recently active last.
    pub fn positions(&self) -> Vec<(u32, u64)> {
        let mut live: Vec<&EpochState> = self.live.iter().collect();
        live.sort_by_key(|l| (Some(l.epoch) == self.current, l.last_active_ms));
        live.iter().map(|l| (l.epoch, l.next_expected)).collect()
    }

    /// The device epoch that was active most recently, once a frame was received.
    pub fn epoch(&self) -> Option<u32> {
        self.current
    }

    /// The next sequence number expected in the most recently active epoch.
    pub fn next_expected(&self) -> u64 {
        self.current
            .and_then(|e| self.next_expected_in(e))
            .unwrap_or(1)
    }

    /// The next sequence number expected in `epoch`, while it is being sequenced.
    pub fn next_expected_in(&self, epoch: u32) -> Option<u64> {
        self.live
            .iter()
            .find(|e| e.epoch == epoch)
            .map(|e| e.next_expected)
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

    /// A public key the device announced and the platform has not confirmed yet.
    pub fn proposed_key(&self) -> Option<[u8; 32]> {
        self.proposed_key
    }

    /// Takes the proposed key after the platform confirmed the change out of band; store it in
    /// the device's credentials ([`DeviceCredentials::with_public_key`]).
    pub fn confirm_key_change(&mut self) -> Option<[u8; 32]> {
        self.proposed_key.take()
    }

    /// Forgets a proposed key the platform refused.
    pub fn reject_key_change(&mut self) {
        self.proposed_key = None;
    }

    /// The acknowledgement for the most recently active epoch.
    pub fn ack(&self) -> Ack {
        self.current
            .and_then(|e| self.live.iter().find(|l| l.epoch == e))
            .map_or(
                Ack {
                    epoch: 0,
                    cumulative: 0,
                    selective: Vec::new(),
                },
                EpochState::ack,
            )
    }

    /// Decodes, checks the direction, verifies, validates and sequences frame bytes from
    /// `expected` device.
    ///
    /// A genuine non-critical frame that fails validation is passed over
    /// ([`ReceiveOutcome::Rejected`], with the Nack to send); a genuine critical frame that fails
    /// it is delivered flagged [`DeliveryFlags::implausible`]. An error means the bytes are not a
    /// genuine frame of this device's uplink: nothing changed and nothing is to be answered.
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
        let kind = frame.envelope.body.kind();
        if !kind.from_device() {
            return Err(SessionError::WrongDirection(kind));
        }
        let verified = frame.verify_with(bytes, credentials, self.proposed_key.as_ref())?;
        validate_sequencing(&frame.envelope)?;
        let mut flags = DeliveryFlags::default();
        let mut out = Out::default();
        match verified {
            Verified::Registered => {}
            Verified::KeyChangeProposed { public_key } => {
                flags.key_change = true;
                if self.proposed_key != Some(public_key) {
                    self.proposed_key = Some(public_key);
                    out.notices
                        .push(SessionNotice::KeyChangeProposed { public_key });
                }
            }
            Verified::ProposedKey => flags.unconfirmed_key = true,
        }
        let invalid = validate(&frame.envelope, ctx).err();
        let tag = bytes.get(frame.tag_start..).unwrap_or_default();
        // A scheme-3 tag ends with the MAC; the signature alone identifies the content too.
        let tag = if frame.scheme == AuthScheme::Ed25519Hmac {
            tag.get(..64).unwrap_or(tag)
        } else {
            tag
        };
        let incoming = Incoming {
            envelope: frame.envelope,
            fingerprint: fingerprint(tag),
            flags,
            invalid,
        };
        Ok(self.process(incoming, ctx.now, Some(ctx), out))
    }

    /// Sequences an envelope that was already verified, received at `now` (no validation
    /// against an installation, no clock grading). A number outside 1..=[`MAX_SEQ`](crate::wire::MAX_SEQ) or an
    /// inconsistent range is rejected ([`ReceiveOutcome::Rejected`]).
    pub fn accept(&mut self, envelope: Envelope, now: Timestamp) -> Received {
        let invalid = validate_sequencing(&envelope).err();
        if let Some(invalid) = invalid {
            let ack = self.ack();
            return self.finish(
                ReceiveOutcome::Rejected,
                Out::default(),
                Some(invalid),
                None,
                None,
                ack,
            );
        }
        let bytes = wire::signed_part(&envelope, AuthScheme::HmacSha256).unwrap_or_default();
        let incoming = Incoming {
            fingerprint: fingerprint(&bytes),
            envelope,
            flags: DeliveryFlags::default(),
            invalid: None,
        };
        self.process(incoming, now, None, Out::default())
    }

    /// What a timer should do now: end epochs that went quiet while another was active
    /// (delivering their held frames and reporting their gaps), and ask again for numbers still
    /// missing in the current epoch once the resume interval has passed — so a gap heals even
    /// while the device sends nothing new.
    pub fn poll(&mut self, now: Timestamp) -> Polled {
        let mut out = Out::default();
        self.retire_idle(now.millis(), &mut out);
        let resume = match self
            .current
            .and_then(|e| self.live.iter().position(|l| l.epoch == e))
        {
            Some(i) => self.live[i].maybe_resume(now, &self.config, &mut self.stats),
            None => None,
        };
        self.stats.delivered += out.deliver.len() as u64;
        Polled {
            deliver: out.deliver,
            skipped: out.skipped,
            notices: out.notices,
            resume,
        }
    }

    fn process(
        &mut self,
        incoming: Incoming,
        now: Timestamp,
        ctx: Option<&ValidationContext>,
        mut out: Out,
    ) -> Received {
        let Incoming {
            envelope,
            fingerprint,
            mut flags,
            invalid,
        } = incoming;
        let delay = now.millis().saturating_sub(envelope.sent_at.millis());
        self.last_delay_ms = Some(delay);
        self.min_delay_ms = Some(self.min_delay_ms.map_or(delay, |m| m.min(delay)));
        let epoch = envelope.epoch;
        let index = match self.live.iter().position(|l| l.epoch == epoch) {
            Some(i) => i,
            None => {
                if let Some(r) = self.retired.iter().position(|r| r.epoch == epoch) {
                    if !self.retired[r].advanced_by(&envelope) {
                        return self.late(r, envelope, fingerprint, flags, invalid, out);
                    }
                    // It was not dead after all: sequence it again from where it ended.
                    if let Some(state) = self.retired.remove(r) {
                        out.notices.push(SessionNotice::EpochResumed { epoch });
                        self.live.push(state);
                    }
                } else {
                    if self.current.is_some() || !self.retired.is_empty() {
                        out.notices.push(SessionNotice::EpochSeen {
                            epoch,
                            previous: self.current,
                        });
                    }
                    self.live.push(EpochState::new(epoch, 1, now.millis()));
                }
                self.live.len() - 1
            }
        };
        if let Some(ctx) = ctx {
            let (quality, finding) = self
                .clock
                .observe(epoch, envelope.seq, envelope.sent_at, ctx);
            flags.clock = Some(quality);
            if let Some(finding) = finding {
                out.notices.push(SessionNotice::Clock(finding));
            }
        }
        let kind = envelope.body.kind();
        let seq = envelope.seq;
        let mut rejection = None;
        let mut nack = None;
        let state = &mut self.live[index];
        let outcome = match invalid {
            Some(err) if !delivered_when_invalid(kind) => {
                state.reject(seq, &self.config, &mut self.stats);
                nack = Some(Nack {
                    epoch,
                    seq,
                    reason: NackReason::Invalid,
                });
                rejection = Some(err);
                state.drain(&self.config, &mut self.stats, &mut out);
                ReceiveOutcome::Rejected
            }
            implausible => {
                flags.implausible = implausible.map(alloc::boxed::Box::new);
                state.sequence(
                    envelope,
                    fingerprint,
                    flags,
                    &self.config,
                    &mut self.stats,
                    &mut out,
                )
            }
        };
        if !matches!(
            outcome,
            ReceiveOutcome::Duplicate | ReceiveOutcome::OutOfWindow
        ) {
            state.last_active_ms = now.millis();
            self.current = Some(epoch);
        }
        let resume = state.maybe_resume(now, &self.config, &mut self.stats);
        let ack = state.ack();
        self.retire_idle(now.millis(), &mut out);
        self.finish(outcome, out, rejection, nack, resume, ack)
    }

    /// Ends the epochs other than the current one that have been quiet for the grace period, and
    /// the least recently active ones beyond `live_epochs`.
    fn retire_idle(&mut self, now_ms: i64, out: &mut Out) {
        let grace = self.config.epoch_grace_ms;
        loop {
            let current = self.current;
            let idle = self.live.iter().position(|l| {
                Some(l.epoch) != current && now_ms.saturating_sub(l.last_active_ms) >= grace
            });
            let excess = (self.live.len() > self.config.live_epochs)
                .then(|| {
                    self.live
                        .iter()
                        .enumerate()
                        .filter(|(_, l)| Some(l.epoch) != current)
                        .min_by_key(|(_, l)| l.last_active_ms)
                        .map(|(i, _)| i)
                })
                .flatten();
            let Some(index) = idle.or(excess) else {
                return;
            };
            let mut state = self.live.remove(index);
            let next_expected = state.flush(&self.config, &mut self.stats, out);
            if self.retired.len() >= self.config.retired_epochs.max(1) {
                self.retired.pop_front();
            }
            self.stats.epochs_ended += 1;
            out.notices.push(SessionNotice::EpochEnded {
                epoch: state.epoch,
                next_expected,
            });
            self.retired.push_back(state);
        }
    }

    fn finish(
        &mut self,
        outcome: ReceiveOutcome,
        out: Out,
        rejection: Option<ValidationError>,
        nack: Option<Nack>,
        resume: Option<Resume>,
        ack: Ack,
    ) -> Received {
        self.stats.delivered += out.deliver.len() as u64;
        self.stats.flagged += out.deliver.iter().filter(|d| !d.flags.is_clean()).count() as u64;
        Received {
            outcome,
            deliver: out.deliver,
            skipped: out.skipped,
            notices: out.notices,
            rejection,
            nack,
            resume,
            ack,
        }
    }

    /// A frame of an epoch that has ended, for a number it had moved past: a duplicate, a
    /// reused number or a late critical frame, judged as in a live epoch, acknowledged in it.
    fn late(
        &mut self,
        index: usize,
        envelope: Envelope,
        fingerprint: u64,
        mut flags: DeliveryFlags,
        invalid: Option<ValidationError>,
        mut out: Out,
    ) -> Received {
        let Some(state) = self.retired.get_mut(index) else {
            let ack = self.ack();
            return self.finish(ReceiveOutcome::Duplicate, out, None, None, None, ack);
        };
        let kind = envelope.body.kind();
        if let Some(err) = invalid {
            if !delivered_when_invalid(kind) {
                // Below the epoch's end: it was passed over already.
                self.stats.duplicates += 1;
                let ack = state.ack();
                return self.finish(ReceiveOutcome::Duplicate, out, None, None, None, ack);
            }
            flags.implausible = Some(alloc::boxed::Box::new(err));
        }
        let outcome = state.sequence(
            envelope,
            fingerprint,
            flags,
            &self.config,
            &mut self.stats,
            &mut out,
        );
        let ack = state.ack();
        self.finish(outcome, out, None, None, None, ack)
    }
}

/// Whether a message that fails validation is still delivered, flagged implausible: a critical
/// message is, so that nothing critical is lost, but not a Discarded notice: the session would act
/// on its ranges, so an invalid one is rejected like any other invalid message.
fn delivered_when_invalid(kind: MessageKind) -> bool {
    kind.is_critical() && kind != MessageKind::Discarded
}
