//! The detector on arbitrary envelopes decoded from the input, in any order, with ticks
//! between: never a panic, and the state always serialises and restores.
#![no_main]

use libfuzzer_sys::fuzz_target;
use liftspec_detect::lift::{LiftDetector, LiftProfile};
use liftspec_detect::thresholds::Thresholds;
use liftspec_model::time::Timestamp;

fuzz_target!(|data: &[u8]| {
    let Some((&head, rest)) = data.split_first() else {
        return;
    };
    let profile = LiftProfile {
        rated_speed_mm_s: u32::from(head) * 20 + 1,
        bottom_mm: -3000,
        top_mm: i32::from(head) * 3000,
        escalator: head % 7 == 0,
    };
    let thresholds = Thresholds::default();
    let mut detector = LiftDetector::new(profile);
    let mut out = Vec::new();
    let mut now = 1_796_252_400_000i64;
    // Frames separated by 0xFE 0xFE (seeds: the golden vectors, in fuzz/seeds/).
    for chunk in rest.split(|b| *b == 0xFE).filter(|c| !c.is_empty()) {
        if let Ok(frame) = liftspec_protocol::wire::decode(chunk) {
            now = now.saturating_add(i64::from(chunk[chunk.len() - 1]) * 1000);
            detector.on_envelope(&frame.envelope, Timestamp::from_millis(now), &thresholds, &mut out);
        }
        detector.on_tick(Timestamp::from_millis(now.saturating_add(40_000)), &thresholds, &mut out);
    }
    let json = serde_json::to_string(&detector).expect("detector state serialises");
    let back: LiftDetector = serde_json::from_str(&json).expect("and back");
    assert_eq!(back, detector);
});
