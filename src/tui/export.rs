//! `export_selection` (`e`): the time selection written as a LAMI results file by the
//! `lttng-tui-export` thread, the path (or the error) shown in the status line.

use std::path::{Path, PathBuf};

use crossbeam_channel::{Receiver, Sender};

use super::app::App;
use super::worker::{Request, Update};
use crate::analysis::common::Range;
use crate::lami::export;

impl App {
    /// Asks the export thread to write the current selection (on the Periods tab, the open
    /// or selected period instance's range).
    pub(crate) fn export_selection(&mut self) {
        let instance = self.period_export_range();
        let Some((b, e)) = self
            .selection
            .span()
            .map(|(b, e)| (u64::try_from(b).unwrap_or(0), u64::try_from(e).unwrap_or(0)))
            .filter(|_| instance.is_none())
            .or(instance)
        else {
            self.error("no time selection: mark its start and end first");
            return;
        };
        // A snapshot would give partial tables that look complete: wait for the full model.
        let Some(model) = self.index.model.clone().filter(|_| self.index.done) else {
            self.error("the trace is still being indexed: export when it is done");
            return;
        };
        // The selection holds ns since the epoch; traces never precede it.
        let range = Range { begin: b, end: e };
        let dir = self
            .options
            .export_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from("."));
        self.send_public(Request::Export {
            model,
            range,
            view: self.preset.clone(),
            dir,
        });
        self.exporting = true;
        self.info(if instance.is_some() {
            "exporting the period instance..."
        } else {
            "exporting the selection..."
        });
    }

    /// Shows where the export went.
    pub(crate) fn on_exported(&mut self, result: Result<PathBuf, String>) {
        self.exporting = false;
        match result {
            Ok(path) => self.info(format!("exported to {}", path.display())),
            Err(e) => self.error(format!("export failed: {e}")),
        }
    }
}

/// Serves export requests until the channel closes or the UI is gone.
pub(crate) fn export_thread(path: &Path, rx: &Receiver<Request>, tx: &Sender<Update>) {
    for request in rx {
        let Request::Export {
            model,
            range,
            view,
            dir,
        } = request
        else {
            continue;
        };
        let dest = dir.join(export::file_name(range));
        let result = export::document(path, &model, range, view.as_ref())
            .and_then(|doc| export::write_atomic(&dest, &doc))
            .map(|()| dest)
            .map_err(|e| format!("{e:#}"));
        if tx.send(Update::Exported(result)).is_err() {
            return;
        }
    }
}
