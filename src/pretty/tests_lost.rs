//! Discarded events and packets: the stderr warning line.

use std::path::{Path, PathBuf};

use crate::ctf::ir::{EnvValue, TraceClass};
use crate::ctf::message::{LostKind, LostRecord, Message, StreamRef};

use super::PrettyPrinter;
use super::lost::normalize;
use super::tests::*;

const T0: i64 = 1_000_000_000_000;

fn lost_trace(hostname: Option<&str>, uuid: bool) -> TraceClass {
    let env: Vec<(&str, EnvValue)> = hostname
        .map(|h| ("hostname", EnvValue::Str(h.to_owned())))
        .into_iter()
        .collect();
    let mut tc = trace_class(&env, stream_class(None, vec![]), 1000);
    if !uuid {
        tc.uuid = None;
    }
    tc
}

struct Lost<'a> {
    trace_path: &'a Path,
    stream_path: &'a Path,
    instance: Option<u64>,
    kind: LostKind,
    count: Option<u64>,
    range: Option<(i64, i64)>,
}

/// Prints one discarded-items message; returns (stdout, stderr).
fn print_lost(p: &mut PrettyPrinter, tc: &TraceClass, l: &Lost<'_>) -> (String, String) {
    let rec = LostRecord {
        stream: StreamRef {
            trace_path: l.trace_path,
            stream_instance_id: l.instance,
            ..stream_ref(tc, l.stream_path)
        },
        kind: l.kind,
        count: l.count,
        begin: l.range.map(|r| ts(r.0)),
        end: l.range.map(|r| ts(r.1)),
    };
    let out = write_captured(p, &Message::Lost(rec));
    (String::from_utf8_lossy(&out).into_owned(), stderr_of())
}

#[test]
fn discarded_events_and_packets() {
    // Fixture `lost`, stderr lines 1 to 4.
    let tc = lost_trace(Some("lhost"), true);
    let mut p = gmt_printer();
    let trace = Path::new("/tmp/ptest/lost");
    let (chan0, chan1) = (trace.join("chan_0"), trace.join("chan_1"));
    let cases = [
        (&chan0, 3, LostKind::Events, 1, (150, 350)),
        (&chan1, 7, LostKind::Packets, 1, (160, 260)),
        (&chan0, 3, LostKind::Events, 20, (350, 550)),
        (&chan0, 3, LostKind::Packets, 2, (350, 450)),
    ];
    let mut err = String::new();
    for (stream, id, kind, count, (b, e)) in cases {
        let l = Lost {
            trace_path: trace,
            stream_path: stream,
            instance: Some(id),
            kind,
            count: Some(count),
            range: Some((T0 + b, T0 + e)),
        };
        let (out, e) = print_lost(&mut p, &tc, &l);
        assert_eq!(out, "", "bt2 writes these warnings to stderr only");
        err += &e;
    }
    let expected = "\
WARNING: Tracer discarded 1 event between [00:16:40.000000150] and [00:16:40.000000350] in trace \"lhost\" (UUID: 10111213-1415-1617-1819-1a1b1c1d1e1f) within stream \"/tmp/ptest/lost/chan_0\" (stream class ID: 0, stream ID: 3).
WARNING: Tracer discarded 1 packet between [00:16:40.000000160] and [00:16:40.000000260] in trace \"lhost\" (UUID: 10111213-1415-1617-1819-1a1b1c1d1e1f) within stream \"/tmp/ptest/lost/chan_1\" (stream class ID: 0, stream ID: 7).
WARNING: Tracer discarded 20 events between [00:16:40.000000350] and [00:16:40.000000550] in trace \"lhost\" (UUID: 10111213-1415-1617-1819-1a1b1c1d1e1f) within stream \"/tmp/ptest/lost/chan_0\" (stream class ID: 0, stream ID: 3).
WARNING: Tracer discarded 2 packets between [00:16:40.000000350] and [00:16:40.000000450] in trace \"lhost\" (UUID: 10111213-1415-1617-1819-1a1b1c1d1e1f) within stream \"/tmp/ptest/lost/chan_0\" (stream class ID: 0, stream ID: 3).
";
    assert_eq!(err, expected);
}

