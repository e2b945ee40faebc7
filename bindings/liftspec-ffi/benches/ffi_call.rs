//! The Rust side of the cross-language measurement: one decode + validate call, as Kotlin and
//! Python make it through the bindings (`scripts/test-bindings` prints all three side by side).

use criterion::{criterion_group, criterion_main, Criterion};
use liftspec_ffi::frames::{decode_frame, validate_frame};

fn frame() -> Vec<u8> {
    let hex = include_str!("../../../crates/liftspec-protocol/vectors/status.hex").trim();
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

fn bench(c: &mut Criterion) {
    let f = frame();
    let sent = decode_frame(f.clone()).unwrap().sent_at_ms;
    c.bench_function("decode+validate (Rust, through the ffi functions)", |b| {
        b.iter(|| {
            let s = decode_frame(f.clone()).unwrap();
            validate_frame(f.clone(), -2, 30, 2_500, sent).unwrap();
            s
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
