//! The platform's receive path on an arbitrary byte stream from a connection: deframed, every
//! frame taken by the pipeline of a two-lift city or refused with a stable code, and the
//! replies encoded — never a panic. The seeds are genuine streams of that city's terminals.
#![no_main]

use libfuzzer_sys::fuzz_target;
use liftspec_model::time::Timestamp;
use liftspec_platform::fleet::Fleet;
use liftspec_platform::pipeline::Pipeline;
use liftspec_protocol::framing::{Deframed, Deframer};

static FLEET: std::sync::OnceLock<Fleet> = std::sync::OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let fleet = FLEET.get_or_init(|| {
        let city = liftspec_sim::city::City::generate(&liftspec_sim::config::SimConfig {
            seed: 2020,
            lifts: 2,
            ..Default::default()
        })
        .expect("the city");
        Fleet::of_city(&city)
    });
    let mut pipeline = Pipeline::new(fleet, Default::default());
    let mut latest = 0i64;
    for d in Deframer::new(liftspec_platform::service::MAX_BLOCK).push_slice(data) {
        let Deframed::Frame(f) = d else { continue };
        let at = liftspec_protocol::wire::peek(&f).map_or(Timestamp::from_millis(0), |p| p.sent_at);
        latest = latest.max(at.millis());
        let taken = pipeline.ingest(&f, at);
        match (taken.lift, &taken.refused) {
            (Some(lift), None) => {
                let replies = pipeline.reply(lift, taken.answers, at);
                assert!(!replies.is_empty(), "a taken frame is acknowledged");
            }
            (None, Some(r)) => assert!(!r.code.is_empty()),
            other => panic!("a frame is taken or refused: {other:?}"),
        }
    }
    // An hour on, every time rule has come due (the end of time is a unit test's).
    let _ = pipeline.tick_all(Timestamp::from_millis(latest.saturating_add(3_600_000)));
});
