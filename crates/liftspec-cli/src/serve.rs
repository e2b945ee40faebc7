//! `liftspec serve`: the supervision platform as a service (`liftspec_platform::service`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use liftspec_platform::config::Config;

use crate::Failure;

#[derive(Args)]
pub(crate) struct ServeArgs {
    /// The configuration file (JSON): the fleet, records, database, addresses, clock and
    /// policy files. Everything it names is read and checked before anything starts.
    #[arg(long)]
    config: PathBuf,
    /// Listen for terminals here instead of the file's `terminals` (port 0: any free port).
    #[arg(long)]
    terminals: Option<String>,
    /// Serve the HTTP API here instead of the file's `http` (port 0: any free port).
    #[arg(long)]
    http: Option<String>,
    /// Use this database file instead of the file's `database`.
    #[arg(long)]
    database: Option<PathBuf>,
}

pub(crate) fn run(args: ServeArgs) -> Result<ExitCode, Failure> {
    let mut config = Config::load(&args.config).map_err(|e| Failure(e.to_string()))?;
    if let Some(t) = args.terminals {
        config.terminals = t;
    }
    if let Some(h) = args.http {
        config.http = h;
    }
    if let Some(d) = args.database {
        config.database = d;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure(format!("starting the runtime: {e}")))?;
    let lifts = config.setup.fleet.lifts.len();
    runtime
        .block_on(liftspec_platform::service::run(config, |at| {
            // One line on standard output, for scripts and tests to read the ports from.
            println!(
                "liftspec serve: {lifts} lifts; terminals on {}; HTTP API on http://{}",
                at.terminals, at.http
            );
            use std::io::Write;
            let _ = std::io::stdout().flush();
        }))
        .map_err(|e| Failure(format!("{e} ({})", e.code())))?;
    Ok(ExitCode::SUCCESS)
}
