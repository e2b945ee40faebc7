//! The mapping between national codes and BACnet (DOMAIN.md §4: "keep a mapping between the
//! national codes and BACnet").
//!
//! Where the national code has no BACnet counterpart (unintended movement, trapped passengers,
//! non-commanded reversal, mains off) the mapping says `None` rather than guess.

use super::bacnet::{BacnetEscalatorFault, BacnetLiftFault, LiftCarMode};
use super::national::{EscalatorFault, EventCode, LiftFault, ServiceEvent, ServiceMode};

/// The BACnet value that expresses a national code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum BacnetEquivalent {
    /// A BACnetLiftFault.
    LiftFault(BacnetLiftFault),
    /// A BACnetLiftCarMode.
    CarMode(LiftCarMode),
    /// A BACnetEscalatorFault.
    EscalatorFault(BacnetEscalatorFault),
}

impl LiftFault {
    /// The BACnetLiftFault for this national lift fault, where one exists.
    pub const fn bacnet(self) -> Option<BacnetLiftFault> {
        Some(match self {
            Self::SafetyCircuitOpen => BacnetLiftFault::SafetyInterlockFault,
            Self::DoorClosing => BacnetLiftFault::DoorClosingFault,
            Self::DoorOpening => BacnetLiftFault::DoorOpeningFault,
            Self::StoppedOutsideUnlockingZone => BacnetLiftFault::CarStoppedOutsideLandingZone,
            Self::RunTimeLimiter => BacnetLiftFault::RuntimeLimitExceeded,
            Self::FloorPositionLost => BacnetLiftFault::PositionLost,
            Self::OtherPreventingRestart => BacnetLiftFault::StartFailure,
            // Final limit switches are shaft devices.
            Self::OvertravelTop | Self::OvertravelBottom => BacnetLiftFault::LiftShaftDeviceFault,
            Self::UnintendedMovement | Self::TrappedPassengers | Self::Other(_) => return None,
        })
    }

    /// The national lift fault a BACnetLiftFault reports, where exactly one corresponds.
    pub const fn from_bacnet(fault: BacnetLiftFault) -> Option<Self> {
        Some(match fault {
            BacnetLiftFault::SafetyInterlockFault => Self::SafetyCircuitOpen,
            BacnetLiftFault::DoorClosingFault => Self::DoorClosing,
            BacnetLiftFault::DoorOpeningFault => Self::DoorOpening,
            BacnetLiftFault::CarStoppedOutsideLandingZone => Self::StoppedOutsideUnlockingZone,
            BacnetLiftFault::RuntimeLimitExceeded => Self::RunTimeLimiter,
            BacnetLiftFault::PositionLost => Self::FloorPositionLost,
            BacnetLiftFault::StartFailure => Self::OtherPreventingRestart,
            _ => return None,
        })
    }
}

impl EscalatorFault {
    /// The BACnetEscalatorFault for this national escalator fault, where one exists.
    pub const fn bacnet(self) -> Option<BacnetEscalatorFault> {
        Some(match self {
            Self::SafetyCircuit => BacnetEscalatorFault::SafetyDeviceFault,
            Self::Overspeed => BacnetEscalatorFault::OverspeedFault,
            Self::MissingStepOrPallet => BacnetEscalatorFault::MechanicalComponentFault,
            Self::RestartPrevented => BacnetEscalatorFault::ControllerFault,
            Self::NonCommandedReversal | Self::Other(_) => return None,
        })
    }

    /// The national escalator fault a BACnetEscalatorFault reports, where exactly one corresponds.
    pub const fn from_bacnet(fault: BacnetEscalatorFault) -> Option<Self> {
        Some(match fault {
            BacnetEscalatorFault::SafetyDeviceFault => Self::SafetyCircuit,
            BacnetEscalatorFault::OverspeedFault => Self::Overspeed,
            BacnetEscalatorFault::MechanicalComponentFault => Self::MissingStepOrPallet,
            BacnetEscalatorFault::ControllerFault => Self::RestartPrevented,
            _ => return None,
        })
    }
}

impl ServiceMode {
    /// The BACnetLiftCarMode for this service mode.
    pub const fn bacnet(self) -> LiftCarMode {
        match self {
            Self::OutOfService => LiftCarMode::OutOfService,
            Self::Normal => LiftCarMode::Normal,
            Self::Inspection => LiftCarMode::Inspection,
            Self::FireReturn => LiftCarMode::FireOperation,
            Self::Firefighter => LiftCarMode::FirefighterControl,
            Self::EmergencyPower => LiftCarMode::EmergencyPower,
            Self::Earthquake => LiftCarMode::EarthquakeOperation,
            Self::Parking => LiftCarMode::Parking,
            Self::IndependentService => LiftCarMode::AttendantControl,
            Self::Unknown | Self::Other(_) => LiftCarMode::Unknown,
        }
    }

