//! The sequencing state of one device epoch: the next expected number, frames held ahead of a
//! gap, pending skips, the Resume throttle and the memory of recent numbers.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use liftspec_model::time::Timestamp;

use crate::message::{Ack, Body, DiscardReason, Resume};
use crate::wire::{Envelope, MAX_SEQ};

use super::outcome::{
    Delivery, DeliveryFlags, ReceiveOutcome, SessionNotice, SessionStats, SkipReason, SkippedRange,
};
use super::recent::{Recent, Seen};
use super::SessionConfig;

/// Deliveries, skips and notices gathered while processing one frame.
#[derive(Default)]
pub(super) struct Out {
    pub(super) deliver: Vec<Delivery>,
    pub(super) skipped: Vec<SkippedRange>,
    pub(super) notices: Vec<SessionNotice>,
}

/// A frame held ahead of a gap.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Held {
    delivery: Delivery,
    fingerprint: u64,
    size: usize,
    /// Other frames with the same number (a device that reused it), delivered after it.
    conflicts: Vec<(Delivery, u64)>,
}

/// A run of numbers to pass over once the numbers before it are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct PendingSkip {
    through: u64,
    reason: SkipReason,
    /// For `Dropped`: how many frames the device says it dropped in the range.
    count: u64,
}

/// Sequencing state of one epoch.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct EpochState {
    pub(super) epoch: u32,
    pub(super) next_expected: u64,
    /// The highest number seen (a frame's, or a Discarded range's end).
    highest_seen: u64,
    held: BTreeMap<u64, Held>,
    held_bytes: usize,
    pending_skips: BTreeMap<u64, PendingSkip>,
    resume_sent: Option<(u64, i64)>,
    recent: Recent,
    /// When a frame last moved this epoch on (delivered, held or rejected), ms.
    pub(super) last_active_ms: i64,
}

impl EpochState {
    pub(super) fn new(epoch: u32, next_expected: u64, now_ms: i64) -> Self {
        let next_expected = next_expected.clamp(1, MAX_SEQ + 1);
        Self {
            epoch,
            next_expected,
            highest_seen: next_expected - 1,
            held: BTreeMap::new(),
            held_bytes: 0,
            pending_skips: BTreeMap::new(),
            resume_sent: None,
            recent: Recent::default(),
            last_active_ms: now_ms,
        }
    }

    /// The acknowledgement for this epoch.
    pub(super) fn ack(&self) -> Ack {
        Ack {
            epoch: self.epoch,
            cumulative: self.next_expected - 1,
            selective: self.held.keys().copied().collect(),
        }
    }

    /// Whether `envelope` moves this epoch forward (a number at or above the next expected
    /// one): for an ended epoch, proof that it is alive.
    pub(super) fn advanced_by(&self, envelope: &Envelope) -> bool {
        match &envelope.body {
            Body::Discarded(d) => d.through_seq >= self.next_expected,
            _ => envelope.seq >= self.next_expected,
        }
    }

    /// The epoch ends: held frames are delivered in order, the numbers between them reported
    /// as ended. Returns the next expected number at the end.
    pub(super) fn flush(
        &mut self,
        cfg: &SessionConfig,
        stats: &mut SessionStats,
        out: &mut Out,
    ) -> u64 {
        loop {
            self.drain(cfg, stats, out);
            let next_held = self.held.keys().next().copied();
            let next_skip = self.pending_skips.keys().next().copied();
            let Some(start) = [next_held, next_skip].into_iter().flatten().min() else {
                break;
            };
            if start > self.next_expected {
                self.push_skipped(
                    self.next_expected,
                    start - 1,
                    SkipReason::EpochEnded,
                    cfg,
                    stats,
                    out,
                );
            }
            self.next_expected = start;
        }
        self.next_expected
    }

    /// Marks `seq`, a genuine frame rejected as invalid, to be passed over.
    pub(super) fn reject(&mut self, seq: u64, cfg: &SessionConfig, stats: &mut SessionStats) {
        stats.rejected += 1;
        self.highest_seen = self.highest_seen.max(seq);
        let pending = self
            .pending_skips
            .get(&seq)
            .is_some_and(|p| p.through >= seq);
        if seq < self.next_expected || self.held.contains_key(&seq) || pending {
            return;
        }
        if seq - self.next_expected < cfg.window {
            self.pending_skips.insert(
                seq,
                PendingSkip {
                    through: seq,
                    reason: SkipReason::Rejected,
                    count: 1,
                },
            );
        }
    }

