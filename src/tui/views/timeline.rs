//! What the two timeline tabs share: the layout, the half-block state rows, the time ruler
//! and the detail line.
//!
//! ```text
//! ┌ left pane (TREE_WIDTH) ─────┬ timeline ───────────────────────────────────────┐
//! │ title / filter              │ 12:00:01.000   12:00:01.500   12:00:02.000       │ ruler
//! │                             │ +1.000 s       +1.500 s       +2.000 s           │
//! │ ▾ nginx 1234                │ ▌▌██▐  ██│██▌   ▐██                            │ rows
//! │   nginx 1235                │   ▐█▌    │  ██▌                                 │
//! ├─────────────────────────────┴─────────────────────────────────────────────────┤
//! │ cursor 12:00:01.234 (+1.234 s)  window 1.000 s │ nginx [1234] blocked for 2 ms │ detail
//! └────────────────────────────────────────────────────────────────────────────────┘
//! ```
//!
//! Each cell shows two time slots: `▌` with the first slot's colour as foreground and the
//! second's as background, which doubles the horizontal resolution.

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::super::app::App;
use super::super::sample::Shade;
use super::super::timefmt;
use super::super::viewport::Viewport;

/// Width of the left pane (tree or CPU names).
pub const TREE_WIDTH: u16 = 30;

/// Rows of threads or CPUs that fit in a tab body of `height` lines (ruler 2, detail 1).
pub fn timeline_rows(height: u16) -> usize {
    usize::from(height.saturating_sub(3))
}

/// The parts of a timeline tab: left header, ruler, left rows, timeline rows, detail line.
pub struct Areas {
    /// Title and filter, over the left pane.
    pub head: Rect,
    /// Two ruler lines over the timeline.
    pub ruler: Rect,
    /// Row labels.
    pub left: Rect,
    /// State rows.
    pub rows: Rect,
    /// The line under everything.
    pub detail: Rect,
}

/// Splits a tab body.
pub fn areas(area: Rect) -> Areas {
    let left_w = TREE_WIDTH.min(area.width / 2);
    let right_x = area.x + left_w + 1;
    let right_w = area.width.saturating_sub(left_w + 1);
    let rows_h = area.height.saturating_sub(3);
    Areas {
        head: Rect::new(area.x, area.y, left_w, 2.min(area.height)),
        ruler: Rect::new(right_x, area.y, right_w, 2.min(area.height)),
        left: Rect::new(area.x, area.y + 2, left_w, rows_h),
        rows: Rect::new(right_x, area.y + 2, right_w, rows_h),
        detail: Rect::new(
            area.x,
            area.y + area.height.saturating_sub(1),
            area.width,
            1,
        ),
    }
}

/// The colours of the six shades, looked up once per frame.
pub struct Palette {
    colours: [Color; 6],
    cursor: Style,
}

impl Palette {
    /// From the app's theme.
    pub fn new(app: &App) -> Palette {
        let all = [
            Shade::User,
            Shade::Syscall,
            Shade::Irq,
            Shade::WaitCpu,
            Shade::Blocked,
            Shade::Unknown,
        ];
        let colours = all.map(|s| app.styles.get(s.scope()).fg.unwrap_or(Color::Reset));
        Palette {
            colours,
            cursor: app.styles.get("ui.cursor"),
        }
    }

    fn colour(&self, s: Shade) -> Color {
        self.colours[s as usize]
    }

    /// One row from `2 × width` slots; `marked` slots are drawn reversed (follow mode);
    /// the cursor column is a bar.
    pub fn row(&self, slots: &[(Option<Shade>, bool)], cursor: Option<usize>) -> Line<'static> {
        let mut spans = Vec::with_capacity(slots.len() / 2);
        for (c, pair) in slots.chunks(2).enumerate() {
            if cursor == Some(c) {
                spans.push(Span::styled("│", self.cursor));
                continue;
            }
            let (a, b) = (pair[0], pair.get(1).copied().unwrap_or(pair[0]));
            let (sym, mut style) = match (a.0, b.0) {
                (None, None) => (" ", Style::default()),
                (Some(x), None) => ("▌", Style::default().fg(self.colour(x))),
                (None, Some(y)) => ("▐", Style::default().fg(self.colour(y))),
                (Some(x), Some(y)) if x == y => ("█", Style::default().fg(self.colour(x))),
                (Some(x), Some(y)) => ("▌", Style::default().fg(self.colour(x)).bg(self.colour(y))),
            };
            if a.1 || b.1 {
                style = style.add_modifier(Modifier::REVERSED);
            }
            spans.push(Span::styled(sym, style));
        }
        Line::from(spans)
    }
}

