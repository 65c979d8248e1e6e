//! Time to render one Control flow frame at 200x60 on a 1 GB generated trace, at full
//! zoom-out and at deep zoom, once the model is built: the frame must never scan the model.
//!
//! `cargo bench --bench tui_render` generates ~1 GB in a temporary folder and indexes it
//! once. With `LTTNG_TUI_RENDER_TRACE=DIR` it uses a trace already generated there
//! (`lttng-tui gen --scenario uniform --events 35M --out DIR`) and its index cache, which
//! makes repeated runs (profiling) quick.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use lttng_tui::tui::TuiArgs;
use lttng_tui::tui::harness::Harness;

/// Median time of `frames` draws.
fn time_frames(h: &mut Harness, frames: usize) -> Duration {
    let mut times: Vec<Duration> = (0..frames)
        .map(|_| {
            let start = Instant::now();
            h.draw().expect("draw");
            start.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let given = std::env::var_os("LTTNG_TUI_RENDER_TRACE").map(PathBuf::from);
    let dir = match &given {
        Some(d) => d.clone(),
        None => {
            let exe = env!("CARGO_BIN_EXE_lttng-tui");
            let dir = std::env::temp_dir().join(format!("lttng-tui-render-{}", std::process::id()));
            let generated = Command::new(exe)
                .args(["gen", "--scenario", "uniform", "--events", "35M", "--out"])
                .arg(&dir)
                .output()
                .expect("run lttng-tui gen");
            assert!(generated.status.success(), "gen failed");
            dir
        }
    };
    let args = TuiArgs {
        no_cache: given.is_none(),
        clock_gmt: true,
        ..TuiArgs::default()
    };
    let started = Instant::now();
    let mut h = Harness::open(&dir.join("kernel"), &args, 200, 60).expect("open");
    h.settle(Duration::from_secs(600)).expect("index");
    println!("indexed in {:.1} s", started.elapsed().as_secs_f64());
    if let Some(m) = h.app.index.model.clone() {
        let t = Instant::now();
        let s = lttng_tui::tui::summary::build(&m, 0);
        println!(
            "timeline summary (built in the background): {:.2} s, {:.1} MiB, buckets of {} µs",
            t.elapsed().as_secs_f64(),
            s.as_ref().map_or(0, |s| s.bytes()) as f64 / (1 << 20) as f64,
            s.as_ref().map_or(0, |s| s.bucket_width() / 1000)
        );
    }
    // More frames (`LTTNG_TUI_RENDER_FRAMES`) make the drawing dominate a profile.
    let frames = std::env::var("LTTNG_TUI_RENDER_FRAMES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(30);
    h.press("2");
    h.pump();
    let wide = time_frames(&mut h, frames);
    // Zoom in around the cursor until the window is a few microseconds wide.
    for _ in 0..30 {
        h.press("+");
    }
    h.pump();
    let deep = time_frames(&mut h, frames);
    if given.is_none() {
        std::fs::remove_dir_all(&dir).ok();
    }
    println!(
        "Control flow frame at 200x60 on a 1 GB trace: full zoom-out {:.2} ms, deep zoom {:.2} ms",
        wide.as_secs_f64() * 1e3,
        deep.as_secs_f64() * 1e3
    );
}
