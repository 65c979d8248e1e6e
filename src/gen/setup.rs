//! Driving a generation: trace identity, files, scenario, simulation, ground truth.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use super::catalog;
use super::engine::{Engine, Machine};
use super::parallel;
use super::rng::Rng;
use super::scenario::requests::Assembler;
use super::scenario::{uniform, web};
use super::truth::{GroundTruth, Problem};
use crate::ctf::writer::metadata::{EnvValue, TraceDesc, metadata_text, packetize};
use crate::ctf::writer::stream::TraceWriter;
use crate::ctf::writer::{FileSink, ThreadedSink};

/// Which scenario to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ScenarioKind {
    /// A WordPress site with three planted problems (the default).
    #[default]
    Web,
    /// A steady mix of events, for benchmarks.
    Uniform,
}

impl std::str::FromStr for ScenarioKind {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "web" => Ok(Self::Web),
            "uniform" => Ok(Self::Uniform),
            _ => Err(format!(
                "unknown scenario `{s}` (expected `web` or `uniform`)"
            )),
        }
    }
}

impl ScenarioKind {
    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::Uniform => "uniform",
        }
    }
}

/// Everything a generation needs.
#[derive(Debug, Clone)]
pub struct GenConfig {
    /// Scenario.
    pub scenario: ScenarioKind,
    /// Output directory (the trace goes to `out/kernel`, the truth to `out/ground-truth.json`).
    pub out: PathBuf,
    /// Seed: same seed and options, same bytes.
    pub seed: u64,
    /// Number of CPUs (one stream each).
    pub cpus: u32,
    /// Simulated duration; `None`: 30 s for `web`, and for `uniform` 10 s unless
    /// `max_events` is set (then unbounded).
    pub duration_ns: Option<u64>,
    /// Stop after about this many events.
    pub max_events: Option<u64>,
    /// Probability that the tracer loses events at a packet switch.
    pub discard_rate: f64,
    /// Packet (sub-buffer) size in bytes.
    pub packet_bytes: usize,
}

impl GenConfig {
    /// Defaults for `scenario` into `out`.
    pub fn new(scenario: ScenarioKind, out: &Path) -> Self {
        Self {
            scenario,
            out: out.to_path_buf(),
            seed: 1,
            cpus: 4,
            duration_ns: None,
            max_events: None,
            discard_rate: 0.0,
            packet_bytes: 256 * 1024,
        }
    }
}

/// Progress report: simulated time so far and events written.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// Simulated ns since the trace begin.
    pub sim_ns: u64,
    /// Events written.
    pub events: u64,
}

/// What a generation produced.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Events written.
    pub events: u64,
    /// Events dropped by the simulated tracer.
    pub discarded: u64,
    /// Bytes of the stream files.
    pub bytes: u64,
    /// Simulated duration (first packet begin to last event).
    pub sim_ns: u64,
    /// Wall-clock time taken.
    pub elapsed: Duration,
}

const NS: u64 = 1_000_000_000;

/// The trace's identity, all derived from the seed so output is reproducible.
fn trace_desc(cfg: &GenConfig, rng: &mut Rng) -> (TraceDesc, u64) {
    let mut uuid = [0u8; 16];
    let mut clock_uuid = [0u8; 16];
    for b in uuid.iter_mut().chain(clock_uuid.iter_mut()) {
        *b = rng.next_u64() as u8;
    }
    // Random version-4 UUIDs, like LTTng's.
    for u in [&mut uuid, &mut clock_uuid] {
        u[6] = (u[6] & 0x0f) | 0x40;
        u[8] = (u[8] & 0x3f) | 0x80;
    }
    let begin = 600 * NS + rng.below(86_400 * NS);
    let realtime = 1_710_000_000 * NS + rng.below(200 * 86_400 * NS);
    let offset = realtime - begin;
    let date = utc_datetime(realtime / NS);
    let host = match cfg.scenario {
        ScenarioKind::Web => "wordpress-01",
        ScenarioKind::Uniform => "bench-01",
    };
    let s = |x: &str| EnvValue::Str(x.to_string());
    let name = format!(
        "{}-{}",
        cfg.scenario.name(),
        date.replace('T', "-").trim_end_matches("+0000")
    );
    let env = vec![
        ("hostname", s(host)),
        ("domain", s("kernel")),
        ("sysname", s("Linux")),
        ("kernel_release", s("5.15.0-91-generic")),
        (
            "kernel_version",
            s("#101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023"),
        ),
        ("tracer_name", s("lttng-modules")),
        ("tracer_major", EnvValue::Int(2)),
        ("tracer_minor", EnvValue::Int(13)),
        ("tracer_patchlevel", EnvValue::Int(10)),
        ("trace_buffering_scheme", s("global")),
        ("trace_name", EnvValue::Str(name)),
        ("trace_creation_datetime", EnvValue::Str(date)),
        ("product_uuid", s("ec2f3a7e-1c52-4a0e-9d6b-2f4cb1d0e6a1")),
    ];
    (
        TraceDesc {
            uuid,
            clock_uuid,
            clock_offset_ns: offset,
            env,
        },
        begin,
    )
}

