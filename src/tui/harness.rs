//! Driving the app without a terminal, for tests and screenshots: keys go in by the names
//! keymap files use, worker updates are applied as they arrive, and frames are drawn into
//! ratatui's `TestBackend`.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use crossbeam_channel::Receiver;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

use super::app::App;
use super::render::render;
use super::style::ColorDepth;
use super::worker::Update;
use super::{TuiArgs, start};

/// An app on an in-memory screen.
#[derive(Debug)]
pub struct Harness {
    /// The app.
    pub app: App,
    updates: Receiver<Update>,
    terminal: Terminal<TestBackend>,
}

impl Harness {
    /// Opens `path` on a `width`x`height` screen, true colour, without the user's files.
    pub fn open(path: &Path, args: &TuiArgs, width: u16, height: u16) -> Result<Harness> {
        let (mut app, updates) = start(path, args, ColorDepth::TrueColor, None)?;
        app.size = (width, height);
        let terminal =
            Terminal::new(TestBackend::new(width, height)).map_err(|e| anyhow!("{e}"))?;
        Ok(Harness {
            app,
            updates,
            terminal,
        })
    }

    /// Presses keys given by name, space separated (`g g`, `ctrl-d`, `2`).
    pub fn press(&mut self, keys: &str) {
        self.app.press(keys);
    }

    /// Types text into the focused prompt.
    pub fn type_text(&mut self, text: &str) {
        self.app.type_text(text);
    }

    /// Applies the updates already queued.
    pub fn pump(&mut self) {
        while let Ok(up) = self.updates.try_recv() {
            self.app.apply_update(up);
        }
    }

    /// Applies updates until the app has nothing in progress and 50 ms pass without one.
    /// Errors after `timeout`.
    pub fn settle(&mut self, timeout: Duration) -> Result<()> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(anyhow!("the app was still busy after {timeout:?}"));
            }
            let wait = if self.app.busy() {
                left
            } else {
                Duration::from_millis(50).min(left)
            };
            match self.updates.recv_timeout(wait) {
                Ok(up) => self.app.apply_update(up),
                Err(_) if !self.app.busy() => return Ok(()),
                Err(_) => {}
            }
        }
    }

    /// Resizes the screen.
    pub fn resize(&mut self, width: u16, height: u16) {
        self.terminal.backend_mut().resize(width, height);
        self.app.size = (width, height);
    }

    /// Draws a frame and returns it.
    pub fn draw(&mut self) -> Result<&Buffer> {
        let app = &self.app;
        self.terminal
            .draw(|f| render(app, f))
            .map_err(|e| anyhow!("{e}"))?;
        Ok(self.terminal.backend().buffer())
    }

    /// Draws a frame and returns its text, one line per row, trailing spaces trimmed.
    pub fn screen(&mut self) -> Result<String> {
        Ok(buffer_text(self.draw()?))
    }
}

/// The text of a buffer, one line per row, trailing spaces trimmed.
pub fn buffer_text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let mut line = String::new();
        for x in area.left()..area.right() {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
