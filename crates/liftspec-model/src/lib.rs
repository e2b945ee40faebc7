//! The shared elevator data model of liftspec.
//!
//! Every other liftspec crate, every vendor terminal and the city platform speak in these types:
//!
//! - [`id`]: validated identifiers (registration code, equipment code, usage certificate number,
//!   emergency rescue code, unified social credit code, technician/crew/incident ids);
//! - [`equipment`]: what a lift is (kind, ratings, floor table, location, place, insurance);
//! - [`party`]: the organisations and people around it, keyed by unified social credit code;
//! - [`record`]: the facts the platform keeps (maintenance, inspection, fault, rescue, complaint, …);
//! - [`codes`]: GB/T 24476 national codes, the BACnet lift enums and the mapping between them;
//! - [`catalogue`]: the TSG T5002-2017 maintenance item catalogue as data;
//! - [`time`]: UTC instants on the wire, Asia/Shanghai only for display;
//! - [`counting`]: how every rule counts days, months, years and the minutes of a deadline;
//! - [`privacy`]: passengers' personal information, withheld from every export (Art. 15(3)).
//!
//! The crate is `no_std` + `alloc` when the default `std` feature is off, and every public data
//! type owns its data (no lifetimes, no generics) so it can cross FFI and WASM boundaries.
//!
//! ```
//! use liftspec_model::id::RegistrationCode;
//!
//! let code: RegistrationCode = "31106401052014080025".parse()?;
//! assert_eq!(code.class_code(), 3110);
//! assert_eq!(code.region_code(), 640105);
//! assert_eq!((code.year(), code.month()), (2014, 8));
//! # Ok::<(), liftspec_model::id::IdError>(())
//! ```
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod catalogue;
pub mod codes;
pub mod counting;
pub mod equipment;
pub mod id;
pub mod party;
pub mod privacy;
pub mod record;
#[cfg(feature = "schema")]
mod schema;
pub mod time;

/// The README's example, compiled and run as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
