//! The binary frame, version 2 (specified byte by byte in `docs/protocol.md`):
//!
//! ```text
//! offset 0   magic 0x4C ('L')
//!        1   protocol version (2)
//!        2   message kind (MessageKind byte; below 64 device → platform, 64 and above the reverse)
//!        3   auth scheme (1 HMAC-SHA256/128, 2 Ed25519, 3 Ed25519 + HMAC)
//!        4.. header: postcard(device id: string, epoch: varint u32, seq: varint u64,
//!            sent_at: zigzag varint i64 ms)
//!        ..  body: postcard of the kind's message struct (no enum tag: the kind byte says it)
//!   end-T..  tag: 16 (HMAC), 64 (Ed25519) or 80 (both) bytes over every byte before it
//! ```
//!
//! Compatibility: a frame with a newer version or an unknown kind byte is rejected with a typed
//! error ([`DecodeError::UnsupportedVersion`], [`DecodeError::UnknownKind`]) — never misread — and
//! [`peek`] still reads the fixed prefix and header, so a gateway can forward what it cannot decode.

use alloc::string::String;
use alloc::vec::Vec;

use liftspec_model::time::Timestamp;
use serde::{Deserialize, Serialize};

use crate::auth::{
    verify_signature, AuthError, AuthScheme, DeviceCredentials, DeviceKeys, FrameMac, MacKeys,
    MacPurpose, Verified, MAC_LEN, SIGNATURE_LEN,
};
use crate::message::{Body, MessageKind};
use crate::reader::{self, Part, Reader};
use crate::PROTOCOL_VERSION;

/// First byte of every frame.
pub const MAGIC: u8 = 0x4C;
/// Bytes before the header.
pub const PREFIX_LEN: usize = 4;
/// Largest frame accepted (bytes).
pub const MAX_FRAME_LEN: usize = 16 * 1024;
/// Largest sequence number (2^53 − 1, the largest integer a JSON number carries exactly in
/// every language, JavaScript included). A device that sends 1,000 frames a second reaches it in
/// 285,000 years; bounding it means `seq + 1` never overflows anywhere.
pub const MAX_SEQ: u64 = (1 << 53) - 1;

pub use liftspec_model::id::DeviceId;

/// A message with its envelope: who sent it, its sequence number and the device's send time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope {
    /// The sending device (or, for platform frames, the addressed device).
    pub device: DeviceId,
    /// The sender's sequence space: a number the sender chooses afresh (at random) whenever it
    /// cannot prove that its sequence counter continues — a first boot, a lost or corrupt
    /// counter — so numbers from before and after never collide.
    pub epoch: u32,
    /// Per-device, per-direction monotonic sequence number within the epoch, persisted across
    /// reboots, from 1 to [`MAX_SEQ`].
    pub seq: u64,
    /// The sender's clock (UTC).
    pub sent_at: Timestamp,
    /// The message.
    pub body: Body,
}

/// The header as serialised (borrowing the device id, so encoding copies nothing).
#[derive(Serialize)]
struct HeaderRef<'a> {
    device: &'a DeviceId,
    epoch: u32,
    seq: u64,
    sent_at: Timestamp,
}

