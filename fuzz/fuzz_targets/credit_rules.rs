//! Credit rule files on arbitrary bytes: rejected with a typed error or accepted, and an
//! accepted rule set evaluates a unit (deductions, bonuses, vetoes, grade) without a panic.
#![no_main]

use std::collections::BTreeSet;

use libfuzzer_sys::fuzz_target;
use liftspec_credit::evaluate::{evaluate, LiftFacts, Period, UnitFacts};
use liftspec_credit::rules::RuleSet;
use liftspec_model::catalogue::MaintenanceFamily;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(rules) = RuleSet::from_json(text) else {
        return;
    };
    let unit = UnitFacts {
        unit: "91350100M000100Y43".parse().expect("a valid credit code"),
        lifts: vec![LiftFacts {
            registration_code: "31103301062010050007".parse().expect("a valid code"),
            family: MaintenanceFamily::TractionAndPositiveDrive,
            insured: true,
            smart_terminal: true,
            maintained_since: None,
        }],
        technicians: 0,
        licence_valid_until: None,
        commendations: Vec::new(),
    };
    let e = evaluate(&rules, &unit, &[], &Period::year(2025).unwrap(), &BTreeSet::new());
    assert!(e.score.is_finite(), "{}", e.score);
    assert!(!e.grade.is_empty());
});
