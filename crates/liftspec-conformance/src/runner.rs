//! Runs a suite against an implementation: in process (a function), or as a child process
//! speaking the adapter protocol over stdin and stdout, as protobuf's conformance runner does.
//!
//! Every case gets an answer or a failure. A case the adapter does not answer within the
//! timeout fails (`timeout`), and so does one during which it exits (`crashed`); the adapter is
//! then killed and started again for the next case, so the run goes on.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::adapter::{self, Answer, Implementation, Reply};
use crate::case::{Case, Expected, Scenario, Suite};
use crate::scenario::{self, ScenarioRun};

/// What happened when a case was put to the implementation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Actual {
    /// It answered.
    Answer(Answer),
    /// It did not answer within the timeout (ms); it was killed.
    Timeout(u64),
    /// It exited or closed its output before answering; what it wrote to stderr last.
    Crashed(String),
    /// It wrote a line that is not an answer to this case.
    BadReply(String),
}

/// A case's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    /// The answer is the expected one.
    Pass,
    /// It is not.
    Fail,
    /// It is not, and the case is on the implementation's expected-failure list.
    ExpectedFailure,
    /// It is, but the case is on the expected-failure list: the list is out of date (this fails
    /// the run, so lists only shrink).
    UnexpectedPass,
}

/// One case's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseResult {
    /// The case's id.
    pub id: String,
    /// Its group (file).
    pub group: String,
    /// Its clause.
    pub clause: String,
    /// What it checks.
    pub description: String,
    /// The required answer.
    pub expected: Expected,
    /// What happened.
    pub actual: Actual,
    /// The verdict.
    pub outcome: Outcome,
    /// How long the answer took, in microseconds (a scenario: all its steps).
    pub micros: u64,
    /// For a scenario: the step that decided it (`step 3 of 7: terminalPoll`), whose
    /// expectation and answer `expected` and `actual` are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
}

impl CaseResult {
    /// Whether the case leaves the run green: passed, or failed as expected.
    pub fn passed(&self) -> bool {
        matches!(self.outcome, Outcome::Pass | Outcome::ExpectedFailure)
    }
}

/// Whether an answer is the expected one: the same accepted value, or the same code (and the
/// same path, when the case names one).
pub fn satisfies(expected: &Expected, actual: &Actual) -> bool {
    match (expected, actual) {
        (Expected::Accept(want), Actual::Answer(Answer::Accept(got))) => want == got,
        (Expected::Reject(want), Actual::Answer(Answer::Reject(got))) => {
            want.code == got.code
                && want
                    .path
                    .as_ref()
                    .is_none_or(|p| Some(p) == got.path.as_ref())
        }
        (Expected::Match(pattern), Actual::Answer(Answer::Accept(got))) => {
            crate::scenario::matches(pattern, got)
        }
        _ => false,
    }
}

fn verdict(passed: bool, id: &str, expected_failures: &BTreeSet<String>) -> Outcome {
    match (passed, expected_failures.contains(id)) {
        (true, false) => Outcome::Pass,
        (true, true) => Outcome::UnexpectedPass,
        (false, true) => Outcome::ExpectedFailure,
        (false, false) => Outcome::Fail,
    }
}

fn result(
    group: &str,
    case: &Case,
    actual: Actual,
    micros: u64,
    xfail: &BTreeSet<String>,
) -> CaseResult {
    CaseResult {
        id: case.id.clone(),
        group: group.to_owned(),
        clause: case.clause.clone(),
        description: case.description.clone(),
        expected: case.expect.clone(),
        outcome: verdict(satisfies(&case.expect, &actual), &case.id, xfail),
        actual,
        micros,
        step: None,
    }
}

