//! What the HTTP API and the service share: the engine thread's messages, the handle the API
//! reaches the engine with, and the service's counters.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{broadcast, mpsc, watch};

use liftspec_model::time::Timestamp;

use crate::engine::{Done, Engine};
use crate::rescue_view::RescueSnapshot;
use crate::store::StoredDetection;

/// A message to the engine's thread.
pub(crate) enum Msg {
    Connected(u64, mpsc::UnboundedSender<Vec<u8>>),
    Frames(Vec<(u64, Vec<u8>)>),
    Closed(u64),
    Read(Box<dyn FnOnce(&Engine) + Send>),
    Write(Box<dyn FnOnce(&mut Engine) -> Done + Send>),
    Tick,
}

/// What the service counted: frames in, refused (by code), corrupt blocks (by code),
/// connections, commits.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    /// Frames taken.
    pub frames: u64,
    /// Group commits made.
    pub commits: u64,
    /// Frames refused, by error code (forged, corrupt, unknown device: not answered).
    pub refused: BTreeMap<String, u64>,
    /// Stream blocks dropped by the deframer, by error code.
    pub corrupt_blocks: BTreeMap<String, u64>,
    /// Connections open now.
    pub connections: u64,
    /// Connections accepted since the start.
    pub connections_total: u64,
    /// Problems reported (a comforting message to a terminal not connected, …), latest last.
    pub problems: Vec<String>,
    /// This start's number.
    pub boot: u32,
}

/// The handle the API uses to reach the engine.
#[derive(Clone)]
pub struct Handle {
    /// API messages: taken before frames.
    pub(crate) tx: mpsc::Sender<Msg>,
    /// The rescue service as of the last commit.
    pub(crate) rescue: watch::Receiver<Arc<RescueSnapshot>>,
    pub(crate) detections: broadcast::Sender<Arc<StoredDetection>>,
    pub(crate) stats: Arc<Mutex<Stats>>,
}

/// The wall clock, as the engine takes it.
pub(crate) fn wall() -> Timestamp {
    Timestamp::from_millis(chrono::Utc::now().timestamp_millis())
}
