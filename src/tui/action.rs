//! Named commands: what keymap entries `run` and what the `:` palette completes. Each
//! command's snake_case name is the one users write; [`COMMANDS`] is the documented list.

/// A command with its argument, ready to apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Leave lttng-tui.
    Quit,
    /// Open the help overlay.
    ShowHelp,
    /// Open the `:` command palette.
    OpenPalette,
    /// List the configuration warnings met at start.
    ShowWarnings,
    /// Close the topmost popup or cancel what is in progress.
    Close,
    /// Next tab.
    NextTab,
    /// Previous tab.
    PrevTab,
    /// Tab by 1-based number.
    GotoTab(usize),
    /// Move the cursor or selection up one row.
    MoveUp,
    /// Down one row.
    MoveDown,
    /// Left (earlier in time).
    MoveLeft,
    /// Right (later in time).
    MoveRight,
    /// Up one page.
    PageUp,
    /// Down one page.
    PageDown,
    /// Up half a page.
    HalfPageUp,
    /// Down half a page.
    HalfPageDown,
    /// To the first row or the start of the trace.
    GoTop,
    /// To the last row or the end of the trace.
    GoBottom,
    /// Start the time selection at the cursor.
    MarkStart,
    /// End the time selection at the cursor.
    MarkEnd,
    /// Forget the time selection.
    ClearSelection,
    /// Write the time selection as LAMI JSON (to `--export-dir` or the current directory).
    ExportSelection,
    /// Latency: switch the histogram between log and linear buckets.
    ToggleLatencyScale,
    /// Latency: measure `syscall`, `block`, `sched` or `irq` latencies.
    LatencyKind(String),
    /// Latency: the next (`true`) or previous series (one syscall, disk, thread, IRQ).
    LatencySeries(bool),
    /// Latency: the last non-empty bucket and its slowest instance.
    LatencyMax,
    /// Latency: the selected instance in Control flow, its range selected.
    ShowInstance,
    /// Periods: open the selected instance (its syscalls, fds resolved).
    DrillDown,
    /// Periods: back from an instance to the list.
    DrillUp,
    /// Periods: the current instance against the median one of its period.
    ComparePeriod,
    /// Periods: add a definition, `NAME [(PARENT)] : BEGIN [: END]` (the `--period` language).
    AddPeriod(String),
    /// Open the `/` search line.
    Search,
    /// Next search match.
    SearchNext,
    /// Previous search match.
    SearchPrev,
    /// Go to a time (`1.5s`, `250ms` from the start, `+10ms` from the cursor); without an
    /// argument, ask for it.
    GotoTime(Option<String>),
    /// Show only some events (`name:sched cpu:2 tid:42`); without an argument, ask.
    FilterEvents(Option<String>),
    /// Show every event again.
    ClearFilter,
    /// Switch theme.
    SetTheme(String),
    /// Switch keymap.
    SetKeymap(String),
    /// Timeline: halve the visible time around the cursor.
    ZoomIn,
    /// Timeline: double the visible time around the cursor.
    ZoomOut,
    /// Timeline: show the whole trace.
    ZoomAll,
    /// Timeline: show exactly the time selection.
    ZoomToSelection,
    /// Timeline: the previous zoom.
    ZoomBack,
    /// Timeline: undo `zoom_back`.
    ZoomForward,
    /// Timeline: move the window earlier by a quarter.
    PanLeft,
    /// Timeline: move the window later by a quarter.
    PanRight,
    /// Control flow: cursor to the next state change of the selected thread.
    NextStateChange,
    /// Control flow: cursor to the previous state change of the selected thread.
    PrevStateChange,
    /// Control flow: select the thread that woke the selected one last.
    JumpToWaker,
    /// Control flow: show only matching threads (name, PID, TID); without an argument, ask.
    FilterThreads(Option<String>),
    /// Control flow: open or close the selected process.
    ToggleNode,
    /// Resources: highlight where the thread selected in Control flow runs.
    FollowThread,
    /// Resources: keep the selection on the CPU the followed thread runs on.
    FollowCpu,
    /// Resources and Top: show the thread of the selected row in Control flow.
    GotoThread,
    /// Top: sort by the next column.
    SortNextColumn,
    /// Top: reverse the sort order.
    ReverseSort,
    /// Top: focus the next table.
    NextTable,
    /// In a prompt: run or search what was typed.
    PromptAccept,
    /// In a prompt: next completion.
    PromptNext,
    /// In a prompt: previous completion.
    PromptPrev,
    /// In a prompt: delete the character before the cursor.
    PromptBackspace,
    /// In a prompt: clear the line.
    PromptClear,
    /// In a prompt: complete to the selected item.
    PromptComplete,
}

/// A command's documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Command {
    /// The name keymaps and the palette use.
    pub name: &'static str,
    /// The argument it takes, for the palette's hint (`TIME`), if any.
    pub arg: Option<&'static str>,
    /// What it does.
    pub desc: &'static str,
}

