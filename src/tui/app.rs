//! The application state and how keys, commands and worker updates change it. Nothing here
//! draws: the widgets in `views/` and `layers/` read this state through `&App`.

use std::path::PathBuf;

use crate::config::Warning;
use crate::config::key::{Key, KeyCode};
use crate::config::keymap::{Context, Keymap, Lookup};

use super::action::Action;
use super::events_state::EventsState;
use super::facts::TraceFacts;
use super::index_state::IndexState;
use super::layers::{Layer, Prompt, PromptKind};
use super::settings::{self, Loaded};
use super::source::Position;
use super::style::Styles;
use super::timeline_state::{FlowState, ResourcesState};
use super::update_top::TopState;
use super::viewport::Viewport;
use super::worker::{Request, Update, Workers};

/// The tabs, in order (number keys select them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// Trace facts and per-CPU activity.
    Overview,
    /// Threads over time.
    ControlFlow,
    /// CPUs over time.
    Resources,
    /// CPU, syscall and IRQ tables.
    Top,
    /// The event list.
    Events,
    /// Syscall latency histogram of the time selection.
    Latency,
    /// The preset's period instances, slowest first, and one instance's syscalls.
    Periods,
}

impl Tab {
    /// Every tab, in order.
    pub const ALL: [Tab; 7] = [
        Tab::Overview,
        Tab::ControlFlow,
        Tab::Resources,
        Tab::Top,
        Tab::Events,
        Tab::Latency,
        Tab::Periods,
    ];

    /// Its title.
    pub fn title(self) -> &'static str {
        match self {
            Tab::Overview => "Overview",
            Tab::ControlFlow => "Control flow",
            Tab::Resources => "Resources",
            Tab::Top => "Top",
            Tab::Events => "Events",
            Tab::Latency => "Latency",
            Tab::Periods => "Periods",
        }
    }

    /// The tab a view preset names (`[open] tab`, one of `config::view::TABS`).
    pub fn from_name(name: &str) -> Option<Tab> {
        Some(match name {
            "overview" => Tab::Overview,
            "control_flow" => Tab::ControlFlow,
            "resources" => Tab::Resources,
            "top" => Tab::Top,
            "events" => Tab::Events,
            "latency" => Tab::Latency,
            "periods" => Tab::Periods,
            _ => return None,
        })
    }

    /// The key contexts of the tab, most specific first.
    pub fn contexts(self) -> Vec<Context> {
        match self {
            Tab::Overview => vec![Context::Overview, Context::Global],
            Tab::ControlFlow => vec![
                Context::ControlFlow,
                Context::Timeline,
                Context::List,
                Context::Global,
            ],
            Tab::Resources => vec![
                Context::Resources,
                Context::Timeline,
                Context::List,
                Context::Global,
            ],
            Tab::Top => vec![Context::Top, Context::List, Context::Global],
            Tab::Latency => vec![Context::Latency, Context::Global],
            Tab::Periods => vec![Context::Periods, Context::List, Context::Global],
            Tab::Events => vec![Context::Events, Context::List, Context::Global],
        }
    }
}

/// A time span, ns since the epoch; either end may be unset while it is being marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Selection {
    /// Start.
    pub start_ns: Option<i64>,
    /// End.
    pub end_ns: Option<i64>,
}

impl Selection {
    /// Both ends, ordered, when both are set.
    pub fn span(&self) -> Option<(i64, i64)> {
        let (a, b) = (self.start_ns?, self.end_ns?);
        Some((a.min(b), a.max(b)))
    }
}

/// The state of the search started with `/`.
#[derive(Debug, Clone, Default)]
pub struct SearchState {
    /// The pattern.
    pub pattern: String,
    /// Generation of the running or last search.
    pub generation: u64,
    /// Fraction scanned while running.
    pub running: Option<f32>,
    /// The last match.
    pub hit: Option<Position>,
}

/// A line for the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Text.
    pub text: String,
    /// An error rather than information.
    pub error: bool,
}

