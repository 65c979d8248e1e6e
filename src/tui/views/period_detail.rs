//! The Periods tab's drill-down into one instance and its comparison with the median
//! instance. The drill-down shows the phases (child periods) and the thread's states as
//! breakdown bars, then five sections the focus moves between (←/→): syscalls, who took the
//! CPU, CPU time vs waiting, I/O and IRQs.
//!
//! ```text
//! ┌ Periods › request (tid = 2003, fd = 14) 312 ms ───────────────────────────────┐
//! │ phases  ██████▓▓▓▓▓▓▓▓░░░░··························                            │
//! │         url_rewrite 1 ms · db_queries 9 ms · rendering 2 ms · outside 300 ms │
//! │ states  ███▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒░░                                         │
//! │         CPU 12 ms · wait for CPU 280 ms (CPU 1) · blocked 20 ms (I/O 0 ns)   │
//! │┌ syscalls, longest first ───────────┐┌ who took the CPU ──────────────────┐ │
//! │└────────────────────────────────────┘└────────────────────────────────────┘ │
//! │┌ CPU time vs waiting ┐┌ I/O ──────────┐┌ IRQs on its CPUs ─┐                  │
//! └───────────────────────────────────────────────────────────────────────────────┘
//! ```

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::framed;
use super::periods::dur;
use crate::tui::app::App;
use crate::tui::period_drill::{Compare, Detail, Section};
use crate::tui::periods::PeriodRow;

/// Fill characters of consecutive bar segments.
const FILLS: [char; 4] = ['█', '▓', '▒', '░'];

/// Draws the drill-down or the comparison.
pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let p = &app.periods;
    let crumb = |r: &PeriodRow| format!("Periods › {} ({}) {}", r.name, r.captures, dur(r.dur()));
    if let Some(c) = &p.compare {
        let (Some(a), Some(b)) = (p.rows.get(c.selected), p.rows.get(c.median)) else {
            return;
        };
        let title = format!(
            " {} › against the median {} ({}) ",
            crumb(a),
            dur(b.dur()),
            b.captures
        );
        let inner = framed(app, frame, area, title, false);
        render_compare(app, frame, inner, c);
        return;
    }
    let (Some((i, calls)), Some(d)) = (&p.open, &p.detail) else {
        return;
    };
    let Some(row) = p.rows.get(*i) else {
        return;
    };
    let inner = framed(app, frame, area, format!(" {} ", crumb(row)), false);
    let [summary, top, bottom] = Layout::vertical([
        Constraint::Length(4),
        Constraint::Percentage(60),
        Constraint::Min(0),
    ])
    .areas(inner);
    render_summary(frame, summary, row, d);
    let [sys, users] =
        Layout::horizontal([Constraint::Percentage(52), Constraint::Min(0)]).areas(top);
    let [states, io, irqs] = Layout::horizontal([
        Constraint::Percentage(34),
        Constraint::Percentage(33),
        Constraint::Min(0),
    ])
    .areas(bottom);
    let mut section = |s: Section, area: Rect, title: String, lines: Vec<Line<'static>>| {
        let focused = p.section == s;
        let inner = framed(app, frame, area, title, focused);
        let skip = if s == Section::Syscalls {
            0
        } else {
            p.section_scroll[s.index()]
        };
        let shown: Vec<Line> = lines.into_iter().skip(skip).collect();
        frame.render_widget(Paragraph::new(shown), inner);
    };
    let sys_rows = usize::from(sys.height.saturating_sub(3)).max(1);
    section(
        Section::Syscalls,
        sys,
        title(p.section, Section::Syscalls, ""),
        syscall_lines(app, calls, sys_rows),
    );
    let waited = d.states.waited_on();
    let cpus = waited
        .iter()
        .map(|c| c.0.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let extra = if cpus.is_empty() {
        String::new()
    } else {
        format!(" (it waited on CPU {cpus})")
    };
    section(
        Section::CpuUsers,
        users,
        title(p.section, Section::CpuUsers, &extra),
        user_lines(d),
    );
    section(
        Section::States,
        states,
        title(p.section, Section::States, ""),
        state_lines(d),
    );
    section(
        Section::Io,
        io,
        title(p.section, Section::Io, ""),
        io_lines(d),
    );
    section(
        Section::Irqs,
        irqs,
        title(p.section, Section::Irqs, ""),
        irq_lines(d),
    );
}

fn title(focused: Section, s: Section, extra: &str) -> String {
    let mark = if focused == s { "▸ " } else { "" };
    format!(" {mark}{}{extra} ", s.title())
}

