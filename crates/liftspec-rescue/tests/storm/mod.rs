//! A typhoon afternoon: at 16:00 a mass power cut in the simulator stops the city's lifts, and
//! the cars that were running without an automatic rescue device hold their passengers —
//! hundreds of entrapments at once. The rescue service runs twice on the same incidents and the
//! same "true" roads (the Qiantang river can only be crossed on a few bridges): once choosing
//! crews by predicted arrival with a river-aware travel provider, once nearest-first by
//! straight line.
#![allow(dead_code, unreachable_pub)]

use liftspec_model::equipment::GeoPoint;
use liftspec_model::record::RescueCause;
use liftspec_model::time::Timestamp;
use liftspec_rescue::dispatch::{CrewSite, RoadEstimate, TravelTime};
use liftspec_rescue::policy::RescuePolicy;
use liftspec_rescue::service::{LiftSite, Notice, ReportBy, RescueService};
use liftspec_sim::city::City;
use liftspec_sim::config::SimConfig;
use liftspec_sim::rng::Rng;

/// Roads with the river: crossing the Qiantang (about latitude 30.215 between longitudes 120.05
/// and 120.45) costs 20 extra minutes on a typhoon afternoon.
pub struct RiverRoads;

fn south_bank(p: GeoPoint) -> bool {
    (120.05..=120.45).contains(&p.lon()) && p.lat() < 30.215
}

impl TravelTime for RiverRoads {
    fn minutes(&self, from: GeoPoint, to: GeoPoint, at: Timestamp) -> f64 {
        let base = RoadEstimate::default().minutes(from, to, at);
        let crosses = (120.05..=120.45).contains(&from.lon())
            && (120.05..=120.45).contains(&to.lon())
            && south_bank(from) != south_bank(to);
        base + if crosses { 20.0 } else { 0.0 }
    }
}

/// The outcome of one run.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub incidents: usize,
    pub within_limit: usize,
    pub arrivals_min: Vec<f64>,
    pub cross_unit: usize,
    pub fire_service: usize,
    pub busy_crew_minutes: f64,
    pub crews: usize,
}

impl Outcome {
    pub fn sla_percent(&self) -> f64 {
        100.0 * self.within_limit as f64 / self.incidents.max(1) as f64
    }
    pub fn mean_arrival(&self) -> f64 {
        self.arrivals_min.iter().sum::<f64>() / self.arrivals_min.len().max(1) as f64
    }
    pub fn p90_arrival(&self) -> f64 {
        let mut a = self.arrivals_min.clone();
        a.sort_by(f64::total_cmp);
        a.get(a.len() * 9 / 10).copied().unwrap_or(0.0)
    }
    /// Share of crew time spent on rescues over the three hours.
    pub fn utilisation_percent(&self) -> f64 {
        100.0 * self.busy_crew_minutes / (self.crews as f64 * 180.0)
    }
}

/// 16:00 local on the simulator's default day, when the power fails.
pub const CUT_AT: i64 = 1_796_284_800_000;

/// The entrapments of the afternoon, from the simulator: the power fails at 16:00 for `share`
/// of the lifts, and `without_ard` of the cars have no automatic rescue device. Each
/// entrapment is reported by telemetry 30 s later (the detector's threshold): (time, lift).
pub fn entrapments(city: &City, share: f64, without_ard: f64) -> Vec<(i64, usize)> {
    let d = SimConfig::default();
    let config = SimConfig {
        seed: 88,
        lifts: city.lifts.len() as u32,
        start: Timestamp::from_millis(CUT_AT - 60_000),
        duration_s: 120,
        faults: d.faults.scaled(0.0),
        power_cut: Some(liftspec_sim::config::PowerCut {
            at_s: 60,
            share,
            without_ard_share: without_ard,
            restore_after_min: 90,
        }),
        ..d
    };
    let mut sim = liftspec_sim::stream::Simulation::with_city(config, city.clone());
    for _ in sim.by_ref() {}
    let mut out: Vec<(i64, usize)> = sim
        .take_ground_truth()
        .iter()
        .filter(|t| {
            matches!(
                t.kind,
                liftspec_sim::fault::FaultKind::TrappedBetweenFloors
                    | liftspec_sim::fault::FaultKind::TrappedAtLanding
            )
        })
        .map(|t| (t.start.millis() + 30_000, t.lift as usize))
        .collect();
    out.sort_unstable();
    out
}

