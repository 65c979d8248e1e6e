//! Rendering event bodies on the decoding threads.
//!
//! Everything of an event line but its `[time] (+delta)` columns depends only on the event, so
//! the decoding threads render it; the merging thread writes the columns (the delta needs the
//! previous printed event) and copies the body. The one global dependency, babeltrace2's stale
//! empty strings, is resolved by rendering both versions when they differ and letting the
//! merging thread pick with a [`super::recall::RecycleClock`].

use std::path::PathBuf;

use crate::ctf::decode::RawLayout;
use crate::ctf::message::{EventRecord, StreamRef};
use crate::ctf::parallel::EventFormatter;
use crate::ctf::reader::RawEvent;

use super::raw::RawBody;
use super::recall::StaleMode;
use super::{PrettyOptions, PrettyPrinter};

/// An [`EventFormatter`] producing babeltrace2 event bodies.
#[derive(Debug)]
pub struct BodyFormatter {
    printer: PrettyPrinter,
    /// By class index, for the classes read raw. A formatter serves one stream (one per
    /// decoding thread), so class indices are of one stream class.
    raw: Vec<Option<RawBody>>,
}

impl BodyFormatter {
    /// A formatter with the same options and input root as the merging thread's printer.
    pub fn new(options: PrettyOptions, input_root: Option<PathBuf>) -> Self {
        let mut printer = PrettyPrinter::new(options);
        printer.set_input_root(input_root);
        BodyFormatter {
            printer,
            raw: Vec::new(),
        }
    }
}

impl EventFormatter for BodyFormatter {
    fn format(
        &mut self,
        event: &EventRecord<'_>,
        packet: Option<u64>,
        primary: &mut Vec<u8>,
        alternative: &mut Vec<u8>,
    ) {
        self.printer.set_packet_identity(packet);
        write_both(&mut self.printer, primary, alternative, |p, out| {
            p.write_event_body(out, event);
        });
    }

    fn wants_raw(
        &mut self,
        stream: &StreamRef<'_>,
        class_index: usize,
        layouts: [&RawLayout; 3],
    ) -> bool {
        let Some(class) = stream.stream_class.events.get(class_index) else {
            return false;
        };
        let body = self.printer.raw_body(stream, class, layouts);
        let wanted = body.is_some();
        if self.raw.len() <= class_index {
            self.raw.resize_with(class_index + 1, || None);
        }
        self.raw[class_index] = body;
        wanted
    }

    fn format_raw(
        &mut self,
        event: &RawEvent<'_>,
        primary: &mut Vec<u8>,
        alternative: &mut Vec<u8>,
    ) {
        let Some(Some(body)) = self.raw.get_mut(event.class_index) else {
            return;
        };
        write_both(&mut self.printer, primary, alternative, |p, out| {
            p.write_raw_body(out, body, event);
        });
    }
}

/// Writes a body with `write` as a fresh object prints it, then, when it has an empty text
/// that a recycled object would print differently, the recycled object's version.
#[inline]
fn write_both(
    printer: &mut PrettyPrinter,
    primary: &mut Vec<u8>,
    alternative: &mut Vec<u8>,
    mut write: impl FnMut(&mut PrettyPrinter, &mut Vec<u8>),
) {
    printer.set_stale_mode(StaleMode::Fresh);
    write(printer, primary);
    if printer.stale_candidate() {
        printer.set_stale_mode(StaleMode::Stale);
        write(printer, alternative);
    }
}
