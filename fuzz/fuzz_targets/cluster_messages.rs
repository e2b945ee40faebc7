//! What a cluster node reads from NATS, on arbitrary bytes: a frame batch, a downlink batch and
//! a published detection decode or fail with a typed error — never a panic; and a shard takes
//! any batch of arbitrary frames without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use liftspec_cluster::message::{Downlink, FrameBatch, PublishedDetection};

fuzz_target!(|data: &[u8]| {
    if let Ok(batch) = FrameBatch::decode(data) {
        assert_eq!(FrameBatch::decode(&batch.encode()).as_ref(), Ok(&batch));
        let fleet = liftspec_platform::fleet::Fleet::default();
        let parts = liftspec_cluster::partition::Partitions::new(4).unwrap();
        let mut shard = liftspec_cluster::shard::Shard::new(&fleet, parts, 0, Default::default(), 1);
        shard.take(
            &batch,
            liftspec_platform::config::Clock::Frames,
            liftspec_model::time::Timestamp::from_millis(0),
        );
        let sealed = shard.seal();
        assert_eq!(sealed.frames as usize, batch.frames.len());
    } else if let Err(e) = FrameBatch::decode(data) {
        assert_eq!(e.code(), "cluster.batch");
    }
    let _ = Downlink::decode(data);
    if let Err(e) = PublishedDetection::decode(data) {
        assert_eq!(e.code(), "cluster.detection");
    }
});