/// `YYYYmmddTHHMMSS+0000` for Unix time `secs` (proleptic Gregorian calendar).
fn utc_datetime(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil-from-days: shift the era so that March is the first month (leap day last).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}+0000",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// Prepares `out/kernel`, replacing a previous generated trace there.
fn prepare_dir(out: &Path) -> Result<PathBuf> {
    let kernel = out.join("kernel");
    if kernel.exists() {
        if !kernel.join("metadata").exists() {
            bail!(
                "{} exists and is not a trace; refusing to overwrite it",
                kernel.display()
            );
        }
        fs::remove_dir_all(&kernel).with_context(|| format!("removing {}", kernel.display()))?;
    }
    fs::create_dir_all(&kernel).with_context(|| format!("creating {}", kernel.display()))?;
    Ok(kernel)
}

/// CPU groups simulated by separate engines: all CPUs in one for `web` (its processes
/// interact), fixed-size groups for `uniform`.
fn groups(cfg: &GenConfig) -> Vec<(u32, u32)> {
    match cfg.scenario {
        ScenarioKind::Web => vec![(0, cfg.cpus)],
        ScenarioKind::Uniform => (0..cfg.cpus)
            .step_by(uniform::GROUP_CPUS as usize)
            .map(|f| (f, uniform::GROUP_CPUS.min(cfg.cpus - f)))
            .collect(),
    }
}

/// Simulated duration: explicit, or the scenario's default.
fn duration(cfg: &GenConfig) -> u64 {
    match (cfg.scenario, cfg.duration_ns, cfg.max_events) {
        (_, Some(d), _) => d,
        (ScenarioKind::Uniform, None, Some(_)) => u64::MAX / 4,
        (ScenarioKind::Uniform, None, None) => 10 * NS,
        (ScenarioKind::Web, None, _) => 30 * NS,
    }
}

/// One engine per CPU group, each writing its own stream files, with the scenario set up;
/// returns the planted problems too (times relative to the begin).
fn build_engines(cfg: &GenConfig, kernel: &Path, desc: &TraceDesc, begin: u64) -> Result<Built> {
    let groups = groups(cfg);
    let mut engines = Vec::with_capacity(groups.len());
    let (mut problems, mut requests) = (Vec::new(), None);
    for (g, &(first, cpus)) in groups.iter().enumerate() {
        let files = FileSink::create(kernel, "channel0", first as usize, cpus as usize)
            .context("creating stream files")?;
        let sink = ThreadedSink::spawn(files, 8).context("starting a writer thread")?;
        let mut w = TraceWriter::new(
            desc.uuid,
            first,
            cpus,
            cfg.packet_bytes,
            begin,
            Box::new(sink),
        );
        if cfg.discard_rate > 0.0 {
            let (rate, mut rng) = (cfg.discard_rate, Rng::new(cfg.seed, 100 + g as u64));
            w.set_loss_policy(Box::new(move |_, _| {
                if rng.chance(rate) {
                    rng.range(1, 400)
                } else {
                    0
                }
            }));
        }
        let first_tid = 100_000 * (g as u32 + 1);
        let m = Machine {
            first_cpu: first,
            cpus,
            total_cpus: cfg.cpus,
            begin,
            first_tid,
        };
        let mut e = Engine::new(w, &m, Rng::new(cfg.seed, 1_000 + g as u64));
        match cfg.scenario {
            ScenarioKind::Web => {
                let (p, r) = web::setup(&mut e, cpus, duration(cfg).min(3_600 * NS));
                (problems, requests) = (p, Some(r));
            }
            ScenarioKind::Uniform => uniform::setup(&mut e, g as u32, first, cpus),
        }
        engines.push(e);
    }
    // One statedump (group 0's) lists the threads of every group.
    let others: Vec<_> = engines.iter().skip(1).flat_map(Engine::listing).collect();
    if let Some(e) = engines.first_mut() {
        e.add_listing(others);
    }
    Ok(Built {
        engines,
        problems,
        requests,
    })
}

