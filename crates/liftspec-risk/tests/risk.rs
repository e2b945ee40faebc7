//! Triggers at and around their boundaries, per-city differences, errors, monotonicity,
//! inspection planning, retrofit and district rankings, and the safety grade.

use chrono::NaiveDate;
use liftspec_model::equipment::{EquipmentKind, PlaceCategory, SmartSystemStatus};
use liftspec_model::id::{RecordId, RegistrationCode};
use liftspec_model::record::{ComponentKind, ComponentReplacement, DisasterExposure, DisasterKind};
use liftspec_risk::grade::{assess, GradeScheme, Group, Item, Recommendation};
use liftspec_risk::planning::{
    district_ranking, retrofit_priority, InspectionCycle, RetrofitCandidate,
};
use liftspec_risk::triggers::*;
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn code(i: u32) -> RegistrationCode {
    format!("3110330102201005{i:04}").parse().unwrap()
}

fn lift(commissioned: NaiveDate) -> LiftRiskInput {
    LiftRiskInput {
        registration_code: code(1),
        kind: EquipmentKind::TractionPassenger,
        commissioned_on: commissioned,
        counters: None,
        monthly_faults: vec![],
        disasters: vec![],
        replacements: vec![],
        findings: Vec::new(),
    }
}

fn conditions(policy: &Policy, l: &LiftRiskInput, today: NaiveDate) -> Vec<String> {
    screen(policy, &ComponentRegistry::default_lives(), l, today)
        .unwrap()
        .into_iter()
        .map(|t| t.condition)
        .collect()
}

#[test]
fn more_than_15_years_starts_the_day_after_the_anniversary() {
    let l = lift(d(2011, 5, 1));
    assert!(
        !conditions(&Policy::hangzhou(), &l, d(2026, 5, 1)).contains(&"inServiceOver".to_string())
    );
    let t = screen(
        &Policy::hangzhou(),
        &ComponentRegistry::default_lives(),
        &l,
        d(2026, 5, 2),
    )
    .unwrap();
    let over = t.iter().find(|t| t.condition == "inServiceOver").unwrap();
    assert_eq!(over.first_held, d(2026, 5, 2));
    assert!(over.clause.contains("Art. 32(1)"));
    assert!(over.evidence[0].contains("2011-05-01"));
    // Commissioned on 29 February: the 15-year period ends on 28 February 2023 (Civil Code
    // Art. 202), so "more than 15 years" holds from 1 March.
    let leap = lift(d(2008, 2, 29));
    let t = screen(
        &Policy::hangzhou(),
        &ComponentRegistry::default_lives(),
        &leap,
        d(2026, 1, 1),
    )
    .unwrap();
    assert_eq!(
        t.iter()
            .find(|t| t.condition == "inServiceOver")
            .unwrap()
            .first_held,
        d(2023, 3, 1)
    );
}