/// Why bytes are not a frame.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Fewer bytes than the prefix and smallest tag.
    #[error("frame too short: {len} bytes")]
    TooShort {
        /// Bytes given.
        len: usize,
    },
    /// More than [`MAX_FRAME_LEN`] bytes.
    #[error("frame too long: {len} bytes, at most {MAX_FRAME_LEN}")]
    TooLong {
        /// Bytes given.
        len: usize,
    },
    /// Byte 0 is not [`MAGIC`].
    #[error("byte 0: expected magic 0x4C, found {found:#04x}")]
    BadMagic {
        /// The byte found.
        found: u8,
    },
    /// A protocol version this crate does not speak.
    #[error("byte 1: protocol version {found} is not supported (this implementation speaks {supported})")]
    UnsupportedVersion {
        /// The version found.
        found: u8,
        /// The version supported.
        supported: u8,
    },
    /// An unknown message kind.
    #[error("byte 2: unknown message kind {found}")]
    UnknownKind {
        /// The kind byte found.
        found: u8,
    },
    /// An unknown authentication scheme.
    #[error("byte 3: unknown authentication scheme {found}")]
    UnknownAuthScheme {
        /// The scheme byte found.
        found: u8,
    },
    /// The header does not decode.
    #[error("header at byte 4: {reason}")]
    Header {
        /// What postcard or the id check said.
        reason: String,
    },
    /// The body does not decode as its kind.
    #[error("{kind:?} body at byte {offset}: {reason}")]
    Body {
        /// The kind.
        kind: MessageKind,
        /// Offset of the body.
        offset: usize,
        /// What postcard or a field check said.
        reason: String,
    },
    /// The bytes decode, but are not the one encoding of their values (an over-long varint, for
    /// instance): rejected so that equal values always mean equal bytes.
    #[error("byte {offset}: not the canonical encoding of the decoded values")]
    NonCanonical {
        /// Offset of the first byte that differs from the canonical encoding.
        offset: usize,
    },
    /// Bytes left between the body and the tag.
    #[error("{kind:?} body: {count} unexpected bytes before the tag at byte {offset}")]
    TrailingBytes {
        /// The kind.
        kind: MessageKind,
        /// How many.
        count: usize,
        /// Offset of the first.
        offset: usize,
    },
}

impl DecodeError {
    /// The byte offset the error is at, when the error names one (a header error is at byte 4).
    ///
    /// ```
    /// use liftspec_protocol::wire::decode;
    /// let mut frame = [0u8; 32];
    /// frame[..2].copy_from_slice(&[0x4C, 9]); // magic, then a version nobody speaks
    /// let e = decode(&frame).unwrap_err();
    /// assert_eq!((e.code(), e.offset()), ("decode.unsupported_version", Some(1)));
    /// ```
    pub const fn offset(&self) -> Option<usize> {
        match self {
            Self::TooShort { .. } | Self::TooLong { .. } => None,
            Self::BadMagic { .. } => Some(0),
            Self::UnsupportedVersion { .. } => Some(1),
            Self::UnknownKind { .. } => Some(2),
            Self::UnknownAuthScheme { .. } => Some(3),
            Self::Header { .. } => Some(4),
            Self::Body { offset, .. }
            | Self::NonCanonical { offset }
            | Self::TrailingBytes { offset, .. } => Some(*offset),
        }
    }

    /// A stable, machine-readable code.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::TooShort { .. } => "decode.too_short",
            Self::TooLong { .. } => "decode.too_long",
            Self::BadMagic { .. } => "decode.bad_magic",
            Self::UnsupportedVersion { .. } => "decode.unsupported_version",
            Self::UnknownKind { .. } => "decode.unknown_kind",
            Self::UnknownAuthScheme { .. } => "decode.unknown_auth_scheme",
            Self::Header { .. } => "decode.header",
            Self::Body { .. } => "decode.body",
            Self::TrailingBytes { .. } => "decode.trailing_bytes",
            Self::NonCanonical { .. } => "decode.non_canonical",
        }
    }
}

/// What can be read of a frame without decoding its body: enough to route, forward or reject it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameInfo {
    /// Protocol version byte.
    pub version: u8,
    /// Kind byte (may be unknown to this implementation).
    pub kind_byte: u8,
    /// Authentication scheme.
    pub scheme: AuthScheme,
    /// Sender (or addressee).
    pub device: DeviceId,
    /// The sender's epoch.
    pub epoch: u32,
    /// Sequence number.
    pub seq: u64,
    /// Send time.
    pub sent_at: Timestamp,
    /// Offset of the body.
    pub body_start: usize,
    /// Offset of the tag (= end of the signed bytes).
    pub tag_start: usize,
}

