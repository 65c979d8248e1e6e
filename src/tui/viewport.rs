//! The visible time window of a timeline tab, its cursor, and the zoom history.
//!
//! Zooming keeps the cursor at the same column, so the point the user looks at stays put.
//! Every zoom pushes the previous window on a back stack (like a browser's history); pans
//! do not, or `zoom_back` would have to undo every arrow key.

/// Narrowest window: below a few ns per column nothing new appears.
const MIN_SPAN_NS: u64 = 200;

/// A time window over `[lo, hi]`, ns since the epoch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Viewport {
    /// First visible instant.
    pub start_ns: u64,
    /// Last visible instant.
    pub end_ns: u64,
    /// The cursor.
    pub cursor_ns: u64,
    /// The trace's range.
    pub bounds: (u64, u64),
    back: Vec<(u64, u64)>,
    forward: Vec<(u64, u64)>,
}

impl Viewport {
    /// The whole range, cursor at its start.
    pub fn new(lo: u64, hi: u64) -> Viewport {
        Viewport {
            start_ns: lo,
            end_ns: hi.max(lo + 1),
            cursor_ns: lo,
            bounds: (lo, hi.max(lo + 1)),
            back: Vec::new(),
            forward: Vec::new(),
        }
    }

    /// Widens the bounds as a growing snapshot covers more time; a window showing the whole
    /// old range keeps showing the whole range.
    pub fn grow(&mut self, lo: u64, hi: u64) {
        let whole = (self.start_ns, self.end_ns) == self.bounds;
        self.bounds = (lo, hi.max(lo + 1));
        if whole {
            (self.start_ns, self.end_ns) = self.bounds;
        }
        self.cursor_ns = self.cursor_ns.clamp(lo, self.bounds.1);
    }

    /// Visible duration.
    pub fn span(&self) -> u64 {
        self.end_ns.saturating_sub(self.start_ns).max(1)
    }

    /// The column of `t` in a `width`-column view, if visible.
    pub fn column_of(&self, t: u64, width: usize) -> Option<usize> {
        if t < self.start_ns || t > self.end_ns || width == 0 {
            return None;
        }
        let c = (u128::from(t - self.start_ns) * width as u128 / u128::from(self.span())) as usize;
        Some(c.min(width - 1))
    }

    /// The first instant of column `c` of `width` columns.
    pub fn time_of(&self, c: usize, width: usize) -> u64 {
        let off = u128::from(self.span()) * c as u128 / width.max(1) as u128;
        self.start_ns.saturating_add(off as u64)
    }

    fn set_window(&mut self, start: u64, span: u64) {
        let (lo, hi) = self.bounds;
        let span = span.clamp(MIN_SPAN_NS.min(hi - lo), hi - lo);
        let start = start.clamp(lo, hi - span);
        (self.start_ns, self.end_ns) = (start, start + span);
    }

    fn remember(&mut self) {
        self.back.push((self.start_ns, self.end_ns));
        self.forward.clear();
    }

    /// Zooms by `factor` (< 1 zooms in) keeping the cursor's column.
    pub fn zoom(&mut self, factor: f64) {
        self.remember();
        let span = self.span();
        let new_span = ((span as f64) * factor).round().max(1.0) as u64;
        let cursor = self.cursor_ns.clamp(self.start_ns, self.end_ns);
        let frac = (cursor - self.start_ns) as f64 / span as f64;
        let start = cursor.saturating_sub((new_span as f64 * frac) as u64);
        self.set_window(start, new_span);
    }

    /// Shows `[a, b]`.
    pub fn zoom_to(&mut self, a: u64, b: u64) {
        self.remember();
        self.set_window(a.min(b), a.abs_diff(b).max(1));
        self.cursor_ns = self.cursor_ns.clamp(self.start_ns, self.end_ns);
    }

    /// Shows the whole range.
    pub fn zoom_all(&mut self) {
        let (lo, hi) = self.bounds;
        self.zoom_to(lo, hi);
    }

