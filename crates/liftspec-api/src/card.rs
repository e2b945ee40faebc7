//! The lift card: what a citizen sees after scanning a lift's usage sign (implementation
//! opinions item 10: scan the sign to see the maintenance and inspection records), and the
//! snapshot of every card that a platform publishes for pages to read without a request per
//! scan.
//!
//! The snapshot's shape (`lift-cards.json`, written by `liftspec city --out`):
//!
//! ```json
//! { "asOf": "2026-01-01",
//!   "cards": [ { "registrationCode": "31103301062010050007", "rescueCode": "100072",
//!                "kind": "tractionPassenger", "address": "…", "district": "…",
//!                "useUnit": "…", "maintenanceUnit": "…", "commissionedOn": "2012-05-01",
//!                "lastMaintenance": "2025-12-20", "nextMaintenanceDue": "2026-01-04",
//!                "lastInspection": "2025-03-02", "lastInspectionResult": "pass",
//!                "nextInspectionDue": "2026-03-01", "inspectionRequestBy": "2026-02-01",
//!                "sources": ["…"] } ] }
//! ```

use chrono::NaiveDate;
use liftspec_model::equipment::EquipmentKind;
use liftspec_model::record::InspectionResult;
use liftspec_protocol::usage_sign::UsageSign;

/// What a citizen sees after scanning a lift's usage sign: the lift, its units, and its
/// maintenance and inspection, last and next due. `GET /v1/lifts/lookup?sign=…` answers one.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LiftCard {
    /// Registration code.
    pub registration_code: String,
    /// Rescue code (for 96333).
    pub rescue_code: Option<String>,
    /// What kind of equipment.
    pub kind: EquipmentKind,
    /// Address.
    pub address: String,
    /// District.
    pub district: String,
    /// The use unit's credit code.
    pub use_unit: String,
    /// The maintenance unit's credit code.
    pub maintenance_unit: String,
    /// Commissioned.
    pub commissioned_on: NaiveDate,
    /// The last maintenance session's day (local), if any is recorded.
    pub last_maintenance: Option<NaiveDate>,
    /// The last day the next session is due (the maintenance interval after the last one).
    pub next_maintenance_due: Option<NaiveDate>,
    /// The last periodic inspection's day, if any is recorded.
    pub last_inspection: Option<NaiveDate>,
    /// Its result.
    pub last_inspection_result: Option<InspectionResult>,
    /// When the inspection certificate's validity ends (the next inspection is due).
    pub next_inspection_due: Option<NaiveDate>,
    /// The last day the use unit may request that inspection.
    pub inspection_request_by: Option<NaiveDate>,
    /// The clauses the due dates come from.
    pub sources: Vec<String>,
}

/// Whether a due date has passed on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Due {
    /// Nothing recorded, so no due date.
    Unknown,
    /// The due day is still ahead, or it is today.
    InTime,
    /// The due day has passed.
    Overdue,
}

impl Due {
    /// `due` against `today`: overdue from the day after the due day (the due day itself is
    /// still in time, State Council Reg. Art. 31 ¶2 "at least once every 15 days").
    pub fn of(due: Option<NaiveDate>, today: NaiveDate) -> Self {
        match due {
            None => Self::Unknown,
            Some(d) if today > d => Self::Overdue,
            Some(_) => Self::InTime,
        }
    }
}

impl LiftCard {
    /// Whether maintenance is overdue on `today`.
    pub fn maintenance(&self, today: NaiveDate) -> Due {
        Due::of(self.next_maintenance_due, today)
    }

    /// Whether the periodic inspection is overdue on `today` (the certificate's validity has
    /// ended).
    pub fn inspection(&self, today: NaiveDate) -> Due {
        Due::of(self.next_inspection_due, today)
    }
}

/// Every lift's card as of a day: what a platform publishes for citizens' pages.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LiftCardSnapshot {
    /// The day the records were read.
    pub as_of: NaiveDate,
    /// The cards.
    pub cards: Vec<LiftCard>,
}

