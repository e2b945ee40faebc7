//! The device's store-and-forward outbox (sans-I/O, `docs/protocol.md` §8.3): assigns sequence
//! numbers within the device's epoch, keeps encoded frames until acknowledged, retransmits them
//! within a sender window with backoff, answers every Resume in full, and — when full — evicts
//! the oldest status-like frames first (counted), never alarms, faults, maintenance or
//! registration.
//!
//! Persistence: every change is written to an [`OutboxStore`] in a crash-consistent order, so
//! frames and the sequence counter survive a power cut between any two writes
//! ([`Outbox::restore`]).
//!
//! ```
//! use liftspec_model::time::Timestamp;
//! use liftspec_protocol::auth::DeviceKeys;
//! use liftspec_protocol::message::{Ack, Body, Heartbeat};
//! use liftspec_protocol::outbox::{MemoryStore, Outbox, OutboxConfig};
//! use liftspec_protocol::wire::DeviceId;
//!
//! let keys = DeviceKeys::from_seed([7; 32], [9; 32])?;
//! let mut store = MemoryStore::default();
//! // The epoch comes from the device's random generator, once per sequence space.
//! let mut outbox = Outbox::new(DeviceId::parse("HZ-T-000123")?, 0x5eed_0001, OutboxConfig::default());
//! let now = Timestamp::from_millis(1_795_929_850_000);
//! let heartbeat = Body::Heartbeat(Heartbeat { uptime_s: 60, signal_dbm: -70, battery_percent: None, clock_offset_ms: 0 });
//! let seq = outbox.enqueue(heartbeat, now, &keys, &mut store)?;
//! assert_eq!(outbox.poll_transmit(now).len(), 1);
//! outbox.on_ack(&Ack { epoch: 0x5eed_0001, cumulative: seq, selective: vec![] }, &mut store)?;
//! assert!(outbox.is_empty());
//! // A reboot restores what the store kept: nothing here.
//! let (restored, _) = Outbox::restore(DeviceId::parse("HZ-T-000123")?, OutboxConfig::default(), &store.clone(), 42, &mut store);
//! assert_eq!(restored.epoch(), 0x5eed_0001, "the counter survived, so the epoch continues");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod store;

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use liftspec_model::time::Timestamp;

use crate::auth::DeviceKeys;
use crate::message::{Ack, Body, DiscardReason, Discarded, MessageKind, Nack, Resume};
use crate::wire::{self, DeviceId, EncodeError, Envelope, MAX_SEQ};

pub use store::{MemoryStore, OutboxEntry, OutboxStore, SeqCounter, StoreError};

/// Most `notHeld` answers one Resume produces; the receiver needs only the first to move on, and
/// asks again for the next gap (each answer costs a signature).
pub const MAX_ANSWERS_PER_RESUME: usize = 8;

/// How an outbox bounds what it keeps and sends. Every value is a liftspec default, not a rule
/// of the specification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxConfig {
    /// Non-critical frames kept before the oldest is evicted (default 64).
    pub capacity: usize,
    /// Critical frames kept before [`Outbox::enqueue`] refuses another with
    /// [`OutboxError::CriticalFull`] (default 4,096: a week of one alarm step every few minutes).
    pub critical_capacity: usize,
    /// First retransmission of an unacknowledged frame, ms (default 5,000).
    pub retransmit_after_ms: i64,
    /// Longest wait between retransmissions as they back off, ms (default 120,000).
    pub max_retransmit_after_ms: i64,
    /// Most frames in flight (sent, unacknowledged, not yet due again) (default 32).
    pub send_window: usize,
}

impl Default for OutboxConfig {
    fn default() -> Self {
        Self {
            capacity: 64,
            critical_capacity: 4096,
            retransmit_after_ms: 5_000,
            max_retransmit_after_ms: 120_000,
            send_window: 32,
        }
    }
}

impl OutboxConfig {
    /// The wait before retransmitting an entry sent `attempts` times: doubling from
    /// `retransmit_after_ms` up to `max_retransmit_after_ms`.
    pub fn retransmit_after(&self, attempts: u32) -> i64 {
        let base = self.retransmit_after_ms.max(1);
        let doublings = attempts.saturating_sub(1).min(30);
        base.saturating_mul(1i64 << doublings)
            .min(self.max_retransmit_after_ms.max(base))
    }
}

