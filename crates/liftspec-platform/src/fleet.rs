//! The installations a platform serves: each lift with its terminal's credentials and its
//! equipment record, the rescue crews, and the maintenance units — the data a city's registry
//! holds, loaded from one JSON file.

use std::collections::BTreeMap;

use liftspec_model::equipment::Equipment;
use liftspec_model::id::CreditCode;
use liftspec_protocol::auth::DeviceCredentials;
use liftspec_protocol::wire::DeviceId;
use liftspec_rescue::dispatch::CrewSite;
use liftspec_rescue::service::LiftSite;

/// A lift and the terminal that reports for it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FleetLift {
    /// The terminal's device id.
    pub device: DeviceId,
    /// What the platform verifies the terminal's frames with (and MACs its own frames with).
    pub credentials: DeviceCredentials,
    /// The lift's equipment record (floors, speed, location, units, codes).
    pub equipment: Equipment,
}

/// A maintenance unit, as credit evaluation needs it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FleetUnit {
    /// Its unified social credit code.
    pub credit_code: CreditCode,
    /// Its name.
    pub name: String,
    /// Registered technicians.
    pub technicians: u32,
}

/// Everything the platform serves.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fleet {
    /// The lifts.
    pub lifts: Vec<FleetLift>,
    /// The rescue crews.
    #[serde(default)]
    pub crews: Vec<CrewSite>,
    /// The maintenance units.
    #[serde(default)]
    pub units: Vec<FleetUnit>,
}

/// Why a fleet cannot be served.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FleetError {
    /// Two lifts name the same terminal.
    #[error("device {0} is listed twice")]
    DuplicateDevice(String),
    /// Two lifts have the same registration code.
    #[error("registration code {0} is listed twice")]
    DuplicateLift(String),
    /// A lift has no rescue code, so the 96333 service cannot locate it.
    #[error("lift {0} has no rescue code")]
    NoRescueCode(String),
    /// A crew belongs to a unit the fleet does not list.
    #[error("crew {crew} belongs to unit {unit}, which is not listed")]
    UnknownUnit {
        /// The crew.
        crew: String,
        /// Its unit.
        unit: String,
    },
    /// The file is not a fleet.
    #[error("not a fleet file: {0}")]
    Syntax(String),
}

impl FleetError {
    /// A stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::DuplicateDevice(_) => "fleet.duplicate_device",
            Self::DuplicateLift(_) => "fleet.duplicate_lift",
            Self::NoRescueCode(_) => "fleet.no_rescue_code",
            Self::UnknownUnit { .. } => "fleet.unknown_unit",
            Self::Syntax(_) => "fleet.syntax",
        }
    }
}

impl Fleet {
    /// Parses and checks a fleet file.
    ///
    /// ```
    /// let err = liftspec_platform::fleet::Fleet::from_json("{").unwrap_err();
    /// assert_eq!(err.code(), "fleet.syntax");
    /// ```
    pub fn from_json(text: &str) -> Result<Self, FleetError> {
        let fleet: Self =
            serde_json::from_str(text).map_err(|e| FleetError::Syntax(e.to_string()))?;
        fleet.validate()?;
        Ok(fleet)
    }

    /// Checks that every terminal and lift is listed once, that every lift can be located by
    /// the rescue service, and that every crew's unit is listed (when units are).
    pub fn validate(&self) -> Result<(), FleetError> {
        let mut devices = BTreeMap::new();
        let mut lifts = BTreeMap::new();
        for l in &self.lifts {
            if devices.insert(l.device.as_str(), ()).is_some() {
                return Err(FleetError::DuplicateDevice(l.device.to_string()));
            }
            let code = l.equipment.registration_code.as_str();
            if lifts.insert(code, ()).is_some() {
                return Err(FleetError::DuplicateLift(code.into()));
            }
            if l.equipment.rescue_code.is_none() {
                return Err(FleetError::NoRescueCode(code.into()));
            }
        }
        if !self.units.is_empty() {
            for c in &self.crews {
                if !self.units.iter().any(|u| u.credit_code == c.unit) {
                    return Err(FleetError::UnknownUnit {
                        crew: c.id.to_string(),
                        unit: c.unit.to_string(),
                    });
                }
            }
        }
        Ok(())
    }

    /// Where each lift is, for the rescue service (lifts without a rescue code are left out;
    /// [`Fleet::validate`] refuses them).
    pub fn sites(&self) -> Vec<LiftSite> {
        self.lifts
            .iter()
            .filter_map(|l| LiftSite::from_equipment(l.device.clone(), &l.equipment))
            .collect()
    }
}

#[cfg(feature = "sim")]
impl Fleet {
    /// The simulated city as the platform's registry holds it: every lift with its terminal's
    /// credentials and equipment record, the crews at their stations, the maintenance units.
    pub fn of_city(city: &liftspec_sim::city::City) -> Self {
        let lifts = (0..city.lifts.len())
            .filter_map(|i| {
                Some(FleetLift {
                    device: city.lifts[i].device.clone(),
                    credentials: city.keys(i).credentials(),
                    equipment: city.equipment(i)?,
                })
            })
            .collect();
        let crews = city
            .maintenance_units
            .iter()
            .flat_map(|u| {
                u.crews.iter().map(|c| liftspec_rescue::dispatch::CrewSite {
                    id: c.id.clone(),
                    unit: u.organisation.credit_code.clone(),
                    point: u.station_of(&c.id).map_or(u.stations[0].point, |s| s.point),
                })
            })
            .collect();
        let units = city
            .maintenance_units
            .iter()
            .map(|u| FleetUnit {
                credit_code: u.organisation.credit_code.clone(),
                name: u.organisation.name.clone(),
                technicians: u.technicians.len() as u32,
            })
            .collect();
        Fleet {
            lifts,
            crews,
            units,
        }
    }
}
