//! What a lift is: kind, ratings, landings, location, place, smart system and insurance.

mod floor_table;
mod insurance;
mod kind;
mod location;
mod place;

use alloc::string::String;
use alloc::vec::Vec;
use chrono::NaiveDate;

pub use floor_table::{CarPosition, DoorSides, FloorTable, FloorTableError, Landing};
pub use insurance::{InsuranceCover, InsurancePolicy, InsuredService};
pub use kind::EquipmentKind;
pub use location::{GeoError, GeoPoint, Location};
pub use place::{PlaceCategory, RetrofitManagement, SmartSystemStatus};

use crate::id::{CreditCode, EquipmentCode, RegistrationCode, RescueCode, UsageCertificate};

/// One lift (or escalator, moving walk…) as the supervision platform registers it.
///
/// The registration code is its key across liftspec.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Equipment {
    /// 注册代码: the key of the lift across liftspec.
    pub registration_code: RegistrationCode,
    /// 设备代码, when issued.
    pub equipment_code: Option<EquipmentCode>,
    /// 使用登记证编号, when issued.
    pub usage_certificate: Option<UsageCertificate>,
    /// The emergency rescue code printed on the usage or rescue sign.
    pub rescue_code: Option<RescueCode>,
    /// What kind of lift it is.
    pub kind: EquipmentKind,
    /// Manufacturer's model name.
    pub model: String,
    /// Rated load in kg (`None` for escalators and moving walks).
    pub rated_load_kg: Option<u32>,
    /// Rated speed in mm/s (1.75 m/s is 1750).
    pub rated_speed_mm_s: u32,
    /// Landings bottom to top (escalators: the two landings).
    pub floors: FloorTable,
    /// Date the lift was first put into service (投入使用日期): the start of "service life" in
    /// Hangzhou Reg. Art. 32(1).
    pub commissioned_on: NaiveDate,
    /// Where it is.
    pub location: Location,
    /// What kind of place it serves.
    pub place: PlaceCategory,
    /// Smart elevator system state.
    pub smart_system: SmartSystemStatus,
    /// Set for lifts added to existing residential buildings: who manages them.
    pub retrofit_management: Option<RetrofitManagement>,
    /// The use unit (使用单位) responsible for it.
    pub use_unit: CreditCode,
    /// The maintenance unit (维护保养单位) under contract.
    pub maintenance_unit: CreditCode,
    /// The manufacturer (制造单位).
    pub manufacturer: CreditCode,
    /// Insurance policies, current and past.
    pub insurance: Vec<InsurancePolicy>,
}

impl Equipment {
    /// Whole years in service on `date` (0 before the first anniversary; 0 if `date` is before
    /// commissioning). A lift commissioned on 2010-05-01 has 15 years on 2025-05-01 and 16 on
    /// 2026-05-01; a 29 February commissioning completes a year on 28 February of a common year
    /// (Civil Code Art. 202, see [`crate::counting`]).
    pub fn years_in_service(&self, date: NaiveDate) -> u32 {
        full_years_between(self.commissioned_on, date)
    }

    /// Whether the lift has been in service **more than** `years` full years on `date`, i.e. the
    /// day after its `years`-th anniversary or later. Hangzhou Reg. Art. 32(1) reads "使用期限超过
    /// 十五年".
    pub fn in_service_more_than(&self, years: u32, date: NaiveDate) -> bool {
        crate::counting::more_than_years(self.commissioned_on, years).is_some_and(|day| date >= day)
    }

    /// The policies in force on `date`.
    pub fn insurance_on(&self, date: NaiveDate) -> impl Iterator<Item = &InsurancePolicy> {
        self.insurance.iter().filter(move |p| p.in_force_on(date))
    }
}

/// The last day of a `years`-year period from `start` (its anniversary; 29 February ends the
/// period on 28 February in a common year, Civil Code Art. 202): see
/// [`crate::counting::years_period_end`].
pub fn anniversary(start: NaiveDate, years: u32) -> Option<NaiveDate> {
    crate::counting::years_period_end(start, years)
}

/// Whole years from `start` to `end` (0 if `end` is before `start`): see
/// [`crate::counting::full_years`].
pub fn full_years_between(start: NaiveDate, end: NaiveDate) -> u32 {
    crate::counting::full_years(start, end)
}
