//! The real binary in a tmux pane, for the end-to-end tests.
//!
//! Every session gets its own tmux server (`-S`, a socket in a temporary directory). Sharing the default
//! server raced: when one test killed its last session the server began to exit, and a
//! `new-session` arriving in that moment failed with "server exited unexpectedly". A private
//! server also keeps the tests away from a developer's own tmux.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Whether tmux can be run at all (tests skip, with a note, when it cannot).
pub fn available() -> bool {
    Command::new("tmux").arg("-V").output().is_ok()
}

/// One detached session on its own server; dropping it stops the server and removes the
/// socket.
pub struct Tmux {
    socket: String,
    _dir: tempfile::TempDir,
}

impl Tmux {
    /// Runs the shell command `cmd` in a `cols`x`rows` pane, in `cwd` when given.
    pub fn start(tag: &str, cmd: &str, cwd: Option<&Path>, cols: u16, rows: u16) -> Tmux {
        let dir = tempfile::Builder::new()
            .prefix(&format!("lttng-tui-tmux-{tag}"))
            .tempdir()
            .unwrap();
        let session = Tmux {
            socket: dir.path().join("socket").display().to_string(),
            _dir: dir,
        };
        let (cols, rows) = (cols.to_string(), rows.to_string());
        let mut args = vec!["new-session", "-d", "-s", "main", "-x", &cols, "-y", &rows];
        let cwd = cwd.map(|p| p.display().to_string());
        if let Some(cwd) = &cwd {
            args.extend(["-c", cwd]);
        }
        args.push(cmd);
        let out = session.command(&args).output().unwrap();
        assert!(
            out.status.success(),
            "tmux new-session failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        session
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new("tmux");
        c.args(["-S", &self.socket]).args(args);
        c
    }

    /// Runs a tmux command against this session's server and returns its stdout.
    pub fn run(&self, args: &[&str]) -> String {
        let out = self.command(args).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The visible pane, as text.
    pub fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "main"])
    }

    /// Sends one key, in `tmux send-keys` syntax (`Enter`, `BSpace`, `q`).
    pub fn send(&self, key: &str) {
        self.run(&["send-keys", "-t", "main", key]);
    }

    /// Types `text` literally.
    pub fn type_text(&self, text: &str) {
        self.run(&["send-keys", "-t", "main", "-l", text]);
    }

    /// Waits until every string of `what` is on screen at once (a capture can catch a frame
    /// half written, so one string is not proof that the rest is there).
    pub fn wait_for(&self, what: &[&str], timeout: Duration) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if what.iter().all(|w| screen.contains(w)) {
                return screen;
            }
            assert!(
                start.elapsed() < timeout,
                "waited {timeout:?} for {what:?}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.command(&["kill-server"]).output();
    }
}
