//! What to simulate, checked up front: an invalid configuration is a [`ConfigError`] naming the
//! field, never a panic or a silent clamp.

use liftspec_model::time::Timestamp;

use crate::fault::FaultKind;

/// The most lifts one simulation takes: five times Hangzhou's fleet (memory grows linearly with
/// lifts). The districts' own capacity ([`crate::city::District::capacity`]) is checked too.
pub const MAX_LIFTS: u32 = 1_000_000;

/// Earliest start: 1990-01-01 UTC. The oldest simulated lifts are 35 years old, and a
/// registration code's year field starts at 1950.
pub const EARLIEST_START_MS: i64 = 631_152_000_000;
/// Latest start: 2090-01-01 UTC, leaving the year fields of codes and licences in range.
pub const LATEST_START_MS: i64 = 3_786_912_000_000;

/// The simulation's settings. `Default` is a small city for one virtual hour.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SimConfig {
    /// The seed: the same seed and settings give the same city and frames, byte for byte.
    pub seed: u64,
    /// Lifts (and escalators) in the city, 1 ..= [`MAX_LIFTS`].
    pub lifts: u32,
    /// Virtual start time, from [`EARLIEST_START_MS`] to before [`LATEST_START_MS`].
    pub start: Timestamp,
    /// Virtual duration in seconds (≥ 1).
    pub duration_s: u64,
    /// Status period while a car moves, in ms (≥ 100); idle lifts send status on change only.
    pub moving_status_ms: u32,
    /// Heartbeat period in seconds (≥ 10).
    pub heartbeat_s: u32,
    /// Statistics period in seconds (≥ 60).
    pub statistics_s: u32,
    /// Fault injection.
    pub faults: FaultRates,
    /// Probability that the controller reports an injected fault itself with its national code
    /// (the rest must be found from telemetry), in [0, 1].
    pub controller_reports: f64,
    /// Passenger trips per lift per hour at the busiest hour of a residential building (other
    /// place categories scale from it), ≥ 0.
    pub peak_trips_per_hour: f64,
    /// An earthquake felt across the city, if any (none by default).
    pub earthquake: Option<Earthquake>,
    /// A mass power cut (a typhoon's), if any (none by default).
    pub power_cut: Option<PowerCut>,
    /// The ordinary behaviours of real terminals and lifts (none by default, so that runs
    /// without it stay byte for byte the same): [`Realism::typical`].
    pub realism: Option<Realism>,
}

/// The ordinary behaviours of a real fleet that are not faults: sensors that are not exact,
/// cars that re-level, technicians who run the car during a visit, lifts parked at night or in
/// independent service, terminals that report on their own cadence, and firmware that sends
/// alarms as events. Each is a seeded property of a terminal or its lift, drawn once per lift.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Realism {
    /// Share of load cells that read an offset on an empty car, in [0, 1].
    pub load_offset_share: f64,
    /// Largest such offset, percent of rated load (0..=20).
    pub load_offset_max_percent: u8,
    /// Load-cell noise, percent (a standard deviation, clipped at twice it; 0..=5).
    pub load_noise_percent: f64,
    /// Share of terminals with no occupancy sensor (they report load only), in [0, 1].
    pub no_occupancy_sensor_share: f64,
    /// Chance that a car re-levels with its doors open while passengers board, in [0, 1].
    pub relevel_chance: f64,
    /// Whether technicians make slow inspection runs and normal-service test runs during a
    /// maintenance visit.
    pub visit_runs: bool,
    /// Share of lifts parked out of service at night (23:00–06:00 local) after a normal door
    /// cycle, in [0, 1].
    pub night_parking_share: f64,
    /// Share of parking terminals that report parking as mode 128; the rest report 0 (out of
    /// service), as terminals without the mode do. In [0, 1].
    pub parking_mode_share: f64,
    /// Independent-service periods per lift per day (an attendant takes the car for 10–30
    /// minutes), in [0, 24].
    pub independent_service_per_day: f64,
    /// Share of terminals that report their status every `idleStatusMs` while idle (the rest
    /// report on change only), in [0, 1].
    pub idle_reporting_share: f64,
    /// Idle status period of those terminals, ms (1,000..=600,000).
    pub idle_status_ms: u32,
    /// Share of terminals with heartbeats switched off, in [0, 1].
    pub heartbeat_off_share: f64,
    /// Largest delay a terminal adds to a report, ms (0..=2,000); reports keep their order.
    pub jitter_ms: u32,
    /// Share of terminals whose firmware sends alarm presses only as an Event with code 90,
    /// in [0, 1].
    pub alarm_as_event_share: f64,
}

