//! Scoring the detectors against the simulator's ground truth, shared by the accuracy test and
//! the `accuracy` example that prints the README table.
#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeMap;

use liftspec_detect::detection::{DetectedKind, Detection, Severity};
use liftspec_detect::lift::{LiftDetector, LiftProfile};
use liftspec_detect::thresholds::Thresholds;
use liftspec_model::time::Timestamp;
use liftspec_protocol::wire;
use liftspec_sim::config::SimConfig;
use liftspec_sim::fault::{FaultKind, GroundTruth};
use liftspec_sim::stream::Simulation;

/// The documented scenario: 500 lifts, six hours from 07:00 on a weekday, faults 800 times
/// the default rates so that every kind occurs, the controller reporting 70 % of faults itself.
pub fn scenario() -> SimConfig {
    let d = SimConfig::default();
    SimConfig {
        seed: 2027,
        lifts: 500,
        duration_s: 6 * 3600,
        faults: d.faults.scaled(800.0),
        ..d
    }
}

/// The realistic scenario: the same kinds of fault at the same rates, on a fleet that behaves
/// as real ones do ([`liftspec_sim::config::Realism::typical`]): 400 lifts for 12 hours from
/// 20:00, so that night parking, quiet terminals and the morning peak are all in it.
pub fn realistic() -> SimConfig {
    let d = SimConfig::default();
    SimConfig {
        seed: 2028,
        lifts: 400,
        // 2026-12-03 20:00 Asia/Shanghai.
        start: liftspec_model::time::Timestamp::from_millis(1_796_299_200_000),
        duration_s: 12 * 3600,
        faults: d.faults.scaled(800.0),
        realism: Some(liftspec_sim::config::Realism::typical()),
        ..d
    }
}

/// The realistic fleet in normal service: no fault injected, so every detection at all is a
/// false alert. 400 lifts for a day from 20:00: 9,600 lift-hours.
pub fn realistic_normal() -> SimConfig {
    let d = SimConfig::default();
    SimConfig {
        seed: 2029,
        duration_s: 24 * 3600,
        faults: d.faults.scaled(0.0),
        ..realistic()
    }
}

/// The detections that correctly report a truth kind: its own kind first, then what the same
/// event also shows (an emergency stop leaves the car outside the door zone, and passengers in
/// it are trapped).
pub fn compatible(kind: FaultKind) -> &'static [DetectedKind] {
    use DetectedKind as D;
    const STOP: [D; 4] = [
        D::StoppedOutsideDoorZone,
        D::TrappedBetweenFloors,
        D::TrappedAtLanding,
        D::EmergencyStop,
    ];
    match kind {
        // A car held at a landing with its doors shut is also a door opening fault (a single
        // light passenger can be inside the load deadband of a terminal with no occupancy
        // sensor: the alarm then tells).
        FaultKind::TrappedAtLanding => &[D::TrappedAtLanding, D::DoorOpeningFault],
        FaultKind::TrappedBetweenFloors => &[
            D::TrappedBetweenFloors,
            D::StoppedOutsideDoorZone,
            D::EmergencyStop,
        ],
        FaultKind::StopOutsideDoorZone => &[D::StoppedOutsideDoorZone, D::EmergencyStop],
        // Creeping off the top or bottom landing also overtravels.
        FaultKind::MovingWithDoorOpen => &[
            D::MovingWithDoorOpen,
            D::StoppedOutsideDoorZone,
            D::OvertravelTop,
            D::OvertravelBottom,
        ],
        FaultKind::DoorOpenWhileRunning => {
            &[D::DoorOpenWhileRunning, STOP[0], STOP[1], STOP[2], STOP[3]]
        }
        FaultKind::Overspeed => &[
            D::Overspeed,
            D::SafetyCircuitOpen,
            STOP[0],
            STOP[1],
            STOP[2],
            STOP[3],
        ],
        FaultKind::OvertravelTop => &[D::OvertravelTop, STOP[0], STOP[1], STOP[2], STOP[3]],
        FaultKind::OvertravelBottom => &[D::OvertravelBottom, STOP[0], STOP[1], STOP[2], STOP[3]],
        FaultKind::DoorClosingFault => &[D::DoorClosingFault],
        FaultKind::DoorOpeningFault => &[D::DoorOpeningFault],
        FaultKind::FloorPositionLost => &[D::FloorPositionLost],
        FaultKind::SafetyCircuitOpen => &[D::SafetyCircuitOpen, STOP[0], STOP[1], STOP[2], STOP[3]],
        FaultKind::RunTimeLimiter => &[D::RunTimeout, STOP[0], STOP[1], STOP[2], STOP[3]],
        FaultKind::PowerFailure => &[D::PowerFailure],
        FaultKind::TerminalSilence => &[D::CommunicationLoss],
        FaultKind::FalseAlarm => &[D::ProbableFalseAlarm],
        FaultKind::FakeMaintenance => &[D::UncorroboratedMaintenance],
    }
}

