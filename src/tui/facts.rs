//! What the Overview tab can say at once, from metadata and packet tables only: names, time
//! range, CPUs, an event count estimate, losses, and how much event data each CPU wrote over
//! time. Nothing here decodes more than one packet per stream.

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::path::PathBuf;

use crate::ctf::trace::Trace;

use super::source::EventSource;

/// Columns of the per-CPU activity lines, resampled to the screen width when drawn.
pub const ACTIVITY_BUCKETS: usize = 512;

/// One trace's description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceSummary {
    /// Directory.
    pub path: PathBuf,
    /// `kernel`, `ust`, ...
    pub domain: Option<String>,
    /// Recording host.
    pub hostname: Option<String>,
    /// Tracer name and version.
    pub tracer: Option<String>,
    /// Kernel release.
    pub kernel_release: Option<String>,
    /// Data streams.
    pub streams: usize,
    /// Packets.
    pub packets: usize,
}

/// Facts about a whole session.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TraceFacts {
    /// The path opened.
    pub root: PathBuf,
    /// Each trace.
    pub traces: Vec<TraceSummary>,
    /// First and last packet times, ns since the epoch.
    pub range_ns: Option<(i64, i64)>,
    /// CPU ids seen in packet contexts, ascending.
    pub cpus: Vec<u64>,
    /// Per CPU (same order as `cpus`), event bytes per time bucket, scaled to 0..=1.
    pub activity: Vec<Vec<f32>>,
    /// Event records, estimated from content sizes and a decoded sample.
    pub events_estimate: u64,
    /// Events the tracer discarded (ring buffer full).
    pub discarded_events: u64,
    /// Packets missing from the sequence numbers.
    pub discarded_packets: u64,
    /// Bytes of event data.
    pub event_bytes: u64,
    /// Traces that failed to open and other warnings.
    pub warnings: Vec<String>,
}

fn env(trace: &Trace, key: &str) -> Option<String> {
    trace.class.env(key).map(ToString::to_string)
}

fn summarize(trace: &Trace) -> TraceSummary {
    let tracer = env(trace, "tracer_name").map(|name| {
        match (env(trace, "tracer_major"), env(trace, "tracer_minor")) {
            (Some(a), Some(b)) => format!("{name} {a}.{b}"),
            _ => name,
        }
    });
    TraceSummary {
        path: trace.path.clone(),
        domain: env(trace, "domain"),
        hostname: env(trace, "hostname"),
        tracer,
        kernel_release: env(trace, "kernel_release"),
        streams: trace.streams.len(),
        packets: trace.streams.iter().map(|s| s.packets.len()).sum(),
    }
}

/// Computes the facts; decodes the first packet of each stream for the event size sample,
/// and sets `source.density` for later page windows.
pub fn compute(source: &mut EventSource) -> TraceFacts {
    let session = source.session();
    let mut facts = TraceFacts {
        root: session.root.clone(),
        traces: session.traces.iter().map(summarize).collect(),
        warnings: session.failed.iter().map(ToString::to_string).collect(),
        ..TraceFacts::default()
    };
    for t in &session.traces {
        facts.warnings.extend(t.warnings.iter().cloned());
        for s in &t.streams {
            if let Some(e) = &s.scan_error {
                facts
                    .warnings
                    .push(format!("{}: {}", e.path.display(), e.error));
            }
        }
    }
    let (lo, hi) = source.range_ns;
    facts.range_ns = (lo < hi).then_some((lo, hi));
    let mut per_cpu: BTreeMap<u64, Vec<f64>> = BTreeMap::new();
    let mut event_bits = 0u64;
    let tables = source.packet_tables();
    for (ti, streams) in tables.iter().enumerate() {
        for (si, packets) in streams.iter().enumerate() {
            let (mut prev_disc, mut prev_seq) = (None::<u64>, None::<u64>);
            for (pi, p) in packets.iter().enumerate() {
                let info = &p.info;
                let bits = info.content_bits.saturating_sub(info.events_bits);
                event_bits += bits;
                if let (Some(d), Some(prev)) = (info.discarded, prev_disc) {
                    facts.discarded_events += d.wrapping_sub(prev);
                } else if let (Some(d), None) = (info.discarded, prev_disc) {
                    facts.discarded_events += d;
                }
                prev_disc = info.discarded.or(prev_disc);
                if let (Some(s), Some(prev)) = (info.seq_num, prev_seq) {
                    facts.discarded_packets += s.wrapping_sub(prev).saturating_sub(1);
                }
                prev_seq = info.seq_num.or(prev_seq);
                let Some(cpu) = source.stream_cpus()[ti][si] else {
                    continue;
                };
                let end = source_end(source, ti, si, pi);
                let begin = if pi == 0 {
                    lo
                } else {
                    source_end(source, ti, si, pi - 1)
                };
                let buckets = per_cpu
                    .entry(cpu)
                    .or_insert_with(|| vec![0.0; ACTIVITY_BUCKETS]);
                spread(buckets, begin, end, lo, hi, bits as f64 / 8.0);
            }
        }
    }
    facts.event_bytes = event_bits / 8;
    let max = per_cpu.values().flatten().copied().fold(0.0f64, f64::max);
    for (cpu, buckets) in per_cpu {
        facts.cpus.push(cpu);
        facts.activity.push(
            buckets
                .iter()
                .map(|b| if max > 0.0 { (b / max) as f32 } else { 0.0 })
                .collect(),
        );
    }
    facts.events_estimate = estimate_events(source, event_bits);
    if hi > lo {
        source.density = facts.events_estimate as f64 / (hi - lo) as f64;
    }
    facts
}

fn source_end(source: &EventSource, ti: usize, si: usize, pi: usize) -> i64 {
    source.packet_end_ns(ti, si, pi)
}

/// Adds `amount` to the buckets covering `[begin, end]`, in proportion to the overlap.
fn spread(buckets: &mut [f64], begin: i64, end: i64, lo: i64, hi: i64, amount: f64) {
    if hi <= lo || end == i64::MAX {
        return;
    }
    let n = buckets.len();
    let span = (hi - lo) as f64;
    let pos = |t: i64| ((t.clamp(lo, hi) - lo) as f64 / span * n as f64).min(n as f64);
    let (a, b) = (pos(begin.min(end)), pos(end));
    if b - a < 1e-9 {
        let i = (a as usize).min(n - 1);
        buckets[i] += amount;
        return;
    }
    let per_unit = amount / (b - a);
    let mut x = a;
    while x < b {
        let i = (x as usize).min(n - 1);
        let next = ((i + 1) as f64).min(b);
        buckets[i] += per_unit * (next - x);
        if next <= x {
            break;
        }
        x = next;
    }
}

/// Total events estimated as total event bits over the mean bits per event of a sample:
/// the first packet of every stream, decoded.
fn estimate_events(source: &mut EventSource, total_bits: u64) -> u64 {
    source.restrict(&|ends| 0..ends.len().min(1));
    let mut sample_events = 0u64;
    source.session().for_each_message(|msg| {
        if matches!(msg, crate::ctf::message::Message::Event(_)) {
            sample_events += 1;
        }
        ControlFlow::Continue(())
    });
    let sample_bits: u64 = source
        .packet_tables()
        .iter()
        .flatten()
        .filter_map(|p| p.first())
        .map(|p| p.info.content_bits.saturating_sub(p.info.events_bits))
        .sum();
    if sample_bits == 0 {
        return 0;
    }
    (total_bits as f64 * sample_events as f64 / sample_bits as f64).round() as u64
}
