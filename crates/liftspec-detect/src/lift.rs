//! The per-lift detector: a sans-I/O state machine fed each lift's envelopes in order (and a
//! clock tick for time-based rules). Its state is small and serialisable, so a platform can
//! shard millions of lifts and checkpoint them.

use liftspec_model::codes::{DoorStatus, EventCode, ServiceMode};
use liftspec_model::equipment::Equipment;
use liftspec_model::time::Timestamp;
use liftspec_protocol::message::{
    AlarmStage, Body, EventState, MaintenanceSession, MessageKind, Status,
};
use liftspec_protocol::wire::Envelope;

use crate::detection::{evidence, DetectedKind, Detection};
use crate::maintenance::{Verdict, VerdictKind};
use crate::thresholds::Thresholds;

/// What the detector needs to know about the installation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiftProfile {
    /// Rated speed, mm/s.
    pub rated_speed_mm_s: u32,
    /// Level of the lowest landing, mm.
    pub bottom_mm: i32,
    /// Level of the highest landing, mm.
    pub top_mm: i32,
    /// Whether it is an escalator or moving walk (no car, no doors).
    pub escalator: bool,
}

impl LiftProfile {
    /// The profile of an installation.
    pub fn from_equipment(equipment: &Equipment) -> Self {
        let landings = equipment.floors.landings();
        Self {
            rated_speed_mm_s: equipment.rated_speed_mm_s.max(1),
            bottom_mm: landings.first().map_or(0, |l| l.level_mm),
            top_mm: landings.last().map_or(0, |l| l.level_mm),
            escalator: equipment.kind.is_escalator_family(),
        }
    }

    /// Time to travel the whole travel at rated speed, ms.
    pub fn full_travel_ms(&self) -> i64 {
        (i64::from(self.top_mm) - i64::from(self.bottom_mm)).abs() * 1000
            / i64::from(self.rated_speed_mm_s.max(1))
    }
}

/// The last status, compactly. Optional fields stay optional: evidence states only what the
/// terminal reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Snapshot {
    at: i64,
    position: Option<i32>,
    speed: Option<i32>,
    load: Option<u8>,
    occupied: Option<bool>,
    floor: i16,
    door: u16,
    mode: u8,
    /// People in the car, from the load cell and the occupancy sensor together
    /// ([`crate::occupancy::people`]).
    people: bool,
    /// Moving, not counting a permitted re-levelling ([`crate::thresholds::SOURCE_RELEVEL`]).
    moving: bool,
    door_zone: bool,
    mains: bool,
}

impl Snapshot {
    fn of(s: &Status, at: i64, th: &Thresholds) -> Self {
        Self {
            at,
            position: s.position_mm,
            speed: s.speed_mm_s,
            load: s.load_percent,
            occupied: s.occupied,
            floor: s.floor,
            door: s.front_door.code(),
            mode: s.mode.code(),
            people: crate::occupancy::people(s.occupied, s.load_percent, th),
            moving: s.moving,
            door_zone: s.door_zone,
            mains: s.mains_power,
        }
    }

    fn door_open(&self) -> bool {
        matches!(
            DoorStatus::from_code(self.door),
            DoorStatus::Opened | DoorStatus::Opening
        )
    }

    fn door_closed(&self) -> bool {
        DoorStatus::from_code(self.door) == DoorStatus::Closed
    }

    fn mode(&self) -> ServiceMode {
        ServiceMode::from_code(self.mode)
    }

    /// The occupancy evidence that was reported.
    fn occupancy_evidence(&self) -> Vec<crate::detection::Evidence> {
        let at = Timestamp::from_millis(self.at);
        let mut ev = Vec::new();
        if let Some(load) = self.load {
            ev.push(evidence(at, "loadPercent", load));
        }
        if let Some(occupied) = self.occupied {
            ev.push(evidence(at, "occupied", occupied));
        }
        ev
    }
}

/// Whether the terminal sends heartbeats (which decides how long a silence must be before it
/// is a communication loss).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
enum Heartbeats {
    /// Not yet known: no Register, no heartbeat yet.
    Unknown,
    /// Seen, or declared in the Register.
    On,
    /// Declared absent in the Register, or none in the first `silence_ms` of traffic.
    Off,
}

/// A maintenance session waiting for the telemetry of its claimed time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct PendingSession {
    started_at: i64,
    ended_at: i64,
    received: i64,
    previous_start: i64,
}

/// Most maintenance sessions waiting for telemetry at once; an older one is judged at once
/// when another arrives.
const MAX_PENDING_SESSIONS: usize = 4;

/// Most inspection spans kept (two days of visits are a handful; a stuck mode switch flapping
/// all day would otherwise grow the state).
const MAX_INSPECTION_SPANS: usize = 64;

/// How long inspection spans are kept before the newest one, ms: two days.
const INSPECTION_SPANS_KEPT_MS: i64 = 2 * 86_400_000;

const NEVER: i64 = i64::MIN;

/// Faults cleared when the lift is seen back in normal service (trapped episodes end by their
/// own condition instead, see `LiftDetector::trapped_condition`).
const HALT_KINDS: [DetectedKind; 14] = [
    DetectedKind::EmergencyStop,
    DetectedKind::TrappedAtLanding,
    DetectedKind::TrappedBetweenFloors,
    DetectedKind::StoppedOutsideDoorZone,
    DetectedKind::MovingWithDoorOpen,
    DetectedKind::DoorOpenWhileRunning,
    DetectedKind::Overspeed,
    DetectedKind::OvertravelTop,
    DetectedKind::OvertravelBottom,
    DetectedKind::DoorOpeningFault,
    DetectedKind::DoorClosingFault,
    DetectedKind::SafetyCircuitOpen,
    DetectedKind::RunTimeout,
    DetectedKind::ControllerFault,
];

