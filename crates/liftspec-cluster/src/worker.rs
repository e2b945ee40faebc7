//! The worker role: owns the partitions rendezvous hashing gives it among the live workers,
//! and runs a [`Shard`] for each.
//!
//! For each batch it pulls from a partition's consumer: take the frames, publish the
//! detections (message ids make a repeat harmless), commit the checkpoints with the stream
//! position (fenced by the lease), then acknowledge the messages and send the Acks to the
//! edges. Any error restarts the partition from its checkpoint, in order; a partition that
//! moves to another worker is committed and released first.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use liftspec_model::time::Timestamp;
use liftspec_platform::config::{Clock, Setup};

use crate::jet;
use crate::message::{subject, FrameBatch};
use crate::node::{warn, ClusterError, Node, CONNECT_PATIENCE};
use crate::partition::owner;
use crate::pg::{self, Lease};
use crate::shard::Shard;

/// Messages pulled per batch at most (each a batch of frames).
pub const PULL_MESSAGES: usize = 32;

/// How long a pull waits for messages before the batch in hand is committed.
pub const PULL_WAIT: Duration = Duration::from_millis(50);

/// How often a worker heartbeats and looks at who owns what.
pub const CONTROL_EVERY: Duration = Duration::from_millis(500);

/// How long a starting worker heartbeats before it takes partitions.
pub const SETTLE: Duration = Duration::from_millis(1_500);

fn wall() -> Timestamp {
    Timestamp::from_millis(chrono_now_ms())
}

fn chrono_now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

struct Owned {
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<Result<(), ClusterError>>,
}

/// Runs a worker until `stop` is set: then commits and releases its partitions and leaves.
pub async fn run(
    setup: Arc<Setup>,
    node: Node,
    stop: Arc<AtomicBool>,
    ready: impl FnOnce(),
) -> Result<(), ClusterError> {
    let db = pg::connect(&node.postgres).await?;
    let (nats, ctx) = jet::connect(&node.nats, CONNECT_PATIENCE).await?;
    jet::ensure_streams(&ctx, node.retention).await?;
    // Its own task and connection: a turn of this loop taking many leases, or partitions busy
    // committing, must not make a live worker look dead.
    let alive = pg::keep_alive(&node.postgres, &node.name, "worker").await?;
    // Workers started together see each other before they share the partitions out, rather
    // than each take all and hand most back.
    tokio::time::sleep(SETTLE).await;
    ready();
    let mut owned: HashMap<u16, Owned> = HashMap::new();
    loop {
        let stopping = stop.load(Ordering::Relaxed);
        // A failed query (the database restarting) is retried on the next turn; the
        // partitions run on meanwhile, fenced.
        let live = match pg::live(&db, "worker").await {
            Ok(live) => live,
            Err(e) => {
                warn("worker", format!("{}: {e}", e.code()));
                tokio::time::sleep(CONTROL_EVERY).await;
                continue;
            }
        };
        owned.retain(|p, o| {
            if o.task.is_finished() {
                // Asked to stop: handed over. Otherwise it failed (and said why).
                if !o.stop.load(Ordering::Relaxed) {
                    warn(
                        "worker",
                        format!("partition {p} stopped; taking it again from its checkpoint"),
                    );
                }
                false
            } else {
                true
            }
        });
        for p in node.partitions.all() {
            let mine = !stopping && owner(p, &live).map(String::as_str) == Some(node.name.as_str());
            match (mine, owned.get(&p)) {
                (true, None) => {
                    match pg::take_lease(&db, "partition", i64::from(p), &node.name).await {
                        Ok(Some(lease)) => {
                            let flag = Arc::new(AtomicBool::new(false));
                            let task = tokio::spawn(own(
                                setup.clone(),
                                node.clone(),
                                nats.clone(),
                                ctx.clone(),
                                p,
                                lease,
                                flag.clone(),
                            ));
                            owned.insert(p, Owned { stop: flag, task });
                        }
                        // Its owner is still handing it over.
                        Ok(None) => {}
                        Err(e) => warn("worker", format!("taking partition {p}: {e}")),
                    }
                }
                (false, Some(o)) => o.stop.store(true, Ordering::Relaxed),
                _ => {}
            }
        }
        if stopping {
            for (_, o) in owned.drain() {
                o.stop.store(true, Ordering::Relaxed);
                if let Ok(Err(e)) = o.task.await {
                    warn("worker", format!("stopping: {e}"));
                }
            }
            alive.abort();
            pg::leave(&db, &node.name).await?;
            return Ok(());
        }
        tokio::time::sleep(CONTROL_EVERY).await;
    }
}

