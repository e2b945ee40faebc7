//! Passengers' personal information, Hangzhou Reg. Art. 15(3): "除法律、行政法规另有规定外，市场监督
//! 管理部门和电梯使用、维护保养单位不得向任何其他单位或者个人提供乘客的个人信息" — the market regulator, the use
//! unit and the maintenance unit may not give passengers' personal information to anyone else.
//!
//! [`PassengerData`] enforces that in the types. Every ordinary way out of the program — serde
//! (records files, reports, APIs), `Debug` (logs) — writes `{"withheld": "Hangzhou Reg. Art.
//! 15(3)"}` instead of the value. Only the platform's own store, which holds the data for the
//! duties the regulation allows, writes the value, and it must say so by name:
//! `#[serde(with = "liftspec_model::privacy::internal")]` on a field of a type that never leaves
//! the platform. Reading withheld data back gives [`PassengerData::Withheld`], never a value.
//!
//! ```
//! use liftspec_model::privacy::PassengerData;
//! let phone = PassengerData::new(String::from("13800138000"));
//! let exported = serde_json::to_string(&phone)?;
//! assert_eq!(exported, r#"{"withheld":"Hangzhou Reg. Art. 15(3)"}"#);
//! assert!(!format!("{phone:?}").contains("138"));
//! assert_eq!(phone.reveal().map(String::as_str), Some("13800138000"));
//! let back: PassengerData<String> = serde_json::from_str(&exported)?;
//! assert!(back.reveal().is_none());
//! # Ok::<(), serde_json::Error>(())
//! ```

use core::fmt;

/// The clause, as written into withheld data.
pub const CLAUSE: &str = "Hangzhou Reg. Art. 15(3)";

/// A passenger's personal information (a callback phone number, a name, a video reference):
/// held for the platform's duties, withheld everywhere it could leave.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum PassengerData<T> {
    /// The value, held by the platform.
    Held(T),
    /// Withheld: what any export, log or third party sees.
    Withheld,
}

impl<T> PassengerData<T> {
    /// Wraps a value.
    pub fn new(value: T) -> Self {
        Self::Held(value)
    }

    /// The value, for the duty it was collected for (calling a trapped passenger back,
    /// answering a complaint), or `None` when it was withheld.
    pub fn reveal(&self) -> Option<&T> {
        match self {
            Self::Held(v) => Some(v),
            Self::Withheld => None,
        }
    }

    /// The same information withheld.
    pub fn withheld(&self) -> Self {
        Self::Withheld
    }
}

impl<T> fmt::Debug for PassengerData<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PassengerData(withheld: {CLAUSE})")
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Withheld<'a> {
    #[serde(borrow)]
    withheld: alloc::borrow::Cow<'a, str>,
}

impl<T> serde::Serialize for PassengerData<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Withheld {
            withheld: alloc::borrow::Cow::Borrowed(CLAUSE),
        }
        .serialize(s)
    }
}

impl<'de, T> serde::Deserialize<'de> for PassengerData<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Withheld::deserialize(d)?;
        Ok(Self::Withheld)
    }
}

#[cfg(feature = "schema")]
impl<T> schemars::JsonSchema for PassengerData<T> {
    fn schema_name() -> alloc::borrow::Cow<'static, str> {
        "WithheldPassengerData".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let _ = generator;
        schemars::json_schema!({
            "type": "object",
            "properties": { "withheld": { "type": "string" } },
            "required": ["withheld"],
            "additionalProperties": false,
            "description": "Passenger personal information, withheld (Hangzhou Reg. Art. 15(3))"
        })
    }
}

/// The platform's own store: `#[serde(with = "liftspec_model::privacy::internal")]` writes and
/// reads the value itself. Use it only on types that never leave the platform.
pub mod internal {
    use super::PassengerData;

    /// Writes the value (or `null` when withheld).
    pub fn serialize<T: serde::Serialize, S: serde::Serializer>(
        value: &PassengerData<T>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        serde::Serialize::serialize(&value.reveal(), s)
    }

    /// Reads the value (`null`: withheld).
    pub fn deserialize<'de, T: serde::Deserialize<'de>, D: serde::Deserializer<'de>>(
        d: D,
    ) -> Result<PassengerData<T>, D::Error> {
        let value: Option<T> = serde::Deserialize::deserialize(d)?;
        Ok(value.map_or(PassengerData::Withheld, PassengerData::Held))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, Debug)]
    struct Stored {
        #[serde(with = "internal")]
        phone: PassengerData<alloc::string::String>,
    }

    #[test]
    fn only_the_named_store_form_carries_the_value() {
        let stored = Stored {
            phone: PassengerData::new("13800138000".into()),
        };
        let text = serde_json::to_string(&stored).unwrap();
        assert!(text.contains("13800138000"));
        let back: Stored = serde_json::from_str(&text).unwrap();
        assert_eq!(back.phone.reveal().map(|s| s.as_str()), Some("13800138000"));
        assert!(!format!("{back:?}").contains("138"), "Debug never shows it");
        // Anything else that deserialises as withheld data is refused, never taken as a value.
        assert!(
            serde_json::from_str::<PassengerData<alloc::string::String>>("\"13800138000\"")
                .is_err()
        );
    }
}