const fn cmd(name: &'static str, arg: Option<&'static str>, desc: &'static str) -> Command {
    Command { name, arg, desc }
}

/// Every command, in the order the palette lists them.
pub const COMMANDS: &[Command] = &[
    cmd("quit", None, "leave lttng-tui"),
    cmd(
        "show_help",
        None,
        "show the key bindings of the active keymap",
    ),
    cmd("open_palette", None, "open the command palette"),
    cmd(
        "show_warnings",
        None,
        "list configuration and trace warnings",
    ),
    cmd("close", None, "close the popup, cancel the search"),
    cmd("next_tab", None, "next tab"),
    cmd("prev_tab", None, "previous tab"),
    cmd("goto_tab", Some("N"), "go to tab N"),
    cmd("move_up", None, "up one row"),
    cmd("move_down", None, "down one row"),
    cmd("move_left", None, "cursor earlier in time"),
    cmd("move_right", None, "cursor later in time"),
    cmd("page_up", None, "up one page"),
    cmd("page_down", None, "down one page"),
    cmd("half_page_up", None, "up half a page"),
    cmd("half_page_down", None, "down half a page"),
    cmd("go_top", None, "to the first row / start of the trace"),
    cmd("go_bottom", None, "to the last row / end of the trace"),
    cmd("mark_start", None, "start the time selection at the cursor"),
    cmd("mark_end", None, "end the time selection at the cursor"),
    cmd("clear_selection", None, "forget the time selection"),
    cmd(
        "drill_down",
        None,
        "periods: drill into the selected instance",
    ),
    cmd("drill_up", None, "periods: back to the list of instances"),
    cmd(
        "compare_period",
        None,
        "periods: the instance against the median one of its period",
    ),
    cmd(
        "period",
        Some("NAME : BEGIN : END"),
        "periods: add a definition (the --period language) and match again",
    ),
    cmd(
        "toggle_latency_scale",
        None,
        "latency histogram: log or linear buckets",
    ),
    cmd(
        "latency_kind",
        Some("KIND"),
        "latency histogram of: syscall, block, sched, irq",
    ),
    cmd(
        "latency_next_series",
        None,
        "latency: next series (one syscall, disk, thread, IRQ)",
    ),
    cmd("latency_prev_series", None, "latency: previous series"),
    cmd(
        "latency_max",
        None,
        "latency: the slowest bucket and its slowest instance",
    ),
    cmd(
        "show_instance",
        None,
        "latency: the selected instance in Control flow, its range selected",
    ),
    cmd(
        "export_selection",
        None,
        "write the time selection as LAMI JSON (to --export-dir or here)",
    ),
    cmd("search", None, "fuzzy search events"),
    cmd("search_next", None, "next search match"),
    cmd("search_prev", None, "previous search match"),
    cmd(
        "goto_time",
        Some("TIME"),
        "go to a time: 1.5s, 250ms from the start, +10ms from the cursor",
    ),
    cmd(
        "filter_events",
        Some("FILTER"),
        "show only name:NAME cpu:N tid:N",
    ),
    cmd("clear_filter", None, "show every event"),
    cmd(
        "set_theme",
        Some("NAME|PATH"),
        "switch theme: dark, light, high-contrast, mono",
    ),
    cmd(
        "set_keymap",
        Some("NAME|PATH"),
        "switch keymap: default, emacs",
    ),
    cmd("zoom_in", None, "timeline: zoom in around the cursor"),
    cmd("zoom_out", None, "timeline: zoom out around the cursor"),
    cmd("zoom_all", None, "timeline: show the whole trace"),
    cmd(
        "zoom_to_selection",
        None,
        "timeline: show exactly the time selection",
    ),
    cmd("zoom_back", None, "timeline: previous zoom"),
    cmd("zoom_forward", None, "timeline: next zoom (undo zoom_back)"),
    cmd("pan_left", None, "timeline: move the window earlier"),
    cmd("pan_right", None, "timeline: move the window later"),
    cmd(
        "next_state_change",
        None,
        "cursor to the selected thread's next state change",
    ),
    cmd(
        "prev_state_change",
        None,
        "cursor to the selected thread's previous state change",
    ),
    cmd(
        "jump_to_waker",
        None,
        "select the thread that last woke the selected one",
    ),
    cmd(
        "filter_threads",
        Some("TEXT"),
        "show threads whose name, PID or TID matches",
    ),
    cmd("toggle_node", None, "open or close the selected process"),
    cmd(
        "follow_thread",
        None,
        "resources: highlight the thread selected in Control flow",
    ),
    cmd(
        "follow_cpu",
        None,
        "resources: select the CPU the followed thread runs on",
    ),
    cmd(
        "goto_thread",
        None,
        "show the selected row's thread in Control flow",
    ),
    cmd("sort_next_column", None, "top: sort by the next column"),
    cmd("reverse_sort", None, "top: reverse the sort order"),
    cmd("next_table", None, "top: focus the next table"),
    cmd("prompt_accept", None, "run or search what was typed"),
    cmd("prompt_next", None, "next completion"),
    cmd("prompt_prev", None, "previous completion"),
    cmd(
        "prompt_backspace",
        None,
        "delete the character before the cursor",
    ),
    cmd("prompt_clear", None, "clear the line"),
    cmd("prompt_complete", None, "complete to the selected command"),
];

