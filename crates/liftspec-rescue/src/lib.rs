//! Smart rescue for trapped passengers and 96333 dispatch (implementation opinions item 11;
//! Hangzhou Reg. Art. 30 and 37).
//!
//! - [`policy`]: arrival limits, dispatch timeouts, the two-hour escalation, as data with clauses;
//! - [`dispatch`]: an R*-tree of crews and the choice of a crew by predicted arrival through a
//!   pluggable [`dispatch::TravelTime`];
//! - [`service`]: the sans-I/O service apps call — report, accept, decline, arrive, release,
//!   close, false alarm, status, a crew's open incidents and position — and the clock tick that
//!   offers, escalates tiers, comforts passengers and raises SLA warnings; every call idempotent.
//!
//! ```
//! use liftspec_rescue::{dispatch::CrewSite, policy::RescuePolicy, service::*};
//! use liftspec_model::{equipment::GeoPoint, time::Timestamp};
//! let unit: liftspec_model::id::CreditCode = "91350100M000100Y43".parse()?;
//! let lift = LiftSite {
//!     registration_code: "31103301062010050007".parse()?, rescue_code: "100072".parse()?,
//!     device: "HZ-1".parse()?, point: GeoPoint::new(30.25, 120.17)?, address: "上城区某路1号".into(),
//!     access_notes: String::new(), built_up: true, maintenance_unit: unit.clone(),
//! };
//! let crew = CrewSite { id: "C1".parse()?, unit, point: GeoPoint::new(30.26, 120.18)? };
//! let mut rescue = RescueService::new(RescuePolicy::default(), vec![lift], vec![crew]);
//! let t = Timestamp::from_millis(1_796_252_400_000);
//! let (incident, merged) = rescue.report(1, ReportBy::RescueCode("100072".into()), 2, t)?;
//! assert!(!merged);
//! let notices = rescue.tick(t);
//! assert!(matches!(notices[0], Notice::Offer { tier: 1, .. }));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod dispatch;
pub mod policy;
pub mod service;

/// The README's example, compiled and run as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
