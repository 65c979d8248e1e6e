//! Control flow, Resources and Top on the demo trace, driven in memory once the indexer
//! has finished.
#![allow(clippy::unwrap_used)]

mod tui_support;

use lttng_tui::tui::app::Tab;
use lttng_tui::tui::sample::{self, Shade, slot_bounds};
use lttng_tui::tui::summary::Summary;
use tui_support::open_demo;

#[test]
fn control_flow_rows_zoom_history_and_state_changes() {
    let mut h = open_demo(120, 40);
    assert!(h.app.index.done && h.app.index.model.is_some());
    h.press("2");
    assert_eq!(h.app.tab, Tab::ControlFlow);
    let screen = h.screen().unwrap();
    assert!(
        screen.contains("Threads (") && screen.contains('█'),
        "{screen}"
    );
    let v = h.app.view.clone().unwrap();
    h.press("l l l l l l l l l l + +");
    let zoomed = h.app.view.clone().unwrap();
    assert!(zoomed.span() * 3 < v.span(), "zoomed in");
    h.press("<");
    assert!(h.app.view.as_ref().unwrap().span() > zoomed.span());
    h.press(">");
    assert_eq!(h.app.view.as_ref().unwrap().span(), zoomed.span());
    // An apache2 worker changes state all the time.
    h.press(":");
    h.type_text("filter_threads apache2");
    h.press("enter j");
    let before = h.app.view.as_ref().unwrap().cursor_ns;
    h.press("n");
    let after = h.app.view.as_ref().unwrap().cursor_ns;
    let screen = h.screen().unwrap();
    assert!(
        after > before,
        "next state change moves the cursor\n{screen}"
    );
    h.press("N");
    assert!(h.app.view.as_ref().unwrap().cursor_ns < after);
    let screen = h.screen().unwrap();
    assert!(screen.contains("window"), "{screen}");
    h.press("Z");
    assert_eq!(h.app.view.as_ref().unwrap().span(), v.span());
}

#[test]
fn thread_filter_and_top_jump() {
    let mut h = open_demo(120, 40);
    h.press("2 :");
    h.type_text("filter_threads mysqld");
    h.press("enter");
    let screen = h.screen().unwrap();
    assert!(screen.contains("mysqld"), "{screen}");
    assert!(!screen.contains("apache2"), "{screen}");
    h.press(":");
    h.type_text("filter_threads *");
    h.press("enter");
    h.press("4");
    let screen = h.screen().unwrap();
    for want in [
        "CPU per thread",
        "CPU per process",
        "Syscalls",
        "Interrupts",
    ] {
        assert!(screen.contains(want), "missing {want} in\n{screen}");
    }
    let top = h.app.top.tables[0].rows[0].thread.unwrap();
    h.press("enter");
    assert_eq!(h.app.tab, Tab::ControlFlow);
    assert_eq!(h.app.selected_thread(), Some(top));
    h.press("4 s");
    assert_eq!(h.app.top.tables[0].sort_col, 4);
}

#[test]
fn resources_rows_and_goto_thread() {
    let mut h = open_demo(120, 40);
    h.press("3");
    let screen = h.screen().unwrap();
    assert!(
        screen.contains("CPU   0") && screen.contains("CPU   3"),
        "{screen}"
    );
    // Walk the cursor until a CPU runs a thread, then jump to it.
    for _ in 0..60 {
        h.press("l");
        h.press("enter");
        if h.app.tab == Tab::ControlFlow {
            break;
        }
    }
    let screen = h.screen().unwrap();
    assert_eq!(h.app.tab, Tab::ControlFlow, "{screen}");
    assert!(h.app.selected_thread().is_some());
}

/// Exact time each class (six shades, then blank) covers in `[x, y)`: the row is cut at
/// every instant where its state can change (`cuts`, sorted), and each piece is classed by
/// asking the model what the state is at the piece's start.
fn exact_coverage(cuts: &[u64], x: u64, y: u64, class: &impl Fn(u64) -> Option<Shade>) -> [u64; 7] {
    let mut cov = [0u64; 7];
    let from = cuts.partition_point(|&t| t <= x);
    let inside = cuts[from..].iter().copied().take_while(|&t| t < y);
    let bounds: Vec<u64> = std::iter::once(x)
        .chain(inside)
        .chain(std::iter::once(y))
        .collect();
    for w in bounds.windows(2) {
        cov[class(w[0]).map_or(6, |s| s as usize)] += w[1] - w[0];
    }
    cov
}

