//! Stream framing, usage-sign payloads and validation field paths.

mod common;

use common::*;
use liftspec_model::time::Timestamp;
use liftspec_protocol::framing::{frame_for_stream, Deframed, Deframer, StreamError};
use liftspec_protocol::message::{Body, MessageKind};
use liftspec_protocol::usage_sign::{UsageSign, UsageSignError};
use liftspec_protocol::validate::{validate, ValidationContext};
use proptest::prelude::*;

proptest! {
    #[test]
    fn deframer_resynchronises_after_garbage(
        frames in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..300), 1..6),
        garbage in prop::collection::vec(any::<u8>(), 0..50),
    ) {
        let mut wire = garbage.clone();
        wire.push(0); // whatever came before ends at a delimiter
        for f in &frames {
            wire.extend(frame_for_stream(f));
        }
        let out = Deframer::new(4096).push_slice(&wire);
        let good: Vec<Vec<u8>> = out.into_iter().filter_map(|d| match d { Deframed::Frame(f) => Some(f), Deframed::Corrupt(_) => None }).collect();
        // Every real frame comes out; garbage yields at most one spurious block, which its CRC rejects
        // with probability 1 - 2^-32.
        prop_assert!(good.ends_with(&frames));
    }

    #[test]
    fn corrupting_a_framed_byte_is_detected(frame in prop::collection::vec(any::<u8>(), 1..200), at in any::<prop::sample::Index>(), flip in 1u8..=255) {
        let mut wire = frame_for_stream(&frame);
        let at = at.index(wire.len() - 1);
        wire[at] ^= flip;
        let out = Deframer::new(4096).push_slice(&wire);
        prop_assert!(!out.contains(&Deframed::Frame(frame.clone())) || wire[at] == 0 && out.len() > 1);
    }

    #[test]
    fn usage_sign_decoder_never_panics(text in "\\PC{0,80}") {
        let _ = UsageSign::decode(&text);
    }
}

#[test]
fn oversized_blocks_are_skipped() {
    let mut d = Deframer::new(8);
    let mut wire = vec![1u8; 20];
    wire.push(0);
    wire.extend(frame_for_stream(b"ok"));
    let out = d.push_slice(&wire);
    assert_eq!(
        out,
        vec![
            Deframed::Corrupt(StreamError::Oversized { limit: 8 }),
            Deframed::Frame(b"ok".to_vec())
        ]
    );
}

#[test]
fn usage_sign_errors() {
    let sign = UsageSign {
        registration_code: "31103301062010050007".parse().unwrap(),
        rescue_code: "100072".parse().unwrap(),
    };
    let text = sign.encode();
    assert_eq!(UsageSign::decode(&text).unwrap(), sign);
    let misread = text.replacen("0007*", "0008*", 1);
    assert!(matches!(
        UsageSign::decode(&misread),
        Err(UsageSignError::Check { .. })
    ));
    assert!(matches!(
        UsageSign::decode("LS1*1*2"),
        Err(UsageSignError::Shape { parts: 3, .. })
    ));
    assert_eq!(
        UsageSign::decode("LS2*a*b*c").unwrap_err().code(),
        "usage_sign.shape"
    );
    assert!(
        text.chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase() || c == '*'),
        "QR alphanumeric mode"
    );
}

#[test]
fn validation_names_the_field() {
    let now = Timestamp::from_millis(T0);
    let ctx = ValidationContext::new(-1, 18, 1750, now);
    let mut s = status();
    s.floor = 19;
    let e = validate(&envelope(1, Body::Status(s.clone())), &ctx).unwrap_err();
    assert_eq!(e.path, "body.status.floor");
    s.floor = 18;
    s.speed_mm_s = Some(2500); // overspeed: physically odd, accepted for the detectors
    validate(&envelope(1, Body::Status(s.clone())), &ctx).unwrap();
    s.speed_mm_s = Some(-7000);
    assert_eq!(
        validate(&envelope(1, Body::Status(s)), &ctx)
            .unwrap_err()
            .path,
        "body.status.speedMmS"
    );
    // The send time is graded, never a reason to reject (docs/protocol.md §8.5).
    let mut late = envelope(1, Body::Status(status()));
    late.sent_at = Timestamp::from_millis(T0 + 11 * 60_000);
    validate(&late, &ctx).unwrap();
    assert_eq!(
        validate(&envelope(0, Body::Status(status())), &ctx)
            .unwrap_err()
            .path,
        "seq"
    );
    for (name, body) in bodies() {
        let env = envelope(9, body);
        let ctx = ValidationContext::new(-1, 18, 1750, env.sent_at);
        assert!(validate(&env, &ctx).is_ok(), "sample {name} is valid");
    }
}

#[test]
fn capabilities_declare_device_kind_bytes_once_and_may_be_newer() {
    let Body::Register(mut register) = bodies()[0].1.clone() else {
        unreachable!()
    };
    let ctx =
        |env: &liftspec_protocol::wire::Envelope| ValidationContext::new(-1, 18, 1750, env.sent_at);
    register.capabilities.kinds = vec![2, 8, 42]; // 42: a kind from a newer protocol revision
    let env = envelope(1, Body::Register(register.clone()));
    validate(&env, &ctx(&env)).unwrap();
    assert!(register.capabilities.sends(MessageKind::Heartbeat));
    assert!(!register.capabilities.sends(MessageKind::Alarm));
    assert_eq!(register.capabilities.known_kinds().count(), 2);
    for (kinds, index) in [(vec![2, 64], 1), (vec![0], 0), (vec![2, 8, 2], 2)] {
        register.capabilities.kinds = kinds;
        let env = envelope(1, Body::Register(register.clone()));
        assert_eq!(
            validate(&env, &ctx(&env)).unwrap_err().path,
            format!("body.register.capabilities.kinds[{index}]")
        );
    }
}

