//! A hostile world for the device outbox and the receiver session, shared by the delivery
//! property tests and the `protocol_delivery` fuzz target: a channel that loses, duplicates,
//! reorders, delays and partitions; a store that loses power between any two writes; reboots
//! with and without the counter; a platform that restores an old checkpoint or recreates its
//! session; week-long outages; clocks minutes fast or reset to 2000; genuine alarms that fail
//! validation; reflected frames and MAC-only control frames. [`World::check`] states the
//! guarantee of `docs/protocol.md` §8.
#![allow(dead_code, unreachable_pub, missing_docs)]

use std::collections::{BTreeMap, BTreeSet};

use crate::common::*;
use liftspec_model::time::Timestamp;
use liftspec_protocol::auth::{DeviceKeys, MacPurpose};
use liftspec_protocol::downlink::{DownlinkReceiver, DownlinkSender, Inbound};
use liftspec_protocol::message::*;
use liftspec_protocol::outbox::{
    MemoryStore, Outbox, OutboxConfig, OutboxEntry, OutboxStore, SeqCounter, StoreError,
};
use liftspec_protocol::session::{
    Delivery, ReceiverSession, SessionConfig, SessionNotice, SkipReason, SkippedRange,
};
use liftspec_protocol::validate::ValidationContext;
use liftspec_protocol::wire::{self, DeviceId, Envelope};

macro_rules! ensure {
    ($cond:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err(format!($($fmt)+));
        }
    };
    ($cond:expr) => {
        if !$cond {
            return Err(format!("{} failed", stringify!($cond)));
        }
    };
}

macro_rules! ensure_eq {
    ($a:expr, $b:expr) => {
        if $a != $b {
            return Err(format!(
                "{} != {}: {:?} vs {:?}",
                stringify!($a),
                stringify!($b),
                $a,
                $b
            ));
        }
    };
}

pub struct XorShift(pub u64);
impl XorShift {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// A store that loses power after `budget` more writes: that write and every later one fail
/// and change nothing, until the device reboots.
#[derive(Default)]
pub struct CrashingStore {
    pub inner: MemoryStore,
    pub budget: Option<usize>,
}

impl CrashingStore {
    fn write(&mut self) -> Result<(), StoreError> {
        match &mut self.budget {
            Some(0) => Err(StoreError {
                reason: "power lost".into(),
            }),
            Some(n) => {
                *n -= 1;
                Ok(())
            }
            None => Ok(()),
        }
    }
    fn crashed(&self) -> bool {
        self.budget == Some(0)
    }
}

impl OutboxStore for CrashingStore {
    fn put(&mut self, entry: &OutboxEntry) -> Result<(), StoreError> {
        self.write()?;
        self.inner.put(entry)
    }
    fn remove(&mut self, seq: u64) -> Result<(), StoreError> {
        self.write()?;
        self.inner.remove(seq)
    }
    fn put_counter(&mut self, counter: &SeqCounter) -> Result<(), StoreError> {
        self.write()?;
        self.inner.put_counter(counter)
    }
}

/// What the platform's application has: deliveries, skips and notices, in order.
#[derive(Clone, Default)]
pub struct AppLog {
    pub delivered: Vec<Delivery>,
    pub skipped: Vec<SkippedRange>,
    pub notices: Vec<SessionNotice>,
}

pub fn config() -> OutboxConfig {
    OutboxConfig {
        capacity: 8,
        critical_capacity: 4096,
        retransmit_after_ms: 700,
        max_retransmit_after_ms: 4_000,
        send_window: 16,
    }
}

pub fn session_config() -> SessionConfig {
    SessionConfig {
        window: 32,
        resume_interval_ms: 500,
        ..SessionConfig::default()
    }
}

/// A unique name for every critical body, to count its deliveries.
pub fn marker(body: &Body) -> Option<String> {
    match body {
        Body::Alarm(a) => Some(format!("alarm {}", a.alarm_id)),
        Body::MaintenanceSession(m) => Some(m.session_id.clone()),
        Body::Event(e) => Some(format!("event {}", e.at.millis())),
        _ => None,
    }
}

/// Which faults a run may have.
#[derive(Clone, Copy)]
pub struct Faults {
    pub loss: u64,
    pub crashes: bool,
    pub wipes: bool,
    pub platform_restores: bool,
    pub clocks: bool,
    pub hostile: bool,
}

pub const ALL_FAULTS: Faults = Faults {
    loss: 25,
    crashes: true,
    wipes: true,
    platform_restores: true,
    clocks: true,
    hostile: true,
};

pub struct World {
    pub keys: DeviceKeys,
    pub device: DeviceId,
    pub store: CrashingStore,
    pub outbox: Outbox,
    pub downlink_rx: DownlinkReceiver,
    pub session: ReceiverSession,
    pub downlink_tx: DownlinkSender,
    pub app: AppLog,
    pub checkpoint: Option<(ReceiverSession, AppLog)>,
    pub rng: XorShift,
    pub uplink: Vec<(i64, Vec<u8>)>,
    pub downlink: Vec<(i64, Vec<u8>)>,
    /// Every critical body the outbox accepted: marker → (epoch, seq).
    pub accepted: BTreeMap<String, (u32, u64)>,
    /// Markers whose frames were flagged implausible on purpose.
    pub implausible: BTreeSet<String>,
    /// Epochs whose store was wiped (their unacknowledged frames are gone, reported by the epoch
    /// change).
    pub wiped: BTreeSet<u32>,
    pub clock_offset_ms: i64,
    pub counter: u32,
    pub now: i64,
}

impl World {
    pub fn new(seed: u64) -> Self {
        let keys = keys();
        let device = DeviceId::parse("HZ-T-000123").unwrap();
        let mut rng = XorShift(seed | 1);
        let epoch = rng.next() as u32;
        Self {
            outbox: Outbox::new(device.clone(), epoch, config()),
            downlink_rx: DownlinkReceiver::new(device.clone()),
            session: ReceiverSession::with_config(session_config()),
            downlink_tx: DownlinkSender::new(device.clone(), rng.next() as u32),
            keys,
            device,
            store: CrashingStore::default(),
            app: AppLog::default(),
            checkpoint: None,
            rng,
            uplink: Vec::new(),
            downlink: Vec::new(),
            accepted: BTreeMap::new(),
            implausible: BTreeSet::new(),
            wiped: BTreeSet::new(),
            clock_offset_ms: 0,
            counter: 0,
            now: T0,
        }
    }

