//! Fields with an implicit meaning (ctf.md §3.6): automatic clock mapping of timestamps, and
//! the type checks babeltrace2 applies to `magic`, `uuid`, `stream_id`, `packet_size`, ...

use crate::ctf::ir::{ClockClass, FieldType, IntType};

use super::ty::{Ty, TyKind};
use super::{DResult, Diag, Pos};

/// Maps every unmapped integer or enumeration named `name` (after underscore stripping, at
/// any depth through structs and variants) to the trace's only clock, creating a 1 GHz clock
/// named `default` when there is none. With several clocks the mapping is ambiguous: error.
pub(crate) fn auto_map(
    ty: &mut Ty,
    name: &str,
    clocks: &mut Vec<ClockClass>,
    pos: Pos,
) -> DResult<()> {
    let fields = match &mut ty.kind {
        TyKind::Struct { fields, .. }
        | TyKind::Variant {
            options: fields, ..
        } => fields,
        _ => return Ok(()),
    };
    for f in fields {
        if super::resolve::display_name(&f.name) == name {
            let int = match &mut f.ty.kind {
                TyKind::Int(i) => Some(i),
                TyKind::Enum(e) => Some(&mut e.container),
                _ => None,
            };
            if let Some(int) = int.filter(|i| i.mapped_clock.is_none()) {
                int.mapped_clock = Some(only_clock(clocks, name, pos)?);
            }
        }
        auto_map(&mut f.ty, name, clocks, pos)?;
    }
    Ok(())
}

fn only_clock(clocks: &mut Vec<ClockClass>, name: &str, pos: Pos) -> DResult<usize> {
    match clocks.len() {
        0 => {
            clocks.push(ClockClass {
                name: "default".into(),
                uuid: None,
                description: None,
                freq: 1_000_000_000,
                precision: 0,
                offset_s: 0,
                offset_cycles: 0,
                absolute: false,
            });
            Ok(0)
        }
        1 => Ok(0),
        _ => Err(Diag::at(
            pos,
            format!(
                "cannot map field `{name}` to a clock automatically: the trace has several clocks"
            ),
        )),
    }
}

/// The top-level member of a scope structure with this display name.
fn member<'a>(scope: Option<&'a FieldType>, name: &str) -> Option<(usize, &'a FieldType)> {
    let s = scope?.as_struct()?;
    s.fields
        .iter()
        .enumerate()
        .find(|(_, f)| f.display_name == name)
        .map(|(i, f)| (i, &f.ty))
}

fn unsigned_int(ty: &FieldType) -> Option<&IntType> {
    match ty {
        FieldType::Int(i) if !i.signed => Some(i),
        FieldType::Enum(e) if !e.container.signed => Some(&e.container),
        _ => None,
    }
}

fn require_unsigned(scope: Option<&FieldType>, name: &str, what: &str, pos: Pos) -> DResult<()> {
    match member(scope, name) {
        Some((_, ty)) if unsigned_int(ty).is_none() => Err(Diag::at(
            pos,
            format!("`{name}` in the {what} must be an unsigned integer"),
        )),
        _ => Ok(()),
    }
}

/// Checks the trace packet header; `streams` is the number of stream classes.
pub(crate) fn packet_header(header: Option<&FieldType>, streams: usize, pos: Pos) -> DResult<()> {
    const WHAT: &str = "packet header";
    if let Some((index, ty)) = member(header, "magic") {
        let ok = unsigned_int(ty).is_some_and(|i| i.size_bits == 32);
        if index != 0 || !ok {
            let msg =
                "`magic` must be the first field of the packet header, a 32-bit unsigned integer";
            return Err(Diag::at(pos, msg));
        }
    }
    require_unsigned(header, "stream_id", WHAT, pos)?;
    require_unsigned(header, "stream_instance_id", WHAT, pos)?;
    if member(header, "stream_id").is_none() && streams > 1 {
        return Err(Diag::at(
            pos,
            "the packet header has no `stream_id` field but the trace has several stream classes",
        ));
    }
    if let Some((_, ty)) = member(header, "uuid") {
        let ok = match ty {
            FieldType::Array(a) => {
                a.length == 16
                    && unsigned_int(&a.element)
                        .is_some_and(|i| i.size_bits == 8 && i.align_bits == 8)
            }
            _ => false,
        };
        if !ok {
            let msg = "`uuid` in the packet header must be an array of 16 bytes";
            return Err(Diag::at(pos, msg));
        }
    }
    Ok(())
}

/// Checks a stream class's packet context.
pub(crate) fn packet_context(context: Option<&FieldType>, pos: Pos) -> DResult<()> {
    for name in [
        "timestamp_begin",
        "timestamp_end",
        "events_discarded",
        "packet_seq_num",
        "packet_size",
        "content_size",
    ] {
        require_unsigned(context, name, "packet context", pos)?;
    }
    Ok(())
}

/// Checks a stream class's event header; `events` is its number of event classes.
pub(crate) fn event_header(header: Option<&FieldType>, events: usize, pos: Pos) -> DResult<()> {
    require_unsigned(header, "id", "event header", pos)?;
    if member(header, "id").is_none() && events > 1 {
        return Err(Diag::at(
            pos,
            "the event header has no `id` field but the stream has several event classes",
        ));
    }
    Ok(())
}
