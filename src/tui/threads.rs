//! The process → thread tree of the Control flow tab, built once per model snapshot, and
//! its flattening into screen rows under a filter and the set of collapsed processes.

use std::collections::{BTreeMap, HashSet};

use crate::model::Model;

/// One process and its thread generations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessNode {
    /// Process id (the TID for threads whose process is unknown).
    pub pid: u32,
    /// Name of its main thread (or of its first thread).
    pub name: String,
    /// Its threads (indices into `Model::threads`), by TID then age.
    pub threads: Vec<u32>,
    /// The thread whose TID is the PID, drawn on the process row.
    pub main: Option<u32>,
}

/// Every process of a model, by PID.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThreadTree {
    /// Processes, ascending PID.
    pub processes: Vec<ProcessNode>,
    /// Display names of the threads, indexed like `Model::threads` (empty for idle threads).
    pub names: Vec<String>,
    /// TIDs of the threads, indexed like `Model::threads`.
    pub tids: Vec<u32>,
}

/// One row of the Control flow tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FlowRow {
    /// A process (index into [`ThreadTree::processes`]).
    Process(usize),
    /// A thread (index into `Model::threads`) of a multi-threaded process.
    Thread(u32),
}

impl ThreadTree {
    /// Groups the threads of `m` by process. Idle threads belong to CPUs, not processes.
    pub fn build(m: &Model) -> ThreadTree {
        let mut by_pid: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        let mut names = Vec::with_capacity(m.threads.len());
        let tids = m.threads.iter().map(|t| t.tid).collect();
        for (i, t) in m.threads.iter().enumerate() {
            let name = t.name().map(|n| m.strings.get(n).to_string());
            names.push(name.unwrap_or_default());
            if t.idle_cpu.is_some() {
                continue;
            }
            let Ok(i) = u32::try_from(i) else { break };
            by_pid.entry(t.pid.unwrap_or(t.tid)).or_default().push(i);
        }
        let processes = by_pid
            .into_iter()
            .map(|(pid, mut threads)| {
                threads.sort_by_key(|&i| (m.threads[i as usize].tid, i));
                let main = threads
                    .iter()
                    .copied()
                    .rfind(|&i| m.threads[i as usize].tid == pid);
                let named = main.or_else(|| threads.first().copied());
                let name = named
                    .and_then(|i| names.get(i as usize).cloned())
                    .unwrap_or_default();
                ProcessNode {
                    pid,
                    name,
                    threads,
                    main,
                }
            })
            .collect();
        ThreadTree {
            processes,
            names,
            tids,
        }
    }

    /// The rows shown: processes matching `filter` (by name or PID, or through one of their
    /// threads), each followed by its matching threads unless collapsed. Single-threaded
    /// processes are one row.
    pub fn rows(&self, filter: &str, collapsed: &HashSet<u32>) -> Vec<FlowRow> {
        let filter = filter.trim().to_lowercase();
        let mut rows = Vec::new();
        for (pi, p) in self.processes.iter().enumerate() {
            let own = self.matches(&filter, &p.name, p.pid);
            let threads: Vec<u32> = p
                .threads
                .iter()
                .copied()
                .filter(|&t| own || self.thread_matches(&filter, t))
                .collect();
            if !own && threads.is_empty() {
                continue;
            }
            rows.push(FlowRow::Process(pi));
            if p.threads.len() > 1 && !collapsed.contains(&p.pid) {
                rows.extend(threads.into_iter().map(FlowRow::Thread));
            }
        }
        rows
    }

    fn matches(&self, filter: &str, name: &str, id: u32) -> bool {
        filter.is_empty() || name.to_lowercase().contains(filter) || id.to_string() == filter
    }

    fn thread_matches(&self, filter: &str, th: u32) -> bool {
        let name = self.names.get(th as usize).map_or("", String::as_str);
        let tid = self.tids.get(th as usize).copied().unwrap_or(u32::MAX);
        self.matches(filter, name, tid)
    }

    /// The thread drawn on a row.
    pub fn thread_of(&self, row: FlowRow) -> Option<u32> {
        match row {
            FlowRow::Thread(t) => Some(t),
            FlowRow::Process(pi) => {
                let p = self.processes.get(pi)?;
                p.main.or_else(|| p.threads.first().copied())
            }
        }
    }
}