fn scenario_result(
    group: &str,
    scenario: &Scenario,
    run: ScenarioRun,
    micros: u64,
    xfail: &BTreeSet<String>,
) -> CaseResult {
    let op = scenario.steps.get(run.step).map_or("", |s| s.request.op());
    CaseResult {
        id: scenario.id.clone(),
        group: group.to_owned(),
        clause: scenario.clause.clone(),
        description: scenario.description.clone(),
        outcome: verdict(run.passed, &scenario.id, xfail),
        expected: run.expected,
        actual: run.actual,
        micros,
        step: Some(format!(
            "step {} of {}: {op}",
            run.step + 1,
            scenario.steps.len()
        )),
    }
}

/// Runs every case and scenario through a function (the reference, or an implementation linked
/// in), which keeps each scenario session's state between calls.
pub fn run_in_process(
    suite: &Suite,
    mut answer: impl FnMut(&crate::case::Request) -> Answer,
) -> Vec<CaseResult> {
    let none = BTreeSet::new();
    let mut out = Vec::new();
    for file in &suite.files {
        for case in &file.cases {
            let started = Instant::now();
            let actual = Actual::Answer(answer(&case.request));
            out.push(result(&file.group, case, actual, micros(started), &none));
        }
        for s in &file.scenarios {
            let started = Instant::now();
            let run = scenario::run(s, |_, request| Actual::Answer(answer(request)));
            out.push(scenario_result(&file.group, s, run, micros(started), &none));
        }
    }
    out
}

fn micros(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_micros()).unwrap_or(u64::MAX)
}

/// How to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// How long one case may take.
    pub timeout: Duration,
    /// Ids of the cases the implementation is known to fail.
    pub expected_failures: BTreeSet<String>,
}

impl Default for Options {
    /// liftspec's defaults: 5 s per case, no expected failures.
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(5),
            expected_failures: BTreeSet::new(),
        }
    }
}

/// Reads an expected-failure list: one case id per line; blank lines and `#` comments are
/// ignored (a comment may follow an id).
///
/// ```
/// let ids = liftspec_conformance::runner::parse_expected_failures("# vendor X\nauth.tampered_tag # see ticket\n\n");
/// assert_eq!(ids.into_iter().collect::<Vec<_>>(), ["auth.tampered_tag"]);
/// ```
pub fn parse_expected_failures(text: &str) -> BTreeSet<String> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A whole run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    /// The implementation, as it named itself.
    pub implementation: Implementation,
    /// The adapter command.
    pub command: String,
    /// The suite's version.
    pub suite_version: String,
    /// The SHA-256 of the suite's case files.
    pub suite_hash: String,
    /// When the run started, RFC 3339 UTC.
    pub started_at: String,
    /// The timeout per case, ms.
    pub timeout_ms: u64,
    /// Every case's result, in suite order.
    pub results: Vec<CaseResult>,
}

impl Run {
    /// Cases that passed or failed as expected.
    pub fn passed(&self) -> usize {
        self.results
            .iter()
            .filter(|r| r.outcome == Outcome::Pass)
            .count()
    }

    /// Cases that failed (including unexpected passes, which mean the list is stale).
    pub fn failed(&self) -> usize {
        self.results
            .iter()
            .filter(|r| !r.passed() || r.outcome == Outcome::UnexpectedPass)
            .count()
    }

    /// Cases that failed as the expected-failure list says.
    pub fn expected_failures(&self) -> usize {
        self.results
            .iter()
            .filter(|r| r.outcome == Outcome::ExpectedFailure)
            .count()
    }

    /// Whether the run is green: no failures beyond the list, and no stale entries in it.
    pub fn ok(&self) -> bool {
        self.failed() == 0
    }

    /// The one-line summary: `N passed, N failed` (and the expected failures when there are).
    pub fn summary(&self) -> String {
        let mut s = format!("{} passed, {} failed", self.passed(), self.failed());
        if self.expected_failures() > 0 {
            s.push_str(&format!(
                " ({} expected failures)",
                self.expected_failures()
            ));
        }
        s
    }
}

