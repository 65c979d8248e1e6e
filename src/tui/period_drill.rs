//! The Periods tab's drill-down into one instance (Enter), its comparison with the median
//! instance of the same period (`compare_period`), and `:period` definitions added from the
//! palette. The figures come from plain analysis functions (`analysis::instance`,
//! `cputheft`, `compare`); this module only keeps them and the focus.

use super::app::{App, Tab};
use super::periods::PeriodRow;
use super::timeline_state::move_selection;
use crate::analysis::compare::{self, Comparison, Side};
use crate::analysis::cputheft::{self, CpuUser};
use crate::analysis::inside;
use crate::analysis::instance::{self, Io, IrqHits, States};
use crate::analysis::period;
use crate::config::view::View;
use crate::model::Model;

/// The drill-down sections the focus moves between.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Section {
    /// The thread's syscalls, longest first.
    #[default]
    Syscalls,
    /// Who took the CPU.
    CpuUsers,
    /// Where the thread's time went, blocked time by syscall.
    States,
    /// Bytes and block requests.
    Io,
    /// Interrupts on its CPUs.
    Irqs,
}

impl Section {
    /// Every section, in focus order.
    pub const ALL: [Section; 5] = [
        Section::Syscalls,
        Section::CpuUsers,
        Section::States,
        Section::Io,
        Section::Irqs,
    ];

    /// Its position in [`Section::ALL`].
    pub fn index(self) -> usize {
        Section::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    /// Its title.
    pub fn title(self) -> &'static str {
        match self {
            Section::Syscalls => "syscalls, longest first",
            Section::CpuUsers => "who took the CPU",
            Section::States => "CPU time vs waiting",
            Section::Io => "I/O",
            Section::Irqs => "IRQs on its CPUs",
        }
    }
}

/// Everything the drill-down shows besides the syscalls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detail {
    /// Where the thread's time went.
    pub states: States,
    /// Threads that used a CPU during the instance, thieves first.
    pub users: Vec<CpuUser>,
    /// Its I/O.
    pub io: Io,
    /// Interrupts on the CPUs it ran on or waited for.
    pub irqs: Vec<IrqHits>,
}

impl Detail {
    /// Rows of a scrollable section (the syscalls are counted by the caller).
    pub fn len(&self, s: Section) -> usize {
        match s {
            Section::Syscalls => 0,
            Section::CpuUsers => self.users.len(),
            Section::States => self.states.blocked.len() + 4,
            Section::Io => self.io.files.len() + 2,
            Section::Irqs => self.irqs.len(),
        }
    }
}

/// The drill-down of `row` (which must have a `tid`).
pub fn detail(m: &Model, row: &PeriodRow, tid: u32) -> Detail {
    let span = row.span();
    let states = instance::states(m, tid, span);
    let users = cputheft::cpu_users(m, span, Some(tid), &states.waits);
    let io = instance::io(m, tid, span);
    let irqs = instance::irqs(m, tid, &states.cpus(), span);
    Detail {
        states,
        users,
        io,
        irqs,
    }
}

/// A comparison on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compare {
    /// The selected instance (index into the rows).
    pub selected: usize,
    /// The median instance of the same period.
    pub median: usize,
    /// The figures.
    pub result: Comparison,
    /// First row shown.
    pub scroll: usize,
}

/// What the comparison knows of one instance.
pub fn side(m: &Model, row: &PeriodRow) -> Side {
    let (states, syscalls) = match row.tid {
        Some(tid) => (
            instance::states(m, tid, row.span()),
            inside::syscalls(m, tid, row.begin, row.end),
        ),
        None => (States::default(), Vec::new()),
    };
    Side {
        total: row.dur(),
        children: row
            .children
            .iter()
            .map(|(n, b, e)| (n.clone(), e.saturating_sub(*b)))
            .collect(),
        states,
        syscalls,
    }
}

/// The median instance among `rows` of the period `name` (index into `rows`).
pub fn median_of(rows: &[PeriodRow], name: &str) -> Option<usize> {
    let same: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].name == name).collect();
    let durs: Vec<u64> = same.iter().map(|&i| rows[i].dur()).collect();
    compare::median_index(&durs).and_then(|k| same.get(k).copied())
}

/// The comparison rows of a [`Compare`]: the table, then a title line and the new syscalls.
pub fn compare_len(c: &Compare) -> usize {
    c.result.rows.len() + 3 + c.result.new_syscalls.len()
}

impl App {
    /// `drill_down`: the selected instance's syscalls, states, CPU users, I/O and IRQs.
    pub(crate) fn drill_down(&mut self) {
        if self.tab != Tab::Periods || self.periods.open.is_some() || self.periods.compare.is_some()
        {
            return;
        }
        let Some(row) = self.periods.rows.get(self.periods.selected) else {
            return;
        };
        let (Some(m), Some(tid)) = (self.index.model.clone(), row.tid) else {
            self.error("this period has no `tid` capture: add one to the preset to drill down");
            return;
        };
        let calls = inside::syscalls(&m, tid, row.begin, row.end);
        let d = detail(&m, row, tid);
        let p = &mut self.periods;
        p.detail = Some(d);
        p.open = Some((p.selected, calls));
        p.call_selected = 0;
        p.call_scroll = 0;
        p.section = Section::Syscalls;
        p.section_scroll = Default::default();
    }

