//! The hand-written frame decoder against the reference: serde + postcard, then re-serialising
//! and comparing bytes (the canonical-encoding rule). On any input both accept the same frames
//! with the same values, and reject the same frames.

mod common;

use common::*;
use liftspec_model::time::Timestamp;
use liftspec_protocol::message::*;
use liftspec_protocol::wire::{self, DeviceId, Envelope, MAX_FRAME_LEN};
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

fn take<T: DeserializeOwned + Serialize>(bytes: &[u8]) -> Option<(T, Vec<u8>)> {
    let (value, rest) = postcard::take_from_bytes::<T>(bytes).ok()?;
    if !rest.is_empty() {
        return None;
    }
    let canonical = postcard::to_allocvec(&value).ok()?;
    Some((value, canonical))
}

/// The reference decoder, written from the serde derives.
fn reference(bytes: &[u8]) -> Option<Envelope> {
    if bytes.len() > MAX_FRAME_LEN || bytes.len() < 20 || bytes[0] != 0x4C || bytes[1] != 2 {
        return None;
    }
    let tag_len = match bytes[3] {
        1 => 16,
        2 => 64,
        3 => 80,
        _ => return None,
    };
    let tag_start = bytes.len().checked_sub(tag_len).filter(|t| *t >= 4)?;
    let kind = MessageKind::from_byte(bytes[2])?;
    let signed = &bytes[4..tag_start];
    let ((device, epoch, seq, sent_at), rest) =
        postcard::take_from_bytes::<(DeviceId, u32, u64, Timestamp)>(signed).ok()?;
    let header_len = signed.len() - rest.len();
    if postcard::to_allocvec(&(&device, epoch, seq, sent_at)).ok()? != signed[..header_len] {
        return None;
    }
    macro_rules! body {
        ($variant:ident) => {{
            let (value, canonical) = take(rest)?;
            (Body::$variant(value), canonical)
        }};
    }
    let (body, canonical) = match kind {
        MessageKind::Register => body!(Register),
        MessageKind::Status => body!(Status),
        MessageKind::Statistics => body!(Statistics),
        MessageKind::Event => body!(Event),
        MessageKind::DoorCycle => body!(DoorCycle),
        MessageKind::Alarm => body!(Alarm),
        MessageKind::MaintenanceSession => body!(MaintenanceSession),
        MessageKind::Heartbeat => body!(Heartbeat),
        MessageKind::Discarded => body!(Discarded),
        MessageKind::Ack => body!(Ack),
        MessageKind::Nack => body!(Nack),
        MessageKind::Resume => body!(Resume),
        MessageKind::Command => body!(Command),
    };
    if canonical != rest {
        return None;
    }
    Some(Envelope {
        device,
        epoch,
        seq,
        sent_at,
        body,
    })
}

fn mutate(mut bytes: Vec<u8>, at: prop::sample::Index, byte: u8, op: u8) -> Vec<u8> {
    let i = at.index(bytes.len());
    match op {
        0 => bytes.insert(i, byte),
        1 => {
            bytes.remove(i);
        }
        2 if bytes[i] < 0x80 => {
            bytes[i] |= 0x80;
            bytes.insert(i + 1, byte & 0x03);
        }
        3 => bytes[i] = byte,
        _ => bytes[i] ^= 1 << (byte % 8),
    }
    bytes
}

#[test]
fn both_decoders_read_every_golden_frame() {
    for (i, (name, body)) in bodies().into_iter().enumerate() {
        let bytes = encode(&envelope(i as u64 + 1, body));
        let ours = wire::decode(&bytes).map(|f| f.envelope).ok();
        assert!(ours.is_some(), "{name}");
        assert_eq!(ours, reference(&bytes), "{name}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn the_decoders_agree_on_mutated_frames(
        index in 0usize..13,
        mutations in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..5), 1..4),
    ) {
        let mut bytes = encode(&envelope(300, bodies()[index].1.clone()));
        for (at, byte, op) in mutations {
            bytes = mutate(bytes, at, byte, op);
        }
        let ours = wire::decode(&bytes).map(|f| f.envelope).ok();
        prop_assert_eq!(ours, reference(&bytes));
    }

    #[test]
    fn the_decoders_agree_on_arbitrary_bytes(kind in any::<u8>(), scheme in 0u8..4, rest in prop::collection::vec(any::<u8>(), 0..120)) {
        let mut bytes = vec![0x4C, 2, kind, scheme];
        bytes.extend(rest);
        let ours = wire::decode(&bytes).map(|f| f.envelope).ok();
        prop_assert_eq!(ours, reference(&bytes));
    }
}

#[test]
fn an_item_id_without_its_leading_zero_is_not_canonical() {
    let bytes = encode(&envelope(7, bodies()[6].1.clone()));
    let long = [5u8, b'A', b'1', b'-', b'0', b'5'];
    let at = bytes
        .windows(long.len())
        .position(|w| w == long)
        .expect("item A1-05 is in the sample");
    let mut short = bytes.clone();
    short.splice(at..at + long.len(), [4u8, b'A', b'1', b'-', b'5']);
    assert_eq!(
        wire::decode(&short).unwrap_err(),
        wire::DecodeError::NonCanonical { offset: at }
    );
    assert_eq!(reference(&short), None);
}
