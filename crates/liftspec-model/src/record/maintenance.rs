use alloc::string::String;
use alloc::vec::Vec;
use chrono::NaiveDate;

use crate::catalogue::{
    check_items, ItemCheck, MaintenanceFamily, MaintenanceItemId, MaintenanceTier,
};
use crate::id::{CreditCode, RecordId, RegistrationCode, TechnicianId};
use crate::time::Timestamp;

/// Longest interval between two maintenance sessions, in days: "电梯应当至少每15日进行一次清洁、
/// 润滑、调整和检查" (State Council Special Equipment Safety Supervision Regulations Art. 31 ¶2).
/// On-demand maintenance relaxes it for networked lifts (Ningbo Reg. Art. 31), so the interval is
/// data ([`MaintenanceInterval`]) with this as the default.
pub const MAINTENANCE_INTERVAL_DAYS: u32 = 15;

/// The maintenance duty as data: a session at least every `days` days, counted in calendar days
/// in China Standard Time ([`crate::counting`]). Detection and credit evaluation both use it.
///
/// After a session on day `D` the next is due by `D + days` (the session's day is not counted,
/// Civil Code Art. 201), whatever the time of day; a session on `D + days + 1` is late. The duty
/// stands: a lift with no session since is overdue from `D + days + 1` until one happens.
///
/// ```
/// use chrono::NaiveDate;
/// use liftspec_model::record::MaintenanceInterval;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let every_15 = MaintenanceInterval::default();
/// assert_eq!(every_15.due_after(d(2026, 1, 1)), Some(d(2026, 1, 16)));
/// assert!(!every_15.is_late(d(2026, 1, 1), d(2026, 1, 16)));
/// assert!(every_15.is_late(d(2026, 1, 1), d(2026, 1, 17)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct MaintenanceInterval {
    /// Days (State Council Reg. Art. 31 ¶2: 15).
    pub days: u32,
}

impl Default for MaintenanceInterval {
    fn default() -> Self {
        Self {
            days: MAINTENANCE_INTERVAL_DAYS,
        }
    }
}

/// A stretch during which a lift was overdue for maintenance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Lapse {
    /// The last day a session was on time.
    pub due: NaiveDate,
    /// The day of the late session that ended it; `None`: still overdue on the day looked at.
    pub ended_on: Option<NaiveDate>,
    /// Days overdue (to the late session, or to the day looked at).
    pub days_late: u32,
    /// Intervals that passed without a session: `days_late` in whole intervals, rounded up.
    pub missed: u32,
}

impl MaintenanceInterval {
    /// The last on-time day for the session after one on `last`.
    pub fn due_after(&self, last: NaiveDate) -> Option<NaiveDate> {
        crate::counting::days_period_end(last, self.days)
    }

    /// The last on-time day for the first session of a duty that begins on `first_day` with no
    /// session before it: `days` days counting `first_day` itself (liftspec's reading: the duty
    /// runs from its first day, so that day is one of the interval's days).
    pub fn first_due(&self, first_day: NaiveDate) -> Option<NaiveDate> {
        crate::counting::days_period_end(first_day, self.days.saturating_sub(1))
    }

    /// Whether a session on `session_day` after one on `last` is late.
    pub fn is_late(&self, last: NaiveDate, session_day: NaiveDate) -> bool {
        self.due_after(last).is_some_and(|due| session_day > due)
    }

    /// The lapses of a duty looked at on `as_of`: `previous` is the day of the last session
    /// before the duty's stretch (`None`: the duty begins on `duty_from` with no session before
    /// it), `sessions` the days of the sessions from `duty_from` to `as_of`, in any order. A lift
    /// with no session at all, or whose maintenance stopped, is overdue up to `as_of`.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use liftspec_model::record::MaintenanceInterval;
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// // Maintained on 1 January, then nothing: overdue from 17 January; by 31 March, 74 days
    /// // late, five intervals missed.
    /// let lapses = MaintenanceInterval::default().lapses(d(2026, 1, 1), Some(d(2025, 12, 20)), &[d(2026, 1, 1)], d(2026, 3, 31));
    /// assert_eq!((lapses[0].due, lapses[0].ended_on, lapses[0].days_late, lapses[0].missed), (d(2026, 1, 16), None, 74, 5));
    /// ```
    pub fn lapses(
        &self,
        duty_from: NaiveDate,
        previous: Option<NaiveDate>,
        sessions: &[NaiveDate],
        as_of: NaiveDate,
    ) -> Vec<Lapse> {
        let mut days: Vec<NaiveDate> = sessions
            .iter()
            .copied()
            .filter(|d| *d >= duty_from && *d <= as_of)
            .collect();
        days.sort_unstable();
        days.dedup();
        let mut out = Vec::new();
        let mut due = match previous {
            Some(last) => self.due_after(last),
            None => self.first_due(duty_from),
        };
        let days_between = |from: NaiveDate, to: NaiveDate| {
            u32::try_from(to.signed_duration_since(from).num_days()).unwrap_or(0)
        };
        let missed = |late: u32| late.div_ceil(self.days.max(1));
        for day in days {
            let Some(on_time_by) = due else { break };
            if day > on_time_by {
                let late = days_between(on_time_by, day);
                out.push(Lapse {
                    due: on_time_by,
                    ended_on: Some(day),
                    days_late: late,
                    missed: missed(late),
                });
            }
            due = self.due_after(day);
        }
        if let Some(on_time_by) = due.filter(|d| as_of > *d) {
            let late = days_between(on_time_by, as_of);
            out.push(Lapse {
                due: on_time_by,
                ended_on: None,
                days_late: late,
                missed: missed(late),
            });
        }
        out
    }