impl Realism {
    /// liftspec's estimate of a typical fleet (data, not measurement): a third of load cells
    /// off by up to 5 %, 40 % of terminals without an occupancy sensor, re-levelling at one
    /// boarding in seven, technicians' runs, a quarter of lifts parked at night, an
    /// independent-service period per lift every ten days, a fifth of terminals reporting every
    /// 5 s when idle, 15 % without heartbeats, 300 ms of jitter, a fifth sending alarms as
    /// events.
    pub fn typical() -> Self {
        Self {
            load_offset_share: 0.33,
            load_offset_max_percent: 5,
            load_noise_percent: 1.0,
            no_occupancy_sensor_share: 0.4,
            relevel_chance: 0.15,
            visit_runs: true,
            night_parking_share: 0.25,
            parking_mode_share: 0.5,
            independent_service_per_day: 0.1,
            idle_reporting_share: 0.2,
            idle_status_ms: 5_000,
            heartbeat_off_share: 0.15,
            jitter_ms: 300,
            alarm_as_event_share: 0.2,
        }
    }
}

impl Default for Realism {
    fn default() -> Self {
        Self::typical()
    }
}

/// A mass power cut, as a typhoon brings: at one moment a share of the city's lifts lose mains
/// power. A car that is running stops where it is; with an automatic rescue device (ARD) it
/// creeps to the nearest landing and lets its passengers out, without one it holds them between
/// floors (ground truth `TrappedBetweenFloors`) until power returns. Standing cars and
/// escalators just stop (ground truth `PowerFailure`). A lift already in a fault or under
/// maintenance at that moment is left as it is.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PowerCut {
    /// Seconds after the start when the power fails, within the simulated duration.
    pub at_s: u64,
    /// Share of lifts that lose power, in [0, 1].
    pub share: f64,
    /// Share of cars without an automatic rescue device, in [0, 1].
    pub without_ard_share: f64,
    /// Shortest time until power returns, in minutes (≥ 1); each lift waits between this and
    /// twice this.
    pub restore_after_min: u32,
}

/// An earthquake: lifts whose seismic detector trips go into earthquake operation (GB/T 31095 /
/// EN 81-77): the car stops at a landing, opens its doors, reports service event 47, and stays
/// out of service until a competent person checks it and returns it to normal (event 40).
///
/// A car that is running when the shaking arrives finishes its run to the landing it is heading
/// for first (runs last seconds; the standard's "nearest landing" is not modelled finer).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Earthquake {
    /// Seconds after the start when the shaking arrives, within the simulated duration.
    pub at_s: u64,
    /// Share of lifts whose detector trips, in [0, 1] (escalators are not affected).
    pub tripped_share: f64,
    /// Shortest time until a tripped lift is checked and reset, in minutes (≥ 1); each lift
    /// waits between this and twice this.
    pub reset_after_min: u32,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            seed: 2020,
            lifts: 200,
            // 2026-12-03 07:00 Asia/Shanghai (a Thursday), the morning peak.
            start: Timestamp::from_millis(1_796_252_400_000),
            duration_s: 3600,
            moving_status_ms: 1000,
            heartbeat_s: 300,
            statistics_s: 3600,
            faults: FaultRates::default(),
            controller_reports: 0.7,
            peak_trips_per_hour: 40.0,
            earthquake: None,
            power_cut: None,
            realism: None,
        }
    }
}

/// How often each fault starts, per lift per day (the probability that a given lift develops it
/// on a given day, before the age factor: older lifts fail more, see `crate::lift`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FaultRates {
    /// Per-kind rates, every kind present once. Defaults: [`FaultRates::HANGZHOU_LIKE`].
    pub per_lift_day: Vec<(FaultKind, f64)>,
}

