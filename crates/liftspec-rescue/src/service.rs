//! The rescue service (sans-I/O; time is an input): reports become incidents, incidents are
//! located, dispatched tier by tier, clocked against the Art. 30 limits, comforted and closed
//! into rescue records. Every call that changes state takes an idempotency key, so a retried
//! call never dispatches twice.

use std::collections::BTreeMap;

use liftspec_model::equipment::{Equipment, GeoPoint};
use liftspec_model::id::{CreditCode, CrewId, IncidentId, RegistrationCode, RescueCode};
use liftspec_model::record::{RescueCause, RescueRecord};
use liftspec_model::time::Timestamp;
use liftspec_protocol::message::{Command, CommandAction};
use liftspec_protocol::usage_sign::UsageSign;
use liftspec_protocol::wire::DeviceId;

use crate::dispatch::{CrewSite, Dispatcher, Eligible, RoadEstimate, TravelTime};
use crate::policy::{RescuePolicy, SOURCE_ACCIDENT, SOURCE_SLA, SOURCE_TIER2, SOURCE_USE_UNIT};

/// A lift the service can locate.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiftSite {
    /// Registration code.
    pub registration_code: RegistrationCode,
    /// Rescue code on its sign.
    pub rescue_code: RescueCode,
    /// Its terminal, for comforting commands.
    pub device: DeviceId,
    /// Where it is.
    pub point: GeoPoint,
    /// Address.
    pub address: String,
    /// How to get to the machine room and the landing doors (keys, gate codes).
    pub access_notes: String,
    /// Inside the built-up urban area (the 30-minute limit).
    pub built_up: bool,
    /// Its maintenance unit.
    pub maintenance_unit: CreditCode,
}

impl LiftSite {
    /// The site of the lift `equipment` describes, whose terminal is `device`: its codes, where
    /// it is and how to reach it, and its maintenance unit. `None` without a rescue code (every
    /// lift must carry one on its sign: opinions item 10): such a lift cannot be reported by it.
    pub fn from_equipment(device: DeviceId, equipment: &Equipment) -> Option<Self> {
        let e = equipment;
        Some(Self {
            registration_code: e.registration_code.clone(),
            rescue_code: e.rescue_code.clone()?,
            device,
            point: e.location.point,
            address: e.location.address.clone(),
            access_notes: e.location.access_notes.clone(),
            built_up: e.location.built_up_area,
            maintenance_unit: e.maintenance_unit.clone(),
        })
    }
}

/// Who reported, and how the lift is identified.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ReportBy {
    /// A 96333 operator typing the rescue code a passenger read out.
    RescueCode(String),
    /// A passenger's phone scanning the usage sign (its QR payload).
    SignPayload(String),
    /// A detector or the EN 81-28 alarm, by registration code.
    Telemetry(String),
}

/// Why a call failed. Every variant has a stable code.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RescueError {
    /// No lift has this rescue or registration code.
    #[error("no lift with code {0}")]
    UnknownLift(String),
    /// The scanned payload is not a usage sign.
    #[error("not a usage sign: {0}")]
    BadSign(String),
    /// No such incident.
    #[error("no incident {0}")]
    UnknownIncident(String),
    /// No such crew.
    #[error("no crew {0}")]
    UnknownCrew(String),
    /// The incident is not in a state that allows this.
    #[error("{action} is not possible while the incident is {state}")]
    InvalidTransition {
        /// What was attempted.
        action: &'static str,
        /// The incident's state.
        state: &'static str,
    },
    /// The crew is not the one assigned.
    #[error("crew {0} is not assigned to this incident")]
    NotAssigned(String),
    /// The call is older than the incident's last update.
    #[error("stale update: {at} is before the incident's last update at {last}")]
    Stale {
        /// The call's time.
        at: i64,
        /// The last update.
        last: i64,
    },
    /// The idempotency key was used before for a different call.
    #[error("idempotency key {0} was used for a different call")]
    KeyReuse(u64),
}

impl RescueError {
    /// A stable, machine-readable code.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::UnknownLift(_) => "rescue.unknown_lift",
            Self::BadSign(_) => "rescue.bad_sign",
            Self::UnknownIncident(_) => "rescue.unknown_incident",
            Self::UnknownCrew(_) => "rescue.unknown_crew",
            Self::InvalidTransition { .. } => "rescue.invalid_transition",
            Self::NotAssigned(_) => "rescue.not_assigned",
            Self::Stale { .. } => "rescue.stale",
            Self::KeyReuse(_) => "rescue.key_reuse",
        }
    }
}

/// Where an incident stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Stage {
    /// Offered to a crew (tier 1 or 2), waiting for acceptance; or with the fire service (tier 3).
    Dispatching,
    /// A crew accepted and is on the way.
    Accepted,
    /// On site.
    Arrived,
    /// Passengers out.
    Released,
    /// Done: a rescue record exists.
    Closed,
    /// Closed as a false alarm.
    FalseAlarm,
}

