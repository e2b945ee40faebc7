//! Builds a small Hangzhou fleet from register lines, parses every identifier, and prints the
//! lifts that are due for maintenance, periodic inspection or a safety risk assessment.
//!
//! Run: `cargo run -p liftspec-examples --example fleet_due [-- --date YYYY-MM-DD]`
//! (the date defaults to today in China Standard Time).

use std::process::ExitCode;

use chrono::{Days, Months, NaiveDate, Utc};
use liftspec_model::catalogue::{check_items, items, MaintenanceTier};
use liftspec_model::equipment::{EquipmentKind, FloorTable, PlaceCategory};
use liftspec_model::id::{
    CreditCode, EquipmentCode, RegistrationCode, RescueCode, RescueCodeFormat, UsageCertificate,
};
use liftspec_model::record::MAINTENANCE_INTERVAL_DAYS;
use liftspec_model::time::CHINA_STANDARD_TIME;

/// Hangzhou Reg. Art. 31: request the periodic inspection one month before the result expires.
const INSPECTION_REQUEST_LEAD_MONTHS: u32 = 1;
/// Hangzhou Reg. Art. 32(1): a risk assessment may be commissioned for lifts in service more than
/// 15 years.
const RISK_ASSESSMENT_AGE_YEARS: u32 = 15;

/// The register: registration code | equipment code | usage certificate | rescue code |
/// catalogue class | stops | commissioned | district | place | last maintenance (tier, day,
/// items done) | inspection valid until | disaster on record. The last line carries a
/// deliberately impossible month (13) to show how a bad identifier is rejected.
const REGISTER: &str = "\
31103301062008040011|3110330012008A0011|梯11浙AJ0311(08)|000196|3110|18|2008-04-20|西湖区|residential|quarterly 2026-11-20 all|2027-04-30|
31103301052012070003|3110330012012A0003|梯11浙AK1207(12)|000241|3110|32|2012-07-15|拱墅区|office|halfMonthly 2026-11-08 all|2026-12-20|
33103301022009110021|3310330052009A0021|梯31浙A0921（09）|000335|3310|2|2009-11-02|上城区|transportHub|halfMonthly 2026-11-21 all|2027-06-30|
31103301092016030007|3110330012016A0007|梯11浙AM0307(16)|000488|3110|12|2016-03-01|萧山区|hospital|halfMonthly 2026-11-17 missing:A1-05,A1-28|2027-02-28|
31203301102011050002|3120330082011A0002|梯12浙AB0502(11)|000528|3120|6|2011-05-30|余杭区|industrial|yearly 2026-10-30 all|2026-12-01|flood 2025-09-03
31103301062010112901|3110330012010A2901|梯11浙AJ2901(10)|000672|3110|26|2010-11-29|西湖区|residential|halfMonthly 2026-11-25 all|2027-11-28|
34303301062019060004|3430330122019A0004|梯43浙AJ0604(19)|000718|3430|4|2019-06-12|西湖区|hotel|halfMonthly 2026-11-01 all|2027-03-31|
31103301062021010018|3110330012021A0018|梯11浙AJ0118(21)|000898|3110|34|2021-01-18|滨江区|office|halfMonthly 2026-11-26 all|2027-01-17|
31103301062021010019|3110330012021A0019|梯11浙AJ0119(21)|000961|3110|34|2021-01-18|滨江区|office|halfMonthly 2026-11-26 all|2027-01-17|
31103301062014130001|3110330012014A0001|梯11浙AJ1301(14)|001010|3110|10|2014-12-01|西湖区|residential|halfMonthly 2026-11-26 all|2027-01-17|
";

/// The use/maintenance unit on every line (the register keeps it once for brevity).
const MAINTENANCE_UNIT: &str = "91350100M000100Y43";

struct Lift {
    registration: RegistrationCode,
    kind: EquipmentKind,
    stops: u16,
    commissioned: NaiveDate,
    district: String,
    place: PlaceCategory,
    last_tier: MaintenanceTier,
    last_maintained: NaiveDate,
    missing_items: Vec<String>,
    inspection_valid_until: NaiveDate,
    disaster: Option<String>,
}

fn parse_date(field: &str, what: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(field, "%Y-%m-%d").map_err(|e| format!("{what} {field:?}: {e}"))
}

