//! Recursive descent parser for TSDL: top-level declarations, blocks and unary expressions.
//! Type specifiers and declarators are in `parser_types`.
//!
//! C's "typedef name" ambiguity (`uint32_t x;` versus `x;`) is settled without a symbol
//! table: in a field declaration an identifier is a type name when another identifier, a `*`
//! or `const` follows it, otherwise it is the declared name. Unknown type names are reported
//! later, with their position, by the semantic pass.

use super::ast::{Block, BlockKind, Entry, Expr, ExprKind, TopDecl, TypeAlias, Typedef};
use super::lexer::{Kw, P, Tok, Token};
use super::parser_types::SpecMode;
use super::{DResult, Diag, MAX_NESTING, Pos};

/// Parses a token list (ending with `Eof`) into top-level declarations.
pub(crate) fn parse(tokens: Vec<Token>) -> DResult<Vec<TopDecl>> {
    let mut p = Parser {
        toks: tokens,
        i: 0,
        depth: 0,
    };
    let mut decls = Vec::new();
    while !p.at_eof() {
        decls.push(p.top_decl()?);
    }
    Ok(decls)
}

pub(crate) struct Parser {
    pub(super) toks: Vec<Token>,
    pub(super) i: usize,
    /// Current syntactic nesting, bounded by [`MAX_NESTING`].
    pub(super) depth: u32,
}

impl Parser {
    pub(super) fn peek(&self) -> &Tok {
        self.peek_at(0)
    }

    pub(super) fn peek_at(&self, ahead: usize) -> &Tok {
        self.toks
            .get(self.i + ahead)
            .or_else(|| self.toks.last())
            .map_or(&Tok::Eof, |t| &t.tok)
    }

    pub(super) fn pos(&self) -> Pos {
        self.toks
            .get(self.i)
            .or_else(|| self.toks.last())
            .map_or(Pos::default(), |t| t.pos)
    }

    fn at_eof(&self) -> bool {
        matches!(self.peek(), Tok::Eof)
    }

    /// Consumes the current token (never moves past `Eof`).
    pub(super) fn bump(&mut self) {
        if self.i + 1 < self.toks.len() {
            self.i += 1;
        }
    }

    /// Consumes the current name, keyword or literal and returns its text, moved out of the
    /// token list (each token is consumed once; this saves a copy per token).
    pub(super) fn take_text(&mut self) -> String {
        let text = match self.toks.get_mut(self.i).map(|t| &mut t.tok) {
            Some(Tok::Ident(s) | Tok::Str(s) | Tok::Char(s)) => std::mem::take(s),
            Some(Tok::Kw(k)) => k.as_str().to_string(),
            _ => String::new(),
        };
        self.bump();
        text
    }

    pub(super) fn is(&self, p: P) -> bool {
        *self.peek() == Tok::Punct(p)
    }

    pub(super) fn is_kw(&self, k: Kw) -> bool {
        *self.peek() == Tok::Kw(k)
    }

    /// Consumes `p` if it is the current token.
    pub(super) fn eat(&mut self, p: P) -> bool {
        let here = self.is(p);
        if here {
            self.bump();
        }
        here
    }

    pub(super) fn expect(&mut self, p: P) -> DResult<()> {
        if self.eat(p) {
            Ok(())
        } else {
            Err(self.unexpected(&format!("`{}`", p.as_str())))
        }
    }

    /// A syntax error at the current token.
    pub(super) fn unexpected(&self, expected: &str) -> Diag {
        Diag::at(
            self.pos(),
            format!(
                "syntax error: unexpected {}, expected {expected}",
                self.peek()
            ),
        )
    }

