use crate::catalogue::MaintenanceFamily;

/// What kind of lift an installation is, in the 2014 special-equipment catalogue's terms.
///
/// Each kind knows its 4-digit catalogue code (DOMAIN.md §3) and its 2-digit variety code on the
/// usage registration certificate.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum EquipmentKind {
    /// 曳引驱动乘客电梯, catalogue 3110, certificate 11.
    TractionPassenger,
    /// 曳引驱动载货电梯, catalogue 3120, certificate 12.
    TractionFreight,
    /// 强制驱动载货电梯, catalogue 3130, certificate 13.
    PositiveDriveFreight,
    /// 液压乘客电梯, catalogue 3210, certificate 21.
    HydraulicPassenger,
    /// 液压载货电梯, catalogue 3220, certificate 22.
    HydraulicFreight,
    /// 自动扶梯, catalogue 3310, certificate 31.
    Escalator,
    /// 自动人行道, catalogue 3320, certificate 32.
    MovingWalk,
    /// 防爆电梯, catalogue 3410, certificate 41.
    ExplosionProof,
    /// 消防员电梯, catalogue 3420, certificate 42.
    Firefighter,
    /// 杂物电梯, catalogue 3430, certificate 43.
    Dumbwaiter,
}

impl EquipmentKind {
    /// Every kind, in catalogue order.
    pub const ALL: [Self; 10] = [
        Self::TractionPassenger,
        Self::TractionFreight,
        Self::PositiveDriveFreight,
        Self::HydraulicPassenger,
        Self::HydraulicFreight,
        Self::Escalator,
        Self::MovingWalk,
        Self::ExplosionProof,
        Self::Firefighter,
        Self::Dumbwaiter,
    ];

    /// The 2014 catalogue code, e.g. 3110.
    pub const fn catalogue_code(self) -> u16 {
        match self {
            Self::TractionPassenger => 3110,
            Self::TractionFreight => 3120,
            Self::PositiveDriveFreight => 3130,
            Self::HydraulicPassenger => 3210,
            Self::HydraulicFreight => 3220,
            Self::Escalator => 3310,
            Self::MovingWalk => 3320,
            Self::ExplosionProof => 3410,
            Self::Firefighter => 3420,
            Self::Dumbwaiter => 3430,
        }
    }

    /// The kind for a 2014 catalogue code.
    pub const fn from_catalogue_code(code: u16) -> Option<Self> {
        Some(match code {
            3110 => Self::TractionPassenger,
            3120 => Self::TractionFreight,
            3130 => Self::PositiveDriveFreight,
            3210 => Self::HydraulicPassenger,
            3220 => Self::HydraulicFreight,
            3310 => Self::Escalator,
            3320 => Self::MovingWalk,
            3410 => Self::ExplosionProof,
            3420 => Self::Firefighter,
            3430 => Self::Dumbwaiter,
            _ => return None,
        })
    }

    /// The 2-digit variety code on the usage registration certificate, e.g. 11.
    pub const fn certificate_code(self) -> u8 {
        match self {
            Self::TractionPassenger => 11,
            Self::TractionFreight => 12,
            Self::PositiveDriveFreight => 13,
            Self::HydraulicPassenger => 21,
            Self::HydraulicFreight => 22,
            Self::Escalator => 31,
            Self::MovingWalk => 32,
            Self::ExplosionProof => 41,
            Self::Firefighter => 42,
            Self::Dumbwaiter => 43,
        }
    }

    /// The kind for a certificate variety code.
    pub const fn from_certificate_code(code: u8) -> Option<Self> {
        Some(match code {
            11 => Self::TractionPassenger,
            12 => Self::TractionFreight,
            13 => Self::PositiveDriveFreight,
            21 => Self::HydraulicPassenger,
            22 => Self::HydraulicFreight,
            31 => Self::Escalator,
            32 => Self::MovingWalk,
            41 => Self::ExplosionProof,
            42 => Self::Firefighter,
            43 => Self::Dumbwaiter,
            _ => return None,
        })
    }

    /// Escalators and moving walks: no car, no landings, their own fault codes (61–65).
    pub const fn is_escalator_family(self) -> bool {
        matches!(self, Self::Escalator | Self::MovingWalk)
    }

    /// Lifts that carry passengers (the ones Hangzhou Reg. Art. 15 requires a smart system on
    /// when newly installed). Firefighter lifts are passenger lifts in normal service.
    pub const fn carries_passengers(self) -> bool {
        matches!(
            self,
            Self::TractionPassenger
                | Self::HydraulicPassenger
                | Self::Firefighter
                | Self::ExplosionProof
                | Self::Escalator
                | Self::MovingWalk
        )
    }

    /// The TSG T5002-2017 annex whose maintenance items apply.
    pub const fn maintenance_family(self) -> MaintenanceFamily {
        match self {
            Self::TractionPassenger
            | Self::TractionFreight
            | Self::PositiveDriveFreight
            | Self::ExplosionProof
            | Self::Firefighter => MaintenanceFamily::TractionAndPositiveDrive,
            Self::HydraulicPassenger | Self::HydraulicFreight => MaintenanceFamily::Hydraulic,
            Self::Escalator | Self::MovingWalk => MaintenanceFamily::EscalatorAndMovingWalk,
            Self::Dumbwaiter => MaintenanceFamily::Dumbwaiter,
        }
    }
}