/// Checks the fixed prefix and finds the tag: the scheme and the tag's offset.
fn prefix(bytes: &[u8]) -> Result<(AuthScheme, usize), DecodeError> {
    if bytes.len() > MAX_FRAME_LEN {
        return Err(DecodeError::TooLong { len: bytes.len() });
    }
    if bytes.len() < PREFIX_LEN + AuthScheme::HmacSha256.tag_len() {
        return Err(DecodeError::TooShort { len: bytes.len() });
    }
    if bytes[0] != MAGIC {
        return Err(DecodeError::BadMagic { found: bytes[0] });
    }
    if bytes[1] != PROTOCOL_VERSION {
        return Err(DecodeError::UnsupportedVersion {
            found: bytes[1],
            supported: PROTOCOL_VERSION,
        });
    }
    let scheme = AuthScheme::from_byte(bytes[3])
        .ok_or(DecodeError::UnknownAuthScheme { found: bytes[3] })?;
    let tag_start = bytes
        .len()
        .checked_sub(scheme.tag_len())
        .filter(|&t| t >= PREFIX_LEN)
        .ok_or(DecodeError::TooShort { len: bytes.len() })?;
    Ok((scheme, tag_start))
}

/// Reads the fixed prefix and header of any version-1-layout frame, whatever its kind.
pub fn peek(bytes: &[u8]) -> Result<FrameInfo, DecodeError> {
    let (scheme, tag_start) = prefix(bytes)?;
    let mut r = Reader::new(&bytes[PREFIX_LEN..tag_start], PREFIX_LEN, Part::Header);
    let (device, epoch, seq, sent_at) = r.header().map_err(|_| r.error())?;
    Ok(FrameInfo {
        version: bytes[1],
        kind_byte: bytes[2],
        scheme,
        device,
        epoch,
        seq,
        sent_at,
        body_start: r.offset(),
        tag_start,
    })
}

/// A decoded frame: the envelope plus what verification needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    /// The envelope.
    pub envelope: Envelope,
    /// How it is authenticated.
    pub scheme: AuthScheme,
    /// Offset of the tag in the bytes it was decoded from.
    pub tag_start: usize,
}

impl Frame {
    /// Verifies the frame's tag against the device's credentials: the scheme its kind requires,
    /// the MAC key of its direction, and for Register the signature by the key it announces.
    /// `bytes` are the bytes the frame was decoded from.
    pub fn verify(
        &self,
        bytes: &[u8],
        credentials: &DeviceCredentials,
    ) -> Result<Verified, AuthError> {
        self.verify_with(bytes, credentials, None)
    }

    /// As [`Frame::verify`], also accepting signatures by `proposed`, a key announced in an
    /// unconfirmed key change ([`Verified::ProposedKey`]).
    pub fn verify_with(
        &self,
        bytes: &[u8],
        credentials: &DeviceCredentials,
        proposed: Option<&[u8; 32]>,
    ) -> Result<Verified, AuthError> {
        self.check_scheme()?;
        let kind = self.envelope.body.kind();
        let (signed, tag) = bytes.split_at(self.tag_start.min(bytes.len()));
        let purpose = if kind.from_device() {
            MacPurpose::Uplink
        } else {
            MacPurpose::Downlink
        };
        let macs = credentials.mac_keys();
        match self.scheme {
            AuthScheme::HmacSha256 => {
                mac_ok(macs, purpose, signed, tag).map(|()| Verified::Registered)
            }
            AuthScheme::Ed25519 => match verify_signature(&credentials.public_key(), signed, tag) {
                Ok(()) => Ok(Verified::Registered),
                Err(e) => match proposed {
                    Some(key) if verify_signature(key, signed, tag).is_ok() => {
                        Ok(Verified::ProposedKey)
                    }
                    _ => Err(e),
                },
            },
            AuthScheme::Ed25519Hmac => {
                let Body::Register(register) = &self.envelope.body else {
                    return Err(AuthError::BadTag);
                };
                if tag.len() != SIGNATURE_LEN + MAC_LEN {
                    return Err(AuthError::BadTag);
                }
                let (signature, mac) = tag.split_at(SIGNATURE_LEN);
                mac_ok(macs, purpose, signed, mac)?;
                verify_signature(&register.public_key, signed, signature)?;
                if register.public_key == credentials.public_key() {
                    Ok(Verified::Registered)
                } else {
                    Ok(Verified::KeyChangeProposed {
                        public_key: register.public_key,
                    })
                }
            }
        }
    }

