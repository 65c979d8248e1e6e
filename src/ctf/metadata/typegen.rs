//! Type specifiers and declarators to intermediate types: aliases, typedefs, named structs,
//! variants and enums in lexical scopes, arrays and sequences from declarators.

use std::collections::HashMap;

use crate::ctf::ir::{ByteOrder, ClockClass, EnumMapping, EnumType, EnvValue};

use super::ast::{
    Declarator, EnumSpec, Enumerator, Expr, ExprKind, Member, Spec, Specs, StructSpec, TypeAlias,
    Typedef, VariantSpec,
};
use super::attrs::{self, AttrCtx, Seen};
use super::scope::{DeclKind, Scopes};
use super::ty::{Ty, TyField, TyKind};
use super::{DResult, Diag, Pos};

/// The semantic context shared by every stage of the visit.
pub(crate) struct Sem<'w> {
    pub scopes: Scopes,
    /// The trace's byte order, which `native` means.
    pub native: ByteOrder,
    pub clocks: Vec<ClockClass>,
    pub env: Vec<(String, EnvValue)>,
    pub warnings: &'w mut Vec<Diag>,
}

impl Sem<'_> {
    fn lookup(&self, kind: DeclKind, name: &str, pos: Pos) -> DResult<Ty> {
        self.scopes
            .lookup(kind, name)
            .cloned()
            .ok_or_else(|| Diag::at(pos, format!("unknown {}", kind.describe(name))))
    }

    fn register(&mut self, kind: DeclKind, name: &str, ty: Ty, pos: Pos) -> DResult<()> {
        if self.scopes.register(kind, name, ty) {
            Ok(())
        } else {
            let what = kind.describe(name);
            Err(Diag::at(
                pos,
                format!("{what} is already declared in this scope"),
            ))
        }
    }

    fn check_not_declared_here(
        &self,
        kind: DeclKind,
        name: &Option<String>,
        pos: Pos,
    ) -> DResult<()> {
        match name {
            Some(n) if self.scopes.declared_here(kind, n) => Err(Diag::at(
                pos,
                format!("{} is already declared in this scope", kind.describe(n)),
            )),
            _ => Ok(()),
        }
    }

    /// The type named by a specifier list.
    pub fn specs_type(&mut self, specs: &Specs) -> DResult<Ty> {
        let ctx = AttrCtx {
            native: self.native,
            clocks: &self.clocks,
        };
        let compound = specs
            .items
            .iter()
            .find(|s| !matches!(s, Spec::Const | Spec::Word(_)));
        match compound {
            Some(Spec::Integer(body)) => {
                let int = attrs::integer(body, specs.pos, &ctx, self.warnings)?;
                Ok(Ty::scalar(TyKind::Int(int)))
            }
            Some(Spec::Float(body)) => {
                let float = attrs::float(body, specs.pos, &ctx, self.warnings)?;
                Ok(Ty::scalar(TyKind::Float(float)))
            }
            Some(Spec::String(body)) => {
                Ok(Ty::scalar(TyKind::Str(attrs::string(body, self.warnings)?)))
            }
            Some(Spec::Struct(s)) => self.struct_type(s),
            Some(Spec::Variant(v)) => self.variant_type(v),
            Some(Spec::Enum(e)) => self.enum_type(e),
            _ => {
                let name = alias_name(specs, &[])?;
                self.lookup(DeclKind::Alias, &name, specs.pos)
            }
        }
    }

    /// The name and type a declarator gives to `base` (the type of `specs`, computed once per
    /// declaration by the caller; `None` when every declarator is a pointer).
    fn declared(
        &mut self,
        specs: &Specs,
        base: Option<&Ty>,
        d: &Declarator,
    ) -> DResult<(Option<String>, Ty)> {
        if d.bitfield.is_some() {
            return Err(Diag::at(d.pos, "bitfields are not supported"));
        }
        let mut ty = match base {
            Some(b) if d.pointers.is_empty() => b.clone(),
            _ => {
                // A pointer type only exists as an alias (`typealias ... := void *;`).
                let name = alias_name(specs, &d.pointers)?;
                let mut ty = self.lookup(DeclKind::Alias, &name, d.pos)?;
                if let TyKind::Int(i) = &mut ty.kind {
                    i.base = 16;
                }
                ty
            }
        };
        // `x[2][3]` is an array of 2 arrays of 3: wrap from the last dimension outward.
        for dim in d.dims.iter().rev() {
            ty = self.dimension(ty, dim)?;
        }
        Ok((d.name.clone(), ty))
    }

    fn base_for(&mut self, specs: &Specs, decls: &[Declarator]) -> DResult<Option<Ty>> {
        if decls.iter().any(|d| d.pointers.is_empty()) {
            Ok(Some(self.specs_type(specs)?))
        } else {
            Ok(None)
        }
    }

    /// An array (`[16]`, `[env.N]`) or a sequence (`[len]`, `[event.fields.len]`) of `elem`.
    fn dimension(&mut self, elem: Ty, dim: &Expr) -> DResult<Ty> {
        let kind = match &dim.kind {
            ExprKind::UInt(len) => TyKind::Array {
                elem: Box::new(elem),
                len: *len,
            },
            ExprKind::Path(p) if p.len() == 2 && p[0] == "env" => TyKind::Array {
                elem: Box::new(elem),
                len: self.env_length(&p[1], dim.pos)?,
            },
            ExprKind::Path(_) | ExprKind::Str(_) => TyKind::Sequence {
                elem: Box::new(elem),
                length: dim.as_text().unwrap_or_default(),
                pos: dim.pos,
            },
            ExprKind::SInt(_) | ExprKind::Char(_) => {
                return Err(Diag::at(dim.pos, "invalid array length"));
            }
        };
        Ty::compound(kind, dim.pos)
    }

    fn env_length(&self, key: &str, pos: Pos) -> DResult<u64> {
        match self.env.iter().rev().find(|(k, _)| k == key) {
            Some((_, EnvValue::Int(v))) => u64::try_from(*v)
                .map_err(|_| Diag::at(pos, format!("array length `env.{key}` is negative"))),
            Some(_) => Err(Diag::at(pos, format!("`env.{key}` is not an integer"))),
            None => Err(Diag::at(pos, format!("no `env` entry named `{key}`"))),
        }
    }

    /// Members of a struct body or options of a variant body (the caller opens the scope).
    fn members(&mut self, body: &[Member], what: &str) -> DResult<Vec<TyField>> {
        let mut fields = Vec::with_capacity(body.len());
        let mut names = Seen::default();
        for member in body {
            match member {
                Member::Field { specs, decls } => {
                    let base = self.base_for(specs, decls)?;
                    for d in decls {
                        let (name, ty) = self.declared(specs, base.as_ref(), d)?;
                        let name = name.ok_or_else(|| Diag::at(d.pos, "missing field name"))?;
                        if !names.insert(d.name.as_deref().unwrap_or_default()) {
                            let msg = format!("duplicate field `{name}` in {what}");
                            return Err(Diag::at(d.pos, msg));
                        }
                        fields.push(TyField { name, ty });
                    }
                }
                Member::Alias(a) => self.type_alias(a)?,
                Member::Typedef(t) => self.typedef(t)?,
            }
        }
        Ok(fields)
    }

    fn struct_type(&mut self, s: &StructSpec) -> DResult<Ty> {
        let Some(body) = &s.body else {
            let name = s.name.as_deref().unwrap_or_default();
            return self.lookup(DeclKind::Struct, name, s.pos);
        };
        self.check_not_declared_here(DeclKind::Struct, &s.name, s.pos)?;
        let min_align = match &s.align {
            Some(e) => attrs::expr_u64(e, "structure `align`").and_then(|v| {
                u32::try_from(v)
                    .ok()
                    .filter(|a| a.is_power_of_two())
                    .ok_or_else(|| {
                        Diag::at(
                            e.pos,
                            format!("structure `align` must be a power of two, not {v}"),
                        )
                    })
            })?,
            None => 1,
        };
        self.scopes.push();
        let fields = self.members(body, "structure");
        self.scopes.pop();
        let ty = Ty::compound(
            TyKind::Struct {
                fields: fields?,
                min_align,
            },
            s.pos,
        )?;
        if let Some(name) = &s.name {
            self.register(DeclKind::Struct, name, ty.clone(), s.pos)?;
        }
        Ok(ty)
    }

    fn variant_type(&mut self, v: &VariantSpec) -> DResult<Ty> {
        let mut ty = match &v.body {
            None => {
                let name = v.name.as_deref().unwrap_or_default();
                self.lookup(DeclKind::Variant, name, v.pos)?
            }
            Some(body) => {
                self.check_not_declared_here(DeclKind::Variant, &v.name, v.pos)?;
                self.scopes.push();
                let options = self.members(body, "variant");
                self.scopes.pop();
                let kind = TyKind::Variant {
                    tag: None,
                    options: options?,
                    pos: v.pos,
                };
                let ty = Ty::compound(kind, v.pos)?;
                // Like babeltrace2, a named variant is remembered without the tag given here.
                if let Some(name) = &v.name {
                    self.register(DeclKind::Variant, name, ty.clone(), v.pos)?;
                }
                ty
            }
        };
        if let (Some(t), TyKind::Variant { tag, pos, .. }) = (&v.tag, &mut ty.kind) {
            *tag = Some(t.clone());
            *pos = v.pos;
        }
        Ok(ty)
    }

    fn enum_type(&mut self, e: &EnumSpec) -> DResult<Ty> {
        let Some(body) = &e.body else {
            let name = e.name.as_deref().unwrap_or_default();
            return self.lookup(DeclKind::Enum, name, e.pos);
        };
        self.check_not_declared_here(DeclKind::Enum, &e.name, e.pos)?;
        let container = match &e.container {
            Some(specs) => self.specs_type(specs)?,
            None => self
                .scopes
                .lookup(DeclKind::Alias, "int")
                .cloned()
                .ok_or_else(|| {
                    Diag::at(
                        e.pos,
                        "enumeration without container type, and no `int` type declared",
                    )
                })?,
        };
        let TyKind::Int(container) = container.kind else {
            let what = container.describe();
            return Err(Diag::at(
                e.pos,
                format!("enumeration container must be an integer, not {what}"),
            ));
        };
        let mappings = enum_mappings(body, container.signed, self.warnings)?;
        let ty = Ty::scalar(TyKind::Enum(EnumType {
            container,
            mappings,
        }));
        if let Some(name) = &e.name {
            self.register(DeclKind::Enum, name, ty.clone(), e.pos)?;
        }
        Ok(ty)
    }

    /// `typealias <type> := <name>;`
    pub fn type_alias(&mut self, a: &TypeAlias) -> DResult<()> {
        let base = self.base_for(&a.target, std::slice::from_ref(&a.target_decl))?;
        let (name, ty) = self.declared(&a.target, base.as_ref(), &a.target_decl)?;
        if name.is_some() {
            return Err(Diag::at(
                a.target_decl.pos,
                "typealias target must not declare a name",
            ));
        }
        reject_untagged_variant(&ty, a.pos)?;
        if a.alias_decl.name.is_some() || !a.alias_decl.dims.is_empty() {
            return Err(Diag::at(
                a.alias_decl.pos,
                "unexpected declarator in typealias name",
            ));
        }
        let alias = alias_name(&a.alias, &a.alias_decl.pointers)?;
        self.register(DeclKind::Alias, &alias, ty, a.alias.pos)
    }

    /// `typedef <type> <declarators>;`
    pub fn typedef(&mut self, t: &Typedef) -> DResult<()> {
        let base = self.base_for(&t.specs, &t.decls)?;
        for d in &t.decls {
            let (name, ty) = self.declared(&t.specs, base.as_ref(), d)?;
            let name = name.ok_or_else(|| Diag::at(d.pos, "typedef without a name"))?;
            reject_untagged_variant(&ty, d.pos)?;
            self.register(DeclKind::Alias, &name, ty, d.pos)?;
        }
        Ok(())
    }
}