#[test]
fn components_reach_their_design_life_in_years_or_cycles_and_replacement_resets_them() {
    let mut l = lift(d(2020, 1, 1));
    let counters = |runs| {
        Some(Counters {
            on: d(2026, 6, 1),
            run_count: runs,
            door_cycles: 100,
        })
    };
    // Ropes (suspension means) are rated 2 M runs: one short, nothing; at it, a trigger.
    l.counters = counters(1_999_999);
    assert!(!conditions(&Policy::hangzhou(), &l, d(2026, 11, 30))
        .contains(&"componentLife".to_string()));
    l.counters = counters(2_000_000);
    let t = screen(
        &Policy::hangzhou(),
        &ComponentRegistry::default_lives(),
        &l,
        d(2026, 11, 30),
    )
    .unwrap();
    let c = t.iter().find(|t| t.condition == "componentLife").unwrap();
    assert_eq!(c.first_held, d(2026, 6, 1));
    assert_eq!(
        c.evidence,
        vec!["SuspensionMeans: 2000000 cycles by 2026-06-01 (design 2000000: liftspec default design life, not a figure from the Regulation or the manufacturer)".to_string()]
    );
    // At 20 M runs the traction machine and brake join.
    l.counters = counters(20_000_000);
    let t = screen(
        &Policy::hangzhou(),
        &ComponentRegistry::default_lives(),
        &l,
        d(2026, 11, 30),
    )
    .unwrap();
    let c = t.iter().find(|t| t.condition == "componentLife").unwrap();
    assert!(
        c.evidence.iter().any(|e| e.contains("TractionMachine")),
        "{:?}",
        c.evidence
    );
    // Door parts count door cycles.
    l.counters = Some(Counters {
        on: d(2026, 6, 1),
        run_count: 10,
        door_cycles: 4_000_000,
    });
    let t = screen(
        &Policy::hangzhou(),
        &ComponentRegistry::default_lives(),
        &l,
        d(2026, 11, 30),
    )
    .unwrap();
    assert!(t
        .iter()
        .any(|t| t.evidence.iter().any(|e| e.contains("DoorOperator"))));
    // A controller (15 years) replaced in 2024 is young again.
    let mut old = lift(d(2008, 1, 1));
    let t = screen(
        &Policy::hangzhou(),
        &ComponentRegistry::default_lives(),
        &old,
        d(2026, 11, 30),
    )
    .unwrap();
    assert!(t
        .iter()
        .any(|t| t.evidence.iter().any(|e| e.contains("Controller"))));
    for component in [
        ComponentKind::Controller,
        ComponentKind::SuspensionMeans,
        ComponentKind::DoorOperator,
        ComponentKind::DoorLock,
    ] {
        old.replacements.push(ComponentReplacement {
            id: RecordId::parse("CR-1").unwrap(),
            lift: code(1),
            component,
            replaced_on: d(2024, 1, 1),
            by: "91350100M000100Y43".parse().unwrap(),
            has_quality_certificate: true,
            type_test_certificate: None,
        });
    }
    let t = screen(
        &Policy::hangzhou(),
        &ComponentRegistry::default_lives(),
        &old,
        d(2026, 11, 30),
    )
    .unwrap();
    // The 20-year machine and brake are not due until 2028: nothing left at its life.
    assert!(!t.iter().any(|t| t.condition == "componentLife"), "{t:?}");
    assert!(
        !c.evidence.iter().any(|e| e.contains("Controller")),
        "{:?}",
        c.evidence
    );
}

fn flood(on: NaiveDate) -> DisasterExposure {
    DisasterExposure {
        id: RecordId::parse("DX-1").unwrap(),
        lift: code(1),
        kind: DisasterKind::Flood,
        occurred_on: on,
        description: "台风暴雨致底坑进水".into(),
    }
}

#[test]
fn disasters_and_fault_rates_trigger_from_their_date_and_cities_differ() {
    let mut l = lift(d(2020, 1, 1));
    l.disasters.push(flood(d(2026, 9, 15)));
    l.monthly_faults = vec![(2026, 7, 2), (2026, 8, 3)];
    let today = d(2026, 11, 30);
    let hz = screen(
        &Policy::hangzhou(),
        &ComponentRegistry::default_lives(),
        &l,
        today,
    )
    .unwrap();
    let disaster = hz.iter().find(|t| t.condition == "disaster").unwrap();
    assert_eq!(
        (disaster.first_held, disaster.obligation),
        (d(2026, 9, 15), Obligation::May)
    );
    let faults = hz.iter().find(|t| t.condition == "highFaultRate").unwrap();
    assert_eq!(faults.first_held, d(2026, 8, 1));
    assert_eq!(
        faults.evidence,
        vec!["3 faults in 2026-08 (threshold 3 a month: liftspec default)".to_string()]
    );
    let nb = screen(
        &Policy::ningbo(),
        &ComponentRegistry::default_lives(),
        &l,
        today,
    )
    .unwrap();
    // Ningbo Reg. Art. 21 ¶1: a disaster that may affect safe operation — may; a high fault
    // rate — shall; and no design-life condition at all.
    let disaster = nb.iter().find(|t| t.condition == "disaster").unwrap();
    assert_eq!(disaster.obligation, Obligation::May);
    assert!(
        disaster.clause.contains("Ningbo Reg. Art. 21 ¶1")
            && disaster.clause.contains("may affect safe operation")
    );
    assert_eq!(
        nb.iter()
            .find(|t| t.condition == "highFaultRate")
            .unwrap()
            .obligation,
        Obligation::Shall
    );
    assert!(!nb.iter().any(|t| t.clause.contains("[recall]")));
    // Two faults a month are not a high fault rate; a disaster after today does not count yet.
    let mut quiet = lift(d(2020, 1, 1));
    quiet.monthly_faults = vec![(2026, 7, 2)];
    quiet.disasters.push(flood(d(2027, 1, 1)));
    assert!(conditions(&Policy::hangzhou(), &quiet, today).is_empty());
}