/// How the app was asked to start.
#[derive(Debug, Clone, Default)]
pub struct AppOptions {
    /// The trace or session directory.
    pub path: PathBuf,
    /// Times in UTC rather than the local zone.
    pub clock_gmt: bool,
    /// Where `export_selection` writes (`None`: the current directory).
    pub export_dir: Option<PathBuf>,
}

/// The whole UI state.
#[derive(Debug)]
pub struct App {
    /// How it was started.
    pub options: AppOptions,
    /// Active keymap.
    pub keymap: Keymap,
    /// Its name.
    pub keymap_name: String,
    /// Active theme, lowered to the terminal.
    pub styles: Styles,
    /// Configuration warnings (file and line each).
    pub warnings: Vec<Warning>,
    /// What is known of the trace, once opened.
    pub facts: Option<TraceFacts>,
    /// Why the trace could not be opened.
    pub open_error: Option<String>,
    /// Zone offset for displayed clock times, seconds.
    pub utc_offset_s: i64,
    /// Current tab.
    pub tab: Tab,
    /// Overview cursor, ns.
    pub cursor_ns: Option<i64>,
    /// Events list.
    pub events: EventsState,
    /// Shared time selection.
    pub selection: Selection,
    /// Search.
    pub search: SearchState,
    /// Popups, bottom first.
    pub layers: Vec<Layer>,
    /// Status message.
    pub message: Option<Message>,
    /// Keys of an unfinished sequence.
    pub pending_keys: Vec<Key>,
    /// Terminal size (columns, rows) the last frame was drawn at.
    pub size: (u16, u16),
    /// Set by `quit`.
    pub quit: bool,
    /// The model and the indexer's progress.
    pub index: IndexState,
    /// The indexer; dropping the app cancels it.
    pub indexer: Option<crate::index::Indexer>,
    /// Time window and cursor of the timeline tabs, once a model exists.
    pub view: Option<Viewport>,
    /// Control flow tab.
    pub flow: FlowState,
    /// Resources tab.
    pub resources: ResourcesState,
    /// Top tab.
    pub top: TopState,
    /// The timelines' per-row summary of the complete model.
    pub summary: super::summary::SummaryState,
    /// The view preset given with `--view`: its periods and first tab.
    pub preset: Option<crate::config::view::View>,
    /// An export is being written.
    pub exporting: bool,
    /// Latency tab.
    pub latency: super::latency::LatencyState,
    /// Periods tab.
    pub periods: super::periods::PeriodsState,
    workers: Option<Workers>,
}

impl App {
    /// A new app with the given configuration; `workers` is `None` for tests of pure UI.
    pub fn new(
        options: AppOptions,
        keymap: Loaded<Keymap>,
        styles: Loaded<Styles>,
        workers: Option<Workers>,
    ) -> App {
        let mut warnings = keymap.warnings;
        warnings.extend(styles.warnings);
        let message = (!warnings.is_empty()).then(|| Message {
            text: format!(
                "{} configuration warning(s): press W to see them",
                warnings.len()
            ),
            error: true,
        });
        App {
            options,
            keymap: keymap.value,
            keymap_name: keymap.name,
            styles: styles.value,
            warnings,
            facts: None,
            open_error: None,
            utc_offset_s: 0,
            tab: Tab::Overview,
            cursor_ns: None,
            events: EventsState::default(),
            selection: Selection::default(),
            search: SearchState::default(),
            layers: Vec::new(),
            message,
            pending_keys: Vec::new(),
            size: (80, 24),
            quit: false,
            index: IndexState::default(),
            indexer: None,
            view: None,
            flow: FlowState::default(),
            resources: ResourcesState::default(),
            top: TopState::default(),
            summary: Default::default(),
            preset: None,
            exporting: false,
            latency: Default::default(),
            periods: Default::default(),
            workers,
        }
    }

