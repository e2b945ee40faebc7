//! Credit evaluation, spot checks and procurement scoring (implementation opinions items 10, 12
//! and 13; Hangzhou Reg. Art. 36).
//!
//! - [`rules`]: rule sets as data (JSON) — dimensions, indicators, vetoes, bonus items, grade
//!   bands, clauses, duties — with liftspec's defaults for maintenance, use, manufacturing and
//!   operating units and inspection bodies (the maintenance-unit default follows Hangzhou's five
//!   dimensions), every number labelled as liftspec's;
//! - [`evaluate`]: scores, grades and explanations from records, appeals and period changes;
//! - [`timeline`]: grades that move within a cycle, each move explained;
//! - [`spot`]: check frequency by grade and the reproducible "double random, one public" draw;
//! - [`procurement`]: tender scores from failure rates, after-sales and credit.
//!
//! ```
//! use std::collections::BTreeSet;
//! use liftspec_credit::{evaluate::*, rules::RuleSet};
//! let rules = RuleSet::default_maintenance_unit();
//! let unit = UnitFacts { unit: "91350100M000100Y43".parse()?, lifts: vec![], technicians: 3, licence_valid_until: None, commendations: vec![] };
//! let e = evaluate(&rules, &unit, &[], &Period::year(2025)?, &BTreeSet::new());
//! assert_eq!((e.score, e.grade.as_str()), (100.0, "A")); // nothing against it
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod evaluate;
pub mod procurement;
pub mod rules;
pub mod spot;
pub mod timeline;

/// The README's example, compiled and run as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
