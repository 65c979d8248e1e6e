//! Text output identical to babeltrace2 2.0.4's default `sink.text.pretty` (what
//! `babeltrace2 TRACE` prints, with or without `--clock-gmt`, colors off).
//!
//! One event line:
//!
//! ```text
//! [17:46:22.794565804] (+?.?????????) wilbrod sched_waking: { cpu_id = 2 }, { comm = "lttng-consumerd", tid = 4297, prio = 20, target_cpu = 5 }
//! ```
//!
//! - `[time] (+delta) ` when the stream class has a clock (see [`time`]);
//! - the environment's `hostname`, `procname` and `(vpid)`, those present, joined with `:`,
//!   then a space (the `domain` entry is not shown by default);
//! - the event name (`<unknown>` when empty) and `: `;
//! - the packet context, stream event context, event context and payload structures, those
//!   present and not emptied of every field babeltrace2 hides (see [`plan`]), joined by `, `.
//!
//! Discarded events and packets produce a warning on stderr (see [`lost`]); babeltrace2 also
//! writes a one-time warning on stderr the first time it prints a negative time.
//!
//! Known difference: babeltrace2 2.0.4 "clears" a string field by setting its length to 0
//! without writing a NUL, and recycles event objects per event class. An empty string (or a
//! text array starting with NUL, or an empty text sequence) then prints whatever the recycled
//! object held last (kernel/many-threads line 240224 shows `"/var/run/utmpx"` where the data
//! holds `""`). Which object gets recycled depends on babeltrace2's message batching (15
//! messages per iterator call, packet and stream messages included), which the printer cannot
//! see; it prints the decoded (empty) value.

pub mod field;
pub mod lost;
pub mod num;
pub mod plan;
pub mod raw;
pub mod recall;
pub mod template;
pub mod threaded;
pub mod time;
pub mod tz;
pub mod tzrule;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_fields;
#[cfg(test)]
mod tests_lost;
#[cfg(test)]
mod tests_raw;
#[cfg(test)]
mod tests_scopes;
#[cfg(test)]
mod tests_text;
#[cfg(test)]
mod tests_times;

use std::path::PathBuf;

use crate::ctf::ir::{EnvValue, EventClass, FieldType, TraceClass};
use crate::ctf::message::{EventRecord, Message, Timestamp};
use crate::ctf::value::{FieldsRef, Value};

use self::plan::TracePlan;
use self::recall::{FastMap, StaleMode, StaleText};
use self::template::Template;
use self::time::Clock;
use self::tz::LocalZone;

/// Options of the printer (babeltrace2's defaults otherwise).
#[derive(Debug, Clone, Default)]
pub struct PrettyOptions {
    /// `--clock-gmt`: times in UTC instead of the local zone (`TZ`, as glibc reads it).
    pub clock_gmt: bool,
}

/// What babeltrace2 derives once per trace class.
#[derive(Debug)]
struct TraceEntry {
    /// Address of the trace class, which identifies it while it is borrowed.
    key: usize,
    /// Addresses and sizes inside the trace class, so that another trace class allocated at
    /// a freed one's address is not mistaken for it.
    fingerprint: [usize; 3],
    plan: TracePlan,
    /// `hostname:procname:(vpid) ` or empty.
    env_prefix: Vec<u8>,
    /// Per event class met so far, by address: its line's constant start and how its
    /// scopes render (see [`ClassText`]).
    classes: FastMap<usize, ClassText>,
}

/// What every event line of one class shares, worked out on its first event: one lookup per
/// event then finds everything the line needs besides the values.
#[derive(Debug)]
struct ClassText {
    /// The environment columns, the event name and `: `.
    prefix: Vec<u8>,
    /// Per scope (packet context, stream event context, event context, payload): the address
    /// of the scope class it was worked out for, and how it renders.
    scopes: [Option<(usize, ScopeText)>; 4],
}

impl ClassText {
    fn new(env_prefix: &[u8], class: &EventClass) -> Self {
        let mut prefix = env_prefix.to_vec();
        let name = class.name.as_bytes();
        prefix.extend_from_slice(if name.is_empty() { b"<unknown>" } else { name });
        prefix.extend_from_slice(b": ");
        ClassText {
            prefix,
            scopes: [None, None, None, None],
        }
    }
}

/// How a scope class renders.
#[derive(Debug)]
struct ScopeText {
    /// Whether babeltrace2 prints the scope at all.
    shows: bool,
    /// Its template, when it is flat.
    template: Option<Template>,
}

impl ScopeText {
    fn new(plan: &TracePlan, ty: &FieldType) -> Self {
        ScopeText {
            shows: plan.shows_scope(ty),
            template: Template::new(plan, ty),
        }
    }
}

