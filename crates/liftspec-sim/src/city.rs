//! A seeded city: Hangzhou's districts, buildings of every place category, lifts of every kind and
//! age, and the units around them (use units, maintenance units with stations and crews,
//! manufacturers). City generation uses arithmetic only (no `ln`, `cos`), so a seed gives the same
//! city byte for byte on every platform.

use chrono::{Datelike, Duration, NaiveDate};
use liftspec_model::equipment::{
    Equipment, EquipmentKind, FloorTable, GeoPoint, Location, PlaceCategory, SmartSystemStatus,
};
use liftspec_model::id::{
    CreditCode, CrewId, RegistrationCode, RescueCode, RescueCodeFormat, StationId, TechnicianId,
};
use liftspec_model::party::{
    Crew, MaintenanceUnit, Manufacturer, Organisation, PartyRole, Station, Technician, UseUnit,
};
use liftspec_protocol::auth::{DeviceKeys, FrameMac, MacKeys};
use liftspec_protocol::wire::DeviceId;

use crate::config::{ConfigError, SimConfig};
use crate::rng::Rng;

/// Hangzhou's bounding box (degrees), approximately: latitude 29.18–30.57 N, longitude
/// 118.34–120.72 E. Every generated point lies inside.
pub const HANGZHOU_BOUNDS: Bounds = Bounds {
    min_lat: 29.18,
    max_lat: 30.57,
    min_lon: 118.34,
    max_lon: 120.72,
};

/// A latitude/longitude box.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bounds {
    /// South edge.
    pub min_lat: f64,
    /// North edge.
    pub max_lat: f64,
    /// West edge.
    pub min_lon: f64,
    /// East edge.
    pub max_lon: f64,
}

impl Bounds {
    /// Whether `p` lies inside.
    pub fn contains(&self, p: GeoPoint) -> bool {
        (self.min_lat..=self.max_lat).contains(&p.lat())
            && (self.min_lon..=self.max_lon).contains(&p.lon())
    }
}

/// A district of the city.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct District {
    /// Name.
    pub name: String,
    /// GB/T 2260 code.
    pub region_code: u32,
    /// Centre (approximate).
    pub center: GeoPoint,
    /// Radius of the built-up core in km: the 30-minute rescue area of Hangzhou Reg. Art. 30.
    pub built_up_km: f64,
    /// Radius in km within which lifts are placed.
    pub outer_km: f64,
    /// Share of the city's lifts.
    pub weight: f64,
}

/// Lifts per km² at the densest plausible city (Hangzhou averages under 300 per km² of built-up
/// area), which sets a district's capacity.
pub const MAX_LIFTS_PER_KM2: f64 = 1500.0;

impl District {
    /// The most lifts the district holds: its area at [`MAX_LIFTS_PER_KM2`].
    pub fn capacity(&self) -> u32 {
        (std::f64::consts::PI * self.outer_km * self.outer_km * MAX_LIFTS_PER_KM2) as u32
    }
}

/// Hangzhou's districts after the 2021 adjustment, with approximate centres and liftspec's
/// estimates of each one's share of the lifts (the central districts hold most).
pub fn hangzhou_districts() -> Vec<District> {
    let d = |name: &str, region_code, lat, lon, built_up_km, outer_km, weight| District {
        name: name.into(),
        region_code,
        center: GeoPoint::new(lat, lon).expect("the district table's coordinates are valid"),
        built_up_km,
        outer_km,
        weight,
    };
    vec![
        d("上城区 Shangcheng", 330102, 30.25, 120.17, 6.0, 7.0, 0.13),
        d("拱墅区 Gongshu", 330105, 30.32, 120.14, 6.0, 7.0, 0.13),
        d("西湖区 Xihu", 330106, 30.26, 120.10, 5.0, 9.0, 0.12),
        d("滨江区 Binjiang", 330108, 30.20, 120.21, 5.0, 6.0, 0.08),
        d("萧山区 Xiaoshan", 330109, 30.16, 120.26, 6.0, 16.0, 0.14),
        d("余杭区 Yuhang", 330110, 30.28, 119.98, 5.0, 14.0, 0.12),
        d("富阳区 Fuyang", 330111, 30.05, 119.96, 3.0, 14.0, 0.05),
        d("临安区 Lin'an", 330112, 30.23, 119.72, 3.0, 15.0, 0.04),
        d("临平区 Linping", 330113, 30.42, 120.30, 4.0, 10.0, 0.07),
        d("钱塘区 Qiantang", 330114, 30.31, 120.38, 4.0, 10.0, 0.06),
        d("桐庐县 Tonglu", 330122, 29.80, 119.69, 2.5, 12.0, 0.025),
        d("淳安县 Chun'an", 330127, 29.61, 119.04, 2.0, 12.0, 0.015),
        d("建德市 Jiande", 330182, 29.47, 119.28, 2.5, 12.0, 0.02),
    ]
}

