//! What the state machine reads of one event, packed into a few bytes on the thread that
//! decoded it.
//!
//! The state machine runs on one core in time order while the streams are decoded on
//! others. Handing it every decoded value meant a few hundred bytes per event crossing
//! between cores, read once: a third of its time went to waiting for those cache lines. An
//! event is instead reduced where it was decoded, by the same per-class [`Plan`], to the
//! members the model reads (a read's entry is its fd: about twenty bytes with the CPU), and
//! the state machine reads [`Fields`](super::record::Fields) from those bytes (their layout
//! is [`super::record`]'s).
//!
//! Most classes have contexts and a payload of constant byte layout; their events are not
//! decoded at all: the reader steps over them and [`Reducer`] reads the plan's members from
//! their bytes ([`RawPlan`]), which writes the same record as reducing the decoded values.

use super::fields::{Slot, int, member_index, only_fd_in_set, sub};
use super::intern::Interner;
use super::plan::{MAX_SLOTS, PID_CONTEXT, Plan, PlanCache, TID_CONTEXT, wanted};
use super::record::{ARRAY_KEPT, RecordWriter};
use crate::ctf::decode::{RawKind, RawLayout, RawMember};
use crate::ctf::ir::{EventClass, StreamClass};
use crate::ctf::message::{EventRecord, StreamRef};
use crate::ctf::parallel::EventFormatter;
use crate::ctf::reader::RawEvent;
use crate::ctf::value::Value;

/// The cell mask of a record under `plan`: its payload slots.
fn cell_mask(slots: &[Slot]) -> u8 {
    slots
        .iter()
        .enumerate()
        .filter(|(_, s)| s.present())
        .fold(0, |m, (k, _)| m | 1 << k)
}

/// Appends the reduction of `ev` under `plan` to `out`.
pub fn encode(ev: &EventRecord<'_>, plan: &Plan, out: &mut Vec<u8>) {
    let read_ctx = |(a, b): (Slot, Slot)| {
        int(ev.stream_event_context.as_ref(), a).or_else(|| int(ev.event_context.as_ref(), b))
    };
    let cpu = int(ev.packet_context.as_ref(), plan.cpu_id);
    let (tid, pid) = if plan.ctx_tid.0.present() || plan.ctx_tid.1.present() {
        (read_ctx(plan.ctx_tid), read_ctx(plan.ctx_pid))
    } else {
        (None, None)
    };
    let mut w = RecordWriter::begin(out, [cpu, tid, pid], cell_mask(&plan.slots));
    let payload = ev.payload.as_ref();
    for (k, &slot) in plan.slots.iter().enumerate() {
        let Some(member) = payload.and_then(|p| sub(p, slot)) else {
            continue;
        };
        match member.head() {
            Some(Value::UInt(u)) => w.int(k, u as i64),
            Some(Value::SInt(i)) => w.int(k, i),
            Some(Value::Text { .. }) => {
                if let Some(bytes) = member.text_bytes() {
                    w.text(out, k, bytes);
                }
            }
            Some(Value::Array { len }) => {
                let mut kept = [0i64; ARRAY_KEPT];
                let mut n = 0;
                for v in member
                    .values
                    .iter()
                    .skip(1)
                    .take(ARRAY_KEPT.min(len as usize))
                {
                    kept[n] = match *v {
                        Value::UInt(u) => u as i64,
                        Value::SInt(i) => i,
                        _ => break,
                    };
                    n += 1;
                }
                let fd = only_fd_in_set(Some(&member), Slot::At(0));
                w.array(out, k, len, &kept[..n], fd);
            }
            _ => {}
        }
    }
    w.finish(out);
}

/// A [`Plan`]'s readings as byte positions, for a class whose events come raw (see
/// [`StreamReader::set_raw_tails`](crate::ctf::reader::StreamReader::set_raw_tails)).
#[derive(Debug, Clone, Copy)]
struct RawPlan {
    /// `cpu_id` in the (decoded) packet context.
    cpu_id: Slot,
    /// Whether the class has a thread id context at all.
    contexts: bool,
    /// `tid` in the stream event context, then in the event context.
    tid: [Option<RawMember>; 2],
    /// `pid`, the same way.
    pid: [Option<RawMember>; 2],
    /// The payload members [`Plan::slots`] has, with their slot numbers, in slot order.
    slots: [(u8, RawMember); MAX_SLOTS],
    /// How many of `slots` there are.
    slot_count: u8,
    /// The record's cell mask.
    cell_mask: u8,
    /// Whether every slot reads as an integer (the record is then written in one piece).
    ints_only: bool,
}

