//! The JSON form (§10): members, options, timestamps, hex, limits.

use liftspec_protocol::json;
use liftspec_protocol::message::Body;
use serde_json::Value;

use super::sample::{self, valid};
use super::{frame_json, Group};

/// The JSON form of the sample Status, as a value to edit.
fn status_value() -> Value {
    let bytes = valid(1, &Body::Status(sample::status()));
    json::to_json(&bytes)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(Value::Null)
}

fn edited(edit: impl FnOnce(&mut Value)) -> String {
    let mut v = status_value();
    edit(&mut v);
    v.to_string()
}

pub(crate) fn json_form() -> Group {
    let mut g = Group::new(
        "json",
        "The JSON form of §10: it rebuilds the exact bytes (so the tag verifies), refuses unknown \
         members at every level, and fixes how options, timestamps and hex are written.",
    );
    const J: &str = "§10 JSON form";
    let sent_at = status_value()["sentAt"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    g.accept("pretty_printed", J, "The Status frame's JSON form with whitespace and members in another order: the text's layout does not matter.", frame_json(&{
        let v = status_value();
        let mut members: Vec<(String, Value)> = v.as_object().map(|o| o.clone().into_iter().collect()).unwrap_or_default();
        members.reverse();
        let object: serde_json::Map<String, Value> = members.into_iter().collect();
        serde_json::to_string_pretty(&Value::Object(object)).unwrap_or_default()
    }));
    g.reject(
        "unknown_top_member",
        J,
        "An unknown member at the top level.",
        frame_json(&edited(|v| v["extra"] = Value::Bool(true))),
        "json.syntax",
        None,
    );
    g.reject(
        "unknown_body_member",
        J,
        "An unknown member inside body.status: unknown members are refused at every level.",
        frame_json(&edited(|v| v["body"]["status"]["extra"] = Value::from(1))),
        "json.syntax",
        None,
    );
    g.reject(
        "unknown_auth_member",
        J,
        "An unknown member inside auth.",
        frame_json(&edited(|v| v["auth"]["keyId"] = Value::from("k1"))),
        "json.syntax",
        None,
    );
    g.reject(
        "unknown_kind_member",
        J,
        "A body named after no kind.",
        frame_json(&edited(|v| {
            let status = v["body"]["status"].take();
            v["body"] = serde_json::json!({ "state": status });
        })),
        "json.syntax",
        None,
    );
    g.reject("two_kinds", J, "A body with two kinds' members.", frame_json(&edited(|v| v["body"]["heartbeat"] = serde_json::json!({"uptimeS":1,"signalDbm":-1,"batteryPercent":null,"clockOffsetMs":0}))), "json.syntax", None);
    g.accept("option_omitted", J, "An option member left out (body.status.rearDoor): read as null. Writers always write null.", frame_json(&edited(|v| {
        if let Some(o) = v["body"]["status"].as_object_mut() {
            o.remove("rearDoor");
        }
    })));
    g.reject(
        "required_omitted",
        J,
        "A required member left out (body.status.floor).",
        frame_json(&edited(|v| {
            if let Some(o) = v["body"]["status"].as_object_mut() {
                o.remove("floor");
            }
        })),
        "json.syntax",
        None,
    );
    g.accept(
        "time_as_millis",
        J,
        "sentAt as integer milliseconds.",
        frame_json(&edited(|v| v["sentAt"] = Value::from(sample::T0))),
    );
    g.accept(
        "time_without_millis",
        J,
        "sentAt without fractional seconds (…T02:00:00Z).",
        frame_json(&edited(|v| {
            v["sentAt"] = Value::from(sent_at.replace(".000", ""))
        })),
    );
    g.accept(
        "time_with_offset",
        J,
        "sentAt with a +08:00 offset (the same instant, Hangzhou time).",
        frame_json(&edited(|v| {
            v["sentAt"] = Value::from("2026-12-01T10:00:00.000+08:00")
        })),
    );
    g.accept(
        "time_lower_case",
        J,
        "sentAt with a lower-case t and z, which RFC 3339 allows.",
        frame_json(&edited(|v| {
            v["sentAt"] = Value::from(sent_at.replace('T', "t").replace('Z', "z"))
        })),
    );
    g.reject("time_sub_millisecond", J, "sentAt with a nonzero fraction below the millisecond (…00.0005Z): the frame holds milliseconds, so it is refused rather than rounded.", frame_json(&edited(|v| v["sentAt"] = Value::from(sent_at.replace(".000Z", ".0005Z")))), "json.syntax", None);
    g.accept(
        "time_zero_sub_millisecond",
        J,
        "sentAt with zeros below the millisecond (…00.000000Z): the same millisecond.",
        frame_json(&edited(|v| {
            v["sentAt"] = Value::from(sent_at.replace(".000Z", ".000000Z"))
        })),
    );
    g.reject(
        "time_no_zone",
        J,
        "sentAt without an offset (local time is ambiguous).",
        frame_json(&edited(|v| {
            v["sentAt"] = Value::from(sent_at.replace('Z', ""))
        })),
        "json.syntax",
        None,
    );
    g.reject(
        "tag_upper_case",
        J,
        "auth.tag in upper-case hex: tags, like keys, are lower-case.",
        frame_json(&edited(|v| {
            let t = v["auth"]["tag"].as_str().unwrap_or_default().to_uppercase();
            v["auth"]["tag"] = Value::from(t);
        })),
        "json.bad_tag",
        None,
    );
    g.reject(
        "tag_with_sign",
        J,
        "auth.tag whose first two digits are \"+a\": not hex.",
        frame_json(&edited(|v| {
            let t = v["auth"]["tag"].as_str().unwrap_or_default();
            v["auth"]["tag"] = Value::from(format!("+a{}", &t[2..]));
        })),
        "json.bad_tag",
        None,
    );
    g.reject(
        "tag_short",
        J,
        "auth.tag of 30 hex digits for scheme 1 (which needs 32).",
        frame_json(&edited(|v| {
            let t = v["auth"]["tag"].as_str().unwrap_or_default();
            v["auth"]["tag"] = Value::from(&t[2..]);
        })),
        "json.bad_tag",
        None,
    );
    g.reject(
        "tag_wrong",
        J,
        "A well-formed auth.tag that is not the frame's: the rebuilt bytes do not verify.",
        frame_json(&edited(|v| {
            v["auth"]["tag"] = Value::from("00".repeat(16));
        })),
        "auth.bad_tag",
        None,
    );
    g.reject(
        "version_1",
        J,
        "version 1.",
        frame_json(&edited(|v| v["version"] = Value::from(1))),
        "json.unsupported_version",
        None,
    );
    g.reject(
        "floor_not_integer",
        J,
        "body.status.floor as 12.5.",
        frame_json(&edited(|v| {
            v["body"]["status"]["floor"] = Value::from(12.5)
        })),
        "json.syntax",
        None,
    );
    g.reject(
        "floor_past_i16",
        J,
        "body.status.floor as 40,000 (past i16).",
        frame_json(&edited(|v| {
            v["body"]["status"]["floor"] = Value::from(40_000)
        })),
        "json.syntax",
        None,
    );
    g.reject(
        "not_json",
        J,
        "Text that is not JSON.",
        frame_json("{\"version\":2,"),
        "json.syntax",
        None,
    );
    // Register's public key: 64 lower-case hex digits.
    let register = valid(1, &sample::bodies()[0].1);
    let register_value: Value = json::to_json(&register)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(Value::Null);
    let mut upper = register_value.clone();
    let key = upper["body"]["register"]["publicKey"]
        .as_str()
        .unwrap_or_default()
        .to_uppercase();
    upper["body"]["register"]["publicKey"] = Value::from(key);
    g.reject(
        "key_upper_case",
        J,
        "body.register.publicKey in upper-case hex: keys are 64 lower-case hex digits.",
        frame_json(&upper.to_string()),
        "json.syntax",
        None,
    );
    let text = edited(|_| {});
    let padded = format!("{text}{}", " ".repeat(json::MAX_JSON_LEN - text.len()));
    g.accept(
        "longest_text",
        J,
        "The Status frame's JSON padded with spaces to 131,072 bytes, the longest text read.",
        frame_json(&padded),
    );
    g.reject(
        "too_long",
        J,
        "The same padded to 131,073 bytes: refused before it is parsed.",
        frame_json(&format!("{padded} ")),
        "json.too_long",
        None,
    );
    g
}
