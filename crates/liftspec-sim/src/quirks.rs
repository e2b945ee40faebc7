//! The ordinary behaviours of one real terminal and its lift ([`crate::config::Realism`]),
//! drawn once per lift from their own random stream (so that a run without realism is byte for
//! byte what it was), and the scripted car movements they bring: a technician's inspection
//! runs and test runs, and an attendant's independent-service trips.

use std::collections::VecDeque;

use liftspec_model::codes::{DoorStatus, ServiceMode};

use crate::config::Realism;
use crate::rng::Rng;

const STREAM_QUIRKS: u64 = 6;

/// Inspection speed, mm/s: EN 81-20 5.12.1.5.1.1 caps it at 0.63 m/s \[recall\]; technicians
/// run slower.
const INSPECTION_SPEED_MM_S: f64 = 300.0;

/// One terminal's and one lift's behaviours.
#[derive(Debug, Clone, PartialEq)]
pub struct Quirks {
    /// Their own random stream, for the draws the behaviours make while running.
    pub rng: Rng,
    /// What the load cell reads on an empty car, percent.
    pub load_offset: u8,
    /// Load-cell noise, percent (standard deviation).
    pub load_noise: f64,
    /// Whether the terminal has an occupancy sensor.
    pub occupancy_sensor: bool,
    /// Chance of a re-levelling while passengers board.
    pub relevel_chance: f64,
    /// Whether technicians run the car during visits.
    pub visit_runs: bool,
    /// Whether the lift is parked at night, and the mode its terminal reports for it.
    pub parks_at_night: bool,
    /// The mode a parked car reports: 128 parking, or 0 on terminals without it.
    pub parking_mode: ServiceMode,
    /// Independent-service periods per day.
    pub independent_per_day: f64,
    /// Idle status period, ms, for terminals that report while idle.
    pub idle_status_ms: Option<i64>,
    /// Whether the terminal sends heartbeats.
    pub heartbeats: bool,
    /// Largest delay added to a report, ms.
    pub jitter_ms: i64,
    /// Whether alarm presses go out as Event 90 only.
    pub alarm_as_event: bool,
}

impl Quirks {
    /// Draws lift `index`'s behaviours.
    pub fn draw(realism: &Realism, seed: u64, index: usize) -> Self {
        let mut rng = Rng::derive(seed, STREAM_QUIRKS, index as u64);
        let load_offset = if rng.chance(realism.load_offset_share) {
            rng.int(1, i64::from(realism.load_offset_max_percent.max(1))) as u8
        } else {
            0
        };
        let occupancy_sensor = !rng.chance(realism.no_occupancy_sensor_share);
        let parks_at_night = rng.chance(realism.night_parking_share);
        let parking_mode = if rng.chance(realism.parking_mode_share) {
            ServiceMode::Parking
        } else {
            ServiceMode::OutOfService
        };
        let idle_status_ms = rng
            .chance(realism.idle_reporting_share)
            .then_some(i64::from(realism.idle_status_ms));
        let heartbeats = !rng.chance(realism.heartbeat_off_share);
        let alarm_as_event = rng.chance(realism.alarm_as_event_share);
        Self {
            rng,
            load_offset,
            load_noise: realism.load_noise_percent,
            occupancy_sensor,
            relevel_chance: realism.relevel_chance,
            visit_runs: realism.visit_runs,
            parks_at_night,
            parking_mode,
            independent_per_day: realism.independent_service_per_day,
            idle_status_ms,
            heartbeats,
            jitter_ms: i64::from(realism.jitter_ms),
            alarm_as_event,
        }
    }

    /// What the load cell reports for a true load, percent: the offset plus noise (clipped at
    /// twice the noise), never below 0.
    pub fn reported_load(&mut self, load: u8) -> u8 {
        let noise = if self.load_noise > 0.0 {
            self.rng
                .normalish(0.0, self.load_noise)
                .clamp(-2.0 * self.load_noise, 2.0 * self.load_noise)
        } else {
            0.0
        };
        (f64::from(load) + f64::from(self.load_offset) + noise)
            .round()
            .clamp(0.0, 150.0) as u8
    }

    /// The delay added to a report, ms.
    pub fn jitter(&mut self) -> i64 {
        if self.jitter_ms == 0 {
            0
        } else {
            self.rng.int(0, self.jitter_ms)
        }
    }
}

