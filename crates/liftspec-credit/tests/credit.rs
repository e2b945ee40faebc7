//! Rule files, every indicator and veto, appeals, changes, order independence, monotonicity,
//! a simulated city's year, the double-random draw and tender scores.

mod common;

use std::collections::BTreeSet;

use chrono::NaiveDate;
use common::{lift, unit_code, unit_facts};
use liftspec_credit::evaluate::*;
use liftspec_credit::procurement::{score_tenders, TenderFacts, TenderWeights};
use liftspec_credit::rules::RuleSet;
use liftspec_credit::spot::{draw, verify, CheckFrequency, Inspector, Target};
use liftspec_model::catalogue::{items, MaintenanceFamily, MaintenanceTier};
use liftspec_model::codes::{EventCode, HandlingStatus};
use liftspec_model::id::{IncidentId, RecordId};
use liftspec_model::record::*;
use liftspec_model::time::Timestamp;
use proptest::prelude::*;

const DAY: i64 = 86_400_000;
/// 2025-01-01 10:00 +08:00.
const Y0: i64 = 1_735_696_800_000;

fn unit(lifts: u32) -> UnitFacts {
    unit_facts(lifts, false)
}

fn id(s: &str) -> RecordId {
    RecordId::parse(s).unwrap()
}

fn session(n: &str, lift_no: u32, day: i64, minutes: i64) -> Record {
    Record::Maintenance(MaintenanceRecord {
        id: id(n),
        lift: lift(lift_no),
        maintenance_unit: unit_code(),
        technicians: vec!["T1".parse().unwrap()],
        tier: MaintenanceTier::HalfMonthly,
        items_done: items(
            MaintenanceFamily::TractionAndPositiveDrive,
            MaintenanceTier::HalfMonthly,
        )
        .collect(),
        started_at: Timestamp::from_millis(Y0 + day * DAY),
        ended_at: Timestamp::from_millis(Y0 + day * DAY + minutes * 60_000),
        confirmation: None,
        remarks: String::new(),
    })
}

fn fault(n: &str, lift_no: u32, day: i64, code: u16) -> Record {
    Record::Fault(FaultRecord {
        id: id(n),
        lift: lift(lift_no),
        code: EventCode::from_number(code),
        floor: None,
        raised_at: Timestamp::from_millis(Y0 + day * DAY),
        cleared_at: None,
        handling: HandlingStatus::Done,
        source: FaultSource::Telemetry,
        written_notice_at: None,
    })
}

fn complaint(n: &str, substantiated: bool) -> Record {
    Record::Complaint(ComplaintRecord {
        id: id(n),
        lift: Some(lift(1)),
        against: unit_code(),
        received_at: Timestamp::from_millis(Y0 + 30 * DAY),
        category: ComplaintCategory::Maintenance,
        substantiated: Some(substantiated),
        complainant: None,
    })
}

fn penalty(n: &str) -> Record {
    Record::Penalty(AdministrativePenalty {
        id: id(n),
        party: unit_code(),
        decided_on: NaiveDate::from_ymd_opt(2025, 6, 1).unwrap(),
        decision_number: "杭市监罚〔2025〕1号".into(),
        reason: "维保记录不实".into(),
        fine_yuan: 10_000,
    })
}

fn rescue(n: &str, arrival_min: i64, built_up: bool) -> Record {
    let t = Y0 + 40 * DAY;
    let at = |m: i64| Some(Timestamp::from_millis(t + m * 60_000));
    Record::Rescue(RescueRecord {
        incident: IncidentId::parse(n).unwrap(),
        lift: lift(2),
        reported_at: Timestamp::from_millis(t),
        trapped_since: None,
        unit_notified_at: None,
        use_unit_organised_at: None,
        regulator_reported_at: None,
        dispatched_at: at(1),
        accepted_at: at(2),
        arrived_at: at(arrival_min),
        released_at: at(arrival_min + 5),
        responder: Some(unit_code()),
        crew: None,
        cross_unit_dispatch: false,
        built_up_area: built_up,
        trapped_persons: 1,
        false_alarm: false,
        cause: RescueCause::EquipmentFault,
    })
}

