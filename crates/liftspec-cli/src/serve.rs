//! `liftspec serve`: the supervision platform as a service (`liftspec_platform::service`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use clap::Args;
use liftspec_cluster::jet::Retention;
use liftspec_cluster::node::Node;
use liftspec_cluster::partition::Partitions;
use liftspec_platform::config::{Config, Setup};

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
    /// Run as one node of a sharded deployment (`liftspec-cluster`) instead of the embedded
    /// single process: the edge terminals connect to, a partition worker, or a district's
    /// rescue desk. Needs `--nats` and `--postgres`.
    #[arg(long, value_enum, requires_all = ["nats", "postgres"])]
    role: Option<Role>,
    /// The NATS server (JetStream enabled), e.g. nats://127.0.0.1:4222.
    #[arg(long, requires = "role")]
    nats: Option<String>,
    /// The PostgreSQL database, e.g. postgresql://liftspec@127.0.0.1:5432/liftspec: a
    /// sharded node's, or, without `--role`, where the single process keeps its state instead
    /// of the database file.
    #[arg(long)]
    postgres: Option<String>,
    /// This node's name, unique per worker and kept across its restarts (default: the role
    /// and the process id).
    #[arg(long, requires = "role")]
    name: Option<String>,
    /// The deployment's partition count (the same on every node, for its whole life).
    #[arg(long, default_value_t = 16, requires = "role")]
    partitions: u32,
}

/// A node's role in a sharded deployment.
#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum Role {
    /// Terminals connect here; frames go to the stream by partition.
    Ingest,
    /// Owns partitions: receiver sessions and detectors, checkpointed.
    Worker,
    /// Owns districts: the 96333 rescue service fed by detections.
    Rescue,
}

pub(crate) fn run(args: ServeArgs) -> Result<ExitCode, Failure> {
    let mut config = Config::load(&args.config).map_err(|e| Failure(e.to_string()))?;
    if let (Some(role), Some(nats), Some(postgres)) = (args.role, &args.nats, &args.postgres) {
        let node = Node {
            nats: nats.clone(),
            postgres: postgres.clone(),
            name: args
                .name
                .clone()
                .unwrap_or_else(|| format!("{}-{}", role.name(), std::process::id())),
            partitions: Partitions::new(args.partitions).map_err(|e| Failure(e.to_string()))?,
            retention: Retention::default(),
        };
        let terminals = args.terminals.unwrap_or(config.terminals);
        return cluster(role, node, config.setup, &terminals);
    }
    if let Some(t) = args.terminals {
        config.terminals = t;
    }
    if let Some(h) = args.http {
        config.http = h;
    }
    if let Some(d) = args.database {
        config.database = d;
    }
    if let Some(p) = args.postgres {
        config.postgres = Some(p);
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

impl Role {
    fn name(self) -> &'static str {
        match self {
            Self::Ingest => "ingest",
            Self::Worker => "worker",
            Self::Rescue => "rescue",
        }
    }
}

/// One node of a sharded deployment, until SIGINT or SIGTERM (a worker then commits and hands
/// its partitions over).
fn cluster(role: Role, node: Node, setup: Setup, terminals: &str) -> Result<ExitCode, Failure> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure(format!("starting the runtime: {e}")))?;
    let lifts = setup.fleet.lifts.len();
    let setup = Arc::new(setup);
    let stop = Arc::new(AtomicBool::new(false));
    let name = node.name.clone();
    let said = move |what: String| {
        // One line on standard output, for scripts and tests to read.
        println!("liftspec serve: {lifts} lifts; {what}");
        use std::io::Write;
        let _ = std::io::stdout().flush();
    };
    let result = runtime.block_on(async {
        let flag = stop.clone();
        tokio::spawn(async move {
            if let Ok(mut term) =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            flag.store(true, Ordering::Relaxed);
        });
        match role {
            Role::Ingest => {
                liftspec_cluster::ingest::run(node, terminals, |at| {
                    said(format!("ingest {name}; terminals on {at}"))
                })
                .await
            }
            Role::Worker => {
                liftspec_cluster::worker::run(setup, node, stop.clone(), || {
                    said(format!("worker {name}"))
                })
                .await
            }
            Role::Rescue => {
                liftspec_cluster::rescue::run(setup, node, stop.clone(), || {
                    said(format!("rescue {name}"))
                })
                .await
            }
        }
    });
    result.map_err(|e| Failure(format!("{e} ({})", e.code())))?;
    Ok(ExitCode::SUCCESS)
}
