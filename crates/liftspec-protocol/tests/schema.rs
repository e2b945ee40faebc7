//! The checked-in JSON Schema (`docs/frame.schema.json`) is the one the types generate.
//! Regenerate with `LIFTSPEC_BLESS=1 cargo test -p liftspec-protocol --features schema --test schema`.

use std::path::PathBuf;

#[test]
fn the_checked_in_schema_is_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/frame.schema.json");
    let generated = liftspec_protocol::schema::frame_schema_json();
    if std::env::var_os("LIFTSPEC_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "docs/frame.schema.json is stale: regenerate it with LIFTSPEC_BLESS=1 (see this file's header)"
    );
}

#[test]
fn the_schema_names_every_message_kind() {
    let schema = liftspec_protocol::schema::frame_schema_json();
    for kind in liftspec_protocol::message::MessageKind::ALL {
        let name = serde_json::to_value(kind).unwrap();
        let name = name.as_str().unwrap();
        assert!(
            schema.contains(&format!("\"{name}\"")),
            "the body of kind {name} is in the schema"
        );
    }
}

/// A validator for the JSON Schema keywords the generated schema uses; any other keyword fails
/// the test, so the check cannot silently ignore part of the schema.
struct Validator<'a> {
    root: &'a Value,
}

use serde_json::Value;

impl Validator<'_> {
    fn check(&self, schema: &Value, value: &Value, path: &str) -> Result<(), String> {
        let Value::Object(schema) = schema else {
            return match schema {
                Value::Bool(true) => Ok(()),
                _ => Err(format!("{path}: rejected by a false schema")),
            };
        };
        for (keyword, rule) in schema {
            match keyword.as_str() {
                "$schema" | "$id" | "$defs" | "title" | "description" | "format" => {}
                "$ref" => {
                    let name = rule.as_str().unwrap().strip_prefix("#/$defs/").unwrap();
                    self.check(&self.root["$defs"][name], value, path)?;
                }
                "type" => {
                    let types: Vec<&str> = match rule {
                        Value::String(t) => vec![t.as_str()],
                        Value::Array(ts) => ts.iter().map(|t| t.as_str().unwrap()).collect(),
                        _ => panic!("bad type keyword"),
                    };
                    let ok = types.iter().any(|t| match *t {
                        "object" => value.is_object(),
                        "array" => value.is_array(),
                        "string" => value.is_string(),
                        "boolean" => value.is_boolean(),
                        "null" => value.is_null(),
                        "integer" => value.is_i64() || value.is_u64(),
                        "number" => value.is_number(),
                        other => panic!("unknown type {other}"),
                    });
                    if !ok {
                        return Err(format!("{path}: not of type {types:?}"));
                    }
                }
                "properties" => {
                    if let Value::Object(object) = value {
                        for (name, sub) in rule.as_object().unwrap() {
                            if let Some(v) = object.get(name) {
                                self.check(sub, v, &format!("{path}.{name}"))?;
                            }
                        }
                    }
                }
                "required" => {
                    if let Value::Object(object) = value {
                        for name in rule.as_array().unwrap() {
                            let name = name.as_str().unwrap();
                            if !object.contains_key(name) {
                                return Err(format!("{path}: missing {name}"));
                            }
                        }
                    }
                }
                "additionalProperties" => {
                    if let Value::Object(object) = value {
                        let known = schema.get("properties").and_then(Value::as_object);
                        for (name, v) in object {
                            if known.is_some_and(|k| k.contains_key(name)) {
                                continue;
                            }
                            self.check(rule, v, &format!("{path}.{name}"))?;
                        }
                    }
                }
                "items" => {
                    if let Value::Array(items) = value {
                        for (i, v) in items.iter().enumerate() {
                            self.check(rule, v, &format!("{path}[{i}]"))?;
                        }
                    }
                }
                "minItems" | "maxItems" => {
                    if let Value::Array(items) = value {
                        let bound = rule.as_u64().unwrap() as usize;
                        let ok = if keyword == "minItems" {
                            items.len() >= bound
                        } else {
                            items.len() <= bound
                        };
                        if !ok {
                            return Err(format!("{path}: {keyword} {bound}"));
                        }
                    }
                }
                "minimum" | "maximum" => {
                    if let Some(n) = value.as_f64() {
                        let bound = rule.as_f64().unwrap();
                        let ok = if keyword == "minimum" {
                            n >= bound
                        } else {
                            n <= bound
                        };
                        if !ok {
                            return Err(format!("{path}: {n} breaks {keyword} {bound}"));
                        }
                    }
                }
                "pattern" => {
                    if let Value::String(text) = value {
                        let re = regex::Regex::new(rule.as_str().unwrap()).unwrap();
                        if !re.is_match(text) {
                            return Err(format!("{path}: {text:?} does not match {re}"));
                        }
                    }
                }
                "const" => {
                    if value != rule {
                        return Err(format!("{path}: not {rule}"));
                    }
                }
                "enum" => {
                    if !rule.as_array().unwrap().contains(value) {
                        return Err(format!("{path}: not one of {rule}"));
                    }
                }
                "oneOf" | "anyOf" => {
                    let passing = rule
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter(|s| self.check(s, value, path).is_ok())
                        .count();
                    let ok = if keyword == "oneOf" {
                        passing == 1
                    } else {
                        passing >= 1
                    };
                    if !ok {
                        return Err(format!("{path}: {passing} alternatives of {keyword} match"));
                    }
                }
                other => panic!("the validator does not know keyword {other}"),
            }
        }
        Ok(())
    }
}

