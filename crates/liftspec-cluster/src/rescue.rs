//! The rescue role: owns districts (one writer per district, fenced by a lease), and for each
//! runs the 96333 rescue service over the district's lifts and crews, fed by the district's
//! detections.
//!
//! A district's rescue service is made durable as on one machine, by its logged calls (replayed
//! at a start), committed with the detections' stream position and the lifts' last detection
//! ordinals, so a detection published twice (a worker restarted between publishing and its
//! checkpoint) reports nothing twice.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use liftspec_model::time::Timestamp;
use liftspec_platform::config::Setup;
use liftspec_platform::engine::RESCUE_TICK_MS;
use liftspec_platform::fleet::Fleet;
use liftspec_platform::pipeline::LiftDetection;
use liftspec_platform::rescue_log::RescueCall;
use liftspec_rescue::dispatch::CrewSite;
use liftspec_rescue::service::{LiftSite, ReportBy, RescueService};

use crate::jet;
use crate::message::{subject, PublishedDetection};
use crate::node::{warn, ClusterError, Node, CONNECT_PATIENCE};
use crate::pg::{self, Lease, RescueBatch, StoredIncident};

/// A district's share of the fleet: its lifts (rescue sites) and the crews stationed nearest to
/// its lifts.
#[derive(Debug, Clone, Default)]
pub struct District {
    /// Its lifts.
    pub sites: Vec<LiftSite>,
    /// Its crews.
    pub crews: Vec<CrewSite>,
}

