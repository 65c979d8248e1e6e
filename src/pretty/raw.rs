//! Event bodies rendered from the bytes of their scopes, without decoding them.
//!
//! Most kernel event classes (syscall entries and exits, scheduling, timers, softirqs,
//! page allocations) have contexts and a payload of integers and texts at constant byte
//! offsets, possibly ending with one string. The decoding threads then step over such an
//! event (see
//! [`StreamReader::set_raw_tails`](crate::ctf::reader::StreamReader::set_raw_tails)) and its
//! body is written from the bytes by the same [`Template`]s the decoded path uses: decoding
//! each value into a list, then walking that list, was a third of a decoding thread's
//! instructions in `dump`. Classes with an enumeration, a float, a sequence, a variant, a
//! second trailing string or any scope without a template keep the decoded path.

use crate::ctf::decode::{RawLayout, RawMember};
use crate::ctf::ir::EventClass;
use crate::ctf::message::StreamRef;
use crate::ctf::reader::RawEvent;

use super::recall::StaleText;
use super::template::Template;
use super::{ClassText, PrettyPrinter, ScopeText, write_scope};

/// How the body of an event of one class renders from its bytes.
#[derive(Debug)]
pub struct RawBody {
    /// The printer's entry for the trace.
    trace: usize,
    /// The class's address: the key of its texts in the stale-string bookkeeping, as on
    /// the decoded path.
    class_key: usize,
    /// The environment columns, the event name and `: `.
    prefix: Vec<u8>,
    /// Whether the packet context, when the packet has one, is shown.
    packet_context: bool,
    /// The stream event context, event context and payload: each shown one's template, and
    /// where its members are in its bytes.
    scopes: [Option<(Template, Box<[RawMember]>)>; 3],
    /// The start of the lines in packet `head_packet`: the prefix, then the packet context
    /// and the separator after it when shown.
    head: Vec<u8>,
    head_packet: Option<u64>,
}

impl PrettyPrinter {
    /// How events of `class` render from bytes laid out as `layouts` says (stream event
    /// context, event context, payload), or `None` when some shown member is neither an
    /// integer nor a text the layout reads from bytes.
    pub fn raw_body(
        &mut self,
        stream: &StreamRef<'_>,
        class: &EventClass,
        layouts: [&RawLayout; 3],
    ) -> Option<RawBody> {
        let index = self.trace_entry(stream.trace);
        let entry = &self.traces[index];
        let sc = stream.stream_class;
        let types = [
            sc.event_context.as_ref(),
            class.context.as_ref(),
            class.payload.as_ref(),
        ];
        let mut scopes = [None, None, None];
        for ((slot, ty), layout) in scopes.iter_mut().zip(types).zip(layouts) {
            let Some(ty) = ty else { continue };
            let text = ScopeText::new(&entry.plan, ty);
            if !text.shows {
                continue;
            }
            let template = text.template.filter(|t| t.reads_bytes(layout))?;
            *slot = Some((template, layout.members.clone()));
        }
        let packet_context = sc
            .packet_context
            .as_ref()
            .is_some_and(|ty| entry.plan.shows_scope(ty));
        Some(RawBody {
            trace: index,
            class_key: std::ptr::from_ref(class) as usize,
            prefix: ClassText::new(&entry.env_prefix, class).prefix,
            packet_context,
            scopes,
            head: Vec::new(),
            head_packet: None,
        })
    }

    /// Writes the body of `ev` as `body` says: the text [`Self::write_event_body`] writes
    /// for the same event decoded.
    pub fn write_raw_body(&mut self, out: &mut Vec<u8>, body: &mut RawBody, ev: &RawEvent<'_>) {
        self.stale.start_event(body.class_key);
        if body.head_packet != Some(ev.packet) {
            self.start_packet(body, ev);
        }
        out.extend_from_slice(&body.head);
        let mut first = true;
        for (scope, bytes) in body.scopes.iter().zip(ev.scopes()) {
            let Some((template, members)) = scope else {
                continue;
            };
            if !first {
                out.extend_from_slice(b", ");
            }
            first = false;
            template.render_bytes(out, members, bytes, &mut self.stale);
        }
        out.push(b'\n');
    }

    /// Renders the start of `body`'s lines in `ev`'s packet: the prefix, then the packet
    /// context and the separator after it when shown. Once per class and packet instead of
    /// a lookup and two or three copies per event.
    fn start_packet(&mut self, body: &mut RawBody, ev: &RawEvent<'_>) {
        body.head.clear();
        body.head.extend_from_slice(&body.prefix);
        body.head_packet = Some(ev.packet);
        if !body.packet_context {
            return;
        }
        let (Some(scope), Some(entry)) = (&ev.packet_context, self.traces.get(body.trace)) else {
            return;
        };
        // Its strings belong to babeltrace2's packet object, never stale.
        write_scope(
            &mut body.head,
            &entry.plan,
            scope,
            &mut StaleText::default(),
        );
        if body.scopes.iter().any(Option::is_some) {
            body.head.extend_from_slice(b", ");
        }
    }
}
