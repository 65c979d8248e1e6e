//! `lttng-tui gen`: write a synthetic LTTng kernel trace with its ground truth.

use std::io::Write as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::r#gen::{GenConfig, Progress, ScenarioKind, generate};

/// Arguments of `lttng-tui gen`.
#[derive(Debug, Clone, clap::Args)]
pub struct GenArgs {
    /// Scenario: `web` (a slow WordPress site with planted problems) or `uniform`
    /// (a steady event mix, for benchmarks).
    #[arg(long, default_value = "web", value_parser = parse_scenario)]
    pub scenario: ScenarioKind,
    /// Output directory: the trace goes to DIR/kernel, the ground truth to
    /// DIR/ground-truth.json.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Random seed; the same seed and options give the same bytes.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Number of CPUs (one stream file each).
    #[arg(long, default_value_t = 4)]
    pub cpus: u32,
    /// Simulated duration, e.g. `30s`, `500ms`, `2m` (default: 30s for web, 10s for uniform,
    /// unbounded for uniform with --events).
    #[arg(long, value_parser = parse_duration)]
    pub duration: Option<Duration>,
    /// Stop after about this many events, e.g. `5000000`, `20M`, `1e9`.
    #[arg(long, value_parser = parse_count)]
    pub events: Option<u64>,
    /// Probability that the simulated tracer loses events at a packet switch (0 to 1).
    #[arg(long, default_value_t = 0.0)]
    pub discard_rate: f64,
}

fn parse_scenario(s: &str) -> Result<ScenarioKind, String> {
    s.parse()
}

/// Parses `30s`, `1.5s`, `500ms`, `250us`, `100ns`, `2m`, `1h`; a bare number is seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let value: f64 = num.parse().map_err(|_| format!("invalid duration `{s}`"))?;
    let scale = match unit.trim() {
        "" | "s" | "sec" => 1e9,
        "ms" => 1e6,
        "us" | "µs" => 1e3,
        "ns" => 1.0,
        "m" | "min" => 60e9,
        "h" => 3600e9,
        other => return Err(format!("unknown duration unit `{other}` in `{s}`")),
    };
    let ns = value * scale;
    if !(1.0..=1e15).contains(&ns) {
        return Err(format!("duration `{s}` out of range"));
    }
    Ok(Duration::from_nanos(ns as u64))
}

/// Parses an event count: `5000000`, `5_000_000`, `20k`, `20M`, `1G`, `1e9`.
pub fn parse_count(s: &str) -> Result<u64, String> {
    let t = s.trim().replace('_', "");
    let (num, mul) = match t.chars().last() {
        Some('k' | 'K') => (&t[..t.len() - 1], 1e3),
        Some('M') => (&t[..t.len() - 1], 1e6),
        Some('G') => (&t[..t.len() - 1], 1e9),
        _ => (t.as_str(), 1.0),
    };
    let v: f64 = num.parse().map_err(|_| format!("invalid count `{s}`"))?;
    let n = v * mul;
    if !(1.0..=1e15).contains(&n) {
        return Err(format!("count `{s}` out of range"));
    }
    Ok(n as u64)
}

/// Runs `gen`: progress on stderr, then a summary line.
pub fn run(args: &GenArgs) -> Result<()> {
    let mut cfg = GenConfig::new(args.scenario, &args.out);
    cfg.seed = args.seed;
    cfg.cpus = args.cpus;
    cfg.duration_ns = args
        .duration
        .map(|d| d.as_nanos().min(u128::from(u64::MAX)) as u64);
    cfg.max_events = args.events;
    cfg.discard_rate = args.discard_rate;
    let mut last = Instant::now();
    let mut stderr = std::io::stderr();
    let mut progress = |p: Progress| {
        if last.elapsed() >= Duration::from_millis(500) {
            last = Instant::now();
            let _ = write!(
                stderr,
                "\r  {:>8.3} s simulated, {:>12} events",
                p.sim_ns as f64 / 1e9,
                p.events
            );
        }
    };
    let s = generate(&cfg, &mut progress)?;
    let secs = s.elapsed.as_secs_f64().max(1e-9);
    eprintln!(
        "\r{} trace: {} events ({} discarded), {:.1} MB, {:.3} s simulated, in {:.2} s: \
         {:.2} M events/s, {:.0} MB/s -> {}",
        cfg.scenario.name(),
        s.events,
        s.discarded,
        s.bytes as f64 / 1e6,
        s.sim_ns as f64 / 1e9,
        secs,
        s.events as f64 / secs / 1e6,
        s.bytes as f64 / secs / 1e6,
        args.out.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_durations_and_counts() {
        assert_eq!(parse_duration("30s").unwrap(), Duration::from_secs(30));
        assert_eq!(parse_duration("1.5s").unwrap(), Duration::from_millis(1500));
        assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert!(parse_duration("3 parsecs").is_err());
        assert_eq!(parse_count("20M").unwrap(), 20_000_000);
        assert_eq!(parse_count("1e9").unwrap(), 1_000_000_000);
        assert_eq!(parse_count("5_000").unwrap(), 5_000);
        assert!(parse_count("x").is_err());
    }
}
