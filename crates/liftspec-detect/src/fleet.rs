//! Fleet statistics and early warning: fault counts per lift, maintenance unit, manufacturer
//! and month; fault rates per lift-year; the high-fault-rate flag that feeds risk assessment
//! (Hangzhou Reg. Art. 32(4)); and trend warnings — CUSUM over daily fault counts and an EWMA of
//! door-cycle times (door health).

use std::collections::BTreeMap;

use liftspec_model::time::Timestamp;

use crate::detection::{DetectedKind, Severity};

/// The high-fault-rate rule: at least `min_faults` counted faults in one calendar month.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HighFaultRatePolicy {
    /// Faults in a month that make a high fault rate: 3 (liftspec's documented default).
    pub min_faults: u32,
    /// The clause it serves.
    pub source: String,
}

impl Default for HighFaultRatePolicy {
    fn default() -> Self {
        Self {
            min_faults: 3,
            source: "Hangzhou Reg. Art. 32(4) (high fault rate affecting use); threshold: liftspec default ≥ 3 per month".into(),
        }
    }
}

/// Whether a detection counts as a fault for the statistics: equipment faults, not
/// communication, clock, false alarms or paperwork.
pub fn counts_as_fault(kind: DetectedKind) -> bool {
    !matches!(
        kind,
        DetectedKind::CommunicationLoss
            | DetectedKind::ClockDrift
            | DetectedKind::ProbableFalseAlarm
            | DetectedKind::UncorroboratedMaintenance
            | DetectedKind::DoorHeldOpen
    )
}

/// A calendar month (UTC+8), e.g. 2026-11.
pub type Month = (i32, u32);

/// The month of a time, in China Standard Time.
pub fn month_of(t: Timestamp) -> Month {
    use chrono::Datelike;
    t.local_date().map_or((1970, 1), |d| (d.year(), d.month()))
}

/// Where a lift belongs, for grouping.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiftGroup {
    /// Maintenance unit (index or key chosen by the platform).
    pub maintenance_unit: u32,
    /// Manufacturer.
    pub manufacturer: u32,
    /// Model.
    pub model: String,
}

/// A high-fault-rate flag with its evidence.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HighFaultRate {
    /// The lift.
    pub lift: u32,
    /// The month.
    pub month: Month,
    /// Faults counted.
    pub faults: u32,
    /// Kinds seen that month.
    pub kinds: Vec<DetectedKind>,
    /// The rule's clause and threshold.
    pub source: String,
}

/// How long after a lift's last counted detection a new one still belongs to the same fault
/// episode, ms: 30 minutes (liftspec default). One entrapment raises trapped, stopped outside
/// the zone and an emergency stop together, and a terminal may flap: that is one fault.
pub const EPISODE_GAP_MS: i64 = 30 * 60_000;

/// Fault counts of a fleet, in episodes: detections of one lift no more than the episode gap
/// apart are one fault ([`EPISODE_GAP_MS`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FaultTally {
    /// Per lift and month (of the episode's start): each episode's kinds.
    by_lift_month: BTreeMap<(u32, Month), Vec<Vec<DetectedKind>>>,
    groups: BTreeMap<u32, LiftGroup>,
    /// Per lift: the time of its last counted detection and the month its episode is in.
    last_fault: BTreeMap<u32, (i64, Month)>,
    episode_gap_ms: i64,
}

impl Default for FaultTally {
    fn default() -> Self {
        Self::with_episode_gap(EPISODE_GAP_MS)
    }
}

impl FaultTally {
    /// An empty tally with the default episode gap.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty tally whose episodes join detections up to `gap_ms` apart (0: every detection
    /// is its own fault).
    pub fn with_episode_gap(gap_ms: i64) -> Self {
        Self {
            by_lift_month: BTreeMap::new(),
            groups: BTreeMap::new(),
            last_fault: BTreeMap::new(),
            episode_gap_ms: gap_ms.max(0),
        }
    }

    /// Declares which unit, manufacturer and model a lift belongs to.
    pub fn set_group(&mut self, lift: u32, group: LiftGroup) {
        self.groups.insert(lift, group);
    }

