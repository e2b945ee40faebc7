//! The device outbox and the receiver session over a channel that loses, duplicates, reorders,
//! delays and partitions: every alarm, fault and maintenance message reaches the application
//! exactly once and in order, and nothing is ever delivered twice or out of order.

mod common;

use common::*;
use liftspec_model::time::Timestamp;
use liftspec_protocol::message::{Body, MessageKind, Nack, NackReason};
use liftspec_protocol::outbox::{MemoryStore, Outbox};
use liftspec_protocol::session::ReceiverSession;
use liftspec_protocol::validate::ValidationContext;
use liftspec_protocol::wire::DeviceId;
use proptest::prelude::*;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn run(script: &[u8], seed: u64, capacity: usize, loss: u64) -> Result<(), TestCaseError> {
    let samples = bodies();
    let pick = |a: u8| -> Body {
        if a % 29 == 0 {
            // Well-formed and genuine, but invalid: the platform rejects it with a Nack.
            let mut bad = status();
            bad.floor = 40;
            return Body::Status(bad);
        }
        let index = [1, 7, 3, 5, 6, 4, 2, 1][usize::from(a % 8)];
        samples[index].1.clone()
    };
    let keys = keys();
    let creds = keys.credentials();
    let device = DeviceId::parse("HZ-T-000123").unwrap();
    let mut store = MemoryStore::default();
    let mut outbox = Outbox::new(device.clone(), capacity, 700);
    let mut session = ReceiverSession::new(32);
    let mut rng = Rng(seed | 1);
    let mut uplink: Vec<(i64, Vec<u8>)> = Vec::new();
    let mut downlink: Vec<(i64, Body)> = Vec::new();
    let mut critical_sent: Vec<(u64, Body)> = Vec::new();
    let mut delivered: Vec<(u64, Body)> = Vec::new();
    // Every sequence number the application learns about, delivered or skipped, in order.
    let mut accounted: Vec<u64> = Vec::new();
    let mut now = T0;
    let steps = script.len() + 3000;
    for step in 0..steps {
        now += 100;
        let t = Timestamp::from_millis(now);
        let healing = step >= script.len();
        let partitioned = !healing && (step / 20) % 4 == 3;
        if let Some(&a) = script.get(step) {
            let body = pick(a);
            let critical = body.kind().is_critical();
            let seq = outbox.enqueue(body.clone(), t, &keys, &mut store).unwrap();
            if critical {
                critical_sent.push((seq, body));
            }
        }
        for bytes in outbox.poll_transmit(t) {
            if partitioned || (!healing && rng.chance(loss)) {
                continue;
            }
            let delay = if healing {
                0
            } else {
                (rng.next() % 900) as i64
            };
            uplink.push((now + delay, bytes.clone()));
            if !healing && rng.chance(10) {
                uplink.push((now + delay + 50, bytes));
            }
        }
        uplink.sort_by_key(|(at, _)| *at);
        let due: Vec<Vec<u8>> = uplink
            .iter()
            .filter(|(at, _)| *at <= now)
            .map(|(_, b)| b.clone())
            .collect();
        uplink.retain(|(at, _)| *at > now);
        for bytes in due {
            let ctx = ValidationContext::new(-1, 18, 1750, t);
            let received = match session.receive(&bytes, &device, &creds, &ctx) {
                Ok(received) => received,
                Err(err) => {
                    prop_assert_eq!(
                        err.code(),
                        "validate.field",
                        "only the invalid status fails"
                    );
                    let seq = liftspec_protocol::wire::decode(&bytes)
                        .unwrap()
                        .envelope
                        .seq;
                    if !(partitioned || (!healing && rng.chance(loss))) {
                        downlink.push((
                            now + 100,
                            Body::Nack(Nack {
                                seq,
                                reason: NackReason::Invalid,
                            }),
                        ));
                    }
                    continue;
                }
            };
            let mut events: Vec<u64> = received.deliver.iter().map(|e| e.seq).collect();
            for run in &received.skipped {
                events.extend(run.from_seq..=run.through_seq);
            }
            events.sort_unstable();
            accounted.extend(events);
            for env in received.deliver {
                prop_assert!(
                    env.body.kind() != MessageKind::Discarded,
                    "notices are applied, not delivered"
                );
                delivered.push((env.seq, env.body));
            }
            if !(partitioned || (!healing && rng.chance(loss))) {
                downlink.push((now + 100, Body::Ack(received.ack)));
                if let Some(r) = received.resume {
                    downlink.push((now + 100, Body::Resume(r)));
                }
            }
        }
        let arrived: Vec<Body> = downlink
            .iter()
            .filter(|(at, _)| *at <= now)
            .map(|(_, b)| b.clone())
            .collect();
        downlink.retain(|(at, _)| *at > now);
        for body in arrived {
            match body {
                Body::Ack(a) => outbox.on_ack(&a, &mut store),
                Body::Resume(r) => outbox.on_resume(&r),
                Body::Nack(n) => outbox.on_nack(&n, t, &keys, &mut store).unwrap(),
                _ => unreachable!(),
            }
        }
        if healing && outbox.is_empty() && uplink.is_empty() && downlink.is_empty() {
            break;
        }
    }
    prop_assert!(
        outbox.is_empty(),
        "outbox drained after healing ({} left)",
        outbox.len()
    );
    for pair in delivered.windows(2) {
        prop_assert!(
            pair[0].0 < pair[1].0,
            "in order, no duplicates: {} then {}",
            pair[0].0,
            pair[1].0
        );
    }
    let critical_delivered: Vec<(u64, Body)> = delivered
        .iter()
        .filter(|(_, b)| b.kind().is_critical())
        .cloned()
        .collect();
    prop_assert_eq!(
        critical_delivered,
        critical_sent,
        "every critical message exactly once, in order"
    );
    // Every sequence number is accounted for exactly once, in order: delivered or skipped.
    let all: Vec<u64> = (1..=script.len() as u64).collect();
    prop_assert_eq!(accounted, all);
    prop_assert_eq!(session.next_expected(), script.len() as u64 + 1);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn critical_messages_arrive_exactly_once_in_order(script in prop::collection::vec(any::<u8>(), 1..150), seed in any::<u64>()) {
        run(&script, seed, 8, 25)?;
    }

    #[test]
    fn a_tiny_outbox_under_heavy_loss_still_delivers_every_critical_message(script in prop::collection::vec(any::<u8>(), 1..150), seed in any::<u64>()) {
        run(&script, seed, 2, 60)?;
    }
}

