//! Stream and event classes: their blocks, the defaults for missing ids, and the final
//! assembly of the trace class (path resolution and checks, scope by scope in decoding
//! order).

use std::collections::{HashMap, HashSet};

use crate::ctf::ir::{
    ByteOrder, ClockClass, EnvValue, EventClass, FieldType, Scope, StreamClass, TraceClass,
};

use super::ast::{Block, Entry};
use super::attrs::{self, Seen, expr_text, expr_u64};
use super::blocks::{first_time, require_struct};
use super::resolve;
use super::ty::Ty;
use super::typegen::Sem;
use super::validate;
use super::{DResult, Diag, Pos};

/// The root type of a dynamic scope and where it was assigned (`fields := ...`).
pub(crate) struct ScopeTy {
    pub ty: Ty,
    pub pos: Pos,
}

impl ScopeTy {
    pub fn new(ty: Ty, pos: Pos, key: &str) -> DResult<ScopeTy> {
        require_struct(&ty, pos, key)?;
        Ok(ScopeTy { ty, pos })
    }
}

pub(crate) struct TraceBuild {
    pub byte_order: ByteOrder,
    pub major: u32,
    pub minor: u32,
    pub uuid: Option<[u8; 16]>,
    pub packet_header: Option<ScopeTy>,
}

/// The stream classes visited so far, in declaration order.
#[derive(Default)]
pub(crate) struct Streams {
    list: Vec<StreamBuild>,
    by_id: HashMap<u64, usize>,
}

impl Streams {
    pub fn add(&mut self, s: StreamBuild) {
        self.by_id.insert(s.id, self.list.len());
        self.list.push(s);
    }
}

pub(crate) struct StreamBuild {
    id: u64,
    packet_context: Option<ScopeTy>,
    event_header: Option<ScopeTy>,
    event_context: Option<ScopeTy>,
    events: Vec<EventBuild>,
    event_ids: HashSet<u64>,
    pos: Pos,
}

impl StreamBuild {
    fn new(id: u64, pos: Pos) -> StreamBuild {
        StreamBuild {
            id,
            packet_context: None,
            event_header: None,
            event_context: None,
            events: Vec::new(),
            event_ids: HashSet::new(),
            pos,
        }
    }
}

struct EventBuild {
    id: u64,
    name: String,
    loglevel: Option<i64>,
    model_emf_uri: Option<String>,
    context: Option<ScopeTy>,
    payload: Option<ScopeTy>,
}

/// A `stream` block; `earlier` are the stream classes already visited.
pub(crate) fn visit_stream(
    sem: &mut Sem<'_>,
    block: &Block,
    earlier: &Streams,
) -> DResult<StreamBuild> {
    let mut s = StreamBuild::new(0, block.pos);
    let mut seen = Seen::default();
    sem.scopes.push();
    for e in &block.entries {
        match e {
            Entry::Alias(a) => sem.type_alias(a)?,
            Entry::Typedef(t) => sem.typedef(t)?,
            Entry::Attr {
                key,
                key_pos,
                value,
            } => {
                first_time(&mut seen, key, *key_pos, "stream block")?;
                match key.as_str() {
                    "id" => s.id = expr_u64(value, "stream `id`")?,
                    _ => attrs::unknown_attr(sem.warnings, *key_pos, key, "stream block"),
                }
            }
            Entry::TypeAssign {
                key,
                key_pos,
                specs,
            } => {
                first_time(&mut seen, key, *key_pos, "stream block")?;
                let slot = match key.as_str() {
                    "packet.context" => &mut s.packet_context,
                    "event.header" => &mut s.event_header,
                    "event.context" => &mut s.event_context,
                    _ => {
                        attrs::unknown_attr(sem.warnings, *key_pos, key, "stream block");
                        continue;
                    }
                };
                *slot = Some(ScopeTy::new(sem.specs_type(specs)?, *key_pos, key)?);
            }
        }
    }
    sem.scopes.pop();
    if !seen.contains("id") && !earlier.list.is_empty() {
        let msg = "stream block without `id` in a trace with several stream classes";
        return Err(Diag::at(block.pos, msg));
    }
    if earlier.by_id.contains_key(&s.id) {
        return Err(Diag::at(
            block.pos,
            format!("duplicate stream class id {}", s.id),
        ));
    }
    // Timestamps without `map` follow the only clock (ctf.md §3.6; perf relies on it).
    if let Some(h) = &mut s.event_header {
        validate::auto_map(&mut h.ty, "timestamp", &mut sem.clocks, h.pos)?;
    }
    if let Some(c) = &mut s.packet_context {
        for name in ["timestamp_begin", "timestamp_end"] {
            validate::auto_map(&mut c.ty, name, &mut sem.clocks, c.pos)?;
        }
    }
    Ok(s)
}

