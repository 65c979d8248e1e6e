//! Colour themes: a named `[palette]` and `[styles]` keyed by dotted scopes.
//!
//! ```toml
//! inherits = "dark"
//! [palette]
//! accent = "#7aa2f7"
//! [styles]
//! "tab.active" = { fg = "accent", modifiers = ["bold"] }
//! ```
//!
//! A scope that a theme leaves out falls back to its parent (`status.warning` → `status`),
//! so a theme can be short. Colours are palette names, the 16 ANSI names (`red`,
//! `light-blue`, `dark-gray`), `#rrggbb`, a 256-colour index, or `reset`.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::{Warning, line_of};

/// A colour as a theme names it; the TUI lowers it to what the terminal can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Color {
    /// The terminal's default.
    Reset,
    /// One of the 16 ANSI colours, 0 (black) to 15 (white).
    Ansi(u8),
    /// An xterm 256-colour index.
    Indexed(u8),
    /// True colour.
    Rgb(u8, u8, u8),
}

/// Text attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Modifiers {
    /// Bold.
    pub bold: bool,
    /// Dim.
    pub dim: bool,
    /// Italic.
    pub italic: bool,
    /// Underlined.
    pub underline: bool,
    /// Foreground and background swapped.
    pub reversed: bool,
}

/// The style of one scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Style {
    /// Foreground.
    pub fg: Option<Color>,
    /// Background.
    pub bg: Option<Color>,
    /// Attributes.
    pub modifiers: Modifiers,
}

/// Every scope the TUI draws with. Themes naming anything else get a warning (a typo).
pub const SCOPES: &[&str] = &[
    "ui",
    "ui.border",
    "ui.title",
    "ui.dim",
    "ui.selection",
    "ui.cursor",
    "tab",
    "tab.active",
    "status",
    "status.mode",
    "status.warning",
    "status.error",
    "status.progress",
    "status.selection",
    "overview.label",
    "overview.activity",
    "overview.selection",
    "overview.cursor",
    "events.time",
    "events.lost",
    "events.match",
    "events.selected",
    "popup",
    "popup.border",
    "popup.title",
    "popup.key",
    "popup.selected",
    "table.header",
    "table.selected",
    "timeline.state.user",
    "timeline.state.syscall",
    "timeline.state.irq",
    "timeline.state.wait_cpu",
    "timeline.state.blocked",
    "timeline.state.unknown",
];

/// The 16 ANSI colour names, by index.
pub const ANSI_NAMES: [&str; 16] = [
    "black",
    "red",
    "green",
    "yellow",
    "blue",
    "magenta",
    "cyan",
    "gray",
    "dark-gray",
    "light-red",
    "light-green",
    "light-yellow",
    "light-blue",
    "light-magenta",
    "light-cyan",
    "white",
];

/// A loaded theme.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// The theme's name (file stem or shipped name).
    pub name: String,
    /// Styles by scope, after palette resolution and inheritance.
    pub styles: BTreeMap<String, Style>,
}

/// Shipped themes: name and text.
pub const BUILTIN: &[(&str, &str)] = &[
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    ("mono", include_str!("../../themes/mono.toml")),
];