fn golden_json() -> Vec<(String, Value)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).unwrap();
            out.push((
                path.file_name().unwrap().to_string_lossy().into_owned(),
                serde_json::from_str(&text).unwrap(),
            ));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn every_golden_json_vector_is_valid_against_the_schema() {
    let schema = liftspec_protocol::schema::frame_schema().to_value();
    let validator = Validator { root: &schema };
    let vectors = golden_json();
    assert_eq!(vectors.len(), 13, "one vector per kind");
    for (name, value) in vectors {
        validator
            .check(&schema, &value, "$")
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn the_schema_rejects_what_the_decoder_rejects() {
    let schema = liftspec_protocol::schema::frame_schema().to_value();
    let validator = Validator { root: &schema };
    let (_, status) = golden_json()
        .into_iter()
        .find(|(n, _)| n == "status.json")
        .unwrap();
    type Mutation = Box<dyn Fn(&mut Value)>;
    let mutations: Vec<(&str, Mutation)> = vec![
        ("unknown field", Box::new(|v| v["extra"] = 1.into())),
        (
            "missing seq",
            Box::new(|v| {
                v.as_object_mut().unwrap().remove("seq");
            }),
        ),
        ("bad device id", Box::new(|v| v["device"] = "HZ T 1".into())),
        ("negative seq", Box::new(|v| v["seq"] = (-1).into())),
        ("time as bool", Box::new(|v| v["sentAt"] = true.into())),
        (
            "two bodies",
            Box::new(|v| v["body"]["heartbeat"] = v["body"]["status"].clone()),
        ),
        (
            "floor out of i16",
            Box::new(|v| v["body"]["status"]["floor"] = 40_000.into()),
        ),
        (
            "unknown direction",
            Box::new(|v| v["body"]["status"]["direction"] = "sideways".into()),
        ),
        (
            "unknown auth scheme",
            Box::new(|v| v["auth"]["scheme"] = "rot13".into()),
        ),
    ];
    for (what, mutate) in mutations {
        let mut value = status.clone();
        mutate(&mut value);
        assert!(
            validator.check(&schema, &value, "$").is_err(),
            "the schema rejects: {what}"
        );
        let text = value.to_string();
        assert!(
            liftspec_protocol::json::from_json(&text).is_err(),
            "and so does the decoder: {what}"
        );
    }
}