    fn device_time(&self) -> Timestamp {
        Timestamp::from_millis(self.now + self.clock_offset_ms)
    }

    fn body(&mut self, a: u8) -> Body {
        self.counter += 1;
        let n = self.counter;
        let t = Timestamp::from_millis(T0 + i64::from(n));
        match a % 10 {
            0 | 1 => Body::Alarm(AlarmMessage {
                alarm_id: n,
                stage: AlarmStage::Raised,
                // Every seventh alarm is on a floor the installation does not have.
                floor: Some(if n % 7 == 0 { 40 } else { 3 }),
                at: t,
            }),
            2 => {
                let Body::MaintenanceSession(mut m) = bodies()[6].1.clone() else {
                    unreachable!()
                };
                m.session_id = format!("S-{n}");
                Body::MaintenanceSession(m)
            }
            3 => Body::Event(EventMessage {
                code: liftspec_model::codes::EventCode::from_number(4),
                state: EventState::Raised,
                floor: Some(2),
                at: t,
            }),
            4 if n % 5 == 0 => {
                // Genuine but invalid and not critical: rejected with a Nack.
                let mut bad = status();
                bad.floor = 40;
                Body::Status(bad)
            }
            9 if n % 11 == 0 => bodies()[0].1.clone(), // a Register
            _ => Body::Status(status()),
        }
    }

    fn enqueue(&mut self, a: u8) {
        let body = self.body(a);
        let name = marker(&body);
        let floor_40 = matches!(&body, Body::Alarm(x) if x.floor == Some(40));
        let t = self.device_time();
        if let Ok(seq) = self.outbox.enqueue(body, t, &self.keys, &mut self.store) {
            if let Some(name) = name {
                if floor_40 {
                    self.implausible.insert(name.clone());
                }
                self.accepted.insert(name, (self.outbox.epoch(), seq));
            }
        }
        if self.store.crashed() {
            self.reboot();
        }
    }

