//! Numbered codes: GB/T 24476 national codes, the BACnet lift enums and the mapping between them.
//!
//! Every code type is *open*: a value this version does not know is kept in an `Other` (or
//! `Unassigned` / `Proprietary`) variant and encodes back to the same number, never dropped.
//! On the wire (JSON and postcard) every code is its number.

mod bacnet;
mod mapping;
mod national;

pub use bacnet::{
    BacnetEscalatorFault, BacnetLiftFault, DoorStatus, LiftCarDriveStatus, LiftCarMode,
    BACNET_PROPRIETARY_START,
};
pub use mapping::BacnetEquivalent;
pub use national::{
    EscalatorFault, EventCode, HandlingStatus, LiftFault, ServiceEvent, ServiceMode,
    PROPRIETARY_EVENT_CODE_START, SERVICE_MODE_LIFTSPEC_RANGE,
};

/// Defines an open numbered enum: known variants with their numbers and labels, plus
/// `Other(repr)` for any other number, with `code`, `from_code`, `label`, `KNOWN` and serde as the
/// number.
macro_rules! open_code_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident : $repr:ty {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal => $label:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A number this version does not know; kept as is.
            Other($repr),
        }

        impl $name {
            /// Every known variant, in number order.
            pub const KNOWN: &'static [Self] = &[$(Self::$variant),*];

            /// The number on the wire.
            pub const fn code(self) -> $repr {
                match self {
                    $( Self::$variant => $value, )*
                    Self::Other(v) => v,
                }
            }

            /// The variant for a number; unknown numbers become `Other`.
            pub const fn from_code(code: $repr) -> Self {
                match code {
                    $( $value => Self::$variant, )*
                    v => Self::Other(v),
                }
            }

            /// A short English label.
            pub const fn label(self) -> &'static str {
                match self {
                    $( Self::$variant => $label, )*
                    Self::Other(_) => "other",
                }
            }

            /// Whether this is a known variant.
            pub const fn is_known(self) -> bool {
                !matches!(self, Self::Other(_))
            }
        }

        impl From<$repr> for $name {
            fn from(code: $repr) -> Self {
                Self::from_code(code)
            }
        }

        impl From<$name> for $repr {
            fn from(value: $name) -> Self {
                value.code()
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                serde::Serialize::serialize(&self.code(), s)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                <$repr as serde::Deserialize>::deserialize(d).map(Self::from_code)
            }
        }

        #[cfg(feature = "schema")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> alloc::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                crate::schema::open_code(
                    concat!("`", stringify!($name), "` as its number."),
                    i64::from(<$repr>::MIN),
                    i64::from(<$repr>::MAX),
                    Self::KNOWN.iter().map(|v| (i64::from(v.code()), v.label())),
                )
            }
        }
    };
}
pub(crate) use open_code_enum;
