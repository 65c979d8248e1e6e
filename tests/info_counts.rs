//! `info --json` gives the event counts everyone agrees on (corpus README), including on
//! traces babeltrace2 2.0.4 fails to read.
#![allow(clippy::unwrap_used)] // tests fail loudly by design

mod common;

use common::{lttng_tui, traces_dir};

/// (trace, events, discarded events) from the corpus README.
const AGREED: &[(&str, u64, u64)] = &[
    ("kernel/many-threads", 240_644, 0),
    ("kernel/flipping-endianness", 14_310, 0),
    ("kernel/scp-src", 110_771, 0),
    ("kernel/scp-dest", 85_729, 0),
    ("ust/memory", 328_056, 0),
    ("ust/hello-lost", 32_300, 967_700),
    ("other/funky_trace", 100_002, 0),
    ("other/perf-taskset2", 1_500, 0),
    (
        "conformance/succeed/lttng-tracefile-rotation/kernel",
        12_305,
        0,
    ),
    // The README leaves discarded blank here; babeltrace2 reports 728 discarded kernel events.
    ("conformance/succeed/multi-domains", 4_272, 728),
    ("conformance/succeed/trace-with-index", 4_000, 0),
    ("conformance/succeed/succeed1", 7_809, 0),
    ("conformance/succeed/lttng-crash", 400, 0),
];

#[test]
fn info_json_gives_agreed_counts() {
    let Some(root) = traces_dir() else { return };
    let mut failures = Vec::new();
    for (trace, events, discarded) in AGREED {
        let out = lttng_tui(&["info", "--json", root.join(trace).to_str().unwrap()]);
        let json: serde_json::Value = match serde_json::from_slice(&out.stdout) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!(
                    "{trace}: no JSON ({e}): {}",
                    String::from_utf8_lossy(&out.stderr)
                ));
                continue;
            }
        };
        let got = (json["events"].as_u64(), json["discarded_events"].as_u64());
        if got != (Some(*events), Some(*discarded)) {
            failures.push(format!(
                "{trace}: got {got:?}, want ({events}, {discarded}); errors {}",
                json["errors"]
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn info_json_has_the_documented_shape() {
    let Some(root) = traces_dir() else { return };
    let out = lttng_tui(&[
        "info",
        "--json",
        root.join("conformance/succeed/multi-domains")
            .to_str()
            .unwrap(),
    ]);
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["traces"].as_array().unwrap().len(), 2);
    let domains: Vec<_> = json["traces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["domain"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(domains, ["kernel", "ust"]);
    let per_trace: Vec<_> = json["traces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["events"].as_u64().unwrap())
        .collect();
    assert_eq!(per_trace, [272, 4000]);
    assert!(json["begin_ns"].as_i64().unwrap() < json["end_ns"].as_i64().unwrap());
    assert!(json["streams"].as_u64().unwrap() >= 2);
}
