//! What the receiver session reports: deliveries with their flags, skipped ranges with their
//! reason, notices, counters and errors.

use alloc::vec::Vec;

use crate::auth::AuthError;
use crate::message::{Ack, MessageKind, Nack, Resume};
use crate::validate::{ClockQuality, ValidationError};
use crate::wire::{DecodeError, DeviceId, Envelope};

use super::clock::ClockFinding;

/// What happened to one received frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ReceiveOutcome {
    /// Delivered (or, for a `Discarded` notice, applied) in order, possibly releasing held
    /// frames after it.
    Delivered,
    /// Ahead of a gap: held until the gap fills.
    Held,
    /// Already delivered, held or skipped, with the same content: dropped (idempotent; a replay
    /// lands here too).
    Duplicate,
    /// A number already delivered or held, with other content (a device that reused a number):
    /// delivered flagged [`DeliveryFlags::conflict`], never acknowledged away in silence.
    Conflict,
    /// A critical frame whose number was already passed over (reported as skipped), which this
    /// receiver had not delivered: delivered now, flagged [`DeliveryFlags::late`].
    Late,
    /// Too far ahead of the gap to hold (by count or by memory): dropped, Resume requested.
    OutOfWindow,
    /// A genuine non-critical frame that failed validation: passed over, Nack due.
    Rejected,
}

/// Why the session passed over a run of sequence numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SkipReason {
    /// The device dropped them (outbox full, or rejected): a `Discarded` notice, `dropped`.
    Dropped,
    /// The device no longer holds them, and this receiver never got them: a `Discarded`
    /// notice, `notHeld`. Under the rules of `docs/protocol.md` §8 this only happens after a
    /// fault (a device crash between two writes, a platform that restored an old checkpoint):
    /// treat it as an incident.
    NotHeld,
    /// This receiver rejected the frame (invalid and not critical) and sent a Nack.
    Rejected,
    /// The device started a new epoch: what it had not delivered of the old one is gone.
    EpochEnded,
}

/// A run of sequence numbers that will not arrive, which the session has moved past.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SkippedRange {
    /// The epoch.
    pub epoch: u32,
    /// First skipped sequence number.
    pub from_seq: u64,
    /// Last skipped sequence number (inclusive, ≥ `from_seq`).
    pub through_seq: u64,
    /// Why.
    pub reason: SkipReason,
}

impl SkippedRange {
    /// How many sequence numbers the run holds.
    pub fn len(&self) -> u64 {
        self.through_seq
            .saturating_sub(self.from_seq)
            .saturating_add(1)
    }

    /// Never true: a run holds at least one sequence number.
    pub fn is_empty(&self) -> bool {
        false
    }
}

/// What the application should know about a delivered envelope. All `false` / plausible for an
/// ordinary frame.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryFlags {
    /// A critical frame that failed validation: delivered because an alarm, event, maintenance
    /// session or registration is never dropped for its content, with what was wrong.
    pub implausible: Option<alloc::boxed::Box<ValidationError>>,
    /// How the send time compares with the receiver's clock (`None`: not assessed, for
    /// envelopes given to [`super::ReceiverSession::accept`]).
    pub clock: Option<ClockQuality>,
    /// The device reused a sequence number for other content.
    pub conflict: bool,
    /// A critical frame that arrived after the session had passed over its number (reported
    /// then as skipped): it is delivered anyway, out of order.
    pub late: bool,
    /// Signed by a key the device announced but the platform has not confirmed.
    pub unconfirmed_key: bool,
    /// A Register that announces a new public key (see [`SessionNotice::KeyChangeProposed`]).
    pub key_change: bool,
}

impl DeliveryFlags {
    /// Whether nothing is unusual about the delivery.
    pub fn is_clean(&self) -> bool {
        self.implausible.is_none()
            && self.clock.is_none_or(ClockQuality::is_plausible)
            && !self.conflict
            && !self.late
            && !self.unconfirmed_key
            && !self.key_change
    }
}

/// An envelope delivered to the application, with its flags.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    /// The envelope.
    pub envelope: Envelope,
    /// What is unusual about it.
    pub flags: DeliveryFlags,
}

