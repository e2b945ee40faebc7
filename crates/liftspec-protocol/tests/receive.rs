//! One frame received without a session (`receive::authenticate`): the rules that need no key
//! hold with none at hand, and with keys every tag is verified by its direction's key.

mod common;

use common::*;
use liftspec_protocol::auth::DeviceKeys;
use liftspec_protocol::message::{Body, MessageKind};
use liftspec_protocol::receive::authenticate;

fn sample(kind: MessageKind) -> Body {
    bodies()
        .into_iter()
        .map(|(_, b)| b)
        .find(|b| b.kind() == kind)
        .unwrap()
}

/// An Alarm re-tagged with only a MAC (scheme byte 1, a 16-byte tag).
fn mac_only_alarm() -> Vec<u8> {
    let bytes = encode(&envelope(1, sample(MessageKind::Alarm)));
    let mut mac_only = bytes[..bytes.len() - 64].to_vec();
    mac_only[3] = 1;
    mac_only.extend([0u8; 16]);
    mac_only
}

#[test]
fn every_sample_frame_is_authenticated_with_and_without_keys() {
    let credentials = keys().credentials();
    for (name, body) in bodies() {
        let bytes = encode(&envelope(3, body));
        let frame = authenticate(&bytes, None).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(frame.envelope.seq, 3);
        authenticate(&bytes, Some(&credentials)).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn an_unsigned_alarm_is_refused_with_no_key_at_hand() {
    let err = authenticate(&mac_only_alarm(), None).unwrap_err();
    assert_eq!(err.code(), "auth.signature_required");
}

#[test]
fn a_platform_frame_is_verified_by_the_downlink_key_and_a_wrong_key_is_refused() {
    let ack = encode(&envelope(4, sample(MessageKind::Ack)));
    authenticate(&ack, Some(&keys().credentials())).unwrap();
    let other = DeviceKeys::from_seed([0x33; 32], [0x22; 32]).unwrap();
    let err = authenticate(&ack, Some(&other.credentials())).unwrap_err();
    assert_eq!(err.code(), "auth.bad_tag");
}

#[test]
fn a_register_announcing_a_small_order_key_is_refused_with_no_key_at_hand() {
    let Body::Register(mut register) = sample(MessageKind::Register) else {
        unreachable!()
    };
    // The identity point: small order, so any signature "verifies" under it.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    register.public_key = identity;
    let env = envelope(1, Body::Register(register));
    let bytes = liftspec_protocol::wire::encode(&env, &keys()).unwrap();
    let err = authenticate(&bytes, None).unwrap_err();
    assert_eq!(err.code(), "auth.bad_public_key");
}

#[test]
fn bytes_that_are_not_a_frame_keep_their_decode_code_and_offset() {
    let mut bytes = vec![0x4C, 9];
    bytes.extend([0u8; 30]);
    let err = authenticate(&bytes, None).unwrap_err();
    assert_eq!(err.code(), "decode.unsupported_version");
    assert!(matches!(
        err,
        liftspec_protocol::receive::FrameError::Decode(ref d) if d.offset() == Some(1)
    ));
}
