//! A year of records for the city: maintenance sessions on the TSG T5002 schedule (some late,
//! some fake), periodic inspections, faults and the rescues they caused, complaints, component
//! replacements, and disasters including a typhoon day — the input of credit evaluation and risk
//! screening, with the truth about which records are late or fake.
//!
//! Maintenance units differ in quality (drawn per unit), so the credit evaluation has something to
//! tell apart; older lifts fail more.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime};
use liftspec_model::catalogue::{items, MaintenanceTier};
use liftspec_model::codes::{EventCode, HandlingStatus};
use liftspec_model::id::{IncidentId, RecordId};
use liftspec_model::record::{
    ComplaintCategory, ComplaintRecord, ComponentKind, ComponentReplacement, DisasterExposure,
    DisasterKind, FaultRecord, FaultSource, InspectionKind, InspectionRecord, InspectionResult,
    MaintenanceRecord, Record, RescueCause, RescueRecord, SmartSystemCheck, UseUnitConfirmation,
};
use liftspec_model::time::Timestamp;

use crate::city::City;
use crate::rng::Rng;

const STREAM_RECORDS: u64 = 4;

/// What the records really are (what a perfect auditor would know).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RecordTruthKind {
    /// A maintenance session more than 15 days after the previous one.
    LateMaintenance,
    /// A maintenance record with no real visit behind it.
    FakeMaintenance,
}

/// The truth about one record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordTruth {
    /// The record.
    pub record: RecordId,
    /// Index of its lift.
    pub lift: u32,
    /// What it really is.
    pub kind: RecordTruthKind,
}

/// A year of records with their truth.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct YearOfRecords {
    /// The calendar year.
    pub year: i32,
    /// Quality of each maintenance unit in [0, 1] (1 best), by unit index.
    pub unit_quality: Vec<f64>,
    /// The records, in no particular order.
    pub records: Vec<Record>,
    /// The late and fake maintenance records.
    pub truth: Vec<RecordTruth>,
    /// The typhoon day.
    pub typhoon_day: NaiveDate,
}

fn at(date: NaiveDate, minutes: i64) -> Timestamp {
    let t = date.and_time(NaiveTime::MIN) + Duration::minutes(minutes) - Duration::hours(8);
    Timestamp::from_millis(t.and_utc().timestamp_millis())
}

fn fresh(counter: &mut u64, prefix: &str) -> RecordId {
    *counter += 1;
    id(prefix, *counter)
}

fn id(prefix: &str, n: u64) -> RecordId {
    RecordId::parse(&format!("{prefix}-{n:09}")).expect("a valid id format")
}

/// Districts along the Qiantang river and its plains, flooded first in a typhoon.
const LOW_LYING: [u32; 4] = [330108, 330109, 330113, 330114];