/// Formats messages as babeltrace2 does, keeping the state its output depends on.
#[derive(Debug)]
pub struct PrettyPrinter {
    clock: Clock,
    input_root: Option<PathBuf>,
    traces: Vec<TraceEntry>,
    /// Index in `traces` of the previous message's trace.
    last_trace: usize,
    /// Reused buffer for stderr text.
    stderr: Vec<u8>,
    /// Reused line buffer for warnings.
    line: Vec<u8>,
    /// babeltrace2's stale empty strings (see `recall`).
    stale: StaleText,
    /// The last packet context printed, rendered: every event of a packet repeats it.
    packet: PacketCache,
    /// The identity of the next event's packet, when the caller knows it (see
    /// [`Self::set_packet_identity`]).
    packet_id: Option<u64>,
}

/// The rendering of one packet context, reused while the packet (or, when its identity is
/// unknown, the values) stays the same.
#[derive(Debug, Default)]
struct PacketCache {
    ty: usize,
    data: usize,
    /// The identity of the packet rendered, when the caller gave one.
    id: Option<u64>,
    values: Vec<Value>,
    text: Vec<u8>,
}

impl PacketCache {
    fn hit(&self, scope: &FieldsRef<'_>, id: Option<u64>) -> bool {
        if self.ty != std::ptr::from_ref(scope.ty) as usize
            || self.data != scope.data.as_ptr() as usize
        {
            return false;
        }
        match (id, self.id) {
            (Some(now), Some(then)) => now == then,
            _ => self.values == scope.values,
        }
    }
}

impl PrettyPrinter {
    /// A printer; without `clock_gmt` it reads the local zone from the environment now.
    pub fn new(options: PrettyOptions) -> Self {
        Self::with_zone((!options.clock_gmt).then(LocalZone::from_env))
    }

    /// A printer with an explicit zone (`None`: UTC, as with `--clock-gmt`).
    pub fn with_zone(zone: Option<LocalZone>) -> Self {
        PrettyPrinter {
            clock: Clock::new(zone),
            input_root: None,
            traces: Vec::new(),
            last_trace: 0,
            stderr: Vec::new(),
            line: Vec::new(),
            stale: StaleText::default(),
            packet: PacketCache::default(),
            packet_id: None,
        }
    }

    /// Tells the printer which packet the next event belongs to: equal for the events of one
    /// packet, different for any other packet this printer sees (`None` when unknown). The
    /// packet context's rendering is then reused on identity instead of comparing values.
    pub fn set_packet_identity(&mut self, id: Option<u64>) {
        self.packet_id = id;
    }

    /// Sets the trace path given on the command line, when exactly one was given:
    /// babeltrace2 appends each trace's path relative to it (when below it) to the trace name
    /// in discarded-items warnings (`joraj-alpa/kernel` for `babeltrace2 multi-domains`).
    pub fn set_input_root(&mut self, root: Option<PathBuf>) {
        self.input_root = root;
    }