/// Engines ready to run, with what the scenario will report.
struct Built {
    engines: Vec<Engine>,
    problems: Vec<Problem>,
    requests: Option<Arc<Mutex<Assembler>>>,
}

/// Generates a trace and its ground truth as `cfg` says.
pub fn generate(cfg: &GenConfig, progress: &mut dyn FnMut(Progress)) -> Result<Summary> {
    let started = Instant::now();
    if cfg.cpus == 0 || cfg.cpus > 64 {
        bail!("--cpus must be between 1 and 64");
    }
    if !(0.0..=1.0).contains(&cfg.discard_rate) {
        bail!("--discard-rate must be between 0 and 1");
    }
    let kernel = prepare_dir(&cfg.out)?;
    let (desc, begin) = trace_desc(cfg, &mut Rng::new(cfg.seed, 1));
    let meta = packetize(&metadata_text(&desc, &catalog::classes()), &desc.uuid);
    fs::write(kernel.join("metadata"), meta).context("writing metadata")?;
    let Built {
        engines,
        problems,
        requests,
    } = build_engines(cfg, &kernel, &desc, begin)?;
    let mut report = |t: u64, events: u64| {
        progress(Progress {
            sim_ns: t - begin,
            events,
        })
    };
    let end = begin.saturating_add(duration(cfg));
    let max_events = cfg.max_events.unwrap_or(u64::MAX);
    let engines = parallel::run_all(engines, begin, end, max_events, &mut report)
        .context("writing the trace")?;
    // Every stream's last packet ends at the same time, the last event of the trace.
    let end = engines.iter().map(Engine::last_ts).max().unwrap_or(begin);
    let mut parts = Vec::with_capacity(engines.len());
    for e in engines {
        parts.push(e.finish(end).context("finishing the trace")?);
    }
    let fin = parallel::merge(parts);
    let mut truth: GroundTruth = fin.truth;
    truth.scenario = cfg.scenario.name().to_string();
    truth.seed = cfg.seed;
    truth.problems = problems
        .into_iter()
        .map(|p| Problem {
            begin_ns: p.begin_ns + begin,
            end_ns: p.end_ns + begin,
            ..p
        })
        .collect();
    if let Some(r) = requests {
        truth.requests = r
            .lock()
            .map_err(|_| anyhow::anyhow!("request list poisoned"))?
            .finish();
    }
    truth.shift(desc.clock_offset_ns);
    let json = serde_json::to_vec_pretty(&truth).context("serializing the ground truth")?;
    fs::write(cfg.out.join("ground-truth.json"), json).context("writing ground-truth.json")?;
    Ok(Summary {
        events: truth.events,
        discarded: truth.events_discarded,
        bytes: fin.bytes,
        sim_ns: truth.trace_end_ns - truth.trace_begin_ns,
        elapsed: started.elapsed(),
    })
}

/// Generates the `web` scenario at its default size into `dir` (for `lttng-tui demo`).
pub fn generate_demo(dir: &Path) -> Result<()> {
    generate(&GenConfig::new(ScenarioKind::Web, dir), &mut |_| {})?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_dates() {
        assert_eq!(super::utc_datetime(0), "19700101T000000+0000");
        assert_eq!(super::utc_datetime(1_709_251_199), "20240229T235959+0000");
    }
}
