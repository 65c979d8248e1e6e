//! Parsing of type specifiers (`integer { ... }`, `struct x { ... }`, `unsigned long`, ...),
//! declarators (`*p`, `x[16]`, `x[len]`) and struct/variant/enum bodies.

use super::ast::{Declarator, EnumSpec, Enumerator, Member, Spec, Specs, StructSpec, VariantSpec};
use super::lexer::{Kw, P, Tok};
use super::parser::Parser;
use super::{DResult, Diag};

/// How an identifier met in a specifier list is classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SpecMode {
    /// A declaration with a declarator: an identifier is a type name only when followed by
    /// another identifier, `*` or `const` (otherwise it is the declared name).
    Field,
    /// No declarator name follows (typealias sides, `:=` right sides, enum containers):
    /// every identifier is a type name.
    Alias,
}

impl Parser {
    /// A non-empty list of type specifiers.
    pub(super) fn specs(&mut self, mode: SpecMode) -> DResult<Specs> {
        let pos = self.pos();
        let mut items = Vec::new();
        while let Some(spec) = self.spec(mode)? {
            items.push(spec);
        }
        if items.is_empty() {
            return Err(self.unexpected("a type"));
        }
        Ok(Specs { items, pos })
    }

    /// One specifier, or `None` when the current token does not start one.
    fn spec(&mut self, mode: SpecMode) -> DResult<Option<Spec>> {
        let spec = match self.peek() {
            Tok::Kw(Kw::Const) => {
                self.bump();
                Spec::Const
            }
            Tok::Kw(
                k @ (Kw::Void
                | Kw::Char
                | Kw::Short
                | Kw::Int
                | Kw::Long
                | Kw::Float
                | Kw::Double
                | Kw::Signed
                | Kw::Unsigned
                | Kw::Bool
                | Kw::Complex
                | Kw::Imaginary),
            ) => {
                let k = *k;
                self.bump();
                Spec::Word(k)
            }
            Tok::Kw(Kw::Integer) => Spec::Integer(self.attr_body(true)?),
            Tok::Kw(Kw::FloatingPoint) => Spec::Float(self.attr_body(true)?),
            Tok::Kw(Kw::String) => Spec::String(self.attr_body(false)?),
            Tok::Kw(Kw::Struct) => Spec::Struct(self.nested(|p| p.struct_spec())?),
            Tok::Kw(Kw::Variant) => Spec::Variant(self.nested(|p| p.variant_spec())?),
            Tok::Kw(Kw::Enum) => Spec::Enum(self.nested(|p| p.enum_spec())?),
            Tok::Ident(_) => {
                let is_type = mode == SpecMode::Alias
                    || matches!(
                        self.peek_at(1),
                        Tok::Ident(_) | Tok::Punct(P::Star) | Tok::Kw(Kw::Const)
                    );
                if !is_type {
                    return Ok(None);
                }
                Spec::Name(self.take_text())
            }
            _ => return Ok(None),
        };
        Ok(Some(spec))
    }

    /// `integer { ... }`, `floating_point { ... }`, `string [{ ... }]`.
    fn attr_body(&mut self, braces_required: bool) -> DResult<Vec<super::ast::Entry>> {
        self.bump();
        if self.eat(P::LBrace) {
            self.nested(|p| p.entries())
        } else if braces_required {
            Err(self.unexpected("`{`"))
        } else {
            Ok(Vec::new())
        }
    }

    fn optional_name(&mut self) -> Option<String> {
        match self.peek() {
            Tok::Ident(_) => Some(self.take_text()),
            _ => None,
        }
    }

    /// `struct [name] [{ members } [align(N)]]`.
    fn struct_spec(&mut self) -> DResult<StructSpec> {
        let pos = self.pos();
        self.bump();
        let name = self.optional_name();
        let mut body = None;
        let mut align = None;
        if self.eat(P::LBrace) {
            body = Some(self.members()?);
            if self.is_kw(Kw::Align) {
                self.bump();
                self.expect(P::LParen)?;
                align = Some(self.unary()?);
                self.expect(P::RParen)?;
            }
        } else if name.is_none() {
            return Err(self.unexpected("a structure name or `{`"));
        }
        Ok(StructSpec {
            name,
            body,
            align,
            pos,
        })
    }

    /// `variant [name] [<tag>] [{ options }]`.
    fn variant_spec(&mut self) -> DResult<VariantSpec> {
        let pos = self.pos();
        self.bump();
        let name = self.optional_name();
        let tag = if self.eat(P::Lt) {
            let tag = self.unary()?;
            let text = match tag.kind {
                super::ast::ExprKind::Path(p) => p.join("."),
                _ => {
                    return Err(Diag::at(
                        tag.pos,
                        "syntax error: expected a variant tag name",
                    ));
                }
            };
            self.expect(P::Gt)?;
            Some(text)
        } else {
            None
        };
        let body = if self.eat(P::LBrace) {
            Some(self.members()?)
        } else if name.is_none() {
            return Err(self.unexpected("a variant name or `{`"));
        } else {
            None
        };
        Ok(VariantSpec {
            name,
            tag,
            body,
            pos,
        })
    }

