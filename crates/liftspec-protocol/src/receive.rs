//! One frame received without a session: what a decoding tool, a web page, a mobile app or a
//! conformance adapter checks of a single frame, in the order of `docs/protocol.md` §2–§4.
//! Sequencing it belongs to [`session`](crate::session) (a platform) or to
//! [`downlink`](crate::downlink) (a device); validating its body against an installation to
//! [`validate`](crate::validate).
//!
//! ```
//! use liftspec_model::time::Timestamp;
//! use liftspec_protocol::auth::DeviceKeys;
//! use liftspec_protocol::message::{Body, Heartbeat};
//! use liftspec_protocol::receive::authenticate;
//! use liftspec_protocol::wire::{self, DeviceId, Envelope};
//!
//! let keys = DeviceKeys::from_seed([7; 32], [9; 32])?;
//! let envelope = Envelope {
//!     device: DeviceId::parse("HZ-T-000123")?, epoch: 1, seq: 1,
//!     sent_at: Timestamp::from_millis(1_795_929_850_000),
//!     body: Body::Heartbeat(Heartbeat { uptime_s: 60, signal_dbm: -70, battery_percent: None, clock_offset_ms: 0 }),
//! };
//! let mut bytes = wire::encode(&envelope, &keys)?;
//! // Without keys: decoded, and the scheme rules hold.
//! assert_eq!(authenticate(&bytes, None)?.envelope, envelope);
//! // With the device's keys the tag is verified too: one bit changed is refused.
//! let last = bytes.len() - 1;
//! bytes[last] ^= 1;
//! assert_eq!(authenticate(&bytes, Some(&keys.credentials())).unwrap_err().code(), "auth.bad_tag");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::auth::{AuthError, DeviceCredentials};
use crate::wire::{self, DecodeError, Frame};

/// Why a frame was refused: it does not decode, or its authentication fails.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// Not a frame (§2, §3), with the offset where decoding stopped.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The scheme rules, the announced key or the tag (§4).
    #[error(transparent)]
    Auth(#[from] AuthError),
}

impl FrameError {
    /// The stable code of `docs/protocol.md` §13.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Decode(e) => e.code(),
            Self::Auth(e) => e.code(),
        }
    }
}

/// Decodes a frame and authenticates it as far as the keys at hand allow: always the scheme
/// rules and a Register's announced key (they need no key: an unsigned Alarm is refused by any
/// receiver, §4), and with `credentials` the tag, by the key of the kind's direction (a device
/// frame's MAC and signature, a platform frame's downlink MAC).
pub fn authenticate(
    bytes: &[u8],
    credentials: Option<&DeviceCredentials>,
) -> Result<Frame, FrameError> {
    let frame = wire::decode(bytes)?;
    frame.check_unkeyed()?;
    if let Some(credentials) = credentials {
        frame.verify(bytes, credentials)?;
    }
    Ok(frame)
}
