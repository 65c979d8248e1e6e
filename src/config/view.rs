//! View presets (`views/*.toml`): named periods, in the CLI's `--period` language, and the
//! tab that opens first.
//!
//! Unlike keymaps and themes, a preset that does not load is an error: the user asked for
//! this investigation by name, and half of it would silently show the wrong thing. Unknown
//! keys are rejected for the same reason (a typo in `begin` must not drop a condition).

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::{Source, Warning, line_of};
use crate::analysis::period;

/// The shipped presets, compiled in.
pub const BUILTIN: [(&str, &str); 5] = [
    ("default", include_str!("../../views/default.toml")),
    (
        "web-requests",
        include_str!("../../views/web-requests.toml"),
    ),
    (
        "syscall-latency",
        include_str!("../../views/syscall-latency.toml"),
    ),
    ("disk-io", include_str!("../../views/disk-io.toml")),
    ("scheduling", include_str!("../../views/scheduling.toml")),
];

/// Tab names a preset may open first (the TUI maps them to its tabs).
pub const TABS: [&str; 7] = [
    "overview",
    "control_flow",
    "resources",
    "top",
    "events",
    "latency",
    "periods",
];

/// A loaded preset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    /// Where it came from (`builtin:NAME` or a path).
    pub file: String,
    /// What investigation it serves.
    pub description: String,
    /// The tab to open first, one of [`TABS`].
    pub tab: Option<String>,
    /// Period definitions, exactly as `--period` takes them.
    pub periods: Vec<String>,
    /// Capture definitions, exactly as `--period-captures` takes them.
    pub captures: Vec<String>,
}

impl View {
    /// The parsed period definitions (they parsed at load time, so this only fails if the
    /// view was built by hand).
    pub fn definitions(&self) -> anyhow::Result<period::engine::Periods> {
        period::definitions(&self.periods, &self.captures)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ViewFile {
    description: String,
    #[serde(default)]
    open: Open,
    #[serde(default)]
    period: Vec<PeriodSpec>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Open {
    tab: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PeriodSpec {
    name: Spanned<String>,
    parent: Option<String>,
    begin: Spanned<String>,
    end: Option<Spanned<String>>,
    #[serde(default)]
    begin_captures: Vec<String>,
    #[serde(default)]
    end_captures: Vec<String>,
}

/// Loads a preset by shipped name or path.
pub fn load(source: &Source) -> Result<View, Warning> {
    match source {
        Source::Builtin(name) => {
            let Some((_, text)) = BUILTIN.iter().find(|(n, _)| n == name) else {
                let names: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
                return Err(Warning {
                    file: format!("builtin:{name}"),
                    line: None,
                    message: format!("no shipped view `{name}` (shipped: {})", names.join(", ")),
                });
            };
            parse(&format!("builtin:{name}"), text)
        }
        Source::Path(path) => load_path(path),
    }
}

fn load_path(path: &Path) -> Result<View, Warning> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| Warning {
        file: file.clone(),
        line: None,
        message: format!("cannot read: {e}"),
    })?;
    parse(&file, &text)
}

/// Parses and checks a preset's text; `file` names it in errors.
pub fn parse(file: &str, text: &str) -> Result<View, Warning> {
    let err = |line: Option<usize>, message: String| Warning {
        file: file.to_owned(),
        line,
        message,
    };
    let raw: ViewFile = toml::from_str(text)
        .map_err(|e| err(e.span().map(|s| line_of(text, s.start)), e.message().into()))?;
    if let Some(tab) = &raw.open.tab
        && !TABS.contains(&tab.get_ref().as_str())
    {
        let line = line_of(text, tab.span().start);
        let msg = format!(
            "unknown tab `{}` (tabs: {})",
            tab.get_ref(),
            TABS.join(", ")
        );
        return Err(err(Some(line), msg));
    }
    let mut periods = Vec::new();
    let mut captures = Vec::new();
    for p in &raw.period {
        let (def, parts) = definition(p);
        if let Err(e) = period::parse::parse_period(&def) {
            // Point at the TOML line of the part (name, begin or end) the column falls in.
            let start = parts
                .iter()
                .rev()
                .find(|(from, _)| *from <= e.at)
                .map_or(p.name.span().start, |(_, span)| *span);
            let line = Some(line_of(text, start));
            return Err(err(line, e.render("invalid period", &def)));
        }
        periods.push(def);
        if !p.begin_captures.is_empty() || !p.end_captures.is_empty() {
            let cap = format!(
                "{} : {} : {}",
                p.name.get_ref(),
                p.begin_captures.join(", "),
                p.end_captures.join(", ")
            );
            if let Err(e) = period::parse::parse_captures(&cap) {
                let line = Some(line_of(text, p.name.span().start));
                return Err(err(line, e.render("invalid captures", &cap)));
            }
            captures.push(cap);
        }
    }
    // Whole-set checks: duplicate names, unknown parents, `$parent` without a parent.
    if let Err(e) = period::definitions(&periods, &captures) {
        return Err(err(None, format!("{e:#}")));
    }
    Ok(View {
        file: file.to_owned(),
        description: raw.description,
        tab: raw.open.tab.map(Spanned::into_inner),
        periods,
        captures,
    })
}

/// The `--period` text of a spec, and where each of its parts starts (char column in the
/// text, byte offset in the file).
fn definition(p: &PeriodSpec) -> (String, Vec<(usize, usize)>) {
    let mut def = p.name.get_ref().clone();
    if let Some(parent) = &p.parent {
        def.push_str(&format!("({parent})"));
    }
    def.push_str(" : ");
    let mut parts = vec![(0, p.name.span().start)];
    parts.push((def.chars().count(), p.begin.span().start));
    def.push_str(p.begin.get_ref());
    if let Some(end) = &p.end {
        def.push_str(" : ");
        parts.push((def.chars().count(), end.span().start));
        def.push_str(end.get_ref());
    }
    (def, parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_view_loads() {
        for (name, _) in BUILTIN {
            let v = load(&Source::Builtin(name.into()));
            assert!(
                v.is_ok(),
                "{name}: {}",
                v.err().map(|e| e.to_string()).unwrap_or_default()
            );
        }
    }

    #[test]
    fn errors_name_file_and_line() {
        let e = parse("v.toml", "description = \"x\"\n\n[open]\ntabb = \"top\"\n");
        let e = e.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.starts_with("v.toml:4: unknown field `tabb`"), "{e}");
        let text = "description = \"x\"\n[[period]]\nname = \"a\"\nbegin = '$evt.fd == 1'\nend = '$evt.fd = 2'\n";
        let e = parse("v.toml", text)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.starts_with("v.toml:5: invalid period: column"), "{e}");
        let e = parse("v.toml", "description = \"x\"\n[open]\ntab = \"nope\"\n");
        let e = e.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.starts_with("v.toml:3: unknown tab `nope`"), "{e}");
    }
}
