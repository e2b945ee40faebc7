use crate::id::{CreditCode, CrewId, IncidentId, RegistrationCode};
use crate::time::Timestamp;

/// Why passengers were trapped, as recorded on closing an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum RescueCause {
    /// A fault of the lift itself.
    EquipmentFault,
    /// Mains power failure.
    PowerFailure,
    /// Passenger misuse (Hangzhou Reg. Art. 22: forcing doors, overloading, jumping…).
    Misuse,
    /// External cause (disaster, vandalism).
    External,
    /// Not found.
    Unknown,
}

/// The Art. 30 arrival limits: "电梯所在地为城市建成区的，电梯维护保养人员应当在三十分钟内到达现场，
/// 电梯位于城市建成区外的其他区域的，应当在一小时内到达现场" (Hangzhou Reg. Art. 30). Data, with
/// Hangzhou's values as the default; 内 includes the limit itself (Civil Code Art. 1259, see
/// [`crate::counting::within`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct ArrivalLimits {
    /// In the built-up urban area, minutes: 30.
    pub built_up_min: i64,
    /// Elsewhere, minutes: 60.
    pub elsewhere_min: i64,
}

impl Default for ArrivalLimits {
    fn default() -> Self {
        Self {
            built_up_min: 30,
            elsewhere_min: 60,
        }
    }
}

/// The clause of the arrival limits, for explanations.
pub const ARRIVAL_LIMIT_CLAUSE: &str = "Hangzhou Reg. Art. 30 (on site within 30 min of receiving the report in the built-up area, 1 h elsewhere)";

impl ArrivalLimits {
    /// The limit for a lift, ms (saturating: the minutes are data).
    pub fn limit_ms(&self, built_up: bool) -> i64 {
        let minutes = if built_up {
            self.built_up_min
        } else {
            self.elsewhere_min
        };
        minutes.saturating_mul(60_000)
    }
}

/// A trapped-passenger rescue from report to release (Hangzhou Reg. Art. 30, 37).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct RescueRecord {
    /// Incident id.
    pub incident: IncidentId,
    /// The lift.
    pub lift: RegistrationCode,
    /// First report to the platform (alarm, call or detection).
    pub reported_at: Timestamp,
    /// The best estimate of when the passengers became trapped (the telemetry's stop, or the
    /// first report): what the two-hour accident rule counts from. `None`: the first report.
    #[serde(default)]
    pub trapped_since: Option<Timestamp>,
    /// When the responding maintenance unit received the report (its first offer): what
    /// Art. 30's "接到乘客被困报告后" counts from. `None` in records made before this was kept:
    /// the first dispatch, then the first report, stand in.
    #[serde(default)]
    pub unit_notified_at: Option<Timestamp>,
    /// When the use unit organised the rescue (Hangzhou Reg. Art. 20(3)), if recorded.
    #[serde(default)]
    pub use_unit_organised_at: Option<Timestamp>,
    /// When the use unit reported the entrapment to the market regulator (Art. 20(3)), if it did.
    #[serde(default)]
    pub regulator_reported_at: Option<Timestamp>,
    /// First dispatch.
    pub dispatched_at: Option<Timestamp>,
    /// Accepted by the responding crew.
    pub accepted_at: Option<Timestamp>,
    /// Rescuer on site.
    pub arrived_at: Option<Timestamp>,
    /// Passengers released.
    pub released_at: Option<Timestamp>,
    /// The unit whose crew responded.
    pub responder: Option<CreditCode>,
    /// The crew that responded.
    pub crew: Option<CrewId>,
    /// Whether the responder was not the lift's own maintenance unit (Art. 37 subsidy).
    pub cross_unit_dispatch: bool,
    /// In the built-up area (30-minute limit) or not (1 hour), Art. 30.
    pub built_up_area: bool,
    /// People trapped.
    pub trapped_persons: u16,
    /// Closed as a false alarm.
    pub false_alarm: bool,
    /// Cause category.
    pub cause: RescueCause,
}

impl RescueRecord {
    /// When the Art. 30 clock started: the responding unit received the report.
    pub fn clock_start(&self) -> Timestamp {
        self.unit_notified_at
            .or(self.dispatched_at)
            .unwrap_or(self.reported_at)
    }

    /// When the passengers became trapped, as best known.
    pub fn trapped_from(&self) -> Timestamp {
        self.trapped_since
            .map_or(self.reported_at, |t| t.min(self.reported_at))
    }

    /// Whether the responder was on site within the Art. 30 limit, counted from when it received
    /// the report, to the millisecond (the limit itself on time); `false` if it never arrived.
    ///
    /// ```
    /// # use liftspec_model::record::{ArrivalLimits, RescueRecord};
    /// # let json = r#"{"incident":"INC-1","lift":"31103301062010050007","reportedAt":"2026-06-01T02:00:00Z","unitNotifiedAt":"2026-06-01T02:04:00Z","dispatchedAt":"2026-06-01T02:04:00Z","acceptedAt":"2026-06-01T02:05:00Z","arrivedAt":"2026-06-01T02:34:00Z","releasedAt":"2026-06-01T02:40:00Z","responder":null,"crew":null,"crossUnitDispatch":false,"builtUpArea":true,"trappedPersons":1,"falseAlarm":false,"cause":"equipmentFault"}"#;
    /// let record: RescueRecord = serde_json::from_str(json)?;
    /// // 34 minutes after the first report, but 30:00 after the unit received it: on time.
    /// assert!(record.arrived_within(&ArrivalLimits::default()));
    /// assert_eq!(record.platform_delay_ms(), Some(240_000));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn arrived_within(&self, limits: &ArrivalLimits) -> bool {
        self.arrived_at.is_some_and(|at| {
            crate::counting::within(self.clock_start(), limits.limit_ms(self.built_up_area), at)
        })
    }

    /// The platform's own delay between the first report and the unit receiving it, ms: a
    /// figure of the platform's, never the unit's.
    pub fn platform_delay_ms(&self) -> Option<i64> {
        Some(self.unit_notified_at?.millis_since(self.reported_at))
    }

    /// Milliseconds from the clock start to arrival, if arrived.
    pub fn arrival_ms(&self) -> Option<i64> {
        Some(self.arrived_at?.millis_since(self.clock_start()))
    }

    /// Whole minutes from the clock start to arrival, if arrived (for display; rules use
    /// [`RescueRecord::arrived_within`], which is exact).
    pub fn arrival_minutes(&self) -> Option<i64> {
        Some(self.arrival_ms()? / 60_000)
    }

    /// Minutes passengers were held, from when they became trapped to release, if released.
    pub fn held_minutes(&self) -> Option<i64> {
        Some(self.released_at?.millis_since(self.trapped_from()) / 60_000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_limit_from_a_policy_file_never_overflows() {
        // A platform's policy file is data: an absurd limit saturates instead of overflowing.
        let limits = ArrivalLimits {
            built_up_min: i64::MAX,
            elsewhere_min: i64::MIN,
        };
        assert_eq!(limits.limit_ms(true), i64::MAX);
        assert_eq!(limits.limit_ms(false), i64::MIN);
        assert_eq!(ArrivalLimits::default().limit_ms(true), 30 * 60_000);
    }
}
