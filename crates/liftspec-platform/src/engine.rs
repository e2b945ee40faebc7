//! The platform's state machine, durable: the [`Pipeline`], the rescue service and the
//! store ([`Storage`]) together. Batches of frames in; after one group commit, the frames to send back.
//!
//! - **Persist, then acknowledge** (`docs/protocol.md` §8.2 rule 8): [`Engine::ingest`] takes a
//!   batch of frames, commits the checkpoints of every device it touched together with the
//!   detections, rescue calls and records it produced, and only then encodes the Acks — one
//!   cumulative Ack per device per batch. A crash before the commit loses nothing that was
//!   acknowledged; the terminals resend the rest, and the restored sessions drop what was
//!   delivered before (a restart replays nothing twice).
//! - **Fail-stop.** A commit that fails poisons the engine: its memory is ahead of the
//!   database, so it refuses everything after ([`EngineError::Poisoned`]) and the service exits
//!   to be restarted from the database.
//! - **A new downlink epoch per start** ([`Storage::boot`]): numbers sent after the last
//!   checkpoint cannot be proven, so each start numbers its frames to devices afresh.
//!
//! ```
//! use liftspec_platform::{config::Setup, engine::Engine, fleet::Fleet, store::Store};
//! use liftspec_model::time::Timestamp;
//! let mut engine = Engine::open(Setup::new(Fleet::default()), Store::open_in_memory()?, &[])?;
//! let done = engine.ingest(&[(1, b"garbage".to_vec())], Timestamp::from_millis(0))?;
//! assert_eq!(done.refused[0].code, "decode.too_short");
//! # Ok::<(), liftspec_platform::engine::EngineError>(())
//! ```

use std::collections::{BTreeMap, HashMap};

use liftspec_model::id::DeviceId;
use liftspec_model::record::Record;
use liftspec_model::time::Timestamp;
use liftspec_protocol::message::Body;
use liftspec_protocol::wire;
use liftspec_rescue::service::{Incident, Notice, ReportBy, RescueError, RescueService};

use crate::config::{Clock, Setup};
use crate::pipeline::{LiftDetection, Pipeline, Refused};
use crate::rescue_log::{RescueCall, RescueOutcome};
use crate::store::{Batch, Storage, StoreError, StoredDetection};

/// How often the rescue service's timer runs on the frames' clock, ms of platform time.
pub const RESCUE_TICK_MS: i64 = 30_000;

/// Why the engine failed.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A stored rescue call could not be made again: the database does not match this fleet.
    #[error("rescue call {index} does not replay: {why}")]
    RescueReplay {
        /// Its position in the log (from 1).
        index: usize,
        /// Why.
        why: String,
    },
    /// An earlier commit failed: the engine's memory is ahead of its database.
    #[error("the platform stopped after a failed commit: {0}")]
    Poisoned(String),
}

impl EngineError {
    /// A stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Store(e) => e.code(),
            Self::RescueReplay { .. } => "engine.rescue_replay",
            Self::Poisoned(_) => "engine.poisoned",
        }
    }
}

/// What a batch (or a timer) produced, to send and to publish.
#[derive(Debug, Clone, Default)]
pub struct Done {
    /// Frames to send: (connection, frame), in order.
    pub outbound: Vec<(u64, Vec<u8>)>,
    /// Frames refused (forged, corrupt, unknown device): reported, not answered.
    pub refused: Vec<Refused>,
    /// Detections committed.
    pub detections: Vec<StoredDetection>,
    /// Rescue notices (offers, escalations, SLA warnings) the timer raised.
    pub notices: Vec<Notice>,
    /// Problems that lost nothing but need a word (a command to a terminal not connected, an
    /// entrapment the rescue service refused).
    pub problems: Vec<String>,
}