/// Why the outbox could not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutboxError {
    /// The frame could not be encoded.
    #[error(transparent)]
    Encode(#[from] EncodeError),
    /// The store failed a write; what the outbox reports as done is durable, the rest is not.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The outbox already holds `held` critical frames, its configured limit: the frame was not
    /// accepted (the terminal must signal the fault locally).
    #[error("the outbox holds {held} critical frames, its limit")]
    CriticalFull {
        /// Critical frames held.
        held: usize,
    },
    /// The outbox writes `Discarded` notices itself.
    #[error("{0:?} frames are made by the outbox, not enqueued")]
    Reserved(MessageKind),
    /// The epoch's sequence numbers are used up (at [`MAX_SEQ`]): start a new epoch.
    #[error("sequence numbers of this epoch are used up")]
    Exhausted,
}

impl OutboxError {
    /// A stable, machine-readable code.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Encode(e) => e.code(),
            Self::Store(e) => e.code(),
            Self::CriticalFull { .. } => "outbox.critical_full",
            Self::Reserved(_) => "outbox.reserved_kind",
            Self::Exhausted => "outbox.exhausted",
        }
    }
}

/// What an Ack did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckOutcome {
    /// Entries removed.
    Applied {
        /// How many.
        removed: usize,
    },
    /// For another epoch: ignored.
    WrongEpoch,
    /// It acknowledges a number this outbox never assigned: ignored whole (a platform bug, or
    /// an attack), so it cannot wipe the outbox.
    BeyondSent,
}

/// What a Nack did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NackOutcome {
    /// A non-critical frame, replaced by a `Discarded` tombstone.
    Tombstoned,
    /// A critical frame: kept, marked rejected, no longer retransmitted on the timer.
    KeptCritical,
    /// For another epoch, a number not held, or a tombstone: nothing to do.
    Ignored,
}

/// What a Resume did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResumeOutcome {
    /// Frames marked for resending and `notHeld` notices queued for the numbers not held.
    Answered {
        /// Entries marked for immediate retransmission.
        resent: usize,
        /// `notHeld` notices queued.
        not_held: usize,
    },
    /// For another epoch: ignored.
    WrongEpoch,
    /// From a number beyond what this outbox assigned: ignored.
    BeyondSent,
}

/// What [`Outbox::restore`] found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RestoreReport {
    /// No counter was stored and no entry either: a new epoch begins (the given fresh one).
    pub new_epoch: bool,
    /// No counter was stored but entries were (a power cut during the first enqueue): the
    /// counter was rebuilt from them.
    pub counter_rebuilt: bool,
    /// Entries dropped because a tombstone written after them covers them (a power cut between
    /// writing the tombstone and removing them); removed from the store too.
    pub covered_by_tombstones: usize,
    /// Entries of another epoch than the counter's (a corrupt store): dropped and removed.
    pub foreign_epoch: usize,
    /// Removals the store failed while cleaning up.
    pub store_failures: usize,
}

/// Counters of an outbox.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxStats {
    /// Non-critical frames evicted because the outbox was full.
    pub evicted: u64,
    /// Non-critical frames the platform rejected (Nack), replaced by tombstones.
    pub rejected: u64,
    /// Critical frames the platform rejected, kept.
    pub rejected_critical: u64,
    /// Frames acknowledged.
    pub acknowledged: u64,
    /// `notHeld` notices sent in answer to Resumes.
    pub not_held_answers: u64,
    /// Acks, Nacks and Resumes ignored (another epoch, beyond what was sent).
    pub ignored: u64,
    /// Store writes that failed.
    pub store_failures: u64,
}

impl OutboxStats {
    /// Passes a store write's result on, counting a failure.
    fn stored(&mut self, result: Result<(), StoreError>) -> Result<(), OutboxError> {
        if result.is_err() {
            self.store_failures += 1;
        }
        Ok(result?)
    }
}