/// A clean year for `lifts` lifts: sessions every 14 days, 60 minutes each.
fn clean_year(lifts: u32) -> Vec<Record> {
    let mut out = Vec::new();
    for l in 1..=lifts {
        for k in 0..26 {
            out.push(session(&format!("M{l}-{k}"), l, k * 14, 60));
        }
    }
    out
}

fn eval(records: &[Record], lifts: u32) -> Evaluation {
    evaluate(
        &RuleSet::default_maintenance_unit(),
        &unit(lifts),
        records,
        &Period::year(2025).unwrap(),
        &BTreeSet::new(),
    )
}

#[test]
fn the_built_in_rule_set_is_valid_and_bad_files_say_where() {
    let rules = RuleSet::default_maintenance_unit();
    assert_eq!(rules.full_score(), 100.0);
    assert_eq!(rules.dimensions.len(), 5);
    let text = serde_json::to_string(&rules).unwrap();
    let dup = text.replacen("\"Q2\"", "\"Q1\"", 1);
    let e = RuleSet::from_json(&dup).unwrap_err();
    assert_eq!(
        e.to_string(),
        "dimensions[1].indicators[1].id: duplicate id"
    );
    let big_cap = text.replacen("\"cap\":15.0", "\"cap\":99.0", 1);
    assert!(RuleSet::from_json(&big_cap)
        .unwrap_err()
        .to_string()
        .contains(".cap"));
    assert_eq!(
        RuleSet::from_json("{").unwrap_err().code(),
        "credit.rules.syntax"
    );
    let unknown = text.replacen("{", "{\"colour\":1,", 1);
    assert!(RuleSet::from_json(&unknown)
        .unwrap_err()
        .to_string()
        .contains("colour"));
}

#[test]
fn the_use_unit_and_manufacturer_defaults_are_valid_and_read_their_measures() {
    use liftspec_credit::rules::Subject;
    let use_unit = RuleSet::default_use_unit();
    let maker = RuleSet::default_manufacturer();
    assert_eq!(
        (use_unit.subject, maker.subject),
        (Subject::UseUnit, Subject::Manufacturer)
    );
    assert_eq!((use_unit.full_score(), maker.full_score()), (100.0, 100.0));
    let mut records = clean_year(10);
    for k in 0..30 {
        records.push(fault(&format!("F{k}"), 1 + k % 10, 10 + k as i64, 2));
    }
    // 3 faults per lift-year: (3 − 0.8) × 10 = 22 points for the manufacturer.
    let e = evaluate(
        &maker,
        &unit(10),
        &records,
        &Period::year(2025).unwrap(),
        &BTreeSet::new(),
    );
    assert_eq!(e.deductions[0].indicator, "Q1");
    assert!(
        (e.deductions[0].points - 22.0).abs() < 1e-9,
        "{:?}",
        e.deductions
    );
    assert_eq!((e.score, e.grade.as_str()), (78.0, "B"));
}

#[test]
fn a_clean_year_scores_full_marks() {
    let e = eval(&clean_year(10), 10);
    assert_eq!(
        (e.score, e.grade.as_str()),
        (100.0, "A"),
        "{:?}",
        e.deductions
    );
}

