//! The period pass reads only the event classes its definitions can match: the reader steps
//! over every other event inside its stream (on the caller's thread or on one worker thread
//! per stream). These tests hold that shortcut to the long way:
//! the filtered merge hands over exactly the kept events of the full merge, in the same
//! order with the same values, and the engine finds exactly the same instances whether it
//! is fed every event or only the candidates.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use lttng_tui::analysis::common::{Options, Range};
use lttng_tui::analysis::events;
use lttng_tui::analysis::period::{self, eval::EvtCtx};
use lttng_tui::ctf::merge::Merger;
use lttng_tui::ctf::message::Message;
use lttng_tui::ctf::parallel::PassOver;
use lttng_tui::ctf::session::Session;

/// One handed-over event, with everything a consumer can read of it.
fn fingerprint(e: &lttng_tui::ctf::message::EventRecord<'_>) -> String {
    let values = |f: Option<lttng_tui::ctf::value::FieldsRef<'_>>| {
        f.map(|f| format!("{:?}", f.values)).unwrap_or_default()
    };
    format!(
        "{:?} {} {} {} {} {} {}",
        e.timestamp,
        e.stream.stream_index,
        e.class.name,
        values(e.packet_context),
        values(e.stream_event_context),
        values(e.event_context),
        values(e.payload),
    )
}

/// Every event of `classes`, fingerprinted, by the full merge; and the instant of the last
/// event of another class.
fn the_long_way(s: &Session, classes: &BTreeSet<String>) -> (Vec<String>, Option<i64>) {
    let mut kept = Vec::new();
    let mut last_other = None;
    let mut it = s.messages();
    while let Some(msg) = it.next_message() {
        if let Message::Event(e) = msg {
            if classes.contains(&e.class.name) {
                kept.push(fingerprint(&e));
            } else if let Some(t) = e.timestamp.and_then(|t| t.ns_from_origin) {
                last_other = Some(t);
            }
        }
    }
    (kept, last_other)
}

fn check_merge(trace: &Path, classes: &[&str]) {
    let s = Session::open(trace).unwrap();
    let classes: BTreeSet<String> = classes.iter().map(|c| c.to_string()).collect();
    let (expected, last_other) = the_long_way(&s, &classes);
    let keep = |c: &lttng_tui::ctf::ir::EventClass| classes.contains(&c.name);
    let pass_over = PassOver {
        keep: &keep,
        through_ns: i64::MAX,
    };
    let mut it = Merger::filtered(&s.traces, &pass_over);
    let mut got = Vec::new();
    while let Some(msg) = it.next_message() {
        if let Message::Event(e) = msg {
            got.push(fingerprint(&e));
        }
    }
    assert_eq!(
        got.len(),
        expected.len(),
        "{classes:?} on {}",
        trace.display()
    );
    assert_eq!(got, expected, "{classes:?} on {}", trace.display());
    assert_eq!(it.last_passed_ns(), last_other, "{classes:?}");
    assert!(it.errors().is_empty());
    // The same through the worker threads (one per stream), as the period pass reads.
    let mut threaded = Vec::new();
    let outcome = s.for_each_kept(&pass_over, |msg| {
        if let Message::Event(e) = msg {
            threaded.push(fingerprint(e));
        }
        ControlFlow::Continue(())
    });
    assert_eq!(threaded, expected, "{classes:?} on {}", trace.display());
    assert_eq!(outcome.last_passed_ns, last_other, "{classes:?}");
    assert!(outcome.errors.is_empty());
}

/// Class sets with fixed-size payloads (stepped over by size), variable ones (strings,
/// sequences: decoded to find their end), none at all and a name no event has.
const CLASS_SETS: &[&[&str]] = &[
    &["sched_switch"],
    &[
        "syscall_entry_open",
        "syscall_exit_open",
        "syscall_entry_openat",
    ],
    &["sched_process_fork", "irq_handler_entry"],
    &[],
    &["no_such_event"],
];

fn traces(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = common::generated_traces(dir)
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    if let Some(corpus) = common::traces_dir() {
        for name in [
            "kernel/many-threads",
            "kernel/scp-src",
            "kernel/flipping-endianness",
        ] {
            out.push(corpus.join(name));
        }
    }
    out
}

#[test]
fn the_filtered_merge_hands_over_exactly_the_kept_events() {
    let dir = tempfile::tempdir().unwrap();
    for trace in traces(dir.path()) {
        for classes in CLASS_SETS {
            check_merge(&trace, classes);
        }
    }
}

