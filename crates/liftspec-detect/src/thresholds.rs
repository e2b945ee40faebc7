//! Detection thresholds as data: every number has a documented default and names its source,
//! which each detection repeats in its explanation. A city changes the values, not the code.

/// Where a threshold comes from.
pub type Source = &'static str;

/// EN 81-20:2014 5.6.2.2.1.1 a): the overspeed governor trips at no less than 115 % of rated
/// speed, so a car above that is in overspeed.
pub const SOURCE_OVERSPEED: Source =
    "EN 81-20 5.6.2.2.1.1 a) (governor tripping ≥ 115 % of rated speed)";
/// EN 81-20:2014 5.6.7: unintended car movement away from a landing with the door open.
pub const SOURCE_UCM: Source = "EN 81-20 5.6.7 (unintended car movement); GB/T 24476 code 05; re-levelling with doors open excepted (EN 81-20 5.12.1.4: in the door zone, ≤ 0.3 m/s, ≤ 200 mm)";
/// EN 81-20:2014 5.9.2.7: the motor run-time limiter trips at the smaller of 45 s and the time
/// to travel the whole travel plus 10 s (minimum 20 s).
pub const SOURCE_RUN_TIME: Source =
    "EN 81-20 5.9.2.7 (run-time limiter: min(45 s, full travel + 10 s), at least 20 s; not in inspection operation)";
/// GB/T 24476 fault code 04: car stopped outside the unlocking zone.
pub const SOURCE_DOOR_ZONE: Source = "GB/T 24476 code 04 (car stopped outside the unlocking zone)";
/// GB/T 24476 code 08: a fault that prevents a restart; here, a run that ends out of service.
pub const SOURCE_EMERGENCY_STOP: Source =
    "GB/T 24476 code 08 (fault preventing restart): a run ending out of service";
/// GB/T 24476 regional codes 09/10: overtravel at the top or bottom (final limit switch).
pub const SOURCE_OVERTRAVEL: Source =
    "GB/T 24476 codes 09/10 (overtravel top/bottom, final limit switch)";
/// Trapped passengers (code 11) have no national time threshold: liftspec's default.
pub const SOURCE_TRAPPED: Source =
    "GB/T 24476 code 11 (trapped passengers); time threshold, occupancy deadbands (load ≤ 8 % empty; over a sensor's 'nobody' only > 25 %) and 10 s episode hysteresis: liftspec defaults; an alarm press from a stopped, closed car is evidence (EN 81-28)";
/// Door faults (codes 02/03); counts and times are liftspec's defaults.
pub const SOURCE_DOOR: Source =
    "GB/T 24476 codes 02/03 (door closing/opening fault; an opening fault only after an arrival with no door cycle, so a parked car is none); thresholds: liftspec default";
/// Mains power (GB/T 24476 status field and event 41).
pub const SOURCE_POWER: Source = "GB/T 24476 status 'mains power' and event 41";
/// Communication loss: liftspec's default of two missed heartbeats plus a minute.
pub const SOURCE_SILENCE: Source =
    "Hangzhou Reg. Art. 15 (real-time transmission); threshold: liftspec default (two heartbeat periods plus a minute, at least 11 min; a day without heartbeats)";
/// EN 81-28:2022 alarm filtering.
pub const SOURCE_ALARM_FILTER: Source =
    "EN 81-28 4.1 (alarm filtering: car at a landing with the door open, or running normally)";
/// Floor position: a position that jumps further than the car could travel.
pub const SOURCE_POSITION: Source =
    "GB/T 24476 code 07 (floor position lost); kinematic check: liftspec default";
/// Maintenance data must be true (implementation opinions item 7); records unchangeable once
/// saved and at least every 15 days (TSG T5002-2017; State Council Special Equipment Reg. Art. 31).
pub const SOURCE_MAINTENANCE: Source =
    "Opinions item 7 (true maintenance data); State Council Special Equipment Reg. Art. 31 ¶2 (at least every 15 days)";
/// The alarm's periodic test call: EN 81-28 (an automatic test call at least every 72 h) [std];
/// the use unit keeps the alarm and voice call effective (Hangzhou Reg. Art. 20(3)), checked at
/// inspection (implementation opinions item 8).
pub const SOURCE_TEST_CALL: Source = "EN 81-28 (automatic test call at least every 72 h); Hangzhou Reg. Art. 20(3) (the emergency alarm and the voice call kept effective); opinions item 8";
/// The stop-use duty: Hangzhou Reg. Art. 28(4) (a fault not cleared at once: written solution,
/// stop use until cleared) and Art. 20(9) (stop use until a hidden danger is removed).
pub const SOURCE_STOP_USE: Source =
    "Hangzhou Reg. Art. 28(4) and Art. 20(9) (stop using the lift until the fault is cleared)";
