//! Authentication (§4): tags, directions, which kinds use which scheme, strict Ed25519, weak and
//! invalid public keys, key change proposals.

use liftspec_protocol::message::Body;

use super::sample::{self, body_bytes, frame, header_for, valid, Tag};
use super::{frame_hex, Group};
use crate::case::{FrameInput, Request};

/// The order of the Ed25519 group, little-endian (RFC 8032 §5.1: L).
const ORDER: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

/// `s + L` for a little-endian scalar `s` below L: the same signature with a non-canonical S.
fn add_order(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(32);
    let mut carry = 0u16;
    for (a, b) in s.iter().zip(ORDER) {
        let sum = u16::from(*a) + u16::from(b) + carry;
        out.push(sum as u8);
        carry = sum >> 8;
    }
    out
}

fn body_of(name: &str) -> Body {
    sample::bodies()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, b)| b)
        .unwrap_or_else(|| unreachable!("sample body {name}"))
}

/// A frame of `body` with this scheme byte and tag.
fn tagged(body: &Body, scheme: u8, tag: Tag) -> Vec<u8> {
    frame(
        body.kind().byte(),
        scheme,
        &header_for(1),
        &body_bytes(body),
        tag,
    )
}

/// The same frame request with other credentials.
fn with_public_key(bytes: &[u8], public_key: &[u8; 32]) -> Request {
    let mut credentials = sample::credentials();
    credentials.public_key = crate::hex(public_key);
    Request::Frame {
        input: FrameInput::Hex(crate::hex(bytes)),
        credentials,
        installation: sample::INSTALLATION,
    }
}

