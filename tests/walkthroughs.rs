//! The README's walkthroughs, replayed on the real binary in tmux.
//!
//! Each `## Walkthrough: PROBLEM` section of the README names the command that opens the demo
//! and, in a ```` ```keys ```` block, the keys a user types once the trace is indexed. This
//! test reads those sections (so the README cannot drift from what works), starts the command
//! in a 120x40 tmux session, types the keys one by one, waiting after each for the screen to
//! settle, and checks the final screen shows the planted cause. The dead-DNS walkthrough then
//! exports the request with `e` and checks the file is valid LAMI over the request's range.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

mod tui_support;

use tui_support::readme::readme_walkthroughs;
use tui_support::tmux::Tmux;

/// What the final screen of each walkthrough must show, by heading.
fn expected(heading: &str) -> &'static [&'static str] {
    match heading {
        "dead DNS server" => &["Periods › request", "select", "8.8.6.6:53", "5.000 s"],
        "CPU theft by xz" => &[
            "Periods › request",
            "wait for CPU",
            "who took the CPU",
            " xz ",
            "CPU 1",
        ],
        "core dump I/O" => &[
            "Block I/O latency: reads",
            "mysqld",
            "behind",
            "1 MiB kworker/u8:2",
        ],
        other => panic!("no expectations for the walkthrough `{other}`: add them here"),
    }
}

#[test]
fn readme_lists_the_three_walkthroughs_with_short_key_sequences() {
    let all = readme_walkthroughs();
    let headings: Vec<&str> = all.iter().map(|w| w.heading.as_str()).collect();
    assert_eq!(
        headings,
        ["dead DNS server", "CPU theft by xz", "core dump I/O"],
        "{all:?}"
    );
    for w in &all {
        assert_eq!(w.args.first().map(String::as_str), Some("demo"), "{w:?}");
        assert!(!w.keys.is_empty(), "{w:?}");
        assert!(w.keys.len() <= 8, "more than 8 keys: {w:?}");
        expected(&w.heading);
    }
}

/// Waits until the screen stops changing and no background work is announced.
fn settle(s: &Tmux) -> String {
    const BUSY: [&str; 3] = ["finding periods", "computing", "waiting for the index"];
    let start = Instant::now();
    let mut last = String::new();
    loop {
        std::thread::sleep(Duration::from_millis(250));
        let screen = s.screen();
        if screen == last && !BUSY.iter().any(|b| screen.contains(b)) {
            return screen;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "the screen never settled:\n{screen}"
        );
        last = screen;
    }
}

/// Starts `lttng-tui ARGS` in tmux with its own cache (where `demo` writes its trace) and
/// working directory (where exports go).
fn start(args: &[String], cache: &Path, cwd: &Path, tag: &str) -> Tmux {
    let cmd = format!(
        "env XDG_CACHE_HOME={} LTTNG_TUI_NO_USER_CONFIG=1 TERM=xterm-256color {} {} --clock-gmt; sleep 30",
        cache.display(),
        env!("CARGO_BIN_EXE_lttng-tui"),
        args.join(" ")
    );
    Tmux::start(&format!("walk-{tag}"), &cmd, Some(cwd), 120, 40)
}

#[test]
fn readme_walkthroughs_reach_their_causes_in_tmux() {
    if !tui_support::tmux::available() {
        eprintln!("tmux not installed: skipping the README walkthroughs");
        return;
    }
    let cache = tempfile::tempdir().unwrap();
    for (i, w) in readme_walkthroughs().iter().enumerate() {
        let cwd = tempfile::tempdir().unwrap();
        let s = start(&w.args, cache.path(), cwd.path(), &i.to_string());
        // "indexed" replaces the progress in the status line once the index is complete.
        s.wait_for(&["indexed "], Duration::from_secs(120));
        settle(&s);
        for key in &w.keys {
            s.send(key);
            settle(&s);
        }
        let screen = settle(&s);
        for want in expected(&w.heading) {
            assert!(
                screen.contains(want),
                "`{}`: after `{}` the screen lacks `{want}`:\n{screen}",
                w.heading,
                w.keys.join(" ")
            );
        }
        if w.heading == "dead DNS server" {
            check_request_export(&s, cache.path(), cwd.path());
        }
    }
}

/// `e` on the open request writes LAMI whose time range is the request's.
fn check_request_export(s: &Tmux, cache: &Path, cwd: &Path) {
    use lttng_tui::lami::{export, json::metadata_json, validate::validate_results};
    s.send("e");
    s.wait_for(&["exported to "], Duration::from_secs(60));
    let files: Vec<PathBuf> = std::fs::read_dir(cwd)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&files[0]).unwrap()).unwrap();
    let meta = metadata_json(&export::metadata());
    assert_eq!(validate_results(&doc, &meta), Vec::<String>::new());

    // The slowest request, found independently of the TUI from the same preset.
    let trace = cache.join("lttng-tui/demo/kernel");
    let session = lttng_tui::ctf::session::Session::open(&trace).unwrap();
    let model = lttng_tui::model::Builder::build_session(&session);
    let view =
        lttng_tui::config::view::load(&lttng_tui::config::Source::Builtin("web-requests".into()))
            .unwrap();
    let rows = lttng_tui::tui::periods::instances(&trace, &model, &view).unwrap();
    let slowest = rows
        .iter()
        .filter(|r| r.name == "request")
        .max_by_key(|r| r.dur())
        .unwrap();
    assert!(slowest.dur() > 5_000_000_000, "{slowest:?}");
    let tables = doc["results"].as_array().unwrap();
    assert!(!tables.is_empty());
    for t in tables {
        assert_eq!(
            t["time-range"]["begin"]["value"].as_u64(),
            Some(slowest.begin)
        );
        assert_eq!(t["time-range"]["end"]["value"].as_u64(), Some(slowest.end));
    }
}
