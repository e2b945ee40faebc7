//! The delivery guarantee as a stateful target: a device outbox and a receiver session talking
//! through a hostile world (loss, duplication, reordering, partitions, power cuts between any two
//! store writes, reboots with and without the counter, a platform that restores an old checkpoint
//! or recreates its session, clocks fast or reset, reflected and MAC-only frames), driven by the
//! input bytes. Whatever happens: no panic, and after the network heals every alarm, event and
//! maintenance session the outbox accepted was delivered exactly once, in order within its epoch,
//! or its loss was reported (`World::check`, the rule of docs/protocol.md §8).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../crates/liftspec-protocol/tests/common/mod.rs"]
mod common;
#[path = "../../crates/liftspec-protocol/tests/common/world.rs"]
mod world;

fuzz_target!(|data: &[u8]| {
    let Some((seed, script)) = data.split_first_chunk::<8>() else {
        return;
    };
    let script = &script[..script.len().min(400)];
    if let Err(e) = world::run(script, u64::from_le_bytes(*seed), world::ALL_FAULTS) {
        panic!("{e}");
    }
});