    /// Verifies a platform → device frame with the MAC keys alone, which is what a device holds:
    /// the scheme its kind requires (HMAC) and the downlink key. A device frame reflected back
    /// fails here, since it carries the uplink key's tag.
    pub fn verify_platform(&self, bytes: &[u8], macs: &MacKeys) -> Result<(), AuthError> {
        self.check_scheme()?;
        let (signed, tag) = bytes.split_at(self.tag_start.min(bytes.len()));
        mac_ok(macs, MacPurpose::Downlink, signed, tag)
    }

    /// What a receiver checks without the device's keys (`docs/protocol.md` §4): the scheme
    /// rules ([`Frame::check_scheme`]), and for a Register that the public key it announces is
    /// a valid, strong Ed25519 point. A tool that holds no keys (a certifier's, a gateway's)
    /// still refuses an unsigned Alarm and a Register announcing a weak key.
    ///
    /// ```
    /// use liftspec_protocol::{auth::DeviceKeys, message::*, wire::{self, DeviceId, Envelope}};
    /// use liftspec_model::time::Timestamp;
    /// let keys = DeviceKeys::from_seed([7; 32], [9; 32])?;
    /// let alarm = Body::Alarm(AlarmMessage {
    ///     alarm_id: 1, stage: AlarmStage::Raised, floor: None, at: Timestamp::from_millis(0),
    /// });
    /// let envelope = Envelope {
    ///     device: DeviceId::parse("T-1")?, epoch: 1, seq: 1, sent_at: Timestamp::from_millis(0),
    ///     body: alarm,
    /// };
    /// let bytes = wire::encode(&envelope, &keys)?;
    /// assert!(wire::decode(&bytes)?.check_unkeyed().is_ok());
    /// // The same Alarm re-tagged with only a MAC (scheme byte 1) is refused with no key at hand.
    /// let mut mac_only = bytes[..bytes.len() - 64].to_vec();
    /// mac_only[3] = 1;
    /// mac_only.extend([0u8; 16]);
    /// assert_eq!(wire::decode(&mac_only)?.check_unkeyed().unwrap_err().code(), "auth.signature_required");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check_unkeyed(&self) -> Result<(), AuthError> {
        self.check_scheme()?;
        if let Body::Register(register) = &self.envelope.body {
            crate::auth::check_public_key(&register.public_key)?;
        }
        Ok(())
    }

    /// The scheme rules of `docs/protocol.md` §4: kinds with one required scheme use it, kinds
    /// that must be signed are not only MACed, and scheme 3 is Register's alone. They need no
    /// key, so a tool without the device's keys still refuses an unsigned Alarm. [`verify`]
    /// checks them too.
    ///
    /// [`verify`]: Frame::verify
    pub fn check_scheme(&self) -> Result<(), AuthError> {
        let kind = self.envelope.body.kind();
        match kind.required_scheme() {
            Some(expected) if self.scheme != expected => {
                Err(AuthError::WrongScheme { kind, expected })
            }
            Some(_) => Ok(()),
            None if self.scheme == AuthScheme::Ed25519Hmac => Err(AuthError::WrongScheme {
                kind,
                expected: if kind.requires_signature() {
                    AuthScheme::Ed25519
                } else {
                    AuthScheme::HmacSha256
                },
            }),
            None if kind.requires_signature() && self.scheme == AuthScheme::HmacSha256 => {
                Err(AuthError::SignatureRequired(kind))
            }
            None => Ok(()),
        }
    }
}