/// The fleet by district (GB/T 2260 code). A crew belongs to the district of the lift nearest
/// to its station (liftspec's default; a registry that assigns crews to districts would say so).
pub fn districts(fleet: &Fleet) -> BTreeMap<u32, District> {
    let mut out: BTreeMap<u32, District> = BTreeMap::new();
    let sites = fleet.sites();
    let region_of: HashMap<String, u32> = fleet
        .lifts
        .iter()
        .map(|l| {
            (
                l.equipment.registration_code.to_string(),
                l.equipment.location.region_code,
            )
        })
        .collect();
    for s in &sites {
        if let Some(r) = region_of.get(s.registration_code.as_str()) {
            out.entry(*r).or_default().sites.push(s.clone());
        }
    }
    for c in &fleet.crews {
        let nearest = sites.iter().min_by(|a, b| {
            a.point
                .distance_m(c.point)
                .total_cmp(&b.point.distance_m(c.point))
        });
        if let Some(r) = nearest.and_then(|s| region_of.get(s.registration_code.as_str())) {
            out.entry(*r).or_default().crews.push(c.clone());
        }
    }
    out
}

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
    ready();
    let mut owned: HashMap<u32, tokio::task::JoinHandle<Result<(), ClusterError>>> = HashMap::new();
    loop {
        if stop.load(Ordering::Relaxed) {
            for (_, t) in owned.drain() {
                t.abort();
            }
            pg::leave(&db, &node.name).await?;
            return Ok(());
        }
        if let Err(e) = pg::heartbeat(&db, &node.name, "rescue").await {
            warn("rescue", format!("{e} ({})", e.code()));
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

/// A district's rescue service with its clock and what it has taken.
pub struct DistrictDesk {
    region: u32,
    service: RescueService,
    sites: Vec<LiftSite>,
    calls: u64,
    now_ms: i64,
    last_tick: i64,
    seen: HashMap<u32, u64>,
    batch: RescueBatch,
}

impl DistrictDesk {
    /// A fresh desk for `region`.
    pub fn new(setup: &Setup, region: u32, district: &District) -> Self {
        Self {
            region,
            service: RescueService::new(
                setup.rescue_policy.clone(),
                district.sites.clone(),
                district.crews.clone(),
            ),
            sites: district.sites.clone(),
            calls: 0,
            now_ms: i64::MIN,
            last_tick: i64::MIN,
            seen: HashMap::new(),
            batch: RescueBatch::default(),
        }
    }

    /// Makes a logged call again (at a start). An error means the log does not fit the fleet.
    pub fn replay(&mut self, at: i64, body: &str) -> Result<(), String> {
        let call: RescueCall = serde_json::from_str(body).map_err(|e| e.to_string())?;
        self.calls += 1;
        call.apply(&mut self.service, self.calls, Timestamp::from_millis(at))
            .map_err(|e| e.to_string())?;
        self.now_ms = self.now_ms.max(at);
        if call == RescueCall::Tick {
            self.last_tick = at;
        }
        Ok(())
    }

    /// Restores what it had taken of `lift`'s detections.
    pub fn seen(&mut self, lift: u32, ordinal: u64) {
        self.seen.insert(lift, ordinal);
    }

    /// Takes a detection: a repeat is dropped; a raised entrapment is reported to the service
    /// at its detection time (the frames' clock), and the service's timer runs every
    /// [`RESCUE_TICK_MS`] of that clock. Problems are returned to be reported.
    pub fn take(&mut self, d: PublishedDetection) -> Option<String> {
        let seen = self.seen.entry(d.lift).or_default();
        if d.ordinal <= *seen {
            return None;
        }
        *seen = d.ordinal;
        self.batch.seen.push((d.lift, d.ordinal));
        self.now_ms = self.now_ms.max(d.detection.detected_at.millis());
        let mut problem = None;
        let x = LiftDetection {
            lift: d.lift,
            detection: d.detection,
        };
        if x.is_entrapment() {
            let call = RescueCall::Report {
                by: ReportBy::Telemetry(d.registration_code.clone()),
                persons: 1,
                floor: x.detection.floor,
                since: Some(x.detection.at),
            };
            if let Err(e) = self.call(call) {
                problem = Some(format!(
                    "entrapment at {} not reported to the rescue service: {e}",
                    d.registration_code
                ));
            }
        }
        if self.now_ms.saturating_sub(self.last_tick) >= RESCUE_TICK_MS
            && self.service.incidents().iter().any(|i| i.stage.open())
        {
            self.last_tick = self.now_ms;
            let _ = self.call(RescueCall::Tick);
        }
        problem
    }

    fn call(&mut self, call: RescueCall) -> Result<(), liftspec_rescue::service::RescueError> {
        let at = Timestamp::from_millis(self.now_ms);
        call.apply(&mut self.service, self.calls + 1, at)?;
        self.calls += 1;
        if self.batch.calls.is_empty() {
            self.batch.first = self.calls;
        }
        self.batch.calls.push((
            self.now_ms,
            serde_json::to_string(&call).unwrap_or_default(),
        ));
        Ok(())
    }

    /// The incidents now.
    pub fn incidents(&self) -> Vec<StoredIncident> {
        self.service
            .incidents()
            .iter()
            .map(|i| StoredIncident {
                region: self.region,
                id: i.id.to_string(),
                registration_code: self
                    .sites
                    .get(i.lift as usize)
                    .map(|s| s.registration_code.to_string())
                    .unwrap_or_default(),
                trapped_since_ms: i.trapped_since.millis(),
                reported_at_ms: i.reported_at.millis(),
                stage: format!("{:?}", i.stage),
            })
            .collect()
    }

    /// Ends the batch: what to commit, up to stream position `stream_seq`.
    pub fn seal(&mut self, stream_seq: u64) -> RescueBatch {
        let mut b = std::mem::take(&mut self.batch);
        b.incidents = self.incidents();
        b.stream_seq = stream_seq;
        b
    }
}

async fn own_inner(
    setup: &Setup,
    node: &Node,
    ctx: &async_nats::jetstream::Context,
    all: &BTreeMap<u32, District>,
    region: u32,
    lease: Lease,
) -> Result<(), ClusterError> {
    let mut db = pg::connect(&node.postgres).await?;
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
            let info = m.info().map_err(jet::js)?;
            let seq = info.stream_sequence;
            if info.delivered > 1 {
                return Err(jet::js(format!(
                    "detection {seq} delivered again; replaying from the log"
                ))
                .into());
            }
            if seq <= position {
                continue;
            }
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
