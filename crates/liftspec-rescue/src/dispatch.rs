//! Crews on a map: an R*-tree of crew positions, their availability, and the choice of a crew
//! by predicted arrival (a pluggable [`TravelTime`]), not by straight-line distance alone.

use liftspec_model::equipment::GeoPoint;
use liftspec_model::id::{CreditCode, CrewId};
use liftspec_model::time::Timestamp;
use rstar::primitives::GeomWithData;
use rstar::RTree;

/// km per degree of latitude, and of longitude near 30° N (planar coordinates for the index).
const KM_PER_DEG_LAT: f64 = 111.2;
const KM_PER_DEG_LON: f64 = 96.3;

fn plane(p: GeoPoint) -> [f64; 2] {
    [p.lat() * KM_PER_DEG_LAT, p.lon() * KM_PER_DEG_LON]
}

/// Predicts how long a crew takes to get somewhere.
pub trait TravelTime {
    /// Minutes from `from` to `to`, leaving at `at`.
    fn minutes(&self, from: GeoPoint, to: GeoPoint, at: Timestamp) -> f64;
}

static EMPTY: std::sync::OnceLock<CrewTree> = std::sync::OnceLock::new();

/// liftspec's default estimate: straight-line distance times a road factor, at a speed that
/// depends on the local hour (rush hours slow), plus a fixed time to set off.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoadEstimate {
    /// Road distance over straight-line distance: 1.4.
    pub road_factor: f64,
    /// km/h in rush hours (07–09, 17–19 local): 18.
    pub rush_kmh: f64,
    /// km/h in the day: 28.
    pub day_kmh: f64,
    /// km/h at night (22–06): 40.
    pub night_kmh: f64,
    /// Minutes to set off: 3.
    pub setup_min: f64,
}

impl Default for RoadEstimate {
    fn default() -> Self {
        Self {
            road_factor: 1.4,
            rush_kmh: 18.0,
            day_kmh: 28.0,
            night_kmh: 40.0,
            setup_min: 3.0,
        }
    }
}

impl TravelTime for RoadEstimate {
    fn minutes(&self, from: GeoPoint, to: GeoPoint, at: Timestamp) -> f64 {
        let hour = (at.millis().div_euclid(3_600_000) + 8).rem_euclid(24);
        let kmh = match hour {
            7..=8 | 17..=18 => self.rush_kmh,
            22..=23 | 0..=5 => self.night_kmh,
            _ => self.day_kmh,
        };
        self.setup_min + from.distance_m(to) / 1000.0 * self.road_factor / kmh * 60.0
    }
}

/// A crew and where it is.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CrewSite {
    /// The crew.
    pub id: CrewId,
    /// Its maintenance unit (or rescue station operator).
    pub unit: CreditCode,
    /// Where it is: its station at first, then where its last job or its app's last position
    /// report put it.
    pub point: GeoPoint,
}

/// A crew chosen for an incident.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Candidate {
    /// Index of the crew.
    pub crew: u32,
    /// Predicted minutes to arrive.
    pub eta_min: f64,
    /// Straight-line distance, km.
    pub distance_km: f64,
}

