//! `lttng-tui demo`: the first command a newcomer runs. Generates the `web` scenario once into
//! the cache directory and opens it in the TUI (prints what `info` says of it when stdout is
//! not a terminal).

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

/// Options of `demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Generate the trace again even when a complete one is cached.
    #[arg(long)]
    pub regenerate: bool,
    /// Terminal UI options.
    #[command(flatten)]
    pub tui: crate::tui::TuiArgs,
}

/// Bumped whenever the generator's output changes, so stale cached demos are replaced.
const DEMO_VERSION: &str = "2";

/// `$XDG_CACHE_HOME/lttng-tui/demo`, or `~/.cache/lttng-tui/demo`.
pub fn demo_dir() -> Result<PathBuf> {
    let cache = match std::env::var_os("XDG_CACHE_HOME") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from(
            std::env::var_os("HOME").context("neither XDG_CACHE_HOME nor HOME is set")?,
        )
        .join(".cache"),
    };
    Ok(cache.join("lttng-tui").join("demo"))
}

/// Runs `demo`.
pub fn run(args: &DemoArgs) -> Result<bool> {
    let dir = demo_dir()?;
    let stamp = dir.join("complete");
    let cached = std::fs::read_to_string(&stamp).is_ok_and(|v| v.trim() == DEMO_VERSION);
    if args.regenerate || !cached {
        eprintln!(
            "Generating the demo trace (web scenario) into {} ...",
            dir.display()
        );
        if dir.exists() {
            std::fs::remove_dir_all(&dir)
                .with_context(|| format!("cannot remove the old demo in {}", dir.display()))?;
        }
        // Generate beside the final place, then rename: an interrupted run never leaves a
        // half-written trace that looks complete.
        let tmp = dir.with_extension("partial");
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp).ok();
        }
        std::fs::create_dir_all(&tmp)
            .with_context(|| format!("cannot create {}", tmp.display()))?;
        crate::r#gen::generate_demo(&tmp)?;
        std::fs::write(tmp.join("complete"), DEMO_VERSION)?;
        std::fs::rename(&tmp, &dir)
            .with_context(|| format!("cannot move the demo to {}", dir.display()))?;
    } else {
        eprintln!("Using the cached demo trace in {}", dir.display());
    }
    super::open(&dir.join("kernel"), &args.tui)
}
