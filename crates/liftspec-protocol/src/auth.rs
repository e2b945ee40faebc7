//! Authentication (`docs/protocol.md` §4): every frame carries an HMAC-SHA256/128 tag, an Ed25519
//! signature, or (Register) both, over all bytes before the tag.
//!
//! Keys are separated by purpose. The device's 32-byte MAC key is never used directly: it derives
//! one key for device → platform frames, one for platform → device frames and one for documents
//! outside frames ([`MacKeys`]), so a frame cannot be reflected into the other direction and a
//! tagged document can never pass as a frame. Ed25519 signs frames as they are (they start with
//! the magic byte `0x4C`) and documents behind the prefix [`DOCUMENT_CONTEXT`] (which starts with
//! `0x6C`), for the same reason.

use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Label of the derived key for device → platform frames.
pub const UPLINK_LABEL: &[u8] = b"liftspec/2 mac device-to-platform";
/// Label of the derived key for platform → device frames.
pub const DOWNLINK_LABEL: &[u8] = b"liftspec/2 mac platform-to-device";
/// Label of the derived key for documents outside frames ([`DeviceKeys::tag`]).
pub const DOCUMENT_LABEL: &[u8] = b"liftspec/2 mac document";
/// What an Ed25519 document signature signs before the document's bytes.
pub const DOCUMENT_CONTEXT: &[u8] = b"liftspec/2 document\n";

/// Length of an HMAC tag (HMAC-SHA256 truncated to 128 bits).
pub const MAC_LEN: usize = 16;
/// Length of an Ed25519 signature.
pub const SIGNATURE_LEN: usize = 64;

/// Authentication schemes. The number is the frame's scheme byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[repr(u8)]
pub enum AuthScheme {
    /// 1: HMAC-SHA256 truncated to 16 bytes, with the direction's derived MAC key.
    HmacSha256 = 1,
    /// 2: Ed25519 (RFC 8032) signature, 64 bytes, with the device's signing key.
    Ed25519 = 2,
    /// 3: an Ed25519 signature by the key the frame announces, then the 16-byte HMAC tag over the
    /// same bytes (Register: proof of possession of the key, and of the device's MAC key).
    Ed25519Hmac = 3,
}

impl AuthScheme {
    /// The scheme for a scheme byte.
    pub const fn from_byte(b: u8) -> Option<Self> {
        match b {
            1 => Some(Self::HmacSha256),
            2 => Some(Self::Ed25519),
            3 => Some(Self::Ed25519Hmac),
            _ => None,
        }
    }

    /// Tag length in bytes.
    pub const fn tag_len(self) -> usize {
        match self {
            Self::HmacSha256 => MAC_LEN,
            Self::Ed25519 => SIGNATURE_LEN,
            Self::Ed25519Hmac => SIGNATURE_LEN + MAC_LEN,
        }
    }
}

/// Why authentication failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// The tag does not match: forged, tampered, or tagged for the other direction.
    #[error("authentication tag does not match (forged, tampered or reflected frame)")]
    BadTag,
    /// The kind needs a signature but carries a MAC.
    #[error("{0:?} frames must be signed with Ed25519")]
    SignatureRequired(crate::message::MessageKind),
    /// The kind must use a particular scheme (Register: scheme 3; platform frames: scheme 1).
    #[error("{kind:?} frames must use scheme {expected:?}")]
    WrongScheme {
        /// The frame's kind.
        kind: crate::message::MessageKind,
        /// The scheme it must use.
        expected: AuthScheme,
    },
    /// The registered (or announced) public key is not a valid Ed25519 point, or is a weak
    /// (small-order) one that any signature would satisfy.
    #[error("the device's public key is invalid or weak")]
    BadPublicKey,
}

impl AuthError {
    /// A stable, machine-readable code.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::BadTag => "auth.bad_tag",
            Self::SignatureRequired(_) => "auth.signature_required",
            Self::WrongScheme { .. } => "auth.wrong_scheme",
            Self::BadPublicKey => "auth.bad_public_key",
        }
    }
}

/// Why device keys were refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The MAC key is all zeros (an unprovisioned or erased key).
    #[error("the MAC key is all zeros")]
    ZeroMacKey,
    /// The signing seed is all zeros.
    #[error("the signing seed is all zeros")]
    ZeroSigningSeed,
    /// The MAC key equals the signing seed: one secret would serve two purposes, so leaking the
    /// shared MAC key to the platform would hand it the device's signing key.
    #[error("the MAC key equals the signing seed")]
    MacKeyIsSigningSeed,
}

impl KeyError {
    /// A stable, machine-readable code.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::ZeroMacKey => "key.zero_mac_key",
            Self::ZeroSigningSeed => "key.zero_signing_seed",
            Self::MacKeyIsSigningSeed => "key.mac_key_is_signing_seed",
        }
    }
}