fn mac_ok(macs: &MacKeys, purpose: MacPurpose, signed: &[u8], tag: &[u8]) -> Result<(), AuthError> {
    if macs.verify(purpose, signed, tag) {
        Ok(())
    } else {
        Err(AuthError::BadTag)
    }
}

/// Verifies many frames at once and gives one result per frame, as [`Frame::verify`] would.
///
/// MACs are checked one by one (they cost little); Ed25519 signatures are checked together with
/// ed25519-dalek's batch equation, which shares the expensive point arithmetic. If the batch
/// fails, each signature is checked on its own to name the bad ones, so one forged frame costs
/// the batch its speed-up but never lets another frame through or fails a good one.
///
/// The batch equation accepts exactly the signatures single verification accepts, except ones
/// the key holder crafted with small-order components; they cannot be made without the
/// device's key. Where a frame is evidence (a maintenance session under dispute), check it
/// again with [`Frame::verify`], which is strict. Weak (small-order) public keys are refused
/// outright.
///
/// ```
/// use liftspec_model::{id::DeviceId, time::Timestamp};
/// use liftspec_protocol::{auth::{AuthError, DeviceKeys, Verified}, message::{Body, Heartbeat}, wire};
/// let keys = DeviceKeys::from_seed([7; 32], [9; 32]).unwrap();
/// let mut frames: Vec<Vec<u8>> = (1..=3)
///     .map(|seq| {
///         let body = Body::Heartbeat(Heartbeat {
///             uptime_s: seq, signal_dbm: -70, battery_percent: None, clock_offset_ms: 0,
///         });
///         let envelope = wire::Envelope {
///             device: DeviceId::parse("HZ-T-000123").unwrap(),
///             epoch: 7,
///             seq: u64::from(seq),
///             sent_at: Timestamp::from_millis(1_795_929_850_000),
///             body,
///         };
///         wire::encode(&envelope, &keys).unwrap()
///     })
///     .collect();
/// *frames[1].last_mut().unwrap() ^= 1; // tamper with the second frame's tag
/// let decoded: Vec<wire::Frame> = frames.iter().map(|b| wire::decode(b).unwrap()).collect();
/// let credentials = keys.credentials();
/// let items: Vec<_> = decoded
///     .iter()
///     .zip(&frames)
///     .map(|(f, b)| (f, b.as_slice(), &credentials))
///     .collect();
/// let ok = Ok(Verified::Registered);
/// assert_eq!(wire::verify_frames(&items), vec![ok, Err(AuthError::BadTag), ok]);
/// ```
#[cfg(feature = "batch")]
pub fn verify_frames(
    items: &[(&Frame, &[u8], &DeviceCredentials)],
) -> alloc::vec::Vec<Result<Verified, AuthError>> {
    use alloc::vec::Vec;
    let mut results: Vec<Result<Verified, AuthError>> = Vec::with_capacity(items.len());
    let mut batch: Vec<usize> = Vec::new();
    let mut messages: Vec<&[u8]> = Vec::new();
    let mut signatures = Vec::new();
    let mut keys = Vec::new();
    for (i, (frame, bytes, credentials)) in items.iter().enumerate() {
        if frame.scheme != AuthScheme::Ed25519 || frame.check_scheme().is_err() {
            // MACs cost little, scheme 3 needs its own checks, and scheme errors are reported
            // as single verification reports them.
            results.push(frame.verify(bytes, credentials));
            continue;
        }
        let (signed, tag) = bytes.split_at(frame.tag_start.min(bytes.len()));
        let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(&credentials.public_key()) else {
            results.push(Err(AuthError::BadPublicKey));
            continue;
        };
        if key.is_weak() {
            results.push(Err(AuthError::BadPublicKey));
            continue;
        }
        let Ok(sig) = <[u8; 64]>::try_from(tag) else {
            results.push(Err(AuthError::BadTag));
            continue;
        };
        results.push(Ok(Verified::Registered));
        batch.push(i);
        messages.push(signed);
        signatures.push(ed25519_dalek::Signature::from_bytes(&sig));
        keys.push(key);
    }
    if !batch.is_empty() && ed25519_dalek::verify_batch(&messages, &signatures, &keys).is_err() {
        for (n, &i) in batch.iter().enumerate() {
            results[i] = keys[n]
                .verify_strict(messages[n], &signatures[n])
                .map(|()| Verified::Registered)
                .map_err(|_| AuthError::BadTag);
        }
    }
    results
}

