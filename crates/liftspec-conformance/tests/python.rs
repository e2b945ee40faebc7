//! The second, independent implementation (`docs/python`, written from the specification in
//! Python's standard library) passes every case through the adapter protocol; with a deliberate
//! defect it fails exactly the cases about that rule.

use std::collections::BTreeSet;
use std::path::PathBuf;

use liftspec_conformance::case::{Expected, Suite};
use liftspec_conformance::runner::{self, Options};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Whether python3 runs here; `scripts/test` sets `LIFTSPEC_REQUIRE_SERVICES`, and then its
/// absence fails the test instead of skipping it.
fn python() -> bool {
    let ok = std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("LIFTSPEC_REQUIRE_SERVICES").is_none(),
            "python3 is needed for the second implementation's run"
        );
        eprintln!("SKIPPED: no python3");
    }
    ok
}

fn run(args: &str) -> liftspec_conformance::runner::Run {
    let suite = Suite::load(&root().join("conformance/cases")).unwrap();
    let adapter = root().join("docs/python/conformance_adapter.py");
    let command = format!("python3 {} {args}", adapter.display());
    runner::run_command(&suite, &command, &Options::default()).unwrap()
}

#[test]
fn the_independent_python_implementation_passes_every_case_and_scenario() {
    if !python() {
        return;
    }
    let run = run("");
    let failed: Vec<_> = run
        .results
        .iter()
        .filter(|r| !r.passed())
        .map(|r| &r.id)
        .collect();
    assert!(failed.is_empty(), "{failed:?}");
    assert!(run.ok(), "{}", run.summary());
    assert!(run.implementation.name.contains("Python"));
    let suite = Suite::load(&root().join("conformance/cases")).unwrap();
    assert_eq!(
        run.passed(),
        suite.cases().count() + suite.scenarios().count()
    );
}

#[test]
fn reading_over_long_varints_fails_exactly_the_canonical_encoding_cases() {
    if !python() {
        return;
    }
    let run = run("--defect accept-overlong-varints");
    let failed: BTreeSet<String> = run
        .results
        .iter()
        .filter(|r| !r.passed())
        .map(|r| r.id.clone())
        .collect();
    let suite = Suite::load(&root().join("conformance/cases")).unwrap();
    let want: BTreeSet<String> = suite
        .cases()
        // The over-long varints: the §3 cases refused as not canonical (an item id spelled
        // another way is not canonical either, but is no varint).
        .filter(|c| {
            c.clause.starts_with("§3")
                && matches!(&c.expect, Expected::Reject(r) if r.code == "decode.non_canonical")
        })
        .map(|c| c.id.clone())
        .collect();
    assert!(!want.is_empty());
    assert_eq!(failed, want);
}
