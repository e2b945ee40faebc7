//! Frames of every kind, the frame layout (§2) and the canonical encoding (§3).

use liftspec_protocol::message::{Body, Register};
use liftspec_protocol::{json, wire};

use super::sample::{self, body_bytes, frame, header, header_for, valid, varint, Tag};
use super::{frame_hex, frame_json, Group};

/// One valid frame of each kind, as bytes and as its JSON form.
pub(crate) fn kinds() -> Group {
    let mut g = Group::new(
        "kinds",
        "One valid frame of every kind, given as bytes and as its JSON form: accepted with the \
         same JSON form and the same bytes (§5, §6, §10).",
    );
    for (i, (name, body)) in sample::bodies().into_iter().enumerate() {
        let bytes = valid(i as u64 + 1, &body);
        let clause = format!("§6 {name}");
        g.accept(
            &format!("{name}.bytes"),
            &clause,
            &format!("A valid {name} frame as bytes, tagged as §4 requires for its kind."),
            frame_hex(&bytes),
        );
        if let Ok(text) = json::to_json(&bytes) {
            g.accept(
                &format!("{name}.json"),
                "§10 JSON form",
                &format!("The same {name} frame in its JSON form: rebuilt to the exact bytes, so its tag verifies."),
                frame_json(&text),
            );
        }
    }
    g
}

fn status_body() -> Vec<u8> {
    body_bytes(&Body::Status(sample::status()))
}

/// A Status frame with these signed bytes changed, MACed again.
fn status_with(edit: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut signed = frame(2, 1, &header_for(1), &status_body(), Tag::Bytes(&[]));
    edit(&mut signed);
    sample::append_tag(&mut signed, Tag::Uplink);
    signed
}