/// Why a scanned sign has no card.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CardError {
    /// The sign does not check.
    #[error(transparent)]
    Sign(#[from] liftspec_protocol::usage_sign::UsageSignError),
    /// The sign checks, but no lift of the snapshot has its registration code.
    #[error("no lift {0} in the snapshot")]
    UnknownLift(String),
    /// The sign's rescue code is not the one the platform has for the lift (an old or a
    /// forged sign).
    #[error("the sign's rescue code {sign} is not the lift's ({card})")]
    RescueCodeMismatch {
        /// On the sign.
        sign: String,
        /// In the platform's records.
        card: String,
    },
}

impl CardError {
    /// The stable code (`usage_sign.check`, `api.unknown_lift`, `api.rescue_code_mismatch`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Sign(e) => e.code(),
            Self::UnknownLift(_) => "api.unknown_lift",
            Self::RescueCodeMismatch { .. } => "api.rescue_code_mismatch",
        }
    }
}

impl LiftCardSnapshot {
    /// The card of the lift whose sign was scanned, after checking the sign.
    ///
    /// ```
    /// use liftspec_api::card::LiftCardSnapshot;
    /// let snapshot = LiftCardSnapshot { as_of: "2026-01-01".parse()?, cards: vec![] };
    /// let e = snapshot.scan("LS1*31103301062010050007*100072*00000000").unwrap_err();
    /// assert_eq!(e.code(), "usage_sign.check");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn scan(&self, payload: &str) -> Result<&LiftCard, CardError> {
        let sign = UsageSign::decode(payload)?;
        let code = sign.registration_code.as_str();
        let card = self
            .cards
            .iter()
            .find(|c| c.registration_code == code)
            .ok_or_else(|| CardError::UnknownLift(code.to_owned()))?;
        let printed = sign.rescue_code.to_string();
        match &card.rescue_code {
            Some(c) if *c != printed => Err(CardError::RescueCodeMismatch {
                sign: printed,
                card: c.clone(),
            }),
            _ => Ok(card),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn card() -> LiftCard {
        LiftCard {
            registration_code: "31103301062010050007".into(),
            rescue_code: Some("100072".into()),
            kind: EquipmentKind::TractionPassenger,
            address: "1 Wenyi Rd".into(),
            district: "Xihu".into(),
            use_unit: "91330100MA2B3C4D5E".into(),
            maintenance_unit: "91330100MA2B3C4D5E".into(),
            commissioned_on: day("2012-05-01"),
            last_maintenance: Some(day("2024-02-14")),
            next_maintenance_due: Some(day("2024-02-29")),
            last_inspection: None,
            last_inspection_result: None,
            next_inspection_due: None,
            inspection_request_by: None,
            sources: vec![],
        }
    }

    #[test]
    fn due_on_the_day_is_in_time_and_overdue_the_day_after_on_a_leap_day() {
        let c = card();
        assert_eq!(c.maintenance(day("2024-02-28")), Due::InTime);
        assert_eq!(c.maintenance(day("2024-02-29")), Due::InTime);
        assert_eq!(c.maintenance(day("2024-03-01")), Due::Overdue);
        assert_eq!(c.inspection(day("2024-03-01")), Due::Unknown);
    }

    #[test]
    fn a_scan_finds_the_card_and_refuses_a_stale_rescue_code() {
        let snapshot = LiftCardSnapshot {
            as_of: day("2024-03-01"),
            cards: vec![card()],
        };
        let sign = |rescue: &str| {
            UsageSign {
                registration_code: "31103301062010050007".parse().unwrap(),
                rescue_code: rescue.parse().unwrap(),
            }
            .encode()
        };
        assert_eq!(snapshot.scan(&sign("100072")), Ok(&snapshot.cards[0]));
        let e = snapshot.scan(&sign("100080")).unwrap_err();
        assert_eq!(e.code(), "api.rescue_code_mismatch", "{e}");
        let json = serde_json::to_string(&snapshot).unwrap();
        assert_eq!(
            serde_json::from_str::<LiftCardSnapshot>(&json).unwrap(),
            snapshot
        );
    }
}