/// babeltrace2 refuses to name an untagged variant with typedef/typealias (only
/// `variant name { ... }` may declare one).
fn reject_untagged_variant(ty: &Ty, pos: Pos) -> DResult<()> {
    match ty.kind {
        TyKind::Variant { tag: None, .. } => Err(Diag::at(
            pos,
            "a type alias of an untagged variant is not allowed",
        )),
        _ => Ok(()),
    }
}

/// The name a specifier list (plus pointers) stands for: `unsigned long`, `struct page *`.
pub(crate) fn alias_name(specs: &Specs, pointers: &[bool]) -> DResult<String> {
    let mut parts = Vec::with_capacity(specs.items.len());
    for item in &specs.items {
        let part = match item {
            Spec::Const => "const".to_string(),
            Spec::Word(k) => k.as_str().to_string(),
            Spec::Name(n) => n.clone(),
            Spec::Struct(StructSpec { name: Some(n), .. }) => format!("struct {n}"),
            Spec::Variant(VariantSpec { name: Some(n), .. }) => format!("variant {n}"),
            Spec::Enum(EnumSpec { name: Some(n), .. }) => format!("enum {n}"),
            _ => {
                return Err(Diag::at(
                    specs.pos,
                    "this type cannot be used as a type name",
                ));
            }
        };
        parts.push(part);
    }
    let mut name = parts.join(" ");
    for &is_const in pointers {
        name.push_str(if is_const { " * const" } else { " *" });
    }
    Ok(name)
}

