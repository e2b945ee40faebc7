//! The cases: language-neutral data, one JSON file per group under `conformance/cases/`.
//!
//! A case names the clause of `docs/protocol.md` it checks, carries the request the
//! implementation under test answers (everything it needs: bytes or text, keys, installation),
//! and the expected answer: accepted with its canonical form, or rejected with a stable code.

use std::collections::BTreeSet;
use std::path::Path;

use liftspec_model::time::Timestamp;
use liftspec_protocol::auth::{DeviceCredentials, DeviceKeys};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The version of the suite's format and contents; it changes whenever a case changes.
pub const SUITE_VERSION: &str = "1.1.0";

/// One check: a request and the answer the specification requires.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Case {
    /// Unique, stable id (`group.what`), used in expected-failure lists.
    pub id: String,
    /// The clause of `docs/protocol.md` it checks, such as `§3 canonical encoding`.
    pub clause: String,
    /// What is checked, in one sentence.
    pub description: String,
    /// What the implementation under test is asked.
    pub request: Request,
    /// What it must answer.
    pub expect: Expected,
}

/// What an implementation is asked. Serialised with an `op` member naming the operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase", deny_unknown_fields)]
pub enum Request {
    /// Receive one frame as a receiver does (§2–§4, §6, §8.4, §10): decode it (from bytes or
    /// from its JSON form), apply the scheme rules, verify the tag with `credentials` (the key of
    /// the kind's direction), check the sequencing rules and, for device kinds, the body rules
    /// against `installation`. Accepted: the frame's JSON form and its exact bytes.
    #[serde(rename_all = "camelCase")]
    Frame {
        /// The frame, as bytes in hex or as JSON text.
        input: FrameInput,
        /// The device's keys.
        credentials: Credentials,
        /// The installation the body rules use.
        installation: Installation,
    },
    /// Split a byte stream into frames (§9). Accepted: every frame and every dropped block,
    /// in order.
    #[serde(rename_all = "camelCase")]
    Stream {
        /// The stream's bytes in hex.
        hex: String,
    },
    /// Read a scanned usage-sign payload (§11). Accepted: its registration and rescue codes.
    #[serde(rename_all = "camelCase")]
    UsageSign {
        /// The scanned text.
        payload: String,
    },
    /// Scenario step, terminal under test: start a terminal (a fresh store) as `device`,
    /// numbering from 1 in `epoch`, keeping at most `capacity` non-critical frames (§8.1, §8.3).
    /// Accepted: any value.
    #[serde(rename_all = "camelCase")]
    TerminalStart {
        /// The scenario's session (one terminal or platform per session).
        session: String,
        /// The device id.
        device: String,
        /// The epoch to number in.
        epoch: u32,
        /// The device's secrets.
        keys: TerminalKeys,
        /// Non-critical frames the outbox keeps before it drops the oldest.
        capacity: u32,
    },
    /// Scenario step: the terminal's application hands its outbox a message at `at`.
    /// Accepted: `{"seq": n}`, the number it was given; refused with the outbox's code.
    #[serde(rename_all = "camelCase")]
    TerminalEnqueue {
        /// The session.
        session: String,
        /// The terminal's clock.
        at: Timestamp,
        /// The body in its JSON form (`{"status": {…}}`, §10).
        body: Value,
    },
    /// Scenario step: what the terminal sends at `at`. Accepted: `{"frames": [hex, …]}`, in the
    /// order they are sent.
    #[serde(rename_all = "camelCase")]
    TerminalPoll {
        /// The session.
        session: String,
        /// The terminal's clock.
        at: Timestamp,
    },
    /// Scenario step: a frame arrives at the terminal from the platform (or from anywhere).
    /// Accepted: for a Command, `{"command": {"idempotencyKey": k, "execute": bool}}` (whether
    /// to carry it out: `false` for a key already executed, §8.6); otherwise any value. Refused
    /// with the code of §8.6's check that failed.
    #[serde(rename_all = "camelCase")]
    TerminalReceive {
        /// The session.
        session: String,
        /// The terminal's clock.
        at: Timestamp,
        /// The frame's bytes, hex.
        frame: String,
    },
    /// Scenario step: the power is cut and comes back; the terminal continues from what its
    /// store kept. Accepted: any value.
    #[serde(rename_all = "camelCase")]
    TerminalReboot {
        /// The session.
        session: String,
        /// The terminal's clock.
        at: Timestamp,
    },
    /// Scenario step, platform under test: start a receiver for `device` with its credentials
    /// and installation, numbering its own frames to the device in `epoch`. Accepted: any value.
    #[serde(rename_all = "camelCase")]
    PlatformStart {
        /// The session.
        session: String,
        /// The device id.
        device: String,
        /// The device's registered keys.
        credentials: Credentials,
        /// The installation the body rules use.
        installation: Installation,
        /// The platform's epoch for its frames to this device.
        epoch: u32,
    },
    /// Scenario step: a frame arrives at the platform at `at`. Accepted:
    /// `{"replies": [hex, …], "delivered": [seq, …], "skipped": [{"fromSeq", "throughSeq",
    /// "reason"}, …]}`: the frames it sends back, the numbers its application receives now, in
    /// order, and the numbers it passes over. Refused (nothing changes, nothing is answered)
    /// with the code of §8.2's check that failed.
    #[serde(rename_all = "camelCase")]
    PlatformReceive {
        /// The session.
        session: String,
        /// The platform's clock.
        at: Timestamp,
        /// The frame's bytes, hex.
        frame: String,
    },
}

