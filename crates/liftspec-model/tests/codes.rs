//! National codes, BACnet enums and the mapping between them.

use liftspec_model::codes::*;

#[test]
fn every_national_code_maps_where_it_should() {
    use BacnetEquivalent as B;
    let expected: &[(u16, Option<BacnetEquivalent>)] = &[
        (1, Some(B::LiftFault(BacnetLiftFault::SafetyInterlockFault))),
        (2, Some(B::LiftFault(BacnetLiftFault::DoorClosingFault))),
        (3, Some(B::LiftFault(BacnetLiftFault::DoorOpeningFault))),
        (
            4,
            Some(B::LiftFault(BacnetLiftFault::CarStoppedOutsideLandingZone)),
        ),
        (5, None),
        (6, Some(B::LiftFault(BacnetLiftFault::RuntimeLimitExceeded))),
        (7, Some(B::LiftFault(BacnetLiftFault::PositionLost))),
        (8, Some(B::LiftFault(BacnetLiftFault::StartFailure))),
        (9, Some(B::LiftFault(BacnetLiftFault::LiftShaftDeviceFault))),
        (
            10,
            Some(B::LiftFault(BacnetLiftFault::LiftShaftDeviceFault)),
        ),
        (11, None),
        (40, Some(B::CarMode(LiftCarMode::Normal))),
        (41, Some(B::LiftFault(BacnetLiftFault::PowerSupplyFault))),
        (42, Some(B::CarMode(LiftCarMode::OutOfService))),
        (43, Some(B::CarMode(LiftCarMode::Inspection))),
        (44, Some(B::CarMode(LiftCarMode::FireOperation))),
        (45, Some(B::CarMode(LiftCarMode::FirefighterControl))),
        (46, Some(B::CarMode(LiftCarMode::EmergencyPower))),
        (47, Some(B::CarMode(LiftCarMode::EarthquakeOperation))),
        (
            61,
            Some(B::EscalatorFault(BacnetEscalatorFault::SafetyDeviceFault)),
        ),
        (
            62,
            Some(B::EscalatorFault(BacnetEscalatorFault::OverspeedFault)),
        ),
        (63, None),
        (
            64,
            Some(B::EscalatorFault(
                BacnetEscalatorFault::MechanicalComponentFault,
            )),
        ),
        (
            65,
            Some(B::EscalatorFault(BacnetEscalatorFault::ControllerFault)),
        ),
        (90, None),
    ];
    let known: Vec<u16> = EventCode::known().map(EventCode::number).collect();
    assert_eq!(
        known,
        expected.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
        "table covers every known code"
    );
    for &(n, bacnet) in expected {
        let code = EventCode::from_number(n);
        assert!(
            !matches!(code, EventCode::Unassigned(_) | EventCode::Proprietary(_)),
            "{n} is known"
        );
        assert_eq!(code.bacnet(), bacnet, "code {n:02}");
        assert_eq!(code.number(), n);
    }
}

#[test]
fn reverse_mapping_round_trips_where_unique() {
    for &f in LiftFault::KNOWN {
        if let Some(b) = f.bacnet() {
            if let Some(back) = LiftFault::from_bacnet(b) {
                assert_eq!(back.bacnet(), Some(b));
            }
        }
    }
    for &b in BacnetLiftFault::KNOWN {
        if let Some(f) = LiftFault::from_bacnet(b) {
            assert_eq!(f.bacnet(), Some(b), "{b:?}");
        }
    }
    for &b in BacnetEscalatorFault::KNOWN {
        if let Some(f) = EscalatorFault::from_bacnet(b) {
            assert_eq!(f.bacnet(), Some(b), "{b:?}");
        }
    }
    for &m in ServiceMode::KNOWN {
        if m != ServiceMode::Unknown {
            assert_eq!(ServiceMode::from_bacnet(m.bacnet()), m);
        }
    }
    for &e in ServiceEvent::KNOWN {
        if let (Some(mode), Some(BacnetEquivalent::CarMode(car))) = (e.service_mode(), e.bacnet()) {
            assert_eq!(mode.bacnet(), car, "{e:?}");
        }
    }
}

