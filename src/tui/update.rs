//! Applying a named command to the app state.

use crate::config::keymap::Context;

use super::action::Action;
use super::app::{App, Tab};
use super::layers::{Layer, PromptKind};
use super::source::{EventFilter, Position};
use super::timefmt;

impl App {
    /// The contexts of the tab under any popup (for key hints in the palette).
    pub fn contexts_below_popups(&self) -> Vec<Context> {
        self.tab.contexts()
    }

    /// Applies one command.
    pub fn apply(&mut self, action: Action) {
        if !self.apply_latency(&action) {
            self.apply_one(action);
        }
        self.refresh_top();
        self.refresh_latency();
        self.refresh_periods();
    }

    fn apply_one(&mut self, action: Action) {
        match action {
            Action::Quit => self.quit = true,
            Action::ShowHelp => self.layers.push(Layer::Help { scroll: 0 }),
            Action::ShowWarnings => self.layers.push(Layer::Warnings { scroll: 0 }),
            Action::OpenPalette => self.open_prompt(PromptKind::Palette, ""),
            Action::Close => self.close(),
            Action::NextTab | Action::PrevTab => {
                let n = Tab::ALL.len();
                let i = Tab::ALL.iter().position(|t| *t == self.tab).unwrap_or(0);
                let step = if action == Action::NextTab { 1 } else { n - 1 };
                self.tab = Tab::ALL[(i + step) % n];
            }
            Action::GotoTab(n) => match Tab::ALL.get(n.wrapping_sub(1)) {
                Some(t) => self.tab = *t,
                None => self.error(format!("no tab {n} yet (tabs: {})", Tab::ALL.len())),
            },
            Action::MoveUp => self.scroll(-1),
            Action::MoveDown => self.scroll(1),
            Action::PageUp => self.scroll(-self.page()),
            Action::PageDown => self.scroll(self.page()),
            Action::HalfPageUp => self.scroll(-self.page() / 2),
            Action::HalfPageDown => self.scroll(self.page() / 2),
            Action::MoveLeft => self.move_cursor(-1),
            Action::MoveRight => self.move_cursor(1),
            Action::GoTop => self.go_end(false),
            Action::GoBottom => self.go_end(true),
            Action::MarkStart | Action::MarkEnd => self.mark(action == Action::MarkStart),
            Action::ClearSelection => {
                self.selection = super::app::Selection::default();
                self.info("selection cleared");
            }
            Action::ExportSelection => self.export_selection(),
            Action::ToggleLatencyScale => self.toggle_latency_scale(),
            Action::DrillDown => self.drill_down(),
            Action::DrillUp => self.drill_up(),
            Action::ComparePeriod => self.compare_period(),
            Action::AddPeriod(def) => self.add_period(&def),
            Action::SortNextColumn if self.tab == Tab::Periods => self.sort_periods(),
            Action::NextTable if self.tab == Tab::Periods => self.focus_period_section(1),
            Action::Search => self.open_prompt(PromptKind::Search, ""),
            Action::SearchNext => self.start_search(false),
            Action::SearchPrev => self.start_search(true),
            Action::GotoTime(arg) => match arg {
                Some(text) => self.goto_time(&text),
                None => self.open_prompt(PromptKind::Palette, "goto_time "),
            },
            Action::FilterEvents(arg) => match arg {
                Some(text) => self.set_filter(&text),
                None => {
                    let current = format!("filter_events {}", self.events.filter.describe());
                    self.open_prompt(PromptKind::Palette, &current);
                }
            },
            Action::ClearFilter => self.set_filter(""),
            Action::SetTheme(name) => self.set_theme(&name),
            Action::SetKeymap(name) => self.set_keymap(&name),
            Action::PromptAccept => self.prompt_accept(),
            Action::PromptNext | Action::PromptPrev => {
                if let Some(Layer::Prompt(p)) = self.layers.last_mut() {
                    let n = p.completions().len().max(1);
                    p.selected = if action == Action::PromptNext {
                        (p.selected + 1) % n
                    } else {
                        (p.selected + n - 1) % n
                    };
                }
            }
            Action::PromptBackspace => {
                if let Some(Layer::Prompt(p)) = self.layers.last_mut() {
                    p.input.pop();
                    p.selected = 0;
                }
            }
            Action::PromptClear => {
                if let Some(Layer::Prompt(p)) = self.layers.last_mut() {
                    p.input.clear();
                }
            }
            Action::PromptComplete => self.prompt_complete(),
            Action::GotoThread if self.tab == Tab::Top => self.top_goto_thread(),
            Action::SortNextColumn | Action::ReverseSort | Action::NextTable => {
                self.apply_top(&action);
            }
            other => self.apply_timeline(other),
        }
    }

    fn page(&self) -> isize {
        isize::try_from(self.list_height()).unwrap_or(1).max(1)
    }

    fn close(&mut self) {
        if self.layers.pop().is_none() {
            self.pending_keys.clear();
            self.cancel_search();
        }
    }

    fn scroll(&mut self, delta: isize) {
        match self.layers.last_mut() {
            Some(Layer::Help { scroll } | Layer::Warnings { scroll }) => {
                *scroll = scroll.saturating_add_signed(delta);
            }
            Some(Layer::Prompt(_)) => {}
            None if self.tab == Tab::Events => {
                let height = self.list_height();
                self.events.move_by(delta, height);
                self.fill_events();
            }
            None if self.tab == Tab::Top => self.scroll_top(delta),
            None if self.tab == Tab::Periods => self.scroll_periods(delta),
            None => self.scroll_rows(delta),
        }
    }