/// Whether a keymap may `run` this text (its first word must name a command).
pub fn is_command(text: &str) -> bool {
    Action::parse(text).is_ok()
}

impl Action {
    /// Parses `name [argument]`; the error says what is wrong, for the status line.
    pub fn parse(text: &str) -> Result<Action, String> {
        let text = text.trim();
        let (name, arg) = match text.split_once(char::is_whitespace) {
            Some((n, a)) => (n, Some(a.trim().to_string()).filter(|a| !a.is_empty())),
            None => (text, None),
        };
        let need = |arg: Option<String>| arg.ok_or_else(|| format!("`{name}` needs an argument"));
        Ok(match name {
            "quit" => Action::Quit,
            "show_help" => Action::ShowHelp,
            "open_palette" => Action::OpenPalette,
            "show_warnings" => Action::ShowWarnings,
            "close" => Action::Close,
            "next_tab" => Action::NextTab,
            "prev_tab" => Action::PrevTab,
            "goto_tab" => {
                let a = need(arg)?;
                Action::GotoTab(
                    a.parse()
                        .map_err(|_| format!("`{a}` is not a tab number"))?,
                )
            }
            "move_up" => Action::MoveUp,
            "move_down" => Action::MoveDown,
            "move_left" => Action::MoveLeft,
            "move_right" => Action::MoveRight,
            "page_up" => Action::PageUp,
            "page_down" => Action::PageDown,
            "half_page_up" => Action::HalfPageUp,
            "half_page_down" => Action::HalfPageDown,
            "go_top" => Action::GoTop,
            "go_bottom" => Action::GoBottom,
            "mark_start" => Action::MarkStart,
            "mark_end" => Action::MarkEnd,
            "clear_selection" => Action::ClearSelection,
            "export_selection" => Action::ExportSelection,
            "toggle_latency_scale" => Action::ToggleLatencyScale,
            "latency_kind" => Action::LatencyKind(need(arg)?),
            "latency_next_series" => Action::LatencySeries(true),
            "latency_prev_series" => Action::LatencySeries(false),
            "latency_max" => Action::LatencyMax,
            "show_instance" => Action::ShowInstance,
            "drill_down" => Action::DrillDown,
            "drill_up" => Action::DrillUp,
            "compare_period" => Action::ComparePeriod,
            "period" => Action::AddPeriod(need(arg)?),
            "search" => Action::Search,
            "search_next" => Action::SearchNext,
            "search_prev" => Action::SearchPrev,
            "goto_time" => Action::GotoTime(arg),
            "filter_events" => Action::FilterEvents(arg),
            "clear_filter" => Action::ClearFilter,
            "set_theme" => Action::SetTheme(need(arg)?),
            "set_keymap" => Action::SetKeymap(need(arg)?),
            "zoom_in" => Action::ZoomIn,
            "zoom_out" => Action::ZoomOut,
            "zoom_all" => Action::ZoomAll,
            "zoom_to_selection" => Action::ZoomToSelection,
            "zoom_back" => Action::ZoomBack,
            "zoom_forward" => Action::ZoomForward,
            "pan_left" => Action::PanLeft,
            "pan_right" => Action::PanRight,
            "next_state_change" => Action::NextStateChange,
            "prev_state_change" => Action::PrevStateChange,
            "jump_to_waker" => Action::JumpToWaker,
            "filter_threads" => Action::FilterThreads(arg),
            "toggle_node" => Action::ToggleNode,
            "follow_thread" => Action::FollowThread,
            "follow_cpu" => Action::FollowCpu,
            "goto_thread" => Action::GotoThread,
            "sort_next_column" => Action::SortNextColumn,
            "reverse_sort" => Action::ReverseSort,
            "next_table" => Action::NextTable,
            "prompt_accept" => Action::PromptAccept,
            "prompt_next" => Action::PromptNext,
            "prompt_prev" => Action::PromptPrev,
            "prompt_backspace" => Action::PromptBackspace,
            "prompt_clear" => Action::PromptClear,
            "prompt_complete" => Action::PromptComplete,
            _ => return Err(format!("unknown command `{name}`")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_command_parses() {
        for c in COMMANDS {
            let text = match c.arg {
                Some(_) => format!("{} 1", c.name),
                None => c.name.to_string(),
            };
            assert!(Action::parse(&text).is_ok(), "{}", c.name);
        }
        assert!(Action::parse("zoom_sideways").is_err());
        assert_eq!(Action::parse("goto_tab 2"), Ok(Action::GotoTab(2)));
    }
}
