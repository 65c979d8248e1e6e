//! Rendering event bodies on the decoding threads.
//!
//! Everything of an event line but its `[time] (+delta)` columns depends only on the event, so
//! the decoding threads render it; the merging thread writes the columns (the delta needs the
//! previous printed event) and copies the body. The one global dependency, babeltrace2's stale
//! empty strings, is resolved by rendering both versions when they differ and letting the
//! merging thread pick with a [`super::recall::RecycleClock`].

use std::path::PathBuf;

use crate::ctf::message::EventRecord;
use crate::ctf::parallel::EventFormatter;

use super::recall::StaleMode;
use super::{PrettyOptions, PrettyPrinter};

/// An [`EventFormatter`] producing babeltrace2 event bodies.
#[derive(Debug)]
pub struct BodyFormatter {
    printer: PrettyPrinter,
}

impl BodyFormatter {
    /// A formatter with the same options and input root as the merging thread's printer.
    pub fn new(options: PrettyOptions, input_root: Option<PathBuf>) -> Self {
        let mut printer = PrettyPrinter::new(options);
        printer.set_input_root(input_root);
        BodyFormatter { printer }
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
        self.printer.set_stale_mode(StaleMode::Fresh);
        self.printer.write_event_body(primary, event);
        if self.printer.stale_candidate() {
            self.printer.set_stale_mode(StaleMode::Stale);
            self.printer.write_event_body(alternative, event);
        }
    }
}
