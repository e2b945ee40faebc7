//! The durable store: every device's checkpoint, the detections, the rescue service's calls,
//! the records and the answers to idempotent requests, behind one interface, [`Storage`].
//! [`Store`] keeps them in one embedded SQLite database (WAL, `synchronous=FULL`), the
//! default; with the `postgres` feature, `store_pg::PgStore` keeps them in
//! PostgreSQL, for a platform whose records outgrow one machine's disk or that several
//! services read.
//!
//! - **Group commit.** [`Store::commit`] writes a whole [`Batch`] — the checkpoints of every
//!   device a batch of frames touched, with what those frames produced — in one transaction, so
//!   the cost of a durable commit is shared by thousands of frames.
//! - **Versioned.** The schema is migrated by `PRAGMA user_version` ([`SCHEMA_VERSION`]); a
//!   database from a newer liftspec is refused, never misread. Each checkpoint carries
//!   [`DeviceState::VERSION`]; one of another version is refused.
//!
//! ```
//! use liftspec_platform::store::{Batch, Storage, Store};
//! let mut store = Store::open_in_memory()?;
//! assert_eq!(store.boot()?, 1);
//! assert_eq!(store.boot()?, 2);
//! store.commit(&Batch::default())?;
//! # Ok::<(), liftspec_platform::store::StoreError>(())
//! ```

use std::path::Path;

use liftspec_model::record::Record;
use rusqlite::{params, Connection, OptionalExtension};

use crate::pipeline::DeviceState;

/// The schema version this liftspec writes.
pub const SCHEMA_VERSION: i64 = 1;

/// The migrations, in order: migration `i` takes the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &["
    CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
    CREATE TABLE device_state (
        device TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        state BLOB NOT NULL
    );
    CREATE TABLE detection (
        id INTEGER PRIMARY KEY,
        lift INTEGER NOT NULL,
        device TEXT NOT NULL,
        kind TEXT NOT NULL,
        raised INTEGER NOT NULL,
        at INTEGER NOT NULL,
        detected_at INTEGER NOT NULL,
        body TEXT NOT NULL
    );
    CREATE INDEX detection_device ON detection (device, id);
    CREATE TABLE rescue_call (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, body TEXT NOT NULL);
    CREATE TABLE record (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        lift TEXT,
        body TEXT NOT NULL
    );
    CREATE INDEX record_lift ON record (lift, id);
    CREATE TABLE idempotency (
        key TEXT PRIMARY KEY,
        request TEXT NOT NULL,
        status INTEGER NOT NULL,
        response TEXT NOT NULL
    );
"];

/// Why the store failed. A failed commit leaves the database as it was before the batch.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed (disk full, I/O error, a locked or corrupt database).
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL failed, or this build cannot reach it (see `store_pg`).
    #[error("postgresql: {0}")]
    Postgres(String),
    /// The database was written by a newer liftspec.
    #[error("database schema version {found} is newer than this liftspec's {supported}")]
    NewerSchema {
        /// The database's version.
        found: i64,
        /// This liftspec's.
        supported: i64,
    },
    /// A checkpoint of another format version, or one that does not decode.
    #[error("checkpoint of device {device}: {why}")]
    BadCheckpoint {
        /// The device.
        device: String,
        /// What is wrong.
        why: String,
    },
    /// A stored row that does not decode.
    #[error("stored {what} does not decode: {why}")]
    BadRow {
        /// Which table.
        what: &'static str,
        /// What is wrong.
        why: String,
    },
}

impl StoreError {
    /// A stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "store.sqlite",
            Self::Postgres(_) => "store.postgres",
            Self::NewerSchema { .. } => "store.newer_schema",
            Self::BadCheckpoint { .. } => "store.bad_checkpoint",
            Self::BadRow { .. } => "store.bad_row",
        }
    }
}

/// A detection as stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredDetection {
    /// Its number in the store: from 1, increasing in the order committed (PostgreSQL may skip
    /// numbers a refused batch took); 0 before it is stored.
    pub id: i64,
    /// The lift's index in the fleet.
    pub lift: u32,
    /// The terminal.
    pub device: String,
    /// The lift's registration code.
    pub registration_code: String,
    /// The detection, with its evidence and source.
    pub detection: liftspec_detect::detection::Detection,
}

