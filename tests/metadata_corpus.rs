//! The metadata parser against the real traces under `$LTTNG_TUI_TRACES`.
#![allow(clippy::unwrap_used)] // tests fail loudly by design

use std::path::{Path, PathBuf};

use lttng_tui::ctf::metadata::parse_metadata_file;

fn traces_dir() -> Option<PathBuf> {
    match std::env::var_os("LTTNG_TUI_TRACES") {
        Some(d) => Some(PathBuf::from(d)),
        None => {
            println!("LTTNG_TUI_TRACES unset, skipping");
            None
        }
    }
}

/// Every file named `metadata` under `dir`.
fn metadata_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            metadata_files(&p, out);
        } else if p.file_name().is_some_and(|n| n == "metadata") {
            out.push(p);
        }
    }
}

#[test]
fn every_good_metadata_parses() {
    let Some(root) = traces_dir() else { return };
    let mut files = Vec::new();
    for sub in ["kernel", "ust", "other", "conformance/succeed"] {
        metadata_files(&root.join(sub), &mut files);
    }
    assert!(
        files.len() > 40,
        "only {} metadata files found",
        files.len()
    );
    let mut failures = Vec::new();
    for f in &files {
        if let Err(e) = parse_metadata_file(f) {
            failures.push(e.to_string());
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