#[test]
fn bad_input_gets_a_precise_error() {
    let e = screen(
        &Policy::hangzhou(),
        &ComponentRegistry::default_lives(),
        &lift(d(2027, 1, 1)),
        d(2026, 11, 30),
    )
    .unwrap_err();
    assert_eq!(e.code(), "risk.future_commissioning");
    assert!(e.to_string().contains("31103301022010050001"));
    let mut registry = ComponentRegistry::default_lives();
    registry.components.push(DesignLife {
        component: ComponentKind::Buffer,
        years: None,
        cycles: None,
        source: None,
    });
    let e = screen(
        &Policy::hangzhou(),
        &registry,
        &lift(d(2020, 1, 1)),
        d(2026, 11, 30),
    )
    .unwrap_err();
    assert_eq!(e.code(), "risk.no_design_life");
    let text = serde_json::to_string(&Policy::hangzhou())
        .unwrap()
        .replacen("inServiceOver", "moonPhase", 1);
    let e = Policy::from_json(&text).unwrap_err();
    assert_eq!(e.code(), "risk.policy");
    assert!(e.to_string().contains("moonPhase"), "{e}");
    assert_eq!(
        Policy::from_json(&serde_json::to_string(&Policy::ningbo()).unwrap()).unwrap(),
        Policy::ningbo()
    );
}

proptest! {
    /// A lift never loses a trigger by getting older or faultier.
    #[test]
    fn older_or_faultier_never_loses_a_trigger(
        year in 1990i32..2026, month in 1u32..13, day in 1u32..29,
        runs in 0u64..30_000_000, doors in 0u64..6_000_000,
        faults in prop::collection::vec((2020i32..2027, 1u32..13, 0u32..5), 0..6),
        later_days in 0i64..4000, extra_faults in 0u32..5,
    ) {
        let today = d(2026, 11, 30);
        let mut l = lift(d(year, month, day));
        l.counters = Some(Counters { on: d(2026, 1, 1), run_count: runs, door_cycles: doors });
        l.monthly_faults = faults.clone();
        let before = conditions(&Policy::hangzhou(), &l, today);
        let later = conditions(&Policy::hangzhou(), &l, today + chrono::Duration::days(later_days));
        prop_assert!(before.iter().all(|c| later.contains(c)), "{:?} ⊄ {:?}", before, later);
        l.monthly_faults.push((2026, 10, extra_faults));
        let faultier = conditions(&Policy::hangzhou(), &l, today);
        prop_assert!(before.iter().all(|c| faultier.contains(c)));
    }
}