    /// `drill_up`: from the comparison or the drill-down back to where it was opened.
    pub(crate) fn drill_up(&mut self) {
        if self.tab != Tab::Periods {
            return;
        }
        let p = &mut self.periods;
        if p.compare.take().is_none() {
            p.open = None;
            p.detail = None;
        }
    }

    /// Moves the drill-down's focus by `delta` sections.
    pub(crate) fn focus_period_section(&mut self, delta: i64) {
        let p = &mut self.periods;
        if p.open.is_none() {
            return;
        }
        let n = Section::ALL.len() as i64;
        let i = (p.section.index() as i64 + delta).rem_euclid(n);
        p.section = Section::ALL[i as usize];
    }

    /// Scrolls the focused drill-down section or the comparison.
    pub(crate) fn scroll_section(&mut self, delta: isize) {
        let height = usize::from(self.size.1.saturating_sub(5)).max(1);
        let p = &mut self.periods;
        if let Some(c) = &mut p.compare {
            let len = compare_len(c);
            c.scroll = c
                .scroll
                .saturating_add_signed(delta)
                .min(len.saturating_sub(1));
            return;
        }
        match (p.section, &p.open, &p.detail) {
            (Section::Syscalls, Some((_, calls)), _) => {
                let len = calls.len();
                move_selection(
                    &mut p.call_selected,
                    &mut p.call_scroll,
                    delta,
                    len,
                    height / 2,
                );
            }
            (s, _, Some(d)) => {
                let len = d.len(s);
                let at = &mut p.section_scroll[s.index()];
                *at = at.saturating_add_signed(delta).min(len.saturating_sub(1));
            }
            _ => {}
        }
    }

    /// `compare_period`: the current instance against the median one of its period.
    pub(crate) fn compare_period(&mut self) {
        if self.tab != Tab::Periods {
            return;
        }
        let p = &self.periods;
        let sel = p.open.as_ref().map_or(p.selected, |o| o.0);
        let Some(row) = p.rows.get(sel) else {
            self.error("no period instance to compare");
            return;
        };
        let (Some(m), Some(median)) = (self.index.model.clone(), median_of(&p.rows, &row.name))
        else {
            return;
        };
        let result = compare::compare(&side(&m, row), &side(&m, &p.rows[median]));
        self.periods.compare = Some(Compare {
            selected: sel,
            median,
            result,
            scroll: 0,
        });
    }

    /// The range `export_selection` writes on the Periods tab: the open or selected
    /// instance's.
    pub(crate) fn period_export_range(&self) -> Option<(u64, u64)> {
        if self.tab != Tab::Periods {
            return None;
        }
        self.periods.current().map(|r| (r.begin, r.end))
    }

    /// `period NAME : BEGIN : END`: adds a definition (the `--period` language) to the
    /// preset's and matches again; a definition that does not parse is refused with a caret
    /// under the column.
    pub(crate) fn add_period(&mut self, src: &str) {
        self.tab = Tab::Periods;
        match with_period(self.preset.as_ref(), src) {
            Ok(view) => {
                self.preset = Some(view);
                self.periods.def_error = None;
                self.info(format!("period added: {src}; matching…"));
            }
            Err(e) => {
                let first = e.lines().next().unwrap_or("invalid period").to_owned();
                self.periods.def_error = Some(e);
                self.error(first);
            }
        }
    }
}

/// `view` (or an empty preset) with one more period definition, checked with the others
/// (a parent must exist, names must be unique).
pub fn with_period(view: Option<&View>, src: &str) -> Result<View, String> {
    let src = src.trim();
    period::parse::parse_period(src).map_err(|e| e.render("invalid period", src))?;
    let mut v = view.cloned().unwrap_or_else(|| View {
        file: "command line".into(),
        description: "periods from the command line".into(),
        tab: None,
        periods: Vec::new(),
        captures: Vec::new(),
    });
    v.periods.push(src.to_owned());
    v.definitions()
        .map_err(|e| format!("invalid period: {e:#}"))?;
    Ok(v)
}

/// `view` with the `--period` and `--period-captures` arguments added.
pub fn with_cli_periods(
    view: Option<View>,
    periods: &[String],
    captures: &[String],
) -> anyhow::Result<Option<View>> {
    if periods.is_empty() && captures.is_empty() {
        return Ok(view);
    }
    let mut v = view.unwrap_or_else(|| View {
        file: "command line".into(),
        description: "periods from the command line".into(),
        tab: None,
        periods: Vec::new(),
        captures: Vec::new(),
    });
    // Parsed alone first, so errors point at the column of the argument as typed.
    for src in periods {
        period::parse::parse_period(src)
            .map_err(|e| anyhow::anyhow!(e.render("invalid --period", src)))?;
    }
    for src in captures {
        period::parse::parse_captures(src)
            .map_err(|e| anyhow::anyhow!(e.render("invalid --period-captures", src)))?;
    }
    v.periods.extend(periods.iter().cloned());
    v.captures.extend(captures.iter().cloned());
    v.definitions()?;
    Ok(Some(v))
}
