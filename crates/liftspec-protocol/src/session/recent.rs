//! The session's memory of the most recent numbers it moved past — each delivered frame with a
//! fingerprint of its bytes, each skipped run — so a number that comes again with other content
//! is told apart from a retransmission (`docs/protocol.md` §8.2, conflicting duplicates).

use alloc::collections::VecDeque;

/// One remembered number or run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", rename_all_fields = "camelCase")]
enum Entry {
    Delivered { seq: u64, fingerprint: u64 },
    Skipped { from_seq: u64, through_seq: u64 },
}

/// What the memory says about a number below the next expected one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Seen {
    /// Delivered with this fingerprint: a retransmission.
    Same,
    /// Delivered, but only with other fingerprints: the number was reused.
    Different,
    /// Skipped (dropped, rejected, not held): the frame arrives after it was given up.
    Skipped,
    /// Older than the memory reaches.
    Unknown,
}

/// A bounded ring of the last numbers moved past.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Recent {
    entries: VecDeque<Entry>,
}

impl Recent {
    fn push(&mut self, entry: Entry, capacity: usize) {
        if capacity == 0 {
            return;
        }
        while self.entries.len() >= capacity {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    pub(crate) fn delivered(&mut self, seq: u64, fingerprint: u64, capacity: usize) {
        self.push(Entry::Delivered { seq, fingerprint }, capacity);
    }

    pub(crate) fn skipped(&mut self, from_seq: u64, through_seq: u64, capacity: usize) {
        self.push(
            Entry::Skipped {
                from_seq,
                through_seq,
            },
            capacity,
        );
    }

    pub(crate) fn lookup(&self, seq: u64, fingerprint: u64) -> Seen {
        let mut seen = Seen::Unknown;
        for entry in &self.entries {
            match *entry {
                Entry::Delivered {
                    seq: s,
                    fingerprint: f,
                } if s == seq => {
                    if f == fingerprint {
                        return Seen::Same;
                    }
                    seen = Seen::Different;
                }
                Entry::Skipped {
                    from_seq,
                    through_seq,
                } if (from_seq..=through_seq).contains(&seq) && seen == Seen::Unknown => {
                    seen = Seen::Skipped;
                }
                _ => {}
            }
        }
        seen
    }
}

/// A 64-bit fingerprint of bytes (FNV-1a): enough to tell a retransmission from other content.
pub(crate) fn fingerprint(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}
