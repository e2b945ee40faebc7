#![doc = include_str!("../README.md")]

pub mod ingest;
pub mod jet;
pub mod message;
pub mod node;
pub mod partition;
pub mod pg;
pub mod rescue;
pub mod shard;
pub mod worker;

#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
