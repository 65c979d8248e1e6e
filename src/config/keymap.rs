//! Keymaps: per context, an ordered list of `{ on = "g g", run = "go_top", desc = "..." }`.
//!
//! A key event is looked up in the contexts that are active (the topmost popup's first, then
//! the current view's, then `global`); within a context the first entry whose sequence
//! matches wins, which is how a user file placed in front of the shipped one overrides it.
//! Sequences (`g g`) make the first key a prefix that waits for the next one.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use toml::Spanned;

use super::key::{Key, seq_to_string};
use super::{Warning, line_of};

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Context {
    /// Everywhere, after the more specific contexts.
    Global,
    /// Any scrolling list or table (the Events list, the help text).
    List,
    /// The Overview tab.
    Overview,
    /// The Events tab.
    Events,
    /// Both timeline tabs (Control flow and Resources): cursor, zoom, pan.
    Timeline,
    /// The Control flow tab.
    ControlFlow,
    /// The Resources tab.
    Resources,
    /// The Top tab.
    Top,
    /// The Latency tab.
    Latency,
    /// The Periods tab.
    Periods,
    /// A text prompt: the `:` palette and the `/` search line.
    Prompt,
    /// The help overlay.
    Help,
}

impl Context {
    /// Every context, in the order help shows them.
    pub const ALL: [Context; 12] = [
        Context::Global,
        Context::List,
        Context::Overview,
        Context::Timeline,
        Context::ControlFlow,
        Context::Resources,
        Context::Top,
        Context::Latency,
        Context::Periods,
        Context::Events,
        Context::Prompt,
        Context::Help,
    ];

    /// The name used in keymap files (`[[events]]`).
    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::List => "list",
            Context::Overview => "overview",
            Context::Events => "events",
            Context::Timeline => "timeline",
            Context::ControlFlow => "control_flow",
            Context::Resources => "resources",
            Context::Top => "top",
            Context::Latency => "latency",
            Context::Periods => "periods",
            Context::Prompt => "prompt",
            Context::Help => "help",
        }
    }

    fn from_name(name: &str) -> Option<Context> {
        Context::ALL.into_iter().find(|c| c.name() == name)
    }
}

impl fmt::Display for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One key binding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// The key sequence.
    pub keys: Vec<Key>,
    /// The command name (`zoom_in`), as listed by the TUI's command table.
    pub run: String,
    /// What it does, for the help overlay.
    pub desc: String,
}

/// What a key sequence means in the active contexts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// A complete binding.
    Found(&'a Binding),
    /// The start of a longer sequence: wait for the next key.
    Prefix,
    /// Nothing.
    None,
}

