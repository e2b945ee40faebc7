use alloc::string::String;
use alloc::vec::Vec;

use liftspec_model::catalogue::{MaintenanceItemId, MaintenanceTier};
use liftspec_model::codes::{DoorStatus, EventCode, ServiceMode};
use liftspec_model::equipment::EquipmentKind;
use liftspec_model::id::{CreditCode, EquipmentCode, RegistrationCode, TechnicianId};
use liftspec_model::record::UseUnitConfirmation;
use liftspec_model::time::Timestamp;

use super::MessageKind;

/// What a terminal supports (like Matter PICS): the message kinds it sends and the optional
/// [`Status`] fields it fills.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Capabilities {
    /// Kind bytes of the message kinds the terminal sends (the frame's byte 2 values). Bytes,
    /// not [`MessageKind`], so a platform can register a newer terminal that declares kinds it
    /// does not know yet.
    pub kinds: Vec<u8>,
    /// Fills `Status::load_percent`.
    pub load: bool,
    /// Fills `Status::speed_mm_s`.
    pub speed: bool,
    /// Fills `Status::position_mm`.
    pub position: bool,
    /// Fills `Status::occupied`.
    pub occupancy: bool,
    /// Supports live voice calls (Hangzhou Reg. Art. 15: real-time call).
    pub voice: bool,
}

impl Capabilities {
    /// Whether the terminal declares `kind`.
    pub fn sends(&self, kind: MessageKind) -> bool {
        self.kinds.contains(&kind.byte())
    }

    /// The declared kinds this implementation knows, in declaration order.
    pub fn known_kinds(&self) -> impl Iterator<Item = MessageKind> + '_ {
        self.kinds.iter().filter_map(|b| MessageKind::from_byte(*b))
    }
}

/// Installation basic information (GB/T 24476 clause 8), firmware, public key and capabilities.
/// The first frame a terminal sends, and again after any change.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Register {
    /// The lift this terminal is installed on.
    pub lift: RegistrationCode,
    /// Its equipment code, if issued.
    pub equipment_code: Option<EquipmentCode>,
    /// Kind of lift.
    pub kind: EquipmentKind,
    /// Manufacturer.
    pub manufacturer: CreditCode,
    /// Model name.
    pub model: String,
    /// Rated load in kg, if a lift.
    pub rated_load_kg: Option<u32>,
    /// Rated speed in mm/s.
    pub rated_speed_mm_s: u32,
    /// Lowest floor number served.
    pub lowest_floor: i16,
    /// Highest floor number served.
    pub highest_floor: i16,
    /// Stops.
    pub stops: u16,
    /// Terminal firmware version.
    pub firmware: String,
    /// The terminal's Ed25519 public key (32 bytes; 64 hex digits in JSON).
    #[serde(with = "crate::hex_key")]
    #[cfg_attr(feature = "schema", schemars(with = "crate::hex_key::HexKey"))]
    pub public_key: [u8; 32],
    /// What it supports.
    pub capabilities: Capabilities,
}

/// Travel direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum Direction {
    /// 0: none.
    None,
    /// 1: up.
    Up,
    /// 2: down.
    Down,
}

/// Real-time running status (GB/T 24476 clause 9), typically once a second and on change.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Status {
    /// Service mode.
    pub mode: ServiceMode,
    /// Car moving.
    pub moving: bool,
    /// Direction of travel (or of the next trip).
    pub direction: Direction,
    /// Current floor (or the last one passed).
    pub floor: i16,
    /// Car inside a door (unlocking) zone.
    pub door_zone: bool,
    /// Front car door state (BACnet DoorStatus).
    pub front_door: DoorStatus,
    /// Rear car door state, for through cars.
    pub rear_door: Option<DoorStatus>,
    /// Someone in the car (occupancy sensor), if supported.
    pub occupied: Option<bool>,
    /// Load as % of rated load, if supported.
    pub load_percent: Option<u8>,
    /// Signed speed in mm/s (positive up), if supported.
    pub speed_mm_s: Option<i32>,
    /// Car sill level in mm on the floor table's scale, if supported.
    pub position_mm: Option<i32>,
    /// Mains power present.
    pub mains_power: bool,
    /// Up final limit switch open.
    pub up_final_limit: bool,
    /// Down final limit switch open.
    pub down_final_limit: bool,
}

/// Cumulative statistics (GB/T 24476 clause 10).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Statistics {
    /// Total running time in seconds.
    pub running_seconds: u64,
    /// Total trips.
    pub run_count: u64,
    /// Total door open/close cycles.
    pub door_cycles: u64,
    /// Energy consumed in Wh, if metered.
    pub energy_wh: Option<u64>,
}

/// Whether a coded event starts, ends, or is instantaneous.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum EventState {
    /// A fault or mode begins.
    Raised,
    /// A fault or mode ends.
    Cleared,
    /// An instantaneous event (alarm button press).
    Occurred,
}