/// The device's outbox.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Outbox {
    device: DeviceId,
    epoch: u32,
    next_seq: u64,
    config: OutboxConfig,
    entries: BTreeMap<u64, OutboxEntry>,
    /// `notHeld` notices to send (not stored: they are made again on the next Resume).
    answers: Vec<Vec<u8>>,
    /// The stored counter lags `next_seq` (a failed write): stored before anything is removed.
    counter_dirty: bool,
    stats: OutboxStats,
}

impl Outbox {
    /// An empty outbox for `device` numbering from 1 in `epoch` (take it from the device's
    /// random generator: a new epoch whenever the device cannot prove its counter continues).
    /// The counter is written with the first frame.
    pub fn new(device: DeviceId, epoch: u32, config: OutboxConfig) -> Self {
        Self {
            device,
            epoch,
            next_seq: 1,
            config: OutboxConfig {
                capacity: config.capacity.max(1),
                ..config
            },
            entries: BTreeMap::new(),
            answers: Vec::new(),
            counter_dirty: true,
            stats: OutboxStats::default(),
        }
    }

    /// Rebuilds the outbox after a reboot from `image`, what the store kept; cleans what a power
    /// cut left behind in `store`. `fresh_epoch` (from the random generator) is used only when
    /// nothing was stored.
    pub fn restore(
        device: DeviceId,
        config: OutboxConfig,
        image: &MemoryStore,
        fresh_epoch: u32,
        store: &mut dyn OutboxStore,
    ) -> (Self, RestoreReport) {
        let mut report = RestoreReport::default();
        let entry_epoch = |e: &OutboxEntry| wire::peek(&e.bytes).ok().map(|info| info.epoch);
        let epoch = match image.counter {
            Some(counter) => counter.epoch,
            None => match image.entries.values().next_back().and_then(entry_epoch) {
                Some(epoch) => {
                    report.counter_rebuilt = true;
                    epoch
                }
                None => {
                    report.new_epoch = image.entries.is_empty();
                    report.counter_rebuilt = !image.entries.is_empty();
                    fresh_epoch
                }
            },
        };
        let mut outbox = Self::new(device, epoch, config);
        let mut stale = Vec::new();
        for entry in image.entries.values() {
            if entry_epoch(entry) != Some(epoch) || entry.seq != entry_seq(entry) {
                report.foreign_epoch += 1;
                stale.push(entry.seq);
                continue;
            }
            outbox.entries.insert(entry.seq, entry.clone());
        }
        // Entries inside a tombstone's range were replaced by it (a cut before their removal).
        let ranges: Vec<(u64, u64)> = outbox
            .entries
            .values()
            .filter_map(|e| e.discarded.as_ref().map(|d| (e.seq, d.through_seq)))
            .collect();
        for (start, through) in ranges {
            if through <= start {
                continue;
            }
            let inside: Vec<u64> = outbox
                .entries
                .range(start.saturating_add(1)..=through)
                .filter(|(_, e)| !e.kind.is_critical() || e.discarded.is_some())
                .map(|(s, _)| *s)
                .collect();
            for seq in inside {
                outbox.entries.remove(&seq);
                report.covered_by_tombstones += 1;
                stale.push(seq);
            }
        }
        for seq in stale {
            if store.remove(seq).is_err() {
                report.store_failures += 1;
            }
        }
        let after_last = outbox
            .entries
            .values()
            .map(|e| e.last_seq().saturating_add(1))
            .max()
            .unwrap_or(1);
        let stored_next = image
            .counter
            .filter(|c| c.epoch == epoch)
            .map_or(1, |c| c.next_seq);
        outbox.next_seq = stored_next.max(after_last).max(1);
        outbox.counter_dirty = image.counter
            != Some(SeqCounter {
                epoch,
                next_seq: outbox.next_seq,
            });
        for entry in outbox.entries.values_mut() {
            entry.last_sent = None;
            entry.attempts = 0;
        }
        (outbox, report)
    }

    /// The epoch this outbox numbers in.
    pub fn epoch(&self) -> u32 {
        self.epoch
    }

    /// The next sequence number to assign.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Counters.
    pub fn stats(&self) -> OutboxStats {
        self.stats
    }

    /// Frames waiting for acknowledgement (tombstones included).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing waits for acknowledgement.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries, in sequence order.
    pub fn entries(&self) -> impl Iterator<Item = &OutboxEntry> {
        self.entries.values()
    }

