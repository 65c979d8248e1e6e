//! Time and delta columns: negative, huge and unconvertible times, the delta's quirks, and
//! local zones.

use std::path::Path;

use crate::ctf::message::Timestamp;
use crate::ctf::value::Value::{Struct, UInt};

use super::PrettyPrinter;
use super::tests::*;
use super::tz::LocalZone;
use super::tzrule::PosixTz;

/// Fixture shape of `negtime`, `bigtime`, `edgetime`: one event `t` with `{ i = N }`.
fn t_trace() -> crate::ctf::ir::TraceClass {
    let sc = stream_class(
        Some(lttng_packet_context(vec![])),
        vec![event_class(0, "t", Some(st(vec![member("i", u8t())])))],
    );
    trace_class(&[], sc, 0)
}

/// Prints one `t` event per time and returns stdout's lines.
fn print_times(p: &mut PrettyPrinter, times: &[Option<i64>]) -> Vec<String> {
    let tc = t_trace();
    let packet = lttng_packet_values(0, &[]);
    times
        .iter()
        .enumerate()
        .map(|(i, ns)| {
            let payload = [Struct, UInt(i as u64)];
            let scopes = Scopes {
                packet: Some(&packet),
                payload: Some(&payload),
                ..Scopes::default()
            };
            let time = Timestamp {
                cycles: 0,
                ns_from_origin: *ns,
            };
            print_event(p, &tc, 0, Some(time), &scopes)
        })
        .collect()
}

/// The time and delta columns of each line.
fn columns(lines: &[String]) -> Vec<&str> {
    lines
        .iter()
        .map(|l| l.split(" t: ").next().unwrap_or(""))
        .collect()
}

#[test]
fn negative_times() {
    // Fixture `negtime` (clock offset -10.0000005 s), lines 1 to 9 and its stderr.
    let base = -10_000_000_500i64;
    let cycles = [
        0,
        5,
        1_000_000_000,
        9_999_999_000,
        10_000_000_499,
        10_000_000_500,
        10_000_000_501,
        11_500_000_000,
        100_000_000_000,
    ];
    let times: Vec<Option<i64>> = cycles.iter().map(|c| Some(base + c)).collect();
    let mut p = gmt_printer();
    let lines = print_times(&mut p, &times);
    assert_eq!(
        columns(&lines),
        [
            "[-10.000000500] (+?.?????????)",
            // Later negative times: time of day of the absolute value.
            "[00:00:10.000000495] (+0.000000005)",
            "[00:00:09.000000500] (+0.999999995)",
            "[00:00:00.000001500] (+8.999999000)",
            // -1 ns is bt2's "no previous time": the next delta is not updated.
            "[00:00:00.000000001] (+0.000001499)",
            "[00:00:00.000000000] (+0.000001499)",
            "[00:00:00.000000001] (+0.000000001)",
            "[00:00:01.499999500] (+1.499999499)",
            "[00:01:29.999999500] (+88.500000000)",
        ]
    );
    assert_eq!(
        lines[0],
        "[-10.000000500] (+?.?????????) t: { cpu_id = 0 }, { i = 0 }\n"
    );
    assert_eq!(
        stderr_of(),
        "[warning] Fallback to [sec.ns] to print negative time value. Use --clock-seconds.\n"
    );
}

#[test]
fn huge_times_and_deltas() {
    // Fixture `bigtime` (offset 9e9 s + 999999999 cycles), lines 1 to 3: a backward step
    // gives a wrapped (huge) unsigned delta... here a forward one of a day minus 1 ns.
    let base = 9_000_000_000_999_999_999i64;
    let times = [Some(base), Some(base + 1), Some(base + 86_400_000_000_000)];
    assert_eq!(
        columns(&print_times(&mut gmt_printer(), &times)),
        [
            "[16:00:00.999999999] (+?.?????????)",
            "[16:00:01.000000000] (+0.000000001)",
            "[16:00:00.999999999] (+86399.999999999)",
        ]
    );
    // Fixture `edgetime`, lines 1 to 3: 0, 1e18 and 9e18 ns.
    let times = [
        Some(0),
        Some(1_000_000_000_000_000_000),
        Some(9_000_000_000_000_000_000),
    ];
    assert_eq!(
        columns(&print_times(&mut gmt_printer(), &times)),
        [
            "[00:00:00.000000000] (+?.?????????)",
            "[01:46:40.000000000] (+1000000000.000000000)",
            "[16:00:00.000000000] (+8000000000.000000000)",
        ]
    );
}