/// Per-kind results.
#[derive(Debug, Default, Clone)]
pub struct Score {
    /// Per truth kind: injected, detected, latencies (ms), latencies of faults the controller
    /// did not report (found from telemetry alone).
    pub truths: BTreeMap<FaultKind, (u32, u32, Vec<i64>, Vec<i64>)>,
    pub detections: BTreeMap<DetectedKind, (u32, u32)>,
    pub frames: u64,
    /// Lift-hours simulated.
    pub lift_hours: f64,
    /// Faults no detector can see, per kind, left out of recall: a silence of a terminal with
    /// heartbeats switched off, shorter than the day its silence limit allows.
    pub censored: BTreeMap<FaultKind, u32>,
    pub unscored: BTreeMap<DetectedKind, u32>,
    /// Detections no truth explains: (lift, detection).
    pub unmatched: Vec<(u32, Detection)>,
    /// Clock drift, scored per lift against the terminals' true clock offsets: lifts whose
    /// clock is off by more than the threshold, those of them detected, ClockDrift
    /// detections, and those on a drifting lift.
    pub clock: ClockScore,
}

/// Clock-drift scoring: per lift, not per event (a drifting clock stays drifted).
#[derive(Debug, Default, Clone, Copy)]
pub struct ClockScore {
    pub drifting: u32,
    pub found: u32,
    pub detections: u32,
    pub correct: u32,
}

impl ClockScore {
    pub fn recall(&self) -> f64 {
        f64::from(self.found) / f64::from(self.drifting.max(1))
    }
    pub fn precision(&self) -> f64 {
        f64::from(self.correct) / f64::from(self.detections.max(1))
    }
}

impl Score {
    /// Raised detections no ground truth explains, at `min` severity or above, per 1,000
    /// lift-hours.
    pub fn false_alerts_per_1000_lift_hours(&self, min: Severity) -> f64 {
        let n = self
            .unmatched
            .iter()
            .filter(|(_, d)| d.severity >= min)
            .count();
        n as f64 * 1000.0 / self.lift_hours.max(1e-9)
    }

    pub fn recall(&self, kind: FaultKind) -> f64 {
        self.truths.get(&kind).map_or(1.0, |(n, hit, _, _)| {
            f64::from(*hit) / f64::from((*n).max(1))
        })
    }
    pub fn precision(&self, kind: DetectedKind) -> f64 {
        self.detections
            .get(&kind)
            .map_or(1.0, |(n, ok)| f64::from(*ok) / f64::from((*n).max(1)))
    }
    pub fn median_latency_s(&self, kind: FaultKind, telemetry_only: bool) -> Option<f64> {
        let t = self.truths.get(&kind)?;
        let mut l = if telemetry_only {
            t.3.clone()
        } else {
            t.2.clone()
        };
        if l.is_empty() {
            return None;
        }
        l.sort_unstable();
        Some(l[l.len() / 2] as f64 / 1000.0)
    }
}

