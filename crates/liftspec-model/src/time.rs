//! Time: UTC instants inside, Asia/Shanghai (UTC+8, no daylight saving since 1991) for display.

use alloc::string::String;
use core::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat, Utc};

/// China Standard Time, UTC+8, used only to show times to people.
pub const CHINA_STANDARD_TIME: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

fn china_standard_time() -> FixedOffset {
    CHINA_STANDARD_TIME
}

/// An instant in UTC with millisecond resolution: milliseconds since 1970-01-01T00:00:00Z.
///
/// Binary encodings (postcard) carry the integer; human-readable ones (JSON) carry RFC 3339 text
/// such as `2026-11-29T05:24:10.123Z`. Time is always passed in, never read from a clock.
///
/// ```
/// use liftspec_model::time::Timestamp;
/// let t: Timestamp = "2026-11-29T05:24:10.123Z".parse()?;
/// assert_eq!(t.millis(), 1_795_929_850_123);
/// assert_eq!(t.to_string(), "2026-11-29T05:24:10.123Z");
/// assert_eq!(t.local_display(), "2026-11-29 13:24:10");
/// # Ok::<(), liftspec_model::time::TimestampError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Timestamp(i64);

/// Why a timestamp did not parse or convert.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimestampError {
    /// Not RFC 3339 text.
    #[error("not an RFC 3339 timestamp: {0}")]
    Syntax(String),
    /// Outside the range chrono can represent.
    #[error("timestamp {0} ms is out of range")]
    OutOfRange(i64),
}

impl TimestampError {
    /// A stable, machine-readable code for this error.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Syntax(_) => "time.syntax",
            Self::OutOfRange(_) => "time.out_of_range",
        }
    }
}

impl Timestamp {
    /// The instant `millis` ms after the Unix epoch.
    pub const fn from_millis(millis: i64) -> Self {
        Self(millis)
    }

    /// Milliseconds since the Unix epoch.
    pub const fn millis(self) -> i64 {
        self.0
    }

    /// Whole seconds since the Unix epoch (floor).
    pub const fn seconds(self) -> i64 {
        self.0.div_euclid(1000)
    }

    /// This instant plus `millis` (saturating).
    pub const fn plus_millis(self, millis: i64) -> Self {
        Self(self.0.saturating_add(millis))
    }

    /// Milliseconds from `earlier` to `self` (negative if `earlier` is later; saturating).
    pub const fn millis_since(self, earlier: Self) -> i64 {
        self.0.saturating_sub(earlier.0)
    }

    /// Converts to chrono, failing outside chrono's range.
    pub fn to_datetime(self) -> Result<DateTime<Utc>, TimestampError> {
        DateTime::from_timestamp_millis(self.0).ok_or(TimestampError::OutOfRange(self.0))
    }

    /// The UTC calendar date of this instant.
    pub fn utc_date(self) -> Result<NaiveDate, TimestampError> {
        self.to_datetime().map(|t| t.date_naive())
    }

    /// The calendar date in China Standard Time (the date people in Hangzhou see).
    pub fn local_date(self) -> Result<NaiveDate, TimestampError> {
        self.to_datetime()
            .map(|t| t.with_timezone(&china_standard_time()).date_naive())
    }

    /// `YYYY-MM-DD HH:MM:SS` in China Standard Time, for people.
    pub fn local_display(self) -> String {
        match self.to_datetime() {
            Ok(t) => alloc::format!(
                "{}",
                t.with_timezone(&china_standard_time())
                    .format("%Y-%m-%d %H:%M:%S")
            ),
            Err(_) => alloc::format!("{} ms", self.0),
        }
    }

    /// Midnight UTC at the start of `date`.
    pub fn start_of_utc_day(date: NaiveDate) -> Self {
        Self(
            date.and_time(chrono::NaiveTime::MIN)
                .and_utc()
                .timestamp_millis(),
        )
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(t: DateTime<Utc>) -> Self {
        Self(t.timestamp_millis())
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_datetime() {
            Ok(t) => f.write_str(&t.to_rfc3339_opts(SecondsFormat::Millis, true)),
            Err(_) => write!(f, "{}ms", self.0),
        }
    }
}

impl core::str::FromStr for Timestamp {
    type Err = TimestampError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // The value holds milliseconds: a finer fraction would be silently cut, so it is
        // refused (docs/protocol.md §10). Zeros below the millisecond are the same instant.
        DateTime::parse_from_rfc3339(s)
            .ok()
            .filter(|t| t.timestamp_subsec_nanos() % 1_000_000 == 0)
            .map(|t| Self(t.timestamp_millis()))
            .ok_or_else(|| TimestampError::Syntax(String::from(s)))
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            match self.to_datetime() {
                Ok(t) if (0..=9999).contains(&chrono::Datelike::year(&t)) => {
                    s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Millis, true))
                }
                // Outside RFC 3339's years 0000-9999: integer milliseconds, which the deserializer
                // also accepts, so every value has a JSON form.
                _ => s.serialize_i64(self.0),
            }
        } else {
            s.serialize_i64(self.0)
        }
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    /// Binary formats: the integer. Human-readable formats: RFC 3339 text, or an integer number of
    /// milliseconds (convenient for JavaScript clients).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 timestamp or milliseconds since the Unix epoch")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Timestamp, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Timestamp, E> {
                Ok(Timestamp(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Timestamp, E> {
                i64::try_from(v)
                    .map(Timestamp)
                    .map_err(|_| E::custom("milliseconds out of range"))
            }
        }
        if d.is_human_readable() {
            d.deserialize_any(Visitor)
        } else {
            d.deserialize_i64(Visitor)
        }
    }
}