pub(crate) fn auth() -> Group {
    let mut g = Group::new(
        "auth",
        "Authentication (§4): the tag over every byte before it, the MAC key of the kind's \
         direction, the scheme each kind must use, strict Ed25519 (RFC 8032 with canonical S and \
         no small-order keys), and a Register's proof of its announced key.",
    );
    const T: &str = "§4 authentication";
    const S: &str = "§4 which kinds use which scheme";
    let status = Body::Status(sample::status());
    let ok = valid(1, &status);

    let mut bytes = ok.clone();
    if let Some(last) = bytes.last_mut() {
        *last ^= 0x01;
    }
    g.reject(
        "mac_tampered_tag",
        T,
        "A Status whose MAC's last bit is flipped.",
        frame_hex(&bytes),
        "auth.bad_tag",
        None,
    );
    let mut bytes = ok.clone();
    bytes[4 + header_for(1).len() + 3] ^= 0x02;
    g.reject(
        "mac_tampered_body",
        T,
        "A Status whose floor byte was changed after tagging (it still decodes).",
        frame_hex(&bytes),
        "auth.bad_tag",
        None,
    );
    g.reject("mac_reflected", T, "A Status MACed with the downlink key (a platform frame's key): a frame MACed for one direction never verifies in the other.", frame_hex(&tagged(&status, 1, Tag::Downlink)), "auth.bad_tag", None);
    g.reject(
        "mac_other_device",
        T,
        "A Status MACed with another device's key.",
        frame_hex(&tagged(&status, 1, Tag::UplinkOfOtherKey)),
        "auth.bad_tag",
        None,
    );
    g.reject(
        "mac_zero_tag",
        T,
        "A Status with an all-zero tag.",
        frame_hex(&tagged(&status, 1, Tag::Bytes(&[0; 16]))),
        "auth.bad_tag",
        None,
    );
    let ack = body_of("ack");
    g.reject("downlink_with_uplink_key", T, "An Ack MACed with the uplink key (a device frame's key), as a reflected device frame would be.", frame_hex(&tagged(&ack, 1, Tag::Uplink)), "auth.bad_tag", None);
    g.accept(
        "status_signed",
        S,
        "A Status signed with Ed25519 (scheme 2): devices MAY sign any kind.",
        frame_hex(&tagged(&status, 2, Tag::Sign(sample::SIGNING_SEED))),
    );
    g.accept(
        "heartbeat_signed",
        S,
        "A Heartbeat signed with Ed25519 (scheme 2).",
        frame_hex(&tagged(
            &body_of("heartbeat"),
            2,
            Tag::Sign(sample::SIGNING_SEED),
        )),
    );
    for (name, what) in [
        ("alarm", "An Alarm"),
        ("maintenanceSession", "A MaintenanceSession"),
        ("discarded", "A Discarded notice"),
    ] {
        let body = body_of(name);
        g.reject(
            &format!("{name}_mac_only"),
            S,
            &format!("{what} with a valid MAC (scheme 1): it MUST be signed (scheme 2); no key is needed to refuse it."),
            frame_hex(&tagged(&body, 1, Tag::Uplink)),
            "auth.signature_required",
            None,
        );
        g.reject(
            &format!("{name}_scheme_3"),
            S,
            &format!("{what} with scheme 3, which is Register's alone."),
            frame_hex(&tagged(&body, 3, Tag::SignThenUplink(sample::SIGNING_SEED))),
            "auth.wrong_scheme",
            None,
        );
    }
    let register = body_of("register");
    g.reject(
        "register_scheme_1",
        S,
        "A Register with only a MAC: it MUST use scheme 3.",
        frame_hex(&tagged(&register, 1, Tag::Uplink)),
        "auth.wrong_scheme",
        None,
    );
    g.reject(
        "register_scheme_2",
        S,
        "A Register with only a signature: it MUST use scheme 3.",
        frame_hex(&tagged(&register, 2, Tag::Sign(sample::SIGNING_SEED))),
        "auth.wrong_scheme",
        None,
    );
    g.reject(
        "status_scheme_3",
        S,
        "A Status with scheme 3.",
        frame_hex(&tagged(
            &status,
            3,
            Tag::SignThenUplink(sample::SIGNING_SEED),
        )),
        "auth.wrong_scheme",
        None,
    );
    for name in ["ack", "nack", "resume", "command"] {
        g.reject(
            &format!("{name}_signed"),
            S,
            &format!("A platform {name} signed (scheme 2): platform frames MUST use scheme 1."),
            frame_hex(&tagged(&body_of(name), 2, Tag::Sign(sample::SIGNING_SEED))),
            "auth.wrong_scheme",
            None,
        );
    }

    let alarm = body_of("alarm");
    let signed_alarm = tagged(&alarm, 2, Tag::Sign(sample::SIGNING_SEED));
    let mut bytes = signed_alarm.clone();
    let n = bytes.len();
    bytes[n - 40] ^= 0x10;
    g.reject(
        "signature_tampered",
        T,
        "An Alarm whose signature has one bit flipped.",
        frame_hex(&bytes),
        "auth.bad_tag",
        None,
    );
    g.reject(
        "signature_other_key",
        T,
        "An Alarm signed by another key than the registered one.",
        frame_hex(&tagged(&alarm, 2, Tag::Sign(sample::OTHER_SEED))),
        "auth.bad_tag",
        None,
    );
    let mut bytes = signed_alarm.clone();
    let s_at = n - 32;
    let high_s = add_order(&bytes[s_at..]);
    bytes.splice(s_at.., high_s);
    g.reject("signature_s_not_canonical", T, "An Alarm whose signature's S is replaced by S + L: valid under lax verification, refused by strict RFC 8032 verification.", frame_hex(&bytes), "auth.bad_tag", None);
    let mut bytes = signed_alarm.clone();
    bytes.truncate(n - 64);
    bytes.extend([0u8; 64]);
    g.reject(
        "signature_zero",
        T,
        "An Alarm with an all-zero signature.",
        frame_hex(&bytes),
        "auth.bad_tag",
        None,
    );

    // Weak and invalid public keys (§4: refuse them).
    let identity = {
        let mut k = [0u8; 32];
        k[0] = 1;
        k
    };
    // y = 2 is not the y of any point: x² = (y² − 1)/(d·y² + 1) has no square root.
    let off_curve = {
        let mut k = [0u8; 32];
        k[0] = 2;
        k
    };
    g.reject("registered_key_small_order", T, "An Alarm checked against a registered public key of small order (the identity point): any signature would satisfy it, so it is refused.", with_public_key(&signed_alarm, &identity), "auth.bad_public_key", None);
    g.reject(
        "registered_key_off_curve",
        T,
        "An Alarm checked against a registered public key that is not a curve point.",
        with_public_key(&signed_alarm, &off_curve),
        "auth.bad_public_key",
        None,
    );
    for (id, key, what) in [
        (
            "register_announces_small_order_key",
            identity,
            "a small-order public key (the identity point)",
        ),
        (
            "register_announces_off_curve_key",
            off_curve,
            "a public key that is not a curve point",
        ),
    ] {
        let body = Body::Register(Box::new(sample::register(key)));
        // Signed by the device's own key: whatever the signature, the announced key is refused.
        g.reject(
            id,
            T,
            &format!("A Register announcing {what}, with a valid MAC."),
            frame_hex(&tagged(&body, 3, Tag::SignThenUplink(sample::SIGNING_SEED))),
            "auth.bad_public_key",
            None,
        );
    }
    let other_public = ed25519_dalek::SigningKey::from_bytes(&sample::OTHER_SEED)
        .verifying_key()
        .to_bytes();
    let proposal = Body::Register(Box::new(sample::register(other_public)));
    g.accept("register_key_change", "§4 key changes", "A Register announcing a new key, signed by it and MACed with the device's key: a key change proposal, accepted (and reported) while the registered key stays trusted.", frame_hex(&tagged(&proposal, 3, Tag::SignThenUplink(sample::OTHER_SEED))));
    g.reject(
        "register_key_change_without_mac",
        "§4 key changes",
        "The same proposal MACed with another device's MAC key: refused.",
        frame_hex(&tagged(
            &proposal,
            3,
            Tag::SignThenOtherMac(sample::OTHER_SEED),
        )),
        "auth.bad_tag",
        None,
    );
    g.reject(
        "register_signed_by_other_key",
        "§4 key changes",
        "A Register announcing the registered key but signed by another: no proof of possession.",
        frame_hex(&tagged(
            &register,
            3,
            Tag::SignThenUplink(sample::OTHER_SEED),
        )),
        "auth.bad_tag",
        None,
    );
    g
}