/// The frame layout: length limits, prefix bytes, the header's fields, bytes left over.
pub(crate) fn layout() -> Group {
    let mut g = Group::new(
        "layout",
        "The frame layout of §2: length limits, magic, version, kind and scheme bytes, the \
         header's fields and their ranges, and the body ending where the tag begins.",
    );
    let ok = valid(1, &Body::Status(sample::status()));
    const L: &str = "§2 frame layout";
    g.reject(
        "too_short",
        L,
        "19 bytes: too short for the prefix and a 16-byte tag.",
        frame_hex(&ok[..19]),
        "decode.too_short",
        None,
    );
    let mut twenty = ok[..4].to_vec();
    twenty.extend([0u8; 16]);
    g.reject(
        "twenty_bytes",
        L,
        "20 bytes (the prefix and a 16-byte tag) are long enough to be read, but hold no header.",
        frame_hex(&twenty),
        "decode.header",
        None,
    );
    let mut long = ok.clone();
    long.resize(wire::MAX_FRAME_LEN + 1, 0x55);
    g.reject(
        "too_long",
        L,
        "16,385 bytes: one more than the largest frame.",
        frame_hex(&long),
        "decode.too_long",
        None,
    );
    g.accept(
        "longest",
        L,
        "A valid Register of exactly 16,384 bytes, tag included: the largest frame.",
        frame_hex(&longest_register()),
    );
    for (id, at, value, code, what) in [
        (
            "bad_magic",
            0,
            0x4D,
            "decode.bad_magic",
            "Byte 0 is 0x4D, not 0x4C.",
        ),
        (
            "version_1",
            1,
            1,
            "decode.unsupported_version",
            "Version 1: a version 2 receiver refuses it (§7).",
        ),
        (
            "version_3",
            1,
            3,
            "decode.unsupported_version",
            "Version 3, which this receiver does not speak.",
        ),
        (
            "kind_0",
            2,
            0,
            "decode.unknown_kind",
            "Kind byte 0 is no kind.",
        ),
        (
            "kind_10",
            2,
            10,
            "decode.unknown_kind",
            "Kind byte 10, the first device kind not assigned.",
        ),
        (
            "kind_63",
            2,
            63,
            "decode.unknown_kind",
            "Kind byte 63, the last device kind, not assigned.",
        ),
        (
            "kind_68",
            2,
            68,
            "decode.unknown_kind",
            "Kind byte 68, the first platform kind not assigned.",
        ),
        ("kind_255", 2, 255, "decode.unknown_kind", "Kind byte 255."),
        (
            "scheme_0",
            3,
            0,
            "decode.unknown_auth_scheme",
            "Scheme byte 0.",
        ),
        (
            "scheme_4",
            3,
            4,
            "decode.unknown_auth_scheme",
            "Scheme byte 4.",
        ),
    ] {
        let mut bytes = ok.clone();
        bytes[at] = value;
        g.reject(id, L, what, frame_hex(&bytes), code, None);
    }
    let mut bad_both = ok.clone();
    bad_both[2] = 10;
    bad_both[4] = 0xFF;
    g.reject("kind_before_header", L, "Kind byte 10 and a header that does not decode: the prefix's bytes are checked before the header.", frame_hex(&bad_both), "decode.unknown_kind", None);
    let mut short_signed = ok[..4].to_vec();
    short_signed[2] = 6;
    short_signed[3] = 2;
    short_signed.extend([0x11; 63]);
    g.reject(
        "short_for_signature",
        L,
        "An Alarm of 67 bytes with scheme 2: too short for the prefix and a 64-byte signature.",
        frame_hex(&short_signed),
        "decode.too_short",
        None,
    );
    let mut short_scheme_3 = ok[..4].to_vec();
    short_scheme_3[2] = 1;
    short_scheme_3[3] = 3;
    short_scheme_3.extend([0x11; 79]);
    g.reject(
        "short_for_scheme_3",
        L,
        "A Register of 83 bytes with scheme 3: too short for the prefix and an 80-byte tag.",
        frame_hex(&short_scheme_3),
        "decode.too_short",
        None,
    );
    let trailing = status_with(|s| s.push(0));
    g.reject(
        "trailing_byte",
        L,
        "One byte between the body and the tag (MACed): the body must end where the tag begins.",
        frame_hex(&trailing),
        "decode.trailing_bytes",
        None,
    );
    let short_body = status_with(|s| {
        s.pop();
    });
    g.reject(
        "body_cut",
        L,
        "The body's last byte missing (MACed): the body does not decode.",
        frame_hex(&short_body),
        "decode.body",
        None,
    );
    let body = status_body();
    for (id, device, code, what) in [
        (
            "device_empty",
            "",
            Some("decode.header"),
            "An empty device id.",
        ),
        (
            "device_space",
            "HZ CT 1",
            Some("decode.header"),
            "A device id with a space, outside A-Z a-z 0-9 - _ . :",
        ),
        (
            "device_65",
            &"D".repeat(65),
            Some("decode.header"),
            "A device id of 65 characters.",
        ),
        (
            "device_64",
            &"D".repeat(64),
            None,
            "A device id of 64 characters, the longest.",
        ),
        (
            "device_symbols",
            "a-Z_0.9:x",
            None,
            "A device id using every kind of allowed character.",
        ),
    ] {
        let bytes = frame(
            2,
            1,
            &header(device, sample::EPOCH, 1, sample::T0),
            &body,
            Tag::Uplink,
        );
        match code {
            Some(code) => g.reject(id, L, what, frame_hex(&bytes), code, None),
            None => g.accept(id, L, what, frame_hex(&bytes)),
        }
    }
    for (id, seq, ok_, what) in [
        (
            "seq_0",
            0u64,
            false,
            "Sequence number 0: numbers start at 1.",
        ),
        ("seq_1", 1, true, "Sequence number 1, the first."),
        (
            "seq_max",
            (1 << 53) - 1,
            true,
            "Sequence number 2^53 − 1, the largest.",
        ),
        (
            "seq_over",
            1 << 53,
            false,
            "Sequence number 2^53, one above the largest.",
        ),
    ] {
        let bytes = frame(
            2,
            1,
            &header(sample::DEVICE, sample::EPOCH, seq, sample::T0),
            &body,
            Tag::Uplink,
        );
        if ok_ {
            g.accept(
                id,
                "§2 frame layout, §8.4 sequencing rules",
                what,
                frame_hex(&bytes),
            );
        } else {
            g.reject(
                id,
                "§2 frame layout, §8.4 sequencing rules",
                what,
                frame_hex(&bytes),
                "validate.field",
                Some("seq"),
            );
        }
    }
    for (id, epoch, what) in [
        ("epoch_0", 0u32, "Epoch 0 is a valid epoch."),
        ("epoch_max", u32::MAX, "Epoch 2^32 − 1 (five varint bytes)."),
    ] {
        let bytes = frame(
            2,
            1,
            &header(sample::DEVICE, epoch, 1, sample::T0),
            &body,
            Tag::Uplink,
        );
        g.accept(id, L, what, frame_hex(&bytes));
    }
    for (id, at, what) in [
        ("sent_at_negative", -1i64, "A send time before 1970 (−1 ms): any i64 is a time; §8.5 grades it, decoding does not refuse it."),
        ("sent_at_zero", 0, "A send time of 0 (a clock reset to 1970)."),
    ] {
        let bytes = frame(2, 1, &header(sample::DEVICE, sample::EPOCH, 1, at), &body, Tag::Uplink);
        g.accept(id, "§2 frame layout, §8.5 clocks", what, frame_hex(&bytes));
    }
    g
}

