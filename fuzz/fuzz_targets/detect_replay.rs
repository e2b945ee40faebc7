//! The replay on arbitrary input: the first segment as an installation (JSON), the rest as
//! frames separated by 0xFE, from any devices, epochs and sequence numbers, pushed in order:
//! never a panic, every frame run or reported, and the report serialises.
#![no_main]

use libfuzzer_sys::fuzz_target;
use liftspec_detect::lift::LiftProfile;
use liftspec_detect::replay::{Installation, NoticeKind, Recorded, Replay};
use liftspec_detect::thresholds::Thresholds;
use liftspec_model::time::Timestamp;

fuzz_target!(|data: &[u8]| {
    let mut segments = data.split(|b| *b == 0xFE);
    let mut installations: Vec<Installation> = segments
        .next()
        .and_then(|s| serde_json::from_slice::<Installation>(s).ok())
        .into_iter()
        .collect();
    let frames: Vec<_> = segments
        .filter_map(|c| liftspec_protocol::wire::decode(c).ok())
        .collect();
    if let Some(first) = frames.first() {
        // The first frame's device is installed, so frames reach a detector.
        installations.push(Installation {
            device: first.envelope.device.clone(),
            registration_code: None,
            profile: LiftProfile { rated_speed_mm_s: 1000, bottom_mm: 0, top_mm: 30_000, escalator: false },
        });
    }
    let mut replay = Replay::new(installations, Thresholds::default());
    let n = frames.len() as u64;
    let mut end = 0i64;
    for (k, frame) in frames.into_iter().enumerate() {
        let received = frame.envelope.sent_at.millis().saturating_add(k as i64 * 700);
        end = end.max(received);
        replay.push(Recorded { envelope: frame.envelope, received_at: Some(Timestamp::from_millis(received)) });
    }
    let report = replay.finish(Timestamp::from_millis(end));
    let skipped = report
        .notices
        .iter()
        .filter(|x| matches!(x.kind, NoticeKind::Duplicate | NoticeKind::UnknownDevice))
        .count() as u64;
    assert_eq!(report.frames + skipped, n);
    serde_json::to_string(&report).expect("the report serialises");
});