type HmacSha256 = Hmac<Sha256>;

/// One direction's derived MAC key, kept as a keyed HMAC state so a frame's tag costs no key
/// setup (what a gateway or simulator that only sends needs).
#[derive(Clone)]
pub struct FrameMac(HmacSha256);

impl core::fmt::Debug for FrameMac {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("FrameMac(..)")
    }
}

impl FrameMac {
    fn derived(mac_key: &[u8; 32], label: &[u8]) -> Self {
        Self(keyed(&derive_key(mac_key, label)))
    }

    /// The 16-byte tag of `data`.
    pub fn tag(&self, data: &[u8]) -> [u8; MAC_LEN] {
        let mut mac = self.0.clone();
        mac.update(data);
        let mut tag = [0u8; MAC_LEN];
        tag.copy_from_slice(&mac.finalize().into_bytes()[..MAC_LEN]);
        tag
    }

    /// Whether `tag` is exactly the 16-byte tag of `data` (constant-time; a tag of any other
    /// length is refused, so a truncated tag never verifies).
    pub fn verify(&self, data: &[u8], tag: &[u8]) -> bool {
        if tag.len() != MAC_LEN {
            return false;
        }
        let mut mac = self.0.clone();
        mac.update(data);
        mac.verify_truncated_left(tag).is_ok()
    }
}

/// The purpose keys derived from a device's MAC key, `HMAC-SHA256(mac_key, label)` for
/// [`UPLINK_LABEL`], [`DOWNLINK_LABEL`] and [`DOCUMENT_LABEL`]: the two frame directions kept
/// keyed ([`FrameMac`]), the document key as bytes (documents are rare).
#[derive(Clone)]
pub struct MacKeys {
    uplink: FrameMac,
    downlink: FrameMac,
    document: [u8; 32],
}

impl core::fmt::Debug for MacKeys {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("MacKeys(..)")
    }
}

fn keyed(key: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
    match <HmacSha256 as Mac>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC accepts keys of every length"),
    }
}

fn derive_key(mac_key: &[u8; 32], label: &[u8]) -> [u8; 32] {
    let mut mac = keyed(mac_key);
    mac.update(label);
    mac.finalize().into_bytes().into()
}

/// Which derived MAC key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MacPurpose {
    /// Device → platform frames.
    Uplink,
    /// Platform → device frames.
    Downlink,
    /// Documents outside frames.
    Document,
}

impl MacKeys {
    /// Derives the purpose keys from a device's 32-byte MAC key.
    ///
    /// ```
    /// use liftspec_protocol::auth::{MacKeys, MacPurpose};
    /// let keys = MacKeys::new(&[1; 32]);
    /// let up = keys.tag(MacPurpose::Uplink, b"frame");
    /// assert_ne!(up, keys.tag(MacPurpose::Downlink, b"frame"));
    /// assert!(keys.verify(MacPurpose::Uplink, b"frame", &up));
    /// assert!(!keys.verify(MacPurpose::Uplink, b"frame", &up[..8]), "no truncated tags");
    /// ```
    pub fn new(mac_key: &[u8; 32]) -> Self {
        Self {
            uplink: FrameMac::derived(mac_key, UPLINK_LABEL),
            downlink: FrameMac::derived(mac_key, DOWNLINK_LABEL),
            document: derive_key(mac_key, DOCUMENT_LABEL),
        }
    }

    /// The device → platform key.
    pub fn uplink(&self) -> &FrameMac {
        &self.uplink
    }

    /// The platform → device key.
    pub fn downlink(&self) -> &FrameMac {
        &self.downlink
    }

    fn state(&self, purpose: MacPurpose) -> FrameMac {
        match purpose {
            MacPurpose::Uplink => self.uplink.clone(),
            MacPurpose::Downlink => self.downlink.clone(),
            MacPurpose::Document => FrameMac(keyed(&self.document)),
        }
    }

    /// The 16-byte tag of `data` under `purpose`'s key.
    pub fn tag(&self, purpose: MacPurpose, data: &[u8]) -> [u8; MAC_LEN] {
        match purpose {
            MacPurpose::Uplink => self.uplink.tag(data),
            MacPurpose::Downlink => self.downlink.tag(data),
            MacPurpose::Document => self.state(purpose).tag(data),
        }
    }

    /// Whether `tag` is exactly the 16-byte tag of `data` under `purpose`'s key (constant-time;
    /// a tag of any other length is refused, so a truncated tag never verifies).
    pub fn verify(&self, purpose: MacPurpose, data: &[u8], tag: &[u8]) -> bool {
        match purpose {
            MacPurpose::Uplink => self.uplink.verify(data, tag),
            MacPurpose::Downlink => self.downlink.verify(data, tag),
            MacPurpose::Document => self.state(purpose).verify(data, tag),
        }
    }
}

