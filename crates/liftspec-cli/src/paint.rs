//! Colour for people, plain text for programs: ANSI styles only when the stream is a terminal
//! and `NO_COLOR` is not set (<https://no-color.org>).

use std::fmt::Display;
use std::io::IsTerminal;

/// Styles text for one output stream.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Paint {
    on: bool,
}

impl Paint {
    /// For standard output.
    pub(crate) fn stdout() -> Self {
        Self::when(std::io::stdout().is_terminal())
    }

    /// For standard error.
    pub(crate) fn stderr() -> Self {
        Self::when(std::io::stderr().is_terminal())
    }

    fn when(terminal: bool) -> Self {
        Self {
            on: terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    fn style(self, code: &str, text: impl Display) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// Bold: headings.
    pub(crate) fn bold(self, text: impl Display) -> String {
        self.style("1", text)
    }

    /// Green: a figure that meets its goal.
    pub(crate) fn good(self, text: impl Display) -> String {
        self.style("32", text)
    }

    /// Red: a figure that does not, and errors.
    pub(crate) fn bad(self, text: impl Display) -> String {
        self.style("31", text)
    }

    /// Green when `ok`, red otherwise.
    pub(crate) fn verdict(self, ok: bool, text: impl Display) -> String {
        if ok {
            self.good(text)
        } else {
            self.bad(text)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_only_when_on() {
        let on = Paint { on: true };
        assert_eq!(on.bold("x"), "\x1b[1mx\x1b[0m");
        assert_eq!(on.verdict(false, 3), "\x1b[31m3\x1b[0m");
        let off = Paint { on: false };
        assert_eq!(off.verdict(true, "ok"), "ok");
        assert_eq!(Paint::when(false).bad("e"), "e");
    }
}
