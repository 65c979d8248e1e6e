//! A screen buffer as a colour SVG picture (for `screenshots/` and the README): one `<rect>`
//! per run of background colour and one `<text>` per run of identical style.

use std::fmt::Write;

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

use super::style::{ANSI_RGB, indexed_to_rgb};

const CELL_W: f32 = 8.4;
const CELL_H: f32 = 17.0;
const DEFAULT_FG: (u8, u8, u8) = (0xc0, 0xca, 0xf5);
const DEFAULT_BG: (u8, u8, u8) = (0x1a, 0x1b, 0x26);

fn rgb(c: Color, default: (u8, u8, u8)) -> (u8, u8, u8) {
    match c {
        Color::Reset => default,
        Color::Rgb(r, g, b) => (r, g, b),
        Color::Indexed(i) => indexed_to_rgb(i),
        other => {
            let order = [
                Color::Black,
                Color::Red,
                Color::Green,
                Color::Yellow,
                Color::Blue,
                Color::Magenta,
                Color::Cyan,
                Color::Gray,
                Color::DarkGray,
                Color::LightRed,
                Color::LightGreen,
                Color::LightYellow,
                Color::LightBlue,
                Color::LightMagenta,
                Color::LightCyan,
                Color::White,
            ];
            order
                .iter()
                .position(|o| *o == other)
                .map_or(default, |i| ANSI_RGB[i])
        }
    }
}

fn hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Renders `buf` as an SVG document.
pub fn to_svg(buf: &Buffer) -> String {
    let area = buf.area;
    let (w, h) = (
        f32::from(area.width) * CELL_W,
        f32::from(area.height) * CELL_H,
    );
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" viewBox="0 0 {w:.1} {h:.1}">"#
    );
    let _ = writeln!(
        out,
        r#"<rect width="100%" height="100%" fill="{}"/>"#,
        hex(DEFAULT_BG)
    );
    let _ = writeln!(
        out,
        r#"<g font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="14px" xml:space="preserve">"#
    );
    for y in area.top()..area.bottom() {
        let cells: Vec<_> = (area.left()..area.right()).map(|x| &buf[(x, y)]).collect();
        let colors = |i: usize| {
            let c = cells[i];
            let (mut fg, mut bg) = (rgb(c.fg, DEFAULT_FG), rgb(c.bg, DEFAULT_BG));
            if c.modifier.contains(Modifier::REVERSED) {
                std::mem::swap(&mut fg, &mut bg);
            }
            (fg, bg, c.modifier.contains(Modifier::BOLD))
        };
        let ty = f32::from(y - area.top()) * CELL_H;
        let mut x = 0;
        while x < cells.len() {
            let (fg, bg, bold) = colors(x);
            let mut end = x + 1;
            while end < cells.len() && colors(end) == (fg, bg, bold) {
                end += 1;
            }
            let tx = x as f32 * CELL_W;
            let run_w = (end - x) as f32 * CELL_W;
            if bg != DEFAULT_BG {
                let _ = writeln!(
                    out,
                    r#"<rect x="{tx:.1}" y="{ty:.1}" width="{run_w:.1}" height="{CELL_H}" fill="{}"/>"#,
                    hex(bg)
                );
            }
            let text: String = cells[x..end].iter().map(|c| c.symbol()).collect();
            if !text.trim().is_empty() {
                let weight = if bold { r#" font-weight="bold""# } else { "" };
                let base = ty + CELL_H * 0.78;
                let _ = writeln!(
                    out,
                    r#"<text x="{tx:.1}" y="{base:.1}" fill="{}"{weight} textLength="{run_w:.1}" lengthAdjust="spacingAndGlyphs">{}</text>"#,
                    hex(fg),
                    escape(&text)
                );
            }
            x = end;
        }
    }
    out.push_str("</g>\n</svg>\n");
    out
}