/// A bar of `width` cells split in proportion to `parts`.
fn bar(parts: &[u64], width: usize) -> String {
    let total: u64 = parts.iter().sum::<u64>().max(1);
    let mut out = String::new();
    let mut used = 0usize;
    let mut acc = 0u64;
    for (k, &v) in parts.iter().enumerate() {
        acc += v;
        let upto = ((acc as f64 / total as f64) * width as f64).round() as usize;
        let n = upto.saturating_sub(used);
        out.extend(std::iter::repeat_n(FILLS[k % FILLS.len()], n));
        used += n;
    }
    out
}

fn render_summary(frame: &mut Frame<'_>, area: Rect, row: &PeriodRow, d: &Detail) {
    let width = usize::from(area.width.saturating_sub(10));
    let mut phases: Vec<(String, u64)> = Vec::new();
    for (n, b, e) in &row.children {
        phases.push((n.clone(), e.saturating_sub(*b)));
    }
    let covered: u64 = phases.iter().map(|p| p.1).sum();
    let (phase_bar, phase_legend) = if phases.is_empty() {
        (String::new(), "no child period".to_owned())
    } else {
        let mut parts: Vec<u64> = phases.iter().map(|p| p.1).collect();
        parts.push(row.dur().saturating_sub(covered));
        let legend = phases
            .iter()
            .enumerate()
            .map(|(k, (n, ns))| format!("{} {n} {}", FILLS[k % FILLS.len()], dur(*ns)))
            .chain(std::iter::once(format!(
                "outside phases {}",
                dur(row.dur().saturating_sub(covered))
            )))
            .collect::<Vec<_>>()
            .join(" · ");
        (bar(&parts, width), legend)
    };
    let s = &d.states;
    let waited = s
        .waited_on()
        .iter()
        .map(|(c, ns)| format!("CPU {c} {}", dur(*ns)))
        .collect::<Vec<_>>()
        .join(", ");
    let waited = if waited.is_empty() {
        String::new()
    } else {
        format!(" ({waited})")
    };
    let state_legend = format!(
        "█ CPU {} · ▓ wait for CPU {}{waited} · ▒ blocked {} (I/O {}) · ░ unknown {}",
        dur(s.cpu_ns),
        dur(s.wait_cpu_ns),
        dur(s.blocked_ns),
        dur(s.blocked_io_ns),
        dur(s.unknown_ns)
    );
    let state_bar = bar(
        &[s.cpu_ns, s.wait_cpu_ns, s.blocked_ns, s.unknown_ns],
        width,
    );
    let lines = vec![
        Line::raw(format!("phases  {phase_bar}")),
        Line::raw(format!("        {phase_legend}")),
        Line::raw(format!("states  {state_bar}")),
        Line::raw(format!("        {state_legend}")),
    ];
    frame.render_widget(Paragraph::new(lines), area);
}

fn syscall_lines(
    app: &App,
    calls: &[crate::analysis::inside::Call],
    rows: usize,
) -> Vec<Line<'static>> {
    let p = &app.periods;
    let mut start = p.call_scroll;
    if p.call_selected >= start + rows {
        start = p.call_selected + 1 - rows;
    }
    let mut v = vec![Line::styled(
        format!(
            "{:>10} {:<14} {:>3} {:>8}  {}",
            "duration", "syscall", "fd", "ret", "target"
        ),
        app.styles.get("ui.title"),
    )];
    let selected = app.styles.get("table.selected");
    for (i, c) in calls.iter().enumerate().skip(start).take(rows) {
        let fd = if c.fd >= 0 {
            c.fd.to_string()
        } else {
            String::new()
        };
        let text = format!(
            "{:>10} {:<14} {:>3} {:>8}  {}",
            dur(c.dur),
            c.name,
            fd,
            c.ret,
            c.target.as_deref().unwrap_or("")
        );
        let on = i == p.call_selected && p.section == Section::Syscalls;
        v.push(styled(text, on.then_some(selected)));
    }
    v
}

fn styled(text: String, style: Option<Style>) -> Line<'static> {
    match style {
        Some(s) => Line::styled(text, s),
        None => Line::raw(text),
    }
}

