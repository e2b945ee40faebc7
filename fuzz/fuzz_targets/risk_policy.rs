//! Risk policy files on arbitrary bytes: rejected with a typed error or accepted, and an
//! accepted policy screens an old, faulty, flooded lift without a panic.
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use liftspec_model::equipment::EquipmentKind;
use liftspec_model::record::{DisasterExposure, DisasterKind};
use liftspec_risk::triggers::{screen, ComponentRegistry, Counters, LiftRiskInput, Policy};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(policy) = Policy::from_json(text) else {
        return;
    };
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("a valid date");
    let lift = LiftRiskInput {
        registration_code: "31103301062010050007".parse().expect("a valid code"),
        kind: EquipmentKind::TractionPassenger,
        commissioned_on: day(2005, 2, 28),
        counters: Some(Counters {
            on: day(2025, 12, 1),
            run_count: 4_000_000,
            door_cycles: 9_000_000,
        }),
        monthly_faults: vec![(2025, 3, 5), (2025, 11, 1)],
        disasters: vec![DisasterExposure {
            id: "DX1".parse().expect("a valid id"),
            lift: "31103301062010050007".parse().expect("a valid code"),
            kind: DisasterKind::Flood,
            occurred_on: day(2025, 8, 1),
            description: String::new(),
        }],
        replacements: Vec::new(),
        findings: Vec::new(),
    };
    let _ = screen(&policy, &ComponentRegistry::default_lives(), &lift, day(2026, 1, 1));
});