    /// Appends the text babeltrace2 prints on stdout for this message (possibly nothing) to
    /// `out`. What babeltrace2 prints on stderr (discarded-items warnings, the negative-time
    /// warning) goes straight to this process's stderr, unbuffered, as babeltrace2 does; use
    /// [`PrettyPrinter::write_message_to`] to capture it instead.
    pub fn write_message(&mut self, out: &mut Vec<u8>, msg: &Message<'_>) {
        let mut err = std::mem::take(&mut self.stderr);
        self.write_message_to(out, &mut err, msg);
        if !err.is_empty() {
            // Nothing sensible to do when stderr is gone; babeltrace2 ignores it too.
            let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), &err);
            err.clear();
        }
        self.stderr = err;
    }

    /// Appends the stdout text of this message to `out` and its stderr text to `err`.
    pub fn write_message_to(&mut self, out: &mut Vec<u8>, err: &mut Vec<u8>, msg: &Message<'_>) {
        match msg {
            Message::Event(ev) => self.write_event(out, err, ev),
            Message::Lost(rec) => lost::write_lost(
                err,
                &mut self.line,
                &mut self.clock,
                rec,
                self.input_root.as_deref(),
            ),
        }
    }

    fn write_event(&mut self, out: &mut Vec<u8>, err: &mut Vec<u8>, ev: &EventRecord<'_>) {
        self.write_columns(out, err, ev.timestamp.as_ref());
        self.write_event_body(out, ev);
    }

    /// Writes the `[time] (+delta) ` columns of an event (nothing without a timestamp) and
    /// makes its time the previous one. With [`Self::write_event_body`], the two halves of an
    /// event line, so the body can be formatted on another thread.
    pub fn write_columns(&mut self, out: &mut Vec<u8>, err: &mut Vec<u8>, ts: Option<&Timestamp>) {
        if let Some(ts) = ts {
            self.clock.write_event_columns(out, err, ts);
        }
    }

    /// Sets how empty texts render (see [`recall`]); `Decide` for single-threaded printing.
    pub fn set_stale_mode(&mut self, mode: StaleMode) {
        self.stale.set_mode(mode);
    }

    /// Whether the last body written has an empty text that babeltrace2 might print stale.
    pub fn stale_candidate(&self) -> bool {
        self.stale.has_stale_candidate()
    }

    /// Writes an event line after its columns: host, name, scopes, newline.
    pub fn write_event_body(&mut self, out: &mut Vec<u8>, ev: &EventRecord<'_>) {
        let index = self.trace_entry(ev.stream.trace);
        let TraceEntry {
            plan,
            env_prefix,
            classes,
            ..
        } = &mut self.traces[index];
        let class_key = std::ptr::from_ref(ev.class) as usize;
        self.stale.start_event(class_key);
        let class_text = classes
            .entry(class_key)
            .or_insert_with(|| ClassText::new(env_prefix, ev.class));
        out.extend_from_slice(&class_text.prefix);
        let scopes = [
            ev.packet_context,
            ev.stream_event_context,
            ev.event_context,
            ev.payload,
        ];
        let mut first = true;
        for (i, (scope, slot)) in scopes.iter().zip(&mut class_text.scopes).enumerate() {
            let Some(scope) = scope else { continue };
            let ty_key = std::ptr::from_ref(scope.ty) as usize;
            let rendering = match slot {
                Some((key, rendering)) if *key == ty_key => rendering,
                _ => &mut slot.insert((ty_key, ScopeText::new(plan, scope.ty))).1,
            };
            if !rendering.shows {
                continue;
            }
            if !first {
                out.extend_from_slice(b", ");
            }
            first = false;
            if i == 0 {
                // The packet context is the same for every event of a packet. Its strings
                // belong to babeltrace2's packet object, not the recycled event object, so
                // they never print stale.
                let cache = &mut self.packet;
                if !cache.hit(scope, self.packet_id) {
                    cache.ty = std::ptr::from_ref(scope.ty) as usize;
                    cache.data = scope.data.as_ptr() as usize;
                    cache.id = self.packet_id;
                    cache.values.clear();
                    cache.values.extend_from_slice(scope.values);
                    cache.text.clear();
                    write_scope(&mut cache.text, plan, scope, &mut StaleText::default());
                }
                out.extend_from_slice(&cache.text);
            } else if !rendering
                .template
                .as_ref()
                .is_some_and(|t| t.render(out, scope.values, scope.data, &mut self.stale))
            {
                write_scope(out, plan, scope, &mut self.stale);
            }
        }
        out.push(b'\n');
    }

    /// Index of the cached per-trace data of `tc`, computed on first use.
    fn trace_entry(&mut self, tc: &TraceClass) -> usize {
        let key = std::ptr::from_ref(tc) as usize;
        let fingerprint = [tc.streams.as_ptr() as usize, tc.streams.len(), tc.env.len()];
        let hit = match self.traces.get(self.last_trace) {
            Some(entry) if entry.key == key => Some(self.last_trace),
            _ => self.traces.iter().position(|e| e.key == key),
        };
        let index = match hit {
            Some(i) if self.traces[i].fingerprint == fingerprint => i,
            Some(i) => {
                self.traces[i] = TraceEntry::new(tc, key, fingerprint);
                i
            }
            None => {
                self.traces.push(TraceEntry::new(tc, key, fingerprint));
                self.traces.len() - 1
            }
        };
        self.last_trace = index;
        index
    }
}

impl TraceEntry {
    fn new(tc: &TraceClass, key: usize, fingerprint: [usize; 3]) -> Self {
        TraceEntry {
            key,
            fingerprint,
            plan: TracePlan::new(tc),
            env_prefix: env_prefix(tc),
            classes: FastMap::default(),
        }
    }
}

fn write_scope(out: &mut Vec<u8>, plan: &TracePlan, scope: &FieldsRef<'_>, stale: &mut StaleText) {
    // A mismatch between values and class leaves the scope cut short; the line still ends.
    let _ = field::write_field(out, plan, scope.ty, scope.values, scope.data, stale);
}

/// The environment columns: `hostname`, `procname` and `(vpid)`, those present, joined with
/// `:`, and a space after them when any.
fn env_prefix(tc: &TraceClass) -> Vec<u8> {
    let mut out = Vec::new();
    let entries: [(&str, bool); 3] = [("hostname", false), ("procname", false), ("vpid", true)];
    for (key, parenthesized) in entries {
        let Some(value) = env_value(tc, key) else {
            continue;
        };
        if !out.is_empty() {
            out.push(b':');
        }
        if parenthesized {
            out.push(b'(');
        }
        match value {
            EnvValue::Str(s) => out.extend_from_slice(s.as_bytes()),
            EnvValue::Int(i) => num::push_i64(&mut out, *i),
        }
        if parenthesized {
            out.push(b')');
        }
    }
    if !out.is_empty() {
        out.push(b' ');
    }
    out
}

/// The environment entry `key`; the last one when the metadata repeats it, since babeltrace2
/// sets the entries in order and a later one replaces an earlier one.
pub(crate) fn env_value<'a>(tc: &'a TraceClass, key: &str) -> Option<&'a EnvValue> {
    tc.env.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
}