/// The platform.
pub struct Engine {
    setup: Setup,
    pipeline: Pipeline,
    store: Box<dyn Storage>,
    rescue: RescueService,
    next_key: u64,
    boot: u32,
    now_ms: i64,
    last_rescue_tick: i64,
    /// A call was made since the last rescue tick.
    rescue_dirty: bool,
    conn_of: HashMap<u32, u64>,
    poisoned: Option<String>,
    pending: Pending,
}

/// Frames taken and not yet committed.
#[derive(Default)]
struct Pending {
    batch: Batch,
    done: Done,
    /// Lift → its answers besides the Ack; ordered, so replies go out in lift order.
    touched: BTreeMap<u32, Vec<Body>>,
}

impl Engine {
    /// Opens the platform on `store`: restores every device's checkpoint, rebuilds the rescue
    /// service from its calls, starts a new downlink epoch, and imports `records` when the
    /// store has none. Any [`Storage`]: the embedded SQLite [`crate::store::Store`] or, with
    /// the `postgres` feature, `store_pg::PgStore`.
    pub fn open(
        setup: Setup,
        store: impl Storage + 'static,
        records: &[Record],
    ) -> Result<Self, EngineError> {
        Self::open_boxed(setup, Box::new(store), records)
    }

    /// [`Engine::open`] on a store chosen at run time.
    pub fn open_boxed(
        setup: Setup,
        mut store: Box<dyn Storage>,
        records: &[Record],
    ) -> Result<Self, EngineError> {
        let mut pipeline = Pipeline::new(&setup.fleet, setup.thresholds.clone());
        for (device, state) in store.states()? {
            let lift = DeviceId::parse(&device)
                .ok()
                .and_then(|d| pipeline.lift_of(&d));
            // A checkpoint of a device no longer in the fleet stays in the database, unused.
            if let Some(lift) = lift {
                pipeline.restore(lift, state);
            }
        }
        let boot = store.boot()?;
        pipeline.new_downlink_epoch(boot);
        let mut rescue = RescueService::new(
            setup.rescue_policy.clone(),
            setup.fleet.sites(),
            setup.fleet.crews.clone(),
        );
        let mut now_ms = i64::MIN;
        let mut last_rescue_tick = i64::MIN;
        let calls = store.rescue_calls()?;
        for (i, (at, body)) in calls.iter().enumerate() {
            let call: RescueCall =
                serde_json::from_str(body).map_err(|e| EngineError::RescueReplay {
                    index: i + 1,
                    why: e.to_string(),
                })?;
            call.apply(&mut rescue, i as u64 + 1, Timestamp::from_millis(*at))
                .map_err(|e| EngineError::RescueReplay {
                    index: i + 1,
                    why: e.to_string(),
                })?;
            now_ms = now_ms.max(*at);
            if call == RescueCall::Tick {
                last_rescue_tick = *at;
            }
        }
        if store.record_count()? == 0 && !records.is_empty() {
            store.commit(&Batch {
                records: records.to_vec(),
                ..Batch::default()
            })?;
        }
        Ok(Self {
            setup,
            pipeline,
            store,
            rescue,
            next_key: calls.len() as u64 + 1,
            boot,
            now_ms,
            last_rescue_tick,
            rescue_dirty: true,
            conn_of: HashMap::new(),
            poisoned: None,
            pending: Pending::default(),
        })
    }

    /// The rules it runs with.
    pub fn setup(&self) -> &Setup {
        &self.setup
    }

