//! The generator is deterministic: the same seed and options give identical bytes (including
//! `uniform`, whose CPU groups run on several threads), another seed gives another trace.

// Test code: a panic is how a failure is reported.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::Path;

use lttng_tui::r#gen::{GenConfig, ScenarioKind, generate};
use sha2::{Digest, Sha256};

/// SHA-256 of every file under `dir`, by relative path.
fn digests(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().display().to_string();
                let hash = Sha256::digest(std::fs::read(&p).unwrap());
                out.insert(rel, hash.iter().map(|b| format!("{b:02x}")).collect());
            }
        }
    }
    out
}

fn make(dir: &Path, scenario: ScenarioKind, seed: u64) -> BTreeMap<String, String> {
    let mut cfg = GenConfig::new(scenario, dir);
    cfg.seed = seed;
    cfg.cpus = 6;
    cfg.discard_rate = 0.1;
    match scenario {
        ScenarioKind::Web => cfg.duration_ns = Some(4_000_000_000),
        ScenarioKind::Uniform => cfg.max_events = Some(400_000),
    }
    generate(&cfg, &mut |_| {}).unwrap();
    digests(dir)
}

#[test]
fn same_seed_same_bytes() {
    for scenario in [ScenarioKind::Web, ScenarioKind::Uniform] {
        let (a, b, c) = (
            tempfile::tempdir().unwrap(),
            tempfile::tempdir().unwrap(),
            tempfile::tempdir().unwrap(),
        );
        let da = make(a.path(), scenario, 42);
        assert!(da.len() >= 2 + 6 * 2, "files: {da:?}");
        assert_eq!(da, make(b.path(), scenario, 42), "{scenario:?}");
        let dc = make(c.path(), scenario, 43);
        assert_ne!(da.get("kernel/channel0_0"), dc.get("kernel/channel0_0"));
    }
}

#[test]
fn regenerating_replaces_the_previous_trace() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = GenConfig::new(ScenarioKind::Uniform, dir.path());
    cfg.cpus = 4;
    cfg.max_events = Some(50_000);
    generate(&cfg, &mut |_| {}).unwrap();
    cfg.cpus = 2;
    generate(&cfg, &mut |_| {}).unwrap();
    assert!(!dir.path().join("kernel/channel0_3").exists());
    std::fs::remove_dir_all(dir.path().join("kernel")).unwrap();
    std::fs::create_dir_all(dir.path().join("kernel/other")).unwrap();
    assert!(
        generate(&cfg, &mut |_| {}).is_err(),
        "must not delete a directory that is not a trace"
    );
}
