//! The `liftspec` command. Exit codes: 0 success, 1 bad input or a failed check, 2 usage errors.

mod city;
mod conformance;
mod detect;
mod frames;
mod input;
mod keys;
mod paint;
mod records;
mod report;
mod serve;
mod stream_to;
mod usage_sign;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// liftspec: the unified smart-elevator interface and the city platform's rules.
#[derive(Parser)]
#[command(name = "liftspec", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Simulate a city end to end: lifts talking the protocol to a platform that detects faults,
    /// then a year of records rated for credit and screened for risk; writes report.json and
    /// report.html.
    City(city::CityArgs),
    /// Run the supervision platform: terminals over TCP (stream mode), the HTTP API, durable
    /// state in an embedded SQLite database.
    Serve(serve::ServeArgs),
    /// Read frames (binary stream, hex lines or JSON lines) and print them as JSON lines.
    Decode(frames::DecodeArgs),
    /// Read frames and check them against an installation; one line per problem.
    Validate(frames::ValidateArgs),
    /// Run the detectors over a recorded frame stream and the installations; one JSON line per
    /// episode, notice (duplicates, gaps, reboots, unknown devices) and rejected frame.
    Detect(detect::DetectArgs),
    /// Check a scanned usage-sign payload (the QR code of opinions item 10) and print the
    /// lift's registration code and rescue code.
    UsageSign(usage_sign::UsageSignArgs),
    /// Generate a device's keys (MAC key and Ed25519 seed) into a JSON file.
    Keygen(keys::KeygenArgs),
    /// Encode and sign a message body (JSON) as a frame, printed in hex.
    Sign(keys::SignArgs),
    /// Credit evaluation of a unit from a JSON-lines record file.
    Credit {
        #[command(subcommand)]
        command: records::CreditCommand,
    },
    /// Risk screening of lifts from JSON-lines files.
    Risk {
        #[command(subcommand)]
        command: records::RiskCommand,
    },
    /// The conformance suite: run it against a vendor's implementation, serve the reference
    /// as an adapter, write the case files.
    Conformance {
        #[command(subcommand)]
        command: conformance::ConformanceCommand,
    },
}

/// A failure to report: the message is one line, naming the file and position where known.
pub(crate) struct Failure(pub(crate) String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Self(e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::City(a) => city::run(a),
        Command::Serve(a) => serve::run(a),
        Command::Decode(a) => frames::decode(a),
        Command::Validate(a) => frames::validate(a),
        Command::Detect(a) => detect::detect(a),
        Command::UsageSign(a) => usage_sign::check(a),
        Command::Keygen(a) => keys::keygen(a),
        Command::Sign(a) => keys::sign(a),
        Command::Credit { command } => records::credit(command),
        Command::Risk { command } => records::risk(command),
        Command::Conformance { command } => conformance::conformance(command),
    };
    match result {
        Ok(code) => code,
        Err(Failure(message)) => {
            let paint = paint::Paint::stderr();
            eprintln!("{} {message}", paint.bad(paint.bold("error:")));
            ExitCode::from(1)
        }
    }
}

/// Writes a file atomically: to a temporary file beside it, then renamed, so nothing is ever
/// half-written.
pub(crate) fn write_atomic(path: &std::path::Path, content: &[u8]) -> Result<(), Failure> {
    let tmp = path.with_extension(format!(
        "{}.tmp",
        path.extension().and_then(|e| e.to_str()).unwrap_or("")
    ));
    std::fs::write(&tmp, content).map_err(|e| Failure(format!("{}: {e}", tmp.display())))?;
    std::fs::rename(&tmp, path).map_err(|e| Failure(format!("{}: {e}", path.display())))
}
