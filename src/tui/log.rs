//! Logging to a file only (`--log-file`): the screen belongs to the UI, so nothing may be
//! written to stdout or stderr while it runs.

use std::fs::File;
use std::io::Write;
use std::sync::{Mutex, OnceLock};

static FILE: OnceLock<Mutex<File>> = OnceLock::new();

/// Starts logging to `path` (appending).
pub fn init(path: &std::path::Path) -> std::io::Result<()> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    let _ = FILE.set(Mutex::new(file));
    Ok(())
}

/// Writes one line with a timestamp; nothing when no log file was given.
pub fn line(text: &str) {
    if let Some(m) = FILE.get()
        && let Ok(mut f) = m.lock()
    {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let _ = writeln!(f, "{}.{:03} {text}", now.as_secs(), now.subsec_millis());
    }
}
