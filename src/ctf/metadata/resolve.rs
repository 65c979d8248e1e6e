//! Field path resolution (ctf.md §3.5): intermediate types to IR field types, with sequence
//! lengths and variant tags turned into [`FieldPath`]s and variant selector tables computed.
//!
//! Rules, after babeltrace2 2.0:
//! * an absolute path (`event.fields.len`) walks member names from that scope's root;
//! * a relative path is looked up in the structure (or variant) containing the field, among
//!   the members before it, then in each enclosing structure outward, within the current
//!   scope. When that fails we also look it up from the root of each earlier scope, most
//!   recent first (the CTF specification allows it; babeltrace2 does not);
//! * the target must be decoded before the field (earlier scope, or earlier member at the
//!   lowest common ancestor); a tag must be an enumeration; a length must be an unsigned
//!   integer or unsigned enumeration (babeltrace2 refuses signed lengths).
//!
//! Our IR cannot express a path that goes through an array or sequence element; such paths
//! are reported as unsupported.

use std::collections::HashMap;

use crate::ctf::ir::{
    ArrayType, EnumType, Field, FieldPath, FieldType, Scope, SequenceType, StructType,
    VariantRange, VariantType,
};

use super::ty::{Ty, TyField, TyKind};
use super::{DResult, Diag, Pos};

/// Frame index standing for "inside the element of an array or sequence".
const ELEMENT: usize = usize::MAX;

/// Converts the root type of `scope`; `earlier` holds the roots of the scopes decoded before
/// it (any order).
pub(crate) fn convert(scope: Scope, root: &Ty, earlier: &[(Scope, &Ty)]) -> DResult<FieldType> {
    let mut r = Resolver {
        scope,
        root,
        earlier,
        stack: Vec::new(),
        names: HashMap::new(),
    };
    r.convert(root)
}

/// The name users see: one leading underscore removed (CTF 1.8 §4.1.5, as babeltrace2 does:
/// `_prev_tid` is `prev_tid`, `__vtids_length` is `_vtids_length`).
pub(crate) fn display_name(name: &str) -> String {
    name.strip_prefix('_').unwrap_or(name).to_string()
}

struct Frame<'a> {
    ty: &'a Ty,
    /// Member or option index of the field being converted, or [`ELEMENT`].
    index: usize,
}

struct Resolver<'a, 'e> {
    scope: Scope,
    root: &'a Ty,
    earlier: &'e [(Scope, &'a Ty)],
    /// The compound types from the scope root down to the field being converted.
    stack: Vec<Frame<'a>>,
    /// Name to index maps of large structs, keyed by address, so that resolving many paths
    /// in a wide structure stays linear.
    names: HashMap<*const Ty, HashMap<&'a str, usize>>,
}

/// Structs with more children than this get a name index.
const INDEXED_CHILDREN: usize = 16;

