//! Writes the suite's cases from the reference implementation.
//!
//! Each case states what the text requires: accepted (the canonical value is then taken from the
//! reference) or rejected with a given code. The generator asks the reference every case, and a
//! case the reference answers otherwise is an error: the reference follows the text, never the
//! other way round. `LIFTSPEC_BLESS=1 cargo test -p liftspec-conformance` rewrites the
//! checked-in files; a test fails when they are out of date.

mod auth;
mod frames;
mod identifiers;
mod json_form;
mod rules;
pub mod sample;
mod scenarios;
mod stream;
mod usage_sign;

use std::path::Path;

use crate::adapter::Answer;
use crate::case::{Case, CaseFile, Expected, FrameInput, Rejection, Request, Suite, SuiteError};

/// Why the suite could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// The reference answers cases otherwise than the text requires.
    #[error("the reference disagrees with the specification on {} case(s):\n{}", .0.len(), .0.join("\n"))]
    Disagrees(Vec<String>),
    /// The cases do not form a suite (a repeated id).
    #[error(transparent)]
    Suite(#[from] SuiteError),
    /// A file could not be written.
    #[error("{path}: {source}")]
    Write {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

impl GenerateError {
    /// A stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Disagrees(_) => "generate.disagrees",
            Self::Suite(e) => e.code(),
            Self::Write { .. } => "generate.write",
        }
    }
}

/// A group of cases being built.
pub(crate) struct Group {
    file: CaseFile,
    problems: Vec<String>,
}

impl Group {
    pub(crate) fn new(group: &str, description: &str) -> Self {
        Self {
            file: CaseFile {
                group: group.to_owned(),
                description: description.to_owned(),
                cases: Vec::new(),
                scenarios: Vec::new(),
            },
            problems: Vec::new(),
        }
    }

    /// A case the text requires to be accepted; its value is the reference's answer.
    pub(crate) fn accept(&mut self, id: &str, clause: &str, description: &str, request: Request) {
        let expect = match crate::reference::answer(&request) {
            Answer::Accept(value) => Expected::Accept(value),
            other => {
                self.problems.push(format!(
                    "{id}: must be accepted, the reference answers {other:?}"
                ));
                Expected::Accept(serde_json::Value::Null)
            }
        };
        self.push(id, clause, description, request, expect);
    }

    /// A case the text requires to be rejected with `code` (and `path`).
    pub(crate) fn reject(
        &mut self,
        id: &str,
        clause: &str,
        description: &str,
        request: Request,
        code: &str,
        path: Option<&str>,
    ) {
        let want = Rejection {
            code: code.to_owned(),
            path: path.map(str::to_owned),
        };
        let expect = Expected::Reject(want.clone());
        let got = crate::reference::answer(&request);
        if !crate::runner::satisfies(&expect, &crate::runner::Actual::Answer(got.clone())) {
            self.problems.push(format!(
                "{id}: must be rejected {code} {path:?}, the reference answers {got:?}"
            ));
        }
        self.push(id, clause, description, request, expect);
    }

    fn push(
        &mut self,
        id: &str,
        clause: &str,
        description: &str,
        request: Request,
        expect: Expected,
    ) {
        self.file.cases.push(Case {
            id: format!("{}.{id}", self.file.group),
            clause: clause.to_owned(),
            description: description.to_owned(),
            request,
            expect,
        });
    }
}

/// A frame request for the suite's device and installation.
pub(crate) fn frame_hex(bytes: &[u8]) -> Request {
    Request::Frame {
        input: FrameInput::Hex(crate::hex(bytes)),
        credentials: sample::credentials(),
        installation: sample::INSTALLATION,
    }
}

/// A frame request with JSON text.
pub(crate) fn frame_json(text: &str) -> Request {
    Request::Frame {
        input: FrameInput::Json(text.to_owned()),
        credentials: sample::credentials(),
        installation: sample::INSTALLATION,
    }
}

/// The whole suite, every case checked against the reference.
pub fn suite() -> Result<Suite, GenerateError> {
    let groups = [
        frames::kinds(),
        frames::layout(),
        frames::canonical(),
        auth::auth(),
        identifiers::identifiers(),
        rules::rules(),
        json_form::json_form(),
        stream::stream_group(),
        usage_sign::usage_sign(),
        scenarios::terminal(),
        scenarios::platform(),
    ];
    let mut problems = Vec::new();
    let mut files = Vec::new();
    for g in groups {
        problems.extend(g.problems);
        files.push(g.file);
    }
    if !problems.is_empty() {
        return Err(GenerateError::Disagrees(problems));
    }
    Ok(Suite::new(files)?)
}

/// Writes the suite into `dir` (`conformance/cases`), one file per group, removing case files
/// of groups that no longer exist.
pub fn write(suite: &Suite, dir: &Path) -> Result<(), GenerateError> {
    let err = |path: &Path| {
        let path = path.display().to_string();
        move |source| GenerateError::Write { path, source }
    };
    std::fs::create_dir_all(dir).map_err(err(dir))?;
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            if path.extension().and_then(|e| e.to_str()) == Some("json")
                && !suite.files.iter().any(|f| f.group == stem)
            {
                std::fs::remove_file(&path).map_err(err(&path))?;
            }
        }
    }
    for f in &suite.files {
        let path = dir.join(format!("{}.json", f.group));
        std::fs::write(&path, f.to_text()).map_err(err(&path))?;
    }
    Ok(())
}
