//! Choosing and loading the keymap and theme: `--keymap`/`--theme` (a shipped name or a
//! path), the user's extension file, `NO_COLOR`. Every problem becomes a warning and a
//! fallback to the shipped default, never a refusal to start.

use std::path::Path;

use crate::config::keymap::{self, Keymap};
use crate::config::theme::{self, Theme};
use crate::config::{Source, Warning, config_dir};

use super::action::is_command;
use super::style::{ColorDepth, Styles};

/// A keymap and the warnings met while loading it.
#[derive(Debug, Clone)]
pub struct Loaded<T> {
    /// The result (the default when the asked-for file was unusable).
    pub value: T,
    /// What name it goes by.
    pub name: String,
    /// Problems, each naming file and line.
    pub warnings: Vec<Warning>,
}

fn read(
    source: &Source,
    builtin: fn(&str) -> Option<&'static str>,
    what: &str,
) -> Result<(String, String, String), Warning> {
    match source {
        Source::Builtin(name) => builtin(name)
            .map(|t| (t.to_string(), format!("builtin:{name}"), name.clone()))
            .ok_or_else(|| Warning {
                file: format!("--{what} {name}"),
                line: None,
                message: format!("no shipped {what} named `{name}`; using the default"),
            }),
        Source::Path(path) => std::fs::read_to_string(path)
            .map(|t| {
                let stem = path.file_stem().map_or_else(
                    || path.display().to_string(),
                    |s| s.to_string_lossy().into_owned(),
                );
                (t, path.display().to_string(), stem)
            })
            .map_err(|e| Warning {
                file: path.display().to_string(),
                line: None,
                message: format!("cannot read it ({e}); using the default {what}"),
            }),
    }
}

/// Loads the keymap `choice` (default `default`), then puts the user's
/// `keymap.toml` from `user_dir` (when present) in front of it.
pub fn load_keymap(choice: Option<&str>, user_dir: Option<&Path>) -> Loaded<Keymap> {
    let mut warnings = Vec::new();
    let source = Source::parse(choice.unwrap_or("default"));
    let parsed = read(&source, keymap::builtin, "keymap").and_then(|(text, file, name)| {
        Keymap::parse(&text, &file, &is_command).map(|(k, w)| (k, w, name))
    });
    let (mut value, name) = match parsed {
        Ok((k, w, name)) => {
            warnings.extend(w);
            (k, name)
        }
        Err(w) => {
            warnings.push(w);
            (default_keymap(), "default".to_string())
        }
    };
    if let Some(path) = user_dir
        .map(|d| d.join("keymap.toml"))
        .filter(|p| p.is_file())
    {
        let user = read(&Source::Path(path), keymap::builtin, "keymap")
            .and_then(|(text, file, _)| Keymap::parse(&text, &file, &is_command));
        match user {
            Ok((k, w)) => {
                warnings.extend(w);
                value.prepend(k);
            }
            Err(mut w) => {
                w.message.push_str("; the file is ignored");
                warnings.push(w);
            }
        }
    }
    Loaded {
        value,
        name,
        warnings,
    }
}

/// The shipped default keymap (it is tested to load without warnings).
pub fn default_keymap() -> Keymap {
    keymap::builtin("default")
        .and_then(|t| Keymap::parse(t, "builtin:default", &is_command).ok())
        .map(|(k, _)| k)
        .unwrap_or_default()
}

/// Loads the theme `choice`; without one, `mono` when the terminal has no colours and
/// `dark` otherwise.
pub fn load_theme(choice: Option<&str>, depth: ColorDepth) -> Loaded<Styles> {
    let fallback = if depth == ColorDepth::Mono {
        "mono"
    } else {
        "dark"
    };
    let source = Source::parse(choice.unwrap_or(fallback));
    let mut warnings = Vec::new();
    let parsed = read(&source, theme::builtin, "theme")
        .and_then(|(text, file, name)| Theme::parse(&text, &file, &name));
    let theme = match parsed {
        Ok((t, w)) => {
            warnings.extend(w);
            t
        }
        Err(w) => {
            warnings.push(w);
            theme::builtin(fallback)
                .and_then(|t| Theme::parse(t, "builtin", fallback).ok())
                .map(|(t, _)| t)
                .unwrap_or_default()
        }
    };
    let name = theme.name.clone();
    Loaded {
        value: Styles { theme, depth },
        name,
        warnings,
    }
}

/// The user's configuration directory, unless `LTTNG_TUI_NO_USER_CONFIG` is set (tests).
pub fn user_dir() -> Option<std::path::PathBuf> {
    if std::env::var_os("LTTNG_TUI_NO_USER_CONFIG").is_some() {
        return None;
    }
    config_dir()
}
