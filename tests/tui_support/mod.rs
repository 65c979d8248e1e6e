//! Shared helpers of the TUI tests: the demo trace, generated once per test binary.
#![allow(clippy::unwrap_used)] // tests fail loudly by design
#![allow(dead_code)]

pub mod readme;
pub mod tmux;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use lttng_tui::tui::TuiArgs;
use lttng_tui::tui::harness::Harness;

/// The `web` demo trace (what `lttng-tui demo` opens), generated once per test binary into
/// a temporary directory that is removed when the binary exits.
///
/// A static is never dropped: kept in a `TempDir` alone, each run of each TUI test binary
/// left its 70 MB trace behind until the disk filled.
pub fn demo_trace() -> &'static Path {
    // (the directory, its kernel trace)
    static DIR: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    extern "C" fn remove_demo() {
        if let Some((dir, _)) = DIR.get() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
    let (_, kernel) = DIR.get_or_init(|| {
        // The path keeps tempfile's length: the screenshots show it, padded to the screen.
        let dir = tempfile::tempdir().unwrap().keep();
        // SAFETY: registers a handler that the C library calls once at exit; it only reads
        // the static above and removes the directory made here.
        unsafe { libc::atexit(remove_demo) };
        lttng_tui::r#gen::generate_demo(&dir).unwrap();
        let kernel = dir.join("kernel");
        (dir, kernel)
    });
    kernel
}

/// Options every test uses: times in UTC so screens do not depend on the machine's zone.
pub fn args() -> TuiArgs {
    TuiArgs {
        clock_gmt: true,
        no_cache: true,
        ..TuiArgs::default()
    }
}

/// The demo trace open on a `w`x`h` screen, facts and first page loaded.
pub fn open_demo(w: u16, h: u16) -> Harness {
    let mut h = Harness::open(demo_trace(), &args(), w, h).unwrap();
    h.settle(Duration::from_secs(30)).unwrap();
    h
}

/// Waits for the background work started by the last keys.
pub fn settle(h: &mut Harness) {
    h.settle(Duration::from_secs(60)).unwrap();
}

/// A screen with the temporary path replaced, for snapshots.
pub fn stable_screen(h: &mut Harness) -> String {
    let text = h.screen().unwrap();
    text.replace(&demo_trace().display().to_string(), "<demo>/kernel")
}
