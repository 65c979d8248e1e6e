//! Differential test of the two readers (`bt2` feature): on every corpus trace babeltrace2
//! reads without error, and on generated traces, the native reader and babeltrace2 yield the
//! same items in the same order: for events the timestamp (cycles and ns), event class name
//! and id, stream class, CPU, trace environment and every packet context, stream event
//! context, event context and payload field with the same value and type (integer width,
//! signedness and display base, enumeration labels, floats, strings, structures with member
//! names, arrays versus sequences, variant options); for loss notices their kind, count and
//! window. The first difference fails the test with both items printed.
#![cfg(feature = "bt2")]
#![allow(clippy::unwrap_used)] // tests fail loudly by design

mod bt2_support;
mod common;

use std::path::Path;

use bt2_support::{AGREED, corpus_traces, short};
use common::{generated_traces, lttng_tui, traces_dir};
use lttng_tui::bt2::Bt2Source;
use lttng_tui::ctf::session::Session;
use lttng_tui::source::event::{Event, Item, Lost, TraceInfo};
use lttng_tui::source::native::NativeSource;
use lttng_tui::source::{EventSource, Poll};

/// What the comparison found on one trace.
enum Outcome {
    /// Every item equal; how many events and loss notices.
    Same { events: u64, lost: u64 },
    /// babeltrace2 cannot read the trace: not compared.
    Bt2Failed(String),
    /// The first difference.
    Differs(String),
}

/// The environment of the trace an item belongs to, sorted (the readers list entries in
/// their own order).
fn env_of(traces: &[TraceInfo], index: usize) -> Vec<String> {
    let mut env: Vec<String> = traces
        .get(index)
        .map(|t| t.env.iter().map(|(k, v)| format!("{k}={v:?}")).collect())
        .unwrap_or_default();
    env.sort();
    env
}

/// An event with the reader-specific numbering (trace index, stream id) left out.
fn comparable_event(ev: &Event, traces: &[TraceInfo]) -> String {
    format!(
        "ts={:?} name={:?} class={} stream_class={} cpu={:?} env={:?}\n  packet_context={:?}\n  stream_event_context={:?}\n  event_context={:?}\n  payload={:?}",
        ev.timestamp,
        ev.name,
        ev.class_id,
        ev.stream_class_id,
        ev.cpu(),
        env_of(traces, ev.trace),
        ev.packet_context,
        ev.stream_event_context,
        ev.event_context,
        ev.payload
    )
}

fn comparable_lost(lost: &Lost, traces: &[TraceInfo]) -> String {
    format!(
        "lost kind={:?} count={:?} begin={:?} end={:?} stream_class={} env={:?}",
        lost.kind,
        lost.count,
        lost.begin,
        lost.end,
        lost.stream_class_id,
        env_of(traces, lost.trace)
    )
}

/// Compares two items exactly (values and types), except for reader-specific numbering.
fn same(a: &Item, a_traces: &[TraceInfo], b: &Item, b_traces: &[TraceInfo]) -> bool {
    match (a, b) {
        (Item::Event(x), Item::Event(y)) => {
            x.timestamp == y.timestamp
                && x.name == y.name
                && x.class_id == y.class_id
                && x.stream_class_id == y.stream_class_id
                && x.cpu() == y.cpu()
                && x.packet_context == y.packet_context
                && x.stream_event_context == y.stream_event_context
                && x.event_context == y.event_context
                && x.payload == y.payload
                && env_of(a_traces, x.trace) == env_of(b_traces, y.trace)
        }
        (Item::Lost(x), Item::Lost(y)) => {
            comparable_lost(x, a_traces) == comparable_lost(y, b_traces)
        }
        _ => false,
    }
}

fn describe(item: Option<&Item>, traces: &[TraceInfo]) -> String {
    match item {
        Some(Item::Event(ev)) => comparable_event(ev, traces),
        Some(Item::Lost(lost)) => comparable_lost(lost, traces),
        None => "(end)".to_string(),
    }
}

