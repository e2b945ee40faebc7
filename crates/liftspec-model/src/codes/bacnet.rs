use super::open_code_enum;

/// BACnet enumerations reserve 0–255 to ASHRAE; 256–65535 may be used by vendors
/// (ASHRAE 135, clause 23). Values from here on are proprietary.
pub const BACNET_PROPRIETARY_START: u16 = 256;

open_code_enum! {
    /// BACnetLiftFault (ASHRAE 135, Lift object `Fault_Signals`).
    pub enum BacnetLiftFault: u16 {
        /// 0.
        ControllerFault = 0 => "controller-fault",
        /// 1.
        DriveAndMotorFault = 1 => "drive-and-motor-fault",
        /// 2.
        GovernorAndSafetyGearFault = 2 => "governor-and-safety-gear-fault",
        /// 3.
        LiftShaftDeviceFault = 3 => "lift-shaft-device-fault",
        /// 4.
        PowerSupplyFault = 4 => "power-supply-fault",
        /// 5.
        SafetyInterlockFault = 5 => "safety-interlock-fault",
        /// 6.
        DoorClosingFault = 6 => "door-closing-fault",
        /// 7.
        DoorOpeningFault = 7 => "door-opening-fault",
        /// 8.
        CarStoppedOutsideLandingZone = 8 => "car-stopped-outside-landing-zone",
        /// 9.
        CallButtonStuck = 9 => "call-button-stuck",
        /// 10.
        StartFailure = 10 => "start-failure",
        /// 11.
        ControllerSupplyFault = 11 => "controller-supply-fault",
        /// 12.
        SelfTestFailure = 12 => "self-test-failure",
        /// 13.
        RuntimeLimitExceeded = 13 => "runtime-limit-exceeded",
        /// 14.
        PositionLost = 14 => "position-lost",
        /// 15.
        DriveTemperatureExceeded = 15 => "drive-temperature-exceeded",
        /// 16.
        LoadMeasurementFault = 16 => "load-measurement-fault",
    }
}

open_code_enum! {
    /// BACnetLiftCarMode (ASHRAE 135, Lift object `Car_Mode`).
    pub enum LiftCarMode: u16 {
        /// 0.
        Unknown = 0 => "unknown",
        /// 1.
        Normal = 1 => "normal",
        /// 2.
        Vip = 2 => "vip",
        /// 3.
        Homing = 3 => "homing",
        /// 4.
        Parking = 4 => "parking",
        /// 5.
        AttendantControl = 5 => "attendant-control",
        /// 6.
        FirefighterControl = 6 => "firefighter-control",
        /// 7.
        EmergencyPower = 7 => "emergency-power",
        /// 8.
        Inspection = 8 => "inspection",
        /// 9.
        CabinetRecall = 9 => "cabinet-recall",
        /// 10.
        EarthquakeOperation = 10 => "earthquake-operation",
        /// 11.
        FireOperation = 11 => "fire-operation",
        /// 12.
        OutOfService = 12 => "out-of-service",
        /// 13.
        OccupantEvacuation = 13 => "occupant-evacuation",
    }
}

open_code_enum! {
    /// BACnetDoorStatus (ASHRAE 135, Lift object `Car_Door_Status`).
    pub enum DoorStatus: u16 {
        /// 0.
        Closed = 0 => "closed",
        /// 1.
        Opened = 1 => "opened",
        /// 2.
        Unknown = 2 => "unknown",
        /// 3.
        DoorFault = 3 => "door-fault",
        /// 4.
        Unused = 4 => "unused",
        /// 5.
        None = 5 => "none",
        /// 6.
        Closing = 6 => "closing",
        /// 7.
        Opening = 7 => "opening",
        /// 8.
        SafetyLocked = 8 => "safety-locked",
        /// 9.
        LimitedOpened = 9 => "limited-opened",
    }
}

open_code_enum! {
    /// BACnetLiftCarDriveStatus (ASHRAE 135, Lift object `Car_Drive_Status`).
    pub enum LiftCarDriveStatus: u16 {
        /// 0.
        Unknown = 0 => "unknown",
        /// 1.
        Stationary = 1 => "stationary",
        /// 2.
        Braking = 2 => "braking",
        /// 3.
        Accelerate = 3 => "accelerate",
        /// 4.
        Decelerate = 4 => "decelerate",
        /// 5.
        RatedSpeed = 5 => "rated-speed",
        /// 6.
        SingleFloorJump = 6 => "single-floor-jump",
        /// 7.
        TwoFloorJump = 7 => "two-floor-jump",
        /// 8.
        ThreeFloorJump = 8 => "three-floor-jump",
        /// 9.
        MultiFloorJump = 9 => "multi-floor-jump",
    }
}

open_code_enum! {
    /// BACnetEscalatorFault (ASHRAE 135, Escalator object `Fault_Signals`).
    pub enum BacnetEscalatorFault: u16 {
        /// 0.
        ControllerFault = 0 => "controller-fault",
        /// 1.
        DriveAndMotorFault = 1 => "drive-and-motor-fault",
        /// 2.
        MechanicalComponentFault = 2 => "mechanical-component-fault",
        /// 3.
        OverspeedFault = 3 => "overspeed-fault",
        /// 4.
        PowerSupplyFault = 4 => "power-supply-fault",
        /// 5.
        SafetyDeviceFault = 5 => "safety-device-fault",
        /// 6.
        ControllerSupplyFault = 6 => "controller-supply-fault",
        /// 7.
        DriveTemperatureExceeded = 7 => "drive-temperature-exceeded",
        /// 8.
        CombPlateFault = 8 => "comb-plate-fault",
    }
}

macro_rules! proprietary_check {
    ($($ty:ident),*) => {$(
        impl $ty {
            /// Whether the value is in the BACnet vendor range (256 and above).
            pub const fn is_proprietary(self) -> bool {
                self.code() >= BACNET_PROPRIETARY_START
            }
        }
    )*};
}
proprietary_check!(
    BacnetLiftFault,
    LiftCarMode,
    DoorStatus,
    LiftCarDriveStatus,
    BacnetEscalatorFault
);
