//! The cases: language-neutral data, one JSON file per group under `conformance/cases/`.
//!
//! A case names the clause of `docs/protocol.md` it checks, carries the request the
//! implementation under test answers (everything it needs: bytes or text, keys, installation),
//! and the expected answer: accepted with its canonical form, or rejected with a stable code.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The version of the suite's format and contents; it changes whenever a case changes.
pub const SUITE_VERSION: &str = "1.0.0";

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
}

impl Request {
    /// The operation's name, as in the JSON.
    pub fn op(&self) -> &'static str {
        match self {
            Self::Frame { .. } => "frame",
            Self::Stream { .. } => "stream",
            Self::UsageSign { .. } => "usageSign",
        }
    }
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
    pub cases: Vec<Case>,
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
        for case in files.iter().flat_map(|f| &f.cases) {
            if !seen.insert(case.id.as_str()) {
                return Err(SuiteError::DuplicateId(case.id.clone()));
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