impl Stage {
    const fn name(self) -> &'static str {
        match self {
            Self::Dispatching => "dispatching",
            Self::Accepted => "accepted",
            Self::Arrived => "arrived",
            Self::Released => "released",
            Self::Closed => "closed",
            Self::FalseAlarm => "a false alarm",
        }
    }

    /// Whether people may still be inside.
    pub const fn open(self) -> bool {
        matches!(self, Self::Dispatching | Self::Accepted | Self::Arrived)
    }
}

/// One step of an incident's audit trail.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    /// When.
    pub at: Timestamp,
    /// What happened, with the rule or reason.
    pub what: String,
}

/// An entrapment.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Incident {
    /// Its id.
    pub id: IncidentId,
    /// Index of the lift.
    pub lift: u32,
    /// Stage.
    pub stage: Stage,
    /// Tier: 1 own unit, 2 another unit or station (Art. 37), 3 fire service.
    pub tier: u8,
    /// Whether the fire service (119) has been called.
    pub fire_service_called: bool,
    /// The crew offered or assigned, if any.
    pub crew: Option<u32>,
    /// Crews that declined or timed out.
    pub passed: Vec<u32>,
    /// Reports merged into it.
    pub reports: Vec<ReportBy>,
    /// Predicted arrival of the assigned crew, minutes after its acceptance.
    pub eta_min: Option<f64>,
    /// Times. The first report to the platform.
    pub reported_at: Timestamp,
    /// The best estimate of when the passengers became trapped (the telemetry's stop, or the
    /// first report): the two-hour accident rule counts from it.
    pub trapped_since: Timestamp,
    /// Each maintenance unit offered the incident, with when it first received it: the Art. 30
    /// clock of that unit starts there ("接到乘客被困报告后").
    pub notified_units: Vec<(CreditCode, Timestamp)>,
    /// When the use unit said it had organised the rescue (Art. 20(3)).
    pub use_unit_organised_at: Option<Timestamp>,
    /// When the use unit reported the entrapment to the market regulator (Art. 20(3)).
    pub regulator_reported_at: Option<Timestamp>,
    /// Whether the use unit was reminded of its report.
    pub use_unit_reminded: bool,
    /// When the current offer was made.
    pub offered_at: Option<Timestamp>,
    /// First dispatch.
    pub dispatched_at: Option<Timestamp>,
    /// Acceptance.
    pub accepted_at: Option<Timestamp>,
    /// Arrival.
    pub arrived_at: Option<Timestamp>,
    /// Release.
    pub released_at: Option<Timestamp>,
    /// People trapped, as reported.
    pub trapped_persons: u16,
    /// The floor the car stopped at, when a report or the telemetry knows it.
    pub floor: Option<i16>,
    /// Whether the SLA warning and breach were raised, and the 2-hour escalation.
    pub warned: bool,
    /// Breach raised.
    pub breached: bool,
    /// Accident escalation raised.
    pub escalated: bool,
    /// When the next comforting message is due.
    pub next_comfort: Timestamp,
    /// Comforting messages sent.
    pub comforts: u32,
    /// Last update.
    pub updated_at: Timestamp,
    /// Cause when closed.
    pub cause: Option<RescueCause>,
    /// Why it was a false alarm.
    pub false_alarm_reason: Option<String>,
    /// Audit trail.
    pub audit: Vec<AuditEntry>,
}

impl Incident {
    /// When `unit` first received the report, if it did.
    pub fn notified(&self, unit: &CreditCode) -> Option<Timestamp> {
        self.notified_units
            .iter()
            .find(|(u, _)| u == unit)
            .map(|(_, t)| *t)
    }

    /// When the Art. 30 clock of the unit now responsible started: the first offer to the unit
    /// of the crew offered or assigned; between offers, the unit offered last. `None` before any
    /// unit received the report.
    fn clock_start(&self, dispatcher: &Dispatcher) -> Option<Timestamp> {
        match self.crew {
            Some(c) => self.notified(&dispatcher.crews()[c as usize].unit),
            None => self.notified_units.last().map(|(_, t)| *t),
        }
    }
}

/// What the service asks the world to do.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Notice {
    /// Offer an incident to a crew (its app rings).
    Offer {
        /// Incident.
        incident: IncidentId,
        /// Crew.
        crew: CrewId,
        /// Tier.
        tier: u8,
        /// Predicted arrival, minutes.
        eta_min: f64,
    },
    /// Call the fire service (tier 3).
    FireService {
        /// Incident.
        incident: IncidentId,
    },
    /// A protocol command to the car's terminal (a comforting message).
    Command {
        /// The terminal.
        device: DeviceId,
        /// The command.
        command: Command,
    },
    /// The arrival limit is near.
    SlaWarning {
        /// Incident.
        incident: IncidentId,
        /// Minutes left.
        minutes_left: i64,
        /// Clause.
        source: String,
    },
    /// The arrival limit passed without arrival.
    SlaBreach {
        /// Incident.
        incident: IncidentId,
        /// Clause.
        source: String,
    },
    /// The use unit has not reported the entrapment to the market regulator in time (Hangzhou
    /// Reg. Art. 20(3)): remind it.
    UseUnitReportDue {
        /// Incident.
        incident: IncidentId,
        /// Clause.
        source: String,
    },
    /// Trapped for two hours: an ordinary accident.
    AccidentEscalation {
        /// Incident.
        incident: IncidentId,
        /// Clause.
        source: String,
    },
}