/// Generates `year`'s records for `city`.
pub fn year_of_records(city: &City, year: i32, seed: u64) -> YearOfRecords {
    let mut rng = Rng::derive(seed, STREAM_RECORDS, year as u64);
    let unit_quality: Vec<f64> = (0..city.maintenance_units.len())
        .map(|_| rng.range(0.2, 1.0))
        .collect();
    let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let last = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
    let typhoon_day = first + Duration::days(rng.int(210, 260));
    let mut records = Vec::new();
    let mut truth = Vec::new();
    let mut n = 0u64;
    for (index, lift) in city.lifts.iter().enumerate() {
        let mut r = Rng::derive(seed, STREAM_RECORDS, 1_000_000 + index as u64);
        // The use unit's and the inspection body's timeliness come from a stream of their own, so
        // they leave every other draw as it was.
        let mut d = Rng::derive(seed, STREAM_RECORDS, 3_000_000 + index as u64);
        let q = unit_quality[lift.maintenance_unit as usize];
        let unit = &city.maintenance_units[lift.maintenance_unit as usize];
        let building = &city.buildings[lift.building as usize];
        let use_unit_diligence = Rng::derive(
            seed,
            STREAM_RECORDS,
            2_000_000 + u64::from(building.use_unit),
        )
        .range(0.3, 1.0);
        let use_unit = &city.use_units[building.use_unit as usize];
        let years = liftspec_model::equipment::full_years_between(lift.commissioned_on, last);
        let wear = 1.0 + f64::from(years) / 15.0;
        if lift.commissioned_on > last {
            continue;
        }
        // Maintenance every 15 days or less; a poor unit is late more often and fakes more.
        let mut day = first.max(lift.commissioned_on) + Duration::days(r.int(0, 14));
        let mut sessions = 0u32;
        while day <= last {
            sessions += 1;
            let tier = if sessions % 24 == 0 {
                MaintenanceTier::Yearly
            } else if sessions % 12 == 0 {
                MaintenanceTier::HalfYearly
            } else if sessions % 6 == 0 {
                MaintenanceTier::Quarterly
            } else {
                MaintenanceTier::HalfMonthly
            };
            let fake = r.chance(0.005 + 0.06 * (1.0 - q));
            let start_min = r.int(8 * 60 + 30, 16 * 60);
            let items_done: Vec<_> = items(lift.kind.maintenance_family(), tier).collect();
            // A real visit takes one to two and a half minutes per item; a fake one is quick.
            let minutes = if fake {
                r.int(8, 20)
            } else {
                (items_done.len() as f64 * r.range(1.0, 2.5)) as i64
            };
            let crew = &unit.crews[r.index(unit.crews.len())];
            let record = fresh(&mut n, "MR");
            if fake {
                truth.push(RecordTruth {
                    record: record.clone(),
                    lift: index as u32,
                    kind: RecordTruthKind::FakeMaintenance,
                });
            }
            records.push(Record::Maintenance(MaintenanceRecord {
                id: record,
                lift: lift.registration_code.clone(),
                maintenance_unit: unit.organisation.credit_code.clone(),
                technicians: crew.technicians.clone(),
                tier,
                items_done,
                started_at: at(day, start_min),
                ended_at: at(day, start_min + minutes),
                confirmation: r.chance(0.9).then(|| UseUnitConfirmation {
                    confirmed_by: use_unit.safety_manager.clone(),
                    confirmed_at: at(day, start_min + minutes + 10),
                }),
                remarks: String::new(),
            }));
            let late = r.chance(0.01 + 0.12 * (1.0 - q));
            let gap = if late { r.int(16, 30) } else { r.int(12, 15) };
            day += Duration::days(gap);
            if late && day <= last {
                truth.push(RecordTruth {
                    record: id("MR", n + 1),
                    lift: index as u32,
                    kind: RecordTruthKind::LateMaintenance,
                });
            }
        }
        // Periodic inspection: every year beyond 15 years, every other year before, with a
        // self-test in the years between ([recall]: TSG T7001-2023).
        let inspect_day = first + Duration::days(r.int(0, 364));
        let periodic = years > 15 || (inspect_day.year() - lift.commissioned_on.year()) % 2 == 0;
        let result_roll = r.unit() * (1.0 + 0.5 * (1.0 - q)) * wear.sqrt();
        let result = if result_roll < 0.9 {
            InspectionResult::Pass
        } else if result_roll < 1.05 {
            InspectionResult::PassAfterRectification
        } else {
            InspectionResult::Fail
        };
        let interval = if years > 15 { 365 } else { 730 };
        records.push(Record::Inspection(InspectionRecord {
            id: fresh(&mut n, "IR"),
            lift: lift.registration_code.clone(),
            body: city.manufacturers[0].organisation.credit_code.clone(),
            kind: if periodic {
                InspectionKind::Periodic
            } else {
                InspectionKind::SelfTest
            },
            inspected_on: inspect_day,
            result,
            report_number: format!("HZTJ{year}{index:07}"),
            next_due: inspect_day + Duration::days(interval),
            // Requested five to seven weeks ahead, or late by a diligent-less use unit.
            requested_on: periodic.then(|| {
                let ahead = if d.chance(0.15 * (1.0 - use_unit_diligence)) {
                    d.int(3, 25)
                } else {
                    d.int(35, 50)
                };
                inspect_day - Duration::days(ahead)
            }),
            // The report a few days after the inspection; now and then later than ten working
            // days (Art. 31 ¶2).
            report_issued_on: Some(
                inspect_day
                    + Duration::days(if d.chance(0.04) {
                        d.int(15, 25)
                    } else {
                        d.int(1, 10)
                    }),
            ),
            smart_system: periodic.then(|| {
                if d.chance(0.08 * (1.0 - use_unit_diligence)) {
                    SmartSystemCheck::NotEffective
                } else {
                    SmartSystemCheck::Effective
                }
            }),
        }));
        // Faults: a few a year, more for old lifts and poor maintenance; some trap passengers.
        let fault_rate = 1.2 * wear * (1.0 + 1.5 * (1.0 - q));
        let faults = poisson(&mut r, fault_rate);
        for _ in 0..faults {
            let day = first + Duration::days(r.int(0, 364));
            let minute = r.int(6 * 60, 23 * 60);
            let code = [2u16, 3, 4, 1, 7, 11, 11, 6, 5][r.index(9)];
            let raised = at(day, minute);
            let cleared = at(day, minute + r.int(10, 240));
            records.push(Record::Fault(FaultRecord {
                id: fresh(&mut n, "FR"),
                lift: lift.registration_code.clone(),
                code: EventCode::from_number(code),
                floor: None,
                raised_at: raised,
                cleared_at: Some(cleared),
                handling: HandlingStatus::Done,
                source: FaultSource::Telemetry,
                written_notice_at: None,
            }));
            if code == 11 {
                let mut record = rescue(&mut r, city, index, raised, q, &mut n);
                // The use unit organises the rescue and reports to the regulator (Art. 20(3)),
                // promptly if diligent.
                let minutes = |m: i64| Timestamp::from_millis(raised.millis() + m * 60_000);
                record.use_unit_organised_at = Some(minutes(d.int(1, 6)));
                record.regulator_reported_at = if d.chance(0.2 * (1.0 - use_unit_diligence)) {
                    d.chance(0.5).then(|| minutes(d.int(70, 240)))
                } else {
                    Some(minutes(d.int(5, 45)))
                };
                records.push(Record::Rescue(record));
            }
        }
        // Complaints: rare, more against poor units.
        for _ in 0..poisson(&mut r, 0.04 + 0.1 * (1.0 - q) + 0.02 * f64::from(faults)) {
            let day = first + Duration::days(r.int(0, 364));
            let category = [
                ComplaintCategory::FrequentFaults,
                ComplaintCategory::Maintenance,
                ComplaintCategory::OutOfService,
                ComplaintCategory::Rescue,
                ComplaintCategory::Other,
            ][r.weighted(&[0.35, 0.25, 0.2, 0.1, 0.1])];
            records.push(Record::Complaint(ComplaintRecord {
                id: fresh(&mut n, "CP"),
                lift: Some(lift.registration_code.clone()),
                against: if category == ComplaintCategory::Other {
                    use_unit.organisation.credit_code.clone()
                } else {
                    unit.organisation.credit_code.clone()
                },
                received_at: at(day, r.int(8 * 60, 20 * 60)),
                category,
                substantiated: Some(r.chance(0.3 + 0.4 * (1.0 - q))),
                complainant: None,
            }));
        }
        // Component replacements on old lifts.
        if years > 12 && r.chance(0.05 * wear) {
            records.push(Record::ComponentReplacement(ComponentReplacement {
                id: fresh(&mut n, "CR"),
                lift: lift.registration_code.clone(),
                component: [
                    ComponentKind::DoorOperator,
                    ComponentKind::Brake,
                    ComponentKind::Controller,
                    ComponentKind::SuspensionMeans,
                ][r.index(4)]
                .clone(),
                replaced_on: first + Duration::days(r.int(0, 364)),
                by: unit.organisation.credit_code.clone(),
                has_quality_certificate: r.chance(0.95),
                type_test_certificate: Some(format!("TX{year}{index:06}")),
            }));
        }
        // Disasters: the typhoon floods pits in low-lying districts; lightning and fire are rare.
        let district = &city.districts[building.district as usize];
        let flooded = LOW_LYING.contains(&district.region_code)
            && !building.location.built_up_area
            && r.chance(0.08);
        let struck = r.chance(0.0015);
        if flooded || struck {
            records.push(Record::Disaster(DisasterExposure {
                id: fresh(&mut n, "DX"),
                lift: lift.registration_code.clone(),
                kind: if flooded {
                    DisasterKind::Flood
                } else {
                    DisasterKind::Lightning
                },
                occurred_on: if flooded {
                    typhoon_day
                } else {
                    first + Duration::days(r.int(0, 364))
                },
                description: if flooded {
                    "台风暴雨致底坑进水".into()
                } else {
                    "雷击".into()
                },
            }));
        }
    }
    YearOfRecords {
        year,
        unit_quality,
        records,
        truth,
        typhoon_day,
    }
}

