//! One lift in motion: passenger calls, door cycles, S-curve runs, service modes, maintenance
//! sessions, component wear, and injected faults. Sans-I/O and event-driven: [`LiftSim::step`]
//! handles everything due at the lift's next event time and emits message bodies (with the
//! device-clock time they carry) and ground truth.

use std::collections::VecDeque;

use liftspec_model::catalogue::{items, MaintenanceTier};
use liftspec_model::codes::{DoorStatus, EventCode, ServiceMode};
use liftspec_model::equipment::{EquipmentKind, PlaceCategory};
use liftspec_model::record::UseUnitConfirmation;
use liftspec_model::time::Timestamp;
use liftspec_protocol::message::{
    AlarmMessage, AlarmStage, Body, Direction, DoorCycle, DoorSide, EventMessage, EventState,
    FilterReason, Heartbeat, MaintenanceSession, Statistics, Status,
};

use crate::city::City;
use crate::config::SimConfig;
use crate::fault::{FaultKind, GroundTruth};
use crate::kinematics::{Profile, ACCELERATION_MM_S2, JERK_MM_S3};
use crate::quirks::{Quirks, Script, Waypoint};
use crate::rng::Rng;

/// Half the door (unlocking) zone, mm: a car within this of a landing level is "in the zone".
pub const DOOR_ZONE_MM: i32 = 150;

const STREAM_LIFT: u64 = 3;
const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;
const PASSENGER_KG: u32 = 75;

/// Relative traffic by local hour (0 = midnight) for a place category; 1.0 is its busiest hour.
fn hourly(place: PlaceCategory, hour: usize) -> f64 {
    const RESIDENTIAL: [f64; 24] = [
        0.05, 0.03, 0.02, 0.02, 0.03, 0.1, 0.4, 1.0, 0.8, 0.4, 0.3, 0.35, 0.45, 0.35, 0.3, 0.3,
        0.4, 0.6, 0.9, 0.8, 0.6, 0.45, 0.3, 0.15,
    ];
    const OFFICE: [f64; 24] = [
        0.01, 0.01, 0.01, 0.01, 0.01, 0.02, 0.1, 0.6, 1.0, 0.6, 0.4, 0.6, 0.8, 0.6, 0.4, 0.4, 0.5,
        0.9, 0.7, 0.3, 0.15, 0.08, 0.04, 0.02,
    ];
    const DAYTIME: [f64; 24] = [
        0.02, 0.01, 0.01, 0.01, 0.01, 0.02, 0.05, 0.2, 0.5, 0.8, 1.0, 1.0, 0.9, 0.9, 1.0, 1.0, 0.9,
        0.8, 0.6, 0.6, 0.5, 0.3, 0.1, 0.04,
    ];
    let table = match place {
        PlaceCategory::Residential => &RESIDENTIAL,
        PlaceCategory::Office | PlaceCategory::School | PlaceCategory::PublicService => &OFFICE,
        _ => &DAYTIME,
    };
    table[hour % 24]
}

/// Busiest-hour trips of a place category relative to a residential lift.
fn place_scale(place: PlaceCategory) -> f64 {
    match place {
        PlaceCategory::Residential => 1.0,
        PlaceCategory::Office => 1.4,
        PlaceCategory::Mall | PlaceCategory::TransportHub => 1.5,
        PlaceCategory::Hospital => 1.6,
        PlaceCategory::Hotel => 0.9,
        PlaceCategory::Industrial => 0.3,
        _ => 0.7,
    }
}

