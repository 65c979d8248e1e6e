//! End to end: the real binary in tmux on the demo trace (`lttng-tui demo` with a private
//! cache directory). Opens it, waits for the trace facts, switches tabs, searches an event,
//! quits, and checks the captured screens. Skipped, with a note, when tmux is missing.
#![allow(clippy::unwrap_used)]

use std::process::Command;
use std::time::{Duration, Instant};

struct Session(String);

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.0])
            .status();
    }
}

fn tmux(args: &[&str]) -> String {
    let out = Command::new("tmux").args(args).output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Captures until every string of `what` is on screen at once (a capture can catch a frame
/// half written, so one string is not proof that the rest is there).
fn wait_for(target: &str, what: &[&str], timeout: Duration) -> String {
    let start = Instant::now();
    loop {
        let screen = tmux(&["capture-pane", "-p", "-t", target]);
        if what.iter().all(|w| screen.contains(w)) {
            return screen;
        }
        assert!(
            start.elapsed() < timeout,
            "no {what:?} after {timeout:?}; screen:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn demo_in_tmux() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("tmux not installed: skipping the end-to-end TUI test");
        return;
    }
    let cache = tempfile::tempdir().unwrap();
    let name = format!("lttng-tui-e2e-{}", std::process::id());
    let cmd = format!(
        "env XDG_CACHE_HOME={} LTTNG_TUI_NO_USER_CONFIG=1 TERM=xterm-256color {} demo --clock-gmt; sleep 30",
        cache.path().display(),
        env!("CARGO_BIN_EXE_lttng-tui")
    );
    let started = Command::new("tmux")
        .args([
            "new-session",
            "-d",
            "-s",
            &name,
            "-x",
            "120",
            "-y",
            "40",
            &cmd,
        ])
        .status()
        .unwrap();
    assert!(started.success());
    let _session = Session(name.clone());
    wait_for(
        &name,
        &["estimated from", "CPU  0", " OVERVIEW "],
        Duration::from_secs(60),
    );
    // Control flow fills in from the indexer: thread rows with their TIDs.
    tmux(&["send-keys", "-t", &name, "2"]);
    wait_for(
        &name,
        &[" CONTROL FLOW ", "Threads (", "mysqld", "window"],
        Duration::from_secs(60),
    );
    tmux(&["send-keys", "-t", &name, "5"]);
    // Wait for the indexer to finish first: its closing status message would otherwise
    // replace the search's on a loaded machine.
    wait_for(
        &name,
        &["sched_", " EVENTS ", "indexed "],
        Duration::from_secs(60),
    );
    tmux(&["send-keys", "-t", &name, "/"]);
    tmux(&["send-keys", "-t", &name, "-l", "block_rq_complete"]);
    tmux(&["send-keys", "-t", &name, "Enter"]);
    let wanted = ["match for `block_rq_complete`", "block_rq_complete: {"];
    wait_for(&name, &wanted, Duration::from_secs(30));
    tmux(&["send-keys", "-t", &name, "q"]);
    // Back on the normal screen: the UI is gone.
    let start = Instant::now();
    loop {
        let screen = tmux(&["capture-pane", "-p", "-t", &name]);
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
