//! Every identifier: valid examples and each invalid case with its precise error.

use liftspec_model::equipment::EquipmentKind;
use liftspec_model::id::*;

fn err<T: core::str::FromStr<Err = IdError> + core::fmt::Debug>(s: &str) -> IdError {
    s.parse::<T>().expect_err(s)
}

#[test]
fn registration_code_decomposes() {
    let code: RegistrationCode = "31106401052014080025".parse().unwrap();
    assert_eq!(code.class_code(), 3110);
    assert_eq!(code.region_code(), 640105);
    assert_eq!(code.year(), 2014);
    assert_eq!(code.month(), 8);
    assert_eq!(code.sequence(), 25);
    assert_eq!(code.to_string(), "31106401052014080025");
    assert_eq!(ClassScheme::likely_for(2014, 8), ClassScheme::Pre2014);
    assert_eq!(
        ClassScheme::likely_for(2014, 11),
        ClassScheme::Catalogue2014
    );
}

#[test]
fn registration_class_depends_on_scheme() {
    let code: RegistrationCode = "33103301062012030001".parse().unwrap();
    assert_eq!(
        code.equipment_kind(ClassScheme::Catalogue2014),
        Some(EquipmentKind::Escalator)
    );
    assert_eq!(
        code.equipment_kind(ClassScheme::Pre2014),
        Some(EquipmentKind::HydraulicPassenger)
    );
    let unknown: RegistrationCode = "39993301062012030001".parse().unwrap();
    assert_eq!(unknown.equipment_kind(ClassScheme::Catalogue2014), None);
}

#[test]
fn registration_code_errors_are_precise() {
    assert_eq!(
        err::<RegistrationCode>("3110640105201408002"),
        IdError::Length {
            kind: IdKind::RegistrationCode,
            min: 20,
            max: 20,
            found: 19
        }
    );
    assert_eq!(
        err::<RegistrationCode>("3110640105201408002X"),
        IdError::InvalidChar {
            kind: IdKind::RegistrationCode,
            position: 20,
            found: 'X',
            expected: "a digit 0-9"
        }
    );
    assert!(matches!(
        err::<RegistrationCode>("3110640105201408002五"),
        IdError::InvalidChar {
            position: 20,
            found: '五',
            ..
        }
    ));
    assert!(matches!(
        err::<RegistrationCode>("21106401052014080025"),
        IdError::OutOfRange {
            field: "equipment class",
            position: 1,
            value: 2110,
            ..
        }
    ));
    assert!(matches!(
        err::<RegistrationCode>("31109901052014080025"),
        IdError::OutOfRange {
            field: "province code",
            position: 5,
            value: 99,
            ..
        }
    ));
    assert!(matches!(
        err::<RegistrationCode>("31106401051914080025"),
        IdError::OutOfRange {
            field: "year",
            position: 11,
            value: 1914,
            ..
        }
    ));
    assert!(matches!(
        err::<RegistrationCode>("31106401052014130025"),
        IdError::OutOfRange {
            field: "month",
            position: 15,
            value: 13,
            ..
        }
    ));
    assert!(matches!(
        err::<RegistrationCode>("31106401052014000025"),
        IdError::OutOfRange {
            field: "month",
            value: 0,
            ..
        }
    ));
    assert_eq!(err::<RegistrationCode>("").code(), "id.length");
}

#[test]
fn equipment_code_accepts_18_to_20() {
    for s in [
        "3110330012018A0001",
        "31103300120180000012",
        "3110330012018000001",
    ] {
        let code: EquipmentCode = s.parse().unwrap();
        assert_eq!(code.to_string(), s);
        assert_eq!(code.variety_code(), "3110");
    }
    assert_eq!(
        err::<EquipmentCode>("3110330012018A000"),
        IdError::Length {
            kind: IdKind::EquipmentCode,
            min: 18,
            max: 20,
            found: 17
        }
    );
    assert!(matches!(
        err::<EquipmentCode>("311033001201800000123"),
        IdError::Length { found: 21, .. }
    ));
    assert!(matches!(
        err::<EquipmentCode>("3110330012018a0001"),
        IdError::InvalidChar {
            position: 14,
            found: 'a',
            ..
        }
    ));
    assert!(matches!(
        err::<EquipmentCode>("A110330012018A0001"),
        IdError::InvalidChar {
            position: 1,
            found: 'A',
            expected: "a digit 0-9 in the variety code",
            ..
        }
    ));
}

