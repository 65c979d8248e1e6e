//! The Top tab's tables come from the `lttng-tui-top` thread: they equal the tables computed
//! directly from the model for the whole trace and for a selection, the tab says
//! "computing…" meanwhile, and an answer to a request the selection has outdated is dropped.
#![allow(clippy::unwrap_used)]

mod tui_support;

use lttng_tui::tui::tops;
use lttng_tui::tui::worker::Update;
use tui_support::{open_demo, settle};

#[test]
fn top_tables_are_computed_in_the_background_and_stale_answers_dropped() {
    let mut h = open_demo(120, 40);
    let m = h.app.index.model.clone().unwrap();
    assert!(!h.app.top.computing);
    let whole = tops::compute(&m, None);
    assert_eq!(h.app.top.tables, whole);
    // The I/O tables are the iousagetop analysis' numbers.
    let io = lttng_tui::analysis::io::compute(
        &m,
        &lttng_tui::analysis::common::Options::new(lttng_tui::analysis::common::Range::of(
            &m, None, None,
        )),
    );
    let shown_pids: Vec<String> = whole[4].rows.iter().map(|r| r.cells[0].clone()).collect();
    for p in io.procs.values() {
        let busy =
            p.read.iter().sum::<u64>() + p.write.iter().sum::<u64>() + p.block[0] + p.block[1];
        assert_eq!(
            shown_pids.contains(&p.pid.to_string()),
            busy > 0,
            "pid {}",
            p.pid
        );
    }

    // A selection on the Control flow timeline: a request goes out, the tab says so.
    h.press("2 l l l l [ l l l l l l l l l l ]");
    let first = h.app.selection_ns().unwrap();
    assert!(h.app.top.computing);
    let asked_first = h.app.top.generation;
    h.press("4");
    let screen = h.screen().unwrap();
    assert!(screen.contains("computing…"), "{screen}");
    // The selection changes before the answer is taken in.
    h.press("2 l l l l l l l l l l ]");
    let second = h.app.selection_ns().unwrap();
    assert_ne!(first, second);
    assert!(h.app.top.generation > asked_first);
    // An answer for the first selection arrives late: it is dropped.
    let stale = tops::compute(&m, Some(first));
    h.app.apply_update(Update::Top {
        generation: asked_first,
        tables: stale.clone(),
    });
    assert!(h.app.top.computing);
    assert_eq!(h.app.top.tables, whole);
    settle(&mut h);
    assert!(!h.app.top.computing);
    let expected = tops::compute(&m, Some(second));
    assert_ne!(expected, whole, "the selection changes the tables");
    assert_ne!(expected, stale, "the two selections differ");
    assert_eq!(h.app.top.tables, expected);
    h.press("4");
    let screen = h.screen().unwrap();
    assert!(
        screen.contains("selection,") && !screen.contains("computing…"),
        "{screen}"
    );
}
