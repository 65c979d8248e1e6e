//! Turning field classes into [`Op`] trees.

use std::collections::HashMap;

use super::{FlatField, HeaderOption, IntRole, IntSpec, Op};
use crate::ctf::ir::{FieldPath, FieldType, Scope, StreamClass, TraceClass};

/// A field class that the decoder cannot handle.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct CompileError(pub String);

/// Compiles the scopes of one stream class. It knows every field path that any scope of the
/// stream class refers to, so it can give each referenced field a save slot.
#[derive(Debug, Clone, Default)]
pub struct ScopeCompiler {
    slots: HashMap<FieldPath, usize>,
}

impl ScopeCompiler {
    /// Collects the referenced paths of a stream class, its event classes and the trace's
    /// packet header.
    pub fn for_stream_class(trace: &TraceClass, stream: &StreamClass) -> Self {
        let mut paths = Vec::new();
        let scopes = [
            trace.packet_header.as_ref(),
            stream.packet_context.as_ref(),
            stream.event_header.as_ref(),
            stream.event_context.as_ref(),
        ];
        for ty in scopes.into_iter().flatten() {
            collect_paths(ty, &mut paths);
        }
        for event in &stream.events {
            for ty in [event.context.as_ref(), event.payload.as_ref()]
                .into_iter()
                .flatten()
            {
                collect_paths(ty, &mut paths);
            }
        }
        let mut slots = HashMap::new();
        for path in paths {
            let next = slots.len();
            slots.entry(path).or_insert(next);
        }
        ScopeCompiler { slots }
    }

    /// Number of save slots the compiled ops use.
    pub fn slot_count(&self) -> usize {
        self.slots.len()
    }

    /// Compiles one scope's root type.
    pub fn compile(&self, ty: &FieldType, scope: Scope) -> Result<Op, CompileError> {
        let mut path = FieldPath {
            scope,
            indices: Vec::new(),
        };
        self.compile_field(ty, "", &mut path)
    }

    fn compile_field(
        &self,
        ty: &FieldType,
        name: &str,
        path: &mut FieldPath,
    ) -> Result<Op, CompileError> {
        let save = self.slots.get(path).copied();
        Ok(match ty {
            FieldType::Int(int) => int_op(int, name, path.scope, save),
            FieldType::Enum(e) => int_op(&e.container, name, path.scope, save),
            FieldType::Float(f) => {
                let size = match (f.exp_dig, f.mant_dig) {
                    (8, 24) => 32,
                    (11, 53) => 64,
                    (e, m) => {
                        return Err(CompileError(format!(
                            "unsupported floating point type (exp_dig = {e}, mant_dig = {m})"
                        )));
                    }
                };
                Op::Float {
                    size,
                    align: f.align_bits.max(1),
                    order: f.byte_order,
                }
            }
            FieldType::String(_) => Op::String,
            FieldType::Struct(s) => {
                let mut body = Vec::with_capacity(s.fields.len());
                for (i, field) in s.fields.iter().enumerate() {
                    path.indices.push(i);
                    let op = self.compile_field(&field.ty, &field.name, path);
                    path.indices.pop();
                    body.push(op?);
                }
                let align = ty.align_bits().max(1);
                match flatten(&body, align) {
                    Some(fields) => Op::Flat {
                        align,
                        fields,
                        general: body.into(),
                    },
                    None => Op::Struct {
                        align,
                        body: body.into(),
                    },
                }
            }
            FieldType::Variant(v) => {
                let tag_slot = self.slot_of(&v.tag)?;
                let mut options = Vec::with_capacity(v.options.len());
                for (i, option) in v.options.iter().enumerate() {
                    path.indices.push(i);
                    let op = self.compile_field(&option.ty, &option.name, path);
                    path.indices.pop();
                    options.push(vec![op?].into_boxed_slice());
                }
                Op::Variant {
                    tag_slot,
                    selectors: v.selectors.clone().into(),
                    options: options.into(),
                }
            }
            FieldType::Array(a) => {
                let align = ty.align_bits().max(1);
                if ty.is_text_container() {
                    Op::TextArray {
                        align,
                        len: a.length,
                    }
                } else {
                    let element = self.compile_field(&a.element, name, path)?;
                    Op::Array {
                        align,
                        len: a.length,
                        element_min_bits: min_bits(&element),
                        element: vec![element].into(),
                    }
                }
            }
            FieldType::Sequence(s) => {
                let align = ty.align_bits().max(1);
                let len_slot = self.slot_of(&s.length)?;
                if ty.is_text_container() {
                    Op::TextSequence { align, len_slot }
                } else {
                    let element = self.compile_field(&s.element, name, path)?;
                    Op::Sequence {
                        align,
                        len_slot,
                        element_min_bits: min_bits(&element),
                        element: vec![element].into(),
                    }
                }
            }
        })
    }

    fn slot_of(&self, path: &FieldPath) -> Result<usize, CompileError> {
        self.slots
            .get(path)
            .copied()
            .ok_or_else(|| CompileError(format!("unresolved field path {path:?}")))
    }
}