    /// The receive pipeline (sessions and detectors).
    pub fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }

    /// The store (for queries).
    pub fn store(&self) -> &dyn Storage {
        self.store.as_ref()
    }

    /// The rescue service (for queries).
    pub fn rescue(&self) -> &RescueService {
        &self.rescue
    }

    /// Why the engine stopped, if a commit failed.
    pub fn poisoned(&self) -> Option<&str> {
        self.poisoned.as_deref()
    }

    /// This start's number (and downlink epoch).
    pub fn boot(&self) -> u32 {
        self.boot
    }

    /// The platform's time: the wall clock's `wall`, or on the frames' clock the latest send
    /// time taken (`wall` before the first).
    pub fn now(&self, wall: Timestamp) -> Timestamp {
        match self.setup.clock {
            Clock::Wall => wall,
            Clock::Frames if self.now_ms == i64::MIN => wall,
            Clock::Frames => Timestamp::from_millis(self.now_ms),
        }
    }

    fn check(&self) -> Result<(), EngineError> {
        match &self.poisoned {
            Some(why) => Err(EngineError::Poisoned(why.clone())),
            None => Ok(()),
        }
    }

    fn commit(&mut self, batch: &Batch) -> Result<Vec<i64>, EngineError> {
        self.store.commit(batch).map_err(|e| {
            self.poisoned = Some(e.to_string());
            EngineError::from(e)
        })
    }

    /// Takes a batch of frames, each with the connection it came on, received at `wall`;
    /// commits; returns the Acks (and Nacks, Resumes, Commands) to send. The same as
    /// [`Engine::take`] then [`Engine::flush`].
    pub fn ingest(
        &mut self,
        frames: &[(u64, Vec<u8>)],
        wall: Timestamp,
    ) -> Result<Done, EngineError> {
        self.take(frames, wall)?;
        self.flush(wall)
    }

    /// Takes frames into the pending batch, in memory: nothing is committed or answered until
    /// [`Engine::flush`]. (A service takes frames in slices, so that a read arriving mid-batch
    /// can have the batch so far committed and be answered without waiting for the rest.)
    pub fn take(&mut self, frames: &[(u64, Vec<u8>)], wall: Timestamp) -> Result<(), EngineError> {
        self.check()?;
        let mut found = Vec::new();
        for (conn, bytes) in frames {
            let peeked = wire::peek(bytes).ok();
            let taken = match (self.setup.clock, &peeked) {
                (Clock::Frames, Some(f)) => {
                    self.now_ms = self.now_ms.max(f.sent_at.millis());
                    self.pipeline.ingest_on_frames_clock(bytes)
                }
                _ => self.pipeline.ingest(bytes, wall),
            };
            self.pending.done.refused.extend(taken.refused);
            if let Some(lift) = taken.lift {
                self.conn_of.insert(lift, *conn);
                self.pending
                    .touched
                    .entry(lift)
                    .or_default()
                    .extend(taken.answers);
            }
            found.extend(taken.detections);
        }
        let now = self.now(wall);
        let mut pending = std::mem::take(&mut self.pending);
        self.record_detections(found, now, &mut pending.batch, &mut pending.done);
        self.pending = pending;
        Ok(())
    }

    /// Whether frames were taken that are not committed yet.
    pub fn has_pending(&self) -> bool {
        !self.pending.touched.is_empty() || !self.pending.done.refused.is_empty()
    }

    /// Commits what [`Engine::take`] took, in one transaction, and returns what to send.
    pub fn flush(&mut self, wall: Timestamp) -> Result<Done, EngineError> {
        self.check()?;
        let now = self.now(wall);
        let Pending {
            mut batch,
            mut done,
            touched,
        } = std::mem::take(&mut self.pending);
        if self.setup.clock == Clock::Frames
            && now.millis().saturating_sub(self.last_rescue_tick) >= RESCUE_TICK_MS
        {
            self.rescue_tick(now, &mut batch, &mut done);
        }
        for &lift in touched.keys() {
            self.checkpoint(lift, &mut batch);
        }
        let ids = self.commit(&batch)?;
        for (d, id) in batch.detections.iter_mut().zip(ids) {
            d.id = id;
        }
        done.detections = batch.detections;
        for (lift, answers) in touched {
            let conn = self.conn_of.get(&lift).copied().unwrap_or_default();
            for frame in self.pipeline.reply(lift, answers, now) {
                done.outbound.push((conn, frame));
            }
        }
        self.send_commands(now, &mut done);
        Ok(done)
    }

    /// The timer (on the wall clock, every second): ticks every detector and the rescue
    /// service to `wall`, and commits what they produced.
    /// Frames taken before are committed first (the rescue log keeps the order calls were made).
    pub fn tick(&mut self, wall: Timestamp) -> Result<Done, EngineError> {
        let mut done = self.flush_if_pending(wall)?;
        let now = self.now(wall);
        let mut batch = Batch::default();
        if self.setup.clock == Clock::Wall {
            let found = self.pipeline.tick_all(now);
            // A tick that found nothing is made again after a restart and finds nothing
            // again; one that found something is checkpointed with it.
            let lifts: std::collections::BTreeSet<u32> = found.iter().map(|d| d.lift).collect();
            self.record_detections(found, now, &mut batch, &mut done);
            for lift in lifts {
                self.checkpoint(lift, &mut batch);
            }
        }
        // On the frames' clock time stands still between frames, but a call since the last
        // tick (a report, a decline) still needs its offer.
        if self.setup.clock == Clock::Wall
            || self.rescue_dirty
            || now.millis() > self.last_rescue_tick
        {
            self.rescue_tick(now, &mut batch, &mut done);
        }
        if !batch.is_empty() {
            let ids = self.commit(&batch)?;
            for (d, id) in batch.detections.iter_mut().zip(ids) {
                d.id = id;
            }
        }
        done.detections.extend(batch.detections);
        self.send_commands(now, &mut done);
        Ok(done)
    }

    fn checkpoint(&self, lift: u32, batch: &mut Batch) {
        if let (Some(device), Some(state)) = (self.pipeline.device(lift), self.pipeline.state(lift))
        {
            batch.states.push((device.to_string(), state.clone()));
        }
    }

    fn record_detections(
        &mut self,
        found: Vec<LiftDetection>,
        now: Timestamp,
        batch: &mut Batch,
        done: &mut Done,
    ) {
        for x in found {
            let Some(lift) = self.setup.fleet.lifts.get(x.lift as usize) else {
                continue;
            };
            let code = lift.equipment.registration_code.to_string();
            let device = lift.device.to_string();
            if x.is_entrapment() {
                let call = RescueCall::Report {
                    by: ReportBy::Telemetry(code.clone()),
                    persons: 1,
                    floor: x.detection.floor,
                    since: Some(x.detection.at),
                };
                if let Err(e) = self.call_into(call, now, batch) {
                    done.problems.push(format!(
                        "entrapment at {code} not reported to the rescue service: {e} ({})",
                        e.code()
                    ));
                }
            }
            batch.detections.push(StoredDetection {
                id: 0,
                lift: x.lift,
                device,
                registration_code: code,
                detection: x.detection,
            });
        }
    }

    fn rescue_tick(&mut self, now: Timestamp, batch: &mut Batch, done: &mut Done) {
        if !self.rescue.incidents().iter().any(|x| x.stage.open()) {
            return;
        }
        self.last_rescue_tick = now.millis();
        self.rescue_dirty = false;
        if let Ok(RescueOutcome::Ticked { notices }) = self.call_into(RescueCall::Tick, now, batch)
        {
            done.notices.extend(notices);
        }
    }

    /// Makes a rescue call and logs it into `batch`; a call the service refused changed
    /// nothing and is not logged.
    fn call_into(
        &mut self,
        call: RescueCall,
        now: Timestamp,
        batch: &mut Batch,
    ) -> Result<RescueOutcome, RescueError> {
        let outcome = call.apply(&mut self.rescue, self.next_key, now)?;
        self.next_key += 1;
        if call != RescueCall::Tick {
            self.rescue_dirty = true;
        }
        // The call's own serialisation cannot fail (plain data); an empty body would fail
        // the replay loudly rather than be skipped.
        batch.rescue_calls.push((
            now.millis(),
            serde_json::to_string(&call).unwrap_or_default(),
        ));
        if let RescueOutcome::Closed { record } = &outcome {
            batch.records.push(Record::Rescue((**record).clone()));
        }
        Ok(outcome)
    }

    /// Turns the comforting-message notices into Command frames to the terminals' connections.
    fn send_commands(&mut self, now: Timestamp, done: &mut Done) {
        for notice in &done.notices {
            let Notice::Command { device, command } = notice else {
                continue;
            };
            let Some(lift) = self.pipeline.lift_of(device) else {
                continue;
            };
            match self.conn_of.get(&lift).copied() {
                Some(conn) => {
                    for frame in
                        self.pipeline
                            .reply(lift, vec![Body::Command(command.clone())], now)
                    {
                        done.outbound.push((conn, frame));
                    }
                }
                None => done.problems.push(format!(
                    "comforting message for {device} not sent: the terminal is not connected"
                )),
            }
        }
    }

    fn flush_if_pending(&mut self, wall: Timestamp) -> Result<Done, EngineError> {
        self.check()?;
        if self.has_pending() {
            self.flush(wall)
        } else {
            Ok(Done::default())
        }
    }

    /// A write from the API: `f` makes calls and adds to the batch; the answer it returns is
    /// committed with them under idempotency `key`. A repeated key with the same `request` is
    /// answered as the first time, without calling `f`; with another request it is refused
    /// (`answer` is `None`: the caller answers 422). Frames taken before are committed first.
    pub fn write(
        &mut self,
        key: &str,
        request: &str,
        wall: Timestamp,
        f: impl FnOnce(&mut Writer<'_>) -> (u16, String),
    ) -> Result<Written, EngineError> {
        let flushed = self.flush_if_pending(wall)?;
        if let Some(answer) = self.store.answer(key)? {
            return Ok(Written {
                answer: (answer.request == request).then_some((answer.status, answer.response)),
                done: flushed,
            });
        }
        let now = self.now(wall);
        let mut batch = Batch::default();
        let mut writer = Writer {
            engine: self,
            batch: &mut batch,
            now,
            notices: Vec::new(),
        };
        let (status, response) = f(&mut writer);
        let notices = std::mem::take(&mut writer.notices);
        batch
            .answers
            .push((key.to_owned(), request.to_owned(), status, response.clone()));
        self.commit(&batch)?;
        let mut done = Done {
            notices,
            ..Done::default()
        };
        self.send_commands(now, &mut done);
        let mut all = flushed;
        all.outbound.append(&mut done.outbound);
        all.notices.append(&mut done.notices);
        all.problems.append(&mut done.problems);
        Ok(Written {
            answer: Some((status, response)),
            done: all,
        })
    }

    /// Open and closed incidents.
    pub fn incidents(&self) -> &[Incident] {
        self.rescue.incidents()
    }
}

