use alloc::string::String;
use alloc::vec::Vec;
use chrono::NaiveDate;

use crate::codes::{EventCode, HandlingStatus};
use crate::id::{CreditCode, RecordId, RegistrationCode};
use crate::time::Timestamp;

/// Where a fault record came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum FaultSource {
    /// Reported by the lift's smart system or found by the platform's detectors.
    Telemetry,
    /// Reported by a person (passenger, use unit, 96333 call).
    Report,
    /// Found during maintenance or inspection.
    Inspection,
}

/// A fault of a lift, "at floor X" (EN 627).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct FaultRecord {
    /// Record id.
    pub id: RecordId,
    /// The lift.
    pub lift: RegistrationCode,
    /// National code (with proprietary codes kept).
    pub code: EventCode,
    /// Floor where the car was, if known.
    pub floor: Option<i16>,
    /// Raised.
    pub raised_at: Timestamp,
    /// Cleared, once cleared.
    pub cleared_at: Option<Timestamp>,
    /// Handling status.
    pub handling: HandlingStatus,
    /// Source.
    pub source: FaultSource,
    /// When the maintenance unit gave the use unit its written solution for a fault it could not
    /// clear at once, telling it to stop using the lift until then (Hangzhou Reg. Art. 28(4)), if
    /// it did.
    #[serde(default)]
    pub written_notice_at: Option<Timestamp>,
}

/// What a complaint is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum ComplaintCategory {
    /// Frequent faults or breakdowns.
    FrequentFaults,
    /// Slow or no rescue.
    Rescue,
    /// Maintenance not done or done badly.
    Maintenance,
    /// Lift out of service too long.
    OutOfService,
    /// Anything else.
    Other,
}

/// A complaint from a citizen (scan the usage sign, opinions item 10) or a 12345 hotline case.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ComplaintRecord {
    /// Record id.
    pub id: RecordId,
    /// The lift, if the complaint names one.
    pub lift: Option<RegistrationCode>,
    /// The party complained about.
    pub against: CreditCode,
    /// Received.
    pub received_at: Timestamp,
    /// Category.
    pub category: ComplaintCategory,
    /// `Some(true)` substantiated, `Some(false)` not, `None` under investigation.
    pub substantiated: Option<bool>,
    /// Who complained and how to reach them, when a passenger did (implementation opinions item
    /// 10): withheld in every export (Hangzhou Reg. Art. 15(3), [`crate::privacy`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complainant: Option<crate::privacy::PassengerData<Contact>>,
}

/// A person's name and phone number.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    /// Name.
    pub name: String,
    /// Phone number.
    pub phone: String,
}

/// Kinds of disaster of Hangzhou Reg. Art. 32(2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum DisasterKind {
    /// 水浸 (flooding of pit or machine room).
    Flood,
    /// 火灾.
    Fire,
    /// 雷击.
    Lightning,
    /// 地震.
    Earthquake,
    /// Another disaster.
    Other,
}

/// A disaster that affected a lift (a risk-assessment condition, Hangzhou Reg. Art. 32(2)).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct DisasterExposure {
    /// Record id.
    pub id: RecordId,
    /// The lift.
    pub lift: RegistrationCode,
    /// Kind.
    pub kind: DisasterKind,
    /// Day it happened.
    pub occurred_on: NaiveDate,
    /// What happened to the lift.
    pub description: String,
}

/// Main components whose replacement is recorded (GB/T 31821 scrapping conditions and
/// Hangzhou Reg. Art. 32(3) design life). Unknown components keep their name.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum ComponentKind {
    /// Traction machine (驱动主机).
    TractionMachine,
    /// Brake.
    Brake,
    /// Controller cabinet.
    Controller,
    /// Suspension ropes or belts.
    SuspensionMeans,
    /// Door operator.
    DoorOperator,
    /// Landing or car door locks.
    DoorLock,
    /// Overspeed governor.
    Governor,
    /// Safety gear.
    SafetyGear,
    /// Buffers.
    Buffer,
    /// Unintended car movement protection.
    UcmProtection,
    /// Ascending car overspeed protection.
    AscendingOverspeedProtection,
    /// Escalator step or pallet chain.
    StepChain,
    /// Escalator steps or pallets.
    Steps,
    /// Escalator handrail.
    Handrail,
    /// Hydraulic pump unit or cylinder.
    HydraulicUnit,
    /// Anything else, by name.
    Other(String),
}

/// A main component replaced on a lift.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ComponentReplacement {
    /// Record id.
    pub id: RecordId,
    /// The lift.
    pub lift: RegistrationCode,
    /// Component.
    pub component: ComponentKind,
    /// Day replaced.
    pub replaced_on: NaiveDate,
    /// Unit that replaced it.
    pub by: CreditCode,
    /// Product quality certificate present (Hangzhou Reg. Art. 28(3)).
    pub has_quality_certificate: bool,
    /// Type-test certificate number, required for safety components (Art. 28(3)).
    pub type_test_certificate: Option<String>,
}

/// An administrative penalty decision against a party.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct AdministrativePenalty {
    /// Record id.
    pub id: RecordId,
    /// The party penalised.
    pub party: CreditCode,
    /// Day of the decision.
    pub decided_on: NaiveDate,
    /// Decision number.
    pub decision_number: String,
    /// The violation, citing the clause.
    pub reason: String,
    /// Fine in yuan (0 for a warning or order to rectify).
    pub fine_yuan: u64,
}

/// Accident classes of the State Council Special Equipment Regulations (Art. 61–64).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum AccidentClass {
    /// 一般事故, including passengers held in a car ≥ 2 h (Art. 64(3)).
    Ordinary,
    /// 较大事故.
    Major,
    /// 重大事故.
    Serious,
    /// 特别重大事故.
    ExtraSerious,
}

/// An accident.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Accident {
    /// Record id.
    pub id: RecordId,
    /// The lift.
    pub lift: RegistrationCode,
    /// When.
    pub occurred_at: Timestamp,
    /// Class.
    pub class: AccidentClass,
    /// Parties found responsible.
    pub responsible: Vec<CreditCode>,
    /// Deaths.
    pub deaths: u16,
    /// Injuries.
    pub injuries: u16,
    /// Description.
    pub description: String,
}