    /// Runs `f` one nesting level deeper, failing cleanly instead of exhausting the stack.
    pub(super) fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> DResult<T>) -> DResult<T> {
        if self.depth >= MAX_NESTING {
            return Err(Diag::at(
                self.pos(),
                format!("declarations nested more than {MAX_NESTING} levels deep"),
            ));
        }
        self.depth += 1;
        let r = f(self);
        self.depth -= 1;
        r
    }

    fn top_decl(&mut self) -> DResult<TopDecl> {
        let block = match self.peek() {
            Tok::Kw(Kw::Trace) => Some(BlockKind::Trace),
            Tok::Kw(Kw::Stream) => Some(BlockKind::Stream),
            Tok::Kw(Kw::Event) => Some(BlockKind::Event),
            Tok::Kw(Kw::Env) => Some(BlockKind::Env),
            Tok::Kw(Kw::Clock) => Some(BlockKind::Clock),
            Tok::Kw(Kw::Callsite) => Some(BlockKind::Callsite),
            _ => None,
        };
        let decl = if let Some(kind) = block {
            let pos = self.pos();
            self.bump();
            self.expect(P::LBrace)?;
            let entries = self.entries()?;
            TopDecl::Block(Block { kind, entries, pos })
        } else if self.is_kw(Kw::Typealias) {
            TopDecl::Alias(Box::new(self.type_alias()?))
        } else if self.is_kw(Kw::Typedef) {
            TopDecl::Typedef(self.typedef()?)
        } else {
            let specs = self.specs(SpecMode::Alias)?;
            if self.is_kw(Kw::Typedef) {
                // `struct x { ... } typedef struct x y;` is legal C-ish TSDL.
                TopDecl::Typedef(self.typedef_after(specs)?)
            } else {
                TopDecl::Specs(specs)
            }
        };
        self.expect(P::Semi)?;
        Ok(decl)
    }

    /// Entries of a block or of an `integer { ... }` body, up to and including the `}`.
    pub(super) fn entries(&mut self) -> DResult<Vec<Entry>> {
        let mut out = Vec::new();
        while !self.eat(P::RBrace) {
            let entry = if self.is_kw(Kw::Typealias) {
                Entry::Alias(Box::new(self.type_alias()?))
            } else if self.is_kw(Kw::Typedef) {
                Entry::Typedef(self.typedef()?)
            } else {
                self.assignment()?
            };
            out.push(entry);
            self.expect(P::Semi)?;
        }
        Ok(out)
    }

    /// `key = value` or `key := type`.
    fn assignment(&mut self) -> DResult<Entry> {
        if !matches!(self.peek(), Tok::Ident(_) | Tok::Kw(_)) {
            return Err(self.unexpected("an attribute name or `}`"));
        }
        let left = self.unary()?;
        let ExprKind::Path(mut segments) = left.kind else {
            return Err(Diag::at(
                left.pos,
                "syntax error: expected an attribute name",
            ));
        };
        let key = match segments.len() {
            1 => segments.pop().unwrap_or_default(),
            _ => segments.join("."),
        };
        let key_pos = left.pos;
        if self.eat(P::Eq) {
            let value = self.unary()?;
            Ok(Entry::Attr {
                key,
                key_pos,
                value,
            })
        } else if self.eat(P::TypeAssign) {
            let specs = self.specs(SpecMode::Alias)?;
            Ok(Entry::TypeAssign {
                key,
                key_pos,
                specs,
            })
        } else {
            Err(self.unexpected("`=` or `:=`"))
        }
    }

    /// `typealias <type> [abstract declarator] := <name words> [pointers]`.
    pub(super) fn type_alias(&mut self) -> DResult<TypeAlias> {
        let pos = self.pos();
        self.bump();
        let target = self.specs(SpecMode::Alias)?;
        let target_decl = self.declarator(true)?;
        self.expect(P::TypeAssign)?;
        let alias = self.specs(SpecMode::Alias)?;
        let alias_decl = self.declarator(true)?;
        Ok(TypeAlias {
            target,
            target_decl,
            alias,
            alias_decl,
            pos,
        })
    }

    /// `typedef <type> <declarators>`.
    pub(super) fn typedef(&mut self) -> DResult<Typedef> {
        let pos = self.pos();
        self.bump();
        let specs = self.specs(SpecMode::Field)?;
        let decls = self.declarator_list(false)?;
        Ok(Typedef { specs, decls, pos })
    }

    /// The rest of `<specs> typedef [<more specs>] <declarators>`.
    pub(super) fn typedef_after(&mut self, mut specs: super::ast::Specs) -> DResult<Typedef> {
        let pos = self.pos();
        self.bump();
        if !matches!(self.peek_at(1), Tok::Punct(P::Semi | P::Comma | P::LBrack)) {
            specs.items.extend(self.specs(SpecMode::Field)?.items);
        }
        let decls = self.declarator_list(false)?;
        Ok(Typedef { specs, decls, pos })
    }

    /// A unary expression: `[+|-] postfix`.
    pub(super) fn unary(&mut self) -> DResult<Expr> {
        let pos = self.pos();
        let negate = if self.eat(P::Minus) {
            true
        } else if self.eat(P::Plus) {
            false
        } else {
            return self.postfix();
        };
        let e = self.postfix()?;
        match e.kind {
            ExprKind::UInt(v) if !negate => Ok(Expr {
                kind: ExprKind::UInt(v),
                pos,
            }),
            ExprKind::UInt(v) => {
                let n = 0i64.checked_sub_unsigned(v).ok_or_else(|| {
                    Diag::at(
                        pos,
                        format!("integer literal `-{v}` does not fit in 64 bits"),
                    )
                })?;
                Ok(Expr {
                    kind: ExprKind::SInt(n),
                    pos,
                })
            }
            _ => Err(Diag::at(pos, "a sign can only precede an integer constant")),
        }
    }

    /// A primary expression followed by `.name` / `->name` selectors.
    fn postfix(&mut self) -> DResult<Expr> {
        let pos = self.pos();
        let kind = match self.peek() {
            Tok::Ident(_) | Tok::Kw(_) => ExprKind::Path(vec![self.take_text()]),
            Tok::Int(v) => {
                let v = *v;
                self.bump();
                ExprKind::UInt(v)
            }
            Tok::Str(_) => ExprKind::Str(self.take_text()),
            Tok::Char(_) => ExprKind::Char(self.take_text()),
            Tok::Punct(P::LParen) => {
                self.bump();
                let inner = self.nested(|p| p.unary())?;
                self.expect(P::RParen)?;
                return Ok(inner);
            }
            _ => return Err(self.unexpected("a value")),
        };
        let mut e = Expr { kind, pos };
        while self.is(P::Dot) || self.is(P::Arrow) {
            let ExprKind::Path(segments) = &mut e.kind else {
                return Err(self.unexpected("`;`"));
            };
            self.bump();
            if !matches!(self.peek(), Tok::Ident(_) | Tok::Kw(_)) {
                return Err(self.unexpected("a name"));
            }
            segments.push(self.take_text());
        }
        if self.is(P::LBrack) {
            return Err(Diag::at(
                self.pos(),
                "array subscripts are not supported in expressions",
            ));
        }
        Ok(e)
    }
}

