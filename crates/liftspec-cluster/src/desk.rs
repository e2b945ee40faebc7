//! A district's 96333 rescue desk, sans I/O: the rescue service over the district's lifts and
//! crews, fed detections in stream order, with the calls it made logged for its commit.
//!
//! A detection taken twice (a worker restarted between publishing and its checkpoint) is
//! dropped by its per-lift ordinal, so nothing is reported twice.
//!
//! ```
//! use liftspec_cluster::desk::{districts, DistrictDesk};
//! use liftspec_platform::{config::Setup, fleet::Fleet};
//! let setup = Setup::new(Fleet::default());
//! let all = districts(&setup.fleet);
//! assert!(all.is_empty());
//! let mut desk = DistrictDesk::new(&setup, 330106, &Default::default());
//! assert!(desk.seal(0).calls.is_empty());
//! ```

use std::collections::{BTreeMap, HashMap};

use liftspec_model::time::Timestamp;
use liftspec_platform::config::Setup;
use liftspec_platform::engine::RESCUE_TICK_MS;
use liftspec_platform::fleet::Fleet;
use liftspec_platform::pipeline::LiftDetection;
use liftspec_platform::rescue_log::RescueCall;
use liftspec_rescue::dispatch::CrewSite;
use liftspec_rescue::service::{LiftSite, ReportBy, RescueService};

use crate::message::PublishedDetection;

/// An incident as the rescue role stores it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct StoredIncident {
    /// The district.
    pub region: u32,
    /// The incident id.
    pub id: String,
    /// The lift.
    pub registration_code: String,
    /// When passengers were trapped, ms.
    pub trapped_since_ms: i64,
    /// When it was reported, ms.
    pub reported_at_ms: i64,
    /// Its stage.
    pub stage: String,
}

/// What a district's batch changed, to commit together.
#[derive(Debug, Default)]
pub struct RescueBatch {
    /// Calls made: (time ms, JSON), numbered on from `first`.
    pub calls: Vec<(i64, String)>,
    /// The number of the first call.
    pub first: u64,
    /// Lifts' detection ordinals taken.
    pub seen: Vec<(u32, u64)>,
    /// The incidents now.
    pub incidents: Vec<StoredIncident>,
    /// The stream position the batch includes.
    pub stream_seq: u64,
}

/// A district's share of the fleet: its lifts (rescue sites) and the crews stationed nearest to
/// its lifts.
#[derive(Debug, Clone, Default)]
pub struct District {
    /// Its lifts.
    pub sites: Vec<LiftSite>,
    /// Its crews.
    pub crews: Vec<CrewSite>,
}

/// The fleet by district (GB/T 2260 code). A crew belongs to the district of the lift nearest
/// to its station (liftspec's default; a registry that assigns crews to districts would say so).
pub fn districts(fleet: &Fleet) -> BTreeMap<u32, District> {
    let mut out: BTreeMap<u32, District> = BTreeMap::new();
    let sites = fleet.sites();
    let region_of: HashMap<String, u32> = fleet
        .lifts
        .iter()
        .map(|l| {
            (
                l.equipment.registration_code.to_string(),
                l.equipment.location.region_code,
            )
        })
        .collect();
    for s in &sites {
        if let Some(r) = region_of.get(s.registration_code.as_str()) {
            out.entry(*r).or_default().sites.push(s.clone());
        }
    }
    for c in &fleet.crews {
        let nearest = sites.iter().min_by(|a, b| {
            a.point
                .distance_m(c.point)
                .total_cmp(&b.point.distance_m(c.point))
        });
        if let Some(r) = nearest.and_then(|s| region_of.get(s.registration_code.as_str())) {
            out.entry(*r).or_default().crews.push(c.clone());
        }
    }
    out
}

/// A district's rescue service with its clock and what it has taken.
pub struct DistrictDesk {
    region: u32,
    service: RescueService,
    sites: Vec<LiftSite>,
    calls: u64,
    now_ms: i64,
    last_tick: i64,
    seen: HashMap<u32, u64>,
    batch: RescueBatch,
}

impl DistrictDesk {
    /// A fresh desk for `region`.
    pub fn new(setup: &Setup, region: u32, district: &District) -> Self {
        Self {
            region,
            service: RescueService::new(
                setup.rescue_policy.clone(),
                district.sites.clone(),
                district.crews.clone(),
            ),
            sites: district.sites.clone(),
            calls: 0,
            now_ms: i64::MIN,
            last_tick: i64::MIN,
            seen: HashMap::new(),
            batch: RescueBatch::default(),
        }
    }

    /// Makes a logged call again (at a start). An error means the log does not fit the fleet.
    pub fn replay(&mut self, at: i64, body: &str) -> Result<(), String> {
        let call: RescueCall = serde_json::from_str(body).map_err(|e| e.to_string())?;
        self.calls += 1;
        call.apply(&mut self.service, self.calls, Timestamp::from_millis(at))
            .map_err(|e| e.to_string())?;
        self.now_ms = self.now_ms.max(at);
        if call == RescueCall::Tick {
            self.last_tick = at;
        }
        Ok(())
    }

    /// Restores what it had taken of `lift`'s detections.
    pub fn seen(&mut self, lift: u32, ordinal: u64) {
        self.seen.insert(lift, ordinal);
    }