#[test]
fn the_inspection_cycle_is_two_years_then_yearly_with_overdue_flags() {
    let cycle = InspectionCycle::default();
    let young = cycle.next(d(2015, 6, 1), d(2025, 6, 1), d(2026, 11, 30));
    assert_eq!(
        (young.due, young.self_test, young.overdue),
        (d(2027, 6, 1), Some(d(2026, 6, 1)), false)
    );
    // Hangzhou Reg. Art. 31 ¶1, 届满前一个月: the corresponding day a month before (not 30 days).
    assert_eq!(young.request_by, d(2027, 5, 1));
    let march = cycle.next(d(2015, 3, 31), d(2025, 3, 31), d(2026, 1, 1));
    assert_eq!(
        (march.due, march.request_by),
        (d(2027, 3, 31), d(2027, 2, 28)),
        "no 31 February"
    );
    let old = cycle.next(d(2005, 6, 1), d(2025, 6, 1), d(2026, 11, 30));
    assert_eq!(
        (old.due, old.self_test, old.overdue),
        (d(2026, 6, 1), None, true)
    );
    // "More than 15 years" at the inspection: on the 15th anniversary still the young cycle,
    // from the day after the yearly one.
    let on_anniversary = cycle.next(d(2010, 6, 1), d(2025, 6, 1), d(2025, 6, 1));
    assert_eq!(on_anniversary.due, d(2027, 6, 1));
    let day_after = cycle.next(d(2010, 6, 1), d(2025, 6, 2), d(2025, 6, 2));
    assert_eq!(day_after.due, d(2026, 6, 2));
}

/// Implementation opinions item 6: 使用10年以上 includes the 10th year — a lift qualifies on its
/// 10th anniversary, not a day before; a 29 February commissioning completes ten years on
/// 28 February of a common year (Civil Code Art. 202).
#[test]
fn retrofit_priority_counts_ten_years_or_more_from_the_anniversary() {
    let candidate = |commissioned| RetrofitCandidate {
        registration_code: code(1),
        place: PlaceCategory::Residential,
        commissioned_on: commissioned,
        smart_system: SmartSystemStatus::NotFitted,
        district: "上城区".into(),
    };
    let old_enough = |commissioned, today| {
        retrofit_priority(&[candidate(commissioned)], today)[0]
            .reasons
            .iter()
            .any(|r| r.contains("10 years or more"))
    };
    assert!(!old_enough(d(2016, 12, 1), d(2026, 11, 30)));
    assert!(
        old_enough(d(2016, 11, 30), d(2026, 11, 30)),
        "the anniversary itself"
    );
    assert!(old_enough(d(2016, 11, 29), d(2026, 11, 30)));
    assert!(!old_enough(d(2016, 2, 29), d(2026, 2, 27)));
    assert!(
        old_enough(d(2016, 2, 29), d(2026, 2, 28)),
        "leap day, common year"
    );
}

#[test]
fn retrofit_puts_crowded_and_old_lifts_first_and_is_stable() {
    let c = |i, place, year, smart| RetrofitCandidate {
        registration_code: code(i),
        place,
        commissioned_on: d(year, 1, 1),
        smart_system: smart,
        district: "上城区".into(),
    };
    let list = vec![
        c(
            1,
            PlaceCategory::Residential,
            2020,
            SmartSystemStatus::NotFitted,
        ),
        c(
            2,
            PlaceCategory::Hospital,
            2012,
            SmartSystemStatus::NotFitted,
        ),
        c(
            3,
            PlaceCategory::Residential,
            2012,
            SmartSystemStatus::NotFitted,
        ),
        c(4, PlaceCategory::Mall, 2022, SmartSystemStatus::NotFitted),
        c(
            5,
            PlaceCategory::Hospital,
            2010,
            SmartSystemStatus::Connected,
        ),
        c(
            6,
            PlaceCategory::Residential,
            2020,
            SmartSystemStatus::NotFitted,
        ),
    ];
    let ranked = retrofit_priority(&list, d(2026, 11, 30));
    let order: Vec<u32> = ranked
        .iter()
        .map(|r| r.registration_code.sequence().into())
        .collect();
    assert_eq!(
        order,
        vec![2, 3, 4, 1, 6],
        "crowded and old, then old, then crowded; connected left out; ties by code"
    );
    assert!(ranked[0]
        .reasons
        .iter()
        .any(|r| r.contains("opinions item 6")));
    let mut reversed = list.clone();
    reversed.reverse();
    assert_eq!(retrofit_priority(&reversed, d(2026, 11, 30)), ranked);
}

