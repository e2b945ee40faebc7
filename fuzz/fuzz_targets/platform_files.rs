//! The platform's files and logs on arbitrary text: a fleet file, a configuration file and a
//! stored rescue call parse or fail with a typed error — never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(e) = liftspec_platform::fleet::Fleet::from_json(text) {
        assert!(e.code().starts_with("fleet."));
    }
    let _ = serde_json::from_str::<liftspec_platform::config::ConfigFile>(text);
    let _ = serde_json::from_str::<liftspec_platform::rescue_log::RescueCall>(text);
});
