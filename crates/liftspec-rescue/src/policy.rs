//! The rescue policy as data, with Hangzhou's defaults and their clauses.

use liftspec_model::record::ArrivalLimits;

/// Time limits and dispatch timeouts. `Default` is Hangzhou's.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RescuePolicy {
    /// Arrival limits (Hangzhou Reg. Art. 30: 30 min in the built-up area, 1 h elsewhere),
    /// counted from when the maintenance unit receives the report.
    #[serde(flatten)]
    pub arrival: ArrivalLimits,
    /// Warn this many minutes before the limit: 10 (liftspec default).
    pub warn_before_min: i64,
    /// A tier-1 crew (the lift's own maintenance unit) must accept within this, seconds: 120
    /// (liftspec default; Guangzhou triggers every tier within 5 minutes).
    pub tier1_accept_s: i64,
    /// A tier-2 crew (another unit or a rescue station, Art. 37) must accept within this,
    /// seconds: 120 (liftspec default).
    pub tier2_accept_s: i64,
    /// Passengers held this long make an ordinary accident, minutes: 120 (State Council
    /// Regulation on Special Equipment Safety Supervision, Art. 64).
    pub accident_after_min: i64,
    /// Comforting messages to the car every this many minutes: 5 (liftspec default;
    /// opinions item 11: automatic comforting).
    pub comfort_every_min: i64,
    /// Candidates by straight-line distance whose predicted arrival is compared: 8.
    pub candidates: usize,
    /// After the fire service is called (tier 3), keep offering the incident to any crew that
    /// becomes free: true (liftspec default). Calling 119 does not lift the maintenance unit's
    /// duty to be on site (Hangzhou Reg. Art. 30), and on a storm day 119 may be late too.
    pub offer_after_fire_service: bool,
    /// The use unit must organise the rescue at once and report the entrapment to the market
    /// regulator "及时" (promptly; Hangzhou Reg. Art. 20(3), penalty Art. 40 ¶2). The text sets
    /// no number: a reminder is due after this many minutes without its report (liftspec default:
    /// 60).
    pub use_unit_report_within_min: i64,
}

impl Default for RescuePolicy {
    fn default() -> Self {
        Self {
            arrival: ArrivalLimits::default(),
            warn_before_min: 10,
            tier1_accept_s: 120,
            tier2_accept_s: 120,
            accident_after_min: 120,
            comfort_every_min: 5,
            candidates: 8,
            offer_after_fire_service: true,
            use_unit_report_within_min: 60,
        }
    }
}

/// Clause of the arrival limits.
pub const SOURCE_SLA: &str = liftspec_model::record::ARRIVAL_LIMIT_CLAUSE;
/// Clause of the use unit's duties in an entrapment.
pub const SOURCE_USE_UNIT: &str = "Hangzhou Reg. Art. 20(3) (the use unit organises the rescue at once and reports to the market regulator promptly; Art. 40 ¶2); reminder after 60 min: liftspec default";
/// Clause of cross-unit dispatch.
pub const SOURCE_TIER2: &str =
    "Hangzhou Reg. Art. 37 (the platform may dispatch another unit, which is subsidised)";
/// Clause of the accident escalation.
pub const SOURCE_ACCIDENT: &str = "State Council Special Equipment Safety Supervision Regulation Art. 64(3) (passengers held in the car 2 h or more, counted from when they became trapped: ordinary accident)";

impl RescuePolicy {
    /// The arrival limit for a lift, ms.
    pub fn limit_ms(&self, built_up: bool) -> i64 {
        self.arrival.limit_ms(built_up)
    }
}
