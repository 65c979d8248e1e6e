//! Helpers shared by the generator's acceptance tests: generating traces, running
//! babeltrace2, and parsing its text output (a separate, straightforward decoder path).

// Test code: a panic is how a failure is reported.
#![allow(clippy::unwrap_used)]
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

use lttng_tui::r#gen::truth::GroundTruth;
use lttng_tui::r#gen::{GenConfig, ScenarioKind, Summary, generate};

/// True when `babeltrace2` can be run; prints a note otherwise.
pub fn have_bt2() -> bool {
    let ok = Command::new("babeltrace2")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("note: babeltrace2 not on PATH, skipping");
    }
    ok
}

/// Generates a small trace into `dir`.
pub fn gen_small(dir: &Path, scenario: ScenarioKind, seed: u64, discard: f64) -> Summary {
    let mut cfg = GenConfig::new(scenario, dir);
    cfg.seed = seed;
    cfg.discard_rate = discard;
    match scenario {
        ScenarioKind::Web => cfg.duration_ns = Some(12_000_000_000),
        ScenarioKind::Uniform => cfg.max_events = Some(150_000),
    }
    generate(&cfg, &mut |_| {}).expect("generation")
}

/// Reads `DIR/ground-truth.json`.
pub fn truth(dir: &Path) -> GroundTruth {
    let text = std::fs::read(dir.join("ground-truth.json")).expect("ground truth");
    serde_json::from_slice(&text).expect("ground truth parses")
}

/// Runs babeltrace2 with `args` then the trace path; returns (status ok, stdout, stderr).
pub fn bt2(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new("babeltrace2")
        .args(args)
        .arg(dir.join("kernel"))
        .output()
        .expect("babeltrace2 runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// One event of babeltrace2's text output.
#[derive(Debug, Clone)]
pub struct Ev {
    /// Raw clock value.
    pub ts: u64,
    /// Event name.
    pub name: String,
    /// Packet context `cpu_id`.
    pub cpu: u32,
    /// Payload fields as text, in order.
    pub fields: Vec<(String, String)>,
}

impl Ev {
    /// A field's text.
    pub fn get(&self, k: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
    }
    /// An integer field.
    pub fn int(&self, k: &str) -> i64 {
        self.get(k)
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{k} in {self:?}"))
    }
}

/// Splits `a = 1, b = "x, y", c = [ [0] = 1 ]` at top-level commas.
fn split_top(s: &str) -> Vec<&str> {
    let (mut out, mut depth, mut quoted, mut start) = (Vec::new(), 0i32, false, 0);
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if quoted => i += 1,
            b'"' => quoted = !quoted,
            b'[' | b'(' | b'{' if !quoted => depth += 1,
            b']' | b')' | b'}' if !quoted => depth -= 1,
            b',' if !quoted && depth == 0 => {
                out.push(s[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if !s[start..].trim().is_empty() {
        out.push(s[start..].trim());
    }
    out
}

/// Parses `babeltrace2 --clock-cycles --no-delta` output.
pub fn parse(text: &str) -> Vec<Ev> {
    text.lines()
        .filter(|l| l.starts_with('['))
        .map(parse_line)
        .collect()
}

fn parse_line(l: &str) -> Ev {
    let close = l.find(']').expect("timestamp");
    let ts: u64 = l[1..close].trim().parse().expect("cycles");
    let rest = l[close + 1..].trim_start();
    let rest = &rest[rest.find(' ').expect("hostname") + 1..];
    let colon = rest.find(": ").expect("name");
    let name = rest[..colon].to_string();
    let body = &rest[colon + 2..];
    let parts = split_top(body);
    let ctx = parts[0].trim_matches(|c| c == '{' || c == '}').trim();
    let cpu = ctx
        .strip_prefix("cpu_id = ")
        .expect("cpu_id")
        .parse()
        .expect("cpu");
    let payload = parts.get(1).map_or("", |p| {
        p.trim().trim_start_matches('{').trim_end_matches('}')
    });
    let fields = split_top(payload)
        .into_iter()
        .filter_map(|f| {
            f.split_once(" = ")
                .map(|(k, v)| (k.to_string(), v.trim().to_string()))
        })
        .collect();
    Ev {
        ts,
        name,
        cpu,
        fields,
    }
}