/// Decodes a frame (without verifying it: see [`Frame::verify`]).
///
/// Decoding is strict: the bytes must be the canonical encoding of the values they decode to
/// ([`DecodeError::NonCanonical`] otherwise), so a frame has exactly one byte form.
pub fn decode(bytes: &[u8]) -> Result<Frame, DecodeError> {
    let (scheme, tag_start) = prefix(bytes)?;
    // The prefix's bytes first, then the header (docs/protocol.md §2 gives the order).
    let kind =
        MessageKind::from_byte(bytes[2]).ok_or(DecodeError::UnknownKind { found: bytes[2] })?;
    let mut r = Reader::new(&bytes[PREFIX_LEN..tag_start], PREFIX_LEN, Part::Header);
    let (device, epoch, seq, sent_at) = r.header().map_err(|_| r.error())?;
    r.begin(Part::Body(kind));
    let body = reader::body(kind, &mut r).map_err(|_| r.error())?;
    if r.remaining() > 0 {
        return Err(DecodeError::TrailingBytes {
            kind,
            count: r.remaining(),
            offset: r.offset(),
        });
    }
    Ok(Frame {
        envelope: Envelope {
            device,
            epoch,
            seq,
            sent_at,
            body,
        },
        scheme,
        tag_start,
    })
}

/// Why a frame could not be encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    /// Larger than [`MAX_FRAME_LEN`].
    #[error("frame would be {len} bytes, at most {MAX_FRAME_LEN}")]
    TooLong {
        /// The length it would have.
        len: usize,
    },
    /// A device tried to encode a platform message or the reverse.
    #[error("{0:?} frames are not sent from this side")]
    WrongDirection(MessageKind),
    /// Serialisation failed.
    #[error("serialisation failed: {0}")]
    Serialize(String),
    /// The kind must be signed, and only a MAC key was given.
    #[error("{0:?} frames must be signed with Ed25519")]
    SignatureRequired(MessageKind),
    /// The sender's sequence numbers are used up (at [`MAX_SEQ`]): start a new epoch.
    #[error("sequence numbers of this epoch are used up")]
    Exhausted,
}

impl EncodeError {
    /// A stable, machine-readable code.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::TooLong { .. } => "encode.too_long",
            Self::WrongDirection(_) => "encode.wrong_direction",
            Self::Serialize(_) => "encode.serialize",
            Self::SignatureRequired(_) => "encode.signature_required",
            Self::Exhausted => "encode.exhausted",
        }
    }
}

