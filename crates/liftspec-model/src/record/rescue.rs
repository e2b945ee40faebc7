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

/// A trapped-passenger rescue from report to release (Hangzhou Reg. Art. 30, 37).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct RescueRecord {
    /// Incident id.
    pub incident: IncidentId,
    /// The lift.
    pub lift: RegistrationCode,
    /// First report (alarm, call or detection).
    pub reported_at: Timestamp,
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
    /// Minutes from report to arrival, if arrived.
    pub fn arrival_minutes(&self) -> Option<i64> {
        Some(self.arrived_at?.millis_since(self.reported_at) / 60_000)
    }

    /// Minutes passengers were held, from report to release, if released.
    pub fn held_minutes(&self) -> Option<i64> {
        Some(self.released_at?.millis_since(self.reported_at) / 60_000)
    }
}
