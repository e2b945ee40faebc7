//! `liftspec conformance`: run the suite against an implementation's adapter, serve the reference
//! as an adapter, write the case files (docs/conformance.md).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};
use liftspec_conformance::adapter::{serve, Implementation};
use liftspec_conformance::case::Suite;
use liftspec_conformance::runner::{self, Options, Outcome};
use liftspec_conformance::{generate, reference, report};

use crate::paint::Paint;
use crate::Failure;

#[derive(Subcommand)]
pub(crate) enum ConformanceCommand {
    /// Run the suite against an implementation under test: its adapter is started as a child
    /// process and answers over stdin/stdout (docs/conformance.md). Prints each failing case
    /// and a one-line summary; exits 1 unless every case passed or failed as expected.
    Run(RunArgs),
    /// Serve the reference implementation as an adapter on stdin/stdout.
    Adapter,
    /// Write the suite's case files (JSON, one per group) into a directory.
    Generate {
        /// The directory (created if missing).
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Args)]
pub(crate) struct RunArgs {
    /// The adapter command (run with `sh -c`), e.g. "python3 my_adapter.py".
    #[arg(long)]
    iut: String,
    /// Case files to run (default: the suite built into this liftspec, the same as
    /// `conformance/cases`).
    #[arg(long)]
    suite: Option<PathBuf>,
    /// The implementation's expected-failure list: one case id per line, `#` comments.
    #[arg(long)]
    expected_failures: Option<PathBuf>,
    /// How long one case may take, in ms (liftspec default: 5,000); a case that takes longer
    /// fails and the adapter is restarted.
    #[arg(long, default_value_t = 5_000)]
    timeout_ms: u64,
    /// Write the whole run as JSON.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Write the run as JUnit XML.
    #[arg(long)]
    junit: Option<PathBuf>,
    /// Write the HTML certificate.
    #[arg(long)]
    html: Option<PathBuf>,
}

pub(crate) fn conformance(command: ConformanceCommand) -> Result<ExitCode, Failure> {
    match command {
        ConformanceCommand::Run(args) => run(args),
        ConformanceCommand::Adapter => {
            let me = Implementation {
                name: "liftspec reference (liftspec-protocol)".to_owned(),
                version: env!("CARGO_PKG_VERSION").to_owned(),
            };
            let mut reference = reference::Reference::default();
            serve(
                std::io::stdin().lock(),
                std::io::stdout().lock(),
                &me,
                |request| reference.answer(request),
            )?;
            Ok(ExitCode::SUCCESS)
        }
        ConformanceCommand::Generate { out } => {
            let suite = generate::suite()?;
            generate::write(&suite, &out)?;
            println!(
                "{} cases and {} scenarios in {} files written to {} (SHA-256 {})",
                suite.cases().count(),
                suite.scenarios().count(),
                suite.files.len(),
                out.display(),
                suite.hash()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn run(args: RunArgs) -> Result<ExitCode, Failure> {
    let suite = match &args.suite {
        Some(dir) => Suite::load(dir)?,
        None => generate::suite()?,
    };
    let expected_failures = match &args.expected_failures {
        Some(path) => runner::parse_expected_failures(
            &std::fs::read_to_string(path)
                .map_err(|e| Failure(format!("{}: {e}", path.display())))?,
        ),
        None => Default::default(),
    };
    let options = Options {
        timeout: Duration::from_millis(args.timeout_ms),
        expected_failures,
    };
    let run = runner::run_command(&suite, &args.iut, &options)?;
    for (path, text) in [
        (&args.json, report::json(&run)),
        (&args.junit, report::junit(&run)),
        (&args.html, report::certificate(&run)),
    ] {
        if let Some(path) = path {
            crate::write_atomic(path, text.as_bytes())?;
        }
    }
    let paint = Paint::stdout();
    for r in &run.results {
        let label = match r.outcome {
            Outcome::Pass | Outcome::ExpectedFailure => continue,
            Outcome::Fail => "FAIL",
            Outcome::UnexpectedPass => "PASS, but on the expected-failure list:",
        };
        let step = r
            .step
            .as_deref()
            .map(|s| format!(" [{s}]"))
            .unwrap_or_default();
        println!(
            "{} {} ({}){step}: {}",
            paint.bad(label),
            r.id,
            r.clause,
            r.description
        );
    }
    println!(
        "{} — {} {}, suite {} (SHA-256 {})",
        paint.verdict(run.ok(), run.summary()),
        run.implementation.name,
        run.implementation.version,
        run.suite_version,
        run.suite_hash.get(..16).unwrap_or_default(),
    );
    Ok(if run.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
