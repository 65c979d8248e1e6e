//! The indexer: results over the channel, cancellation, and the on-disk cache (reused when
//! valid; stale, corrupt or truncated entries are rebuilt, never trusted).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use lttng_tui::r#gen::{GenConfig, ScenarioKind, generate};
use lttng_tui::index::{Indexer, Options, Phase, Update, cache};
use lttng_tui::model::Model;

fn gen_small(dir: &Path) {
    let mut cfg = GenConfig::new(ScenarioKind::Web, dir);
    cfg.duration_ns = Some(2_000_000_000);
    generate(&cfg, &mut |_| {}).expect("generate");
}

/// Indexes `trace` with the cache in `cache_dir`; returns the model and whether it was
/// built (rather than loaded from the cache).
fn run(trace: &Path, cache_dir: &Path) -> (Arc<Model>, bool) {
    let opts = Options {
        cache_dir: Some(cache_dir.to_path_buf()),
        ..Options::default()
    };
    let ix = Indexer::spawn(trace, opts).expect("spawn");
    let mut built = false;
    for u in ix.updates.iter() {
        match u {
            Update::Progress(p) if p.phase == Phase::Done => built = true,
            Update::Done(r) => return (r.expect("index"), built),
            _ => {}
        }
    }
    panic!("no Done update");
}

/// A small generated trace under `dir`, indexed once with its cache in `dir/cache`: the
/// kernel trace, the cache directory and the model built.
fn indexed_small(dir: &Path) -> (PathBuf, PathBuf, Arc<Model>) {
    let cache_dir = dir.join("cache");
    gen_small(&dir.join("t"));
    let trace = dir.join("t/kernel");
    let (model, built) = run(&trace, &cache_dir);
    assert!(built, "the first run builds");
    (trace, cache_dir, model)
}

fn same(a: &Model, b: &Model) {
    assert_eq!(a.events, b.events);
    assert_eq!(a.cpu_by_tid(), b.cpu_by_tid());
    assert_eq!(a.syscall_stats(), b.syscall_stats());
    assert_eq!(a.irq_stats(), b.irq_stats());
    assert_eq!(a.io_by_pid(), b.io_by_pid());
}

#[test]
fn cache_is_reused_when_valid_and_rebuilt_otherwise() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (trace, cache_dir, first) = indexed_small(dir.path());
    let (again, built) = run(&trace, &cache_dir);
    assert!(!built, "a valid cache must be used");
    same(&first, &again);
    // Lookups that are not serialised work after loading.
    assert!(again.strings.find("sched_switch").is_none());
    assert!(again.strings.find("read").is_some());

    // Corrupt one payload byte: detected by the checksum, rebuilt.
    let file = cache::file_for(&cache_dir, &trace);
    let mut bytes = std::fs::read(&file).expect("cache file");
    let n = bytes.len();
    bytes[n - 100] ^= 0x55;
    std::fs::write(&file, &bytes).expect("write");
    let (rebuilt, built) = run(&trace, &cache_dir);
    assert!(built, "a corrupt cache must not be trusted");
    same(&first, &rebuilt);

    // Truncated.
    let bytes = std::fs::read(&file).expect("cache file");
    std::fs::write(&file, &bytes[..bytes.len() / 2]).expect("write");
    assert!(
        run(&trace, &cache_dir).1,
        "a truncated cache must not be trusted"
    );

    // Stale: a stream file changed (size and mtime) after the cache was written.
    assert!(!run(&trace, &cache_dir).1);
    let stream = std::fs::read_dir(&trace)
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("channel"))
        })
        .expect("a stream file");
    std::thread::sleep(Duration::from_millis(20));
    let data = std::fs::read(&stream).expect("read");
    std::fs::write(&stream, &data).expect("rewrite");
    assert!(run(&trace, &cache_dir).1, "a stale cache must be rebuilt");
    // Nothing was written into the trace directory.
    let names: Vec<String> = std::fs::read_dir(&trace)
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names
            .iter()
            .all(|n| n == "metadata" || n == "index" || n.starts_with("channel")),
        "{names:?}"
    );
}