/// A building with its lifts.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Building {
    /// Index of its district.
    pub district: u16,
    /// What kind of place it is.
    pub place: PlaceCategory,
    /// Location (in the built-up area or not).
    pub location: Location,
    /// The landings its lifts serve.
    pub floors: FloorTable,
    /// Index of its use unit.
    pub use_unit: u32,
}

/// A simulated lift: compact, with its equipment record built on demand ([`City::equipment`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SimLift {
    /// Its terminal's device id.
    pub device: DeviceId,
    /// Registration code.
    pub registration_code: RegistrationCode,
    /// Rescue code on its usage sign.
    pub rescue_code: RescueCode,
    /// Kind.
    pub kind: EquipmentKind,
    /// Index of its building.
    pub building: u32,
    /// Rated speed, mm/s.
    pub rated_speed_mm_s: u32,
    /// Rated load, kg (none for escalators and moving walks).
    pub rated_load_kg: Option<u32>,
    /// Commissioning date.
    pub commissioned_on: NaiveDate,
    /// Index of its maintenance unit.
    pub maintenance_unit: u32,
    /// Index of its manufacturer.
    pub manufacturer: u32,
    /// Seed of its terminal's keys ([`City::keys`]).
    pub key_seed: u64,
}

/// The generated city.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct City {
    /// The seed it was generated from.
    pub seed: u64,
    /// Districts.
    pub districts: Vec<District>,
    /// Buildings.
    pub buildings: Vec<Building>,
    /// Lifts, escalators and moving walks.
    pub lifts: Vec<SimLift>,
    /// Use units (property companies, schools, hospitals, …).
    pub use_units: Vec<UseUnit>,
    /// Maintenance units with their stations, crews and technicians.
    pub maintenance_units: Vec<MaintenanceUnit>,
    /// Manufacturers.
    pub manufacturers: Vec<Manufacturer>,
}

const STREAM_CITY: u64 = 1;
const STREAM_KEYS: u64 = 2;
const STREAM_EPOCHS: u64 = 5;

/// Approximate km per degree of latitude, and of longitude at Hangzhou's latitude (cos 30° ≈
/// 0.866): constants, so placement needs no trigonometry.
const KM_PER_DEG_LAT: f64 = 111.2;
const KM_PER_DEG_LON: f64 = 96.3;

struct PlaceProfile {
    place: PlaceCategory,
    weight: f64,
    floors: (i64, i64),
    storey_mm: i32,
    basement: f64,
}

const PLACES: [PlaceProfile; 12] = [
    PlaceProfile {
        place: PlaceCategory::Residential,
        weight: 0.60,
        floors: (6, 33),
        storey_mm: 2950,
        basement: 0.6,
    },
    PlaceProfile {
        place: PlaceCategory::Office,
        weight: 0.10,
        floors: (8, 48),
        storey_mm: 3900,
        basement: 0.8,
    },
    PlaceProfile {
        place: PlaceCategory::Mall,
        weight: 0.05,
        floors: (3, 8),
        storey_mm: 5200,
        basement: 0.7,
    },
    PlaceProfile {
        place: PlaceCategory::Hotel,
        weight: 0.04,
        floors: (6, 30),
        storey_mm: 3600,
        basement: 0.6,
    },
    PlaceProfile {
        place: PlaceCategory::Hospital,
        weight: 0.03,
        floors: (5, 22),
        storey_mm: 4200,
        basement: 0.6,
    },
    PlaceProfile {
        place: PlaceCategory::School,
        weight: 0.03,
        floors: (4, 8),
        storey_mm: 3900,
        basement: 0.1,
    },
    PlaceProfile {
        place: PlaceCategory::TransportHub,
        weight: 0.02,
        floors: (2, 4),
        storey_mm: 6500,
        basement: 0.5,
    },
    PlaceProfile {
        place: PlaceCategory::PedestrianCrossing,
        weight: 0.01,
        floors: (2, 2),
        storey_mm: 5500,
        basement: 0.0,
    },
    PlaceProfile {
        place: PlaceCategory::VenueOrScenicArea,
        weight: 0.01,
        floors: (2, 5),
        storey_mm: 5000,
        basement: 0.2,
    },
    PlaceProfile {
        place: PlaceCategory::PublicService,
        weight: 0.05,
        floors: (4, 14),
        storey_mm: 3900,
        basement: 0.4,
    },
    PlaceProfile {
        place: PlaceCategory::Industrial,
        weight: 0.05,
        floors: (2, 8),
        storey_mm: 5000,
        basement: 0.0,
    },
    PlaceProfile {
        place: PlaceCategory::Other,
        weight: 0.01,
        floors: (3, 12),
        storey_mm: 3600,
        basement: 0.2,
    },
];