/// An `event` block, added to its stream class.
pub(crate) fn visit_event(sem: &mut Sem<'_>, block: &Block, streams: &mut Streams) -> DResult<()> {
    let mut ev = EventBuild {
        id: 0,
        name: String::new(),
        loglevel: None,
        model_emf_uri: None,
        context: None,
        payload: None,
    };
    let mut stream_id = None;
    let mut seen = Seen::default();
    sem.scopes.push();
    for e in &block.entries {
        match e {
            Entry::Alias(a) => sem.type_alias(a)?,
            Entry::Typedef(t) => sem.typedef(t)?,
            Entry::Attr {
                key,
                key_pos,
                value,
            } => {
                first_time(&mut seen, key, *key_pos, "event block")?;
                match key.as_str() {
                    "name" => ev.name = expr_text(value, "event `name`")?,
                    "id" => ev.id = expr_u64(value, "event `id`")?,
                    "stream_id" => stream_id = Some(expr_u64(value, "event `stream_id`")?),
                    "loglevel" => ev.loglevel = Some(attrs::expr_i64(value, "event `loglevel`")?),
                    "model.emf.uri" => {
                        let uri = expr_text(value, "event `model.emf.uri`")?;
                        ev.model_emf_uri = Some(uri).filter(|u| !u.is_empty());
                    }
                    _ => attrs::unknown_attr(sem.warnings, *key_pos, key, "event block"),
                }
            }
            Entry::TypeAssign {
                key,
                key_pos,
                specs,
            } => {
                first_time(&mut seen, key, *key_pos, "event block")?;
                let slot = match key.as_str() {
                    "context" => &mut ev.context,
                    "fields" => &mut ev.payload,
                    _ => {
                        attrs::unknown_attr(sem.warnings, *key_pos, key, "event block");
                        continue;
                    }
                };
                *slot = Some(ScopeTy::new(sem.specs_type(specs)?, *key_pos, key)?);
            }
        }
    }
    sem.scopes.pop();
    if !seen.contains("name") {
        return Err(Diag::at(block.pos, "event block without `name`"));
    }
    let stream = owning_stream(streams, stream_id, block.pos)?;
    if !seen.contains("id") && !stream.events.is_empty() {
        let msg = format!(
            "event `{}` has no `id` but its stream class has several events",
            ev.name
        );
        return Err(Diag::at(block.pos, msg));
    }
    if !stream.event_ids.insert(ev.id) {
        let msg = format!(
            "event `{}`: duplicate event id {} in stream class {}",
            ev.name, ev.id, stream.id
        );
        return Err(Diag::at(block.pos, msg));
    }
    stream.events.push(ev);
    Ok(())
}

/// The stream class an event belongs to. Without `stream_id`, the only stream class, or an
/// implicit stream class 0 when there is none.
fn owning_stream(
    streams: &mut Streams,
    stream_id: Option<u64>,
    pos: Pos,
) -> DResult<&mut StreamBuild> {
    let index = match stream_id {
        Some(id) => *streams
            .by_id
            .get(&id)
            .ok_or_else(|| Diag::at(pos, format!("event refers to unknown stream class {id}")))?,
        None if streams.list.is_empty() => {
            streams.add(StreamBuild::new(0, pos));
            0
        }
        None if streams.list.len() == 1 => 0,
        None => {
            let msg = "event without `stream_id` in a trace with several stream classes";
            return Err(Diag::at(pos, msg));
        }
    };
    streams
        .list
        .get_mut(index)
        .ok_or_else(|| Diag::at(pos, "internal error: stream class vanished"))
}