#[test]
fn indexer_thread_is_named_sends_snapshots_and_cancels() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cfg = GenConfig::new(ScenarioKind::Uniform, dir.path());
    cfg.duration_ns = Some(1_000_000_000);
    generate(&cfg, &mut |_| {}).expect("generate");
    let trace = dir.path().join("kernel");
    let opts = Options {
        use_cache: false,
        first_snapshot: Some(Duration::ZERO),
        progress_every: Duration::ZERO,
        ..Options::default()
    };
    let ix = Indexer::spawn(&trace, opts.clone()).expect("spawn");
    let (mut snapshots, mut last_events, mut progress) = (0, 0, 0);
    let (mut last_syscalls, mut snapshot_syscalls) = (0, false);
    let mut done = None;
    for u in ix.updates.iter() {
        match u {
            Update::Snapshot(m) => {
                // Snapshots grow and are consistent on their own.
                assert!(m.events >= last_events);
                last_events = m.events;
                // Syscalls are recorded on a thread of their own: a snapshot has them too.
                let syscalls = m.summary().syscalls;
                assert!(syscalls >= last_syscalls);
                last_syscalls = syscalls;
                snapshot_syscalls |= syscalls > 0 && m.events > 0;
                snapshots += 1;
            }
            Update::Progress(p) => {
                assert!(p.bytes_done <= p.bytes_total);
                progress += 1;
            }
            Update::Done(r) => {
                done = Some(r.expect("index"));
                break;
            }
            Update::Warning(w) => panic!("unexpected warning: {w}"),
        }
    }
    let full = done.expect("done");
    assert!(
        snapshots >= 2 && progress >= 2,
        "{snapshots} snapshots, {progress} reports"
    );
    assert!(last_events <= full.events);
    assert!(snapshot_syscalls, "no snapshot with syscalls");
    assert!(last_syscalls <= full.summary().syscalls);

    // Cancel right away: the thread stops and says so.
    let ix = Indexer::spawn(&trace, opts).expect("spawn");
    ix.cancel();
    let end = ix.wait();
    assert!(end.is_err_and(|e| e.to_string().contains("cancelled")));
}

/// Runs `lttng-tui ARGS` with the cache under `home`: its stderr.
fn stderr_of(home: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lttng-tui"))
        .args(args)
        .env("XDG_CACHE_HOME", home)
        .output()
        .expect("run lttng-tui");
    assert!(out.status.success(), "{args:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_damaged_trace_warns_again_when_its_model_comes_from_the_cache() {
    let dir = tempfile::tempdir().expect("tempdir");
    gen_small(&dir.path().join("t"));
    let trace = dir.path().join("t/kernel");
    // Cut the largest stream file in the middle of its data.
    let stream = std::fs::read_dir(&trace)
        .expect("read_dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "metadata"))
        .max_by_key(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
        .expect("a stream");
    let len = std::fs::metadata(&stream).expect("metadata").len();
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(&stream)
        .expect("open");
    f.set_len(len / 2 + 3).expect("truncate");
    drop(f);
    let name = stream.file_name().and_then(|n| n.to_str()).expect("name");
    let home = dir.path().join("home");
    let trace = trace.to_str().expect("utf-8 path");
    let cold = stderr_of(&home, &["cputop", "--no-progress", trace]);
    assert!(cold.contains("warning") && cold.contains(name), "{cold}");
    // Warm: the model comes from the cache and says the same, once.
    for args in [
        &["cputop", "--no-progress", trace][..],
        &["iolog", "--no-progress", trace][..],
        &[
            "periodlog",
            "--no-progress",
            "--period",
            "p : $evt.$name == \"syscall_entry_read\"",
            trace,
        ][..],
    ] {
        let warm = stderr_of(&home, args);
        assert_eq!(warm.matches(name).count(), 1, "{args:?}: {warm}");
    }
    let (m, built) = run(Path::new(trace), &home.join("lttng-tui"));
    assert!(!built);
    assert_eq!(m.read_errors.len(), 1, "{:?}", m.read_errors);
}

/// Damage anywhere in a cache file is caught by the checksum of its section, whichever
/// of the two loading threads reads that section.
#[test]
fn damage_in_any_section_is_detected() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (trace, cache_dir, first) = indexed_small(dir.path());
    let key = cache::Key::of(&trace).expect("key");
    let whole = cache::load(&cache_dir, &trace, &key).expect("an intact cache loads");
    same(&first, &whole);

    // The layout `store` writes: magic, key length and key, then (length, checksum) per
    // section, then the sections.
    let file = cache::file_for(&cache_dir, &trace);
    let intact = std::fs::read(&file).expect("cache file");
    let u64_at = |at: usize| u64::from_le_bytes(intact[at..at + 8].try_into().unwrap());
    let key_len = u64_at(8) as usize;
    let table = 16 + key_len;
    let sections = 9;
    let mut start = table + sections * 16;
    for s in 0..sections {
        let len = u64_at(table + s * 16) as usize;
        // Several places per section: one of them at least is in a column's values,
        // which decode whatever their bytes (a length or a tag might not).
        for part in 1..8 {
            if len == 0 {
                break;
            }
            let mut bytes = intact.clone();
            bytes[start + len * part / 8] ^= 0x10;
            std::fs::write(&file, &bytes).expect("write");
            assert!(
                cache::load(&cache_dir, &trace, &key).is_none(),
                "damage in section {s} at {part}/8 went unnoticed"
            );
        }
        start += len;
    }
    assert_eq!(start, intact.len(), "the sections fill the file");
    std::fs::write(&file, &intact).expect("write");
    assert!(cache::load(&cache_dir, &trace, &key).is_some());
}