#[test]
fn each_indicator_deducts_with_its_clause_and_records() {
    // Every lift misses its 11th visit: its 12th comes 28 days after the 10th (10 late); five
    // sessions take 10 minutes for 31 items (5 implausible); 255 sessions in all.
    let mut records: Vec<Record> = clean_year(10)
        .into_iter()
        .filter(|r| !matches!(r, Record::Maintenance(m) if m.id.as_str().ends_with("-10")))
        .collect();
    for k in 0..5 {
        records.push(session(&format!("SHORT{k}"), 4, 100 + k, 10));
    }
    for k in 0..15 {
        records.push(fault(&format!("F{k}"), 1 + k % 10, 10 + k as i64, 2));
    }
    records.push(rescue("RS-1", 45, true)); // missed the 30-minute limit
    records.push(rescue("RS-2", 45, false)); // within the hour outside the built-up area
    records.push(complaint("C1", true));
    records.push(complaint("C2", false)); // not substantiated: no deduction
    records.push(penalty("P1"));
    for (n, result) in [
        ("I1", InspectionResult::Pass),
        ("I2", InspectionResult::PassAfterRectification),
    ] {
        records.push(Record::Inspection(InspectionRecord {
            id: id(n),
            lift: lift(5),
            body: unit_code(),
            kind: InspectionKind::Periodic,
            inspected_on: NaiveDate::from_ymd_opt(2025, 5, 5).unwrap(),
            result,
            report_number: n.into(),
            next_due: NaiveDate::from_ymd_opt(2026, 5, 5).unwrap(),
            requested_on: None,
            report_issued_on: None,
            smart_system: None,
        }));
    }
    let e = eval(&records, 10);
    let by = |id: &str| e.deductions.iter().find(|d| d.indicator == id).cloned();
    let q1 = by("Q1").expect("overdue maintenance");
    assert_eq!(q1.records.len(), 10);
    assert!(q1.records.contains(&id("M3-11")));
    // Each lift's 11th session came 13 days late: one 15-day interval missed of the 25 the
    // year holds, 10 of 250 in all: 4 %, (4 − 2) × 1 point.
    assert!(
        (q1.value - 4.0).abs() < 1e-9 && (q1.points - 2.0).abs() < 1e-9,
        "{q1:?}"
    );
    assert!(q1.clause.contains("15 days"));
    let q2 = by("Q2").unwrap();
    assert_eq!(q2.records.len(), 5);
    assert!((q2.value - 500.0 / 255.0).abs() < 1e-3, "{q2:?}");
    let p1 = by("P1").unwrap();
    assert!(
        (p1.value - 1.5).abs() < 1e-9,
        "15 faults over 10 lift-years: {}",
        p1.value
    );
    assert_eq!(p1.points, 2.0, "(1.5 − 1) × 4");
    let e1 = by("E1").unwrap();
    assert_eq!(e1.records, vec![id("RS-1")]);
    assert_eq!(
        (e1.value, e1.points),
        (50.0, 12.0),
        "1 of 2 late: (50 − 10) × 0.3, capped"
    );
    assert!(by("E1").unwrap().clause.contains("Art. 30"));
    assert_eq!(by("S1").unwrap().records, vec![id("C1")]);
    assert_eq!(by("S1").unwrap().value, 10.0, "1 per 10 lifts");
    // Two rescues over 10 lift-years: 20 per 100 lift-years, (20 − 5) × 0.5.
    assert_eq!(by("E2").unwrap().points, 7.5);
    // One of two inspections not passed first time: 50 %, (50 − 5) × 0.4 = 18, capped at 8.
    let p2 = by("P2").unwrap();
    assert_eq!(
        (p2.value, p2.points, p2.records.clone()),
        (50.0, 8.0, vec![id("I2")])
    );
    assert_eq!(by("S2").unwrap().points, 4.0);
    let total: f64 = e.deductions.iter().map(|d| d.points).sum();
    assert!((e.score - (100.0 - total)).abs() < 1e-6);
    // Staffing: 200 lifts for 2 technicians is 100 per technician, 40 above the allowance.
    let staffed = eval(&[], 200);
    assert_eq!(staffed.deductions[0].indicator, "R1");
    assert_eq!(staffed.deductions[0].points, 15.0, "capped");
}

