//! Lowering theme styles to what the terminal can show: true colour, 256 colours, the 16 ANSI
//! colours, or none at all.

use ratatui::style::{Color as TColor, Modifier, Style as TStyle};

use crate::config::theme::{Color, Style, Theme};

/// How many colours the terminal shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorDepth {
    /// None: attributes only.
    Mono,
    /// The 16 ANSI colours.
    Ansi16,
    /// xterm's 256.
    Indexed256,
    /// 24-bit.
    TrueColor,
}

impl ColorDepth {
    /// Guesses from the environment: `NO_COLOR` (any value) or `TERM=dumb` mean none,
    /// `COLORTERM=truecolor|24bit` means 24-bit, a `TERM` ending in `256color` means 256,
    /// anything else the 16 ANSI colours.
    pub fn from_env() -> ColorDepth {
        let var = |k| std::env::var(k).unwrap_or_default();
        if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) || var("TERM") == "dumb" {
            ColorDepth::Mono
        } else if matches!(var("COLORTERM").as_str(), "truecolor" | "24bit") {
            ColorDepth::TrueColor
        } else if var("TERM").contains("256color") {
            ColorDepth::Indexed256
        } else {
            ColorDepth::Ansi16
        }
    }
}

/// A theme as the terminal will show it.
#[derive(Debug, Clone)]
pub struct Styles {
    /// The theme.
    pub theme: Theme,
    /// The terminal's colours.
    pub depth: ColorDepth,
}

impl Styles {
    /// The style of `scope`.
    pub fn get(&self, scope: &str) -> TStyle {
        self.lower(&self.theme.get(scope))
    }

    /// Lowers one theme style.
    pub fn lower(&self, s: &Style) -> TStyle {
        let mut out = TStyle::default();
        if let Some(fg) = s.fg.and_then(|c| self.color(c)) {
            out = out.fg(fg);
        }
        if let Some(bg) = s.bg.and_then(|c| self.color(c)) {
            out = out.bg(bg);
        }
        let m = &s.modifiers;
        for (on, flag) in [
            (m.bold, Modifier::BOLD),
            (m.dim, Modifier::DIM),
            (m.italic, Modifier::ITALIC),
            (m.underline, Modifier::UNDERLINED),
            (m.reversed, Modifier::REVERSED),
        ] {
            if on {
                out = out.add_modifier(flag);
            }
        }
        out
    }

    fn color(&self, c: Color) -> Option<TColor> {
        match (self.depth, c) {
            (ColorDepth::Mono, _) => None,
            (_, Color::Reset) => Some(TColor::Reset),
            (_, Color::Ansi(i)) => Some(ansi(i)),
            (ColorDepth::TrueColor, Color::Rgb(r, g, b)) => Some(TColor::Rgb(r, g, b)),
            (ColorDepth::TrueColor | ColorDepth::Indexed256, Color::Indexed(i)) => {
                Some(TColor::Indexed(i))
            }
            (ColorDepth::Indexed256, Color::Rgb(r, g, b)) => {
                Some(TColor::Indexed(rgb_to_256(r, g, b)))
            }
            (ColorDepth::Ansi16, Color::Indexed(i)) => {
                let (r, g, b) = indexed_to_rgb(i);
                Some(ansi(nearest_ansi(r, g, b)))
            }
            (ColorDepth::Ansi16, Color::Rgb(r, g, b)) => Some(ansi(nearest_ansi(r, g, b))),
        }
    }
}

fn ansi(i: u8) -> TColor {
    const ALL: [TColor; 16] = [
        TColor::Black,
        TColor::Red,
        TColor::Green,
        TColor::Yellow,
        TColor::Blue,
        TColor::Magenta,
        TColor::Cyan,
        TColor::Gray,
        TColor::DarkGray,
        TColor::LightRed,
        TColor::LightGreen,
        TColor::LightYellow,
        TColor::LightBlue,
        TColor::LightMagenta,
        TColor::LightCyan,
        TColor::White,
    ];
    ALL[usize::from(i % 16)]
}

/// The usual xterm rendering of the 16 ANSI colours, for nearest-colour matching and SVGs.
pub const ANSI_RGB: [(u8, u8, u8); 16] = [
    (0, 0, 0),
    (205, 49, 49),
    (13, 188, 121),
    (229, 229, 16),
    (36, 114, 200),
    (188, 63, 188),
    (17, 168, 205),
    (204, 204, 204),
    (102, 102, 102),
    (241, 76, 76),
    (35, 209, 139),
    (245, 245, 67),
    (59, 142, 234),
    (214, 112, 214),
    (41, 184, 219),
    (242, 242, 242),
];

const CUBE: [u8; 6] = [0, 95, 135, 175, 215, 255];

/// The RGB value of an xterm 256-colour index.
pub fn indexed_to_rgb(i: u8) -> (u8, u8, u8) {
    match i {
        0..=15 => ANSI_RGB[usize::from(i)],
        16..=231 => {
            let n = i - 16;
            (
                CUBE[usize::from(n / 36)],
                CUBE[usize::from(n / 6 % 6)],
                CUBE[usize::from(n % 6)],
            )
        }
        _ => {
            let v = 8 + 10 * (i - 232);
            (v, v, v)
        }
    }
}

fn dist(a: (u8, u8, u8), b: (u8, u8, u8)) -> u32 {
    let d = |x: u8, y: u8| (i32::from(x) - i32::from(y)).unsigned_abs();
    d(a.0, b.0).pow(2) * 3 + d(a.1, b.1).pow(2) * 4 + d(a.2, b.2).pow(2) * 2
}

fn nearest_ansi(r: u8, g: u8, b: u8) -> u8 {
    (0u8..16)
        .min_by_key(|i| dist(ANSI_RGB[usize::from(*i)], (r, g, b)))
        .unwrap_or(7)
}

fn rgb_to_256(r: u8, g: u8, b: u8) -> u8 {
    // The colour cube and the grey ramp; the 16 ANSI entries vary between terminals.
    (16u8..=255)
        .min_by_key(|i| dist(indexed_to_rgb(*i), (r, g, b)))
        .unwrap_or(16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowering_follows_depth() {
        let theme = Theme::default();
        let s = Style {
            fg: Some(Color::Rgb(255, 0, 0)),
            ..Style::default()
        };
        let at = |depth| {
            Styles {
                theme: theme.clone(),
                depth,
            }
            .lower(&s)
            .fg
        };
        assert_eq!(at(ColorDepth::TrueColor), Some(TColor::Rgb(255, 0, 0)));
        assert_eq!(at(ColorDepth::Indexed256), Some(TColor::Indexed(196)));
        assert_eq!(at(ColorDepth::Ansi16), Some(TColor::Red));
        assert_eq!(at(ColorDepth::Mono), None);
    }
}
