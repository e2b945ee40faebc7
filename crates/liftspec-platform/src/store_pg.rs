//! The platform's store in PostgreSQL: the same [`Storage`] interface as the embedded SQLite
//! [`crate::store::Store`], for a platform whose records outgrow one machine's disk, or whose
//! records other services read (the cluster's nodes use the same server).
//!
//! - **Its own tables** (`platform_*`), so one database can hold it beside the sharded
//!   deployment's tables (`liftspec-cluster`).
//! - **Versioned.** `platform_meta` holds the schema version; a database from a newer liftspec
//!   is refused, never misread. Two processes opening one database at once create the tables
//!   once (an advisory lock).
//! - **A batch is one transaction.** Checkpoints go in one statement (`unnest` of arrays), so
//!   a group commit costs a few round trips, not one per device.
//! - **A thread of its own.** The synchronous client runs on a dedicated thread that owns the
//!   connection; the store hands it jobs and waits for the answer. So the store works from any
//!   thread, including one that drives an async runtime (the service's engine thread).
//!
//! ```no_run
//! use liftspec_platform::{config::Setup, engine::Engine, fleet::Fleet, store_pg::PgStore};
//! let store = PgStore::connect("postgresql://liftspec@127.0.0.1:5432/liftspec")?;
//! let engine = Engine::open(Setup::new(Fleet::default()), store, &[])?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::sync::mpsc;
use std::thread::JoinHandle;

use liftspec_model::record::Record;
use postgres::{Client, NoTls};

use crate::pipeline::DeviceState;
use crate::store::{
    decode_state, encode_state, from_body, kind_of, lift_of, to_body, Batch, Storage, StoreError,
    StoredAnswer, StoredDetection,
};

/// The schema version this liftspec writes in PostgreSQL.
pub const SCHEMA_VERSION: i64 = 1;

/// Taken while the schema is created or checked (any number unique to this schema).
const SCHEMA_LOCK: i64 = 7_310_514;

const SCHEMA: &str = "
create table if not exists platform_meta (key text primary key, value bigint not null);
create table if not exists platform_device_state (
    device text primary key, version bigint not null, state bytea not null);
create table if not exists platform_detection (
    id bigserial primary key, lift bigint not null, device text not null, kind text not null,
    raised boolean not null, at_ms bigint not null, detected_at_ms bigint not null,
    body text not null);
create index if not exists platform_detection_device on platform_detection (device, id);
create table if not exists platform_rescue_call (
    id bigserial primary key, at_ms bigint not null, body text not null);
create table if not exists platform_record (
    id bigserial primary key, kind text not null, lift text, body text not null);
create index if not exists platform_record_lift on platform_record (lift, id);
create table if not exists platform_idempotency (
    key text primary key, request text not null, status int not null, response text not null);
";

type Job = Box<dyn FnOnce(&mut Client) + Send>;

/// The store in PostgreSQL.
pub struct PgStore {
    jobs: Option<mpsc::Sender<Job>>,
    thread: Option<JoinHandle<()>>,
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        Self::Postgres(e.to_string())
    }
}

fn gone() -> StoreError {
    StoreError::Postgres("the database connection's thread has stopped".into())
}

impl PgStore {
    /// Connects to `url` (a libpq URL or `key=value` string), creates or checks the schema.
    pub fn connect(url: &str) -> Result<Self, StoreError> {
        let (jobs, inbox) = mpsc::channel::<Job>();
        let (ready, opened) = mpsc::sync_channel::<Result<(), StoreError>>(1);
        let url = url.to_owned();
        let thread = std::thread::Builder::new()
            .name("liftspec-postgres".into())
            .spawn(move || {
                let mut client = match open(&url) {
                    Ok(c) => c,
                    Err(e) => {
                        let _ = ready.send(Err(e));
                        return;
                    }
                };
                let _ = ready.send(Ok(()));
                for job in inbox {
                    job(&mut client);
                }
            })
            .map_err(|e| StoreError::Postgres(format!("starting its thread: {e}")))?;
        let store = Self {
            jobs: Some(jobs),
            thread: Some(thread),
        };
        opened.recv().map_err(|_| gone())??;
        Ok(store)
    }

