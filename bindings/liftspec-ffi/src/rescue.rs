//! The rescue workflow for the citizen's and the crew's apps: the rescue service as an object.

use std::sync::Mutex;

use liftspec_model::equipment::{Equipment, GeoPoint};
use liftspec_model::id::{CrewId, IncidentId};
use liftspec_model::record::RescueCause as Cause;
use liftspec_protocol::wire::DeviceId;
use liftspec_rescue::dispatch::CrewSite;
use liftspec_rescue::policy::RescuePolicy;
use liftspec_rescue::service::{LiftSite, Notice, ReportBy, RescueService, Stage};

use crate::{json, lock, ts, Result};

/// The lifts and crews the service knows: the `fleet.json` a platform publishes
/// (`liftspec city --record` writes one); other members are ignored.
#[derive(serde::Deserialize)]
struct Registry {
    lifts: Vec<RegistryLift>,
    #[serde(default)]
    crews: Vec<CrewSite>,
}

#[derive(serde::Deserialize)]
struct RegistryLift {
    device: DeviceId,
    equipment: Equipment,
}

/// Why the passengers were trapped, for the rescue record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum RescueCause {
    /// The lift failed.
    EquipmentFault,
    /// The power failed.
    PowerFailure,
    /// Passengers misused it.
    Misuse,
    /// Outside causes.
    External,
    /// Not known.
    Unknown,
}

impl From<RescueCause> for Cause {
    fn from(c: RescueCause) -> Self {
        match c {
            RescueCause::EquipmentFault => Cause::EquipmentFault,
            RescueCause::PowerFailure => Cause::PowerFailure,
            RescueCause::Misuse => Cause::Misuse,
            RescueCause::External => Cause::External,
            RescueCause::Unknown => Cause::Unknown,
        }
    }
}

/// Where an incident stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum IncidentStage {
    /// Offered to a crew, or with the fire service.
    Dispatching,
    /// A crew is on the way.
    Accepted,
    /// On site.
    Arrived,
    /// Passengers out.
    Released,
    /// Closed with a rescue record.
    Closed,
    /// Closed as a false alarm.
    FalseAlarm,
}

impl From<Stage> for IncidentStage {
    fn from(s: Stage) -> Self {
        match s {
            Stage::Dispatching => Self::Dispatching,
            Stage::Accepted => Self::Accepted,
            Stage::Arrived => Self::Arrived,
            Stage::Released => Self::Released,
            Stage::Closed => Self::Closed,
            Stage::FalseAlarm => Self::FalseAlarm,
        }
    }
}

/// A report's outcome.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReportOutcome {
    /// The incident.
    pub incident: String,
    /// Whether the report joined an open incident of the same lift (or repeated a call).
    pub merged: bool,
}

/// An incident as an app shows it.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct IncidentStatus {
    /// Id.
    pub id: String,
    /// Stage.
    pub stage: IncidentStage,
    /// The lift.
    pub registration_code: String,
    /// Address.
    pub address: String,
    /// Access notes for the rescuers.
    pub access_notes: String,
    /// Floor, if known.
    pub floor: Option<i16>,
    /// Minutes until the crew's predicted arrival.
    pub eta_min: Option<f64>,
    /// Minutes left before the Art. 30 arrival limit (negative: past it).
    pub minutes_to_limit: Option<i64>,
    /// The comforting message for the passengers (Chinese), while they wait.
    pub comfort_zh: Option<String>,
}

/// What the service asks the world to do.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum RescueNotice {
    /// Offer an incident to a crew (its app rings).
    Offer {
        /// Incident.
        incident: String,
        /// Crew.
        crew: String,
        /// Tier: 1 own unit, 2 another unit, 3 fire service.
        tier: u8,
        /// Predicted arrival, minutes.
        eta_min: f64,
    },
    /// Call the fire service (119).
    FireService {
        /// Incident.
        incident: String,
    },
    /// Send a command (a comforting message) to the car's terminal.
    Command {
        /// The terminal.
        device: String,
        /// The command, in its JSON form.
        json: String,
    },
    /// The arrival limit is near.
    SlaWarning {
        /// Incident.
        incident: String,
        /// Minutes left.
        minutes_left: i64,
        /// The clause.
        source: String,
    },
    /// The arrival limit passed.
    SlaBreach {
        /// Incident.
        incident: String,
        /// The clause.
        source: String,
    },
    /// Remind the use unit to report to the market regulator.
    UseUnitReportDue {
        /// Incident.
        incident: String,
        /// The clause.
        source: String,
    },
    /// Trapped two hours: an ordinary accident.
    AccidentEscalation {
        /// Incident.
        incident: String,
        /// The clause.
        source: String,
    },
}