impl<'a> Resolver<'a, '_> {
    fn convert(&mut self, ty: &'a Ty) -> DResult<FieldType> {
        Ok(match &ty.kind {
            TyKind::Int(i) => FieldType::Int(i.clone()),
            TyKind::Float(f) => FieldType::Float(f.clone()),
            TyKind::Enum(e) => FieldType::Enum(e.clone()),
            TyKind::Str(enc) => FieldType::String(*enc),
            TyKind::Struct { fields, min_align } => FieldType::Struct(StructType {
                fields: self.fields(ty, fields)?,
                min_align_bits: *min_align,
            }),
            TyKind::Variant { tag, options, pos } => {
                let tag = tag.as_deref().ok_or_else(|| {
                    Diag::at(
                        *pos,
                        "variant without a tag (give it as `variant name <tag>`)",
                    )
                })?;
                let (path, target) = self.resolve(tag, *pos)?;
                let TyKind::Enum(tag_enum) = &target.kind else {
                    let msg = format!(
                        "variant tag `{tag}` is {}, expected an enumeration",
                        target.describe()
                    );
                    return Err(Diag::at(*pos, msg));
                };
                FieldType::Variant(VariantType {
                    tag: path,
                    selectors: selectors(tag_enum, options),
                    options: self.fields(ty, options)?,
                })
            }
            TyKind::Array { elem, len } => FieldType::Array(ArrayType {
                element: Box::new(self.element(ty, elem)?),
                length: *len,
            }),
            TyKind::Sequence { elem, length, pos } => {
                let (path, target) = self.resolve(length, *pos)?;
                check_length(target, length, *pos)?;
                FieldType::Sequence(SequenceType {
                    element: Box::new(self.element(ty, elem)?),
                    length: path,
                })
            }
        })
    }

    fn fields(&mut self, parent: &'a Ty, fields: &'a [TyField]) -> DResult<Vec<Field>> {
        self.stack.push(Frame {
            ty: parent,
            index: 0,
        });
        let mut out = Vec::with_capacity(fields.len());
        for (i, f) in fields.iter().enumerate() {
            if let Some(top) = self.stack.last_mut() {
                top.index = i;
            }
            out.push(Field {
                name: f.name.clone(),
                display_name: display_name(&f.name),
                ty: self.convert(&f.ty)?,
            });
        }
        self.stack.pop();
        Ok(out)
    }

    fn element(&mut self, parent: &'a Ty, elem: &'a Ty) -> DResult<FieldType> {
        self.stack.push(Frame {
            ty: parent,
            index: ELEMENT,
        });
        let out = self.convert(elem)?;
        self.stack.pop();
        Ok(out)
    }

    /// Resolves a length or tag path written at `pos` into a field path and its target type.
    fn resolve(&mut self, text: &str, pos: Pos) -> DResult<(FieldPath, &'a Ty)> {
        let tokens: Vec<&str> = text.split('.').collect();
        if tokens.iter().any(|t| t.is_empty()) {
            return Err(Diag::at(pos, format!("invalid field path `{text}`")));
        }
        let found = match absolute_scope(&tokens) {
            Some((scope, skip)) => self.absolute(scope, &tokens[skip..], text, pos)?,
            None => self.relative(&tokens, text, pos)?,
        };
        let (path, target) =
            found.ok_or_else(|| Diag::at(pos, format!("cannot find field `{text}`")))?;
        if path.scope == self.scope {
            self.check_order(&path, text, pos)?;
        }
        Ok((path, target))
    }

    fn absolute(
        &mut self,
        scope: Scope,
        tokens: &[&str],
        text: &str,
        pos: Pos,
    ) -> DResult<Option<(FieldPath, &'a Ty)>> {
        if scope > self.scope {
            let msg = format!("`{text}` refers to a scope decoded after this field");
            return Err(Diag::at(pos, msg));
        }
        let root = if scope == self.scope {
            Some(self.root)
        } else {
            self.earlier
                .iter()
                .find(|(s, _)| *s == scope)
                .map(|(_, t)| *t)
        };
        let Some(root) = root else {
            return Err(Diag::at(
                pos,
                format!("`{text}` refers to a scope that is not defined"),
            ));
        };
        let found = self.walk(root, tokens, text, pos)?;
        Ok(found.map(|(indices, ty)| (FieldPath { scope, indices }, ty)))
    }

    fn relative(
        &mut self,
        tokens: &[&str],
        text: &str,
        pos: Pos,
    ) -> DResult<Option<(FieldPath, &'a Ty)>> {
        for k in (0..self.stack.len()).rev() {
            let (frame_ty, frame_index) = (self.stack[k].ty, self.stack[k].index);
            if frame_index == ELEMENT {
                continue;
            }
            // Only members declared before (or at) the current one are candidates.
            let Some((first, child)) = self.child(frame_ty, tokens[0]) else {
                continue;
            };
            if first > frame_index {
                continue;
            }
            let Some((tail, ty)) = self.walk(child, &tokens[1..], text, pos)? else {
                continue;
            };
            if self.stack[..k].iter().any(|f| f.index == ELEMENT) {
                return Err(crosses_array(text, pos));
            }
            let mut indices: Vec<usize> = self.stack[..k].iter().map(|f| f.index).collect();
            indices.push(first);
            indices.extend(tail);
            let path = FieldPath {
                scope: self.scope,
                indices,
            };
            return Ok(Some((path, ty)));
        }
        let mut earlier: Vec<(Scope, &'a Ty)> = self.earlier.to_vec();
        earlier.sort_by_key(|e| std::cmp::Reverse(e.0));
        for (scope, root) in earlier {
            if let Some((indices, ty)) = self.walk(root, tokens, text, pos)? {
                let path = FieldPath { scope, indices };
                return Ok(Some((path, ty)));
            }
        }
        Ok(None)
    }

    /// Walks member names down from `from`. `None` when a name is missing.
    fn walk(
        &mut self,
        from: &'a Ty,
        tokens: &[&str],
        text: &str,
        pos: Pos,
    ) -> DResult<Option<(Vec<usize>, &'a Ty)>> {
        let mut indices = Vec::with_capacity(tokens.len());
        let mut cur = from;
        for token in tokens {
            if cur.is_array_like() {
                return Err(crosses_array(text, pos));
            }
            let Some((i, child)) = self.child(cur, token) else {
                return Ok(None);
            };
            indices.push(i);
            cur = child;
        }
        Ok(Some((indices, cur)))
    }

    /// The child of a struct or variant named `name` (as written) and its index.
    fn child(&mut self, ty: &'a Ty, name: &str) -> Option<(usize, &'a Ty)> {
        let children = ty.children()?;
        if children.len() <= INDEXED_CHILDREN {
            return ty.child(name);
        }
        let index = self.names.entry(ty as *const Ty).or_insert_with(|| {
            let mut m = HashMap::with_capacity(children.len());
            for (i, f) in children.iter().enumerate() {
                // Names are unique within a struct or variant.
                m.entry(f.name.as_str()).or_insert(i);
            }
            m
        });
        let i = *index.get(name)?;
        children.get(i).map(|f| (i, &f.ty))
    }

    /// Same scope: the target must come before the field at their lowest common ancestor.
    fn check_order(&self, path: &FieldPath, text: &str, pos: Pos) -> DResult<()> {
        let source: Vec<usize> = self.stack.iter().map(|f| f.index).collect();
        let target = &path.indices;
        let lca = source
            .iter()
            .zip(target)
            .take_while(|(s, t)| s == t)
            .count();
        match (source.get(lca), target.get(lca)) {
            (Some(s), Some(t)) if t < s => Ok(()),
            (Some(_), Some(_)) => Err(Diag::at(
                pos,
                format!("`{text}` refers to a field that is not decoded before this one"),
            )),
            _ => Err(Diag::at(
                pos,
                format!("`{text}` refers to this field itself or to one of its parents"),
            )),
        }
    }
}