/// A loaded keymap.
#[derive(Debug, Clone, Default)]
pub struct Keymap {
    /// Bindings per context, in priority order.
    pub contexts: BTreeMap<Context, Vec<Binding>>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OnKeys {
    One(String),
    Seq(Vec<String>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBinding {
    on: OnKeys,
    run: String,
    #[serde(default)]
    desc: String,
}

/// Shipped keymaps: name and text.
pub const BUILTIN: &[(&str, &str)] = &[
    ("default", include_str!("../../keymaps/default.toml")),
    ("emacs", include_str!("../../keymaps/emacs.toml")),
];

/// The text of a shipped keymap.
pub fn builtin(name: &str) -> Option<&'static str> {
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

impl Keymap {
    /// Parses keymap `text` read from `file`. `is_command` says which `run` names exist.
    /// Returns the keymap and the problems that were skipped over, or, when the file cannot
    /// be parsed at all, one warning saying why.
    pub fn parse(
        text: &str,
        file: &str,
        is_command: &dyn Fn(&str) -> bool,
    ) -> Result<(Keymap, Vec<Warning>), Warning> {
        let raw: BTreeMap<String, Vec<Spanned<RawBinding>>> =
            toml::from_str(text).map_err(|e| Warning {
                file: file.to_string(),
                line: e.span().map(|s| line_of(text, s.start)),
                message: format!("not a valid keymap: {}", e.message()),
            })?;
        let mut map = Keymap::default();
        let mut warnings = Vec::new();
        let warn = |line: usize, message: String| Warning {
            file: file.to_string(),
            line: Some(line),
            message,
        };
        for (ctx_name, entries) in raw {
            let Some(ctx) = Context::from_name(&ctx_name) else {
                let line = context_line(text, &ctx_name);
                let known: Vec<_> = Context::ALL.iter().map(|c| c.name()).collect();
                let message = format!(
                    "unknown context `{ctx_name}` (known: {}); its bindings are ignored",
                    known.join(", ")
                );
                warnings.push(warn(line, message));
                continue;
            };
            let mut seen: Vec<(Vec<Key>, usize, String)> = Vec::new();
            for entry in entries {
                let line = line_of(text, entry.span().start);
                let raw = entry.into_inner();
                let spelled = match &raw.on {
                    OnKeys::One(s) => s.clone(),
                    OnKeys::Seq(v) => v.join(" "),
                };
                let Some(keys) = Key::parse_seq(&spelled) else {
                    warnings.push(warn(line, format!("unknown key `{spelled}` in [{ctx}]")));
                    continue;
                };
                if !is_command(&raw.run) {
                    let message = format!(
                        "unknown command `{}` for `{spelled}` in [{ctx}] (the `:` palette lists every command)",
                        raw.run
                    );
                    warnings.push(warn(line, message));
                    continue;
                }
                if let Some(message) = conflict(&seen, &keys, ctx) {
                    warnings.push(warn(line, message));
                    continue;
                }
                seen.push((keys.clone(), line, raw.run.clone()));
                map.contexts.entry(ctx).or_default().push(Binding {
                    keys,
                    run: raw.run,
                    desc: raw.desc,
                });
            }
        }
        Ok((map, warnings))
    }

    /// Puts `user`'s bindings in front of this keymap's, so they take precedence.
    pub fn prepend(&mut self, user: Keymap) {
        for (ctx, mut bindings) in user.contexts {
            let mine = self.contexts.entry(ctx).or_default();
            bindings.append(mine);
            *mine = bindings;
        }
    }

    /// Looks `keys` up in `contexts`, most specific first.
    pub fn lookup(&self, contexts: &[Context], keys: &[Key]) -> Lookup<'_> {
        let mut prefix = false;
        for ctx in contexts {
            for b in self.contexts.get(ctx).into_iter().flatten() {
                if b.keys == keys {
                    return Lookup::Found(b);
                }
                prefix |= b.keys.len() > keys.len() && b.keys.starts_with(keys);
            }
        }
        if prefix { Lookup::Prefix } else { Lookup::None }
    }

    /// The bindings of one context.
    pub fn bindings(&self, ctx: Context) -> &[Binding] {
        self.contexts.get(&ctx).map_or(&[], Vec::as_slice)
    }

    /// The first key sequence bound to `run` in `contexts`, for hints (`? help`).
    pub fn key_for(&self, contexts: &[Context], run: &str) -> Option<String> {
        contexts.iter().find_map(|ctx| {
            self.bindings(*ctx)
                .iter()
                .find(|b| b.run == run)
                .map(|b| seq_to_string(&b.keys))
        })
    }
}

/// Why `keys` cannot be added after the bindings `seen` earlier in the same context.
fn conflict(seen: &[(Vec<Key>, usize, String)], keys: &[Key], ctx: Context) -> Option<String> {
    let spelled = seq_to_string(keys);
    seen.iter().find_map(|(other, line, run)| {
        let other_spelled = seq_to_string(other);
        if other == keys {
            Some(format!(
                "duplicate binding `{spelled}` in [{ctx}]: already bound to `{run}` on line {line}; this one is ignored"
            ))
        } else if other.starts_with(keys) || keys.starts_with(other) {
            Some(format!(
                "binding `{spelled}` in [{ctx}] overlaps `{other_spelled}` (line {line}, `{run}`): one would hide the other; this one is ignored"
            ))
        } else {
            None
        }
    })
}

/// The line where a context is declared (`name = [` or `[[name]]`), 1 when not found.
fn context_line(text: &str, name: &str) -> usize {
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            l.starts_with(&format!("[[{name}]]"))
                || l.strip_prefix(name)
                    .is_some_and(|r| r.trim_start().starts_with('='))
        })
        .map_or(1, |i| i + 1)
}