/// Years since commissioning: weights of the bands 0–5, 5–10, 10–15, 15–20, 20–25, 25–35 (a
/// young fleet with a long tail, as in a fast-growing city).
const AGE_BANDS: [(f64, i64, i64); 6] = [
    (0.35, 0, 5),
    (0.27, 5, 10),
    (0.18, 10, 15),
    (0.11, 15, 20),
    (0.06, 20, 25),
    (0.03, 25, 35),
];

const MANUFACTURERS: [(&str, &str); 12] = [
    ("杭州西奥电梯", "33001"),
    ("奥的斯电梯", "12001"),
    ("通力电梯", "32001"),
    ("迅达电梯", "31001"),
    ("三菱电机上海机电电梯", "31002"),
    ("日立电梯", "44001"),
    ("蒂升电梯", "31003"),
    ("康力电梯", "32002"),
    ("快意电梯", "44002"),
    ("广日电梯", "44003"),
    ("富士达电梯", "33002"),
    ("巨人通力电梯", "33003"),
];

/// Characters of GB 32100 (no I, O, S, V, Z).
const CREDIT_CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

fn credit_code(rng: &mut Rng, category: &str, region: u32) -> CreditCode {
    loop {
        let mut first17 = format!("{category}{region:06}");
        for _ in 0..9 {
            first17.push(CREDIT_CHARS[rng.index(CREDIT_CHARS.len())] as char);
        }
        if let Ok(code) = CreditCode::with_check_char(&first17) {
            return code;
        }
    }
}

fn point_near(rng: &mut Rng, center: GeoPoint, radius_km: f64) -> (GeoPoint, f64) {
    loop {
        let dx = rng.range(-radius_km, radius_km);
        let dy = rng.range(-radius_km, radius_km);
        let d2 = dx * dx + dy * dy;
        if d2 > radius_km * radius_km {
            continue;
        }
        let lat = center.lat() + dy / KM_PER_DEG_LAT;
        let lon = center.lon() + dx / KM_PER_DEG_LON;
        if let Ok(p) = GeoPoint::new(lat, lon) {
            if HANGZHOU_BOUNDS.contains(p) {
                return (p, d2);
            }
        }
    }
}

