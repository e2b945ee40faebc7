//! Terminals and gateways: device keys, the terminal (outbox, flash image, platform frames) and
//! the platform's receiver session for one device.

use std::sync::Mutex;

use liftspec_protocol::auth::{DeviceCredentials, DeviceKeys};
use liftspec_protocol::downlink::DownlinkSender;
use liftspec_protocol::message::Body;
use liftspec_protocol::outbox::{MemoryStore, OutboxConfig};
use liftspec_protocol::session::ReceiverSession;
use liftspec_protocol::terminal::{Applied, Terminal};
use liftspec_protocol::validate::ValidationContext;
use liftspec_protocol::wire::DeviceId;

use crate::frames::key32;
use crate::{json, lock, ts, LiftspecError, Result};

fn random<const N: usize>() -> Result<[u8; N]> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| LiftspecError::new("ffi.random", e))?;
    Ok(b)
}

/// A device's secrets: the MAC key shared with the platform and the Ed25519 signing seed.
#[derive(uniffi::Object)]
pub struct DeviceKeyPair {
    keys: DeviceKeys,
    mac_key: [u8; 32],
    signing_seed: [u8; 32],
}

#[uniffi::export]
impl DeviceKeyPair {
    /// Fresh keys from the system's random generator.
    #[uniffi::constructor]
    pub fn generate() -> Result<Self> {
        Self::from_seed(random::<32>()?.to_vec(), random::<32>()?.to_vec())
    }

    /// Keys from a 32-byte MAC key and a 32-byte signing seed (a weak key is refused).
    #[uniffi::constructor]
    pub fn from_seed(mac_key: Vec<u8>, signing_seed: Vec<u8>) -> Result<Self> {
        let (mac_key, signing_seed) = (key32(&mac_key)?, key32(&signing_seed)?);
        Ok(Self {
            keys: DeviceKeys::from_seed(mac_key, signing_seed)?,
            mac_key,
            signing_seed,
        })
    }

    /// The Ed25519 public key the platform verifies signatures with.
    pub fn public_key(&self) -> Vec<u8> {
        self.keys.public_key().to_vec()
    }

    /// The MAC key (a secret shared with the platform).
    pub fn mac_key(&self) -> Vec<u8> {
        self.mac_key.to_vec()
    }

    /// The signing seed (the device's secret: keep it in the secure element).
    pub fn signing_seed(&self) -> Vec<u8> {
        self.signing_seed.to_vec()
    }
}

impl DeviceKeyPair {
    pub(crate) fn keys(&self) -> &DeviceKeys {
        &self.keys
    }
}

/// What a platform frame did to a terminal.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum PlatformFrameEffect {
    /// An Ack removed frames from the outbox.
    Acked {
        /// Frames removed.
        removed: u64,
    },
    /// A Nack: the frame was replaced by a Discarded notice (`tombstoned`) or kept.
    Nacked {
        /// The outcome (`Tombstoned`, `KeptCritical`, `Ignored`).
        outcome: String,
    },
    /// A Resume: frames queued again, numbers no longer held answered.
    Resumed {
        /// Frames queued again.
        resent: u64,
        /// Numbers answered as not held.
        not_held: u64,
    },
    /// A command to execute, in its JSON form.
    Command {
        /// The command.
        json: String,
    },
    /// A command already executed: do not execute it again.
    RepeatedCommand {
        /// Its idempotency key.
        idempotency_key: u64,
    },
}

/// A terminal: numbers, signs and keeps messages until acknowledged, and takes the platform's
/// frames. Its [`DeviceTerminal::save`] image is what survives a reboot. Thread-safe.
#[derive(uniffi::Object)]
pub struct DeviceTerminal {
    device: DeviceId,
    keys: DeviceKeys,
    inner: Mutex<Terminal>,
}

#[uniffi::export]
impl DeviceTerminal {
    /// A new terminal numbering from 1 in `epoch` (take it from the random generator).
    #[uniffi::constructor]
    pub fn new(device: String, epoch: u32, keys: &DeviceKeyPair) -> Result<Self> {
        let device = DeviceId::parse(&device)?;
        Ok(Self {
            inner: Mutex::new(Terminal::new(
                device.clone(),
                epoch,
                keys.keys.clone(),
                OutboxConfig::default(),
            )),
            device,
            keys: keys.keys.clone(),
        })
    }

    /// The terminal after a reboot, from a [`DeviceTerminal::save`] image; a fresh epoch is
    /// drawn only when the image holds nothing.
    #[uniffi::constructor]
    pub fn restore(device: String, image: String, keys: &DeviceKeyPair) -> Result<Self> {
        let device = DeviceId::parse(&device)?;
        let image: MemoryStore = serde_json::from_str(&image)?;
        let fresh = u32::from_le_bytes(random::<4>()?);
        let (terminal, _) = Terminal::restore(
            device.clone(),
            keys.keys.clone(),
            OutboxConfig::default(),
            image,
            fresh,
        );
        Ok(Self {
            device,
            keys: keys.keys.clone(),
            inner: Mutex::new(terminal),
        })
    }

