//! `lttng-tui bench`: decoding speed against babeltrace2, measured side by side in one run;
//! with `--index`, the kernel model's build speed, size and cached reopen against their
//! targets.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Args;

/// Options of `bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Runs of each command; the median is reported.
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Also time text output to /dev/null (slower: babeltrace2 text is the slow part).
    #[arg(long)]
    pub text: bool,
    /// Instead of babeltrace2's command line, time this binary's two readers on the same
    /// trace: `dump --reader native` against `dump --reader bt2` (babeltrace2 linked in, events
    /// converted to the common representation; needs a build with `--features bt2`).
    #[arg(long)]
    pub readers: bool,
    /// Instead, time the kernel model on this trace: a first build (`index --no-cache`),
    /// the model's size against the stream data's, and a reopen from the cache (written to
    /// a scratch directory, removed afterwards), each against its target.
    #[arg(long, conflicts_with_all = ["readers", "text"])]
    pub index: bool,
    /// Trace or session directory.
    pub path: PathBuf,
}

/// Times one command line, `runs` times, output to /dev/null; returns the median.
fn time_command(program: &Path, args: &[&str], runs: usize) -> Result<Duration> {
    Ok(time_runs(program, args, None, Stdout::Discard, runs)?.0)
}

/// What becomes of a timed command's standard output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stdout {
    /// Sent to /dev/null, as the timings promise: reading gigabytes of text through a pipe
    /// into memory would be timed too, and would flatten the ratio of two fast commands.
    Discard,
    /// Read, so that the last run's output can be parsed (small outputs only).
    Keep,
}

/// Times one command line `runs` times, with `XDG_CACHE_HOME` set to `cache` when given;
/// returns the median and, with [`Stdout::Keep`], the last run's standard output.
fn time_runs(
    program: &Path,
    args: &[&str],
    cache: Option<&Path>,
    stdout: Stdout,
    runs: usize,
) -> Result<(Duration, Vec<u8>)> {
    let mut times = Vec::with_capacity(runs);
    let mut kept = Vec::new();
    for _ in 0..runs.max(1) {
        let mut command = Command::new(program);
        command
            .args(args)
            .env("TZ", "UTC")
            .stdin(Stdio::null())
            .stderr(Stdio::null());
        if let Some(cache) = cache {
            command.env("XDG_CACHE_HOME", cache);
        }
        let cannot_run = || format!("cannot run {}", program.display());
        let start = Instant::now();
        let status = match stdout {
            Stdout::Discard => command
                .stdout(Stdio::null())
                .status()
                .with_context(cannot_run)?,
            Stdout::Keep => {
                let out = command.output().with_context(cannot_run)?;
                kept = out.stdout;
                out.status
            }
        };
        let elapsed = start.elapsed();
        if !status.success() {
            bail!(
                "{} {} failed ({})",
                program.display(),
                args.join(" "),
                status
            );
        }
        times.push(elapsed);
    }
    times.sort();
    Ok((times[times.len() / 2], kept))
}

/// The cores, and how busy other work kept them just before the run. lttng-tui decodes on
/// every core and babeltrace2 on one, so the ratio shrinks when other work takes cores: a
/// figure measured on a busy machine says so. (The load average would also count this
/// command's own earlier runs.)
fn machine_line() -> String {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    match busy_fraction(Duration::from_millis(300)) {
        Some(busy) if busy >= 0.1 => format!(
            "  {cores} cores, {:.0} % busy with other work before the run: the ratios \
             understate a quiet machine's",
            busy * 100.0
        ),
        Some(busy) => format!("  {cores} cores, {:.0} % busy before the run", busy * 100.0),
        None => format!("  {cores} cores"),
    }
}

/// The share of CPU time not idle over `window`, from `/proc/stat` (Linux).
fn busy_fraction(window: Duration) -> Option<f64> {
    fn sample() -> Option<(u64, u64)> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        let line = stat.lines().next()?.strip_prefix("cpu ")?;
        let ticks: Vec<u64> = line
            .split_whitespace()
            .filter_map(|t| t.parse().ok())
            .collect();
        // user nice system idle iowait ...: idle and iowait are not busy.
        let idle = ticks.get(3)? + ticks.get(4).copied().unwrap_or(0);
        Some((ticks.iter().sum(), idle))
    }
    let (total0, idle0) = sample()?;
    std::thread::sleep(window);
    let (total1, idle1) = sample()?;
    let total = total1.checked_sub(total0).filter(|&t| t > 0)?;
    let idle = idle1.saturating_sub(idle0).min(total);
    Some(1.0 - idle as f64 / total as f64)
}

