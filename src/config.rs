//! User-editable configuration read by the TUI and the CLI: key bindings, colour themes and
//! view presets.
//!
//! The shipped files in `keymaps/` and `themes/` are compiled in with `include_str!`, so the
//! binary works without any file on disk; users extend them from `~/.config/lttng-tui/`.
//! Loading never refuses to start: problems become [`Warning`]s that name the file and line,
//! and a file that cannot be parsed at all is replaced by the shipped default.
//!
//! Nothing here knows about terminals: keys and colours are plain data that `tui` converts.

pub mod key;
pub mod keymap;
pub mod theme;
pub mod view;

use std::fmt;
use std::path::PathBuf;

/// A problem found in a configuration file, reported without stopping the program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The file (a path, or `builtin:NAME` for a compiled-in file).
    pub file: String,
    /// 1-based line, when the problem has one.
    pub line: Option<usize>,
    /// What is wrong, quoting the offending value in backquotes.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file, line, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// 1-based line number of a byte offset in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// `$XDG_CONFIG_HOME/lttng-tui` or `~/.config/lttng-tui`, when either variable is set.
pub fn config_dir() -> Option<PathBuf> {
    match std::env::var_os("XDG_CONFIG_HOME") {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir).join("lttng-tui")),
        _ => std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(|h| PathBuf::from(h).join(".config").join("lttng-tui")),
    }
}

/// Where a named-or-path option (`--keymap emacs`, `--theme ./mine.toml`) points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A shipped file, by name.
    Builtin(String),
    /// A file on disk.
    Path(PathBuf),
}

impl Source {
    /// A value containing a path separator or ending in `.toml` is a path, anything else a
    /// shipped name: `--theme light` and `--theme ./light.toml` both do what they look like.
    pub fn parse(value: &str) -> Source {
        if value.contains('/') || value.ends_with(".toml") {
            Source::Path(PathBuf::from(value))
        } else {
            Source::Builtin(value.to_string())
        }
    }
}