    /// Numbers, signs and stores a message (`body_json`, its JSON form); returns its sequence
    /// number. Once it returns, the message is in the image.
    pub fn enqueue(&self, body_json: String, now_ms: i64) -> Result<u64> {
        let body: Body = serde_json::from_str(&body_json)?;
        Ok(lock(&self.inner).enqueue(body, ts(now_ms))?)
    }

    /// The frames to send now.
    pub fn poll_transmit(&self, now_ms: i64) -> Vec<Vec<u8>> {
        lock(&self.inner).poll_transmit(ts(now_ms))
    }

    /// Verifies a platform frame and applies it.
    pub fn on_platform_frame(&self, bytes: Vec<u8>, now_ms: i64) -> Result<PlatformFrameEffect> {
        Ok(
            match lock(&self.inner).on_platform_frame(&bytes, ts(now_ms))? {
                Applied::Acked { removed } => PlatformFrameEffect::Acked {
                    removed: removed as u64,
                },
                Applied::Nacked(o) => PlatformFrameEffect::Nacked {
                    outcome: format!("{o:?}"),
                },
                Applied::Resumed { resent, not_held } => PlatformFrameEffect::Resumed {
                    resent: resent as u64,
                    not_held: not_held as u64,
                },
                Applied::Command(c) => PlatformFrameEffect::Command { json: json(&c) },
                Applied::RepeatedCommand { idempotency_key } => {
                    PlatformFrameEffect::RepeatedCommand { idempotency_key }
                }
            },
        )
    }

    /// The image to keep in flash (JSON): restore from it after a reboot.
    pub fn save(&self) -> String {
        json(lock(&self.inner).image())
    }

    /// Messages waiting for acknowledgement.
    pub fn waiting(&self) -> u64 {
        lock(&self.inner).outbox().len() as u64
    }

    /// The device.
    pub fn device(&self) -> String {
        self.device.to_string()
    }

    /// The public key the terminal signs with.
    pub fn public_key(&self) -> Vec<u8> {
        self.keys.public_key().to_vec()
    }
}

/// What the platform's session did with a frame.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SessionReceipt {
    /// `delivered`, `held`, `duplicate`, `conflict`, `late`, `outOfWindow` or `rejected`.
    pub outcome: String,
    /// The envelopes now deliverable, in order, in their JSON form.
    pub delivered: Vec<String>,
    /// The code of a rejected frame's validation error.
    pub rejected: Option<String>,
}

/// The platform's receiver session for one device: verifies, orders and deduplicates its
/// frames, and answers with Acks. Thread-safe.
#[derive(uniffi::Object)]
pub struct PlatformSession {
    device: DeviceId,
    credentials: DeviceCredentials,
    lowest_floor: i16,
    highest_floor: i16,
    rated_speed_mm_s: u32,
    inner: Mutex<(ReceiverSession, DownlinkSender)>,
}

#[uniffi::export]
impl PlatformSession {
    /// A session for `device`, verifying with its MAC key and public key, validating against
    /// its installation; `platform_epoch` numbers the platform's own frames to it.
    #[uniffi::constructor]
    pub fn new(
        device: String,
        mac_key: Vec<u8>,
        public_key: Vec<u8>,
        lowest_floor: i16,
        highest_floor: i16,
        rated_speed_mm_s: u32,
        platform_epoch: u32,
    ) -> Result<Self> {
        let device = DeviceId::parse(&device)?;
        Ok(Self {
            credentials: DeviceCredentials::new(key32(&mac_key)?, key32(&public_key)?),
            inner: Mutex::new((
                ReceiverSession::new(64),
                DownlinkSender::new(device.clone(), platform_epoch),
            )),
            device,
            lowest_floor,
            highest_floor,
            rated_speed_mm_s,
        })
    }

    /// Takes a frame received at `now_ms`.
    pub fn receive(&self, bytes: Vec<u8>, now_ms: i64) -> Result<SessionReceipt> {
        let ctx = ValidationContext::new(
            self.lowest_floor,
            self.highest_floor,
            self.rated_speed_mm_s,
            ts(now_ms),
        );
        let mut inner = lock(&self.inner);
        let r = inner
            .0
            .receive(&bytes, &self.device, &self.credentials, &ctx)?;
        let outcome = format!("{:?}", r.outcome);
        let mut chars = outcome.chars();
        let outcome = chars
            .next()
            .map(|c| c.to_lowercase().chain(chars).collect())
            .unwrap_or_default();
        Ok(SessionReceipt {
            outcome,
            delivered: r.deliver.iter().map(|d| json(&d.envelope)).collect(),
            rejected: r.rejection.map(|e| e.code().to_owned()),
        })
    }

    /// The Ack of everything received so far, as a signed platform frame for the terminal.
    pub fn ack_frame(&self, now_ms: i64) -> Result<Vec<u8>> {
        let mut inner = lock(&self.inner);
        let ack = Body::Ack(inner.0.ack());
        Ok(inner.1.encode(ack, ts(now_ms), &self.credentials)?)
    }
}