/// Why a run could not be made.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The adapter command could not be started.
    #[error("could not start the adapter {command:?}: {source}")]
    Spawn {
        /// The command.
        command: String,
        /// Why.
        source: std::io::Error,
    },
    /// The adapter started but did not answer `hello`.
    #[error("the adapter {command:?} did not answer hello: {reason}")]
    NoHello {
        /// The command.
        command: String,
        /// What happened (timeout, exit, the line it wrote), with its stderr.
        reason: String,
    },
    /// The expected-failure list names cases the suite does not have.
    #[error("the expected-failure list names cases the suite does not have: {}", .0.join(", "))]
    UnknownExpectedFailures(Vec<String>),
}

impl RunError {
    /// A stable, machine-readable code.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Spawn { .. } => "runner.spawn",
            Self::NoHello { .. } => "runner.no_hello",
            Self::UnknownExpectedFailures(_) => "runner.unknown_expected_failures",
        }
    }
}

/// A running adapter: its stdin, its stdout's lines, its stderr's tail.
struct Adapter {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    stderr: Arc<Mutex<String>>,
}

/// How much of an adapter's stderr a failure quotes.
const STDERR_TAIL: usize = 2_000;

impl Adapter {
    fn start(command: &str) -> std::io::Result<Self> {
        let mut sh = Command::new("sh");
        sh.arg("-c")
            .arg(command)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // A process group of its own, so that killing the adapter also kills what `sh` started
        // (`sh -c` may fork the command rather than become it).
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut sh, 0);
        let mut child = sh.spawn()?;
        let (stdin, stdout, stderr) =
            match (child.stdin.take(), child.stdout.take(), child.stderr.take()) {
                (Some(i), Some(o), Some(e)) => (i, o, e),
                _ => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(std::io::Error::other("the adapter's pipes were not opened"));
                }
            };
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let tail = Arc::new(Mutex::new(String::new()));
        let keep = Arc::clone(&tail);
        std::thread::spawn(move || {
            let mut stderr = stderr;
            let mut buf = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut t) = keep.lock() {
                    t.push_str(&String::from_utf8_lossy(&buf[..n]));
                    if t.len() > STDERR_TAIL * 2 {
                        let cut = t.len() - STDERR_TAIL;
                        let cut = (cut..t.len()).find(|&i| t.is_char_boundary(i)).unwrap_or(0);
                        t.drain(..cut);
                    }
                }
            }
        });
        Ok(Self {
            child,
            stdin,
            lines,
            stderr: tail,
        })
    }

    fn stderr_tail(&mut self) -> String {
        // Give the stderr reader a moment to take what a dying process wrote last.
        std::thread::sleep(Duration::from_millis(20));
        let t = self.stderr.lock().map(|t| t.clone()).unwrap_or_default();
        let start = t.len().saturating_sub(STDERR_TAIL);
        let start = (start..t.len())
            .find(|&i| t.is_char_boundary(i))
            .unwrap_or(t.len());
        t[start..].trim().to_owned()
    }

    fn crashed(&mut self) -> Actual {
        let status = match self.child.try_wait() {
            Ok(Some(status)) => status.to_string(),
            _ => "closed its output".to_owned(),
        };
        let tail = self.stderr_tail();
        Actual::Crashed(if tail.is_empty() {
            status
        } else {
            format!("{status}; stderr: {tail}")
        })
    }

    /// Puts one question and waits for its answer.
    fn ask(&mut self, id: &str, line: &str, timeout: Duration) -> Actual {
        if writeln!(self.stdin, "{line}")
            .and_then(|()| self.stdin.flush())
            .is_err()
        {
            return self.crashed();
        }
        match self.lines.recv_timeout(timeout) {
            Ok(reply) => match serde_json::from_str::<Reply>(&reply) {
                Ok(r) if r.id == id => Actual::Answer(r.answer),
                Ok(r) => Actual::BadReply(format!("an answer to {:?}, not to this case", r.id)),
                Err(e) => Actual::BadReply(format!("{e}: {}", clip(&reply))),
            },
            Err(RecvTimeoutError::Timeout) => {
                Actual::Timeout(u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX))
            }
            Err(RecvTimeoutError::Disconnected) => {
                let _ = self.child.wait();
                self.crashed()
            }
        }
    }
}

