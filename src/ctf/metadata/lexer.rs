//! TSDL tokens (ctf.md §3.1): C-like identifiers, keywords, integer literals, string and
//! character literals with C escapes, punctuators. Comments and blanks (CRLF included) are
//! skipped; every token carries its line and column.

use std::fmt;

use super::{DResult, Diag, Pos};

/// TSDL keywords. They may still appear where a name is expected in expressions
/// (`name = string;`, `event.header`), which the parser handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kw {
    Align,
    Callsite,
    Const,
    Char,
    Clock,
    Double,
    Enum,
    Env,
    Event,
    FloatingPoint,
    Float,
    Integer,
    Int,
    Long,
    Short,
    Signed,
    Stream,
    String,
    Struct,
    Trace,
    Typealias,
    Typedef,
    Unsigned,
    Variant,
    Void,
    Bool,
    Complex,
    Imaginary,
}

impl Kw {
    /// The keyword as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Kw::Align => "align",
            Kw::Callsite => "callsite",
            Kw::Const => "const",
            Kw::Char => "char",
            Kw::Clock => "clock",
            Kw::Double => "double",
            Kw::Enum => "enum",
            Kw::Env => "env",
            Kw::Event => "event",
            Kw::FloatingPoint => "floating_point",
            Kw::Float => "float",
            Kw::Integer => "integer",
            Kw::Int => "int",
            Kw::Long => "long",
            Kw::Short => "short",
            Kw::Signed => "signed",
            Kw::Stream => "stream",
            Kw::String => "string",
            Kw::Struct => "struct",
            Kw::Trace => "trace",
            Kw::Typealias => "typealias",
            Kw::Typedef => "typedef",
            Kw::Unsigned => "unsigned",
            Kw::Variant => "variant",
            Kw::Void => "void",
            Kw::Bool => "_Bool",
            Kw::Complex => "_Complex",
            Kw::Imaginary => "_Imaginary",
        }
    }

    fn lookup(word: &str) -> Option<Kw> {
        Some(match word {
            "align" => Kw::Align,
            "callsite" => Kw::Callsite,
            "const" => Kw::Const,
            "char" => Kw::Char,
            "clock" => Kw::Clock,
            "double" => Kw::Double,
            "enum" => Kw::Enum,
            "env" => Kw::Env,
            "event" => Kw::Event,
            "floating_point" => Kw::FloatingPoint,
            "float" => Kw::Float,
            "integer" => Kw::Integer,
            "int" => Kw::Int,
            "long" => Kw::Long,
            "short" => Kw::Short,
            "signed" => Kw::Signed,
            "stream" => Kw::Stream,
            "string" => Kw::String,
            "struct" => Kw::Struct,
            "trace" => Kw::Trace,
            "typealias" => Kw::Typealias,
            "typedef" => Kw::Typedef,
            "unsigned" => Kw::Unsigned,
            "variant" => Kw::Variant,
            "void" => Kw::Void,
            "_Bool" => Kw::Bool,
            "_Complex" => Kw::Complex,
            "_Imaginary" => Kw::Imaginary,
            _ => return None,
        })
    }
}

/// Punctuators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum P {
    LBrack,
    RBrack,
    LParen,
    RParen,
    LBrace,
    RBrace,
    Arrow,
    Star,
    Plus,
    Minus,
    Lt,
    Gt,
    TypeAssign,
    Colon,
    Semi,
    Ellipsis,
    Dot,
    Eq,
    Comma,
}

impl P {
    pub fn as_str(self) -> &'static str {
        match self {
            P::LBrack => "[",
            P::RBrack => "]",
            P::LParen => "(",
            P::RParen => ")",
            P::LBrace => "{",
            P::RBrace => "}",
            P::Arrow => "->",
            P::Star => "*",
            P::Plus => "+",
            P::Minus => "-",
            P::Lt => "<",
            P::Gt => ">",
            P::TypeAssign => ":=",
            P::Colon => ":",
            P::Semi => ";",
            P::Ellipsis => "...",
            P::Dot => ".",
            P::Eq => "=",
            P::Comma => ",",
        }
    }
}