/// Everything one group commit writes.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    /// Checkpoints: (device, state).
    pub states: Vec<(String, DeviceState)>,
    /// New detections (their `id` is assigned by the commit).
    pub detections: Vec<StoredDetection>,
    /// Rescue-service calls, in the order applied: (time ms, call as JSON).
    pub rescue_calls: Vec<(i64, String)>,
    /// New records.
    pub records: Vec<Record>,
    /// Answers to idempotent requests: (key, request fingerprint, status, response).
    pub answers: Vec<(String, String, u16, String)>,
}

impl Batch {
    /// Whether there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.states.is_empty()
            && self.detections.is_empty()
            && self.rescue_calls.is_empty()
            && self.records.is_empty()
            && self.answers.is_empty()
    }
}

/// A stored answer to an idempotent request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAnswer {
    /// What the request was (method, path and body fingerprint).
    pub request: String,
    /// The HTTP status.
    pub status: u16,
    /// The response body.
    pub response: String,
}

/// What the engine needs of a durable store. Every implementation passes the same contract
/// tests (`tests/store_contract.rs`): a batch is written whole or not at all, reads see what
/// was committed in the order it was committed, a newer schema and a foreign checkpoint are
/// refused.
pub trait Storage: Send {
    /// The schema version of the open database.
    fn schema_version(&self) -> Result<i64, StoreError>;
    /// Counts this start and returns its number (1 at the first). A restarted platform numbers
    /// its frames to devices in a new downlink epoch, taken from it.
    fn boot(&mut self) -> Result<u32, StoreError>;
    /// Writes a batch in one transaction, all of it or none of it; returns the detections' ids.
    fn commit(&mut self, batch: &Batch) -> Result<Vec<i64>, StoreError>;
    /// Every device's checkpoint: (device, state).
    fn states(&self) -> Result<Vec<(String, DeviceState)>, StoreError>;
    /// Detections with an id above `after`, optionally of one device or kind, at most `limit`,
    /// in the order stored.
    fn detections(
        &self,
        after: i64,
        device: Option<&str>,
        kind: Option<&str>,
        limit: u32,
    ) -> Result<Vec<StoredDetection>, StoreError>;
    /// The rescue service's calls, in order: (time ms, call as JSON).
    fn rescue_calls(&self) -> Result<Vec<(i64, String)>, StoreError>;
    /// Records, of one lift or all, in the order stored.
    fn records(&self, lift: Option<&str>) -> Result<Vec<Record>, StoreError>;
    /// How many records are stored.
    fn record_count(&self) -> Result<u64, StoreError>;
    /// The stored answer to an idempotent request with `key`, if any.
    fn answer(&self, key: &str) -> Result<Option<StoredAnswer>, StoreError>;
}

/// A checkpoint as stored: [`DeviceState::VERSION`] and the state in postcard.
pub(crate) fn encode_state(device: &str, state: &DeviceState) -> Result<Vec<u8>, StoreError> {
    postcard::to_allocvec(state).map_err(|e| StoreError::BadCheckpoint {
        device: device.to_owned(),
        why: e.to_string(),
    })
}

/// A stored checkpoint back, refused when of another format version or not decoding.
pub(crate) fn decode_state(
    device: String,
    version: i64,
    bytes: &[u8],
) -> Result<(String, DeviceState), StoreError> {
    if version != i64::from(DeviceState::VERSION) {
        return Err(StoreError::BadCheckpoint {
            device,
            why: format!(
                "format version {version}, this liftspec reads {}",
                DeviceState::VERSION
            ),
        });
    }
    match postcard::from_bytes(bytes) {
        Ok(state) => Ok((device, state)),
        Err(e) => Err(StoreError::BadCheckpoint {
            device,
            why: e.to_string(),
        }),
    }
}

/// A row's JSON body as stored.
pub(crate) fn to_body<T: serde::Serialize>(
    what: &'static str,
    v: &T,
) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::BadRow {
        what,
        why: e.to_string(),
    })
}