fn rescue(
    r: &mut Rng,
    city: &City,
    index: usize,
    reported: Timestamp,
    quality: f64,
    counter: &mut u64,
) -> RescueRecord {
    let lift = &city.lifts[index];
    let building = &city.buildings[lift.building as usize];
    let unit = &city.maintenance_units[lift.maintenance_unit as usize];
    let built_up = building.location.built_up_area;
    // Arrival: typically 12–17 min in the built-up area (published 96333 KPIs), slower outside
    // and for poor units; a few miss the Art. 30 limit.
    let mean = if built_up { 15.0 } else { 32.0 } * (1.0 + 0.6 * (1.0 - quality));
    let arrival_min = r.normalish(mean, mean * 0.3).max(4.0) as i64;
    let release_min = arrival_min + r.int(2, 9);
    let m = |min: i64| Timestamp::from_millis(reported.millis() + min * 60_000);
    let cross = r.chance(0.08);
    let number = fresh(counter, "RS");
    RescueRecord {
        incident: IncidentId::parse(number.as_str()).expect("a valid id format"),
        lift: lift.registration_code.clone(),
        reported_at: reported,
        // The telemetry saw the car stop 30 s before it reported; the unit got the offer a
        // minute after the report.
        trapped_since: Some(Timestamp::from_millis(reported.millis() - 30_000)),
        unit_notified_at: Some(m(1)),
        use_unit_organised_at: None,
        regulator_reported_at: None,
        dispatched_at: Some(m(1)),
        accepted_at: Some(m(2)),
        arrived_at: Some(m(arrival_min)),
        released_at: Some(m(release_min)),
        responder: Some(unit.organisation.credit_code.clone()),
        crew: Some(unit.crews[r.index(unit.crews.len())].id.clone()),
        cross_unit_dispatch: cross,
        built_up_area: built_up,
        trapped_persons: r.int(1, 4) as u16,
        false_alarm: false,
        cause: RescueCause::EquipmentFault,
    }
}

