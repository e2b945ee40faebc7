//! `liftspec serve`: the engine on its own thread, terminals over TCP in stream mode
//! (`docs/protocol.md` §9), and the HTTP API ([`crate::api`]) — the I/O edge around the
//! sans-I/O core.
//!
//! - **One writer.** The [`Engine`] lives on one thread and takes every message in order:
//!   frames from the connections, API reads and writes, the one-second timer. Frames are taken
//!   in slices and committed once per batch (group commit). A read commits the batch in
//!   progress first and is then answered: it sees only committed state, and waits at most for
//!   one slice and a commit, however large batches grow under load.
//! - **Backpressure.** Connections hand frames over a bounded queue; when the engine falls
//!   behind, the connections stop reading and TCP slows the terminals down. Nothing is dropped.
//! - **Fail-stop.** If a commit fails the engine stops, [`run`] returns the error, and the
//!   process exits to be restarted: the database holds everything that was acknowledged.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use liftspec_protocol::framing::{frame_for_stream, Deframed, Deframer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{broadcast, mpsc, watch};

use crate::config::Config;
use crate::engine::{Done, Engine, EngineError};
use crate::handle::{wall, Msg};
pub use crate::handle::{Handle, Stats};
use crate::rescue_view::RescueSnapshot;
use crate::store::{Storage, Store, StoreError, StoredDetection};

/// Frames taken before a group commit at most.
pub const MAX_BATCH_FRAMES: usize = 16_384;
/// Frames taken between two looks at the API's queue.
pub const SLICE_FRAMES: usize = 1_024;
/// The longest stream block accepted (16,384 bytes of frame plus the CRC and COBS overhead).
pub const MAX_BLOCK: usize = liftspec_protocol::framing::MAX_BLOCK_LEN;

/// Where the service listens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listening {
    /// Terminals (TCP, stream mode).
    pub terminals: SocketAddr,
    /// The HTTP API.
    pub http: SocketAddr,
}

/// Why the service stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The engine failed (a failed commit, a database that does not open).
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// A socket could not be bound or failed.
    #[error("{what}: {error}")]
    Io {
        /// Which.
        what: String,
        /// The error.
        error: std::io::Error,
    },
}

impl ServiceError {
    /// A stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Engine(e) => e.code(),
            Self::Io { .. } => "service.io",
        }
    }
}

/// The store `config` names: PostgreSQL when it names a server, else the SQLite file.
pub fn open_store(config: &Config) -> Result<Box<dyn Storage>, StoreError> {
    match &config.postgres {
        #[cfg(feature = "postgres")]
        Some(url) => Ok(Box::new(crate::store_pg::PgStore::connect(url)?)),
        #[cfg(not(feature = "postgres"))]
        Some(_) => Err(StoreError::Postgres(
            "this build has no PostgreSQL store (the `postgres` feature)".into(),
        )),
        None => Ok(Box::new(Store::open(&config.database)?)),
    }
}

