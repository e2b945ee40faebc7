//! Platform → device frames (`docs/protocol.md` §8.6): the platform numbers them per device in
//! its own epoch ([`DownlinkSender`]); the device verifies them with the downlink key, drops
//! replayed numbers and retired epochs, and executes each command's idempotency key once
//! ([`DownlinkReceiver`]).
//!
//! ```
//! use liftspec_model::time::Timestamp;
//! use liftspec_protocol::auth::DeviceKeys;
//! use liftspec_protocol::downlink::{DownlinkReceiver, DownlinkSender, Inbound};
//! use liftspec_protocol::message::{Body, Command, CommandAction};
//! use liftspec_protocol::wire::DeviceId;
//!
//! let keys = DeviceKeys::from_seed([7; 32], [9; 32])?;
//! let device = DeviceId::parse("HZ-T-000123")?;
//! let now = Timestamp::from_millis(1_795_929_850_000);
//! let mut platform = DownlinkSender::new(device.clone(), 0xd0);
//! let test_call = Body::Command(Command { idempotency_key: 1, action: CommandAction::TestCall });
//! let bytes = platform.encode(test_call, now, &keys.credentials())?;
//! let mut terminal = DownlinkReceiver::new(device);
//! assert!(matches!(terminal.receive(&bytes, &keys)?, Inbound::Command(_)));
//! assert_eq!(terminal.receive(&bytes, &keys).unwrap_err().code(), "downlink.replayed");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use alloc::collections::VecDeque;
use alloc::vec::Vec;

use liftspec_model::time::Timestamp;

use crate::auth::{AuthError, DeviceCredentials, DeviceKeys};
use crate::message::{Ack, Body, Command, MessageKind, Nack, Resume};
use crate::validate::{validate_platform, ValidationError};
use crate::wire::{self, DecodeError, DeviceId, EncodeError, Envelope, MAX_SEQ};

/// How many platform sequence numbers below the highest one the device still accepts once.
pub const REPLAY_WINDOW: u64 = 64;
/// How many executed command keys a device remembers.
pub const COMMAND_MEMORY: usize = 64;
/// How many platform epochs a device remembers having left.
pub const RETIRED_EPOCHS: usize = 16;

/// The platform's numbering of its frames to one device. Persist it with the device's record:
/// a platform that loses it must start a new epoch.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DownlinkSender {
    device: DeviceId,
    epoch: u32,
    next_seq: u64,
}

impl DownlinkSender {
    /// Numbers frames to `device` from 1 in `epoch` (from the platform's random generator).
    pub fn new(device: DeviceId, epoch: u32) -> Self {
        Self {
            device,
            epoch,
            next_seq: 1,
        }
    }

    /// The platform's epoch for this device.
    pub fn epoch(&self) -> u32 {
        self.epoch
    }

    /// The next number to assign.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Encodes a platform frame (Ack, Nack, Resume or Command) with the next number, MACed with
    /// the downlink key.
    pub fn encode(
        &mut self,
        body: Body,
        now: Timestamp,
        credentials: &DeviceCredentials,
    ) -> Result<Vec<u8>, EncodeError> {
        if self.next_seq > MAX_SEQ {
            return Err(EncodeError::Exhausted);
        }
        let bytes = wire::encode_platform(
            &Envelope {
                device: self.device.clone(),
                epoch: self.epoch,
                seq: self.next_seq,
                sent_at: now,
                body,
            },
            credentials,
        )?;
        self.next_seq += 1;
        Ok(bytes)
    }
}

/// A platform frame the device accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inbound {
    /// Apply to the outbox ([`crate::outbox::Outbox::on_ack`]).
    Ack(Ack),
    /// Apply to the outbox ([`crate::outbox::Outbox::on_nack`]).
    Nack(Nack),
    /// Apply to the outbox ([`crate::outbox::Outbox::on_resume`]).
    Resume(Resume),
    /// Execute it: its idempotency key was not seen before.
    Command(Command),
    /// A command whose idempotency key was already executed: do not execute it again.
    RepeatedCommand {
        /// The key.
        idempotency_key: u64,
    },
}

