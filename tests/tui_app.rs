//! The app driven in memory on the demo trace: keys by keymap name, worker updates as they
//! come, frames drawn into a TestBackend.
#![allow(clippy::unwrap_used)]

mod tui_support;

use std::time::Duration;

use lttng_tui::tui::app::Tab;
use lttng_tui::tui::harness::Harness;
use tui_support::{args, demo_trace, open_demo, settle};

#[test]
fn first_frame_comes_before_the_trace_is_read() {
    let mut h = Harness::open(demo_trace(), &args(), 80, 24).unwrap();
    let screen = h.screen().unwrap();
    assert!(
        screen.contains("lttng-tui") && screen.contains("Overview"),
        "{screen}"
    );
    // Keys work while the reader threads are busy.
    h.press("5");
    assert_eq!(h.app.tab, Tab::Events);
    h.settle(Duration::from_secs(30)).unwrap();
    assert!(h.screen().unwrap().contains("sched_"), "events listed");
}

#[test]
fn overview_shows_facts_from_the_packet_index() {
    let mut h = open_demo(120, 40);
    let screen = h.screen().unwrap();
    for want in [
        "host wordpress-01",
        "domain kernel",
        "CPU  0",
        "CPU  3",
        "events    ~1.",
        "30.000 s",
    ] {
        assert!(screen.contains(want), "missing {want:?} in\n{screen}");
    }
}

#[test]
fn events_scroll_search_and_filter() {
    let mut h = open_demo(120, 40);
    h.press("5");
    let first = h.app.events.current().unwrap().pos;
    h.press("j j ctrl-d");
    settle(&mut h);
    assert!(h.app.events.current().unwrap().pos > first);
    h.press("g g");
    settle(&mut h);
    assert_eq!(h.app.events.current().unwrap().pos, first);
    h.press("G");
    settle(&mut h);
    assert!(h.app.events.at_end);
    h.press("g g /");
    h.type_text("block_rq_issue");
    h.press("enter");
    settle(&mut h);
    let row = h.app.events.current().unwrap().text.clone();
    assert!(row.contains("block_rq_issue"), "{row}");
    h.press("n");
    settle(&mut h);
    let next = h.app.events.current().unwrap();
    assert!(
        next.text.contains("block_rq_issue")
            && next.pos.ts_ns > h.app.search.hit.unwrap().ts_ns - 1
    );
    h.press(":");
    h.type_text("filter_events cpu:2 name:sched_switch");
    h.press("enter");
    settle(&mut h);
    let screen = h.screen().unwrap();
    assert!(
        screen.contains("filter: name:sched_switch cpu:2"),
        "{screen}"
    );
    assert!(
        h.app
            .events
            .rows
            .iter()
            .all(|r| r.text.contains("sched_switch: { cpu_id = 2 }"))
    );
}

#[test]
fn scrolling_far_keeps_positions_consistent() {
    let mut h = open_demo(100, 30);
    h.press("5");
    let mut seen = Vec::new();
    for _ in 0..12 {
        h.press("pgdn");
        settle(&mut h);
        seen.push(h.app.events.current().unwrap().pos);
    }
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
    for _ in 0..12 {
        h.press("pgup");
        settle(&mut h);
    }
    let rows: Vec<_> = h.app.events.rows.iter().map(|r| r.pos).collect();
    assert!(
        rows.windows(2).all(|w| w[0] < w[1]),
        "rows stay in order after prepends"
    );
}

#[test]
fn palette_completes_and_help_matches_keymap() {
    let mut h = open_demo(120, 40);
    h.press(":");
    h.type_text("gotim");
    let screen = h.screen().unwrap();
    assert!(screen.contains("goto_time TIME"), "{screen}");
    h.press("tab");
    h.type_text("10s");
    h.press("enter");
    settle(&mut h);
    assert_eq!(h.app.tab, Tab::Events);
    let t = h.app.events.current().unwrap().pos.ts_ns;
    let lo = h.app.facts.as_ref().unwrap().range_ns.unwrap().0;
    assert!((t - lo - 10_000_000_000).abs() < 100_000_000, "{}", t - lo);
    h.press("?");
    let screen = h.screen().unwrap();
    assert!(
        screen.contains("g g, home") || screen.contains("home, g g"),
        "{screen}"
    );
    assert!(screen.contains("half_page_down"), "{screen}");
    h.press("esc");
    assert!(h.app.layers.is_empty());
}

#[test]
fn time_selection_is_shared_and_shown() {
    let mut h = open_demo(120, 40);
    h.press("l l l [ l l l l ]");
    let screen = h.screen().unwrap();
    assert!(screen.contains("sel 22:03:5"), "{screen}");
    let (a, b) = h.app.selection.span().unwrap();
    assert!(b > a);
    h.press("5 j [");
    assert_eq!(
        h.app.selection.start_ns,
        Some(h.app.events.current().unwrap().pos.ts_ns)
    );
}

#[test]
fn emacs_keymap_drives_the_same_app() {
    let mut a = args();
    a.keymap = Some("emacs".into());
    let mut h = Harness::open(demo_trace(), &a, 100, 30).unwrap();
    h.settle(Duration::from_secs(30)).unwrap();
    assert!(h.app.warnings.is_empty(), "{:?}", h.app.warnings);
    h.press("5 ctrl-n ctrl-n");
    assert_eq!(h.app.events.selected, 2);
    h.press("ctrl-x ctrl-c");
    assert!(h.app.quit);
}