    /// Goes back (`forward == false`) or forward in the zoom history; false at its end.
    pub fn history(&mut self, forward: bool) -> bool {
        let (from, to) = if forward {
            (&mut self.forward, &mut self.back)
        } else {
            (&mut self.back, &mut self.forward)
        };
        let Some((a, b)) = from.pop() else {
            return false;
        };
        to.push((self.start_ns, self.end_ns));
        self.set_window(a, b - a);
        self.cursor_ns = self.cursor_ns.clamp(self.start_ns, self.end_ns);
        true
    }

    /// Moves the window by `fraction` of its width (negative: earlier), cursor included.
    pub fn pan(&mut self, fraction: f64) {
        let delta = (self.span() as f64 * fraction.abs()) as u64;
        let start = if fraction < 0.0 {
            self.start_ns.saturating_sub(delta)
        } else {
            self.start_ns.saturating_add(delta)
        };
        let old = self.start_ns;
        self.set_window(start, self.span());
        let moved = self.start_ns.abs_diff(old);
        self.cursor_ns = if self.start_ns < old {
            self.cursor_ns.saturating_sub(moved)
        } else {
            self.cursor_ns.saturating_add(moved)
        };
        self.cursor_ns = self.cursor_ns.clamp(self.start_ns, self.end_ns);
    }

    /// Moves the cursor by `columns` of a `width`-column view, scrolling at the edges.
    pub fn step_cursor(&mut self, columns: i64, width: usize) {
        let per = (self.span() / width.max(1) as u64).max(1);
        let delta = per.saturating_mul(columns.unsigned_abs());
        let t = if columns < 0 {
            self.cursor_ns.saturating_sub(delta)
        } else {
            self.cursor_ns.saturating_add(delta)
        };
        self.set_cursor(t);
    }

    /// Puts the cursor at `t`; the window follows when `t` is outside it.
    pub fn set_cursor(&mut self, t: u64) {
        let t = t.clamp(self.bounds.0, self.bounds.1);
        self.cursor_ns = t;
        if t < self.start_ns {
            self.set_window(t, self.span());
        } else if t > self.end_ns {
            let span = self.span();
            self.set_window(t.saturating_sub(span), span);
        }
    }

    /// Puts the cursor at `t` and centres the window on it.
    pub fn centre_on(&mut self, t: u64) {
        let span = self.span();
        self.set_window(t.saturating_sub(span / 2), span);
        self.set_cursor(t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoom_keeps_the_cursor_column_and_history_returns() {
        let mut v = Viewport::new(1000, 2000);
        v.set_cursor(1500);
        let col = v.column_of(1500, 100);
        v.zoom(0.5);
        assert_eq!((v.start_ns, v.end_ns), (1250, 1750));
        assert_eq!(v.column_of(1500, 100), col);
        v.zoom(0.5);
        assert!(v.history(false));
        assert_eq!((v.start_ns, v.end_ns), (1250, 1750));
        assert!(v.history(false));
        assert_eq!((v.start_ns, v.end_ns), (1000, 2000));
        assert!(!v.history(false));
        assert!(v.history(true));
        assert_eq!((v.start_ns, v.end_ns), (1250, 1750));
    }

    #[test]
    fn pans_and_cursor_stay_in_bounds() {
        let mut v = Viewport::new(0, 10_000);
        v.zoom_to(0, 1000);
        v.pan(-0.5);
        assert_eq!(v.start_ns, 0);
        v.pan(0.5);
        assert_eq!((v.start_ns, v.end_ns), (500, 1500));
        v.set_cursor(5000);
        assert_eq!((v.start_ns, v.end_ns), (4000, 5000));
        v.step_cursor(-1, 10);
        assert_eq!(v.cursor_ns, 4900);
        v.zoom(100.0);
        assert_eq!((v.start_ns, v.end_ns), (0, 10_000));
        assert_eq!(v.time_of(5, 10), 5000);
    }
}
