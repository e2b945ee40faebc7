//! Maintenance records checked on their own (items, duration, interval) against the truth of a
//! simulated year: every fake record is too short and every late one overdue, with no false alarm.

use std::collections::BTreeMap;

use liftspec_detect::maintenance::{check_record, VerdictKind};
use liftspec_model::record::{MaintenanceRecord, Record};
use liftspec_sim::city::City;
use liftspec_sim::config::SimConfig;
use liftspec_sim::records::{year_of_records, RecordTruthKind};

#[test]
fn a_simulated_years_fake_and_late_maintenance_is_found() {
    let city = City::generate(&SimConfig {
        lifts: 400,
        ..SimConfig::default()
    })
    .unwrap();
    let year = year_of_records(&city, 2025, 3);
    let lift_of: BTreeMap<&str, usize> = city
        .lifts
        .iter()
        .enumerate()
        .map(|(i, l)| (l.registration_code.as_str(), i))
        .collect();
    let mut by_lift: BTreeMap<usize, Vec<&MaintenanceRecord>> = BTreeMap::new();
    for r in &year.records {
        if let Record::Maintenance(m) = r {
            by_lift.entry(lift_of[m.lift.as_str()]).or_default().push(m);
        }
    }
    let truth: BTreeMap<&str, RecordTruthKind> = year
        .truth
        .iter()
        .map(|t| (t.record.as_str(), t.kind))
        .collect();
    let (mut fake, mut late, mut false_alarms) = ((0, 0), (0, 0), 0);
    for (lift, mut records) in by_lift {
        records.sort_by_key(|m| m.started_at);
        let family = city.lifts[lift].kind.maintenance_family();
        let mut previous_start = i64::MIN;
        for m in records {
            let verdict = check_record(m, family, previous_start, &Default::default());
            match truth.get(m.id.as_str()) {
                Some(RecordTruthKind::FakeMaintenance) => {
                    fake.0 += 1;
                    fake.1 += u32::from(verdict.kind == VerdictKind::TooShort);
                }
                Some(RecordTruthKind::LateMaintenance) => {
                    late.0 += 1;
                    late.1 += u32::from(verdict.kind == VerdictKind::Overdue);
                }
                None => false_alarms += u32::from(verdict.kind != VerdictKind::Corroborated),
            }
            // The interval is measured between consecutive records, as the register keeps them.
            previous_start = m.started_at.millis();
        }
    }
    assert!(fake.0 > 50 && late.0 > 50, "{fake:?} {late:?}");
    assert_eq!(fake.1, fake.0, "every fake record is too short");
    assert!(late.1 * 100 >= late.0 * 95, "late: {late:?}");
    assert_eq!(false_alarms, 0);
}
