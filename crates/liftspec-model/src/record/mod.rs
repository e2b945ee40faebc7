//! The facts the platform keeps about lifts and parties. Credit and risk evaluation read these.
//!
//! Hangzhou Reg. Art. 28(5): maintenance and fault-handling records must be truthful, may be
//! electronic, and are kept for at least [`RECORD_RETENTION_YEARS`] years.

mod events;
mod maintenance;
mod rescue;

use chrono::NaiveDate;

pub use events::{
    Accident, AccidentClass, AdministrativePenalty, ComplaintCategory, ComplaintRecord,
    ComponentKind, ComponentReplacement, Contact, DisasterExposure, DisasterKind, FaultRecord,
    FaultSource,
};
pub use maintenance::{
    InspectionKind, InspectionRecord, InspectionResult, Lapse, MaintenanceInterval,
    MaintenanceRecord, SmartSystemCheck, UseUnitConfirmation, MAINTENANCE_INTERVAL_DAYS,
};
pub use rescue::{ArrivalLimits, RescueCause, RescueRecord, ARRIVAL_LIMIT_CLAUSE};

/// Minimum years maintenance and fault-handling records are kept (Hangzhou Reg. Art. 28(5):
/// "至少保存四年").
pub const RECORD_RETENTION_YEARS: u32 = 4;

/// The first day a record made on `made_on` may be deleted under Art. 28(5): the day after the
/// four-year period ends (the period's last day is its anniversary, Civil Code Art. 202; kept
/// "at least" four years, so through that day).
///
/// ```
/// use chrono::NaiveDate;
/// use liftspec_model::record::retention_ends;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// assert_eq!(retention_ends(d(2026, 3, 1)), Some(d(2030, 3, 2)));
/// assert_eq!(retention_ends(d(2028, 2, 29)), Some(d(2032, 3, 1)), "2032 is a leap year");
/// ```
pub fn retention_ends(made_on: NaiveDate) -> Option<NaiveDate> {
    crate::counting::more_than_years(made_on, RECORD_RETENTION_YEARS)
}

/// Any record, externally tagged (`{"maintenance": {…}}`): the shape of a JSON-lines record file.
/// External tagging keeps it decodable by non-self-describing formats such as postcard.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum Record {
    /// A maintenance session.
    Maintenance(MaintenanceRecord),
    /// A periodic inspection or self-test.
    Inspection(InspectionRecord),
    /// A fault.
    Fault(FaultRecord),
    /// A trapped-passenger rescue.
    Rescue(RescueRecord),
    /// A complaint.
    Complaint(ComplaintRecord),
    /// A disaster that hit a lift.
    Disaster(DisasterExposure),
    /// A main component replaced.
    ComponentReplacement(ComponentReplacement),
    /// An administrative penalty.
    Penalty(AdministrativePenalty),
    /// An accident.
    Accident(Accident),
}
