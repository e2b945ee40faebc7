//! How liftspec counts time in rules: one definition, used by every crate.
//!
//! The texts count in days, months and years, and say whether the number itself is included.
//! PRC Civil Code \[recall: not in `../shared/reference/`\]:
//! - **Art. 201**: a period in days, months or years does not count the day of the event that
//!   starts it; counting starts the next day.
//! - **Art. 202**: a period in months or years ends on the corresponding day of its last month;
//!   when that month has no such day (31 April, 29 February in a common year), on that month's
//!   last day.
//! - **Art. 1259**: 以上、以下、以内、届满 include the number; 不满、超过、以外 exclude it.
//!
//! So, for an event on day `D` (a commissioning, an inspection, a maintenance session):
//!
//! | wording | example | holds |
//! |---|---|---|
//! | N 日 (a period of N days) | 每15日 (State Council Reg. Art. 31) | the period's last day is `D + N` |
//! | N 年 (a period of N years) | 保存四年 (Hangzhou Reg. Art. 28(5)) | the period's last day is `D + N years` (Art. 202) |
//! | 超过 N 年 (more than N years) | 使用期限超过十五年 (Art. 32(1)) | from the day after the period's last day |
//! | N 年以上 (N years or more) | 使用10年以上 (opinions item 6) | from the period's last day, which completes the N years |
//! | 届满前一个月 (a month before it expires) | Art. 31 ¶1 | by the corresponding day one month before the last day of validity (month end if none) |
//! | N 分钟内 (within N minutes) | 三十分钟内到达 (Art. 30) | while the elapsed time is at most N minutes, to the millisecond |
//! | N 小时以上 (N hours or more) | 滞留人员2小时以上 (State Council Reg. Art. 64(3)) | once N hours have elapsed, the instant itself included |
//! | N 个工作日内 (within N working days) | 十个工作日内 (Art. 31 ¶2) | the period's last day is the N-th working day after `D` |
//!
//! Durations in minutes and hours are exact elapsed time; days and longer are calendar dates in
//! China Standard Time ([`crate::time::Timestamp::local_date`]), so the time of day of the event
//! never moves a deadline.

use alloc::vec::Vec;

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

use crate::time::Timestamp;

/// `day` plus `months` calendar months: the corresponding day, or the month's last day when there
/// is none (Civil Code Art. 202). `None` outside the calendar.
///
/// ```
/// use chrono::NaiveDate;
/// use liftspec_model::counting::add_months;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// assert_eq!(add_months(d(2026, 1, 31), 1), Some(d(2026, 2, 28)));
/// assert_eq!(add_months(d(2024, 2, 29), 12), Some(d(2025, 2, 28)));
/// ```
pub fn add_months(day: NaiveDate, months: u32) -> Option<NaiveDate> {
    day.checked_add_months(Months::new(months))
}

/// `day` minus `months` calendar months, the same way (the month's last day when there is no
/// corresponding day).
pub fn sub_months(day: NaiveDate, months: u32) -> Option<NaiveDate> {
    day.checked_sub_months(Months::new(months))
}

/// `day` plus `years` years (Art. 202: 29 February ends a year period on 28 February in a
/// common year).
pub fn add_years(day: NaiveDate, years: u32) -> Option<NaiveDate> {
    add_months(day, years.checked_mul(12)?)
}

/// The last day of a period of `years` years that an event on `event` starts (Art. 201 and 202):
/// its anniversary, or the month's last day.
///
/// ```
/// use chrono::NaiveDate;
/// use liftspec_model::counting::years_period_end;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// assert_eq!(years_period_end(d(2010, 5, 1), 15), Some(d(2025, 5, 1)));
/// assert_eq!(years_period_end(d(2008, 2, 29), 15), Some(d(2023, 2, 28)));
/// ```
pub fn years_period_end(event: NaiveDate, years: u32) -> Option<NaiveDate> {
    add_years(event, years)
}

/// The first day on which "more than `years` years" (超过) holds: the day after the period's
/// last day. `None` when that day is beyond the calendar (it never holds).
pub fn more_than_years(event: NaiveDate, years: u32) -> Option<NaiveDate> {
    years_period_end(event, years)?.succ_opt()
}

/// The first day on which "`years` years or more" (以上, 满) holds: the period's last day, which
/// completes the years.
pub fn at_least_years(event: NaiveDate, years: u32) -> Option<NaiveDate> {
    years_period_end(event, years)
}

