//! The duties credit judges, each at its boundary: to the day (the 15-day maintenance interval,
//! a month before an inspection's validity ends, ten working days) and to the millisecond (the
//! Art. 30 limit), on leap days, counted from the moment the text names.

mod common;

use std::collections::BTreeSet;

use chrono::{NaiveDate, TimeZone};
use common::{lift, unit_code, unit_facts};
use liftspec_credit::evaluate::*;
use liftspec_credit::rules::{Measure, RuleSet, Subject};
use liftspec_model::catalogue::{items, MaintenanceFamily, MaintenanceTier};
use liftspec_model::codes::{EventCode, HandlingStatus};
use liftspec_model::id::{CreditCode, IncidentId, RecordId};
use liftspec_model::record::*;
use liftspec_model::time::Timestamp;

fn body_code() -> CreditCode {
    "91330000MA27U2X059".parse().unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A time in China Standard Time.
fn cst(y: i32, m: u32, d: u32, h: u32, min: u32) -> Timestamp {
    let t = chrono::FixedOffset::east_opt(8 * 3600)
        .unwrap()
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .unwrap();
    Timestamp::from_millis(t.timestamp_millis())
}

fn facts(lifts: u32) -> UnitFacts {
    unit_facts(lifts, true)
}

fn session(n: &str, lift_no: u32, at: Timestamp) -> Record {
    Record::Maintenance(MaintenanceRecord {
        id: RecordId::parse(n).unwrap(),
        lift: lift(lift_no),
        maintenance_unit: unit_code(),
        technicians: vec!["T1".parse().unwrap()],
        tier: MaintenanceTier::HalfMonthly,
        items_done: items(
            MaintenanceFamily::TractionAndPositiveDrive,
            MaintenanceTier::HalfMonthly,
        )
        .collect(),
        started_at: at,
        ended_at: Timestamp::from_millis(at.millis() + 60 * 60_000),
        confirmation: Some(UseUnitConfirmation {
            confirmed_by: "王工".into(),
            confirmed_at: Timestamp::from_millis(at.millis() + 2 * 3_600_000),
        }),
        remarks: String::new(),
    })
}

fn measure(rules: &RuleSet, records: &[Record], lifts: u32, year: i32, m: Measure) -> Option<f64> {
    let e = evaluate(
        rules,
        &facts(lifts),
        records,
        &Period::year(year).unwrap(),
        &BTreeSet::new(),
    );
    let id = rules
        .dimensions
        .iter()
        .flat_map(|d| &d.indicators)
        .find(|x| x.measure == m)
        .map(|x| x.id.clone())?;
    e.deductions
        .iter()
        .find(|d| d.indicator == id)
        .map(|d| d.value)
}

/// Sessions every `gap` days from `first`, at `hour`, through `last`.
fn sessions(lift_no: u32, first: NaiveDate, gap: u64, last: NaiveDate, hour: u32) -> Vec<Record> {
    let mut out = Vec::new();
    let mut d = first;
    let mut k = 0;
    while d <= last {
        out.push(session(
            &format!("M{lift_no}-{k}"),
            lift_no,
            cst(d.year_ce().1 as i32, d.month0() + 1, d.day0() + 1, hour, 0),
        ));
        d = d + chrono::Days::new(gap);
        k += 1;
    }
    out
}

use chrono::Datelike;

/// State Council Reg. Art. 31 ¶2 (at least every 15 days), counted in calendar days: the
/// 15th day after a session is on time whatever the hour; the 16th is late.
#[test]
fn the_fifteenth_day_is_on_time_and_the_sixteenth_is_late_whatever_the_hour() {
    let rules = RuleSet::default_maintenance_unit();
    // Every 15 days all year: on time throughout.
    let clean = sessions(1, day(2025, 1, 1), 15, day(2025, 12, 31), 23);
    assert_eq!(
        measure(&rules, &clean, 1, 2025, Measure::OverdueMaintenancePercent),
        None
    );
    // One gap of 16 days, a session at 23:00 followed by one at 08:00 (15.4 days by the clock,
    // which the old rule counted as 15).
    let mut late = sessions(1, day(2025, 1, 1), 15, day(2025, 5, 31), 23);
    late.extend(
        sessions(1, day(2025, 6, 16), 15, day(2025, 12, 31), 8)
            .into_iter()
            .map(rename("L")),
    );
    // The last session before the gap is on 31 May (day 150 = 1 Jan + 150); the next on 16 June.
    let value = measure(&rules, &late, 1, 2025, Measure::OverdueMaintenancePercent);
    assert_eq!(value, Some(4.0), "one interval of 25 missed");
}

fn rename(prefix: &'static str) -> impl Fn(Record) -> Record {
    move |r| match r {
        Record::Maintenance(mut m) => {
            m.id = RecordId::parse(&format!("{prefix}{}", m.id.as_str())).unwrap();
            Record::Maintenance(m)
        }
        other => other,
    }
}

/// Overdue is a standing duty: a lift whose maintenance stopped, or that was never maintained,
/// is overdue up to the period's end, with the evidence named.
#[test]
fn maintenance_that_stops_or_never_starts_is_overdue_to_the_periods_end() {
    let rules = RuleSet::default_maintenance_unit();
    // Lift 1: maintained until 30 June, then nothing. Lift 2: nothing at all.
    let records = sessions(1, day(2025, 1, 1), 14, day(2025, 6, 30), 9);
    let e = evaluate(
        &rules,
        &facts(2),
        &records,
        &Period::year(2025).unwrap(),
        &BTreeSet::new(),
    );
    let q1 = e.deductions.iter().find(|d| d.indicator == "Q1").unwrap();
    // Lift 1's last session is 18 June: due 3 July, 181 days late by 31 Dec: 13 intervals.
    // Lift 2: due 15 January (the duty's first 15 days), 350 days late: 24 intervals. 37 of 50.
    assert!((q1.value - 74.0).abs() < 1e-9, "{q1:?}");
    assert_eq!(q1.evidence.len(), 2, "{:?}", q1.evidence);
    assert!(q1.evidence.iter().any(|e| e.contains("none recorded")));
    assert!(
        q1.records.iter().any(|r| r.as_str() == "M1-12"),
        "the last session is named"
    );
    // A duty that began mid-year (a contract from 1 December) counts from then.
    let mut later = facts(1);
    later.lifts[0].maintained_since = Some(day(2025, 12, 1));
    let e = evaluate(
        &rules,
        &later,
        &[],
        &Period::year(2025).unwrap(),
        &BTreeSet::new(),
    );
    let q1 = e.deductions.iter().find(|d| d.indicator == "Q1").unwrap();
    // Due 15 December, 16 days late by 31 December: 2 of 3 intervals.
    assert!((q1.value - 66.667).abs() < 1e-3, "{q1:?}");
}

/// A leap day is a day: after a session on 20 February 2028 the next is due by 6 March.
#[test]
fn the_interval_counts_a_leap_day() {
    let rules = RuleSet::default_maintenance_unit();
    let base = |next: NaiveDate| {
        let mut r = vec![session("A", 1, cst(2028, 2, 20, 9, 0))];
        r.push(session(
            "B",
            1,
            cst(next.year(), next.month(), next.day(), 9, 0),
        ));
        r
    };
    let mut lifts = facts(1);
    lifts.lifts[0].maintained_since = Some(day(2028, 2, 20));
    let period = Period::new(day(2028, 2, 20), day(2028, 3, 7)).unwrap();
    let q1 = |records: &[Record]| {
        evaluate(&rules, &lifts, records, &period, &BTreeSet::new())
            .deductions
            .into_iter()
            .find(|d| d.indicator == "Q1")
    };
    assert!(
        q1(&base(day(2028, 3, 6))).is_none(),
        "the 15th day, 29 February counted"
    );
    assert!(q1(&base(day(2028, 3, 7))).is_some(), "the 16th day");
}

fn rescue(n: &str, notified_min: Option<i64>, arrival_ms: i64, responder: CreditCode) -> Record {
    let t = cst(2025, 3, 1, 10, 0).millis();
    let at = |ms: i64| Some(Timestamp::from_millis(t + ms));
    Record::Rescue(RescueRecord {
        incident: IncidentId::parse(n).unwrap(),
        lift: lift(1),
        reported_at: Timestamp::from_millis(t),
        trapped_since: None,
        unit_notified_at: notified_min.and_then(|m| at(m * 60_000)),
        use_unit_organised_at: at(60_000),
        regulator_reported_at: at(20 * 60_000),
        dispatched_at: at(0),
        accepted_at: at(60_000),
        arrived_at: at(arrival_ms),
        released_at: at(arrival_ms + 5 * 60_000),
        responder: Some(responder),
        crew: None,
        cross_unit_dispatch: false,
        built_up_area: true,
        trapped_persons: 1,
        false_alarm: false,
        cause: RescueCause::EquipmentFault,
    })
}

/// Hangzhou Reg. Art. 30, exactly: on site within 30 minutes of the unit receiving the report;
/// 30:00 is on time, 30:00.001 is not (the old rule rounded minutes down and let 30:59 pass);
/// the clock starts at the unit's receipt, not at the platform's first report.
#[test]
fn the_arrival_limit_is_exact_and_counts_from_the_units_receipt() {
    let rules = RuleSet::default_maintenance_unit();
    let limit = 30 * 60_000;
    let miss =
        |records: &[Record]| measure(&rules, records, 1, 2025, Measure::RescueSlaMissPercent);
    assert_eq!(miss(&[rescue("R-1", Some(0), limit, unit_code())]), None);
    assert_eq!(
        miss(&[rescue("R-1", Some(0), limit + 1, unit_code())]),
        Some(100.0)
    );
    assert_eq!(
        miss(&[rescue("R-1", Some(0), limit + 59_000, unit_code())]),
        Some(100.0)
    );
    // Received five minutes after the first report: 35 minutes after it is on time.
    assert_eq!(
        miss(&[rescue("R-1", Some(5), limit + 5 * 60_000, unit_code())]),
        None
    );
    // Done by another unit (Art. 37): the lift's own unit was not on site.
    assert_eq!(
        miss(&[rescue("R-1", Some(0), 10 * 60_000, body_code())]),
        Some(100.0)
    );
}

/// Hangzhou Reg. Art. 20(3): the use unit organises the rescue and reports to the regulator
/// promptly (liftspec's default reading: within 60 minutes, the minute itself included).
#[test]
fn the_use_unit_reports_an_entrapment_within_the_hour() {
    let rules = RuleSet::default_use_unit();
    assert_eq!(rules.subject, Subject::UseUnit);
    let with_report = |minutes: Option<i64>| {
        let mut r = rescue("R-1", Some(0), 10 * 60_000, unit_code());
        if let Record::Rescue(x) = &mut r {
            x.regulator_reported_at =
                minutes.map(|m| Timestamp::from_millis(x.reported_at.millis() + m * 60_000));
        }
        vec![r]
    };
    // A hundred lifts, so the one entrapment stays below E1's allowance and E2 has room.
    let miss = |r: &[Record]| measure(&rules, r, 100, 2025, Measure::UseUnitRescueDutyMissPercent);
    assert_eq!(miss(&with_report(Some(60))), None);
    assert_eq!(miss(&with_report(Some(61))), Some(100.0));
    assert_eq!(miss(&with_report(None)), Some(100.0));
}

/// Hangzhou Reg. Art. 20(6): the use unit confirms each session (liftspec default: within 7
/// days, the 7th day included).
#[test]
fn a_session_confirmed_on_the_seventh_day_counts_and_on_the_eighth_does_not() {
    let rules = RuleSet::default_use_unit();
    let confirmed = |after_days: Option<u64>| {
        let mut r = session("M-1", 1, cst(2025, 4, 1, 9, 0));
        if let Record::Maintenance(m) = &mut r {
            m.confirmation = after_days.map(|d| UseUnitConfirmation {
                confirmed_by: "王工".into(),
                confirmed_at: cst(2025, 4, 1 + d as u32, 23, 0),
            });
        }
        vec![r]
    };
    let unconfirmed =
        |r: &[Record]| measure(&rules, r, 1, 2025, Measure::UnconfirmedMaintenancePercent);
    assert_eq!(unconfirmed(&confirmed(Some(7))), None);
    assert_eq!(unconfirmed(&confirmed(Some(8))), Some(100.0));
    assert_eq!(unconfirmed(&confirmed(None)), Some(100.0));
}

fn inspection(n: &str, on: NaiveDate, next_due: NaiveDate) -> InspectionRecord {
    InspectionRecord {
        id: RecordId::parse(n).unwrap(),
        lift: lift(1),
        body: body_code(),
        kind: InspectionKind::Periodic,
        inspected_on: on,
        result: InspectionResult::Pass,
        report_number: n.into(),
        next_due,
        requested_on: None,
        report_issued_on: None,
        smart_system: Some(SmartSystemCheck::Effective),
    }
}

/// Hangzhou Reg. Art. 31 ¶1: request the periodic inspection a month before the result's
/// validity ends (届满前一个月): validity to 31 March gives 28 February (no 31 February), and a
/// request on 1 March is late.
#[test]
fn an_inspection_is_requested_by_the_day_a_month_before_validity_ends() {
    let rules = RuleSet::default_use_unit();
    let pair = |requested: NaiveDate| {
        let previous = inspection("I-1", day(2024, 3, 20), day(2025, 3, 31));
        let mut this = inspection("I-2", day(2025, 3, 25), day(2026, 3, 31));
        this.requested_on = Some(requested);
        vec![Record::Inspection(previous), Record::Inspection(this)]
    };
    let late = |r: &[Record]| measure(&rules, r, 1, 2025, Measure::LateInspectionRequestPercent);
    assert_eq!(late(&pair(day(2025, 2, 28))), None);
    assert_eq!(late(&pair(day(2025, 3, 1))), Some(100.0));
    // Implementation opinions item 8: the smart system's check at the inspection counts too.
    let mut records = pair(day(2025, 2, 1));
    if let Record::Inspection(i) = &mut records[1] {
        i.smart_system = Some(SmartSystemCheck::NotEffective);
    }
    let e = evaluate(
        &rules,
        &facts(1),
        &records,
        &Period::year(2025).unwrap(),
        &BTreeSet::new(),
    );
    let m4 = e.deductions.iter().find(|d| d.indicator == "M4").unwrap();
    assert!(m4.clause.contains("Art. 20(3)") && m4.clause.contains("item 8"));
}

/// Hangzhou Reg. Art. 31 ¶2: the inspection body inspects within ten working days of the
/// request and reports within ten of the inspection (weekends do not count).
#[test]
fn an_inspection_body_has_ten_working_days_for_each() {
    let rules = RuleSet::default_inspection_body();
    assert_eq!(rules.subject, Subject::InspectionBody);
    let body = UnitFacts {
        unit: body_code(),
        lifts: Vec::new(),
        technicians: 0,
        licence_valid_until: None,
        commendations: Vec::new(),
    };
    // Requested Friday 4 April 2025: ten working days end on Friday 18 April.
    let record = |inspected: NaiveDate, issued: NaiveDate| {
        let mut i = inspection("I-9", inspected, day(2026, 4, 18));
        i.requested_on = Some(day(2025, 4, 4));
        i.report_issued_on = Some(issued);
        vec![Record::Inspection(i)]
    };
    let lines = |r: &[Record]| {
        evaluate(
            &rules,
            &body,
            r,
            &Period::year(2025).unwrap(),
            &BTreeSet::new(),
        )
        .deductions
        .iter()
        .map(|d| d.indicator.clone())
        .collect::<Vec<_>>()
    };
    assert!(
        lines(&record(day(2025, 4, 18), day(2025, 5, 2))).is_empty(),
        "both on the 10th working day"
    );
    assert_eq!(
        lines(&record(day(2025, 4, 21), day(2025, 5, 2))),
        vec!["T1"],
        "Monday the 21st is the 11th"
    );
    assert_eq!(
        lines(&record(day(2025, 4, 18), day(2025, 5, 5))),
        vec!["T2"]
    );
}

/// Hangzhou Reg. Art. 28(4): a fault not cleared promptly (liftspec default: 24 hours) needs the
/// written solution and the stop-use notice.
#[test]
fn a_fault_not_cleared_within_a_day_needs_a_written_notice() {
    let rules = RuleSet::default_maintenance_unit();
    let raised = cst(2025, 5, 5, 10, 0);
    let fault = |cleared_h: Option<i64>, notice_h: Option<i64>| {
        let after = |h: i64| Timestamp::from_millis(raised.millis() + h * 3_600_000);
        vec![Record::Fault(FaultRecord {
            id: RecordId::parse("F-1").unwrap(),
            lift: lift(1),
            code: EventCode::from_number(2),
            floor: None,
            raised_at: raised,
            cleared_at: cleared_h.map(after),
            handling: HandlingStatus::Done,
            source: FaultSource::Telemetry,
            written_notice_at: notice_h.map(after),
        })]
    };
    let m = |r: &[Record]| {
        measure(
            &rules,
            r,
            1,
            2025,
            Measure::UnresolvedFaultsWithoutNoticePercent,
        )
    };
    assert_eq!(m(&fault(Some(24), None)), None);
    assert_eq!(m(&fault(Some(25), None)), Some(100.0));
    assert_eq!(
        m(&fault(Some(72), Some(20))),
        None,
        "answered in writing in time"
    );
    assert_eq!(m(&fault(None, None)), Some(100.0));
}

/// Every default rule set names the clause of every rule, and says in its source and wherever
/// it uses a number of its own that the number is liftspec's default.
#[test]
fn every_default_rule_set_cites_its_clauses_and_labels_its_own_numbers() {
    for subject in [
        Subject::MaintenanceUnit,
        Subject::UseUnit,
        Subject::Manufacturer,
        Subject::OperatingUnit,
        Subject::InspectionBody,
    ] {
        let rules = RuleSet::default_for(subject);
        assert_eq!(rules.subject, subject);
        assert!(rules.id.starts_with("liftspec-default-"), "{}", rules.id);
        assert!(
            rules.source.contains("liftspec default"),
            "{}",
            rules.source
        );
        for x in rules.dimensions.iter().flat_map(|d| &d.indicators) {
            let cites = ["Art.", "item", "TSG", "GB/T"]
                .iter()
                .any(|c| x.clause.contains(c));
            assert!(cites, "{}: {}", x.id, x.clause);
            assert!(
                x.clause.contains("liftspec default"),
                "{}: {}",
                x.id,
                x.clause
            );
        }
        for v in &rules.vetoes {
            assert!(
                v.clause.contains("liftspec default"),
                "{}: {}",
                v.id,
                v.clause
            );
        }
        for b in &rules.bonuses {
            assert!(
                b.clause.contains("liftspec default"),
                "{}: {}",
                b.id,
                b.clause
            );
        }
        // No citation of opinions item 13 for procurement or failure rates (item 12 says it).
        let text = serde_json::to_string(&rules).unwrap();
        assert!(!text.contains("item 13 (failure"), "{}", rules.id);
    }
}

/// Ningbo Reg. Art. 35 ¶2's four priority categories, at their boundaries: more than 15 years
/// (from the day after the period ends) *and* a high fault frequency; an accident within the last
/// two years (the day two years back included).
#[test]
fn the_spot_check_priorities_follow_ningbo_art_35() {
    use liftspec_credit::spot::{priority_weight, PriorityFacts};
    let base = PriorityFacts {
        public_gathering_place: false,
        building_height_m: Some(60.0),
        commissioned_on: day(2011, 12, 1),
        high_fault_frequency: true,
        accidents: Vec::new(),
        substantiated_complaints: 0,
    };
    let today = day(2026, 12, 1);
    assert_eq!(
        priority_weight(&base, today).0,
        1,
        "exactly 15 years is not more than 15"
    );
    let older = PriorityFacts {
        commissioned_on: day(2011, 11, 30),
        ..base.clone()
    };
    assert_eq!(priority_weight(&older, today).0, 4);
    let healthy = PriorityFacts {
        high_fault_frequency: false,
        ..older
    };
    assert_eq!(
        priority_weight(&healthy, today).0,
        1,
        "old alone is not enough: 且"
    );
    let accident = |on| PriorityFacts {
        accidents: vec![on],
        ..base.clone()
    };
    assert_eq!(priority_weight(&accident(day(2024, 12, 1)), today).0, 4);
    assert_eq!(priority_weight(&accident(day(2024, 11, 30)), today).0, 1);
    let tall = |h| PriorityFacts {
        building_height_m: Some(h),
        ..base.clone()
    };
    assert_eq!(priority_weight(&tall(100.0), today).0, 1, "大于100m");
    assert_eq!(priority_weight(&tall(100.5), today).0, 4);
    let public = PriorityFacts {
        public_gathering_place: true,
        ..base.clone()
    };
    let (w, reasons) = priority_weight(&public, today);
    assert_eq!(w, 4);
    assert!(reasons[0].contains("Art. 35"));
}

/// The `credit_rules` fuzz target starts from the built-in rule sets (`fuzz/seeds/credit_rules/`);
/// regenerate with `LIFTSPEC_BLESS=1` when they change.
#[test]
fn fuzz_seeds_are_current() {
    let dir =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds/credit_rules");
    let bless = std::env::var_os("LIFTSPEC_BLESS").is_some();
    for name in [
        "liftspec-default-maintenance-unit",
        "liftspec-default-use-unit",
        "liftspec-default-manufacturer",
        "liftspec-default-operating-unit",
        "liftspec-default-inspection-body",
    ] {
        let text = std::fs::read_to_string(
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("rules/{name}.json")),
        )
        .unwrap();
        let path = dir.join(format!("{name}.json"));
        if bless {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &text).unwrap();
        } else {
            assert_eq!(
                std::fs::read_to_string(&path).ok().as_deref(),
                Some(text.as_str()),
                "{name}: regenerate with LIFTSPEC_BLESS=1"
            );
        }
    }
}