/// A scheme-3 Register whose model name pads the frame to exactly 16,384 bytes.
fn longest_register() -> Vec<u8> {
    let mut register: Register = sample::register(sample::public_key());
    let base = valid(1, &Body::Register(Box::new(register.clone()))).len();
    // The model's length prefix grows from 1 to 2 bytes past 127 characters.
    let model_len = wire::MAX_FRAME_LEN - base + register.model.len() - 1;
    register.model = "M".repeat(model_len);
    valid(1, &Body::Register(Box::new(register)))
}

/// Over-long varints, values past their type, bools and options out of range, bad UTF-8.
pub(crate) fn canonical() -> Group {
    let mut g = Group::new(
        "canonical",
        "The value encoding of §3: each value has exactly one encoding, and a receiver refuses \
         every other (over-long varints, values past their type, bools and option tags other \
         than 0 and 1, unknown enum variants, invalid UTF-8).",
    );
    const C: &str = "§3 value encoding";
    let body = status_body();
    // Status (§6.2): mode u8, moving bool, direction enum, floor i16, doorZone bool,
    // frontDoor u16, rearDoor option<u16>, …
    let with_body = |edit: &dyn Fn(&mut Vec<u8>)| {
        let mut b = body.clone();
        edit(&mut b);
        frame(2, 1, &header_for(1), &b, Tag::Uplink)
    };
    let overlong_seq = {
        let mut h = varint(sample::DEVICE.len() as u64);
        h.extend_from_slice(sample::DEVICE.as_bytes());
        h.extend(varint(u64::from(sample::EPOCH)));
        h.extend([0x81, 0x00]);
        h.extend(sample::zigzag(sample::T0));
        frame(2, 1, &h, &body, Tag::Uplink)
    };
    g.reject("overlong_seq", C, "Sequence number 1 as the two bytes 81 00: an over-long varint, refused although its value is clear.", frame_hex(&overlong_seq), "decode.non_canonical", None);
    g.reject(
        "overlong_front_door",
        C,
        "frontDoor 0 as 80 00 (over-long).",
        frame_hex(&with_body(&|b| {
            b.splice(5..6, [0x80, 0x00]);
        })),
        "decode.non_canonical",
        None,
    );
    g.reject(
        "u16_four_bytes",
        C,
        "frontDoor as four varint bytes (80 80 80 00): a u16 takes at most 3.",
        frame_hex(&with_body(&|b| {
            b.splice(5..6, [0x80, 0x80, 0x80, 0x00]);
        })),
        "decode.body",
        None,
    );
    g.reject(
        "u16_overflow",
        C,
        "frontDoor 70,000 (f0 a2 04): three bytes, but past u16.",
        frame_hex(&with_body(&|b| {
            b.splice(5..6, [0xF0, 0xA2, 0x04]);
        })),
        "decode.body",
        None,
    );
    g.reject(
        "bool_2",
        C,
        "moving = 02: a bool is 00 or 01.",
        frame_hex(&with_body(&|b| b[1] = 2)),
        "decode.body",
        None,
    );
    g.reject(
        "option_tag_2",
        C,
        "rearDoor's option tag 02: an option is 00 or 01 then the value.",
        frame_hex(&with_body(&|b| b[6] = 2)),
        "decode.body",
        None,
    );
    g.reject(
        "enum_variant_3",
        C,
        "direction 3: Direction has variants 0–2.",
        frame_hex(&with_body(&|b| b[2] = 3)),
        "decode.body",
        None,
    );
    let bad_utf8 = frame(
        2,
        1,
        &{
            let mut h = vec![3, b'H', 0xFF, b'Z'];
            h.extend(varint(u64::from(sample::EPOCH)));
            h.extend(varint(1));
            h.extend(sample::zigzag(sample::T0));
            h
        },
        &body,
        Tag::Uplink,
    );
    g.reject(
        "device_not_utf8",
        C,
        "A device id whose bytes are not UTF-8.",
        frame_hex(&bad_utf8),
        "decode.header",
        None,
    );
    let string_past_end = with_body(&|_| {});
    let mut cut = string_past_end[..string_past_end.len() - 16].to_vec();
    let idx = 4;
    cut[idx] = 100;
    sample::append_tag(&mut cut, Tag::Uplink);
    g.reject(
        "device_length_past_end",
        C,
        "A device id whose length (100) runs past the frame.",
        frame_hex(&cut),
        "decode.header",
        None,
    );
    g.accept(
        "zigzag_negative_floor",
        C,
        "floor −1 (zigzag 01), the lowest floor.",
        frame_hex(&with_body(&|b| b[3] = 0x01)),
    );
    g
}