/// A tick spacing from 1-2-5 × 10ⁿ ns giving labels at least `min_cols` columns apart.
fn tick_step(span: u64, width: usize, min_cols: usize) -> u64 {
    let raw = (u128::from(span) * min_cols as u128 / width.max(1) as u128).max(1) as u64;
    let mut unit = 1u64;
    loop {
        for m in [1, 2, 5] {
            let step = unit.saturating_mul(m);
            if step >= raw {
                return step;
            }
        }
        unit = unit.saturating_mul(10);
    }
}

/// Writes `text` into `line` at `col` when it fits without overwriting an earlier label.
fn put(line: &mut [char], col: usize, text: &str) -> bool {
    let n = text.chars().count();
    if col + n + 1 > line.len() || line[col..col + n + 1].iter().any(|&c| c != ' ') {
        return false;
    }
    for (i, ch) in text.chars().enumerate() {
        line[col + i] = ch;
    }
    true
}

/// Two ruler lines: clock time and time since the trace start, at round ticks.
pub fn ruler(app: &App, v: &Viewport, origin: u64, width: usize) -> Vec<Line<'static>> {
    let step = tick_step(v.span(), width, 22);
    let digits = match step {
        s if s >= 1_000_000_000 => 8,
        s if s >= 1_000_000 => 12,
        s if s >= 1_000 => 15,
        _ => 18,
    };
    let mut abs = vec![' '; width];
    let mut rel = vec![' '; width];
    let first = v.start_ns.saturating_sub(origin).div_ceil(step);
    let mut k = first;
    loop {
        let t = origin.saturating_add(k.saturating_mul(step));
        let Some(col) = v.column_of(t, width).filter(|_| t <= v.end_ns) else {
            break;
        };
        let clock = timefmt::clock(i64::try_from(t).unwrap_or(i64::MAX), app.utc_offset_s);
        let clock: String = clock.chars().take(digits).collect();
        if put(&mut abs, col, &format!("╵{clock}")) {
            let since = i64::try_from(t - origin).unwrap_or(i64::MAX);
            put(&mut rel, col, &format!(" +{}", timefmt::duration(since)));
        }
        k += 1;
    }
    let style = app.styles.get("ui.dim");
    vec![
        Line::styled(abs.into_iter().collect::<String>(), style),
        Line::styled(rel.into_iter().collect::<String>(), style),
    ]
}

/// `cursor 12:00:01.234567890 (+1.234 s)  window 1.000 s │ what is under the cursor`.
pub fn detail(app: &App, v: &Viewport, origin: u64, what: &str) -> Line<'static> {
    let t = i64::try_from(v.cursor_ns).unwrap_or(i64::MAX);
    let since = i64::try_from(v.cursor_ns.saturating_sub(origin)).unwrap_or(0);
    let head = format!(
        " {} (+{})  window {} │ ",
        timefmt::clock(t, app.utc_offset_s),
        timefmt::duration(since),
        timefmt::duration(i64::try_from(v.span()).unwrap_or(i64::MAX))
    );
    Line::from(vec![
        Span::styled(head, app.styles.get("ui.dim")),
        Span::raw(what.to_string()),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round() {
        assert_eq!(tick_step(1_000_000_000, 100, 20), 200_000_000);
        assert_eq!(tick_step(30_000_000_000, 200, 22), 5_000_000_000);
        assert_eq!(tick_step(1000, 1000, 10), 10);
    }
}
