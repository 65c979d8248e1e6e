//! Parser of `--period` and `--period-captures` (analyses.md §9.1, §9.3), without the
//! limitations of lttng-analyses' parser (§9.7): strings may hold `/`, `$name` compares with
//! another `$name`, and nested definitions parse.

use super::lex::{Spanned, SyntaxError, Tok, lex};

/// Which event an operand refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EvtRef {
    /// `$evt`: the event being tested.
    Evt,
    /// `$begin.$evt`: the event that opened this instance.
    Begin,
    /// `$parent.$begin.$evt`: the event that opened the parent instance.
    ParentBegin,
}

/// Explicit scope of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// `$payload`.
    Payload,
    /// `$ctx`.
    Ctx,
    /// `$header`.
    Header,
    /// `$stream_ctx`.
    StreamCtx,
    /// `$pkt_ctx`.
    PktCtx,
    /// `$pkt_header`.
    PktHeader,
}

/// A field of an event: which event, optional scope, name (`None`: the event name).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FieldRef {
    /// Which event.
    pub evt: EvtRef,
    /// Scope.
    pub scope: Option<Scope>,
    /// Field name; `None` for `$name`.
    pub field: Option<String>,
}

/// An operand.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// A field or event name.
    Field(FieldRef),
    /// A number.
    Num(f64),
    /// A string.
    Str(String),
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `==`.
    Eq,
    /// `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `=*` (shell glob).
    Glob,
}

/// A boolean expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `a || b`.
    Or(Box<Expr>, Box<Expr>),
    /// `a && b`.
    And(Box<Expr>, Box<Expr>),
    /// `!a`.
    Not(Box<Expr>),
    /// A comparison.
    Cmp(Operand, CmpOp, Operand),
}

/// One `--period` definition.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodDef {
    /// Name (empty when unnamed).
    pub name: String,
    /// Parent name.
    pub parent: Option<String>,
    /// Begin expression.
    pub begin: Expr,
    /// End expression (the begin one when omitted).
    pub end: Expr,
}

/// A capture: name and what it reads.
pub type Capture = (String, FieldRef);

/// One `--period-captures` argument.
#[derive(Debug, Clone, PartialEq)]
pub struct CaptureDef {
    /// Period name.
    pub name: String,
    /// Evaluated on the opening event.
    pub begin: Vec<Capture>,
    /// Evaluated on the closing event.
    pub end: Vec<Capture>,
}

struct Parser<'s> {
    toks: Vec<Spanned>,
    pos: usize,
    src_len: usize,
    src: &'s str,
}