/// Writes a line of the report; a reader that went away (`| head`) ends the report quietly.
macro_rules! say {
    ($($arg:tt)*) => {
        if !report_line(&format!("{}\n", format_args!($($arg)*))) {
            return Ok(true);
        }
    };
}

/// [`say`] without the newline.
macro_rules! say_raw {
    ($($arg:tt)*) => {
        if !report_line(&format!($($arg)*)) {
            return Ok(true);
        }
    };
}

/// Writes `text` to stdout now (the runs that follow take seconds); false once stdout is
/// closed.
fn report_line(text: &str) -> bool {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .is_ok()
}

/// Runs `bench`.
pub fn run(args: &BenchArgs) -> Result<bool> {
    let me = std::env::current_exe().context("cannot find the lttng-tui executable")?;
    let path = args.path.to_str().context("trace path is not UTF-8")?;
    let session = crate::ctf::session::Session::open(&args.path)?;
    let events = crate::cli::info::collect(&session).events;
    let bytes: u64 = session
        .traces
        .iter()
        .flat_map(|t| t.files.iter())
        .map(|f| f.data().len() as u64)
        .sum();
    drop(session);
    say!(
        "trace: {path}\n  {events} events, {:.1} MB of stream data, median of {} runs",
        bytes as f64 / 1e6,
        args.runs
    );
    say!("{}", machine_line());
    if args.readers {
        return compare_readers(&me, path, events, args);
    }
    if args.index {
        return index_figures(&me, path, events, bytes, args.runs);
    }
    let bt2 = Path::new("babeltrace2");
    let mut cases = vec![(
        "all fields decoded, nothing printed",
        vec!["dump", "--output-format", "dummy", path],
        vec!["--output-format=dummy", path],
    )];
    if args.text {
        cases.push((
            "text output to /dev/null",
            vec!["dump", "--clock-gmt", path],
            vec!["--clock-gmt", path],
        ));
    }
    for (what, ours, theirs) in cases {
        let t_ours = time_command(&me, &ours, args.runs)?;
        let rate = |t: Duration| events as f64 / t.as_secs_f64() / 1e6;
        say_raw!(
            "{what}:\n  lttng-tui   {:>9.3} s  {:>8.2} M events/s\n",
            t_ours.as_secs_f64(),
            rate(t_ours)
        );
        match time_command(bt2, &theirs, args.runs) {
            Ok(t_bt2) => say!(
                "  babeltrace2 {:>9.3} s  {:>8.2} M events/s\n  ratio       {:>9.1}x",
                t_bt2.as_secs_f64(),
                rate(t_bt2),
                t_bt2.as_secs_f64() / t_ours.as_secs_f64()
            ),
            Err(e) => say!("  babeltrace2 not measured: {e:#}"),
        }
    }
    Ok(true)
}

/// `bench --readers`: both readers of this binary, timed in the same run.
fn compare_readers(me: &Path, path: &str, events: u64, args: &BenchArgs) -> Result<bool> {
    if !super::reader::BT2_AVAILABLE {
        bail!(super::reader::BT2_MISSING);
    }
    let mut cases = vec![(
        "all fields decoded, nothing printed",
        vec!["--output-format", "dummy"],
    )];
    if args.text {
        cases.push(("text output to /dev/null", vec!["--clock-gmt"]));
    }
    let rate = |t: Duration| events as f64 / t.as_secs_f64() / 1e6;
    for (what, options) in cases {
        let mut times = Vec::new();
        for reader in ["native", "bt2"] {
            let mut argv = vec!["dump", "--reader", reader];
            argv.extend_from_slice(&options);
            argv.push(path);
            times.push(time_command(me, &argv, args.runs)?);
        }
        say!(
            "{what}:
  --reader native {:>9.3} s  {:>8.2} M events/s
  --reader bt2    {:>9.3} s  {:>8.2} M events/s
  ratio           {:>9.1}x",
            times[0].as_secs_f64(),
            rate(times[0]),
            times[1].as_secs_f64(),
            rate(times[1]),
            times[1].as_secs_f64() / times[0].as_secs_f64()
        );
    }
    Ok(true)
}

