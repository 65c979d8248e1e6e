//! The Latency tab driven by keys on the demo trace: the core-dump walkthrough (the slowest
//! block reads and what they queued behind, in four keys), the bucket cursor and instance
//! list, the jump to Control flow, and every kind's histogram against the `*freq` analyses
//! over the whole trace and a time selection (acceptance 3 of issue 8).
#![allow(clippy::unwrap_used)]

mod common;
mod tui_support;

use lttng_tui::analysis::common::{Options, Range};
use lttng_tui::analysis::latency::Scale;
use lttng_tui::analysis::{inside, iolat, irq, sched};
use lttng_tui::model::Model;
use lttng_tui::tui::app::{Selection, Tab};
use lttng_tui::tui::harness::Harness;
use tui_support::{demo_trace, open_demo, settle};

/// The `core_dump` problem's window from the demo's ground truth.
fn core_window() -> (u64, u64) {
    let dir = demo_trace().parent().unwrap();
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("ground-truth.json")).unwrap())
            .unwrap();
    let p = truth["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == "core_dump")
        .unwrap();
    (
        p["begin_ns"].as_u64().unwrap(),
        p["end_ns"].as_u64().unwrap(),
    )
}

/// The demo opened and indexed (the walkthrough starts once the status line says so).
fn indexed_demo(w: u16, h: u16) -> Harness {
    let mut h = open_demo(w, h);
    settle(&mut h);
    assert!(h.app.index.done);
    h
}

/// (begin, end, issuing thread's name) of the slowest block read, from the model's block
/// list directly.
fn slowest_read(m: &Model) -> (u64, u64, String) {
    let b = &m.block;
    let i = (0..b.span.len())
        .filter(|&i| !b.write[i] && b.nr_sector[i] > 0)
        .max_by_key(|&i| (b.span.dur(i), std::cmp::Reverse(b.span.begin(i))))
        .unwrap();
    let t = &m.threads[b.thread[i] as usize];
    let name = m
        .strings
        .get(t.name_at(b.span.begin(i)).unwrap())
        .to_owned();
    (b.span.begin(i), b.span.end(i), name)
}

#[test]
fn core_dump_walkthrough() {
    let mut h = indexed_demo(120, 40);
    // Latency tab, block I/O, next series (reads), the maximum.
    h.press("6 b n m");
    settle(&mut h);
    let screen = h.screen().unwrap();
    let m = h.app.index.model.clone().unwrap();
    let (begin, end, who) = slowest_read(&m);
    assert_eq!(who, "mysqld");
    let (cb, ce) = core_window();
    assert!(
        cb <= begin && end <= ce,
        "slowest read {begin}..{end} outside the core dump {cb}..{ce}"
    );
    let l = &h.app.latency;
    let sel = l.selected().unwrap();
    assert_eq!((sel.begin, sel.end), (begin, end));
    let last = l.hist.as_ref().unwrap().buckets.len() - 1;
    assert_eq!((l.bucket, l.row), (last, 0));
    let want = [
        "Block I/O latency: reads, whole trace (log buckets)",
        "▶",
        "mysqld",
        "read 16 KiB behind",
        "×1 MiB kworker/u8:2 120, nvme0n1 @",
        "42.994 ms",
    ];
    for w in want {
        assert!(screen.contains(w), "missing {w:?} in\n{screen}");
    }
    // The first instance row is the slowest read, and it queued behind the core's writes.
    let row = screen
        .lines()
        .find(|r| r.contains("42.994 ms") && r.contains("mysqld"))
        .unwrap();
    assert!(row.contains("kworker/u8:2"), "{row}");
    // Every listed instance is in the bucket, slowest first, and the bucket's count is its
    // number of instances (the list keeps up to 200).
    let (lo, hi, n) = l.hist.as_ref().unwrap().buckets[last];
    let list = l.bucket_instances();
    assert_eq!(list.len() as u64, n.min(200));
    assert!(list.iter().all(|x| lo <= x.dur() && x.dur() <= hi));
    assert!(list.windows(2).all(|w| w[0].dur() >= w[1].dur()));
}

