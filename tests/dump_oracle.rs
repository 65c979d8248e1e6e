//! `dump --clock-gmt` is byte-for-byte babeltrace2's text output: checked against the
//! checksums agreed in the corpus README, and against babeltrace2 itself on every other
//! conformance trace it reads.
#![allow(clippy::unwrap_used)] // tests fail loudly by design

mod common;

use common::{
    first_difference, generated_traces, has_babeltrace2, lttng_tui, sha256_hex, traces_dir,
};

/// sha256 of `TZ=UTC babeltrace2 --clock-gmt TRACE` (babeltrace2 2.0.4), from the corpus README.
const AGREED: &[(&str, &str)] = &[
    (
        "kernel/many-threads",
        "605ef92a5ee9312d23864b71d01c2f10b8bbf2acc8ac8e8e447e04c15c2309f1",
    ),
    (
        "kernel/flipping-endianness",
        "7d247ee914603f4f1ab3ec77f8f9ce38a1fb7141922684eea76bcee89aee09e7",
    ),
    (
        "ust/memory",
        "c22f1a2993b8650574a5294deae810512eb12aa26c3432f8765aa55ca5a63da6",
    ),
    (
        "other/perf-taskset2",
        "f44d6d46f4295442fe28d84bf26e65b0caa5c9daff1ea7cc7d30043f39888f05",
    ),
    (
        "conformance/succeed/lttng-tracefile-rotation/kernel",
        "5c9773840ddc4f94f5837ad3afe20ec23fd0238ebc1f24e879bbb70e773e84cd",
    ),
    (
        "conformance/succeed/multi-domains/kernel",
        "80a852d72859f23e2a643b3bf0355e45f888f64860ef28e1c598e0f764809207",
    ),
    (
        "conformance/succeed/multi-domains/ust",
        "a99ba365d99daea8060cd9f9215a365a7864311edbbb93531f1640e9b04d9c73",
    ),
    (
        "conformance/succeed/trace-with-index",
        "991388ce42ed60682ca95730af48afabf34fffddad780965cdacd91fafb6daa7",
    ),
    (
        "conformance/succeed/succeed1",
        "8d7b996be052ef3fe22c8e920434b0408c686367a6e28a9e4e2a6a8a4e28356d",
    ),
    (
        "conformance/succeed/lttng-crash",
        "c91024cecfa7912e9aeebb44a0a8bd505e7bb02dbb6246b31c432eaa804ab345",
    ),
];

#[test]
fn dump_matches_agreed_checksums() {
    let Some(root) = traces_dir() else { return };
    let mut failures = Vec::new();
    for (trace, expected) in AGREED {
        let path = root.join(trace);
        let out = lttng_tui(&["dump", "--clock-gmt", path.to_str().unwrap()]);
        let got = sha256_hex(&out.stdout);
        if got != *expected || !out.status.success() {
            failures.push(format!(
                "{trace}: sha256 {got} (want {expected}), exit {:?}, stderr: {}",
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
                    .lines()
                    .next()
                    .unwrap_or("")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "dump differs from babeltrace2:\n{}",
        failures.join("\n")
    );
}

#[test]
fn dump_matches_babeltrace2_on_conformance_traces() {
    let Some(root) = traces_dir() else { return };
    if !has_babeltrace2() {
        eprintln!("babeltrace2 not installed, skipping");
        return;
    }
    let dir = root.join("conformance/succeed");
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    let mut compared = 0;
    let mut failures = Vec::new();
    for path in entries {
        let theirs = std::process::Command::new("babeltrace2")
            .arg("--clock-gmt")
            .arg(&path)
            .env("TZ", "UTC")
            .output()
            .unwrap();
        if !theirs.status.success() {
            // babeltrace2 refuses it (meta-ctx-sequence aborts): nothing to compare with.
            continue;
        }
        compared += 1;
        let ours = lttng_tui(&["dump", "--clock-gmt", path.to_str().unwrap()]);
        if ours.stdout != theirs.stdout {
            failures.push(format!(
                "{}: {}",
                path.display(),
                first_difference(&ours.stdout, &theirs.stdout)
            ));
        }
    }
    assert!(compared >= 20, "only {compared} traces compared");
    assert!(
        failures.is_empty(),
        "{} traces differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Generated traces (issue: trace generator) print exactly as babeltrace2 prints them,
/// discarded-events warnings included.
#[test]
fn dump_matches_babeltrace2_on_generated_traces() {
    if !has_babeltrace2() {
        eprintln!("babeltrace2 not installed, skipping");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    for (case, trace) in generated_traces(tmp.path()) {
        let theirs = std::process::Command::new("babeltrace2")
            .arg("--clock-gmt")
            .arg(&trace)
            .env("TZ", "UTC")
            .output()
            .unwrap();
        assert!(theirs.status.success(), "babeltrace2 refuses {case}");
        let ours = lttng_tui(&["dump", "--clock-gmt", trace.to_str().unwrap()]);
        assert!(ours.status.success());
        assert!(
            ours.stdout == theirs.stdout,
            "{case}: {}",
            first_difference(&ours.stdout, &theirs.stdout)
        );
        assert_eq!(
            String::from_utf8_lossy(&ours.stderr),
            String::from_utf8_lossy(&theirs.stderr),
            "{case}: warnings differ"
        );
    }
}