impl Request {
    /// The operation's name, as in the JSON.
    pub fn op(&self) -> &'static str {
        match self {
            Self::Frame { .. } => "frame",
            Self::Stream { .. } => "stream",
            Self::UsageSign { .. } => "usageSign",
            Self::TerminalStart { .. } => "terminalStart",
            Self::TerminalEnqueue { .. } => "terminalEnqueue",
            Self::TerminalPoll { .. } => "terminalPoll",
            Self::TerminalReceive { .. } => "terminalReceive",
            Self::TerminalReboot { .. } => "terminalReboot",
            Self::PlatformStart { .. } => "platformStart",
            Self::PlatformReceive { .. } => "platformReceive",
        }
    }

    /// The scenario session a step belongs to (`None` for a stateless request).
    pub fn session(&self) -> Option<&str> {
        match self {
            Self::Frame { .. } | Self::Stream { .. } | Self::UsageSign { .. } => None,
            Self::TerminalStart { session, .. }
            | Self::TerminalEnqueue { session, .. }
            | Self::TerminalPoll { session, .. }
            | Self::TerminalReceive { session, .. }
            | Self::TerminalReboot { session, .. }
            | Self::PlatformStart { session, .. }
            | Self::PlatformReceive { session, .. } => Some(session),
        }
    }
}

/// A terminal's secrets, hex: what a vendor provisions into the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TerminalKeys {
    /// The 32-byte MAC key shared with the platform.
    pub mac_key: String,
    /// The 32-byte Ed25519 seed (RFC 8032 private key).
    pub seed: String,
}

/// A frame as given to the implementation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum FrameInput {
    /// The frame's bytes, lower-case hex.
    Hex(String),
    /// The frame's JSON form, as text (exactly these characters are parsed).
    Json(String),
}

/// The device's keys, hex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Credentials {
    /// The 32-byte MAC key the device shares with the platform (the direction keys are derived
    /// from it, §4).
    pub mac_key: String,
    /// The registered 32-byte Ed25519 public key.
    pub public_key: String,
}

impl TerminalKeys {
    /// The device's keys, or the code of what is wrong with them (`request.bad_hex`,
    /// `request.bad_key`, or a `key.*` code of the protocol).
    pub fn device_keys(&self) -> Result<DeviceKeys, &'static str> {
        DeviceKeys::from_seed(key32(&self.mac_key)?, key32(&self.seed)?).map_err(|e| e.code())
    }
}

impl Credentials {
    /// The registered credentials, or the code of what is wrong with them (`request.bad_hex`,
    /// `request.bad_key`).
    pub fn device_credentials(&self) -> Result<DeviceCredentials, &'static str> {
        Ok(DeviceCredentials::new(
            key32(&self.mac_key)?,
            key32(&self.public_key)?,
        ))
    }
}

/// A 32-byte key from a request's hex.
fn key32(hex: &str) -> Result<[u8; 32], &'static str> {
    crate::unhex(hex)
        .ok_or("request.bad_hex")?
        .try_into()
        .map_err(|_| "request.bad_key")
}

/// What the body rules know of the installation (§8.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Installation {
    /// Lowest floor served.
    pub lowest_floor: i16,
    /// Highest floor served.
    pub highest_floor: i16,
    /// Rated speed, mm/s.
    pub rated_speed_mm_s: u32,
}

/// The answer the specification requires.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum Expected {
    /// Accepted, with this value (compared exactly).
    Accept(Value),
    /// Rejected with this code (and this field path, when given).
    Reject(Rejection),
    /// Accepted, with a value that this pattern matches (scenario steps): an object matches
    /// when each of its members matches the value's member of that name (other members are
    /// not compared), an array when it has as many elements and each matches, anything else
    /// when equal. Frames in an answer are compared in their JSON form (`docs/conformance.md`).
    Match(Value),
}

