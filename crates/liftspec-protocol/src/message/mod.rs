//! The messages of the unified interface, device → platform and platform → device.

mod device;
mod platform;

pub use device::{
    AlarmMessage, AlarmStage, Capabilities, Direction, Discarded, DoorCycle, DoorSide,
    EventMessage, EventState, FilterReason, Heartbeat, MaintenanceSession, Register, Statistics,
    Status,
};
pub use platform::{Ack, Command, CommandAction, Nack, NackReason, Resume};

/// The kind byte of a frame. Numbers are part of the wire contract and never reused.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[repr(u8)]
pub enum MessageKind {
    /// 1: installation information, firmware, public key, capabilities.
    Register = 1,
    /// 2: real-time running status (GB/T 24476 clause 9).
    Status = 2,
    /// 3: cumulative statistics (clause 10).
    Statistics = 3,
    /// 4: fault raised/cleared, service event, alarm button (clause 11).
    Event = 4,
    /// 5: one door cycle's metrics.
    DoorCycle = 5,
    /// 6: EN 81-28 alarm lifecycle step. Must be signed.
    Alarm = 6,
    /// 7: a maintenance session. Must be signed.
    MaintenanceSession = 7,
    /// 8: terminal health.
    Heartbeat = 8,
    /// 9: the outbox discarded frames `seq..=through_seq` when full (never critical ones).
    Discarded = 9,
    /// 64: platform acknowledges.
    Ack = 64,
    /// 65: platform rejects one frame.
    Nack = 65,
    /// 66: platform asks the device to resend from a sequence number.
    Resume = 66,
    /// 67: platform commands the device.
    Command = 67,
}

impl MessageKind {
    /// Every kind, in number order.
    pub const ALL: [Self; 13] = [
        Self::Register,
        Self::Status,
        Self::Statistics,
        Self::Event,
        Self::DoorCycle,
        Self::Alarm,
        Self::MaintenanceSession,
        Self::Heartbeat,
        Self::Discarded,
        Self::Ack,
        Self::Nack,
        Self::Resume,
        Self::Command,
    ];

    /// The kind for a kind byte.
    pub const fn from_byte(b: u8) -> Option<Self> {
        Some(match b {
            1 => Self::Register,
            2 => Self::Status,
            3 => Self::Statistics,
            4 => Self::Event,
            5 => Self::DoorCycle,
            6 => Self::Alarm,
            7 => Self::MaintenanceSession,
            8 => Self::Heartbeat,
            9 => Self::Discarded,
            64 => Self::Ack,
            65 => Self::Nack,
            66 => Self::Resume,
            67 => Self::Command,
            _ => return None,
        })
    }

    /// The kind byte.
    pub const fn byte(self) -> u8 {
        self as u8
    }

    /// Sent by devices (as opposed to the platform).
    pub const fn from_device(self) -> bool {
        (self as u8) < 64
    }

    /// Kinds that need an Ed25519 signature for non-repudiation (opinions item 7: maintenance
    /// data must be true; EN 81-28: the calling lift is identified).
    pub const fn requires_signature(self) -> bool {
        matches!(self, Self::Alarm | Self::MaintenanceSession)
    }

    /// Kinds the outbox never drops: alarms, faults and maintenance (and registration and the
    /// record of what was discarded).
    pub const fn is_critical(self) -> bool {
        matches!(
            self,
            Self::Alarm | Self::Event | Self::MaintenanceSession | Self::Register | Self::Discarded
        )
    }
}

// The two large, rare bodies (a registration, a maintenance session) are boxed so that the
// frequent ones (status, events, heartbeats) move as small values: the enum shrank from 208 to
// 64 bytes, and those copies had been a fifth of decoding a Status frame. Boxing changes
// nothing on the wire or in JSON; a test guards the size.
/// A message body, one variant per [`MessageKind`].
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum Body {
    /// See [`Register`].
    Register(alloc::boxed::Box<Register>),
    /// See [`Status`].
    Status(Status),
    /// See [`Statistics`].
    Statistics(Statistics),
    /// See [`EventMessage`].
    Event(EventMessage),
    /// See [`DoorCycle`].
    DoorCycle(DoorCycle),
    /// See [`AlarmMessage`].
    Alarm(AlarmMessage),
    /// See [`MaintenanceSession`].
    MaintenanceSession(alloc::boxed::Box<MaintenanceSession>),
    /// See [`Heartbeat`].
    Heartbeat(Heartbeat),
    /// See [`Discarded`].
    Discarded(Discarded),
    /// See [`Ack`].
    Ack(Ack),
    /// See [`Nack`].
    Nack(Nack),
    /// See [`Resume`].
    Resume(Resume),
    /// See [`Command`].
    Command(Command),
}

impl Body {
    /// The kind of this body.
    pub const fn kind(&self) -> MessageKind {
        match self {
            Self::Register(_) => MessageKind::Register,
            Self::Status(_) => MessageKind::Status,
            Self::Statistics(_) => MessageKind::Statistics,
            Self::Event(_) => MessageKind::Event,
            Self::DoorCycle(_) => MessageKind::DoorCycle,
            Self::Alarm(_) => MessageKind::Alarm,
            Self::MaintenanceSession(_) => MessageKind::MaintenanceSession,
            Self::Heartbeat(_) => MessageKind::Heartbeat,
            Self::Discarded(_) => MessageKind::Discarded,
            Self::Ack(_) => MessageKind::Ack,
            Self::Nack(_) => MessageKind::Nack,
            Self::Resume(_) => MessageKind::Resume,
            Self::Command(_) => MessageKind::Command,
        }
    }
}