/// A token kind with its value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    Ident(String),
    Kw(Kw),
    /// Integer literal (always non-negative; `-` is an operator).
    Int(u64),
    /// String literal, escapes decoded, quotes removed.
    Str(String),
    /// Character literal, escapes decoded, quotes removed.
    Char(String),
    Punct(P),
    Eof,
}

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Ident(s) => write!(f, "`{s}`"),
            Tok::Kw(k) => write!(f, "`{}`", k.as_str()),
            Tok::Int(i) => write!(f, "`{i}`"),
            Tok::Str(s) if s.chars().count() > 40 => {
                let head: String = s.chars().take(40).collect();
                write!(f, "string \"{head}...\"")
            }
            Tok::Str(s) => write!(f, "string \"{s}\""),
            Tok::Char(s) => write!(f, "character literal '{s}'"),
            Tok::Punct(p) => write!(f, "`{}`", p.as_str()),
            Tok::Eof => f.write_str("end of metadata"),
        }
    }
}

/// A token and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    pub pos: Pos,
}

/// Splits TSDL text into tokens; the last one is always [`Tok::Eof`].
pub(crate) fn tokenize(src: &[u8]) -> DResult<Vec<Token>> {
    let mut lx = Lexer {
        src,
        i: 0,
        pos: Pos { line: 1, col: 1 },
    };
    // Roughly one token per four bytes in real metadata.
    let mut out = Vec::with_capacity(src.len() / 3 + 1);
    loop {
        lx.skip_blanks_and_comments()?;
        let pos = lx.pos;
        let Some(c) = lx.peek(0) else {
            out.push(Token { tok: Tok::Eof, pos });
            return Ok(out);
        };
        let tok = match c {
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => lx.word(),
            b'0'..=b'9' => lx.number(pos)?,
            b'"' => Tok::Str(lx.quoted(b'"', pos)?),
            b'\'' => Tok::Char(lx.quoted(b'\'', pos)?),
            _ => Tok::Punct(lx.punct(pos)?),
        };
        out.push(Token { tok, pos });
    }
}

struct Lexer<'a> {
    src: &'a [u8],
    i: usize,
    pos: Pos,
}

