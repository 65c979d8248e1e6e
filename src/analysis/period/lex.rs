//! Tokens of the period language, each with its column for error messages.

use std::fmt;

/// A token.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// `$evt`, `$begin`, `$parent`, `$name`, `$payload`, ... (without the `$`).
    Dollar(String),
    /// An identifier.
    Ident(String),
    /// A number.
    Num(f64),
    /// A string literal (unescaped).
    Str(String),
    /// Punctuation and operators: `. : , ( ) = == != =* < <= > >= && || !`.
    Op(&'static str),
}

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Dollar(s) => write!(f, "`${s}`"),
            Tok::Ident(s) => write!(f, "`{s}`"),
            Tok::Num(n) => write!(f, "`{n}`"),
            Tok::Str(s) => write!(f, "string {s:?}"),
            Tok::Op(o) => write!(f, "`{o}`"),
        }
    }
}

/// A token and the 0-based char index where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned {
    /// The token.
    pub tok: Tok,
    /// Start (chars).
    pub at: usize,
    /// End (chars, exclusive).
    pub end: usize,
}

/// A syntax error at a 0-based char index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Where.
    pub at: usize,
    /// What.
    pub msg: String,
}

impl SyntaxError {
    /// An error at `at`.
    pub fn new(at: usize, msg: impl Into<String>) -> Self {
        SyntaxError {
            at,
            msg: msg.into(),
        }
    }

    /// `what: column N: msg`, then the source and a caret under the column.
    pub fn render(&self, what: &str, src: &str) -> String {
        let line: String = src
            .chars()
            .map(|c| if c == '\n' { ' ' } else { c })
            .collect();
        format!(
            "{what}: column {}: {}\n  {line}\n  {}^",
            self.at + 1,
            self.msg,
            " ".repeat(self.at)
        )
    }
}

const OPS: [&str; 15] = [
    "==", "!=", "=*", "<=", ">=", "&&", "||", "=", "<", ">", "!", ".", ":", ",", "(",
];

/// Splits `src` into tokens.
pub fn lex(src: &str) -> Result<Vec<Spanned>, SyntaxError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let tok = if c == '$' || c.is_ascii_alphabetic() || c == '_' {
            i += 1;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start + usize::from(c == '$')..i].iter().collect();
            if c == '$' {
                if word.is_empty() {
                    return Err(SyntaxError::new(start, "expected a name after `$`"));
                }
                Tok::Dollar(word)
            } else {
                Tok::Ident(word)
            }
        } else if c == '"' {
            let (s, next) = string(&chars, i)?;
            i = next;
            Tok::Str(s)
        } else if c.is_ascii_digit()
            || ((c == '-' || c == '+') && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            let (n, next) = number(&chars, i)?;
            i = next;
            Tok::Num(n)
        } else if c == ')' {
            i += 1;
            Tok::Op(")")
        } else {
            let rest: String = chars[i..chars.len().min(i + 2)].iter().collect();
            let Some(op) = OPS.iter().find(|o| rest.starts_with(**o)) else {
                return Err(SyntaxError::new(
                    start,
                    format!("unexpected character `{c}`"),
                ));
            };
            i += op.chars().count();
            Tok::Op(op)
        };
        out.push(Spanned {
            tok,
            at: start,
            end: i,
        });
    }
    Ok(out)
}

fn string(chars: &[char], open: usize) -> Result<(String, usize), SyntaxError> {
    let mut s = String::new();
    let mut i = open + 1;
    while let Some(&c) = chars.get(i) {
        match c {
            '"' => return Ok((s, i + 1)),
            '\\' => {
                match chars.get(i + 1) {
                    Some(&e @ ('"' | '\\')) => s.push(e),
                    Some(&e) => {
                        s.push('\\');
                        s.push(e);
                    }
                    None => break,
                }
                i += 2;
            }
            _ => {
                s.push(c);
                i += 1;
            }
        }
    }
    Err(SyntaxError::new(open, "unterminated string"))
}

fn number(chars: &[char], start: usize) -> Result<(f64, usize), SyntaxError> {
    let mut i = start + 1;
    let digits = |i: &mut usize| {
        while chars.get(*i).is_some_and(char::is_ascii_digit) {
            *i += 1;
        }
    };
    digits(&mut i);
    if chars.get(i) == Some(&'.') && chars.get(i + 1).is_some_and(char::is_ascii_digit) {
        i += 1;
        digits(&mut i);
    }
    if matches!(chars.get(i), Some('e' | 'E')) {
        let mut j = i + 1;
        if matches!(chars.get(j), Some('+' | '-')) {
            j += 1;
        }
        if chars.get(j).is_some_and(char::is_ascii_digit) {
            i = j;
            digits(&mut i);
        }
    }
    let text: String = chars[start..i].iter().collect();
    text.parse()
        .map(|n| (n, i))
        .map_err(|_| SyntaxError::new(start, format!("bad number `{text}`")))
}
