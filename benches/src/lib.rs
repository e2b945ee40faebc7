//! What the benchmarks measure, as a library so that tests can check the peers are real: sample
//! values, the serde_json peer, and the protobuf peer (messages derived by hand with prost, the
//! way a vendor would write the `.proto`: proto3, `sint` for signed values, `optional` fields).
//!
//! Every peer runs the same pipeline as liftspec — decode into the liftspec types, validate,
//! verify the tag over the received bytes — so the figures compare whole receive paths, not
//! just parsers.

use liftspec_model::catalogue::{items, MaintenanceFamily, MaintenanceItemId, MaintenanceTier};
use liftspec_model::codes::{DoorStatus, EventCode, ServiceMode};
use liftspec_model::id::{CreditCode, TechnicianId};
use liftspec_model::record::UseUnitConfirmation;
use liftspec_model::time::Timestamp;
use liftspec_protocol::auth::{AuthScheme, DeviceCredentials, DeviceKeys};
use liftspec_protocol::message::{
    Body, Direction, EventMessage, EventState, MaintenanceSession, Status,
};
use liftspec_protocol::validate::{validate, ValidationContext};
use liftspec_protocol::wire::{self, DeviceId, Envelope};
use prost::Message as _;

pub mod naive;

/// 2026-11-29T05:24:10Z, the samples' reference time.
pub const T0: i64 = 1_795_929_850_000;

/// The device keys of the samples.
pub fn keys() -> DeviceKeys {
    DeviceKeys::from_seed([0x11; 32], [0x22; 32]).expect("distinct, non-zero sample keys")
}

/// The validation context of the samples' installation (floors −1..=18, 1.75 m/s).
pub fn context() -> ValidationContext {
    ValidationContext::new(-1, 18, 1750, Timestamp::from_millis(T0 + 60_000))
}

fn envelope(seq: u64, body: Body) -> Envelope {
    Envelope {
        device: DeviceId::parse("HZ-T-000123").expect("valid id"),
        epoch: 0x2D1F_0A37,
        seq,
        sent_at: Timestamp::from_millis(T0 + seq as i64 * 1000),
        body,
    }
}

/// A moving car's status, every optional field filled.
pub fn status() -> Envelope {
    envelope(
        2,
        Body::Status(Status {
            mode: ServiceMode::Normal,
            moving: true,
            direction: Direction::Up,
            floor: 7,
            door_zone: false,
            front_door: DoorStatus::Closed,
            rear_door: None,
            occupied: Some(true),
            load_percent: Some(35),
            speed_mm_s: Some(1750),
            position_mm: Some(21_400),
            mains_power: true,
            up_final_limit: false,
            down_final_limit: false,
        }),
    )
}

/// A fault raised at floor 7.
pub fn event() -> Envelope {
    envelope(
        4,
        Body::Event(EventMessage {
            code: EventCode::from_number(4),
            state: EventState::Raised,
            floor: Some(7),
            at: Timestamp::from_millis(T0),
        }),
    )
}

/// A half-monthly session with all 31 items, two technicians and the use unit's confirmation.
pub fn maintenance_session() -> Envelope {
    envelope(
        7,
        Body::MaintenanceSession(Box::new(MaintenanceSession {
            session_id: "S-20261129-01".into(),
            maintenance_unit: "91350100M000100Y43".parse().expect("valid code"),
            technicians: vec![
                TechnicianId::parse("T-0042").expect("valid id"),
                TechnicianId::parse("T-0043").expect("valid id"),
            ],
            tier: MaintenanceTier::HalfMonthly,
            items_done: items(
                MaintenanceFamily::TractionAndPositiveDrive,
                MaintenanceTier::HalfMonthly,
            )
            .collect(),
            started_at: Timestamp::from_millis(T0),
            ended_at: Timestamp::from_millis(T0 + 50 * 60_000),
            confirmation: Some(UseUnitConfirmation {
                confirmed_by: "王工".into(),
                confirmed_at: Timestamp::from_millis(T0 + 55 * 60_000),
            }),
        })),
    )
}

