//! Owning the terminal: raw mode and the alternate screen on entry, restored on every way
//! out (normal return, error, panic), and the event loop.

use std::io::{self, Stdout};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, select};
use crossterm::event::{self, Event, KeyEventKind};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend};

use super::app::App;
use super::keys::from_crossterm;
use super::log;
use super::render::render;
use super::worker::Update;

/// Restores the terminal when dropped, so `?` and early returns restore it too.
pub struct TerminalGuard {
    /// The terminal.
    pub terminal: Terminal<CrosstermBackend<Stdout>>,
}

/// Puts the terminal back: leaves the alternate screen, shows the cursor, cooks the input.
/// Safe to call twice; errors are ignored because there is nowhere left to report them.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = crossterm::execute!(io::stdout(), LeaveAlternateScreen, crossterm::cursor::Show);
}

impl TerminalGuard {
    /// Enters raw mode and the alternate screen, and makes panics restore the terminal
    /// before the panic message is printed.
    pub fn enter() -> io::Result<TerminalGuard> {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            log::line(&format!("panic: {info}"));
            previous(info);
        }));
        enable_raw_mode()?;
        let mut stdout = io::stdout();
        if let Err(e) = crossterm::execute!(stdout, EnterAlternateScreen) {
            restore();
            return Err(e);
        }
        let terminal = Terminal::new(CrosstermBackend::new(stdout)).inspect_err(|_| restore())?;
        Ok(TerminalGuard { terminal })
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Reads terminal events on a thread of its own; it ends when the UI stops listening.
pub fn spawn_input() -> io::Result<Receiver<Event>> {
    let (tx, rx) = crossbeam_channel::bounded(256);
    std::thread::Builder::new()
        .name("lttng-tui-input".into())
        .spawn(move || {
            while let Ok(ev) = event::read() {
                if tx.send(ev).is_err() {
                    break;
                }
            }
        })?;
    Ok(rx)
}

/// Frames are drawn at most this often; updates arriving faster are coalesced.
const MIN_FRAME: Duration = Duration::from_millis(16);

/// Runs until the app quits: block on input or worker updates, drain all that is queued,
/// draw once.
pub fn run_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    input: &Receiver<Event>,
    updates: &Receiver<Update>,
) -> io::Result<()>
where
    B::Error: Send + Sync + 'static,
{
    let never = crossbeam_channel::never();
    let mut updates_rx = updates;
    draw(terminal, app)?;
    let mut last_draw = Instant::now();
    while !app.quit {
        select! {
            recv(input) -> ev => match ev {
                Ok(ev) => handle_event(app, ev),
                Err(_) => break,
            },
            recv(updates_rx) -> up => match up {
                Ok(up) => app.apply_update(up),
                // The workers are gone; keep the UI alive on what it has.
                Err(_) => updates_rx = &never,
            },
        }
        while let Ok(ev) = input.try_recv() {
            handle_event(app, ev);
        }
        while let Ok(up) = updates_rx.try_recv() {
            app.apply_update(up);
        }
        let since = last_draw.elapsed();
        if since < MIN_FRAME && !app.quit {
            std::thread::sleep(MIN_FRAME - since);
        }
        draw(terminal, app)?;
        last_draw = Instant::now();
    }
    Ok(())
}

fn draw<B: Backend>(terminal: &mut Terminal<B>, app: &mut App) -> io::Result<()>
where
    B::Error: Send + Sync + 'static,
{
    let size = terminal.size().map_err(io::Error::other)?;
    app.size = (size.width, size.height);
    terminal
        .draw(|f| render(app, f))
        .map_err(io::Error::other)?;
    Ok(())
}

fn handle_event(app: &mut App, ev: Event) {
    match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release => {
            if let Some(key) = from_crossterm(k) {
                app.handle_key(key);
            }
        }
        Event::Resize(w, h) => app.size = (w, h),
        _ => {}
    }
}
