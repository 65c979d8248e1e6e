//! Keys as written in keymap files: `j`, `G`, `ctrl-d`, `alt-x`, `shift-tab`, `pgdn`, `f1`,
//! `space`. The same names are what tests feed to the app, so a test reads like a keymap.

use std::fmt;

/// A key without modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCode {
    /// A printable character (upper case letters carry the shift).
    Char(char),
    /// Enter / Return.
    Enter,
    /// Escape.
    Esc,
    /// Tab.
    Tab,
    /// Shift-Tab.
    BackTab,
    /// Backspace.
    Backspace,
    /// Delete.
    Delete,
    /// Arrow up.
    Up,
    /// Arrow down.
    Down,
    /// Arrow left.
    Left,
    /// Arrow right.
    Right,
    /// Page up.
    PageUp,
    /// Page down.
    PageDown,
    /// Home.
    Home,
    /// End.
    End,
    /// Function key 1 to 12.
    F(u8),
}

/// A key with its Ctrl and Alt modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    /// The key.
    pub code: KeyCode,
    /// Ctrl held.
    pub ctrl: bool,
    /// Alt (Meta) held.
    pub alt: bool,
}

const NAMED: &[(&str, KeyCode)] = &[
    ("enter", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("pgup", KeyCode::PageUp),
    ("pgdn", KeyCode::PageDown),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("space", KeyCode::Char(' ')),
    ("minus", KeyCode::Char('-')),
];

/// Other spellings accepted on input; [`Key`]'s `Display` always writes the first name.
/// tmux's key names (`BSpace`, `PPage`, `NPage`, `BTab`, `DC`) are among them, so a key
/// sequence written for `tmux send-keys` (the README's walkthroughs) also drives the app.
const ALIASES: &[(&str, &str)] = &[
    ("return", "enter"),
    ("escape", "esc"),
    ("pageup", "pgup"),
    ("pagedown", "pgdn"),
    ("del", "delete"),
    ("bspace", "backspace"),
    ("ppage", "pgup"),
    ("npage", "pgdn"),
    ("btab", "backtab"),
    ("dc", "delete"),
];

impl Key {
    /// A key without modifiers.
    pub const fn plain(code: KeyCode) -> Key {
        Key {
            code,
            ctrl: false,
            alt: false,
        }
    }

    /// Parses one key name; `None` when it names no key.
    pub fn parse(text: &str) -> Option<Key> {
        let mut key = Key::plain(KeyCode::Esc);
        let mut rest = text;
        let mut shift = false;
        // A lone `-` is the minus key, not a modifier separator.
        while rest.len() > 1 {
            let Some((modifier, tail)) = rest.split_once('-') else {
                break;
            };
            match modifier.to_ascii_lowercase().as_str() {
                "ctrl" | "c" => key.ctrl = true,
                "alt" | "a" | "meta" | "m" => key.alt = true,
                "shift" | "s" => shift = true,
                _ => return None,
            }
            rest = tail;
        }
        key.code = parse_code(rest)?;
        if shift {
            key.code = match key.code {
                KeyCode::Tab => KeyCode::BackTab,
                KeyCode::Char(c) if c.is_ascii_alphabetic() => {
                    KeyCode::Char(c.to_ascii_uppercase())
                }
                _ => return None,
            };
        }
        Some(key)
    }

    /// Parses a space-separated key sequence (`g g`, `ctrl-x ctrl-c`).
    pub fn parse_seq(text: &str) -> Option<Vec<Key>> {
        let keys: Option<Vec<Key>> = text.split_whitespace().map(Key::parse).collect();
        keys.filter(|k| !k.is_empty())
    }
}

fn parse_code(text: &str) -> Option<KeyCode> {
    let mut chars = text.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return Some(KeyCode::Char(c));
    }
    let lower = text.to_ascii_lowercase();
    let name = ALIASES
        .iter()
        .find(|(alias, _)| *alias == lower)
        .map_or(lower.as_str(), |(_, name)| name);
    if let Some((_, code)) = NAMED.iter().find(|(n, _)| *n == name) {
        return Some(*code);
    }
    let n: u8 = name.strip_prefix('f')?.parse().ok()?;
    (1..=12).contains(&n).then_some(KeyCode::F(n))
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        if let Some((name, _)) = NAMED.iter().find(|(_, c)| *c == self.code) {
            return f.write_str(name);
        }
        match self.code {
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(n) => write!(f, "f{n}"),
            // Every other code is in NAMED.
            _ => f.write_str("?"),
        }
    }
}

/// Writes a key sequence the way keymap files spell it (`g g`).
pub fn seq_to_string(keys: &[Key]) -> String {
    keys.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for name in [
            "j", "G", "ctrl-d", "alt-x", "backtab", "pgdn", "f5", "space", "minus", "?",
        ] {
            let key = Key::parse(name).unwrap();
            assert_eq!(key.to_string(), name);
        }
        assert_eq!(Key::parse("shift-tab"), Key::parse("backtab"));
        assert_eq!(Key::parse("PageDown"), Key::parse("pgdn"));
        assert_eq!(Key::parse("C-d"), Key::parse("ctrl-d"));
        assert_eq!(Key::parse("shift-g"), Key::parse("G"));
        // tmux send-keys spellings.
        assert_eq!(Key::parse("Enter"), Key::parse("enter"));
        assert_eq!(Key::parse("BSpace"), Key::parse("backspace"));
        assert_eq!(Key::parse("NPage"), Key::parse("pgdn"));
        assert_eq!(Key::parse("BTab"), Key::parse("backtab"));
        assert!(Key::parse("hyper-x").is_none());
        assert!(Key::parse("f13").is_none());
        assert_eq!(Key::parse_seq("g g").unwrap().len(), 2);
        assert!(Key::parse_seq("  ").is_none());
    }
}
