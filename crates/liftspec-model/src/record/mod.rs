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
    ComponentKind, ComponentReplacement, DisasterExposure, DisasterKind, FaultRecord, FaultSource,
};
pub use maintenance::{
    InspectionKind, InspectionRecord, InspectionResult, MaintenanceRecord, UseUnitConfirmation,
    MAINTENANCE_INTERVAL_DAYS,
};
pub use rescue::{RescueCause, RescueRecord};

/// Minimum years maintenance and fault-handling records are kept (Hangzhou Reg. Art. 28(5):
/// "至少保存四年").
pub const RECORD_RETENTION_YEARS: u32 = 4;

/// The first day a record made on `made_on` may be deleted under Art. 28(5).
pub fn retention_ends(made_on: NaiveDate) -> Option<NaiveDate> {
    crate::equipment::anniversary(made_on, RECORD_RETENTION_YEARS)
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