#[test]
fn extreme_and_backward_times() {
    // Not from bt2 output: derived from its arithmetic (i64 ns, C division, unsigned delta).
    let times = [Some(i64::MAX), Some(0), None, Some(5), Some(i64::MIN)];
    let mut p = gmt_printer();
    assert_eq!(
        columns(&print_times(&mut p, &times)),
        [
            "[23:47:16.854775807] (+?.?????????)",
            "[00:00:00.000000000] (+9223372036.854775809)",
            // A time the clock cannot convert prints `Error` and leaves the state alone.
            "[Error] (+9223372036.854775809)",
            "[00:00:00.000000005] (+0.000000005)",
            "[-9223372036.854775808] (+9223372036.854775803)",
        ]
    );
    assert!(stderr_of().starts_with("[warning] Fallback"));
}

#[test]
fn local_zones_from_posix_strings() {
    // babeltrace2 without --clock-gmt on fixture `bigtime` (year 2255), line 1, with
    // TZ=JST-9, TZ='<+0330>-3:30', TZ=EST5EDT (rule applied beyond 2037), TZ='' (UTC).
    let base = 9_000_000_000_999_999_999i64;
    let zones = [
        (LocalZone::from_tz(Some("JST-9")), "[01:00:00.999999999]"),
        (
            LocalZone::from_tz(Some("<+0330>-3:30")),
            "[19:30:00.999999999]",
        ),
        (LocalZone::from_tz(Some("")), "[16:00:00.999999999]"),
    ];
    for (zone, expected) in zones {
        let mut p = PrettyPrinter::with_zone(Some(zone));
        assert!(
            print_times(&mut p, &[Some(base)])[0].starts_with(expected),
            "{expected}"
        );
    }
    let rule = PosixTz::parse("EST5EDT,M3.2.0,M11.1.0").expect("valid rule");
    let mut p = PrettyPrinter::with_zone(Some(LocalZone::from_rule(rule)));
    assert!(print_times(&mut p, &[Some(base)])[0].starts_with("[12:00:00.999999999]"));
}

#[test]
fn local_zones_from_zone_files() {
    // babeltrace2 without --clock-gmt, TZ=<zone>: kernel/many-threads line 1 (March 2016),
    // ust/memory line 1 (November 2015), fixture `bigtime` line 1 (2255, footer rule).
    let cases = [
        (
            "Europe/Paris",
            1_457_113_582_794_565_804i64,
            "[18:46:22.794565804]",
        ),
        (
            "America/New_York",
            1_457_113_582_794_565_804,
            "[12:46:22.794565804]",
        ),
        (
            "Australia/Sydney",
            1_457_113_582_794_565_804,
            "[04:46:22.794565804]",
        ),
        (
            "Australia/Sydney",
            1_448_652_394_359_148_425,
            "[06:26:34.359148425]",
        ),
        (
            "America/New_York",
            1_448_652_394_359_148_425,
            "[14:26:34.359148425]",
        ),
        (
            "Europe/Paris",
            9_000_000_000_999_999_999,
            "[17:00:00.999999999]",
        ),
        (
            "America/New_York",
            9_000_000_000_999_999_999,
            "[12:00:00.999999999]",
        ),
    ];
    for (name, ns, expected) in cases {
        if !Path::new("/usr/share/zoneinfo").join(name).exists() {
            continue; // No tzdata on this machine.
        }
        let mut p = PrettyPrinter::with_zone(Some(LocalZone::from_tz(Some(name))));
        let line = &print_times(&mut p, &[Some(ns)])[0];
        assert!(line.starts_with(expected), "{name}: {line}");
    }
}
