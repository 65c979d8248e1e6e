//! Turning field classes into [`Op`] trees.

use std::collections::HashMap;

use super::{
    FlatStep, HeaderOption, IntRole, IntSpec, LaidOut, MemberKind, NO_OPTION, Op, OptionLayout,
    RunMember, TaggedHeader, Word, selected_option,
};
use crate::ctf::ir::ByteOrder;
use crate::ctf::ir::{
    EventClass, FieldPath, FieldType, Scope, StreamClass, TraceClass, VariantRange,
};

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
    /// Collects the paths referenced in the trace's packet header and the stream-level scopes
    /// of a stream class. Event classes add their own with [`Self::with_event`].
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
        let mut compiler = ScopeCompiler::default();
        compiler.add(paths);
        compiler
    }

    /// This compiler with the paths one event class refers to. Each event class has its own
    /// slots after the stream's: a member that another class's sequence happens to name by
    /// the same position is then not saved for nothing, which keeps it on the plain path.
    pub fn with_event(&self, event: &EventClass) -> Self {
        let mut paths = Vec::new();
        for ty in [event.context.as_ref(), event.payload.as_ref()]
            .into_iter()
            .flatten()
        {
            collect_paths(ty, &mut paths);
        }
        let mut compiler = self.clone();
        compiler.add(paths);
        compiler
    }

    fn add(&mut self, paths: Vec<FieldPath>) {
        for path in paths {
            let next = self.slots.len();
            self.slots.entry(path).or_insert(next);
        }
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
                    Some(steps) => Op::Flat {
                        align,
                        steps,
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
/// an alignment of at most one byte (so no padding can appear once the start is on a byte):
/// runs of members of constant size (fixed-length arrays of them included), split by strings
/// and sequences.
fn flatten(body: &[Op], align: u32) -> Option<Box<[FlatStep]>> {
    // Longer fixed arrays, and structures with more members in all, stay with the general
    // ops: each element is a member of the run, and the metadata (from a broken machine) may
    // claim billions of them in a few bytes of text.
    const MAX_FLAT_ARRAY: u64 = 64;
    const MAX_FLAT_MEMBERS: usize = 1024;
    if align > 8 {
        return None;
    }
    // Array members counted so far (the other members each stand for a member of the
    // metadata's text).
    let mut members = 0usize;
    let mut steps = Vec::new();
    let mut run: Vec<RunMember> = Vec::new();
    let mut run_bytes: u32 = 0;
    let end_run = |steps: &mut Vec<FlatStep>, run: &mut Vec<RunMember>, bytes: &mut u32| {
        if !run.is_empty() {
            steps.push(FlatStep::Run {
                bytes: *bytes,
                members: std::mem::take(run).into(),
            });
        }
        *bytes = 0;
    };
    for op in body {
        match op {
            Op::String => {
                end_run(&mut steps, &mut run, &mut run_bytes);
                steps.push(FlatStep::String);
            }
            Op::TextSequence { align, len_slot } if *align <= 8 => {
                end_run(&mut steps, &mut run, &mut run_bytes);
                steps.push(FlatStep::TextSequence {
                    len_slot: *len_slot,
                });
            }
            Op::Sequence {
                align,
                len_slot,
                element,
                ..
            } if *align <= 8 => {
                let [element] = &element[..] else {
                    return None;
                };
                let (element, bytes) = scalar_member(element)?;
                if bytes == 0 {
                    return None;
                }
                end_run(&mut steps, &mut run, &mut run_bytes);
                steps.push(FlatStep::Sequence {
                    len_slot: *len_slot,
                    element,
                    bytes,
                });
            }
            Op::Array {
                align,
                len,
                element,
                ..
            } if *align <= 8 && *len <= MAX_FLAT_ARRAY => {
                let [element] = &element[..] else {
                    return None;
                };
                let (kind, bytes) = scalar_member(element)?;
                let len = u32::try_from(*len).ok()?;
                members += 1 + len as usize;
                if members > MAX_FLAT_MEMBERS {
                    return None;
                }
                run.push(RunMember {
                    at: run_bytes,
                    kind: MemberKind::ArrayHead { len },
                });
                for _ in 0..len {
                    run.push(RunMember {
                        at: run_bytes,
                        kind,
                    });
                    run_bytes = run_bytes.checked_add(bytes)?;
                }
            }
            op => {
                let (kind, bytes) = scalar_member(op)?;
                run.push(RunMember {
                    at: run_bytes,
                    kind,
                });
                // A run longer than 4 GiB could not be in a mapped packet anyway; refusing it
                // keeps offsets in 32 bits.
                run_bytes = run_bytes.checked_add(bytes)?;
            }
        }
    }
    end_run(&mut steps, &mut run, &mut run_bytes);
    Some(steps.into())
}

/// How a member of constant size and at most byte alignment is read, and the bytes it takes:
/// a whole-byte integer, a float or a text array; `None` for anything else.
fn scalar_member(op: &Op) -> Option<(MemberKind, u32)> {
    if let Some(i) = int_spec(op) {
        return (i.size.is_multiple_of(8) && i.align <= 8).then(|| {
            let bytes = i.size / 8;
            (int_member(bytes, i.signed, i.order, i.role, i.save), bytes)
        });
    }
    Some(match *op {
        Op::Float { size, align, order } if align <= 8 => (
            MemberKind::Float {
                bytes: size / 8,
                order,
            },
            size / 8,
        ),
        Op::TextArray { align, len } if align <= 8 => {
            let len = u32::try_from(len).ok()?;
            (MemberKind::Text { len }, len)
        }
        _ => return None,
    })
}

/// The member kind of a whole-byte integer: one of the plain little-endian kinds when it has
/// neither a role nor a slot.
fn int_member(
    bytes: u32,
    signed: bool,
    order: ByteOrder,
    role: IntRole,
    save: Option<usize>,
) -> MemberKind {
    if order == ByteOrder::Le && role == IntRole::Plain && save.is_none() {
        match (bytes, signed) {
            (1, false) => return MemberKind::U8,
            (2, false) => return MemberKind::U16Le,
            (4, false) => return MemberKind::U32Le,
            (8, false) => return MemberKind::U64Le,
            (1, true) => return MemberKind::S8,
            (2, true) => return MemberKind::S16Le,
            (4, true) => return MemberKind::S32Le,
            (8, true) => return MemberKind::S64Le,
            _ => {}
        }
    }
    MemberKind::Int {
        bytes,
        signed,
        order,
        role,
        save,
    }
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
        Op::TaggedHeader(h) => u64::from(h.tag.size),
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

fn header_option(body: &[Op], header_align: u32, tag: &IntSpec) -> Option<HeaderOption> {
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
    let ints: Box<[IntSpec]> = ints.iter().map(int_spec).collect::<Option<_>>()?;
    let layout = option_layout(header_align, tag, align, &ints);
    Some(HeaderOption {
        align,
        ints,
        layout,
    })
}

/// The option of every value of an unsigned tag of at most 16 bits, the first range holding
/// it winning as in the search; `None` for wider or signed tags, and for more ranges than a
/// header has in practice (LTTng's have two): building the table searches them once per
/// value, and metadata from a broken machine could list thousands.
fn option_table(tag: &IntSpec, selectors: &[VariantRange], options: usize) -> Option<Box<[u8]>> {
    const MAX_TABLE_RANGES: usize = 64;
    if tag.signed
        || tag.size > 16
        || options >= usize::from(NO_OPTION)
        || selectors.len() > MAX_TABLE_RANGES
    {
        return None;
    }
    let values = 1usize << tag.size;
    let mut table = vec![NO_OPTION; values];
    for (value, slot) in table.iter_mut().enumerate() {
        if let Some(o) = selected_option(selectors, value as i128, options) {
            // Below NO_OPTION: checked above.
            *slot = o as u8;
        }
    }
    Some(table.into())
}

/// The constant positions of one header option: from a start aligned on `header_align`, an
/// alignment up to that one falls at the same offsets whatever the start (all alignments are
/// powers of two).
fn option_layout(
    header_align: u32,
    tag: &IntSpec,
    option_align: u32,
    ints: &[IntSpec],
) -> Option<OptionLayout> {
    let fits = |a: u32| a.max(1) <= header_align;
    if !fits(tag.align) || !fits(option_align) || !ints.iter().all(|i| fits(i.align)) {
        return None;
    }
    let mut at = u64::from(tag.size).next_multiple_of(u64::from(option_align.max(1)));
    let mut fields = Vec::with_capacity(ints.len());
    for int in ints {
        at = at.next_multiple_of(u64::from(int.align.max(1)));
        fields.push(laid_out(at, int, header_align));
        at += u64::from(int.size);
    }
    Some(OptionLayout {
        fields: fields.into(),
        end: at,
    })
}

/// An integer at bit `offset` of a header aligned on `header_align` bits.
fn laid_out(offset: u64, int: &IntSpec, header_align: u32) -> LaidOut {
    let shift = (offset % 8) as u32;
    let word = (header_align >= 8 && int.order == ByteOrder::Le && shift + int.size <= 64)
        .then(|| {
            Some(Word {
                byte: u32::try_from(offset / 8).ok()?,
                shift,
                mask: if int.size >= 64 {
                    u64::MAX
                } else {
                    (1u64 << int.size) - 1
                },
            })
        })
        .flatten();
    LaidOut { offset, word }
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
                        .map(|o| header_option(o, *align, &tag))
                        .collect::<Option<Box<[_]>>>()?;
                    let by_tag = option_table(&tag, selectors, options.len());
                    Some(Op::TaggedHeader(Box::new(TaggedHeader {
                        align: *align,
                        tag_at: laid_out(0, &tag, *align),
                        tag,
                        tag_slot: *tag_slot,
                        selectors: selectors.clone(),
                        options,
                        by_tag,
                    })))
                }),
            _ => None,
        },
        _ => None,
    };
    specialized.unwrap_or(op)
}