/// The targets `bench --index` checks (issue "Kernel state model and the background indexer").
const TARGET_EVENTS_PER_S: f64 = 15e6;
const TARGET_SIZE_SHARE: f64 = 0.25;
const TARGET_REOPEN_SHARE: f64 = 0.05;

/// A scratch cache directory, removed when dropped.
struct ScratchCache(PathBuf);

impl Drop for ScratchCache {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `bench --index`: the model's first build, size and cached reopen, in one run.
fn index_figures(me: &Path, path: &str, events: u64, bytes: u64, runs: usize) -> Result<bool> {
    let verdict = |met: bool| if met { "met" } else { "not met" };
    // A cache of its own, so a cache the user already has is neither read nor replaced.
    let base = crate::index::cache::default_dir()
        .context("neither XDG_CACHE_HOME nor HOME is set: no place for a scratch cache")?;
    let scratch = ScratchCache(base.join(format!("bench-{}", std::process::id())));
    std::fs::create_dir_all(&scratch.0)
        .with_context(|| format!("cannot create {}", scratch.0.display()))?;
    let cache = Some(scratch.0.as_path());

    let (first, summary) = time_runs(
        me,
        &["index", "--no-cache", "--json", path],
        None,
        Stdout::Keep,
        runs,
    )?;
    let summary: serde_json::Value =
        serde_json::from_slice(&summary).context("`index --json` printed no summary")?;
    let model = summary["model_bytes"].as_u64().unwrap_or(0);
    let rate = events as f64 / first.as_secs_f64();
    say!(
        "kernel model, first build (index --no-cache):\n  {:>9.3} s  {:>8.2} M events/s   \
         target >= {:.0} M events/s: {}",
        first.as_secs_f64(),
        rate / 1e6,
        TARGET_EVENTS_PER_S / 1e6,
        verdict(rate >= TARGET_EVENTS_PER_S)
    );
    let share = model as f64 / bytes.max(1) as f64;
    say!(
        "model in memory:\n  {:>9.1} MB {:>8.1} % of the stream data   target <= {:.0} %: {}",
        model as f64 / 1e6,
        share * 100.0,
        TARGET_SIZE_SHARE * 100.0,
        verdict(share <= TARGET_SIZE_SHARE)
    );
    // The first cached run writes the cache; the timed ones read it.
    time_runs(me, &["index", path], cache, Stdout::Discard, 1)?;
    let (reopen, _) = time_runs(me, &["index", path], cache, Stdout::Discard, runs)?;
    let share = reopen.as_secs_f64() / first.as_secs_f64();
    say!(
        "cached reopen (index, cache written by a run before):\n  {:>9.3} s  {:>8.1} % of the \
         first build   target <= {:.0} %: {}",
        reopen.as_secs_f64(),
        share * 100.0,
        TARGET_REOPEN_SHARE * 100.0,
        verdict(share <= TARGET_REOPEN_SHARE)
    );
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether the shell's standard output is /dev/null: exits 0 when it is.
    const STDOUT_IS_NULL: &str = r#"[ "$(readlink /proc/$$/fd/1)" = /dev/null ]"#;

    #[test]
    #[cfg(target_os = "linux")]
    fn timed_output_goes_to_dev_null_unless_kept() {
        let sh = Path::new("sh");
        // Timing a dump must not time a pipe that reads gigabytes of text into memory.
        assert!(time_command(sh, &["-c", STDOUT_IS_NULL], 1).is_ok());
        let (_, kept) = time_runs(sh, &["-c", "echo kept"], None, Stdout::Keep, 2).unwrap();
        assert_eq!(kept, b"kept\n");
        // Kept output comes through a pipe, so the check fails there (the test can fail).
        assert!(time_runs(sh, &["-c", STDOUT_IS_NULL], None, Stdout::Keep, 1).is_err());
    }
}