#[test]
fn events_after_the_stop_instant_are_handed_over_whatever_their_class() {
    let dir = tempfile::tempdir().unwrap();
    let (trace, m) = common::short_web_trace(dir.path(), 3);
    let s = Session::open(&trace).unwrap();
    let middle = i64::try_from(m.begin + (m.end - m.begin) / 2).unwrap();
    let none = PassOver {
        keep: &|_| false,
        through_ns: middle,
    };
    let mut it = Merger::filtered(&s.traces, &none);
    let first = loop {
        match it.next_message() {
            Some(Message::Event(e)) => break e.timestamp.unwrap().ns_from_origin.unwrap(),
            Some(Message::Lost(_)) => {}
            None => panic!("no event after the middle"),
        }
    };
    assert!(first > middle);
    let passed = it.last_passed_ns().unwrap();
    assert!(passed <= middle && passed > middle - 1_000_000_000);
    // The first event after the instant, in the full merge, is the one handed over.
    let mut all = s.messages();
    let expected = loop {
        if let Some(Message::Event(e)) = all.next_message()
            && let Some(t) = e.timestamp.and_then(|t| t.ns_from_origin)
            && t > middle
        {
            break t;
        }
    };
    assert_eq!(first, expected);
    // On worker threads, stopping at that event: the latest event stepped over is the same.
    let mut handed = None;
    let outcome = s.for_each_kept(&none, |msg| match msg {
        Message::Event(e) => {
            handed = e.timestamp.and_then(|t| t.ns_from_origin);
            ControlFlow::Break(())
        }
        Message::Lost(_) => ControlFlow::Continue(()),
    });
    assert_eq!(handed, Some(first));
    assert_eq!(outcome.last_passed_ns, Some(passed));
}

/// The instances found, with every figure a report reads.
fn instances(p: &period::engine::Periods) -> Vec<String> {
    p.instances
        .iter()
        .map(|i| {
            format!(
                "{} {:?} {} {} {} {:?} {:?}",
                i.def, i.parent, i.begin, i.end, i.completed, i.begin_caps, i.end_caps
            )
        })
        .collect()
}

fn check_periods(trace: &Path, defs: &[&str], captures: &[&str]) {
    let s = Session::open(trace).unwrap();
    let m = lttng_tui::model::Builder::build_session(&s);
    let o = Options::new(Range::of(&m, None, None));
    let parse = || {
        let defs: Vec<String> = defs.iter().map(|d| d.to_string()).collect();
        let caps: Vec<String> = captures.iter().map(|d| d.to_string()).collect();
        period::definitions(&defs, &caps).unwrap()
    };
    let found = period::find(trace, &m, &o, parse()).unwrap();
    // The long way: the engine fed every event.
    let mut all = parse();
    let last = events::for_each_event(trace, o.range.begin, o.range.end, |e, t| {
        all.step(&EvtCtx { e, t, m: &m });
    })
    .unwrap();
    all.finish(last.unwrap_or(o.range.begin));
    let expected = instances(&all);
    assert!(!expected.is_empty(), "{defs:?} found nothing");
    assert_eq!(
        instances(&found),
        expected,
        "{defs:?} on {}",
        trace.display()
    );
}

#[test]
fn the_engine_finds_the_same_instances_from_the_candidate_events_alone() {
    let dir = tempfile::tempdir().unwrap();
    let (web, _) = common::short_web_trace(dir.path(), 9);
    // The classic web request, with sub-periods; captures on both ends.
    check_periods(
        &web,
        &[
            r#"request : $evt.$name == "syscall_exit_accept4" : $evt.pid == $begin.$evt.pid && $evt.$name == "syscall_entry_close" && $evt.fd == $begin.$evt.ret"#,
            r#"io(request) : $evt.$name == "syscall_entry_read" || $evt.$name == "syscall_entry_write" : $evt.tid == $begin.$evt.tid && ($evt.$name == "syscall_exit_read" || $evt.$name == "syscall_exit_write")"#,
        ],
        &["request : fd = $evt.ret : closed = $evt.fd"],
    );
    // A period whose end names no class: every event is a candidate.
    check_periods(
        &web,
        &[r#"switch : $evt.$name == "sched_switch" : $evt.cpu_id == $begin.$evt.cpu_id"#],
        &[],
    );
    // Incomplete instances close at the last event of the trace, of whatever class.
    check_periods(
        &web,
        &[r#"never : $evt.$name == "sched_switch" : $evt.$name == "no_such_event""#],
        &[],
    );
    if let Some(corpus) = common::traces_dir() {
        check_periods(
            &corpus.join("kernel/many-threads"),
            &[
                r#"open : $evt.$name == "syscall_entry_open" : $evt.$name == "syscall_exit_open" && $evt.cpu_id == $begin.$evt.cpu_id"#,
            ],
            &["open : name = $evt.filename : ret = $evt.ret"],
        );
    }
}

#[test]
fn a_damaged_stream_ends_both_passes_at_the_same_event() {
    let dir = tempfile::tempdir().unwrap();
    let (web, _) = common::short_web_trace(dir.path(), 4);
    // Cut the largest stream file in the middle of its data.
    let stream = std::fs::read_dir(&web)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.file_name().unwrap() != "metadata")
        .max_by_key(|p| std::fs::metadata(p).unwrap().len())
        .unwrap();
    let len = std::fs::metadata(&stream).unwrap().len();
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(&stream)
        .unwrap();
    f.set_len(len / 2 + 3).unwrap();
    drop(f);
    // The model says why the stream ended (a warning on every run, cached or not).
    let m = lttng_tui::model::Builder::build_session(&Session::open(&web).unwrap());
    assert_eq!(m.read_errors.len(), 1, "{:?}", m.read_errors);
    let name = stream.file_name().unwrap().to_str().unwrap();
    assert!(m.read_errors[0].contains(name), "{:?}", m.read_errors);
    // Both passes read the cut stream up to the damage, and find the same instances.
    check_periods(
        &web,
        &[
            r#"p : $evt.$name == "syscall_entry_read" : $evt.$name == "syscall_exit_read" && $evt.tid == $begin.$evt.tid"#,
        ],
        &["p : : ret = $evt.ret"],
    );
}