/// A row's JSON body back.
pub(crate) fn from_body<T: serde::de::DeserializeOwned>(
    what: &'static str,
    body: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(body).map_err(|e| StoreError::BadRow {
        what,
        why: e.to_string(),
    })
}

/// The embedded store: one SQLite database.
pub struct Store {
    conn: Connection,
}

/// A record's kind, as stored beside it.
pub(crate) fn kind_of(r: &Record) -> &'static str {
    match r {
        Record::Maintenance(_) => "maintenance",
        Record::Inspection(_) => "inspection",
        Record::Fault(_) => "fault",
        Record::Rescue(_) => "rescue",
        Record::Complaint(_) => "complaint",
        Record::Disaster(_) => "disaster",
        Record::ComponentReplacement(_) => "componentReplacement",
        Record::Penalty(_) => "penalty",
        Record::Accident(_) => "accident",
    }
}

/// The lift a record is about, if it names one.
pub fn lift_of(r: &Record) -> Option<String> {
    serde_json::to_value(r)
        .ok()?
        .as_object()?
        .values()
        .next()?
        .get("lift")?
        .as_str()
        .map(str::to_owned)
}

impl Store {
    /// Opens (creating if needed) the database at `path` and migrates it.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Self::setup(Connection::open(path)?)
    }

    /// A database in memory (tests, examples).
    pub fn open_in_memory() -> Result<Self, StoreError> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(conn: Connection) -> Result<Self, StoreError> {
        // WAL with a full sync at each commit: a committed batch survives a power cut.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mut store = Self { conn };
        store.migrate()?;
        Ok(store)
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let version: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", i as i64 + 1)?;
            tx.commit()?;
        }
        Ok(())
    }
}