fn parse_line(line: &str) -> Result<Lift, String> {
    let f: Vec<&str> = line.split('|').collect();
    if f.len() != 12 {
        return Err(format!("expected 12 fields, found {}", f.len()));
    }
    let registration: RegistrationCode = f[0].parse().map_err(|e| format!("{e}"))?;
    let _equipment: EquipmentCode = f[1].parse().map_err(|e| format!("{e}"))?;
    let certificate: UsageCertificate = f[2].parse().map_err(|e| format!("{e}"))?;
    let _rescue =
        RescueCode::parse_with(f[3], RescueCodeFormat::HANGZHOU).map_err(|e| format!("{e}"))?;
    let class: u16 = f[4].parse().map_err(|e| format!("class: {e}"))?;
    let kind = EquipmentKind::from_catalogue_code(class)
        .ok_or(format!("unknown catalogue class {class}"))?;
    if kind != certificate.equipment_kind() {
        return Err(format!(
            "certificate {certificate} says {:?}, class says {kind:?}",
            certificate.equipment_kind()
        ));
    }
    let stops: u16 = f[5].parse().map_err(|e| format!("stops: {e}"))?;
    FloorTable::uniform(1, stops, 3_000).map_err(|e| format!("{e}"))?;
    let place: PlaceCategory = serde_plain(f[8])?;
    let mut last = f[9].split(' ');
    let last_tier: MaintenanceTier = serde_plain(last.next().unwrap_or_default())?;
    let last_maintained = parse_date(last.next().unwrap_or_default(), "last maintenance")?;
    let family = kind.maintenance_family();
    let done: Vec<_> = match last.next().unwrap_or_default() {
        "all" => items(family, last_tier).collect(),
        other => {
            let missing: Vec<_> = other
                .trim_start_matches("missing:")
                .split(',')
                .map(|s| s.parse().map_err(|e| format!("{e}")))
                .collect::<Result<_, String>>()?;
            items(family, last_tier)
                .filter(|i| !missing.contains(i))
                .collect()
        }
    };
    let check = check_items(family, last_tier, &done);
    Ok(Lift {
        registration,
        kind,
        stops,
        commissioned: parse_date(f[6], "commissioned")?,
        district: f[7].to_string(),
        place,
        last_tier,
        last_maintained,
        missing_items: check.missing.iter().map(|i| i.to_string()).collect(),
        inspection_valid_until: parse_date(f[10], "inspection valid until")?,
        disaster: (!f[11].is_empty()).then(|| f[11].to_string()),
    })
}

/// Reads a camelCase enum name the way the model's serde does.
fn serde_plain<T: serde::de::DeserializeOwned>(name: &str) -> Result<T, String> {
    serde_json::from_value(serde_json::Value::String(name.to_string()))
        .map_err(|e| format!("{name:?}: {e}"))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let today = match args.iter().position(|a| a == "--date") {
        Some(i) => match args.get(i + 1).map(|d| parse_date(d, "--date")) {
            Some(Ok(d)) => d,
            Some(Err(e)) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
            None => {
                eprintln!("error: --date needs a value YYYY-MM-DD");
                return ExitCode::from(2);
            }
        },
        None => Utc::now().with_timezone(&CHINA_STANDARD_TIME).date_naive(),
    };
    let unit: CreditCode = match MAINTENANCE_UNIT.parse() {
        Ok(u) => u,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };

    println!("liftspec fleet check for {today} (maintenance unit {unit})\n");
    let mut fleet = Vec::new();
    for (n, line) in REGISTER.lines().enumerate() {
        match parse_line(line) {
            Ok(lift) => fleet.push(lift),
            Err(e) => println!("  register line {}: rejected: {e}", n + 1),
        }
    }
    println!("  {} lifts registered\n", fleet.len());

    println!("Due for maintenance (at most every {MAINTENANCE_INTERVAL_DAYS} days, State Council Special Equipment Reg. Art. 31):");
    for lift in &fleet {
        let due = lift.last_maintained + Days::new(u64::from(MAINTENANCE_INTERVAL_DAYS));
        let note = if !lift.missing_items.is_empty() {
            format!(
                "; last {:?} session incomplete, missing {}",
                lift.last_tier,
                lift.missing_items.join(", ")
            )
        } else {
            String::new()
        };
        if due <= today + Days::new(2) || !note.is_empty() {
            let state = if due < today {
                format!("OVERDUE since {due}")
            } else {
                format!("due {due}")
            };
            println!(
                "  {}  {:<18} {:<4} {state}{note}",
                lift.registration,
                format!("{:?}", lift.kind),
                lift.district
            );
        }
    }

    println!("\nPeriodic inspection to request ({INSPECTION_REQUEST_LEAD_MONTHS} month before expiry, Hangzhou Reg. Art. 31):");
    for lift in &fleet {
        let request_by = lift.inspection_valid_until - Months::new(INSPECTION_REQUEST_LEAD_MONTHS);
        if today > lift.inspection_valid_until {
            println!(
                "  {}  EXPIRED on {}",
                lift.registration, lift.inspection_valid_until
            );
        } else if today >= request_by {
            println!(
                "  {}  request now: result expires {}",
                lift.registration, lift.inspection_valid_until
            );
        }
    }

    println!("\nSafety risk assessment may be commissioned (Hangzhou Reg. Art. 32):");
    for lift in &fleet {
        let equipment_age = liftspec_model::equipment::full_years_between(lift.commissioned, today);
        let over_age =
            liftspec_model::equipment::anniversary(lift.commissioned, RISK_ASSESSMENT_AGE_YEARS)
                .is_some_and(|day| today > day);
        let mut reasons = Vec::new();
        if over_age {
            reasons.push(format!(
                "in service since {} ({equipment_age} full years), more than {RISK_ASSESSMENT_AGE_YEARS} (Art. 32(1))",
                lift.commissioned
            ));
        }
        if let Some(d) = &lift.disaster {
            reasons.push(format!("disaster on record: {d} (Art. 32(2))"));
        }
        if !reasons.is_empty() {
            println!(
                "  {}  {:<12} {} stops, {}",
                lift.registration,
                format!("{:?}", lift.place),
                lift.stops,
                reasons.join("; ")
            );
        }
    }
    ExitCode::SUCCESS
}
