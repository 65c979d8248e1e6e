//! How fast the TUI shows its first frame and answers keys on a 1 GB trace, measured the way
//! a user sees it: the real binary in tmux, timestamps taken on `capture-pane` output.
//!
//! `cargo bench --bench tui_first_frame` (needs tmux; generates ~1 GB in a temporary folder).

use std::process::Command;
use std::time::{Duration, Instant};

fn capture() -> String {
    Command::new("tmux")
        .args(["capture-pane", "-p", "-t", "firstframe"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

/// Polls the pane until `ready` holds; returns how long that took.
fn wait_for(ready: impl Fn(&str) -> bool, limit: Duration) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if ready(&capture()) {
            return Some(start.elapsed());
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    None
}

fn main() {
    if Command::new("tmux").arg("-V").output().is_err() {
        println!("tmux not installed: not measured");
        return;
    }
    let exe = env!("CARGO_BIN_EXE_lttng-tui");
    let dir = std::env::temp_dir().join(format!("lttng-tui-first-frame-{}", std::process::id()));
    let generated = Command::new(exe)
        .args(["gen", "--scenario", "uniform", "--events", "35M", "--out"])
        .arg(&dir)
        .output()
        .expect("run lttng-tui gen");
    assert!(generated.status.success(), "gen failed");
    let trace = dir.join("kernel");
    let size: u64 = std::fs::read_dir(&trace)
        .map(|d| {
            d.filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0);
    let command = format!("{exe} --no-cache {}", trace.display());
    let start = Instant::now();
    Command::new("tmux")
        .args([
            "new-session",
            "-d",
            "-s",
            "firstframe",
            "-x",
            "120",
            "-y",
            "40",
            &command,
        ])
        .status()
        .expect("start tmux");
    let first =
        wait_for(|s| s.contains("lttng-tui"), Duration::from_secs(10)).map(|_| start.elapsed());
    // A key while the indexer runs: switch to the Events tab and wait for its title.
    let indexing = capture().contains("indexing");
    Command::new("tmux")
        .args(["send-keys", "-t", "firstframe", "5"])
        .status()
        .ok();
    let key = wait_for(
        |s| s.lines().nth(1).is_some_and(|l| l.contains("Events")),
        Duration::from_secs(5),
    );
    Command::new("tmux")
        .args(["send-keys", "-t", "firstframe", "q"])
        .status()
        .ok();
    std::thread::sleep(Duration::from_millis(300));
    Command::new("tmux")
        .args(["kill-session", "-t", "firstframe"])
        .status()
        .ok();
    std::fs::remove_dir_all(&dir).ok();
    println!("trace: {:.1} MB uniform", size as f64 / 1e6);
    match first {
        Some(t) => println!("first frame: {:.1} ms after start", t.as_secs_f64() * 1e3),
        None => println!("first frame: not seen within 10 s"),
    }
    match key {
        Some(t) => println!(
            "key answered in {:.1} ms{}",
            t.as_secs_f64() * 1e3,
            if indexing { " while indexing" } else { "" }
        ),
        None => println!("key: no answer within 5 s"),
    }
}
