//! Authentication: every frame carries an HMAC-SHA256 tag (truncated to 128 bits) or an Ed25519
//! signature over all bytes before the tag. Alarms and maintenance sessions must be signed
//! (non-repudiation); everything else may use the cheaper MAC.

use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Authentication schemes. The number is the frame's scheme byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[repr(u8)]
pub enum AuthScheme {
    /// 1: HMAC-SHA256 truncated to 16 bytes, keyed with the device's 32-byte MAC key.
    HmacSha256 = 1,
    /// 2: Ed25519 (RFC 8032) signature, 64 bytes, with the device's signing key.
    Ed25519 = 2,
}

impl AuthScheme {
    /// The scheme for a scheme byte.
    pub const fn from_byte(b: u8) -> Option<Self> {
        match b {
            1 => Some(Self::HmacSha256),
            2 => Some(Self::Ed25519),
            _ => None,
        }
    }

    /// Tag length in bytes.
    pub const fn tag_len(self) -> usize {
        match self {
            Self::HmacSha256 => 16,
            Self::Ed25519 => 64,
        }
    }
}

/// Why authentication failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// The tag does not match: forged or tampered.
    #[error("authentication tag does not match (forged or tampered frame)")]
    BadTag,
    /// The kind needs a signature but carries a MAC.
    #[error("{0:?} frames must be signed with Ed25519")]
    SignatureRequired(crate::message::MessageKind),
    /// The registered public key is not a valid Ed25519 point, or is a weak (small-order) one
    /// that any signature would satisfy.
    #[error("the device's registered public key is invalid")]
    BadPublicKey,
}

impl AuthError {
    /// A stable, machine-readable code.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::BadTag => "auth.bad_tag",
            Self::SignatureRequired(_) => "auth.signature_required",
            Self::BadPublicKey => "auth.bad_public_key",
        }
    }
}

/// A device's secrets: the MAC key shared with the platform and the Ed25519 signing key.
#[derive(Clone)]
pub struct DeviceKeys {
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
    /// Keys from a 32-byte MAC key and a 32-byte Ed25519 seed (generate both from a CSPRNG on the
    /// device; this crate never generates randomness itself).
    pub fn from_seed(mac_key: [u8; 32], signing_seed: [u8; 32]) -> Self {
        Self {
            mac_key,
            signing: SigningKey::from_bytes(&signing_seed),
        }
    }

    /// The device's Ed25519 public key, sent in `Register`.
    pub fn public_key(&self) -> [u8; 32] {
        self.signing.verifying_key().to_bytes()
    }

    /// What the platform keeps to verify this device.
    pub fn credentials(&self) -> DeviceCredentials {
        DeviceCredentials {
            mac_key: self.mac_key,
            public_key: self.public_key(),
        }
    }

    /// The tag of `signed` under `scheme` — for authenticating bytes outside a frame (a JSON
    /// document posted over HTTP, a file), verified with [`DeviceCredentials::verify`].
    ///
    /// ```
    /// use liftspec_protocol::auth::{AuthScheme, DeviceKeys};
    /// let keys = DeviceKeys::from_seed([1; 32], [2; 32]);
    /// let tag = keys.tag(AuthScheme::Ed25519, b"report");
    /// assert!(keys.credentials().verify(AuthScheme::Ed25519, b"report", &tag).is_ok());
    /// ```
    pub fn tag(&self, scheme: AuthScheme, signed: &[u8]) -> alloc::vec::Vec<u8> {
        let mut out = alloc::vec::Vec::with_capacity(scheme.tag_len());
        self.append_tag(scheme, signed, &mut out);
        out
    }

    /// The tag for `signed` under `scheme`, appended to `out`.
    pub(crate) fn append_tag(
        &self,
        scheme: AuthScheme,
        signed: &[u8],
        out: &mut alloc::vec::Vec<u8>,
    ) {
        match scheme {
            AuthScheme::HmacSha256 => out.extend_from_slice(&hmac_tag(&self.mac_key, signed)),
            AuthScheme::Ed25519 => out.extend_from_slice(&self.signing.sign(signed).to_bytes()),
        }
    }
}

/// What the platform stores per device to verify its frames (and to MAC frames it sends).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct DeviceCredentials {
    /// Shared MAC key (64 hex digits in JSON).
    #[serde(with = "crate::hex_key")]
    #[cfg_attr(feature = "schema", schemars(with = "crate::hex_key::HexKey"))]
    pub mac_key: [u8; 32],
    /// Ed25519 public key (64 hex digits in JSON).
    #[serde(with = "crate::hex_key")]
    #[cfg_attr(feature = "schema", schemars(with = "crate::hex_key::HexKey"))]
    pub public_key: [u8; 32],
}

impl DeviceCredentials {
    /// Verifies `tag` over `signed` under `scheme`. Constant-time for the MAC.
    pub fn verify(&self, scheme: AuthScheme, signed: &[u8], tag: &[u8]) -> Result<(), AuthError> {
        match scheme {
            AuthScheme::HmacSha256 => {
                let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.mac_key)
                    .map_err(|_| AuthError::BadTag)?;
                mac.update(signed);
                mac.verify_truncated_left(tag)
                    .map_err(|_| AuthError::BadTag)
            }
            AuthScheme::Ed25519 => {
                let key = VerifyingKey::from_bytes(&self.public_key)
                    .ok()
                    .filter(|k| !k.is_weak())
                    .ok_or(AuthError::BadPublicKey)?;
                let sig: [u8; 64] = tag.try_into().map_err(|_| AuthError::BadTag)?;
                key.verify_strict(signed, &ed25519_dalek::Signature::from_bytes(&sig))
                    .map_err(|_| AuthError::BadTag)
            }
        }
    }

    /// The platform's tag for a frame it sends to this device (platform frames use the MAC).
    pub(crate) fn append_mac(&self, signed: &[u8], out: &mut alloc::vec::Vec<u8>) {
        out.extend_from_slice(&hmac_tag(&self.mac_key, signed));
    }
}

pub(crate) fn hmac_tag(key: &[u8; 32], data: &[u8]) -> [u8; 16] {
    let mut tag = [0u8; 16];
    if let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(key) {
        mac.update(data);
        tag.copy_from_slice(&mac.finalize().into_bytes()[..16]);
    }
    tag
}
