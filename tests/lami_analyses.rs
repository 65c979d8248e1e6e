//! LAMI 1.0 for every analysis command: `--mi-version`, `--metadata` and `--mi` documents
//! validated against lami.md's object model (with Trace Compass's stricter rules), nothing
//! on stderr in the version/metadata/compatibility phases, `--begin/--end` in both
//! spellings, `--limit unlimited`, progress lines, and the error object with a non-zero exit.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

use lttng_tui::analysis::registry::ALL;
use lttng_tui::lami::validate::{validate_metadata, validate_results};
use serde_json::Value;

const PERIOD: &str = r#"request : $evt.$name == "syscall_exit_accept4" && $evt.procname == "apache2" : $evt.pid == $begin.$evt.pid && $evt.$name == "syscall_entry_close" && $evt.fd == $begin.$evt.ret"#;
const SUB: &str = r#"db(request) : $evt.$name == "syscall_exit_socket" && $evt.tid == $parent.$begin.$evt.tid : $evt.$name == "syscall_entry_close" && $evt.fd == 13 && $evt.tid == $begin.$evt.tid"#;

fn run(cache: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lttng-tui"))
        .args(args)
        .env("TZ", "UTC")
        .env("XDG_CACHE_HOME", cache)
        .output()
        .unwrap()
}

fn json_of(out: &Output) -> Value {
    let text = String::from_utf8_lossy(&out.stdout);
    let start = text.find('{').expect("a JSON object");
    serde_json::from_str(&text[start..]).unwrap()
}

fn trace(dir: &Path) -> String {
    let mut cfg = lttng_tui::r#gen::GenConfig::new(lttng_tui::r#gen::ScenarioKind::Web, dir);
    cfg.seed = 2;
    cfg.duration_ns = Some(1_500_000_000);
    lttng_tui::r#gen::generate(&cfg, &mut |_| {}).unwrap();
    dir.join("kernel").to_string_lossy().into_owned()
}

#[test]
fn every_command_speaks_lami() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let path = trace(&dir.path().join("t"));
    for kind in ALL {
        let name = kind.name();
        let v = run(&cache, &[name, "--mi-version"]);
        assert!(
            v.status.success() && v.stderr.is_empty(),
            "{name} --mi-version"
        );
        assert_eq!(String::from_utf8_lossy(&v.stdout).trim(), "1.0");
        let meta = run(&cache, &[name, "--metadata"]);
        assert!(
            meta.status.success() && meta.stderr.is_empty(),
            "{name} --metadata"
        );
        let meta = json_of(&meta);
        assert_eq!(
            validate_metadata(&meta),
            Vec::<String>::new(),
            "{name} metadata"
        );
        let compat = run(&cache, &[name, "--test-compatibility", &path]);
        assert!(compat.status.success() && compat.stderr.is_empty() && compat.stdout.is_empty());
        let mut args = vec![name, "--mi", "--limit", "unlimited"];
        if name.starts_with("period") {
            args.extend([
                "--period",
                PERIOD,
                "--period",
                SUB,
                "--period-captures",
                "request : fd = $evt.ret",
            ]);
        }
        args.push(&path);
        let out = run(&cache, &args);
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let doc = json_of(&out);
        assert_eq!(
            validate_results(&doc, &meta),
            Vec::<String>::new(),
            "{name} results"
        );
        let tables = doc["results"].as_array().unwrap();
        assert!(
            !tables.is_empty() || name == "memtop" || name == "schedfreq",
            "{name}: no table"
        );
    }
}

#[test]
fn protocol_details() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let path = trace(&dir.path().join("t"));
    // Trace Compass's spelling: progress, then --begin/--end as separate tokens.
    let full = json_of(&run(&cache, &["cputop", "--mi", &path]));
    let range = &full["results"][0]["time-range"];
    let (b, e) = (
        range["begin"]["value"].as_i64().unwrap(),
        range["end"]["value"].as_i64().unwrap(),
    );
    let mid = (b + (e - b) / 2).to_string();
    let out = run(
        &cache,
        &[
            "cputop",
            "--output-progress",
            "--begin",
            &b.to_string(),
            "--end",
            &mid,
            "--mi",
            &path,
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().next().unwrap();
    let fraction = |l: &str| l.split(' ').next().and_then(|v| v.parse::<f64>().ok());
    assert_eq!(fraction(first), Some(0.0), "progress line first: {first}");
    assert!(
        text.lines().any(|l| fraction(l) == Some(1.0)),
        "final progress line"
    );
    let half = json_of(&out);
    assert_eq!(
        half["results"][0]["time-range"]["end"]["value"]
            .as_i64()
            .unwrap()
            .to_string(),
        mid
    );
    // `--x=v` spelling gives the same document.
    let eq = run(
        &cache,
        &[
            "cputop",
            &format!("--begin={b}"),
            &format!("--end={mid}"),
            "--mi",
            &path,
        ],
    );
    assert_eq!(json_of(&eq), half);
    // --limit N caps the top tables.
    let lim = json_of(&run(&cache, &["cputop", "--mi", "--limit=2", &path]));
    assert_eq!(lim["results"][0]["data"].as_array().unwrap().len(), 2);
    // --limit 0 is unlimited (as lttng-analyses' cputop takes it).
    let all = json_of(&run(&cache, &["cputop", "--mi", "--limit=0", &path]));
    assert_eq!(all, full);
    // The deprecated --period-begin options describe an ordinary period.
    let legacy = [
        "--period-begin",
        "syscall_entry_read",
        "--period-end",
        "syscall_exit_read",
        "--period-begin-key",
        "tid",
        "--period-end-key",
        "tid",
    ];
    let old = run(
        &cache,
        &[&["periodstats", "--mi"][..], &legacy, &[&path]].concat(),
    );
    let new = run(
        &cache,
        &[
            "periodstats",
            "--mi",
            "--period",
            r#": $evt.$name == "syscall_entry_read" : $evt.$name == "syscall_exit_read" && $evt.tid == $begin.$evt.tid"#,
            &path,
        ],
    );
    assert_eq!(json_of(&old), json_of(&new));
    assert!(
        json_of(&new)["results"][0]["data"][0][1]["value"]
            .as_u64()
            .unwrap()
            > 0
    );
    // Errors: the error object on stdout, non-zero exit.
    let bad = run(&cache, &["cputop", "--mi", "/nonexistent/trace"]);
    assert!(!bad.status.success());
    assert!(
        json_of(&bad)["error-message"]
            .as_str()
            .unwrap()
            .starts_with("Error: ")
    );
    let bad = run(
        &cache,
        &["periodlog", "--mi", "--period", "x : $evt.$name = 1", &path],
    );
    assert!(!bad.status.success());
    let msg = json_of(&bad)["error-message"].as_str().unwrap().to_owned();
    assert!(msg.contains("column 16"), "{msg}");
    let compat = run(&cache, &["cputop", "--test-compatibility", "/nonexistent"]);
    assert!(!compat.status.success() && compat.stderr.is_empty());
}
