//! The cluster's durable state in PostgreSQL: who is alive, who owns which partition (fenced
//! by an epoch), the devices' checkpoints with each partition's stream position, the
//! detections, and each district's rescue log.
//!
//! Every write of a partition or a district is fenced: it runs in a transaction that first
//! locks the lease row and checks the writer's epoch, so a worker that lost its partition (it
//! was presumed dead and another took over) cannot write after the new owner started.

use std::time::Duration;

use liftspec_platform::pipeline::DeviceState;
use tokio_postgres::{Client, NoTls};

use crate::desk::{RescueBatch, StoredIncident};
use crate::message::PublishedDetection;
use crate::shard::Checkpoint;

/// The schema's version: a newer database is refused.
pub const SCHEMA_VERSION: i32 = 1;

/// How long a worker counts as alive after its last heartbeat.
pub const LIVE_FOR: Duration = Duration::from_secs(3);

/// Why the database failed.
#[derive(Debug, thiserror::Error)]
pub enum PgError {
    /// The database (connection, statement).
    #[error("postgresql: {0}")]
    Db(#[from] tokio_postgres::Error),
    /// The lease was taken over: this writer must stop writing the partition or district.
    #[error("{what} {key} is owned by another writer now (epoch {epoch} is stale)")]
    Fenced {
        /// "partition" or "district".
        what: &'static str,
        /// Which.
        key: i64,
        /// The stale epoch.
        epoch: i64,
    },
    /// The database's schema is newer than this build.
    #[error("the database has schema version {found}; this build knows up to {SCHEMA_VERSION}")]
    SchemaTooNew {
        /// What the database has.
        found: i32,
    },
    /// A stored checkpoint cannot be read.
    #[error("checkpoint of {device}: {why}")]
    BadCheckpoint {
        /// The device.
        device: String,
        /// Why.
        why: String,
    },
}

impl PgError {
    /// A stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Db(_) => "pg.db",
            Self::Fenced { .. } => "pg.fenced",
            Self::SchemaTooNew { .. } => "pg.schema_too_new",
            Self::BadCheckpoint { .. } => "pg.bad_checkpoint",
        }
    }
}

const SCHEMA: &str = "
create table if not exists liftspec_schema (version int not null);
create table if not exists worker (name text primary key, role text not null, seen timestamptz not null);
create table if not exists partition_lease (
    partition int primary key, owner text, epoch bigint not null default 0,
    stream_seq bigint not null default 0, frames bigint not null default 0);
create table if not exists device_state (
    device text primary key, partition int not null, version int not null,
    state bytea not null, ordinal bigint not null);
create index if not exists device_state_partition on device_state (partition);
create table if not exists detection (
    lift int not null, ordinal bigint not null, device text not null,
    registration_code text not null, region_code int not null, body jsonb not null,
    primary key (lift, ordinal));
create table if not exists district_lease (
    region int primary key, owner text, epoch bigint not null default 0,
    stream_seq bigint not null default 0);
create table if not exists rescue_call (
    region int not null, n bigint not null, at_ms bigint not null, body text not null,
    primary key (region, n));
create table if not exists rescue_seen (lift int primary key, ordinal bigint not null);
create table if not exists incident (
    region int not null, id text not null, registration_code text not null,
    trapped_since_ms bigint not null, reported_at_ms bigint not null, stage text not null,
    primary key (region, id));
";

/// Connects to `url` (a libpq URL or key=value string), without touching the schema: for a
/// node's further connections, after [`connect`].
pub async fn open(url: &str) -> Result<Client, PgError> {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            eprintln!("liftspec cluster: postgresql connection closed: {e}");
        }
    });
    Ok(client)
}

/// Connects to `url` (a libpq URL or key=value string) and creates or checks the schema.
pub async fn connect(url: &str) -> Result<Client, PgError> {
    let client = open(url).await?;
    // Two processes starting at once must not both create the tables.
    client
        .batch_execute("select pg_advisory_lock(7310513)")
        .await?;
    let made = async {
        client.batch_execute(SCHEMA).await?;
        let found: Option<i32> = client
            .query_opt("select version from liftspec_schema", &[])
            .await?
            .map(|r| r.get(0));
        match found {
            None => {
                client
                    .execute(
                        "insert into liftspec_schema values ($1)",
                        &[&SCHEMA_VERSION],
                    )
                    .await?;
                Ok(())
            }
            Some(v) if v > SCHEMA_VERSION => Err(PgError::SchemaTooNew { found: v }),
            Some(_) => Ok(()),
        }
    }
    .await;
    client
        .batch_execute("select pg_advisory_unlock(7310513)")
        .await?;
    made.map(|()| client)
}