    /// `enum [name] [: container] [{ enumerators }]`.
    fn enum_spec(&mut self) -> DResult<EnumSpec> {
        let pos = self.pos();
        self.bump();
        let name = self.optional_name();
        let container = if self.eat(P::Colon) {
            Some(self.specs(SpecMode::Alias)?)
        } else {
            None
        };
        let body = if self.eat(P::LBrace) {
            Some(self.enumerators()?)
        } else if name.is_none() || container.is_some() {
            return Err(self.unexpected("`{`"));
        } else {
            None
        };
        Ok(EnumSpec {
            name,
            container,
            body,
            pos,
        })
    }

    /// Enumerators up to and including `}`; a trailing comma is allowed.
    fn enumerators(&mut self) -> DResult<Vec<Enumerator>> {
        let mut out = Vec::new();
        loop {
            if self.eat(P::RBrace) {
                if out.is_empty() {
                    return Err(Diag::at(self.pos(), "empty enumeration"));
                }
                return Ok(out);
            }
            let pos = self.pos();
            if !matches!(self.peek(), Tok::Ident(_) | Tok::Str(_) | Tok::Kw(_)) {
                return Err(self.unexpected("an enumeration label"));
            }
            let label = self.take_text();
            let value = if self.eat(P::Eq) {
                let lo = self.unary()?;
                let hi = if self.eat(P::Ellipsis) {
                    Some(self.unary()?)
                } else {
                    None
                };
                Some((lo, hi))
            } else {
                None
            };
            out.push(Enumerator { label, value, pos });
            if !self.eat(P::Comma) && !self.is(P::RBrace) {
                return Err(self.unexpected("`,` or `}`"));
            }
        }
    }

    /// Struct or variant members up to and including `}`.
    fn members(&mut self) -> DResult<Vec<Member>> {
        let mut out = Vec::new();
        while !self.eat(P::RBrace) {
            let member = if self.is_kw(Kw::Typealias) {
                Member::Alias(Box::new(self.type_alias()?))
            } else if self.is_kw(Kw::Typedef) {
                Member::Typedef(self.typedef()?)
            } else {
                let specs = self.specs(SpecMode::Field)?;
                if self.is_kw(Kw::Typedef) {
                    Member::Typedef(self.typedef_after(specs)?)
                } else {
                    let decls = self.declarator_list(false)?;
                    Member::Field { specs, decls }
                }
            };
            out.push(member);
            self.expect(P::Semi)?;
        }
        Ok(out)
    }

    /// One or more comma-separated declarators.
    pub(super) fn declarator_list(&mut self, abstract_ok: bool) -> DResult<Vec<Declarator>> {
        let mut decls = vec![self.declarator(abstract_ok)?];
        while self.eat(P::Comma) {
            decls.push(self.declarator(abstract_ok)?);
        }
        Ok(decls)
    }

    /// `{* [const]} (name | '(' declarator ')' | nothing if abstract) {[len]} [: bits]`.
    pub(super) fn declarator(&mut self, abstract_ok: bool) -> DResult<Declarator> {
        let pos = self.pos();
        let mut pointers = Vec::new();
        while self.eat(P::Star) {
            let mut is_const = false;
            while self.is_kw(Kw::Const) {
                self.bump();
                is_const = true;
            }
            pointers.push(is_const);
        }
        let mut d = Declarator {
            pointers,
            name: None,
            dims: Vec::new(),
            bitfield: None,
            pos,
        };
        if let Tok::Ident(_) = self.peek() {
            d.name = Some(self.take_text());
        } else if self.is(P::LParen) {
            self.bump();
            let inner = self.nested(|p| p.declarator(abstract_ok))?;
            self.expect(P::RParen)?;
            d.pointers.extend(inner.pointers);
            d.name = inner.name;
            d.dims = inner.dims;
        } else if !abstract_ok {
            return Err(self.unexpected("a field name"));
        }
        while self.eat(P::LBrack) {
            if self.dims_full(&d) {
                return Err(Diag::at(d.pos, "too many array dimensions"));
            }
            d.dims.push(self.unary()?);
            self.expect(P::RBrack)?;
        }
        if !abstract_ok && self.eat(P::Colon) {
            d.bitfield = Some(self.unary()?);
        }
        Ok(d)
    }

    /// Each dimension becomes one level of type nesting: keep them within the limit.
    fn dims_full(&self, d: &Declarator) -> bool {
        d.dims.len() as u32 + self.depth >= super::MAX_NESTING
    }
}
