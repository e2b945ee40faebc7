//! The checked-in cases are the generator's, the generator agrees with the reference, and the
//! reference passes every case.

use std::path::PathBuf;

use liftspec_conformance::case::Suite;
use liftspec_conformance::{generate, reference, runner};

fn cases_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../conformance/cases")
}

/// `LIFTSPEC_BLESS=1` rewrites `conformance/cases` after a deliberate change.
#[test]
fn the_checked_in_cases_are_the_generated_ones() {
    let suite = generate::suite().unwrap_or_else(|e| panic!("{e}"));
    if std::env::var_os("LIFTSPEC_BLESS").is_some() {
        generate::write(&suite, &cases_dir()).unwrap();
    }
    let on_disk = Suite::load(&cases_dir()).unwrap();
    let stale: Vec<&str> = suite
        .files
        .iter()
        .filter(|f| !on_disk.files.contains(f))
        .map(|f| f.group.as_str())
        .collect();
    assert!(
        stale.is_empty() && on_disk.files.len() == suite.files.len(),
        "conformance/cases is out of date for {stale:?}: run LIFTSPEC_BLESS=1 cargo test -p liftspec-conformance"
    );
    for f in &suite.files {
        let text = std::fs::read_to_string(cases_dir().join(format!("{}.json", f.group))).unwrap();
        assert_eq!(
            text,
            f.to_text(),
            "{} is not in the generator's exact text",
            f.group
        );
    }
    assert_eq!(on_disk.hash(), suite.hash());
}

#[test]
fn the_reference_passes_every_case_in_process() {
    let suite = Suite::load(&cases_dir()).unwrap();
    let mut reference = reference::Reference::default();
    let results = runner::run_in_process(&suite, |q| reference.answer(q));
    let failed: Vec<_> = results
        .iter()
        .filter(|r| !r.passed())
        .map(|r| &r.id)
        .collect();
    assert!(failed.is_empty(), "{failed:?}");
    assert!(results.len() > 150, "{} cases", results.len());
    assert_eq!(
        results.len(),
        suite.cases().count() + suite.scenarios().count()
    );
}