/// Why a device refused a platform frame. Nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DownlinkError {
    /// Not a frame.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// Forged, tampered, or a device frame reflected back.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// Addressed to another device.
    #[error("frame addressed to {found}, this device is {expected}")]
    WrongDevice {
        /// This device.
        expected: DeviceId,
        /// The frame's addressee.
        found: DeviceId,
    },
    /// A device → platform kind (a reflected frame).
    #[error("{0:?} frames travel from devices to the platform, not the reverse")]
    WrongDirection(MessageKind),
    /// A number already received, or too far below the highest one to tell: a replay.
    #[error("platform frame {seq} of epoch {epoch} was already received (replay)")]
    Replayed {
        /// The platform epoch.
        epoch: u32,
        /// The number.
        seq: u64,
    },
    /// From a platform epoch the platform has left: a replay.
    #[error("platform epoch {epoch} has ended (replay)")]
    RetiredEpoch {
        /// The epoch.
        epoch: u32,
    },
    /// Genuine but malformed.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
}

impl DownlinkError {
    /// A stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Decode(e) => e.code(),
            Self::Auth(e) => e.code(),
            Self::WrongDevice { .. } => "downlink.wrong_device",
            Self::WrongDirection(_) => "downlink.wrong_direction",
            Self::Replayed { .. } => "downlink.replayed",
            Self::RetiredEpoch { .. } => "downlink.retired_epoch",
            Self::Invalid(e) => e.code(),
        }
    }
}

/// The device's receive path for platform frames. Serialisable: persist it with the outbox, so
/// replay protection and command idempotency survive a reboot.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DownlinkReceiver {
    device: DeviceId,
    epoch: Option<u32>,
    highest: u64,
    /// Bit `d` set: number `highest − d` was received.
    seen: u64,
    retired: VecDeque<u32>,
    commands: VecDeque<u64>,
}

impl DownlinkReceiver {
    /// A receiver for `device` that has seen nothing yet.
    pub fn new(device: DeviceId) -> Self {
        Self {
            device,
            epoch: None,
            highest: 0,
            seen: 0,
            retired: VecDeque::new(),
            commands: VecDeque::new(),
        }
    }

    /// Verifies, checks and de-duplicates one platform frame.
    pub fn receive(&mut self, bytes: &[u8], keys: &DeviceKeys) -> Result<Inbound, DownlinkError> {
        let frame = wire::decode(bytes)?;
        if frame.envelope.device != self.device {
            return Err(DownlinkError::WrongDevice {
                expected: self.device.clone(),
                found: frame.envelope.device,
            });
        }
        let kind = frame.envelope.body.kind();
        if kind.from_device() {
            return Err(DownlinkError::WrongDirection(kind));
        }
        frame.verify_platform(bytes, keys.mac_keys())?;
        let envelope = frame.envelope;
        validate_platform(&envelope)?;
        self.mark(envelope.epoch, envelope.seq)?;
        Ok(match envelope.body {
            Body::Ack(a) => Inbound::Ack(a),
            Body::Nack(n) => Inbound::Nack(n),
            Body::Resume(r) => Inbound::Resume(r),
            Body::Command(c) => {
                if self.commands.contains(&c.idempotency_key) {
                    Inbound::RepeatedCommand {
                        idempotency_key: c.idempotency_key,
                    }
                } else {
                    if self.commands.len() >= COMMAND_MEMORY {
                        self.commands.pop_front();
                    }
                    self.commands.push_back(c.idempotency_key);
                    Inbound::Command(c)
                }
            }
            // Device kinds were refused above.
            _ => return Err(DownlinkError::WrongDirection(kind)),
        })
    }

    /// Records (epoch, seq) as received, or refuses it as a replay.
    fn mark(&mut self, epoch: u32, seq: u64) -> Result<(), DownlinkError> {
        match self.epoch {
            Some(current) if current == epoch => {}
            _ if self.retired.contains(&epoch) => {
                return Err(DownlinkError::RetiredEpoch { epoch })
            }
            Some(current) => {
                if self.retired.len() >= RETIRED_EPOCHS {
                    self.retired.pop_front();
                }
                self.retired.push_back(current);
                self.epoch = Some(epoch);
                self.highest = 0;
                self.seen = 0;
            }
            None => self.epoch = Some(epoch),
        }
        if seq > self.highest {
            let shift = seq - self.highest;
            self.seen = if shift >= REPLAY_WINDOW {
                0
            } else {
                self.seen << shift
            };
            self.seen |= 1;
            self.highest = seq;
            return Ok(());
        }
        let distance = self.highest - seq;
        if distance >= REPLAY_WINDOW || self.seen & (1 << distance) != 0 {
            return Err(DownlinkError::Replayed { epoch, seq });
        }
        self.seen |= 1 << distance;
        Ok(())
    }
}
