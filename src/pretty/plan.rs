//! Which fields babeltrace2 shows.
//!
//! babeltrace2's CTF source does not hand every decoded field to its printer: when it turns
//! the metadata into its own trace IR it drops the integers that only serve the decoder, and
//! with them the compound fields left with nothing to show. The rules (babeltrace2 2.0.4,
//! `ctf-meta-update-in-ir.c` and `ctf-meta-translate.c`), restated:
//!
//! - an integer or enumeration is dropped when it updates a clock (`map = clock.X.value`) or
//!   has a special meaning, unless a sequence's length or a variant's tag refers to it;
//! - special meanings in the printed scopes: the packet context's direct members named
//!   `timestamp_begin`, `timestamp_end`, `events_discarded`, `packet_seq_num`, `packet_size`,
//!   `content_size` (integers or enumerations);
//! - an unmapped integer named `timestamp_begin`/`timestamp_end` anywhere below the packet
//!   context through structures and variants is mapped to the clock automatically, so dropped;
//! - a structure is dropped when it had members and all were dropped (an originally empty
//!   structure stays and prints `{ }`); an array or sequence is dropped with its element; a
//!   variant is dropped when all options are, otherwise every option is kept;
//! - a scope (packet context, event contexts, payload) is absent when its structure is dropped.
//!
//! The result is the set of dropped field-class nodes of one trace class, identified by
//! address: the printer only borrows trace classes, which do not move while borrowed.

use std::collections::HashSet;
use std::hash::BuildHasherDefault;

use super::recall::AddressHasher;

use crate::ctf::ir::{EventClass, FieldPath, FieldType, Scope, StreamClass, TraceClass};

/// Packet context members with a meaning of their own for the decoder.
const PACKET_CONTEXT_MEANINGS: [&str; 6] = [
    "timestamp_begin",
    "timestamp_end",
    "events_discarded",
    "packet_seq_num",
    "packet_size",
    "content_size",
];

/// Packet context members the CTF source maps to the clock when the metadata does not.
const AUTO_MAPPED: [&str; 2] = ["timestamp_begin", "timestamp_end"];

/// The dropped field classes of one trace class.
#[derive(Debug, Default)]
pub struct TracePlan {
    /// Addresses of dropped `FieldType` nodes (looked up once per printed field).
    hidden: HashSet<usize, BuildHasherDefault<AddressHasher>>,
}

fn addr(ty: &FieldType) -> usize {
    std::ptr::from_ref(ty) as usize
}

impl TracePlan {
    /// Computes the plan for `tc`.
    pub fn new(tc: &TraceClass) -> Self {
        let mut builder = Builder {
            tc,
            dependents: HashSet::new(),
            hidden: HashSet::new(),
        };
        // babeltrace2 visits scopes and members in reverse order so that a sequence or variant
        // is seen before the length or tag it depends on (which always comes earlier).
        for sc in &tc.streams {
            for ec in &sc.events {
                let roots = Roots { sc, ec: Some(ec) };
                builder.visit_scope(ec.payload.as_ref(), &roots, false);
                builder.visit_scope(ec.context.as_ref(), &roots, false);
            }
            let roots = Roots { sc, ec: None };
            builder.visit_scope(sc.event_context.as_ref(), &roots, false);
            builder.visit_scope(sc.packet_context.as_ref(), &roots, true);
        }
        TracePlan {
            hidden: builder.hidden.into_iter().collect(),
        }
    }

    /// Whether the field of class `ty` is dropped.
    #[inline]
    pub fn is_hidden(&self, ty: &FieldType) -> bool {
        !self.hidden.is_empty() && self.hidden.contains(&addr(ty))
    }

    /// Whether a scope of class `ty` is printed at all.
    pub fn shows_scope(&self, ty: &FieldType) -> bool {
        match ty {
            FieldType::Struct(s) => {
                s.fields.is_empty() || s.fields.iter().any(|f| !self.is_hidden(&f.ty))
            }
            _ => !self.is_hidden(ty),
        }
    }
}

/// The scope roots a field path of one event (or stream) class can start from.
struct Roots<'a> {
    sc: &'a StreamClass,
    ec: Option<&'a EventClass>,
}

struct Builder<'a> {
    tc: &'a TraceClass,
    /// Lengths and tags that kept sequences and variants refer to.
    dependents: HashSet<usize>,
    hidden: HashSet<usize>,
}

