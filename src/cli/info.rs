//! `lttng-tui info`: what is in a trace, without printing events.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::ControlFlow;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use serde::Serialize;

use crate::ctf::message::{LostKind, Message};
use crate::ctf::session::Session;
use crate::ctf::trace::Trace;
use crate::source::EventSource;
use crate::source::event::{EnvEntry, Item, TraceInfo as SourceTrace};

/// Options of `info`.
#[derive(Debug, Args)]
pub struct InfoArgs {
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// The reader.
    #[command(flatten)]
    pub reader: super::reader::ReaderArg,
    /// Trace or session directory.
    pub path: PathBuf,
}

/// Facts about one trace.
#[derive(Debug, Serialize)]
pub struct TraceInfo {
    /// Trace directory.
    pub path: String,
    /// `kernel`, `ust`, or what the env says.
    pub domain: Option<String>,
    /// Host that recorded it.
    pub hostname: Option<String>,
    /// Tracer name and version (`lttng-modules 2.8.0`).
    pub tracer: Option<String>,
    /// Kernel release.
    pub kernel_release: Option<String>,
    /// Data streams.
    pub streams: usize,
    /// Packets.
    pub packets: usize,
    /// Event records.
    pub events: u64,
    /// Events the tracer reported as discarded.
    pub discarded_events: u64,
    /// Event counts by class name.
    pub event_classes: BTreeMap<String, u64>,
}

/// Facts about a whole session.
#[derive(Debug, Serialize)]
pub struct SessionInfo {
    /// Event records.
    pub events: u64,
    /// Events the tracers reported as discarded.
    pub discarded_events: u64,
    /// Packets lost (sequence number gaps).
    pub discarded_packets: u64,
    /// First timestamp, ns since the epoch.
    pub begin_ns: Option<i64>,
    /// Last timestamp, ns since the epoch.
    pub end_ns: Option<i64>,
    /// Data streams.
    pub streams: usize,
    /// One entry per trace.
    pub traces: Vec<TraceInfo>,
    /// Problems met while reading (the counts cover what was read before them).
    pub errors: Vec<String>,
    /// Things that look wrong but did not stop reading.
    pub warnings: Vec<String>,
}

/// Runs `info`. Returns whether every trace was read without error.
pub fn run(args: &InfoArgs) -> Result<bool> {
    args.reader.check()?;
    let info = if args.reader.reader == super::reader::Reader::Bt2 {
        let mut source = super::reader::open_bt2(&args.path)?;
        collect_source(source.as_mut())
    } else {
        let session = Session::open(&args.path).context("cannot open trace")?;
        collect(&session)
    };
    if args.json {
        let json = serde_json::to_string_pretty(&info)? + "\n";
        let mut stdout = std::io::stdout().lock();
        if let Err(e) = std::io::Write::write_all(&mut stdout, json.as_bytes())
            && e.kind() != std::io::ErrorKind::BrokenPipe
        {
            return Err(e.into());
        }
    } else {
        let text = render_text(&info);
        let mut stdout = std::io::stdout().lock();
        if let Err(e) = std::io::Write::write_all(&mut stdout, text.as_bytes())
            && e.kind() != std::io::ErrorKind::BrokenPipe
        {
            return Err(e.into());
        }
    }
    for e in &info.errors {
        eprintln!("lttng-tui: error: {e}");
    }
    Ok(info.errors.is_empty())
}

fn env_str(trace: &Trace, key: &str) -> Option<String> {
    trace.class.env(key).map(ToString::to_string)
}

