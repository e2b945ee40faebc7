//! The messages of the unified interface, device → platform and platform → device.

mod device;
mod platform;

pub use device::{
    AlarmMessage, AlarmStage, Capabilities, Direction, DiscardReason, Discarded, DoorCycle,
    DoorSide, EventMessage, EventState, FilterReason, Heartbeat, MaintenanceSession, Register,
    Statistics, Status,
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

    /// Kinds that need an Ed25519 signature: alarms and maintenance sessions for
    /// non-repudiation (opinions item 7: maintenance data must be true; EN 81-28: the calling
    /// lift is identified), and the kinds that could otherwise cancel or re-key signed data —
    /// `Discarded` (it makes the receiver skip numbers) and `Register` (it announces the key).
    pub const fn requires_signature(self) -> bool {
        matches!(
            self,
            Self::Alarm | Self::MaintenanceSession | Self::Discarded | Self::Register
        )
    }

    /// The one scheme a kind must use, where there is one: Register uses scheme 3 (a signature
    /// by the key it announces and the device's MAC), platform frames scheme 1.
    pub const fn required_scheme(self) -> Option<crate::auth::AuthScheme> {
        match self {
            Self::Register => Some(crate::auth::AuthScheme::Ed25519Hmac),
            Self::Ack | Self::Nack | Self::Resume | Self::Command => {
                Some(crate::auth::AuthScheme::HmacSha256)
            }
            _ => None,
        }
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
    /// Bytes this body holds on the heap beyond its own size (strings, lists, boxes): what
    /// holding it costs a receiver, used to bound a session's held frames by memory.
    pub fn heap_bytes(&self) -> usize {
        use core::mem::size_of;
        let s = |t: &alloc::string::String| t.capacity();
        match self {
            Self::Register(r) => {
                size_of::<Register>()
                    + s(&r.model)
                    + s(&r.firmware)
                    + r.capabilities.kinds.capacity()
            }
            Self::MaintenanceSession(m) => {
                size_of::<MaintenanceSession>()
                    + s(&m.session_id)
                    + m.technicians.capacity() * size_of::<liftspec_model::id::TechnicianId>()
                    + m.technicians
                        .iter()
                        .map(|t| t.as_str().len())
                        .sum::<usize>()
                    + m.items_done.capacity()
                        * size_of::<liftspec_model::catalogue::MaintenanceItemId>()
                    + m.confirmation.as_ref().map_or(0, |c| s(&c.confirmed_by))
            }
            Self::Ack(a) => a.selective.capacity() * size_of::<u64>(),
            Self::Command(c) => match &c.action {
                CommandAction::Comfort {
                    text_zh, text_en, ..
                } => s(text_zh) + s(text_en),
                _ => 0,
            },
            _ => 0,
        }
    }

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
