use alloc::string::String;
use alloc::vec::Vec;

use liftspec_model::time::Timestamp;

/// The platform acknowledges frames: everything up to `cumulative`, plus the listed sequence
/// numbers above it (selective).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Ack {
    /// The device's sequence space (its epoch) these numbers belong to; a device ignores an Ack
    /// for another epoch.
    pub epoch: u32,
    /// Every frame with `seq <= cumulative` was received and is persisted by the platform.
    pub cumulative: u64,
    /// Frames above `cumulative` also received.
    pub selective: Vec<u64>,
}

/// Why the platform rejected a frame. Stable numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum NackReason {
    /// Authentication failed.
    BadAuthentication,
    /// Decoded but invalid.
    Invalid,
    /// Protocol version not supported.
    UnsupportedVersion,
    /// Message kind not supported.
    UnsupportedKind,
    /// Device not registered.
    UnknownDevice,
    /// Timestamp outside the allowed skew. Version 1 only: a version 2 receiver never rejects
    /// a frame for its clock (a bad clock is a finding, answered with a time sync), and a device
    /// treats this reason as `Invalid`.
    ClockSkew,
}

/// The platform rejects one non-critical frame; the device must not resend it unchanged. Critical
/// frames (alarms, events, maintenance sessions, registrations) are never rejected for their
/// content: a receiver delivers them flagged instead (`docs/protocol.md` §8.4).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Nack {
    /// The device's epoch of the rejected frame.
    pub epoch: u32,
    /// The rejected frame.
    pub seq: u64,
    /// Why.
    pub reason: NackReason,
}

/// The platform asks the device to resend everything from `from_seq` (a gap or a reconnect).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Resume {
    /// The device's epoch the numbers belong to.
    pub epoch: u32,
    /// First sequence number to resend; the device answers for every number from here to its
    /// last, with the frame or with a `Discarded` notice (`notHeld`) for what it no longer holds.
    pub from_seq: u64,
}

/// What a command asks for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    deny_unknown_fields
)]
pub enum CommandAction {
    /// Place an EN 81-28 test call now.
    TestCall,
    /// Reset a remote alarm (EN 81-28 remote reset).
    AlarmReset {
        /// The alarm.
        alarm_id: u32,
    },
    /// Play and/or show a comforting message in the car (opinions item 11: automatic comforting).
    Comfort {
        /// Chinese text.
        text_zh: String,
        /// English text.
        text_en: String,
        /// Speak it (text-to-speech) as well as show it.
        speak: bool,
    },
    /// Set the device clock.
    TimeSync {
        /// Platform time when the command was sent.
        platform_time: Timestamp,
    },
}

/// A platform command. The idempotency key makes retries safe: a device executes each key once.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Command {
    /// Unique per command; repeated sends carry the same key.
    pub idempotency_key: u64,
    /// What to do.
    pub action: CommandAction,
}