fn user_lines(d: &Detail) -> Vec<Line<'static>> {
    let mut v = vec![Line::raw(format!(
        "{:>7} {:<13} {:<9} {:>10} {:>9}",
        "tid", "name", "CPUs", "CPU time", "its wait"
    ))];
    for u in &d.users {
        let mut cpus = u.cpus.clone();
        cpus.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let cpus = cpus
            .iter()
            .map(|c| c.0.to_string())
            .collect::<Vec<_>>()
            .join(",");
        v.push(Line::raw(format!(
            "{:>7} {:<13} {:<9} {:>10} {:>9}",
            u.tid,
            u.name,
            format!("CPU {cpus}"),
            dur(u.ns),
            dur(u.while_waiting_ns)
        )));
    }
    v
}

fn state_lines(d: &Detail) -> Vec<Line<'static>> {
    let s = &d.states;
    let mut v = vec![
        Line::raw(format!("running        {:>10}", dur(s.cpu_ns))),
        Line::raw(format!("wait for CPU   {:>10}", dur(s.wait_cpu_ns))),
        Line::raw(format!("blocked        {:>10}", dur(s.blocked_ns))),
        Line::raw(format!("  of which I/O {:>10}", dur(s.blocked_io_ns))),
    ];
    for b in &s.blocked {
        let io = if b.io { " (I/O)" } else { "" };
        v.push(Line::raw(format!(
            "  in {:<10}{:>10}{io}",
            b.syscall,
            dur(b.ns)
        )));
    }
    v
}

fn bytes(n: u64) -> String {
    match n {
        0..1024 => format!("{n} B"),
        1024..1_048_576 => format!("{:.1} KiB", n as f64 / 1024.0),
        _ => format!("{:.1} MiB", n as f64 / 1_048_576.0),
    }
}

fn io_lines(d: &Detail) -> Vec<Line<'static>> {
    let io = &d.io;
    let mut v = vec![
        Line::raw(format!(
            "block: {} req, {} read, {} written",
            io.block_requests,
            bytes(io.block_bytes[0]),
            bytes(io.block_bytes[1])
        )),
        Line::raw(format!(
            "machine: {} req, {} read, {} written",
            io.machine_block_requests,
            bytes(io.machine_block_bytes[0]),
            bytes(io.machine_block_bytes[1])
        )),
    ];
    for f in &io.files {
        v.push(Line::raw(format!(
            "r {:>9} w {:>9}  {}",
            bytes(f.read),
            bytes(f.written),
            f.target
        )));
    }
    v
}

fn irq_lines(d: &Detail) -> Vec<Line<'static>> {
    if d.irqs.is_empty() {
        return vec![Line::raw("none")];
    }
    let mut v = vec![Line::raw(format!(
        "{:<14} {:>6} {:>9} {:>5}",
        "irq", "count", "time", "on it"
    ))];
    for q in &d.irqs {
        let name = if q.name.is_empty() {
            format!("irq {}", q.number)
        } else {
            q.name.clone()
        };
        v.push(Line::raw(format!(
            "{:<14} {:>6} {:>9} {:>5}",
            name,
            q.count,
            dur(q.ns),
            q.on_thread
        )));
    }
    v
}

fn render_compare(app: &App, frame: &mut Frame<'_>, area: Rect, c: &Compare) {
    let mut lines = vec![Line::styled(
        format!(
            "{:<22} {:>12} {:>12} {:>13}  {}",
            "phase / state", "this one", "median", "growth", ""
        ),
        app.styles.get("ui.title"),
    )];
    for r in &c.result.rows {
        let g = r.growth();
        let sign = if g >= 0 { "+" } else { "−" };
        let abs = u64::try_from(g.unsigned_abs()).unwrap_or(u64::MAX);
        let ratio = if r.median > 0 {
            format!("×{:.1}", r.selected as f64 / r.median as f64)
        } else if r.selected > 0 {
            "new".to_owned()
        } else {
            String::new()
        };
        lines.push(Line::raw(format!(
            "{:<22} {:>12} {:>12} {:>13}  {ratio}",
            r.label,
            dur(r.selected),
            dur(r.median),
            format!("{sign}{}", dur(abs))
        )));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "syscalls in this one but not in the median:",
        app.styles.get("ui.title"),
    ));
    if c.result.new_syscalls.is_empty() {
        lines.push(Line::raw("  none"));
    }
    for s in &c.result.new_syscalls {
        lines.push(Line::from(vec![Span::raw(format!(
            "  {:<16} {:>4} call(s) {:>12}",
            s.name,
            s.count,
            dur(s.ns)
        ))]));
    }
    let shown: Vec<Line> = lines.into_iter().skip(c.scroll).collect();
    frame.render_widget(Paragraph::new(shown), area);
}