impl From<Notice> for RescueNotice {
    fn from(n: Notice) -> Self {
        match n {
            Notice::Offer {
                incident,
                crew,
                tier,
                eta_min,
            } => Self::Offer {
                incident: incident.to_string(),
                crew: crew.to_string(),
                tier,
                eta_min,
            },
            Notice::FireService { incident } => Self::FireService {
                incident: incident.to_string(),
            },
            Notice::Command { device, command } => Self::Command {
                device: device.to_string(),
                json: json(&command),
            },
            Notice::SlaWarning {
                incident,
                minutes_left,
                source,
            } => Self::SlaWarning {
                incident: incident.to_string(),
                minutes_left,
                source,
            },
            Notice::SlaBreach { incident, source } => Self::SlaBreach {
                incident: incident.to_string(),
                source,
            },
            Notice::UseUnitReportDue { incident, source } => Self::UseUnitReportDue {
                incident: incident.to_string(),
                source,
            },
            Notice::AccidentEscalation { incident, source } => Self::AccidentEscalation {
                incident: incident.to_string(),
                source,
            },
        }
    }
}

/// The 96333 rescue service: reports, dispatch tier by tier, the crews' steps, the Art. 30
/// clocks, comforting messages and the rescue record. Every state change takes an idempotency
/// key, so a retried call does nothing twice. Thread-safe.
#[derive(uniffi::Object)]
pub struct Rescue {
    inner: Mutex<RescueService>,
}

#[uniffi::export]
impl Rescue {
    /// A service over the lifts and crews of `registry_json` (a platform's `fleet.json`), with
    /// `policy_json` (a `RescuePolicy`) or, when `None`, the Hangzhou defaults.
    #[uniffi::constructor]
    pub fn new(registry_json: String, policy_json: Option<String>) -> Result<Self> {
        let registry: Registry = serde_json::from_str(&registry_json)?;
        let policy: RescuePolicy = match policy_json {
            Some(p) => serde_json::from_str(&p)?,
            None => RescuePolicy::default(),
        };
        let sites = registry
            .lifts
            .into_iter()
            .filter_map(|l| LiftSite::from_equipment(l.device, &l.equipment))
            .collect();
        Ok(Self {
            inner: Mutex::new(RescueService::new(policy, sites, registry.crews)),
        })
    }

    /// Trapped passengers reported by the rescue code a passenger read out.
    pub fn report_by_rescue_code(
        &self,
        key: u64,
        rescue_code: String,
        persons: u16,
        floor: Option<i16>,
        now_ms: i64,
    ) -> Result<ReportOutcome> {
        self.report(
            key,
            ReportBy::RescueCode(rescue_code),
            persons,
            floor,
            now_ms,
        )
    }

    /// Trapped passengers reported by a phone that scanned the usage sign.
    pub fn report_by_sign(
        &self,
        key: u64,
        payload: String,
        persons: u16,
        floor: Option<i16>,
        now_ms: i64,
    ) -> Result<ReportOutcome> {
        self.report(key, ReportBy::SignPayload(payload), persons, floor, now_ms)
    }

    /// Trapped passengers found by the telemetry, by registration code.
    pub fn report_by_registration_code(
        &self,
        key: u64,
        registration_code: String,
        persons: u16,
        floor: Option<i16>,
        now_ms: i64,
    ) -> Result<ReportOutcome> {
        self.report(
            key,
            ReportBy::Telemetry(registration_code),
            persons,
            floor,
            now_ms,
        )
    }

