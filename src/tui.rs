//! The terminal UI: `lttng-tui PATH` and `lttng-tui demo`.
//!
//! Keys become named commands through the keymap ([`action`]), commands change the state
//! ([`app`], [`update`]), and a frame is drawn from `&App` ([`render`]). Everything that
//! reads the trace runs on background threads ([`worker`]): the first frame appears before
//! the metadata is even parsed, and the Events list decodes only the rows it shows.
//! [`harness`] drives the same app without a terminal for tests.

pub mod action;
pub mod app;
pub mod events_state;
mod export;
pub mod facts;
pub mod harness;
pub mod index_state;
pub mod keys;
pub mod latency;
pub mod layers;
pub mod log;
pub mod period_drill;
pub mod periods;
pub mod render;
pub mod sample;
pub mod settings;
pub mod source;
pub mod status;
pub mod style;
pub mod summary;
pub mod svg;
pub mod terminal;
pub mod threads;
pub mod timefmt;
pub mod timeline_state;
pub mod tops;
pub mod update;
mod update_timeline;
mod update_top;
pub mod viewport;
pub mod views;
pub mod worker;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;

use self::app::{App, AppOptions};
use self::style::ColorDepth;

/// Options of the TUI.
#[derive(Debug, Clone, Default, Args)]
pub struct TuiArgs {
    /// Keymap: a shipped name (default, emacs) or a TOML file.
    #[arg(long, value_name = "NAME|PATH")]
    pub keymap: Option<String>,
    /// Theme: a shipped name (dark, light, high-contrast, mono) or a TOML file. Without it,
    /// mono when NO_COLOR is set, dark otherwise.
    #[arg(long, value_name = "NAME|PATH")]
    pub theme: Option<String>,
    /// Write a log to this file (nothing is logged otherwise).
    #[arg(long, value_name = "PATH")]
    pub log_file: Option<PathBuf>,
    /// Show times in UTC instead of the local time zone.
    #[arg(long)]
    pub clock_gmt: bool,
    /// Neither read nor write the index cache (`$XDG_CACHE_HOME/lttng-tui`).
    #[arg(long)]
    pub no_cache: bool,
    /// View preset: a shipped name (default, web-requests, syscall-latency, disk-io,
    /// scheduling) or a TOML file; it names periods and the tab that opens first.
    #[arg(long, value_name = "NAME|PATH")]
    pub view: Option<String>,
    /// Directory `export_selection` (`e`) writes LAMI files into (default: the current one).
    #[arg(long, value_name = "DIR")]
    pub export_dir: Option<PathBuf>,
    /// A period definition added to the preset's (`NAME [(PARENT)] : BEGIN [: END]`, the
    /// analyses' `--period` language); repeatable.
    #[arg(long = "period", value_name = "DEF")]
    pub period: Vec<String>,
    /// Captures of a period (`NAME : [CAPTURES] [: CAPTURES]`), as the analyses take them;
    /// repeatable.
    #[arg(long = "period-captures", value_name = "DEF")]
    pub period_captures: Vec<String>,
}

/// Builds the app for `path` with its background threads started.
/// `user_dir` holds the user's `keymap.toml`, if any.
pub fn start(
    path: &Path,
    args: &TuiArgs,
    depth: ColorDepth,
    user_dir: Option<&Path>,
) -> Result<(App, crossbeam_channel::Receiver<worker::Update>)> {
    // A preset that does not load stops here, before the terminal is taken over, so its
    // error (file and line) is printed where the user can read it.
    let preset = args
        .view
        .as_deref()
        .map(|v| crate::config::view::load(&crate::config::Source::parse(v)))
        .transpose()
        .map_err(|w| anyhow::anyhow!("{w}"))?;
    let preset = period_drill::with_cli_periods(preset, &args.period, &args.period_captures)?;
    let keymap = settings::load_keymap(args.keymap.as_deref(), user_dir);
    let theme = settings::load_theme(args.theme.as_deref(), depth);
    for w in keymap.warnings.iter().chain(&theme.warnings) {
        log::line(&format!("config warning: {w}"));
    }
    let index_options = crate::index::Options {
        use_cache: !args.no_cache,
        ..crate::index::Options::default()
    };
    let indexer = crate::index::Indexer::spawn(path, index_options)
        .context("cannot start the indexer thread")?;
    let index_updates = Some(indexer.updates.clone());
    let (workers, updates) = worker::spawn(path.to_path_buf(), args.clock_gmt, index_updates)
        .context("cannot start the reader threads")?;
    let options = AppOptions {
        path: path.to_path_buf(),
        clock_gmt: args.clock_gmt,
        export_dir: args.export_dir.clone(),
    };
    let mut app = App::new(options, keymap, theme, Some(workers));
    app.indexer = Some(indexer);
    if let Some(tab) = preset.as_ref().and_then(|p| p.tab.as_deref()) {
        app.tab = app::Tab::from_name(tab).unwrap_or(app.tab);
    }
    app.preset = preset;
    Ok((app, updates))
}

/// Runs the TUI on the real terminal until the user quits.
pub fn run(path: &Path, args: &TuiArgs) -> Result<()> {
    if let Some(file) = &args.log_file {
        log::init(file).with_context(|| format!("cannot open the log file {}", file.display()))?;
    }
    log::line(&format!("opening {}", path.display()));
    let (mut app, updates) = start(
        path,
        args,
        ColorDepth::from_env(),
        settings::user_dir().as_deref(),
    )?;
    let input = terminal::spawn_input().context("cannot read the terminal")?;
    let mut guard = terminal::TerminalGuard::enter().context("cannot set up the terminal")?;
    let result = terminal::run_loop(&mut guard.terminal, &mut app, &input, &updates);
    drop(guard);
    log::line("exit");
    result.context("terminal error")
}
