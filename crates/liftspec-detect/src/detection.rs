//! What the detectors report: a fault raised or cleared, with its national and BACnet codes,
//! floor, severity, evidence and the source of the threshold that fired.

use liftspec_model::codes::{BacnetEquivalent, EventCode};
use liftspec_model::time::Timestamp;

use crate::thresholds::*;

/// What a detector found.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub enum DetectedKind {
    /// Passengers trapped in a car stopped level at a landing.
    TrappedAtLanding,
    /// Passengers trapped between floors (outside the door zone): the most urgent.
    TrappedBetweenFloors,
    /// The car stopped outside the door zone (an emergency stop).
    StoppedOutsideDoorZone,
    /// The car moved away from a landing with its door open.
    MovingWithDoorOpen,
    /// A door opened while the car was running.
    DoorOpenWhileRunning,
    /// Faster than allowed.
    Overspeed,
    /// Past the top landing.
    OvertravelTop,
    /// Past the bottom landing.
    OvertravelBottom,
    /// The door failed to close (repeated reopens).
    DoorClosingFault,
    /// The door failed to open at a landing.
    DoorOpeningFault,
    /// A door held open too long in normal service.
    DoorHeldOpen,
    /// The reported position jumped further than the car could move.
    FloorPositionLost,
    /// The controller reported its safety circuit open.
    SafetyCircuitOpen,
    /// A run lasted longer than the run-time limit.
    RunTimeout,
    /// Mains power is off.
    PowerFailure,
    /// The terminal has gone silent.
    CommunicationLoss,
    /// The terminal's clock is off.
    ClockDrift,
    /// An alarm-button press while nothing is wrong (EN 81-28 filtering).
    ProbableFalseAlarm,
    /// Another fault the controller reported.
    ControllerFault,
    /// A maintenance session with no inspection-mode time behind it (opinions item 7).
    UncorroboratedMaintenance,
    /// A run that ended out of service inside a door zone (an emergency stop the controller did
    /// not explain).
    EmergencyStop,
    /// The EN 81-28 periodic test call reported failure: the alarm or the voice call is not
    /// effective (Hangzhou Reg. Art. 20(3); implementation opinions item 8).
    TestCallFailed,
    /// No EN 81-28 test call for longer than the threshold (72 h): the alarm device is not shown
    /// to work (Hangzhou Reg. Art. 20(3); implementation opinions item 8).
    TestCallMissing,
    /// The car ran in normal service while a stop-use notice stood (Hangzhou Reg. Art. 20(9),
    /// 28(4): a lift with an unresolved fault is taken out of use until it is cleared).
    InServiceWhileStopped,
}

/// How urgent.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    /// Note it.
    Info,
    /// Schedule a repair.
    Warning,
    /// Out of service: send someone.
    Major,
    /// People at risk: rescue now.
    Critical,
}

impl DetectedKind {
    /// Every kind.
    pub const ALL: [Self; 24] = [
        Self::TrappedAtLanding,
        Self::TrappedBetweenFloors,
        Self::StoppedOutsideDoorZone,
        Self::MovingWithDoorOpen,
        Self::DoorOpenWhileRunning,
        Self::Overspeed,
        Self::OvertravelTop,
        Self::OvertravelBottom,
        Self::DoorClosingFault,
        Self::DoorOpeningFault,
        Self::DoorHeldOpen,
        Self::FloorPositionLost,
        Self::SafetyCircuitOpen,
        Self::RunTimeout,
        Self::PowerFailure,
        Self::CommunicationLoss,
        Self::ClockDrift,
        Self::ProbableFalseAlarm,
        Self::ControllerFault,
        Self::UncorroboratedMaintenance,
        Self::EmergencyStop,
        Self::TestCallFailed,
        Self::TestCallMissing,
        Self::InServiceWhileStopped,
    ];

    /// The national code a platform records it under, if any.
    pub fn national_code(self) -> Option<EventCode> {
        let n = match self {
            Self::TrappedAtLanding | Self::TrappedBetweenFloors => 11,
            Self::StoppedOutsideDoorZone => 4,
            Self::EmergencyStop => 8,
            Self::MovingWithDoorOpen | Self::DoorOpenWhileRunning => 5,
            Self::Overspeed | Self::SafetyCircuitOpen => 1,
            Self::OvertravelTop => 9,
            Self::OvertravelBottom => 10,
            Self::DoorClosingFault | Self::DoorHeldOpen => 2,
            Self::DoorOpeningFault => 3,
            Self::FloorPositionLost => 7,
            Self::RunTimeout => 6,
            Self::PowerFailure => 41,
            Self::ProbableFalseAlarm => 90,
            Self::CommunicationLoss
            | Self::ClockDrift
            | Self::ControllerFault
            | Self::UncorroboratedMaintenance
            | Self::TestCallFailed
            | Self::TestCallMissing
            | Self::InServiceWhileStopped => return None,
        };
        Some(EventCode::from_number(n))
    }