    fn send(&self, request: Request) {
        if let Some(w) = &self.workers {
            w.send(request);
        }
    }

    /// Sends a request to the workers (nothing happens without them).
    pub(crate) fn send_public(&self, request: Request) {
        self.send(request);
    }

    /// Rows of the Events list on screen (the frame minus tab bar, status, header, detail).
    pub fn list_height(&self) -> usize {
        usize::from(self.size.1.saturating_sub(7)).max(1)
    }

    /// The contexts keys are looked up in, most specific first.
    pub fn contexts(&self) -> Vec<Context> {
        match self.layers.last() {
            Some(Layer::Prompt(_)) => vec![Context::Prompt],
            Some(Layer::Help { .. } | Layer::Warnings { .. }) => {
                vec![Context::Help, Context::List, Context::Global]
            }
            None => self.tab.contexts(),
        }
    }

    /// Handles one key press.
    pub fn handle_key(&mut self, key: Key) {
        self.pending_keys.push(key);
        let contexts = self.contexts();
        let run = match self.keymap.lookup(&contexts, &self.pending_keys) {
            Lookup::Prefix => return,
            Lookup::Found(b) => Some(b.run.clone()),
            Lookup::None => None,
        };
        let keys = std::mem::take(&mut self.pending_keys);
        match run {
            Some(run) => match Action::parse(&run) {
                Ok(action) => self.apply(action),
                Err(e) => self.error(e),
            },
            None => {
                if let ([k], Some(Layer::Prompt(p))) = (keys.as_slice(), self.layers.last_mut())
                    && let KeyCode::Char(c) = k.code
                    && !k.ctrl
                    && !k.alt
                {
                    p.insert(c);
                }
            }
        }
    }

    /// Handles key names as a keymap spells them, space separated (`g g`, `ctrl-d`).
    pub fn press(&mut self, keys: &str) {
        for name in keys.split_whitespace() {
            match Key::parse(name) {
                Some(k) => self.handle_key(k),
                None => self.error(format!("unknown key `{name}`")),
            }
        }
    }