#[test]
fn unknown_range_no_uuid_no_hostname() {
    // conformance/succeed/ev-disc-no-ts-begin-end, stderr line 1: no clock, no UUID, no
    // hostname (empty trace name), no stream instance ID (streams numbered from 0).
    let tc = lost_trace(None, false);
    let trace = Path::new("/work/shared/traces/conformance/succeed/ev-disc-no-ts-begin-end");
    let l = Lost {
        trace_path: trace,
        stream_path: &trace.join("stream"),
        instance: None,
        kind: LostKind::Events,
        count: Some(17),
        range: None,
    };
    let (_, err) = print_lost(&mut gmt_printer(), &tc, &l);
    assert_eq!(
        err,
        "WARNING: Tracer discarded 17 events (unknown time range) in trace \"\" (no UUID) within stream \"/work/shared/traces/conformance/succeed/ev-disc-no-ts-begin-end/stream\" (stream class ID: 0, stream ID: 0).\n"
    );
    // Unknown count (from babeltrace2's source; no trace at hand produces it).
    let l = Lost {
        count: None,
        kind: LostKind::Packets,
        ..l
    };
    let (_, err) = print_lost(&mut gmt_printer(), &tc, &l);
    assert!(err.starts_with(
        "WARNING: Tracer may have discarded packets (unknown time range) in trace \"\""
    ));
}

#[test]
fn trace_name_gets_the_path_below_the_input() {
    // `babeltrace2 --clock-gmt conformance/succeed/multi-domains`, stderr: the trace found in
    // `kernel/` below the given path is named "joraj-alpa/kernel"; given directly, the same
    // trace is named "joraj-alpa".
    let mut tc = lost_trace(Some("joraj-alpa"), true);
    tc.uuid = Some([
        0x83, 0x0f, 0x21, 0x29, 0x77, 0xd5, 0xcb, 0x4e, 0x90, 0xcf, 0xb0, 0x75, 0x4d, 0x8c, 0xe8,
        0x89,
    ]);
    tc.clocks[0].offset_s = 0;
    let root = PathBuf::from("/work/shared/traces/conformance/succeed/multi-domains");
    let trace = root.join("kernel");
    let l = Lost {
        trace_path: &trace,
        stream_path: &trace.join("kernel_channel_0"),
        instance: Some(0),
        kind: LostKind::Events,
        count: Some(728),
        range: Some((1_430_507_762_352_676_346, 1_430_507_793_426_663_981)),
    };
    let tail = " (UUID: 830f2129-77d5-cb4e-90cf-b0754d8ce889) within stream \"/work/shared/traces/conformance/succeed/multi-domains/kernel/kernel_channel_0\" (stream class ID: 0, stream ID: 0).\n";
    let head = "WARNING: Tracer discarded 728 events between [19:16:02.352676346] and [19:16:33.426663981] in trace";
    let mut p = gmt_printer();
    p.set_input_root(Some(root));
    assert_eq!(
        print_lost(&mut p, &tc, &l).1,
        format!("{head} \"joraj-alpa/kernel\"{tail}")
    );
    let mut p = gmt_printer();
    p.set_input_root(Some(trace.clone()));
    assert_eq!(
        print_lost(&mut p, &tc, &l).1,
        format!("{head} \"joraj-alpa\"{tail}")
    );
}

#[test]
fn negative_time_warning_comes_first() {
    let mut tc = lost_trace(Some("h"), true);
    tc.clocks[0].offset_s = 0;
    let l = Lost {
        trace_path: Path::new("/t"),
        stream_path: Path::new("/t/s"),
        instance: Some(1),
        kind: LostKind::Events,
        count: Some(2),
        range: Some((-1_500_000_000, -500_000_000)),
    };
    let (_, err) = print_lost(&mut gmt_printer(), &tc, &l);
    let expected = "[warning] Fallback to [sec.ns] to print negative time value. Use --clock-seconds.\n\
        WARNING: Tracer discarded 2 events between [-1.500000000] and [00:00:00.500000000] in trace \"h\" (UUID: 10111213-1415-1617-1819-1a1b1c1d1e1f) within stream \"/t/s\" (stream class ID: 0, stream ID: 1).\n";
    assert_eq!(err, expected);
}

#[test]
fn stream_paths_are_normalized_lexically() {
    let cwd = std::env::current_dir().expect("cwd");
    assert_eq!(normalize(Path::new("a/./b/../c")), cwd.join("a/c"));
    assert_eq!(
        normalize(Path::new("/x/../../y/./z/")),
        PathBuf::from("/y/z")
    );
}