impl Storage for Store {
    fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    fn boot(&mut self) -> Result<u32, StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('boot', 1)
             ON CONFLICT (key) DO UPDATE SET value = value + 1",
            [],
        )?;
        let boot: i64 = tx.query_row("SELECT value FROM meta WHERE key = 'boot'", [], |r| {
            r.get(0)
        })?;
        tx.commit()?;
        Ok(u32::try_from(boot).unwrap_or(u32::MAX))
    }

    fn commit(&mut self, batch: &Batch) -> Result<Vec<i64>, StoreError> {
        let tx = self.conn.transaction()?;
        let mut ids = Vec::with_capacity(batch.detections.len());
        {
            let mut put = tx.prepare_cached(
                "INSERT INTO device_state (device, version, state) VALUES (?1, ?2, ?3)
                 ON CONFLICT (device) DO UPDATE SET version = ?2, state = ?3",
            )?;
            for (device, state) in &batch.states {
                put.execute(params![
                    device,
                    DeviceState::VERSION,
                    encode_state(device, state)?
                ])?;
            }
            let mut put = tx.prepare_cached(
                "INSERT INTO detection (lift, device, kind, raised, at, detected_at, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for d in &batch.detections {
                put.execute(params![
                    d.lift,
                    d.device,
                    format!("{:?}", d.detection.kind),
                    d.detection.raised,
                    d.detection.at.millis(),
                    d.detection.detected_at.millis(),
                    to_body("detection", d)?
                ])?;
                ids.push(tx.last_insert_rowid());
            }
            let mut put =
                tx.prepare_cached("INSERT INTO rescue_call (at, body) VALUES (?1, ?2)")?;
            for (at, call) in &batch.rescue_calls {
                put.execute(params![at, call])?;
            }
            let mut put =
                tx.prepare_cached("INSERT INTO record (kind, lift, body) VALUES (?1, ?2, ?3)")?;
            for r in &batch.records {
                put.execute(params![kind_of(r), lift_of(r), to_body("record", r)?])?;
            }
            let mut put = tx.prepare_cached(
                "INSERT INTO idempotency (key, request, status, response) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (key, request, status, response) in &batch.answers {
                put.execute(params![key, request, status, response])?;
            }
        }
        tx.commit()?;
        Ok(ids)
    }

    fn states(&self) -> Result<Vec<(String, DeviceState)>, StoreError> {
        let mut q = self
            .conn
            .prepare("SELECT device, version, state FROM device_state")?;
        let rows = q.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Vec<u8>>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (device, version, bytes) = row?;
            out.push(decode_state(device, version, &bytes)?);
        }
        Ok(out)
    }

    fn detections(
        &self,
        after: i64,
        device: Option<&str>,
        kind: Option<&str>,
        limit: u32,
    ) -> Result<Vec<StoredDetection>, StoreError> {
        let mut q = self.conn.prepare_cached(
            "SELECT id, body FROM detection
             WHERE id > ?1 AND (?2 IS NULL OR device = ?2) AND (?3 IS NULL OR kind = ?3)
             ORDER BY id LIMIT ?4",
        )?;
        let rows = q.query_map(params![after, device, kind, limit], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, body) = row?;
            let mut d: StoredDetection = from_body("detection", &body)?;
            d.id = id;
            out.push(d);
        }
        Ok(out)
    }

    fn rescue_calls(&self) -> Result<Vec<(i64, String)>, StoreError> {
        let mut q = self
            .conn
            .prepare("SELECT at, body FROM rescue_call ORDER BY id")?;
        let rows = q.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn records(&self, lift: Option<&str>) -> Result<Vec<Record>, StoreError> {
        let mut q = self.conn.prepare_cached(
            "SELECT body FROM record WHERE (?1 IS NULL OR lift = ?1) ORDER BY id",
        )?;
        let rows = q.query_map(params![lift], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for row in rows {
            out.push(from_body("record", &row?)?);
        }
        Ok(out)
    }

    fn record_count(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM record", [], |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    fn answer(&self, key: &str) -> Result<Option<StoredAnswer>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT request, status, response FROM idempotency WHERE key = ?1",
                params![key],
                |r| {
                    Ok(StoredAnswer {
                        request: r.get(0)?,
                        status: r.get(1)?,
                        response: r.get(2)?,
                    })
                },
            )
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("liftspec-store-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("db")
    }

    #[test]
    fn a_database_from_a_newer_liftspec_is_refused_not_misread() {
        let path = scratch("newer");
        drop(Store::open(&path).unwrap());
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        drop(conn);
        let err = Store::open(&path).err().unwrap();
        assert_eq!(err.code(), "store.newer_schema");
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }

    #[test]
    fn reopening_keeps_the_schema_and_counts_boots() {
        let path = scratch("reopen");
        let mut s = Store::open(&path).unwrap();
        assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
        assert_eq!(s.boot().unwrap(), 1);
        drop(s);
        let mut s = Store::open(&path).unwrap();
        assert_eq!(s.boot().unwrap(), 2);
        drop(s);
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }

    #[test]
    fn a_checkpoint_of_another_version_or_garbage_is_refused() {
        let mut s = Store::open_in_memory().unwrap();
        s.commit(&Batch::default()).unwrap();
        s.conn
            .execute(
                "INSERT INTO device_state (device, version, state) VALUES ('HZ-1', 99, x'00')",
                [],
            )
            .unwrap();
        let err = s.states().err().unwrap();
        assert_eq!(err.code(), "store.bad_checkpoint");
        assert!(err.to_string().contains("format version 99"), "{err}");
        s.conn
            .execute(
                "UPDATE device_state SET version = ?1",
                params![DeviceState::VERSION],
            )
            .unwrap();
        assert_eq!(s.states().err().unwrap().code(), "store.bad_checkpoint");
    }

    #[test]
    fn an_idempotent_answer_is_kept() {
        let mut s = Store::open_in_memory().unwrap();
        s.commit(&Batch {
            answers: vec![("k".into(), "POST /x {}".into(), 201, "{}".into())],
            ..Batch::default()
        })
        .unwrap();
        let a = s.answer("k").unwrap().unwrap();
        assert_eq!((a.status, a.request.as_str()), (201, "POST /x {}"));
        assert!(s.answer("other").unwrap().is_none());
        // The same key twice is a constraint failure: the whole batch is refused.
        let err = s
            .commit(&Batch {
                answers: vec![("k".into(), "again".into(), 200, "{}".into())],
                ..Batch::default()
            })
            .err()
            .unwrap();
        assert_eq!(err.code(), "store.sqlite");
    }
}