/// A device's secrets: the MAC key shared with the platform and the Ed25519 signing key.
#[derive(Clone)]
pub struct DeviceKeys {
    mac: MacKeys,
    mac_key: [u8; 32],
    signing: SigningKey,
}

impl core::fmt::Debug for DeviceKeys {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DeviceKeys")
            .field("public_key", &self.signing.verifying_key().as_bytes())
            .finish_non_exhaustive()
    }
}

impl DeviceKeys {
    /// Keys from a 32-byte MAC key and a 32-byte Ed25519 seed (generate both, independently, from
    /// a CSPRNG on the device; this crate never generates randomness itself). Refuses zero keys
    /// and a MAC key equal to the seed ([`KeyError`]).
    ///
    /// ```
    /// use liftspec_protocol::auth::DeviceKeys;
    /// assert!(DeviceKeys::from_seed([7; 32], [9; 32]).is_ok());
    /// assert_eq!(DeviceKeys::from_seed([7; 32], [7; 32]).unwrap_err().code(), "key.mac_key_is_signing_seed");
    /// ```
    pub fn from_seed(mac_key: [u8; 32], signing_seed: [u8; 32]) -> Result<Self, KeyError> {
        if mac_key == [0; 32] {
            return Err(KeyError::ZeroMacKey);
        }
        if signing_seed == [0; 32] {
            return Err(KeyError::ZeroSigningSeed);
        }
        if mac_key == signing_seed {
            return Err(KeyError::MacKeyIsSigningSeed);
        }
        Ok(Self {
            mac: MacKeys::new(&mac_key),
            mac_key,
            signing: SigningKey::from_bytes(&signing_seed),
        })
    }

    /// The device's Ed25519 public key, sent in `Register`.
    pub fn public_key(&self) -> [u8; 32] {
        self.signing.verifying_key().to_bytes()
    }

    /// The derived MAC keys.
    pub fn mac_keys(&self) -> &MacKeys {
        &self.mac
    }

    /// What the platform keeps to verify this device.
    pub fn credentials(&self) -> DeviceCredentials {
        DeviceCredentials {
            mac: self.mac.clone(),
            mac_key: self.mac_key,
            public_key: self.public_key(),
        }
    }

    /// The tag of a document `signed` under `scheme` — for authenticating bytes outside a frame
    /// (a JSON document posted over HTTP, a file), verified with
    /// [`DeviceCredentials::verify_document`]. Documents use their own key and context, so a
    /// document's tag never authenticates a frame (scheme 3 is for frames only; it is treated as
    /// scheme 2 here).
    ///
    /// ```
    /// use liftspec_protocol::auth::{AuthScheme, DeviceKeys};
    /// let keys = DeviceKeys::from_seed([1; 32], [2; 32]).unwrap();
    /// let tag = keys.tag(AuthScheme::Ed25519, b"report");
    /// assert!(keys.credentials().verify_document(AuthScheme::Ed25519, b"report", &tag).is_ok());
    /// ```
    pub fn tag(&self, scheme: AuthScheme, signed: &[u8]) -> alloc::vec::Vec<u8> {
        match scheme {
            AuthScheme::HmacSha256 => self.mac.tag(MacPurpose::Document, signed).to_vec(),
            AuthScheme::Ed25519 | AuthScheme::Ed25519Hmac => {
                let mut message =
                    alloc::vec::Vec::with_capacity(DOCUMENT_CONTEXT.len() + signed.len());
                message.extend_from_slice(DOCUMENT_CONTEXT);
                message.extend_from_slice(signed);
                self.signing.sign(&message).to_bytes().to_vec()
            }
        }
    }

    /// The tag of a device frame's signed bytes under `scheme`, appended to `out`.
    pub(crate) fn append_frame_tag(
        &self,
        scheme: AuthScheme,
        signed: &[u8],
        out: &mut alloc::vec::Vec<u8>,
    ) {
        match scheme {
            AuthScheme::HmacSha256 => {
                out.extend_from_slice(&self.mac.tag(MacPurpose::Uplink, signed))
            }
            AuthScheme::Ed25519 => out.extend_from_slice(&self.signing.sign(signed).to_bytes()),
            AuthScheme::Ed25519Hmac => {
                out.extend_from_slice(&self.signing.sign(signed).to_bytes());
                out.extend_from_slice(&self.mac.tag(MacPurpose::Uplink, signed));
            }
        }
    }
}

/// What the platform stores per device to verify its frames (and to MAC frames it sends): the
/// MAC key and the registered Ed25519 public key. Serialises as the two keys in hex.
#[derive(Clone)]
pub struct DeviceCredentials {
    mac: MacKeys,
    mac_key: [u8; 32],
    public_key: [u8; 32],
}

