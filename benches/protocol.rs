//! liftspec's frame against serde_json and protobuf (prost) on the same values, side by side:
//! encode, decode, and the full receive path (decode + validate + verify). Run with
//! `cargo bench -p liftspec-benches --bench protocol`; figures go into the README.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use liftspec_benches::*;
use liftspec_protocol::wire;
use prost::Message as _;

fn encode(c: &mut Criterion) {
    let keys = keys();
    for (name, env) in samples() {
        let mut group = c.benchmark_group(format!("encode/{name}"));
        group.throughput(Throughput::Elements(1));
        group.bench_function("liftspec", |b| {
            b.iter(|| wire::encode(black_box(&env), &keys).unwrap())
        });
        group.bench_function("serde_json", |b| {
            b.iter(|| json_send(black_box(&env), &keys))
        });
        group.bench_function("prost", |b| b.iter(|| pb_send(black_box(&env), &keys)));
        group.finish();
    }
}

fn decode(c: &mut Criterion) {
    let keys = keys();
    for (name, env) in samples() {
        let frame = wire::encode(&env, &keys).unwrap();
        let json = json_send(&env, &keys);
        let pb = pb_send(&env, &keys);
        let mut group = c.benchmark_group(format!("decode/{name}"));
        group.throughput(Throughput::Elements(1));
        group.bench_function("liftspec", |b| {
            b.iter(|| wire::decode(black_box(&frame)).unwrap())
        });
        group.bench_function("serde_json", |b| {
            b.iter(|| {
                serde_json::from_slice::<liftspec_protocol::wire::Envelope>(black_box(&json.text))
                    .unwrap()
            })
        });
        group.bench_function("prost", |b| {
            b.iter(|| pb::Envelope::decode(black_box(pb.bytes.as_slice())).unwrap())
        });
        group.bench_function("prost+convert", |b| {
            b.iter(|| {
                from_pb(pb::Envelope::decode(black_box(pb.bytes.as_slice())).unwrap()).unwrap()
            })
        });
        group.finish();
    }
}

fn receive(c: &mut Criterion) {
    let keys = keys();
    let creds = keys.credentials();
    let ctx = context();
    for (name, env) in samples() {
        let frame = wire::encode(&env, &keys).unwrap();
        let json = json_send(&env, &keys);
        let pb = pb_send(&env, &keys);
        let mut group = c.benchmark_group(format!("receive/{name}"));
        group.throughput(Throughput::Elements(1));
        group.bench_function("liftspec", |b| {
            b.iter(|| liftspec_receive(black_box(&frame), &creds, &ctx).unwrap())
        });
        group.bench_function("serde_json", |b| {
            b.iter(|| json_receive(black_box(&json), &creds, &ctx).unwrap())
        });
        group.bench_function("prost", |b| {
            b.iter(|| pb_receive(black_box(&pb), &creds, &ctx).unwrap())
        });
        group.finish();
    }
}

fn decode_validate(c: &mut Criterion) {
    // The receive path without authentication: what the 10× goal is about.
    let keys = keys();
    let ctx = context();
    let env = status();
    let frame = wire::encode(&env, &keys).unwrap();
    let json = json_send(&env, &keys);
    let pb = pb_send(&env, &keys);
    let mut group = c.benchmark_group("decode_validate/status");
    group.throughput(Throughput::Elements(1));
    group.bench_function("liftspec", |b| {
        b.iter(|| {
            let f = wire::decode(black_box(&frame)).unwrap();
            liftspec_protocol::validate::validate(&f.envelope, &ctx).unwrap();
        })
    });
    group.bench_function("serde_json", |b| {
        b.iter(|| {
            let e: liftspec_protocol::wire::Envelope =
                serde_json::from_slice(black_box(&json.text)).unwrap();
            liftspec_protocol::validate::validate(&e, &ctx).unwrap();
        })
    });
    group.bench_function("prost", |b| {
        b.iter(|| {
            let e = from_pb(pb::Envelope::decode(black_box(pb.bytes.as_slice())).unwrap()).unwrap();
            liftspec_protocol::validate::validate(&e, &ctx).unwrap();
        })
    });
    group.finish();
}

fn verify_batch(c: &mut Criterion) {
    // 64 signed maintenance sessions from 8 devices, verified one by one and in one batch.
    let devices: Vec<liftspec_protocol::auth::DeviceKeys> = (0..8u8)
        .map(|d| {
            liftspec_protocol::auth::DeviceKeys::from_seed([d + 1; 32], [d + 101; 32])
                .expect("distinct, non-zero keys")
        })
        .collect();
    let creds: Vec<_> = devices.iter().map(|k| k.credentials()).collect();
    let mut frames = Vec::new();
    for n in 0..64u64 {
        let mut env = maintenance_session();
        env.seq = n + 1;
        let d = (n % 8) as usize;
        let bytes = wire::encode(&env, &devices[d]).unwrap();
        frames.push((wire::decode(&bytes).unwrap(), bytes, d));
    }
    let items: Vec<_> = frames
        .iter()
        .map(|(f, b, d)| (f, b.as_slice(), &creds[*d]))
        .collect();
    let mut group = c.benchmark_group("verify/64 maintenance sessions");
    group.throughput(Throughput::Elements(64));
    group.bench_function("one by one", |b| {
        b.iter(|| {
            for (f, bytes, cred) in &items {
                f.verify(black_box(bytes), cred).unwrap();
            }
        })
    });
    group.bench_function("batched", |b| {
        b.iter(|| {
            let r = wire::verify_frames(black_box(&items));
            assert!(r.iter().all(Result::is_ok));
        })
    });
    group.finish();
}

criterion_group!(
    benches,
    encode,
    decode,
    decode_validate,
    receive,
    verify_batch
);
criterion_main!(benches);