/// Reads every event of the session and summarises it.
pub fn collect(session: &Session) -> SessionInfo {
    let mut traces: Vec<TraceInfo> = session.traces.iter().map(trace_facts).collect();
    let mut begin_ns = None;
    let mut end_ns = None;
    let mut discarded_packets = 0;
    let outcome = session.for_each_message(|msg| {
        match *msg {
            Message::Event(ev) => {
                let t = &mut traces[ev.stream.trace_index];
                t.events += 1;
                *t.event_classes.entry(ev.class.name.clone()).or_default() += 1;
                if let Some(ns) = ev.timestamp.and_then(|t| t.ns_from_origin) {
                    begin_ns = Some(begin_ns.map_or(ns, |b: i64| b.min(ns)));
                    end_ns = Some(end_ns.map_or(ns, |e: i64| e.max(ns)));
                }
            }
            Message::Lost(lost) => {
                if lost.kind == LostKind::Packets {
                    discarded_packets += lost.count.unwrap_or(0);
                }
            }
        }
        ControlFlow::Continue(())
    });
    let mut errors: Vec<String> = session.failed.iter().map(ToString::to_string).collect();
    errors.extend(outcome.errors.iter().map(ToString::to_string));
    SessionInfo {
        events: traces.iter().map(|t| t.events).sum(),
        discarded_events: traces.iter().map(|t| t.discarded_events).sum(),
        discarded_packets,
        begin_ns,
        end_ns,
        streams: traces.iter().map(|t| t.streams).sum(),
        traces,
        errors,
        warnings: session
            .traces
            .iter()
            .flat_map(|t| t.warnings.clone())
            .collect(),
    }
}

/// Reads every item of any [`EventSource`] (the `--reader bt2` path) and summarises it. The
/// readers' common events carry no packet boundaries, so `packets` is 0 here; discarded
/// events are the sum of the loss notices' counts.
pub fn collect_source(source: &mut dyn EventSource) -> SessionInfo {
    let mut traces: Vec<TraceInfo> = Vec::new();
    let mut streams: Vec<BTreeSet<(u64, u64)>> = Vec::new();
    let (mut begin_ns, mut end_ns, mut discarded_packets) = (None, None, 0);
    let read = super::reader::for_each_item(source, |item, infos| {
        while traces.len() < infos.len() {
            traces.push(source_trace_facts(&infos[traces.len()]));
            streams.push(BTreeSet::new());
        }
        match item {
            Item::Event(ev) => {
                let Some(t) = traces.get_mut(ev.trace) else {
                    return ControlFlow::Continue(());
                };
                t.events += 1;
                *t.event_classes.entry(ev.name.to_string()).or_default() += 1;
                streams[ev.trace].insert((ev.stream_class_id, ev.stream_id));
                t.streams = streams[ev.trace].len();
                if let Some(ns) = ev.timestamp.and_then(|t| t.ns_from_origin) {
                    begin_ns = Some(begin_ns.map_or(ns, |b: i64| b.min(ns)));
                    end_ns = Some(end_ns.map_or(ns, |e: i64| e.max(ns)));
                }
            }
            Item::Lost(lost) => match lost.kind {
                LostKind::Packets => discarded_packets += lost.count.unwrap_or(0),
                LostKind::Events => {
                    if let Some(t) = traces.get_mut(lost.trace) {
                        t.discarded_events += lost.count.unwrap_or(0);
                    }
                }
            },
        }
        ControlFlow::Continue(())
    });
    let mut errors = source.errors();
    if let Err(e) = read {
        errors.push(e.to_string());
    }
    SessionInfo {
        events: traces.iter().map(|t| t.events).sum(),
        discarded_events: traces.iter().map(|t| t.discarded_events).sum(),
        discarded_packets,
        begin_ns,
        end_ns,
        streams: traces.iter().map(|t| t.streams).sum(),
        traces,
        errors,
        warnings: Vec::new(),
    }
}

