//! Popups stacked above the current tab: help, warnings, and the prompts (`:` palette and `/`
//! search). Keys go to the topmost layer's contexts first (see [`super::app::App::contexts`]).

pub mod help;
pub mod prompt;

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

use super::action::{COMMANDS, Command};

/// One popup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layer {
    /// Key bindings of the active keymap.
    Help {
        /// First line shown.
        scroll: usize,
    },
    /// Configuration and trace warnings.
    Warnings {
        /// First line shown.
        scroll: usize,
    },
    /// A text prompt.
    Prompt(Prompt),
}

/// What a prompt is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    /// `:` command palette.
    Palette,
    /// `/` search.
    Search,
}

/// A line being typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    /// What it is for.
    pub kind: PromptKind,
    /// The text.
    pub input: String,
    /// Selected completion.
    pub selected: usize,
}

impl Prompt {
    /// A prompt with initial text.
    pub fn new(kind: PromptKind, text: &str) -> Prompt {
        Prompt {
            kind,
            input: text.to_string(),
            selected: 0,
        }
    }

    /// Types a character.
    pub fn insert(&mut self, c: char) {
        self.input.push(c);
        self.selected = 0;
    }

    /// The commands matching the typed name, best first (the palette's completion list).
    /// Once an argument is being typed, only the command named so far.
    pub fn completions(&self) -> Vec<&'static Command> {
        if self.kind != PromptKind::Palette {
            return Vec::new();
        }
        let name = self.input.split_whitespace().next().unwrap_or("");
        if self.input.contains(' ') {
            return COMMANDS.iter().filter(|c| c.name == name).collect();
        }
        let matcher = SkimMatcherV2::default();
        let mut scored: Vec<(i64, usize, &'static Command)> = COMMANDS
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.name.starts_with("prompt_"))
            .filter_map(|(i, c)| {
                let score = if name.is_empty() {
                    Some(0)
                } else {
                    matcher.fuzzy_match(c.name, name)
                };
                score.map(|s| (s, i, c))
            })
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().map(|(_, _, c)| c).collect()
    }
}