/// What an incident looks like to an app.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IncidentStatus {
    /// Id.
    pub id: IncidentId,
    /// Stage.
    pub stage: Stage,
    /// Lift.
    pub registration_code: RegistrationCode,
    /// Address.
    pub address: String,
    /// Access notes for the rescuers.
    pub access_notes: String,
    /// Floor, if known.
    pub floor: Option<i16>,
    /// Minutes until predicted arrival, if a crew is on the way.
    pub eta_min: Option<f64>,
    /// Minutes left before the Art. 30 limit of the unit now responsible, counted from when it
    /// received the report (negative: past it); `None` before any unit has received it.
    pub minutes_to_limit: Option<i64>,
    /// The platform's own delay before a maintenance unit received the report, minutes, once
    /// one has.
    pub platform_delay_min: Option<i64>,
    /// The next comforting message (Chinese), while people wait.
    pub next_comfort_zh: Option<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
enum Call {
    Report(String),
    Crew(&'static str, u32, String),
}

/// The rescue service.
#[derive(Debug)]
pub struct RescueService {
    policy: RescuePolicy,
    lifts: Vec<LiftSite>,
    by_rescue_code: BTreeMap<String, u32>,
    by_registration: BTreeMap<String, u32>,
    dispatcher: Dispatcher,
    travel: Box<dyn TravelTime + Send>,
    incidents: Vec<Incident>,
    open_by_lift: BTreeMap<u32, usize>,
    keys: BTreeMap<u64, (Call, usize)>,
    /// When each crew's position was last set (ms; `i64::MIN`: never since the start).
    positioned_at: Vec<i64>,
}

impl std::fmt::Debug for dyn TravelTime + Send {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TravelTime")
    }
}

fn ts(ms: i64) -> Timestamp {
    Timestamp::from_millis(ms)
}

/// Minutes of the policy in ms, saturating: the policy is data.
fn minutes(m: i64) -> i64 {
    m.saturating_mul(60_000)
}

impl RescueService {
    /// A service for these lifts and crews, with the default road estimate.
    pub fn new(policy: RescuePolicy, lifts: Vec<LiftSite>, crews: Vec<CrewSite>) -> Self {
        Self::with_travel(policy, lifts, crews, Box::new(RoadEstimate::default()))
    }

    /// The same with a travel-time provider (a routing service, a traffic feed).
    pub fn with_travel(
        policy: RescuePolicy,
        lifts: Vec<LiftSite>,
        crews: Vec<CrewSite>,
        travel: Box<dyn TravelTime + Send>,
    ) -> Self {
        let by_rescue_code = lifts
            .iter()
            .enumerate()
            .map(|(i, l)| (l.rescue_code.to_string(), i as u32))
            .collect();
        let by_registration = lifts
            .iter()
            .enumerate()
            .map(|(i, l)| (l.registration_code.to_string(), i as u32))
            .collect();
        Self {
            policy,
            lifts,
            by_rescue_code,
            by_registration,
            positioned_at: vec![i64::MIN; crews.len()],
            dispatcher: Dispatcher::new(crews),
            travel,
            incidents: Vec::new(),
            open_by_lift: BTreeMap::new(),
            keys: BTreeMap::new(),
        }
    }

    /// All incidents so far.
    pub fn incidents(&self) -> &[Incident] {
        &self.incidents
    }

    /// The dispatcher (crews and their availability).
    pub fn dispatcher(&self) -> &Dispatcher {
        &self.dispatcher
    }

    fn locate(&self, by: &ReportBy) -> Result<u32, RescueError> {
        match by {
            ReportBy::RescueCode(code) => self
                .by_rescue_code
                .get(code.trim())
                .copied()
                .ok_or_else(|| RescueError::UnknownLift(code.clone())),
            ReportBy::Telemetry(reg) => self
                .by_registration
                .get(reg.trim())
                .copied()
                .ok_or_else(|| RescueError::UnknownLift(reg.clone())),
            ReportBy::SignPayload(text) => {
                let sign =
                    UsageSign::decode(text).map_err(|e| RescueError::BadSign(e.to_string()))?;
                self.by_registration
                    .get(sign.registration_code.as_str())
                    .copied()
                    .ok_or_else(|| RescueError::UnknownLift(sign.registration_code.to_string()))
            }
        }
    }

    fn remember(
        &mut self,
        key: u64,
        call: Call,
        incident: usize,
    ) -> Result<Option<usize>, RescueError> {
        match self.keys.get(&key) {
            Some((previous, i)) if *previous == call => Ok(Some(*i)),
            Some(_) => Err(RescueError::KeyReuse(key)),
            None => {
                self.keys.insert(key, (call, incident));
                Ok(None)
            }
        }
    }