/// Occupancy from a load cell and an occupancy sensor combined: both deadbands are liftspec's
/// defaults (a load cell's zero drifts by a few per cent; one passenger is 5–8 % of a 1,000–
/// 1,600 kg car).
pub const SOURCE_OCCUPANCY: Source =
    "occupancy: load cell and occupancy sensor combined; deadbands: liftspec default";
/// EN 81-20:2014 5.12.1.4: levelling and re-levelling with the doors open are permitted within
/// the unlocking zone (5.3.8.1: at most 0.20 m from the landing), re-levelling at no more than
/// 0.3 m/s [recall: the text of EN 81-20 is not in ../shared/reference].
pub const SOURCE_RELEVEL: Source = "EN 81-20 5.12.1.4 (re-levelling with doors open in the unlocking zone, ≤ 0.3 m/s) and 5.3.8.1 (unlocking zone ≤ 0.20 m)";
/// EN 81-20:2014 5.9.2.7: the run-time limiter does not act in inspection operation or
/// emergency electrical operation \[recall\].
pub const SOURCE_RUN_TIME_INSPECTION: Source =
    "EN 81-20 5.9.2.7 (the run-time limiter does not act in inspection operation)";
/// Episodes: a condition must be gone this long before its detection clears (hysteresis),
/// liftspec default.
pub const SOURCE_EPISODE: Source = "episode hysteresis: liftspec default";

/// The controller's own report.
pub const SOURCE_CONTROLLER: Source = "controller report (GB/T 24476 clause 11 event)";

/// The detector's thresholds. `Default` is liftspec's Hangzhou default.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Thresholds {
    /// Overspeed above this share of rated speed ([`SOURCE_OVERSPEED`]): 1.15.
    pub overspeed_ratio: f64,
    /// Trapped: car stopped with people inside and doors closed for this long, ms
    /// ([`SOURCE_TRAPPED`]): 30,000.
    pub trapped_after_ms: i64,
    /// Run-time limit ceiling, ms ([`SOURCE_RUN_TIME`]): 45,000.
    pub run_time_max_ms: i64,
    /// Run-time limit margin over full-travel time, ms ([`SOURCE_RUN_TIME`]): 10,000.
    pub run_time_margin_ms: i64,
    /// Run-time limit floor, ms ([`SOURCE_RUN_TIME`]): 20,000.
    pub run_time_min_ms: i64,
    /// Reopens in one door cycle that make a closing fault ([`SOURCE_DOOR`]): 5.
    pub door_reopens: u8,
    /// A stopped, empty car in the zone, doors shut, out of service this long is a door opening
    /// fault, ms ([`SOURCE_DOOR`]): 5,000.
    pub door_opening_after_ms: i64,
    /// Door held open this long in normal service, ms ([`SOURCE_DOOR`]): 120,000.
    pub door_held_open_ms: i64,
    /// Position slack beyond a terminal landing before it counts as overtravel, mm
    /// ([`SOURCE_OVERTRAVEL`]): 150.
    pub overtravel_mm: i32,
    /// Kinematic slack for position jumps, mm ([`SOURCE_POSITION`]): 400.
    pub position_slack_mm: f64,
    /// Silence longer than this is a communication loss, ms ([`SOURCE_SILENCE`]): 660,000
    /// (two 5-minute heartbeats plus a minute).
    pub silence_ms: i64,
    /// A device clock further off than this is drifting, ms: 60,000.
    pub clock_drift_ms: i64,
    /// The maintenance interval ([`SOURCE_MAINTENANCE`]): 15 days (State Council Reg. Art. 31
    /// ¶2), relaxed where on-demand maintenance applies (Ningbo Reg. Art. 31).
    pub maintenance_interval: liftspec_model::record::MaintenanceInterval,
    /// Longest wait for the alarm's next test call, ms ([`SOURCE_TEST_CALL`]): 72 h (EN 81-28).
    pub test_call_within_ms: i64,
    /// A load at or below this reads as an empty car when the terminal has no occupancy
    /// sensor, percent ([`SOURCE_OCCUPANCY`]): 8 (liftspec default).
    pub empty_load_percent: u8,
    /// When the occupancy sensor says nobody, the load must exceed this to count as people
    /// (a failed sensor), percent ([`SOURCE_OCCUPANCY`]): 25 (liftspec default).
    pub load_over_sensor_percent: u8,
    /// Fastest re-levelling with the doors open, mm/s ([`SOURCE_RELEVEL`]): 300.
    pub relevel_max_speed_mm_s: u32,
    /// Farthest a re-levelling car may move from where it stopped, mm ([`SOURCE_RELEVEL`]):
    /// 200 (the unlocking zone).
    pub relevel_max_travel_mm: u32,
    /// A trapped episode ends only when its condition has been gone this long, ms
    /// ([`SOURCE_EPISODE`]): 10,000 (liftspec default).
    pub episode_clear_ms: i64,
    /// Gaps between inspection-mode spans up to this long count as part of one maintenance
    /// visit (test runs, stops), ms ([`SOURCE_MAINTENANCE`]): 900,000 (15 min, liftspec
    /// default).
    pub visit_gap_ms: i64,
    /// Silence longer than this is a communication loss for a terminal with heartbeats
    /// switched off (declared in its Register, or none seen in its first `silence_ms` of
    /// traffic), ms ([`SOURCE_SILENCE`]): 86,400,000 (a day, liftspec default).
    pub silence_without_heartbeat_ms: i64,
    /// A maintenance session whose telemetry has not caught up with its end is judged this
    /// long after it arrived, ms ([`SOURCE_MAINTENANCE`]): 900,000 (liftspec default).
    pub verdict_after_ms: i64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            overspeed_ratio: 1.15,
            trapped_after_ms: 30_000,
            run_time_max_ms: 45_000,
            run_time_margin_ms: 10_000,
            run_time_min_ms: 20_000,
            door_reopens: 5,
            door_opening_after_ms: 5_000,
            door_held_open_ms: 120_000,
            overtravel_mm: 150,
            position_slack_mm: 400.0,
            silence_ms: 660_000,
            clock_drift_ms: 60_000,
            maintenance_interval: liftspec_model::record::MaintenanceInterval::default(),
            test_call_within_ms: 72 * 3_600_000,
            empty_load_percent: 8,
            load_over_sensor_percent: 25,
            relevel_max_speed_mm_s: 300,
            relevel_max_travel_mm: 200,
            episode_clear_ms: 10_000,
            visit_gap_ms: 900_000,
            silence_without_heartbeat_ms: 86_400_000,
            verdict_after_ms: 900_000,
        }
    }
}