    /// Types text into the focused prompt, one key per character.
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.handle_key(Key::plain(KeyCode::Char(c)));
        }
    }

    pub(crate) fn info(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            error: false,
        });
    }

    pub(crate) fn error(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            error: true,
        });
    }

    /// Applies an update from a worker.
    pub fn apply_update(&mut self, update: Update) {
        match update {
            Update::Opened(facts) => {
                self.utc_offset_s = if self.options.clock_gmt {
                    0
                } else {
                    let secs = facts.range_ns.map_or(0, |r| r.0 / 1_000_000_000);
                    crate::pretty::tz::LocalZone::from_env().offset_at(secs)
                };
                self.cursor_ns = facts.range_ns.map(|r| r.0);
                self.facts = Some(*facts);
                let request = self.events.jump(
                    Position {
                        ts_ns: i64::MIN,
                        ordinal: 0,
                    },
                    None,
                );
                self.send(request);
            }
            Update::OpenFailed(e) => {
                self.open_error = Some(e.clone());
                self.error(format!("cannot open the trace: {e}"));
            }
            Update::Page {
                generation,
                dir,
                rows,
                exhausted,
            } => {
                let height = self.list_height();
                if self
                    .events
                    .apply_page(generation, dir, rows, exhausted, height)
                {
                    self.fill_events();
                }
            }
            Update::SearchProgress {
                generation,
                fraction,
            } => {
                if generation == self.search.generation && self.search.running.is_some() {
                    self.search.running = Some(fraction);
                }
            }
            Update::Index(u) => self.on_index(u),
            Update::Waker { tid, row } => self.on_waker(tid, row),
            Update::Exported(result) => self.on_exported(result),
            Update::Latency {
                generation,
                kind,
                answer,
            } => self.on_latency(generation, kind, *answer),
            Update::Periods { generation, result } => self.on_periods(generation, result),
            Update::Top { generation, tables } => self.on_top(generation, tables),
            Update::Summary {
                generation,
                summary,
            } => self.on_summary(generation, summary),
            Update::SearchDone { generation, hit } => {
                if generation != self.search.generation {
                    return;
                }
                self.search.running = None;
                match hit {
                    Some(pos) => {
                        self.search.hit = Some(pos);
                        self.goto_position(pos);
                        self.info(format!("match for `{}`", self.search.pattern));
                    }
                    None => self.error(format!("no more matches for `{}`", self.search.pattern)),
                }
            }
        }
    }

    /// Asks for the pages the Events list needs around its selection.
    pub(crate) fn fill_events(&mut self) {
        let height = self.list_height();
        for request in self.events.fill_requests(height) {
            self.send(request);
        }
    }

    /// Shows the event at `pos` selected in the Events list.
    pub(crate) fn goto_position(&mut self, pos: Position) {
        self.tab = Tab::Events;
        if let Some(i) = self.events.rows.iter().position(|r| r.pos == pos) {
            self.events.selected = i;
            self.events.scroll_into_view(self.list_height());
            self.fill_events();
            return;
        }
        let request = self.events.jump(pos, Some(pos));
        self.send(request);
    }

    /// Starts searching from the selected event.
    pub(crate) fn start_search(&mut self, backward: bool) {
        if self.search.pattern.is_empty() {
            self.error("no search pattern: press / first");
            return;
        }
        let from = self.events.current().map_or(
            Position {
                ts_ns: i64::MIN,
                ordinal: 0,
            },
            |r| r.pos,
        );
        self.search.generation += 1;
        if let Some(w) = &self.workers {
            w.search_generation
                .store(self.search.generation, std::sync::atomic::Ordering::Relaxed);
        }
        self.search.running = Some(0.0);
        self.info(format!("searching `{}`…", self.search.pattern));
        self.send(Request::Search {
            generation: self.search.generation,
            pattern: self.search.pattern.clone(),
            from,
            backward,
            filter: self.events.filter.clone(),
        });
    }

    /// Stops a running search.
    pub(crate) fn cancel_search(&mut self) {
        if self.search.running.take().is_some() {
            self.search.generation += 1;
            if let Some(w) = &self.workers {
                w.search_generation
                    .store(self.search.generation, std::sync::atomic::Ordering::Relaxed);
            }
            self.info("search cancelled");
        }
    }

    /// Whether a background job is running (the loop then redraws on its updates).
    pub fn busy(&self) -> bool {
        self.facts.is_none() && self.open_error.is_none()
            || self.events.loading
            || self.search.running.is_some()
            || self.exporting
            || self.latency.computing
            || self.periods.computing
            || self.top.computing
            || self.summary.building
            || self.indexer.is_some() && self.index.running()
    }

    /// Opens a prompt.
    pub(crate) fn open_prompt(&mut self, kind: PromptKind, text: &str) {
        self.layers.push(Layer::Prompt(Prompt::new(kind, text)));
    }

    /// Replaces the keymap (`set_keymap`).
    pub(crate) fn set_keymap(&mut self, choice: &str) {
        let loaded = settings::load_keymap(Some(choice), settings::user_dir().as_deref());
        self.report_loaded(&loaded.warnings, &format!("keymap {}", loaded.name));
        self.keymap = loaded.value;
        self.keymap_name = loaded.name;
    }

    /// Replaces the theme (`set_theme`).
    pub(crate) fn set_theme(&mut self, choice: &str) {
        let loaded = settings::load_theme(Some(choice), self.styles.depth);
        self.report_loaded(&loaded.warnings, &format!("theme {}", loaded.name));
        self.styles = loaded.value;
    }

    fn report_loaded(&mut self, warnings: &[Warning], what: &str) {
        match warnings.first() {
            Some(w) => {
                self.warnings.extend(warnings.iter().cloned());
                self.error(w.to_string());
            }
            None => self.info(format!("{what} loaded")),
        }
    }
}
