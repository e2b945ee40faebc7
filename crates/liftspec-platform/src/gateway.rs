//! The terminal side of a connection, for frames that are already encoded (a simulator's, a
//! recording's, a gateway's that forwards for many terminals): every frame is kept until the
//! platform acknowledges it, a Resume or a reconnection sends again what is not acknowledged,
//! and the platform's frames are verified with the device's keys before they count.
//!
//! (A terminal that encodes its own frames uses `liftspec_protocol::outbox::Outbox`, which
//! also persists and tombstones; this is the relay for frames numbered elsewhere.)
//!
//! ```
//! use liftspec_platform::gateway::Relay;
//! use liftspec_protocol::auth::DeviceKeys;
//! use liftspec_protocol::wire::DeviceId;
//! let keys = DeviceKeys::from_seed([1; 32], [2; 32]).unwrap();
//! let mut relay = Relay::new(DeviceId::parse("HZ-1").unwrap(), 7, keys);
//! relay.keep(1, vec![1, 2, 3]);
//! assert_eq!(relay.unacknowledged().count(), 1);
//! assert!(relay.take(b"not a frame").is_err());
//! ```

use std::collections::BTreeMap;

use liftspec_protocol::auth::DeviceKeys;
use liftspec_protocol::downlink::{DownlinkError, DownlinkReceiver, Inbound};
use liftspec_protocol::message::Command;
use liftspec_protocol::wire::DeviceId;

/// One terminal's frames in flight.
pub struct Relay {
    device: DeviceId,
    epoch: u32,
    keys: DeviceKeys,
    receiver: DownlinkReceiver,
    unacked: BTreeMap<u64, Vec<u8>>,
    acknowledged: u64,
    commands: Vec<Command>,
}

/// What a platform frame did to the relay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Taken {
    /// Frames were acknowledged (how many were released).
    Acknowledged(usize),
    /// The platform asks for frames again from this number: send [`Relay::from`].
    Resume(u64),
    /// A frame was rejected for its content (the relay drops it: the platform has reported it).
    Rejected(u64),
    /// A command (a comforting message) to show; kept in [`Relay::commands`].
    Command,
    /// A frame for another epoch, or a command already executed: nothing to do.
    Nothing,
}

impl Relay {
    /// A relay for `device`'s frames of `epoch`, verifying the platform's frames with `keys`.
    pub fn new(device: DeviceId, epoch: u32, keys: DeviceKeys) -> Self {
        Self {
            receiver: DownlinkReceiver::new(device.clone()),
            device,
            epoch,
            keys,
            unacked: BTreeMap::new(),
            acknowledged: 0,
            commands: Vec::new(),
        }
    }

    /// The terminal.
    pub fn device(&self) -> &DeviceId {
        &self.device
    }

    /// Keeps frame `seq` until it is acknowledged.
    pub fn keep(&mut self, seq: u64, bytes: Vec<u8>) {
        self.unacked.insert(seq, bytes);
    }

    /// The frames not acknowledged yet, in number order (to send again after a reconnection).
    pub fn unacknowledged(&self) -> impl Iterator<Item = (u64, &[u8])> {
        self.unacked.iter().map(|(s, b)| (*s, b.as_slice()))
    }

    /// The frames from `seq` on that are not acknowledged, in order (to answer a Resume).
    pub fn from(&self, seq: u64) -> impl Iterator<Item = &[u8]> {
        self.unacked.range(seq..).map(|(_, b)| b.as_slice())
    }

    /// How many frames are waiting for an acknowledgement.
    pub fn in_flight(&self) -> usize {
        self.unacked.len()
    }

    /// How many frames were acknowledged so far.
    pub fn acknowledged(&self) -> u64 {
        self.acknowledged
    }

    /// The commands received, in order.
    pub fn commands(&self) -> &[Command] {
        &self.commands
    }

    /// Takes a platform frame: verified with the device's keys, replays refused.
    pub fn take(&mut self, bytes: &[u8]) -> Result<Taken, DownlinkError> {
        Ok(match self.receiver.receive(bytes, &self.keys)? {
            Inbound::Ack(ack) if ack.epoch == self.epoch => {
                let before = self.unacked.len();
                self.unacked = self.unacked.split_off(&ack.cumulative.saturating_add(1));
                for s in &ack.selective {
                    self.unacked.remove(s);
                }
                let released = before - self.unacked.len();
                self.acknowledged += released as u64;
                Taken::Acknowledged(released)
            }
            Inbound::Resume(r) if r.epoch == self.epoch => Taken::Resume(r.from_seq),
            Inbound::Nack(n) if n.epoch == self.epoch => {
                self.unacked.remove(&n.seq);
                Taken::Rejected(n.seq)
            }
            Inbound::Command(c) => {
                self.commands.push(c);
                Taken::Command
            }
            _ => Taken::Nothing,
        })
    }
}