/// Records that node `name`, of `role` ("worker", "rescue"), is alive now.
pub async fn heartbeat(db: &Client, name: &str, role: &str) -> Result<(), PgError> {
    db.execute(
        "insert into worker values ($1, $2, now()) on conflict (name) do update set seen = now(), role = $2",
        &[&name, &role],
    )
    .await?;
    Ok(())
}

/// Heartbeats for node `name` every [`HEARTBEAT_EVERY`] on a task and a connection of its
/// own, from now until the task is aborted. A failed heartbeat is reported and tried again.
pub async fn keep_alive(
    url: &str,
    name: &str,
    role: &'static str,
) -> Result<tokio::task::JoinHandle<()>, PgError> {
    let db = open(url).await?;
    heartbeat(&db, name, role).await?;
    let name = name.to_owned();
    Ok(tokio::spawn(async move {
        loop {
            tokio::time::sleep(HEARTBEAT_EVERY).await;
            if let Err(e) = heartbeat(&db, &name, role).await {
                eprintln!("liftspec {role}: heartbeat: {e} ({})", e.code());
            }
        }
    }))
}

/// How often a node says it is alive (well inside [`LIVE_FOR`]).
pub const HEARTBEAT_EVERY: Duration = Duration::from_millis(500);

/// The nodes of `role` alive now (a heartbeat within [`LIVE_FOR`]), by name: the workers among
/// which the partitions are shared.
pub async fn live(db: &Client, role: &str) -> Result<Vec<String>, PgError> {
    let rows = db
        .query(
            "select name from worker where role = $2 and seen > now() - make_interval(secs => $1) order by name",
            &[&(LIVE_FOR.as_secs_f64()), &role],
        )
        .await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// Says worker `name` is gone (a clean stop), so its partitions move at once.
pub async fn leave(db: &Client, name: &str) -> Result<(), PgError> {
    db.execute("delete from worker where name = $1", &[&name])
        .await?;
    Ok(())
}

/// A lease taken: the owner's epoch and where its stream position stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lease {
    /// The partition or district.
    pub key: i64,
    /// This owner's epoch.
    pub epoch: i64,
    /// The last stream sequence its checkpoint includes (0: none).
    pub stream_seq: u64,
}

fn table(what: &'static str) -> (&'static str, &'static str) {
    match what {
        "partition" => ("partition_lease", "partition"),
        _ => ("district_lease", "region"),
    }
}

/// Takes the lease of `key` for `me` when it is free, already `me`'s (a restart), or held by a
/// worker no longer alive; `None` when a live worker holds it. Each take is a new epoch, which
/// fences any earlier writer.
pub async fn take_lease(
    db: &Client,
    what: &'static str,
    key: i64,
    me: &str,
) -> Result<Option<Lease>, PgError> {
    let (t, k) = table(what);
    let key32 = key as i32;
    db.execute(
        &format!("insert into {t} ({k}) values ($1) on conflict do nothing"),
        &[&key32],
    )
    .await?;
    let row = db
        .query_opt(
            &format!(
                "update {t} set owner = $2, epoch = epoch + 1 where {k} = $1 and (owner is null \
                 or owner = $2 or owner not in (select name from worker where seen > now() - \
                 make_interval(secs => $3))) returning epoch, stream_seq"
            ),
            &[&key32, &me, &(LIVE_FOR.as_secs_f64())],
        )
        .await?;
    Ok(row.map(|r| Lease {
        key,
        epoch: r.get(0),
        stream_seq: r.get::<_, i64>(1) as u64,
    }))
}

/// Gives a lease back (a clean hand-over), if `epoch` still holds it.
pub async fn release(db: &Client, what: &'static str, lease: Lease) -> Result<(), PgError> {
    let (t, k) = table(what);
    db.execute(
        &format!("update {t} set owner = null where {k} = $1 and epoch = $2"),
        &[&(lease.key as i32), &lease.epoch],
    )
    .await?;
    Ok(())
}

/// Locks the lease row in `tx` and checks the epoch.
async fn fence(
    tx: &tokio_postgres::Transaction<'_>,
    what: &'static str,
    lease: Lease,
) -> Result<(), PgError> {
    let (t, k) = table(what);
    let row = tx
        .query_opt(
            &format!("select epoch from {t} where {k} = $1 for update"),
            &[&(lease.key as i32)],
        )
        .await?;
    match row.map(|r| r.get::<_, i64>(0)) {
        Some(e) if e == lease.epoch => Ok(()),
        _ => Err(PgError::Fenced {
            what,
            key: lease.key,
            epoch: lease.epoch,
        }),
    }
}

