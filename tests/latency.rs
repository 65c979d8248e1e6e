//! The Latency tab's histogram against the analyses: on a generated `web` trace, the linear
//! histogram of one thread's syscall latencies has exactly the buckets `periodfreq` gives for
//! syscall periods (entry to exit, found from the events rather than the model) at the same
//! resolution; the log scale keeps every call. The Latency tab's series of one syscall has
//! the buckets `periodfreq` gives for that syscall's entry-to-exit periods of every thread.
#![allow(clippy::unwrap_used)]

use std::path::Path;

mod common;

use common::short_web_trace;
use lttng_tui::analysis::common::{Options, Range};
use lttng_tui::analysis::latency::{Scale, answer, histogram, syscall_durations};
use lttng_tui::analysis::latency_samples::LatencyKind;
use lttng_tui::analysis::period::{self, Report};
use lttng_tui::analysis::registry::Kind;
use lttng_tui::model::Model;

/// `periodfreq`'s buckets (low, high, count) for the periods `defs` over `o`.
fn periodfreq(
    path: &Path,
    m: &Model,
    o: &Options,
    defs: period::engine::Periods,
) -> Vec<(u64, u64, u64)> {
    let p = period::find(path, m, o, defs).unwrap();
    let tables = period::tables(Kind::Periodfreq, &p, o, &Report::default());
    let t = tables
        .iter()
        .find(|t| t.class.name == "freq_duration")
        .unwrap();
    common::freq_rows(t)
}

#[test]
fn linear_histogram_equals_periodfreq() {
    let dir = tempfile::tempdir().unwrap();
    let (path, m) = short_web_trace(dir.path(), 4);
    let mut o = Options::new(Range::of(&m, None, None));
    o.limit = None;
    o.filter.tids = vec![2003];
    for resolution in [7, 20] {
        o.freq_resolution = resolution;
        let defs = period::definitions(
            &[r#"sys : $evt.$name =* "syscall_entry_*" && $evt.tid == 2003
                     : $evt.$name =* "syscall_exit_*" && $evt.tid == $begin.$evt.tid"#
                .to_owned()],
            &[],
        )
        .unwrap();
        let want = periodfreq(&path, &m, &o, defs);
        let durations = syscall_durations(&m, &o);
        let got = histogram(durations.clone(), Scale::Linear, resolution);
        assert_eq!(got.buckets, want, "resolution {resolution}");
        let log = histogram(durations, Scale::Log, resolution);
        let n: u64 = log.buckets.iter().map(|b| b.2).sum();
        assert_eq!(Some(n), log.summary.map(|s| s.count));
        assert_eq!(log.buckets.len(), resolution);
    }
}

#[test]
fn one_syscall_series_equals_periodfreq() {
    let dir = tempfile::tempdir().unwrap();
    let (path, m) = short_web_trace(dir.path(), 5);
    let range = Range::of(&m, None, None);
    let mut o = Options::new(range);
    o.limit = None;
    for name in ["read", "write"] {
        let defs = period::definitions(
            &[format!(
                r#"sys : $evt.$name == "syscall_entry_{name}"
                       : $evt.$name == "syscall_exit_{name}" && $evt.tid == $begin.$evt.tid"#
            )],
            &[],
        )
        .unwrap();
        let want = periodfreq(&path, &m, &o, defs);
        assert!(
            want.iter().map(|r| r.2).sum::<u64>() >= 5,
            "{name}: {want:?}"
        );
        let a = answer(
            &m,
            range,
            LatencyKind::Syscall,
            Some(name),
            Scale::Linear,
            20,
            1,
        );
        assert_eq!(a.series.as_deref(), Some(name));
        assert_eq!(a.hist.buckets, want, "{name}");
        // Each non-empty bucket lists its slowest call.
        for (b, list) in a.hist.buckets.iter().zip(&a.instances) {
            assert_eq!(list.len(), usize::from(b.2 > 0));
            assert!(list.iter().all(|x| x.what.starts_with(name)));
        }
    }
}