impl RawPlan {
    /// The byte readings of `plan` for `class` under `layouts` (stream event context, event
    /// context, payload), or `None` when one of its members has no reading from bytes (an
    /// array, a float, a bit field): the class is then decoded.
    fn new(
        plan: &Plan,
        class: &EventClass,
        stream: &StreamClass,
        layouts: [&RawLayout; 3],
    ) -> Option<RawPlan> {
        let readable = |layout: &RawLayout, index: Option<usize>| -> Option<RawMember> {
            let member = *layout.members.get(index?)?;
            (member.kind != RawKind::Opaque).then_some(member)
        };
        let context = |names: &[&'static str], (a, b): (Slot, Slot)| -> Option<_> {
            let sec = stream.event_context.as_ref();
            let ec = class.context.as_ref();
            // A context the plan has must be readable; one it lacks stays absent.
            let a = if a.present() {
                Some(readable(layouts[0], member_index(sec, names))?)
            } else {
                None
            };
            let b = if b.present() {
                Some(readable(layouts[1], member_index(ec, names))?)
            } else {
                None
            };
            Some([a, b])
        };
        let unused = RawMember {
            offset: 0,
            kind: RawKind::Opaque,
        };
        let mut slots = [(0, unused); MAX_SLOTS];
        let mut slot_count = 0;
        let payload = class.payload.as_ref();
        for (k, (slot, names)) in plan.slots.iter().zip(wanted(plan.kind)).enumerate() {
            if slot.present() {
                let member = readable(layouts[2], member_index(payload, names))?;
                slots[usize::from(slot_count)] = (k as u8, member);
                slot_count += 1;
            }
        }
        Some(RawPlan {
            cpu_id: plan.cpu_id,
            contexts: plan.ctx_tid.0.present() || plan.ctx_tid.1.present(),
            tid: context(TID_CONTEXT, plan.ctx_tid)?,
            pid: context(PID_CONTEXT, plan.ctx_pid)?,
            slots,
            slot_count,
            cell_mask: cell_mask(&plan.slots),
            ints_only: slots[..usize::from(slot_count)]
                .iter()
                .all(|(_, m)| matches!(m.kind, RawKind::Int { .. })),
        })
    }
}

/// Appends the reduction of the raw event `ev` under `plan` to `out`: the same record
/// [`encode`] makes from the event's decoded values.
fn encode_raw(ev: &RawEvent<'_>, plan: &RawPlan, out: &mut Vec<u8>) {
    let read_ctx = |[a, b]: [Option<RawMember>; 2]| {
        a.and_then(|m| m.int(ev.scope(0)))
            .or_else(|| b.and_then(|m| m.int(ev.scope(1))))
    };
    let cpu = int(ev.packet_context.as_ref(), plan.cpu_id);
    let (tid, pid) = if plan.contexts {
        (read_ctx(plan.tid), read_ctx(plan.pid))
    } else {
        (None, None)
    };
    let payload = ev.scope(2);
    let slots = &plan.slots[..usize::from(plan.slot_count)];
    if plan.ints_only {
        let (mut held, mut ints) = (0u8, [0i64; 8]);
        for &(k, member) in slots {
            if let Some(v) = member.int(payload) {
                held |= 1 << k;
                ints[usize::from(k)] = v;
            }
        }
        RecordWriter::ints(out, [cpu, tid, pid], plan.cell_mask, held, &ints);
        return;
    }
    let mut w = RecordWriter::begin(out, [cpu, tid, pid], plan.cell_mask);
    for &(k, member) in slots {
        let k = usize::from(k);
        match member.kind {
            RawKind::Int { .. } => {
                if let Some(v) = member.int(payload) {
                    w.int(k, v);
                }
            }
            RawKind::Text { .. } | RawKind::String => {
                if let Some(bytes) = member.text(payload) {
                    w.text(out, k, bytes);
                }
            }
            RawKind::Opaque => {}
        }
    }
    w.finish(out);
}