    /// Counts a raised detection (others are ignored): a new episode, or part of the lift's
    /// episode in progress when it comes within the episode gap of the last one.
    pub fn record(&mut self, lift: u32, kind: DetectedKind, at: Timestamp) {
        if !counts_as_fault(kind) {
            return;
        }
        let t = at.millis();
        let episodes_month = match self.last_fault.get(&lift) {
            Some((last, month))
                if t.saturating_sub(*last).unsigned_abs() <= self.episode_gap_ms.unsigned_abs() =>
            {
                *month
            }
            _ => {
                let month = month_of(at);
                self.by_lift_month
                    .entry((lift, month))
                    .or_default()
                    .push(Vec::new());
                month
            }
        };
        let last = self.last_fault.get(&lift).map_or(t, |(l, _)| (*l).max(t));
        self.last_fault.insert(lift, (last, episodes_month));
        if let Some(episode) = self
            .by_lift_month
            .get_mut(&(lift, episodes_month))
            .and_then(|e| e.last_mut())
        {
            if !episode.contains(&kind) {
                episode.push(kind);
            }
        }
    }

    /// Fault episodes of `lift` in `month`.
    pub fn count(&self, lift: u32, month: Month) -> u32 {
        self.by_lift_month
            .get(&(lift, month))
            .map_or(0, |e| e.len() as u32)
    }

    /// Every lift-month at or above the policy, with its evidence.
    pub fn high_fault_rates(&self, policy: &HighFaultRatePolicy) -> Vec<HighFaultRate> {
        self.by_lift_month
            .iter()
            .filter(|(_, episodes)| episodes.len() as u32 >= policy.min_faults)
            .map(|((lift, month), episodes)| HighFaultRate {
                lift: *lift,
                month: *month,
                faults: episodes.len() as u32,
                kinds: episodes.iter().flatten().copied().collect(),
                source: policy.source.clone(),
            })
            .collect()
    }

    /// Faults per lift-year for each maintenance unit, given how many lifts it maintains and
    /// over how many days the tally ran.
    pub fn rate_per_unit(
        &self,
        lifts_per_unit: &BTreeMap<u32, u32>,
        days: f64,
    ) -> BTreeMap<u32, f64> {
        self.rate_by(|g| g.maintenance_unit, lifts_per_unit, days)
    }

    /// Faults per lift-year for each manufacturer.
    pub fn rate_per_manufacturer(
        &self,
        lifts_per_manufacturer: &BTreeMap<u32, u32>,
        days: f64,
    ) -> BTreeMap<u32, f64> {
        self.rate_by(|g| g.manufacturer, lifts_per_manufacturer, days)
    }

    /// Faults per lift-year for each model (procurement compares models, opinions item 13).
    pub fn rate_per_model(
        &self,
        lifts_per_model: &BTreeMap<String, u32>,
        days: f64,
    ) -> BTreeMap<String, f64> {
        self.rate_by(|g| g.model.clone(), lifts_per_model, days)
    }

    fn rate_by<K: Ord + Clone>(
        &self,
        key: impl Fn(&LiftGroup) -> K,
        lifts: &BTreeMap<K, u32>,
        days: f64,
    ) -> BTreeMap<K, f64> {
        let mut faults: BTreeMap<K, u64> = BTreeMap::new();
        for ((lift, _), episodes) in &self.by_lift_month {
            if let Some(g) = self.groups.get(lift) {
                *faults.entry(key(g)).or_default() += episodes.len() as u64;
            }
        }
        lifts
            .iter()
            .map(|(k, n)| {
                let lift_years = f64::from(*n) * days / 365.0;
                let f = faults.get(k).copied().unwrap_or(0) as f64;
                (
                    k.clone(),
                    if lift_years > 0.0 {
                        f / lift_years
                    } else {
                        0.0
                    },
                )
            })
            .collect()
    }
}

/// A trend warning: which lift, what trend, and the evidence.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrendWarning {
    /// The lift.
    pub lift: u32,
    /// What is trending.
    pub trend: String,
    /// When it crossed.
    pub at: Timestamp,
    /// The statistic and its baseline.
    pub value: f64,
    /// The baseline it is compared with.
    pub baseline: f64,
    /// Severity.
    pub severity: Severity,
    /// The rule.
    pub source: String,
}

/// A one-sided CUSUM over daily counts: warns when counts run persistently above the expected
/// mean (Page 1954; `k` is the slack, `h` the decision interval).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cusum {
    /// Expected daily count.
    pub mean: f64,
    /// Slack per day (half the shift to detect): 0.5.
    pub k: f64,
    /// Decision interval: 4.
    pub h: f64,
    /// Current statistic.
    pub s: f64,
}

impl Cusum {
    /// A CUSUM expecting `mean` per day, with liftspec's defaults k = 0.5, h = 4.
    pub fn new(mean: f64) -> Self {
        Self {
            mean,
            k: 0.5,
            h: 4.0,
            s: 0.0,
        }
    }