/// The bits of [`HALT_KINDS`] that a car back in normal service clears (all but the trapped
/// episode's).
const CLEARED_IN_SERVICE: u32 = {
    let mut mask = 0;
    let mut i = 0;
    while i < HALT_KINDS.len() {
        let kind = HALT_KINDS[i];
        if !matches!(
            kind,
            DetectedKind::TrappedAtLanding | DetectedKind::TrappedBetweenFloors
        ) {
            mask |= kind.bit();
        }
        i += 1;
    }
    mask
};

/// One lift's detector state.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiftDetector {
    profile: LiftProfile,
    last: Option<Snapshot>,
    /// Raised kinds, one bit each.
    active: u32,
    /// Device time the car stopped.
    stopped_at: i64,
    /// Where the car stopped (the position re-levelling is measured from), if reported.
    rest_position: Option<i32>,
    /// Whether the doors have opened since the car stopped (a normal door cycle).
    opened_since_stop: bool,
    /// Whether an alarm was pressed since the car stopped (a passenger's own word that someone
    /// is inside).
    alarm_since_stop: bool,
    /// Platform time since which a stopped car has held people behind closed doors.
    trapped_since: i64,
    /// Platform time since which a raised trapped episode's condition has been gone.
    trapped_gone_since: i64,
    /// Whether the raised trapped episode came from the controller's code 11 (then only the
    /// doors or the controller end it, not an occupancy reading).
    trapped_by_code: bool,
    /// Platform time since which an empty car has stood out of service in a zone after a
    /// normal arrival with no door cycle.
    door_fault_since: i64,
    /// Whether the last stop was a normal arrival (in service when it stopped).
    normal_stop: bool,
    run_started: i64,
    door_open_received: i64,
    first_received: i64,
    last_received: i64,
    heartbeats: Heartbeats,
    last_heartbeat: i64,
    /// The last interval between two heartbeats, ms (0: not yet known).
    heartbeat_period_ms: i64,
    inspection_since: i64,
    /// Inspection-mode spans of the last two days (device clock).
    inspections: Vec<(i64, i64)>,
    /// Device time of the last frame, and the last two silences longer than the
    /// communication-loss threshold (device clock, from the frame before to the frame after).
    last_sent: i64,
    silences: [(i64, i64); 2],
    /// Start of the last maintenance session seen (its day is what the interval counts from).
    last_session_start: i64,
    /// Sessions whose claimed time the telemetry has not yet reached.
    pending_sessions: Vec<PendingSession>,
    /// Platform time of the last EN 81-28 test call, or of the first frame before any.
    test_call_clock: i64,
    /// Platform time since which a stop-use notice stands (Art. 28(4), 20(9)).
    stop_use_since: i64,
}

/// The two kinds of a trapped episode.
const TRAPPED: [DetectedKind; 2] = [
    DetectedKind::TrappedAtLanding,
    DetectedKind::TrappedBetweenFloors,
];

/// The trapped kind for a car in the door zone (at a landing) or not (between floors).
const fn trapped_kind(door_zone: bool) -> DetectedKind {
    if door_zone {
        DetectedKind::TrappedAtLanding
    } else {
        DetectedKind::TrappedBetweenFloors
    }
}

impl LiftDetector {
    /// A detector for an installation.
    pub fn new(profile: LiftProfile) -> Self {
        Self {
            profile,
            last: None,
            active: 0,
            stopped_at: NEVER,
            rest_position: None,
            opened_since_stop: false,
            alarm_since_stop: false,
            trapped_since: NEVER,
            trapped_gone_since: NEVER,
            trapped_by_code: false,
            door_fault_since: NEVER,
            normal_stop: true,
            run_started: NEVER,
            door_open_received: NEVER,
            first_received: NEVER,
            last_received: NEVER,
            heartbeats: Heartbeats::Unknown,
            last_heartbeat: NEVER,
            heartbeat_period_ms: 0,
            inspection_since: NEVER,
            inspections: Vec::new(),
            last_sent: NEVER,
            silences: [(NEVER, NEVER); 2],
            last_session_start: NEVER,
            pending_sessions: Vec::new(),
            test_call_clock: NEVER,
            stop_use_since: NEVER,
        }
    }

    /// Tells the detector a stop-use notice stands from `since` (a fault the maintenance unit
    /// could not clear, Hangzhou Reg. Art. 28(4); a hidden danger, Art. 20(9)), or was lifted
    /// (`None`): while it stands, a car running in normal service is
    /// [`DetectedKind::InServiceWhileStopped`].
    pub fn set_stop_use(&mut self, since: Option<Timestamp>, out: &mut Vec<Detection>) {
        match since {
            Some(t) => self.stop_use_since = t.millis(),
            None => {
                self.stop_use_since = NEVER;
                let now = self.last_received.max(0);
                self.clear(out, DetectedKind::InServiceWhileStopped, now, now);
            }
        }
    }

    /// Whether `kind` is currently raised.
    pub fn is_active(&self, kind: DetectedKind) -> bool {
        self.active & kind.bit() != 0
    }

    fn trapped_active(&self) -> bool {
        TRAPPED.iter().any(|k| self.is_active(*k))
    }