    fn move_cursor(&mut self, columns: i64) {
        match self.tab {
            Tab::ControlFlow | Tab::Resources => return self.step_cursor(columns),
            Tab::Top => return self.focus_table(columns),
            Tab::Periods => return self.focus_period_section(columns),
            Tab::Overview | Tab::Events | Tab::Latency => {}
        }
        let Some((lo, hi)) = self.facts.as_ref().and_then(|f| f.range_ns) else {
            return;
        };
        let width = i64::from(self.size.0.saturating_sub(12)).max(1);
        let step = ((hi - lo) / width).max(1);
        let c = self.cursor_ns.unwrap_or(lo).saturating_add(columns * step);
        self.cursor_ns = Some(c.clamp(lo, hi));
    }

    fn go_end(&mut self, end: bool) {
        if let Some(Layer::Help { scroll } | Layer::Warnings { scroll }) = self.layers.last_mut() {
            *scroll = if end { usize::MAX / 2 } else { 0 };
            return;
        }
        match self.tab {
            Tab::Overview => {
                if let Some((lo, hi)) = self.facts.as_ref().and_then(|f| f.range_ns) {
                    self.cursor_ns = Some(if end { hi } else { lo });
                }
            }
            Tab::ControlFlow | Tab::Resources | Tab::Top => self.scroll_rows_to(end),
            Tab::Latency | Tab::Periods => {}
            Tab::Events => {
                let request = if end {
                    self.events.jump_to_end()
                } else {
                    self.events.jump(
                        Position {
                            ts_ns: i64::MIN,
                            ordinal: 0,
                        },
                        None,
                    )
                };
                self.send_request(request);
            }
        }
    }

    /// The time the current view points at.
    pub fn cursor_time(&self) -> Option<i64> {
        match self.tab {
            Tab::Overview | Tab::Top | Tab::Latency | Tab::Periods => self.cursor_ns,
            Tab::ControlFlow | Tab::Resources => self
                .view
                .as_ref()
                .and_then(|v| i64::try_from(v.cursor_ns).ok())
                .or(self.cursor_ns),
            Tab::Events => self.events.current().map(|r| r.pos.ts_ns),
        }
    }

    fn mark(&mut self, start: bool) {
        let Some(t) = self.cursor_time() else {
            self.error("nothing under the cursor to mark");
            return;
        };
        if start {
            self.selection.start_ns = Some(t);
        } else {
            self.selection.end_ns = Some(t);
        }
        match self.selection.span() {
            Some((a, b)) => self.info(format!("selected {}", timefmt::duration(b - a))),
            None => self.info("selection started: mark its end with ]"),
        }
    }

    fn goto_time(&mut self, text: &str) {
        let Some((lo, _)) = self.facts.as_ref().and_then(|f| f.range_ns) else {
            self.error("the trace has no time range yet");
            return;
        };
        let cursor = self.cursor_time().unwrap_or(lo);
        match timefmt::parse_goto(text, lo, cursor, self.utc_offset_s) {
            Some(t) if matches!(self.tab, Tab::ControlFlow | Tab::Resources) => {
                self.cursor_ns = Some(t);
                if let (Some(v), Ok(t)) = (self.view.as_mut(), u64::try_from(t)) {
                    v.centre_on(t);
                }
            }
            Some(t) => {
                self.cursor_ns = Some(t);
                self.tab = Tab::Events;
                let request = self.events.jump(
                    Position {
                        ts_ns: t,
                        ordinal: 0,
                    },
                    None,
                );
                self.send_request(request);
            }
            None => self.error(format!(
                "cannot read the time `{text}` (1.5s, 250ms, +10ms, 12:34:56.789)"
            )),
        }
    }

    fn set_filter(&mut self, text: &str) {
        match EventFilter::parse(text) {
            Ok(filter) => {
                let at = self.events.current().map_or(
                    Position {
                        ts_ns: i64::MIN,
                        ordinal: 0,
                    },
                    |r| Position {
                        ts_ns: r.pos.ts_ns,
                        ordinal: 0,
                    },
                );
                self.events.filter = filter;
                self.tab = Tab::Events;
                let request = self.events.jump(at, None);
                self.send_request(request);
                let d = self.events.filter.describe();
                self.info(if d.is_empty() {
                    "showing every event".to_string()
                } else {
                    format!("filter: {d}")
                });
            }
            Err(e) => self.error(e),
        }
    }

    fn prompt_accept(&mut self) {
        let Some(Layer::Prompt(p)) = self.layers.pop() else {
            return;
        };
        match p.kind {
            super::layers::PromptKind::Search => {
                if !p.input.is_empty() {
                    self.search.pattern = p.input;
                    self.tab = Tab::Events;
                    self.start_search(false);
                }
            }
            super::layers::PromptKind::Palette => {
                let items = p.completions();
                let typed_args = p.input.trim().contains(' ');
                let text = match items.get(p.selected) {
                    Some(c) if !typed_args && c.arg.is_some() => {
                        // Ask for the argument rather than fail without it.
                        self.open_prompt(PromptKind::Palette, &format!("{} ", c.name));
                        return;
                    }
                    Some(c) if !typed_args => c.name.to_string(),
                    _ => p.input.clone(),
                };
                match super::action::Action::parse(&text) {
                    Ok(action) => self.apply(action),
                    Err(e) => self.error(e),
                }
            }
        }
    }

    fn prompt_complete(&mut self) {
        if let Some(Layer::Prompt(p)) = self.layers.last_mut()
            && let Some(c) = p.completions().get(p.selected)
        {
            p.input = if c.arg.is_some() {
                format!("{} ", c.name)
            } else {
                c.name.to_string()
            };
            p.selected = 0;
        }
    }

    fn send_request(&self, request: super::worker::Request) {
        self.send_public(request);
    }
}