impl City {
    /// Generates the city for `config` (validated first).
    pub fn generate(config: &SimConfig) -> Result<Self, ConfigError> {
        config.validate()?;
        let districts = hangzhou_districts();
        let capacity: u64 = districts.iter().map(|d| u64::from(d.capacity())).sum();
        if u64::from(config.lifts) > capacity {
            return Err(ConfigError::CityTooLarge {
                lifts: config.lifts,
                max: capacity.min(u64::from(u32::MAX)) as u32,
            });
        }
        let mut rng = Rng::derive(config.seed, STREAM_CITY, 0);
        let n = config.lifts as usize;

        let manufacturers: Vec<Manufacturer> = MANUFACTURERS
            .iter()
            .map(|(name, code)| Manufacturer {
                organisation: Organisation {
                    credit_code: credit_code(&mut rng, "91", 330100),
                    name: (*name).into(),
                    address: "杭州市".into(),
                    roles: vec![PartyRole::Manufacturer],
                },
                manufacturer_code: (*code).into(),
            })
            .collect();

        // About one maintenance unit per 700 lifts (Hangzhou: ~300 units for ~200k lifts).
        let unit_count = (n / 700).clamp(3, 400).min(n.max(1));
        let sim_today = config
            .start
            .utc_date()
            .unwrap_or_else(|_| NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default());
        let mut maintenance_units = Vec::with_capacity(unit_count);
        // Units are local firms: each has a home district, where its first station is.
        let mut unit_home: Vec<usize> = Vec::with_capacity(unit_count);
        for u in 0..unit_count {
            let home_index = if u < districts.len() {
                // Every district has at least one local unit (when there are enough units).
                u
            } else {
                rng.weighted(&districts.iter().map(|d| d.weight).collect::<Vec<_>>())
            };
            unit_home.push(home_index);
            let home = &districts[home_index];
            let code = credit_code(&mut rng, "91", home.region_code);
            let lifts_per_unit = n / unit_count + 1;
            let stations = (lifts_per_unit / 2000).max(1);
            let crews = (lifts_per_unit / 150).max(2);
            let mut unit = MaintenanceUnit {
                organisation: Organisation {
                    credit_code: code,
                    name: format!("杭州第{}电梯维保有限公司", u + 1),
                    address: format!("杭州市{}", home.name),
                    roles: vec![PartyRole::MaintenanceUnit],
                },
                licence_valid_until: sim_today + Duration::days(rng.int(30, 1500)),
                rescue_phone: format!("0571-8{:07}", rng.int(0, 9_999_999)),
                technicians: Vec::new(),
                crews: Vec::new(),
                stations: Vec::new(),
            };
            for s in 0..stations {
                let district = if s == 0 {
                    home
                } else {
                    &districts
                        [rng.weighted(&districts.iter().map(|d| d.weight).collect::<Vec<_>>())]
                };
                let (point, _) = point_near(&mut rng, district.center, district.built_up_km);
                unit.stations.push(Station {
                    id: StationId::parse(&format!("M{u:03}-S{s:02}")).expect("a valid id format"),
                    name: format!("{}站", district.name),
                    point,
                });
            }
            for c in 0..crews {
                let mut members = Vec::new();
                for t in 0..2 {
                    let id = TechnicianId::parse(&format!("T{u:03}{c:03}{t}"))
                        .expect("a valid id format");
                    unit.technicians.push(Technician {
                        id: id.clone(),
                        name: format!("维保工{u}-{c}-{t}"),
                        certificate_valid_until: sim_today + Duration::days(rng.int(60, 2000)),
                    });
                    members.push(id);
                }
                let station = unit.stations[c % unit.stations.len()].id.clone();
                unit.crews.push(Crew {
                    id: CrewId::parse(&format!("M{u:03}-C{c:03}")).expect("a valid id format"),
                    station,
                    technicians: members,
                });
            }
            maintenance_units.push(unit);
        }

        let mut use_units: Vec<UseUnit> = Vec::new();
        let mut buildings: Vec<Building> = Vec::new();
        let mut lifts: Vec<SimLift> = Vec::with_capacity(n);
        let mut sequences: std::collections::HashMap<(u16, u32, u32), u32> =
            std::collections::HashMap::new();
        let rescue_format = rescue_format_for(n);
        // A city with fewer maintenance units than districts is a compact one: it covers as many
        // districts as it has units, central districts first, so that every district it covers
        // has a local unit. (Spreading 2,000 lifts over all 13 districts with three firms would
        // put crews 50 km from their lifts, which no real firm under Art. 30's limits does.)
        let covered = unit_count.min(districts.len());
        let district_weights: Vec<f64> = districts
            .iter()
            .enumerate()
            .map(|(i, d)| if i < covered { d.weight } else { 0.0 })
            .collect();
        let place_weights: Vec<f64> = PLACES.iter().map(|p| p.weight).collect();

        while lifts.len() < n {
            let di = rng.weighted(&district_weights);
            let district = &districts[di];
            let profile = &PLACES[rng.weighted(&place_weights)];
            // Most lifts stand in the built-up core.
            let radius = if rng.chance(0.75) {
                district.built_up_km
            } else {
                district.outer_km
            };
            let (point, d2) = point_near(&mut rng, district.center, radius);
            let built_up = d2 <= district.built_up_km * district.built_up_km;
            let floors_above = rng.int(profile.floors.0, profile.floors.1);
            let lowest: i16 = if rng.chance(profile.basement) {
                -(rng.int(1, 2) as i16)
            } else {
                1
            };
            let stops = floors_above as u16 + lowest.unsigned_abs() * u16::from(lowest < 0);
            let storey = profile.storey_mm + rng.int(-150, 150) as i32;
            let Ok(floors) = FloorTable::uniform(lowest, stops.max(2), storey) else {
                continue;
            };
            // A new use unit for most buildings; property companies also manage several.
            let use_unit = if use_units.is_empty() || rng.chance(0.6) {
                let code = credit_code(&mut rng, "91", district.region_code);
                use_units.push(UseUnit {
                    organisation: Organisation {
                        credit_code: code,
                        name: format!("{}物业{}", district.name, use_units.len() + 1),
                        address: format!("杭州市{}", district.name),
                        roles: vec![PartyRole::UseUnit],
                    },
                    safety_manager: format!("安全管理员{}", use_units.len() + 1),
                    duty_phone: format!("1{:010}", rng.int(3_000_000_000, 9_999_999_999)),
                });
                (use_units.len() - 1) as u32
            } else {
                rng.index(use_units.len()) as u32
            };
            let building_index = buildings.len() as u32;
            // Most lifts are maintained by a unit based in their district.
            let local: Vec<usize> = (0..unit_home.len())
                .filter(|u| unit_home[*u] == di)
                .collect();
            let unit = if !local.is_empty() && rng.chance(0.85) {
                local[rng.index(local.len())]
            } else {
                rng.index(maintenance_units.len())
            } as u32;
            let kinds = lift_kinds(&mut rng, profile.place, floors_above);
            let building = Building {
                district: di as u16,
                place: profile.place,
                location: Location {
                    point,
                    address: format!("杭州市{}某路{}号", district.name, rng.int(1, 999)),
                    district: district.name.clone(),
                    region_code: district.region_code,
                    built_up_area: built_up,
                    access_notes: String::new(),
                },
                floors,
                use_unit,
            };
            buildings.push(building);
            for kind in kinds {
                if lifts.len() >= n {
                    break;
                }
                let index = lifts.len();
                let commissioned_on = commissioning_date(&mut rng, sim_today);
                let key = (
                    kind.catalogue_code(),
                    district.region_code,
                    year_month(commissioned_on),
                );
                let seq = sequences.entry(key).or_insert(0);
                *seq += 1;
                let registration_code =
                    registration(kind, district.region_code, commissioned_on, *seq);
                let Ok(rescue_code) = RescueCode::from_serial(index as u64 + 1, rescue_format)
                else {
                    continue;
                };
                let (speed, load) = ratings(&mut rng, kind, floors_above);
                lifts.push(SimLift {
                    device: DeviceId::parse(&format!("HZ-{index:07}")).expect("a valid id format"),
                    registration_code,
                    rescue_code,
                    kind,
                    building: building_index,
                    rated_speed_mm_s: speed,
                    rated_load_kg: load,
                    commissioned_on,
                    maintenance_unit: unit,
                    manufacturer: rng.index(MANUFACTURERS.len()) as u32,
                    key_seed: rng.next_u64(),
                });
            }
        }
        Ok(Self {
            seed: config.seed,
            districts,
            buildings,
            lifts,
            use_units,
            maintenance_units,
            manufacturers,
        })
    }

