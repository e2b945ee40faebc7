//! Fault detection and early warning for the city platform (implementation opinions items 7, 9
//! and 16; Hangzhou Reg. Art. 35).
//!
//! - [`lift`]: the per-lift detector, a sans-I/O state machine over each lift's envelopes (time
//!   is an input), with the installation's [`lift::LiftProfile`];
//! - [`detection`]: what it reports — kind, national and BACnet codes, floor, severity, evidence
//!   and the source of the rule;
//! - [`thresholds`]: every threshold as data, with its default and source;
//! - [`maintenance`]: maintenance authenticity (inspection-mode time behind a claimed session);
//! - [`occupancy`]: people in the car from the load cell and the occupancy sensor together;
//! - [`replay`]: the detectors over a recorded mixed-device stream, yielding episodes;
//! - [`fleet`]: fault rates per lift, unit, manufacturer and month, the high-fault-rate flag and
//!   trend warnings.
//!
//! ```
//! use liftspec_detect::{detection::DetectedKind, lift::{LiftDetector, LiftProfile}, thresholds::Thresholds};
//! use liftspec_model::{codes::{DoorStatus, ServiceMode}, time::Timestamp};
//! use liftspec_protocol::{message::*, wire::{DeviceId, Envelope}};
//!
//! let profile = LiftProfile { rated_speed_mm_s: 1750, bottom_mm: 0, top_mm: 54_000, escalator: false };
//! let mut detector = LiftDetector::new(profile);
//! let status = Status {
//!     mode: ServiceMode::Normal, moving: true, direction: Direction::Up, floor: 7, door_zone: false,
//!     front_door: DoorStatus::Closed, rear_door: None, occupied: Some(true), load_percent: Some(30),
//!     speed_mm_s: Some(2200), position_mm: Some(21_000), mains_power: true,
//!     up_final_limit: false, down_final_limit: false,
//! };
//! let envelope = Envelope { device: DeviceId::parse("HZ-1")?, epoch: 1, seq: 1,
//!     sent_at: Timestamp::from_millis(0), body: Body::Status(status) };
//! let mut found = Vec::new();
//! detector.on_envelope(&envelope, Timestamp::from_millis(40), &Thresholds::default(), &mut found);
//! assert_eq!(found[0].kind, DetectedKind::Overspeed); // 2200 > 1.15 × 1750
//! assert!(found[0].source.contains("EN 81-20"));
//! # Ok::<(), liftspec_model::id::IdError>(())
//! ```

pub mod detection;
pub mod fleet;
pub mod lift;
pub mod maintenance;
pub mod occupancy;
pub mod replay;
pub mod thresholds;

/// The README's example, compiled and run as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