#[test]
fn vetoes_put_a_unit_straight_into_d() {
    let mut u = unit(5);
    u.licence_valid_until = NaiveDate::from_ymd_opt(2025, 3, 1);
    let e = evaluate(
        &RuleSet::default_maintenance_unit(),
        &u,
        &clean_year(5),
        &Period::year(2025).unwrap(),
        &BTreeSet::new(),
    );
    assert_eq!((e.score, e.grade.as_str()), (100.0, "D"));
    assert_eq!(e.vetoes[0].veto, "V1");
    let mut records = clean_year(5);
    records.push(Record::Accident(Accident {
        id: id("ACC-1"),
        lift: lift(1),
        occurred_at: Timestamp::from_millis(Y0 + 200 * DAY),
        class: AccidentClass::Ordinary,
        responsible: vec![unit_code()],
        deaths: 0,
        injuries: 1,
        description: String::new(),
    }));
    let e = eval(&records, 5);
    assert_eq!(e.grade, "D");
    assert_eq!(e.vetoes[0].records, vec![id("ACC-1")]);
}

#[test]
fn an_appeal_recomputes_without_the_disputed_records_and_changes_are_explained() {
    let mut records = clean_year(10);
    records.push(complaint("C1", true));
    records.push(penalty("P1"));
    let before = eval(&records, 10);
    let appeal = evaluate(
        &RuleSet::default_maintenance_unit(),
        &unit(10),
        &records,
        &Period::year(2025).unwrap(),
        &[id("P1")].into_iter().collect(),
    );
    assert_eq!(appeal.score, before.score + 4.0);
    assert_eq!(appeal.excluded, vec![id("P1")]);
    let c = change(&before, &appeal);
    assert_eq!(c.score, 4.0);
    assert_eq!(c.better, vec![("S2".to_string(), 4.0)]);
    assert!(c.worse.is_empty());
}

fn bad_record(kind: u8, n: u32) -> Record {
    let tag = format!("X{n}");
    match kind % 5 {
        0 => complaint(&tag, true),
        1 => penalty(&tag),
        2 => fault(&tag, 1 + n % 10, i64::from(n % 300), 3),
        3 => session(&tag, 1 + n % 10, i64::from(n % 300), 5),
        _ => rescue(&format!("RS-{tag}"), 50, true),
    }
}

proptest! {
    /// A bad record never raises the score, and the evaluation does not depend on record order.
    #[test]
    fn bad_records_never_help_and_order_does_not_matter(
        kinds in prop::collection::vec(any::<u8>(), 0..30),
        extra in any::<u8>(),
        rotate in any::<prop::sample::Index>(),
    ) {
        let mut records = clean_year(10);
        for (n, k) in kinds.iter().enumerate() {
            records.push(bad_record(*k, n as u32));
        }
        let base = eval(&records, 10);
        let mut more = records.clone();
        more.push(bad_record(extra, 999));
        prop_assert!(eval(&more, 10).score <= base.score);
        let mut shuffled = records.clone();
        let k = rotate.index(shuffled.len());
        shuffled.rotate_left(k);
        shuffled.reverse();
        prop_assert_eq!(eval(&shuffled, 10), base);
    }
}

#[test]
fn a_simulated_citys_better_units_score_better() {
    use liftspec_sim::{city::City, config::SimConfig, records::year_of_records};
    let city = City::generate(&SimConfig {
        lifts: 10_000,
        ..SimConfig::default()
    })
    .unwrap();
    let year = year_of_records(&city, 2025, 5);
    let rules = RuleSet::default_maintenance_unit();
    let mut pairs = Vec::new();
    let mut all_units = Vec::new();
    let mut singles = Vec::new();
    for (u, mu) in city.maintenance_units.iter().enumerate() {
        let lifts: Vec<LiftFacts> = city
            .lifts
            .iter()
            .filter(|l| l.maintenance_unit as usize == u)
            .map(|l| LiftFacts {
                registration_code: l.registration_code.clone(),
                family: l.kind.maintenance_family(),
                insured: false,
                smart_terminal: true,
                maintained_since: None,
            })
            .collect();
        if lifts.len() < 20 {
            continue;
        }
        let facts = UnitFacts {
            unit: mu.organisation.credit_code.clone(),
            lifts,
            technicians: mu.technicians.len() as u32,
            licence_valid_until: None,
            commendations: Vec::new(),
        };
        let e = evaluate(
            &rules,
            &facts,
            &year.records,
            &Period::year(2025).unwrap(),
            &BTreeSet::new(),
        );
        assert!(e.deductions.iter().all(|d| !d.clause.is_empty()));
        pairs.push((year.unit_quality[u], e.score));
        all_units.push(facts);
        singles.push(e);
    }
    // Evaluating every unit at once sorts the records once and gives the same results.
    assert_eq!(
        evaluate_all(
            &rules,
            &all_units,
            &year.records,
            &Period::year(2025).unwrap()
        ),
        singles
    );
    assert!(pairs.len() >= 3, "{} units", pairs.len());
    // Rank agreement between the simulated quality and the score.
    let mut concordant = 0;
    let mut total = 0;
    for i in 0..pairs.len() {
        for j in i + 1..pairs.len() {
            total += 1;
            if (pairs[i].0 - pairs[j].0) * (pairs[i].1 - pairs[j].1) > 0.0 {
                concordant += 1;
            }
        }
    }
    assert!(
        concordant * 10 >= total * 7,
        "{concordant}/{total} pairs agree: {pairs:?}"
    );
}

