//! `lttng-tui export`: a time range of a generated `web` trace written as one LAMI results
//! file, valid against the export's metadata, every table stamped with exactly the requested
//! range, with the period tables of the `web-requests` view; bad presets fail with file and
//! line before any indexing.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

use lttng_tui::lami::export;
use lttng_tui::lami::json::metadata_json;
use lttng_tui::lami::validate::validate_results;
use serde_json::Value;

fn run(cache: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lttng-tui"))
        .args(args)
        .env("TZ", "UTC")
        .env("XDG_CACHE_HOME", cache)
        .output()
        .unwrap()
}

fn trace(dir: &Path) -> String {
    let mut cfg = lttng_tui::r#gen::GenConfig::new(lttng_tui::r#gen::ScenarioKind::Web, dir);
    cfg.seed = 3;
    cfg.duration_ns = Some(1_500_000_000);
    lttng_tui::r#gen::generate(&cfg, &mut |_| {}).unwrap();
    dir.join("kernel").to_string_lossy().into_owned()
}

#[test]
fn export_writes_valid_lami_of_the_range() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let path = trace(&dir.path().join("t"));
    let info = run(&cache, &["info", "--json", &path]);
    let info: Value = serde_json::from_slice(&info.stdout).unwrap();
    let begin = info["begin_ns"].as_i64().unwrap() + 200_000_000;
    let end = begin + 1_000_000_000;
    let out = dir.path().join("range.json");
    let r = run(
        &cache,
        &[
            "export",
            "--begin",
            &begin.to_string(),
            "--end",
            &end.to_string(),
            "--view",
            "web-requests",
            &path,
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let meta = metadata_json(&export::metadata());
    assert_eq!(validate_results(&doc, &meta), Vec::<String>::new());
    let tables = doc["results"].as_array().unwrap();
    for t in tables {
        assert_eq!(t["time-range"]["begin"]["value"].as_i64(), Some(begin));
        assert_eq!(t["time-range"]["end"]["value"].as_i64(), Some(end));
    }
    let class = |t: &Value| {
        t["class"]
            .as_str()
            .or_else(|| t["class"]["inherit"].as_str())
            .unwrap_or_default()
            .to_owned()
    };
    let classes: Vec<String> = tables.iter().map(class).collect();
    for prefix in [
        "cputop-",
        "syscallstats-",
        "iousagetop-",
        "periodtop-",
        "periodstats-",
    ] {
        assert!(
            classes.iter().any(|c| c.starts_with(prefix)),
            "{prefix} in {classes:?}"
        );
    }
    // Only the final file is left: the temporary one was renamed.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json") || n.contains(".tmp-"))
        .collect();
    assert_eq!(names, vec!["range.json".to_owned()]);
}

#[test]
fn a_bad_preset_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let view = dir.path().join("bad.toml");
    std::fs::write(
        &view,
        "description = \"x\"\n[[period]]\nname = \"a\"\nbgin = \"\"\n",
    )
    .unwrap();
    let out = dir.path().join("o.json");
    let r = run(
        dir.path(),
        &[
            "export",
            "--view",
            view.to_str().unwrap(),
            "/nonexistent",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert!(!r.status.success());
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(
        err.contains(&format!("{}:4: unknown field `bgin`", view.display())),
        "{err}"
    );
    assert!(!out.exists());
}
