//! What every role of a cluster node is told: where NATS and PostgreSQL are, its name, and the
//! deployment's partition count.

use std::time::Duration;

use crate::jet::{NatsError, Retention};
use crate::partition::Partitions;
use crate::pg::PgError;

/// A node's place in the deployment.
#[derive(Debug, Clone)]
pub struct Node {
    /// The NATS server, e.g. `nats://127.0.0.1:4222`.
    pub nats: String,
    /// The PostgreSQL database, e.g. `postgresql://liftspec@127.0.0.1:5432/liftspec`.
    pub postgres: String,
    /// This node's name: unique among the workers, the same after a restart (a restarted worker
    /// takes its own partitions back at once).
    pub name: String,
    /// The deployment's partitions (the same on every node).
    pub partitions: Partitions,
    /// How long the streams keep frames and detections.
    pub retention: Retention,
}

/// How long a node waits for NATS at its start.
pub const CONNECT_PATIENCE: Duration = Duration::from_secs(30);

/// Why a node stopped.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// NATS.
    #[error(transparent)]
    Nats(#[from] NatsError),
    /// PostgreSQL.
    #[error(transparent)]
    Pg(#[from] PgError),
    /// A socket.
    #[error("{what}: {why}")]
    Io {
        /// What was being done.
        what: String,
        /// Why it failed.
        why: String,
    },
}

impl ClusterError {
    /// A stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Nats(e) => e.code(),
            Self::Pg(e) => e.code(),
            Self::Io { .. } => "cluster.io",
        }
    }
}

/// Says the node's problem on standard error, with the role's name: nothing is dropped without
/// a word.
pub(crate) fn warn(role: &str, what: impl std::fmt::Display) {
    eprintln!("liftspec {role}: {what}");
}
