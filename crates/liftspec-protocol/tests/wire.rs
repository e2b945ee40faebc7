//! Binary and JSON encodings, authentication and compatibility rules.

mod common;

use common::*;
use liftspec_protocol::auth::{AuthError, AuthScheme, DeviceKeys, MacKeys, Verified};
use liftspec_protocol::message::MessageKind;
use liftspec_protocol::wire::{self, DecodeError, EncodeError};
use proptest::prelude::*;

#[test]
fn every_kind_round_trips_and_verifies() {
    let creds = keys().credentials();
    let bodies = bodies();
    let kinds: Vec<MessageKind> = bodies.iter().map(|(_, b)| b.kind()).collect();
    assert_eq!(kinds, MessageKind::ALL.to_vec(), "one sample per kind");
    for (i, (_, body)) in bodies.into_iter().enumerate() {
        let env = envelope(i as u64 + 1, body);
        let bytes = encode(&env);
        let frame = wire::decode(&bytes).unwrap();
        assert_eq!(frame.envelope, env);
        assert_eq!(frame.verify(&bytes, &creds), Ok(Verified::Registered));
        let kind = env.body.kind();
        let expected = if kind.from_device() {
            wire::device_scheme(kind)
        } else {
            AuthScheme::HmacSha256
        };
        assert_eq!(frame.scheme, expected);
        let json = liftspec_protocol::json::to_json(&bytes).unwrap();
        assert_eq!(
            liftspec_protocol::json::from_json(&json).unwrap(),
            bytes,
            "JSON rebuilds the same bytes"
        );
    }
}

#[test]
fn forged_and_mismatched_keys_are_rejected() {
    let env = envelope(1, bodies()[1].1.clone());
    let bytes = encode(&env);
    let other = DeviceKeys::from_seed([0x33; 32], [0x44; 32])
        .unwrap()
        .credentials();
    let frame = wire::decode(&bytes).unwrap();
    assert_eq!(frame.verify(&bytes, &other), Err(AuthError::BadTag));
    // An alarm carrying a (correct) MAC instead of a signature is refused.
    let alarm = envelope(2, bodies()[5].1.clone());
    let mac_frame = wire::Frame {
        envelope: alarm,
        scheme: AuthScheme::HmacSha256,
        tag_start: bytes.len() - 16,
    };
    assert_eq!(
        mac_frame.verify(&bytes, &keys().credentials()),
        Err(AuthError::SignatureRequired(MessageKind::Alarm))
    );
}

#[test]
fn compatibility_errors_are_typed() {
    let bytes = encode(&envelope(1, bodies()[1].1.clone()));
    let mut newer = bytes.clone();
    newer[1] = 3;
    assert_eq!(
        wire::decode(&newer),
        Err(DecodeError::UnsupportedVersion {
            found: 3,
            supported: 2
        })
    );
    let mut unknown = bytes.clone();
    unknown[2] = 10;
    assert_eq!(
        wire::decode(&unknown),
        Err(DecodeError::UnknownKind { found: 10 })
    );
    // The header of an unknown kind is still readable, so a gateway can forward it.
    let info = wire::peek(&unknown).unwrap();
    assert_eq!(
        (info.kind_byte, info.epoch, info.seq, info.device.as_str()),
        (10, EPOCH, 1, "HZ-T-000123")
    );
    let mut magic = bytes.clone();
    magic[0] = 0;
    assert_eq!(
        wire::decode(&magic),
        Err(DecodeError::BadMagic { found: 0 })
    );
    let mut scheme = bytes.clone();
    scheme[3] = 7;
    assert_eq!(
        wire::decode(&scheme),
        Err(DecodeError::UnknownAuthScheme { found: 7 })
    );
    assert_eq!(
        wire::decode(&bytes[..10]),
        Err(DecodeError::TooShort { len: 10 })
    );
    assert!(matches!(
        wire::encode(&envelope(1, bodies()[9].1.clone()), &keys()),
        Err(EncodeError::WrongDirection(MessageKind::Ack))
    ));
}

#[test]
fn status_frame_is_small() {
    let bytes = encode(&envelope(1_000_000, bodies()[1].1.clone()));
    // 4-byte prefix + header (12-byte id, 5-byte epoch, 3-byte seq, 6-byte time) + 21-byte body
    // + 16-byte MAC; a size guard on top of the golden vectors.
    assert_eq!(bytes.len(), 67, "status frame size changed");
}

