//! Fixtures the credit test binaries share: a maintenance unit and its lifts.
#![allow(unreachable_pub)]

use liftspec_credit::evaluate::{LiftFacts, UnitFacts};
use liftspec_model::catalogue::MaintenanceFamily;
use liftspec_model::id::{CreditCode, RegistrationCode};

/// The maintenance unit under evaluation.
pub fn unit_code() -> CreditCode {
    "91350100M000100Y43".parse().unwrap()
}

/// Lift number `i` of the unit.
pub fn lift(i: u32) -> RegistrationCode {
    format!("3110330102202001{i:04}").parse().unwrap()
}

/// The unit with `lifts` traction lifts, uninsured, two technicians, each lift with or without a
/// smart terminal.
pub fn unit_facts(lifts: u32, smart_terminal: bool) -> UnitFacts {
    UnitFacts {
        unit: unit_code(),
        lifts: (1..=lifts)
            .map(|i| LiftFacts {
                registration_code: lift(i),
                family: MaintenanceFamily::TractionAndPositiveDrive,
                insured: false,
                smart_terminal,
                maintained_since: None,
            })
            .collect(),
        technicians: 2,
        licence_valid_until: None,
        commendations: Vec::new(),
    }
}
