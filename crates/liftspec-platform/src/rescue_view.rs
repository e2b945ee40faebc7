//! What the apps see of the rescue service, as of the last commit: every incident's status
//! (ETA, minutes to the Art. 30 limit, the next comforting message), its clocks, crew and
//! audit trail, and each crew's open incidents. The service publishes a new snapshot after
//! every commit, so a status query is answered without waiting for the engine — and never
//! shows what a crash could take back.

use std::collections::BTreeMap;

use liftspec_model::time::Timestamp;
use liftspec_rescue::service::{AuditEntry, IncidentStatus, RescueService};

/// One incident as the apps see it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IncidentView {
    /// Status: stage, ETA, minutes to the limit, the next comforting message.
    #[serde(flatten)]
    pub status: IncidentStatus,
    /// When it was first reported.
    pub reported_at: Timestamp,
    /// Since when the passengers are trapped (the two-hour rule counts from here).
    pub trapped_since: Timestamp,
    /// Dispatch tier (1 own unit, 2 another unit, 3 fire service).
    pub tier: u8,
    /// The crew offered or assigned, if any.
    pub crew: Option<String>,
    /// The audit trail.
    pub audit: Vec<AuditEntry>,
}

/// The rescue service as of a commit.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RescueSnapshot {
    /// The platform time it was taken at (ETAs and limits count to it).
    pub at: Option<Timestamp>,
    /// Every incident, in the order opened.
    pub incidents: Vec<IncidentView>,
    /// Each crew's incidents offered or assigned and not finished.
    pub crew_open: BTreeMap<String, Vec<String>>,
}

impl RescueSnapshot {
    /// The snapshot of `service` at `now`.
    pub fn of(service: &RescueService, now: Timestamp) -> Self {
        let crews = service.dispatcher().crews();
        let mut crew_open: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let incidents = service
            .incidents()
            .iter()
            .filter_map(|x| {
                let status = service.status(&x.id, now).ok()?;
                let crew = x
                    .crew
                    .and_then(|c| crews.get(c as usize))
                    .map(|c| c.id.to_string());
                if let (Some(c), true) = (&crew, x.stage.open()) {
                    crew_open
                        .entry(c.clone())
                        .or_default()
                        .push(x.id.to_string());
                }
                Some(IncidentView {
                    status,
                    reported_at: x.reported_at,
                    trapped_since: x.trapped_since,
                    tier: x.tier,
                    crew,
                    audit: x.audit.clone(),
                })
            })
            .collect();
        Self {
            at: Some(now),
            incidents,
            crew_open,
        }
    }

    /// One incident.
    pub fn incident(&self, id: &str) -> Option<&IncidentView> {
        self.incidents.iter().find(|v| v.status.id.as_str() == id)
    }
}