/// A Poisson draw by counting uniform arrivals (arithmetic and `ln`-free beyond the generator's
/// own exponential; `mean` ≤ a few dozen).
fn poisson(rng: &mut Rng, mean: f64) -> u32 {
    let mut t = 0.0;
    let mut k = 0;
    loop {
        t += rng.exponential(1.0);
        if t > mean || k >= 1000 {
            return k;
        }
        k += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SimConfig;

    #[test]
    fn a_year_has_every_kind_of_record_and_its_truth() {
        let city = City::generate(&SimConfig {
            lifts: 1500,
            ..SimConfig::default()
        })
        .unwrap();
        let year = year_of_records(&city, 2025, 11);
        let count = |f: fn(&Record) -> bool| year.records.iter().filter(|r| f(r)).count();
        let maintenance = count(|r| matches!(r, Record::Maintenance(_)));
        // About 24 sessions per lift-year.
        assert!(
            maintenance > 1500 * 20 && maintenance < 1500 * 27,
            "{maintenance}"
        );
        assert!(count(|r| matches!(r, Record::Inspection(_))) >= 1400);
        assert!(count(|r| matches!(r, Record::Fault(_))) > 1000);
        assert!(count(|r| matches!(r, Record::Rescue(_))) > 50);
        assert!(count(|r| matches!(r, Record::Complaint(_))) > 20);
        assert!(count(|r| matches!(r, Record::Disaster(_))) > 0);
        let fakes = year
            .truth
            .iter()
            .filter(|t| t.kind == RecordTruthKind::FakeMaintenance)
            .count();
        let lates = year
            .truth
            .iter()
            .filter(|t| t.kind == RecordTruthKind::LateMaintenance)
            .count();
        assert!(fakes > 100 && lates > 100, "{fakes} fake, {lates} late");
        // Every late record really is more than 15 days after the lift's previous session.
        for t in year
            .truth
            .iter()
            .filter(|t| t.kind == RecordTruthKind::LateMaintenance)
            .take(50)
        {
            let lift = &city.lifts[t.lift as usize].registration_code;
            let mut sessions: Vec<&MaintenanceRecord> = year
                .records
                .iter()
                .filter_map(|r| match r {
                    Record::Maintenance(m) if &m.lift == lift => Some(m),
                    _ => None,
                })
                .collect();
            sessions.sort_by_key(|m| m.started_at);
            let i = sessions
                .iter()
                .position(|m| m.id == t.record)
                .expect("the late record exists");
            assert!(i > 0);
            let gap_days = sessions[i]
                .started_at
                .millis_since(sessions[i - 1].started_at)
                / 86_400_000;
            assert!(gap_days >= 15, "{gap_days}");
        }
        assert_eq!(year, year_of_records(&city, 2025, 11), "deterministic");
    }
}
