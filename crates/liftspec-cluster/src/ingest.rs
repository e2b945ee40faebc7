//! The ingest role: the edge terminals and gateways connect to. It deframes their streams,
//! batches the frames by partition into the frames stream, and passes the workers' answers
//! (Acks, Nacks, Resumes, Commands) back to the connections.
//!
//! It acknowledges nothing itself: a terminal's frame is acknowledged by the worker that owns
//! its device, after the checkpoint that includes it. A batch the stream did not confirm closes
//! the connections that sent into it, so their terminals reconnect and send again at once.

use std::collections::{BTreeSet, HashMap};
use std::future::IntoFuture;
use std::sync::{Arc, Mutex};

use futures_util::StreamExt;
use liftspec_protocol::framing::{Deframed, Deframer};
use liftspec_protocol::wire;
use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, Notify};

use crate::confirm::Confirmations;
use crate::jet;
use crate::message::{subject, Downlink, FrameBatch};
use crate::node::{warn, ClusterError, Node, CONNECT_PATIENCE};
use crate::partition::Partitions;

/// Frames per stream message at most.
pub const BATCH_FRAMES: usize = 2_048;

/// Bytes per stream message at most (NATS refuses messages over 1 MiB by default).
pub const BATCH_BYTES: usize = 256 * 1024;

/// Batches published and not yet confirmed by the stream, at most; the edge waits for room.
pub const UNCONFIRMED: usize = 1_024;

/// The largest stream block a connection may send (as `liftspec serve`).
pub const MAX_BLOCK: usize = liftspec_platform::service::MAX_BLOCK;

#[derive(Default)]
struct Connections {
    writers: HashMap<u64, mpsc::UnboundedSender<Vec<u8>>>,
    closers: HashMap<u64, Arc<Notify>>,
}

type Shared = Arc<Mutex<Connections>>;

fn lock(s: &Shared) -> std::sync::MutexGuard<'_, Connections> {
    s.lock().unwrap_or_else(|p| p.into_inner())
}

/// Runs the edge on `terminals`; `ready` gets the address it listens on.
pub async fn run(
    node: Node,
    terminals: &str,
    ready: impl FnOnce(std::net::SocketAddr),
) -> Result<(), ClusterError> {
    let (nats, ctx) = jet::connect(&node.nats, CONNECT_PATIENCE).await?;
    jet::ensure_streams(&ctx, node.retention).await?;
    let listener = TcpListener::bind(terminals)
        .await
        .map_err(|e| ClusterError::Io {
            what: format!("listening on {terminals}"),
            why: e.to_string(),
        })?;
    let addr = listener.local_addr().map_err(|e| ClusterError::Io {
        what: "reading the terminals address".into(),
        why: e.to_string(),
    })?;
    let shared: Shared = Arc::default();
    let mut answers = nats
        .subscribe(subject::edge(&node.name))
        .await
        .map_err(jet::js)?;
    let routes = shared.clone();
    tokio::spawn(async move {
        while let Some(m) = answers.next().await {
            match Downlink::decode(&m.payload) {
                Ok(d) => {
                    let c = lock(&routes);
                    for (conn, frame) in d.frames {
                        if let Some(w) = c.writers.get(&conn) {
                            // A connection closed meanwhile: its terminal sends again.
                            let _ = w.send(frame);
                        }
                    }
                }
                Err(e) => warn("ingest", format!("{e} ({})", e.code())),
            }
        }
    });
    let (tx, rx) = mpsc::channel::<(u16, u64, Vec<u8>)>(65_536);
    tokio::spawn(batcher(ctx, node.name.clone(), rx, shared.clone()));
    ready(addr);
    let mut next_conn = 1u64;
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(connection(
            stream,
            next_conn,
            node.partitions,
            tx.clone(),
            shared.clone(),
        ));
        next_conn += 1;
    }
}