    /// The device restarts from what its store kept.
    fn reboot(&mut self) {
        let image = self.store.inner.clone();
        self.store.budget = None;
        let fresh = self.rng.next() as u32;
        let (outbox, _) = Outbox::restore(
            self.device.clone(),
            config(),
            &image,
            fresh,
            &mut self.store,
        );
        self.outbox = outbox;
    }

    /// The device's flash is wiped: counter and frames gone, a new epoch.
    fn wipe(&mut self) {
        self.wiped.insert(self.outbox.epoch());
        self.store = CrashingStore::default();
        self.reboot();
    }

    fn platform_send(&mut self, body: Body, lossy: bool) {
        let bytes = self
            .downlink_tx
            .encode(
                body,
                Timestamp::from_millis(self.now),
                &self.keys.credentials(),
            )
            .unwrap();
        if !lossy || !self.rng.chance(25) {
            self.downlink.push((self.now + 100, bytes));
        }
    }

    fn receive(&mut self, bytes: &[u8], lossy: bool) -> Result<(), String> {
        let ctx = ValidationContext::new(-1, 18, 1750, Timestamp::from_millis(self.now));
        let creds = self.keys.credentials();
        let received = match self.session.receive(bytes, &self.device, &creds, &ctx) {
            Ok(r) => r,
            Err(e) => {
                // Only injected frames are refused.
                ensure!(
                    [
                        "session.wrong_direction",
                        "auth.signature_required",
                        "auth.bad_tag",
                        "decode.bad_magic",
                        "decode.too_short"
                    ]
                    .contains(&e.code()),
                    "refused a genuine frame: {e}"
                );
                return Ok(());
            }
        };
        for d in &received.deliver {
            ensure!(d.envelope.body.kind() != MessageKind::Discarded);
        }
        self.app.delivered.extend(received.deliver);
        self.app.skipped.extend(received.skipped);
        self.app.notices.extend(received.notices);
        // Persist (the app log above), then acknowledge.
        self.platform_send(Body::Ack(received.ack), lossy);
        if let Some(n) = received.nack {
            self.platform_send(Body::Nack(n), lossy);
        }
        if let Some(r) = received.resume {
            self.platform_send(Body::Resume(r), lossy);
        }
        Ok(())
    }

    fn device_receive(&mut self, bytes: &[u8]) -> Result<(), String> {
        let t = self.device_time();
        match self.downlink_rx.receive(bytes, &self.keys) {
            Ok(Inbound::Ack(a)) => {
                let _ = self.outbox.on_ack(&a, &mut self.store);
            }
            Ok(Inbound::Nack(n)) => {
                let _ = self.outbox.on_nack(&n, t, &self.keys, &mut self.store);
            }
            Ok(Inbound::Resume(r)) => {
                self.outbox.on_resume(&r, t, &self.keys).unwrap();
            }
            Ok(other) => ensure!(false, "unexpected {other:?}"),
            Err(e) => ensure!(
                [
                    "downlink.replayed",
                    "downlink.retired_epoch",
                    "downlink.wrong_direction",
                    "auth.bad_tag",
                    "decode.bad_magic",
                ]
                .contains(&e.code()),
                "device refused {e}"
            ),
        }
        if self.store.crashed() {
            self.reboot();
        }
        Ok(())
    }

    /// A Discarded notice over the next numbers, tagged with the (stolen) MAC key only.
    pub fn mac_only_discarded(&self) -> Vec<u8> {
        let env = Envelope {
            device: self.device.clone(),
            epoch: self.outbox.epoch(),
            seq: self.outbox.next_seq(),
            sent_at: Timestamp::from_millis(self.now),
            body: Body::Discarded(Discarded {
                through_seq: self.outbox.next_seq() + 20,
                count: 21,
                reason: DiscardReason::Dropped,
            }),
        };
        // Build the frame through its JSON form with a placeholder MAC, then tag it for real.
        let placeholder = wire::encode(
            &Envelope {
                body: Body::Heartbeat(Heartbeat {
                    uptime_s: 0,
                    signal_dbm: 0,
                    battery_percent: None,
                    clock_offset_ms: 0,
                }),
                ..env.clone()
            },
            &self.keys,
        )
        .unwrap();
        let mut json: serde_json::Value =
            serde_json::from_str(&liftspec_protocol::json::to_json(&placeholder).unwrap()).unwrap();
        json["body"] = serde_json::to_value(&env.body).unwrap();
        let mut bytes = liftspec_protocol::json::from_json(&json.to_string()).unwrap();
        let signed = bytes.len() - 16;
        let tag = self
            .keys
            .mac_keys()
            .tag(MacPurpose::Uplink, &bytes[..signed]);
        bytes[signed..].copy_from_slice(&tag);
        bytes
    }