impl Lexer<'_> {
    fn peek(&self, ahead: usize) -> Option<u8> {
        self.src.get(self.i + ahead).copied()
    }

    /// Consumes one byte, keeping the line and column (columns count characters, so UTF-8
    /// continuation bytes do not advance them).
    fn bump(&mut self) -> Option<u8> {
        let c = self.peek(0)?;
        self.i += 1;
        if c == b'\n' {
            self.pos.line += 1;
            self.pos.col = 1;
        } else if c & 0xC0 != 0x80 {
            self.pos.col += 1;
        }
        Some(c)
    }

    fn skip_blanks_and_comments(&mut self) -> DResult<()> {
        loop {
            match (self.peek(0), self.peek(1)) {
                (Some(b' ' | b'\t' | b'\r' | b'\x0b' | b'\x0c'), _) => {
                    self.i += 1;
                    self.pos.col += 1;
                }
                (Some(b'\n'), _) => {
                    self.i += 1;
                    self.pos.line += 1;
                    self.pos.col = 1;
                }
                (Some(b'/'), Some(b'/')) => {
                    while self.peek(0).is_some_and(|c| c != b'\n') {
                        self.bump();
                    }
                }
                (Some(b'/'), Some(b'*')) => self.block_comment()?,
                _ => return Ok(()),
            }
        }
    }

    fn block_comment(&mut self) -> DResult<()> {
        let start = self.pos;
        self.bump();
        self.bump();
        loop {
            match self.bump() {
                None => return Err(Diag::at(start, "unterminated comment")),
                Some(b'*') if self.peek(0) == Some(b'/') => {
                    self.bump();
                    return Ok(());
                }
                Some(_) => {}
            }
        }
    }

    /// Consumes the run of `[A-Za-z0-9_]` at the current position (ASCII only, so the column
    /// simply advances by its length; this is the lexer's hot path).
    fn alnum_run(&mut self) -> &[u8] {
        let start = self.i;
        let rest = self.src.get(start..).unwrap_or_default();
        let n = rest
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
            .count();
        self.i += n;
        self.pos.col += n as u32;
        &rest[..n]
    }

    fn word(&mut self) -> Tok {
        // Only ASCII bytes were consumed, so this cannot fail.
        let word = std::str::from_utf8(self.alnum_run()).unwrap_or_default();
        match Kw::lookup(word) {
            Some(k) => Tok::Kw(k),
            None => Tok::Ident(word.to_string()),
        }
    }

    /// Decimal, `0x` hexadecimal or leading-`0` octal literal with optional `u`/`l` suffixes.
    fn number(&mut self, pos: Pos) -> DResult<Tok> {
        let text = std::str::from_utf8(self.alnum_run()).unwrap_or_default();
        let body = text.trim_end_matches(['u', 'U', 'l', 'L']);
        let bad = || Diag::at(pos, format!("invalid integer literal `{text}`"));
        if text.len() - body.len() > 3 {
            return Err(bad());
        }
        let (digits, radix) =
            if let Some(hex) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
                (hex, 16)
            } else if body.len() > 1 && body.starts_with('0') {
                (&body[1..], 8)
            } else {
                (body, 10)
            };
        if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
            return Err(bad());
        }
        u64::from_str_radix(digits, radix)
            .map(Tok::Int)
            .map_err(|_| {
                Diag::at(
                    pos,
                    format!("integer literal `{text}` does not fit in 64 bits"),
                )
            })
    }

    /// A string or character literal; returns its decoded content.
    fn quoted(&mut self, quote: u8, pos: Pos) -> DResult<String> {
        self.bump();
        let mut bytes = Vec::new();
        loop {
            let esc_pos = self.pos;
            match self.bump() {
                None => return Err(Diag::at(pos, "unterminated string literal")),
                Some(c) if c == quote => break,
                Some(b'\\') => bytes.push(self.escape(esc_pos)?),
                Some(0) => return Err(Diag::at(esc_pos, "NUL byte in string literal")),
                Some(c) => bytes.push(c),
            }
        }
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// The byte an escape sequence stands for (the backslash is already consumed).
    fn escape(&mut self, pos: Pos) -> DResult<u8> {
        let Some(c) = self.bump() else {
            return Err(Diag::at(pos, "unterminated string literal"));
        };
        let simple = match c {
            b'a' => Some(0x07),
            b'b' => Some(0x08),
            b'f' => Some(0x0C),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            b'v' => Some(0x0B),
            b'\\' | b'\'' | b'"' | b'?' => Some(c),
            _ => None,
        };
        if let Some(b) = simple {
            return Ok(b);
        }
        match c {
            b'0'..=b'7' => Ok(self.digits(u32::from(c - b'0'), 8, 2) as u8),
            b'x' if self.peek(0).is_some_and(|d| d.is_ascii_hexdigit()) => {
                Ok(self.digits(0, 16, 2) as u8)
            }
            _ => Err(Diag::at(
                pos,
                format!(
                    "invalid escape sequence `\\{}` in string literal",
                    char::from(c).escape_default()
                ),
            )),
        }
    }

    /// Reads up to `max` more digits of `radix` after an initial value (escape sequences).
    fn digits(&mut self, mut value: u32, radix: u32, max: usize) -> u32 {
        for _ in 0..max {
            match self.peek(0).and_then(|d| char::from(d).to_digit(radix)) {
                Some(d) => {
                    value = value * radix + d;
                    self.bump();
                }
                None => break,
            }
        }
        value
    }

    fn punct(&mut self, pos: Pos) -> DResult<P> {
        let (p, len) = match (self.peek(0), self.peek(1), self.peek(2)) {
            (Some(b'-'), Some(b'>'), _) => (P::Arrow, 2),
            (Some(b':'), Some(b'='), _) => (P::TypeAssign, 2),
            (Some(b'.'), Some(b'.'), Some(b'.')) => (P::Ellipsis, 3),
            (Some(c), _, _) => (single_punct(c).ok_or_else(|| bad_char(pos, c))?, 1),
            (None, _, _) => return Err(Diag::at(pos, "unexpected end of metadata")),
        };
        for _ in 0..len {
            self.bump();
        }
        Ok(p)
    }
}

fn single_punct(c: u8) -> Option<P> {
    Some(match c {
        b'[' => P::LBrack,
        b']' => P::RBrack,
        b'(' => P::LParen,
        b')' => P::RParen,
        b'{' => P::LBrace,
        b'}' => P::RBrace,
        b'*' => P::Star,
        b'+' => P::Plus,
        b'-' => P::Minus,
        b'<' => P::Lt,
        b'>' => P::Gt,
        b':' => P::Colon,
        b';' => P::Semi,
        b'.' => P::Dot,
        b'=' => P::Eq,
        b',' => P::Comma,
        _ => return None,
    })
}

fn bad_char(pos: Pos, c: u8) -> Diag {
    if c.is_ascii_graphic() {
        Diag::at(pos, format!("invalid character `{}`", char::from(c)))
    } else {
        Diag::at(pos, format!("invalid byte {c:#04x}"))
    }
}

#[cfg(test)]
#[path = "tests_lexer.rs"]
mod tests;
