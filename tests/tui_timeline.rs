//! Control flow, Resources and Top on the demo trace, driven in memory once the indexer
//! has finished.
#![allow(clippy::unwrap_used)]

mod tui_support;

use lttng_tui::tui::app::Tab;
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