#[test]
fn cursor_lists_instances_and_enter_shows_one_in_control_flow() {
    let mut h = indexed_demo(120, 40);
    h.press("6");
    settle(&mut h);
    let m = h.app.index.model.clone().unwrap();
    let l = &h.app.latency;
    assert_eq!(l.bucket, 0);
    let buckets = l.hist.as_ref().unwrap().buckets.clone();
    h.press("l l l h");
    assert_eq!(h.app.latency.bucket, 2);
    h.press("m");
    let last = buckets.iter().rposition(|b| b.2 > 0).unwrap();
    assert_eq!(h.app.latency.bucket, last);
    // Every syscall instance with an fd names what the fd was, as the Periods drill-down
    // resolves it.
    let answer = h.app.latency.answer.clone().unwrap();
    let mut checked = 0;
    for x in answer
        .instances
        .iter()
        .flatten()
        .filter(|x| x.what.contains(" fd "))
    {
        let tid = m.threads[x.thread.unwrap() as usize].tid;
        let calls = inside::syscalls(&m, tid, x.begin, x.end);
        let call = calls
            .iter()
            .find(|c| c.begin == x.begin && c.dur == x.dur())
            .unwrap();
        assert!(x.what.starts_with(&format!("{} fd {}", call.name, call.fd)));
        if let Some(t) = &call.target {
            assert!(x.what.ends_with(t.as_str()), "{} vs {t}", x.what);
            checked += 1;
        }
    }
    assert!(checked > 0, "no instance with a resolved fd");
    h.press("j");
    assert_eq!(
        h.app.latency.row,
        1.min(h.app.latency.bucket_instances().len() - 1)
    );
    let inst = h.app.latency.selected().unwrap().clone();
    h.press("enter");
    assert_eq!(h.app.tab, Tab::ControlFlow);
    assert_eq!(
        h.app.selection_ns(),
        Some((inst.begin, inst.end)),
        "the instance's range is the time selection"
    );
    assert_eq!(h.app.selected_thread(), inst.thread);
    let v = h.app.view.clone().unwrap();
    assert!(v.start_ns <= inst.begin && inst.end <= v.end_ns);
    assert!(v.end_ns - v.start_ns < 2 * inst.dur() + 10_000);
}

/// Picks `kind` by its key and the series `label`, and returns the tab's histogram.
fn show(h: &mut Harness, kind_key: &str, label: &str) -> Vec<(u64, u64, u64)> {
    h.press(&format!("6 {kind_key}"));
    h.app.latency.series = Some(label.to_owned());
    h.press("6");
    settle(h);
    let a = h.app.latency.answer.clone().unwrap();
    assert!(
        a.labels.iter().any(|l| l == label),
        "{label} not in {:?}",
        a.labels
    );
    assert_eq!(a.series.as_deref(), Some(label));
    a.hist.buckets
}