    /// The full equipment record of lift `index`.
    pub fn equipment(&self, index: usize) -> Option<Equipment> {
        let lift = self.lifts.get(index)?;
        let building = self.buildings.get(lift.building as usize)?;
        // An escalator or moving walk links two levels, not the whole building.
        let floors = if lift.kind.is_escalator_family() {
            FloorTable::uniform(
                1,
                2,
                building
                    .floors
                    .landings()
                    .get(1)
                    .map_or(5000, |l| l.level_mm),
            )
            .unwrap_or_else(|_| building.floors.clone())
        } else {
            building.floors.clone()
        };
        Some(Equipment {
            registration_code: lift.registration_code.clone(),
            equipment_code: None,
            usage_certificate: None,
            rescue_code: Some(lift.rescue_code.clone()),
            kind: lift.kind,
            model: format!("SIM-{}", lift.kind.catalogue_code()),
            rated_load_kg: lift.rated_load_kg,
            rated_speed_mm_s: lift.rated_speed_mm_s,
            floors,
            commissioned_on: lift.commissioned_on,
            location: building.location.clone(),
            place: building.place,
            smart_system: SmartSystemStatus::Connected,
            retrofit_management: None,
            use_unit: self.use_units[building.use_unit as usize]
                .organisation
                .credit_code
                .clone(),
            maintenance_unit: self.maintenance_units[lift.maintenance_unit as usize]
                .organisation
                .credit_code
                .clone(),
            manufacturer: self.manufacturers[lift.manufacturer as usize]
                .organisation
                .credit_code
                .clone(),
            insurance: Vec::new(),
        })
    }