/// The next item of a file source (which never says "pending").
fn next(source: &mut dyn EventSource) -> Result<Option<Item>, String> {
    match source.next_item().map_err(|e| e.to_string())? {
        Poll::Item(item) => Ok(Some(item)),
        Poll::End => Ok(None),
        Poll::Pending => Err("a file trace said `pending`".into()),
    }
}

/// Reads both readers in lockstep.
fn compare(path: &Path) -> Outcome {
    // babeltrace2 must read the whole trace without error for the comparison to count. It
    // is probed in a child process: on some malformed traces babeltrace2 aborts the process.
    let probe = lttng_tui(&[
        "dump",
        "--reader",
        "bt2",
        "--output-format",
        "dummy",
        path.to_str().unwrap(),
    ]);
    if !probe.status.success() {
        let stderr = String::from_utf8_lossy(&probe.stderr);
        let last = stderr.lines().last().unwrap_or("").to_string();
        return Outcome::Bt2Failed(format!("exit {:?}: {last}", probe.status.code()));
    }
    let session = Session::open(path).unwrap();
    let mut native = NativeSource::new(&session);
    let mut bt2 = Bt2Source::open(path).unwrap();
    let (mut events, mut lost, mut index) = (0u64, 0u64, 0u64);
    loop {
        let a = next(&mut native);
        let b = next(&mut bt2);
        let (a, b) = match (a, b) {
            (Ok(a), Ok(b)) => (a, b),
            (a, b) => return Outcome::Differs(format!("item {index}: native {a:?}, bt2 {b:?}")),
        };
        let equal = match (&a, &b) {
            (None, None) => break,
            (Some(x), Some(y)) => same(x, native.traces(), y, bt2.traces()),
            _ => false,
        };
        if !equal {
            return Outcome::Differs(format!(
                "item {index} differs:\n native: {}\n bt2:    {}",
                describe(a.as_ref(), native.traces()),
                describe(b.as_ref(), bt2.traces())
            ));
        }
        match a {
            Some(Item::Event(_)) => events += 1,
            _ => lost += 1,
        }
        index += 1;
    }
    let errors = native.errors();
    if !errors.is_empty() {
        return Outcome::Differs(format!("native reader errors: {errors:?}"));
    }
    Outcome::Same { events, lost }
}

#[test]
fn native_and_bt2_yield_the_same_events_on_the_corpus() {
    let Some(root) = traces_dir() else { return };
    let mut compared = Vec::new();
    let mut failures = Vec::new();
    let mut total_events = 0;
    for path in corpus_traces(&root) {
        let name = short(&root, &path);
        match compare(&path) {
            Outcome::Same { events, lost } => {
                eprintln!("{name}: {events} events, {lost} loss notices, equal");
                total_events += events;
                compared.push(name);
            }
            Outcome::Bt2Failed(e) => {
                assert!(
                    !AGREED.contains(&name.as_str()),
                    "babeltrace2 reads {name}, yet the bt2 reader failed: {e}"
                );
                eprintln!("{name}: babeltrace2 cannot read it, not compared ({e})");
            }
            Outcome::Differs(d) => failures.push(format!("{name}: {d}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} traces differ:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert!(
        compared.len() >= 25,
        "only {} traces compared: {compared:?}",
        compared.len()
    );
    assert!(
        total_events > 500_000,
        "only {total_events} events compared"
    );
}

#[test]
fn native_and_bt2_yield_the_same_events_on_generated_traces() {
    let tmp = tempfile::tempdir().unwrap();
    for (case, trace) in generated_traces(tmp.path()) {
        match compare(&trace) {
            Outcome::Same { events, lost } => {
                assert!(events > 10_000, "{case}: only {events} events");
                if case.contains("--discard-rate") {
                    assert!(lost > 0, "{case}: no loss notice compared");
                }
            }
            Outcome::Bt2Failed(e) => panic!("{case}: babeltrace2 cannot read it: {e}"),
            Outcome::Differs(d) => panic!("{case}: {d}"),
        }
    }
}