pub(crate) fn signed_part(envelope: &Envelope, scheme: AuthScheme) -> Result<Vec<u8>, EncodeError> {
    let kind = envelope.body.kind();
    let mut out = Vec::with_capacity(64);
    out.extend_from_slice(&[MAGIC, PROTOCOL_VERSION, kind.byte(), scheme as u8]);
    let header = HeaderRef {
        device: &envelope.device,
        epoch: envelope.epoch,
        seq: envelope.seq,
        sent_at: envelope.sent_at,
    };
    let ser = |e: postcard::Error| EncodeError::Serialize(alloc::format!("{e}"));
    out = postcard::to_extend(&header, out).map_err(ser)?;
    out = match &envelope.body {
        Body::Register(m) => postcard::to_extend(m, out),
        Body::Status(m) => postcard::to_extend(m, out),
        Body::Statistics(m) => postcard::to_extend(m, out),
        Body::Event(m) => postcard::to_extend(m, out),
        Body::DoorCycle(m) => postcard::to_extend(m, out),
        Body::Alarm(m) => postcard::to_extend(m, out),
        Body::MaintenanceSession(m) => postcard::to_extend(m, out),
        Body::Heartbeat(m) => postcard::to_extend(m, out),
        Body::Discarded(m) => postcard::to_extend(m, out),
        Body::Ack(m) => postcard::to_extend(m, out),
        Body::Nack(m) => postcard::to_extend(m, out),
        Body::Resume(m) => postcard::to_extend(m, out),
        Body::Command(m) => postcard::to_extend(m, out),
    }
    .map_err(ser)?;
    let len = out.len() + scheme.tag_len();
    if len > MAX_FRAME_LEN {
        return Err(EncodeError::TooLong { len });
    }
    Ok(out)
}

/// The scheme the reference encoder uses for a device frame of `kind`: the required one, an
/// Ed25519 signature where one is needed, the MAC otherwise.
pub const fn device_scheme(kind: MessageKind) -> AuthScheme {
    match kind.required_scheme() {
        Some(scheme) => scheme,
        None if kind.requires_signature() => AuthScheme::Ed25519,
        None => AuthScheme::HmacSha256,
    }
}

/// Encodes a device frame: Register with scheme 3, the other kinds that must be signed with
/// Ed25519, the rest with the uplink MAC.
pub fn encode(envelope: &Envelope, keys: &DeviceKeys) -> Result<Vec<u8>, EncodeError> {
    let kind = envelope.body.kind();
    if !kind.from_device() {
        return Err(EncodeError::WrongDirection(kind));
    }
    let scheme = device_scheme(kind);
    let mut out = signed_part(envelope, scheme)?;
    let signed_len = out.len();
    let mut tag = Vec::with_capacity(scheme.tag_len());
    keys.append_frame_tag(scheme, &out[..signed_len], &mut tag);
    out.extend_from_slice(&tag);
    Ok(out)
}

/// Encodes a device frame of a kind that needs no signature with only the device's uplink MAC
/// key ([`crate::auth::MacKeys::uplink`]; a gateway or simulator that keeps the signing key
/// elsewhere). Kinds that must be signed are
/// refused with [`EncodeError::SignatureRequired`]: use [`encode`].
pub fn encode_mac(envelope: &Envelope, mac: &FrameMac) -> Result<Vec<u8>, EncodeError> {
    let kind = envelope.body.kind();
    if !kind.from_device() {
        return Err(EncodeError::WrongDirection(kind));
    }
    if kind.requires_signature() {
        return Err(EncodeError::SignatureRequired(kind));
    }
    let mut out = signed_part(envelope, AuthScheme::HmacSha256)?;
    let tag = mac.tag(&out);
    out.extend_from_slice(&tag);
    Ok(out)
}

/// Encodes a platform frame to a device, MACed with the downlink key.
pub fn encode_platform(
    envelope: &Envelope,
    credentials: &DeviceCredentials,
) -> Result<Vec<u8>, EncodeError> {
    let kind = envelope.body.kind();
    if kind.from_device() {
        return Err(EncodeError::WrongDirection(kind));
    }
    let mut out = signed_part(envelope, AuthScheme::HmacSha256)?;
    let mut tag = Vec::with_capacity(MAC_LEN);
    credentials.append_downlink_mac(&out, &mut tag);
    out.extend_from_slice(&tag);
    Ok(out)
}