/// The text of a shipped theme.
pub fn builtin(name: &str) -> Option<&'static str> {
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTheme {
    inherits: Option<String>,
    #[serde(default)]
    palette: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    styles: BTreeMap<String, Spanned<RawStyle>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStyle {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    modifiers: Vec<String>,
}

impl Theme {
    /// The style of `scope`, falling back to its parents, then to no style.
    pub fn get(&self, scope: &str) -> Style {
        let mut s = scope;
        loop {
            if let Some(style) = self.styles.get(s) {
                return *style;
            }
            match s.rfind('.') {
                Some(dot) => s = &s[..dot],
                None => return Style::default(),
            }
        }
    }

    /// Parses theme `text` read from `file`, named `name`. `inherits` names a shipped theme
    /// (inheritance chains are followed to a depth of 4). A file that cannot be parsed at all
    /// gives one warning and no theme.
    ///
    /// Inheritance merges the unresolved palettes and styles, child over parent, and only
    /// then resolves colour names: a child that redefines `bg-sel` recolours every style it
    /// inherits that says `bg-sel`.
    pub fn parse(text: &str, file: &str, name: &str) -> Result<(Theme, Vec<Warning>), Warning> {
        let mut warnings = Vec::new();
        let merged = Merged::read(text, file, 0, &mut warnings)?;
        let mut palette = BTreeMap::new();
        for (key, (value, at)) in &merged.palette {
            match parse_color(value, &BTreeMap::new()) {
                Some(c) => {
                    palette.insert(key.clone(), c);
                }
                None => {
                    warnings.push(at.warn(format!("palette colour `{key}`: cannot read `{value}`")))
                }
            }
        }
        let mut theme = Theme {
            name: name.to_string(),
            styles: BTreeMap::new(),
        };
        for (scope, (raw, at)) in merged.styles {
            let (style, problems) = resolve_style(&raw, &palette);
            for p in problems {
                warnings.push(at.warn(format!("scope `{scope}`: {p}")));
            }
            theme.styles.insert(scope, style);
        }
        // In file order, as a reader of the file meets them.
        warnings.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        Ok((theme, warnings))
    }
}

/// Where a palette entry or style was written, for warnings.
#[derive(Debug, Clone)]
struct Origin {
    file: String,
    line: usize,
}

impl Origin {
    fn warn(&self, message: String) -> Warning {
        Warning {
            file: self.file.clone(),
            line: Some(self.line),
            message,
        }
    }
}

/// A theme with its parents merged in, colours still unresolved.
#[derive(Default)]
struct Merged {
    palette: BTreeMap<String, (String, Origin)>,
    styles: BTreeMap<String, (RawStyle, Origin)>,
}

impl Merged {
    fn read(
        text: &str,
        file: &str,
        depth: usize,
        warnings: &mut Vec<Warning>,
    ) -> Result<Merged, Warning> {
        let raw: RawTheme = toml::from_str(text).map_err(|e| Warning {
            file: file.to_string(),
            line: e.span().map(|s| line_of(text, s.start)),
            message: format!("not a valid theme: {}", e.message()),
        })?;
        let at = |line: usize| Origin {
            file: file.to_string(),
            line,
        };
        let mut merged = Merged::default();
        if let Some(parent) = &raw.inherits {
            match builtin(parent).filter(|_| depth < 4) {
                Some(ptext) => {
                    merged =
                        Merged::read(ptext, &format!("builtin:{parent}"), depth + 1, warnings)?;
                }
                None => warnings
                    .push(at(1).warn(format!("cannot inherit `{parent}`: no such shipped theme"))),
            }
        }
        for (key, value) in raw.palette {
            let origin = at(line_of(text, value.span().start));
            merged.palette.insert(key, (value.into_inner(), origin));
        }
        for (scope, raw_style) in raw.styles {
            let origin = at(line_of(text, raw_style.span().start));
            if !SCOPES.contains(&scope.as_str()) {
                warnings.push(origin.warn(format!(
                    "unknown scope `{scope}` (themes/dark.toml uses every known scope)"
                )));
                continue;
            }
            merged
                .styles
                .insert(scope, (raw_style.into_inner(), origin));
        }
        Ok(merged)
    }
}

fn resolve_style(raw: &RawStyle, palette: &BTreeMap<String, Color>) -> (Style, Vec<String>) {
    let mut problems = Vec::new();
    let mut color = |v: &Option<String>, what: &str| {
        let v = v.as_ref()?;
        let c = parse_color(v, palette);
        if c.is_none() {
            problems.push(format!(
                "{what} colour `{v}` is neither a palette name, an ANSI name, `#rrggbb` nor 0-255"
            ));
        }
        c
    };
    let mut style = Style {
        fg: color(&raw.fg, "fg"),
        bg: color(&raw.bg, "bg"),
        modifiers: Modifiers::default(),
    };
    for m in &raw.modifiers {
        let flag = match m.as_str() {
            "bold" => &mut style.modifiers.bold,
            "dim" => &mut style.modifiers.dim,
            "italic" => &mut style.modifiers.italic,
            "underline" | "underlined" => &mut style.modifiers.underline,
            "reversed" => &mut style.modifiers.reversed,
            _ => {
                problems.push(format!(
                    "unknown modifier `{m}` (bold, dim, italic, underline, reversed)"
                ));
                continue;
            }
        };
        *flag = true;
    }
    (style, problems)
}

/// Reads one colour.
pub fn parse_color(text: &str, palette: &BTreeMap<String, Color>) -> Option<Color> {
    if let Some(c) = palette.get(text) {
        return Some(*c);
    }
    if text == "reset" {
        return Some(Color::Reset);
    }
    if let Some(i) = ANSI_NAMES.iter().position(|n| *n == text) {
        return u8::try_from(i).ok().map(Color::Ansi);
    }
    if let Some(hex) = text.strip_prefix('#') {
        if hex.len() != 6 || !hex.is_ascii() {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        return Some(Color::Rgb(byte(0)?, byte(2)?, byte(4)?));
    }
    text.parse().ok().map(Color::Indexed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_falls_back_to_parent() {
        let text = "[styles]\n\"status\" = { fg = \"red\" }\n";
        let (t, w) = Theme::parse(text, "t.toml", "t").unwrap();
        assert!(w.is_empty());
        assert_eq!(t.get("status.warning").fg, Some(Color::Ansi(1)));
        assert_eq!(t.get("tab").fg, None);
    }

    #[test]
    fn bad_values_warn_with_line() {
        let text = "[palette]\na = \"#12345\"\n[styles]\n\"nope\" = { fg = \"red\" }\n\"ui\" = { fg = \"mauve\" }\n";
        let (_, w) = Theme::parse(text, "t.toml", "t").unwrap();
        let lines: Vec<_> = w.iter().map(|w| w.line).collect();
        assert_eq!(lines, [Some(2), Some(4), Some(5)], "{w:?}");
    }

    #[test]
    fn inherited_styles_take_the_child_palette() {
        let text = "inherits = \"dark\"\n[palette]\nbg-sel = \"#010203\"\n";
        let (t, w) = Theme::parse(text, "t.toml", "t").unwrap();
        assert!(w.is_empty(), "{w:?}");
        // `table.selected` is only in dark.toml, as `bg = "bg-sel"`.
        assert_eq!(t.get("table.selected").bg, Some(Color::Rgb(1, 2, 3)));
        let (light, w) = Theme::parse(builtin("light").unwrap(), "light", "light").unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(
            light.get("table.selected").bg,
            Some(Color::Rgb(0xb7, 0xc5, 0xf0))
        );
    }
}