    fn counter(&self) -> SeqCounter {
        SeqCounter {
            epoch: self.epoch,
            next_seq: self.next_seq,
        }
    }

    /// Writes the counter if the stored one lags.
    fn store_counter(&mut self, store: &mut dyn OutboxStore) -> Result<(), OutboxError> {
        if self.counter_dirty {
            self.stats.stored(store.put_counter(&self.counter()))?;
            self.counter_dirty = false;
        }
        Ok(())
    }

    fn critical_held(&self) -> usize {
        self.entries
            .values()
            .filter(|e| e.kind.is_critical() && e.discarded.is_none())
            .count()
    }

    /// Encodes `body` with the next sequence number and stores it; returns the sequence number.
    ///
    /// `Ok` means the frame is durable: it will be delivered or its loss reported, whatever
    /// happens to the power. A failed store write of the frame is an error (the number is then
    /// spent and answered as `notHeld`); a failed write after it (the counter, an eviction) is
    /// counted in [`OutboxStats::store_failures`] and repaired by the next operation.
    pub fn enqueue(
        &mut self,
        body: Body,
        now: Timestamp,
        keys: &DeviceKeys,
        store: &mut dyn OutboxStore,
    ) -> Result<u64, OutboxError> {
        let kind = body.kind();
        if kind == MessageKind::Discarded {
            return Err(OutboxError::Reserved(kind));
        }
        if self.next_seq > MAX_SEQ {
            return Err(OutboxError::Exhausted);
        }
        if kind.is_critical() {
            let held = self.critical_held();
            if held >= self.config.critical_capacity {
                return Err(OutboxError::CriticalFull { held });
            }
        }
        let seq = self.next_seq;
        let bytes = wire::encode(
            &Envelope {
                device: self.device.clone(),
                epoch: self.epoch,
                seq,
                sent_at: now,
                body,
            },
            keys,
        )?;
        // From here the number is spent, whatever the store does.
        self.next_seq += 1;
        self.counter_dirty = true;
        let entry = OutboxEntry {
            seq,
            kind,
            bytes,
            last_sent: None,
            attempts: 0,
            discarded: None,
            rejected: None,
        };
        self.stats.stored(store.put(&entry))?;
        self.entries.insert(seq, entry);
        // The frame is durable; the counter and evictions can be repaired later.
        let _ = self.store_counter(store);
        if !kind.is_critical() {
            let _ = self.evict(now, keys, store);
        }
        Ok(seq)
    }

