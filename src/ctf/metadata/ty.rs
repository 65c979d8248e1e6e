//! Intermediate field types: the IR's scalar types plus compound types whose sequence lengths
//! and variant tags are still path strings. `resolve` turns them into [`FieldType`]s once the
//! scope of every field is known.
//!
//! [`FieldType`]: crate::ctf::ir::FieldType

use crate::ctf::ir::{Encoding, EnumType, FloatType, IntType};

use super::{DResult, Diag, MAX_NESTING, Pos};

/// A field type before path resolution, with its nesting depth (0 for scalars).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ty {
    pub kind: TyKind,
    pub depth: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TyKind {
    Int(IntType),
    Float(FloatType),
    Enum(EnumType),
    Str(Encoding),
    Struct {
        fields: Vec<TyField>,
        /// From `align(N)`; 1 when absent.
        min_align: u32,
    },
    Variant {
        /// Tag path as written; `None` until given (`variant v <tag>` at the use site).
        tag: Option<String>,
        options: Vec<TyField>,
        pos: Pos,
    },
    Array {
        elem: Box<Ty>,
        len: u64,
    },
    Sequence {
        elem: Box<Ty>,
        /// Length path as written.
        length: String,
        pos: Pos,
    },
}

/// A struct member or variant option, with its name as written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TyField {
    pub name: String,
    pub ty: Ty,
}

impl Ty {
    pub fn scalar(kind: TyKind) -> Ty {
        Ty { kind, depth: 0 }
    }

    /// A compound type; fails when it would nest deeper than [`MAX_NESTING`] (aliases can
    /// build deep types from shallow syntax).
    pub fn compound(kind: TyKind, pos: Pos) -> DResult<Ty> {
        let child_depth = match &kind {
            TyKind::Struct { fields, .. }
            | TyKind::Variant {
                options: fields, ..
            } => fields.iter().map(|f| f.ty.depth).max().unwrap_or(0),
            TyKind::Array { elem, .. } | TyKind::Sequence { elem, .. } => elem.depth,
            _ => 0,
        };
        let depth = child_depth + 1;
        if depth > MAX_NESTING {
            return Err(Diag::at(
                pos,
                format!("types nested more than {MAX_NESTING} levels deep"),
            ));
        }
        Ok(Ty { kind, depth })
    }

    /// "an integer", "a structure", ... for messages.
    pub fn describe(&self) -> &'static str {
        match &self.kind {
            TyKind::Int(i) if i.signed => "a signed integer",
            TyKind::Int(_) => "an integer",
            TyKind::Float(_) => "a floating point number",
            TyKind::Enum(e) if e.container.signed => "a signed enumeration",
            TyKind::Enum(_) => "an enumeration",
            TyKind::Str(_) => "a string",
            TyKind::Struct { .. } => "a structure",
            TyKind::Variant { .. } => "a variant",
            TyKind::Array { .. } => "an array",
            TyKind::Sequence { .. } => "a sequence",
        }
    }

    /// The members of a struct or the options of a variant.
    pub fn children(&self) -> Option<&[TyField]> {
        match &self.kind {
            TyKind::Struct { fields, .. }
            | TyKind::Variant {
                options: fields, ..
            } => Some(fields),
            _ => None,
        }
    }

    /// The member or option named `name` (as written) and its index.
    pub fn child(&self, name: &str) -> Option<(usize, &Ty)> {
        self.children()?
            .iter()
            .enumerate()
            .find(|(_, f)| f.name == name)
            .map(|(i, f)| (i, &f.ty))
    }

    pub fn is_array_like(&self) -> bool {
        matches!(self.kind, TyKind::Array { .. } | TyKind::Sequence { .. })
    }
}