    /// Key material for lift `index`: drawn again (deterministically) in the astronomically
    /// unlikely case it is what `DeviceKeys::from_seed` refuses (a zero key, or equal halves).
    fn key_material(&self, index: usize) -> ([u8; 32], [u8; 32]) {
        let seed = self.lifts.get(index).map_or(0, |l| l.key_seed);
        let mut rng = Rng::derive(self.seed ^ seed, STREAM_KEYS, index as u64);
        loop {
            let mut mac = [0u8; 32];
            let mut signing = [0u8; 32];
            for chunk in mac.chunks_exact_mut(8).chain(signing.chunks_exact_mut(8)) {
                chunk.copy_from_slice(&rng.next_u64().to_le_bytes());
            }
            if mac != [0; 32] && signing != [0; 32] && mac != signing {
                return (mac, signing);
            }
        }
    }

    /// The keys of lift `index`'s terminal (derived from the city seed; the platform side gets
    /// the same credentials with `keys(i).credentials()`). Deriving the Ed25519 key costs a
    /// scalar multiplication, so the simulator only does it for signed frames.
    pub fn keys(&self, index: usize) -> DeviceKeys {
        let (mac, signing) = self.key_material(index);
        match DeviceKeys::from_seed(mac, signing) {
            Ok(keys) => keys,
            Err(e) => unreachable!("key_material draws only keys from_seed accepts: {e}"),
        }
    }

    /// The uplink MAC key of lift `index`'s terminal (the MAC half of [`City::keys`], for the
    /// frames it only MACs).
    pub fn uplink_mac(&self, index: usize) -> FrameMac {
        MacKeys::new(&self.key_material(index).0).uplink().clone()
    }

    /// The epoch lift `index`'s terminal numbers its frames in (docs/protocol.md §8.1): drawn
    /// from the city seed, as a terminal draws it from its random generator.
    pub fn epoch(&self, index: usize) -> u32 {
        Rng::derive(self.seed, STREAM_EPOCHS, index as u64).next_u64() as u32
    }

    /// The building of lift `index`.
    pub fn building_of(&self, index: usize) -> Option<&Building> {
        self.buildings.get(self.lifts.get(index)?.building as usize)
    }
}

/// Rescue codes of 6 digits (Hangzhou default) while serials fit, longer for a bigger city.
fn rescue_format_for(lifts: usize) -> RescueCodeFormat {
    let mut format = RescueCodeFormat::HANGZHOU;
    while format.max_serial() < lifts as u64 && format.digits < RescueCodeFormat::MAX_DIGITS {
        format.digits += 1;
    }
    format
}

fn year_month(d: NaiveDate) -> u32 {
    d.year() as u32 * 100 + d.month()
}

fn registration(kind: EquipmentKind, region: u32, on: NaiveDate, seq: u32) -> RegistrationCode {
    // More than 9,999 lifts of one class, district and month wrap into the sequence's range;
    // the code stays well-formed (uniqueness is the register's job, not the simulator's).
    let text = format!(
        "{:04}{:06}{:06}{:04}",
        kind.catalogue_code(),
        region,
        year_month(on),
        (seq - 1) % 9999 + 1
    );
    RegistrationCode::parse(&text)
        .expect("class, Zhejiang division, year-month and sequence are valid")
}

fn commissioning_date(rng: &mut Rng, today: NaiveDate) -> NaiveDate {
    let band = AGE_BANDS[rng.weighted(&AGE_BANDS.map(|b| b.0))];
    let days = rng.int(band.1 * 365, band.2 * 365 - 1).max(1);
    today - Duration::days(days)
}

