//! The rescue service made durable by its calls: every call that changed the service is
//! stored, in order, with the time it was made, and a restarted platform rebuilds the service
//! by making the same calls again. The service is deterministic (sans-I/O, time passed in), so
//! the rebuilt one has every incident with its clocks, offers and audit trail as they were.
//!
//! ```
//! use liftspec_platform::rescue_log::RescueCall;
//! let call: RescueCall = serde_json::from_str(r#"{"call":"tick"}"#)?;
//! assert_eq!(call, RescueCall::Tick);
//! # Ok::<(), serde_json::Error>(())
//! ```

use liftspec_model::equipment::GeoPoint;
use liftspec_model::id::{CrewId, IncidentId};
use liftspec_model::record::{RescueCause, RescueRecord};
use liftspec_model::time::Timestamp;
use liftspec_rescue::service::{Notice, ReportBy, RescueError, RescueService};

/// One call on the rescue service.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "call", rename_all = "camelCase")]
pub enum RescueCall {
    /// Trapped passengers reported (by an app, a 96333 operator, or the detectors).
    #[serde(rename_all = "camelCase")]
    Report {
        /// Who reported, and how the lift is identified.
        by: ReportBy,
        /// How many people are trapped (1 when not known).
        persons: u16,
        /// The floor, when known.
        floor: Option<i16>,
        /// When the car stopped, when the telemetry knows (the two-hour rule counts from there).
        since: Option<Timestamp>,
    },
    /// A crew accepts its offer.
    Accept {
        /// The crew.
        crew: CrewId,
        /// The incident.
        incident: IncidentId,
    },
    /// A crew declines its offer.
    Decline {
        /// The crew.
        crew: CrewId,
        /// The incident.
        incident: IncidentId,
    },
    /// The crew arrived at the lift.
    Arrive {
        /// The crew.
        crew: CrewId,
        /// The incident.
        incident: IncidentId,
    },
    /// The passengers are out.
    Release {
        /// The crew.
        crew: CrewId,
        /// The incident.
        incident: IncidentId,
    },
    /// The incident is closed with its cause; the rescue record is written.
    Close {
        /// The incident.
        incident: IncidentId,
        /// Why the passengers were trapped.
        cause: RescueCause,
    },
    /// A crew's app reports where it is.
    Position {
        /// The crew.
        crew: CrewId,
        /// Where.
        point: GeoPoint,
    },
    /// The service's timer: offers, escalations, comforting messages, SLA warnings.
    Tick,
}

/// What a call did.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum RescueOutcome {
    /// A report opened an incident, or merged into the lift's open one.
    Reported {
        /// The incident.
        incident: IncidentId,
        /// Whether it merged.
        merged: bool,
    },
    /// The call was made.
    Done,
    /// The incident was closed.
    Closed {
        /// Its rescue record.
        record: Box<RescueRecord>,
    },
    /// The timer ran.
    Ticked {
        /// What the world is asked to do.
        notices: Vec<Notice>,
    },
}

impl RescueCall {
    /// Makes the call on `service` with idempotency key `key` at `now`.
    pub fn apply(
        &self,
        service: &mut RescueService,
        key: u64,
        now: Timestamp,
    ) -> Result<RescueOutcome, RescueError> {
        Ok(match self {
            Self::Report {
                by,
                persons,
                floor,
                since,
            } => {
                let (incident, merged) =
                    service.report_trapped(key, by.clone(), *persons, *floor, *since, now)?;
                RescueOutcome::Reported { incident, merged }
            }
            Self::Accept { crew, incident } => {
                service.accept(key, crew, incident, now)?;
                RescueOutcome::Done
            }
            Self::Decline { crew, incident } => {
                service.decline(key, crew, incident, now)?;
                RescueOutcome::Done
            }
            Self::Arrive { crew, incident } => {
                service.arrive(key, crew, incident, now)?;
                RescueOutcome::Done
            }
            Self::Release { crew, incident } => {
                service.release(key, crew, incident, now)?;
                RescueOutcome::Done
            }
            Self::Close { incident, cause } => RescueOutcome::Closed {
                record: Box::new(service.close(incident, *cause, now)?),
            },
            Self::Position { crew, point } => {
                service.crew_position(crew, *point, now)?;
                RescueOutcome::Done
            }
            Self::Tick => RescueOutcome::Ticked {
                notices: service.tick(now),
            },
        })
    }
}