    pub fn step(
        &mut self,
        op: Option<u8>,
        faults: Faults,
        partitioned: bool,
    ) -> Result<(), String> {
        self.now += 100;
        let healing = op.is_none();
        if let Some(a) = op {
            match a {
                0..=199 => self.enqueue(a),
                200..=204 if faults.crashes => {
                    // Lose power after a few more writes.
                    self.store.budget = Some((self.rng.next() % 6) as usize);
                    self.enqueue(a);
                    if !self.store.crashed() {
                        self.enqueue(a.wrapping_add(1));
                    }
                    if self.store.crashed() {
                        self.reboot();
                    }
                }
                205..=206 => self.reboot(),
                207 if faults.wipes => self.wipe(),
                208..=210 if faults.platform_restores => {
                    self.checkpoint = Some((self.session.clone(), self.app.clone()));
                }
                211 if faults.platform_restores => {
                    // Restore an older checkpoint (session and the records persisted with it),
                    // with a new downlink epoch: the platform's own counter went back too.
                    if let Some((session, app)) = self.checkpoint.clone() {
                        self.session = session;
                        self.app = app;
                        self.downlink_tx =
                            DownlinkSender::new(self.device.clone(), self.rng.next() as u32);
                    }
                }
                212 if faults.platform_restores => {
                    // The platform recreates the session from its records: for every epoch,
                    // the number after the last one it delivered or passed over (held frames
                    // are lost with the old session).
                    let mut positions: Vec<(u32, u64)> = Vec::new();
                    let mut note = |epoch: u32, next: u64| match positions
                        .iter()
                        .position(|(e, _)| *e == epoch)
                    {
                        Some(i) => {
                            let (_, n) = positions.remove(i);
                            positions.push((epoch, n.max(next)));
                        }
                        None => positions.push((epoch, next)),
                    };
                    for d in &self.app.delivered {
                        note(d.envelope.epoch, d.envelope.seq + 1);
                    }
                    for r in &self.app.skipped {
                        note(r.epoch, r.through_seq + 1);
                    }
                    if !positions.is_empty() {
                        self.session = ReceiverSession::resuming(&positions, session_config());
                    }
                }
                213 if faults.clocks => self.clock_offset_ms = 15 * 60_000, // minutes fast
                214 if faults.clocks => {
                    // Reset to 2000-01-01.
                    self.clock_offset_ms = 946_684_800_000 - self.now;
                }
                215 if faults.clocks => self.clock_offset_ms = 0, // time sync
                216 if faults.clocks => {
                    // A week offline: everything sent in the meantime is lost.
                    self.now += 8 * 24 * 3600 * 1000;
                    self.uplink.clear();
                    self.downlink.clear();
                }
                217..=219 if faults.hostile => {
                    // Reflect a platform frame into the receiver, and a device frame into the
                    // device; a MAC-only Discarded; garbage.
                    if let Some((_, b)) = self.downlink.first().cloned() {
                        self.receive(&b, true)?;
                    }
                    if let Some((_, b)) = self.uplink.first().cloned() {
                        self.device_receive(&b)?;
                    }
                    let forged = self.mac_only_discarded();
                    self.receive(&forged, true)?;
                    self.receive(&[0x13, 0x37], true)?;
                }
                _ => self.enqueue(a),
            }
        }
        let t = self.device_time();
        let lossy = !healing && !partitioned;
        for bytes in self.outbox.poll_transmit(t) {
            if partitioned || (!healing && self.rng.chance(faults.loss)) {
                continue;
            }
            let delay = if healing {
                0
            } else {
                (self.rng.next() % 900) as i64
            };
            self.uplink.push((self.now + delay, bytes.clone()));
            if !healing && self.rng.chance(10) {
                self.uplink.push((self.now + delay + 50, bytes));
            }
        }
        self.uplink.sort_by_key(|(at, _)| *at);
        let now = self.now;
        let due = take_due(&mut self.uplink, now);
        for bytes in due {
            self.receive(&bytes, lossy && !partitioned)?;
        }
        let polled = self.session.poll(Timestamp::from_millis(self.now));
        self.app.delivered.extend(polled.deliver);
        self.app.skipped.extend(polled.skipped);
        self.app.notices.extend(polled.notices);
        if let Some(r) = polled.resume {
            self.platform_send(Body::Resume(r), lossy);
        }
        let arrived = take_due(&mut self.downlink, now);
        for bytes in arrived {
            if partitioned {
                continue;
            }
            self.device_receive(&bytes)?;
        }
        Ok(())
    }