#[test]
fn outbox_survives_a_reboot() {
    let keys = keys();
    let device = DeviceId::parse("HZ-T-000123").unwrap();
    let mut store = MemoryStore::default();
    let mut outbox = Outbox::new(device.clone(), 4, 1000);
    let t = Timestamp::from_millis(T0);
    for (_, body) in bodies().into_iter().take(6).skip(3) {
        outbox.enqueue(body, t, &keys, &mut store).unwrap();
    }
    let restored = Outbox::restore(device, 4, 1000, &store);
    assert_eq!(restored.len(), 3);
    let mut restored = restored;
    let next = restored
        .enqueue(bodies()[1].1.clone(), t, &keys, &mut store)
        .unwrap();
    assert_eq!(next, 4, "sequence numbers continue after a reboot");
    assert_eq!(
        restored.poll_transmit(t).len(),
        4,
        "restored frames are sent again"
    );
}

#[test]
fn a_grown_tombstone_replaces_the_held_one() {
    use liftspec_protocol::message::Discarded;
    let mut session = ReceiverSession::new(32);
    let t = Timestamp::from_millis(T0);
    let tomb = |through| {
        envelope(
            2,
            Body::Discarded(Discarded {
                through_seq: through,
                count: through - 1,
            }),
        )
    };
    session.accept(tomb(3), t); // held: seq 1 missing
    let grown = session.accept(tomb(5), t);
    assert_eq!(
        grown.outcome,
        liftspec_protocol::session::ReceiveOutcome::Held,
        "not a duplicate"
    );
    let filled = session.accept(envelope(1, bodies()[1].1.clone()), t);
    assert_eq!(
        session.next_expected(),
        6,
        "the grown range is the one applied"
    );
    assert_eq!(filled.skipped.iter().map(|r| r.len()).sum::<u64>(), 4);
}

