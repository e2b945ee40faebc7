//! Equipment service age, and whole lifts and records through JSON and postcard.

use chrono::NaiveDate;
use liftspec_model::catalogue::{items, MaintenanceTier};
use liftspec_model::codes::{EventCode, HandlingStatus};
use liftspec_model::equipment::*;
use liftspec_model::id::*;
use liftspec_model::record::*;
use liftspec_model::time::Timestamp;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn lift(commissioned_on: NaiveDate) -> Equipment {
    Equipment {
        registration_code: "31103301062010050007".parse().unwrap(),
        equipment_code: Some("3110330012010A0007".parse().unwrap()),
        usage_certificate: Some("梯11浙AJ5023(10)".parse().unwrap()),
        rescue_code: Some(RescueCode::from_serial(10007, RescueCodeFormat::HANGZHOU).unwrap()),
        kind: EquipmentKind::TractionPassenger,
        model: "MRL-1000".into(),
        rated_load_kg: Some(1000),
        rated_speed_mm_s: 1750,
        floors: FloorTable::uniform(-1, 18, 3000).unwrap(),
        commissioned_on,
        location: Location {
            point: GeoPoint::new(30.2741, 120.1551).unwrap(),
            address: "杭州市西湖区文三路 1 号".into(),
            district: "西湖区".into(),
            region_code: 330106,
            built_up_area: true,
            access_notes: "机房钥匙在物业值班室".into(),
        },
        place: PlaceCategory::Residential,
        smart_system: SmartSystemStatus::Connected,
        retrofit_management: Some(RetrofitManagement::PropertyCompany),
        use_unit: "91330106MA2CFPRT8A".parse().unwrap(),
        maintenance_unit: "91350100M000100Y43".parse().unwrap(),
        manufacturer: "91330000MA27U2X059".parse().unwrap(),
        insurance: vec![InsurancePolicy {
            insurer: "91350100M000100Y43".parse().unwrap(),
            policy_number: "PICC-2026-0001".into(),
            cover: InsuranceCover::Comprehensive {
                services: vec![InsuredService::Maintenance, InsuredService::RiskAssessment],
            },
            valid_from: date(2026, 1, 1),
            valid_until: date(2026, 12, 31),
        }],
    }
}

#[test]
fn more_than_fifteen_years_starts_the_day_after_the_anniversary() {
    let l = lift(date(2010, 5, 1));
    assert_eq!(l.years_in_service(date(2025, 4, 30)), 14);
    assert_eq!(l.years_in_service(date(2025, 5, 1)), 15);
    assert!(
        !l.in_service_more_than(15, date(2025, 5, 1)),
        "exactly 15 years is not more than 15"
    );
    assert!(l.in_service_more_than(15, date(2025, 5, 2)));
    assert_eq!(
        l.years_in_service(date(2009, 1, 1)),
        0,
        "before commissioning"
    );
}

/// Civil Code Art. 202: a year period from 29 February ends on 28 February in a common year.
#[test]
fn leap_day_commissioning() {
    let l = lift(date(2012, 2, 29));
    assert_eq!(l.years_in_service(date(2013, 2, 27)), 0);
    assert_eq!(l.years_in_service(date(2013, 2, 28)), 1);
    assert_eq!(l.years_in_service(date(2016, 2, 28)), 3);
    assert_eq!(l.years_in_service(date(2016, 2, 29)), 4);
    assert_eq!(anniversary(date(2012, 2, 29), 1), Some(date(2013, 2, 28)));
    assert!(!l.in_service_more_than(1, date(2013, 2, 28)));
    assert!(l.in_service_more_than(1, date(2013, 3, 1)));
}

#[test]
fn insurance_in_force() {
    let l = lift(date(2010, 5, 1));
    assert_eq!(l.insurance_on(date(2026, 6, 1)).count(), 1);
    assert_eq!(l.insurance_on(date(2027, 1, 1)).count(), 0);
}