/// Checks every `step`th summarised cell against the exact coverage of the span it measures:
/// its shade covers the most time, up to the summary's rounding (1/65535 of a bucket each).
fn check_cells(
    s: &Summary,
    mut cuts: Vec<u64>,
    class: impl Fn(u64) -> Option<Shade>,
    cells: &[Option<Shade>],
    begin: u64,
    end: u64,
    step: usize,
) {
    cuts.sort_unstable();
    cuts.dedup();
    let slots = slot_bounds(begin, end, cells.len()).zip(cells).enumerate();
    for (k, ((a, b), got)) in slots.step_by(step) {
        let (x, y) = s.cell_span(a, b);
        let (x, y) = (x.min(end), y.min(end));
        if x >= y {
            continue;
        }
        let cov = exact_coverage(&cuts, x, y, &class);
        let best = *cov.iter().max().unwrap();
        let got_cov = cov[got.map_or(6, |s| s as usize)];
        let tolerance = 8 * (y - x) / 65_535 + 8;
        assert!(
            got_cov + tolerance >= best,
            "cell {k} [{x}, {y}) shows {got:?} covering {got_cov} ns, but {cov:?}"
        );
    }
}

#[test]
fn summarised_cells_show_the_state_covering_most_of_them() {
    let h = open_demo(120, 40);
    let m = h.app.index.model.clone().unwrap();
    let s = h
        .app
        .summary
        .current
        .clone()
        .expect("a summary once indexing finished");
    assert_eq!(s.generation, h.app.index.generation);
    let (begin, end) = (m.begin, m.end);
    // 400 cells: a full zoom-out at 200 columns, answered by the summary.
    let slots = 400;
    assert!(s.serves(begin, end, slots) && !s.serves(begin, begin + (end - begin) / 64, slots));
    let irq_cuts: Vec<u64> = m
        .cpus
        .iter()
        .flat_map(|c| {
            (0..c.irqs.span.len()).flat_map(|i| [c.irqs.span.begin(i), c.irqs.span.end(i)])
        })
        .collect();
    // The busiest threads and a few short-lived ones.
    let mut by_steps: Vec<u32> = (0..m.threads.len() as u32)
        .filter(|&th| m.threads[th as usize].idle_cpu.is_none())
        .collect();
    by_steps.sort_by_key(|&th| std::cmp::Reverse(m.threads[th as usize].states.len()));
    let picked: Vec<u32> = by_steps
        .iter()
        .take(6)
        .chain(by_steps.iter().rev().take(4))
        .copied()
        .collect();
    for th in picked {
        let t = &m.threads[th as usize];
        let Some((first, _, _)) = t.states.steps(0, u64::MAX, end).next() else {
            continue;
        };
        let mut cuts: Vec<u64> = t
            .states
            .steps(0, u64::MAX, end)
            .map(|(b, _, _)| b)
            .collect();
        cuts.extend(
            (0..t.syscalls.len()).flat_map(|i| [t.syscalls.span.begin(i), t.syscalls.span.end(i)]),
        );
        cuts.extend(&irq_cuts);
        let class = |at: u64| {
            if at < first || at >= end {
                None
            } else {
                Shade::of_thread(m.state_at(th, at))
            }
        };
        let cells = sample::thread_slots(&m, Some(&s), th, begin, end, slots);
        check_cells(&s, cuts, class, &cells, begin, end, 3);
    }
    for c in &m.cpus {
        let Some((first, _, _)) = c.current.steps(0, u64::MAX, end).next() else {
            continue;
        };
        let mut cuts: Vec<u64> = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for (b, _, th) in c.current.steps(0, u64::MAX, end) {
            cuts.push(b);
            if let Some(t) = m.threads.get(th as usize)
                && seen.insert(th)
            {
                cuts.extend(
                    (0..t.syscalls.len())
                        .flat_map(|i| [t.syscalls.span.begin(i), t.syscalls.span.end(i)]),
                );
            }
        }
        cuts.extend(
            (0..c.irqs.span.len()).flat_map(|i| [c.irqs.span.begin(i), c.irqs.span.end(i)]),
        );
        let class = |at: u64| {
            if at < first || at >= end {
                None
            } else {
                Shade::of_cpu(m.cpu_state_at(c.id, at))
            }
        };
        let cells: Vec<Option<Shade>> =
            sample::cpu_slots(&m, Some(&s), c.id, begin, end, slots, None)
                .into_iter()
                .map(|(shade, _)| shade)
                .collect();
        // The model's CPU state query is slower (it looks for the current thread's
        // syscall), so fewer cells.
        check_cells(&s, cuts, class, &cells, begin, end, 13);
    }
}
