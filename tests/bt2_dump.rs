//! `dump --reader bt2` prints exactly what `dump --reader native` prints (`bt2` feature): on
//! every corpus trace babeltrace2 reads without error and on generated traces, the two
//! outputs are equal byte for byte (the native output is babeltrace2's own text, see
//! `tests/dump_oracle.rs`). The bt2 path formats the reader-independent events
//! (`source::text`), so this also proves that formatter.
#![cfg(feature = "bt2")]
#![allow(clippy::unwrap_used)] // tests fail loudly by design

mod bt2_support;
mod common;

use std::path::Path;

use bt2_support::{AGREED, corpus_traces, short};
use common::{first_difference, generated_traces, lttng_tui, traces_dir};

/// `Some(lines)` when both readers print the same, `None` when babeltrace2 cannot read the
/// trace; panics with the first difference otherwise.
fn compare(path: &Path, name: &str) -> Option<usize> {
    let p = path.to_str().unwrap();
    let bt2 = lttng_tui(&["dump", "--clock-gmt", "--reader", "bt2", p]);
    if !bt2.status.success() {
        let stderr = String::from_utf8_lossy(&bt2.stderr);
        eprintln!(
            "{name}: babeltrace2 cannot read it, not compared ({})",
            stderr.lines().last().unwrap_or("")
        );
        return None;
    }
    let native = lttng_tui(&["dump", "--clock-gmt", "--reader", "native", p]);
    assert!(native.status.success(), "{name}: native dump failed");
    assert!(
        native.stdout == bt2.stdout,
        "{name}: {}",
        first_difference(&native.stdout, &bt2.stdout)
    );
    Some(bytecount_lines(&native.stdout))
}

fn bytecount_lines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

#[test]
fn dump_bt2_equals_dump_native_on_the_corpus() {
    let Some(root) = traces_dir() else { return };
    let mut compared = 0;
    let mut lines = 0;
    for path in corpus_traces(&root) {
        let name = short(&root, &path);
        match compare(&path, &name) {
            Some(n) => {
                compared += 1;
                lines += n;
            }
            None => assert!(
                !AGREED.contains(&name.as_str()),
                "babeltrace2 reads {name}, yet `dump --reader bt2` failed"
            ),
        }
    }
    assert!(compared >= 25, "only {compared} traces compared");
    assert!(lines > 500_000, "only {lines} lines compared");
}

#[test]
fn dump_bt2_equals_dump_native_on_generated_traces() {
    let tmp = tempfile::tempdir().unwrap();
    for (case, trace) in generated_traces(tmp.path()) {
        let lines = compare(&trace, &case);
        assert!(
            lines.is_some_and(|n| n > 10_000),
            "{case}: {lines:?} lines compared"
        );
    }
}
