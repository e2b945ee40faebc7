#![doc = include_str!("../README.md")]
//!
//! Without the default feature `io`, only the sans-I/O core is built (partitions, messages,
//! shards, district desks): what a fuzzer or another transport needs.

pub mod desk;
pub mod message;
pub mod partition;
pub mod shard;

#[cfg(feature = "io")]
pub mod confirm;
#[cfg(feature = "io")]
pub mod ingest;
#[cfg(feature = "io")]
pub mod jet;
#[cfg(feature = "io")]
pub mod node;
#[cfg(feature = "io")]
pub mod pg;
#[cfg(feature = "io")]
pub mod rescue;
#[cfg(feature = "io")]
pub mod worker;

#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
