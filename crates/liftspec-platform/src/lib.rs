//! The supervision platform (Hangzhou implementation opinions items 9–11) as a library and a
//! service: terminals' frames through receiver sessions, validation and detectors; entrapments
//! to the 96333 rescue service; records, credit and risk — durable in an embedded SQLite
//! database, with TCP ingest in stream mode and an HTTP API.
//!
//! The core ([`pipeline`]) is sans-I/O; the store and the service are the edge.

pub mod api;
pub mod client;
pub mod config;
pub mod engine;
pub mod fleet;
pub mod gateway;
pub mod handle;
pub mod openapi;
pub mod pipeline;
pub mod rescue_log;
pub mod rescue_view;
pub mod service;
pub mod store;
#[cfg(feature = "postgres")]
pub mod store_pg;
pub mod supervision;

#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