#[test]
fn classification_of_numbers() {
    for n in 0u16..=2000 {
        let code = EventCode::from_number(n);
        assert_eq!(code.number(), n, "round trip {n}");
        let expect_known = matches!(n, 1..=11 | 40..=47 | 61..=65 | 90);
        assert_eq!(
            !matches!(code, EventCode::Unassigned(_) | EventCode::Proprietary(_)),
            expect_known,
            "{n}"
        );
        assert_eq!(
            matches!(code, EventCode::Proprietary(_)),
            n >= PROPRIETARY_EVENT_CODE_START
        );
    }
    assert!(EventCode::from_number(2).is_fault());
    assert!(EventCode::from_number(62).is_fault());
    assert!(!EventCode::from_number(43).is_fault());
    assert!(!EventCode::AlarmButton.is_fault());
}

#[test]
fn unknown_values_are_kept_on_the_wire() {
    let json = serde_json::to_string(&(
        ServiceMode::from_code(42),
        DoorStatus::from_code(300),
        EventCode::from_number(1234),
    ))
    .unwrap();
    assert_eq!(json, "[42,300,1234]");
    let (mode, door, code): (ServiceMode, DoorStatus, EventCode) =
        serde_json::from_str(&json).unwrap();
    assert_eq!(mode, ServiceMode::Other(42));
    assert_eq!(door, DoorStatus::Other(300));
    assert!(door.is_proprietary());
    assert_eq!(code, EventCode::Proprietary(1234));
    let bytes = postcard::to_allocvec(&(mode, door, code)).unwrap();
    let back: (ServiceMode, DoorStatus, EventCode) = postcard::from_bytes(&bytes).unwrap();
    assert_eq!(back, (mode, door, code));
}

#[test]
fn bacnet_enums_have_the_standard_sizes() {
    assert_eq!(BacnetLiftFault::KNOWN.len(), 17);
    assert_eq!(LiftCarMode::KNOWN.len(), 14);
    assert_eq!(DoorStatus::KNOWN.len(), 10);
    assert_eq!(LiftCarDriveStatus::KNOWN.len(), 10);
    assert_eq!(BacnetEscalatorFault::KNOWN.len(), 9);
    for (i, f) in BacnetLiftFault::KNOWN.iter().enumerate() {
        assert_eq!(usize::from(f.code()), i, "{f:?} numbered in order");
    }
    assert_eq!(HandlingStatus::from_code(3), HandlingStatus::Other(3));
    assert!(HandlingStatus::FalseAlarm.is_closed() && !HandlingStatus::OnSite.is_closed());
}

#[test]
fn data_carrying_enums_work_in_both_encodings() {
    let v = vec![
        BacnetEquivalent::LiftFault(BacnetLiftFault::PositionLost),
        BacnetEquivalent::CarMode(LiftCarMode::Other(999)),
        BacnetEquivalent::EscalatorFault(BacnetEscalatorFault::CombPlateFault),
    ];
    let json = serde_json::to_string(&v).unwrap();
    assert_eq!(
        json,
        r#"[{"liftFault":14},{"carMode":999},{"escalatorFault":8}]"#
    );
    assert_eq!(
        serde_json::from_str::<Vec<BacnetEquivalent>>(&json).unwrap(),
        v
    );
    assert_eq!(
        postcard::from_bytes::<Vec<BacnetEquivalent>>(&postcard::to_allocvec(&v).unwrap()).unwrap(),
        v
    );
    use liftspec_model::equipment::CarPosition;
    let p = vec![
        CarPosition::Landing {
            index: 3,
            offset_mm: -12,
        },
        CarPosition::BetweenLandings { below: 1, above: 2 },
        CarPosition::AboveTop,
    ];
    assert_eq!(
        postcard::from_bytes::<Vec<CarPosition>>(&postcard::to_allocvec(&p).unwrap()).unwrap(),
        p
    );
    assert_eq!(
        serde_json::from_str::<Vec<CarPosition>>(&serde_json::to_string(&p).unwrap()).unwrap(),
        p
    );
}