    /// Reports trapped passengers. Reports of the same lift while an incident is open merge
    /// into it. Returns the incident and whether the report was merged.
    pub fn report(
        &mut self,
        key: u64,
        by: ReportBy,
        trapped_persons: u16,
        now: Timestamp,
    ) -> Result<(IncidentId, bool), RescueError> {
        self.report_at(key, by, trapped_persons, None, now)
    }

    /// [`RescueService::report`] with the floor, when the reporter or the telemetry knows it.
    pub fn report_at(
        &mut self,
        key: u64,
        by: ReportBy,
        trapped_persons: u16,
        floor: Option<i16>,
        now: Timestamp,
    ) -> Result<(IncidentId, bool), RescueError> {
        self.report_trapped(key, by, trapped_persons, floor, None, now)
    }

    /// [`RescueService::report_at`] with the best estimate of when the passengers became
    /// trapped (the telemetry knows when the car stopped): the two-hour accident rule counts
    /// from it (State Council Reg. Art. 64(3)). A later report never moves it later.
    pub fn report_trapped(
        &mut self,
        key: u64,
        by: ReportBy,
        trapped_persons: u16,
        floor: Option<i16>,
        trapped_since: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<(IncidentId, bool), RescueError> {
        let trapped_since = trapped_since.map_or(now, |t| t.min(now));
        let call = Call::Report(format!("{by:?}/{trapped_persons}/{floor:?}"));
        if let Some(i) = self
            .keys
            .get(&key)
            .filter(|(c, _)| *c == call)
            .map(|(_, i)| *i)
        {
            return Ok((self.incidents[i].id.clone(), true));
        }
        if self.keys.contains_key(&key) {
            return Err(RescueError::KeyReuse(key));
        }
        let lift = self.locate(&by)?;
        if let Some(&i) = self.open_by_lift.get(&lift) {
            let incident = &mut self.incidents[i];
            incident.reports.push(by);
            incident.trapped_persons = incident.trapped_persons.max(trapped_persons);
            incident.floor = incident.floor.or(floor);
            incident.trapped_since = incident.trapped_since.min(trapped_since);
            incident.audit.push(AuditEntry {
                at: now,
                what: "another report of the same entrapment: merged".into(),
            });
            let id = incident.id.clone();
            self.remember(key, call, i)?;
            return Ok((id, true));
        }
        let i = self.incidents.len();
        let id = IncidentId::parse(&format!("INC-{:08}", i + 1))
            .map_err(|e| RescueError::UnknownIncident(e.to_string()))?;
        let site = &self.lifts[lift as usize];
        self.incidents.push(Incident {
            id: id.clone(),
            lift,
            stage: Stage::Dispatching,
            tier: 1,
            fire_service_called: false,
            crew: None,
            passed: Vec::new(),
            reports: vec![by],
            eta_min: None,
            reported_at: now,
            trapped_since,
            notified_units: Vec::new(),
            use_unit_organised_at: None,
            regulator_reported_at: None,
            use_unit_reminded: false,
            offered_at: None,
            dispatched_at: None,
            accepted_at: None,
            arrived_at: None,
            released_at: None,
            trapped_persons,
            floor,
            warned: false,
            breached: false,
            escalated: false,
            next_comfort: now,
            comforts: 0,
            updated_at: now,
            cause: None,
            false_alarm_reason: None,
            audit: vec![AuditEntry {
                at: now,
                what: format!(
                    "located: {} at {}{}{} ({}; limit {} min, {SOURCE_SLA})",
                    site.registration_code,
                    site.address,
                    floor.map_or(String::new(), |f| format!(", floor {f}")),
                    if site.access_notes.is_empty() {
                        String::new()
                    } else {
                        format!(", access: {}", site.access_notes)
                    },
                    if site.built_up {
                        "built-up area"
                    } else {
                        "outside the built-up area"
                    },
                    self.policy.limit_ms(site.built_up) / 60_000
                ),
            }],
        });
        self.open_by_lift.insert(lift, i);
        self.remember(key, call, i)?;
        Ok((id, false))
    }

    fn find(&self, id: &IncidentId) -> Result<usize, RescueError> {
        self.incidents
            .iter()
            .position(|x| &x.id == id)
            .ok_or_else(|| RescueError::UnknownIncident(id.to_string()))
    }

    /// The common part of a crew's call: idempotency, stale and assignment checks, and the
    /// stage the action needs. `None` when the call is a retry already applied.
    fn crew_call(
        &mut self,
        key: u64,
        action: &'static str,
        required: Stage,
        crew: &CrewId,
        incident: &IncidentId,
        now: Timestamp,
    ) -> Result<Option<(usize, u32)>, RescueError> {
        let i = self.find(incident)?;
        let c = self
            .dispatcher
            .index_of(crew)
            .ok_or_else(|| RescueError::UnknownCrew(crew.to_string()))?;
        let call = Call::Crew(action, c, incident.to_string());
        if self.remember(key, call, i)?.is_some() {
            return Ok(None);
        }
        let x = &self.incidents[i];
        if now < x.updated_at {
            self.keys.remove(&key);
            return Err(RescueError::Stale {
                at: now.millis(),
                last: x.updated_at.millis(),
            });
        }
        if x.crew != Some(c) {
            self.keys.remove(&key);
            return Err(RescueError::NotAssigned(crew.to_string()));
        }
        if x.stage != required {
            let stage = x.stage;
            return Err(self.invalid(key, action, stage));
        }
        Ok(Some((i, c)))
    }

    fn invalid(&mut self, key: u64, action: &'static str, stage: Stage) -> RescueError {
        self.keys.remove(&key);
        RescueError::InvalidTransition {
            action,
            state: stage.name(),
        }
    }

    /// The offered crew accepts. A retry with the same key is a no-op.
    pub fn accept(
        &mut self,
        key: u64,
        crew: &CrewId,
        incident: &IncidentId,
        now: Timestamp,
    ) -> Result<(), RescueError> {
        let Some((i, c)) =
            self.crew_call(key, "accept", Stage::Dispatching, crew, incident, now)?
        else {
            return Ok(());
        };
        let site = &self.lifts[self.incidents[i].lift as usize];
        let eta = self
            .travel
            .minutes(self.dispatcher.crews()[c as usize].point, site.point, now);
        let x = &mut self.incidents[i];
        x.stage = Stage::Accepted;
        x.accepted_at = Some(now);
        x.eta_min = Some(eta);
        x.updated_at = now;
        x.next_comfort = now;
        x.audit.push(AuditEntry {
            at: now,
            what: format!("crew {crew} accepted (tier {}), ETA {eta:.0} min", x.tier),
        });
        Ok(())
    }

    /// The offered crew declines: the next one is offered at the next tick.
    pub fn decline(
        &mut self,
        key: u64,
        crew: &CrewId,
        incident: &IncidentId,
        now: Timestamp,
    ) -> Result<(), RescueError> {
        let Some((i, c)) =
            self.crew_call(key, "decline", Stage::Dispatching, crew, incident, now)?
        else {
            return Ok(());
        };
        self.dispatcher.set_busy(c, false);
        let x = &mut self.incidents[i];
        x.passed.push(c);
        x.crew = None;
        x.updated_at = now;
        x.audit.push(AuditEntry {
            at: now,
            what: format!("crew {crew} declined"),
        });
        Ok(())
    }

    /// The assigned crew is on site.
    pub fn arrive(
        &mut self,
        key: u64,
        crew: &CrewId,
        incident: &IncidentId,
        now: Timestamp,
    ) -> Result<(), RescueError> {
        let Some((i, _)) = self.crew_call(key, "arrive", Stage::Accepted, crew, incident, now)?
        else {
            return Ok(());
        };
        let x = &mut self.incidents[i];
        x.stage = Stage::Arrived;
        x.arrived_at = Some(now);
        x.updated_at = now;
        let start = x.clock_start(&self.dispatcher);
        let minutes = start.map(|s| now.millis_since(s) / 60_000);
        let site = &self.lifts[x.lift as usize];
        let on_time = start.is_some_and(|s| {
            liftspec_model::counting::within(s, self.policy.limit_ms(site.built_up), now)
        });
        x.audit.push(AuditEntry {
            at: now,
            what: format!(
                "crew {crew} on site {} after its unit received the report, {} ({SOURCE_SLA})",
                minutes.map_or("?".into(), |m| format!("{m} min")),
                if on_time {
                    "within the limit"
                } else {
                    "after the limit"
                }
            ),
        });
        Ok(())
    }

    /// The passengers are out.
    pub fn release(
        &mut self,
        key: u64,
        crew: &CrewId,
        incident: &IncidentId,
        now: Timestamp,
    ) -> Result<(), RescueError> {
        let Some((i, c)) = self.crew_call(key, "release", Stage::Arrived, crew, incident, now)?
        else {
            return Ok(());
        };
        self.dispatcher.set_busy(c, false);
        // The crew is free where the lift is, until its app reports otherwise.
        let site = self.lifts[self.incidents[i].lift as usize].point;
        self.dispatcher.move_crew(c, site);
        self.positioned_at[c as usize] = self.positioned_at[c as usize].max(now.millis());
        let x = &mut self.incidents[i];
        x.stage = Stage::Released;
        x.released_at = Some(now);
        x.updated_at = now;
        x.audit.push(AuditEntry {
            at: now,
            what: format!("passengers released by crew {crew}"),
        });
        let lift = x.lift;
        self.open_by_lift.remove(&lift);
        Ok(())
    }

    /// A crew's app reports where the crew is. Later offers start from there, and an incident
    /// the crew is on its way to gets a fresh ETA (in the app status and the next comforting
    /// message). A report older than the crew's last one is [`RescueError::Stale`]; repeating a
    /// report changes nothing, so no idempotency key is needed.
    pub fn crew_position(
        &mut self,
        crew: &CrewId,
        point: GeoPoint,
        now: Timestamp,
    ) -> Result<(), RescueError> {
        let c = self
            .dispatcher
            .index_of(crew)
            .ok_or_else(|| RescueError::UnknownCrew(crew.to_string()))?;
        let last = self.positioned_at[c as usize];
        if now.millis() < last {
            return Err(RescueError::Stale {
                at: now.millis(),
                last,
            });
        }
        self.positioned_at[c as usize] = now.millis();
        self.dispatcher.move_crew(c, point);
        let travelling = self
            .incidents
            .iter()
            .position(|x| x.crew == Some(c) && x.stage == Stage::Accepted);
        if let Some(i) = travelling {
            let to = self.lifts[self.incidents[i].lift as usize].point;
            let remaining = self.travel.minutes(point, to, now);
            let x = &mut self.incidents[i];
            // The ETA counts from the acceptance, so the time already travelled is added.
            let since_accept = x
                .accepted_at
                .map_or(0.0, |a| now.millis_since(a) as f64 / 60_000.0);
            x.eta_min = Some(since_accept + remaining);
        }
        Ok(())
    }

    /// Closes a released incident with its cause; returns the rescue record credit evaluation reads.
    pub fn close(
        &mut self,
        incident: &IncidentId,
        cause: RescueCause,
        now: Timestamp,
    ) -> Result<RescueRecord, RescueError> {
        let i = self.find(incident)?;
        let x = &mut self.incidents[i];
        if x.stage != Stage::Released {
            return Err(RescueError::InvalidTransition {
                action: "close",
                state: x.stage.name(),
            });
        }
        x.stage = Stage::Closed;
        x.cause = Some(cause);
        x.updated_at = now;
        x.audit.push(AuditEntry {
            at: now,
            what: format!("closed: {cause:?}"),
        });
        Ok(self.record(i))
    }

    /// Closes an open incident as a false alarm, with the reason; the crew is freed.
    pub fn false_alarm(
        &mut self,
        incident: &IncidentId,
        reason: &str,
        now: Timestamp,
    ) -> Result<RescueRecord, RescueError> {
        let i = self.find(incident)?;
        if !self.incidents[i].stage.open() {
            return Err(RescueError::InvalidTransition {
                action: "false alarm",
                state: self.incidents[i].stage.name(),
            });
        }
        if let Some(c) = self.incidents[i].crew {
            self.dispatcher.set_busy(c, false);
        }
        let x = &mut self.incidents[i];
        x.stage = Stage::FalseAlarm;
        x.false_alarm_reason = Some(reason.into());
        x.updated_at = now;
        x.audit.push(AuditEntry {
            at: now,
            what: format!("false alarm: {reason}"),
        });
        let lift = x.lift;
        self.open_by_lift.remove(&lift);
        Ok(self.record(i))
    }

    /// Withdraws an open incident (the reporter called back: the passengers got out on their
    /// own, or the report was a mistake); recorded with the reason, the crew freed.
    pub fn cancel(
        &mut self,
        incident: &IncidentId,
        reason: &str,
        now: Timestamp,
    ) -> Result<RescueRecord, RescueError> {
        self.false_alarm(incident, &format!("cancelled: {reason}"), now)
    }

    fn record(&self, i: usize) -> RescueRecord {
        let x = &self.incidents[i];
        let site = &self.lifts[x.lift as usize];
        let crew = x.crew.map(|c| &self.dispatcher.crews()[c as usize]);
        RescueRecord {
            incident: x.id.clone(),
            lift: site.registration_code.clone(),
            reported_at: x.reported_at,
            trapped_since: Some(x.trapped_since),
            unit_notified_at: crew.and_then(|c| x.notified(&c.unit)),
            use_unit_organised_at: x.use_unit_organised_at,
            regulator_reported_at: x.regulator_reported_at,
            dispatched_at: x.dispatched_at,
            accepted_at: x.accepted_at,
            arrived_at: x.arrived_at,
            released_at: x.released_at,
            responder: crew.map(|c| c.unit.clone()),
            crew: crew.map(|c| c.id.clone()),
            cross_unit_dispatch: x.tier == 2,
            built_up_area: site.built_up,
            trapped_persons: x.trapped_persons,
            false_alarm: x.stage == Stage::FalseAlarm,
            cause: x.cause.unwrap_or(RescueCause::Unknown),
        }
    }

    /// The use unit reports that it has organised the rescue (Hangzhou Reg. Art. 20(3)); the
    /// first report counts.
    pub fn use_unit_organised(
        &mut self,
        incident: &IncidentId,
        now: Timestamp,
    ) -> Result<(), RescueError> {
        self.use_unit_step(incident, now, "organised the rescue", |x| {
            &mut x.use_unit_organised_at
        })
    }

    /// The use unit reported the entrapment to the market regulator (Hangzhou Reg. Art. 20(3));
    /// the first report counts.
    pub fn regulator_reported(
        &mut self,
        incident: &IncidentId,
        now: Timestamp,
    ) -> Result<(), RescueError> {
        self.use_unit_step(incident, now, "reported to the market regulator", |x| {
            &mut x.regulator_reported_at
        })
    }

    /// Records the first time the use unit took one of its Art. 20(3) steps, with an audit entry.
    fn use_unit_step(
        &mut self,
        incident: &IncidentId,
        now: Timestamp,
        step: &str,
        field: fn(&mut Incident) -> &mut Option<Timestamp>,
    ) -> Result<(), RescueError> {
        let i = self.find(incident)?;
        let x = &mut self.incidents[i];
        let at = field(x);
        if at.is_none() {
            *at = Some(now);
            x.audit.push(AuditEntry {
                at: now,
                what: format!("use unit {step} ({SOURCE_USE_UNIT})"),
            });
        }
        Ok(())
    }

    /// An incident as an app shows it.
    pub fn status(
        &self,
        incident: &IncidentId,
        now: Timestamp,
    ) -> Result<IncidentStatus, RescueError> {
        let x = &self.incidents[self.find(incident)?];
        let site = &self.lifts[x.lift as usize];
        let left = x.clock_start(&self.dispatcher).map(|s| {
            liftspec_model::counting::remaining(s, self.policy.limit_ms(site.built_up), now)
        });
        let eta = match (x.stage, x.accepted_at, x.eta_min) {
            (Stage::Accepted, Some(a), Some(e)) => {
                Some((e - now.millis_since(a) as f64 / 60_000.0).max(0.0))
            }
            _ => None,
        };
        Ok(IncidentStatus {
            id: x.id.clone(),
            stage: x.stage,
            registration_code: site.registration_code.clone(),
            address: site.address.clone(),
            access_notes: site.access_notes.clone(),
            floor: x.floor,
            eta_min: eta,
            minutes_to_limit: left.map(|l| l.div_euclid(60_000)),
            platform_delay_min: x
                .notified_units
                .first()
                .map(|(_, t)| t.millis_since(x.reported_at) / 60_000),
            next_comfort_zh: x.stage.open().then(|| comfort_zh(eta)),
        })
    }

    /// Incidents a crew is offered or assigned and still has to finish.
    pub fn crew_open(&self, crew: &CrewId) -> Result<Vec<IncidentId>, RescueError> {
        let c = self
            .dispatcher
            .index_of(crew)
            .ok_or_else(|| RescueError::UnknownCrew(crew.to_string()))?;
        Ok(self
            .incidents
            .iter()
            .filter(|x| x.crew == Some(c) && x.stage.open())
            .map(|x| x.id.clone())
            .collect())
    }

    /// Advances every open incident to `now`: offers, tier escalation on timeout, comforting
    /// messages, SLA warning and breach, and the two-hour escalation.
    pub fn tick(&mut self, now: Timestamp) -> Vec<Notice> {
        let mut out = Vec::new();
        for i in 0..self.incidents.len() {
            if self.incidents[i].stage.open() {
                self.advance(i, now, &mut out);
            }
        }
        out
    }

    fn advance(&mut self, i: usize, now: Timestamp, out: &mut Vec<Notice>) {
        let policy = self.policy.clone();
        let site = self.lifts[self.incidents[i].lift as usize].clone();
        // Offers and timeouts.
        let still_offering = self.incidents[i].tier < 3 || policy.offer_after_fire_service;
        if self.incidents[i].stage == Stage::Dispatching && still_offering {
            let timed_out = self.incidents[i].crew.is_some()
                && self.incidents[i].offered_at.is_some_and(|o| {
                    let limit = if self.incidents[i].tier == 1 {
                        policy.tier1_accept_s
                    } else {
                        policy.tier2_accept_s
                    };
                    now.millis_since(o) >= limit.saturating_mul(1000)
                });
            if timed_out {
                if let Some(c) = self.incidents[i].crew.take() {
                    self.dispatcher.set_busy(c, false);
                    self.incidents[i].passed.push(c);
                    let id = self.dispatcher.crews()[c as usize].id.clone();
                    self.incidents[i].audit.push(AuditEntry {
                        at: now,
                        what: format!("crew {id} did not accept in time"),
                    });
                }
                // One timeout moves the incident up a tier (at most to the fire service).
                self.incidents[i].tier = (self.incidents[i].tier + 1).min(3);
            }
            if self.incidents[i].crew.is_none() && still_offering {
                let tier = self.incidents[i].tier;
                let eligible = match tier {
                    1 => Eligible::UnitOnly(&site.maintenance_unit),
                    2 => Eligible::OtherThan(&site.maintenance_unit),
                    // With 119 called, whichever crew frees up first.
                    _ => Eligible::Any,
                };
                let best = self.dispatcher.best(
                    site.point,
                    eligible,
                    &self.incidents[i].passed,
                    policy.candidates,
                    now,
                    self.travel.as_ref(),
                );
                match best {
                    Some(c) => {
                        self.dispatcher.set_busy(c.crew, true);
                        let crew = self.dispatcher.crews()[c.crew as usize].id.clone();
                        let unit = self.dispatcher.crews()[c.crew as usize].unit.clone();
                        let x = &mut self.incidents[i];
                        x.crew = Some(c.crew);
                        x.offered_at = Some(now);
                        x.dispatched_at.get_or_insert(now);
                        if x.notified(&unit).is_none() {
                            x.notified_units.push((unit, now));
                        }
                        x.audit.push(AuditEntry {
                            at: now,
                            what: format!(
                                "offered to crew {crew} (tier {tier}{}), predicted arrival {:.0} min, {:.1} km",
                                if tier == 2 { format!(", {SOURCE_TIER2}") } else { String::new() },
                                c.eta_min,
                                c.distance_km
                            ),
                        });
                        out.push(Notice::Offer {
                            incident: x.id.clone(),
                            crew,
                            tier,
                            eta_min: c.eta_min,
                        });
                    }
                    None if tier < 3 => {
                        let x = &mut self.incidents[i];
                        x.audit.push(AuditEntry {
                            at: now,
                            what: format!("no available crew at tier {tier}"),
                        });
                        x.tier += 1;
                    }
                    None => {}
                }
            }
            if self.incidents[i].tier >= 3 && !self.incidents[i].fire_service_called {
                let x = &mut self.incidents[i];
                x.tier = 3;
                x.fire_service_called = true;
                x.dispatched_at.get_or_insert(now);
                x.audit.push(AuditEntry {
                    at: now,
                    what: "tier 3: fire service 119 called".into(),
                });
                out.push(Notice::FireService {
                    incident: x.id.clone(),
                });
            }
        }
        let x = &mut self.incidents[i];
        // Comforting messages to the car, with the ETA (opinions item 11).
        if now >= x.next_comfort {
            let eta = match (x.accepted_at, x.eta_min) {
                (Some(a), Some(e)) => Some((e - now.millis_since(a) as f64 / 60_000.0).max(0.0)),
                _ => None,
            };
            x.comforts += 1;
            x.next_comfort = ts(now
                .millis()
                .saturating_add(minutes(policy.comfort_every_min)));
            let number =
                x.id.as_str()
                    .trim_start_matches("INC-")
                    .parse::<u64>()
                    .unwrap_or(0);
            out.push(Notice::Command {
                device: site.device.clone(),
                command: Command {
                    idempotency_key: number * 10_000 + u64::from(x.comforts),
                    action: CommandAction::Comfort {
                        text_zh: comfort_zh(eta),
                        text_en: comfort_en(eta),
                        speak: true,
                    },
                },
            });
        }
        // SLA clocks (Art. 30) until arrival, from when the responsible unit received the report.
        // A breach is raised only after the limit: an arrival at the limit itself is on time.
        let start = x.clock_start(&self.dispatcher);
        if let (None, Some(start)) = (x.arrived_at, start) {
            let limit_ms = policy.limit_ms(site.built_up);
            let left = liftspec_model::counting::remaining(start, limit_ms, now);
            if !x.warned && left <= minutes(policy.warn_before_min) && left > 0 {
                x.warned = true;
                out.push(Notice::SlaWarning {
                    incident: x.id.clone(),
                    minutes_left: left / 60_000,
                    source: SOURCE_SLA.into(),
                });
            }
            if !x.breached && !liftspec_model::counting::within(start, limit_ms, now) {
                x.breached = true;
                x.audit.push(AuditEntry {
                    at: now,
                    what: format!("arrival limit passed ({SOURCE_SLA})"),
                });
                out.push(Notice::SlaBreach {
                    incident: x.id.clone(),
                    source: SOURCE_SLA.into(),
                });
            }
        }
        if x.regulator_reported_at.is_none()
            && !x.use_unit_reminded
            && now.millis_since(x.reported_at) >= minutes(policy.use_unit_report_within_min)
        {
            x.use_unit_reminded = true;
            x.audit.push(AuditEntry {
                at: now,
                what: format!("use unit's report to the regulator is due ({SOURCE_USE_UNIT})"),
            });
            out.push(Notice::UseUnitReportDue {
                incident: x.id.clone(),
                source: SOURCE_USE_UNIT.into(),
            });
        }
        if !x.escalated
            && liftspec_model::counting::at_least(
                x.trapped_since,
                minutes(policy.accident_after_min),
                now,
            )
        {
            x.escalated = true;
            x.audit.push(AuditEntry {
                at: now,
                what: format!("escalated: {SOURCE_ACCIDENT}"),
            });
            out.push(Notice::AccidentEscalation {
                incident: x.id.clone(),
                source: SOURCE_ACCIDENT.into(),
            });
        }
    }
}

fn comfort_zh(eta: Option<f64>) -> String {
    match eta {
        Some(m) => format!(
            "救援人员已出发，预计{}分钟后到达。请保持冷静，不要扒门，不要吸烟。",
            m.ceil() as i64
        ),
        None => "已收到您的求助，正在安排救援人员。请保持冷静，不要扒门，不要吸烟。".into(),
    }
}

fn comfort_en(eta: Option<f64>) -> String {
    match eta {
        Some(m) => format!(
            "Rescue is on the way and arrives in about {} minutes. Please stay calm, do not force the doors and do not smoke.",
            m.ceil() as i64
        ),
        None => "Help is being arranged. Please stay calm, do not force the doors and do not smoke.".into(),
    }
}