    fn raise(
        &mut self,
        out: &mut Vec<Detection>,
        kind: DetectedKind,
        at: i64,
        detected_at: i64,
        floor: Option<i16>,
        evidence: Vec<crate::detection::Evidence>,
    ) {
        if self.active & kind.bit() != 0 {
            return;
        }
        self.active |= kind.bit();
        out.push(Detection::new(
            kind,
            true,
            Timestamp::from_millis(at),
            Timestamp::from_millis(detected_at),
            floor,
            evidence,
        ));
    }

    /// Raises a finding that is instantaneous: raised and done, never cleared.
    fn note(
        &mut self,
        out: &mut Vec<Detection>,
        kind: DetectedKind,
        at: i64,
        detected_at: i64,
        floor: Option<i16>,
        evidence: Vec<crate::detection::Evidence>,
    ) {
        self.raise(out, kind, at, detected_at, floor, evidence);
        self.active &= !kind.bit();
    }

    fn clear(&mut self, out: &mut Vec<Detection>, kind: DetectedKind, at: i64, detected_at: i64) {
        if self.active & kind.bit() == 0 {
            return;
        }
        self.active &= !kind.bit();
        out.push(Detection::new(
            kind,
            false,
            Timestamp::from_millis(at),
            Timestamp::from_millis(detected_at),
            None,
            Vec::new(),
        ));
    }

    /// Ends a trapped episode (both kinds) and restarts its timers.
    fn end_trapped(&mut self, out: &mut Vec<Detection>, at: i64, now: i64) {
        for kind in TRAPPED {
            self.clear(out, kind, at, now);
        }
        self.trapped_since = NEVER;
        self.trapped_gone_since = NEVER;
        self.trapped_by_code = false;
    }

    fn run_limit_ms(&self, t: &Thresholds) -> i64 {
        let full = self
            .profile
            .full_travel_ms()
            .saturating_add(t.run_time_margin_ms);
        if full > t.run_time_max_ms {
            // A slow or tall installation whose legitimate full run exceeds the EN 81 ceiling
            // would trip in normal service: its full travel plus the margin is the limit.
            full
        } else {
            full.max(t.run_time_min_ms)
        }
    }

    /// How long a silence must last to be a communication loss: `silence_ms`, or two of the
    /// terminal's own heartbeat periods plus a minute when those are longer; a day
    /// (`silence_without_heartbeat_ms`) for a terminal with heartbeats switched off.
    fn silence_limit_ms(&self, th: &Thresholds) -> i64 {
        match self.heartbeats {
            Heartbeats::Off => th.silence_without_heartbeat_ms,
            Heartbeats::On => th.silence_ms.max(
                self.heartbeat_period_ms
                    .saturating_mul(2)
                    .saturating_add(60_000),
            ),
            Heartbeats::Unknown => th.silence_ms,
        }
    }

    /// Feeds one envelope, received at `received_at` (platform clock), in sequence order.
    pub fn on_envelope(
        &mut self,
        envelope: &Envelope,
        received_at: Timestamp,
        thresholds: &Thresholds,
        out: &mut Vec<Detection>,
    ) {
        let now = received_at.millis();
        let sent = envelope.sent_at.millis();
        if self.is_active(DetectedKind::CommunicationLoss) {
            self.clear(out, DetectedKind::CommunicationLoss, now, now);
        }
        if self.last_received != NEVER
            && now.saturating_sub(self.last_received) > self.silence_limit_ms(thresholds)
        {
            // Kept so that a maintenance session claimed over the gap is judged unverifiable,
            // not uncorroborated, for want of telemetry.
            self.silences = [self.silences[1], (self.last_sent, sent)];
            // What the doors did during the silence is unknown: their timer starts again.
            self.door_open_received = NEVER;
        }
        if self.first_received == NEVER {
            self.first_received = now;
        }
        self.last_received = now;
        self.last_sent = self.last_sent.max(sent);
        if self.heartbeats == Heartbeats::Unknown
            && now.saturating_sub(self.first_received) > thresholds.silence_ms
            && !matches!(envelope.body, Body::Heartbeat(_))
        {
            // Traffic for longer than a heartbeat threshold and no heartbeat in it.
            self.heartbeats = Heartbeats::Off;
        }
        if self.test_call_clock == NEVER {
            // The 72-hour wait for a first test call starts with the terminal's first frame.
            self.test_call_clock = now;
        }
        let offset = now.saturating_sub(sent);
        if offset.unsigned_abs() > thresholds.clock_drift_ms.unsigned_abs() {
            let ev = vec![evidence(envelope.sent_at, "receivedMinusSentMs", offset)];
            self.raise(out, DetectedKind::ClockDrift, now, now, None, ev);
        } else {
            self.clear(out, DetectedKind::ClockDrift, now, now);
        }
        match &envelope.body {
            Body::Register(r) => {
                self.heartbeats = if r.capabilities.sends(MessageKind::Heartbeat) {
                    Heartbeats::On
                } else {
                    Heartbeats::Off
                };
            }
            Body::Status(s) => self.on_status(s, sent, now, thresholds, out),
            Body::Event(e) => self.on_event(e.code, e.state, e.at.millis(), now, out),
            Body::Alarm(a) => {
                if let AlarmStage::TestCall { ok } = a.stage {
                    self.test_call_clock = now;
                    self.clear(out, DetectedKind::TestCallMissing, now, now);
                    if ok {
                        self.clear(out, DetectedKind::TestCallFailed, a.at.millis(), now);
                    } else {
                        let ev = vec![evidence(a.at, "testCallOk", false)];
                        self.raise(
                            out,
                            DetectedKind::TestCallFailed,
                            a.at.millis(),
                            now,
                            a.floor,
                            ev,
                        );
                    }
                }
                let pressed = matches!(
                    a.stage,
                    AlarmStage::Raised | AlarmStage::Filtered(_) | AlarmStage::Emitted { .. }
                );
                if pressed {
                    let ev = evidence(a.at, "alarmStage", format!("{:?}", a.stage));
                    let filtered = matches!(a.stage, AlarmStage::Filtered(_));
                    self.on_alarm_press(filtered, a.at.millis(), now, a.floor, ev, out);
                }
            }
            Body::DoorCycle(d) => {
                self.opened_since_stop = true;
                let reopens = d.reopens_photocell.saturating_add(d.reopens_button);
                if reopens >= thresholds.door_reopens {
                    let ev = vec![
                        evidence(d.started_at, "reopensPhotocell", d.reopens_photocell),
                        evidence(d.started_at, "reopensButton", d.reopens_button),
                    ];
                    self.raise(
                        out,
                        DetectedKind::DoorClosingFault,
                        d.started_at.millis(),
                        now,
                        Some(d.floor),
                        ev,
                    );
                }
            }
            Body::Heartbeat(_) => {
                if self.last_heartbeat != NEVER {
                    self.heartbeat_period_ms = now.saturating_sub(self.last_heartbeat).max(0);
                }
                self.last_heartbeat = now;
                self.heartbeats = Heartbeats::On;
            }
            Body::MaintenanceSession(m) => {
                let pending = PendingSession {
                    started_at: m.started_at.millis(),
                    ended_at: m.ended_at.millis(),
                    received: now,
                    previous_start: self.last_session_start,
                };
                self.last_session_start = self.last_session_start.max(pending.started_at);
                if self.pending_sessions.len() >= MAX_PENDING_SESSIONS {
                    let oldest = self.pending_sessions.remove(0);
                    self.judge(oldest, now, thresholds, out);
                }
                self.pending_sessions.push(pending);
            }
            _ => {}
        }
        if let Some(snap) = self.last {
            self.door_held_open(snap, now, thresholds, out);
        }
        self.judge_sessions(now, false, thresholds, out);
        self.check_timers(now, thresholds, out);
    }

