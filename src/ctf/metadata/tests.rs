//! Semantic tests of the metadata parser: types, scopes, blocks, defaults, errors.

use super::*;
use crate::ctf::ir::{ByteOrder, Encoding, EnvValue, FieldType, IntType, StructType};

pub(super) const HEAD: &str = "/* CTF 1.8 */\ntrace { major = 1; minor = 8; byte_order = le; };\n";
pub(super) const U8: &str = "typealias integer { size = 8; } := uint8_t;\n";

/// Parses `HEAD` + `body`.
pub(super) fn ok(body: &str) -> ParsedMetadata {
    let text = format!("{HEAD}{body}");
    match parse_metadata_bytes(text.as_bytes(), "t") {
        Ok(m) => m,
        Err(e) => panic!("{e}\n--- metadata ---\n{text}"),
    }
}

/// The error for `HEAD` + `body`, as displayed.
pub(super) fn err(body: &str) -> String {
    let text = format!("{HEAD}{body}");
    match parse_metadata_bytes(text.as_bytes(), "t") {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

/// The payload structure of event `i` of the first stream class.
pub(super) fn payload(m: &ParsedMetadata, i: usize) -> &StructType {
    m.class.streams[0].events[i]
        .payload
        .as_ref()
        .and_then(FieldType::as_struct)
        .expect("payload")
}

pub(super) fn int(ty: &FieldType) -> &IntType {
    match ty {
        FieldType::Int(i) => i,
        FieldType::Enum(e) => &e.container,
        other => panic!("not an integer: {other:?}"),
    }
}

fn one_field(body: &str, field: &str) -> FieldType {
    let m = ok(&format!(
        "{U8}event {{ name = e; fields := struct {{ {field} }}; }};\n{body}"
    ));
    payload(&m, 0).fields[0].ty.clone()
}

#[test]
fn enum_values_continue_from_previous_end() {
    let FieldType::Enum(e) = one_field(
        "",
        r#"enum : uint8_t { A, B = 5, C, D = 10 ... 12, E, "quoted label", A = 20 } x;"#,
    ) else {
        panic!()
    };
    let got: Vec<(&str, Vec<(i128, i128)>)> = e
        .mappings
        .iter()
        .map(|m| (m.label.as_str(), m.ranges.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("A", vec![(0, 0), (20, 20)]),
            ("B", vec![(5, 5)]),
            ("C", vec![(6, 6)]),
            ("D", vec![(10, 12)]),
            ("E", vec![(13, 13)]),
            ("quoted label", vec![(14, 14)]),
        ]
    );
    let FieldType::Enum(e) = one_field(
        "",
        "enum : integer { size = 16; signed = true; } { N = -2, M, O, P = 0xFFFF } x;",
    ) else {
        panic!()
    };
    let values: Vec<_> = e.mappings.iter().map(|m| m.ranges[0]).collect();
    assert_eq!(values, vec![(-2, -2), (-1, -1), (0, 0), (65535, 65535)]);
    assert_eq!(e.labels_of(-1).collect::<Vec<_>>(), vec!["M"]);
}

#[test]
fn enum_default_container_is_int() {
    let m = ok("typealias integer { size = 32; signed = true; } := int;\n\
         enum state { RUN, STOP };\n\
         event { name = e; fields := struct { enum state s; enum { X } t; }; };");
    let p = payload(&m, 0);
    assert_eq!(int(&p.fields[0].ty).size_bits, 32);
    assert!(int(&p.fields[1].ty).signed);
    let e = err("event { name = e; fields := struct { enum { X } t; }; };");
    assert!(e.contains("no `int` type declared"), "{e}");
    let e =
        err("typealias string := int; event { name = e; fields := struct { enum { X } t; }; };");
    assert!(
        e.contains("container must be an integer, not a string"),
        "{e}"
    );
}

#[test]
fn integer_attributes_and_defaults() {
    let f = |decl: &str| int(&one_field("", decl)).clone();
    let i = f("integer { size = 12; } x;");
    assert_eq!(
        (i.align_bits, i.signed, i.base, i.byte_order),
        (1, false, 10, ByteOrder::Le)
    );
    let i = f("integer { size = 16; signed = TRUE; base = hex; byte_order = network; } x;");
    assert_eq!(
        (i.align_bits, i.signed, i.base, i.byte_order),
        (8, true, 16, ByteOrder::Be)
    );
    let i = f("integer { size = 8; align = 32; base = o; encoding = ASCII; signed = 0; } x;");
    assert_eq!((i.align_bits, i.base, i.encoding), (32, 8, Encoding::Ascii));
    let i = f("integer { size = 64; base = 2; byte_order = native; encoding = UTF8; } x;");
    assert_eq!(
        (i.base, i.byte_order, i.encoding),
        (2, ByteOrder::Le, Encoding::Utf8)
    );
    for (decl, msg) in [
        ("integer { size = 0; } x;", "between 1 and 64, not 0"),
        ("integer { size = 65; } x;", "between 1 and 64, not 65"),
        ("integer { align = 8; } x;", "integer without `size`"),
        ("integer { size = 8; align = 3; } x;", "power of two, not 3"),
        (
            "integer { size = 8; size = 8; } x;",
            "duplicate `size` in integer",
        ),
        (
            "integer { size = 8; base = 7; } x;",
            "`base` must be 2, 8, 10 or 16",
        ),
        (
            "integer { size = 8; signed = maybe; } x;",
            "must be a boolean",
        ),
        (
            "integer { size = 8; map = clock.nope.value; } x;",
            "no clock named `nope`",
        ),
    ] {
        let text = format!("event {{ name = e; fields := struct {{ {decl} }}; }};");
        let e = err(&text);
        assert!(e.contains(msg), "{decl}: {e}");
    }
}

#[test]
fn floats_and_strings() {
    let FieldType::Float(f) = one_field("", "floating_point { exp_dig = 8; mant_dig = 24; } x;")
    else {
        panic!()
    };
    assert_eq!((f.exp_dig, f.mant_dig, f.align_bits), (8, 24, 8));
    let m = ok(
        "event { name = e; fields := struct { floating_point { exp_dig = 5; mant_dig = 11; align = 16; } h; string { encoding = ASCII; } s; string t; }; };",
    );
    assert!(
        m.warnings[0].contains("cannot be decoded"),
        "{:?}",
        m.warnings
    );
    let p = payload(&m, 0);
    assert_eq!(p.fields[1].ty, FieldType::String(Encoding::Ascii));
    assert_eq!(p.fields[2].ty, FieldType::String(Encoding::Utf8));
}

#[test]
fn native_byte_order_comes_from_the_trace_block_declared_later() {
    let text = "/* CTF 1.8 */\n\
        typealias integer { size = 32; byte_order = native; } := u32n;\n\
        typealias integer { size = 32; } := u32;\n\
        trace { major = 1; minor = 8; byte_order = be; };\n\
        event { name = e; fields := struct { u32n a; u32 b; integer { size = 8; byte_order = le; } c; }; };";
    let m = parse_metadata_bytes(text.as_bytes(), "t").unwrap();
    assert_eq!(m.class.byte_order, ByteOrder::Be);
    let orders: Vec<_> = payload(&m, 0)
        .fields
        .iter()
        .map(|f| int(&f.ty).byte_order)
        .collect();
    assert_eq!(orders, vec![ByteOrder::Be, ByteOrder::Be, ByteOrder::Le]);
    let e = parse_metadata_bytes(
        b"trace { major = 1; minor = 8; byte_order = native; };",
        "t",
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("must be `be`, `le` or `network`"),
        "{e}"
    );
}

#[test]
fn scopes_shadowing_and_redefinition() {
    let m = ok(&format!(
        "{U8}typealias integer {{ size = 16; }} := t;\n\
         stream {{ event.header := struct {{ uint8_t id; }}; }};\n\
         event {{ name = a; id = 0; fields := struct {{\n\
             struct {{ typealias integer {{ size = 32; }} := t; t inner; }} s;\n\
             t outer;\n\
         }}; }};\n\
         event {{ name = b; id = 1; typealias integer {{ size = 64; }} := t; fields := struct {{ t x; }}; }};\n\
         event {{ name = c; id = 2; fields := struct {{ t x; }}; }};"
    ));
    let s = payload(&m, 0);
    let FieldType::Struct(inner) = &s.fields[0].ty else {
        panic!()
    };
    assert_eq!(int(&inner.fields[0].ty).size_bits, 32);
    assert_eq!(int(&s.fields[1].ty).size_bits, 16);
    assert_eq!(int(&payload(&m, 1).fields[0].ty).size_bits, 64);
    assert_eq!(int(&payload(&m, 2).fields[0].ty).size_bits, 16);
    let e = err(&format!(
        "{U8}typealias integer {{ size = 16; }} := uint8_t;"
    ));
    assert_eq!(
        e,
        "t:4:37: type `uint8_t` is already declared in this scope"
    );
    let e = err("struct s { string a; };\nstruct s { string b; };");
    assert_eq!(e, "t:4:1: `struct s` is already declared in this scope");
    let e = err("event { name = e; fields := struct { struct { string a; } s; s x; }; };");
    assert!(e.contains("unknown type `s`"), "{e}");
    let e = err("event { name = e; fields := struct { struct nope x; }; };");
    assert!(e.contains("unknown `struct nope`"), "{e}");
}

#[test]
fn multi_word_aliases_pointers_typedefs() {
    let m = ok("typealias integer { size = 64; } := unsigned long;\n\
         typealias integer { size = 32; } := struct page *;\n\
         typedef unsigned long ul_t, arr_t[4];\n\
         struct point { unsigned long x; ul_t y; };\n\
         event { name = e; fields := struct { unsigned long a; struct page *p; arr_t b; struct point c; }; };");
    let p = payload(&m, 0);
    assert_eq!(int(&p.fields[0].ty).size_bits, 64);
    let page = int(&p.fields[1].ty);
    assert_eq!((page.size_bits, page.base), (32, 16));
    let FieldType::Array(a) = &p.fields[2].ty else {
        panic!()
    };
    assert_eq!(a.length, 4);
    let FieldType::Struct(point) = &p.fields[3].ty else {
        panic!()
    };
    assert_eq!(point.fields.len(), 2);
    let e = err("event { name = e; fields := struct { string *p; }; };");
    assert!(e.contains("cannot be used as a type name"), "{e}");
    let e = err("event { name = e; fields := struct { unsigned int *p; }; };");
    assert!(e.contains("unknown type `unsigned int *`"), "{e}");
}

#[test]
fn arrays_are_nested_outermost_first_and_never_allocated() {
    let FieldType::Array(a) = one_field("", "uint8_t x[2][3];") else {
        panic!()
    };
    assert_eq!(a.length, 2);
    let FieldType::Array(inner) = a.element.as_ref() else {
        panic!()
    };
    assert_eq!(inner.length, 3);
    let FieldType::Array(a) = one_field("", "uint8_t x[4000000000];") else {
        panic!()
    };
    assert_eq!(a.length, 4_000_000_000);
    let FieldType::Array(a) = one_field("", "uint8_t x[18446744073709551615];") else {
        panic!()
    };
    assert_eq!(a.length, u64::MAX);
    let FieldType::Array(a) = one_field("env { n = 7; };", "uint8_t x[env.n];") else {
        panic!()
    };
    assert_eq!(a.length, 7);
    let e = err(&format!(
        "{U8}env {{ n = -1; }}; event {{ name = e; fields := struct {{ uint8_t x[env.n]; }}; }};"
    ));
    assert!(e.contains("`env.n` is negative"), "{e}");
}

#[test]
fn struct_alignment_and_display_names() {
    let m = ok(&format!(
        "{U8}event {{ name = e; fields := struct {{ uint8_t _a; uint8_t __b; uint8_t c; uint8_t _; }} align(64); }};"
    ));
    let p = payload(&m, 0);
    assert_eq!(p.min_align_bits, 64);
    let names: Vec<_> = p
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.display_name.as_str()))
        .collect();
    assert_eq!(
        names,
        vec![("_a", "a"), ("__b", "_b"), ("c", "c"), ("_", "")]
    );
    let e = err(&format!(
        "{U8}event {{ name = e; fields := struct {{ uint8_t a; uint8_t a; }}; }};"
    ));
    assert!(e.contains("duplicate field `a` in structure"), "{e}");
    let e = err("event { name = e; fields := struct { string a; } align(3); };");
    assert!(e.contains("power of two, not 3"), "{e}");
}