proptest! {
    #[test]
    fn flipping_any_bit_of_a_signed_frame_is_rejected(kind_index in 0usize..13, bit in any::<prop::sample::Index>()) {
        let (_, body) = bodies().swap_remove(kind_index);
        let bytes = encode(&envelope(9, body));
        let bit = bit.index(bytes.len() * 8);
        let mut tampered = bytes.clone();
        tampered[bit / 8] ^= 1 << (bit % 8);
        let creds = keys().credentials();
        match wire::decode(&tampered) {
            Err(_) => {}
            Ok(frame) => prop_assert!(frame.verify(&tampered, &creds).is_err(), "bit {} accepted", bit),
        }
    }

    #[test]
    fn decode_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = wire::decode(&bytes);
        let _ = wire::peek(&bytes);
    }

    #[test]
    fn decode_never_panics_on_mutated_frames(kind_index in 0usize..13, cut in any::<prop::sample::Index>(), byte in any::<u8>(), at in any::<prop::sample::Index>()) {
        let (_, body) = bodies().swap_remove(kind_index);
        let mut bytes = encode(&envelope(3, body));
        let at = at.index(bytes.len());
        bytes[at] = byte;
        let cut = cut.index(bytes.len() + 1);
        let _ = wire::decode(&bytes[..cut]);
        let _ = liftspec_protocol::json::to_json(&bytes[..cut]);
    }

    #[test]
    fn json_decoder_never_panics(text in "\\PC{0,200}") {
        let _ = liftspec_protocol::json::from_json(&text);
    }
}

#[test]
fn an_over_long_varint_is_rejected_as_non_canonical() {
    let bytes = encode(&envelope(1, bodies()[1].1.clone()));
    let info = wire::peek(&bytes).unwrap();
    // The header is: device id (length byte + text), epoch (varint), seq (varint), sent_at
    // (zigzag varint); the sample epoch takes 5 bytes.
    let seq_at = 4 + 1 + info.device.as_str().len() + 5;
    assert_eq!(bytes[seq_at], 1, "seq 1 is one byte");
    let mut padded = bytes.clone();
    padded.splice(seq_at..=seq_at, [0x81, 0x00]);
    assert_eq!(
        wire::decode(&padded),
        Err(DecodeError::NonCanonical { offset: seq_at })
    );
}

proptest! {
    /// Anything that decodes is the one encoding of its values: re-encoding the decoded envelope
    /// under the same scheme gives the same signed bytes. Inputs are valid frames with a byte
    /// inserted, removed or changed, or a byte padded as an over-long varint.
    #[test]
    fn whatever_decodes_is_canonical(index in 0usize..13, at in any::<prop::sample::Index>(), byte in any::<u8>(), op in 0u8..4) {
        let mut bytes = encode(&envelope(3, bodies()[index].1.clone()));
        let at = at.index(bytes.len());
        match op {
            0 => bytes.insert(at, byte),
            1 => { bytes.remove(at); }
            2 if bytes[at] < 0x80 => {
                bytes[at] |= 0x80;
                bytes.insert(at + 1, 0);
            }
            _ => bytes[at] = byte,
        }
        if let Ok(frame) = wire::decode(&bytes) {
            let json = liftspec_protocol::json::to_json(&bytes).unwrap();
            prop_assert_eq!(liftspec_protocol::json::from_json(&json).unwrap(), bytes.clone());
            prop_assert!(frame.tag_start <= bytes.len());
        }
    }
}

proptest! {
    /// Keys are hex in JSON and raw bytes in the frame; any key survives both.
    #[test]
    fn any_public_key_round_trips_through_json(key in any::<[u8; 32]>()) {
        let mut body = bodies()[0].1.clone();
        if let liftspec_protocol::message::Body::Register(r) = &mut body {
            r.public_key = key;
        }
        let bytes = encode(&envelope(1, body));
        let json = liftspec_protocol::json::to_json(&bytes).unwrap();
        let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
        prop_assert!(json.contains(&hex));
        prop_assert_eq!(liftspec_protocol::json::from_json(&json).unwrap(), bytes);
    }
}