/// The facts of a trace a generic source knows: its name and environment.
fn source_trace_facts(info: &SourceTrace) -> TraceInfo {
    let env = |key: &str| {
        info.env
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| match v {
                EnvEntry::Int(i) => i.to_string(),
                EnvEntry::Str(s) => s.clone(),
            })
    };
    let tracer = env("tracer_name").map(|name| {
        match (
            env("tracer_major"),
            env("tracer_minor"),
            env("tracer_patchlevel"),
        ) {
            (Some(a), Some(b), Some(c)) => format!("{name} {a}.{b}.{c}"),
            (Some(a), Some(b), None) => format!("{name} {a}.{b}"),
            _ => name,
        }
    });
    TraceInfo {
        path: info.name.clone(),
        domain: env("domain"),
        hostname: env("hostname").or_else(|| env("host")),
        tracer,
        kernel_release: env("kernel_release").or_else(|| env("release")),
        streams: 0,
        packets: 0,
        events: 0,
        discarded_events: 0,
        event_classes: BTreeMap::new(),
    }
}

fn trace_facts(trace: &Trace) -> TraceInfo {
    let tracer = env_str(trace, "tracer_name").map(|name| {
        match (
            env_str(trace, "tracer_major"),
            env_str(trace, "tracer_minor"),
            env_str(trace, "tracer_patchlevel"),
        ) {
            (Some(a), Some(b), Some(c)) => format!("{name} {a}.{b}.{c}"),
            (Some(a), Some(b), None) => format!("{name} {a}.{b}"),
            _ => name,
        }
    });
    // The loss counter is cumulative per stream: the total is the sum of its increases.
    let discarded_events = trace
        .streams
        .iter()
        .map(|s| {
            let mut prev = 0u64;
            let mut total = 0u64;
            for p in &s.packets {
                if let Some(d) = p.info.discarded {
                    total = total.wrapping_add(d.wrapping_sub(prev));
                    prev = d;
                }
            }
            total
        })
        .sum();
    TraceInfo {
        path: trace.path.display().to_string(),
        domain: env_str(trace, "domain"),
        hostname: env_str(trace, "hostname").or_else(|| env_str(trace, "host")),
        tracer,
        kernel_release: env_str(trace, "kernel_release").or_else(|| env_str(trace, "release")),
        streams: trace.streams.len(),
        packets: trace.streams.iter().map(|s| s.packets.len()).sum(),
        events: 0,
        discarded_events,
        event_classes: BTreeMap::new(),
    }
}

/// The text report (built whole, then written once, so `| head` ends it quietly).
fn render_text(info: &SessionInfo) -> String {
    use std::fmt::Write as _;
    let mut o = String::new();
    for t in &info.traces {
        let _ = writeln!(o, "Trace {}", t.path);
        for (name, v) in [
            ("domain", &t.domain),
            ("hostname", &t.hostname),
            ("tracer", &t.tracer),
            ("kernel release", &t.kernel_release),
        ] {
            if let Some(v) = v {
                let _ = writeln!(o, "  {name:<16}{v}");
            }
        }
        let _ = writeln!(o, "  {:<16}{}", "streams", t.streams);
        let _ = writeln!(o, "  {:<16}{}", "packets", t.packets);
        let _ = writeln!(o, "  {:<16}{}", "events", t.events);
        let _ = writeln!(o, "  {:<16}{}", "discarded", t.discarded_events);
        let _ = writeln!(o, "  event classes ({}):", t.event_classes.len());
        let mut classes: Vec<_> = t.event_classes.iter().collect();
        classes.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (name, count) in classes {
            let _ = writeln!(o, "    {count:>12}  {name}");
        }
    }
    let _ = writeln!(
        o,
        "Total: {} events, {} discarded",
        info.events, info.discarded_events
    );
    if let (Some(b), Some(e)) = (info.begin_ns, info.end_ns) {
        let secs = (e - b) as f64 / 1e9;
        let _ = writeln!(o, "Time range: {b} .. {e} ns since the epoch ({secs:.6} s)");
    }
    for w in &info.warnings {
        let _ = writeln!(o, "Warning: {w}");
    }
    for e in &info.errors {
        let _ = writeln!(o, "Error: {e}");
    }
    o
}