/// The tab's linear histograms equal iolatencyfreq's disk tables, schedfreq's per-TID and
/// total tables, and irqfreq's per-interrupt tables, at the same resolution (20), over the
/// whole trace and over a selection.
#[test]
fn histograms_equal_the_freq_analyses() {
    let mut h = indexed_demo(120, 40);
    h.press("6 s");
    settle(&mut h);
    assert_eq!(h.app.latency.scale, Scale::Linear);
    let m = h.app.index.model.clone().unwrap();
    let (cb, ce) = core_window();
    for range in [None, Some((cb - 1_000_000_000, ce))] {
        h.app.selection = match range {
            Some((b, e)) => Selection {
                start_ns: Some(b as i64),
                end_ns: Some(e as i64),
            },
            None => Selection::default(),
        };
        let (b, e) = range.map_or((None, None), |(b, e)| (Some(b), Some(e)));
        let mut o = Options::new(Range::of(&m, b, e));
        o.limit = None;
        let mut compared = 0;
        // Block: one table per disk.
        for t in iolat::freq(&m, &o) {
            let name = t.subtitle.clone().unwrap();
            if iolat::CATEGORIES.contains(&name.as_str()) {
                continue;
            }
            assert_eq!(
                show(&mut h, "b", &name),
                common::freq_rows(&t),
                "disk {name} {range:?}"
            );
            compared += 1;
        }
        // Interrupts: one table per line or vector.
        for t in irq::freq(&m, &o) {
            let name = t.subtitle.clone().unwrap();
            assert_eq!(
                show(&mut h, "i", &name),
                common::freq_rows(&t),
                "irq {name} {range:?}"
            );
            compared += 1;
        }
        // Scheduling: the total, and a few threads.
        let mut so = o.clone();
        so.total = true;
        so.per_tid = true;
        let tables = sched::freq(&m, &so);
        let total = tables
            .iter()
            .find(|t| t.subtitle.as_deref() == Some("Total"))
            .unwrap();
        h.press("6 w");
        h.app.latency.series = None;
        h.press("6");
        settle(&mut h);
        assert_eq!(
            h.app.latency.hist.as_ref().unwrap().buckets,
            common::freq_rows(total),
            "sched total {range:?}"
        );
        for t in tables
            .iter()
            .filter(|t| t.rows.len() == 20 && t.subtitle.as_deref() != Some("Total"))
            .take(3)
        {
            let name = t.subtitle.clone().unwrap();
            assert_eq!(
                show(&mut h, "w", &name),
                common::freq_rows(t),
                "sched {name} {range:?}"
            );
            compared += 1;
        }
        assert!(compared >= 5, "{compared} tables compared");
    }
}

/// Every kind, with its instance list, draws at any size without panicking; at 80x24 the
/// walkthrough's facts still show.
#[test]
fn every_kind_renders_down_to_tiny_sizes() {
    let mut h = indexed_demo(80, 24);
    for kind in ["c", "b", "w", "i", "b n"] {
        h.press(&format!("6 {kind} m"));
        settle(&mut h);
        for (w, hgt) in [(80, 24), (60, 20), (40, 12), (20, 6), (12, 4), (1, 1)] {
            h.resize(w, hgt);
            for keys in ["l", "j", "k", "h", "m", "pgdn", "s", "s"] {
                h.press(keys);
                h.screen().unwrap();
            }
        }
        h.resize(80, 24);
        settle(&mut h);
    }
    h.press("m");
    let screen = h.screen().unwrap();
    for w in [
        "Block I/O latency: reads",
        "mysqld",
        "read 16 KiB behind",
        "×1 MiB kworker/u8:2",
        "42.994 ms",
    ] {
        assert!(screen.contains(w), "missing {w:?} in\n{screen}");
    }
}

/// The slowest wake-ups name their waker from the trace's wake-up event, the same thread
/// Control flow's jump to the waker finds for that instance.
#[test]
fn scheduling_instances_name_their_waker() {
    let mut h = indexed_demo(120, 40);
    h.press("6 w m");
    settle(&mut h);
    let inst = h.app.latency.selected().unwrap().clone();
    assert!(inst.what.starts_with("woken by "), "{inst:?}");
    let screen = h.screen().unwrap();
    assert!(screen.contains("woken by "));
    let m = h.app.index.model.clone().unwrap();
    let woken = m.threads[inst.thread.unwrap() as usize].tid;
    h.press("enter");
    assert_eq!(h.app.tab, Tab::ControlFlow);
    h.press("w");
    settle(&mut h);
    let msg = h.app.message.clone().unwrap().text;
    // "woken by NAME TID on CPU N; ..." against "TID was woken by NAME [TID] on CPU N".
    let by = inst.what["woken by ".len()..].split(';').next().unwrap();
    let want = match by.split_once(" on CPU ") {
        Some((who, cpu)) if !who.starts_with("an interrupt") && !who.starts_with("the idle") => {
            let (name, tid) = who.rsplit_once(' ').unwrap();
            format!("{woken} was woken by {name} [{tid}] on CPU {cpu}")
        }
        Some((who, cpu)) => format!("{woken} was woken on CPU {cpu} by {who}"),
        None => panic!("{by}"),
    };
    assert_eq!(msg, want);
}