    /// How many intervals a duty from `duty_from` to `as_of` spans (rounded up): what the missed
    /// intervals are a share of.
    pub fn intervals(&self, duty_from: NaiveDate, as_of: NaiveDate) -> u32 {
        let days = as_of.signed_duration_since(duty_from).num_days() + 1;
        u32::try_from(days.max(0))
            .unwrap_or(u32::MAX)
            .div_ceil(self.days.max(1))
    }
}

/// The use unit's sign-off of a maintenance session (Hangzhou Reg. Art. 20(6)).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UseUnitConfirmation {
    /// Name of the safety manager who confirmed.
    pub confirmed_by: String,
    /// When.
    pub confirmed_at: Timestamp,
}

/// A maintenance session (TSG T5002-2017): who did which tier's items on which lift, when.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct MaintenanceRecord {
    /// Record id.
    pub id: RecordId,
    /// The lift.
    pub lift: RegistrationCode,
    /// The maintenance unit.
    pub maintenance_unit: CreditCode,
    /// Technicians on site (at least two for most work, by TSG T5002 practice).
    pub technicians: Vec<TechnicianId>,
    /// The tier performed.
    pub tier: MaintenanceTier,
    /// Items done.
    pub items_done: Vec<MaintenanceItemId>,
    /// Start on site.
    pub started_at: Timestamp,
    /// End on site.
    pub ended_at: Timestamp,
    /// The use unit's confirmation, once given.
    pub confirmation: Option<UseUnitConfirmation>,
    /// Remarks (problems found, parts replaced).
    pub remarks: String,
}

impl MaintenanceRecord {
    /// Minutes on site (negative if the times are reversed, which validation should reject).
    pub fn duration_minutes(&self) -> i64 {
        self.ended_at.millis_since(self.started_at) / 60_000
    }

    /// Checks the listed items against the tier for the lift's family.
    pub fn check_items(&self, family: MaintenanceFamily) -> ItemCheck {
        check_items(family, self.tier, &self.items_done)
    }
}

/// Kind of inspection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum InspectionKind {
    /// 定期检验 by an inspection body.
    Periodic,
    /// 自行检测 / self-test by the maintenance unit (yearly, before periodic inspection).
    SelfTest,
    /// 监督检验 after installation, modernisation or major repair.
    Supervisory,
}

/// Outcome of an inspection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum InspectionResult {
    /// 合格.
    Pass,
    /// 复检合格: passed after rectification.
    PassAfterRectification,
    /// 不合格.
    Fail,
}

/// An inspection or test of a lift.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct InspectionRecord {
    /// Record id.
    pub id: RecordId,
    /// The lift.
    pub lift: RegistrationCode,
    /// The inspection body (or the maintenance unit for a self-test).
    pub body: CreditCode,
    /// Kind.
    pub kind: InspectionKind,
    /// Day of inspection.
    pub inspected_on: NaiveDate,
    /// Result.
    pub result: InspectionResult,
    /// Report number.
    pub report_number: String,
    /// Next periodic inspection due (the end of validity of this result).
    pub next_due: NaiveDate,
    /// When the use unit requested this periodic inspection (Hangzhou Reg. Art. 31 ¶1: a month
    /// before the previous result's validity ends), if recorded.
    #[serde(default)]
    pub requested_on: Option<NaiveDate>,
    /// When the inspection body issued the report (Art. 31 ¶2: within ten working days of the
    /// inspection), if recorded.
    #[serde(default)]
    pub report_issued_on: Option<NaiveDate>,
    /// What the inspection found of the smart elevator system (implementation opinions item 8:
    /// checked at every periodic inspection), if it was checked.
    #[serde(default)]
    pub smart_system: Option<SmartSystemCheck>,
}

/// The inspection body's check of the smart elevator system at a periodic inspection
/// (implementation opinions item 8; the use unit keeps it, the alarm and the voice call effective,
/// Hangzhou Reg. Art. 20(3), penalty Art. 40 ¶1(2)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum SmartSystemCheck {
    /// Installed, working and connected to the platform.
    Effective,
    /// Installed, but not working or not connected.
    NotEffective,
    /// Not installed.
    NotInstalled,
}

impl InspectionRecord {
    /// Whether the result counts as passed on the first attempt (for first-pass rates).
    pub fn passed_first_time(&self) -> bool {
        self.result == InspectionResult::Pass
    }
}