    /// The offered crew accepts.
    pub fn accept(&self, key: u64, crew: String, incident: String, now_ms: i64) -> Result<()> {
        self.crew_step(key, &crew, &incident, now_ms, RescueService::accept)
    }

    /// The offered crew declines.
    pub fn decline(&self, key: u64, crew: String, incident: String, now_ms: i64) -> Result<()> {
        self.crew_step(key, &crew, &incident, now_ms, RescueService::decline)
    }

    /// The assigned crew is on site.
    pub fn arrive(&self, key: u64, crew: String, incident: String, now_ms: i64) -> Result<()> {
        self.crew_step(key, &crew, &incident, now_ms, RescueService::arrive)
    }

    /// The passengers are out.
    pub fn release(&self, key: u64, crew: String, incident: String, now_ms: i64) -> Result<()> {
        self.crew_step(key, &crew, &incident, now_ms, RescueService::release)
    }

    /// Closes a released incident; returns the rescue record (JSON) credit evaluation reads.
    /// Closing again is an error (`rescue.invalid_transition`).
    pub fn close(&self, incident: String, cause: RescueCause, now_ms: i64) -> Result<String> {
        let i = IncidentId::parse(&incident)?;
        let record = lock(&self.inner).close(&i, cause.into(), ts(now_ms))?;
        Ok(json(&record))
    }

    /// Where a crew is (its app's position report).
    pub fn crew_position(&self, crew: String, lat: f64, lon: f64, now_ms: i64) -> Result<()> {
        let c = CrewId::parse(&crew)?;
        let point = GeoPoint::new(lat, lon)?;
        Ok(lock(&self.inner).crew_position(&c, point, ts(now_ms))?)
    }

    /// An incident as an app shows it.
    pub fn status(&self, incident: String, now_ms: i64) -> Result<IncidentStatus> {
        let i = IncidentId::parse(&incident)?;
        let s = lock(&self.inner).status(&i, ts(now_ms))?;
        Ok(IncidentStatus {
            id: s.id.to_string(),
            stage: s.stage.into(),
            registration_code: s.registration_code.to_string(),
            address: s.address,
            access_notes: s.access_notes,
            floor: s.floor,
            eta_min: s.eta_min,
            minutes_to_limit: s.minutes_to_limit,
            comfort_zh: s.next_comfort_zh,
        })
    }

    /// The incidents a crew still has to finish.
    pub fn crew_incidents(&self, crew: String) -> Result<Vec<String>> {
        let c = CrewId::parse(&crew)?;
        Ok(lock(&self.inner)
            .crew_open(&c)?
            .iter()
            .map(ToString::to_string)
            .collect())
    }

    /// Advances every open incident to `now_ms`: offers, escalation, comforting messages,
    /// warnings.
    pub fn tick(&self, now_ms: i64) -> Vec<RescueNotice> {
        lock(&self.inner)
            .tick(ts(now_ms))
            .into_iter()
            .map(Into::into)
            .collect()
    }
}

/// A crew's step on an incident (accept, decline, arrive, release), as the service names it.
type CrewStep = fn(
    &mut RescueService,
    u64,
    &CrewId,
    &IncidentId,
    liftspec_model::time::Timestamp,
) -> std::result::Result<(), liftspec_rescue::service::RescueError>;

impl Rescue {
    fn crew_step(
        &self,
        key: u64,
        crew: &str,
        incident: &str,
        now_ms: i64,
        step: CrewStep,
    ) -> Result<()> {
        let (crew, incident) = (CrewId::parse(crew)?, IncidentId::parse(incident)?);
        Ok(step(
            &mut lock(&self.inner),
            key,
            &crew,
            &incident,
            ts(now_ms),
        )?)
    }

    fn report(
        &self,
        key: u64,
        by: ReportBy,
        persons: u16,
        floor: Option<i16>,
        now_ms: i64,
    ) -> Result<ReportOutcome> {
        let (incident, merged) =
            lock(&self.inner).report_at(key, by, persons, floor, ts(now_ms))?;
        Ok(ReportOutcome {
            incident: incident.to_string(),
            merged,
        })
    }
}