/// A coded event (GB/T 24476 clause 11): fault raised/cleared, service event 40–47, alarm 90,
/// "at floor X" (EN 627).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EventMessage {
    /// National code (BACnet equivalent via `EventCode::bacnet`).
    pub code: EventCode,
    /// Raised, cleared or occurred.
    pub state: EventState,
    /// Floor where the car was.
    pub floor: Option<i16>,
    /// When it happened on the device.
    pub at: Timestamp,
}

/// Which car door.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum DoorSide {
    /// Front.
    Front,
    /// Rear.
    Rear,
}

/// One door cycle at a landing: durations, reopens and load change (KONE-style door metrics).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DoorCycle {
    /// Landing floor.
    pub floor: i16,
    /// Which door.
    pub door: DoorSide,
    /// Opening time in ms.
    pub opening_ms: u32,
    /// Time fully open in ms.
    pub open_ms: u32,
    /// Closing time in ms.
    pub closing_ms: u32,
    /// Reopens caused by the photocell / light curtain.
    pub reopens_photocell: u8,
    /// Reopens caused by the door-open button.
    pub reopens_button: u8,
    /// Load % before the cycle.
    pub load_before_percent: Option<u8>,
    /// Load % after the cycle.
    pub load_after_percent: Option<u8>,
    /// When the door started opening.
    pub started_at: Timestamp,
}

/// Why the installation filtered an alarm (EN 81-28 alarm filtering).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum FilterReason {
    /// The car stood at a landing with the door open.
    DoorOpenAtLanding,
    /// The car was running normally.
    RunningNormally,
}

/// A step of the EN 81-28 remote alarm lifecycle.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    deny_unknown_fields
)]
pub enum AlarmStage {
    /// The alarm button was pressed (long enough to bypass filtering, or not filtered).
    Raised,
    /// Suppressed by the installation's filter.
    Filtered(FilterReason),
    /// Emitted to the rescue service; repeated until acknowledged.
    Emitted {
        /// Attempt number from 1.
        attempt: u16,
    },
    /// Acknowledged by the rescue service.
    Acknowledged,
    /// Voice connection established.
    VoiceConnected,
    /// End of alarm: only ever from the installation (EN 81-28).
    Ended,
    /// Result of the automatic test call (at least every 72 h).
    TestCall {
        /// Whether the test call got through.
        ok: bool,
    },
    /// Backup battery state (≥ 1 h including 15 min voice).
    Battery {
        /// Charge in %.
        percent: u8,
        /// Whether the battery passed its self-test.
        healthy: bool,
    },
}

/// An alarm lifecycle step. Signed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AlarmMessage {
    /// Device-local alarm number, the same for every step of one alarm.
    pub alarm_id: u32,
    /// The step.
    pub stage: AlarmStage,
    /// Floor where the car was.
    pub floor: Option<i16>,
    /// When.
    pub at: Timestamp,
}

/// A maintenance session recorded on the terminal (opinions item 7: true and complete data).
/// Signed, and unchangeable once sent (TSG T5002).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MaintenanceSession {
    /// Session id assigned by the terminal.
    pub session_id: String,
    /// Maintenance unit.
    pub maintenance_unit: CreditCode,
    /// Technicians who signed in on the terminal.
    pub technicians: Vec<TechnicianId>,
    /// Tier.
    pub tier: MaintenanceTier,
    /// Items done.
    pub items_done: Vec<MaintenanceItemId>,
    /// Start on site.
    pub started_at: Timestamp,
    /// End on site.
    pub ended_at: Timestamp,
    /// The use unit's confirmation.
    pub confirmation: Option<UseUnitConfirmation>,
}

/// Terminal health.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Heartbeat {
    /// Seconds since the terminal booted.
    pub uptime_s: u32,
    /// Mobile signal strength in dBm.
    pub signal_dbm: i16,
    /// Backup battery %, if any.
    pub battery_percent: Option<u8>,
    /// The terminal's own estimate of its clock offset from the platform, in ms.
    pub clock_offset_ms: i32,
}

/// Why a device has no frame for a range of its sequence numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum DiscardReason {
    /// 0: the device dropped these frames: its outbox was full (status-like frames only) or the
    /// platform rejected them with a Nack. `count` says how many.
    Dropped,
    /// 1: an answer to a Resume: the device no longer holds these numbers — acknowledged earlier,
    /// or lost (a crash between two writes, a store that failed). A receiver that still misses
    /// any of them reports the loss.
    NotHeld,
}

/// The device has no frame for the numbers from this frame's own sequence number through
/// `through_seq`: it dropped them ([`DiscardReason::Dropped`]; never alarms, faults, maintenance
/// or registration) or no longer holds them ([`DiscardReason::NotHeld`]). The receiver skips
/// only the numbers in the range it has not received, and reports them. Must be signed: it can
/// cancel what the receiver waits for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Discarded {
    /// Last sequence number of the range (≥ the frame's own).
    pub through_seq: u64,
    /// Frames dropped in the range (1 … its length) for `dropped`; 0 for `notHeld`.
    pub count: u64,
    /// Why.
    pub reason: DiscardReason,
}
