//! The per-lift detector: a sans-I/O state machine fed each lift's envelopes in order (and a
//! clock tick for time-based rules). Its state is small and serialisable, so a platform can
//! shard millions of lifts and checkpoint them.

use liftspec_model::codes::{DoorStatus, EventCode, ServiceMode};
use liftspec_model::equipment::Equipment;
use liftspec_model::time::Timestamp;
use liftspec_protocol::message::{AlarmStage, Body, EventState, MaintenanceSession, Status};
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
        i64::from(self.top_mm - self.bottom_mm).abs() * 1000 / i64::from(self.rated_speed_mm_s)
    }
}

/// The last status, compactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Snapshot {
    at: i64,
    position: Option<i32>,
    speed: Option<i32>,
    floor: i16,
    door: u16,
    mode: u8,
    load: u8,
    moving: bool,
    door_zone: bool,
    mains: bool,
}

impl Snapshot {
    fn of(s: &Status, at: i64) -> Self {
        Self {
            at,
            position: s.position_mm,
            speed: s.speed_mm_s,
            floor: s.floor,
            door: s.front_door.code(),
            mode: s.mode.code(),
            load: s
                .load_percent
                .unwrap_or(u8::from(s.occupied.unwrap_or(false))),
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
}

const NEVER: i64 = i64::MIN;

/// Faults cleared when the lift is seen back in normal service.
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

/// One lift's detector state.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiftDetector {
    profile: LiftProfile,
    last: Option<Snapshot>,
    /// Raised kinds, one bit each.
    active: u32,
    /// Device time the car stopped, and the platform time that status arrived.
    stopped_at: i64,
    /// Platform time since which a stopped car has held people behind closed doors.
    trapped_since: i64,
    /// Platform time since which an empty car has stood out of service in a zone after a
    /// normal arrival.
    door_fault_since: i64,
    /// Whether the last stop was a normal arrival (in service when it stopped).
    normal_stop: bool,
    run_started: i64,
    door_open_received: i64,
    last_received: i64,
    inspection_since: i64,
    /// The last two inspection-mode intervals (device clock).
    inspections: [(i64, i64); 2],
    /// Device time of the last frame, and the last two silences longer than the
    /// communication-loss threshold (device clock, from the frame before to the frame after).
    last_sent: i64,
    silences: [(i64, i64); 2],
    /// Start of the last maintenance session seen (its day is what the interval counts from).
    last_session_start: i64,
    /// Platform time of the last EN 81-28 test call, or of the first frame before any.
    test_call_clock: i64,
    /// Platform time since which a stop-use notice stands (Art. 28(4), 20(9)).
    stop_use_since: i64,
}

impl LiftDetector {
    /// A detector for an installation.
    pub fn new(profile: LiftProfile) -> Self {
        Self {
            profile,
            last: None,
            active: 0,
            stopped_at: NEVER,
            trapped_since: NEVER,
            door_fault_since: NEVER,
            normal_stop: true,
            run_started: NEVER,
            door_open_received: NEVER,
            last_received: NEVER,
            inspection_since: NEVER,
            inspections: [(NEVER, NEVER); 2],
            last_sent: NEVER,
            silences: [(NEVER, NEVER); 2],
            last_session_start: NEVER,
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

    fn run_limit_ms(&self, t: &Thresholds) -> i64 {
        let full = self.profile.full_travel_ms() + t.run_time_margin_ms;
        if full > t.run_time_max_ms {
            // A slow or tall installation whose legitimate full run exceeds the EN 81 ceiling
            // would trip in normal service: its full travel plus the margin is the limit.
            full
        } else {
            full.max(t.run_time_min_ms)
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
        if self.last_received != NEVER && now - self.last_received > thresholds.silence_ms {
            // Kept so that a maintenance session claimed over the gap is judged unverifiable,
            // not uncorroborated, for want of telemetry.
            self.silences = [self.silences[1], (self.last_sent, sent)];
        }
        self.last_received = now;
        self.last_sent = sent;
        if self.test_call_clock == NEVER {
            // The 72-hour wait for a first test call starts with the terminal's first frame.
            self.test_call_clock = now;
        }
        let offset = now - sent;
        if offset.abs() > thresholds.clock_drift_ms {
            let ev = vec![evidence(envelope.sent_at, "receivedMinusSentMs", offset)];
            self.raise(out, DetectedKind::ClockDrift, now, now, None, ev);
        } else {
            self.clear(out, DetectedKind::ClockDrift, now, now);
        }
        match &envelope.body {
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
                let pressed = matches!(a.stage, AlarmStage::Raised | AlarmStage::Filtered(_));
                if pressed && self.probable_false_alarm(&a.stage) {
                    let ev = vec![evidence(a.at, "alarmStage", format!("{:?}", a.stage))];
                    self.raise(
                        out,
                        DetectedKind::ProbableFalseAlarm,
                        a.at.millis(),
                        now,
                        a.floor,
                        ev,
                    );
                    // An instantaneous finding: raised and done.
                    self.active &= !DetectedKind::ProbableFalseAlarm.bit();
                }
            }
            Body::DoorCycle(d) => {
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
                // A door still open at a heartbeat: the terminal is alive and nothing changed.
                if let Some(s) = self.last {
                    if s.door_open()
                        && !s.moving
                        && s.mode() == ServiceMode::Normal
                        && self.door_open_received != NEVER
                        && now - self.door_open_received >= thresholds.door_held_open_ms
                    {
                        let ev = vec![evidence(
                            Timestamp::from_millis(s.at),
                            "frontDoor",
                            "opened",
                        )];
                        self.raise(
                            out,
                            DetectedKind::DoorHeldOpen,
                            s.at,
                            now,
                            Some(s.floor),
                            ev,
                        );
                    }
                }
            }
            Body::MaintenanceSession(m) => {
                let verdict = self.maintenance_verdict(m, &thresholds.maintenance_interval);
                if verdict.kind == VerdictKind::NotCorroborated {
                    let ev = vec![evidence(
                        m.started_at,
                        "inspectionOverlapPercent",
                        verdict.overlap_percent,
                    )];
                    self.raise(
                        out,
                        DetectedKind::UncorroboratedMaintenance,
                        m.ended_at.millis(),
                        now,
                        None,
                        ev,
                    );
                    self.active &= !DetectedKind::UncorroboratedMaintenance.bit();
                }
                self.last_session_start = self.last_session_start.max(m.started_at.millis());
            }
            _ => {}
        }
    }

    /// EN 81-28 filtering: a press while the car stands at a landing with the door open, or runs
    /// normally, or idles in normal service, is probably false — never when trapped conditions hold.
    fn probable_false_alarm(&self, stage: &AlarmStage) -> bool {
        let trapped = self.is_active(DetectedKind::TrappedAtLanding)
            || self.is_active(DetectedKind::TrappedBetweenFloors);
        if trapped {
            return false;
        }
        if matches!(stage, AlarmStage::Filtered(_)) {
            return true;
        }
        let Some(s) = self.last else {
            return false;
        };
        let normal = s.mode() == ServiceMode::Normal && s.mains;
        let halted = self.active & HALT_KINDS.iter().fold(0, |m, k| m | k.bit()) != 0;
        let people_stuck = !s.moving && s.load > 0 && s.door_closed() && !normal;
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
            40 => {
                for kind in HALT_KINDS {
                    self.clear(out, kind, at, now);
                }
                // Back to normal: the timers restart from the next status.
                self.trapped_since = NEVER;
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
                self.raise(out, kind, at, now, floor, ev);
            }
            EventState::Cleared => self.clear(out, kind, at, now),
        }
    }

    fn on_status(
        &mut self,
        s: &Status,
        t: i64,
        now: i64,
        th: &Thresholds,
        out: &mut Vec<Detection>,
    ) {
        let snap = Snapshot::of(s, t);
        let prev = self.last;
        let ts = Timestamp::from_millis(t);
        let floor = Some(s.floor);
        if self.stop_use_since != NEVER
            && t >= self.stop_use_since
            && s.moving
            && s.mode == liftspec_model::codes::ServiceMode::Normal
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
        // Inspection intervals, for maintenance authenticity.
        if snap.mode() == ServiceMode::Inspection {
            if self.inspection_since == NEVER {
                self.inspection_since = t;
            }
        } else if self.inspection_since != NEVER {
            self.inspections = [self.inspections[1], (self.inspection_since, t)];
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
            if s.up_final_limit || pos.is_some_and(|p| p > self.profile.top_mm + th.overtravel_mm) {
                let ev = vec![
                    evidence(ts, "upFinalLimit", s.up_final_limit),
                    evidence(ts, "positionMm", pos.unwrap_or(0)),
                ];
                self.raise(out, DetectedKind::OvertravelTop, t, now, floor, ev);
            }
            if s.down_final_limit
                || pos.is_some_and(|p| p < self.profile.bottom_mm - th.overtravel_mm)
            {
                let ev = vec![
                    evidence(ts, "downFinalLimit", s.down_final_limit),
                    evidence(ts, "positionMm", pos.unwrap_or(0)),
                ];
                self.raise(out, DetectedKind::OvertravelBottom, t, now, floor, ev);
            }
            if s.moving && snap.door_open() {
                let from_rest_open = prev.is_some_and(|p| !p.moving && p.door_open());
                let kind = if from_rest_open {
                    DetectedKind::MovingWithDoorOpen
                } else {
                    DetectedKind::DoorOpenWhileRunning
                };
                let ev = vec![
                    evidence(ts, "moving", true),
                    evidence(ts, "frontDoor", format!("{:?}", s.front_door)),
                ];
                self.raise(out, kind, t, now, floor, ev);
            }
        }
        if !s.mains_power {
            let ev = vec![evidence(ts, "mainsPower", false)];
            self.raise(out, DetectedKind::PowerFailure, t, now, floor, ev);
        } else if prev.is_some_and(|p| !p.mains) {
            self.clear(out, DetectedKind::PowerFailure, t, now);
        }
        if let (Some(p), Some(pos), Some(prev_pos)) =
            (prev, s.position_mm, prev.and_then(|p| p.position))
        {
            let dt = ((t - p.at).max(0) as f64) / 1000.0;
            let v = rated
                .max(f64::from(p.speed.unwrap_or(0)).abs())
                .max(f64::from(s.speed_mm_s.unwrap_or(0)).abs());
            let jump = f64::from(pos - prev_pos).abs();
            if jump > v * dt * 1.5 + th.position_slack_mm {
                let ev = vec![
                    evidence(Timestamp::from_millis(p.at), "positionMm", prev_pos),
                    evidence(ts, "positionMm", pos),
                ];
                self.raise(out, DetectedKind::FloorPositionLost, t, now, floor, ev);
                self.active &= !DetectedKind::FloorPositionLost.bit();
            }
        }
        // Runs and stops.
        if s.moving {
            // A run is timed only while its statuses keep coming: after a gap (a silent
            // terminal), its start is unknown and timing restarts.
            if prev.is_none_or(|p| !p.moving || t - p.at > 10_000) {
                self.run_started = t;
            }
            self.stopped_at = NEVER;
            if !self.profile.escalator
                && self.run_started != NEVER
                && t - self.run_started > self.run_limit_ms(th)
            {
                let ev = vec![evidence(
                    Timestamp::from_millis(self.run_started),
                    "runStarted",
                    self.run_started,
                )];
                self.raise(out, DetectedKind::RunTimeout, t, now, floor, ev);
            }
        } else {
            let just_stopped = prev.is_none_or(|p| p.moving) || self.stopped_at == NEVER;
            if just_stopped {
                self.stopped_at = t;
                // Fire return, firefighter, emergency power and earthquake runs stop normally too.
                self.normal_stop = snap.mode() != ServiceMode::OutOfService;
            }
            self.run_started = NEVER;
            // A stop without power is the power failure's, not an emergency stop.
            let emergency = just_stopped
                && prev.is_some_and(|p| p.moving)
                && !self.normal_stop
                && s.mains_power;
            if self.profile.escalator {
                if emergency {
                    let ev = vec![evidence(ts, "serviceMode", format!("{:?}", snap.mode()))];
                    self.raise(out, DetectedKind::EmergencyStop, t, now, floor, ev);
                }
            } else if snap.mode() != ServiceMode::Inspection {
                if !s.door_zone {
                    let ev = vec![
                        evidence(ts, "doorZone", false),
                        evidence(ts, "positionMm", s.position_mm.unwrap_or(0)),
                    ];
                    self.raise(out, DetectedKind::StoppedOutsideDoorZone, t, now, floor, ev);
                } else if emergency {
                    let ev = vec![
                        evidence(ts, "serviceMode", format!("{:?}", snap.mode())),
                        evidence(
                            Timestamp::from_millis(prev.map_or(t, |p| p.at)),
                            "speedMmS",
                            prev.and_then(|p| p.speed).unwrap_or(0),
                        ),
                    ];
                    self.raise(out, DetectedKind::EmergencyStop, t, now, floor, ev);
                }
            }
        }
        // People behind closed doors in a stopped car, and an empty car out of service in a zone
        // after a normal arrival: timers start when the condition starts.
        let trapped_condition = !s.moving
            && snap.load > 0
            && snap.door_closed()
            && snap.mode() != ServiceMode::Inspection;
        if !trapped_condition {
            self.trapped_since = NEVER;
        } else if self.trapped_since == NEVER {
            self.trapped_since = now;
        }
        let door_condition = !s.moving
            && snap.load == 0
            && s.door_zone
            && snap.door_closed()
            && s.mains_power
            && snap.mode() == ServiceMode::OutOfService
            && self.normal_stop;
        if !door_condition {
            self.door_fault_since = NEVER;
        } else if self.door_fault_since == NEVER {
            self.door_fault_since = now;
        }
        // Door held open.
        if snap.door_open() && !s.moving {
            if prev.is_none_or(|p| !p.door_open()) {
                self.door_open_received = now;
            }
        } else {
            self.door_open_received = NEVER;
            self.clear(out, DetectedKind::DoorHeldOpen, t, now);
        }
        // Back in normal service: a car running, or at a landing with its door open or idle.
        let normal = snap.mode() == ServiceMode::Normal && s.mains_power;
        if normal
            && (s.moving
                || (s.door_zone && !self.is_active(DetectedKind::DoorOpeningFault))
                || snap.door_open())
        {
            for kind in HALT_KINDS {
                let keep = match kind {
                    DetectedKind::Overspeed => s
                        .speed_mm_s
                        .is_some_and(|v| f64::from(v).abs() > rated * th.overspeed_ratio),
                    DetectedKind::MovingWithDoorOpen | DetectedKind::DoorOpenWhileRunning => {
                        s.moving && snap.door_open()
                    }
                    DetectedKind::OvertravelTop => s.up_final_limit,
                    DetectedKind::OvertravelBottom => s.down_final_limit,
                    DetectedKind::RunTimeout => s.moving,
                    _ => false,
                };
                if !(keep || (s.moving && self.just_raised(kind, out))) {
                    self.clear(out, kind, t, now);
                }
            }
        }
        self.last = Some(snap);
        self.check_timers(now, th, out);
    }

    /// Whether `kind` was raised by this very call (so a running car does not clear what it
    /// has just shown).
    fn just_raised(&self, kind: DetectedKind, out: &[Detection]) -> bool {
        out.iter().rev().take(8).any(|d| d.kind == kind && d.raised)
    }

    fn check_timers(&mut self, now: i64, th: &Thresholds, out: &mut Vec<Detection>) {
        let Some(s) = self.last else {
            return;
        };
        if self.profile.escalator || s.moving {
            return;
        }
        let at = Timestamp::from_millis(s.at);
        if self.trapped_since != NEVER && now - self.trapped_since >= th.trapped_after_ms {
            let kind = if s.door_zone {
                DetectedKind::TrappedAtLanding
            } else {
                DetectedKind::TrappedBetweenFloors
            };
            let ev = vec![
                evidence(at, "loadPercent", s.load),
                evidence(at, "doorZone", s.door_zone),
                evidence(at, "closedForMs", now - self.trapped_since),
            ];
            self.raise(out, kind, self.stopped_at, now, Some(s.floor), ev);
        }
        if self.door_fault_since != NEVER && now - self.door_fault_since >= th.door_opening_after_ms
        {
            let ev = vec![
                evidence(at, "serviceMode", "outOfService"),
                evidence(at, "frontDoor", "closed"),
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

    /// Time-based rules at platform time `now`: communication loss and the timers of a car
    /// that sends nothing while stopped.
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
        if self.last_received != NEVER && now - self.last_received > thresholds.silence_ms {
            let ev = vec![evidence(
                Timestamp::from_millis(self.last_received),
                "lastReceived",
                self.last_received,
            )];
            self.raise(
                out,
                DetectedKind::CommunicationLoss,
                self.last_received,
                now,
                None,
                ev,
            );
        }
        self.check_timers(now, thresholds, out);
    }

    /// Cross-checks a maintenance session with the inspection-mode time the telemetry showed,
    /// and with the maintenance interval since the previous session.
    pub fn maintenance_verdict(
        &self,
        session: &MaintenanceSession,
        interval: &liftspec_model::record::MaintenanceInterval,
    ) -> Verdict {
        let (start, end) = (session.started_at.millis(), session.ended_at.millis());
        let mut intervals = self.inspections.to_vec();
        if self.inspection_since != NEVER {
            intervals.push((self.inspection_since, end));
        }
        crate::maintenance::verdict(
            start,
            end,
            &intervals,
            &self.silences,
            self.last_session_start,
            interval,
        )
    }
}