fn targets() -> Vec<Target> {
    (0..20)
        .map(|i| Target {
            id: format!("T{i:02}"),
            unit: format!("U{}", i % 4),
            weight: if i < 5 { 3 } else { 1 },
        })
        .collect()
}

fn inspectors() -> Vec<Inspector> {
    (0..6)
        .map(|i| Inspector {
            id: format!("I{i}"),
            conflicts: if i == 0 { vec!["U0".into()] } else { vec![] },
        })
        .collect()
}

#[test]
fn the_draw_is_reproducible_verifiable_and_avoids_conflicts() {
    let d = draw(20251129, &targets(), 6, &inspectors(), 2);
    assert_eq!(d, draw(20251129, &targets(), 6, &inspectors(), 2));
    assert_eq!(d.picks.len(), 6);
    assert!(verify(&d, &targets(), &inspectors(), 2));
    let mut tampered = d.clone();
    tampered.picks[0].0 = "NOT-A-TARGET".into();
    assert!(!verify(&tampered, &targets(), &inspectors(), 2));
    let ids: BTreeSet<_> = d.picks.iter().map(|p| &p.0).collect();
    assert_eq!(ids.len(), 6, "without replacement");
    for (target, inspectors) in &d.picks {
        let unit = &targets()
            .into_iter()
            .find(|t| &t.id == target)
            .unwrap()
            .unit;
        if unit == "U0" {
            assert!(
                !inspectors.contains(&"I0".to_string()),
                "I0 has a conflict with U0"
            );
        }
        assert_eq!(inspectors.len(), 2);
    }
    assert_eq!(CheckFrequency::default().for_grade("D"), 6);
    assert!(CheckFrequency::default().for_grade("A") < CheckFrequency::default().for_grade("C"));
}

#[test]
fn draw_frequencies_follow_the_weights() {
    let two = vec![
        Target {
            id: "ordinary".into(),
            unit: "U".into(),
            weight: 1,
        },
        Target {
            id: "school".into(),
            unit: "U".into(),
            weight: 3,
        },
    ];
    let school = (0..20_000u64)
        .filter(|seed| draw(*seed, &two, 1, &[], 0).picks[0].0 == "school")
        .count();
    let share = school as f64 / 20_000.0;
    assert!((share - 0.75).abs() < 0.015, "{share}");
}

#[test]
fn tenders_weigh_reliability_after_sales_and_credit() {
    let t = |bidder: &str, faults, fix, sla, grade: &str| TenderFacts {
        bidder: bidder.into(),
        model: "M".into(),
        lift_years: 100.0,
        faults,
        mean_fix_hours: fix,
        rescue_sla_percent: sla,
        grade: grade.into(),
    };
    let scores = score_tenders(
        &[
            t("reliable", 50, 4.0, 95.0, "A"),
            t("median", 100, 6.0, 90.0, "B"),
            t("fragile", 300, 12.0, 70.0, "C"),
        ],
        &TenderWeights::default(),
    );
    let order: Vec<_> = scores.iter().map(|s| s.bidder.as_str()).collect();
    assert_eq!(order, vec!["reliable", "median", "fragile"]);
    assert!(
        scores[0].score > 90.0 && scores[2].score < 50.0,
        "{scores:?}"
    );
    assert!(scores[2].explanation[0].contains("3.00 faults per lift-year"));
}

