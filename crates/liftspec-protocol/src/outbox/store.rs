//! Where an outbox persists itself, and in what order it writes (`docs/protocol.md` §8.3), so a
//! power cut between any two writes loses nothing the outbox accepted.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use liftspec_model::time::Timestamp;

use crate::message::{Discarded, MessageKind, NackReason};

/// One stored frame.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxEntry {
    /// Sequence number.
    pub seq: u64,
    /// Kind (decides eviction).
    pub kind: MessageKind,
    /// Encoded frame.
    pub bytes: Vec<u8>,
    /// Last transmission, if any.
    pub last_sent: Option<Timestamp>,
    /// Transmissions so far.
    pub attempts: u32,
    /// For a `Discarded` tombstone: the range it accounts for (from `seq` through
    /// `through_seq`) and how many frames were dropped.
    pub discarded: Option<Discarded>,
    /// For a critical frame the platform rejected: why. It is kept (a critical frame is never
    /// dropped), no longer retransmitted on the timer, and sent again only on a Resume.
    pub rejected: Option<NackReason>,
}

impl OutboxEntry {
    /// The last sequence number this entry accounts for (its own, or a tombstone's range end).
    pub fn last_seq(&self) -> u64 {
        self.discarded.as_ref().map_or(self.seq, |d| d.through_seq)
    }
}

/// The device's sequence counter as stored: its epoch and the next number to assign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeqCounter {
    /// The epoch (sequence space).
    pub epoch: u32,
    /// The next sequence number to assign.
    pub next_seq: u64,
}

/// A write the store could not make.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("outbox store: {reason}")]
pub struct StoreError {
    /// What the store said.
    pub reason: String,
}

impl StoreError {
    /// A stable, machine-readable code.
    pub const fn code(&self) -> &'static str {
        "outbox.store"
    }
}

/// Where the outbox persists itself (flash, a file, a database row). Each call must be durable
/// when it returns `Ok`; a write that fails must say so. The outbox orders its writes so that any
/// prefix of them leaves a state [`super::Outbox::restore`] recovers without losing an accepted
/// frame or reusing a number:
/// - a new frame is written before the counter that moves past it;
/// - a tombstone is written before the entries it replaces are removed (on restore, entries
///   inside a tombstone's range are dropped);
/// - an acknowledged entry is removed only once the counter that moves past it is stored.
pub trait OutboxStore {
    /// Stores or replaces the entry with `entry.seq`.
    fn put(&mut self, entry: &OutboxEntry) -> Result<(), StoreError>;
    /// Removes an entry.
    fn remove(&mut self, seq: u64) -> Result<(), StoreError>;
    /// Stores the sequence counter (must survive reboots).
    fn put_counter(&mut self, counter: &SeqCounter) -> Result<(), StoreError>;
}

/// An in-memory [`OutboxStore`], for tests and for devices that persist by serialising it; also
/// the image a device loads from its own store to [`super::Outbox::restore`] from.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MemoryStore {
    /// Stored entries.
    pub entries: BTreeMap<u64, OutboxEntry>,
    /// The stored counter, if one was ever written.
    pub counter: Option<SeqCounter>,
}

impl OutboxStore for MemoryStore {
    fn put(&mut self, entry: &OutboxEntry) -> Result<(), StoreError> {
        self.entries.insert(entry.seq, entry.clone());
        Ok(())
    }
    fn remove(&mut self, seq: u64) -> Result<(), StoreError> {
        self.entries.remove(&seq);
        Ok(())
    }
    fn put_counter(&mut self, counter: &SeqCounter) -> Result<(), StoreError> {
        self.counter = Some(*counter);
        Ok(())
    }
}