/// Something about the device the application must act on.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum SessionNotice {
    /// A sequence space not seen before: the device lost or could not trust its sequence
    /// counter and numbers from 1 again. (Epochs are random, so the order of two epochs is not
    /// known from their numbers: each is sequenced on its own until it ends.)
    EpochSeen {
        /// The new epoch.
        epoch: u32,
        /// The epoch that was most recently active before it.
        previous: Option<u32>,
    },
    /// An epoch that had ended sent a frame beyond where it ended: it is sequenced again.
    EpochResumed {
        /// The epoch.
        epoch: u32,
    },
    /// An epoch ended: it went quiet for the grace period while another was active (or more
    /// epochs were live than configured). Held frames were delivered; the numbers it never
    /// delivered are in `skipped` with [`SkipReason::EpochEnded`], and anything it sent from
    /// `next_expected` on that never arrived is gone.
    EpochEnded {
        /// The epoch.
        epoch: u32,
        /// Its next expected number when it ended.
        next_expected: u64,
    },
    /// A Register announced a public key other than the registered one, with proof of
    /// possession and of the MAC key. Confirm it out of band, then
    /// [`super::ReceiverSession::confirm_key_change`] and store the new credentials; until then
    /// frames signed with it are delivered flagged [`DeliveryFlags::unconfirmed_key`].
    KeyChangeProposed {
        /// The announced key.
        public_key: [u8; 32],
    },
    /// The device's clock is wrong: send it a time sync (`CommandAction::TimeSync`).
    Clock(ClockFinding),
    /// The device reused sequence number `seq` for other content.
    Conflict {
        /// The number.
        seq: u64,
    },
}

/// The result of receiving one authenticated frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Received {
    /// What happened.
    pub outcome: ReceiveOutcome,
    /// Envelopes now deliverable to the application, in sequence order. `Discarded` notices are
    /// not delivered: their effect is in `skipped`.
    pub deliver: Vec<Delivery>,
    /// Runs of sequence numbers passed over, in order, exact (only what this receiver never
    /// got), interleaved with `deliver` by sequence number.
    pub skipped: Vec<SkippedRange>,
    /// What the application must act on.
    pub notices: Vec<SessionNotice>,
    /// For [`ReceiveOutcome::Rejected`]: why the frame was rejected.
    pub rejection: Option<ValidationError>,
    /// A Nack to send (for a rejected frame).
    pub nack: Option<Nack>,
    /// A Resume to send, if numbers are missing (at most one per gap per resume interval).
    pub resume: Option<Resume>,
    /// The acknowledgement to send — **after** the deliveries, skips and the session state are
    /// persisted (`docs/protocol.md` §8.2): an acknowledged frame is deleted by the device.
    pub ack: Ack,
}

/// Why a frame was refused before sequencing. Nothing in the session changed, and nothing is
/// to be sent back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    /// Not a frame.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// Forged, tampered or reflected.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// Cannot be sequenced (a number outside 1..=`MAX_SEQ`, an inconsistent range).
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
    /// A platform → device kind fed to the platform's receiver (a reflected frame).
    #[error("{0:?} frames travel from the platform to devices, not the reverse")]
    WrongDirection(MessageKind),
}

impl SessionError {
    /// A stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Decode(e) => e.code(),
            Self::Auth(e) => e.code(),
            Self::Invalid(e) => e.code(),
            Self::WrongDevice { .. } => "session.wrong_device",
            Self::WrongDirection(_) => "session.wrong_direction",
        }
    }
}

/// Counters of a session.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionStats {
    /// Envelopes delivered.
    pub delivered: u64,
    /// Of those, delivered with a flag (implausible, conflict, retired epoch, unconfirmed key,
    /// clock not plausible).
    pub flagged: u64,
    /// Duplicates dropped.
    pub duplicates: u64,
    /// Frames dropped as too far ahead.
    pub out_of_window: u64,
    /// Resumes requested.
    pub resumes: u64,
    /// Sequence numbers skipped because the device dropped them.
    pub skipped: u64,
    /// Sequence numbers skipped that the device no longer held (a fault somewhere).
    pub not_held: u64,
    /// Genuine frames rejected as invalid (the sequence number is skipped, a Nack is due).
    pub rejected: u64,
    /// Epochs the device has left.
    pub epochs_ended: u64,
    /// Sequence numbers reused for other content.
    pub conflicts: u64,
}