/// A rescue `unit_code()`'s crew made for lift `lift_no`, arriving after `arrival_min`.
fn rescue_for(n: &str, lift_no: u32, arrival_min: i64) -> Record {
    let Record::Rescue(mut x) = rescue(n, arrival_min, true) else {
        unreachable!()
    };
    x.lift = lift(lift_no);
    x.cross_unit_dispatch = true;
    Record::Rescue(x)
}

fn commendation(n: &str, month: u32) -> Commendation {
    Commendation {
        id: id(n),
        awarded_on: NaiveDate::from_ymd_opt(2025, month, 1).unwrap(),
        by: "杭州市市场监督管理局".into(),
    }
}

fn bonus_points(e: &Evaluation) -> Vec<(&str, f64)> {
    e.bonuses
        .iter()
        .map(|b| (b.bonus.as_str(), b.points))
        .collect()
}

#[test]
fn bonus_items_add_with_their_clause_and_evidence_up_to_the_overall_cap() {
    let rules = RuleSet::default_maintenance_unit();
    let records = clean_year(10);
    let mut facts = unit(10);
    let run = |facts: &UnitFacts, records: &[Record], excluded: &BTreeSet<RecordId>| {
        evaluate(
            &rules,
            facts,
            records,
            &Period::year(2025).unwrap(),
            excluded,
        )
    };
    let none = BTreeSet::new();
    assert_eq!(run(&facts, &records, &none).score, 100.0);

    // B1: a rescue for another unit's lift (lift 99 is not ours) within 30 min earns 0.5; a
    // late one, a false alarm and a rescue of our own lift earn nothing.
    let mut more = records.clone();
    more.push(rescue_for("RS-B1", 99, 20));
    more.push(rescue_for("RS-B2", 98, 45));
    let e = run(&facts, &more, &none);
    assert_eq!(e.score, 100.5);
    assert_eq!(e.bonuses.len(), 1);
    let b = &e.bonuses[0];
    assert_eq!((b.bonus.as_str(), b.value, b.points), ("B1", 1.0, 0.5));
    assert!(b.clause.contains("Art. 37"), "{}", b.clause);
    assert_eq!(b.records, vec![id("RS-B1")]);

    // B2: 8 of 10 lifts with a smart terminal is 30 points above 50 % → 1.2.
    for l in facts.lifts.iter_mut().take(8) {
        l.smart_terminal = true;
    }
    // B9: three commendations in 2025 (capped at 2) and one in 2024 that does not count.
    facts.commendations = vec![
        commendation("C1", 3),
        commendation("C2", 6),
        commendation("C3", 9),
    ];
    facts.commendations.push(Commendation {
        awarded_on: NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
        ..commendation("C0", 1)
    });
    let e = run(&facts, &more, &none);
    assert_eq!(
        bonus_points(&e),
        vec![("B1", 0.5), ("B2", 1.2), ("B9", 2.0)]
    );
    assert_eq!(e.score, 103.7);
    assert_eq!(e.bonuses[2].records, vec![id("C1"), id("C2"), id("C3")]);

    // Ten rescues reach B1's cap of 3; all together are held to maxBonus 5.
    for k in 0..10 {
        more.push(rescue_for(&format!("RS-M{k}"), 90 - k, 10));
    }
    let e = run(&facts, &more, &none);
    assert_eq!(
        bonus_points(&e),
        vec![("B1", 3.0), ("B2", 1.2), ("B9", 0.8)]
    );
    assert_eq!(e.score, 105.0);
    assert_eq!(e.grade, "A");

    // An appeal can dispute a commendation like any record; the change names the bonus.
    let disputed: BTreeSet<RecordId> = [id("C1"), id("C2"), id("C3")].into();
    let appeal = run(&facts, &more, &disputed);
    assert_eq!(appeal.score, 104.2);
    let c = change(&e, &appeal);
    assert_eq!(c.worse, vec![("B9".to_string(), 0.8)]);
    assert!(c.better.is_empty());

    // A veto still means the lowest grade, bonuses or not.
    facts.licence_valid_until = NaiveDate::from_ymd_opt(2025, 6, 30);
    let e = run(&facts, &more, &none);
    assert_eq!((e.score, e.grade.as_str()), (105.0, "D"));
}