    /// An alarm press, whether an Alarm message or an Event with the alarm code 90 (firmware
    /// that sends alarms only as events): EN 81-28 filtering, and a passenger's word that
    /// someone is inside.
    fn on_alarm_press(
        &mut self,
        filtered: bool,
        at: i64,
        now: i64,
        floor: Option<i16>,
        ev: crate::detection::Evidence,
        out: &mut Vec<Detection>,
    ) {
        if self.probable_false_alarm(filtered) {
            self.note(
                out,
                DetectedKind::ProbableFalseAlarm,
                at,
                now,
                floor,
                vec![ev],
            );
            return;
        }
        let Some(s) = self.last else {
            return;
        };
        if !s.moving && s.door_closed() && s.mode() != ServiceMode::Inspection {
            // Someone is inside a stopped car with closed doors and says so: trapped now.
            self.alarm_since_stop = true;
            let kind = trapped_kind(s.door_zone);
            if !self.trapped_active() {
                let mut evidence = s.occupancy_evidence();
                evidence.push(ev);
                evidence.push(crate::detection::evidence(
                    Timestamp::from_millis(s.at),
                    "doorZone",
                    s.door_zone,
                ));
                self.raise(
                    out,
                    kind,
                    self.stopped_at.max(s.at),
                    now,
                    Some(s.floor),
                    evidence,
                );
            }
            if self.trapped_since == NEVER {
                self.trapped_since = now;
            }
            self.trapped_gone_since = NEVER;
        }
    }

    /// EN 81-28 filtering: a press while the car stands at a landing with the door open, or runs
    /// normally, or idles in normal service, is probably false — never when trapped conditions hold.
    fn probable_false_alarm(&self, filtered: bool) -> bool {
        if self.trapped_active() {
            return false;
        }
        if filtered {
            return true;
        }
        let Some(s) = self.last else {
            return false;
        };
        let normal = s.mode() == ServiceMode::Normal && s.mains;
        let halted = self.active & HALT_KINDS.iter().fold(0, |m, k| m | k.bit()) != 0;
        let people_stuck = !s.moving && s.people && s.door_closed() && !normal;
        !people_stuck && !halted && normal && (s.moving || s.door_zone)
    }