#[test]
fn usage_certificate_parses_both_parentheses() {
    let a: UsageCertificate = "梯11浙AJ5023(19)".parse().unwrap();
    let b: UsageCertificate = "梯11浙AJ5023（19）".parse().unwrap();
    assert_eq!(a.parenthesis(), Parenthesis::Ascii);
    assert_eq!(b.parenthesis(), Parenthesis::FullWidth);
    assert_ne!(a, b, "raw text differs");
    assert_eq!(a.normalized(), b.normalized());
    assert_eq!(b.to_string(), "梯11浙AJ5023（19）");
    for (text, kind) in [
        ("梯12浙A0001(20)", EquipmentKind::TractionFreight),
        ("梯43沪B77(08)", EquipmentKind::Dumbwaiter),
        ("梯32粤A12345678(21)", EquipmentKind::MovingWalk),
    ] {
        assert_eq!(
            text.parse::<UsageCertificate>().unwrap().equipment_kind(),
            kind
        );
    }
}

#[test]
fn usage_certificate_errors_are_precise() {
    let e = |s: &str| err::<UsageCertificate>(s);
    assert!(matches!(
        e("电11浙AJ5023(19)"),
        IdError::InvalidChar {
            position: 1,
            found: '电',
            ..
        }
    ));
    assert!(matches!(
        e("梯1x浙AJ5023(19)"),
        IdError::InvalidChar {
            position: 3,
            found: 'x',
            ..
        }
    ));
    assert!(matches!(
        e("梯14浙AJ5023(19)"),
        IdError::OutOfRange {
            field: "variety code",
            value: 14,
            ..
        }
    ));
    assert!(matches!(
        e("梯11X AJ5023(19)"),
        IdError::InvalidChar {
            position: 4,
            found: 'X',
            ..
        }
    ));
    assert!(matches!(
        e("梯11浙aJ5023(19)"),
        IdError::InvalidChar {
            position: 5,
            found: 'a',
            ..
        }
    ));
    assert!(matches!(
        e("梯11浙AJ50-3(19)"),
        IdError::InvalidChar {
            position: 9,
            found: '-',
            ..
        }
    ));
    assert!(matches!(
        e("梯11浙A(19)"),
        IdError::OutOfRange {
            field: "serial length",
            value: 0,
            ..
        }
    ));
    assert!(matches!(
        e("梯11浙A123456789(19)"),
        IdError::OutOfRange {
            field: "serial length",
            value: 9,
            ..
        }
    ));
    assert!(matches!(
        e("梯11浙AJ5023(1a)"),
        IdError::InvalidChar {
            position: 13,
            found: 'a',
            ..
        }
    ));
    assert!(matches!(
        e("梯11浙AJ5023(19）"),
        IdError::InvalidChar {
            position: 14,
            found: '）',
            ..
        }
    ));
    assert!(matches!(
        e("梯11浙AJ5023(19)x"),
        IdError::InvalidChar {
            position: 15,
            found: 'x',
            ..
        }
    ));
    assert!(matches!(
        e("梯11浙AJ5023"),
        IdError::Missing {
            what: "the year in parentheses",
            position: 11,
            ..
        }
    ));
    assert!(matches!(
        e("梯11浙AJ5023(1"),
        IdError::Missing {
            what: "the 2-digit year",
            ..
        }
    ));
    assert!(matches!(e(""), IdError::Missing { position: 1, .. }));
}

#[test]
fn rescue_code_check_digit_catches_single_errors_and_transpositions() {
    let format = RescueCodeFormat::HANGZHOU;
    for serial in [0u64, 7, 12345, 99999, 31415] {
        let code = RescueCode::from_serial(serial, format).unwrap();
        assert_eq!(code.serial(), serial);
        let digits: Vec<u8> = code.as_str().bytes().collect();
        for i in 0..digits.len() {
            for d in b'0'..=b'9' {
                if d == digits[i] {
                    continue;
                }
                let mut wrong = digits.clone();
                wrong[i] = d;
                let text = String::from_utf8(wrong).unwrap();
                assert!(
                    RescueCode::parse(&text).is_err(),
                    "single error {text} from {code}"
                );
            }
            if i + 1 < digits.len() && digits[i] != digits[i + 1] {
                let mut swapped = digits.clone();
                swapped.swap(i, i + 1);
                let text = String::from_utf8(swapped).unwrap();
                assert!(
                    RescueCode::parse(&text).is_err(),
                    "transposition {text} from {code}"
                );
            }
        }
    }
}