#[cfg(test)]
mod tests {
    use super::super::ast::{Member, Spec};
    use super::super::lexer::tokenize;
    use super::*;

    fn parse_str(s: &str) -> DResult<Vec<TopDecl>> {
        parse(tokenize(s.as_bytes())?)
    }

    #[test]
    fn blocks_attributes_and_assignments() {
        let d = parse_str(
            "trace { major = 1; byte_order = le; packet.header := struct { uint32_t magic; }; };\n\
             env { x = -3; y = \"s\"; };",
        )
        .unwrap();
        let TopDecl::Block(b) = &d[0] else { panic!() };
        assert_eq!(b.kind, BlockKind::Trace);
        assert!(matches!(&b.entries[0],
            Entry::Attr { key, value: Expr { kind: ExprKind::UInt(1), .. }, .. } if key == "major"));
        assert!(matches!(&b.entries[2], Entry::TypeAssign { key, .. } if key == "packet.header"));
        let TopDecl::Block(env) = &d[1] else { panic!() };
        assert!(matches!(
            &env.entries[0],
            Entry::Attr {
                value: Expr {
                    kind: ExprKind::SInt(-3),
                    ..
                },
                ..
            }
        ));
    }

    #[test]
    fn keywords_as_values_and_in_paths() {
        let d = parse_str("event { name = string; x = stream.event.header.id; };").unwrap();
        let TopDecl::Block(b) = &d[0] else { panic!() };
        let Entry::Attr { value, .. } = &b.entries[0] else {
            panic!()
        };
        assert_eq!(value.as_text().as_deref(), Some("string"));
        let Entry::Attr { value, .. } = &b.entries[1] else {
            panic!()
        };
        assert_eq!(value.as_text().as_deref(), Some("stream.event.header.id"));
    }

    #[test]
    fn type_name_versus_field_name() {
        let d =
            parse_str("struct s { uint32_t x; unsigned long y, z; my_t *p; uint8_t a[2][n]; };")
                .unwrap();
        let TopDecl::Specs(specs) = &d[0] else {
            panic!()
        };
        let Spec::Struct(s) = &specs.items[0] else {
            panic!()
        };
        let body = s.body.as_ref().unwrap();
        let names: Vec<_> = body
            .iter()
            .flat_map(|m| match m {
                Member::Field { decls, .. } => decls.iter().map(|d| d.name.clone()).collect(),
                _ => vec![],
            })
            .collect();
        let expect = ["x", "y", "z", "p", "a"].map(|s| Some(s.to_string()));
        assert_eq!(names, expect);
        let Member::Field { specs, decls } = &body[2] else {
            panic!()
        };
        assert_eq!(specs.items, vec![Spec::Name("my_t".into())]);
        assert_eq!(decls[0].pointers, vec![false]);
        let Member::Field { decls, .. } = &body[3] else {
            panic!()
        };
        assert_eq!(decls[0].dims.len(), 2);
    }

    #[test]
    fn syntax_error_position_and_message() {
        let e = parse_str("/* CTF 1.8 */\n\ntypealias integer { size = 8; align = 8; signed = false; ] := uint8_t;")
            .unwrap_err();
        assert_eq!(e.pos, Some(Pos { line: 3, col: 58 }));
        assert_eq!(
            e.msg,
            "syntax error: unexpected `]`, expected an attribute name or `}`"
        );
        let e = parse_str("trace { major = 1 }").unwrap_err();
        assert_eq!(e.msg, "syntax error: unexpected `}`, expected `;`");
        let e = parse_str("trace { major = 1;").unwrap_err();
        assert!(e.msg.contains("end of metadata"), "{}", e.msg);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let depth = 10_000;
        let mut s = String::from("struct a { ");
        for _ in 0..depth {
            s.push_str("struct { ");
        }
        for _ in 0..depth {
            s.push_str("} x; ");
        }
        s.push_str("};");
        let e = parse_str(&s).unwrap_err();
        assert!(e.msg.contains("nested more than"), "{}", e.msg);
        let e = parse_str(&format!(
            "trace {{ x = {}1{}; }};",
            "(".repeat(500),
            ")".repeat(500)
        ))
        .unwrap_err();
        assert!(e.msg.contains("nested more than"), "{}", e.msg);
    }
}
