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
}

impl PrettyPrinter {
    /// How events of `class` render from bytes laid out as `layouts` says (stream event
    /// context, event context, payload), or `None` when some shown member is not an integer
    /// at a constant offset.
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
        })
    }

    /// Writes the body of `ev` as `body` says: the text [`Self::write_event_body`] writes
    /// for the same event decoded.
    pub fn write_raw_body(&mut self, out: &mut Vec<u8>, body: &RawBody, ev: &RawEvent<'_>) {
        self.stale.start_event(body.class_key);
        out.extend_from_slice(&body.prefix);
        let mut first = true;
        if body.packet_context
            && let Some(scope) = &ev.packet_context
        {
            // As in `write_event_body`: one rendering per packet.
            let cache = &mut self.packet;
            let id = Some(ev.packet);
            if !cache.hit(scope, id) {
                cache.ty = std::ptr::from_ref(scope.ty) as usize;
                cache.data = scope.data.as_ptr() as usize;
                cache.id = id;
                cache.values.clear();
                cache.values.extend_from_slice(scope.values);
                cache.text.clear();
                let Some(entry) = self.traces.get(body.trace) else {
                    return;
                };
                let plan = &entry.plan;
                write_scope(&mut cache.text, plan, scope, &mut StaleText::default());
            }
            out.extend_from_slice(&cache.text);
            first = false;
        }
        for (scope, bytes) in body.scopes.iter().zip(ev.scopes) {
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
}