#[test]
fn a_public_key_in_upper_case_or_too_short_is_rejected() {
    let bytes = encode(&envelope(1, bodies()[0].1.clone()));
    let json = liftspec_protocol::json::to_json(&bytes).unwrap();
    let upper = json.replace(
        "a09aa5f47a6759802ff955f8dc2d2a14a5c99d23be97f864127ff9383455a4f0",
        "A09AA5F47A6759802FF955F8DC2D2A14A5C99D23BE97F864127FF9383455A4F0",
    );
    assert_ne!(upper, json, "the sample key is in the JSON");
    assert_eq!(
        liftspec_protocol::json::from_json(&upper)
            .unwrap_err()
            .code(),
        "json.syntax"
    );
    let short = json.replace("a09aa5f47a67", "a09a");
    assert!(liftspec_protocol::json::from_json(&short).is_err());
}

#[test]
fn a_mac_key_alone_encodes_the_same_frames_and_refuses_signed_kinds() {
    let keys = keys();
    let mac_key = MacKeys::new(&[0x11; 32]); // the MAC half of `keys()`
    for (name, body) in bodies().into_iter().filter(|(_, b)| b.kind().from_device()) {
        let env = envelope(5, body);
        let kind = env.body.kind();
        match wire::encode_mac(&env, mac_key.uplink()) {
            Ok(bytes) => {
                assert!(!kind.requires_signature(), "{name}");
                assert_eq!(bytes, wire::encode(&env, &keys).unwrap(), "{name}");
            }
            Err(e) => {
                assert!(kind.requires_signature(), "{name}");
                assert_eq!(e.code(), "encode.signature_required");
            }
        }
    }
}

mod batch {
    use super::*;
    use liftspec_protocol::auth::DeviceCredentials;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Batched verification gives each frame the result single verification gives it,
        /// whatever mix of schemes, devices, tampering and wrong keys the batch holds.
        #[test]
        fn batch_verification_agrees_with_single_verification(
            picks in prop::collection::vec((0usize..13, any::<bool>(), any::<prop::sample::Index>(), 0u8..4), 1..12),
        ) {
            let other = DeviceKeys::from_seed([0x33; 32], [0x44; 32]).unwrap();
            // The identity's encoding: a weak key.
            let broken = other.credentials().with_public_key([0; 32]);
            let creds: [DeviceCredentials; 3] = [keys().credentials(), other.credentials(), broken];
            let mut frames = Vec::new();
            for (n, (kind, tamper, bit, who)) in picks.iter().enumerate() {
                let (_, body) = bodies().swap_remove(*kind);
                if !body.kind().from_device() {
                    continue;
                }
                let mut bytes = encode(&envelope(n as u64 + 1, body));
                if *tamper {
                    let bit = bit.index(bytes.len() * 8);
                    bytes[bit / 8] ^= 1 << (bit % 8);
                }
                if let Ok(frame) = wire::decode(&bytes) {
                    // Mostly the right key, sometimes another device's or a weak one.
                    let c = match who { 0 | 1 => 0, 2 => 1, _ => 2 };
                    frames.push((frame, bytes, c));
                }
            }
            let items: Vec<(&wire::Frame, &[u8], &DeviceCredentials)> = frames
                .iter()
                .map(|(f, b, c)| (f, b.as_slice(), &creds[*c]))
                .collect();
            let batched = wire::verify_frames(&items);
            for ((frame, bytes, c), got) in frames.iter().zip(&batched) {
                prop_assert_eq!(got, &frame.verify(bytes, &creds[*c]));
            }
        }
    }

    #[test]
    fn a_batch_of_signed_frames_verifies_and_one_forgery_is_named() {
        let creds = keys().credentials();
        let signed: Vec<Vec<u8>> = (0..20)
            .map(|n| {
                let (_, body) = bodies()
                    .into_iter()
                    .find(|(_, b)| b.kind() == MessageKind::MaintenanceSession)
                    .unwrap();
                encode(&envelope(n + 1, body))
            })
            .collect();
        let mut all = signed.clone();
        let forged = all[7].len() - 5;
        all[7][forged] ^= 0x10;
        let decoded: Vec<wire::Frame> = all.iter().map(|b| wire::decode(b).unwrap()).collect();
        assert!(decoded.iter().all(|f| f.scheme == AuthScheme::Ed25519));
        let items: Vec<_> = decoded
            .iter()
            .zip(&all)
            .map(|(f, b)| (f, b.as_slice(), &creds))
            .collect();
        let results = wire::verify_frames(&items);
        for (i, r) in results.iter().enumerate() {
            assert_eq!(r.is_ok(), i != 7, "frame {i}: {r:?}");
        }
        assert_eq!(results[7], Err(AuthError::BadTag));
        assert!(wire::verify_frames(&items[..7])
            .iter()
            .all(|r| *r == Ok(Verified::Registered)));
    }
}