#[test]
fn a_selective_ack_does_not_acknowledge_a_tombstone() {
    let keys = keys();
    let mut store = MemoryStore::default();
    let mut outbox = Outbox::new(DeviceId::parse("HZ-T-000123").unwrap(), 1, 1000);
    let t = Timestamp::from_millis(T0);
    outbox
        .enqueue(bodies()[1].1.clone(), t, &keys, &mut store)
        .unwrap(); // seq 1
    outbox
        .enqueue(bodies()[1].1.clone(), t, &keys, &mut store)
        .unwrap(); // seq 2 evicts 1 → tombstone 1
    assert_eq!(outbox.len(), 2);
    outbox.on_ack(
        &liftspec_protocol::message::Ack {
            cumulative: 0,
            selective: vec![1, 2],
        },
        &mut store,
    );
    assert_eq!(
        outbox.len(),
        1,
        "the status frame is acknowledged, the tombstone is not"
    );
    outbox.on_ack(
        &liftspec_protocol::message::Ack {
            cumulative: 1,
            selective: vec![],
        },
        &mut store,
    );
    assert!(outbox.is_empty());
}

#[test]
fn a_notice_over_frames_already_delivered_skips_only_the_missing_ones() {
    use liftspec_protocol::message::Discarded;
    use liftspec_protocol::session::SkippedRange;
    let mut session = ReceiverSession::new(32);
    let t = Timestamp::from_millis(T0);
    session.accept(envelope(1, bodies()[1].1.clone()), t);
    session.accept(envelope(2, bodies()[1].1.clone()), t);
    session.accept(envelope(4, bodies()[1].1.clone()), t); // held
    let notice = session.accept(
        envelope(
            1,
            Body::Discarded(Discarded {
                through_seq: 5,
                count: 5,
            }),
        ),
        t,
    );
    assert_eq!(
        notice.deliver.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![4]
    );
    assert_eq!(
        notice.skipped,
        vec![
            SkippedRange {
                from_seq: 3,
                through_seq: 3
            },
            SkippedRange {
                from_seq: 5,
                through_seq: 5
            }
        ]
    );
    assert_eq!(notice.ack.cumulative, 5);
    assert_eq!(session.stats().skipped, 2);
}

#[test]
fn an_invalid_genuine_frame_is_passed_over_after_its_nack() {
    let keys = keys();
    let creds = keys.credentials();
    let device = DeviceId::parse("HZ-T-000123").unwrap();
    let mut store = MemoryStore::default();
    let mut outbox = Outbox::new(device.clone(), 8, 1000);
    let mut session = ReceiverSession::new(32);
    let t = Timestamp::from_millis(T0);
    let mut bad = status();
    bad.floor = 40; // above the installation's top floor
    outbox
        .enqueue(Body::Status(bad), t, &keys, &mut store)
        .unwrap();
    outbox
        .enqueue(bodies()[3].1.clone(), t, &keys, &mut store)
        .unwrap();
    let ctx = ValidationContext::new(-1, 18, 1750, t);
    let frames = outbox.poll_transmit(t);
    let err = session
        .receive(&frames[0], &device, &creds, &ctx)
        .unwrap_err();
    assert_eq!(err.code(), "validate.field");
    assert_eq!(session.stats().rejected, 1);
    let next = session.receive(&frames[1], &device, &creds, &ctx).unwrap();
    assert_eq!(
        next.deliver.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![2]
    );
    assert_eq!(next.skipped.len(), 1, "the rejected frame is passed over");
    outbox
        .on_nack(
            &Nack {
                seq: 1,
                reason: NackReason::Invalid,
            },
            t,
            &keys,
            &mut store,
        )
        .unwrap();
    assert_eq!(outbox.stats().rejected, 1);
    outbox.on_ack(&next.ack, &mut store);
    assert!(
        outbox.is_empty(),
        "the tombstone is covered by the cumulative ack"
    );
}

#[test]
fn a_resume_inside_a_tombstone_resends_it() {
    use liftspec_protocol::message::Resume;
    let keys = keys();
    let mut store = MemoryStore::default();
    let mut outbox = Outbox::new(DeviceId::parse("HZ-T-000123").unwrap(), 1, 60_000);
    let t = Timestamp::from_millis(T0);
    for _ in 0..4 {
        outbox
            .enqueue(bodies()[1].1.clone(), t, &keys, &mut store)
            .unwrap();
        outbox.poll_transmit(t);
    }
    // Seqs 1-3 are one tombstone at seq 1, seq 4 is the status frame.
    assert_eq!(outbox.len(), 2);
    outbox.on_resume(&Resume { from_seq: 3 });
    assert_eq!(outbox.poll_transmit(t).len(), 2);
}