#[test]
fn a_rescue_for_another_units_lift_counts_for_the_responder_in_evaluate_all() {
    let rules = RuleSet::default_maintenance_unit();
    let other = UnitFacts {
        unit: "91330102ENF1P37LEH".parse().unwrap(),
        lifts: vec![LiftFacts {
            registration_code: lift(50),
            family: MaintenanceFamily::TractionAndPositiveDrive,
            insured: false,
            smart_terminal: false,
            maintained_since: None,
        }],
        technicians: 1,
        licence_valid_until: None,
        commendations: Vec::new(),
    };
    let mut records = clean_year(10);
    // Our crew rescues the other unit's lift 50 in time.
    records.push(rescue_for("RS-X1", 50, 25));
    let units = vec![unit(10), other];
    let all = evaluate_all(&rules, &units, &records, &Period::year(2025).unwrap());
    let one_by_one: Vec<Evaluation> = units
        .iter()
        .map(|u| {
            evaluate(
                &rules,
                u,
                &records,
                &Period::year(2025).unwrap(),
                &BTreeSet::new(),
            )
        })
        .collect();
    assert_eq!(all, one_by_one);
    assert_eq!(all[0].bonuses[0].records, vec![id("RS-X1")]);
    // For the lift's own unit it is an entrapment (E2), not a bonus.
    assert!(all[1].bonuses.is_empty());
    assert!(all[1].deductions.iter().any(|d| d.indicator == "E2"));
}

#[test]
fn bonus_items_in_a_rule_file_are_checked() {
    let mut rules = RuleSet::default_maintenance_unit();
    rules.bonuses[0].cap = 6.0;
    let text = serde_json::to_string(&rules).unwrap();
    let e = RuleSet::from_json(&text).unwrap_err();
    assert_eq!(e.to_string(), "bonuses[0].cap: larger than maxBonus");
    assert_eq!(e.code(), "credit.rules.invalid");
    let mut rules = RuleSet::default_maintenance_unit();
    rules.bonuses[1].id = "Q1".into();
    let e = RuleSet::from_json(&serde_json::to_string(&rules).unwrap()).unwrap_err();
    assert_eq!(e.to_string(), "bonuses[1].id: duplicate id");
    // A file written before bonus items existed still reads, with none.
    let mut old: serde_json::Value =
        serde_json::to_value(RuleSet::default_maintenance_unit()).unwrap();
    let o = old.as_object_mut().unwrap();
    o.remove("bonuses");
    o.remove("maxBonus");
    let r = RuleSet::from_json(&old.to_string()).unwrap();
    assert!(r.bonuses.is_empty() && r.max_bonus == 0.0);
}

#[test]
fn use_units_earn_the_insurance_bonus_per_insured_lift() {
    let rules = RuleSet::default_use_unit();
    let mut facts = unit(10);
    for l in facts.lifts.iter_mut().take(5) {
        l.insured = true;
    }
    let e = evaluate(
        &rules,
        &facts,
        &[],
        &Period::year(2025).unwrap(),
        &BTreeSet::new(),
    );
    let b = e.bonuses.iter().find(|b| b.bonus == "B1").unwrap();
    assert_eq!((b.value, b.points), (50.0, 1.5));
    assert!(b.clause.contains("Art. 6"), "{}", b.clause);
    assert_eq!(
        e.score,
        rules.full_score() + 1.5 - e.deductions.iter().map(|d| d.points).sum::<f64>()
    );
}