    /// Adds one day's count; true when the statistic crosses the decision interval (then
    /// resets).
    pub fn add(&mut self, count: f64) -> bool {
        self.s = (self.s + count - self.mean - self.k).max(0.0);
        if self.s > self.h {
            self.s = 0.0;
            true
        } else {
            false
        }
    }
}

/// A lift's daily fault counts watched by a [`Cusum`]: warns, naming the lift and the evidence,
/// when faults run persistently above the lift's expected rate.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultTrend {
    /// The statistic.
    pub cusum: Cusum,
}

impl FaultTrend {
    /// A monitor expecting `faults_per_day` on this lift.
    pub fn new(faults_per_day: f64) -> Self {
        Self {
            cusum: Cusum::new(faults_per_day),
        }
    }

    /// Adds one day's fault count; a warning when the trend crosses.
    pub fn add_day(&mut self, lift: u32, day: Timestamp, faults: u32) -> Option<TrendWarning> {
        let before = self.cusum.s + f64::from(faults) - self.cusum.mean - self.cusum.k;
        self.cusum.add(f64::from(faults)).then(|| TrendWarning {
            lift,
            trend: "daily fault count rising (CUSUM)".into(),
            at: day,
            value: before,
            baseline: self.cusum.mean,
            severity: Severity::Warning,
            source: "CUSUM (Page 1954), k 0.5, h 4 over daily faults; liftspec default".into(),
        })
    }
}

/// Door health: an EWMA of door-cycle time (opening + closing) against the baseline of the
/// first cycles seen; warns when it degrades by `ratio` (liftspec default 1.25).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DoorHealth {
    baseline: f64,
    samples: u32,
    ewma: f64,
    warned: bool,
    /// Smoothing: 0.05.
    pub alpha: f64,
    /// Degradation ratio that warns: 1.25.
    pub ratio: f64,
    /// Cycles that form the baseline: 50.
    pub baseline_cycles: u32,
}

impl Default for DoorHealth {
    fn default() -> Self {
        Self {
            baseline: 0.0,
            samples: 0,
            ewma: 0.0,
            warned: false,
            alpha: 0.05,
            ratio: 1.25,
            baseline_cycles: 50,
        }
    }
}