#[test]
fn rescue_code_errors_and_formats() {
    let code = RescueCode::from_serial(12345, RescueCodeFormat::HANGZHOU).unwrap();
    let last = code.as_str().chars().last().unwrap();
    let wrong = format!("12345{}", if last == '0' { '1' } else { '0' });
    assert!(matches!(
        RescueCode::parse(&wrong),
        Err(IdError::CheckMismatch { position: 6, expected, .. }) if expected == last
    ));
    assert!(matches!(
        RescueCode::parse("12 45"),
        Err(IdError::InvalidChar {
            position: 3,
            found: ' ',
            ..
        })
    ));
    assert!(matches!(
        RescueCode::parse("123"),
        Err(IdError::Length { found: 3, .. })
    ));
    assert!(matches!(
        RescueCode::parse_with(code.as_str(), RescueCodeFormat { digits: 8 }),
        Err(IdError::Length {
            min: 8,
            max: 8,
            found: 6,
            ..
        })
    ));
    assert!(RescueCode::from_serial(100_000, RescueCodeFormat::HANGZHOU).is_err());
    assert!(RescueCode::from_serial(1, RescueCodeFormat { digits: 3 }).is_err());
    let eight = RescueCode::from_serial(1234567, RescueCodeFormat { digits: 8 }).unwrap();
    assert_eq!(eight.as_str().len(), 8);
    assert_eq!(
        RescueCode::from_serial(7, RescueCodeFormat::HANGZHOU)
            .unwrap()
            .as_str()
            .len(),
        6
    );
}

#[test]
fn credit_code_checks_gb32100() {
    for s in [
        "91350100M000100Y43",
        "91330106MA2CFPRT8A",
        "91330000MA27U2X059",
    ] {
        let code: CreditCode = s.parse().unwrap();
        assert_eq!(code.to_string(), s);
        assert_eq!(code.authority(), '9');
        assert_eq!(code.category(), '1');
    }
    assert_eq!(
        err::<CreditCode>("91350100M000100Y44"),
        IdError::CheckMismatch {
            kind: IdKind::CreditCode,
            position: 18,
            found: '4',
            expected: '3'
        }
    );
    assert!(matches!(
        err::<CreditCode>("91350100M000100Y4"),
        IdError::Length { found: 17, .. }
    ));
    assert!(matches!(
        err::<CreditCode>("91350100M00O100Y43"),
        IdError::InvalidChar {
            position: 12,
            found: 'O',
            ..
        }
    ));
    assert!(matches!(
        err::<CreditCode>("9135A100M000100Y43"),
        IdError::InvalidChar {
            position: 5,
            found: 'A',
            ..
        }
    ));
    let built = CreditCode::with_check_char("91330106MA2CFPRT8").unwrap();
    assert_eq!(built.as_str(), "91330106MA2CFPRT8A");
    assert_eq!(built.region_code(), 330106);
    assert_eq!(built.organisation_code(), "MA2CFPRT8");
}

#[test]
fn opaque_ids() {
    assert_eq!(
        TechnicianId::parse("T-330106-0042").unwrap().as_str(),
        "T-330106-0042"
    );
    assert!(matches!(
        CrewId::parse(""),
        Err(IdError::Missing {
            kind: IdKind::CrewId,
            ..
        })
    ));
    assert!(matches!(
        IncidentId::parse("a b"),
        Err(IdError::InvalidChar {
            position: 2,
            found: ' ',
            ..
        })
    ));
    assert!(matches!(
        RecordId::parse(&"x".repeat(65)),
        Err(IdError::Length { found: 65, .. })
    ));
    assert!(StationId::parse(&"x".repeat(64)).is_ok());
}

#[test]
fn error_messages_name_identifier_and_position() {
    let msg = err::<RegistrationCode>("3110640105201408002X").to_string();
    assert_eq!(
        msg,
        "registration code: invalid character 'X' at position 20, expected a digit 0-9"
    );
    let msg = err::<CreditCode>("91350100M000100Y44").to_string();
    assert!(
        msg.contains("position 18") && msg.contains("expected '3'"),
        "{msg}"
    );
}