/// Whole years completed from `event` to `day` (0 before the first period ends, and when `day`
/// is before `event`): the `n` for which "`n` years or more" holds on `day`.
pub fn full_years(event: NaiveDate, day: NaiveDate) -> u32 {
    if day < event {
        return 0;
    }
    let mut years = u32::try_from(day.year().saturating_sub(event.year())).unwrap_or(0);
    while years > 0 && at_least_years(event, years).is_none_or(|d| d > day) {
        years -= 1;
    }
    years
}

/// The last day of a period of `days` days that an event on `event` starts (Art. 201): the
/// event's day is not counted, so it is `event + days`.
///
/// ```
/// use chrono::NaiveDate;
/// use liftspec_model::counting::days_period_end;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// assert_eq!(days_period_end(d(2026, 1, 1), 15), Some(d(2026, 1, 16)));
/// assert_eq!(days_period_end(d(2028, 2, 20), 15), Some(d(2028, 3, 6)), "across a leap day");
/// ```
pub fn days_period_end(event: NaiveDate, days: u32) -> Option<NaiveDate> {
    event.checked_add_days(Days::new(u64::from(days)))
}

/// The last day on which something due "`months` months before" (届满前) a deadline may be done:
/// the corresponding day `months` months before `last_valid_day`, or that month's last day.
///
/// ```
/// use chrono::NaiveDate;
/// use liftspec_model::counting::months_before;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// assert_eq!(months_before(d(2026, 6, 15), 1), Some(d(2026, 5, 15)));
/// assert_eq!(months_before(d(2026, 3, 31), 1), Some(d(2026, 2, 28)));
/// ```
pub fn months_before(last_valid_day: NaiveDate, months: u32) -> Option<NaiveDate> {
    sub_months(last_valid_day, months)
}

/// Whether `at` is within (以内) `limit_ms` of `start`: at most `limit_ms` elapsed, the limit
/// itself included, to the millisecond. An `at` before `start` is within.
///
/// ```
/// use liftspec_model::{counting::within, time::Timestamp};
/// let t = Timestamp::from_millis;
/// let limit = 30 * 60_000;
/// assert!(within(t(0), limit, t(limit)), "exactly at the limit is on time");
/// assert!(!within(t(0), limit, t(limit + 1)), "one millisecond after is late");
/// ```
pub fn within(start: Timestamp, limit_ms: i64, at: Timestamp) -> bool {
    at.millis().saturating_sub(start.millis()) <= limit_ms
}

/// Milliseconds left at `at` until `limit_ms` has elapsed from `start`: negative once the limit
/// has passed, 0 at the limit itself (still [`within`] it). Saturating, never overflowing.
///
/// ```
/// use liftspec_model::{counting::remaining, time::Timestamp};
/// let t = Timestamp::from_millis;
/// assert_eq!(remaining(t(1_000), 30 * 60_000, t(1_000 + 20 * 60_000)), 10 * 60_000);
/// assert_eq!(remaining(t(0), 60_000, t(60_001)), -1);
/// ```
pub fn remaining(start: Timestamp, limit_ms: i64, at: Timestamp) -> i64 {
    limit_ms.saturating_sub(at.millis_since(start))
}

/// Whether `limit_ms` or more (以上) has elapsed from `start` to `at`, the instant itself included.
pub fn at_least(start: Timestamp, limit_ms: i64, at: Timestamp) -> bool {
    at.millis().saturating_sub(start.millis()) >= limit_ms
}

/// Which days are working days: Monday to Friday, except listed public holidays, plus listed
/// make-up working days (调休). The lists are data: China's holiday calendar is published each
/// year by the State Council and is not in `../shared/reference/`, so liftspec ships none — a
/// platform loads the year's list (`Default` is weekdays only, a liftspec default).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct WorkingCalendar {
    /// Public holidays that fall on weekdays.
    pub holidays: Vec<NaiveDate>,
    /// Weekend days that are working days.
    pub make_up_working_days: Vec<NaiveDate>,
}

