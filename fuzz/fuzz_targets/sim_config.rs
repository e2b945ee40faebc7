//! Simulator configuration files: any JSON is rejected with a typed error or accepted, and an
//! accepted small configuration simulates without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use liftspec_sim::config::SimConfig;
use liftspec_sim::stream::Simulation;

fuzz_target!(|data: &[u8]| {
    let Ok(config) = serde_json::from_slice::<SimConfig>(data) else {
        return;
    };
    if config.validate().is_err() || config.lifts > 20 || config.duration_s > 600 {
        return;
    }
    if let Ok(sim) = Simulation::new(config) {
        for frame in sim {
            assert!(liftspec_protocol::wire::decode(&frame.bytes).is_ok());
        }
    }
});