#[test]
fn clocks() {
    let m = ok(
        r#"clock { name = "c1"; uuid = "2a6422d0-6cee-11e0-8c08-cb07d7b3a564"; description = "d"; freq = 1000; precision = 3; offset_s = 10; offset = 2500; absolute = true; };
        clock { name = c2; offset = -1; };"#,
    );
    let c = &m.class.clocks;
    assert_eq!(c[0].name, "c1");
    assert_eq!(c[0].uuid.unwrap()[..4], [0x2a, 0x64, 0x22, 0xd0]);
    assert_eq!(c[0].uuid.unwrap()[15], 0x64);
    assert_eq!((c[0].freq, c[0].precision, c[0].absolute), (1000, 3, true));
    // Whole seconds move from the cycles part to the seconds part.
    assert_eq!((c[0].offset_s, c[0].offset_cycles), (12, 500));
    assert_eq!(
        (c[1].freq, c[1].offset_s, c[1].offset_cycles),
        (1_000_000_000, -1, 999_999_999)
    );
    assert!(!c[1].absolute);
    assert!(err("clock { freq = 1; };").contains("clock block without `name`"));
    assert!(err("clock { name = a; }; clock { name = a; };").contains("duplicate clock `a`"));
    assert!(err("clock { name = a; freq = 0; };").contains("invalid clock frequency 0"));
    assert!(err(r#"clock { name = a; uuid = "nope"; };"#).contains("invalid UUID"));
    // LTTng's monotonic clock is absolute even though the metadata does not say so.
    let m = ok(r#"env { tracer_name = "lttng-modules"; }; clock { name = monotonic; };"#);
    assert!(m.class.clocks[0].absolute);
}

#[test]
fn env_values_keep_their_order() {
    let m = ok(r#"env { hostname = "h"; tracer_major = 2; neg = -4; bare = word; };"#);
    assert_eq!(
        m.class.env,
        vec![
            ("hostname".to_string(), EnvValue::Str("h".into())),
            ("tracer_major".to_string(), EnvValue::Int(2)),
            ("neg".to_string(), EnvValue::Int(-4)),
            ("bare".to_string(), EnvValue::Str("word".into())),
        ]
    );
    assert_eq!(m.class.env("neg"), Some(&EnvValue::Int(-4)));
}

#[test]
fn stream_and_event_defaults() {
    // No stream block: implicit stream class 0; a single event may omit its id.
    let m = ok("event { name = only; };");
    assert_eq!(m.class.streams.len(), 1);
    assert_eq!(
        (m.class.streams[0].id, m.class.streams[0].events[0].id),
        (0, 0)
    );
    // Events may precede their stream class; ids are per stream class.
    let text = "typealias integer { size = 32; } := u32;\n\
        trace { major = 1; minor = 8; byte_order = le; packet.header := struct { u32 stream_id; }; };\n\
        event { name = a; id = 0; stream_id = 1; };\n\
        stream { id = 0; event.header := struct { u32 id; }; };\n\
        stream { id = 1; event.header := struct { u32 id; }; };\n\
        event { name = b; id = 0; stream_id = 0; };\n\
        event { name = c; id = 1; stream_id = 1; };";
    let m = parse_metadata_bytes(text.as_bytes(), "t").unwrap();
    let s1 = m.class.stream_class(1).unwrap();
    assert_eq!(
        s1.events
            .iter()
            .map(|e| e.name.as_str())
            .collect::<Vec<_>>(),
        ["a", "c"]
    );
    for (body, msg) in [
        (
            "event { name = a; }; event { name = b; };",
            "has no `id` but its stream class",
        ),
        (
            "event { name = a; id = 3; }; event { name = b; id = 3; };",
            "duplicate event id 3",
        ),
        (
            "event { name = a; stream_id = 4; };",
            "unknown stream class 4",
        ),
        ("event { id = 1; };", "event block without `name`"),
        (
            "stream { id = 0; }; stream { };",
            "stream block without `id`",
        ),
        (
            "stream { id = 2; }; stream { id = 2; };",
            "duplicate stream class id 2",
        ),
        (
            "stream { id = 1; }; stream { id = 2; }; event { name = a; };",
            "without `stream_id`",
        ),
        (
            "event { name = a; fields := string; };",
            "`fields` must be a structure, not a string",
        ),
        (
            "event { name = a; name = b; };",
            "duplicate `name` in event block",
        ),
    ] {
        let e = err(body);
        assert!(e.contains(msg), "{body}: {e}");
    }
}
