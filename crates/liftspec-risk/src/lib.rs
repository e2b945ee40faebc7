//! Aged-lift risk assessment and safety planning (Hangzhou Reg. Art. 32 and 35; implementation
//! opinions items 6 and 15).
//!
//! - [`triggers`]: the conditions for a safety risk assessment as per-city policy (Hangzhou's
//!   Art. 32, all "may"; Ningbo's Art. 21 with its own "may" and "shall" conditions), a component
//!   design-life registry (liftspec defaults, labelled in every explanation), and screening with
//!   explained triggers;
//! - [`planning`]: the inspection cycle with overdue flags, the smart-system retrofit priority,
//!   and a per-district risk ranking for early warnings;
//! - [`grade`]: the comprehensive safety grade (GB/T 42615-2023 structure) and its
//!   recommendation and car notice.
//!
//! ```
//! use chrono::NaiveDate;
//! use liftspec_risk::triggers::*;
//! let lift = LiftRiskInput {
//!     registration_code: "31103301022010050007".parse()?,
//!     kind: liftspec_model::equipment::EquipmentKind::TractionPassenger,
//!     commissioned_on: NaiveDate::from_ymd_opt(2010, 5, 1).unwrap(),
//!     counters: None, monthly_faults: vec![], disasters: vec![], replacements: vec![],
//!     findings: vec![],
//! };
//! let found = screen(&Policy::hangzhou(), &ComponentRegistry::default_lives(), &lift,
//!     NaiveDate::from_ymd_opt(2026, 11, 30).unwrap())?;
//! assert_eq!(found[0].condition, "inServiceOver");
//! assert_eq!(found[0].first_held, NaiveDate::from_ymd_opt(2025, 5, 2).unwrap());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod grade;
pub mod planning;
pub mod triggers;

/// The README's example, compiled and run as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