    /// Sequences an authenticated, sequenceable envelope of the current epoch.
    pub(super) fn sequence(
        &mut self,
        envelope: Envelope,
        fp: u64,
        flags: DeliveryFlags,
        cfg: &SessionConfig,
        stats: &mut SessionStats,
        out: &mut Out,
    ) -> ReceiveOutcome {
        let seq = envelope.seq;
        // A frame rejected as invalid at `next_expected` left a pending skip there.
        self.drain(cfg, stats, out);
        if let Body::Discarded(d) = &envelope.body {
            let through = d.through_seq;
            let count = d.count;
            let reason = match d.reason {
                DiscardReason::Dropped => SkipReason::Dropped,
                DiscardReason::NotHeld => SkipReason::NotHeld,
            };
            self.highest_seen = self.highest_seen.max(through);
            let covered = self
                .pending_skips
                .get(&seq)
                .is_some_and(|p| p.through >= through);
            if through < self.next_expected || covered {
                stats.duplicates += 1;
                return ReceiveOutcome::Duplicate;
            }
            if seq <= self.next_expected {
                self.skip_through(through, reason, count, cfg, stats, out);
                self.drain(cfg, stats, out);
                return ReceiveOutcome::Delivered;
            }
            if seq - self.next_expected < cfg.window {
                self.pending_skips.insert(
                    seq,
                    PendingSkip {
                        through,
                        reason,
                        count,
                    },
                );
                return ReceiveOutcome::Held;
            }
            stats.out_of_window += 1;
            return ReceiveOutcome::OutOfWindow;
        }
        self.highest_seen = self.highest_seen.max(seq);
        let critical = envelope.body.kind().is_critical();
        if seq < self.next_expected {
            return match self.recent.lookup(seq, fp) {
                Seen::Same | Seen::Unknown => {
                    stats.duplicates += 1;
                    ReceiveOutcome::Duplicate
                }
                Seen::Skipped if !critical => {
                    stats.duplicates += 1;
                    ReceiveOutcome::Duplicate
                }
                Seen::Skipped => {
                    // A critical frame for a number given up on: it is genuine and was never
                    // delivered, so it is delivered now, flagged.
                    let mut flags = flags;
                    flags.late = true;
                    self.recent.delivered(seq, fp, cfg.recent);
                    out.deliver.push(Delivery { envelope, flags });
                    ReceiveOutcome::Late
                }
                Seen::Different => {
                    let mut flags = flags;
                    flags.conflict = true;
                    self.conflict(seq, fp, cfg, stats, out);
                    out.deliver.push(Delivery { envelope, flags });
                    ReceiveOutcome::Conflict
                }
            };
        }
        if let Some(held) = self.held.get_mut(&seq) {
            if held.fingerprint == fp || held.conflicts.iter().any(|(_, f)| *f == fp) {
                stats.duplicates += 1;
                return ReceiveOutcome::Duplicate;
            }
            let size = held_size(&envelope);
            let mut flags = flags;
            flags.conflict = true;
            held.conflicts.push((Delivery { envelope, flags }, fp));
            held.size += size;
            self.held_bytes += size;
            stats.conflicts += 1;
            out.notices.push(SessionNotice::Conflict { seq });
            return ReceiveOutcome::Conflict;
        }
        if seq == self.next_expected {
            self.recent.delivered(seq, fp, cfg.recent);
            out.deliver.push(Delivery { envelope, flags });
            self.next_expected += 1;
            self.drain(cfg, stats, out);
            return ReceiveOutcome::Delivered;
        }
        let size = held_size(&envelope);
        let fits = self.held_bytes.saturating_add(size) <= cfg.max_held_bytes;
        if seq - self.next_expected < cfg.window && fits {
            self.held.insert(
                seq,
                Held {
                    delivery: Delivery { envelope, flags },
                    fingerprint: fp,
                    size,
                    conflicts: Vec::new(),
                },
            );
            self.held_bytes += size;
            ReceiveOutcome::Held
        } else {
            stats.out_of_window += 1;
            ReceiveOutcome::OutOfWindow
        }
    }

    fn conflict(
        &mut self,
        seq: u64,
        fp: u64,
        cfg: &SessionConfig,
        stats: &mut SessionStats,
        out: &mut Out,
    ) {
        self.recent.delivered(seq, fp, cfg.recent);
        stats.conflicts += 1;
        out.notices.push(SessionNotice::Conflict { seq });
    }

