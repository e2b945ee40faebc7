//! Property tests: every identifier round-trips through Display/FromStr, JSON and postcard, and no
//! parser panics on arbitrary input.

use liftspec_model::catalogue::MaintenanceItemId;
use liftspec_model::codes::EventCode;
use liftspec_model::equipment::{FloorTable, GeoPoint};
use liftspec_model::id::*;
use liftspec_model::time::Timestamp;
use proptest::prelude::*;

fn round_trip<T>(value: &T)
where
    T: core::fmt::Display
        + core::str::FromStr
        + serde::Serialize
        + serde::de::DeserializeOwned
        + PartialEq
        + core::fmt::Debug,
    <T as core::str::FromStr>::Err: core::fmt::Debug,
{
    let text = value.to_string();
    assert_eq!(&text.parse::<T>().unwrap(), value);
    let json = serde_json::to_string(value).unwrap();
    assert_eq!(&serde_json::from_str::<T>(&json).unwrap(), value);
    let bytes = postcard::to_allocvec(value).unwrap();
    assert_eq!(&postcard::from_bytes::<T>(&bytes).unwrap(), value);
}

fn registration_code() -> impl Strategy<Value = String> {
    (
        3000u32..=3999,
        prop::sample::select(PROVINCE_CODES.to_vec()),
        0u32..=9999,
        1950u32..=2099,
        1u32..=12,
        0u32..=9999,
    )
        .prop_map(|(class, province, area, year, month, seq)| {
            format!("{class:04}{province:02}{area:04}{year:04}{month:02}{seq:04}")
        })
}

const ALNUM: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

fn usage_certificate() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec![11u8, 12, 13, 21, 22, 31, 32, 41, 42, 43]),
        prop::sample::select(PROVINCE_ABBREVIATIONS.to_vec()),
        prop::char::range('A', 'Z'),
        prop::collection::vec(
            prop::sample::select(ALNUM.chars().collect::<Vec<_>>()),
            1..=8,
        ),
        0u8..=99,
        any::<bool>(),
    )
        .prop_map(|(v, p, city, serial, year, wide)| {
            let serial: String = serial.into_iter().collect();
            let (o, c) = if wide { ('（', '）') } else { ('(', ')') };
            format!("梯{v:02}{p}{city}{serial}{o}{year:02}{c}")
        })
}