/// Runs the platform for `config` until the engine stops; `ready` is told where it listens.
pub async fn run(config: Config, ready: impl FnOnce(Listening)) -> Result<(), ServiceError> {
    let store = open_store(&config).map_err(EngineError::from)?;
    let engine = Engine::open_boxed(config.setup.clone(), store, &config.records)?;
    let bind = |addr: String| async move {
        TcpListener::bind(&addr)
            .await
            .map_err(|error| ServiceError::Io {
                what: format!("binding {addr}"),
                error,
            })
    };
    let terminals = bind(config.terminals.clone()).await?;
    let http = bind(config.http.clone()).await?;
    let listening = Listening {
        terminals: terminals.local_addr().map_err(|error| ServiceError::Io {
            what: "terminal socket".into(),
            error,
        })?,
        http: http.local_addr().map_err(|error| ServiceError::Io {
            what: "HTTP socket".into(),
            error,
        })?,
    };
    // Two queues: the API's is always looked at first, so a query does not wait behind the
    // frames that arrived before it.
    let (tx, rx) = mpsc::channel::<Msg>(1_024);
    let (frames_tx, frames_rx) = mpsc::channel::<Msg>(4_096);
    let (rescue_tx, rescue_rx) = watch::channel(Arc::new(RescueSnapshot::of(
        engine.rescue(),
        engine.now(wall()),
    )));
    let (detections, _) = broadcast::channel(65_536);
    let stats = Arc::new(Mutex::new(Stats {
        boot: engine.boot(),
        ..Stats::default()
    }));
    let handle = Handle {
        tx: tx.clone(),
        rescue: rescue_rx,
        detections: detections.clone(),
        stats: stats.clone(),
    };
    let (stopped_tx, stopped_rx) = tokio::sync::oneshot::channel();
    let thread_stats = stats.clone();
    std::thread::Builder::new()
        .name("liftspec-engine".into())
        .spawn(move || {
            let result = match tokio::runtime::Builder::new_current_thread().build() {
                Ok(rt) => rt.block_on(engine_loop(
                    engine,
                    Queues {
                        api: rx,
                        frames: frames_rx,
                    },
                    &Publish {
                        detections,
                        rescue: rescue_tx,
                        stats: thread_stats,
                    },
                )),
                Err(e) => Err(EngineError::Store(crate::store::StoreError::BadRow {
                    what: "runtime",
                    why: e.to_string(),
                })),
            };
            let _ = stopped_tx.send(result);
        })
        .map_err(|error| ServiceError::Io {
            what: "starting the engine thread".into(),
            error,
        })?;
    let ticker = tx.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(1));
        loop {
            every.tick().await;
            if ticker.send(Msg::Tick).await.is_err() {
                return;
            }
        }
    });
    tokio::spawn(accept_terminals(terminals, frames_tx, stats.clone()));
    // The API on a thread of its own: it is idle most of the time, so when a query comes the
    // scheduler runs it at once instead of behind the terminal connections' tasks.
    let app = crate::api::router(handle);
    let http = http.into_std().map_err(|error| ServiceError::Io {
        what: "HTTP socket".into(),
        error,
    })?;
    std::thread::Builder::new()
        .name("liftspec-http".into())
        .spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Ok(listener) = TcpListener::from_std(http) {
                    let _ = axum::serve(listener, app).await;
                }
            });
        })
        .map_err(|error| ServiceError::Io {
            what: "starting the HTTP thread".into(),
            error,
        })?;
    ready(listening);
    match stopped_rx.await {
        Ok(result) => result.map_err(ServiceError::from),
        Err(_) => Ok(()),
    }
}

struct Queues {
    api: mpsc::Receiver<Msg>,
    frames: mpsc::Receiver<Msg>,
}

/// Where the engine's thread publishes what it committed.
struct Publish {
    detections: broadcast::Sender<Arc<StoredDetection>>,
    rescue: watch::Sender<Arc<RescueSnapshot>>,
    stats: Arc<Mutex<Stats>>,
}

impl Publish {
    /// Sends what a commit produced: frames to their connections, detections to the stream,
    /// a new rescue snapshot, counts and problems to the stats.
    fn route(
        &self,
        done: Done,
        engine: &Engine,
        writers: &HashMap<u64, mpsc::UnboundedSender<Vec<u8>>>,
    ) {
        for (conn, frame) in done.outbound {
            if let Some(w) = writers.get(&conn) {
                // A connection that closed meanwhile: its terminal resends on reconnecting.
                let _ = w.send(frame);
            }
        }
        let mut s = self.stats.lock().unwrap_or_else(|p| p.into_inner());
        s.commits += 1;
        for r in &done.refused {
            *s.refused.entry(r.code.to_owned()).or_default() += 1;
        }
        for p in done.problems {
            eprintln!("liftspec serve: {p}");
            s.problems.push(p);
            if s.problems.len() > 100 {
                s.problems.remove(0);
            }
        }
        drop(s);
        for d in done.detections {
            // No subscriber is fine: the detections are stored and can be queried.
            let _ = self.detections.send(Arc::new(d));
        }
        let _ = self.rescue.send(Arc::new(RescueSnapshot::of(
            engine.rescue(),
            engine.now(wall()),
        )));
    }
}