#[test]
fn equipment_round_trips_in_json_and_postcard() {
    let l = lift(date(2010, 5, 1));
    let json = serde_json::to_string(&l).unwrap();
    assert!(
        json.contains(r#""registrationCode":"31103301062010050007""#),
        "camelCase, ids as text: {json}"
    );
    assert_eq!(serde_json::from_str::<Equipment>(&json).unwrap(), l);
    let bytes = postcard::to_allocvec(&l).unwrap();
    assert_eq!(postcard::from_bytes::<Equipment>(&bytes).unwrap(), l);
    let bad = json.replace("31103301062010050007", "31103301062010130007");
    let e = serde_json::from_str::<Equipment>(&bad)
        .unwrap_err()
        .to_string();
    assert!(e.contains("month 13"), "{e}");
}

#[test]
fn records_round_trip_as_json_lines() {
    let lift: RegistrationCode = "31103301062010050007".parse().unwrap();
    let unit: CreditCode = "91350100M000100Y43".parse().unwrap();
    let t0: Timestamp = "2026-03-01T01:00:00Z".parse().unwrap();
    let family = EquipmentKind::TractionPassenger.maintenance_family();
    let records = vec![
        Record::Maintenance(MaintenanceRecord {
            id: RecordId::parse("M-1").unwrap(),
            lift: lift.clone(),
            maintenance_unit: unit.clone(),
            technicians: vec![
                TechnicianId::parse("T1").unwrap(),
                TechnicianId::parse("T2").unwrap(),
            ],
            tier: MaintenanceTier::Quarterly,
            items_done: items(family, MaintenanceTier::Quarterly).collect(),
            started_at: t0,
            ended_at: t0.plus_millis(75 * 60_000),
            confirmation: Some(UseUnitConfirmation {
                confirmed_by: "王工".into(),
                confirmed_at: t0.plus_millis(80 * 60_000),
            }),
            remarks: String::new(),
        }),
        Record::Fault(FaultRecord {
            id: RecordId::parse("F-1").unwrap(),
            lift: lift.clone(),
            code: EventCode::from_number(11),
            floor: Some(7),
            raised_at: t0,
            cleared_at: None,
            handling: HandlingStatus::OnSite,
            source: FaultSource::Telemetry,
            written_notice_at: None,
        }),
        Record::Rescue(RescueRecord {
            incident: IncidentId::parse("R-20260301-0001").unwrap(),
            lift: lift.clone(),
            reported_at: t0,
            trapped_since: None,
            unit_notified_at: None,
            use_unit_organised_at: None,
            regulator_reported_at: None,
            dispatched_at: Some(t0.plus_millis(60_000)),
            accepted_at: Some(t0.plus_millis(120_000)),
            arrived_at: Some(t0.plus_millis(22 * 60_000)),
            released_at: Some(t0.plus_millis(27 * 60_000)),
            responder: Some(unit.clone()),
            crew: Some(CrewId::parse("C-7").unwrap()),
            cross_unit_dispatch: false,
            built_up_area: true,
            trapped_persons: 2,
            false_alarm: false,
            cause: RescueCause::EquipmentFault,
        }),
        Record::Disaster(DisasterExposure {
            id: RecordId::parse("D-1").unwrap(),
            lift: lift.clone(),
            kind: DisasterKind::Flood,
            occurred_on: date(2025, 9, 3),
            description: "pit flooded during typhoon".into(),
        }),
        Record::ComponentReplacement(ComponentReplacement {
            id: RecordId::parse("X-1").unwrap(),
            lift,
            component: ComponentKind::Other("rope gripper".into()),
            replaced_on: date(2024, 1, 2),
            by: unit,
            has_quality_certificate: true,
            type_test_certificate: Some("TX-123".into()),
        }),
    ];
    for record in &records {
        let line = serde_json::to_string(record).unwrap();
        assert!(!line.contains('\n'));
        assert_eq!(&serde_json::from_str::<Record>(&line).unwrap(), record);
        assert_eq!(
            &postcard::from_bytes::<Record>(&postcard::to_allocvec(record).unwrap()).unwrap(),
            record
        );
    }
    let Record::Maintenance(m) = &records[0] else {
        unreachable!()
    };
    assert_eq!(m.duration_minutes(), 75);
    assert!(m.check_items(family).is_complete());
    let Record::Rescue(r) = &records[2] else {
        unreachable!()
    };
    assert_eq!(
        (r.arrival_minutes(), r.held_minutes()),
        (Some(21), Some(27)),
        "arrival counts from the dispatch (the unit receiving the report), Art. 30"
    );
    // Kept at least four years: through 2030-03-01, deletable from the next day.
    assert_eq!(retention_ends(date(2026, 3, 1)), Some(date(2030, 3, 2)));
}

#[test]
fn kinds_and_places() {
    for kind in EquipmentKind::ALL {
        assert_eq!(
            EquipmentKind::from_catalogue_code(kind.catalogue_code()),
            Some(kind)
        );
        assert_eq!(
            EquipmentKind::from_certificate_code(kind.certificate_code()),
            Some(kind)
        );
        assert_eq!(
            kind.catalogue_code() / 10 % 100 / 10 * 10 + kind.catalogue_code() % 100 / 10,
            u16::from(kind.certificate_code())
        );
    }
    assert!(PlaceCategory::TransportHub.is_public_gathering());
    assert!(PlaceCategory::School.is_spot_check_priority());
    assert!(!PlaceCategory::Residential.is_crowded());
}

/// Hangzhou Reg. Art. 15(3): a complaint written to a records file (what goes to other parties)
/// carries no passenger's name or phone, and reads back as withheld.
#[test]
fn a_complainants_contact_never_leaves_in_a_records_file() {
    use liftspec_model::privacy::PassengerData;
    let complaint = Record::Complaint(ComplaintRecord {
        id: RecordId::parse("C-1").unwrap(),
        lift: None,
        against: "91350100M000100Y43".parse().unwrap(),
        received_at: Timestamp::from_millis(0),
        category: ComplaintCategory::Rescue,
        substantiated: None,
        complainant: Some(PassengerData::new(Contact {
            name: "李女士".into(),
            phone: "13800138000".into(),
        })),
    });
    let line = serde_json::to_string(&complaint).unwrap();
    assert!(
        !line.contains("13800138000") && !line.contains("李女士"),
        "{line}"
    );
    assert!(line.contains("Art. 15(3)"));
    let back: Record = serde_json::from_str(&line).unwrap();
    let Record::Complaint(c) = back else {
        unreachable!()
    };
    assert_eq!(c.complainant, Some(PassengerData::Withheld));
    assert!(!format!("{complaint:?}").contains("13800138000"));
}