impl FaultRates {
    /// liftspec's defaults: roughly the fault mix a city platform reports (trapped passengers
    /// about once per lift every three years, door faults the most common), scaled so that a
    /// 20,000-lift day shows every kind. Data, not law: a study changes the table.
    pub const HANGZHOU_LIKE: [(FaultKind, f64); 17] = [
        (FaultKind::TrappedAtLanding, 0.0006),
        (FaultKind::TrappedBetweenFloors, 0.0004),
        (FaultKind::StopOutsideDoorZone, 0.0005),
        (FaultKind::MovingWithDoorOpen, 0.0001),
        (FaultKind::DoorOpenWhileRunning, 0.0001),
        (FaultKind::Overspeed, 0.0001),
        (FaultKind::OvertravelTop, 0.00005),
        (FaultKind::OvertravelBottom, 0.00005),
        (FaultKind::DoorClosingFault, 0.002),
        (FaultKind::DoorOpeningFault, 0.001),
        (FaultKind::FloorPositionLost, 0.0003),
        (FaultKind::SafetyCircuitOpen, 0.0005),
        (FaultKind::RunTimeLimiter, 0.0002),
        (FaultKind::PowerFailure, 0.0003),
        (FaultKind::TerminalSilence, 0.001),
        (FaultKind::FalseAlarm, 0.003),
        (FaultKind::FakeMaintenance, 0.002),
    ];

    /// The rate of `kind` (0 when absent).
    pub fn rate(&self, kind: FaultKind) -> f64 {
        self.per_lift_day
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(0.0, |(_, r)| *r)
    }

    /// Every rate multiplied by `factor` (for demos that want to see many faults in an hour).
    pub fn scaled(&self, factor: f64) -> Self {
        Self {
            per_lift_day: self
                .per_lift_day
                .iter()
                .map(|(k, r)| (*k, (r * factor).min(1.0)))
                .collect(),
        }
    }
}

impl Default for FaultRates {
    fn default() -> Self {
        Self {
            per_lift_day: Self::HANGZHOU_LIKE.to_vec(),
        }
    }
}

/// Why a configuration cannot be simulated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// A number outside its allowed range.
    #[error("{field}: {value} is outside {allowed}")]
    OutOfRange {
        /// The setting, as its JSON path.
        field: String,
        /// The value given.
        value: f64,
        /// The allowed range.
        allowed: &'static str,
    },
    /// More lifts than the city's area holds.
    #[error("lifts: {lifts} lifts do not fit Hangzhou's districts (at most {max})")]
    CityTooLarge {
        /// Lifts asked for.
        lifts: u32,
        /// The most that fit.
        max: u32,
    },
    /// A fault kind listed twice.
    #[error("faults.perLiftDay: {0:?} is listed twice")]
    DuplicateFault(FaultKind),
}

impl ConfigError {
    /// A stable, machine-readable code.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::OutOfRange { .. } => "sim.config.out_of_range",
            Self::CityTooLarge { .. } => "sim.config.city_too_large",
            Self::DuplicateFault(_) => "sim.config.duplicate_fault",
        }
    }
}

fn check(field: &str, value: f64, ok: bool, allowed: &'static str) -> Result<(), ConfigError> {
    if ok {
        Ok(())
    } else {
        Err(ConfigError::OutOfRange {
            field: field.into(),
            value,
            allowed,
        })
    }
}

fn check_share(field: &str, share: f64) -> Result<(), ConfigError> {
    check(field, share, (0.0..=1.0).contains(&share), "[0, 1]")
}

impl SimConfig {
    /// What an earthquake and a power cut share: they happen within the run, and the lifts
    /// come back after 1 minute to a week.
    fn check_event(
        &self,
        name: &str,
        at_s: u64,
        back_field: &str,
        back_min: u32,
    ) -> Result<(), ConfigError> {
        check(
            &format!("{name}.atS"),
            at_s as f64,
            at_s < self.duration_s,
            "0..durationS",
        )?;
        check(
            &format!("{name}.{back_field}"),
            f64::from(back_min),
            (1..=7 * 24 * 60).contains(&back_min),
            "1..=10080 (a week)",
        )
    }