    /// The service mode a BACnetLiftCarMode reports. Parking and attendant control have modes of
    /// liftspec's range; the others with no national counterpart (VIP, homing, cabinet recall,
    /// evacuation) are normal service with a special dispatching policy, and map to `Normal`.
    pub const fn from_bacnet(mode: LiftCarMode) -> Self {
        match mode {
            LiftCarMode::OutOfService => Self::OutOfService,
            LiftCarMode::Normal
            | LiftCarMode::Vip
            | LiftCarMode::Homing
            | LiftCarMode::CabinetRecall
            | LiftCarMode::OccupantEvacuation => Self::Normal,
            LiftCarMode::Inspection => Self::Inspection,
            LiftCarMode::FireOperation => Self::FireReturn,
            LiftCarMode::FirefighterControl => Self::Firefighter,
            LiftCarMode::EmergencyPower => Self::EmergencyPower,
            LiftCarMode::EarthquakeOperation => Self::Earthquake,
            LiftCarMode::Parking => Self::Parking,
            LiftCarMode::AttendantControl => Self::IndependentService,
            LiftCarMode::Unknown | LiftCarMode::Other(_) => Self::Unknown,
        }
    }
}

impl ServiceEvent {
    /// The BACnet expression of a service event: the car mode it enters, or for mains off the
    /// power-supply fault.
    pub const fn bacnet(self) -> Option<BacnetEquivalent> {
        Some(match self {
            Self::BackToNormal => BacnetEquivalent::CarMode(LiftCarMode::Normal),
            Self::MainsOff => BacnetEquivalent::LiftFault(BacnetLiftFault::PowerSupplyFault),
            Self::OutOfService => BacnetEquivalent::CarMode(LiftCarMode::OutOfService),
            Self::Inspection => BacnetEquivalent::CarMode(LiftCarMode::Inspection),
            Self::FireReturn => BacnetEquivalent::CarMode(LiftCarMode::FireOperation),
            Self::Firefighter => BacnetEquivalent::CarMode(LiftCarMode::FirefighterControl),
            Self::EmergencyPower => BacnetEquivalent::CarMode(LiftCarMode::EmergencyPower),
            Self::Earthquake => BacnetEquivalent::CarMode(LiftCarMode::EarthquakeOperation),
            Self::Other(_) => return None,
        })
    }

    /// The service mode the lift is in after this event, where the event names one.
    pub const fn service_mode(self) -> Option<ServiceMode> {
        Some(match self {
            Self::BackToNormal => ServiceMode::Normal,
            Self::OutOfService => ServiceMode::OutOfService,
            Self::Inspection => ServiceMode::Inspection,
            Self::FireReturn => ServiceMode::FireReturn,
            Self::Firefighter => ServiceMode::Firefighter,
            Self::EmergencyPower => ServiceMode::EmergencyPower,
            Self::Earthquake => ServiceMode::Earthquake,
            Self::MainsOff | Self::Other(_) => return None,
        })
    }
}

impl EventCode {
    /// The BACnet expression of this code, where one exists.
    ///
    /// ```
    /// use liftspec_model::codes::{BacnetEquivalent, BacnetLiftFault, EventCode};
    /// assert_eq!(
    ///     EventCode::from_number(4).bacnet(),
    ///     Some(BacnetEquivalent::LiftFault(BacnetLiftFault::CarStoppedOutsideLandingZone))
    /// );
    /// assert_eq!(EventCode::from_number(11).bacnet(), None); // trapped: no BACnet fault
    /// ```
    pub const fn bacnet(self) -> Option<BacnetEquivalent> {
        match self {
            Self::Lift(f) => match f.bacnet() {
                Some(b) => Some(BacnetEquivalent::LiftFault(b)),
                None => None,
            },
            Self::Escalator(f) => match f.bacnet() {
                Some(b) => Some(BacnetEquivalent::EscalatorFault(b)),
                None => None,
            },
            Self::Service(e) => e.bacnet(),
            Self::AlarmButton | Self::Unassigned(_) | Self::Proprietary(_) => None,
        }
    }
}
