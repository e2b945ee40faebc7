use core::fmt;

use super::open_code_enum;

open_code_enum! {
    /// GB/T 24476 real-time service mode (DOMAIN.md §4), 0–7; and two modes of liftspec's own
    /// range (128 and above, `docs/protocol.md` §6.14) for what the national list lacks but
    /// BACnetLiftCarMode has: parking (BACnet 4) and independent or attendant service (BACnet 5).
    /// Both are taken out of passenger service on purpose, not by a fault.
    pub enum ServiceMode: u8 {
        /// 0: out of service.
        OutOfService = 0 => "out of service",
        /// 1: normal passenger service.
        Normal = 1 => "normal",
        /// 2: inspection (maintenance) operation.
        Inspection = 2 => "inspection",
        /// 3: fire emergency return.
        FireReturn = 3 => "fire return",
        /// 4: firefighter operation.
        Firefighter = 4 => "firefighter operation",
        /// 5: emergency power operation.
        EmergencyPower = 5 => "emergency power",
        /// 6: earthquake operation.
        Earthquake = 6 => "earthquake operation",
        /// 7: unknown (the device itself does not know).
        Unknown = 7 => "unknown",
        /// 128 (liftspec range): parked out of service by a key switch or a timetable, after a
        /// normal door cycle (BACnetLiftCarMode 4 `parking`).
        Parking = 128 => "parking",
        /// 129 (liftspec range): independent or attendant service, the car answering only its
        /// own car calls (BACnetLiftCarMode 5 `attendant-control`).
        IndependentService = 129 => "independent service",
    }
}

/// The first service-mode number of liftspec's own range: GB/T 24476 keeps the numbers below.
pub const SERVICE_MODE_LIFTSPEC_RANGE: u8 = 128;

open_code_enum! {
    /// Lift fault codes 01–08 of GB/T 24476 and the regional extensions 09–11 (DOMAIN.md §4).
    pub enum LiftFault: u8 {
        /// 01: safety circuit opened while running.
        SafetyCircuitOpen = 1 => "safety circuit open while running",
        /// 02: door closing fault.
        DoorClosing = 2 => "door closing fault",
        /// 03: door opening fault.
        DoorOpening = 3 => "door opening fault",
        /// 04: car stopped outside the unlocking zone.
        StoppedOutsideUnlockingZone = 4 => "car stopped outside the unlocking zone",
        /// 05: unintended car movement.
        UnintendedMovement = 5 => "unintended car movement",
        /// 06: motor run-time limiter tripped.
        RunTimeLimiter = 6 => "motor run-time limiter tripped",
        /// 07: floor position lost.
        FloorPositionLost = 7 => "floor position lost",
        /// 08: other fault preventing a restart.
        OtherPreventingRestart = 8 => "other fault preventing restart",
        /// 09: overtravel at the top (冲顶), regional extension.
        OvertravelTop = 9 => "overtravel top",
        /// 10: overtravel at the bottom (蹲底), regional extension.
        OvertravelBottom = 10 => "overtravel bottom",
        /// 11: passengers trapped (困人), regional extension.
        TrappedPassengers = 11 => "trapped passengers",
    }
}

open_code_enum! {
    /// Service event codes 40–47 (DOMAIN.md §4).
    pub enum ServiceEvent: u8 {
        /// 40: back to normal service.
        BackToNormal = 40 => "back to normal",
        /// 41: mains power off.
        MainsOff = 41 => "mains power off",
        /// 42: out of service.
        OutOfService = 42 => "out of service",
        /// 43: inspection operation.
        Inspection = 43 => "inspection",
        /// 44: fire emergency return.
        FireReturn = 44 => "fire return",
        /// 45: firefighter operation.
        Firefighter = 45 => "firefighter operation",
        /// 46: emergency power operation.
        EmergencyPower = 46 => "emergency power",
        /// 47: earthquake operation.
        Earthquake = 47 => "earthquake operation",
    }
}

open_code_enum! {
    /// Escalator and moving walk fault codes 61–65 (DOMAIN.md §4).
    pub enum EscalatorFault: u8 {
        /// 61: safety circuit fault.
        SafetyCircuit = 61 => "safety circuit fault",
        /// 62: overspeed.
        Overspeed = 62 => "overspeed",
        /// 63: non-commanded reversal of direction.
        NonCommandedReversal = 63 => "non-commanded reversal",
        /// 64: missing step or pallet.
        MissingStepOrPallet = 64 => "missing step or pallet",
        /// 65: restart prevented.
        RestartPrevented = 65 => "restart prevented",
    }
}

