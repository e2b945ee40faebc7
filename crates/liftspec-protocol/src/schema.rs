//! The JSON Schema (draft 2020-12) of a frame's JSON form, generated from the types (feature
//! `schema`). The checked-in copy is `docs/frame.schema.json`; a test keeps it current.
//!
//! ```
//! let schema = liftspec_protocol::schema::frame_schema_json();
//! assert!(schema.contains("\"title\": \"JsonFrame\""));
//! ```

use alloc::string::String;

use crate::json::JsonFrame;

/// Where the published schema lives.
pub const SCHEMA_ID: &str = "urn:liftspec:protocol:v1:frame";

/// The schema of [`JsonFrame`], the JSON form of any frame.
pub fn frame_schema() -> schemars::Schema {
    let mut schema = schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<JsonFrame>();
    schema.insert("$id".into(), SCHEMA_ID.into());
    schema
}

/// [`frame_schema`] as pretty-printed JSON with a final newline, exactly as checked in.
pub fn frame_schema_json() -> String {
    let mut text = serde_json::to_string_pretty(&frame_schema())
        .expect("a schema is a JSON value, which always serialises");
    text.push('\n');
    text
}