#[test]
fn the_district_ranking_names_the_top_lifts_and_why() {
    let t = |obligation| Trigger {
        condition: "disaster".into(),
        obligation,
        clause: "Art. 32(2)".into(),
        evidence: vec![],
        first_held: d(2026, 9, 15),
    };
    let lifts = vec![
        (code(1), "萧山区".to_string(), vec![t(Obligation::May)], 0),
        (code(2), "萧山区".to_string(), vec![t(Obligation::Shall)], 0),
        (code(3), "萧山区".to_string(), vec![], 5),
        (code(4), "上城区".to_string(), vec![], 0),
    ];
    let ranking = district_ranking(&lifts, 2);
    assert_eq!(ranking.len(), 1, "a district without risk has no list");
    let (district, top) = &ranking[0];
    assert_eq!(district, "萧山区");
    assert_eq!(top.iter().map(|r| r.score).collect::<Vec<_>>(), vec![5, 3]);
    assert!(top[1].reasons[0].contains("since 2026-09-15"));
}

#[test]
fn the_safety_grade_recommends_and_writes_the_car_notice() {
    let item = |group, name: &str, score| Item {
        group,
        name: name.into(),
        weight: 1.0,
        score,
        finding: "见报告".into(),
    };
    let good = vec![
        item(Group::Equipment, "曳引机", 92.0),
        item(Group::Equipment, "门系统", 88.0),
        item(Group::Building, "机房", 90.0),
        item(Group::UseManagement, "安全管理", 95.0),
        item(Group::Maintenance, "维保质量", 86.0),
    ];
    let a = assess(&good, &GradeScheme::default());
    assert_eq!(a.recommendation, Recommendation::Continue);
    assert!(a.notice_zh.contains("第三十二条") && a.notice_zh.contains("可以继续使用"));
    let mut weak = good.clone();
    weak[1].score = 30.0; // one failed item forces a repair
    let a = assess(&weak, &GradeScheme::default());
    assert_eq!(a.recommendation, Recommendation::Repair);
    assert_eq!(a.weak_items, vec!["门系统: 见报告".to_string()]);
    let worn: Vec<Item> = good
        .iter()
        .map(|i| Item {
            score: 45.0,
            ..i.clone()
        })
        .collect();
    assert_eq!(
        assess(&worn, &GradeScheme::default()).recommendation,
        Recommendation::Replace
    );
}

proptest! {
    /// Any commissioning date and screening date the calendar holds, to its last day: screening
    /// never panics (the day after a 15th anniversary on the calendar's last day used to
    /// overflow) and never holds a trigger before its conditions could.
    #[test]
    fn screening_never_panics_at_the_ends_of_the_calendar(
        from in 0i32..1000, span in 0i32..1000, shift in any::<bool>(),
    ) {
        let (first, last) = (NaiveDate::MIN, NaiveDate::MAX);
        let (commissioned, today) = if shift {
            (last - chrono::Duration::days(i64::from(from + span)), last - chrono::Duration::days(i64::from(from)))
        } else {
            (first + chrono::Duration::days(i64::from(from)), first + chrono::Duration::days(i64::from(from + span)))
        };
        for policy in [Policy::hangzhou(), Policy::ningbo()] {
            let found = screen(&policy, &ComponentRegistry::default_lives(), &lift(commissioned), today);
            prop_assert!(found.is_ok());
        }
    }
}

#[test]
fn fifteen_years_before_the_calendar_ends() {
    let commissioned = NaiveDate::from_ymd_opt(262_127, 12, 31).unwrap();
    let found = screen(
        &Policy::hangzhou(),
        &ComponentRegistry::default_lives(),
        &lift(commissioned),
        NaiveDate::MAX,
    )
    .unwrap();
    assert!(
        found.iter().all(|t| t.condition != "inServiceOver"),
        "no day after the anniversary"
    );
}