    fn on_event(
        &mut self,
        code: EventCode,
        state: EventState,
        at: i64,
        now: i64,
        out: &mut Vec<Detection>,
    ) {
        let floor = self.last.map(|s| s.floor);
        let in_zone = self.last.is_none_or(|s| s.door_zone);
        let kind = match code.number() {
            1 => DetectedKind::SafetyCircuitOpen,
            2 => DetectedKind::DoorClosingFault,
            3 => DetectedKind::DoorOpeningFault,
            4 => DetectedKind::StoppedOutsideDoorZone,
            5 if self.last.is_some_and(|s| s.moving) => DetectedKind::DoorOpenWhileRunning,
            5 => DetectedKind::MovingWithDoorOpen,
            6 => DetectedKind::RunTimeout,
            7 => DetectedKind::FloorPositionLost,
            9 => DetectedKind::OvertravelTop,
            10 => DetectedKind::OvertravelBottom,
            11 if in_zone && self.last.is_some_and(|s| !s.moving) => DetectedKind::TrappedAtLanding,
            11 => DetectedKind::TrappedBetweenFloors,
            41 => DetectedKind::PowerFailure,
            // Escalator codes 61 (safety circuit) and 62 (overspeed).
            61 => DetectedKind::SafetyCircuitOpen,
            62 => DetectedKind::Overspeed,
            90 => {
                // The alarm button, sent as an event by firmware without Alarm messages.
                if matches!(state, EventState::Raised | EventState::Occurred) {
                    let ev = evidence(Timestamp::from_millis(at), "eventCode", 90);
                    self.on_alarm_press(false, at, now, floor, ev, out);
                }
                return;
            }
            40 => {
                for kind in HALT_KINDS {
                    self.clear(out, kind, at, now);
                }
                // Back to normal: the timers restart from the next status.
                self.end_trapped(out, at, now);
                self.door_fault_since = NEVER;
                return;
            }
            _ if code.is_fault() => DetectedKind::ControllerFault,
            _ => return,
        };
        match state {
            EventState::Raised | EventState::Occurred => {
                let ev = vec![evidence(
                    Timestamp::from_millis(at),
                    "eventCode",
                    code.number(),
                )];
                if TRAPPED.contains(&kind) {
                    if self.trapped_active() {
                        return;
                    }
                    self.trapped_by_code = true;
                    self.trapped_gone_since = NEVER;
                }
                self.raise(out, kind, at, now, floor, ev);
            }
            EventState::Cleared if TRAPPED.contains(&kind) => self.end_trapped(out, at, now),
            EventState::Cleared => {
                if kind == DetectedKind::DoorOpeningFault {
                    // The controller says it is over: the timer restarts from the next status,
                    // so the same stop is not raised again at once.
                    self.door_fault_since = NEVER;
                }
                self.clear(out, kind, at, now);
            }
        }
    }

    /// Whether a car moving with its door open is re-levelling as EN 81-20 5.12.1.4 permits:
    /// inside the door zone, no faster than `relevel_max_speed_mm_s` and no farther than
    /// `relevel_max_travel_mm` from where it stopped. With neither speed nor position reported
    /// it cannot be told from a drift, so it is not.
    fn relevelling(&self, s: &Status, th: &Thresholds) -> bool {
        if !s.door_zone || self.stopped_at == NEVER {
            return false;
        }
        let slow = s
            .speed_mm_s
            .map(|v| v.unsigned_abs() <= th.relevel_max_speed_mm_s);
        let near = match (s.position_mm, self.rest_position) {
            (Some(p), Some(rest)) => Some(p.abs_diff(rest) <= th.relevel_max_travel_mm),
            _ => None,
        };
        !matches!(
            (slow, near),
            (Some(false), _) | (_, Some(false)) | (None, None)
        )
    }

