//! The organisations and people around a lift, keyed by unified social credit code.

use alloc::string::String;
use alloc::vec::Vec;
use chrono::NaiveDate;

use crate::equipment::GeoPoint;
use crate::id::{CreditCode, CrewId, StationId, TechnicianId};

/// The role an organisation plays; credit is evaluated per role (Hangzhou Reg. Art. 36).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum PartyRole {
    /// 使用单位: the unit responsible for safe use (owner, property company, …).
    UseUnit,
    /// 维护保养单位.
    MaintenanceUnit,
    /// 制造单位.
    Manufacturer,
    /// 经营单位: a seller or other operating unit.
    OperatingUnit,
    /// 检验、检测机构.
    InspectionBody,
    /// 保险机构.
    Insurer,
}

/// What every organisation has.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Organisation {
    /// 统一社会信用代码: the key.
    pub credit_code: CreditCode,
    /// Registered name.
    pub name: String,
    /// Registered address.
    pub address: String,
    /// Roles the organisation plays.
    pub roles: Vec<PartyRole>,
}

/// A use unit (使用单位) and its lift safety manager (Hangzhou Reg. Art. 20(1)).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct UseUnit {
    /// The organisation.
    pub organisation: Organisation,
    /// Name of the lift safety manager who signs off maintenance (Art. 20(6)).
    pub safety_manager: String,
    /// The 24-hour duty phone.
    pub duty_phone: String,
}

/// A maintenance technician (维保人员).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Technician {
    /// Id (usually the operator certificate number).
    pub id: TechnicianId,
    /// Name.
    pub name: String,
    /// Expiry of the special-equipment operator certificate (Hangzhou Reg. Art. 28(2): on-site
    /// staff must hold the qualification).
    pub certificate_valid_until: NaiveDate,
}

/// A station from which crews leave (维保站点 or 救援站).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Station {
    /// Id.
    pub id: StationId,
    /// Name.
    pub name: String,
    /// Where it is.
    pub point: GeoPoint,
}

/// A crew that can be dispatched to maintain or rescue.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Crew {
    /// Id.
    pub id: CrewId,
    /// Home station.
    pub station: StationId,
    /// Members.
    pub technicians: Vec<TechnicianId>,
}

/// A maintenance unit (维护保养单位) with its staff, crews and stations.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct MaintenanceUnit {
    /// The organisation.
    pub organisation: Organisation,
    /// Expiry of its special-equipment licence (an expired licence is a credit veto item).
    pub licence_valid_until: NaiveDate,
    /// 24-hour emergency rescue phone (Hangzhou Reg. Art. 30).
    pub rescue_phone: String,
    /// Technicians.
    pub technicians: Vec<Technician>,
    /// Crews.
    pub crews: Vec<Crew>,
    /// Stations.
    pub stations: Vec<Station>,
}

impl MaintenanceUnit {
    /// Whether the unit's licence is valid on `date`.
    pub fn licensed_on(&self, date: NaiveDate) -> bool {
        date <= self.licence_valid_until
    }

    /// The station a crew leaves from.
    pub fn station_of(&self, crew: &CrewId) -> Option<&Station> {
        let crew = self.crews.iter().find(|c| &c.id == crew)?;
        self.stations.iter().find(|s| s.id == crew.station)
    }
}

/// A manufacturer (制造单位).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Manufacturer {
    /// The organisation.
    pub organisation: Organisation,
    /// The 5-character manufacturer code used in equipment codes.
    pub manufacturer_code: String,
}

/// An inspection or testing body (检验、检测机构).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct InspectionBody {
    /// The organisation.
    pub organisation: Organisation,
    /// Approval number of its inspection licence.
    pub approval_number: String,
}

/// An insurer (保险机构).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Insurer {
    /// The organisation.
    pub organisation: Organisation,
}
