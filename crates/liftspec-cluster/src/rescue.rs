//! The rescue role: owns districts (one writer per district, fenced by a lease) and runs each
//! one's [`DistrictDesk`], fed by the district's detections.
//!
//! A district's desk is made durable as on one machine, by its logged calls (replayed at a
//! start), committed with the detections' stream position and the lifts' last detection
//! ordinals.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use liftspec_platform::config::Setup;

use crate::desk::{districts, District, DistrictDesk};
use crate::jet;
use crate::message::{subject, PublishedDetection};
use crate::node::{warn, ClusterError, Node, CONNECT_PATIENCE};
use crate::pg::{self, Lease};

/// Runs the rescue role until `stop` is set, owning every district whose lease it can take.
pub async fn run(
    setup: Arc<Setup>,
    node: Node,
    stop: Arc<AtomicBool>,
    ready: impl FnOnce(),
) -> Result<(), ClusterError> {
    let db = pg::connect(&node.postgres).await?;
    let (_nats, ctx) = jet::connect(&node.nats, CONNECT_PATIENCE).await?;
    jet::ensure_streams(&ctx, node.retention).await?;
    let all = Arc::new(districts(&setup.fleet));
    let alive = pg::keep_alive(&node.postgres, &node.name, "rescue").await?;
    ready();
    let mut owned: HashMap<u32, tokio::task::JoinHandle<Result<(), ClusterError>>> = HashMap::new();
    loop {
        if stop.load(Ordering::Relaxed) {
            for (_, t) in owned.drain() {
                t.abort();
            }
            alive.abort();
            pg::leave(&db, &node.name).await?;
            return Ok(());
        }
        owned.retain(|r, t| {
            if t.is_finished() {
                warn(
                    "rescue",
                    format!("district {r} stopped; taking it again from its log"),
                );
            }
            !t.is_finished()
        });
        for &region in all.keys() {
            if owned.contains_key(&region) {
                continue;
            }
            match pg::take_lease(&db, "district", i64::from(region), &node.name).await {
                Ok(Some(lease)) => {
                    let task = tokio::spawn(own(
                        setup.clone(),
                        node.clone(),
                        ctx.clone(),
                        all.clone(),
                        region,
                        lease,
                    ));
                    owned.insert(region, task);
                }
                Ok(None) => {}
                Err(e) => warn("rescue", format!("taking district {region}: {e}")),
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

async fn own(
    setup: Arc<Setup>,
    node: Node,
    ctx: async_nats::jetstream::Context,
    all: Arc<BTreeMap<u32, District>>,
    region: u32,
    lease: Lease,
) -> Result<(), ClusterError> {
    let r = own_inner(&setup, &node, &ctx, &all, region, lease).await;
    if let Err(e) = &r {
        warn("rescue", format!("district {region}: {e} ({})", e.code()));
    }
    r
}

async fn own_inner(
    setup: &Setup,
    node: &Node,
    ctx: &async_nats::jetstream::Context,
    all: &BTreeMap<u32, District>,
    region: u32,
    lease: Lease,
) -> Result<(), ClusterError> {
    let mut db = pg::open(&node.postgres).await?;
    let district = all.get(&region).cloned().unwrap_or_default();
    let mut desk = DistrictDesk::new(setup, region, &district);
    for (i, (at, body)) in pg::rescue_log(&db, region).await?.iter().enumerate() {
        desk.replay(*at, body).map_err(|why| ClusterError::Io {
            what: format!("replaying rescue call {} of district {region}", i + 1),
            why,
        })?;
    }
    let lifts: std::collections::HashSet<u32> = setup
        .fleet
        .lifts
        .iter()
        .enumerate()
        .filter(|(_, l)| l.equipment.location.region_code == region)
        .map(|(i, _)| i as u32)
        .collect();
    for (lift, ordinal) in pg::rescue_seen(&db).await? {
        if lifts.contains(&lift) {
            desk.seen(lift, ordinal);
        }
    }
    let consumer = jet::consumer_after(
        ctx,
        subject::DETECTIONS_STREAM,
        &format!("district-{region}"),
        subject::detections(region),
        lease.stream_seq,
    )
    .await?;
    let mut position = lease.stream_seq;
    loop {
        let mut batch = consumer
            .batch()
            .max_messages(1_024)
            .expires(Duration::from_millis(100))
            .messages()
            .await
            .map_err(jet::js)?;
        let mut last = None;
        while let Some(m) = batch.next().await {
            let m = m.map_err(jet::js)?;
            let Some(seq) = jet::fresh(&m, position)? else {
                continue;
            };
            position = seq;
            match PublishedDetection::decode(&m.payload) {
                Ok(d) => {
                    if let Some(p) = desk.take(d) {
                        warn("rescue", p);
                    }
                }
                Err(e) => warn("rescue", format!("detection {seq}: {e} ({})", e.code())),
            }
            last = Some(m);
        }
        let Some(last) = last else { continue };
        let sealed = desk.seal(position);
        pg::commit_rescue(&mut db, lease, &sealed).await?;
        last.ack().await.map_err(jet::js)?;
    }
}