    fn on_status(
        &mut self,
        s: &Status,
        t: i64,
        now: i64,
        th: &Thresholds,
        out: &mut Vec<Detection>,
    ) {
        let mut snap = Snapshot::of(s, t, th);
        let prev = self.last;
        let ts = Timestamp::from_millis(t);
        let floor = Some(s.floor);
        let door_open_moving = s.moving && snap.door_open();
        if door_open_moving && self.relevelling(s, th) {
            // A permitted re-levelling: the car is at rest at its landing.
            snap.moving = false;
        }
        let moving = snap.moving;
        if self.stop_use_since != NEVER
            && t >= self.stop_use_since
            && moving
            && s.mode == ServiceMode::Normal
        {
            let ev = vec![
                evidence(ts, "serviceMode", "normal"),
                evidence(
                    Timestamp::from_millis(self.stop_use_since),
                    "stopUseSince",
                    self.stop_use_since,
                ),
            ];
            self.raise(out, DetectedKind::InServiceWhileStopped, t, now, floor, ev);
        }
        let rated = f64::from(self.profile.rated_speed_mm_s);
        // Inspection spans, for maintenance authenticity.
        if snap.mode() == ServiceMode::Inspection {
            if self.inspection_since == NEVER {
                self.inspection_since = t;
            }
        } else if self.inspection_since != NEVER {
            self.push_inspection(self.inspection_since, t);
            self.inspection_since = NEVER;
        }
        if let Some(speed) = s.speed_mm_s {
            if f64::from(speed).abs() > rated * th.overspeed_ratio {
                let ev = vec![
                    evidence(ts, "speedMmS", speed),
                    evidence(ts, "ratedSpeedMmS", rated),
                ];
                self.raise(out, DetectedKind::Overspeed, t, now, floor, ev);
            }
        }
        if !self.profile.escalator {
            let pos = s.position_mm;
            let with_position = |mut ev: Vec<crate::detection::Evidence>| {
                if let Some(p) = pos {
                    ev.push(evidence(ts, "positionMm", p));
                }
                ev
            };
            let top = i64::from(self.profile.top_mm) + i64::from(th.overtravel_mm);
            let bottom = i64::from(self.profile.bottom_mm) - i64::from(th.overtravel_mm);
            if s.up_final_limit || pos.is_some_and(|p| i64::from(p) > top) {
                let ev = with_position(vec![evidence(ts, "upFinalLimit", s.up_final_limit)]);
                self.raise(out, DetectedKind::OvertravelTop, t, now, floor, ev);
            }
            if s.down_final_limit || pos.is_some_and(|p| i64::from(p) < bottom) {
                let ev = with_position(vec![evidence(ts, "downFinalLimit", s.down_final_limit)]);
                self.raise(out, DetectedKind::OvertravelBottom, t, now, floor, ev);
            }
            if moving && snap.door_open() {
                let from_rest_open = prev.is_some_and(|p| !p.moving && p.door_open());
                let kind = if from_rest_open {
                    DetectedKind::MovingWithDoorOpen
                } else {
                    DetectedKind::DoorOpenWhileRunning
                };
                let mut ev = vec![
                    evidence(ts, "moving", true),
                    evidence(ts, "frontDoor", format!("{:?}", s.front_door)),
                    evidence(ts, "doorZone", s.door_zone),
                ];
                if let Some(v) = s.speed_mm_s {
                    ev.push(evidence(ts, "speedMmS", v));
                }
                if let (Some(p), Some(rest)) = (pos, self.rest_position) {
                    ev.push(evidence(ts, "movedFromStopMm", p.abs_diff(rest)));
                }
                self.raise(out, kind, t, now, floor, ev);
            }
        }
        if !s.mains_power {
            let ev = vec![evidence(ts, "mainsPower", false)];
            self.raise(out, DetectedKind::PowerFailure, t, now, floor, ev);
        } else if prev.is_some_and(|p| !p.mains) {
            self.clear(out, DetectedKind::PowerFailure, t, now);
        }
        // Judged only forwards in device time: a terminal whose clock steps back (an NTP
        // correction) gives no interval to judge a jump by.
        if let (Some(p), Some(pos), Some(prev_pos)) = (
            prev.filter(|p| t >= p.at),
            s.position_mm,
            prev.and_then(|p| p.position),
        ) {
            let dt = (t.saturating_sub(p.at).max(0) as f64) / 1000.0;
            let v = rated
                .max(f64::from(p.speed.unwrap_or(0)).abs())
                .max(f64::from(s.speed_mm_s.unwrap_or(0)).abs());
            let jump = (f64::from(pos) - f64::from(prev_pos)).abs();
            if jump > v * dt * 1.5 + th.position_slack_mm {
                let ev = vec![
                    evidence(Timestamp::from_millis(p.at), "positionMm", prev_pos),
                    evidence(ts, "positionMm", pos),
                ];
                self.note(out, DetectedKind::FloorPositionLost, t, now, floor, ev);
            }
        }
        self.runs_and_stops(s, &snap, prev, t, now, th, out);
        self.trapped_condition(&snap, now);
        let door_condition = !moving
            && !snap.people
            && s.door_zone
            && snap.door_closed()
            && s.mains_power
            && snap.mode() == ServiceMode::OutOfService
            && self.normal_stop
            && !self.opened_since_stop;
        if !door_condition {
            self.door_fault_since = NEVER;
        } else if self.door_fault_since == NEVER {
            self.door_fault_since = now;
        }
        // Door held open: timed from when the open door was first received.
        if let Some(p) = prev {
            self.door_held_open(p, now, th, out);
        }
        if snap.door_open() && !moving {
            if prev.is_none_or(|p| !p.door_open()) || self.door_open_received == NEVER {
                self.door_open_received = now;
            }
        } else {
            self.door_open_received = NEVER;
            self.clear(out, DetectedKind::DoorHeldOpen, t, now);
        }
        // Back in normal service: a car running, or at a landing with its door open or idle.
        let normal = snap.mode() == ServiceMode::Normal && s.mains_power;
        if self.active & CLEARED_IN_SERVICE != 0
            && normal
            && (moving
                || (s.door_zone && !self.is_active(DetectedKind::DoorOpeningFault))
                || snap.door_open())
        {
            for kind in HALT_KINDS {
                if CLEARED_IN_SERVICE & kind.bit() == 0 || !self.is_active(kind) {
                    // A trapped episode ends by its own condition, with hysteresis.
                    continue;
                }
                let keep = match kind {
                    DetectedKind::Overspeed => s
                        .speed_mm_s
                        .is_some_and(|v| f64::from(v).abs() > rated * th.overspeed_ratio),
                    DetectedKind::MovingWithDoorOpen | DetectedKind::DoorOpenWhileRunning => {
                        moving && snap.door_open()
                    }
                    DetectedKind::OvertravelTop => s.up_final_limit,
                    DetectedKind::OvertravelBottom => s.down_final_limit,
                    DetectedKind::RunTimeout => moving,
                    _ => false,
                };
                if !(keep || (moving && self.just_raised(kind, out))) {
                    self.clear(out, kind, t, now);
                }
            }
        }
        self.last = Some(snap);
    }