/// Enumerator labels and ranges. A value-less label continues from the previous end + 1;
/// values are kept as 64-bit patterns until the container's signedness says how to widen
/// them (babeltrace2 does the same). A label given twice gets all its ranges.
fn enum_mappings(
    body: &[Enumerator],
    signed: bool,
    warnings: &mut Vec<Diag>,
) -> DResult<Vec<EnumMapping>> {
    let bits = |e: &Expr| match e.kind {
        ExprKind::UInt(v) => Ok(v),
        ExprKind::SInt(v) => Ok(v as u64),
        _ => Err(Diag::at(
            e.pos,
            "enumeration value must be an integer constant",
        )),
    };
    let widen = |v: u64| {
        if signed {
            i128::from(v as i64)
        } else {
            i128::from(v)
        }
    };
    let mut mappings: Vec<EnumMapping> = Vec::with_capacity(body.len());
    let mut by_label: HashMap<&str, usize> = HashMap::new();
    let mut next = 0u64;
    for en in body {
        let (lo, hi) = match &en.value {
            None => (next, next),
            Some((lo, None)) => (bits(lo)?, bits(lo)?),
            Some((lo, Some(hi))) => (bits(lo)?, bits(hi)?),
        };
        next = hi.wrapping_add(1);
        let range = (widen(lo), widen(hi));
        if range.0 > range.1 {
            let msg = format!("enumeration label `{}` has an empty range", en.label);
            warnings.push(Diag::at(en.pos, msg));
        }
        match by_label.get(en.label.as_str()) {
            Some(&i) => mappings[i].ranges.push(range),
            None => {
                by_label.insert(&en.label, mappings.len());
                mappings.push(EnumMapping {
                    label: en.label.clone(),
                    ranges: vec![range],
                });
            }
        }
    }
    Ok(mappings)
}