/// One step of a scripted movement: at `at` the car is in this state (and reports it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Waypoint {
    /// True time, ms.
    pub at: i64,
    /// Service mode.
    pub mode: ServiceMode,
    /// Car position, mm.
    pub position_mm: f64,
    /// Signed speed, mm/s (0 at rest).
    pub speed: f64,
    /// Front door.
    pub door: DoorStatus,
    /// Load, percent (true).
    pub load: u8,
    /// A service event to report with it (43 inspection, 40 back to normal).
    pub event: Option<u16>,
}

/// Builds scripts of waypoints for a car with these landing levels.
#[derive(Debug)]
pub struct Script<'a> {
    /// Landing levels, mm, bottom to top.
    pub levels: &'a [i32],
    /// Rated speed, mm/s.
    pub rated_speed: f64,
    /// Status period while moving, ms.
    pub status_ms: i64,
    /// The steps so far.
    pub steps: VecDeque<Waypoint>,
}

impl<'a> Script<'a> {
    /// An empty script for a car with these landing levels, rated speed (mm/s) and status
    /// period while moving (ms).
    pub fn new(levels: &'a [i32], rated_speed: f64, status_ms: u32) -> Self {
        Self {
            levels,
            rated_speed,
            status_ms: i64::from(status_ms),
            steps: VecDeque::new(),
        }
    }

    /// When the script's phase ends: a second after its last step (`or` if it has none).
    pub fn end(&self, or: i64) -> i64 {
        self.steps.back().map_or(or, |w| w.at + 1000)
    }

    /// The time of the last step (0 before the first).
    fn time(&self) -> i64 {
        self.last().map_or(0, |w| w.at)
    }

    fn last(&self) -> Option<Waypoint> {
        self.steps.back().copied()
    }

    /// Sets the load of the last step (people got in or out).
    pub fn set_load(&mut self, load: u8) {
        if let Some(w) = self.steps.back_mut() {
            w.load = load;
        }
    }

    /// The car stays as it is until `at` (with a mode change or event, if given).
    pub fn hold(&mut self, at: i64, mode: ServiceMode, door: DoorStatus, event: Option<u16>) {
        if let Some(mut w) = self.last() {
            w.at = at.max(w.at + 1);
            w.mode = mode;
            w.door = door;
            w.speed = 0.0;
            w.event = event;
            self.steps.push_back(w);
        }
    }

    /// A run from where the car is to `to_mm` at `speed` (linear, with a status every period),
    /// ending at rest; returns the arrival time.
    pub fn run(&mut self, to_mm: f64, speed: f64, mode: ServiceMode) -> i64 {
        let Some(from) = self.last() else {
            return 0;
        };
        let distance = to_mm - from.position_mm;
        let duration_ms = ((distance.abs() / speed.max(1.0)) * 1000.0).ceil() as i64;
        let sign = distance.signum();
        // The car starts at once: moving from where it stands.
        self.steps.push_back(Waypoint {
            at: from.at + 1,
            mode,
            position_mm: from.position_mm,
            speed: sign * speed,
            door: DoorStatus::Closed,
            load: from.load,
            event: None,
        });
        let mut t = self.status_ms;
        while t < duration_ms {
            self.steps.push_back(Waypoint {
                at: from.at + t,
                mode,
                position_mm: from.position_mm + sign * speed * t as f64 / 1000.0,
                speed: sign * speed,
                door: DoorStatus::Closed,
                load: from.load,
                event: None,
            });
            t += self.status_ms;
        }
        let arrival = from.at + duration_ms.max(1);
        self.steps.push_back(Waypoint {
            at: arrival,
            mode,
            position_mm: to_mm,
            speed: 0.0,
            door: DoorStatus::Closed,
            load: from.load,
            event: None,
        });
        arrival
    }

    /// A door cycle at the current landing: opening, open for `open_ms`, closed.
    pub fn door_cycle(&mut self, mode: ServiceMode, open_ms: i64) -> i64 {
        let Some(w) = self.last() else {
            return 0;
        };
        self.hold(w.at + 500, mode, DoorStatus::Opening, None);
        self.hold(w.at + 3000, mode, DoorStatus::Opened, None);
        self.hold(w.at + 3000 + open_ms, mode, DoorStatus::Closing, None);
        let closed = w.at + 6000 + open_ms;
        self.hold(closed, mode, DoorStatus::Closed, None);
        closed
    }