impl core::fmt::Debug for DeviceCredentials {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DeviceCredentials")
            .field("public_key", &self.public_key)
            .finish_non_exhaustive()
    }
}

impl PartialEq for DeviceCredentials {
    fn eq(&self, other: &Self) -> bool {
        self.mac_key == other.mac_key && self.public_key == other.public_key
    }
}

impl Eq for DeviceCredentials {}

/// The stored form of [`DeviceCredentials`].
#[derive(serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CredentialsRepr {
    #[serde(with = "crate::hex_key")]
    #[cfg_attr(feature = "schema", schemars(with = "crate::hex_key::HexKey"))]
    mac_key: [u8; 32],
    #[serde(with = "crate::hex_key")]
    #[cfg_attr(feature = "schema", schemars(with = "crate::hex_key::HexKey"))]
    public_key: [u8; 32],
}

impl serde::Serialize for DeviceCredentials {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        CredentialsRepr {
            mac_key: self.mac_key,
            public_key: self.public_key,
        }
        .serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for DeviceCredentials {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let repr = CredentialsRepr::deserialize(d)?;
        Ok(Self::new(repr.mac_key, repr.public_key))
    }
}

/// Whose key verified a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verified {
    /// The registered credentials (the MAC key, and for signatures the registered public key).
    Registered,
    /// A Register frame that announces a public key other than the registered one, with proof
    /// of possession (its signature verifies under the announced key) and of the device's MAC
    /// key. The platform must confirm the change out of band before it trusts the key.
    KeyChangeProposed {
        /// The announced key.
        public_key: [u8; 32],
    },
    /// A signature by a key announced in an earlier, still unconfirmed key change.
    ProposedKey,
}

fn verifying_key(public_key: &[u8; 32]) -> Result<VerifyingKey, AuthError> {
    VerifyingKey::from_bytes(public_key)
        .ok()
        .filter(|k| !k.is_weak())
        .ok_or(AuthError::BadPublicKey)
}

/// Whether a public key is a valid, strong (not small-order) Ed25519 point.
pub(crate) fn check_public_key(public_key: &[u8; 32]) -> Result<(), AuthError> {
    verifying_key(public_key).map(|_| ())
}

pub(crate) fn verify_signature(
    public_key: &[u8; 32],
    message: &[u8],
    signature: &[u8],
) -> Result<(), AuthError> {
    let key = verifying_key(public_key)?;
    let sig: [u8; SIGNATURE_LEN] = signature.try_into().map_err(|_| AuthError::BadTag)?;
    key.verify_strict(message, &ed25519_dalek::Signature::from_bytes(&sig))
        .map_err(|_| AuthError::BadTag)
}

impl DeviceCredentials {
    /// Credentials from the device's MAC key and registered public key.
    pub fn new(mac_key: [u8; 32], public_key: [u8; 32]) -> Self {
        Self {
            mac: MacKeys::new(&mac_key),
            mac_key,
            public_key,
        }
    }

    /// The registered Ed25519 public key.
    pub fn public_key(&self) -> [u8; 32] {
        self.public_key
    }

    /// The shared MAC key.
    pub fn mac_key(&self) -> [u8; 32] {
        self.mac_key
    }

    /// The derived MAC keys.
    pub fn mac_keys(&self) -> &MacKeys {
        &self.mac
    }

    /// The same credentials with a new public key (after a confirmed key change).
    pub fn with_public_key(&self, public_key: [u8; 32]) -> Self {
        Self {
            mac: self.mac.clone(),
            mac_key: self.mac_key,
            public_key,
        }
    }

    /// Verifies a document's `tag` over `signed` under `scheme` (see [`DeviceKeys::tag`]).
    pub fn verify_document(
        &self,
        scheme: AuthScheme,
        signed: &[u8],
        tag: &[u8],
    ) -> Result<(), AuthError> {
        match scheme {
            AuthScheme::HmacSha256 => {
                if self.mac.verify(MacPurpose::Document, signed, tag) {
                    Ok(())
                } else {
                    Err(AuthError::BadTag)
                }
            }
            AuthScheme::Ed25519 | AuthScheme::Ed25519Hmac => {
                let mut message =
                    alloc::vec::Vec::with_capacity(DOCUMENT_CONTEXT.len() + signed.len());
                message.extend_from_slice(DOCUMENT_CONTEXT);
                message.extend_from_slice(signed);
                verify_signature(&self.public_key, &message, tag)
            }
        }
    }

    /// The platform's tag for a frame it sends to this device.
    pub(crate) fn append_downlink_mac(&self, signed: &[u8], out: &mut alloc::vec::Vec<u8>) {
        out.extend_from_slice(&self.mac.tag(MacPurpose::Downlink, signed));
    }
}
