//! The device's store-and-forward outbox (sans-I/O): assigns sequence numbers, keeps encoded
//! frames until acknowledged, retransmits on a timer or a Resume, and — when full — evicts the
//! oldest status-like frames first (counted), never alarms, faults, maintenance or registration.
//!
//! Persistence: every change is mirrored to an [`OutboxStore`] so frames and the sequence
//! counter survive a reboot ([`Outbox::restore`]).

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use liftspec_model::time::Timestamp;

use crate::auth::DeviceKeys;
use crate::message::{Ack, Body, Discarded, MessageKind, Nack, Resume};
use crate::wire::{self, DeviceId, EncodeError, Envelope};

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
    /// `through_seq`) and how many frames were discarded.
    pub discarded: Option<Discarded>,
}

/// Where the outbox persists itself (flash, a file, a database row).
pub trait OutboxStore {
    /// Stores or replaces an entry.
    fn put(&mut self, entry: &OutboxEntry);
    /// Removes an entry.
    fn remove(&mut self, seq: u64);
    /// Stores the next sequence number to assign (must survive reboots).
    fn put_next_seq(&mut self, next_seq: u64);
}

/// An in-memory [`OutboxStore`], for tests and for devices that persist by serialising it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MemoryStore {
    /// Stored entries.
    pub entries: BTreeMap<u64, OutboxEntry>,
    /// Stored next sequence number.
    pub next_seq: u64,
}

impl OutboxStore for MemoryStore {
    fn put(&mut self, entry: &OutboxEntry) {
        self.entries.insert(entry.seq, entry.clone());
    }
    fn remove(&mut self, seq: u64) {
        self.entries.remove(&seq);
    }
    fn put_next_seq(&mut self, next_seq: u64) {
        self.next_seq = next_seq;
    }
}

/// Counters of an outbox.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxStats {
    /// Non-critical frames evicted because the outbox was full.
    pub evicted: u64,
    /// Frames the platform rejected (Nack), removed.
    pub rejected: u64,
    /// Frames acknowledged.
    pub acknowledged: u64,
}

/// The device's outbox.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Outbox {
    device: DeviceId,
    next_seq: u64,
    capacity: usize,
    retransmit_after_ms: i64,
    entries: BTreeMap<u64, OutboxEntry>,
    stats: OutboxStats,
}

impl Outbox {
    /// An empty outbox for `device`, holding up to `capacity` non-critical frames (critical ones
    /// are never dropped and may exceed it), retransmitting unacknowledged frames after
    /// `retransmit_after_ms`.
    pub fn new(device: DeviceId, capacity: usize, retransmit_after_ms: i64) -> Self {
        Self {
            device,
            next_seq: 1,
            capacity: capacity.max(1),
            retransmit_after_ms,
            entries: BTreeMap::new(),
            stats: OutboxStats::default(),
        }
    }

    /// Rebuilds the outbox after a reboot from what the store kept.
    pub fn restore(
        device: DeviceId,
        capacity: usize,
        retransmit_after_ms: i64,
        store: &MemoryStore,
    ) -> Self {
        let mut outbox = Self::new(device, capacity, retransmit_after_ms);
        outbox.entries = store.entries.clone();
        let after_last = outbox.entries.keys().next_back().map_or(1, |s| s + 1);
        outbox.next_seq = store.next_seq.max(after_last).max(1);
        for entry in outbox.entries.values_mut() {
            entry.last_sent = None;
        }
        outbox
    }

    /// Counters.
    pub fn stats(&self) -> OutboxStats {
        self.stats
    }

    /// Frames waiting for acknowledgement.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing waits for acknowledgement.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Encodes `body` with the next sequence number and stores it; returns the sequence number.
    pub fn enqueue(
        &mut self,
        body: Body,
        now: Timestamp,
        keys: &DeviceKeys,
        store: &mut dyn OutboxStore,
    ) -> Result<u64, EncodeError> {
        let kind = body.kind();
        let seq = self.next_seq;
        let bytes = wire::encode(
            &Envelope {
                device: self.device.clone(),
                seq,
                sent_at: now,
                body,
            },
            keys,
        )?;
        self.next_seq += 1;
        store.put_next_seq(self.next_seq);
        if !kind.is_critical() {
            let non_critical = self
                .entries
                .values()
                .filter(|e| !e.kind.is_critical())
                .count();
            if non_critical >= self.capacity {
                if let Some(oldest) = self
                    .entries
                    .values()
                    .find(|e| !e.kind.is_critical())
                    .map(|e| e.seq)
                {
                    if self.replace_with_tombstone(oldest, now, keys, store)? {
                        self.stats.evicted += 1;
                    }
                }
            }
        }
        let entry = OutboxEntry {
            seq,
            kind,
            bytes,
            last_sent: None,
            attempts: 0,
            discarded: None,
        };
        store.put(&entry);
        self.entries.insert(seq, entry);
        Ok(seq)
    }

