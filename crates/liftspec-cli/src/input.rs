//! Reading input files (or standard input) as streams: in chunks, or as lines of bounded length,
//! so memory stays bounded whatever arrives; and reporting bad items without flooding the
//! terminal.

use std::io::{BufRead, BufReader, Read};

use crate::Failure;

/// Bytes read at a time.
const CHUNK: usize = 64 * 1024;

/// An input: a file, or standard input for `-`.
pub(crate) struct Input {
    /// How it is named in messages.
    pub(crate) name: String,
    reader: Box<dyn BufRead>,
}

impl Input {
    /// Opens `path` (`-` for standard input).
    pub(crate) fn open(path: &str) -> Result<Self, Failure> {
        let reader: Box<dyn BufRead> = if path == "-" {
            Box::new(BufReader::with_capacity(CHUNK, std::io::stdin()))
        } else {
            let file = std::fs::File::open(path).map_err(|e| Failure(format!("{path}: {e}")))?;
            Box::new(BufReader::with_capacity(CHUNK, file))
        };
        Ok(Self {
            name: if path == "-" {
                "stdin".into()
            } else {
                path.into()
            },
            reader,
        })
    }

    /// The first bytes, without consuming them (up to one buffer's worth).
    pub(crate) fn peek(&mut self) -> Result<&[u8], Failure> {
        let name = &self.name;
        self.reader
            .fill_buf()
            .map_err(|e| Failure(format!("{name}: {e}")))
    }

    /// Feeds the whole input to `each`, a chunk at a time.
    pub(crate) fn chunks(
        &mut self,
        mut each: impl FnMut(&[u8]) -> Result<(), Failure>,
    ) -> Result<(), Failure> {
        let mut buf = vec![0u8; CHUNK];
        loop {
            let n = self
                .reader
                .read(&mut buf)
                .map_err(|e| Failure(format!("{}: {e}", self.name)))?;
            if n == 0 {
                return Ok(());
            }
            each(&buf[..n])?;
        }
    }

    /// The lines, each at most `max` bytes: a longer line is reported as [`LineError::TooLong`]
    /// and skipped to its end without being held in memory.
    pub(crate) fn lines(self, max: usize) -> Lines {
        Lines {
            name: self.name,
            reader: self.reader,
            max,
            number: 0,
        }
    }
}

/// Why a line could not be read as text.
#[derive(Debug)]
pub(crate) enum LineError {
    /// Longer than the limit.
    TooLong { max: usize },
    /// Not UTF-8 (binary input).
    NotText,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::TooLong { max } => write!(f, "longer than {max} bytes"),
            Self::NotText => f.write_str("not text (UTF-8)"),
        }
    }
}

/// Lines of an [`Input`], numbered from 1.
pub(crate) struct Lines {
    /// The input's name.
    pub(crate) name: String,
    reader: Box<dyn BufRead>,
    max: usize,
    number: usize,
}

impl Iterator for Lines {
    type Item = Result<(usize, Result<String, LineError>), Failure>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut line = Vec::new();
        let mut too_long = false;
        loop {
            let buf = match self.reader.fill_buf() {
                Ok(buf) => buf,
                Err(e) => return Some(Err(Failure(format!("{}: {e}", self.name)))),
            };
            if buf.is_empty() {
                if line.is_empty() && !too_long {
                    return None;
                }
                break;
            }
            let (take, end) = match buf.iter().position(|b| *b == b'\n') {
                Some(i) => (i, true),
                None => (buf.len(), false),
            };
            if !too_long {
                if line.len() + take > self.max {
                    too_long = true;
                    line.clear();
                } else {
                    line.extend_from_slice(&buf[..take]);
                }
            }
            self.reader.consume(if end { take + 1 } else { take });
            if end {
                break;
            }
        }
        self.number += 1;
        let item = if too_long {
            Err(LineError::TooLong { max: self.max })
        } else {
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            String::from_utf8(line).map_err(|_| LineError::NotText)
        };
        Some(Ok((self.number, item)))
    }
}

/// Reports bad items on standard error, the first [`ErrorLog::SHOWN`] of them, and counts all.
pub(crate) struct ErrorLog {
    shown: usize,
    total: u64,
}

impl ErrorLog {
    /// How many errors are printed before the rest are only counted.
    pub(crate) const SHOWN: usize = 20;

    pub(crate) fn new() -> Self {
        Self { shown: 0, total: 0 }
    }

    /// Records one bad item.
    pub(crate) fn report(&mut self, line: impl FnOnce() -> String) {
        self.total += 1;
        if self.shown < Self::SHOWN {
            self.shown += 1;
            eprintln!("error: {}", line());
        }
    }

    /// Bad items so far.
    pub(crate) fn total(&self) -> u64 {
        self.total
    }

    /// A closing line for the errors that were counted but not printed.
    pub(crate) fn finish(&self) {
        if self.total > self.shown as u64 {
            eprintln!(
                "error: … and {} more (the first {} are shown)",
                self.total - self.shown as u64,
                self.shown
            );
        }
    }
}
