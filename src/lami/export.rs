//! Export of a time range as one LAMI 1.0 results document: the tables of several analyses
//! (CPU, syscalls, I/O usage, I/O and scheduling latency statistics, and the periods of a
//! view preset) over the same range. The CLI `export` command and the TUI's `e` both call
//! this, so a file written from either is the same for the same range.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::Value;

use super::json::{Metadata, results_json};
use crate::analysis::common::{Options, Range};
use crate::analysis::period;
use crate::analysis::registry::Kind;
use crate::analysis::table::{Table, TableClass};
use crate::config::view::View;
use crate::model::Model;

/// The analyses every export holds, in output order.
pub const KINDS: [Kind; 5] = [
    Kind::Cputop,
    Kind::Syscallstats,
    Kind::Iousagetop,
    Kind::Iolatencystats,
    Kind::Schedstats,
];

/// The period commands added when the view defines periods.
pub const PERIOD_KINDS: [Kind; 2] = [Kind::Periodtop, Kind::Periodstats];

/// The metadata an export's results are checked against: every class of every analysis it
/// may hold, named `COMMAND-CLASS` since two analyses may use one name for different tables
/// (cputop's and syscallstats' `total`).
pub fn metadata() -> Metadata {
    let mut classes: Vec<TableClass> = Vec::new();
    for &k in KINDS.iter().chain(&PERIOD_KINDS) {
        for c in k.classes() {
            let c = qualified(k, c);
            if !classes.iter().any(|x| x.name == c.name) {
                classes.push(c);
            }
        }
    }
    Metadata {
        title: "lttng-tui export".into(),
        description: "CPU, syscall, I/O, latency and period tables of one time range".into(),
        tags: vec!["linux-kernel".into(), "lttng-analyses".into()],
        classes,
    }
}

fn qualified(k: Kind, mut c: TableClass) -> TableClass {
    c.name = format!("{}-{}", k.name(), c.name);
    c
}

fn qualify(k: Kind, tables: Vec<Table>) -> impl Iterator<Item = Table> {
    tables.into_iter().map(move |mut t| {
        t.class = qualified(k, (*t.class).clone()).into();
        t
    })
}

/// The tables of `range`, every one stamped with the range itself (not the first and last
/// events inside it), so a consumer sees exactly the selection that was exported.
pub fn tables(path: &Path, m: &Model, range: Range, view: Option<&View>) -> Result<Vec<Table>> {
    let mut o = Options::new(range);
    // Like `--mi`: a machine reader wants every row.
    o.limit = None;
    let mut out = Vec::new();
    for k in KINDS {
        out.extend(qualify(k, k.run(m, &o).unwrap_or_default()));
    }
    if let Some(v) = view.filter(|v| !v.periods.is_empty()) {
        let found = period::find(path, m, &o, v.definitions()?)
            .with_context(|| format!("cannot find the periods of {}", v.file))?;
        let report = period::Report::default();
        for k in PERIOD_KINDS {
            out.extend(qualify(k, period::tables(k, &found, &o, &report)));
        }
    }
    let (b, e) = range.ns();
    for t in &mut out {
        (t.begin_ns, t.end_ns) = (b, e);
    }
    out.retain(|t| !t.rows.is_empty());
    Ok(out)
}

/// The results document of `range`.
pub fn document(path: &Path, m: &Model, range: Range, view: Option<&View>) -> Result<Value> {
    Ok(results_json(&tables(path, m, range, view)?))
}

/// A file name for `range` that sorts by time and never collides for distinct ranges.
pub fn file_name(range: Range) -> String {
    format!("lttng-tui-{}-{}.json", range.begin, range.end)
}

/// Writes `doc` to `dest` atomically: a temporary file in the same directory, synced, then
/// renamed over `dest`, so a reader never sees half a file (and a failed export leaves any
/// previous file intact).
pub fn write_atomic(dest: &Path, doc: &Value) -> Result<()> {
    let dir = match dest.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = dest
        .file_name()
        .with_context(|| format!("{} is not a file path", dest.display()))?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| -> Result<()> {
        let mut f = std::fs::File::create(&tmp)
            .with_context(|| format!("cannot create {}", tmp.display()))?;
        serde_json::to_writer(&mut f, doc)?;
        f.write_all(b"\n")?;
        f.sync_all()?;
        std::fs::rename(&tmp, dest)
            .with_context(|| format!("cannot rename {} to {}", tmp.display(), dest.display()))
    })();
    if result.is_err() {
        // Best effort: the error that matters is the one returned.
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_names_are_unique() {
        let m = metadata();
        let total: usize = KINDS
            .iter()
            .chain(&PERIOD_KINDS)
            .map(|k| k.classes().len())
            .sum();
        assert_eq!(m.classes.len(), total, "a qualified class name collides");
    }

    #[test]
    fn atomic_write_replaces_the_file() {
        let dir = std::env::temp_dir().join(format!("lttng-tui-export-{}", std::process::id()));
        std::fs::create_dir_all(&dir).ok();
        let dest = dir.join("x.json");
        assert!(write_atomic(&dest, &serde_json::json!({"a": 1})).is_ok());
        assert!(write_atomic(&dest, &serde_json::json!({"a": 2})).is_ok());
        let text = std::fs::read_to_string(&dest).unwrap_or_default();
        assert_eq!(text, "{\"a\":2}\n");
        let names: Vec<_> = std::fs::read_dir(&dir)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.file_name()).collect())
            .unwrap_or_default();
        assert_eq!(names.len(), 1, "no temporary file left: {names:?}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