impl WorkingCalendar {
    /// Whether `day` is a working day.
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        if self.make_up_working_days.contains(&day) {
            return true;
        }
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&day)
    }

    /// The last day of a period of `days` working days that an event on `event` starts: the
    /// `days`-th working day after it (Art. 201: the event's day is not counted). `None` beyond
    /// the calendar.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use liftspec_model::counting::WorkingCalendar;
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// // Requested on Friday 2026-12-04: ten working days end on Friday 2026-12-18.
    /// assert_eq!(WorkingCalendar::default().working_days_end(d(2026, 12, 4), 10), Some(d(2026, 12, 18)));
    /// ```
    pub fn working_days_end(&self, event: NaiveDate, days: u32) -> Option<NaiveDate> {
        let mut day = event;
        let mut left = days;
        while left > 0 {
            day = day.succ_opt()?;
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        Some(day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn more_than_and_at_least_differ_by_the_day_itself() {
        // Commissioned 2010-05-01: 15 years complete on 2025-05-01.
        assert_eq!(at_least_years(d(2010, 5, 1), 15), Some(d(2025, 5, 1)));
        assert_eq!(more_than_years(d(2010, 5, 1), 15), Some(d(2025, 5, 2)));
        assert_eq!(full_years(d(2010, 5, 1), d(2025, 4, 30)), 14);
        assert_eq!(full_years(d(2010, 5, 1), d(2025, 5, 1)), 15);
        // A leap-day event: the common-year period ends on 28 February (Art. 202).
        assert_eq!(at_least_years(d(2016, 2, 29), 10), Some(d(2026, 2, 28)));
        assert_eq!(more_than_years(d(2016, 2, 29), 10), Some(d(2026, 3, 1)));
        assert_eq!(at_least_years(d(2016, 2, 29), 12), Some(d(2028, 2, 29)));
        assert_eq!(full_years(d(2016, 2, 29), d(2026, 2, 27)), 9);
        assert_eq!(full_years(d(2016, 2, 29), d(2026, 2, 28)), 10);
        assert_eq!(full_years(d(2020, 1, 1), d(2019, 1, 1)), 0);
    }

    #[test]
    fn the_ends_of_the_calendar_give_none_not_a_panic() {
        assert_eq!(more_than_years(NaiveDate::MAX, 0), None);
        assert_eq!(add_years(NaiveDate::MAX, 1), None);
        assert_eq!(days_period_end(NaiveDate::MAX, 1), None);
        assert_eq!(sub_months(NaiveDate::MIN, 1), None);
        assert_eq!(add_years(d(2020, 1, 1), u32::MAX), None);
        assert_eq!(
            WorkingCalendar::default().working_days_end(NaiveDate::MAX, 1),
            None
        );
        assert_eq!(full_years(NaiveDate::MIN, NaiveDate::MAX), 524_285);
    }

    #[test]
    fn working_days_skip_weekends_and_holidays_and_count_make_up_days() {
        let plain = WorkingCalendar::default();
        // Monday 2026-12-07 + 1 working day = Tuesday; Friday + 1 = Monday.
        assert_eq!(
            plain.working_days_end(d(2026, 12, 7), 1),
            Some(d(2026, 12, 8))
        );
        assert_eq!(
            plain.working_days_end(d(2026, 12, 4), 1),
            Some(d(2026, 12, 7))
        );
        // Requested on a Saturday: the period starts counting on Sunday.
        assert_eq!(
            plain.working_days_end(d(2026, 12, 5), 1),
            Some(d(2026, 12, 7))
        );
        let holidays = WorkingCalendar {
            holidays: vec![d(2026, 12, 7)],
            make_up_working_days: vec![d(2026, 12, 5)],
        };
        assert_eq!(
            holidays.working_days_end(d(2026, 12, 4), 1),
            Some(d(2026, 12, 5))
        );
        assert_eq!(
            holidays.working_days_end(d(2026, 12, 5), 1),
            Some(d(2026, 12, 8))
        );
        assert_eq!(
            plain.working_days_end(d(2026, 12, 4), 0),
            Some(d(2026, 12, 4))
        );
    }

    #[test]
    fn within_and_at_least_include_the_instant() {
        let t = Timestamp::from_millis;
        let two_hours = 2 * 3_600_000;
        assert!(!at_least(t(0), two_hours, t(two_hours - 1)));
        assert!(at_least(t(0), two_hours, t(two_hours)));
        assert!(within(t(0), two_hours, t(-5)));
        assert!(
            !within(t(i64::MIN), 0, t(i64::MAX)),
            "saturating, no overflow"
        );
    }
}
