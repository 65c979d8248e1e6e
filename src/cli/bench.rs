//! `lttng-tui bench`: decoding speed against babeltrace2, measured side by side in one run.

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
    /// Trace or session directory.
    pub path: PathBuf,
}

/// Times one command line, `runs` times, output to /dev/null; returns the median.
fn time_command(program: &Path, args: &[&str], runs: usize) -> Result<Duration> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let status = Command::new(program)
            .args(args)
            .env("TZ", "UTC")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .with_context(|| format!("cannot run {}", program.display()))?;
        let elapsed = start.elapsed();
        if !status.success() {
            bail!("{} {} failed ({status})", program.display(), args.join(" "));
        }
        times.push(elapsed);
    }
    times.sort();
    Ok(times[times.len() / 2])
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
