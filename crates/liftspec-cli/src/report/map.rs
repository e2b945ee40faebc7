//! The city map: districts with their built-up cores (the 30-minute rescue area of Hangzhou
//! Reg. Art. 30), every lift coloured by its risk triggers (Art. 32), the crews' stations, and
//! each entrapment where it happened with the line from where its crew set out. Drawn as SVG
//! in km on a local flat projection (no tiles, nothing fetched).

use liftspec_platform::fleet::Fleet;
use liftspec_risk::triggers::Trigger;
use liftspec_sim::city::City;

use super::escape;
use super::svg::n;

/// Km per degree of latitude, and of longitude at Hangzhou's latitude (the simulator's own
/// projection constants).
const KM_PER_DEG_LAT: f64 = 111.2;
const KM_PER_DEG_LON: f64 = 96.3;
/// Drawing width in pixels.
const WIDTH: f64 = 940.0;
/// Room left around the lifts, km.
const MARGIN_KM: f64 = 1.5;

/// What the map draws.
#[derive(serde::Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CityMap {
    pub(crate) districts: Vec<MapDistrict>,
    pub(crate) lifts: Vec<MapLift>,
    pub(crate) stations: Vec<MapStation>,
    pub(crate) entrapments: Vec<MapEntrapment>,
}

/// A district: its centre, the radius of its built-up core and of its lifts' area, km.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MapDistrict {
    pub(crate) name: String,
    pub(crate) lat: f64,
    pub(crate) lon: f64,
    pub(crate) built_up_km: f64,
    pub(crate) outer_km: f64,
}

/// A lift and how many risk-assessment triggers it has.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MapLift {
    pub(crate) lat: f64,
    pub(crate) lon: f64,
    pub(crate) triggers: usize,
}

/// A crew's station.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MapStation {
    pub(crate) lat: f64,
    pub(crate) lon: f64,
    pub(crate) crew: String,
}

/// An entrapment at its lift, and where the crew that reached it set out from.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MapEntrapment {
    pub(crate) lift: String,
    pub(crate) lat: f64,
    pub(crate) lon: f64,
    /// Where the responding crew was when it accepted (absent if none reached it).
    pub(crate) crew_from: Option<(f64, f64)>,
    /// On site within its Art. 30 limit.
    pub(crate) within_limit: bool,
}

impl CityMap {
    /// The map of a run: the city's districts, every lift with its number of risk triggers
    /// (`screened` holds them in the fleet's order), the crews' stations and the entrapments.
    pub(crate) fn of_run(
        city: &City,
        fleet: &Fleet,
        screened: &[Vec<Trigger>],
        entrapments: Vec<MapEntrapment>,
    ) -> Self {
        Self {
            districts: city
                .districts
                .iter()
                .map(|d| MapDistrict {
                    name: d.name.clone(),
                    lat: d.center.lat(),
                    lon: d.center.lon(),
                    built_up_km: d.built_up_km,
                    outer_km: d.outer_km,
                })
                .collect(),
            lifts: fleet
                .sites()
                .iter()
                .zip(screened)
                .map(|(s, found)| MapLift {
                    lat: s.point.lat(),
                    lon: s.point.lon(),
                    triggers: found.len(),
                })
                .collect(),
            stations: fleet
                .crews
                .iter()
                .map(|c| MapStation {
                    lat: c.point.lat(),
                    lon: c.point.lon(),
                    crew: c.id.to_string(),
                })
                .collect(),
            entrapments,
        }
    }
}

/// The colour of a lift with `triggers` risk triggers.
fn risk_colour(triggers: usize) -> &'static str {
    match triggers {
        0 => "#8fbf8f",
        1 => "#e8c547",
        2 => "#ec8a3c",
        _ => "#d2352b",
    }
}

/// Projects points to the drawing: the bounding box of everything, with a margin.
struct Projection {
    lat_max: f64,
    lon_min: f64,
    scale: f64,
    height: f64,
}

impl Projection {
    /// Fits the lifts, the crews' stations and the entrapments, with a margin: the part of the
    /// city the run used. Districts are drawn as far as they reach into it (the SVG clips the
    /// rest); a map without lifts fits the districts instead.
    fn fit(map: &CityMap) -> Self {
        let around = |points: &mut dyn Iterator<Item = (f64, f64, f64)>| {
            points.fold(None, |b: Option<(f64, f64, f64, f64)>, (lat, lon, km)| {
                let (dlat, dlon) = (km / KM_PER_DEG_LAT, km / KM_PER_DEG_LON);
                let (lo, hi, west, east) = b.unwrap_or((f64::MAX, f64::MIN, f64::MAX, f64::MIN));
                Some((
                    lo.min(lat - dlat),
                    hi.max(lat + dlat),
                    west.min(lon - dlon),
                    east.max(lon + dlon),
                ))
            })
        };
        let mut used = map
            .lifts
            .iter()
            .map(|l| (l.lat, l.lon, MARGIN_KM))
            .chain(map.stations.iter().map(|s| (s.lat, s.lon, MARGIN_KM)))
            .chain(map.entrapments.iter().map(|e| (e.lat, e.lon, MARGIN_KM)));
        let mut districts = map.districts.iter().map(|d| (d.lat, d.lon, d.outer_km));
        let (lat_lo, lat_hi, lon_lo, lon_hi) = around(&mut used)
            .or_else(|| around(&mut districts))
            .unwrap_or((30.0, 30.1, 120.0, 120.1));
        let width_km = ((lon_hi - lon_lo) * KM_PER_DEG_LON).max(1.0);
        let height_km = ((lat_hi - lat_lo) * KM_PER_DEG_LAT).max(1.0);
        let scale = WIDTH / width_km;
        Self {
            lat_max: lat_hi,
            lon_min: lon_lo,
            scale,
            height: height_km * scale,
        }
    }