proptest! {
    #[test]
    fn registration_codes_round_trip(s in registration_code()) {
        let code: RegistrationCode = s.parse().unwrap();
        prop_assert_eq!(code.as_str(), s.as_str());
        round_trip(&code);
    }

    #[test]
    fn equipment_codes_round_trip(
        variety in 0u32..=9999,
        rest in prop::collection::vec(prop::sample::select(ALNUM.chars().collect::<Vec<_>>()), 14..=16),
    ) {
        let s = format!("{variety:04}{}", rest.into_iter().collect::<String>());
        round_trip(&s.parse::<EquipmentCode>().unwrap());
    }

    #[test]
    fn usage_certificates_round_trip(s in usage_certificate()) {
        let cert: UsageCertificate = s.parse().unwrap();
        prop_assert_eq!(cert.to_string(), s);
        round_trip(&cert);
        prop_assert!(cert.normalized().parse::<UsageCertificate>().is_ok());
    }

    #[test]
    fn rescue_codes_round_trip(digits in 4u8..=12, serial in any::<u64>()) {
        let format = RescueCodeFormat { digits };
        let code = RescueCode::from_serial(serial % (format.max_serial() + 1), format).unwrap();
        prop_assert_eq!(code.as_str().len(), usize::from(digits));
        prop_assert_eq!(RescueCode::parse_with(code.as_str(), format).unwrap(), code.clone());
        round_trip(&code);
    }

    #[test]
    fn credit_codes_round_trip(
        head in prop::collection::vec(prop::sample::select(CREDIT_CODE_CHARSET.chars().collect::<Vec<_>>()), 2),
        region in 0u32..=999_999,
        org in prop::collection::vec(prop::sample::select(CREDIT_CODE_CHARSET.chars().collect::<Vec<_>>()), 9),
    ) {
        let first17 = format!("{}{region:06}{}", head.into_iter().collect::<String>(), org.into_iter().collect::<String>());
        let code = CreditCode::with_check_char(&first17).unwrap();
        round_trip(&code);
    }

    #[test]
    fn timestamps_round_trip(ms in -8_000_000_000_000i64..=8_000_000_000_000) {
        round_trip(&Timestamp::from_millis(ms));
    }

    #[test]
    fn every_timestamp_has_a_json_form(ms in any::<i64>()) {
        let t = Timestamp::from_millis(ms);
        let json = serde_json::to_string(&t).unwrap();
        prop_assert_eq!(serde_json::from_str::<Timestamp>(&json).unwrap(), t);
    }

    #[test]
    fn item_ids_round_trip(annex in 0usize..4, table in 1u8..=4, number in 1u8..=40) {
        let s = format!("{}{}-{:02}", ['A', 'B', 'C', 'D'][annex], table, number);
        if let Ok(id) = s.parse::<MaintenanceItemId>() {
            prop_assert!(id.exists());
            round_trip(&id);
        }
    }

    #[test]
    fn event_codes_round_trip(n in any::<u16>()) {
        let code = EventCode::from_number(n);
        let json = serde_json::to_string(&code).unwrap();
        prop_assert_eq!(serde_json::from_str::<EventCode>(&json).unwrap(), code);
        prop_assert_eq!(postcard::from_bytes::<EventCode>(&postcard::to_allocvec(&code).unwrap()).unwrap(), code);
    }

    #[test]
    fn no_parser_panics_on_arbitrary_text(s in "\\PC{0,40}") {
        let _ = s.parse::<RegistrationCode>();
        let _ = s.parse::<EquipmentCode>();
        let _ = s.parse::<UsageCertificate>();
        let _ = s.parse::<RescueCode>();
        let _ = s.parse::<CreditCode>();
        let _ = s.parse::<TechnicianId>();
        let _ = s.parse::<MaintenanceItemId>();
        let _ = s.parse::<Timestamp>();
    }

    #[test]
    fn no_parser_panics_on_near_valid_text(s in usage_certificate(), cut in 0usize..30, insert in any::<char>()) {
        let mut chars: Vec<char> = s.chars().collect();
        let at = cut.min(chars.len());
        chars.insert(at, insert);
        let mutated: String = chars.iter().collect();
        let _ = mutated.parse::<UsageCertificate>();
        let truncated: String = s.chars().take(cut).collect();
        let _ = truncated.parse::<UsageCertificate>();
    }

    #[test]
    fn floor_position_is_consistent(
        gaps in prop::collection::vec(1i32..20_000, 1..60),
        pos in -50_000i32..1_500_000,
        zone in 0i32..400,
    ) {
        let mut level = 0;
        let mut landings = vec![];
        for (i, gap) in core::iter::once(0).chain(gaps).enumerate() {
            level += gap;
            landings.push(liftspec_model::equipment::Landing {
                floor: i as i16 + 1,
                label: (i + 1).to_string(),
                level_mm: level,
                doors: liftspec_model::equipment::DoorSides::FRONT,
            });
        }
        let table = FloorTable::new(landings).unwrap();
        match table.position_of(pos, zone) {
            liftspec_model::equipment::CarPosition::Landing { index, offset_mm } => {
                let l = &table.landings()[usize::from(index)];
                prop_assert_eq!(pos - l.level_mm, offset_mm);
                prop_assert!(offset_mm.abs() <= zone);
                // No other landing is nearer.
                prop_assert!(table.landings().iter().all(|o| (pos - o.level_mm).abs() >= offset_mm.abs()));
            }
            other => {
                prop_assert!(table.landings().iter().all(|l| (pos - l.level_mm).abs() > zone), "{:?}", other);
            }
        }
        let json = serde_json::to_string(&table).unwrap();
        prop_assert_eq!(serde_json::from_str::<FloorTable>(&json).unwrap(), table);
    }

    #[test]
    fn geo_points_validate(lat in -200.0f64..200.0, lon in -400.0f64..400.0) {
        let ok = GeoPoint::new(lat, lon).is_ok();
        prop_assert_eq!(ok, (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon));
    }
}