    /// Takes a detection: a repeat is dropped; a raised entrapment is reported to the service
    /// at its detection time (the frames' clock), and the service's timer runs every
    /// [`RESCUE_TICK_MS`] of that clock. Problems are returned to be reported.
    pub fn take(&mut self, d: PublishedDetection) -> Option<String> {
        let seen = self.seen.entry(d.lift).or_default();
        if d.ordinal <= *seen {
            return None;
        }
        *seen = d.ordinal;
        self.batch.seen.push((d.lift, d.ordinal));
        self.now_ms = self.now_ms.max(d.detection.detected_at.millis());
        let mut problem = None;
        let x = LiftDetection {
            lift: d.lift,
            detection: d.detection,
        };
        if x.is_entrapment() {
            let call = RescueCall::Report {
                by: ReportBy::Telemetry(d.registration_code.clone()),
                persons: 1,
                floor: x.detection.floor,
                since: Some(x.detection.at),
            };
            if let Err(e) = self.call(call) {
                problem = Some(format!(
                    "entrapment at {} not reported to the rescue service: {e}",
                    d.registration_code
                ));
            }
        }
        if self.now_ms.saturating_sub(self.last_tick) >= RESCUE_TICK_MS
            && self.service.incidents().iter().any(|i| i.stage.open())
        {
            self.last_tick = self.now_ms;
            let _ = self.call(RescueCall::Tick);
        }
        problem
    }

    fn call(&mut self, call: RescueCall) -> Result<(), liftspec_rescue::service::RescueError> {
        let at = Timestamp::from_millis(self.now_ms);
        call.apply(&mut self.service, self.calls + 1, at)?;
        self.calls += 1;
        if self.batch.calls.is_empty() {
            self.batch.first = self.calls;
        }
        self.batch.calls.push((
            self.now_ms,
            serde_json::to_string(&call).unwrap_or_default(),
        ));
        Ok(())
    }

    /// The incidents now.
    pub fn incidents(&self) -> Vec<StoredIncident> {
        self.service
            .incidents()
            .iter()
            .map(|i| StoredIncident {
                region: self.region,
                id: i.id.to_string(),
                registration_code: self
                    .sites
                    .get(i.lift as usize)
                    .map(|s| s.registration_code.to_string())
                    .unwrap_or_default(),
                trapped_since_ms: i.trapped_since.millis(),
                reported_at_ms: i.reported_at.millis(),
                stage: format!("{:?}", i.stage),
            })
            .collect()
    }

    /// Ends the batch: what to commit, up to stream position `stream_seq`.
    pub fn seal(&mut self, stream_seq: u64) -> RescueBatch {
        let mut b = std::mem::take(&mut self.batch);
        b.incidents = self.incidents();
        b.stream_seq = stream_seq;
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use liftspec_detect::detection::{DetectedKind, Detection, Severity};
    use liftspec_sim::city::City;
    use liftspec_sim::config::SimConfig;

    fn setup() -> Setup {
        let city = City::generate(&SimConfig {
            lifts: 40,
            ..SimConfig::default()
        })
        .unwrap();
        Setup::new(Fleet::of_city(&city))
    }

    fn trapped(fleet: &Fleet, lift: u32, ordinal: u64, at_s: i64) -> PublishedDetection {
        let l = &fleet.lifts[lift as usize];
        PublishedDetection {
            lift,
            ordinal,
            device: l.device.to_string(),
            registration_code: l.equipment.registration_code.to_string(),
            region_code: l.equipment.location.region_code,
            detection: Detection {
                kind: DetectedKind::TrappedBetweenFloors,
                raised: true,
                at: Timestamp::from_millis(at_s * 1000),
                detected_at: Timestamp::from_millis(at_s * 1000 + 30_000),
                floor: Some(3),
                code: None,
                bacnet: None,
                severity: Severity::Critical,
                evidence: Vec::new(),
                source: "test".into(),
            },
        }
    }

    #[test]
    fn a_detection_taken_twice_reports_once() {
        let setup = setup();
        let region = setup.fleet.lifts[0].equipment.location.region_code;
        let all = districts(&setup.fleet);
        let mut desk = DistrictDesk::new(&setup, region, &all[&region]);
        let d = trapped(&setup.fleet, 0, 1, 1_000);
        assert_eq!(desk.take(d.clone()), None);
        assert_eq!(desk.take(d), None);
        let batch = desk.seal(7);
        let reports = batch
            .calls
            .iter()
            .filter(|(_, c)| c.contains("\"report\""))
            .count();
        assert_eq!(reports, 1, "{:?}", batch.calls);
        assert_eq!(batch.seen, vec![(0, 1)]);
        assert_eq!(batch.incidents.len(), 1);
        assert_eq!(batch.incidents[0].trapped_since_ms, 1_000_000);
        assert_eq!(batch.stream_seq, 7);
    }

    #[test]
    fn a_desk_rebuilt_from_its_log_and_ordinals_drops_what_it_took() {
        let setup = setup();
        let region = setup.fleet.lifts[0].equipment.location.region_code;
        let all = districts(&setup.fleet);
        let mut desk = DistrictDesk::new(&setup, region, &all[&region]);
        desk.take(trapped(&setup.fleet, 0, 1, 1_000));
        let batch = desk.seal(1);
        let mut again = DistrictDesk::new(&setup, region, &all[&region]);
        for (at, call) in &batch.calls {
            again.replay(*at, call).unwrap();
        }
        for (lift, ordinal) in &batch.seen {
            again.seen(*lift, *ordinal);
        }
        assert_eq!(again.incidents(), desk.incidents());
        again.take(trapped(&setup.fleet, 0, 1, 1_000));
        assert!(again.seal(2).calls.is_empty());
    }

    #[test]
    fn every_lift_and_crew_has_one_district() {
        let setup = setup();
        let all = districts(&setup.fleet);
        let sites: usize = all.values().map(|d| d.sites.len()).sum();
        let crews: usize = all.values().map(|d| d.crews.len()).sum();
        assert_eq!(sites, setup.fleet.sites().len());
        assert_eq!(crews, setup.fleet.crews.len());
    }
}