impl Drop for Adapter {
    /// Kills the adapter's whole process group (it leads one: see [`Adapter::start`]), then
    /// reaps it.
    fn drop(&mut self) {
        #[cfg(unix)]
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn clip(s: &str) -> String {
    match s.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// Starts the adapter and asks `hello`.
fn start(command: &str, timeout: Duration) -> Result<(Adapter, Implementation), RunError> {
    let mut adapter = Adapter::start(command).map_err(|source| RunError::Spawn {
        command: command.to_owned(),
        source,
    })?;
    let no_hello = |reason: String| RunError::NoHello {
        command: command.to_owned(),
        reason,
    };
    match adapter.ask(adapter::HELLO_ID, &adapter::hello_line(), timeout) {
        Actual::Answer(Answer::Accept(value)) => {
            let me = serde_json::from_value::<Implementation>(value)
                .map_err(|e| no_hello(format!("the answer is not {{name, version}}: {e}")))?;
            Ok((adapter, me))
        }
        other => Err(no_hello(format!("{other:?}"))),
    }
}

/// Puts one question to the adapter, starting it first when there is none. An adapter that
/// timed out, crashed or wrote something else is dropped (killed), to be started again for the
/// next question: a hung or confused adapter must not fail the cases after it.
fn ask(
    adapter: &mut Option<Adapter>,
    command: &str,
    id: &str,
    request: &crate::case::Request,
    timeout: Duration,
) -> Actual {
    let line = adapter::question_line(id, request);
    let actual = match adapter.as_mut() {
        Some(a) => a.ask(id, &line, timeout),
        None => match start(command, timeout) {
            Ok((mut a, _)) => {
                let actual = a.ask(id, &line, timeout);
                *adapter = Some(a);
                actual
            }
            Err(e) => Actual::Crashed(format!("not restarted: {e}")),
        },
    };
    if matches!(
        actual,
        Actual::Timeout(_) | Actual::Crashed(_) | Actual::BadReply(_)
    ) {
        *adapter = None;
    }
    actual
}

/// Runs every case and scenario against the adapter `command` (run with `sh -c`).
pub fn run_command(suite: &Suite, command: &str, options: &Options) -> Result<Run, RunError> {
    let known = suite.ids();
    let unknown: Vec<String> = options
        .expected_failures
        .iter()
        .filter(|id| !known.contains(id.as_str()))
        .cloned()
        .collect();
    if !unknown.is_empty() {
        return Err(RunError::UnknownExpectedFailures(unknown));
    }
    let started_at = now_rfc3339();
    let (adapter, implementation) = start(command, options.timeout)?;
    let mut adapter = Some(adapter);
    let mut results = Vec::new();
    for file in &suite.files {
        for case in &file.cases {
            let begun = Instant::now();
            let actual = ask(
                &mut adapter,
                command,
                &case.id,
                &case.request,
                options.timeout,
            );
            results.push(result(
                &file.group,
                case,
                actual,
                micros(begun),
                &options.expected_failures,
            ));
        }
        for s in &file.scenarios {
            let begun = Instant::now();
            // Each scenario gets an adapter that has not failed; a step that times out, crashes
            // or is not answered ends the scenario, and the adapter is started again.
            let run = scenario::run(s, |id, request| {
                ask(&mut adapter, command, id, request, options.timeout)
            });
            results.push(scenario_result(
                &file.group,
                s,
                run,
                micros(begun),
                &options.expected_failures,
            ));
        }
    }
    Ok(Run {
        implementation,
        command: command.to_owned(),
        suite_version: crate::case::SUITE_VERSION.to_owned(),
        suite_hash: suite.hash(),
        started_at,
        timeout_ms: u64::try_from(options.timeout.as_millis()).unwrap_or(u64::MAX),
        results,
    })
}

fn now_rfc3339() -> String {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    liftspec_model::time::Timestamp::from_millis(ms).to_string()
}
