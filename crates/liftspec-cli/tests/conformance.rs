//! `liftspec conformance`: the reference adapter passes the built-in suite through the runner,
//! the reports are written, a failing implementation exits 1, and `generate` writes the
//! checked-in case files.

use std::process::Command;

#[path = "../../liftspec-cluster/tests/common/services.rs"]
mod services;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_liftspec")
}

#[test]
fn the_reference_adapter_passes_and_the_reports_are_written() {
    let dir = services::scratch("conformance-run");
    let out = Command::new(bin())
        .args(["conformance", "run", "--iut"])
        .arg(format!("{} conformance adapter", bin()))
        .arg("--json")
        .arg(dir.join("run.json"))
        .arg("--junit")
        .arg(dir.join("junit.xml"))
        .arg("--html")
        .arg(dir.join("certificate.html"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let last = stdout.lines().last().unwrap_or_default();
    assert!(last.contains(" passed, 0 failed"), "{last}");
    assert!(last.contains("liftspec reference"), "{last}");
    let html = std::fs::read_to_string(dir.join("certificate.html")).unwrap();
    assert!(html.contains("Conforms: every case passed"));
    let junit = std::fs::read_to_string(dir.join("junit.xml")).unwrap();
    assert!(junit.contains("failures=\"0\""));
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("run.json")).unwrap()).unwrap();
    assert!(run["results"].as_array().unwrap().len() > 200);
}

#[test]
fn an_implementation_that_fails_exits_1_and_names_the_cases() {
    // An adapter that answers hello and then rejects everything with a made-up code.
    let script = r#"while IFS= read -r line; do
  id=$(printf '%s' "$line" | sed 's/^{"id":"\([^"]*\)".*/\1/')
  if [ "$id" = hello ]; then echo '{"id":"hello","accept":{"name":"naysayer","version":"0"}}';
  else printf '{"id":"%s","reject":{"code":"no.never"}}\n' "$id"; fi
done"#;
    let out = Command::new(bin())
        .args(["conformance", "run", "--iut", script])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("FAIL kinds.status.bytes"), "{stdout}");
    // A scenario names the step that failed: here the first, the start.
    assert!(
        stdout.contains("FAIL terminal.registration (§6.1 Register) [step 1 of 5: terminalStart]"),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .last()
            .unwrap_or_default()
            .starts_with("0 passed, "),
        "{stdout}"
    );
}

#[test]
fn generate_writes_the_checked_in_cases() {
    let dir = services::scratch("conformance-generate");
    let out = Command::new(bin())
        .args(["conformance", "generate", "--out"])
        .arg(&*dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let checked_in =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../conformance/cases");
    let mut names: Vec<_> = std::fs::read_dir(&checked_in)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert!(names.len() >= 8);
    for name in names {
        assert_eq!(
            std::fs::read(dir.join(&name)).unwrap(),
            std::fs::read(checked_in.join(&name)).unwrap(),
            "{name:?}"
        );
    }
}

#[test]
fn usage_sign_checks_the_specification_example_and_points_at_a_bad_check() {
    let ok = Command::new(bin())
        .args(["usage-sign", "LS1*31103301062010050007*100072*15ECFFF6"])
        .output()
        .unwrap();
    assert!(ok.status.success());
    assert_eq!(
        String::from_utf8_lossy(&ok.stdout).trim(),
        "registration code 31103301062010050007, rescue code 100072"
    );
    let bad = Command::new(bin())
        .args(["usage-sign", "LS1*31103301062010050007*100072*15ECFFF7"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("usage_sign.check at character 33"), "{err}");
}

/// The hex and credentials of a checked-in case.
fn case(group: &str, id: &str) -> (String, serde_json::Value) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../../conformance/cases/{group}.json"));
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let case = file["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no case {id}"));
    (
        case["request"]["input"]["hex"].as_str().unwrap().to_owned(),
        case["request"]["credentials"].clone(),
    )
}

/// `decode` and `validate` apply what §4 requires: without keys, the scheme rules and a
/// Register's announced key; with `--keys`, every tag.
#[test]
fn decode_and_validate_check_authentication() {
    let dir = services::scratch("conformance-auth");
    let keys = dir.join("keys.json");
    let run = |command: &str, group: &str, id: &str, with_keys: bool| {
        let (hex, credentials) = case(group, id);
        std::fs::write(&keys, credentials.to_string()).unwrap();
        let input = dir.join("frame.hex");
        std::fs::write(&input, hex + "\n").unwrap();
        let mut c = Command::new(bin());
        c.arg(command).arg(&input);
        if command == "validate" {
            c.args(["--lowest-floor", "-1", "--highest-floor", "18"]);
        }
        if with_keys {
            c.arg("--keys").arg(&keys);
        }
        let out = c.output().unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.code(), text)
    };
    for command in ["decode", "validate"] {
        for (id, code) in [
            ("alarm_mac_only", "auth.signature_required"),
            ("maintenanceSession_mac_only", "auth.signature_required"),
            ("register_scheme_1", "auth.wrong_scheme"),
            ("register_announces_small_order_key", "auth.bad_public_key"),
            ("register_announces_off_curve_key", "auth.bad_public_key"),
        ] {
            let (status, text) = run(command, "auth", &format!("auth.{id}"), false);
            assert_eq!(status, Some(1), "{command} {id}: {text}");
            assert!(text.contains(code), "{command} {id}: {text}");
        }
        // A tampered tag needs the key to be caught.
        let (status, _) = run(command, "auth", "auth.mac_tampered_tag", false);
        assert_eq!(status, Some(0), "{command} without keys");
        let (status, text) = run(command, "auth", "auth.mac_tampered_tag", true);
        assert_eq!(status, Some(1), "{command}: {text}");
        assert!(text.contains("auth.bad_tag"), "{command}: {text}");
        for id in ["status.bytes", "register.bytes", "alarm.bytes", "ack.bytes"] {
            let (status, text) = run(command, "kinds", &format!("kinds.{id}"), true);
            assert_eq!(status, Some(0), "{command} {id}: {text}");
        }
    }
}