/// `(scope, number of prefix tokens)` for an absolute path.
fn absolute_scope(tokens: &[&str]) -> Option<(Scope, usize)> {
    let prefixes: [(&[&str], Scope); 6] = [
        (&["trace", "packet", "header"], Scope::PacketHeader),
        (&["stream", "packet", "context"], Scope::PacketContext),
        (&["stream", "event", "header"], Scope::EventHeader),
        (&["stream", "event", "context"], Scope::StreamEventContext),
        (&["event", "context"], Scope::EventContext),
        (&["event", "fields"], Scope::EventPayload),
    ];
    prefixes
        .iter()
        .find(|(p, _)| tokens.len() > p.len() && tokens.starts_with(p))
        .map(|(p, s)| (*s, p.len()))
}

fn crosses_array(text: &str, pos: Pos) -> Diag {
    Diag::at(
        pos,
        format!(
            "field path `{text}` goes through an array or sequence element, which is not supported"
        ),
    )
}

fn check_length(target: &Ty, text: &str, pos: Pos) -> DResult<()> {
    match &target.kind {
        TyKind::Int(i) if !i.signed => Ok(()),
        TyKind::Enum(e) if !e.container.signed => Ok(()),
        _ => Err(Diag::at(
            pos,
            format!(
                "sequence length `{text}` is {}, expected an unsigned integer",
                target.describe()
            ),
        )),
    }
}

/// Tag value ranges to option indices: an option is selected by the enumeration label that
/// has exactly its name as written (leading underscores included, as babeltrace2 does).
/// Options without a matching label are never selected.
fn selectors(tag: &EnumType, options: &[TyField]) -> Vec<VariantRange> {
    let by_label: HashMap<&str, usize> = tag
        .mappings
        .iter()
        .enumerate()
        .rev()
        .map(|(i, m)| (m.label.as_str(), i))
        .collect();
    let mut out = Vec::new();
    for (option, f) in options.iter().enumerate() {
        if let Some(&m) = by_label.get(f.name.as_str()) {
            out.extend(tag.mappings[m].ranges.iter().map(|&(lo, hi)| VariantRange {
                lo,
                hi,
                option,
            }));
        }
    }
    out
}
