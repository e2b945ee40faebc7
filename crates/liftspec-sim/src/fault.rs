//! Injected faults and their ground truth: every fault the simulator injects is logged with its
//! lift, kind and start/end time, so detectors can be scored for precision, recall and latency.

use liftspec_model::codes::EventCode;
use liftspec_model::id::RegistrationCode;
use liftspec_model::time::Timestamp;
use liftspec_protocol::wire::DeviceId;

/// What can go wrong with a lift (and with its terminal or its maintenance records).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub enum FaultKind {
    /// The car stops level at a landing and the doors do not open, passengers inside.
    TrappedAtLanding,
    /// The car stops between floors (outside the door zone), passengers inside.
    TrappedBetweenFloors,
    /// The car stops outside the door zone with nobody inside.
    StopOutsideDoorZone,
    /// The car moves with its door open (unintended car movement).
    MovingWithDoorOpen,
    /// The door opens while the car runs.
    DoorOpenWhileRunning,
    /// The car runs faster than allowed (about 115 % of rated speed or more).
    Overspeed,
    /// The car runs past the top landing onto the final limit switch (冲顶).
    OvertravelTop,
    /// The car runs past the bottom landing onto the final limit switch (蹲底).
    OvertravelBottom,
    /// The door fails to close: repeated reopen cycles, then out of service.
    DoorClosingFault,
    /// The door fails to open at a landing (nobody inside).
    DoorOpeningFault,
    /// The controller loses the car's position and re-levels at a terminal floor.
    FloorPositionLost,
    /// The safety circuit opens while running: emergency stop.
    SafetyCircuitOpen,
    /// The motor run-time limiter trips: a run takes too long.
    RunTimeLimiter,
    /// Mains power fails and is later restored.
    PowerFailure,
    /// The terminal stops sending (communication loss).
    TerminalSilence,
    /// Someone presses the alarm button while nothing is wrong.
    FalseAlarm,
    /// A maintenance session is reported with no inspection-mode time behind it.
    FakeMaintenance,
}

impl FaultKind {
    /// Every kind.
    pub const ALL: [Self; 17] = [
        Self::TrappedAtLanding,
        Self::TrappedBetweenFloors,
        Self::StopOutsideDoorZone,
        Self::MovingWithDoorOpen,
        Self::DoorOpenWhileRunning,
        Self::Overspeed,
        Self::OvertravelTop,
        Self::OvertravelBottom,
        Self::DoorClosingFault,
        Self::DoorOpeningFault,
        Self::FloorPositionLost,
        Self::SafetyCircuitOpen,
        Self::RunTimeLimiter,
        Self::PowerFailure,
        Self::TerminalSilence,
        Self::FalseAlarm,
        Self::FakeMaintenance,
    ];

    /// The national (GB/T 24476 and regional) code a controller reports for it, if any.
    pub fn national_code(self) -> Option<EventCode> {
        let n = match self {
            Self::TrappedAtLanding | Self::TrappedBetweenFloors => 11,
            Self::StopOutsideDoorZone => 4,
            Self::MovingWithDoorOpen | Self::DoorOpenWhileRunning => 5,
            Self::Overspeed | Self::SafetyCircuitOpen => 1,
            Self::OvertravelTop => 9,
            Self::OvertravelBottom => 10,
            Self::DoorClosingFault => 2,
            Self::DoorOpeningFault => 3,
            Self::FloorPositionLost => 7,
            Self::RunTimeLimiter => 6,
            Self::PowerFailure => 41,
            Self::TerminalSilence | Self::FalseAlarm | Self::FakeMaintenance => return None,
        };
        Some(EventCode::from_number(n))
    }

    /// Whether passengers are inside when it happens.
    pub const fn traps_passengers(self) -> bool {
        matches!(self, Self::TrappedAtLanding | Self::TrappedBetweenFloors)
    }

    /// Whether it strikes during a run (as opposed to at rest or outside the car).
    pub const fn strikes_while_running(self) -> bool {
        matches!(
            self,
            Self::TrappedBetweenFloors
                | Self::StopOutsideDoorZone
                | Self::DoorOpenWhileRunning
                | Self::Overspeed
                | Self::OvertravelTop
                | Self::OvertravelBottom
                | Self::FloorPositionLost
                | Self::SafetyCircuitOpen
                | Self::RunTimeLimiter
        )
    }
}

/// One injected fault, as it really happened.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroundTruth {
    /// Index of the lift in the city.
    pub lift: u32,
    /// Its terminal.
    pub device: DeviceId,
    /// Its registration code.
    pub registration_code: RegistrationCode,
    /// What happened.
    pub kind: FaultKind,
    /// When it started.
    pub start: Timestamp,
    /// When it ended (the lift back in service, the terminal back, the alarm over); `None` if it
    /// outlasted the simulation.
    pub end: Option<Timestamp>,
    /// Floor where it happened, if it has one.
    pub floor: Option<i16>,
    /// Whether the controller reported it with its national code (otherwise only the telemetry
    /// shows it).
    pub reported_by_controller: bool,
}