/// Which crews may be offered.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Eligible<'a> {
    /// Tier 1: the lift's own maintenance unit.
    UnitOnly(&'a CreditCode),
    /// Tier 2: any other unit (Art. 37).
    OtherThan(&'a CreditCode),
    /// Any crew (after the fire service has been called).
    Any,
}

type CrewTree = RTree<GeomWithData<[f64; 2], u32>>;

/// The crews, indexed: one R*-tree of all crews (for other units, tier 2) and one per unit (for
/// a lift's own unit, tier 1), so neither query wades through crews it cannot use.
#[derive(Debug, Clone)]
pub struct Dispatcher {
    crews: Vec<CrewSite>,
    busy: Vec<bool>,
    tree: CrewTree,
    by_unit: std::collections::BTreeMap<CreditCode, CrewTree>,
}

impl Dispatcher {
    /// Indexes crews.
    pub fn new(crews: Vec<CrewSite>) -> Self {
        let tree = RTree::bulk_load(
            crews
                .iter()
                .enumerate()
                .map(|(i, c)| GeomWithData::new(plane(c.point), i as u32))
                .collect(),
        );
        let mut groups: std::collections::BTreeMap<CreditCode, Vec<_>> =
            std::collections::BTreeMap::new();
        for (i, c) in crews.iter().enumerate() {
            groups
                .entry(c.unit.clone())
                .or_default()
                .push(GeomWithData::new(plane(c.point), i as u32));
        }
        let by_unit = groups
            .into_iter()
            .map(|(unit, items)| (unit, RTree::bulk_load(items)))
            .collect();
        let busy = vec![false; crews.len()];
        Self {
            crews,
            busy,
            tree,
            by_unit,
        }
    }

    /// The crews.
    pub fn crews(&self) -> &[CrewSite] {
        &self.crews
    }

    /// The index of a crew.
    pub fn index_of(&self, id: &CrewId) -> Option<u32> {
        self.crews
            .iter()
            .position(|c| &c.id == id)
            .map(|i| i as u32)
    }

    /// Where a crew is now (its station, the lift it last freed, or its app's last report).
    pub fn position_of(&self, id: &CrewId) -> Option<GeoPoint> {
        self.crews.iter().find(|c| &c.id == id).map(|c| c.point)
    }

    /// Marks a crew busy or free.
    pub fn set_busy(&mut self, crew: u32, busy: bool) {
        if let Some(b) = self.busy.get_mut(crew as usize) {
            *b = busy;
        }
    }

    /// Moves a crew to `to` (its app's position, or the site of the job it just finished),
    /// keeping both indexes in step. An unknown index is ignored.
    pub fn move_crew(&mut self, crew: u32, to: GeoPoint) {
        let Some(site) = self.crews.get_mut(crew as usize) else {
            return;
        };
        let old = GeomWithData::new(plane(site.point), crew);
        let new = GeomWithData::new(plane(to), crew);
        site.point = to;
        self.tree.remove(&old);
        self.tree.insert(new);
        if let Some(unit_tree) = self.by_unit.get_mut(&site.unit) {
            unit_tree.remove(&old);
            unit_tree.insert(new);
        }
    }

    /// Whether a crew is busy.
    pub fn is_busy(&self, crew: u32) -> bool {
        self.busy.get(crew as usize).copied().unwrap_or(true)
    }

    /// Eligible, available crews from nearest to farthest.
    fn eligible<'a>(
        &'a self,
        to: GeoPoint,
        eligible: Eligible<'a>,
        exclude: &'a [u32],
    ) -> impl Iterator<Item = u32> + 'a {
        let tree = match eligible {
            Eligible::UnitOnly(unit) => self
                .by_unit
                .get(unit)
                .unwrap_or_else(|| EMPTY.get_or_init(RTree::new)),
            Eligible::OtherThan(_) | Eligible::Any => &self.tree,
        };
        tree.nearest_neighbor_iter(&plane(to))
            .map(|g| g.data)
            .filter(move |i| {
                let other_unit = match eligible {
                    Eligible::UnitOnly(_) | Eligible::Any => true,
                    Eligible::OtherThan(unit) => &self.crews[*i as usize].unit != unit,
                };
                other_unit && !self.busy[*i as usize] && !exclude.contains(i)
            })
    }

    /// The available eligible crew with the earliest predicted arrival among the `k` nearest,
    /// skipping `exclude`.
    pub fn best(
        &self,
        to: GeoPoint,
        eligible: Eligible<'_>,
        exclude: &[u32],
        k: usize,
        at: Timestamp,
        travel: &dyn TravelTime,
    ) -> Option<Candidate> {
        self.eligible(to, eligible, exclude)
            .take(k.max(1))
            .map(|i| {
                let crew = &self.crews[i as usize];
                Candidate {
                    crew: i,
                    eta_min: travel.minutes(crew.point, to, at),
                    distance_km: crew.point.distance_m(to) / 1000.0,
                }
            })
            .min_by(|a, b| a.eta_min.total_cmp(&b.eta_min))
    }

    /// The naive choice for comparison: the nearest available eligible crew by straight line.
    pub fn nearest(&self, to: GeoPoint, eligible: Eligible<'_>, exclude: &[u32]) -> Option<u32> {
        self.eligible(to, eligible, exclude).next()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A river between: crews east of 120.175° take 30 minutes longer.
    struct River;
    impl TravelTime for River {
        fn minutes(&self, from: GeoPoint, to: GeoPoint, at: Timestamp) -> f64 {
            let base = RoadEstimate::default().minutes(from, to, at);
            if from.lon() > 120.175 {
                base + 30.0
            } else {
                base
            }
        }
    }

    fn site(id: &str, unit: &CreditCode, lat: f64, lon: f64) -> CrewSite {
        CrewSite {
            id: id.parse().unwrap(),
            unit: unit.clone(),
            point: GeoPoint::new(lat, lon).unwrap(),
        }
    }

    #[test]
    fn the_earliest_arrival_wins_over_the_nearest_and_busy_or_ineligible_crews_are_skipped() {
        let own: CreditCode = "91350100M000100Y43".parse().unwrap();
        let other: CreditCode = "91330106MA2CFPRT8A".parse().unwrap();
        let lift = GeoPoint::new(30.25, 120.17).unwrap();
        let mut d = Dispatcher::new(vec![
            site("ACROSS", &own, 30.25, 120.18), // nearest, across the river
            site("AROUND", &own, 30.27, 120.16), // farther, same bank
            site("OTHER", &other, 30.2501, 120.1701),
        ]);
        let at = Timestamp::from_millis(1_796_265_000_000);
        let own_only = Eligible::UnitOnly(&own);
        assert_eq!(d.nearest(lift, own_only, &[]), Some(0));
        assert_eq!(
            d.best(lift, own_only, &[], 8, at, &River).map(|c| c.crew),
            Some(1)
        );
        assert_eq!(
            d.best(lift, Eligible::OtherThan(&own), &[], 8, at, &River)
                .map(|c| c.crew),
            Some(2)
        );
        d.set_busy(1, true);
        assert_eq!(
            d.best(lift, own_only, &[], 8, at, &River).map(|c| c.crew),
            Some(0)
        );
        assert_eq!(d.best(lift, own_only, &[0], 8, at, &River), None);
        let unknown: CreditCode = "91350100M000100Y43".parse().unwrap();
        assert!(d
            .best(lift, Eligible::UnitOnly(&unknown), &[0, 1], 8, at, &River)
            .is_none());
    }
}
