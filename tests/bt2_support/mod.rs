//! Shared by the `bt2` feature's tests: which corpus traces to compare the two readers on.
#![allow(clippy::unwrap_used)] // tests fail loudly by design
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The ten traces whose babeltrace2 output checksums the corpus README agrees on: babeltrace2
/// reads each of them, so each must be compared.
pub const AGREED: &[&str] = &[
    "kernel/many-threads",
    "kernel/flipping-endianness",
    "ust/memory",
    "other/perf-taskset2",
    "conformance/succeed/lttng-tracefile-rotation/kernel",
    "conformance/succeed/multi-domains/kernel",
    "conformance/succeed/multi-domains/ust",
    "conformance/succeed/trace-with-index",
    "conformance/succeed/succeed1",
    "conformance/succeed/lttng-crash",
];

/// Every trace of the corpus to try: the agreed ones, every trace directory under `kernel/`,
/// `ust/` and `other/`, and every `conformance/succeed` entry (as `tests/dump_oracle.rs`
/// walks them). Those babeltrace2 cannot read are skipped by the tests, with a note.
pub fn corpus_traces(root: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = AGREED.iter().map(|t| root.join(t)).collect();
    for dir in ["kernel", "ust", "other", "conformance/succeed"] {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        entries.sort();
        out.extend(entries);
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|p| seen.insert(p.clone()));
    out
}

/// The path relative to the corpus root, for messages.
pub fn short(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}