    /// Replaces entry `seq` by a `Discarded` tombstone, merged with the tombstones next to it in
    /// the outbox (nothing unacknowledged lies between them), so the receiver skips the range
    /// instead of waiting for it. Merging keeps the number of tombstones below the number of
    /// other entries plus one, so the outbox stays bounded through any partition.
    ///
    /// A merged range may cover frames the receiver already has (acknowledged selectively, or
    /// delivered with the acknowledgement lost): the receiver only skips what it is missing
    /// (see [`crate::session::ReceiverSession`]).
    ///
    /// Returns whether `seq` was there to replace.
    fn replace_with_tombstone(
        &mut self,
        seq: u64,
        now: Timestamp,
        keys: &DeviceKeys,
        store: &mut dyn OutboxStore,
    ) -> Result<bool, EncodeError> {
        if self.entries.remove(&seq).is_none() {
            return Ok(false);
        }
        store.remove(seq);
        let (mut start, mut end, mut count) = (seq, seq, 1u64);
        let below = self
            .entries
            .range(..seq)
            .next_back()
            .and_then(|(s, e)| e.discarded.as_ref().map(|d| (*s, d.count)));
        if let Some((below_seq, below_count)) = below {
            start = below_seq;
            count += below_count;
            self.entries.remove(&below_seq);
            store.remove(below_seq);
        }
        let above = self
            .entries
            .range(seq + 1..)
            .next()
            .and_then(|(s, e)| e.discarded.as_ref().map(|d| (*s, d.through_seq, d.count)));
        if let Some((above_seq, through, above_count)) = above {
            end = through;
            count += above_count;
            self.entries.remove(&above_seq);
            store.remove(above_seq);
        }
        let discarded = Discarded {
            through_seq: end,
            count,
        };
        let bytes = wire::encode(
            &Envelope {
                device: self.device.clone(),
                seq: start,
                sent_at: now,
                body: Body::Discarded(discarded.clone()),
            },
            keys,
        )?;
        let tombstone = OutboxEntry {
            seq: start,
            kind: MessageKind::Discarded,
            bytes,
            last_sent: None,
            attempts: 0,
            discarded: Some(discarded),
        };
        store.put(&tombstone);
        self.entries.insert(start, tombstone);
        Ok(true)
    }

    /// Frames to transmit now, in sequence order: never sent, or unacknowledged for
    /// `retransmit_after_ms`.
    pub fn poll_transmit(&mut self, now: Timestamp) -> Vec<Vec<u8>> {
        let after = self.retransmit_after_ms;
        self.entries
            .values_mut()
            .filter(|e| e.last_sent.is_none_or(|t| now.millis_since(t) >= after))
            .map(|e| {
                e.last_sent = Some(now);
                e.attempts += 1;
                e.bytes.clone()
            })
            .collect()
    }

    /// Drops everything the platform acknowledged.
    pub fn on_ack(&mut self, ack: &Ack, store: &mut dyn OutboxStore) {
        let acked: Vec<u64> = self
            .entries
            .keys()
            .copied()
            .filter(|s| match &self.entries[s].discarded {
                // A tombstone may have grown since the receiver saw it, so only the cumulative
                // ack, which covers its whole range, acknowledges it.
                Some(d) => d.through_seq <= ack.cumulative,
                None => *s <= ack.cumulative || ack.selective.contains(s),
            })
            .collect();
        for seq in acked {
            self.entries.remove(&seq);
            store.remove(seq);
            self.stats.acknowledged += 1;
        }
    }

    /// Drops a frame the platform rejected (it would be rejected again), leaving a tombstone so
    /// that a receiver which did not skip it on its own does not wait for it.
    pub fn on_nack(
        &mut self,
        nack: &Nack,
        now: Timestamp,
        keys: &DeviceKeys,
        store: &mut dyn OutboxStore,
    ) -> Result<(), EncodeError> {
        let is_frame = self
            .entries
            .get(&nack.seq)
            .is_some_and(|e| e.discarded.is_none());
        if is_frame && self.replace_with_tombstone(nack.seq, now, keys, store)? {
            self.stats.rejected += 1;
        }
        Ok(())
    }

    /// Marks everything from `resume.from_seq` on for immediate retransmission, including a
    /// tombstone that starts below it but reaches it.
    pub fn on_resume(&mut self, resume: &Resume) {
        for entry in self.entries.values_mut() {
            let last = entry
                .discarded
                .as_ref()
                .map_or(entry.seq, |d| d.through_seq);
            if last >= resume.from_seq {
                entry.last_sent = None;
            }
        }
    }
}