/// The scheme liftspec uses for a kind, applied to the peers too.
pub fn scheme_for(envelope: &Envelope) -> AuthScheme {
    if envelope.body.kind().requires_signature() {
        AuthScheme::Ed25519
    } else {
        AuthScheme::HmacSha256
    }
}

/// A peer's tag over its own encoding: the same schemes and the same pre-keyed uplink MAC state
/// the liftspec frame uses, so the comparison measures the encodings, not key setup.
pub fn peer_tag(keys: &DeviceKeys, scheme: AuthScheme, bytes: &[u8]) -> Vec<u8> {
    match scheme {
        AuthScheme::HmacSha256 => keys.mac_keys().uplink().tag(bytes).to_vec(),
        _ => keys.tag(scheme, bytes),
    }
}

/// Verifies a [`peer_tag`].
pub fn peer_verify(
    credentials: &DeviceCredentials,
    scheme: AuthScheme,
    bytes: &[u8],
    tag: &[u8],
) -> Result<(), liftspec_protocol::auth::AuthError> {
    match scheme {
        AuthScheme::HmacSha256 if credentials.mac_keys().uplink().verify(bytes, tag) => Ok(()),
        AuthScheme::HmacSha256 => Err(liftspec_protocol::auth::AuthError::BadTag),
        _ => credentials.verify_document(scheme, bytes, tag),
    }
}