    /// A technician's visit from `start` to about `until` at landing `landing` with a
    /// technician aboard (`load`): inspection spans, each with a slow run that stops between
    /// floors and a run back to a landing, and a short test run in normal service between
    /// spans. Ends in inspection at a landing.
    pub fn visit(&mut self, rng: &mut Rng, start: i64, until: i64, landing: usize, load: u8) {
        let n = self.levels.len();
        let level = |i: usize| f64::from(self.levels[i.min(n - 1)]);
        self.steps.push_back(Waypoint {
            at: start,
            mode: ServiceMode::Inspection,
            position_mm: level(landing),
            speed: 0.0,
            door: DoorStatus::Closed,
            load,
            event: None,
        });
        let spans = rng.int(2, 5);
        let span_ms = (until - start) / spans;
        let mut current = landing;
        for k in 0..spans {
            let span_start = self.time();
            let work_until = span_start + span_ms * 6 / 10;
            // Work at rest, then a slow run to between two floors and back to a landing.
            self.hold(
                span_start + rng.int(60_000, 180_000).min(span_ms / 4),
                ServiceMode::Inspection,
                DoorStatus::Closed,
                None,
            );
            if n > 1 {
                let target = rng.index(n - 1);
                let between = (level(target) + level(target + 1)) / 2.0;
                self.run(between, INSPECTION_SPEED_MM_S, ServiceMode::Inspection);
                let here = self.time();
                self.hold(
                    here + rng.int(30_000, 90_000),
                    ServiceMode::Inspection,
                    DoorStatus::Closed,
                    None,
                );
                current = target;
                self.run(
                    level(current),
                    INSPECTION_SPEED_MM_S,
                    ServiceMode::Inspection,
                );
            }
            let here = self.time();
            self.hold(
                here.max(work_until),
                ServiceMode::Inspection,
                DoorStatus::Closed,
                None,
            );
            if k + 1 == spans || n < 2 {
                continue;
            }
            // A test run in normal service to another landing, doors cycling there, then back
            // to inspection.
            let here = self.time();
            self.hold(
                here + 2000,
                ServiceMode::Normal,
                DoorStatus::Closed,
                Some(40),
            );
            let mut to = rng.index(n);
            if to == current {
                to = (to + 1) % n;
            }
            self.run(level(to), self.rated_speed, ServiceMode::Normal);
            current = to;
            self.door_cycle(ServiceMode::Normal, rng.int(3_000, 8_000));
            let here = self.time();
            self.hold(
                here + 1000,
                ServiceMode::Inspection,
                DoorStatus::Closed,
                Some(43),
            );
        }
    }

    /// An attendant's independent service from `start` to `until` at landing `landing`: the
    /// doors wait open, then trips to other landings with the attendant aboard (`load`).
    pub fn independent(&mut self, rng: &mut Rng, start: i64, until: i64, landing: usize, load: u8) {
        let n = self.levels.len();
        let level = |i: usize| f64::from(self.levels[i.min(n - 1)]);
        let mode = ServiceMode::IndependentService;
        self.steps.push_back(Waypoint {
            at: start,
            mode,
            position_mm: level(landing),
            speed: 0.0,
            door: DoorStatus::Closed,
            load,
            event: None,
        });
        let mut current = landing;
        while self.last().is_some_and(|w| w.at < until) && n > 1 {
            let now = self.time();
            self.hold(now + 500, mode, DoorStatus::Opening, None);
            self.hold(now + 3000, mode, DoorStatus::Opened, None);
            // The attendant holds the doors open while loading.
            let open_until = (now + rng.int(60_000, 240_000)).min(until);
            self.hold(open_until, mode, DoorStatus::Opened, None);
            let done = open_until >= until;
            if done {
                // The attendant leaves before the doors close for the last time.
                self.set_load(0);
            }
            self.hold(open_until + 3000, mode, DoorStatus::Closing, None);
            self.hold(open_until + 6000, mode, DoorStatus::Closed, None);
            if done {
                break;
            }
            let mut to = rng.index(n);
            if to == current {
                to = (to + 1) % n;
            }
            self.run(level(to), self.rated_speed, mode);
            current = to;
        }
    }
}