/// Resolves every scope in decoding order and checks the fields with implicit meaning.
pub(crate) fn assemble(
    tb: TraceBuild,
    streams: Streams,
    clocks: Vec<ClockClass>,
    env: Vec<(String, EnvValue)>,
) -> DResult<TraceClass> {
    let header_ty = tb.packet_header.as_ref().map(|s| &s.ty);
    let packet_header = convert(Scope::PacketHeader, tb.packet_header.as_ref(), &[])?;
    let header_pos = tb.packet_header.as_ref().map_or(Pos::default(), |s| s.pos);
    validate::packet_header(packet_header.as_ref(), streams.list.len(), header_pos)?;
    let mut out = Vec::with_capacity(streams.list.len());
    for s in &streams.list {
        let mut earlier: Vec<(Scope, &Ty)> = Vec::with_capacity(5);
        if let Some(h) = header_ty {
            earlier.push((Scope::PacketHeader, h));
        }
        let packet_context = convert(Scope::PacketContext, s.packet_context.as_ref(), &earlier)?;
        push_scope(&mut earlier, Scope::PacketContext, &s.packet_context);
        let event_header = convert(Scope::EventHeader, s.event_header.as_ref(), &earlier)?;
        push_scope(&mut earlier, Scope::EventHeader, &s.event_header);
        let event_context = convert(
            Scope::StreamEventContext,
            s.event_context.as_ref(),
            &earlier,
        )?;
        push_scope(&mut earlier, Scope::StreamEventContext, &s.event_context);
        let pos_of = |scope: &Option<ScopeTy>| scope.as_ref().map_or(s.pos, |x| x.pos);
        validate::packet_context(packet_context.as_ref(), pos_of(&s.packet_context))?;
        validate::event_header(
            event_header.as_ref(),
            s.events.len(),
            pos_of(&s.event_header),
        )?;
        let mut events = Vec::with_capacity(s.events.len());
        for ev in &s.events {
            events.push(event_class(ev, s.id, &earlier)?);
        }
        out.push(StreamClass {
            id: s.id,
            packet_context,
            event_header,
            event_context,
            events,
        });
    }
    Ok(TraceClass {
        major: tb.major,
        minor: tb.minor,
        uuid: tb.uuid,
        byte_order: tb.byte_order,
        packet_header,
        env,
        clocks,
        streams: out,
    })
}

fn push_scope<'a>(earlier: &mut Vec<(Scope, &'a Ty)>, scope: Scope, st: &'a Option<ScopeTy>) {
    if let Some(s) = st {
        earlier.push((scope, &s.ty));
    }
}

fn convert(
    scope: Scope,
    st: Option<&ScopeTy>,
    earlier: &[(Scope, &Ty)],
) -> DResult<Option<FieldType>> {
    st.map(|s| resolve::convert(scope, &s.ty, earlier))
        .transpose()
}

fn event_class(
    ev: &EventBuild,
    stream_id: u64,
    stream_scopes: &[(Scope, &Ty)],
) -> DResult<EventClass> {
    let mut earlier = stream_scopes.to_vec();
    let context = convert(Scope::EventContext, ev.context.as_ref(), &earlier)?;
    push_scope(&mut earlier, Scope::EventContext, &ev.context);
    let payload = convert(Scope::EventPayload, ev.payload.as_ref(), &earlier)?;
    Ok(EventClass {
        id: ev.id,
        name: ev.name.clone(),
        stream_id,
        loglevel: ev.loglevel,
        model_emf_uri: ev.model_emf_uri.clone(),
        context,
        payload,
    })
}