/// What [`Engine::write`] answered, and the frames to send that it produced.
#[derive(Debug, Clone, Default)]
pub struct Written {
    /// (HTTP status, response body); `None`: the key was used for another request.
    pub answer: Option<(u16, String)>,
    /// Frames to send (Acks of a batch committed first, comforting messages).
    pub done: Done,
}

/// What an API write may do, inside [`Engine::write`].
pub struct Writer<'a> {
    engine: &'a mut Engine,
    batch: &'a mut Batch,
    now: Timestamp,
    notices: Vec<Notice>,
}

impl Writer<'_> {
    /// The platform's time for this write.
    pub fn now(&self) -> Timestamp {
        self.now
    }

    /// Makes a rescue call (logged with the write).
    pub fn rescue(&mut self, call: RescueCall) -> Result<RescueOutcome, RescueError> {
        let outcome = self.engine.call_into(call, self.now, self.batch)?;
        if let RescueOutcome::Ticked { notices } = &outcome {
            self.notices.extend(notices.iter().cloned());
        }
        Ok(outcome)
    }

    /// Adds a record (a citizen's fault report, a complaint).
    pub fn record(&mut self, record: Record) {
        self.batch.records.push(record);
    }

    /// The engine, to read.
    pub fn engine(&self) -> &Engine {
        self.engine
    }
}