/// Owns one partition under `lease` until told to stop (commit, release) or an error (the
/// control loop takes it again from the checkpoint).
async fn own(
    setup: Arc<Setup>,
    node: Node,
    nats: async_nats::Client,
    ctx: async_nats::jetstream::Context,
    partition: u16,
    lease: Lease,
    stop: Arc<AtomicBool>,
) -> Result<(), ClusterError> {
    let result = own_inner(&setup, &node, &nats, &ctx, partition, lease, &stop).await;
    if let Err(e) = &result {
        warn(
            "worker",
            format!("partition {partition}: {e} ({})", e.code()),
        );
    }
    result
}

async fn own_inner(
    setup: &Setup,
    node: &Node,
    nats: &async_nats::Client,
    ctx: &async_nats::jetstream::Context,
    partition: u16,
    lease: Lease,
    stop: &AtomicBool,
) -> Result<(), ClusterError> {
    let mut db = pg::open(&node.postgres).await?;
    let mut shard = Shard::new(
        &setup.fleet,
        node.partitions,
        partition,
        setup.thresholds.clone(),
        // The lease's epoch numbers this owner's frames to devices afresh (§8.6).
        (lease.epoch as u32).max(1),
    );
    for c in pg::checkpoints(&db, partition).await? {
        shard.restore(c);
    }
    let consumer = jet::consumer_after(
        ctx,
        subject::FRAMES_STREAM,
        &format!("partition-{partition}"),
        subject::frames(partition),
        lease.stream_seq,
    )
    .await?;
    let mut position = lease.stream_seq;
    let mut last_tick = chrono_now_ms();
    loop {
        if stop.load(Ordering::Relaxed) {
            pg::release(&db, "partition", lease).await?;
            return Ok(());
        }
        let mut batch = consumer
            .batch()
            .max_messages(PULL_MESSAGES)
            .expires(PULL_WAIT)
            .messages()
            .await
            .map_err(jet::js)?;
        let mut last = None;
        while let Some(m) = batch.next().await {
            // Handed over mid-pull: commit what was taken, leave the rest to the new owner
            // (it replays from this commit's position).
            if stop.load(Ordering::Relaxed) {
                break;
            }
            let m = m.map_err(jet::js)?;
            let Some(seq) = jet::fresh(&m, position)? else {
                continue;
            };
            position = seq;
            match FrameBatch::decode(&m.payload) {
                Ok(b) => shard.take(&b, setup.clock, wall()),
                Err(e) => warn(
                    "worker",
                    format!(
                        "partition {partition}: stream message {seq}: {e} ({})",
                        e.code()
                    ),
                ),
            }
            last = Some(m);
            // A message is thousands of frames: let the heartbeat and the other partitions
            // run, or a busy worker looks dead and its partitions are taken from it.
            tokio::task::yield_now().await;
        }
        if setup.clock == Clock::Wall && chrono_now_ms() - last_tick >= 1_000 {
            last_tick = chrono_now_ms();
            shard.tick(wall());
        }
        if last.is_none() && !shard.has_pending() {
            continue;
        }
        let sealed = shard.seal();
        // 1. Publish the detections (each acknowledged by the stream).
        let mut acks = Vec::with_capacity(sealed.detections.len());
        for d in &sealed.detections {
            let publish = async_nats::jetstream::message::PublishMessage::build()
                .payload(d.encode().into())
                .message_id(d.message_id());
            acks.push(
                ctx.send_publish(subject::detections(d.region_code), publish)
                    .await
                    .map_err(jet::js)?,
            );
        }
        for a in acks {
            a.await.map_err(jet::js)?;
        }
        // 2. Commit, fenced.
        pg::commit_partition(
            &mut db,
            lease,
            &sealed.checkpoints,
            &sealed.detections,
            position,
            sealed.frames,
        )
        .await?;
        // 3. Acknowledge the stream (all up to the last) and the terminals.
        if let Some(m) = last {
            m.ack().await.map_err(jet::js)?;
        }
        for r in &sealed.refused {
            warn(
                "worker",
                format!(
                    "partition {partition}: frame refused: {} ({})",
                    r.message, r.code
                ),
            );
        }
        for (edge, down) in shard.reply(sealed, wall()) {
            // Core NATS: an Ack lost here is made good by the terminal sending again.
            if let Err(e) = nats
                .publish(subject::edge(&edge), down.encode().into())
                .await
            {
                warn("worker", format!("answers to edge {edge} not sent: {e}"));
            }
        }
    }
}