#[test]
fn the_body_enum_stays_small_to_move() {
    // The frequent bodies are small; the large rare ones are boxed (see `Body`'s docs). A new
    // large variant would make every status frame pay for copying it.
    let size = std::mem::size_of::<liftspec_protocol::message::Body>();
    assert!(size <= 64, "Body is {size} bytes");
}

#[test]
fn a_truncated_mac_tag_never_verifies() {
    let keys = keys();
    let creds = keys.credentials();
    let tag = keys.tag(AuthScheme::HmacSha256, b"report");
    assert!(creds
        .verify_document(AuthScheme::HmacSha256, b"report", &tag)
        .is_ok());
    for len in 0..16 {
        assert_eq!(
            creds.verify_document(AuthScheme::HmacSha256, b"report", &tag[..len]),
            Err(AuthError::BadTag),
            "{len}-byte tag"
        );
    }
    // A frame cut down to a shorter tag does not decode as the same frame, nor verify.
    let bytes = encode(&envelope(1, bodies()[1].1.clone()));
    let mut short = bytes[..bytes.len() - 1].to_vec();
    short.push(0);
    if let Ok(frame) = wire::decode(&short) {
        assert!(frame.verify(&short, &creds).is_err());
    }
}

#[test]
fn a_document_tag_is_never_a_frame_tag() {
    let keys = keys();
    let creds = keys.credentials();
    // Tag a frame's own signed bytes as a document, under both schemes: neither verifies as the
    // frame.
    for (index, scheme) in [(1, AuthScheme::HmacSha256), (5, AuthScheme::Ed25519)] {
        let bytes = encode(&envelope(1, bodies()[index].1.clone()));
        let frame = wire::decode(&bytes).unwrap();
        let signed = &bytes[..frame.tag_start];
        let mut forged = signed.to_vec();
        forged.extend(keys.tag(scheme, signed));
        assert_eq!(forged.len(), bytes.len());
        assert_ne!(forged, bytes);
        assert_eq!(
            frame.verify(&forged, &creds),
            Err(AuthError::BadTag),
            "{scheme:?}"
        );
    }
}

#[test]
fn weak_device_keys_are_refused() {
    use liftspec_protocol::auth::KeyError;
    assert_eq!(
        DeviceKeys::from_seed([0; 32], [1; 32]).unwrap_err(),
        KeyError::ZeroMacKey
    );
    assert_eq!(
        DeviceKeys::from_seed([1; 32], [0; 32]).unwrap_err(),
        KeyError::ZeroSigningSeed
    );
    assert_eq!(
        DeviceKeys::from_seed([5; 32], [5; 32]).unwrap_err(),
        KeyError::MacKeyIsSigningSeed
    );
}

#[test]
fn an_oversized_json_frame_is_refused_before_parsing() {
    let huge = format!("{{\"version\":2,\"device\":\"{}\"}}", "A".repeat(20 << 20));
    let err = liftspec_protocol::json::from_json(&huge).unwrap_err();
    assert_eq!(err.code(), "json.too_long");
}

#[test]
fn register_must_carry_both_the_signature_and_the_mac() {
    let creds = keys().credentials();
    let bytes = encode(&envelope(1, bodies()[0].1.clone()));
    let frame = wire::decode(&bytes).unwrap();
    assert_eq!(frame.scheme, AuthScheme::Ed25519Hmac);
    // The signature alone (scheme 2, the MAC cut off) is refused.
    let mut signed_only = bytes[..bytes.len() - 16].to_vec();
    signed_only[3] = 2;
    let f = wire::decode(&signed_only).unwrap();
    assert_eq!(
        f.verify(&signed_only, &creds).unwrap_err().code(),
        "auth.wrong_scheme"
    );
    // A bad MAC half fails the whole tag.
    let mut bad_mac = bytes.clone();
    *bad_mac.last_mut().unwrap() ^= 1;
    assert_eq!(frame.verify(&bad_mac, &creds), Err(AuthError::BadTag));
}