fn local_hour(ms: i64) -> usize {
    (ms.div_euclid(HOUR_MS) + 8).rem_euclid(24) as usize
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Job {
    from: usize,
    to: usize,
    passengers: u8,
}

#[derive(Debug, Clone, PartialEq)]
struct DoorDraft {
    started_at: i64,
    opening_ms: u32,
    open_ms: u32,
    closing_ms: u32,
    reopens_photocell: u8,
    reopens_button: u8,
    load_before: u8,
    load_after: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DoorStage {
    Opening,
    Open,
    Closing,
}

/// What interrupts a run, and when (seconds into it).
#[derive(Debug, Clone, Copy, PartialEq)]
struct RunFault {
    kind: FaultKind,
    at_s: f64,
}

#[derive(Debug, Clone, PartialEq)]
enum Phase {
    Idle,
    Doors {
        stage: DoorStage,
        until: i64,
        draft: DoorDraft,
        /// Where the car goes after the doors close (the job's destination), if anywhere.
        then: Option<usize>,
    },
    Moving {
        start: i64,
        from_mm: f64,
        to: usize,
        up: bool,
        profile: Profile,
        fault: Option<RunFault>,
    },
    /// Out of service after a fault, car stationary.
    Halted {
        until: i64,
        kind: FaultKind,
        trapped: bool,
    },
    Inspection {
        until: i64,
        started: i64,
    },
    PowerOff {
        until: i64,
    },
    /// Independent service: the car follows its script until `until` ([`Quirks`]).
    Scripted {
        until: i64,
    },
    EscalatorStopped,
    EscalatorRunning,
}

/// Counters and the ground truth of the fault in progress.
#[derive(Debug, Clone, PartialEq)]
struct Active {
    truth: GroundTruth,
    /// The national code the controller raised for it, to clear at the end.
    raised: Option<EventCode>,
    alarm: Option<u32>,
}

/// What one step produced: a message with its device-clock send time, or a finished fault.
#[derive(Debug, Clone, PartialEq)]
pub enum Emit {
    /// A message the terminal sends at `true_at` (ms, platform time), stamped `at` by its own
    /// clock.
    Message {
        /// Device-clock time.
        at: Timestamp,
        /// True time, ms since the epoch.
        true_at: i64,
        /// The message.
        body: Body,
    },
    /// A fault that ended (or was cut off by the end of the simulation).
    Truth(GroundTruth),
}

/// One simulated lift's state (≈ 400 bytes; see the README's memory figure).
#[derive(Debug, Clone, PartialEq)]
pub struct LiftSim {
    index: u32,
    rng: Rng,
    escalator: bool,
    place: PlaceCategory,
    /// Landing levels (mm) and floor numbers, bottom to top: a copy of the building's table, so
    /// a status touches only this lift's memory.
    levels: Box<[i32]>,
    floor_numbers: Box<[i16]>,
    rated_speed: f64,
    rated_load: u32,
    /// Wear: fault rates and door times grow with age (1.0 new, about 3.0 at 30 years).
    wear: f64,
    clock_offset_ms: i64,
    next: i64,
    landing: usize,
    position_mm: f64,
    phase: Phase,
    job: Option<Job>,
    queue: VecDeque<Job>,
    next_call: i64,
    next_status: i64,
    next_heartbeat: i64,
    next_statistics: i64,
    next_fault: i64,
    pending_fault: Option<FaultKind>,
    next_maintenance: i64,
    /// Next fire-return drill, and the end of the one in progress.
    next_drill: i64,
    drill_until: i64,
    /// When this lift's seismic detector trips (`i64::MAX`: never).
    quake_at: i64,
    /// When this lift loses mains power in a mass cut (`i64::MAX`: never), and whether its car
    /// has an automatic rescue device.
    cut_at: i64,
    ard: bool,
    last_inspection_end: i64,
    /// Whether the terminal has sent its first status (on connecting).
    announced: bool,
    silent_until: i64,
    booted_at: i64,
    mode: ServiceMode,
    mains: bool,
    load: u8,
    door: DoorStatus,
    direction: Direction,
    up_limit: bool,
    down_limit: bool,
    running_ms: u64,
    run_count: u64,
    door_cycles: u64,
    alarms: u32,
    sessions: u32,
    active: Option<Active>,
    /// The terminal's and the lift's ordinary behaviours, when the configuration has realism.
    quirks: Option<Box<Quirks>>,
    /// Scripted movements still to come (a visit's runs, independent service).
    script: VecDeque<Waypoint>,
    next_idle_status: i64,
    next_independent: i64,
    /// Parked for the night, or about to be once the doors close.
    parked: bool,
    park_after_doors: bool,
    /// The speed of the last scripted waypoint (0: at rest).
    scripted_speed: f64,
    /// When the last jittered report goes out (true time): later reports follow it.
    jitter_until: i64,
    /// The latest report planned ahead of the present (true time).
    planned_until: i64,
}

impl LiftSim {
    /// The lift `index` of `city` at the start of the simulation.
    pub fn new(city: &City, config: &SimConfig, index: usize) -> Self {
        let lift = &city.lifts[index];
        let building = &city.buildings[lift.building as usize];
        let mut rng = Rng::derive(config.seed, STREAM_LIFT, index as u64);
        let start = config.start.millis();
        let start_date = config.start.utc_date().unwrap_or(lift.commissioned_on);
        let years = liftspec_model::equipment::full_years_between(lift.commissioned_on, start_date);
        let wear = 1.0 + f64::from(years) / 15.0;
        let floors = building.floors.landings();
        let landing = floors.iter().position(|l| l.floor == 1).unwrap_or(0);
        let escalator = lift.kind.is_escalator_family();
        // Most terminals keep time within a second; a few drift by minutes.
        let clock_offset_ms = if rng.chance(0.01) {
            rng.int(-480_000, 480_000)
        } else {
            rng.normalish(0.0, 300.0) as i64
        };
        let age_days = (start_date - lift.commissioned_on).num_days().max(0) as u64;
        let mut sim = Self {
            index: index as u32,
            levels: floors.iter().map(|l| l.level_mm).collect(),
            floor_numbers: floors.iter().map(|l| l.floor).collect(),
            escalator,
            place: building.place,
            rated_speed: f64::from(lift.rated_speed_mm_s),
            rated_load: lift.rated_load_kg.unwrap_or(1000).max(100),
            wear,
            clock_offset_ms,
            next: start,
            landing,
            position_mm: f64::from(floors[landing].level_mm),
            phase: if escalator {
                Phase::EscalatorStopped
            } else {
                Phase::Idle
            },
            job: None,
            queue: VecDeque::new(),
            next_call: i64::MAX,
            next_status: i64::MAX,
            next_heartbeat: start + rng.int(0, i64::from(config.heartbeat_s) * 1000),
            next_statistics: start + rng.int(0, i64::from(config.statistics_s) * 1000),
            next_fault: i64::MAX,
            pending_fault: None,
            next_maintenance: start + rng.int(0, 15 * DAY_MS),
            next_drill: i64::MAX,
            drill_until: i64::MIN,
            quake_at: i64::MAX,
            cut_at: i64::MAX,
            ard: true,
            last_inspection_end: i64::MIN / 2,
            announced: false,
            silent_until: i64::MIN,
            booted_at: start - rng.int(60_000, 30 * DAY_MS),
            mode: ServiceMode::Normal,
            mains: true,
            load: 0,
            door: DoorStatus::Closed,
            direction: Direction::None,
            up_limit: false,
            down_limit: false,
            running_ms: age_days * rng.int(3_000_000, 7_200_000) as u64,
            run_count: age_days * rng.int(150, 450) as u64,
            door_cycles: age_days * rng.int(300, 900) as u64,
            alarms: 0,
            sessions: 0,
            active: None,
            quirks: None,
            script: VecDeque::new(),
            next_idle_status: i64::MAX,
            next_independent: i64::MAX,
            parked: false,
            park_after_doors: false,
            scripted_speed: 0.0,
            jitter_until: i64::MIN,
            planned_until: i64::MIN,
            rng,
        };
        if let Some(r) = &config.realism {
            let mut q = Quirks::draw(r, config.seed, index);
            if let Some(p) = q.idle_status_ms {
                sim.next_idle_status = start + q.rng.int(0, p);
            }
            if q.independent_per_day > 0.0 && !escalator {
                sim.next_independent =
                    start + q.rng.exponential(DAY_MS as f64 / q.independent_per_day) as i64;
            }
            sim.quirks = Some(Box::new(q));
        }
        sim.next_maintenance = sim.working_hours(sim.next_maintenance);
        sim.next_call = start + sim.call_gap(config, start);
        // A fire-return drill about once a year per lift (the fire service's annual check).
        sim.next_drill = start + sim.rng.exponential(365.0 * DAY_MS as f64) as i64;
        sim.next_fault = start + sim.fault_gap(config);
        // Drawn only when there is an earthquake, so other runs stay byte for byte the same.
        if let Some(q) = &config.earthquake {
            if !sim.escalator && sim.rng.chance(q.tripped_share) {
                sim.quake_at = start + q.at_s as i64 * 1000;
            }
        }
        if let Some(c) = &config.power_cut {
            if sim.rng.chance(c.share) {
                sim.cut_at = start + c.at_s as i64 * 1000;
            }
            sim.ard = !sim.rng.chance(c.without_ard_share);
        }
        sim
    }

    /// The mass power cut reaches this lift (see [`crate::config::PowerCut`]).
    fn power_cut(&mut self, city: &City, config: &SimConfig, out: &mut Vec<Emit>, now: i64) {
        let busy = self.active.is_some()
            || matches!(
                self.phase,
                Phase::Inspection { .. }
                    | Phase::Halted { .. }
                    | Phase::PowerOff { .. }
                    | Phase::Scripted { .. }
            );
        let Some(cut) = config.power_cut.as_ref().filter(|_| !busy) else {
            return;
        };
        let restore = i64::from(cut.restore_after_min) * 60_000;
        let until = now + self.rng.int(restore, 2 * restore);
        if let Phase::Moving {
            start,
            from_mm,
            up,
            profile,
            ..
        } = self.phase.clone()
        {
            let (dist, _) = profile.at((now - start) as f64 / 1000.0);
            self.position_mm = from_mm + if up { dist } else { -dist };
            self.direction = Direction::None;
            self.job = None;
            if !self.ard && self.load > 0 {
                // Held where the car stopped until the power returns (or the crews arrive).
                let kind = if self.in_door_zone(city) {
                    FaultKind::TrappedAtLanding
                } else {
                    FaultKind::TrappedBetweenFloors
                };
                self.queue.clear();
                self.begin_fault(city, config, out, now, kind);
                self.mains = false;
                self.mode = ServiceMode::OutOfService;
                self.door = DoorStatus::Closed;
                self.emit(out, now, self.status(city, false, 0.0));
                self.phase = Phase::PowerOff { until };
                return;
            }
            // The ARD creeps to the nearest landing, where the doors open and everyone leaves.
            self.relevel(city, out, now);
        }
        self.queue.clear();
        self.begin_fault(city, config, out, now, FaultKind::PowerFailure);
        self.mains = false;
        self.mode = ServiceMode::OutOfService;
        self.emit(out, now, self.status(city, false, 0.0));
        self.phase = Phase::PowerOff { until };
    }

    /// How far the terminal's clock runs ahead of true time, in ms (negative: behind). Most
    /// terminals keep within a second; 1 % drift by minutes: the ground truth for clock-drift
    /// detection.
    pub fn clock_offset_ms(&self) -> i64 {
        self.clock_offset_ms
    }

    /// The lift's index in the city.
    pub fn index(&self) -> u32 {
        self.index
    }

    /// When the lift next has something to do (ms since the epoch, true time).
    pub fn next_event(&self) -> i64 {
        self.next
    }

    /// Whether its terminal is currently silent (a communication-loss fault).
    pub fn silent(&self, now: i64) -> bool {
        now < self.silent_until
    }

    /// Moves a time into working hours (08:30–17:00 local) on the same or the next day.
    fn working_hours(&mut self, t: i64) -> i64 {
        let local = t + 8 * HOUR_MS;
        let day = local.div_euclid(DAY_MS) * DAY_MS;
        let into = local - day;
        let open = 8 * HOUR_MS + 30 * 60_000;
        let close = 17 * HOUR_MS;
        let placed = if into < open {
            day + open + self.rng.int(0, 2 * HOUR_MS)
        } else if into > close - HOUR_MS {
            day + DAY_MS + open + self.rng.int(0, 2 * HOUR_MS)
        } else {
            local
        };
        placed - 8 * HOUR_MS
    }

    fn trips_per_hour(&self, config: &SimConfig, now: i64) -> f64 {
        config.peak_trips_per_hour * place_scale(self.place) * hourly(self.place, local_hour(now))
    }

    fn call_gap(&mut self, config: &SimConfig, now: i64) -> i64 {
        let rate = self.trips_per_hour(config, now);
        if rate <= 1e-9 {
            return HOUR_MS / 4;
        }
        (self.rng.exponential(3_600_000.0 / rate) as i64).clamp(1000, 2 * HOUR_MS)
    }

    fn fault_gap(&mut self, config: &SimConfig) -> i64 {
        let total: f64 = FaultKind::ALL
            .iter()
            .filter(|k| self.can_suffer(**k))
            .map(|k| config.faults.rate(*k))
            .sum::<f64>()
            * self.wear;
        if total <= 0.0 {
            return i64::MAX / 4;
        }
        (self.rng.exponential(DAY_MS as f64 / total) as i64).max(1000)
    }

    fn can_suffer(&self, kind: FaultKind) -> bool {
        if self.escalator {
            matches!(
                kind,
                FaultKind::SafetyCircuitOpen
                    | FaultKind::Overspeed
                    | FaultKind::PowerFailure
                    | FaultKind::TerminalSilence
                    | FaultKind::FakeMaintenance
            )
        } else {
            true
        }
    }

    fn draw_fault(&mut self, config: &SimConfig) -> Option<FaultKind> {
        let kinds: Vec<FaultKind> = FaultKind::ALL
            .iter()
            .copied()
            .filter(|k| self.can_suffer(*k))
            .collect();
        let weights: Vec<f64> = kinds.iter().map(|k| config.faults.rate(*k)).collect();
        if weights.iter().sum::<f64>() <= 0.0 {
            return None;
        }
        Some(kinds[self.rng.weighted(&weights)])
    }

    fn device_time(&self, now: i64) -> Timestamp {
        Timestamp::from_millis(now + self.clock_offset_ms)
    }

    fn floor_of(&self, _city: &City, landing: usize) -> i16 {
        self.floor_numbers[landing.min(self.floor_numbers.len() - 1)]
    }

    fn level(&self, _city: &City, landing: usize) -> f64 {
        f64::from(self.levels[landing.min(self.levels.len() - 1)])
    }

    fn landings(&self, _city: &City) -> usize {
        self.levels.len()
    }

    /// Landings at or below the top of the car's door zone (landings are sorted by level).
    fn landings_below(&self) -> usize {
        let reach = self.position_mm + f64::from(DOOR_ZONE_MM);
        self.levels.partition_point(|l| f64::from(*l) <= reach)
    }

    /// The floor the car is at or last passed.
    fn current_floor(&self, _city: &City) -> i16 {
        self.floor_numbers[self.landings_below().saturating_sub(1)]
    }

    fn in_door_zone(&self, _city: &City) -> bool {
        let i = self.landings_below();
        // Only the landing just below the zone's top can be within the zone.
        i > 0 && (f64::from(self.levels[i - 1]) - self.position_mm).abs() <= f64::from(DOOR_ZONE_MM)
    }

    fn status(&self, city: &City, moving: bool, speed: f64) -> Body {
        let up = self.direction == Direction::Up;
        Body::Status(Status {
            mode: self.mode,
            moving,
            direction: self.direction,
            floor: self.current_floor(city),
            door_zone: self.in_door_zone(city),
            front_door: if self.escalator {
                DoorStatus::None
            } else {
                self.door
            },
            rear_door: None,
            occupied: Some(self.load > 0),
            load_percent: Some(self.load),
            speed_mm_s: Some(if up { speed } else { -speed }.round() as i32),
            position_mm: Some(self.position_mm.round() as i32),
            mains_power: self.mains,
            up_final_limit: self.up_limit,
            down_final_limit: self.down_limit,
        })
    }

    fn emit(&mut self, out: &mut Vec<Emit>, now: i64, body: Body) {
        // A report never overtakes one a jittered report delayed: the terminal keeps its order.
        let sent = now.max(self.jitter_until);
        self.send(out, now, sent, body);
    }

    /// A periodic report (a moving or idle status, a heartbeat), stamped when it was sampled
    /// but sent late by the terminal's jitter, never later than `latest` so that reports keep
    /// their order.
    fn emit_periodic(&mut self, out: &mut Vec<Emit>, now: i64, latest: i64, body: Body) {
        let delay = self.quirks.as_deref_mut().map_or(0, Quirks::jitter);
        let sent = (now + delay).min(latest.max(now)).max(self.jitter_until);
        if self.send(out, now, sent, body) {
            self.jitter_until = sent;
        }
    }

    /// Sends a report sampled at `sampled` (true time, stamped by the terminal's clock) at true
    /// time `sent`, as the terminal reports it; returns whether anything went out (nothing from
    /// a silent terminal, or a heartbeat that is switched off).
    fn send(&mut self, out: &mut Vec<Emit>, sampled: i64, sent: i64, body: Body) -> bool {
        if self.silent(sampled) {
            return false;
        }
        let body = match self.quirks.as_deref_mut() {
            Some(q) => match Self::as_the_terminal_reports(q, body) {
                Some(body) => body,
                None => return false,
            },
            None => body,
        };
        // Reports the lift has already planned for later (a crawl, an alarm) describe the car
        // then: no idle report of the present state goes out before them.
        if sampled > self.next {
            self.planned_until = self.planned_until.max(sampled);
        }
        out.push(Emit::Message {
            at: self.device_time(sampled),
            true_at: sent,
            body,
        });
        true
    }

    /// What the terminal sends for a body: its load cell's reading and its occupancy sensor
    /// (if it has one) in a status; nothing for a heartbeat when they are off; an Event with
    /// the alarm code 90 for an alarm press on alarm-as-event firmware.
    fn as_the_terminal_reports(q: &mut Quirks, body: Body) -> Option<Body> {
        match body {
            Body::Status(mut s) => {
                let load = s.load_percent.unwrap_or(0);
                s.occupied = q.occupancy_sensor.then_some(load > 0);
                s.load_percent = Some(q.reported_load(load));
                Some(Body::Status(s))
            }
            Body::Heartbeat(_) if !q.heartbeats => None,
            Body::Alarm(a) if q.alarm_as_event => {
                let state = match a.stage {
                    AlarmStage::Raised | AlarmStage::Filtered(_) | AlarmStage::Emitted { .. } => {
                        EventState::Raised
                    }
                    AlarmStage::Ended => EventState::Cleared,
                    _ => return Some(Body::Alarm(a)),
                };
                Some(Body::Event(EventMessage {
                    code: EventCode::from_number(90),
                    state,
                    floor: a.floor,
                    at: a.at,
                }))
            }
            body => Some(body),
        }
    }

    /// Whether the terminal sends heartbeats (reported in its Register).
    pub fn sends_heartbeats(&self) -> bool {
        self.quirks.as_deref().is_none_or(|q| q.heartbeats)
    }

    /// Whether the terminal has an occupancy sensor (reported in its Register).
    pub fn has_occupancy_sensor(&self) -> bool {
        self.quirks.as_deref().is_none_or(|q| q.occupancy_sensor)
    }

    /// Whether alarm presses go out as Alarm messages (not only as Event 90).
    pub fn sends_alarm_messages(&self) -> bool {
        self.quirks.as_deref().is_none_or(|q| !q.alarm_as_event)
    }

    /// The terminal's clock at true time `now`.
    pub fn device_clock(&self, now: i64) -> Timestamp {
        self.device_time(now)
    }

    fn event(
        &mut self,
        city: &City,
        out: &mut Vec<Emit>,
        now: i64,
        code: EventCode,
        state: EventState,
    ) {
        let floor = Some(self.current_floor(city));
        self.emit(
            out,
            now,
            Body::Event(EventMessage {
                code,
                state,
                floor,
                at: self.device_time(now),
            }),
        );
    }

    fn escalator_code(kind: FaultKind) -> Option<EventCode> {
        match kind {
            FaultKind::SafetyCircuitOpen => Some(EventCode::from_number(61)),
            FaultKind::Overspeed => Some(EventCode::from_number(62)),
            FaultKind::PowerFailure => Some(EventCode::from_number(41)),
            _ => None,
        }
    }

    /// Starts the ground truth of `kind` (and the controller's own report, if it makes one).
    fn begin_fault(
        &mut self,
        city: &City,
        config: &SimConfig,
        out: &mut Vec<Emit>,
        now: i64,
        kind: FaultKind,
    ) {
        let lift = &city.lifts[self.index as usize];
        let code = if self.escalator {
            Self::escalator_code(kind)
        } else {
            kind.national_code()
        };
        // Power failures are always reported (the terminal's own power monitor); other codes
        // depend on the controller.
        let reported = code.is_some()
            && (kind == FaultKind::PowerFailure || self.rng.chance(config.controller_reports));
        if let (true, Some(code)) = (reported, code) {
            self.event(city, out, now, code, EventState::Raised);
        }
        let floor = if kind == FaultKind::TerminalSilence || kind == FaultKind::FakeMaintenance {
            None
        } else {
            Some(self.current_floor(city))
        };
        self.end_fault(out, now);
        self.active = Some(Active {
            truth: GroundTruth {
                lift: self.index,
                device: lift.device.clone(),
                registration_code: lift.registration_code.clone(),
                kind,
                start: Timestamp::from_millis(now),
                end: None,
                floor,
                reported_by_controller: reported,
            },
            raised: if reported { code } else { None },
            alarm: None,
        });
    }

    /// Ends the fault in progress, if any, clearing the controller's code.
    fn end_fault(&mut self, out: &mut Vec<Emit>, now: i64) {
        if let Some(mut active) = self.active.take() {
            active.truth.end = Some(Timestamp::from_millis(now));
            out.push(Emit::Truth(active.truth));
        }
    }

    fn clear_fault(&mut self, city: &City, out: &mut Vec<Emit>, now: i64) {
        if let Some((raised, alarm)) = self.active.as_ref().map(|a| (a.raised, a.alarm)) {
            if let Some(code) = raised {
                self.event(city, out, now, code, EventState::Cleared);
            }
            if let Some(alarm_id) = alarm {
                let floor = Some(self.current_floor(city));
                self.emit(
                    out,
                    now,
                    Body::Alarm(AlarmMessage {
                        alarm_id,
                        stage: AlarmStage::Ended,
                        floor,
                        at: self.device_time(now),
                    }),
                );
            }
        }
        self.end_fault(out, now);
    }

    /// The ground truth of a fault still in progress when the simulation ends.
    pub fn finish(&mut self, out: &mut Vec<Emit>) {
        if let Some(active) = self.active.take() {
            out.push(Emit::Truth(active.truth));
        }
    }

    fn alarm(&mut self, city: &City, out: &mut Vec<Emit>, now: i64, stage: AlarmStage) -> u32 {
        self.alarms += 1;
        let alarm_id = self.alarms;
        let floor = Some(self.current_floor(city));
        self.emit(
            out,
            now,
            Body::Alarm(AlarmMessage {
                alarm_id,
                stage,
                floor,
                at: self.device_time(now),
            }),
        );
        alarm_id
    }

    /// Handles everything due at `self.next_event()`; returns what the lift sent and what ended.
    pub fn step(&mut self, city: &City, config: &SimConfig, out: &mut Vec<Emit>) {
        let now = self.next;
        if !self.announced {
            // A terminal reports its state as soon as it connects.
            self.announced = true;
            let running = matches!(self.phase, Phase::EscalatorRunning);
            self.emit(out, now, self.status(city, running, 0.0));
        }
        if now >= self.next_heartbeat {
            self.next_heartbeat = now + i64::from(config.heartbeat_s) * 1000;
            let signal = -60 - self.rng.int(0, 45) as i16;
            let latest = now + 1000;
            self.emit_periodic(
                out,
                now,
                latest,
                Body::Heartbeat(Heartbeat {
                    uptime_s: ((now - self.booted_at) / 1000).clamp(0, i64::from(u32::MAX)) as u32,
                    signal_dbm: signal,
                    battery_percent: Some(if self.mains { 100 } else { 80 }),
                    clock_offset_ms: self.clock_offset_ms.clamp(-2_000_000, 2_000_000) as i32,
                }),
            );
        }
        if now >= self.next_statistics {
            self.next_statistics = now + i64::from(config.statistics_s) * 1000;
            self.emit(
                out,
                now,
                Body::Statistics(Statistics {
                    running_seconds: self.running_ms / 1000,
                    run_count: self.run_count,
                    door_cycles: self.door_cycles,
                    energy_wh: None,
                }),
            );
        }
        if now >= self.next_idle_status {
            // A terminal that reports while idle; a moving car reports on its own period.
            let period = self
                .quirks
                .as_deref()
                .and_then(|q| q.idle_status_ms)
                .unwrap_or(i64::MAX / 4);
            self.next_idle_status = now + period;
            if !self.escalator
                && !matches!(self.phase, Phase::Moving { .. })
                && self.scripted_speed == 0.0
                && now >= self.planned_until
            {
                self.emit_periodic(out, now, now + 1000, self.status(city, false, 0.0));
            }
        }
        if now >= self.cut_at {
            self.cut_at = i64::MAX;
            self.power_cut(city, config, out, now);
        }
        if now >= self.next_fault {
            self.next_fault = now + self.fault_gap(config);
            // A fault still waiting for its moment (a run to the top floor, say) gives way.
            if self.active.is_none() {
                self.pending_fault = self.draw_fault(config);
            }
        }
        // Faults that do not wait for a run or a stop.
        if let Some(kind) = self.pending_fault {
            let idle = matches!(
                self.phase,
                Phase::Idle | Phase::EscalatorRunning | Phase::EscalatorStopped
            );
            match kind {
                FaultKind::TerminalSilence => {
                    self.pending_fault = None;
                    self.begin_fault(city, config, out, now, kind);
                    self.silent_until = now + self.rng.int(15 * 60_000, 90 * 60_000);
                }
                // A fake report claims time with no inspection behind it: not while a real
                // visit is on, nor overlapping the last one.
                FaultKind::FakeMaintenance
                    if !matches!(self.phase, Phase::Inspection { .. })
                        && now - self.last_inspection_end > 75 * 60_000 =>
                {
                    self.pending_fault = None;
                    self.begin_fault(city, config, out, now, kind);
                    let claimed_start = now - self.rng.int(35 * 60_000, 70 * 60_000);
                    self.maintenance_report(city, out, now, claimed_start);
                    self.end_fault(out, now);
                }
                // A press in a parked car is someone inside, not a false alarm.
                FaultKind::FalseAlarm
                    if (idle || matches!(self.phase, Phase::Moving { .. }))
                        && self.mode == ServiceMode::Normal =>
                {
                    self.pending_fault = None;
                    self.begin_fault(city, config, out, now, kind);
                    let stage = if self.door == DoorStatus::Opened {
                        AlarmStage::Filtered(FilterReason::DoorOpenAtLanding)
                    } else if matches!(self.phase, Phase::Moving { .. }) {
                        AlarmStage::Filtered(FilterReason::RunningNormally)
                    } else {
                        AlarmStage::Raised
                    };
                    self.alarm(city, out, now, stage);
                    self.end_fault(out, now + 3000);
                }
                FaultKind::PowerFailure if idle => {
                    self.pending_fault = None;
                    self.begin_fault(city, config, out, now, kind);
                    self.mains = false;
                    self.mode = ServiceMode::OutOfService;
                    self.phase = Phase::PowerOff {
                        until: now + self.rng.int(5 * 60_000, 90 * 60_000),
                    };
                    self.emit(out, now, self.status(city, false, 0.0));
                }
                FaultKind::DoorClosingFault | FaultKind::MovingWithDoorOpen if self.escalator => {
                    self.pending_fault = None;
                }
                _ if self.escalator && idle => {
                    // Escalator safety faults: an emergency stop.
                    self.pending_fault = None;
                    self.begin_fault(city, config, out, now, kind);
                    let speed = if kind == FaultKind::Overspeed {
                        self.rated_speed * self.rng.range(1.2, 1.45)
                    } else {
                        self.rated_speed
                    };
                    self.emit(out, now, self.status(city, true, speed));
                    self.mode = ServiceMode::OutOfService;
                    self.phase = Phase::Halted {
                        until: now + self.rng.int(30 * 60_000, 120 * 60_000),
                        kind,
                        trapped: false,
                    };
                    self.emit(out, now, self.status(city, false, 0.0));
                }
                _ => {}
            }
        }
        self.advance(city, config, out, now);
        self.schedule(now);
    }

    fn schedule(&mut self, now: i64) {
        let phase_end = match &self.phase {
            Phase::Idle | Phase::EscalatorRunning | Phase::EscalatorStopped => i64::MAX,
            Phase::Doors { until, .. }
            | Phase::Halted { until, .. }
            | Phase::Inspection { until, .. }
            | Phase::Scripted { until }
            | Phase::PowerOff { until } => *until,
            Phase::Moving {
                start,
                profile,
                fault,
                ..
            } => {
                let end = fault.map_or(profile.duration_s(), |f| f.at_s);
                start + (end * 1000.0).ceil() as i64
            }
        };
        let mut next = phase_end
            .min(self.next_heartbeat)
            .min(self.next_statistics)
            .min(self.next_fault);
        if matches!(self.phase, Phase::Moving { .. }) {
            next = next.min(self.next_status);
        }
        if matches!(self.phase, Phase::Idle) {
            next = next
                .min(self.next_call)
                .min(self.next_maintenance)
                .min(self.next_drill)
                .min(self.quake_at);
            if self.drill_until != i64::MIN {
                next = next.min(self.drill_until);
            }
        }
        if self.escalator {
            next = next
                .min(self.next_escalator_switch(now))
                .min(self.next_status);
        }
        if self.silent_until > now {
            next = next.min(self.silent_until);
        }
        if let Some(w) = self.script.front() {
            next = next.min(w.at);
        }
        if self.quirks.is_some() {
            next = next.min(self.next_idle_status);
            if matches!(self.phase, Phase::Idle) {
                next = next.min(self.next_independent);
                if self.quirks.as_deref().is_some_and(|q| q.parks_at_night) {
                    next = next.min(next_parking_switch(now));
                }
            }
        }
        next = next.min(self.cut_at);
        self.next = next.max(now + 1);
    }

    fn next_escalator_switch(&self, now: i64) -> i64 {
        // Escalators run 06:00–23:00 local.
        let local = now + 8 * HOUR_MS;
        let day = local.div_euclid(DAY_MS) * DAY_MS;
        let into = local - day;
        let (open, close) = (6 * HOUR_MS, 23 * HOUR_MS);
        let next_local = if into < open {
            day + open
        } else if into < close {
            day + close
        } else {
            day + DAY_MS + open
        };
        next_local - 8 * HOUR_MS
    }

    fn advance(&mut self, city: &City, config: &SimConfig, out: &mut Vec<Emit>, now: i64) {
        if now == self.silent_until {
            // The terminal is back: the communication loss ends.
            if self
                .active
                .as_ref()
                .is_some_and(|a| a.truth.kind == FaultKind::TerminalSilence)
            {
                self.end_fault(out, now);
            }
            // A running car's next status follows within a status period.
            if !matches!(self.phase, Phase::Moving { .. }) {
                self.emit(out, now, self.status(city, false, 0.0));
            }
        }
        self.play_script(city, out, now);
        match self.phase.clone() {
            Phase::Scripted { until } if now >= until => {
                // The attendant hands the car back at a landing.
                self.relevel(city, out, now);
                self.back_to_normal(city, out, now);
                if let Some(q) = self.quirks.as_deref_mut() {
                    let rate = q.independent_per_day.max(1e-9);
                    self.next_independent = now + q.rng.exponential(DAY_MS as f64 / rate) as i64;
                }
                self.phase = Phase::Idle;
            }
            Phase::EscalatorStopped | Phase::EscalatorRunning => {
                self.escalator_step(city, config, out, now)
            }
            Phase::Idle => self.idle_step(city, config, out, now),
            Phase::Doors {
                stage,
                until,
                draft,
                then,
            } if now >= until => self.doors_step(city, config, out, now, stage, draft, then),
            Phase::Moving {
                start,
                from_mm,
                to,
                up,
                profile,
                fault,
            } => self.moving_step(
                city, config, out, now, start, from_mm, to, up, profile, fault,
            ),
            Phase::Halted {
                until,
                kind,
                trapped,
            } if now >= until => match self.rescue_run(city, out, now) {
                Some(arrival) => {
                    self.phase = Phase::Halted {
                        until: arrival,
                        kind,
                        trapped,
                    }
                }
                None => self.release(city, out, now, kind, trapped),
            },
            Phase::Inspection { until, started } if now >= until => {
                self.script.clear();
                // The technician leaves the car at its landing.
                self.relevel(city, out, now);
                self.last_inspection_end = now;
                self.mode = ServiceMode::Normal;
                self.emit(out, now, self.status(city, false, 0.0));
                self.event(
                    city,
                    out,
                    now,
                    EventCode::from_number(40),
                    EventState::Occurred,
                );
                self.maintenance_report(city, out, now, started);
                self.phase = Phase::Idle;
            }
            Phase::PowerOff { until } if now >= until => {
                self.mains = true;
                let needs_levelling = self.load > 0 || !self.in_door_zone(city);
                if needs_levelling {
                    if let Some(arrival) = self.rescue_run(city, out, now) {
                        self.phase = Phase::PowerOff { until: arrival };
                        return;
                    }
                }
                if !self.escalator && needs_levelling {
                    // Power back: the car levels at the nearest landing and lets people out.
                    self.relevel(city, out, now);
                }
                self.back_in_service(city, out, now);
                // An escalator restarts by its timetable; only a car waits for calls.
                self.phase = if self.escalator {
                    Phase::EscalatorStopped
                } else {
                    Phase::Idle
                };
            }
            _ => {}
        }
    }

    fn escalator_step(&mut self, city: &City, config: &SimConfig, out: &mut Vec<Emit>, now: i64) {
        let hour = local_hour(now);
        let should_run = (6..23).contains(&hour);
        let running = matches!(self.phase, Phase::EscalatorRunning);
        if should_run != running {
            self.direction = if should_run {
                Direction::Up
            } else {
                Direction::None
            };
            self.phase = if should_run {
                Phase::EscalatorRunning
            } else {
                Phase::EscalatorStopped
            };
            self.emit(
                out,
                now,
                self.status(
                    city,
                    should_run,
                    if should_run { self.rated_speed } else { 0.0 },
                ),
            );
            self.next_status = now + 60_000;
        } else if running && now >= self.next_status {
            self.running_ms += 60_000;
            self.emit(out, now, self.status(city, true, self.rated_speed));
            self.next_status = now + 60_000;
        } else if !running {
            self.next_status = i64::MAX;
        }
        let _ = config;
    }

    /// Takes the car out of passenger service in `mode` until `until`, dropping its calls and
    /// reporting service event `code` (44 fire return, 47 earthquake).
    fn hold(
        &mut self,
        city: &City,
        out: &mut Vec<Emit>,
        now: i64,
        mode: ServiceMode,
        until: i64,
        code: u16,
    ) {
        self.mode = mode;
        self.drill_until = until;
        self.queue.clear();
        self.event(
            city,
            out,
            now,
            EventCode::from_number(code),
            EventState::Occurred,
        );
    }

    fn idle_step(&mut self, city: &City, config: &SimConfig, out: &mut Vec<Emit>, now: i64) {
        if matches!(self.mode, ServiceMode::FireReturn | ServiceMode::Earthquake) {
            if now < self.drill_until {
                return;
            }
            self.drill_until = i64::MIN;
            self.back_to_normal(city, out, now);
        }
        if now >= self.quake_at {
            // Earthquake operation: stop here with the doors open, out of service until reset.
            self.quake_at = i64::MAX;
            let reset = i64::from(config.earthquake.as_ref().map_or(60, |q| q.reset_after_min));
            let until = now + self.rng.int(reset * 60_000, 2 * reset * 60_000);
            self.hold(city, out, now, ServiceMode::Earthquake, until, 47);
            self.open_doors(city, out, now, None, 0, false);
            return;
        }
        if now >= self.next_drill && !self.escalator {
            // Fire return: the car goes to the main landing, opens its doors and stays there.
            self.next_drill = now + self.rng.exponential(365.0 * DAY_MS as f64) as i64;
            let until = now + self.rng.int(10 * 60_000, 25 * 60_000);
            self.parked = false;
            self.hold(city, out, now, ServiceMode::FireReturn, until, 44);
            let lobby = (0..self.landings(city))
                .find(|i| self.floor_of(city, *i) == 1)
                .unwrap_or(0);
            if lobby == self.landing {
                self.open_doors(city, out, now, None, 0, false);
            } else {
                self.start_run(city, config, out, now, lobby);
            }
            return;
        }
        if now >= self.next_maintenance {
            self.next_maintenance = now + 15 * DAY_MS + self.rng.int(-2 * DAY_MS, 0);
            self.next_maintenance = self.working_hours(self.next_maintenance);
            self.enter_mode(city, out, now, ServiceMode::Inspection, 43);
            let mut until = now + self.rng.int(35 * 60_000, 80 * 60_000);
            let technician = self.load_for(1);
            if let Some(q) = self.quirks.as_deref_mut().filter(|q| q.visit_runs) {
                let mut script =
                    Script::new(&self.levels, self.rated_speed, config.moving_status_ms);
                script.visit(&mut q.rng, now + 1, until, self.landing, technician);
                until = until.max(script.end(until));
                self.script = script.steps;
            }
            self.phase = Phase::Inspection {
                until,
                started: now,
            };
            return;
        }
        if self.quirks.is_some() && self.quirk_step(city, config, out, now) {
            return;
        }
        if now >= self.next_call {
            let job = self.draw_job(city, now);
            if self.queue.len() < 3 {
                self.queue.push_back(job);
            }
            self.next_call = now + self.call_gap(config, now);
        }
        if let Some(job) = self.queue.pop_front() {
            self.job = Some(job);
            if job.from == self.landing {
                self.open_doors(city, out, now, Some(job.to), job.passengers, true);
            } else {
                self.start_run(city, config, out, now, job.from);
            }
        }
    }

    fn draw_job(&mut self, city: &City, now: i64) -> Job {
        let n = self.landings(city);
        let lobby = (0..n).find(|i| self.floor_of(city, *i) == 1).unwrap_or(0);
        let hour = local_hour(now);
        let upper = |rng: &mut Rng| {
            let i = rng.index(n.max(2) - 1);
            if i >= lobby { i + 1 } else { i }.min(n - 1)
        };
        let (morning_down, evening_up) = match self.place {
            PlaceCategory::Residential => ((6..10).contains(&hour), (17..21).contains(&hour)),
            PlaceCategory::Office => ((17..20).contains(&hour), (7..10).contains(&hour)),
            _ => (false, false),
        };
        let (from, to) = if morning_down && self.rng.chance(0.8) {
            (upper(&mut self.rng), lobby)
        } else if evening_up && self.rng.chance(0.8) {
            (lobby, upper(&mut self.rng))
        } else {
            let a = self.rng.index(n);
            let mut b = self.rng.index(n);
            if a == b {
                b = (b + 1) % n;
            }
            (a, b)
        };
        // An overtravel fault is latent until a run to the terminal landing: the next passenger
        // who wants to go there finds it.
        let (from, to) = match self.pending_fault {
            Some(FaultKind::OvertravelTop) if from < n - 1 => (from, n - 1),
            Some(FaultKind::OvertravelBottom) if from > 0 => (from, 0),
            _ => (from, to),
        };
        let peak = hourly(self.place, hour) > 0.7;
        let passengers = if peak {
            self.rng.int(1, 6)
        } else {
            self.rng.int(1, 2)
        } as u8;
        Job {
            from,
            to,
            passengers,
        }
    }

    fn load_for(&self, passengers: u8) -> u8 {
        (u32::from(passengers) * PASSENGER_KG * 100 / self.rated_load).min(150) as u8
    }

    /// Starts a door cycle at the current landing; `boarding` means passengers get in (else out).
    fn open_doors(
        &mut self,
        city: &City,
        out: &mut Vec<Emit>,
        now: i64,
        then: Option<usize>,
        passengers: u8,
        boarding: bool,
    ) {
        let load_before = self.load;
        let load_after = if boarding {
            self.load_for(passengers)
        } else {
            0
        };
        let wear = self.wear;
        let draft = DoorDraft {
            started_at: now,
            opening_ms: (self.rng.normalish(2400.0, 150.0) * (0.9 + 0.1 * wear)) as u32,
            open_ms: self.rng.normalish(3500.0, 600.0).max(1500.0) as u32,
            closing_ms: (self.rng.normalish(2900.0, 180.0) * (0.9 + 0.1 * wear)) as u32,
            reopens_photocell: u8::from(self.rng.chance(0.12 * f64::from(passengers.min(4)))),
            reopens_button: u8::from(self.rng.chance(0.05)),
            load_before,
            load_after,
        };
        self.door = DoorStatus::Opening;
        self.direction = Direction::None;
        self.emit(out, now, self.status(city, false, 0.0));
        self.phase = Phase::Doors {
            stage: DoorStage::Opening,
            until: now + i64::from(draft.opening_ms),
            draft,
            then,
        };
    }

    #[allow(clippy::too_many_arguments)]
    fn doors_step(
        &mut self,
        city: &City,
        config: &SimConfig,
        out: &mut Vec<Emit>,
        now: i64,
        stage: DoorStage,
        mut draft: DoorDraft,
        then: Option<usize>,
    ) {
        match stage {
            DoorStage::Opening => {
                self.door = DoorStatus::Opened;
                self.load = draft.load_after;
                self.emit(out, now, self.status(city, false, 0.0));
                // A car that moves away from the landing with its door open.
                if self.pending_fault == Some(FaultKind::MovingWithDoorOpen) {
                    self.pending_fault = None;
                    self.begin_fault(city, config, out, now, FaultKind::MovingWithDoorOpen);
                    let creep = self.rng.range(150.0, 450.0);
                    self.position_mm += creep;
                    self.direction = Direction::Up;
                    let creep_speed = self.rng.range(120.0, 300.0);
                    self.emit(out, now + 700, self.status(city, true, creep_speed));
                    self.halt(
                        city,
                        out,
                        now + 1500,
                        FaultKind::MovingWithDoorOpen,
                        self.load > 0,
                    );
                    return;
                }
                if draft.load_after > draft.load_before {
                    self.relevel_while_boarding(city, out, now);
                }
                let extra = 2500 * u32::from(draft.reopens_photocell + draft.reopens_button);
                self.phase = Phase::Doors {
                    stage: DoorStage::Open,
                    until: now + i64::from(draft.open_ms + extra),
                    draft,
                    then,
                };
            }
            DoorStage::Open => {
                if self.pending_fault == Some(FaultKind::DoorClosingFault) {
                    // The door keeps reopening and cannot close: out of service.
                    self.pending_fault = None;
                    self.begin_fault(city, config, out, now, FaultKind::DoorClosingFault);
                    draft.reopens_photocell = self.rng.int(5, 12) as u8;
                    for k in 0..draft.reopens_photocell {
                        let t = now + i64::from(k) * 4000;
                        self.door = DoorStatus::Closing;
                        self.emit(out, t, self.status(city, false, 0.0));
                        self.door = DoorStatus::Opened;
                        self.emit(out, t + 1500, self.status(city, false, 0.0));
                    }
                    let end = now + i64::from(draft.reopens_photocell) * 4000;
                    self.emit_door_cycle(city, out, end, &draft);
                    self.load = 0;
                    self.job = None;
                    self.halt(city, out, end, FaultKind::DoorClosingFault, false);
                    return;
                }
                self.door = DoorStatus::Closing;
                self.emit(out, now, self.status(city, false, 0.0));
                self.phase = Phase::Doors {
                    stage: DoorStage::Closing,
                    until: now + i64::from(draft.closing_ms),
                    draft,
                    then,
                };
            }
            DoorStage::Closing => {
                self.door = DoorStatus::Closed;
                self.door_cycles += 1;
                self.emit(out, now, self.status(city, false, 0.0));
                self.emit_door_cycle(city, out, now, &draft);
                match then {
                    Some(to) if to != self.landing => self.start_run(city, config, out, now, to),
                    _ => {
                        self.job = None;
                        self.phase = Phase::Idle;
                        if self.park_after_doors {
                            // Parked out of service after a normal door cycle.
                            self.park_after_doors = false;
                            self.parked = true;
                            self.mode = self
                                .quirks
                                .as_deref()
                                .map_or(ServiceMode::OutOfService, |q| q.parking_mode);
                            self.emit(out, now + 1000, self.status(city, false, 0.0));
                        }
                    }
                }
            }
        }
    }

    fn emit_door_cycle(&mut self, city: &City, out: &mut Vec<Emit>, now: i64, d: &DoorDraft) {
        self.emit(
            out,
            now,
            Body::DoorCycle(DoorCycle {
                floor: self.floor_of(city, self.landing),
                door: DoorSide::Front,
                opening_ms: d.opening_ms,
                open_ms: d.open_ms,
                closing_ms: d.closing_ms,
                reopens_photocell: d.reopens_photocell,
                reopens_button: d.reopens_button,
                load_before_percent: Some(d.load_before),
                load_after_percent: Some(d.load_after),
                started_at: self.device_time(d.started_at),
            }),
        );
    }

    fn start_run(
        &mut self,
        city: &City,
        config: &SimConfig,
        out: &mut Vec<Emit>,
        now: i64,
        to: usize,
    ) {
        let from_mm = self.position_mm;
        let target = self.level(city, to);
        let distance = (target - from_mm).abs();
        let profile = Profile::new(distance, self.rated_speed, ACCELERATION_MM_S2, JERK_MM_S3);
        let up = target > from_mm;
        let mut fault = None;
        if let Some(kind) = self.pending_fault {
            let applies = kind.strikes_while_running()
                && match kind {
                    // Trapped between floors needs passengers; a stop outside the zone, none.
                    FaultKind::TrappedBetweenFloors => self.load > 0,
                    FaultKind::StopOutsideDoorZone => self.load == 0,
                    FaultKind::OvertravelTop => up && to + 1 == self.landings(city),
                    FaultKind::OvertravelBottom => !up && to == 0,
                    _ => true,
                };
            if applies {
                self.pending_fault = None;
                let at_s = match kind {
                    FaultKind::OvertravelTop | FaultKind::OvertravelBottom => profile.duration_s(),
                    FaultKind::RunTimeLimiter => profile.duration_s() * 0.5,
                    _ => profile.duration_s() * self.rng.range(0.3, 0.7),
                };
                fault = Some(RunFault { kind, at_s });
            }
        }
        self.direction = if up { Direction::Up } else { Direction::Down };
        self.run_count += 1;
        self.next_status = now + i64::from(config.moving_status_ms);
        self.emit(out, now, self.status(city, true, 0.0));
        self.phase = Phase::Moving {
            start: now,
            from_mm,
            to,
            up,
            profile,
            fault,
        };
    }

    #[allow(clippy::too_many_arguments)]
    fn moving_step(
        &mut self,
        city: &City,
        config: &SimConfig,
        out: &mut Vec<Emit>,
        now: i64,
        start: i64,
        from_mm: f64,
        to: usize,
        up: bool,
        profile: Profile,
        fault: Option<RunFault>,
    ) {
        let t = (now - start) as f64 / 1000.0;
        let sign = if up { 1.0 } else { -1.0 };
        let (dist, speed) = profile.at(t);
        self.position_mm = from_mm + sign * dist;
        if let Some(f) = fault.filter(|f| t >= f.at_s) {
            self.running_ms += (f.at_s * 1000.0) as u64;
            self.run_fault(city, config, out, now, f.kind, profile, up, to);
            return;
        }
        if t >= profile.duration_s() {
            self.running_ms += (profile.duration_s() * 1000.0) as u64;
            // Levelling accuracy: within ±10 mm of the landing (GB/T 7588.1 5.12.1.1.4).
            self.position_mm =
                self.level(city, to) + self.rng.normalish(0.0, 2.5).clamp(-10.0, 10.0);
            self.landing = to;
            self.direction = Direction::None;
            self.emit(out, now, self.status(city, false, 0.0));
            let job = self.job;
            match job {
                Some(job) if to == job.from && self.load == 0 => {
                    if self.pending_fault == Some(FaultKind::DoorOpeningFault) {
                        self.pending_fault = None;
                        self.job = None;
                        self.begin_fault(city, config, out, now, FaultKind::DoorOpeningFault);
                        self.halt(city, out, now, FaultKind::DoorOpeningFault, false);
                    } else {
                        self.open_doors(city, out, now, Some(job.to), job.passengers, true);
                    }
                }
                _ => {
                    if self.pending_fault == Some(FaultKind::TrappedAtLanding) && self.load > 0 {
                        self.pending_fault = None;
                        self.job = None;
                        self.begin_fault(city, config, out, now, FaultKind::TrappedAtLanding);
                        self.halt(city, out, now, FaultKind::TrappedAtLanding, true);
                    } else {
                        self.open_doors(city, out, now, None, 0, false);
                    }
                }
            }
            return;
        }
        if now >= self.next_status {
            let arrival = start + (profile.duration_s() * 1000.0) as i64 - 1;
            self.emit_periodic(out, now, arrival, self.status(city, true, speed));
            self.next_status = now + i64::from(config.moving_status_ms);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn run_fault(
        &mut self,
        city: &City,
        config: &SimConfig,
        out: &mut Vec<Emit>,
        now: i64,
        kind: FaultKind,
        profile: Profile,
        up: bool,
        to: usize,
    ) {
        let _ = profile;
        match kind {
            FaultKind::Overspeed => {
                let fast = self.rated_speed * self.rng.range(1.16, 1.35);
                self.begin_fault(city, config, out, now, kind);
                self.emit(out, now, self.status(city, true, fast));
            }
            FaultKind::DoorOpenWhileRunning => {
                self.begin_fault(city, config, out, now, kind);
                self.door = DoorStatus::Opening;
                self.emit(out, now, self.status(city, true, self.rated_speed * 0.5));
            }
            FaultKind::OvertravelTop | FaultKind::OvertravelBottom => {
                self.begin_fault(city, config, out, now, kind);
                let over = self.rng.range(200.0, 600.0);
                self.position_mm += if up { over } else { -over };
                if up {
                    self.up_limit = true;
                } else {
                    self.down_limit = true;
                }
                // The overshoot takes the car half a second.
                self.emit(
                    out,
                    now + 500,
                    self.status(city, true, self.rated_speed * 0.3),
                );
            }
            FaultKind::RunTimeLimiter => {
                // The car crawls: the run takes far longer than the profile; the limiter trips.
                self.begin_fault(city, config, out, now, kind);
                // EN 81-20 5.9.2.7: the limiter trips within 45 s (or full travel time + 10 s).
                let crawl = self.rng.range(40.0, 120.0);
                // It crawls towards the landing it was heading for and stops short of it.
                let target = self.level(city, to);
                for k in 1..=10 {
                    let stepped = self.position_mm + if up { crawl * 5.0 } else { -crawl * 5.0 };
                    self.position_mm = if up {
                        stepped.min(target - 300.0)
                    } else {
                        stepped.max(target + 300.0)
                    };
                    self.emit(out, now + k * 5000, self.status(city, true, crawl));
                }
            }
            FaultKind::FloorPositionLost => {
                self.begin_fault(city, config, out, now, kind);
                // The controller re-levels at the bottom terminal floor.
                self.emit(out, now, self.status(city, true, 0.0));
            }
            _ => self.begin_fault(city, config, out, now, kind),
        }
        let stop = match kind {
            FaultKind::RunTimeLimiter => now + 50_000,
            _ => now + 800,
        };
        self.job = None;
        self.halt(city, out, stop, kind, kind.traps_passengers());
    }

    /// The car stops and stays out of service until released.
    fn halt(&mut self, city: &City, out: &mut Vec<Emit>, now: i64, kind: FaultKind, trapped: bool) {
        self.mode = ServiceMode::OutOfService;
        self.door = if matches!(
            kind,
            FaultKind::DoorOpenWhileRunning
                | FaultKind::MovingWithDoorOpen
                | FaultKind::DoorClosingFault
        ) {
            DoorStatus::Opened
        } else {
            DoorStatus::Closed
        };
        if kind == FaultKind::FloorPositionLost {
            // The correction run ends at the bottom landing, where the doors open and any
            // passengers get out.
            self.landing = 0;
            self.position_mm = self.level(city, 0);
            self.mode = ServiceMode::Normal;
            self.door = DoorStatus::Opened;
            self.emit(out, now, self.status(city, false, 0.0));
            self.load = 0;
            self.door = DoorStatus::Closed;
        }
        if matches!(
            kind,
            FaultKind::TrappedBetweenFloors | FaultKind::StopOutsideDoorZone
        ) && self.in_door_zone(city)
        {
            // These stop clear of any landing's door zone.
            let step = if self.direction == Direction::Down {
                -1.0
            } else {
                1.0
            };
            self.position_mm += step * (f64::from(DOOR_ZONE_MM) * 2.0 + 100.0);
        }
        self.emit(out, now, self.status(city, false, 0.0));
        let minutes = match kind {
            FaultKind::FloorPositionLost => self.rng.int(1, 3),
            FaultKind::TrappedAtLanding | FaultKind::TrappedBetweenFloors => self.rng.int(12, 45),
            FaultKind::DoorClosingFault | FaultKind::DoorOpeningFault => self.rng.int(20, 60),
            _ => self.rng.int(30, 120),
        };
        if trapped {
            // Passengers press the alarm button; the emission repeats until acknowledged.
            let pressed = now + self.rng.int(5_000, 60_000);
            let id = self.alarm(city, out, pressed, AlarmStage::Raised);
            let floor = Some(self.current_floor(city));
            self.emit(
                out,
                now + 70_000,
                Body::Alarm(AlarmMessage {
                    alarm_id: id,
                    stage: AlarmStage::Emitted { attempt: 1 },
                    floor,
                    at: self.device_time(now + 70_000),
                }),
            );
            if let Some(active) = &mut self.active {
                active.alarm = Some(id);
            }
        }
        self.phase = Phase::Halted {
            until: now + minutes * 60_000,
            kind,
            trapped,
        };
    }

    /// Normal service again: the fault in progress ends (its code cleared, its alarm ended),
    /// event 40 "back to normal", and a status.
    fn back_in_service(&mut self, city: &City, out: &mut Vec<Emit>, now: i64) {
        self.clear_fault(city, out, now);
        self.back_to_normal(city, out, now);
    }

    /// Back in service: rescue done or fault repaired.
    fn release(
        &mut self,
        city: &City,
        out: &mut Vec<Emit>,
        now: i64,
        kind: FaultKind,
        _trapped: bool,
    ) {
        if !self.escalator {
            self.relevel(city, out, now);
        }
        let _ = kind;
        self.back_in_service(city, out, now);
        self.phase = if self.escalator {
            Phase::EscalatorStopped
        } else {
            Phase::Idle
        };
    }

    /// The landing nearest the car.
    fn nearest_landing(&self, city: &City) -> usize {
        (0..self.landings(city))
            .min_by_key(|i| (self.level(city, *i) - self.position_mm).abs() as i64)
            .unwrap_or(0)
    }

    /// With realism, a car more than 20 mm from a landing is brought there by a rescue run at
    /// 0.3 m/s in emergency electrical operation (reported as inspection) rather than at once:
    /// starts it and returns when it arrives. `None`: nothing to run.
    fn rescue_run(&mut self, city: &City, out: &mut Vec<Emit>, now: i64) -> Option<i64> {
        const RESCUE_SPEED_MM_S: f64 = 300.0;
        if self.quirks.is_none() || self.escalator {
            return None;
        }
        let target = self.level(city, self.nearest_landing(city));
        let distance = (target - self.position_mm).abs();
        if distance <= 20.0 {
            return None;
        }
        // The crew closes the doors and takes the car in emergency electrical operation; it
        // stays in that mode until the release.
        self.mode = ServiceMode::Inspection;
        self.door = DoorStatus::Closed;
        self.direction = if target > self.position_mm {
            Direction::Up
        } else {
            Direction::Down
        };
        self.emit(out, now, self.status(city, true, RESCUE_SPEED_MM_S));
        self.direction = Direction::None;
        self.position_mm = target;
        // Until it arrives the terminal reports the run, not a car at rest.
        self.scripted_speed = RESCUE_SPEED_MM_S;
        Some(now + 1 + (distance / RESCUE_SPEED_MM_S * 1000.0).ceil() as i64)
    }

    /// Brings a car between floors to the nearest landing and levels it; the doors open and
    /// anyone inside gets out.
    fn relevel(&mut self, city: &City, out: &mut Vec<Emit>, now: i64) {
        self.scripted_speed = 0.0;
        let nearest = self.nearest_landing(city);
        let target = self.level(city, nearest);
        self.landing = nearest;
        self.position_mm = target;
        self.up_limit = false;
        self.down_limit = false;
        if self.load > 0 || self.door != DoorStatus::Closed {
            self.door = DoorStatus::Opened;
            self.emit(out, now, self.status(city, false, 0.0));
            self.load = 0;
            self.door = DoorStatus::Closed;
        }
    }

    /// The signed session report at the end of a maintenance visit (or a fake one).
    fn maintenance_report(&mut self, city: &City, out: &mut Vec<Emit>, now: i64, started: i64) {
        let lift = &city.lifts[self.index as usize];
        let unit = &city.maintenance_units[lift.maintenance_unit as usize];
        self.sessions += 1;
        let crew = &unit.crews[self.rng.index(unit.crews.len())];
        let tier = if self.sessions % 12 == 0 {
            MaintenanceTier::Yearly
        } else if self.sessions % 6 == 0 {
            MaintenanceTier::HalfYearly
        } else if self.sessions % 3 == 0 {
            MaintenanceTier::Quarterly
        } else {
            MaintenanceTier::HalfMonthly
        };
        let building = &city.buildings[lift.building as usize];
        let manager = city.use_units[building.use_unit as usize]
            .safety_manager
            .clone();
        self.emit(
            out,
            now,
            Body::MaintenanceSession(Box::new(MaintenanceSession {
                session_id: format!("{}-{}", lift.device, self.sessions),
                maintenance_unit: unit.organisation.credit_code.clone(),
                technicians: crew.technicians.clone(),
                tier,
                items_done: items(lift.kind.maintenance_family(), tier).collect(),
                started_at: self.device_time(started),
                ended_at: self.device_time(now),
                confirmation: Some(UseUnitConfirmation {
                    confirmed_by: manager,
                    confirmed_at: self.device_time(now + 60_000),
                }),
            })),
        );
    }

    /// Whether this lift is an escalator or moving walk.
    pub fn is_escalator(&self) -> bool {
        self.escalator
    }

    /// The kind of the lift (for reports).
    pub fn kind(city: &City, index: usize) -> EquipmentKind {
        city.lifts[index].kind
    }
}

/// The next 23:00 or 06:00 local (UTC+8) after `now`, when night parking begins or ends.
fn next_parking_switch(now: i64) -> i64 {
    let local = now + 8 * HOUR_MS;
    let day = local.div_euclid(DAY_MS) * DAY_MS;
    let into = local - day;
    let next_local = if into < 6 * HOUR_MS {
        day + 6 * HOUR_MS
    } else if into < 23 * HOUR_MS {
        day + 23 * HOUR_MS
    } else {
        day + DAY_MS + 6 * HOUR_MS
    };
    next_local - 8 * HOUR_MS
}

/// Night, for parking: 23:00–06:00 local.
fn is_night(now: i64) -> bool {
    let hour = local_hour(now);
    !(6..23).contains(&hour)
}

impl LiftSim {
    /// The ordinary behaviours an idle car shows ([`Quirks`]): parking for the night after a
    /// door cycle and back in the morning, and independent service. Returns whether the car is
    /// taken (no passenger calls are served).
    fn quirk_step(
        &mut self,
        city: &City,
        config: &SimConfig,
        out: &mut Vec<Emit>,
        now: i64,
    ) -> bool {
        if self.escalator || (self.mode != ServiceMode::Normal && !self.parked) {
            return false;
        }
        let parks = self.quirks.as_deref().is_some_and(|q| q.parks_at_night);
        if self.parked {
            if is_night(now) {
                // Calls go unanswered while parked.
                self.queue.clear();
                if now >= self.next_call {
                    self.next_call = now + self.call_gap(config, now);
                }
                return true;
            }
            self.parked = false;
            self.back_to_normal(city, out, now);
            return false;
        }
        if parks && is_night(now) && self.queue.is_empty() && self.job.is_none() {
            self.park_after_doors = true;
            self.open_doors(city, out, now, None, 0, false);
            return true;
        }
        if now >= self.next_independent && self.queue.is_empty() && self.job.is_none() {
            let attendant = self.load_for(1);
            let Some(q) = self.quirks.as_deref_mut() else {
                return false;
            };
            let until = now + q.rng.int(10 * 60_000, 30 * 60_000);
            let mut script = Script::new(&self.levels, self.rated_speed, config.moving_status_ms);
            script.independent(&mut q.rng, now, until, self.landing, attendant);
            let end = script.end(until);
            self.script = script.steps;
            self.next_independent = i64::MAX;
            self.phase = Phase::Scripted { until: end };
            return true;
        }
        false
    }

    /// Normal service again: event 40 "back to normal" and a status.
    fn back_to_normal(&mut self, city: &City, out: &mut Vec<Emit>, now: i64) {
        self.enter_mode(city, out, now, ServiceMode::Normal, 40);
    }

    /// A change of service mode, reported as its service event `code` and a status.
    fn enter_mode(
        &mut self,
        city: &City,
        out: &mut Vec<Emit>,
        now: i64,
        mode: ServiceMode,
        code: u16,
    ) {
        self.mode = mode;
        self.event(
            city,
            out,
            now,
            EventCode::from_number(code),
            EventState::Occurred,
        );
        self.emit(out, now, self.status(city, false, 0.0));
    }

    /// Applies the scripted waypoints due by `now`, reporting each as a status.
    fn play_script(&mut self, city: &City, out: &mut Vec<Emit>, now: i64) {
        while let Some(w) = self.script.front().copied().filter(|w| w.at <= now) {
            self.script.pop_front();
            self.mode = w.mode;
            self.position_mm = w.position_mm;
            self.door = w.door;
            self.load = w.load;
            let moving = w.speed != 0.0;
            self.direction = if w.speed > 0.0 {
                Direction::Up
            } else if w.speed < 0.0 {
                Direction::Down
            } else {
                Direction::None
            };
            self.scripted_speed = w.speed;
            if let Some(i) = (0..self.levels.len())
                .filter(|_| !moving)
                .find(|i| (f64::from(self.levels[*i]) - w.position_mm).abs() < 1.0)
            {
                self.landing = i;
            }
            self.emit(out, w.at, self.status(city, moving, w.speed.abs()));
            if let Some(code) = w.event {
                self.event(
                    city,
                    out,
                    w.at,
                    EventCode::from_number(code),
                    EventState::Occurred,
                );
            }
        }
    }

    /// A car that sinks a little as passengers board and re-levels with its doors open
    /// (EN 81-20 5.12.1.4), on a terminal whose realism says so.
    fn relevel_while_boarding(&mut self, city: &City, out: &mut Vec<Emit>, now: i64) {
        let Some(q) = self.quirks.as_deref_mut() else {
            return;
        };
        if !q.rng.chance(q.relevel_chance) {
            return;
        }
        let sink = q.rng.range(5.0, 25.0);
        let speed = q.rng.range(30.0, 120.0);
        let level = self.position_mm;
        self.position_mm = level - sink;
        self.direction = Direction::Up;
        self.emit(out, now + 600, self.status(city, true, speed));
        self.position_mm = level;
        self.direction = Direction::None;
        self.emit(
            out,
            now + 600 + (sink / speed * 1000.0) as i64 + 1,
            self.status(city, false, 0.0),
        );
    }
}