/// Runs `config` through the detectors (decode, detect, a tick every 5 s) and scores them.
pub fn run(config: SimConfig) -> Score {
    let thresholds = Thresholds::default();
    let mut sim = Simulation::new(config.clone()).expect("a valid scenario");
    let city = sim.city().clone();
    let mut detectors: Vec<LiftDetector> = (0..city.lifts.len())
        .map(|i| {
            LiftDetector::new(LiftProfile::from_equipment(
                &city.equipment(i).expect("lift"),
            ))
        })
        .collect();
    let mut found: Vec<(u32, Detection)> = Vec::new();
    let mut out = Vec::new();
    let end = config.start.millis() + config.duration_s as i64 * 1000;
    let mut next_tick = config.start.millis();
    let mut frames = 0;
    let tick_until = |until: i64,
                      detectors: &mut Vec<LiftDetector>,
                      found: &mut Vec<(u32, Detection)>,
                      next_tick: &mut i64| {
        while *next_tick <= until {
            for (i, d) in detectors.iter_mut().enumerate() {
                let mut o = Vec::new();
                d.on_tick(Timestamp::from_millis(*next_tick), &thresholds, &mut o);
                found.extend(o.into_iter().map(|x| (i as u32, x)));
            }
            *next_tick += 5000;
        }
    };
    for frame in sim.by_ref() {
        frames += 1;
        tick_until(
            frame.at.millis(),
            &mut detectors,
            &mut found,
            &mut next_tick,
        );
        let envelope = wire::decode(&frame.bytes)
            .expect("simulated frames decode")
            .envelope;
        detectors[frame.lift as usize].on_envelope(&envelope, frame.at, &thresholds, &mut out);
        found.extend(out.drain(..).map(|d| (frame.lift, d)));
    }
    tick_until(end, &mut detectors, &mut found, &mut next_tick);
    let truth = sim.take_ground_truth();
    let unseen: Vec<bool> = (0..city.lifts.len())
        .map(|i| !sim.sends_heartbeats(i))
        .collect();
    let mut s = score(&truth, &found, end, frames, &unseen);
    s.lift_hours = f64::from(config.lifts) * config.duration_s as f64 / 3600.0;
    // Clock drift: the detector compares receipt with the device's send time, so a lift
    // drifts when its terminal's clock is further off than the threshold.
    let drifting: Vec<bool> = (0..city.lifts.len())
        .map(|i| {
            sim.clock_offset_ms(i)
                .is_some_and(|o| o.abs() > thresholds.clock_drift_ms)
        })
        .collect();
    let mut found_lifts = std::collections::BTreeSet::new();
    for (lift, _) in found
        .iter()
        .filter(|(_, d)| d.raised && d.kind == DetectedKind::ClockDrift)
    {
        s.clock.detections += 1;
        if drifting[*lift as usize] {
            s.clock.correct += 1;
            found_lifts.insert(*lift);
        }
    }
    s.clock.drifting = drifting.iter().filter(|d| **d).count() as u32;
    s.clock.found = found_lifts.len() as u32;
    if std::env::var_os("LIFTSPEC_DEBUG").is_some() {
        for (lift, d) in &s.unmatched {
            let near: Vec<_> = truth
                .iter()
                .filter(|t| t.lift == *lift)
                .map(|t| {
                    format!(
                        "{:?}@{}..{:?}",
                        t.kind,
                        t.start.millis(),
                        t.end.map(|e| e.millis())
                    )
                })
                .collect();
            eprintln!(
                "unmatched lift {lift} {:?} detected {} at {} {:?} near {near:?}",
                d.kind,
                d.detected_at.millis(),
                d.at.millis(),
                d.evidence
            );
        }
    }
    s
}

fn window(t: &GroundTruth, end: i64) -> (i64, i64) {
    (
        t.start.millis() - 1000,
        t.end.map_or(end, |e| e.millis()) + 180_000,
    )
}