    /// Runs `f` on the connection's thread and waits for its answer.
    fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Client) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (tx, rx) = mpsc::sync_channel(1);
        let job: Job = Box::new(move |c| {
            let _ = tx.send(f(c));
        });
        self.jobs
            .as_ref()
            .ok_or_else(gone)?
            .send(job)
            .map_err(|_| gone())?;
        rx.recv().map_err(|_| gone())?
    }
}

impl Drop for PgStore {
    fn drop(&mut self) {
        // Closing the queue ends the thread's loop, which closes the connection.
        drop(self.jobs.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Connects and creates or checks the schema, under an advisory lock.
fn open(url: &str) -> Result<Client, StoreError> {
    let mut client = Client::connect(url, NoTls)?;
    client.execute("select pg_advisory_lock($1)", &[&SCHEMA_LOCK])?;
    let made = (|| {
        client.batch_execute(SCHEMA)?;
        let found: Option<i64> = client
            .query_opt("select value from platform_meta where key = 'schema'", &[])?
            .map(|r| r.get(0));
        match found {
            None => {
                client.execute(
                    "insert into platform_meta (key, value) values ('schema', $1)",
                    &[&SCHEMA_VERSION],
                )?;
                Ok(())
            }
            Some(v) if v > SCHEMA_VERSION => Err(StoreError::NewerSchema {
                found: v,
                supported: SCHEMA_VERSION,
            }),
            Some(_) => Ok(()),
        }
    })();
    client.execute("select pg_advisory_unlock($1)", &[&SCHEMA_LOCK])?;
    made.map(|()| client)
}

/// A batch encoded on the caller's thread, ready to write.
struct Rows {
    devices: Vec<String>,
    states: Vec<Vec<u8>>,
    detections: Vec<(i64, String, String, bool, i64, i64, String)>,
    calls: Vec<(i64, String)>,
    records: Vec<(&'static str, Option<String>, String)>,
    answers: Vec<(String, String, i32, String)>,
}

impl Rows {
    fn of(batch: &Batch) -> Result<Self, StoreError> {
        let mut rows = Self {
            devices: Vec::with_capacity(batch.states.len()),
            states: Vec::with_capacity(batch.states.len()),
            detections: Vec::with_capacity(batch.detections.len()),
            calls: batch.rescue_calls.clone(),
            records: Vec::with_capacity(batch.records.len()),
            answers: Vec::with_capacity(batch.answers.len()),
        };
        for (device, state) in &batch.states {
            rows.states.push(encode_state(device, state)?);
            rows.devices.push(device.clone());
        }
        for d in &batch.detections {
            rows.detections.push((
                i64::from(d.lift),
                d.device.clone(),
                format!("{:?}", d.detection.kind),
                d.detection.raised,
                d.detection.at.millis(),
                d.detection.detected_at.millis(),
                to_body("detection", d)?,
            ));
        }
        for r in &batch.records {
            rows.records
                .push((kind_of(r), lift_of(r), to_body("record", r)?));
        }
        for (key, request, status, response) in &batch.answers {
            rows.answers.push((
                key.clone(),
                request.clone(),
                i32::from(*status),
                response.clone(),
            ));
        }
        Ok(rows)
    }

    fn write(self, client: &mut Client) -> Result<Vec<i64>, StoreError> {
        let mut tx = client.transaction()?;
        if !self.devices.is_empty() {
            tx.execute(
                "insert into platform_device_state (device, version, state)
                 select device, $2, state from unnest($1::text[], $3::bytea[]) as t(device, state)
                 on conflict (device) do update
                 set version = excluded.version, state = excluded.state",
                &[
                    &self.devices,
                    &i64::from(DeviceState::VERSION),
                    &self.states,
                ],
            )?;
        }
        let mut ids = Vec::with_capacity(self.detections.len());
        if !self.detections.is_empty() {
            let put = tx.prepare(
                "insert into platform_detection
                 (lift, device, kind, raised, at_ms, detected_at_ms, body)
                 values ($1, $2, $3, $4, $5, $6, $7) returning id",
            )?;
            for (lift, device, kind, raised, at, detected_at, body) in &self.detections {
                let row =
                    tx.query_one(&put, &[lift, device, kind, raised, at, detected_at, body])?;
                ids.push(row.get(0));
            }
        }
        if !self.calls.is_empty() {
            let put =
                tx.prepare("insert into platform_rescue_call (at_ms, body) values ($1, $2)")?;
            for (at, body) in &self.calls {
                tx.execute(&put, &[at, body])?;
            }
        }
        if !self.records.is_empty() {
            let put =
                tx.prepare("insert into platform_record (kind, lift, body) values ($1, $2, $3)")?;
            for (kind, lift, body) in &self.records {
                tx.execute(&put, &[kind, lift, body])?;
            }
        }
        if !self.answers.is_empty() {
            let put = tx.prepare(
                "insert into platform_idempotency (key, request, status, response)
                 values ($1, $2, $3, $4)",
            )?;
            for (key, request, status, response) in &self.answers {
                tx.execute(&put, &[key, request, status, response])?;
            }
        }
        tx.commit()?;
        Ok(ids)
    }
}

impl Storage for PgStore {
    fn schema_version(&self) -> Result<i64, StoreError> {
        self.run(|c| {
            Ok(
                c.query_one("select value from platform_meta where key = 'schema'", &[])?
                    .get(0),
            )
        })
    }

    fn boot(&mut self) -> Result<u32, StoreError> {
        self.run(|c| {
            let boot: i64 = c
                .query_one(
                    "insert into platform_meta (key, value) values ('boot', 1)
                     on conflict (key) do update set value = platform_meta.value + 1
                     returning value",
                    &[],
                )?
                .get(0);
            Ok(u32::try_from(boot).unwrap_or(u32::MAX))
        })
    }

    fn commit(&mut self, batch: &Batch) -> Result<Vec<i64>, StoreError> {
        let rows = Rows::of(batch)?;
        self.run(move |c| rows.write(c))
    }

    fn states(&self) -> Result<Vec<(String, DeviceState)>, StoreError> {
        self.run(|c| {
            c.query(
                "select device, version, state from platform_device_state",
                &[],
            )?
            .into_iter()
            .map(|r| decode_state(r.get(0), r.get(1), r.get::<_, &[u8]>(2)))
            .collect()
        })
    }

    fn detections(
        &self,
        after: i64,
        device: Option<&str>,
        kind: Option<&str>,
        limit: u32,
    ) -> Result<Vec<StoredDetection>, StoreError> {
        let (device, kind) = (device.map(str::to_owned), kind.map(str::to_owned));
        self.run(move |c| {
            c.query(
                "select id, body from platform_detection
                 where id > $1 and ($2::text is null or device = $2)
                   and ($3::text is null or kind = $3)
                 order by id limit $4",
                &[&after, &device, &kind, &i64::from(limit)],
            )?
            .into_iter()
            .map(|r| {
                let mut d: StoredDetection = from_body("detection", r.get(1))?;
                d.id = r.get(0);
                Ok(d)
            })
            .collect()
        })
    }

    fn rescue_calls(&self) -> Result<Vec<(i64, String)>, StoreError> {
        self.run(|c| {
            Ok(c.query(
                "select at_ms, body from platform_rescue_call order by id",
                &[],
            )?
            .into_iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
        })
    }

    fn records(&self, lift: Option<&str>) -> Result<Vec<Record>, StoreError> {
        let lift = lift.map(str::to_owned);
        self.run(move |c| {
            c.query(
                "select body from platform_record
                 where ($1::text is null or lift = $1) order by id",
                &[&lift],
            )?
            .into_iter()
            .map(|r| from_body("record", r.get(0)))
            .collect()
        })
    }

    fn record_count(&self) -> Result<u64, StoreError> {
        self.run(|c| {
            let n: i64 = c
                .query_one("select count(*) from platform_record", &[])?
                .get(0);
            Ok(u64::try_from(n).unwrap_or(0))
        })
    }

    fn answer(&self, key: &str) -> Result<Option<StoredAnswer>, StoreError> {
        let key = key.to_owned();
        self.run(move |c| {
            Ok(c.query_opt(
                "select request, status, response from platform_idempotency where key = $1",
                &[&key],
            )?
            .map(|r| StoredAnswer {
                request: r.get(0),
                status: u16::try_from(r.get::<_, i32>(1)).unwrap_or(u16::MAX),
                response: r.get(2),
            }))
        })
    }
}
