//! A terminal's side of the protocol in one place: its [`Outbox`] with the store image that
//! survives a reboot (the terminal's flash), and its [`DownlinkReceiver`]: a platform frame is
//! verified once and applied to the outbox. What a vendor's firmware or an Android gateway
//! embeds, and what the bindings expose as one object.
//!
//! ```
//! use liftspec_model::time::Timestamp;
//! use liftspec_protocol::auth::DeviceKeys;
//! use liftspec_protocol::message::{Body, Heartbeat};
//! use liftspec_protocol::outbox::OutboxConfig;
//! use liftspec_protocol::terminal::Terminal;
//! use liftspec_protocol::wire::DeviceId;
//!
//! let keys = DeviceKeys::from_seed([7; 32], [9; 32])?;
//! let device = DeviceId::parse("HZ-T-000123")?;
//! let mut terminal = Terminal::new(device.clone(), 0x5eed_0001, keys.clone(), OutboxConfig::default());
//! let now = Timestamp::from_millis(1_795_929_850_000);
//! let body = Body::Heartbeat(Heartbeat { uptime_s: 60, signal_dbm: -70, battery_percent: None, clock_offset_ms: 0 });
//! terminal.enqueue(body, now)?;
//! // A reboot: only the image survives.
//! let image = terminal.image().clone();
//! let (mut again, _) = Terminal::restore(device, keys, OutboxConfig::default(), image, 42);
//! assert_eq!(again.poll_transmit(now).len(), 1, "the frame is still there to send");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use alloc::vec::Vec;

use liftspec_model::time::Timestamp;

use crate::auth::DeviceKeys;
use crate::downlink::{DownlinkError, DownlinkReceiver, Inbound};
use crate::message::{Body, Command};
use crate::outbox::{
    AckOutcome, MemoryStore, NackOutcome, Outbox, OutboxConfig, OutboxError, RestoreReport,
    ResumeOutcome,
};
use crate::wire::DeviceId;

/// Why a terminal could not take a platform frame or a message. Nothing was lost: a refused
/// platform frame changed nothing, and a message that could not be stored was not numbered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TerminalError {
    /// The platform frame is not one this terminal accepts (forged, replayed, another device's).
    #[error(transparent)]
    Downlink(#[from] DownlinkError),
    /// The outbox refused (full of alarms, a failed store write).
    #[error(transparent)]
    Outbox(#[from] OutboxError),
}

impl TerminalError {
    /// A stable, machine-readable code: the underlying error's.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Downlink(e) => e.code(),
            Self::Outbox(e) => e.code(),
        }
    }
}

/// What a platform frame did.
#[derive(Debug, Clone, PartialEq)]
pub enum Applied {
    /// An Ack: `removed` frames left the outbox (0 for an Ack of another epoch or of numbers
    /// never sent, which the outbox counts and ignores).
    Acked {
        /// Frames removed.
        removed: usize,
    },
    /// A Nack: the frame was replaced by a `Discarded` notice, or kept (a critical frame).
    Nacked(NackOutcome),
    /// A Resume: frames queued again, and numbers the outbox no longer holds answered.
    Resumed {
        /// Frames queued again.
        resent: usize,
        /// Numbers answered as not held.
        not_held: usize,
    },
    /// A command to execute (its idempotency key was not seen before).
    Command(Command),
    /// A command already executed: do not execute it again.
    RepeatedCommand {
        /// Its key.
        idempotency_key: u64,
    },
}

/// A terminal: outbox, store image and downlink receiver.
#[derive(Clone)]
pub struct Terminal {
    keys: DeviceKeys,
    outbox: Outbox,
    store: MemoryStore,
    downlink: DownlinkReceiver,
}

impl Terminal {
    /// A terminal numbering from 1 in `epoch` (from the device's random generator).
    pub fn new(device: DeviceId, epoch: u32, keys: DeviceKeys, config: OutboxConfig) -> Self {
        Self {
            keys,
            outbox: Outbox::new(device.clone(), epoch, config),
            store: MemoryStore::default(),
            downlink: DownlinkReceiver::new(device),
        }
    }

    /// The terminal after a reboot, from `image`, what its flash kept ([`Terminal::image`]);
    /// `fresh_epoch` is used only when nothing was kept.
    pub fn restore(
        device: DeviceId,
        keys: DeviceKeys,
        config: OutboxConfig,
        image: MemoryStore,
        fresh_epoch: u32,
    ) -> (Self, RestoreReport) {
        let mut store = image.clone();
        let (outbox, report) =
            Outbox::restore(device.clone(), config, &image, fresh_epoch, &mut store);
        let terminal = Self {
            keys,
            outbox,
            store,
            downlink: DownlinkReceiver::new(device),
        };
        (terminal, report)
    }

    /// Numbers, signs and stores a message; `Ok` means it is durable (in the image).
    pub fn enqueue(&mut self, body: Body, now: Timestamp) -> Result<u64, TerminalError> {
        Ok(self
            .outbox
            .enqueue(body, now, &self.keys, &mut self.store)?)
    }

    /// The frames to send now (first sends and retransmissions).
    pub fn poll_transmit(&mut self, now: Timestamp) -> Vec<Vec<u8>> {
        self.outbox.poll_transmit(now)
    }

    /// Verifies a platform frame and applies it to the outbox.
    pub fn on_platform_frame(
        &mut self,
        bytes: &[u8],
        now: Timestamp,
    ) -> Result<Applied, TerminalError> {
        Ok(match self.downlink.receive(bytes, &self.keys)? {
            Inbound::Ack(ack) => Applied::Acked {
                removed: match self.outbox.on_ack(&ack, &mut self.store)? {
                    AckOutcome::Applied { removed } => removed,
                    AckOutcome::WrongEpoch | AckOutcome::BeyondSent => 0,
                },
            },
            Inbound::Nack(nack) => {
                Applied::Nacked(
                    self.outbox
                        .on_nack(&nack, now, &self.keys, &mut self.store)?,
                )
            }
            Inbound::Resume(resume) => match self.outbox.on_resume(&resume, now, &self.keys)? {
                ResumeOutcome::Answered { resent, not_held } => {
                    Applied::Resumed { resent, not_held }
                }
                ResumeOutcome::WrongEpoch | ResumeOutcome::BeyondSent => Applied::Resumed {
                    resent: 0,
                    not_held: 0,
                },
            },
            Inbound::Command(c) => Applied::Command(c),
            Inbound::RepeatedCommand { idempotency_key } => {
                Applied::RepeatedCommand { idempotency_key }
            }
        })
    }

    /// What the flash holds: enough for [`Terminal::restore`] after a power cut.
    pub fn image(&self) -> &MemoryStore {
        &self.store
    }

    /// The outbox.
    pub fn outbox(&self) -> &Outbox {
        &self.outbox
    }
}
