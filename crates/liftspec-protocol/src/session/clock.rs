//! Watching a device's clock (`docs/protocol.md` §8.5): a bad clock is a finding to answer with
//! a time sync, never a reason to reject a frame.

use liftspec_model::time::Timestamp;

use crate::validate::{assess_clock, ClockQuality, ValidationContext};

/// What is wrong with a device's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum ClockFinding {
    /// A send time ahead of the receiver's clock by more than the context's `max_skew_ms`.
    Ahead {
        /// By how much, ms.
        by_ms: i64,
    },
    /// A send time before the context's `earliest_plausible` (a clock reset to its default).
    BeforeEarliest {
        /// The send time.
        sent_at: Timestamp,
    },
    /// A newer frame (higher sequence number) sent earlier than an older one by more than
    /// `max_skew_ms`: the clock jumped back.
    WentBack {
        /// By how much, ms.
        by_ms: i64,
        /// The newer frame's sequence number.
        seq: u64,
    },
}

/// Per-device clock state: the newest frame's send time and whether a finding is open (so one
/// bad clock is reported once, and again only after it was seen to be right).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ClockWatch {
    /// The newest frame seen: its epoch, number and send time.
    newest: Option<(u32, u64, i64)>,
    open: bool,
}

impl ClockWatch {
    /// Grades a frame's send time; returns the grade and a finding when one opens.
    pub(crate) fn observe(
        &mut self,
        epoch: u32,
        seq: u64,
        sent_at: Timestamp,
        ctx: &ValidationContext,
    ) -> (ClockQuality, Option<ClockFinding>) {
        let quality = assess_clock(sent_at, ctx);
        let mut finding = match quality {
            ClockQuality::Ahead { by_ms } => Some(ClockFinding::Ahead { by_ms }),
            ClockQuality::BeforeEarliest => Some(ClockFinding::BeforeEarliest { sent_at }),
            // An old frame is a long store-and-forward as often as a slow clock: not a finding.
            ClockQuality::Old { .. } | ClockQuality::Plausible => None,
        };
        match self.newest {
            Some((newest_epoch, newest_seq, newest_at))
                if newest_epoch == epoch && seq > newest_seq =>
            {
                let back = newest_at.saturating_sub(sent_at.millis());
                if back > ctx.max_skew_ms && finding.is_none() {
                    finding = Some(ClockFinding::WentBack { by_ms: back, seq });
                }
                self.newest = Some((epoch, seq, sent_at.millis()));
            }
            // Numbers of different epochs say nothing about order: start again from this one.
            Some((newest_epoch, _, _)) if newest_epoch != epoch => {
                self.newest = Some((epoch, seq, sent_at.millis()));
            }
            Some(_) => {}
            None => self.newest = Some((epoch, seq, sent_at.millis())),
        }
        let report = match finding {
            Some(f) if !self.open => {
                self.open = true;
                Some(f)
            }
            Some(_) => None,
            None => {
                if quality.is_plausible() {
                    self.open = false;
                }
                None
            }
        };
        (quality, report)
    }
}