    fn x(&self, lon: f64) -> f64 {
        (lon - self.lon_min) * KM_PER_DEG_LON * self.scale
    }

    fn y(&self, lat: f64) -> f64 {
        (self.lat_max - lat) * KM_PER_DEG_LAT * self.scale
    }
}

/// The map section of the page.
pub(super) fn section(map: &CityMap) -> String {
    let p = Projection::fit(map);
    let mut svg = format!(
        "<h2>Map</h2><svg id=\"city-map\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"map of the simulated city\" style=\"background:#f4f6f9\">",
        n(WIDTH),
        n(p.height),
        n(WIDTH),
        n(p.height)
    );
    // Every district's area first, then the built-up cores, so no area hides a core.
    for d in &map.districts {
        svg.push_str(&format!(
            "<circle class=\"district\" cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"#e4e9f0\" stroke=\"#b7c1cf\"/>",
            n(p.x(d.lon)),
            n(p.y(d.lat)),
            n(d.outer_km * p.scale)
        ));
    }
    for d in &map.districts {
        svg.push_str(&format!(
            "<circle class=\"built-up\" cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"#d3dbe7\" stroke=\"#8d9bb0\" stroke-dasharray=\"4 3\"><title>{} built-up core: the 30-minute rescue area (Art. 30)</title></circle>",
            n(p.x(d.lon)),
            n(p.y(d.lat)),
            n(d.built_up_km * p.scale),
            escape(&d.name)
        ));
    }
    for d in &map.districts {
        svg.push_str(&format!(
            "<text class=\"district-name\" x=\"{}\" y=\"{}\" font-size=\"14\" font-weight=\"600\" fill=\"#44536a\" text-anchor=\"middle\">{}</text>",
            n(p.x(d.lon)),
            n(p.y(d.lat) - d.built_up_km * p.scale - 5.0),
            escape(&d.name)
        ));
    }
    // Lifts without triggers first, so the risky ones are drawn on top.
    let mut lifts: Vec<&MapLift> = map.lifts.iter().collect();
    lifts.sort_by_key(|l| l.triggers);
    for l in lifts {
        svg.push_str(&format!(
            "<circle class=\"lift\" data-triggers=\"{}\" cx=\"{}\" cy=\"{}\" r=\"2.2\" fill=\"{}\"/>",
            l.triggers,
            n(p.x(l.lon)),
            n(p.y(l.lat)),
            risk_colour(l.triggers)
        ));
    }
    for s in &map.stations {
        svg.push_str(&format!(
            "<rect class=\"station\" x=\"{}\" y=\"{}\" width=\"7\" height=\"7\" fill=\"#2b4c7e\"><title>station of crew {}</title></rect>",
            n(p.x(s.lon) - 3.5),
            n(p.y(s.lat) - 3.5),
            escape(&s.crew)
        ));
    }
    for e in &map.entrapments {
        let (x, y) = (p.x(e.lon), p.y(e.lat));
        let colour = if e.within_limit { "#1f8a4c" } else { "#c0262d" };
        if let Some((lat, lon)) = e.crew_from {
            svg.push_str(&format!(
                "<line class=\"crew-route\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{colour}\" stroke-width=\"1.6\" stroke-dasharray=\"5 3\"/>",
                n(p.x(lon)), n(p.y(lat)), n(x), n(y)
            ));
        }
        svg.push_str(&format!(
            "<path class=\"entrapment\" d=\"M{} {}l10 10m0 -10l-10 10\" stroke=\"{colour}\" stroke-width=\"3\"><title>entrapment at {}: {}</title></path>",
            n(x - 5.0),
            n(y - 5.0),
            escape(&e.lift),
            if e.within_limit { "reached within the Art. 30 limit" } else { "reached after the Art. 30 limit, or not reached" }
        ));
    }
    let bar = 5.0 * p.scale;
    svg.push_str(&format!(
        "<g class=\"scale\"><line x1=\"12\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"#1d2733\" stroke-width=\"2\"/><text x=\"12\" y=\"{}\" font-size=\"12\" fill=\"#1d2733\">5 km</text></g></svg>",
        n(12.0 + bar),
        n(p.height - 10.0),
        n(p.height - 10.0),
        n(p.height - 15.0)
    ));
    svg.push_str(&format!(
        "<p class=\"legend\">Lifts by Art. 32 risk triggers: <span style=\"color:{}\">●</span> none <span style=\"color:{}\">●</span> one <span style=\"color:{}\">●</span> two <span style=\"color:{}\">●</span> three or more. \
Shaded dashed circles: built-up cores (30-minute limit; 60 minutes elsewhere). ■ crew stations. ✕ entrapments, with the crew's route: green within the limit, red beyond it.</p>",
        risk_colour(0), risk_colour(1), risk_colour(2), risk_colour(3)
    ));
    svg
}
