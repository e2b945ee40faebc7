//! The suite has teeth: each deliberately broken adapter fails exactly the cases that catch its
//! defect, a crashing or hanging adapter fails its cases and the run goes on, and the reports
//! say so.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use liftspec_conformance::case::{Expected, Suite};
use liftspec_conformance::runner::{self, Actual, Options, Outcome, Run, RunError};
use liftspec_conformance::{adapter::Answer, report};

fn suite() -> Suite {
    Suite::load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../conformance/cases")).unwrap()
}

fn run(defect: &str, options: &Options) -> Run {
    let command = format!("{} {defect}", env!("CARGO_BIN_EXE_liftspec-broken-adapter"));
    runner::run_command(&suite(), &command, options).unwrap()
}

fn failing(run: &Run) -> BTreeSet<String> {
    run.results
        .iter()
        .filter(|r| !r.passed())
        .map(|r| r.id.clone())
        .collect()
}

/// The ids of the cases whose expectation matches `pick`.
fn cases_where(pick: impl Fn(&str, &Expected) -> bool) -> BTreeSet<String> {
    suite()
        .cases()
        .filter(|c| pick(&c.id, &c.expect))
        .map(|c| c.id.clone())
        .collect()
}

fn rejects(e: &Expected, codes: &[&str]) -> bool {
    matches!(e, Expected::Reject(r) if codes.contains(&r.code.as_str()))
}

#[test]
fn the_reference_passes_every_case_through_the_adapter_protocol() {
    let run = run("none", &Options::default());
    assert!(run.ok(), "{:?}", failing(&run));
    let all = suite().cases().count() + suite().scenarios().count();
    assert_eq!(run.summary(), format!("{all} passed, 0 failed"));
    assert_eq!(run.suite_hash, suite().hash());
}

#[test]
fn skipping_the_tag_check_fails_exactly_the_forgeries() {
    let run = run("skip-tag-check", &Options::default());
    let want = cases_where(|_, e| rejects(e, &["auth.bad_tag", "auth.bad_public_key"]));
    assert!(want.len() >= 15, "{want:?}");
    assert_eq!(failing(&run), want);
}

#[test]
fn skipping_the_body_rules_fails_exactly_the_body_rule_cases() {
    let run = run("no-body-rules", &Options::default());
    let sequencing = ["body.discarded.", "body.ack.", "body.nack.", "body.resume."];
    let want = cases_where(|_, e| match e {
        Expected::Reject(r) => {
            r.code == "validate.field"
                && r.path.as_deref().is_some_and(|p| {
                    p.starts_with("body.") && !sequencing.iter().any(|s| p.starts_with(s))
                })
        }
        Expected::Accept(_) | Expected::Match(_) => false,
    });
    assert!(want.len() >= 25, "{want:?}");
    assert_eq!(failing(&run), want);
}

#[test]
fn skipping_the_usage_sign_check_fails_exactly_the_check_cases() {
    let run = run("usage-sign-no-check", &Options::default());
    assert_eq!(
        failing(&run),
        cases_where(|_, e| rejects(e, &["usage_sign.check"]))
    );
}

#[test]
fn a_crashing_adapter_fails_its_cases_and_the_run_goes_on() {
    let run = run("crash-on-stream", &Options::default());
    let stream = cases_where(|id, _| id.starts_with("stream."));
    assert_eq!(failing(&run), stream);
    for r in run.results.iter().filter(|r| stream.contains(&r.id)) {
        assert!(
            matches!(&r.actual, Actual::Crashed(why) if why.contains("101") && why.contains("deliberate")),
            "{:?}",
            r.actual
        );
    }
    // The cases after the crashes (usage signs come after streams) still passed.
    assert!(run
        .results
        .iter()
        .any(|r| r.id.starts_with("usageSign.") && r.outcome == Outcome::Pass));
}

#[test]
fn a_hanging_adapter_times_out_case_by_case() {
    let options = Options {
        timeout: Duration::from_millis(400),
        ..Options::default()
    };
    let run = run("hang-on-usage-sign", &options);
    let signs = cases_where(|id, _| id.starts_with("usageSign."));
    assert_eq!(failing(&run), signs);
    for r in run.results.iter().filter(|r| signs.contains(&r.id)) {
        assert_eq!(r.actual, Actual::Timeout(400));
    }
    // Every hung adapter was killed, not only the shell that started it.
    let left = std::process::Command::new("pgrep")
        .args([
            "-f",
            &format!(
                "{} hang-on-usage-sign",
                env!("CARGO_BIN_EXE_liftspec-broken-adapter")
            ),
        ])
        .output()
        .unwrap();
    assert!(
        left.stdout.is_empty(),
        "hung adapters left running: {}",
        String::from_utf8_lossy(&left.stdout)
    );
}

#[test]
fn an_adapter_writing_garbage_fails_those_cases() {
    let run = run("garbage-on-stream", &Options::default());
    assert_eq!(
        failing(&run),
        cases_where(|id, _| id.starts_with("stream."))
    );
    assert!(run
        .results
        .iter()
        .any(|r| matches!(&r.actual, Actual::BadReply(why) if why.contains("ok!"))));
}