open_code_enum! {
    /// Handling status of a fault or alarm (DOMAIN.md §4): 01 raised → 02 responded → 04 on site
    /// → 00 done, or 05 false alarm.
    pub enum HandlingStatus: u8 {
        /// 00: handled, done.
        Done = 0 => "done",
        /// 01: raised, not yet responded to.
        Raised = 1 => "raised",
        /// 02: responded to.
        Responded = 2 => "responded",
        /// 04: staff on site.
        OnSite = 4 => "on site",
        /// 05: false alarm.
        FalseAlarm = 5 => "false alarm",
    }
}

impl HandlingStatus {
    /// Whether handling has ended (done or false alarm).
    pub const fn is_closed(self) -> bool {
        matches!(self, Self::Done | Self::FalseAlarm)
    }
}

/// First code of liftspec's proprietary range: vendors put their own fault and event codes at
/// 1000 and above, so they never collide with national codes (0–99) or future extensions.
pub const PROPRIETARY_EVENT_CODE_START: u16 = 1000;

/// A national fault, event or alarm code (GB/T 24476 family, DOMAIN.md §4), open for unknown and
/// proprietary values.
///
/// ```
/// use liftspec_model::codes::{EventCode, LiftFault};
/// assert_eq!(EventCode::from_number(11), EventCode::Lift(LiftFault::TrappedPassengers));
/// assert_eq!(EventCode::from_number(90), EventCode::AlarmButton);
/// assert_eq!(EventCode::from_number(33), EventCode::Unassigned(33));
/// assert_eq!(EventCode::from_number(1042), EventCode::Proprietary(1042));
/// assert_eq!(EventCode::AlarmButton.to_string(), "90");
/// assert_eq!(EventCode::Lift(LiftFault::DoorClosing).to_string(), "02");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventCode {
    /// 01–11: lift faults.
    Lift(LiftFault),
    /// 40–47: service events.
    Service(ServiceEvent),
    /// 61–65: escalator and moving walk faults.
    Escalator(EscalatorFault),
    /// 90: alarm button pressed.
    AlarmButton,
    /// A number below 1000 that no national code uses yet; kept as is.
    Unassigned(u16),
    /// A vendor's own code, 1000 and above.
    Proprietary(u16),
}

impl EventCode {
    /// The code for a number.
    pub const fn from_number(n: u16) -> Self {
        if n >= PROPRIETARY_EVENT_CODE_START {
            return Self::Proprietary(n);
        }
        // n < 1000 here; the narrowing below only happens for n <= 99.
        match n {
            1..=11 => Self::Lift(LiftFault::from_code(n as u8)),
            40..=47 => Self::Service(ServiceEvent::from_code(n as u8)),
            61..=65 => Self::Escalator(EscalatorFault::from_code(n as u8)),
            90 => Self::AlarmButton,
            _ => Self::Unassigned(n),
        }
    }

    /// The number on the wire.
    pub const fn number(self) -> u16 {
        match self {
            Self::Lift(f) => f.code() as u16,
            Self::Service(e) => e.code() as u16,
            Self::Escalator(f) => f.code() as u16,
            Self::AlarmButton => 90,
            Self::Unassigned(n) | Self::Proprietary(n) => n,
        }
    }

    /// Whether this code reports a fault (as opposed to a service event or an alarm).
    pub const fn is_fault(self) -> bool {
        matches!(self, Self::Lift(_) | Self::Escalator(_))
    }

    /// A short English label.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Lift(f) => f.label(),
            Self::Service(e) => e.label(),
            Self::Escalator(f) => f.label(),
            Self::AlarmButton => "alarm button",
            Self::Unassigned(_) => "unassigned national code",
            Self::Proprietary(_) => "proprietary code",
        }
    }

    /// Every national code liftspec knows.
    pub fn known() -> impl Iterator<Item = Self> {
        LiftFault::KNOWN
            .iter()
            .map(|&f| Self::Lift(f))
            .chain(ServiceEvent::KNOWN.iter().map(|&e| Self::Service(e)))
            .chain(EscalatorFault::KNOWN.iter().map(|&f| Self::Escalator(f)))
            .chain(core::iter::once(Self::AlarmButton))
    }
}

impl fmt::Display for EventCode {
    /// Two digits for national codes (`01`, `90`), the plain number otherwise.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}", self.number())
    }
}

impl From<u16> for EventCode {
    fn from(n: u16) -> Self {
        Self::from_number(n)
    }
}

impl From<EventCode> for u16 {
    fn from(c: EventCode) -> Self {
        c.number()
    }
}

impl serde::Serialize for EventCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u16(self.number())
    }
}

impl<'de> serde::Deserialize<'de> for EventCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        u16::deserialize(d).map(Self::from_number)
    }
}
