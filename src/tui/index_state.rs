//! What the TUI knows from the background indexer: the latest model snapshot, progress, and
//! the tables derived from the model (thread tree, top tables), rebuilt once per snapshot
//! rather than per frame.

use std::sync::Arc;

use crate::index::{Phase, Progress, Update};
use crate::model::Model;

use super::threads::ThreadTree;

/// Indexing progress and the current model.
#[derive(Debug, Default)]
pub struct IndexState {
    /// The newest snapshot (or the finished model).
    pub model: Option<Arc<Model>>,
    /// The last progress report.
    pub progress: Option<Progress>,
    /// The model is complete.
    pub done: bool,
    /// Why indexing failed.
    pub error: Option<String>,
    /// Processes and their threads in the current model.
    pub tree: ThreadTree,
    /// Bumped whenever `model` changes, so views can tell their cached tables are stale.
    pub generation: u64,
}

impl IndexState {
    /// Applies one indexer update; returns whether the model changed.
    pub fn apply(&mut self, update: Update) -> bool {
        match update {
            Update::Progress(p) => {
                self.progress = Some(p);
                false
            }
            Update::Snapshot(m) => {
                self.set_model(m);
                true
            }
            Update::Done(Ok(m)) => {
                self.done = true;
                self.set_model(m);
                true
            }
            Update::Done(Err(e)) => {
                self.done = true;
                self.error = Some(e);
                false
            }
            Update::Warning(_) => false,
        }
    }

    fn set_model(&mut self, m: Arc<Model>) {
        self.tree = ThreadTree::build(&m);
        self.model = Some(m);
        self.generation += 1;
    }

    /// Whether the indexer is still working.
    pub fn running(&self) -> bool {
        !self.done
    }

    /// Events lost according to the model's gaps (a window without a count counts once).
    pub fn lost_events(&self) -> u64 {
        self.model
            .as_ref()
            .map_or(0, |m| m.gaps.iter().map(|g| g.count.unwrap_or(1)).sum())
    }

    /// The status-line text while indexing: `indexing 42% 1.2 M ev/s ETA 3 s`.
    pub fn status_text(&self) -> Option<String> {
        if self.done {
            return None;
        }
        let Some(p) = &self.progress else {
            return Some("indexing…".to_string());
        };
        let what = match p.phase {
            Phase::LoadingCache => return Some("loading the cached index…".to_string()),
            Phase::SavingCache => return Some("saving the index cache…".to_string()),
            Phase::Indexing | Phase::Done => "indexing",
        };
        let pct = if p.bytes_total == 0 {
            0.0
        } else {
            p.bytes_done as f64 * 100.0 / p.bytes_total as f64
        };
        let rate = super::views::overview::human_count(p.events_per_s as u64);
        let eta = p
            .eta
            .map(|d| format!(" ETA {}", super::timefmt::duration(d.as_nanos() as i64)))
            .unwrap_or_default();
        Some(format!("{what} {pct:>3.0}% {rate} ev/s{eta}"))
    }
}