fn ids(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn a_terminal_that_never_retransmits_fails_every_scenario_that_needs_a_second_send() {
    let run = run("never-retransmit", &Options::default());
    assert_eq!(
        failing(&run),
        ids(&[
            "terminal.alarm_repeated_until_acknowledged",
            "terminal.ignores_other_epoch_ack",
            "terminal.nack_keeps_critical",
            "terminal.nack_tombstone",
            "terminal.refuses_forged_ack",
            "terminal.refuses_reflected_frame",
            "terminal.refuses_replayed_frame",
            "terminal.resume_from_n",
            "terminal.retransmits_until_acked",
        ])
    );
    // The report names the step that failed.
    let r = run
        .results
        .iter()
        .find(|r| r.id == "terminal.retransmits_until_acked")
        .unwrap();
    assert_eq!(r.step.as_deref(), Some("step 4 of 7: terminalPoll"));
    assert!(report::certificate(&run).contains("(step 4 of 7: terminalPoll)"));
    assert!(report::junit(&run)
        .contains("step 4 of 7: terminalPoll\nexpected: accept a value matching"));
}

#[test]
fn a_terminal_that_drops_frames_without_a_notice_fails_the_overflow_and_nack_scenarios() {
    let run = run("no-dropped-notice", &Options::default());
    assert_eq!(
        failing(&run),
        ids(&[
            "terminal.nack_tombstone",
            "terminal.overflow_discarded_notice",
            "terminal.overflow_keeps_alarms",
        ])
    );
}

#[test]
fn a_platform_that_delivers_duplicates_fails_the_duplicate_scenario() {
    let run = run("delivers-duplicates", &Options::default());
    assert_eq!(failing(&run), ids(&["platform.duplicate_acked_again"]));
}

#[test]
fn a_terminal_that_executes_a_retried_command_again_fails_the_command_scenario() {
    let run = run("executes-repeats", &Options::default());
    assert_eq!(failing(&run), ids(&["terminal.command_executed_once"]));
}

#[test]
fn a_platform_that_never_asks_to_resume_fails_the_gap_scenario() {
    let run = run("no-resume-request", &Options::default());
    assert_eq!(failing(&run), ids(&["platform.gap_resume_and_heal"]));
}

#[test]
fn expected_failures_keep_a_known_defect_green_and_go_stale_when_fixed() {
    let known = cases_where(|_, e| rejects(e, &["usage_sign.check"]));
    let options = Options {
        expected_failures: known.clone(),
        ..Options::default()
    };
    let broken = run("usage-sign-no-check", &options);
    assert!(broken.ok(), "{:?}", failing(&broken));
    assert_eq!(broken.expected_failures(), known.len());
    assert!(broken
        .summary()
        .ends_with(&format!("({} expected failures)", known.len())));
    // The defect fixed, the list is out of date: the run fails and names the cases.
    let fixed = run("none", &options);
    assert!(!fixed.ok());
    assert_eq!(
        fixed
            .results
            .iter()
            .filter(|r| r.outcome == Outcome::UnexpectedPass)
            .count(),
        known.len()
    );
    // A list naming a case the suite lacks is refused before anything runs.
    let stale = Options {
        expected_failures: ["auth.no_such_case".to_owned()].into(),
        ..Options::default()
    };
    let command = format!("{} none", env!("CARGO_BIN_EXE_liftspec-broken-adapter"));
    let err = runner::run_command(&suite(), &command, &stale).unwrap_err();
    assert_eq!(err.code(), "runner.unknown_expected_failures");
    assert!(matches!(err, RunError::UnknownExpectedFailures(ids) if ids == ["auth.no_such_case"]));
}

#[test]
fn an_adapter_that_cannot_start_is_a_run_error() {
    let err = runner::run_command(&suite(), "exit 7", &Options::default()).unwrap_err();
    assert_eq!(err.code(), "runner.no_hello");
}

#[test]
fn the_reports_name_the_implementation_the_suite_and_every_failure() {
    let run = run("skip-tag-check", &Options::default());
    let xml = report::junit(&run);
    assert!(xml.starts_with("<?xml"));
    assert_eq!(xml.matches("<testcase ").count(), run.results.len());
    assert_eq!(xml.matches("<failure ").count(), run.failed());
    assert!(xml.contains(&format!("failures=\"{}\"", run.failed())));
    let html = report::certificate(&run);
    assert!(html.contains("Does not conform"));
    assert!(html.contains(&run.suite_hash));
    assert!(html.contains("liftspec reference with defect skip-tag-check"));
    for id in failing(&run) {
        assert!(html.contains(&id), "{id}");
    }
    assert!(!html.contains("<script"), "self-contained and inert");
    let json: serde_json::Value = serde_json::from_str(&report::json(&run)).unwrap();
    assert_eq!(json["results"].as_array().unwrap().len(), run.results.len());
    let clauses = report::per_clause(&run);
    assert!(clauses
        .iter()
        .any(|(c, (_, failed, _))| *c == "§4 authentication" && *failed > 0));
    let first: Vec<&str> = clauses.iter().map(|(c, _)| *c).take(2).collect();
    assert!(first[0].starts_with("§2 "), "{first:?}");
    assert!(
        clauses.last().is_some_and(|(c, _)| c.starts_with("§11 ")),
        "{clauses:?}"
    );
    // What a tag-skipping adapter answered for a tampered tag: accepted.
    let tampered = run
        .results
        .iter()
        .find(|r| r.id == "auth.mac_tampered_tag")
        .unwrap();
    assert!(matches!(tampered.actual, Actual::Answer(Answer::Accept(_))));
}