#[test]
fn nothing_panics_down_to_20x6() {
    let mut h = open_demo(80, 24);
    for (w, hgt) in [(80, 24), (60, 20), (40, 12), (20, 6), (12, 4), (1, 1)] {
        h.resize(w, hgt);
        for keys in [
            "1", "2", "3", "4", "5", "?", "esc", ":", "esc", "/", "esc", "W", "esc",
        ] {
            h.press(keys);
            h.screen().unwrap();
        }
    }
    h.resize(80, 24);
    let screen = h.screen().unwrap();
    assert!(
        screen.lines().count() == 24 && screen.contains("Events"),
        "{screen}"
    );
}

#[test]
fn e_exports_the_selection_as_lami() {
    use lttng_tui::lami::{export, json::metadata_json, validate::validate_results};
    let dir = tempfile::tempdir().unwrap();
    let mut a = args();
    a.export_dir = Some(dir.path().to_path_buf());
    a.view = Some("web-requests".into());
    let mut h = Harness::open(demo_trace(), &a, 120, 40).unwrap();
    h.settle(Duration::from_secs(60)).unwrap();
    assert_eq!(h.app.tab, Tab::ControlFlow, "the preset's first tab");
    h.press("e");
    assert!(h.screen().unwrap().contains("no time selection"));
    h.press("1 l l l [ l l l l ] e");
    h.settle(Duration::from_secs(60)).unwrap();
    let (b, e) = h.app.selection.span().unwrap();
    let file = dir.path().join(format!("lttng-tui-{b}-{e}.json"));
    // The status line shows it (cut to the screen's width).
    assert!(h.screen().unwrap().contains("exported to /"));
    let message = h.app.message.as_ref().map(|m| m.text.clone());
    assert_eq!(message, Some(format!("exported to {}", file.display())));
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let meta = metadata_json(&export::metadata());
    assert_eq!(validate_results(&doc, &meta), Vec::<String>::new());
    let tables = doc["results"].as_array().unwrap();
    assert!(!tables.is_empty());
    for t in tables {
        assert_eq!(t["time-range"]["begin"]["value"].as_i64(), Some(b));
        assert_eq!(t["time-range"]["end"]["value"].as_i64(), Some(e));
    }
}

#[test]
fn latency_tab_computes_in_the_background_and_keeps_the_newest() {
    use lttng_tui::analysis::common::{Options, Range};
    use lttng_tui::analysis::latency::{Scale, histogram, syscall_durations};
    let mut h = open_demo(120, 40);
    h.press("6");
    assert_eq!(h.app.tab, Tab::Latency);
    settle(&mut h);
    let m = h.app.index.model.clone().unwrap();
    let values = syscall_durations(&m, &Options::new(Range::of(&m, None, None)));
    let want = |scale| histogram(values.clone(), scale, 20);
    assert_eq!(h.app.latency.hist, Some(want(Scale::Log)));
    let screen = h.screen().unwrap();
    assert!(
        screen.contains("Syscall latency, whole trace (log buckets)"),
        "{screen}"
    );
    assert!(screen.contains("p99"), "{screen}");
    // Two toggles before any answer: only the last request's histogram may stick.
    let before = h.app.latency.generation;
    h.press("s s s");
    assert_eq!(h.app.latency.generation, before + 3);
    settle(&mut h);
    assert!(!h.app.latency.computing);
    assert_eq!(h.app.latency.scale, Scale::Linear);
    assert_eq!(h.app.latency.hist, Some(want(Scale::Linear)));
    // A selection narrows it.
    h.press("1 l l l [ l l l l ] 6");
    settle(&mut h);
    let (b, e) = h.app.selection_ns().unwrap();
    let sel = syscall_durations(&m, &Options::new(Range::of(&m, Some(b), Some(e))));
    assert_eq!(h.app.latency.hist, Some(histogram(sel, Scale::Linear, 20)));
    assert!(
        h.screen()
            .unwrap()
            .contains("time selection (linear buckets)")
    );
}

#[test]
fn periods_tab_drills_from_the_slowest_request_to_its_dns_select() {
    let mut a = args();
    a.view = Some("web-requests".into());
    let mut h = Harness::open(demo_trace(), &a, 120, 40).unwrap();
    settle(&mut h);
    h.press("7");
    settle(&mut h);
    let rows = &h.app.periods.rows;
    assert!(!rows.is_empty());
    assert!(
        rows.windows(2).all(|w| w[0].dur() >= w[1].dur()),
        "slowest first"
    );
    assert_eq!(rows[0].name, "request");
    assert!(rows[0].dur() > 5_000_000_000, "{:?}", rows[0]);
    let screen = h.screen().unwrap();
    assert!(screen.contains("Periods, slowest first"), "{screen}");
    h.press("enter");
    let screen = h.screen().unwrap();
    assert!(screen.contains("Periods › request (tid = "), "{screen}");
    let (_, calls) = h.app.periods.open.clone().unwrap();
    assert_eq!(calls[0].name, "select");
    assert!(calls[0].dur > 4_900_000_000);
    assert!(calls.windows(2).all(|w| w[0].dur >= w[1].dur));
    // select() waits on a set holding only the resolver's UDP socket: the set resolves.
    assert_eq!(calls[0].fd, 12, "{:?}", calls[0]);
    assert_eq!(calls[0].target.as_deref(), Some("8.8.6.6:53"));
    assert!(screen.contains("8.8.6.6:53"), "{screen}");
    h.press("backspace");
    assert!(h.app.periods.open.is_none());
}