/// Why a peer's receive path rejected its input.
#[derive(Debug, thiserror::Error)]
pub enum PeerError {
    /// Did not parse.
    #[error("parse: {0}")]
    Parse(String),
    /// Parsed, but not into valid liftspec values.
    #[error("convert: {0}")]
    Convert(String),
    /// Failed validation.
    #[error("validate: {0}")]
    Invalid(#[from] liftspec_protocol::validate::ValidationError),
    /// Failed authentication.
    #[error("auth: {0}")]
    Auth(#[from] liftspec_protocol::auth::AuthError),
}

/// liftspec's receive path: decode (strict, canonical), validate, verify.
pub fn liftspec_receive(
    bytes: &[u8],
    credentials: &DeviceCredentials,
    ctx: &ValidationContext,
) -> Result<Envelope, PeerError> {
    let frame = wire::decode(bytes).map_err(|e| PeerError::Parse(e.to_string()))?;
    validate(&frame.envelope, ctx)?;
    frame.verify(bytes, credentials)?;
    Ok(frame.envelope)
}

/// The JSON peer's message: the envelope as serde_json text, plus the tag over that text (as an
/// HTTP API would send in a header).
pub struct JsonMessage {
    /// The JSON text.
    pub text: Vec<u8>,
    /// The tag over `text`.
    pub tag: Vec<u8>,
}

/// Encodes the JSON peer's message.
pub fn json_send(envelope: &Envelope, keys: &DeviceKeys) -> JsonMessage {
    let text = serde_json::to_vec(envelope).expect("envelopes serialise");
    let tag = peer_tag(keys, scheme_for(envelope), &text);
    JsonMessage { text, tag }
}

/// The JSON peer's receive path: parse, validate, verify.
pub fn json_receive(
    message: &JsonMessage,
    credentials: &DeviceCredentials,
    ctx: &ValidationContext,
) -> Result<Envelope, PeerError> {
    let envelope: Envelope =
        serde_json::from_slice(&message.text).map_err(|e| PeerError::Parse(e.to_string()))?;
    validate(&envelope, ctx)?;
    peer_verify(
        credentials,
        scheme_for(&envelope),
        &message.text,
        &message.tag,
    )?;
    Ok(envelope)
}

/// Protobuf messages, derived by hand (what `prost-build` would generate from the `.proto` in
/// each doc comment).
pub mod pb {
    /// `message Envelope { string device = 1; uint64 seq = 2; sint64 sent_at = 3; uint32 epoch = 4;
    /// oneof body { Status status = 10; Event event = 11; MaintenanceSession maintenance_session = 12; } }`
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Envelope {
        /// Device id.
        #[prost(string, tag = "1")]
        pub device: String,
        /// Sequence number.
        #[prost(uint64, tag = "2")]
        pub seq: u64,
        /// The device's epoch (sequence space).
        #[prost(uint32, tag = "4")]
        pub epoch: u32,
        /// Send time, ms.
        #[prost(sint64, tag = "3")]
        pub sent_at: i64,
        /// Body.
        #[prost(oneof = "Body", tags = "10, 11, 12")]
        pub body: Option<Body>,
    }

    /// The body oneof.
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum Body {
        /// Status.
        #[prost(message, tag = "10")]
        Status(Status),
        /// Event.
        #[prost(message, tag = "11")]
        Event(Event),
        /// Maintenance session.
        #[prost(message, tag = "12")]
        MaintenanceSession(MaintenanceSession),
    }

    /// `message Status { uint32 mode = 1; bool moving = 2; int32 direction = 3; sint32 floor = 4;
    /// bool door_zone = 5; uint32 front_door = 6; optional uint32 rear_door = 7; optional bool
    /// occupied = 8; optional uint32 load_percent = 9; optional sint32 speed_mm_s = 10; optional
    /// sint32 position_mm = 11; bool mains_power = 12; bool up_final_limit = 13; bool
    /// down_final_limit = 14; }`
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Status {
        /// Service mode.
        #[prost(uint32, tag = "1")]
        pub mode: u32,
        /// Moving.
        #[prost(bool, tag = "2")]
        pub moving: bool,
        /// Direction (0 none, 1 up, 2 down).
        #[prost(int32, tag = "3")]
        pub direction: i32,
        /// Floor.
        #[prost(sint32, tag = "4")]
        pub floor: i32,
        /// Door zone.
        #[prost(bool, tag = "5")]
        pub door_zone: bool,
        /// Front door.
        #[prost(uint32, tag = "6")]
        pub front_door: u32,
        /// Rear door.
        #[prost(uint32, optional, tag = "7")]
        pub rear_door: Option<u32>,
        /// Occupied.
        #[prost(bool, optional, tag = "8")]
        pub occupied: Option<bool>,
        /// Load %.
        #[prost(uint32, optional, tag = "9")]
        pub load_percent: Option<u32>,
        /// Speed mm/s.
        #[prost(sint32, optional, tag = "10")]
        pub speed_mm_s: Option<i32>,
        /// Position mm.
        #[prost(sint32, optional, tag = "11")]
        pub position_mm: Option<i32>,
        /// Mains power.
        #[prost(bool, tag = "12")]
        pub mains_power: bool,
        /// Up final limit.
        #[prost(bool, tag = "13")]
        pub up_final_limit: bool,
        /// Down final limit.
        #[prost(bool, tag = "14")]
        pub down_final_limit: bool,
    }

    /// `message Event { uint32 code = 1; int32 state = 2; optional sint32 floor = 3; sint64 at = 4; }`
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Event {
        /// National code.
        #[prost(uint32, tag = "1")]
        pub code: u32,
        /// 0 raised, 1 cleared, 2 occurred.
        #[prost(int32, tag = "2")]
        pub state: i32,
        /// Floor.
        #[prost(sint32, optional, tag = "3")]
        pub floor: Option<i32>,
        /// Time, ms.
        #[prost(sint64, tag = "4")]
        pub at: i64,
    }

    /// `message Confirmation { string confirmed_by = 1; sint64 confirmed_at = 2; }`
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Confirmation {
        /// Who.
        #[prost(string, tag = "1")]
        pub confirmed_by: String,
        /// When, ms.
        #[prost(sint64, tag = "2")]
        pub confirmed_at: i64,
    }

    /// `message MaintenanceSession { string session_id = 1; string maintenance_unit = 2; repeated
    /// string technicians = 3; int32 tier = 4; repeated string items_done = 5; sint64 started_at
    /// = 6; sint64 ended_at = 7; optional Confirmation confirmation = 8; }`
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct MaintenanceSession {
        /// Session id.
        #[prost(string, tag = "1")]
        pub session_id: String,
        /// Maintenance unit credit code.
        #[prost(string, tag = "2")]
        pub maintenance_unit: String,
        /// Technician ids.
        #[prost(string, repeated, tag = "3")]
        pub technicians: Vec<String>,
        /// 0 half-monthly … 3 yearly.
        #[prost(int32, tag = "4")]
        pub tier: i32,
        /// TSG T5002 item ids.
        #[prost(string, repeated, tag = "5")]
        pub items_done: Vec<String>,
        /// Start, ms.
        #[prost(sint64, tag = "6")]
        pub started_at: i64,
        /// End, ms.
        #[prost(sint64, tag = "7")]
        pub ended_at: i64,
        /// Use unit's confirmation.
        #[prost(message, optional, tag = "8")]
        pub confirmation: Option<Confirmation>,
    }
}

const TIERS: [MaintenanceTier; 4] = [
    MaintenanceTier::HalfMonthly,
    MaintenanceTier::Quarterly,
    MaintenanceTier::HalfYearly,
    MaintenanceTier::Yearly,
];

/// The protobuf form of a liftspec envelope (Status, Event and MaintenanceSession bodies).
pub fn to_pb(envelope: &Envelope) -> pb::Envelope {
    let body = match &envelope.body {
        Body::Status(s) => pb::Body::Status(pb::Status {
            mode: u32::from(s.mode.code()),
            moving: s.moving,
            direction: s.direction as i32,
            floor: i32::from(s.floor),
            door_zone: s.door_zone,
            front_door: u32::from(s.front_door.code()),
            rear_door: s.rear_door.map(|d| u32::from(d.code())),
            occupied: s.occupied,
            load_percent: s.load_percent.map(u32::from),
            speed_mm_s: s.speed_mm_s,
            position_mm: s.position_mm,
            mains_power: s.mains_power,
            up_final_limit: s.up_final_limit,
            down_final_limit: s.down_final_limit,
        }),
        Body::Event(e) => pb::Body::Event(pb::Event {
            code: u32::from(e.code.number()),
            state: e.state as i32,
            floor: e.floor.map(i32::from),
            at: e.at.millis(),
        }),
        Body::MaintenanceSession(m) => pb::Body::MaintenanceSession(pb::MaintenanceSession {
            session_id: m.session_id.clone(),
            maintenance_unit: m.maintenance_unit.to_string(),
            technicians: m.technicians.iter().map(|t| t.to_string()).collect(),
            tier: TIERS.iter().position(|t| *t == m.tier).unwrap_or(0) as i32,
            items_done: m.items_done.iter().map(|i| i.to_string()).collect(),
            started_at: m.started_at.millis(),
            ended_at: m.ended_at.millis(),
            confirmation: m.confirmation.as_ref().map(|c| pb::Confirmation {
                confirmed_by: c.confirmed_by.clone(),
                confirmed_at: c.confirmed_at.millis(),
            }),
        }),
        other => panic!("the protobuf peer covers the benchmarked kinds, not {other:?}"),
    };
    pb::Envelope {
        device: envelope.device.to_string(),
        seq: envelope.seq,
        epoch: envelope.epoch,
        sent_at: envelope.sent_at.millis(),
        body: Some(body),
    }
}

fn convert<T, E: std::fmt::Display>(r: Result<T, E>) -> Result<T, PeerError> {
    r.map_err(|e| PeerError::Convert(e.to_string()))
}

fn small<T: TryFrom<i64>>(v: i64, what: &str) -> Result<T, PeerError> {
    T::try_from(v).map_err(|_| PeerError::Convert(format!("{what} {v} out of range")))
}

/// Converts the protobuf form back into liftspec values, checking what protobuf cannot express
/// (identifier formats, integer widths, enum ranges).
pub fn from_pb(pb: pb::Envelope) -> Result<Envelope, PeerError> {
    let body = match pb.body {
        Some(pb::Body::Status(s)) => Body::Status(Status {
            mode: ServiceMode::from_code(small(i64::from(s.mode), "mode")?),
            moving: s.moving,
            direction: match s.direction {
                0 => Direction::None,
                1 => Direction::Up,
                2 => Direction::Down,
                d => return Err(PeerError::Convert(format!("direction {d}"))),
            },
            floor: small(i64::from(s.floor), "floor")?,
            door_zone: s.door_zone,
            front_door: DoorStatus::from_code(small(i64::from(s.front_door), "frontDoor")?),
            rear_door: match s.rear_door {
                Some(d) => Some(DoorStatus::from_code(small(i64::from(d), "rearDoor")?)),
                None => None,
            },
            occupied: s.occupied,
            load_percent: match s.load_percent {
                Some(l) => Some(small(i64::from(l), "loadPercent")?),
                None => None,
            },
            speed_mm_s: s.speed_mm_s,
            position_mm: s.position_mm,
            mains_power: s.mains_power,
            up_final_limit: s.up_final_limit,
            down_final_limit: s.down_final_limit,
        }),
        Some(pb::Body::Event(e)) => Body::Event(EventMessage {
            code: EventCode::from_number(small(i64::from(e.code), "code")?),
            state: match e.state {
                0 => EventState::Raised,
                1 => EventState::Cleared,
                2 => EventState::Occurred,
                s => return Err(PeerError::Convert(format!("state {s}"))),
            },
            floor: match e.floor {
                Some(f) => Some(small(i64::from(f), "floor")?),
                None => None,
            },
            at: Timestamp::from_millis(e.at),
        }),
        Some(pb::Body::MaintenanceSession(m)) => {
            Body::MaintenanceSession(Box::new(MaintenanceSession {
                session_id: m.session_id,
                maintenance_unit: convert(m.maintenance_unit.parse::<CreditCode>())?,
                technicians: m
                    .technicians
                    .iter()
                    .map(|t| convert(TechnicianId::parse(t)))
                    .collect::<Result<_, _>>()?,
                tier: *TIERS
                    .get(small::<usize>(i64::from(m.tier), "tier")?)
                    .ok_or_else(|| PeerError::Convert(format!("tier {}", m.tier)))?,
                items_done: m
                    .items_done
                    .iter()
                    .map(|i| convert(i.parse::<MaintenanceItemId>()))
                    .collect::<Result<_, _>>()?,
                started_at: Timestamp::from_millis(m.started_at),
                ended_at: Timestamp::from_millis(m.ended_at),
                confirmation: m.confirmation.map(|c| UseUnitConfirmation {
                    confirmed_by: c.confirmed_by,
                    confirmed_at: Timestamp::from_millis(c.confirmed_at),
                }),
            }))
        }
        None => return Err(PeerError::Convert("no body".into())),
    };
    Ok(Envelope {
        device: convert(DeviceId::parse(&pb.device))?,
        epoch: pb.epoch,
        seq: pb.seq,
        sent_at: Timestamp::from_millis(pb.sent_at),
        body,
    })
}

/// The protobuf peer's message: the encoded envelope and the tag over it.
pub struct PbMessage {
    /// The protobuf bytes.
    pub bytes: Vec<u8>,
    /// The tag over `bytes`.
    pub tag: Vec<u8>,
}

/// Encodes the protobuf peer's message.
pub fn pb_send(envelope: &Envelope, keys: &DeviceKeys) -> PbMessage {
    let bytes = to_pb(envelope).encode_to_vec();
    let tag = peer_tag(keys, scheme_for(envelope), &bytes);
    PbMessage { bytes, tag }
}

/// The protobuf peer's receive path: decode, convert, validate, verify.
pub fn pb_receive(
    message: &PbMessage,
    credentials: &DeviceCredentials,
    ctx: &ValidationContext,
) -> Result<Envelope, PeerError> {
    let decoded = pb::Envelope::decode(message.bytes.as_slice())
        .map_err(|e| PeerError::Parse(e.to_string()))?;
    let envelope = from_pb(decoded)?;
    validate(&envelope, ctx)?;
    peer_verify(
        credentials,
        scheme_for(&envelope),
        &message.bytes,
        &message.tag,
    )?;
    Ok(envelope)
}

/// Sizes in bytes of one message in each encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sizes {
    /// liftspec frame without its tag.
    pub liftspec_untagged: usize,
    /// liftspec frame with its tag.
    pub liftspec: usize,
    /// Protobuf bytes (no tag).
    pub protobuf: usize,
    /// JSON text (no tag).
    pub json: usize,
    /// The tag every encoding needs on top (16 MAC or 64 signature).
    pub tag: usize,
}

/// The sizes of `envelope` in each encoding.
pub fn sizes(envelope: &Envelope) -> Sizes {
    let keys = keys();
    let frame = wire::encode(envelope, &keys).expect("samples encode");
    let tag = scheme_for(envelope).tag_len();
    Sizes {
        liftspec_untagged: frame.len() - tag,
        liftspec: frame.len(),
        protobuf: pb_send(envelope, &keys).bytes.len(),
        json: json_send(envelope, &keys).text.len(),
        tag,
    }
}

/// The benchmarked samples with their names.
pub fn samples() -> Vec<(&'static str, Envelope)> {
    vec![
        ("status", status()),
        ("event", event()),
        ("maintenance_session", maintenance_session()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_peer_receives_what_it_was_sent() {
        let keys = keys();
        let creds = keys.credentials();
        let ctx = context();
        for (name, env) in samples() {
            let frame = wire::encode(&env, &keys).unwrap();
            assert_eq!(
                liftspec_receive(&frame, &creds, &ctx).unwrap(),
                env,
                "{name}"
            );
            let json = json_send(&env, &keys);
            assert_eq!(json_receive(&json, &creds, &ctx).unwrap(), env, "{name}");
            let pb = pb_send(&env, &keys);
            assert_eq!(pb_receive(&pb, &creds, &ctx).unwrap(), env, "{name}");
        }
    }

    #[test]
    fn every_peer_rejects_a_tampered_message() {
        let keys = keys();
        let creds = keys.credentials();
        let ctx = context();
        for (name, env) in samples() {
            let mut frame = wire::encode(&env, &keys).unwrap();
            let last = frame.len() - 1;
            frame[last] ^= 1;
            assert!(liftspec_receive(&frame, &creds, &ctx).is_err(), "{name}");
            let mut json = json_send(&env, &keys);
            json.tag[0] ^= 1;
            assert!(json_receive(&json, &creds, &ctx).is_err(), "{name}");
            let mut pb = pb_send(&env, &keys);
            pb.tag[0] ^= 1;
            assert!(pb_receive(&pb, &creds, &ctx).is_err(), "{name}");
        }
    }

    /// The samples are the golden vectors' messages, byte for byte, so the sizes the README
    /// gives are the vectors' sizes.
    #[test]
    fn the_samples_are_the_golden_vectors() {
        let vectors = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../crates/liftspec-protocol/vectors");
        for (name, env) in samples() {
            let hex = std::fs::read_to_string(vectors.join(format!("{name}.hex"))).unwrap();
            let frame = wire::encode(&env, &keys()).unwrap();
            let frame: String = frame.iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(frame, hex.trim(), "{name}");
        }
    }

    /// The README's table of bytes per message is what `sizes` measures now.
    #[test]
    fn the_readme_sizes_table_is_current() {
        let readme = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"),
        )
        .unwrap();
        for (name, env) in samples() {
            let s = sizes(&env);
            let row = format!(
                "| {name} | {} ({}) | {} | {} | {} |",
                s.liftspec, s.tag, s.liftspec_untagged, s.protobuf, s.json
            );
            assert!(
                readme.contains(&row),
                "README lacks {row:?} (cargo run -p liftspec-benches --example sizes)"
            );
        }
    }

    #[test]
    fn a_status_frame_is_smaller_than_its_protobuf_encoding() {
        let s = sizes(&status());
        assert!(
            s.liftspec_untagged < s.protobuf,
            "liftspec {} bytes, protobuf {} bytes",
            s.liftspec_untagged,
            s.protobuf
        );
        assert!(s.protobuf < s.json);
    }
}