    /// Evicts the oldest non-critical frames while there are more than the capacity.
    fn evict(
        &mut self,
        now: Timestamp,
        keys: &DeviceKeys,
        store: &mut dyn OutboxStore,
    ) -> Result<(), OutboxError> {
        loop {
            let mut non_critical = self.entries.values().filter(|e| !e.kind.is_critical());
            let count = non_critical.clone().count();
            let oldest = non_critical.next().map(|e| e.seq);
            match oldest {
                Some(oldest) if count > self.config.capacity => {
                    if self.replace_with_tombstone(oldest, now, keys, store)? {
                        self.stats.evicted += 1;
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    /// Replaces entry `seq` by a `Discarded` tombstone (`dropped`), merged with the tombstones
    /// whose ranges touch it, so the receiver skips the range instead of waiting for it. A range
    /// holds only dropped numbers (`count` is its length), never a number acknowledged before,
    /// so a receiver that lacks a number in it knows the device dropped it. Through a partition
    /// nothing is acknowledged, every tombstone touches the next, and the tombstones stay fewer
    /// than the critical entries plus one: the outbox stays bounded. The tombstone is written
    /// before the entries it replaces are removed.
    ///
    /// A range may cover frames the receiver already has (delivered with the acknowledgement
    /// lost): the receiver only skips what it is missing (see
    /// [`crate::session::ReceiverSession`]).
    ///
    /// Returns whether `seq` was there to replace.
    fn replace_with_tombstone(
        &mut self,
        seq: u64,
        now: Timestamp,
        keys: &DeviceKeys,
        store: &mut dyn OutboxStore,
    ) -> Result<bool, OutboxError> {
        if !self.entries.contains_key(&seq) {
            return Ok(false);
        }
        let (mut start, mut end, mut count) = (seq, seq, 1u64);
        // Merge only with tombstones whose ranges touch this number: a range then holds nothing
        // but dropped numbers, never one the receiver acknowledged (and may have lost since).
        let below = self
            .entries
            .range(..seq)
            .next_back()
            .and_then(|(s, e)| e.discarded.as_ref().map(|d| (*s, d.through_seq, d.count)))
            .filter(|(_, through, _)| through.saturating_add(1) == seq);
        if let Some((below_seq, _, below_count)) = below {
            start = below_seq;
            count = count.saturating_add(below_count);
        }
        let above = self
            .entries
            .range(seq + 1..)
            .next()
            .and_then(|(s, e)| e.discarded.as_ref().map(|d| (*s, d.through_seq, d.count)))
            .filter(|(above_seq, _, _)| *above_seq == seq + 1);
        if let Some((_, through, above_count)) = above {
            end = through;
            count = count.saturating_add(above_count);
        }
        let discarded = Discarded {
            through_seq: end,
            count,
            reason: DiscardReason::Dropped,
        };
        let bytes = wire::encode(
            &Envelope {
                device: self.device.clone(),
                epoch: self.epoch,
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
            rejected: None,
        };
        self.stats.stored(store.put(&tombstone))?;
        let mut replaced = Vec::new();
        if seq != start {
            replaced.push(seq);
        }
        if let Some((above_seq, _, _)) = above {
            replaced.push(above_seq);
        }
        for s in &replaced {
            self.entries.remove(s);
        }
        self.entries.insert(start, tombstone);
        for s in replaced {
            // The tombstone covers it: restore drops it.
            self.stats.stored(store.remove(s))?;
        }
        Ok(true)
    }

    /// Frames to transmit now, in sequence order: `notHeld` answers first, then entries never
    /// sent or due again after their backoff, while fewer than `send_window` are in flight.
    /// Rejected critical frames wait for a Resume. Pass a monotonic time where the device has
    /// one; if `now` goes back, every frame in flight is due at once.
    pub fn poll_transmit(&mut self, now: Timestamp) -> Vec<Vec<u8>> {
        let mut out = core::mem::take(&mut self.answers);
        let config = self.config;
        // A clock that went back (reset, resynchronised) makes what is in flight due at once,
        // rather than waiting until it catches up with the old time.
        let due = |e: &OutboxEntry| match e.last_sent {
            None => true,
            Some(t) => {
                let elapsed = now.millis().saturating_sub(t.millis());
                e.rejected.is_none()
                    && (elapsed < 0 || elapsed >= config.retransmit_after(e.attempts))
            }
        };
        let in_flight = self
            .entries
            .values()
            .filter(|e| e.last_sent.is_some() && e.rejected.is_none() && !due(e))
            .count();
        let mut budget = config.send_window.max(1).saturating_sub(in_flight);
        for entry in self.entries.values_mut() {
            if budget == 0 {
                break;
            }
            if due(entry) {
                entry.last_sent = Some(now);
                entry.attempts = entry.attempts.saturating_add(1);
                out.push(entry.bytes.clone());
                budget -= 1;
            }
        }
        out
    }

    /// Drops everything the platform acknowledged. An Ack for another epoch, or one naming a
    /// number this outbox never assigned, is ignored whole.
    pub fn on_ack(
        &mut self,
        ack: &Ack,
        store: &mut dyn OutboxStore,
    ) -> Result<AckOutcome, OutboxError> {
        if ack.epoch != self.epoch {
            self.stats.ignored += 1;
            return Ok(AckOutcome::WrongEpoch);
        }
        let highest = self.next_seq - 1;
        if ack.cumulative > highest || ack.selective.iter().any(|s| *s > highest) {
            self.stats.ignored += 1;
            return Ok(AckOutcome::BeyondSent);
        }
        let acked: Vec<u64> = self
            .entries
            .values()
            .filter(|e| match &e.discarded {
                // A tombstone may have grown since the receiver saw it, so only the cumulative
                // ack, which covers its whole range, acknowledges it.
                Some(d) => d.through_seq <= ack.cumulative,
                None => e.seq <= ack.cumulative || ack.selective.binary_search(&e.seq).is_ok(),
            })
            .map(|e| e.seq)
            .collect();
        if acked.is_empty() {
            return Ok(AckOutcome::Applied { removed: 0 });
        }
        // Never remove the last record of a number before the counter is past it.
        self.store_counter(store)?;
        let mut removed = 0;
        for seq in acked {
            self.stats.stored(store.remove(seq))?;
            self.entries.remove(&seq);
            self.stats.acknowledged += 1;
            removed += 1;
        }
        Ok(AckOutcome::Applied { removed })
    }

    /// Handles a rejection. A non-critical frame becomes a tombstone (it would be rejected
    /// again); a critical one is kept and marked, because alarms, events, maintenance sessions
    /// and registrations are never dropped.
    pub fn on_nack(
        &mut self,
        nack: &Nack,
        now: Timestamp,
        keys: &DeviceKeys,
        store: &mut dyn OutboxStore,
    ) -> Result<NackOutcome, OutboxError> {
        if nack.epoch != self.epoch {
            self.stats.ignored += 1;
            return Ok(NackOutcome::Ignored);
        }
        let Some(entry) = self.entries.get_mut(&nack.seq) else {
            return Ok(NackOutcome::Ignored);
        };
        if entry.discarded.is_some() {
            return Ok(NackOutcome::Ignored);
        }
        if entry.kind.is_critical() {
            if entry.rejected.is_none() {
                self.stats.rejected_critical += 1;
            }
            entry.rejected = Some(nack.reason);
            let entry = entry.clone();
            self.stats.stored(store.put(&entry))?;
            return Ok(NackOutcome::KeptCritical);
        }
        if self.replace_with_tombstone(nack.seq, now, keys, store)? {
            self.stats.rejected += 1;
        }
        Ok(NackOutcome::Tombstoned)
    }

    /// Answers a Resume in full: every entry from `resume.from_seq` on (a tombstone that starts
    /// below it but reaches it included) is sent again at once, and every number from there to
    /// the last assigned that the outbox no longer holds is answered with a signed `Discarded`
    /// notice, `notHeld` (at most [`MAX_ANSWERS_PER_RESUME`] per Resume, lowest first).
    pub fn on_resume(
        &mut self,
        resume: &Resume,
        now: Timestamp,
        keys: &DeviceKeys,
    ) -> Result<ResumeOutcome, OutboxError> {
        if resume.epoch != self.epoch {
            self.stats.ignored += 1;
            return Ok(ResumeOutcome::WrongEpoch);
        }
        if resume.from_seq == 0 || resume.from_seq > self.next_seq {
            self.stats.ignored += 1;
            return Ok(ResumeOutcome::BeyondSent);
        }
        let mut resent = 0;
        let mut holes: Vec<(u64, u64)> = Vec::new();
        let mut cursor = resume.from_seq;
        for entry in self.entries.values_mut() {
            let last = entry.last_seq();
            if last < resume.from_seq {
                continue;
            }
            entry.last_sent = None;
            resent += 1;
            if entry.seq > cursor {
                holes.push((cursor, entry.seq - 1));
            }
            cursor = cursor.max(last.saturating_add(1));
        }
        if cursor < self.next_seq {
            holes.push((cursor, self.next_seq - 1));
        }
        let mut answers = Vec::new();
        for (from, through) in holes.into_iter().take(MAX_ANSWERS_PER_RESUME) {
            answers.push(wire::encode(
                &Envelope {
                    device: self.device.clone(),
                    epoch: self.epoch,
                    seq: from,
                    sent_at: now,
                    body: Body::Discarded(Discarded {
                        through_seq: through,
                        count: 0,
                        reason: DiscardReason::NotHeld,
                    }),
                },
                keys,
            )?);
        }
        self.stats.not_held_answers += answers.len() as u64;
        let not_held = answers.len();
        self.answers = answers;
        Ok(ResumeOutcome::Answered { resent, not_held })
    }
}

/// The sequence number inside an entry's bytes (which must agree with its key).
fn entry_seq(entry: &OutboxEntry) -> u64 {
    wire::peek(&entry.bytes).map_or(0, |info| info.seq)
}