    /// Run timing (EN 81-20 5.9.2.7, not in inspection operation), emergency stops and stops
    /// outside the door zone.
    #[allow(clippy::too_many_arguments)]
    fn runs_and_stops(
        &mut self,
        s: &Status,
        snap: &Snapshot,
        prev: Option<Snapshot>,
        t: i64,
        now: i64,
        th: &Thresholds,
        out: &mut Vec<Detection>,
    ) {
        let ts = Timestamp::from_millis(t);
        let floor = Some(s.floor);
        if snap.moving {
            if snap.mode() == ServiceMode::Inspection {
                // Slow inspection runs are not timed.
                self.run_started = NEVER;
            } else if self.run_started == NEVER
                || prev.is_none_or(|p| !p.moving || t.saturating_sub(p.at) > 10_000)
            {
                // A run is timed only while its statuses keep coming: after a gap (a silent
                // terminal), its start is unknown and timing restarts.
                self.run_started = t;
            }
            self.stopped_at = NEVER;
            self.rest_position = None;
            self.opened_since_stop = false;
            self.alarm_since_stop = false;
            if !self.profile.escalator
                && self.run_started != NEVER
                && t.saturating_sub(self.run_started) > self.run_limit_ms(th)
            {
                let ev = vec![evidence(
                    Timestamp::from_millis(self.run_started),
                    "runStarted",
                    self.run_started,
                )];
                self.raise(out, DetectedKind::RunTimeout, t, now, floor, ev);
            }
            return;
        }
        let just_stopped = prev.is_none_or(|p| p.moving) || self.stopped_at == NEVER;
        if just_stopped {
            self.stopped_at = t;
            // Fire return, firefighter, emergency power, earthquake, parking and independent
            // service runs stop normally too.
            self.normal_stop = snap.mode() != ServiceMode::OutOfService;
        }
        // Re-levelling is measured from where the car stood when its doors last were closed.
        if self.rest_position.is_none() || snap.door_closed() {
            self.rest_position = s.position_mm;
        }
        if snap.door_open() {
            // A door cycle: people could leave, so an earlier alarm no longer says they are in.
            self.opened_since_stop = true;
            self.alarm_since_stop = false;
        }
        self.run_started = NEVER;
        // A stop without power is the power failure's, not an emergency stop.
        let emergency =
            just_stopped && prev.is_some_and(|p| p.moving) && !self.normal_stop && s.mains_power;
        if self.profile.escalator {
            if emergency {
                let ev = vec![evidence(ts, "serviceMode", format!("{:?}", snap.mode()))];
                self.raise(out, DetectedKind::EmergencyStop, t, now, floor, ev);
            }
        } else if snap.mode() != ServiceMode::Inspection {
            if !s.door_zone {
                let mut ev = vec![evidence(ts, "doorZone", false)];
                if let Some(p) = s.position_mm {
                    ev.push(evidence(ts, "positionMm", p));
                }
                self.raise(out, DetectedKind::StoppedOutsideDoorZone, t, now, floor, ev);
            } else if emergency {
                let mut ev = vec![evidence(ts, "serviceMode", format!("{:?}", snap.mode()))];
                if let Some((at, v)) = prev.and_then(|p| p.speed.map(|v| (p.at, v))) {
                    ev.push(evidence(Timestamp::from_millis(at), "speedMmS", v));
                }
                self.raise(out, DetectedKind::EmergencyStop, t, now, floor, ev);
            }
        }
    }

    /// People behind closed doors in a stopped car: the timer starts when the condition
    /// starts. Before the episode is raised, doors opening or the car moving end it at once (the
    /// people could leave); once raised, the condition must be gone for `episode_clear_ms`
    /// ([`crate::thresholds::SOURCE_EPISODE`]), and an occupancy reading alone never ends an
    /// episode the controller raised.
    fn trapped_condition(&mut self, snap: &Snapshot, now: i64) {
        let shut_in = !snap.moving && snap.door_closed() && snap.mode() != ServiceMode::Inspection;
        let people = snap.people || self.alarm_since_stop;
        if shut_in && people {
            if self.trapped_since == NEVER {
                self.trapped_since = now;
            }
            self.trapped_gone_since = NEVER;
            return;
        }
        if !self.trapped_active() {
            self.trapped_since = NEVER;
            return;
        }
        let gone = !shut_in || !self.trapped_by_code;
        if gone && self.trapped_gone_since == NEVER {
            self.trapped_gone_since = now;
        }
    }

    /// Whether `kind` was raised by this very call (so a running car does not clear what it
    /// has just shown).
    fn just_raised(&self, kind: DetectedKind, out: &[Detection]) -> bool {
        out.iter().rev().take(8).any(|d| d.kind == kind && d.raised)
    }

    /// The rules that run on time, at every frame and every tick: the trapped episode and the
    /// door opening fault.
    fn check_timers(&mut self, now: i64, th: &Thresholds, out: &mut Vec<Detection>) {
        let Some(s) = self.last else {
            return;
        };
        if self.trapped_gone_since != NEVER
            && now.saturating_sub(self.trapped_gone_since) >= th.episode_clear_ms
        {
            let at = self.trapped_gone_since;
            self.end_trapped(out, at, now);
        }
        if self.profile.escalator || s.moving {
            return;
        }
        let at = Timestamp::from_millis(s.at);
        if self.trapped_since != NEVER
            && self.trapped_gone_since == NEVER
            && now.saturating_sub(self.trapped_since) >= th.trapped_after_ms
            && !self.trapped_active()
        {
            let kind = trapped_kind(s.door_zone);
            let mut ev = s.occupancy_evidence();
            ev.push(evidence(at, "doorZone", s.door_zone));
            ev.push(evidence(
                at,
                "closedForMs",
                now.saturating_sub(self.trapped_since),
            ));
            self.raise(out, kind, self.stopped_at, now, Some(s.floor), ev);
        }
        if self.door_fault_since != NEVER
            && now.saturating_sub(self.door_fault_since) >= th.door_opening_after_ms
        {
            let ev = vec![
                evidence(at, "serviceMode", "outOfService"),
                evidence(at, "frontDoor", "closed"),
                evidence(at, "doorOpenedSinceStop", false),
            ];
            self.raise(
                out,
                DetectedKind::DoorOpeningFault,
                self.stopped_at,
                now,
                Some(s.floor),
                ev,
            );
        }
    }

    /// A door held open in normal service, judged when a frame of any kind arrives (a status,
    /// including the one that closes the door, or a heartbeat): a tick alone cannot tell a door
    /// held open from a terminal that has gone silent since it reported the door open.
    fn door_held_open(
        &mut self,
        snap: Snapshot,
        now: i64,
        th: &Thresholds,
        out: &mut Vec<Detection>,
    ) {
        if snap.door_open()
            && !snap.moving
            && snap.mode() == ServiceMode::Normal
            && self.door_open_received != NEVER
            && now.saturating_sub(self.door_open_received) >= th.door_held_open_ms
        {
            let at = Timestamp::from_millis(snap.at);
            let ev = vec![
                evidence(at, "frontDoor", "opened"),
                evidence(at, "openForMs", now.saturating_sub(self.door_open_received)),
            ];
            self.raise(
                out,
                DetectedKind::DoorHeldOpen,
                snap.at,
                now,
                Some(snap.floor),
                ev,
            );
        }
    }

