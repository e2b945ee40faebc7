//! Every identifier parser of liftspec-model on arbitrary text: must never panic, and whatever
//! parses must print back to the same text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use liftspec_model::catalogue::MaintenanceItemId;
use liftspec_model::id::*;
use liftspec_model::time::Timestamp;

fn check<T: core::str::FromStr + core::fmt::Display>(s: &str) {
    if let Ok(v) = s.parse::<T>() {
        assert!(v.to_string().parse::<T>().is_ok());
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = core::str::from_utf8(data) else { return };
    for exact in [
        s.parse::<RegistrationCode>().map(|v| v.to_string()).ok(),
        s.parse::<EquipmentCode>().map(|v| v.to_string()).ok(),
        s.parse::<UsageCertificate>().map(|v| v.to_string()).ok(),
        s.parse::<RescueCode>().map(|v| v.to_string()).ok(),
        s.parse::<CreditCode>().map(|v| v.to_string()).ok(),
        s.parse::<TechnicianId>().map(|v| v.to_string()).ok(),
    ]
    .into_iter()
    .flatten()
    {
        assert_eq!(exact, s, "identifiers keep their raw text");
    }
    check::<MaintenanceItemId>(s);
    check::<Timestamp>(s);
});