#[test]
fn a_grade_moves_within_the_cycle_and_each_move_is_explained() {
    use liftspec_credit::timeline::{timeline, TimelineError, TimelineSpec};
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    // Clean maintenance every 14 days from 2024 into 2027, so every trailing year is clean.
    let mut records: Vec<Record> = (1..=10u32)
        .flat_map(|l| {
            (-30..80i64).map(move |k| session(&format!("M{l}-{}", k + 30), l, k * 14, 60))
        })
        .collect();
    // Four penalties decided on 1 June 2025: S2 takes its cap of 15, 100 → 85, grade B.
    for k in 0..4 {
        records.push(penalty(&format!("P{k}")));
    }
    let spec = TimelineSpec {
        from: day(2025, 1, 31),
        to: day(2026, 12, 31),
        step_days: 30,
        window_days: 365,
    };
    let rules = RuleSet::default_maintenance_unit();
    let points = timeline(&rules, &unit(10), &records, &spec).unwrap();
    assert_eq!(
        points.last().unwrap().evaluation.period.to,
        day(2026, 12, 31)
    );
    for p in &points {
        let to = p.evaluation.period.to;
        // The penalties weigh while the trailing year holds 1 June 2025.
        let held = to >= day(2025, 6, 1) && to <= day(2026, 5, 31);
        let expected = if held { "B" } else { "A" };
        assert_eq!(p.evaluation.grade, expected, "on {to}");
    }
    let moves: Vec<(&str, &str, Vec<String>, Vec<String>)> = points
        .iter()
        .filter_map(|p| p.change.as_ref())
        .filter(|c| c.from_grade != c.to_grade)
        .map(|c| {
            (
                c.from_grade.as_str(),
                c.to_grade.as_str(),
                c.worse.iter().map(|w| w.0.clone()).collect(),
                c.better.iter().map(|b| b.0.clone()).collect(),
            )
        })
        .collect();
    assert_eq!(
        moves,
        vec![
            ("A", "B", vec!["S2".to_string()], vec![]),
            ("B", "A", vec![], vec!["S2".to_string()]),
        ]
    );
    // Bad specifications are typed errors.
    let reversed = TimelineSpec {
        to: day(2024, 1, 1),
        ..spec
    };
    assert_eq!(
        timeline(&rules, &unit(10), &records, &reversed)
            .unwrap_err()
            .code(),
        "credit.timeline.reversed"
    );
    let zero = TimelineSpec {
        step_days: 0,
        ..spec
    };
    assert!(matches!(
        timeline(&rules, &unit(10), &records, &zero),
        Err(TimelineError::Invalid(_))
    ));
}

#[test]
fn a_units_facts_from_its_maintenance_records_are_the_lifts_it_maintained() {
    let mut records = clean_year(3);
    // Another unit's session names no lift of this one.
    if let Record::Maintenance(mut m) = session("OTHER", 9, 3, 60) {
        m.maintenance_unit = "91330105256G7JX980".parse().unwrap();
        records.push(Record::Maintenance(m));
    }
    records.push(fault("F1", 2, 10, 2));
    let facts = UnitFacts::from_maintenance_records(&unit_code(), &records, 2).unwrap();
    // The fixture's lifts, each once, traction by their registration codes' class; the same
    // facts the hand-written fixture gives.
    assert_eq!(facts, unit_facts(3, false));
    let none = UnitFacts::from_maintenance_records(&"91330105256G7JX980".parse().unwrap(), &[], 2)
        .unwrap_err();
    assert_eq!(none.code(), "credit.no_lifts");
    let only_faults = vec![fault("F2", 1, 5, 2)];
    let e = UnitFacts::from_maintenance_records(&unit_code(), &only_faults, 2).unwrap_err();
    assert_eq!(e.unit, unit_code());
}
