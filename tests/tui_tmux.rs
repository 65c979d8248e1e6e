//! End to end: the real binary in tmux on the demo trace (`lttng-tui demo` with a private
//! cache directory). Opens it, waits for the trace facts, switches tabs, searches an event,
//! quits, and checks the captured screens. Skipped, with a note, when tmux is missing.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

mod tui_support;

use tui_support::tmux::{self, Tmux};

#[test]
fn demo_in_tmux() {
    if !tmux::available() {
        eprintln!("tmux not installed: skipping the end-to-end TUI test");
        return;
    }
    let cache = tempfile::tempdir().unwrap();
    let cmd = format!(
        "env XDG_CACHE_HOME={} LTTNG_TUI_NO_USER_CONFIG=1 TERM=xterm-256color {} demo --clock-gmt; sleep 30",
        cache.path().display(),
        env!("CARGO_BIN_EXE_lttng-tui")
    );
    let s = Tmux::start("e2e", &cmd, None, 120, 40);
    s.wait_for(
        &["estimated from", "CPU  0", " OVERVIEW "],
        Duration::from_secs(60),
    );
    // Control flow fills in from the indexer: thread rows with their TIDs.
    s.send("2");
    s.wait_for(
        &[" CONTROL FLOW ", "Threads (", "mysqld", "window"],
        Duration::from_secs(60),
    );
    s.send("5");
    // Wait for the indexer to finish first: its closing status message would otherwise
    // replace the search's on a loaded machine.
    s.wait_for(&["sched_", " EVENTS ", "indexed "], Duration::from_secs(60));
    s.send("/");
    s.type_text("block_rq_complete");
    s.send("Enter");
    let wanted = ["match for `block_rq_complete`", "block_rq_complete: {"];
    s.wait_for(&wanted, Duration::from_secs(30));
    s.send("q");
    // Back on the normal screen: the UI is gone.
    let start = Instant::now();
    loop {
        let screen = s.screen();
        if !screen.contains(" EVENTS ") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "still in the UI after q:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