fn ratings(rng: &mut Rng, kind: EquipmentKind, floors: i64) -> (u32, Option<u32>) {
    use EquipmentKind::*;
    match kind {
        Escalator => (500, None),
        MovingWalk => (500, None),
        Dumbwaiter => (400, Some(200)),
        HydraulicPassenger | HydraulicFreight => (
            500,
            Some(if kind == HydraulicFreight { 2000 } else { 1000 }),
        ),
        TractionFreight | PositiveDriveFreight => (1000, Some([2000, 3000][rng.index(2)])),
        ExplosionProof => (1000, Some(1000)),
        TractionPassenger | Firefighter => {
            let speed = match floors {
                ..=7 => 1000,
                8..=18 => [1500, 1750][rng.index(2)],
                19..=33 => [2000, 2500][rng.index(2)],
                _ => [3000, 4000, 5000][rng.index(3)],
            };
            (speed, Some([800, 1000, 1050, 1350, 1600][rng.index(5)]))
        }
    }
}

fn lift_kinds(rng: &mut Rng, place: PlaceCategory, floors: i64) -> Vec<EquipmentKind> {
    use EquipmentKind::*;
    let mut kinds = Vec::new();
    let passenger = |rng: &mut Rng, lo: i64, hi: i64| rng.int(lo, hi) as usize;
    let tall = floors >= 12;
    match place {
        PlaceCategory::Residential => {
            let n = match floors {
                ..=11 => 1,
                12..=18 => 2,
                _ => passenger(rng, 2, 4),
            };
            kinds.extend(std::iter::repeat_n(TractionPassenger, n));
        }
        PlaceCategory::Office
        | PlaceCategory::Hotel
        | PlaceCategory::PublicService
        | PlaceCategory::Other => {
            let n = (floors / 5).clamp(1, 12) as usize;
            kinds.extend(std::iter::repeat_n(TractionPassenger, n));
            if place == PlaceCategory::Hotel && rng.chance(0.3) {
                kinds.push(Dumbwaiter);
            }
        }
        PlaceCategory::Hospital => {
            kinds.extend(std::iter::repeat_n(
                TractionPassenger,
                passenger(rng, 3, 10),
            ));
            if rng.chance(0.5) {
                kinds.push(Dumbwaiter);
            }
        }
        PlaceCategory::School => {
            kinds.extend(std::iter::repeat_n(TractionPassenger, passenger(rng, 1, 2)))
        }
        PlaceCategory::Mall => {
            kinds.extend(std::iter::repeat_n(TractionPassenger, passenger(rng, 2, 6)));
            kinds.extend(std::iter::repeat_n(Escalator, passenger(rng, 4, 16)));
            kinds.push(TractionFreight);
        }
        PlaceCategory::TransportHub => {
            kinds.extend(std::iter::repeat_n(Escalator, passenger(rng, 6, 16)));
            kinds.extend(std::iter::repeat_n(MovingWalk, passenger(rng, 0, 4)));
            kinds.extend(std::iter::repeat_n(TractionPassenger, passenger(rng, 2, 6)));
        }
        PlaceCategory::PedestrianCrossing => {
            if rng.chance(0.6) {
                kinds.extend([Escalator, Escalator]);
            } else {
                kinds.push(TractionPassenger);
            }
        }
        PlaceCategory::VenueOrScenicArea => {
            kinds.extend(std::iter::repeat_n(Escalator, passenger(rng, 2, 6)));
            kinds.extend(std::iter::repeat_n(TractionPassenger, passenger(rng, 1, 3)));
        }
        PlaceCategory::Industrial => {
            let n = passenger(rng, 1, 3);
            for _ in 0..n {
                kinds.push(match rng.weighted(&[0.8, 0.12, 0.05, 0.03]) {
                    0 => TractionFreight,
                    1 => HydraulicFreight,
                    2 => PositiveDriveFreight,
                    _ => ExplosionProof,
                });
            }
        }
    }
    // A firefighters' lift in buildings above about 33 m (GB 50016: one per fire compartment).
    if tall {
        if let Some(first) = kinds.iter_mut().find(|k| **k == TractionPassenger) {
            *first = Firefighter;
        }
    }
    if rng.chance(0.01) && floors <= 4 {
        kinds.push(HydraulicPassenger);
    }
    kinds
}
