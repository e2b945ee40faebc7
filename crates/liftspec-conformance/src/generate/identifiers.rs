//! Identifiers inside bodies (§6.16): registration codes, equipment codes, credit codes,
//! technician ids and TSG T5002 items, each refused while the body is decoded.

use liftspec_protocol::message::Body;

use super::sample::{self, body_bytes, frame, header_for, usual, varint};
use super::{frame_hex, frame_json, Group};

/// The encoding of a string (§3).
fn string(s: &str) -> Vec<u8> {
    let mut out = varint(s.len() as u64);
    out.extend_from_slice(s.as_bytes());
    out
}

/// A valid body's bytes with the string `old` (its first occurrence) replaced by `new`, framed
/// and tagged as the kind requires.
fn with_string(body: &Body, old: &str, new: &[u8]) -> Vec<u8> {
    let mut bytes = body_bytes(body);
    let old = string(old);
    if let Some(at) = bytes.windows(old.len()).position(|w| w == old.as_slice()) {
        bytes.splice(at..at + old.len(), new.iter().copied());
    }
    let kind = body.kind();
    let (scheme, tag) = usual(kind);
    frame(kind.byte(), scheme, &header_for(1), &bytes, tag)
}

pub(crate) fn identifiers() -> Group {
    let mut g = Group::new(
        "identifiers",
        "Identifiers inside bodies (§6.16): a malformed registration code, equipment code, credit \
         code, technician id or TSG T5002 item makes the body one that does not decode.",
    );
    const I: &str = "§6.16 identifiers";
    let register = sample::bodies()[0].1.clone();
    const LIFT: &str = "31103301062010050007";
    for (id, code, what) in [
        ("lift_19_digits", "3110330106201005000", "19 digits"),
        (
            "lift_letter",
            "3110330106201005000A",
            "a letter in place of a digit",
        ),
        (
            "lift_class",
            "29993301062010050007",
            "equipment class 2999 (lifts are 3000–3999)",
        ),
        ("lift_province", "31109901062010050007", "province code 99"),
        ("lift_year", "31103301061949050007", "year 1949 (1950–2099)"),
        ("lift_month", "31103301062010130007", "month 13"),
    ] {
        g.reject(
            id,
            I,
            &format!("A Register whose registration code has {what}."),
            frame_hex(&with_string(&register, LIFT, &string(code))),
            "decode.body",
            None,
        );
    }
    g.accept(
        "lift_other_province",
        I,
        "A Register whose registration code was issued in province 81 (Hong Kong, the last but one code).",
        frame_hex(&with_string(&register, LIFT, &string("31108101062010050007"))),
    );
    // equipmentCode follows the lift: the sample has none (00); give it one.
    for (id, code, ok, what) in [
        (
            "equipment_code",
            "3110330012010A0007",
            true,
            "a valid equipment code",
        ),
        (
            "equipment_code_lower",
            "3110330012010a0007",
            false,
            "an equipment code with a lower-case letter",
        ),
        (
            "equipment_code_17",
            "3110330012010A000",
            false,
            "an equipment code of 17 characters",
        ),
        (
            "equipment_code_21",
            "3110330012010A0007000",
            false,
            "an equipment code of 21 characters",
        ),
        (
            "equipment_code_class",
            "A110330012010A0007",
            false,
            "an equipment code whose first 4 are not digits",
        ),
    ] {
        let mut new = string(LIFT);
        new.push(1);
        new.extend(string(code));
        let mut bytes = body_bytes(&register);
        let old_len = string(LIFT).len() + 1;
        bytes.splice(0..old_len, new);
        let (scheme, tag) = usual(register.kind());
        let f = frame(1, scheme, &header_for(1), &bytes, tag);
        let what = format!("A Register with {what}.");
        if ok {
            g.accept(id, I, &what, frame_hex(&f));
        } else {
            g.reject(id, I, &what, frame_hex(&f), "decode.body", None);
        }
    }
    const MAKER: &str = "91330000MA27U2X059";
    for (id, code, what) in [
        (
            "credit_code_check",
            "91330000MA27U2X058",
            "a manufacturer credit code whose check character is wrong",
        ),
        (
            "credit_code_letter_o",
            "91330000MA27U2XO59",
            "a manufacturer credit code with an O (not in the GB 32100 set)",
        ),
        (
            "credit_code_17",
            "91330000MA27U2X05",
            "a manufacturer credit code of 17 characters",
        ),
        (
            "credit_code_division",
            "91A30000MA27U2X059",
            "a letter in the credit code's administrative division",
        ),
    ] {
        g.reject(
            id,
            I,
            &format!("A Register with {what}."),
            frame_hex(&with_string(&register, MAKER, &string(code))),
            "decode.body",
            None,
        );
    }
    let session = sample::bodies()[6].1.clone();
    let single_item = {
        let mut m = sample::maintenance_session();
        m.items_done.truncate(1);
        Body::MaintenanceSession(Box::new(m))
    };
    for (id, old, new, code, what) in [
        (
            "technician_space",
            "T-0101",
            "T 0101",
            Some("decode.body"),
            "a technician id with a space",
        ),
        (
            "technician_empty",
            "T-0101",
            "",
            Some("decode.body"),
            "an empty technician id",
        ),
        (
            "technician_64",
            "T-0101",
            &"T".repeat(64),
            None,
            "a technician id of 64 characters, the longest",
        ),
        (
            "technician_65",
            "T-0101",
            &"T".repeat(65),
            Some("decode.body"),
            "a technician id of 65 characters",
        ),
        (
            "unit_check",
            "91350100M000100Y43",
            "91350100M000100Y44",
            Some("decode.body"),
            "a maintenance unit whose credit code's check character is wrong",
        ),
        (
            "item_annex",
            "A1-01",
            "E1-01",
            Some("decode.body"),
            "item E1-01 (annexes are A–D)",
        ),
        (
            "item_table",
            "A1-01",
            "A5-01",
            Some("decode.body"),
            "item A5-01 (tables are 1–4)",
        ),
        (
            "item_missing",
            "A1-01",
            "A1-32",
            Some("decode.body"),
            "item A1-32 (table A1 has 31 items)",
        ),
        (
            "item_last",
            "A1-01",
            "A1-31",
            None,
            "item A1-31 (the last item of table A1)",
        ),
        (
            "item_spelling",
            "A1-01",
            "A1-1",
            Some("decode.non_canonical"),
            "item A1-01 spelled A1-1: the same item, not its one encoding",
        ),
        (
            "item_letter",
            "A1-01",
            "A1-0x",
            Some("decode.body"),
            "item A1-0x",
        ),
    ] {
        // The item cases rewrite the one item of a single-item record, so that no item is
        // listed twice (§8.4).
        let base = if id.starts_with("item_") {
            &single_item
        } else {
            &session
        };
        let f = with_string(base, old, &string(new));
        let what = format!("A MaintenanceSession with {what}.");
        match code {
            Some(code) => g.reject(id, I, &what, frame_hex(&f), code, None),
            None => g.accept(id, I, &what, frame_hex(&f)),
        }
    }
    // In the JSON form the same identifiers are checked as the JSON is read.
    let valid = sample::valid(1, &session);
    if let Ok(text) = liftspec_protocol::json::to_json(&valid) {
        let bad = text.replacen("\"T-0101\"", "\"T 0101\"", 1);
        g.reject(
            "json_technician_space",
            "§6.16 identifiers, §10 JSON form",
            "The MaintenanceSession's JSON form with a technician id holding a space.",
            frame_json(&bad),
            "json.syntax",
            None,
        );
        let bad = text.replacen("\"91350100M000100Y43\"", "\"91350100M000100Y44\"", 1);
        g.reject("json_unit_check", "§6.16 identifiers, §10 JSON form", "The MaintenanceSession's JSON form with a maintenance unit whose check character is wrong.", frame_json(&bad), "json.syntax", None);
    }
    g
}
