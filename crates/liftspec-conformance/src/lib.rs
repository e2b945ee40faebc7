//! The liftspec conformance suite, which inspection bodies run against any vendor's
//! implementation of the unified interface (implementation opinions item 8).
//!
//! - [`case`]: the language-neutral cases (`conformance/cases/*.json`): id, clause of
//!   `docs/protocol.md`, request, expected answer;
//! - [`generate`]: writes those cases from the reference implementation, checking that the
//!   reference answers each as the text requires;
//! - [`adapter`]: the JSON-lines protocol between the runner and an implementation's adapter
//!   (`docs/conformance.md`), and a server for it;
//! - [`reference`](mod@reference): the reference adapter, answered by `liftspec-protocol`;
//! - [`scenario`]: stateful scenarios, step by step, with frames compared in their JSON form;
//! - [`runner`]: runs a suite against an adapter command, with a timeout per case and an
//!   expected-failure list; a crashing or hanging adapter fails its cases and the run goes on;
//! - [`report`]: the run as JSON, JUnit XML and a self-contained HTML certificate.
//!
//! ```
//! use liftspec_conformance::{generate, reference, runner};
//! let suite = generate::suite()?;
//! let mut reference = reference::Reference::default();
//! let results = runner::run_in_process(&suite, |q| reference.answer(q));
//! assert!(results.iter().all(|r| r.passed()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod adapter;
pub mod case;
pub mod generate;
pub mod reference;
pub mod report;
pub mod runner;
pub mod scenario;

/// Lower-case hex of bytes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Bytes of hex (either case), or `None`.
pub(crate) fn unhex(text: &str) -> Option<Vec<u8>> {
    let text = text.as_bytes();
    if text.len() % 2 != 0 {
        return None;
    }
    text.chunks(2)
        .map(|pair| {
            let digit = |c: u8| (c as char).to_digit(16);
            Some((digit(pair[0])? * 16 + digit(pair[1])?) as u8)
        })
        .collect()
}

/// The README's example, compiled and run as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