/// The checkpoints of partition `partition`.
pub async fn checkpoints(db: &Client, partition: u16) -> Result<Vec<Checkpoint>, PgError> {
    let rows = db
        .query(
            "select device, version, state, ordinal from device_state where partition = $1",
            &[&i32::from(partition)],
        )
        .await?;
    rows.iter()
        .map(|r| {
            let device: String = r.get(0);
            let version: i32 = r.get(1);
            if version as u32 != DeviceState::VERSION {
                return Err(PgError::BadCheckpoint {
                    device,
                    why: format!(
                        "version {version}, this build reads {}",
                        DeviceState::VERSION
                    ),
                });
            }
            let bytes: Vec<u8> = r.get(2);
            let state = postcard::from_bytes(&bytes).map_err(|e| PgError::BadCheckpoint {
                device: device.clone(),
                why: e.to_string(),
            })?;
            Ok(Checkpoint {
                device,
                state,
                ordinal: r.get::<_, i64>(3) as u64,
            })
        })
        .collect()
}

/// Commits a partition's batch, fenced by `lease`: the checkpoints, the detections, and the
/// stream position `stream_seq` they include, and counts the batch's `frames`.
pub async fn commit_partition(
    db: &mut Client,
    lease: Lease,
    checkpoints: &[Checkpoint],
    detections: &[PublishedDetection],
    stream_seq: u64,
    frames: u64,
) -> Result<(), PgError> {
    let tx = db.transaction().await?;
    fence(&tx, "partition", lease).await?;
    if !checkpoints.is_empty() {
        let devices: Vec<&str> = checkpoints.iter().map(|c| c.device.as_str()).collect();
        let states: Vec<Vec<u8>> = checkpoints
            .iter()
            .map(|c| postcard::to_allocvec(&c.state).unwrap_or_default())
            .collect();
        let ordinals: Vec<i64> = checkpoints.iter().map(|c| c.ordinal as i64).collect();
        tx.execute(
            "insert into device_state (device, partition, version, state, ordinal) \
             select d, $2, $3, s, o from unnest($1::text[], $4::bytea[], $5::bigint[]) as t(d, s, o) \
             on conflict (device) do update set state = excluded.state, ordinal = excluded.ordinal, \
             version = excluded.version, partition = excluded.partition",
            &[
                &devices,
                &(lease.key as i32),
                &(DeviceState::VERSION as i32),
                &states,
                &ordinals,
            ],
        )
        .await?;
    }
    if !detections.is_empty() {
        insert_detections(&tx, detections).await?;
    }
    tx.execute(
        "update partition_lease set stream_seq = $2, frames = frames + $3 where partition = $1",
        &[&(lease.key as i32), &(stream_seq as i64), &(frames as i64)],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn insert_detections(
    tx: &tokio_postgres::Transaction<'_>,
    detections: &[PublishedDetection],
) -> Result<(), PgError> {
    let lifts: Vec<i32> = detections.iter().map(|d| d.lift as i32).collect();
    let ordinals: Vec<i64> = detections.iter().map(|d| d.ordinal as i64).collect();
    let devices: Vec<&str> = detections.iter().map(|d| d.device.as_str()).collect();
    let codes: Vec<&str> = detections
        .iter()
        .map(|d| d.registration_code.as_str())
        .collect();
    let regions: Vec<i32> = detections.iter().map(|d| d.region_code as i32).collect();
    let bodies: Vec<String> = detections
        .iter()
        .map(|d| serde_json::to_string(&d.detection).unwrap_or_default())
        .collect();
    tx.execute(
        "insert into detection (lift, ordinal, device, registration_code, region_code, body) \
         select l, o, d, c, r, b::jsonb from unnest($1::int[], $2::bigint[], $3::text[], \
         $4::text[], $5::int[], $6::text[]) as t(l, o, d, c, r, b) on conflict do nothing",
        &[&lifts, &ordinals, &devices, &codes, &regions, &bodies],
    )
    .await?;
    Ok(())
}

/// Every stored detection, by lift then ordinal.
pub async fn detections(db: &Client) -> Result<Vec<PublishedDetection>, PgError> {
    let rows = db
        .query(
            "select lift, ordinal, device, registration_code, region_code, body::text \
             from detection order by lift, ordinal",
            &[],
        )
        .await?;
    rows.iter()
        .map(|r| {
            let body: String = r.get(5);
            Ok(PublishedDetection {
                lift: r.get::<_, i32>(0) as u32,
                ordinal: r.get::<_, i64>(1) as u64,
                device: r.get(2),
                registration_code: r.get(3),
                region_code: r.get::<_, i32>(4) as u32,
                detection: serde_json::from_str(&body).map_err(|e| PgError::BadCheckpoint {
                    device: r.get(2),
                    why: format!("stored detection: {e}"),
                })?,
            })
        })
        .collect()
}

/// A district's rescue log: (time ms, call JSON), in order, and the lifts' last detection
/// ordinals it has taken.
pub async fn rescue_log(db: &Client, region: u32) -> Result<Vec<(i64, String)>, PgError> {
    let rows = db
        .query(
            "select at_ms, body from rescue_call where region = $1 order by n",
            &[&(region as i32)],
        )
        .await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// The detection ordinals the rescue role has taken, by lift.
pub async fn rescue_seen(db: &Client) -> Result<Vec<(u32, u64)>, PgError> {
    let rows = db
        .query("select lift, ordinal from rescue_seen", &[])
        .await?;
    Ok(rows
        .iter()
        .map(|r| (r.get::<_, i32>(0) as u32, r.get::<_, i64>(1) as u64))
        .collect())
}

/// Commits a district's rescue batch, fenced by `lease`.
pub async fn commit_rescue(db: &mut Client, lease: Lease, b: &RescueBatch) -> Result<(), PgError> {
    let tx = db.transaction().await?;
    fence(&tx, "district", lease).await?;
    for (i, (at, body)) in b.calls.iter().enumerate() {
        tx.execute(
            "insert into rescue_call values ($1, $2, $3, $4)",
            &[
                &(lease.key as i32),
                &((b.first + i as u64) as i64),
                at,
                body,
            ],
        )
        .await?;
    }
    for (lift, ordinal) in &b.seen {
        tx.execute(
            "insert into rescue_seen values ($1, $2) on conflict (lift) do update set ordinal = excluded.ordinal",
            &[&(*lift as i32), &(*ordinal as i64)],
        )
        .await?;
    }
    for x in &b.incidents {
        tx.execute(
            "insert into incident values ($1, $2, $3, $4, $5, $6) on conflict (region, id) do update \
             set stage = excluded.stage, reported_at_ms = excluded.reported_at_ms",
            &[
                &(x.region as i32),
                &x.id,
                &x.registration_code,
                &x.trapped_since_ms,
                &x.reported_at_ms,
                &x.stage,
            ],
        )
        .await?;
    }
    tx.execute(
        "update district_lease set stream_seq = $2 where region = $1",
        &[&(lease.key as i32), &(b.stream_seq as i64)],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Every stored incident.
pub async fn incidents(db: &Client) -> Result<Vec<StoredIncident>, PgError> {
    let rows = db
        .query(
            "select region, id, registration_code, trapped_since_ms, reported_at_ms, stage \
             from incident order by region, id",
            &[],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| StoredIncident {
            region: r.get::<_, i32>(0) as u32,
            id: r.get(1),
            registration_code: r.get(2),
            trapped_since_ms: r.get(3),
            reported_at_ms: r.get(4),
            stage: r.get(5),
        })
        .collect())
}

/// Frames the partitions' checkpoints include, in all (a frame sent again counts again).
pub async fn frames_committed(db: &Client) -> Result<u64, PgError> {
    let n: Option<i64> = db
        .query_one("select sum(frames)::bigint from partition_lease", &[])
        .await?
        .get(0);
    Ok(n.unwrap_or_default() as u64)
}

/// The stream position of every partition's checkpoint, and of every district's rescue log.
pub async fn positions(db: &Client) -> Result<(Vec<(u16, u64)>, Vec<(u32, u64)>), PgError> {
    let p = db
        .query(
            "select partition, stream_seq from partition_lease order by 1",
            &[],
        )
        .await?;
    let d = db
        .query(
            "select region, stream_seq from district_lease order by 1",
            &[],
        )
        .await?;
    Ok((
        p.iter()
            .map(|r| (r.get::<_, i32>(0) as u16, r.get::<_, i64>(1) as u64))
            .collect(),
        d.iter()
            .map(|r| (r.get::<_, i32>(0) as u32, r.get::<_, i64>(1) as u64))
            .collect(),
    ))
}