/// The engine's thread: API messages first, frames taken in slices and committed in groups.
async fn engine_loop(
    mut engine: Engine,
    mut q: Queues,
    publish: &Publish,
) -> Result<(), EngineError> {
    let mut writers: HashMap<u64, mpsc::UnboundedSender<Vec<u8>>> = HashMap::new();
    loop {
        let first = tokio::select! {
            biased;
            Some(m) = q.api.recv() => m,
            Some(m) = q.frames.recv() => m,
            else => return Ok(()),
        };
        let mut next = Some(first);
        let mut taken = 0usize;
        let mut slice: Vec<(u64, Vec<u8>)> = Vec::new();
        while let Some(msg) = next.take() {
            match msg {
                Msg::Frames(mut frames) => {
                    taken += frames.len();
                    publish
                        .stats
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .frames += frames.len() as u64;
                    slice.append(&mut frames);
                    if slice.len() >= SLICE_FRAMES {
                        take(&mut engine, &mut slice)?;
                    }
                }
                Msg::Connected(conn, w) => {
                    writers.insert(conn, w);
                }
                Msg::Closed(conn) => {
                    writers.remove(&conn);
                }
                Msg::Read(f) => {
                    // A read sees only what is committed: the batch in progress is committed
                    // first, which bounds the wait to one slice and a commit.
                    take(&mut engine, &mut slice)?;
                    if engine.has_pending() {
                        let done = engine.flush(wall())?;
                        publish.route(done, &engine, &writers);
                    }
                    f(&engine)
                }
                Msg::Write(f) => {
                    take(&mut engine, &mut slice)?;
                    let done = f(&mut engine);
                    publish.route(done, &engine, &writers);
                }
                Msg::Tick => {
                    take(&mut engine, &mut slice)?;
                    let done = engine.tick(wall())?;
                    publish.route(done, &engine, &writers);
                }
            }
            if let Some(why) = engine.poisoned() {
                return Err(EngineError::Poisoned(why.to_owned()));
            }
            next = match q.api.try_recv() {
                Ok(m) => Some(m),
                Err(_) if taken < MAX_BATCH_FRAMES => q.frames.try_recv().ok(),
                Err(_) => None,
            };
        }
        take(&mut engine, &mut slice)?;
        if engine.has_pending() {
            let done = engine.flush(wall())?;
            publish.route(done, &engine, &writers);
        }
    }
}

/// Takes the frames gathered so far into the engine's pending batch.
fn take(engine: &mut Engine, slice: &mut Vec<(u64, Vec<u8>)>) -> Result<(), EngineError> {
    if !slice.is_empty() {
        engine.take(slice, wall())?;
        slice.clear();
    }
    Ok(())
}

async fn accept_terminals(listener: TcpListener, tx: mpsc::Sender<Msg>, stats: Arc<Mutex<Stats>>) {
    let mut next_conn = 1u64;
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            // Out of file descriptors, say: try again shortly rather than stop accepting.
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let conn = next_conn;
        next_conn += 1;
        {
            let mut s = stats.lock().unwrap_or_else(|p| p.into_inner());
            s.connections += 1;
            s.connections_total += 1;
        }
        tokio::spawn(terminal(stream, conn, tx.clone(), stats.clone()));
    }
}

/// One terminal (or gateway) connection: frames in, the platform's frames out.
async fn terminal(stream: TcpStream, conn: u64, tx: mpsc::Sender<Msg>, stats: Arc<Mutex<Stats>>) {
    let (mut rd, wr) = stream.into_split();
    let (out_tx, out_rx) = mpsc::unbounded_channel::<Vec<u8>>();
    if tx.send(Msg::Connected(conn, out_tx)).await.is_err() {
        return;
    }
    let writer = tokio::spawn(send_frames(wr, out_rx));
    let mut deframer = Deframer::new(MAX_BLOCK);
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match rd.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let mut frames = Vec::new();
        for d in deframer.push_slice(&buf[..n]) {
            match d {
                Deframed::Frame(f) => frames.push((conn, f)),
                Deframed::Corrupt(e) => {
                    let mut s = stats.lock().unwrap_or_else(|p| p.into_inner());
                    *s.corrupt_blocks.entry(e.code().to_owned()).or_default() += 1;
                }
            }
        }
        if !frames.is_empty() && tx.send(Msg::Frames(frames)).await.is_err() {
            break;
        }
    }
    let _ = tx.send(Msg::Closed(conn)).await;
    writer.abort();
    let mut s = stats.lock().unwrap_or_else(|p| p.into_inner());
    s.connections = s.connections.saturating_sub(1);
}

/// The platform's side of a terminal connection, sending: a delimiter first (§9), then every
/// frame that arrives on `frames` in stream framing, as many per write as are waiting.
pub async fn send_frames(
    wr: tokio::net::tcp::OwnedWriteHalf,
    mut frames: mpsc::UnboundedReceiver<Vec<u8>>,
) -> std::io::Result<()> {
    let mut w = tokio::io::BufWriter::new(wr);
    w.write_all(&[0]).await?;
    w.flush().await?;
    while let Some(frame) = frames.recv().await {
        w.write_all(&frame_for_stream(&frame)).await?;
        while let Ok(frame) = frames.try_recv() {
            w.write_all(&frame_for_stream(&frame)).await?;
        }
        w.flush().await?;
    }
    Ok(())
}