#[test]
fn a_maintenance_session_lists_each_item_once_and_is_confirmed_when_done() {
    let (_, Body::MaintenanceSession(session)) = bodies()
        .into_iter()
        .find(|(name, _)| *name == "maintenance_session")
        .unwrap()
    else {
        unreachable!()
    };
    let check = |m: &liftspec_protocol::message::MaintenanceSession| {
        let env = envelope(1, Body::MaintenanceSession(Box::new(m.clone())));
        validate(&env, &ValidationContext::new(-1, 18, 1750, env.sent_at)).map_err(|e| e.path)
    };
    // Each item at most once: the repeat is named by its index.
    let mut m = (*session).clone();
    assert!(m.items_done.len() >= 2);
    let first = m.items_done[0];
    m.items_done.push(first);
    let repeat = m.items_done.len() - 1;
    assert_eq!(
        check(&m),
        Err(format!("body.maintenanceSession.itemsDone[{repeat}]"))
    );
    // Confirmed at the end: accepted; a millisecond before it: refused (art. 20(6)).
    let mut m = (*session).clone();
    let confirmation = m.confirmation.as_mut().unwrap();
    confirmation.confirmed_at = m.ended_at;
    assert_eq!(check(&m), Ok(()));
    let confirmation = m.confirmation.as_mut().unwrap();
    confirmation.confirmed_at = Timestamp::from_millis(m.ended_at.millis() - 1);
    assert_eq!(
        check(&m),
        Err("body.maintenanceSession.confirmation.confirmedAt".to_owned())
    );
    // Unconfirmed is not a fault of the record (the credit rules count it).
    m.confirmation = None;
    assert_eq!(check(&m), Ok(()));
}

proptest! {
    /// A recorded file of any bytes, in any format: never a panic, every item inside the file
    /// and in order, and every well-formed frame written as hex lines comes back.
    #[test]
    fn a_frame_file_of_any_bytes_is_read_item_by_item(
        data in prop::collection::vec(any::<u8>(), 0..2000),
        frames in prop::collection::vec(prop::collection::vec(any::<u8>(), 1..100), 0..8),
    ) {
        use liftspec_protocol::file::{read, read_as, Format, Position};
        for format in [Format::Hex, Format::Json, Format::Stream] {
            let file = read_as(&data, format);
            let mut last = 0;
            for item in &file.items {
                match item.position {
                    Position::Bytes { start, end } => {
                        prop_assert!(start <= end && end <= data.len() && start >= last);
                        last = end;
                    }
                    Position::Line(n) => {
                        prop_assert!(n > last);
                        last = n;
                    }
                }
            }
        }
        let hex: String = frames
            .iter()
            .map(|f| f.iter().map(|b| format!("{b:02X}")).collect::<String>() + "\n")
            .collect();
        let file = read(hex.as_bytes());
        let back: Vec<Vec<u8>> = file.items.into_iter().map(|i| i.bytes.unwrap()).collect();
        prop_assert_eq!(back, frames);
    }

    /// A usage-sign error on any text points inside the text (or just past it, at an empty
    /// check).
    #[test]
    fn a_usage_sign_errors_position_is_inside_the_payload(text in ".{0,80}") {
        use liftspec_protocol::usage_sign::UsageSign;
        if let Err(e) = UsageSign::decode(&text) {
            if let Some(p) = e.payload_position(&text) {
                prop_assert!(p >= 1 && p <= text.chars().count() + 1);
            }
        }
    }
}

/// §10: unknown members are refused at every level, tags are lower-case hex only, and a time
/// finer than the millisecond is refused rather than cut.
#[test]
fn the_json_form_is_read_strictly() {
    let bytes = encode(&envelope(2, Body::Status(status())));
    let text = liftspec_protocol::json::to_json(&bytes).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let code = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut v = value.clone();
        edit(&mut v);
        match liftspec_protocol::json::from_json(&v.to_string()) {
            Ok(b) => {
                assert_eq!(b, bytes);
                "ok"
            }
            Err(e) => e.code(),
        }
    };
    assert_eq!(code(&|_| {}), "ok");
    assert_eq!(
        code(&|v| v["body"]["status"]["x"] = 1.into()),
        "json.syntax"
    );
    assert_eq!(code(&|v| v["auth"]["x"] = 1.into()), "json.syntax");
    let tag = value["auth"]["tag"].as_str().unwrap().to_owned();
    assert_eq!(
        code(&|v| v["auth"]["tag"] = tag.to_uppercase().into()),
        "json.bad_tag"
    );
    assert_eq!(
        code(&|v| v["auth"]["tag"] = format!("+{}", &tag[1..]).into()),
        "json.bad_tag"
    );
    let at = value["sentAt"].as_str().unwrap().to_owned();
    assert_eq!(
        code(&|v| v["sentAt"] = at.replace(".000Z", ".0004Z").into()),
        "json.syntax"
    );
    assert_eq!(
        code(&|v| v["sentAt"] = at.replace(".000Z", ".000000Z").into()),
        "ok"
    );
    assert_eq!(
        code(&|v| v["sentAt"] = at.replace(".000Z", "Z").into()),
        "ok"
    );
}