    /// Checks every setting.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.lifts > MAX_LIFTS {
            return Err(ConfigError::CityTooLarge {
                lifts: self.lifts,
                max: MAX_LIFTS,
            });
        }
        check("lifts", f64::from(self.lifts), self.lifts >= 1, "1..")?;
        check(
            "start",
            self.start.millis() as f64,
            (EARLIEST_START_MS..LATEST_START_MS).contains(&self.start.millis()),
            "1990-01-01 to 2090-01-01 (UTC)",
        )?;
        check(
            "durationS",
            self.duration_s as f64,
            (1..=400 * 86_400).contains(&self.duration_s),
            "1..=34560000 (400 days)",
        )?;
        check(
            "movingStatusMs",
            f64::from(self.moving_status_ms),
            self.moving_status_ms >= 100,
            "100..",
        )?;
        check(
            "heartbeatS",
            f64::from(self.heartbeat_s),
            self.heartbeat_s >= 10,
            "10..",
        )?;
        check(
            "statisticsS",
            f64::from(self.statistics_s),
            self.statistics_s >= 60,
            "60..",
        )?;
        check(
            "controllerReports",
            self.controller_reports,
            (0.0..=1.0).contains(&self.controller_reports),
            "[0, 1]",
        )?;
        check(
            "peakTripsPerHour",
            self.peak_trips_per_hour,
            (0.0..=600.0).contains(&self.peak_trips_per_hour),
            "[0, 600]",
        )?;
        if let Some(q) = &self.earthquake {
            self.check_event("earthquake", q.at_s, "resetAfterMin", q.reset_after_min)?;
            check_share("earthquake.trippedShare", q.tripped_share)?;
        }
        if let Some(c) = &self.power_cut {
            self.check_event("powerCut", c.at_s, "restoreAfterMin", c.restore_after_min)?;
            check_share("powerCut.share", c.share)?;
            check_share("powerCut.withoutArdShare", c.without_ard_share)?;
        }
        if let Some(r) = &self.realism {
            r.validate()?;
        }
        for (i, (kind, rate)) in self.faults.per_lift_day.iter().enumerate() {
            check(
                &format!("faults.perLiftDay[{i}]"),
                *rate,
                (0.0..=1.0).contains(rate),
                "[0, 1]",
            )?;
            if self.faults.per_lift_day[..i].iter().any(|(k, _)| k == kind) {
                return Err(ConfigError::DuplicateFault(*kind));
            }
        }
        Ok(())
    }
}

impl Realism {
    /// Checks every setting.
    pub fn validate(&self) -> Result<(), ConfigError> {
        for (field, share) in [
            ("realism.loadOffsetShare", self.load_offset_share),
            (
                "realism.noOccupancySensorShare",
                self.no_occupancy_sensor_share,
            ),
            ("realism.relevelChance", self.relevel_chance),
            ("realism.nightParkingShare", self.night_parking_share),
            ("realism.parkingModeShare", self.parking_mode_share),
            ("realism.idleReportingShare", self.idle_reporting_share),
            ("realism.heartbeatOffShare", self.heartbeat_off_share),
            ("realism.alarmAsEventShare", self.alarm_as_event_share),
        ] {
            check_share(field, share)?;
        }
        check(
            "realism.loadOffsetMaxPercent",
            f64::from(self.load_offset_max_percent),
            self.load_offset_max_percent <= 20,
            "0..=20",
        )?;
        check(
            "realism.loadNoisePercent",
            self.load_noise_percent,
            (0.0..=5.0).contains(&self.load_noise_percent),
            "[0, 5]",
        )?;
        check(
            "realism.independentServicePerDay",
            self.independent_service_per_day,
            (0.0..=24.0).contains(&self.independent_service_per_day),
            "[0, 24]",
        )?;
        check(
            "realism.idleStatusMs",
            f64::from(self.idle_status_ms),
            (1_000..=600_000).contains(&self.idle_status_ms),
            "1000..=600000",
        )?;
        check(
            "realism.jitterMs",
            f64::from(self.jitter_ms),
            self.jitter_ms <= 2_000,
            "0..=2000",
        )
    }
}