/// Reduces events to what the model reads, on the thread that decoded them;
/// [`super::Builder::event_reduced`] takes the result.
#[derive(Default)]
pub struct Reducer {
    plans: PlanCache,
    /// Names interned for this thread's plans only (the builder interns its own).
    strings: Interner,
    /// Byte readings by class index, for the classes read raw. A reducer serves one stream
    /// (one formatter per decoding thread), so class indices are of one stream class.
    raw: Vec<Option<RawPlan>>,
}

impl EventFormatter for Reducer {
    fn format(
        &mut self,
        event: &EventRecord<'_>,
        _packet: Option<u64>,
        primary: &mut Vec<u8>,
        _alternative: &mut Vec<u8>,
    ) {
        let plan = self
            .plans
            .get(event.class, event.stream.stream_class, &mut self.strings);
        encode(event, plan, primary);
    }

    fn wants_raw(
        &mut self,
        stream: &StreamRef<'_>,
        class_index: usize,
        layouts: [&RawLayout; 3],
    ) -> bool {
        let stream = stream.stream_class;
        let Some(class) = stream.events.get(class_index) else {
            return false;
        };
        let plan = self.plans.get(class, stream, &mut self.strings);
        let raw = RawPlan::new(plan, class, stream, layouts);
        if self.raw.len() <= class_index {
            self.raw.resize(class_index + 1, None);
        }
        self.raw[class_index] = raw;
        raw.is_some()
    }