    /// Time-based rules at platform time `now`: communication loss, the test call, pending
    /// maintenance verdicts and the timers of a car that sends nothing while stopped. A
    /// platform calls it on a steady cadence (the replay does every 5 s), whatever the
    /// terminal's reporting.
    pub fn on_tick(&mut self, now: Timestamp, thresholds: &Thresholds, out: &mut Vec<Detection>) {
        let now = now.millis();
        if !self.profile.escalator
            && self.test_call_clock != NEVER
            && now.saturating_sub(self.test_call_clock) > thresholds.test_call_within_ms
        {
            let ev = vec![evidence(
                Timestamp::from_millis(self.test_call_clock),
                "lastTestCallOrFirstFrame",
                self.test_call_clock,
            )];
            self.raise(out, DetectedKind::TestCallMissing, now, now, None, ev);
        }
        if self.last_received != NEVER
            && now.saturating_sub(self.last_received) > self.silence_limit_ms(thresholds)
        {
            let ev = vec![
                evidence(
                    Timestamp::from_millis(self.last_received),
                    "lastReceived",
                    self.last_received,
                ),
                evidence(
                    Timestamp::from_millis(now),
                    "silenceLimitMs",
                    self.silence_limit_ms(thresholds),
                ),
            ];
            self.raise(
                out,
                DetectedKind::CommunicationLoss,
                self.last_received,
                now,
                None,
                ev,
            );
        }
        self.judge_sessions(now, false, thresholds, out);
        self.check_timers(now, thresholds, out);
    }

    /// Judges every maintenance session still waiting for telemetry, as at platform time
    /// `now`: what the recording ends with, when no more telemetry will come.
    pub fn finish(&mut self, now: Timestamp, thresholds: &Thresholds, out: &mut Vec<Detection>) {
        self.judge_sessions(now.millis(), true, thresholds, out);
    }

    /// Sessions whose verdict is final: the telemetry has reached the claimed end (a frame sent
    /// at or after it), or `verdict_after_ms` has passed since the session arrived, or `all`.
    fn judge_sessions(&mut self, now: i64, all: bool, th: &Thresholds, out: &mut Vec<Detection>) {
        if self.pending_sessions.is_empty() {
            return;
        }
        let pending = std::mem::take(&mut self.pending_sessions);
        for p in pending {
            let ready = all
                || self.last_sent >= p.ended_at
                || now.saturating_sub(p.received) >= th.verdict_after_ms;
            if ready {
                self.judge(p, now, th, out);
            } else {
                self.pending_sessions.push(p);
            }
        }
    }

    fn judge(&mut self, p: PendingSession, now: i64, th: &Thresholds, out: &mut Vec<Detection>) {
        let verdict = self.verdict_of(p.started_at, p.ended_at, p.previous_start, th);
        if verdict.kind == VerdictKind::NotCorroborated {
            let ev = vec![
                evidence(
                    Timestamp::from_millis(p.started_at),
                    "inspectionOverlapPercent",
                    verdict.overlap_percent,
                ),
                evidence(
                    Timestamp::from_millis(p.ended_at),
                    "claimedMinutes",
                    p.ended_at.saturating_sub(p.started_at) / 60_000,
                ),
            ];
            self.note(
                out,
                DetectedKind::UncorroboratedMaintenance,
                p.ended_at,
                now.max(p.received),
                None,
                ev,
            );
        }
    }

    fn push_inspection(&mut self, from: i64, to: i64) {
        let keep_after = to.saturating_sub(INSPECTION_SPANS_KEPT_MS);
        self.inspections.retain(|(_, end)| *end >= keep_after);
        if self.inspections.len() >= MAX_INSPECTION_SPANS {
            self.inspections.remove(0);
        }
        self.inspections.push((from, to));
    }

    fn verdict_of(&self, start: i64, end: i64, previous_start: i64, th: &Thresholds) -> Verdict {
        let mut spans = self.inspections.clone();
        if self.inspection_since != NEVER {
            spans.push((self.inspection_since, end.max(self.last_sent)));
        }
        let visits = crate::maintenance::visit_spans(&spans, th.visit_gap_ms);
        crate::maintenance::verdict(
            start,
            end,
            &visits,
            &self.silences,
            previous_start,
            &th.maintenance_interval,
        )
    }

    /// Cross-checks a maintenance session with the inspection-mode time the telemetry showed
    /// (the whole visit: inspection spans joined across test runs and stops no longer than
    /// `visit_gap_ms`), and with the maintenance interval since the previous session.
    pub fn maintenance_verdict(
        &self,
        session: &MaintenanceSession,
        thresholds: &Thresholds,
    ) -> Verdict {
        self.verdict_of(
            session.started_at.millis(),
            session.ended_at.millis(),
            self.last_session_start_before(session.started_at.millis()),
            thresholds,
        )
    }

    /// The start of the last session seen before `start` (`i64::MIN` if none).
    fn last_session_start_before(&self, start: i64) -> i64 {
        if self.last_session_start < start {
            self.last_session_start
        } else {
            self.pending_sessions
                .iter()
                .find(|p| p.started_at == start)
                .map_or(NEVER, |p| p.previous_start)
        }
    }
}