/// One terminal (or gateway) connection.
async fn connection(
    stream: TcpStream,
    conn: u64,
    partitions: Partitions,
    tx: mpsc::Sender<(u16, u64, Vec<u8>)>,
    shared: Shared,
) {
    let (mut rd, wr) = stream.into_split();
    let (out_tx, out_rx) = mpsc::unbounded_channel::<Vec<u8>>();
    let close = Arc::new(Notify::new());
    {
        let mut c = lock(&shared);
        c.writers.insert(conn, out_tx);
        c.closers.insert(conn, close.clone());
    }
    let writer = tokio::spawn(liftspec_platform::service::send_frames(wr, out_rx));
    let mut deframer = Deframer::new(MAX_BLOCK);
    let mut buf = vec![0u8; 64 * 1024];
    'reading: loop {
        let n = tokio::select! {
            () = close.notified() => break,
            n = rd.read(&mut buf) => match n {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            },
        };
        for d in deframer.push_slice(&buf[..n]) {
            match d {
                Deframed::Frame(f) => match wire::peek(&f) {
                    Ok(info) => {
                        if tx
                            .send((partitions.of(&info.device), conn, f))
                            .await
                            .is_err()
                        {
                            break 'reading;
                        }
                    }
                    // Not a frame of any device: no worker could answer it.
                    Err(e) => warn(
                        "ingest",
                        format!("connection {conn}: frame refused: {e} ({})", e.code()),
                    ),
                },
                Deframed::Corrupt(e) => warn(
                    "ingest",
                    format!(
                        "connection {conn}: stream block dropped: {e} ({})",
                        e.code()
                    ),
                ),
            }
        }
    }
    writer.abort();
    let mut c = lock(&shared);
    c.writers.remove(&conn);
    c.closers.remove(&conn);
}

struct Pending {
    frames: Vec<(u64, Vec<u8>)>,
    bytes: usize,
}

/// Gathers frames by partition and publishes a batch when it is full or when nothing more is
/// waiting; the stream's confirmations are awaited side by side ([`Confirmations`]).
async fn batcher(
    ctx: async_nats::jetstream::Context,
    edge: String,
    mut rx: mpsc::Receiver<(u16, u64, Vec<u8>)>,
    shared: Shared,
) {
    let confirmations = Confirmations::new(UNCONFIRMED);
    let mut pending: HashMap<u16, Pending> = HashMap::new();
    while let Some(first) = rx.recv().await {
        let mut next = Some(first);
        while let Some((p, conn, frame)) = next.take() {
            let e = pending.entry(p).or_insert_with(|| Pending {
                frames: Vec::new(),
                bytes: 0,
            });
            e.bytes += frame.len() + 12;
            e.frames.push((conn, frame));
            if e.frames.len() >= BATCH_FRAMES || e.bytes >= BATCH_BYTES {
                if let Some(full) = pending.remove(&p) {
                    publish(&ctx, &edge, p, full, &confirmations, &shared).await;
                }
            }
            next = rx.try_recv().ok();
        }
        for (p, batch) in pending.drain() {
            publish(&ctx, &edge, p, batch, &confirmations, &shared).await;
        }
    }
}

async fn publish(
    ctx: &async_nats::jetstream::Context,
    edge: &str,
    partition: u16,
    batch: Pending,
    confirmations: &Confirmations,
    shared: &Shared,
) {
    let conns: BTreeSet<u64> = batch.frames.iter().map(|(c, _)| *c).collect();
    let body = FrameBatch {
        edge: edge.to_owned(),
        frames: batch.frames,
    }
    .encode();
    let sent = ctx.publish(subject::frames(partition), body.into()).await;
    let closing = shared.clone();
    let failed = move |why: String| {
        warn(
            "ingest",
            format!("a batch was not confirmed by the stream ({why}); closing its {} connections so their terminals send again", conns.len()),
        );
        let c = lock(&closing);
        for conn in conns {
            if let Some(n) = c.closers.get(&conn) {
                n.notify_one();
            }
        }
    };
    match sent {
        Ok(ack) => confirmations.watch(ack.into_future(), failed).await,
        Err(e) => failed(e.to_string()),
    }
}