/// A refusal: the stable code of `docs/protocol.md` §13, and for `validate.field` the path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Rejection {
    /// The error code.
    pub code: String,
    /// The field path (`body.status.floor`), for validation errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// One file of cases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CaseFile {
    /// The group, which is also the file's name (`frame-layout` → `frame-layout.json`).
    pub group: String,
    /// What the group covers.
    pub description: String,
    /// The cases.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cases: Vec<Case>,
    /// The stateful scenarios.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scenarios: Vec<Scenario>,
}

/// A stateful scenario: steps put to one implementation in order, each checked as it is
/// answered. The first step that does not get its answer fails the scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Scenario {
    /// Unique, stable id (`group.what`), used in expected-failure lists.
    pub id: String,
    /// The clause of `docs/protocol.md` it checks.
    pub clause: String,
    /// What is checked.
    pub description: String,
    /// The steps.
    pub steps: Vec<Step>,
}

/// One step of a scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Step {
    /// What the implementation is asked.
    pub request: Request,
    /// What it must answer.
    pub expect: Expected,
}

impl CaseFile {
    /// The file's exact text: pretty JSON with a final newline, so that the checked-in files,
    /// the generator and the suite's hash agree byte for byte.
    pub fn to_text(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// The whole suite: every case file, sorted by group.
#[derive(Debug, Clone, PartialEq)]
pub struct Suite {
    /// The files.
    pub files: Vec<CaseFile>,
}

/// Why a suite could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SuiteError {
    /// A file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A file is not a case file.
    #[error("{path}: {reason}")]
    Format {
        /// The file.
        path: String,
        /// Why (with line and column).
        reason: String,
    },
    /// Two cases share an id.
    #[error("case id {0} appears more than once")]
    DuplicateId(String),
    /// The directory holds no case files.
    #[error("{0}: no case files (*.json)")]
    Empty(String),
}

impl SuiteError {
    /// A stable, machine-readable code.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Io { .. } => "suite.io",
            Self::Format { .. } => "suite.format",
            Self::DuplicateId(_) => "suite.duplicate_id",
            Self::Empty(_) => "suite.empty",
        }
    }
}

impl Suite {
    /// A suite from case files, checking that ids are unique; files are sorted by group.
    pub fn new(mut files: Vec<CaseFile>) -> Result<Self, SuiteError> {
        files.sort_by(|a, b| a.group.cmp(&b.group));
        let mut seen = BTreeSet::new();
        let ids = files.iter().flat_map(|f| {
            f.cases
                .iter()
                .map(|c| &c.id)
                .chain(f.scenarios.iter().map(|s| &s.id))
        });
        for id in ids {
            if !seen.insert(id.as_str()) {
                return Err(SuiteError::DuplicateId(id.clone()));
            }
        }
        Ok(Self { files })
    }

    /// Loads every `*.json` file of a directory (such as `conformance/cases`).
    pub fn load(dir: &Path) -> Result<Self, SuiteError> {
        let io = |source| SuiteError::Io {
            path: dir.display().to_string(),
            source,
        };
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let path = entry.map_err(io)?.path();
            if path.extension().and_then(|e| e.to_str()) != Some("json") {
                continue;
            }
            let text = std::fs::read_to_string(&path).map_err(|source| SuiteError::Io {
                path: path.display().to_string(),
                source,
            })?;
            let file: CaseFile = serde_json::from_str(&text).map_err(|e| SuiteError::Format {
                path: path.display().to_string(),
                reason: e.to_string(),
            })?;
            files.push(file);
        }
        if files.is_empty() {
            return Err(SuiteError::Empty(dir.display().to_string()));
        }
        Self::new(files)
    }

    /// Every case, in file then case order.
    pub fn cases(&self) -> impl Iterator<Item = &Case> {
        self.files.iter().flat_map(|f| &f.cases)
    }

    /// Every scenario, in file then scenario order.
    pub fn scenarios(&self) -> impl Iterator<Item = &Scenario> {
        self.files.iter().flat_map(|f| &f.scenarios)
    }

    /// Every case's and scenario's id.
    pub fn ids(&self) -> BTreeSet<&str> {
        self.cases()
            .map(|c| c.id.as_str())
            .chain(self.scenarios().map(|s| s.id.as_str()))
            .collect()
    }

    /// The SHA-256 of the case files' exact text, in group order (each file's name, a newline,
    /// its text), in lower-case hex. The certificate names the suite by it.
    pub fn hash(&self) -> String {
        let mut h = Sha256::new();
        for f in &self.files {
            h.update(f.group.as_bytes());
            h.update(b"\n");
            h.update(f.to_text().as_bytes());
        }
        crate::hex(&h.finalize())
    }
}