/// Where a node sits, for the packet-context rules.
#[derive(Clone, Copy)]
enum Place<'n> {
    /// Not in the packet context.
    Elsewhere,
    /// A direct member of the packet context, with its name.
    PacketRoot(&'n str),
    /// Below the packet context through structures and variants only, with its name.
    PacketNamed(&'n str),
    /// Below the packet context through an array or sequence.
    PacketElement,
}

impl<'a> Builder<'a> {
    fn visit_scope(&mut self, scope: Option<&'a FieldType>, roots: &Roots<'a>, packet: bool) {
        let Some(FieldType::Struct(s)) = scope else {
            return;
        };
        for field in s.fields.iter().rev() {
            let place = if packet {
                Place::PacketRoot(&field.display_name)
            } else {
                Place::Elsewhere
            };
            self.visit(&field.ty, roots, place);
        }
    }

    /// Visits a node and returns whether babeltrace2 keeps it.
    fn visit(&mut self, ty: &'a FieldType, roots: &Roots<'a>, place: Place<'_>) -> bool {
        let kept = match ty {
            FieldType::Int(_) | FieldType::Enum(_) => {
                let int = match ty {
                    FieldType::Enum(e) => &e.container,
                    FieldType::Int(i) => i,
                    _ => return true,
                };
                let special = match place {
                    Place::PacketRoot(name) => {
                        PACKET_CONTEXT_MEANINGS.contains(&name) || AUTO_MAPPED.contains(&name)
                    }
                    Place::PacketNamed(name) => AUTO_MAPPED.contains(&name),
                    Place::Elsewhere | Place::PacketElement => false,
                };
                (int.mapped_clock.is_none() && !special) || self.dependents.contains(&addr(ty))
            }
            FieldType::Float(_) | FieldType::String(_) => true,
            FieldType::Struct(s) => {
                let mut kept = s.fields.is_empty();
                for field in s.fields.iter().rev() {
                    kept |= self.visit(&field.ty, roots, place.named(&field.display_name));
                }
                kept
            }
            FieldType::Variant(v) => {
                let mut kept = false;
                for option in v.options.iter().rev() {
                    kept |= self.visit(&option.ty, roots, place.named(&option.display_name));
                }
                if kept {
                    // Every option stays selectable, even one with nothing to show.
                    for option in &v.options {
                        self.hidden.remove(&addr(&option.ty));
                    }
                    self.depend_on(&v.tag, roots);
                }
                kept
            }
            FieldType::Array(a) => self.visit(&a.element, roots, place.element()),
            FieldType::Sequence(s) => {
                let kept = self.visit(&s.element, roots, place.element());
                if kept {
                    self.depend_on(&s.length, roots);
                }
                kept
            }
        };
        if !kept {
            self.hidden.insert(addr(ty));
        }
        kept
    }

    fn depend_on(&mut self, path: &FieldPath, roots: &Roots<'a>) {
        if let Some(target) = resolve(self.tc, roots, path) {
            self.dependents.insert(addr(target));
        }
    }
}

impl<'n> Place<'n> {
    /// The place of a named member or option below this one.
    fn named(self, name: &'n str) -> Place<'n> {
        match self {
            Place::Elsewhere => Place::Elsewhere,
            Place::PacketRoot(_) | Place::PacketNamed(_) => Place::PacketNamed(name),
            Place::PacketElement => Place::PacketElement,
        }
    }

    /// The place of an array or sequence element below this one.
    fn element(self) -> Place<'n> {
        match self {
            Place::Elsewhere => Place::Elsewhere,
            _ => Place::PacketElement,
        }
    }
}

/// The field class a path designates, when the path is valid.
fn resolve<'a>(tc: &'a TraceClass, roots: &Roots<'a>, path: &FieldPath) -> Option<&'a FieldType> {
    let mut ty = match path.scope {
        Scope::PacketHeader => tc.packet_header.as_ref(),
        Scope::PacketContext => roots.sc.packet_context.as_ref(),
        Scope::EventHeader => roots.sc.event_header.as_ref(),
        Scope::StreamEventContext => roots.sc.event_context.as_ref(),
        Scope::EventContext => roots.ec.and_then(|ec| ec.context.as_ref()),
        Scope::EventPayload => roots.ec.and_then(|ec| ec.payload.as_ref()),
    }?;
    for &index in &path.indices {
        ty = match ty {
            FieldType::Struct(s) => &s.fields.get(index)?.ty,
            FieldType::Variant(v) => &v.options.get(index)?.ty,
            _ => return None,
        };
    }
    Some(ty)
}