/// The city, its lifts as rescue sites, and its crews at their stations.
pub fn city(lifts: u32) -> (City, Vec<LiftSite>, Vec<CrewSite>) {
    let city = City::generate(&SimConfig {
        lifts,
        seed: 88,
        ..SimConfig::default()
    })
    .expect("a valid city");
    let sites = city
        .lifts
        .iter()
        .map(|l| {
            let b = &city.buildings[l.building as usize];
            LiftSite {
                registration_code: l.registration_code.clone(),
                rescue_code: l.rescue_code.clone(),
                device: l.device.clone(),
                point: b.location.point,
                address: b.location.address.clone(),
                access_notes: b.location.access_notes.clone(),
                built_up: b.location.built_up_area,
                maintenance_unit: city.maintenance_units[l.maintenance_unit as usize]
                    .organisation
                    .credit_code
                    .clone(),
            }
        })
        .collect();
    let crews = city
        .maintenance_units
        .iter()
        .flat_map(|u| {
            u.crews.iter().map(|c| CrewSite {
                id: c.id.clone(),
                unit: u.organisation.credit_code.clone(),
                point: u.station_of(&c.id).map_or(u.stations[0].point, |s| s.point),
            })
        })
        .collect();
    (city, sites, crews)
}

/// Runs the afternoon with `policy` and the dispatcher's travel provider `provider`; the world
/// moves on `RiverRoads`.
pub fn run(
    sites: &[LiftSite],
    crews: &[CrewSite],
    policy: RescuePolicy,
    provider: Box<dyn TravelTime + Send>,
    reports: &[(i64, usize)],
) -> Outcome {
    let start = CUT_AT;
    let mut rng = Rng::new(2024);
    let mut service =
        RescueService::with_travel(policy.clone(), sites.to_vec(), crews.to_vec(), provider);
    let world = RiverRoads;
    // Scheduled crew actions: (time, kind 0 accept / 1 arrive / 2 release, incident index, crew).
    let mut plan: Vec<(i64, u8, usize, liftspec_model::id::CrewId)> = Vec::new();
    let mut out = Outcome {
        crews: crews.len(),
        ..Outcome::default()
    };
    let mut key = 1u64;
    let mut next_report = 0;
    let mut now = start;
    let end = start + 180 * 60_000;
    let mut busy_since: std::collections::BTreeMap<String, i64> = std::collections::BTreeMap::new();
    while now <= end {
        while next_report < reports.len() && reports[next_report].0 <= now {
            let lift = reports[next_report].1;
            let code = sites[lift].rescue_code.to_string();
            // Every entrapment must become (or join) an incident.
            service
                .report(
                    key,
                    ReportBy::RescueCode(code),
                    2,
                    Timestamp::from_millis(now),
                )
                .expect("the report is accepted");
            key += 1;
            next_report += 1;
        }
        for notice in service.tick(Timestamp::from_millis(now)) {
            if let Notice::Offer { incident, crew, .. } = notice {
                let i = service
                    .incidents()
                    .iter()
                    .position(|x| x.id == incident)
                    .unwrap_or(0);
                // Crews answer within 20-90 s; one in ten misses the call.
                if rng.chance(0.9) {
                    plan.push((now + rng.int(20_000, 90_000), 0, i, crew));
                }
            }
        }
        plan.sort_by_key(|p| p.0);
        while plan.first().is_some_and(|p| p.0 <= now) {
            let (at, kind, i, crew) = plan.remove(0);
            let id = service.incidents()[i].id.clone();
            let t = Timestamp::from_millis(at);
            match kind {
                0 => {
                    if service.accept(key, &crew, &id, t).is_ok() {
                        // From where the crew is: its station, or the lift it last freed.
                        let crew_site = service.dispatcher().position_of(&crew);
                        let lift = sites[service.incidents()[i].lift as usize].point;
                        let travel = crew_site.map_or(30.0, |p| world.minutes(p, lift, t));
                        busy_since.insert(crew.to_string(), at);
                        plan.push((at + (travel * 60_000.0) as i64, 1, i, crew));
                    }
                }
                1 => {
                    if service.arrive(key, &crew, &id, t).is_ok() {
                        plan.push((at + rng.int(3 * 60_000, 9 * 60_000), 2, i, crew));
                    }
                }
                _ => {
                    if service.release(key, &crew, &id, t).is_ok() {
                        let _ = service.close(&id, RescueCause::PowerFailure, t);
                        if let Some(since) = busy_since.remove(&crew.to_string()) {
                            out.busy_crew_minutes += (at - since) as f64 / 60_000.0;
                        }
                    }
                }
            }
            key += 1;
        }
        now += 30_000;
    }
    for x in service.incidents() {
        out.incidents += 1;
        let site = &sites[x.lift as usize];
        if let Some(a) = x.arrived_at {
            let minutes = a.millis_since(x.reported_at) as f64 / 60_000.0;
            out.arrivals_min.push(minutes);
            if minutes <= (policy.limit_ms(site.built_up) / 60_000) as f64 {
                out.within_limit += 1;
            }
        }
        out.cross_unit += usize::from(x.tier == 2);
        out.fire_service += usize::from(x.tier == 3);
    }
    for since in busy_since.values() {
        out.busy_crew_minutes += (end - since) as f64 / 60_000.0;
    }
    out
}
