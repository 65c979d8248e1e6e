//! The TSDL syntax tree. It keeps positions for error messages and stays close to the
//! grammar; meaning (scopes, aliases, types) is given later by `blocks` and `typegen`.

use super::Pos;
use super::lexer::Kw;

/// A unary expression: the right side of an attribute, an array length, an enumerator value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Expr {
    pub kind: ExprKind,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ExprKind {
    /// Non-negative integer constant (`42`, `+42`).
    UInt(u64),
    /// Negated integer constant (`-42`).
    SInt(i64),
    /// Identifier or keyword, possibly dotted: `le`, `clock.monotonic.value`,
    /// `stream.event.header.id`.
    Path(Vec<String>),
    /// String literal.
    Str(String),
    /// Character literal.
    Char(String),
}

impl Expr {
    /// The expression as text when it is a name, a dotted path or a string (babeltrace2's
    /// "unary string"): path segments are joined with dots.
    pub fn as_text(&self) -> Option<String> {
        match &self.kind {
            ExprKind::Path(p) => Some(p.join(".")),
            ExprKind::Str(s) | ExprKind::Char(s) => Some(s.clone()),
            ExprKind::UInt(_) | ExprKind::SInt(_) => None,
        }
    }
}

/// A top-level declaration.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TopDecl {
    Block(Block),
    Alias(Box<TypeAlias>),
    Typedef(Typedef),
    /// A lone type specifier list: declares a named struct, variant or enum.
    Specs(Specs),
}

/// The kind of a top-level block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BlockKind {
    Trace,
    Stream,
    Event,
    Env,
    Clock,
    Callsite,
}

/// `trace { ... };` and friends.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Block {
    pub kind: BlockKind,
    pub entries: Vec<Entry>,
    pub pos: Pos,
}

/// One entry of a block or of an `integer`/`floating_point`/`string` body.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Entry {
    /// `key = value;` (`key` may be dotted: `model.emf.uri`).
    Attr {
        key: String,
        key_pos: Pos,
        value: Expr,
    },
    /// `key := type;` (`fields := struct { ... };`).
    TypeAssign {
        key: String,
        key_pos: Pos,
        specs: Specs,
    },
    Alias(Box<TypeAlias>),
    Typedef(Typedef),
}

/// A list of type specifiers (`unsigned long`, `struct x`, `integer { ... }`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Specs {
    pub items: Vec<Spec>,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Spec {
    Const,
    /// A C type keyword: `void`, `char`, `short`, `int`, `long`, `float`, `double`, `signed`,
    /// `unsigned`, `_Bool`, `_Complex`, `_Imaginary`.
    Word(Kw),
    /// An identifier naming a type alias.
    Name(String),
    Integer(Vec<Entry>),
    Float(Vec<Entry>),
    String(Vec<Entry>),
    Struct(StructSpec),
    Variant(VariantSpec),
    Enum(EnumSpec),
}

/// `struct [name] [{ members } [align(N)]]`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StructSpec {
    pub name: Option<String>,
    pub body: Option<Vec<Member>>,
    pub align: Option<Expr>,
    pub pos: Pos,
}

/// `variant [name] [<tag>] [{ options }]`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct VariantSpec {
    pub name: Option<String>,
    /// The tag path, dotted segments joined.
    pub tag: Option<String>,
    pub body: Option<Vec<Member>>,
    pub pos: Pos,
}

/// `enum [name] [: container] [{ enumerators }]`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EnumSpec {
    pub name: Option<String>,
    pub container: Option<Specs>,
    pub body: Option<Vec<Enumerator>>,
    pub pos: Pos,
}

/// `LABEL`, `LABEL = v`, `"label" = lo ... hi`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Enumerator {
    pub label: String,
    pub value: Option<(Expr, Option<Expr>)>,
    pub pos: Pos,
}

/// One declaration inside a struct or variant body.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Member {
    Field {
        specs: Specs,
        decls: Vec<Declarator>,
    },
    Alias(Box<TypeAlias>),
    Typedef(Typedef),
}

/// A C declarator: `*` pointers, an optional name, array dimensions, a bitfield width.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Declarator {
    /// One entry per `*`, true when that pointer is `const`.
    pub pointers: Vec<bool>,
    pub name: Option<String>,
    /// `[len]` suffixes, outermost first (`x[2][3]` is an array of 2 arrays of 3).
    pub dims: Vec<Expr>,
    pub bitfield: Option<Expr>,
    pub pos: Pos,
}

/// `typealias target [declarator] := alias-specs [pointers];`
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TypeAlias {
    pub target: Specs,
    pub target_decl: Declarator,
    pub alias: Specs,
    pub alias_decl: Declarator,
    pub pos: Pos,
}

/// `typedef specs declarators;`
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Typedef {
    pub specs: Specs,
    pub decls: Vec<Declarator>,
    pub pos: Pos,
}
