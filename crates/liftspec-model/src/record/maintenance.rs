use alloc::string::String;
use alloc::vec::Vec;
use chrono::NaiveDate;

use crate::catalogue::{
    check_items, ItemCheck, MaintenanceFamily, MaintenanceItemId, MaintenanceTier,
};
use crate::id::{CreditCode, RecordId, RegistrationCode, TechnicianId};
use crate::time::Timestamp;

/// Longest interval between two maintenance sessions, in days: "at least every 15 days"
/// (State Council Special Equipment Safety Supervision Regulations Art. 31). On-demand
/// maintenance pilots relax it for monitored lifts (Ningbo Reg. Art. 31); intervals used by
/// evaluation crates are policy data with this as the default.
pub const MAINTENANCE_INTERVAL_DAYS: u32 = 15;

/// The use unit's sign-off of a maintenance session (Hangzhou Reg. Art. 20(6)).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct UseUnitConfirmation {
    /// Name of the safety manager who confirmed.
    pub confirmed_by: String,
    /// When.
    pub confirmed_at: Timestamp,
}

/// A maintenance session (TSG T5002-2017): who did which tier's items on which lift, when.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct MaintenanceRecord {
    /// Record id.
    pub id: RecordId,
    /// The lift.
    pub lift: RegistrationCode,
    /// The maintenance unit.
    pub maintenance_unit: CreditCode,
    /// Technicians on site (at least two for most work, by TSG T5002 practice).
    pub technicians: Vec<TechnicianId>,
    /// The tier performed.
    pub tier: MaintenanceTier,
    /// Items done.
    pub items_done: Vec<MaintenanceItemId>,
    /// Start on site.
    pub started_at: Timestamp,
    /// End on site.
    pub ended_at: Timestamp,
    /// The use unit's confirmation, once given.
    pub confirmation: Option<UseUnitConfirmation>,
    /// Remarks (problems found, parts replaced).
    pub remarks: String,
}

impl MaintenanceRecord {
    /// Minutes on site (negative if the times are reversed, which validation should reject).
    pub fn duration_minutes(&self) -> i64 {
        self.ended_at.millis_since(self.started_at) / 60_000
    }

    /// Checks the listed items against the tier for the lift's family.
    pub fn check_items(&self, family: MaintenanceFamily) -> ItemCheck {
        check_items(family, self.tier, &self.items_done)
    }
}

/// Kind of inspection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum InspectionKind {
    /// 定期检验 by an inspection body.
    Periodic,
    /// 自行检测 / self-test by the maintenance unit (yearly, before periodic inspection).
    SelfTest,
    /// 监督检验 after installation, modernisation or major repair.
    Supervisory,
}

/// Outcome of an inspection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum InspectionResult {
    /// 合格.
    Pass,
    /// 复检合格: passed after rectification.
    PassAfterRectification,
    /// 不合格.
    Fail,
}

/// An inspection or test of a lift.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct InspectionRecord {
    /// Record id.
    pub id: RecordId,
    /// The lift.
    pub lift: RegistrationCode,
    /// The inspection body (or the maintenance unit for a self-test).
    pub body: CreditCode,
    /// Kind.
    pub kind: InspectionKind,
    /// Day of inspection.
    pub inspected_on: NaiveDate,
    /// Result.
    pub result: InspectionResult,
    /// Report number.
    pub report_number: String,
    /// Next periodic inspection due (the end of validity of this result).
    pub next_due: NaiveDate,
}

impl InspectionRecord {
    /// Whether the result counts as passed on the first attempt (for first-pass rates).
    pub fn passed_first_time(&self) -> bool {
        self.result == InspectionResult::Pass
    }
}