    /// A Resume from the next expected number, if one is missing and none was sent for this gap
    /// within the interval.
    pub(super) fn maybe_resume(
        &mut self,
        now: Timestamp,
        cfg: &SessionConfig,
        stats: &mut SessionStats,
    ) -> Option<Resume> {
        let epoch = self.epoch;
        if self.highest_seen < self.next_expected {
            return None;
        }
        if let Some((from, at)) = self.resume_sent {
            let recent = now.millis().saturating_sub(at) < cfg.resume_interval_ms;
            if from == self.next_expected && recent {
                return None;
            }
        }
        self.resume_sent = Some((self.next_expected, now.millis()));
        stats.resumes += 1;
        Some(Resume {
            epoch,
            from_seq: self.next_expected,
        })
    }

    fn release(&mut self, seq: u64, cfg: &SessionConfig, out: &mut Out) -> bool {
        let Some(held) = self.held.remove(&seq) else {
            return false;
        };
        self.held_bytes = self.held_bytes.saturating_sub(held.size);
        self.recent.delivered(seq, held.fingerprint, cfg.recent);
        out.deliver.push(held.delivery);
        for (delivery, fp) in held.conflicts {
            self.recent.delivered(seq, fp, cfg.recent);
            out.deliver.push(delivery);
        }
        true
    }

    /// Moves past `through` from `next_expected`: held frames inside are delivered, the missing
    /// runs recorded as skipped for `reason`.
    ///
    /// A `dropped` notice says exactly how many frames the device dropped (`count`); the rest of
    /// its range are numbers this receiver acknowledged before. If more numbers than `count`
    /// are missing, the receiver lost frames it had acknowledged (a restored checkpoint, a
    /// session recreated without its held frames), so the runs are reported as not held.
    fn skip_through(
        &mut self,
        through: u64,
        reason: SkipReason,
        count: u64,
        cfg: &SessionConfig,
        stats: &mut SessionStats,
        out: &mut Out,
    ) {
        let through = through.min(MAX_SEQ);
        if through < self.next_expected {
            return;
        }
        let mut cursor = self.next_expected;
        let inside: Vec<u64> = self
            .held
            .range(self.next_expected..=through)
            .map(|(s, _)| *s)
            .collect();
        let mut runs = Vec::new();
        for seq in &inside {
            if cursor < *seq {
                runs.push((cursor, seq - 1));
            }
            cursor = seq + 1;
        }
        if cursor <= through {
            runs.push((cursor, through));
        }
        let missing: u64 = runs.iter().map(|(a, b)| b - a + 1).sum();
        let reason = if reason == SkipReason::Dropped && missing > count {
            SkipReason::NotHeld
        } else {
            reason
        };
        let mut runs = runs.into_iter().peekable();
        for seq in inside {
            while let Some((from, to)) = runs.next_if(|(_, to)| *to < seq) {
                self.push_skipped(from, to, reason, cfg, stats, out);
            }
            self.release(seq, cfg, out);
        }
        for (from, to) in runs {
            self.push_skipped(from, to, reason, cfg, stats, out);
        }
        self.next_expected = through + 1;
    }

    fn push_skipped(
        &mut self,
        from_seq: u64,
        through_seq: u64,
        reason: SkipReason,
        cfg: &SessionConfig,
        stats: &mut SessionStats,
        out: &mut Out,
    ) {
        let run = SkippedRange {
            epoch: self.epoch,
            from_seq,
            through_seq,
            reason,
        };
        match reason {
            SkipReason::NotHeld | SkipReason::EpochEnded => stats.not_held += run.len(),
            SkipReason::Dropped | SkipReason::Rejected => stats.skipped += run.len(),
        }
        self.recent.skipped(from_seq, through_seq, cfg.recent);
        out.skipped.push(run);
    }

    /// Delivers held frames and applies pending skips while they continue the sequence.
    pub(super) fn drain(&mut self, cfg: &SessionConfig, stats: &mut SessionStats, out: &mut Out) {
        loop {
            if self.release(self.next_expected, cfg, out) {
                self.next_expected += 1;
                continue;
            }
            let reach = self
                .pending_skips
                .range(..=self.next_expected)
                .map(|(_, p)| *p)
                .filter(|p| p.through >= self.next_expected)
                .max_by_key(|p| p.through);
            match reach {
                Some(p) => self.skip_through(p.through, p.reason, p.count, cfg, stats, out),
                None => break,
            }
        }
        let next = self.next_expected;
        self.pending_skips.retain(|_, p| p.through >= next);
        // A pending skip is keyed by its start; one that began below `next` but reaches past it
        // was applied above, so every survivor starts above `next`.
    }
}

/// What holding `envelope` costs, estimated from its decoded size.
fn held_size(envelope: &Envelope) -> usize {
    core::mem::size_of::<Held>() + envelope.device.as_str().len() + envelope.body.heap_bytes()
}
