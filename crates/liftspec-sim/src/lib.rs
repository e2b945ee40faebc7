//! A deterministic, seeded city of elevators that speaks the liftspec protocol.
//!
//! - [`config`]: what to simulate, validated up front;
//! - [`city`]: Hangzhou's districts, buildings, lifts of every kind and age, and the units around
//!   them;
//! - [`lift`]: one lift in motion — calls, doors, S-curve runs ([`kinematics`]), service modes
//!   (inspection, fire return, earthquake operation), maintenance, wear and injected faults;
//! - [`fault`]: fault kinds and their ground truth;
//! - [`stream`]: the city's frames in time order, and writers for stream files and ground truth;
//! - [`network`]: a seeded lossy network (loss, duplicates, reordering, delay, partitions);
//! - [`records`]: a year of records (maintenance, inspections, complaints, disasters) for credit
//!   and risk;
//! - [`rng`]: the seeded generator whose output is part of this crate's contract.
//!
//! ```
//! use liftspec_sim::{config::SimConfig, stream::Simulation};
//! let config = SimConfig { lifts: 20, duration_s: 600, ..SimConfig::default() };
//! let frames = Simulation::new(config.clone())?.count();
//! assert_eq!(frames, Simulation::new(config)?.count(), "same seed, same frames");
//! # Ok::<(), liftspec_sim::config::ConfigError>(())
//! ```

pub mod city;
pub mod config;
pub mod fault;
pub mod kinematics;
pub mod lift;
pub mod network;
pub mod quirks;
pub mod records;
pub mod rng;
pub mod stream;

/// The README's example, compiled and run as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
