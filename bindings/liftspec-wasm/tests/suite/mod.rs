//! The suite both runners share: node (`tests/node.rs`) and headless Chromium
//! (`tests/browser.rs`). Each test calls the exports as JavaScript would, through their
//! JavaScript values, so the conversions are tested as well as the calls.

use liftspec_wasm::*;
use tsify::Ts;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const STATUS_HEX: &str = include_str!("../../../../crates/liftspec-protocol/vectors/status.hex");

fn status() -> Vec<u8> {
    frame_from_hex(STATUS_HEX.trim()).unwrap()
}

/// The JavaScript `Error` a failure becomes, and its `code`.
fn thrown(f: Failure) -> (js_sys::Error, String) {
    let value: JsValue = f.into();
    let code = js_sys::Reflect::get(&value, &"code".into())
        .unwrap()
        .as_string()
        .unwrap();
    (value.dyn_into::<js_sys::Error>().unwrap(), code)
}

fn prop(e: &js_sys::Error, name: &str) -> JsValue {
    js_sys::Reflect::get(e, &name.into()).unwrap()
}

fn installation(now_ms: Option<f64>) -> Ts<InstallationContext> {
    let value = js_sys::JSON::parse(&match now_ms {
        Some(ms) => {
            format!(r#"{{"lowestFloor":-2,"highestFloor":30,"ratedSpeedMmS":2500,"nowMs":{ms}}}"#)
        }
        None => r#"{"lowestFloor":-2,"highestFloor":30,"ratedSpeedMmS":2500}"#.into(),
    })
    .unwrap();
    Ts::new_unchecked(value)
}

#[wasm_bindgen_test]
fn a_status_vector_decodes_and_its_json_form_rebuilds_its_exact_bytes() {
    let info = decode_frame(&status()).unwrap().to_rust().unwrap();
    assert_eq!(info.kind, "status");
    assert_eq!(info.device, "HZ-T-000123");
    assert_eq!(info.length, status().len());
    let json = frame_to_json(&status()).unwrap();
    assert_eq!(frame_from_json(&json).unwrap(), status());
    assert_eq!(
        validate_frame(&status(), installation(None))
            .unwrap()
            .to_rust()
            .unwrap(),
        SendTime::Plausible
    );
}

#[wasm_bindgen_test]
fn a_truncated_frame_throws_an_error_with_its_code_and_offset() {
    let bytes = status();
    let f = decode_frame(&bytes[..20]).unwrap_err();
    let (e, code) = thrown(f);
    assert!(code.starts_with("decode."), "{code}");
    assert_eq!(e.name(), "LiftspecError");
    assert!(prop(&e, "offset").as_f64().is_some(), "an offset");
}

#[wasm_bindgen_test]
fn a_floor_outside_the_installation_throws_with_the_field_path() {
    let narrow = Ts::new_unchecked(
        js_sys::JSON::parse(r#"{"lowestFloor":1,"highestFloor":3,"ratedSpeedMmS":2500}"#).unwrap(),
    );
    let (e, code) = thrown(validate_frame(&status(), narrow).unwrap_err());
    assert!(code.starts_with("validate."), "{code}");
    assert!(prop(&e, "path").as_string().unwrap().contains("floor"));
}

#[wasm_bindgen_test]
fn an_argument_of_the_wrong_shape_is_an_error_with_a_code_not_a_trap() {
    let wrong = Ts::new_unchecked(js_sys::JSON::parse(r#"{"lowestFloor":"one"}"#).unwrap());
    let (_, code) = thrown(validate_frame(&status(), wrong).unwrap_err());
    assert_eq!(code, "wasm.argument");
}

/// A frame numbered `seq` of `body` (its JSON form), encoded and signed with the test keys.
fn signed(seq: u64, body: &str) -> (DeviceKeyPair, Vec<u8>) {
    let keys = DeviceKeyPair::from_seed(&[7; 32], &[9; 32]).unwrap();
    let header = Ts::new_unchecked(
        js_sys::JSON::parse(&format!(
            r#"{{"device":"HZ-T-000123","epoch":1,"seq":{seq},"sentAtMs":1764393852000}}"#
        ))
        .unwrap(),
    );
    match encode_frame(header, body, &keys) {
        Ok(bytes) => (keys, bytes),
        // The body's members are the JSON form's: show what the encoder said.
        Err(f) => panic!("{} ({})", f.reason, f.code),
    }
}

#[wasm_bindgen_test]
fn a_signed_frame_verifies_and_a_tampered_one_does_not() {
    let (keys, bytes) = signed(
        5,
        r#"{"heartbeat":{"batteryPercent":98,"clockOffsetMs":-12,"signalDbm":-71,"uptimeS":3600}}"#,
    );
    verify_frame(&bytes, &[7; 32], &keys.public_key()).unwrap();
    let mut tampered = bytes.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    let (_, code) = thrown(verify_frame(&tampered, &[7; 32], &keys.public_key()).unwrap_err());
    assert!(code.starts_with("auth."), "{code}");
}

#[wasm_bindgen_test]
fn validation_refuses_an_unsigned_alarm_with_no_key_at_hand() {
    let (_, signed) = signed(
        6,
        r#"{"alarm":{"alarmId":3,"stage":{"emitted":{"attempt":1}},"floor":2,"at":"2025-11-29T05:24:10.000Z"}}"#,
    );
    validate_frame(&signed, installation(None)).unwrap();
    // The same Alarm with only a MAC (scheme 1, a 16-byte tag): §4 says a receiver refuses it,
    // and that needs no key.
    let mut mac_only = signed[..signed.len() - 64].to_vec();
    mac_only[3] = 1;
    mac_only.extend([0u8; 16]);
    let (_, code) = thrown(validate_frame(&mac_only, installation(None)).unwrap_err());
    assert_eq!(code, "auth.signature_required");
    let validator = FrameValidator::new(installation(None)).unwrap();
    let (_, code) = thrown(validator.check(&mac_only).unwrap_err());
    assert_eq!(code, "auth.signature_required");
}

#[wasm_bindgen_test]
fn a_usage_sign_round_trips_and_a_tampered_one_throws_its_check_error() {
    let payload = usage_sign_payload("31103301062010050007", "100072").unwrap();
    let sign = parse_usage_sign(&payload).unwrap().to_rust().unwrap();
    assert_eq!(sign.rescue_code, "100072");
    let (_, code) = thrown(parse_usage_sign(&payload.replace("100072", "100073")).unwrap_err());
    assert_eq!(code, "usage_sign.check");
}

#[wasm_bindgen_test]
fn an_identifier_error_carries_the_failing_position() {
    let kind = Ts::new_unchecked(JsValue::from_str("creditCode"));
    let (e, code) = thrown(check_identifier(kind, "91330100MA2B3C4D5X").unwrap_err());
    assert!(code.starts_with("id."), "{code}");
    assert!(
        prop(&e, "position").as_f64().is_some(),
        "{code}: a position"
    );
    let kind = Ts::new_unchecked(JsValue::from_str("registrationCode"));
    assert_eq!(
        check_identifier(kind, "31103301062010050007").unwrap(),
        "31103301062010050007"
    );
}

#[wasm_bindgen_test]
fn a_file_of_hex_lines_lists_every_line_valid_or_not() {
    let mut bad = status();
    bad.truncate(30);
    let file = format!(
        "{}\n\n{}\nnot hex\n",
        STATUS_HEX.trim(),
        bad.iter().map(|b| format!("{b:02x}")).collect::<String>()
    );
    let inspection = inspect_frame_file(file.as_bytes(), installation(None))
        .unwrap()
        .to_rust()
        .unwrap();
    assert_eq!(inspection.format, "hex");
    assert_eq!(inspection.frames.len(), 3);
    assert_eq!(inspection.valid, 1);
    assert_eq!(inspection.frames[1].place.line, Some(3));
    assert!(inspection.frames[1]
        .error
        .as_ref()
        .unwrap()
        .offset
        .is_some());
    assert_eq!(
        inspection.frames[2].error.as_ref().unwrap().code,
        "file.not_hex"
    );
}

#[wasm_bindgen_test]
fn the_citizens_requests_are_the_platforms() {
    let payload = usage_sign_payload("31103301062010050007", "100072").unwrap();
    let r = rescue_report_request(&payload, 2, Some(5), "k-1")
        .unwrap()
        .to_rust()
        .unwrap();
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/v1/rescue/reports")
    );
    assert_eq!(r.headers["Idempotency-Key"], "k-1");
    let (_, code) = thrown(complaint_request(None, None, "rescue", "k-2").unwrap_err());
    assert_eq!(code, "api.complaint_subject");
    let (_, code) = thrown(complaint_request(None, None, "noise", "k-2").unwrap_err());
    assert_eq!(code, "api.bad_json");
}