/// Ningbo Reg. Art. 21 ¶1's "shall" conditions: a seriously damaged main component, another
/// situation seriously affecting safe operation; Hangzhou's Art. 32(5) takes any finding, as
/// "may".
#[test]
fn ningbo_requires_an_assessment_for_serious_damage_and_hangzhou_allows_one_for_any_finding() {
    let finding = |component: Option<ComponentKind>, serious: bool| SafetyFinding {
        id: RecordId::parse("F-1").unwrap(),
        found_on: d(2026, 3, 1),
        component,
        serious,
        description: "found at periodic inspection".into(),
    };
    let registry = ComponentRegistry::default_lives();
    let today = d(2026, 11, 30);
    let mut l = lift(d(2020, 1, 1));
    l.findings = vec![finding(Some(ComponentKind::Brake), true)];
    let nb = screen(&Policy::ningbo(), &registry, &l, today).unwrap();
    let damaged = nb
        .iter()
        .find(|t| t.condition == "componentSeriouslyDamaged")
        .unwrap();
    assert_eq!(
        (damaged.obligation, damaged.first_held),
        (Obligation::Shall, d(2026, 3, 1))
    );
    // Not serious: no Ningbo trigger.
    l.findings = vec![
        finding(Some(ComponentKind::Brake), false),
        finding(None, false),
    ];
    assert!(screen(&Policy::ningbo(), &registry, &l, today)
        .unwrap()
        .is_empty());
    // Hangzhou Art. 32(5): another situation, any finding, may.
    let hz = screen(&Policy::hangzhou(), &registry, &l, today).unwrap();
    let other = hz.iter().find(|t| t.condition == "other").unwrap();
    assert_eq!(other.obligation, Obligation::May);
    assert!(other.clause.contains("Art. 32(5)"));
    // Ningbo's "other": only serious situations, shall.
    l.findings = vec![finding(None, true)];
    let nb = screen(&Policy::ningbo(), &registry, &l, today).unwrap();
    assert_eq!(
        nb.iter()
            .find(|t| t.condition == "other")
            .unwrap()
            .obligation,
        Obligation::Shall
    );
    // A design life reached is Hangzhou's Art. 32(3), not a Ningbo condition, and says its
    // figures are liftspec's defaults.
    let old = lift(d(1995, 1, 1));
    assert!(!conditions(&Policy::ningbo(), &old, today).contains(&"componentLife".to_string()));
    let hz = screen(&Policy::hangzhou(), &registry, &old, today).unwrap();
    let life = hz.iter().find(|t| t.condition == "componentLife").unwrap();
    assert!(life
        .evidence
        .iter()
        .all(|e| e.contains("liftspec default design life")));
    assert!(life.clause.contains("liftspec defaults"));
}

/// The `risk_policy` fuzz target starts from the built-in policies (`fuzz/seeds/risk_policy/`);
/// regenerate with `LIFTSPEC_BLESS=1` when they change.
#[test]
fn fuzz_seeds_are_current() {
    let dir =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds/risk_policy");
    let bless = std::env::var_os("LIFTSPEC_BLESS").is_some();
    for (name, policy) in [
        ("hangzhou", Policy::hangzhou()),
        ("ningbo", Policy::ningbo()),
    ] {
        let text = serde_json::to_string_pretty(&policy).unwrap() + "\n";
        let path = dir.join(format!("{name}.json"));
        if bless {
            std::fs::write(&path, &text).unwrap();
        } else {
            assert_eq!(
                std::fs::read_to_string(&path).ok().as_deref(),
                Some(text.as_str()),
                "{name}: regenerate with LIFTSPEC_BLESS=1"
            );
        }
        assert_eq!(Policy::from_json(&text).unwrap(), policy);
    }
}