    /// Its severity.
    pub const fn severity(self) -> Severity {
        match self {
            Self::TrappedBetweenFloors | Self::TrappedAtLanding | Self::MovingWithDoorOpen => {
                Severity::Critical
            }
            Self::DoorOpenWhileRunning
            | Self::Overspeed
            | Self::OvertravelTop
            | Self::OvertravelBottom
            | Self::StoppedOutsideDoorZone
            | Self::EmergencyStop
            | Self::SafetyCircuitOpen
            | Self::RunTimeout
            | Self::PowerFailure
            | Self::ControllerFault
            | Self::TestCallFailed
            | Self::InServiceWhileStopped => Severity::Major,
            Self::DoorClosingFault
            | Self::DoorOpeningFault
            | Self::FloorPositionLost
            | Self::CommunicationLoss
            | Self::UncorroboratedMaintenance
            | Self::TestCallMissing => Severity::Warning,
            Self::DoorHeldOpen | Self::ClockDrift | Self::ProbableFalseAlarm => Severity::Info,
        }
    }

    /// The source of the rule that detects it.
    pub const fn source(self) -> Source {
        match self {
            Self::TrappedAtLanding | Self::TrappedBetweenFloors => SOURCE_TRAPPED,
            Self::StoppedOutsideDoorZone => SOURCE_DOOR_ZONE,
            Self::EmergencyStop => SOURCE_EMERGENCY_STOP,
            Self::MovingWithDoorOpen | Self::DoorOpenWhileRunning => SOURCE_UCM,
            Self::Overspeed => SOURCE_OVERSPEED,
            Self::OvertravelTop | Self::OvertravelBottom => SOURCE_OVERTRAVEL,
            Self::DoorClosingFault | Self::DoorOpeningFault | Self::DoorHeldOpen => SOURCE_DOOR,
            Self::FloorPositionLost => SOURCE_POSITION,
            Self::RunTimeout => SOURCE_RUN_TIME,
            Self::PowerFailure => SOURCE_POWER,
            Self::CommunicationLoss | Self::ClockDrift => SOURCE_SILENCE,
            Self::ProbableFalseAlarm => SOURCE_ALARM_FILTER,
            Self::SafetyCircuitOpen | Self::ControllerFault => SOURCE_CONTROLLER,
            Self::UncorroboratedMaintenance => SOURCE_MAINTENANCE,
            Self::TestCallFailed | Self::TestCallMissing => SOURCE_TEST_CALL,
            Self::InServiceWhileStopped => SOURCE_STOP_USE,
        }
    }

    pub(crate) const fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

/// One piece of evidence: a named value at a time.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    /// When (device clock for frame values, platform clock for silences).
    pub at: Timestamp,
    /// What, e.g. `speedMmS` or `frontDoor`.
    pub field: String,
    /// Its value, as text.
    pub value: String,
}

/// A fault raised by a detector.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Detection {
    /// What.
    pub kind: DetectedKind,
    /// Raised (true) or cleared (false).
    pub raised: bool,
    /// When the condition began to hold (device clock), or when it cleared.
    pub at: Timestamp,
    /// When the platform knew (receive clock): `at` plus the detection's own delay.
    pub detected_at: Timestamp,
    /// Floor, when it has one.
    pub floor: Option<i16>,
    /// National code.
    pub code: Option<EventCode>,
    /// BACnet equivalent.
    pub bacnet: Option<BacnetEquivalent>,
    /// Severity.
    pub severity: Severity,
    /// The values that triggered it.
    pub evidence: Vec<Evidence>,
    /// The source of the threshold or rule.
    pub source: String,
}

impl Detection {
    pub(crate) fn new(
        kind: DetectedKind,
        raised: bool,
        at: Timestamp,
        detected_at: Timestamp,
        floor: Option<i16>,
        evidence: Vec<Evidence>,
    ) -> Self {
        let code = kind.national_code();
        Self {
            kind,
            raised,
            at,
            detected_at,
            floor,
            code,
            bacnet: code.and_then(EventCode::bacnet),
            severity: kind.severity(),
            evidence,
            source: kind.source().into(),
        }
    }
}

pub(crate) fn evidence(at: Timestamp, field: &str, value: impl ToString) -> Evidence {
    Evidence {
        at,
        field: field.into(),
        value: value.to_string(),
    }
}
