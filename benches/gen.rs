//! Generation speed of the `uniform` scenario (issue 4 asks for ≥ 20 M events/s on a 1 GB
//! trace, peak memory under 200 MB).
//!
//! Run: `cargo bench --bench gen` (or with `GEN_BENCH_EVENTS=N`; default 36 M events, about
//! 1 GB). Peak memory: `/usr/bin/time -v target/release/deps/gen-*` with the same variable.
//! The trace goes to a temporary directory removed afterwards.

use std::time::Instant;

use lttng_tui::r#gen::{GenConfig, ScenarioKind, generate};

fn main() -> anyhow::Result<()> {
    if std::env::args().any(|a| a == "--list") {
        return Ok(());
    }
    let events: u64 = std::env::var("GEN_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(36_000_000);
    let dir = tempfile::tempdir()?;
    let mut cfg = GenConfig::new(ScenarioKind::Uniform, dir.path());
    cfg.max_events = Some(events);
    let t = Instant::now();
    let s = generate(&cfg, &mut |_| {})?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "gen uniform: {} events, {:.1} MB in {:.2} s: {:.2} M events/s, {:.0} MB/s",
        s.events,
        s.bytes as f64 / 1e6,
        secs,
        s.events as f64 / secs / 1e6,
        s.bytes as f64 / secs / 1e6
    );
    Ok(())
}