/// Scores detections against the truth; `no_heartbeats[lift]` marks terminals whose silences
/// are censored (see [`Score::censored`]).
pub fn score(
    truth: &[GroundTruth],
    found: &[(u32, Detection)],
    end: i64,
    frames: u64,
    no_heartbeats: &[bool],
) -> Score {
    let mut s = Score {
        frames,
        ..Score::default()
    };
    let raised: Vec<&(u32, Detection)> = found.iter().filter(|(_, d)| d.raised).collect();
    for t in truth {
        let (lo, hi) = window(t, end);
        let kinds = compatible(t.kind);
        let hits: Vec<&Detection> = raised
            .iter()
            .filter(|(l, d)| *l == t.lift && kinds.contains(&d.kind))
            .map(|(_, d)| d)
            .filter(|d| (lo..=hi).contains(&d.detected_at.millis()))
            .collect();
        // A fault that starts in the last 15 minutes may not be detectable before the run ends
        // (a silence needs 11 minutes to be one): censored, not counted.
        if t.start.millis() > end - 15 * 60_000 {
            continue;
        }
        if t.kind == FaultKind::TerminalSilence
            && no_heartbeats.get(t.lift as usize).copied().unwrap_or(false)
            && hits.is_empty()
        {
            *s.censored.entry(t.kind).or_default() += 1;
            continue;
        }
        if hits.is_empty() && std::env::var_os("LIFTSPEC_DEBUG").is_some() {
            eprintln!(
                "missed {:?} lift {} at {}",
                t.kind,
                t.lift,
                t.start.millis()
            );
        }
        let entry = s.truths.entry(t.kind).or_default();
        entry.0 += 1;
        if !hits.is_empty() {
            entry.1 += 1;
            let first = hits
                .iter()
                .map(|d| d.detected_at.millis())
                .min()
                .unwrap_or(lo);
            let latency = (first - t.start.millis()).max(0);
            entry.2.push(latency);
            if !t.reported_by_controller {
                entry.3.push(latency);
            }
        }
    }
    for (lift, d) in &raised {
        if d.kind == DetectedKind::ClockDrift {
            // Scored per lift against the true clock offsets (`Score::clock`).
            continue;
        }
        if d.kind == DetectedKind::ControllerFault {
            *s.unscored.entry(d.kind).or_default() += 1;
            continue;
        }
        let ok = truth.iter().any(|t| {
            let (lo, hi) = window(t, end);
            t.lift == *lift
                && compatible(t.kind).contains(&d.kind)
                && (lo..=hi).contains(&d.detected_at.millis())
        });
        let entry = s.detections.entry(d.kind).or_default();
        entry.0 += 1;
        entry.1 += u32::from(ok);
        if !ok {
            s.unmatched.push((*lift, d.clone()));
        }
    }
    s
}

/// The Markdown table of a score.
pub fn table(s: &Score) -> String {
    let mut out = String::from("| fault (ground truth) | injected | recall | median latency | … from telemetry alone | detected as (count) | precision |\n|---|---|---|---|---|---|---|\n");
    let fmt = |l: Option<f64>| l.map_or("—".to_string(), |l| format!("{l:.1} s"));
    for kind in FaultKind::ALL {
        let (n, _, _, _) = s.truths.get(&kind).cloned().unwrap_or_default();
        let primary = compatible(kind)[0];
        let (dn, _) = s.detections.get(&primary).copied().unwrap_or_default();
        out.push_str(&format!(
            "| {kind:?} | {n} | {:.3} | {} | {} | {primary:?} ({dn}) | {:.3} |\n",
            s.recall(kind),
            fmt(s.median_latency_s(kind, false)),
            fmt(s.median_latency_s(kind, true)),
            s.precision(primary),
        ));
    }
    for (kind, n) in &s.censored {
        out.push_str(&format!(
            "| {kind:?} on terminals without heartbeats (censored: nothing to see within a day) | {n} | — | — | — | — | — |\n"
        ));
    }
    out.push_str(&format!(
        "| terminal clock > 60 s off (per lift) | {} | {:.3} | — | — | ClockDrift ({}) | {:.3} |\n",
        s.clock.drifting,
        s.clock.recall(),
        s.clock.detections,
        s.clock.precision(),
    ));
    out
}