    fn format_raw(&mut self, event: &RawEvent<'_>, primary: &mut Vec<u8>, _: &mut Vec<u8>) {
        if let Some(Some(plan)) = self.raw.get(event.class_index) {
            encode_raw(event, plan, primary);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::ctf::ir::FieldType;
    use crate::ctf::message::Message;
    use crate::ctf::reader::{Head, StreamReader};
    use crate::ctf::session::Session;
    use crate::r#gen::{GenConfig, ScenarioKind, generate};
    use crate::model::fields::{int_array, text};
    use crate::model::record::Fields;

    /// How often each reading gave a value, so a test cannot pass on nothing.
    #[derive(Debug, Default)]
    struct Seen {
        events: u64,
        ints: u64,
        texts: u64,
        pairs: u64,
        quads: u64,
        fd_sets: u64,
        contexts: u64,
    }

    /// Reduces every event of the trace at `path` and checks that every slot of its plan
    /// reads back as it reads from the decoded values.
    fn check(path: &Path, seen: &mut Seen) {
        let session = Session::open(path).unwrap();
        let (mut plans, mut strings) = (PlanCache::default(), Interner::default());
        let mut merger = session.messages();
        let mut record = Vec::new();
        while let Some(msg) = merger.next_message() {
            let Message::Event(ev) = msg else { continue };
            let plan = plans.get(ev.class, ev.stream.stream_class, &mut strings);
            record.clear();
            encode(&ev, plan, &mut record);
            let f = Fields::parse(&record);
            let ctx = |(a, b): (Slot, Slot)| {
                int(ev.stream_event_context.as_ref(), a)
                    .or_else(|| int(ev.event_context.as_ref(), b))
            };
            assert_eq!(f.cpu(), int(ev.packet_context.as_ref(), plan.cpu_id));
            if plan.ctx_tid.0.present() || plan.ctx_tid.1.present() {
                assert_eq!((f.tid(), f.pid()), (ctx(plan.ctx_tid), ctx(plan.ctx_pid)));
                seen.contexts += u64::from(f.tid().is_some());
            } else {
                assert_eq!((f.tid(), f.pid()), (None, None));
            }
            let p = ev.payload.as_ref();
            for (k, &s) in plan.slots.iter().enumerate() {
                // The same readings through the decoded values.
                let (i, t) = (int(p, s), text(p, s));
                let (a2, a4) = (int_array::<2>(p, s), int_array::<4>(p, s));
                let set = only_fd_in_set(p, s);
                let name = &ev.class.name;
                assert_eq!(f.int(k), i, "{name} slot {k}");
                assert_eq!(f.text(k), t, "{name} slot {k}");
                assert_eq!(f.int_array::<2>(k), a2, "{name} slot {k}");
                assert_eq!(f.int_array::<4>(k), a4, "{name} slot {k}");
                assert_eq!(f.only_fd_in_set(k), set, "{name} slot {k}");
                seen.ints += u64::from(i.is_some());
                seen.texts += u64::from(t.is_some());
                seen.pairs += u64::from(a2.is_some());
                seen.quads += u64::from(a4.is_some());
                seen.fd_sets += u64::from(set.is_some());
            }
            seen.events += 1;
        }
    }

    /// Reads every stream of the trace at `path` three times: decoded, raw where a reducer
    /// asks for it, and raw in runs ([`StreamReader::read_raw_run`], as the decoding
    /// threads do) of varied lengths; checks that all give the same messages, the same
    /// records and the same final error. Returns how many events came raw, how many of
    /// those have a payload that ends with a string, and how many streams ended with an
    /// error.
    fn check_raw(path: &Path) -> (u64, u64, u64) {
        let session = Session::open(path).unwrap();
        let (mut raw_events, mut with_strings, mut errors) = (0, 0, 0);
        for (t, trace) in session.traces.iter().enumerate() {
            for s in 0..trace.streams.len() {
                let mut decoded = StreamReader::new(trace, t, s);
                let mut raw = StreamReader::new(trace, t, s);
                let (mut by_values, mut by_bytes) = (Reducer::default(), Reducer::default());
                let stream = raw.stream_ref();
                let sc = stream.stream_class;
                raw.set_raw_tails(&mut |i, layouts| by_bytes.wants_raw(&stream, i, layouts));
                let (mut a, mut b) = (Vec::new(), Vec::new());
                let mut expected = Vec::new();
                loop {
                    decoded.advance();
                    raw.advance();
                    assert_eq!(decoded.head(), raw.head(), "{}", trace.path.display());
                    if decoded.head() == Head::End {
                        break;
                    }
                    a.clear();
                    b.clear();
                    if let Some(ev) = decoded.event() {
                        by_values.format(&ev, None, &mut a, &mut Vec::new());
                    }
                    match raw.raw_event() {
                        Some(ev) => {
                            raw_events += 1;
                            with_strings += u64::from(ends_with_string(
                                sc.events[ev.class_index].payload.as_ref(),
                            ));
                            by_bytes.format_raw(&ev, &mut b, &mut Vec::new());
                        }
                        None => {
                            if let Some(ev) = raw.event() {
                                by_bytes.format(&ev, None, &mut b, &mut Vec::new());
                            }
                        }
                    }
                    assert_eq!(
                        a,
                        b,
                        "{} event {}",
                        trace.path.display(),
                        decoded.events_read()
                    );
                    expected.push((decoded.head(), a.clone()));
                }
                assert_eq!(
                    decoded.error().map(ToString::to_string),
                    raw.error().map(ToString::to_string)
                );
                let got = read_in_runs(trace, t, s);
                assert_eq!(got.0.len(), expected.len(), "{}", trace.path.display());
                for (i, (g, e)) in got.0.iter().zip(&expected).enumerate() {
                    assert_eq!(g, e, "{} message {i}", trace.path.display());
                }
                assert_eq!(got.1, raw.error().map(ToString::to_string));
                assert_eq!(got.2, raw.events_read());
                errors += u64::from(raw.error().is_some());
            }
        }
        (raw_events, with_strings, errors)
    }

    fn ends_with_string(payload: Option<&FieldType>) -> bool {
        match payload {
            Some(FieldType::Struct(st)) => {
                matches!(st.fields.last().map(|f| &f.ty), Some(FieldType::String(_)))
            }
            _ => false,
        }
    }

    /// The messages of one stream and their records, read the way the decoding threads
    /// read: runs of raw events of lengths cycling through 1 to 7, each followed by one
    /// `advance`. Also the final error and the events read.
    #[allow(clippy::type_complexity)]
    fn read_in_runs(
        trace: &crate::ctf::trace::Trace,
        t: usize,
        s: usize,
    ) -> (Vec<(Head, Vec<u8>)>, Option<String>, u64) {
        let mut reader = StreamReader::new(trace, t, s);
        let mut reducer = Reducer::default();
        let stream = reader.stream_ref();
        reader.set_raw_tails(&mut |i, layouts| reducer.wants_raw(&stream, i, layouts));
        let mut out = Vec::new();
        for max in (1..=7).cycle() {
            reader.read_raw_run(max, |ev, cycles| {
                let mut b = Vec::new();
                reducer.format_raw(ev, &mut b, &mut Vec::new());
                let head = Head::Event {
                    class_index: ev.class_index,
                    cycles,
                };
                out.push((head, b));
            });
            reader.advance();
            if reader.head() == Head::End {
                break;
            }
            let mut b = Vec::new();
            match reader.raw_event() {
                Some(ev) => reducer.format_raw(&ev, &mut b, &mut Vec::new()),
                None => {
                    if let Some(ev) = reader.event() {
                        reducer.format(&ev, None, &mut b, &mut Vec::new());
                    }
                }
            }
            out.push((reader.head(), b));
        }
        let error = reader.error().map(ToString::to_string);
        (out, error, reader.events_read())
    }

    #[test]
    fn an_event_read_raw_reduces_as_when_decoded() {
        let dir = tempfile::tempdir().unwrap();
        let (mut raw, mut with_strings, _) =
            check_raw(&generated(dir.path(), ScenarioKind::Web, 7, 0.0));
        let uniform = check_raw(&generated(dir.path(), ScenarioKind::Uniform, 3, 0.2));
        raw += uniform.0;
        with_strings += uniform.1;
        // Most of a generated trace's events have payloads of constant size, and interrupt
        // and network device names are read raw after them.
        assert!(raw > 50_000, "{raw}");
        assert!(with_strings > 1_000, "{with_strings}");
        // Damaged copies: cut stream files and flipped bytes end the same way either way.
        let intact = generated(dir.path(), ScenarioKind::Web, 9, 0.0);
        let mut rng = crate::r#gen::rng::Rng::new(9, 1);
        let mut damaged_errors = 0;
        for case in 0..6 {
            let copy = dir.path().join(format!("damaged-{case}"));
            crate::r#gen::damage::damaged_copy(&intact, &copy, &mut rng).unwrap();
            damaged_errors += check_raw(&copy).2;
        }
        // The damage was met, not only intact prefixes.
        assert!(damaged_errors > 0);
        if let Some(root) = crate::test_corpus::root() {
            for t in ["many-threads", "scp-src", "scp-dest", "flipping-endianness"] {
                let (n, strings, _) = check_raw(&root.join("kernel").join(t));
                eprintln!("{t}: {n} events raw, {strings} ending with a string");
            }
            // Damaged streams end with the same error either way.
            let damaged = root.join("conformance/fail");
            if let Ok(entries) = std::fs::read_dir(&damaged) {
                for e in entries.flatten() {
                    if Session::open(&e.path()).is_ok() {
                        check_raw(&e.path());
                    }
                }
            }
        }
    }

    fn generated(dir: &Path, scenario: ScenarioKind, seed: u64, discard: f64) -> PathBuf {
        let out = dir.join(format!("{scenario:?}-{seed}"));
        let mut cfg = GenConfig::new(scenario, &out);
        cfg.seed = seed;
        cfg.duration_ns = Some(1_000_000_000);
        cfg.discard_rate = discard;
        generate(&cfg, &mut |_| {}).unwrap();
        out.join("kernel")
    }

    #[test]
    fn a_reduced_event_reads_as_its_values() {
        let dir = tempfile::tempdir().unwrap();
        let mut seen = Seen::default();
        check(&generated(dir.path(), ScenarioKind::Web, 5, 0.0), &mut seen);
        check(
            &generated(dir.path(), ScenarioKind::Uniform, 2, 0.2),
            &mut seen,
        );
        // The real traces add the old field layouts and other byte orders.
        if let Some(root) = crate::test_corpus::root() {
            for t in ["many-threads", "scp-src", "scp-dest", "flipping-endianness"] {
                check(&root.join("kernel").join(t), &mut seen);
            }
        }
        // Every kind of reading was exercised, not only the absent ones.
        assert!(seen.events > 100_000, "{seen:?}");
        for n in [seen.ints, seen.texts, seen.quads, seen.fd_sets] {
            assert!(n > 0, "{seen:?}");
        }
        eprintln!("{seen:?}");
    }
}