    pub fn settled(&self) -> bool {
        self.outbox.next_seq() == 1
            || self.session.next_expected_in(self.outbox.epoch()) == Some(self.outbox.next_seq())
    }

    pub fn quiet(&self) -> bool {
        self.outbox.is_empty() && self.uplink.is_empty() && self.downlink.is_empty()
    }

    pub fn check(&self) -> Result<(), String> {
        ensure!(
            self.outbox.is_empty(),
            "outbox drained ({} left)",
            self.outbox.len()
        );
        if self.outbox.next_seq() > 1 {
            ensure_eq!(
                self.session.next_expected_in(self.outbox.epoch()),
                Some(self.outbox.next_seq())
            );
        }
        // In order within each epoch, no number twice (flagged late copies aside).
        let mut last: BTreeMap<u32, u64> = BTreeMap::new();
        for d in &self.app.delivered {
            let f = &d.flags;
            if f.late || f.conflict {
                continue;
            }
            let seq = d.envelope.seq;
            if let Some(prev) = last.insert(d.envelope.epoch, seq) {
                ensure!(
                    prev < seq,
                    "epoch {}: {} then {}",
                    d.envelope.epoch,
                    prev,
                    seq
                );
            }
        }
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for d in &self.app.delivered {
            if let Some(name) = marker(&d.envelope.body) {
                *counts.entry(name.clone()).or_default() += 1;
                if self.implausible.contains(&name) {
                    ensure!(d.flags.implausible.is_some(), "{} flagged", name);
                }
            }
            ensure!(
                !matches!(&d.envelope.body, Body::Status(s) if s.floor == 40),
                "an invalid status frame is never delivered"
            );
        }
        let reported = |epoch: u32, seq: u64| {
            self.app.skipped.iter().any(|r| {
                r.epoch == epoch
                    && (r.from_seq..=r.through_seq).contains(&seq)
                    && matches!(r.reason, SkipReason::NotHeld | SkipReason::EpochEnded)
            })
        };
        for (name, (epoch, seq)) in &self.accepted {
            let n = counts.get(name).copied().unwrap_or(0);
            ensure!(n <= 1, "{} delivered {} times", name, n);
            if n == 0 {
                // A wiped store lost its unacknowledged frames with it; the new epoch is seen
                // and the old one ends, both reported.
                ensure!(
                    reported(*epoch, *seq) || self.wiped.contains(epoch),
                    "{} (epoch {}, seq {}) neither delivered nor reported",
                    name,
                    epoch,
                    seq
                );
            }
        }
        Ok(())
    }
}

pub fn run(script: &[u8], seed: u64, faults: Faults) -> Result<(), String> {
    let mut world = World::new(seed);
    for (step, &a) in script.iter().enumerate() {
        let partitioned = (step / 20) % 4 == 3;
        world.step(Some(a), faults, partitioned)?;
    }
    for _ in 0..5000 {
        world.step(None, faults, false)?;
        if world.quiet() && world.settled() {
            break;
        }
    }
    world.check()
}

/// Takes the frames of a link queue that have arrived by `now`, in queue order.
fn take_due(queue: &mut Vec<(i64, Vec<u8>)>, now: i64) -> Vec<Vec<u8>> {
    let (due, later): (Vec<_>, Vec<_>) = core::mem::take(queue)
        .into_iter()
        .partition(|(at, _)| *at <= now);
    *queue = later;
    due.into_iter().map(|(_, bytes)| bytes).collect()
}
