//! JSON Schema support (feature `schema`): the schemas of the types whose JSON form is written by
//! hand rather than derived — identifiers, open code enums, catalogue item ids and timestamps.

use alloc::borrow::Cow;
use alloc::format;
use alloc::string::String;

use schemars::{json_schema, Schema};

/// A string schema with a pattern and a description.
pub(crate) fn text(pattern: &str, description: &str) -> Schema {
    json_schema!({
        "type": "string",
        "pattern": pattern,
        "description": description,
    })
}

/// An integer schema for an open code enum: the range of its representation and the known
/// values listed in the description (unknown values are kept, not rejected).
pub(crate) fn open_code(
    description: &str,
    minimum: i64,
    maximum: i64,
    known: impl Iterator<Item = (i64, &'static str)>,
) -> Schema {
    let mut list = String::new();
    for (code, label) in known {
        if !list.is_empty() {
            list.push_str(", ");
        }
        list.push_str(&format!("{code} {label}"));
    }
    json_schema!({
        "type": "integer",
        "minimum": minimum,
        "maximum": maximum,
        "description": format!("{description} Known: {list}; other numbers are kept as is."),
    })
}

impl schemars::JsonSchema for crate::time::Timestamp {
    fn schema_name() -> Cow<'static, str> {
        "Timestamp".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A UTC instant: RFC 3339 text with milliseconds and `Z` (years 0000-9999), or integer milliseconds since the Unix epoch (accepted always, written outside those years).",
            "anyOf": [
                { "type": "string", "format": "date-time" },
                { "type": "integer" }
            ]
        })
    }
}

impl schemars::JsonSchema for crate::catalogue::MaintenanceItemId {
    fn schema_name() -> Cow<'static, str> {
        "MaintenanceItemId".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> Schema {
        text(
            "^[A-D][1-4]-[0-9]{2}$",
            "A TSG T5002-2017 maintenance item: annex letter (A traction/positive-drive lifts, B hydraulic, C dumbwaiters, D escalators and moving walks), table (1 half-monthly, 2 quarterly, 3 half-yearly, 4 yearly), item number, e.g. `A1-05`.",
        )
    }
}

impl schemars::JsonSchema for crate::codes::EventCode {
    fn schema_name() -> Cow<'static, str> {
        "EventCode".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> Schema {
        json_schema!({
            "type": "integer",
            "minimum": 0,
            "maximum": 65535,
            "description": "A GB/T 24476 clause 11 event number: below 1000 national (lift faults, service events 40-47, alarm 90, escalator faults; numbers not yet assigned are kept as is), 1000 and above a vendor's own.",
        })
    }
}