impl<'s> Parser<'s> {
    fn new(src: &'s str) -> Result<Self, SyntaxError> {
        Ok(Parser {
            toks: lex(src)?,
            pos: 0,
            src_len: src.chars().count(),
            src,
        })
    }

    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.tok)
    }

    fn at(&self) -> usize {
        self.toks.get(self.pos).map_or(self.src_len, |t| t.at)
    }

    fn err<T>(&self, what: &str) -> Result<T, SyntaxError> {
        let found = self
            .peek()
            .map_or("the end".to_owned(), ToString::to_string);
        Err(SyntaxError::new(
            self.at(),
            format!("expected {what}, found {found}"),
        ))
    }

    fn eat_op(&mut self, op: &str) -> bool {
        if self.peek() == Some(&Tok::Op(match_op(op))) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_dollar(&mut self, word: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Dollar(w)) if w == word) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn ident(&mut self, what: &str) -> Result<String, SyntaxError> {
        if let Some(Tok::Ident(s)) = self.peek() {
            let s = s.clone();
            self.pos += 1;
            Ok(s)
        } else {
            self.err(what)
        }
    }

    fn expr(&mut self) -> Result<Expr, SyntaxError> {
        let mut left = self.and()?;
        while self.eat_op("||") {
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, SyntaxError> {
        let mut left = self.not()?;
        while self.eat_op("&&") {
            left = Expr::And(Box::new(left), Box::new(self.not()?));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Expr, SyntaxError> {
        if self.eat_op("!") {
            return Ok(Expr::Not(Box::new(self.not()?)));
        }
        if self.eat_op("(") {
            let e = self.expr()?;
            if !self.eat_op(")") {
                return self.err("`)`");
            }
            return Ok(e);
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, SyntaxError> {
        let left_at = self.at();
        let left = Operand::Field(self.field_ref()?);
        let op_at = self.at();
        let op = match self.peek() {
            Some(Tok::Op("==")) => CmpOp::Eq,
            Some(Tok::Op("!=")) => CmpOp::Ne,
            Some(Tok::Op("<")) => CmpOp::Lt,
            Some(Tok::Op("<=")) => CmpOp::Le,
            Some(Tok::Op(">")) => CmpOp::Gt,
            Some(Tok::Op(">=")) => CmpOp::Ge,
            Some(Tok::Op("=*")) => CmpOp::Glob,
            _ => return self.err("a comparison operator (==, !=, <, <=, >, >=, =*)"),
        };
        self.pos += 1;
        let right = match self.peek().cloned() {
            Some(Tok::Num(n)) => {
                self.pos += 1;
                Operand::Num(n)
            }
            Some(Tok::Str(s)) => {
                self.pos += 1;
                Operand::Str(s)
            }
            Some(Tok::Dollar(_)) => Operand::Field(self.field_ref()?),
            _ => return self.err("a number, a string or a field"),
        };
        let is_name = matches!(&left, Operand::Field(f) if f.field.is_none());
        if is_name && matches!(right, Operand::Num(_)) {
            return Err(SyntaxError::new(
                left_at,
                "an event name compares with a string or a name",
            ));
        }
        if op == CmpOp::Glob && !matches!(right, Operand::Str(_)) {
            return Err(SyntaxError::new(op_at, "`=*` needs a string pattern"));
        }
        if matches!(right, Operand::Str(_)) && !matches!(op, CmpOp::Eq | CmpOp::Ne | CmpOp::Glob) {
            return Err(SyntaxError::new(op_at, "strings compare with ==, != or =*"));
        }
        Ok(Expr::Cmp(left, op, right))
    }

    /// `[$parent.] [$begin.] $evt . ( $name | [$scope .] IDENT )`.
    fn field_ref(&mut self) -> Result<FieldRef, SyntaxError> {
        let evt = if self.eat_dollar("parent") {
            if !self.eat_op(".") || !self.eat_dollar("begin") {
                return self.err("`.$begin` after `$parent`");
            }
            EvtRef::ParentBegin
        } else if self.eat_dollar("begin") {
            EvtRef::Begin
        } else {
            EvtRef::Evt
        };
        if evt != EvtRef::Evt && !self.eat_op(".") {
            return self.err("`.`");
        }
        if !self.eat_dollar("evt") {
            return self.err("`$evt`");
        }
        if !self.eat_op(".") {
            return self.err("`.` after `$evt`");
        }
        if self.eat_dollar("name") {
            return Ok(FieldRef {
                evt,
                scope: None,
                field: None,
            });
        }
        let scope_at = self.at();
        let scope = match self.peek() {
            Some(Tok::Dollar(w)) => {
                let s = match w.as_str() {
                    "payload" => Scope::Payload,
                    "ctx" => Scope::Ctx,
                    "header" => Scope::Header,
                    "stream_ctx" => Scope::StreamCtx,
                    "pkt_ctx" => Scope::PktCtx,
                    "pkt_header" => Scope::PktHeader,
                    other => {
                        return Err(SyntaxError::new(
                            scope_at,
                            format!("unknown scope `${other}`"),
                        ));
                    }
                };
                self.pos += 1;
                if !self.eat_op(".") {
                    return self.err("`.` after the scope");
                }
                Some(s)
            }
            _ => None,
        };
        let field = self.ident("a field name or `$name`")?;
        Ok(FieldRef {
            evt,
            scope,
            field: Some(field),
        })
    }

    fn done(&self) -> Result<(), SyntaxError> {
        if self.pos < self.toks.len() {
            return self.err("the end of the definition");
        }
        Ok(())
    }

    fn text(&self, from: usize, to: usize) -> String {
        let a = self.toks.get(from).map_or(0, |t| t.at);
        let b = self.toks.get(to.saturating_sub(1)).map_or(a, |t| t.end);
        self.src.chars().skip(a).take(b.saturating_sub(a)).collect()
    }
}

fn match_op(op: &str) -> &'static str {
    [
        "==", "!=", "=*", "<=", ">=", "&&", "||", "=", "<", ">", "!", ".", ":", ",", "(", ")",
    ]
    .into_iter()
    .find(|o| *o == op)
    .unwrap_or("")
}

/// Parses `NAME [(PARENT)] : BEGIN [: END]`.
pub fn parse_period(src: &str) -> Result<PeriodDef, SyntaxError> {
    let mut p = Parser::new(src)?;
    let mut name = String::new();
    let mut parent = None;
    if let Some(Tok::Ident(_)) = p.peek() {
        name = p.ident("a period name")?;
        if p.eat_op("(") {
            parent = Some(p.ident("a parent period name")?);
            if !p.eat_op(")") {
                return p.err("`)`");
            }
        }
    }
    if !p.eat_op(":") {
        return p.err("`:` before the begin expression");
    }
    let begin = p.expr()?;
    let end = if p.eat_op(":") {
        p.expr()?
    } else {
        begin.clone()
    };
    p.done()?;
    Ok(PeriodDef {
        name,
        parent,
        begin,
        end,
    })
}

/// Parses `NAME : [caps] [: caps]`.
pub fn parse_captures(src: &str) -> Result<CaptureDef, SyntaxError> {
    let mut p = Parser::new(src)?;
    let name = p.ident("a period name")?;
    if !p.eat_op(":") {
        return p.err("`:` after the period name");
    }
    let begin = cap_list(&mut p)?;
    let end = if p.eat_op(":") {
        cap_list(&mut p)?
    } else {
        Vec::new()
    };
    p.done()?;
    let mut seen = std::collections::HashSet::new();
    for (n, _) in begin.iter().chain(&end) {
        if !seen.insert(n.clone()) {
            return Err(SyntaxError::new(0, format!("duplicate capture name `{n}`")));
        }
    }
    Ok(CaptureDef { name, begin, end })
}

fn cap_list(p: &mut Parser<'_>) -> Result<Vec<Capture>, SyntaxError> {
    let mut out = Vec::new();
    if p.peek().is_none() || p.peek() == Some(&Tok::Op(":")) {
        return Ok(out);
    }
    loop {
        let named = matches!(p.peek(), Some(Tok::Ident(_)))
            && p.toks.get(p.pos + 1).map(|t| &t.tok) == Some(&Tok::Op("="));
        let name = if named {
            let n = p.ident("a capture name")?;
            p.pos += 1;
            Some(n)
        } else {
            None
        };
        let from = p.pos;
        let f = p.field_ref()?;
        out.push((name.unwrap_or_else(|| p.text(from, p.pos)), f));
        if !p.eat_op(",") {
            return Ok(out);
        }
    }
}