/// Why thresholds are unusable.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{field}: {value} is outside {allowed}")]
pub struct ThresholdError {
    /// The threshold.
    pub field: &'static str,
    /// Its value.
    pub value: f64,
    /// What is allowed.
    pub allowed: &'static str,
}

impl ThresholdError {
    /// A stable, machine-readable code.
    pub const fn code(&self) -> &'static str {
        "detect.threshold"
    }
}

impl Thresholds {
    /// Checks every value.
    pub fn validate(&self) -> Result<(), ThresholdError> {
        let checks: [(&'static str, f64, bool, &'static str); 12] = [
            (
                "overspeedRatio",
                self.overspeed_ratio,
                (1.0..=2.0).contains(&self.overspeed_ratio),
                "[1, 2]",
            ),
            (
                "trappedAfterMs",
                self.trapped_after_ms as f64,
                self.trapped_after_ms > 0,
                "> 0",
            ),
            (
                "runTimeMaxMs",
                self.run_time_max_ms as f64,
                self.run_time_max_ms >= self.run_time_min_ms,
                "≥ runTimeMinMs",
            ),
            (
                "doorReopens",
                f64::from(self.door_reopens),
                self.door_reopens >= 1,
                "≥ 1",
            ),
            (
                "doorHeldOpenMs",
                self.door_held_open_ms as f64,
                self.door_held_open_ms > 0,
                "> 0",
            ),
            (
                "positionSlackMm",
                self.position_slack_mm,
                self.position_slack_mm >= 0.0,
                "≥ 0",
            ),
            (
                "silenceMs",
                self.silence_ms as f64,
                self.silence_ms > 0,
                "> 0",
            ),
            (
                "loadOverSensorPercent",
                f64::from(self.load_over_sensor_percent),
                self.load_over_sensor_percent >= self.empty_load_percent,
                "≥ emptyLoadPercent",
            ),
            (
                "episodeClearMs",
                self.episode_clear_ms as f64,
                self.episode_clear_ms >= 0,
                "≥ 0",
            ),
            (
                "visitGapMs",
                self.visit_gap_ms as f64,
                self.visit_gap_ms >= 0,
                "≥ 0",
            ),
            (
                "silenceWithoutHeartbeatMs",
                self.silence_without_heartbeat_ms as f64,
                self.silence_without_heartbeat_ms >= self.silence_ms,
                "≥ silenceMs",
            ),
            (
                "verdictAfterMs",
                self.verdict_after_ms as f64,
                self.verdict_after_ms >= 0,
                "≥ 0",
            ),
        ];
        for (field, value, ok, allowed) in checks {
            if !ok {
                return Err(ThresholdError {
                    field,
                    value,
                    allowed,
                });
            }
        }
        Ok(())
    }
}