fn int_op(int: &crate::ctf::ir::IntType, name: &str, scope: Scope, save: Option<usize>) -> Op {
    let role = match scope {
        // Packet-level clock fields (timestamp_begin/end) are read explicitly by the packet
        // layer; `timestamp_end` must never move the clock (ctf.md §6.3).
        Scope::PacketHeader | Scope::PacketContext => IntRole::Plain,
        Scope::EventHeader if name == "id" => IntRole::EventId,
        _ if int.mapped_clock.is_some() => IntRole::Clock,
        _ => IntRole::Plain,
    };
    Op::Int {
        size: int.size_bits.clamp(1, 64),
        align: int.align_bits.max(1),
        signed: int.signed,
        order: int.byte_order,
        role,
        save,
    }
}

/// The flat form of a structure's members, when every member is a whole number of bytes with
/// an alignment of at most one byte (so no padding can appear once the start is on a byte).
fn flatten(body: &[Op], align: u32) -> Option<Box<[FlatField]>> {
    if align > 8 {
        return None;
    }
    body.iter()
        .map(|op| match *op {
            Op::Int {
                size,
                align,
                signed,
                order,
                role,
                save,
            } if size.is_multiple_of(8) && align <= 8 => Some(FlatField::Int {
                bytes: size / 8,
                signed,
                order,
                role,
                save,
            }),
            Op::Float { size, align, order } if align <= 8 => Some(FlatField::Float {
                bytes: size / 8,
                order,
            }),
            Op::String => Some(FlatField::String),
            Op::TextArray { align, len } if align <= 8 => Some(FlatField::Text { len }),
            _ => None,
        })
        .collect()
}

/// The fewest bits a field can occupy, used to refuse absurd array lengths before looping.
pub(super) fn min_bits(op: &Op) -> u64 {
    match op {
        Op::Int { size, .. } | Op::Float { size, .. } => u64::from(*size),
        Op::String => 8,
        Op::Struct { body, .. } | Op::Flat { general: body, .. } => {
            body.iter().map(min_bits).fold(0, u64::saturating_add)
        }
        Op::TextArray { len, .. } => len.saturating_mul(8),
        Op::TextSequence { .. } | Op::Sequence { .. } => 0,
        Op::Array {
            len,
            element_min_bits,
            ..
        } => len.saturating_mul(*element_min_bits),
        Op::TaggedHeader { tag, .. } => u64::from(tag.size),
        Op::Variant { options, .. } => options
            .iter()
            .map(|o| o.iter().map(min_bits).fold(0, u64::saturating_add))
            .min()
            .unwrap_or(0),
    }
}

fn collect_paths(ty: &FieldType, out: &mut Vec<FieldPath>) {
    match ty {
        FieldType::Struct(s) => s.fields.iter().for_each(|f| collect_paths(&f.ty, out)),
        FieldType::Variant(v) => {
            out.push(v.tag.clone());
            v.options.iter().for_each(|f| collect_paths(&f.ty, out));
        }
        FieldType::Array(a) => collect_paths(&a.element, out),
        FieldType::Sequence(s) => {
            out.push(s.length.clone());
            collect_paths(&s.element, out);
        }
        FieldType::Int(_) | FieldType::Float(_) | FieldType::Enum(_) | FieldType::String(_) => {}
    }
}

fn int_spec(op: &Op) -> Option<IntSpec> {
    match *op {
        Op::Int {
            size,
            align,
            signed,
            order,
            role,
            save,
        } => Some(IntSpec {
            size,
            align,
            signed,
            order,
            role,
            save,
        }),
        _ => None,
    }
}

fn header_option(body: &[Op]) -> Option<HeaderOption> {
    let [inner] = body else { return None };
    let (align, ints) = match inner {
        Op::Struct { align, body }
        | Op::Flat {
            align,
            general: body,
            ..
        } => (*align, body),
        _ => return None,
    };
    Some(HeaderOption {
        align,
        ints: ints.iter().map(int_spec).collect::<Option<_>>()?,
    })
}

/// Rewrites an event header of LTTng's shape (a tag integer, then a variant on it whose
/// options are structures of integers) into one non-recursive op; other headers are kept.
pub fn specialize_header(op: Op) -> Op {
    let specialized = match &op {
        Op::Struct { align, body }
        | Op::Flat {
            align,
            general: body,
            ..
        } => match &body[..] {
            [
                tag,
                Op::Variant {
                    tag_slot,
                    selectors,
                    options,
                },
            ] => int_spec(tag)
                .filter(|t| t.save == Some(*tag_slot))
                .and_then(|tag| {
                    let options = options
                        .iter()
                        .map(|o| header_option(o))
                        .collect::<Option<Box<[_]>>>()?;
                    Some(Op::TaggedHeader {
                        align: *align,
                        tag,
                        tag_slot: *tag_slot,
                        selectors: selectors.clone(),
                        options,
                    })
                }),
            _ => None,
        },
        _ => None,
    };
    specialized.unwrap_or(op)
}
