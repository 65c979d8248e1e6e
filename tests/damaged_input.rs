//! Damaged traces: copies of `kernel/many-threads` with truncated stream files, truncated
//! metadata and flipped bytes. Every case must end with the events read so far plus a clear
//! error or warning: never a panic, a hang, or memory growing past the input's size.
#![allow(clippy::unwrap_used)] // tests fail loudly by design

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::traces_dir;

/// Deterministic xorshift, so a failing case can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn copy_trace(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.join("index")).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
    for entry in std::fs::read_dir(from.join("index")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join("index").join(entry.file_name())).unwrap();
    }
}

/// Peak resident memory of all children so far, in bytes.
fn children_max_rss() -> u64 {
    // SAFETY: getrusage only writes into the zeroed struct we pass.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage
    };
    usage.ru_maxrss as u64 * 1024
}

/// Runs `dump --output-format dummy`, `info --json`, `index` and `periodlog`; returns a description of any
/// misbehaviour.
fn check(dir: &Path, case: &str) -> Option<String> {
    for args in [
        &["dump", "--output-format", "dummy"][..],
        &["info", "--json"][..],
        // The indexer reads most events raw (undecoded tails), which must meet damage the
        // same way.
        &["index", "--no-cache"][..],
        // The period pass steps over the events of other classes by their size.
        &[
            "periodlog",
            "--no-cache",
            "--no-progress",
            "--period",
            r#"open : $evt.$name == "syscall_entry_open" : $evt.$name == "syscall_exit_open""#,
        ][..],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_lttng-tui"))
            .args(args)
            .arg(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let start = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if start.elapsed() > Duration::from_secs(30) {
                child.kill().ok();
                return Some(format!("{case}: {args:?} hung"));
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).ok();
        match status.code() {
            Some(0) => {}
            Some(1) if stderr.contains("error") => {}
            other => return Some(format!("{case}: {args:?} exit {other:?}: {stderr}")),
        }
        if stderr.contains("panicked") {
            return Some(format!("{case}: panic: {stderr}"));
        }
    }
    None
}

#[test]
fn damaged_copies_never_panic_hang_or_balloon() {
    let Some(root) = traces_dir() else { return };
    let source = root.join("kernel/many-threads");
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("t");
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let mut failures = Vec::new();
    let input_bytes: u64 = std::fs::read_dir(&source)
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    // The intact trace first: its peak (the indexer's) is the baseline.
    copy_trace(&source, &work);
    assert_eq!(check(&work, "intact"), None);
    let intact_rss = children_max_rss();
    for case in 0..60 {
        std::fs::remove_dir_all(&work).ok();
        copy_trace(&source, &work);
        let stream = work.join(format!("channel0_{}", rng.below(8)));
        let meta = work.join("metadata");
        let description = match case % 4 {
            0 => {
                let len = std::fs::metadata(&stream).unwrap().len();
                let cut = rng.below(len);
                let f = std::fs::OpenOptions::new()
                    .write(true)
                    .open(&stream)
                    .unwrap();
                f.set_len(cut).unwrap();
                format!("case {case}: {} truncated to {cut}", stream.display())
            }
            1 => {
                let len = std::fs::metadata(&meta).unwrap().len();
                let cut = rng.below(len);
                let f = std::fs::OpenOptions::new().write(true).open(&meta).unwrap();
                f.set_len(cut).unwrap();
                format!("case {case}: metadata truncated to {cut}")
            }
            2 => {
                let mut bytes = std::fs::read(&stream).unwrap();
                for _ in 0..1 + rng.below(64) {
                    let i = rng.below(bytes.len() as u64) as usize;
                    bytes[i] ^= 1 << rng.below(8);
                }
                std::fs::write(&stream, bytes).unwrap();
                format!("case {case}: bits flipped in {}", stream.display())
            }
            _ => {
                // Flip bytes in the first packet's header and context, where sizes live.
                let mut bytes = std::fs::read(&stream).unwrap();
                for _ in 0..1 + rng.below(4) {
                    let i = rng.below(84.min(bytes.len() as u64)) as usize;
                    bytes[i] = rng.next() as u8;
                }
                std::fs::write(&stream, bytes).unwrap();
                format!(
                    "case {case}: packet header bytes changed in {}",
                    stream.display()
                )
            }
        };
        if let Some(f) = check(&work, &description) {
            failures.push(f);
        }
    }
    let rss = children_max_rss();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // What the intact trace needs plus the (mapped) input: nothing proportional to forged
    // sizes (a forged TID or CPU id once made the indexer's tables hundreds of MB).
    assert!(
        rss < intact_rss.max(64 * 1024 * 1024) + 2 * input_bytes,
        "peak RSS {rss} bytes, {intact_rss} on the intact trace"
    );
}
