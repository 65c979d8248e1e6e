//! Lexer tests: numbers, escapes, comments, positions.

use super::*;

fn toks(s: &str) -> Vec<Tok> {
    tokenize(s.as_bytes())
        .unwrap()
        .into_iter()
        .map(|t| t.tok)
        .collect()
}

fn err(s: &str) -> Diag {
    tokenize(s.as_bytes()).unwrap_err()
}

#[test]
fn numbers() {
    assert_eq!(
        toks("0 7 42u 0x1F 0XffUL 017 18446744073709551615ull"),
        vec![
            Tok::Int(0),
            Tok::Int(7),
            Tok::Int(42),
            Tok::Int(31),
            Tok::Int(255),
            Tok::Int(15),
            Tok::Int(u64::MAX),
            Tok::Eof
        ]
    );
    let e = err("x = 18446744073709551616;");
    assert_eq!(e.pos, Some(Pos { line: 1, col: 5 }));
    assert!(e.msg.contains("does not fit in 64 bits"), "{}", e.msg);
    assert!(err("09").msg.contains("invalid integer literal `09`"));
    assert!(err("12ab").msg.contains("invalid integer literal"));
    assert!(err("0x").msg.contains("invalid integer literal"));
}

#[test]
fn escapes() {
    assert_eq!(
        toks(r#""a\tb\n\"q\"\\\?\x41\101\0" '\n'"#),
        vec![
            Tok::Str("a\tb\n\"q\"\\?AA\0".into()),
            Tok::Char("\n".into()),
            Tok::Eof
        ]
    );
    assert_eq!(toks(r#""?\x20\040?""#)[0], Tok::Str("?  ?".into()));
    let e = err("\n  x = \"?\\x20\\o040?\";");
    assert_eq!(e.pos, Some(Pos { line: 2, col: 13 }));
    assert_eq!(e.msg, "invalid escape sequence `\\o` in string literal");
    assert_eq!(err("  \"abc").msg, "unterminated string literal");
    assert_eq!(err("\"a\0b\"").msg, "NUL byte in string literal");
}

#[test]
fn keywords_identifiers_punctuators() {
    assert_eq!(
        toks("typealias integer := uint8_t; a->b ... x.y <t> _Bool floating_point"),
        vec![
            Tok::Kw(Kw::Typealias),
            Tok::Kw(Kw::Integer),
            Tok::Punct(P::TypeAssign),
            Tok::Ident("uint8_t".into()),
            Tok::Punct(P::Semi),
            Tok::Ident("a".into()),
            Tok::Punct(P::Arrow),
            Tok::Ident("b".into()),
            Tok::Punct(P::Ellipsis),
            Tok::Ident("x".into()),
            Tok::Punct(P::Dot),
            Tok::Ident("y".into()),
            Tok::Punct(P::Lt),
            Tok::Ident("t".into()),
            Tok::Punct(P::Gt),
            Tok::Kw(Kw::Bool),
            Tok::Kw(Kw::FloatingPoint),
            Tok::Eof
        ]
    );
}

#[test]
fn comments_and_positions_with_crlf() {
    let t = tokenize(b"/* CTF 1.8\r\n * x */\r\n// line\r\n  trace /* a */ {\r\n}").unwrap();
    let pos: Vec<(u32, u32)> = t.iter().map(|t| (t.pos.line, t.pos.col)).collect();
    assert_eq!(pos, vec![(4, 3), (4, 17), (5, 1), (5, 2)]);
    assert_eq!(err("a /* never closed").msg, "unterminated comment");
    assert_eq!(err("a /* never closed").pos, Some(Pos { line: 1, col: 3 }));
}

#[test]
fn invalid_characters() {
    let e = err("trace { @ }");
    assert_eq!(e.msg, "invalid character `@`");
    assert_eq!(e.pos, Some(Pos { line: 1, col: 9 }));
    assert_eq!(err("a\0").msg, "invalid byte 0x00");
    // Columns count characters, not bytes.
    let e = err("\"é\" #");
    assert_eq!(e.pos, Some(Pos { line: 1, col: 5 }));
}
