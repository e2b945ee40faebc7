//! The liftspec unified interface: what every smart-elevator terminal speaks to the city platform
//! (Hangzhou Reg. Art. 15; implementation opinions items 6–9).
//!
//! - [`message`]: the messages, device → platform and platform → device;
//! - [`wire`]: the versioned binary frame (postcard body, HMAC or Ed25519 tag) — see
//!   `docs/protocol.md` for the byte-by-byte specification;
//! - [`auth`]: device keys and verification;
//! - [`framing`]: stream framing for serial/TCP that resynchronises after corruption;
//! - [`validate`]: structural checks with field paths;
//! - [`session`]: the platform's receiver state machine (epochs, dedup and conflicts, gaps →
//!   Resume, reordering, clock findings, key changes);
//! - [`outbox`]: the device's store-and-forward outbox, crash-consistent over its store;
//! - [`downlink`]: platform → device frames: the platform's numbering, the device's receive path;
//! - [`usage_sign`]: the "scan the usage sign" QR payload (opinions item 10);
//! - [`json`] (with `std`): the JSON form of a frame;
//! - `schema` (feature `schema`): the JSON Schema of that form, generated from the types.
//!
//! ```
//! use liftspec_protocol::{auth::DeviceKeys, message::*, wire::{self, DeviceId, Envelope}};
//! use liftspec_model::{codes::{DoorStatus, ServiceMode}, time::Timestamp};
//!
//! let keys = DeviceKeys::from_seed([7; 32], [9; 32])?;
//! let envelope = Envelope {
//!     device: DeviceId::parse("HZ-T-000123")?,
//!     epoch: 0x5eed_0001,
//!     seq: 42,
//!     sent_at: Timestamp::from_millis(1_795_929_850_000),
//!     body: Body::Status(Status {
//!         mode: ServiceMode::Normal, moving: true, direction: Direction::Up, floor: 7,
//!         door_zone: false, front_door: DoorStatus::Closed, rear_door: None, occupied: Some(true),
//!         load_percent: Some(35), speed_mm_s: Some(1750), position_mm: Some(21_400),
//!         mains_power: true, up_final_limit: false, down_final_limit: false,
//!     }),
//! };
//! let bytes = wire::encode(&envelope, &keys)?;
//! let frame = wire::decode(&bytes)?;
//! frame.verify(&bytes, &keys.credentials())?;
//! assert_eq!(frame.envelope, envelope);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod auth;
pub mod downlink;
#[cfg(feature = "std")]
pub mod file;
pub mod framing;
mod hex_key;
#[cfg(feature = "std")]
pub mod json;
pub mod message;
pub mod outbox;
mod reader;
pub mod receive;
#[cfg(feature = "schema")]
pub mod schema;
pub mod session;
pub mod terminal;
pub mod usage_sign;
pub mod validate;
pub mod wire;

/// The protocol version this crate speaks.
pub const PROTOCOL_VERSION: u8 = 2;

/// The README's example, compiled and run as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