impl DoorHealth {
    /// Adds a cycle's opening + closing time (ms); returns a warning the first time the EWMA
    /// exceeds the baseline by the ratio.
    pub fn add(&mut self, lift: u32, at: Timestamp, cycle_ms: f64) -> Option<TrendWarning> {
        self.samples += 1;
        if self.samples <= self.baseline_cycles {
            self.baseline += (cycle_ms - self.baseline) / f64::from(self.samples);
            self.ewma = self.baseline;
            return None;
        }
        self.ewma += self.alpha * (cycle_ms - self.ewma);
        if !self.warned && self.ewma > self.baseline * self.ratio {
            self.warned = true;
            return Some(TrendWarning {
                lift,
                trend: "door cycle time (opening + closing) rising".into(),
                at,
                value: self.ewma,
                baseline: self.baseline,
                severity: Severity::Warning,
                source:
                    "door health: EWMA (α 0.05) over 1.25 × the first 50 cycles; liftspec default"
                        .into(),
            });
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(day: i64) -> Timestamp {
        // 2026-11-01 00:00 +08:00 plus days.
        Timestamp::from_millis(1_793_462_400_000 + day * 86_400_000)
    }

    #[test]
    fn three_faults_in_a_month_flag_a_high_fault_rate_two_do_not() {
        let mut tally = FaultTally::new();
        tally.record(1, DetectedKind::DoorClosingFault, t(1));
        tally.record(1, DetectedKind::Overspeed, t(10));
        tally.record(2, DetectedKind::DoorClosingFault, t(1));
        tally.record(2, DetectedKind::DoorClosingFault, t(2));
        tally.record(2, DetectedKind::ProbableFalseAlarm, t(3)); // not a fault
        assert!(tally
            .high_fault_rates(&HighFaultRatePolicy::default())
            .is_empty());
        tally.record(1, DetectedKind::TrappedAtLanding, t(20));
        let flags = tally.high_fault_rates(&HighFaultRatePolicy::default());
        assert_eq!(flags.len(), 1);
        assert_eq!(
            (flags[0].lift, flags[0].month, flags[0].faults),
            (1, (2026, 11), 3)
        );
        assert!(flags[0].source.contains("Art. 32"));
        // The next month starts afresh.
        tally.record(1, DetectedKind::Overspeed, t(31));
        assert_eq!(tally.count(1, (2026, 12)), 1);
    }

    /// One entrapment raises several kinds, and a flapping terminal re-raises them: one
    /// episode, so it cannot trip the high-fault-rate flag on its own.
    #[test]
    fn one_entrapment_is_one_fault_episode_whatever_it_raised() {
        let min = 60_000;
        let at = |ms: i64| Timestamp::from_millis(t(5).millis() + ms);
        let mut tally = FaultTally::new();
        tally.record(7, DetectedKind::EmergencyStop, at(0));
        tally.record(7, DetectedKind::StoppedOutsideDoorZone, at(0));
        for k in 0..370 {
            tally.record(7, DetectedKind::TrappedBetweenFloors, at(k * 2_000));
        }
        assert_eq!(tally.count(7, (2026, 11)), 1);
        assert!(tally
            .high_fault_rates(&HighFaultRatePolicy::default())
            .is_empty());
        // The gap at its limit joins; a millisecond more starts a new episode.
        let last = 369 * 2_000;
        tally.record(7, DetectedKind::DoorClosingFault, at(last + 30 * min));
        assert_eq!(tally.count(7, (2026, 11)), 1);
        tally.record(7, DetectedKind::DoorClosingFault, at(last + 60 * min + 1));
        assert_eq!(tally.count(7, (2026, 11)), 2);
        // With no gap every detection counts.
        let mut each = FaultTally::with_episode_gap(0);
        each.record(7, DetectedKind::EmergencyStop, at(0));
        each.record(7, DetectedKind::TrappedBetweenFloors, at(1));
        assert_eq!(each.count(7, (2026, 11)), 2);
    }

    #[test]
    fn rates_are_per_lift_year_by_unit_and_manufacturer() {
        let mut tally = FaultTally::new();
        for lift in 0..4 {
            tally.set_group(
                lift,
                LiftGroup {
                    maintenance_unit: lift % 2,
                    manufacturer: 7,
                    model: "X".into(),
                },
            );
        }
        // Six faults on six days (one day's repeats would be one episode).
        for day in 0..6 {
            tally.record(0, DetectedKind::DoorClosingFault, t(day));
        }
        let units = BTreeMap::from([(0, 2), (1, 2)]);
        let rates = tally.rate_per_unit(&units, 365.0);
        assert_eq!(rates[&0], 3.0);
        assert_eq!(rates[&1], 0.0);
        assert_eq!(
            tally.rate_per_manufacturer(&BTreeMap::from([(7, 4)]), 365.0)[&7],
            1.5
        );
    }

    #[test]
    fn cusum_ignores_noise_and_catches_a_shift() {
        let mut c = Cusum::new(0.2);
        let noise = [0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0];
        assert!(!noise.iter().any(|x| c.add(*x)));
        let shifted = [2.0, 2.0, 3.0, 2.0];
        assert!(shifted.iter().any(|x| c.add(*x)));
    }

    #[test]
    fn a_fault_trend_names_the_lift_when_faults_keep_coming() {
        let mut trend = FaultTrend::new(0.1);
        let warnings: Vec<_> = [0, 1, 0, 0, 2, 2, 3, 2]
            .iter()
            .enumerate()
            .filter_map(|(d, n)| trend.add_day(42, t(d as i64), *n))
            .collect();
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].lift, 42);
        assert!(warnings[0].value > 4.0);
    }

    #[test]
    fn rates_per_model() {
        let mut tally = FaultTally::new();
        tally.set_group(
            1,
            LiftGroup {
                maintenance_unit: 0,
                manufacturer: 0,
                model: "MRL-1000".into(),
            },
        );
        tally.record(1, DetectedKind::Overspeed, t(0));
        let rates = tally.rate_per_model(&BTreeMap::from([("MRL-1000".to_string(), 2)]), 182.5);
        assert_eq!(rates["MRL-1000"], 1.0);
    }

    #[test]
    fn door_health_warns_once_when_cycles_slow_down() {
        let mut d = DoorHealth::default();
        for i in 0..50 {
            assert!(d.add(1, t(0), 5400.0 + f64::from(i % 3) * 10.0).is_none());
        }
        for _ in 0..30 {
            assert!(
                d.add(1, t(1), 5500.0).is_none(),
                "a small drift is not degradation"
            );
        }
        let warnings: Vec<_> = (0..200).filter_map(|_| d.add(1, t(2), 7500.0)).collect();
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].value > warnings[0].baseline * 1.25);
    }
}
