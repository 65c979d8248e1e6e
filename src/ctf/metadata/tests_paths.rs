//! Field path resolution and variant selector tests.

use super::tests::{U8, err, ok, payload};
use crate::ctf::ir::{FieldPath, FieldType, Scope, VariantType};

fn seq_path(ty: &FieldType) -> &FieldPath {
    match ty {
        FieldType::Sequence(s) => &s.length,
        other => panic!("not a sequence: {other:?}"),
    }
}

fn variant(ty: &FieldType) -> &VariantType {
    match ty {
        FieldType::Variant(v) => v,
        other => panic!("not a variant: {other:?}"),
    }
}

fn path(scope: Scope, indices: &[usize]) -> FieldPath {
    FieldPath {
        scope,
        indices: indices.to_vec(),
    }
}

fn event(fields: &str) -> String {
    format!("{U8}event {{ name = e; fields := struct {{ {fields} }}; }};")
}

#[test]
fn relative_paths_look_outward_from_the_enclosing_struct() {
    let m = ok(&event(
        "uint8_t __n_length; uint8_t n[__n_length];\n\
         uint8_t len; struct { uint8_t pad; uint8_t x[len]; } outer;\n\
         struct { uint8_t len; uint8_t y[len]; } inner;",
    ));
    let p = payload(&m, 0);
    assert_eq!(seq_path(&p.fields[1].ty), &path(Scope::EventPayload, &[0]));
    let FieldType::Struct(outer) = &p.fields[3].ty else {
        panic!()
    };
    assert_eq!(
        seq_path(&outer.fields[1].ty),
        &path(Scope::EventPayload, &[2])
    );
    // The innermost `len` (declared before `y` in the same struct) wins.
    let FieldType::Struct(inner) = &p.fields[4].ty else {
        panic!()
    };
    assert_eq!(
        seq_path(&inner.fields[1].ty),
        &path(Scope::EventPayload, &[4, 0])
    );
}

#[test]
fn absolute_paths_and_earlier_scopes() {
    let m = ok(&format!(
        "{U8}typealias integer {{ size = 32; }} := u32;\n\
         stream {{ packet.context := struct {{ u32 count; }}; event.context := struct {{ uint8_t n; }}; }};\n\
         event {{ name = e; context := struct {{ uint8_t clen; }}; fields := struct {{\n\
             uint8_t a[stream.packet.context.count];\n\
             uint8_t b[stream.event.context.n];\n\
             uint8_t c[event.context.clen];\n\
             uint8_t d[clen];\n\
             uint8_t len; uint8_t e[event.fields.len];\n\
         }}; }};"
    ));
    let p = payload(&m, 0);
    let got: Vec<_> = [0, 1, 2, 3, 5]
        .iter()
        .map(|&i| seq_path(&p.fields[i].ty).clone())
        .collect();
    assert_eq!(
        got,
        vec![
            path(Scope::PacketContext, &[0]),
            path(Scope::StreamEventContext, &[0]),
            path(Scope::EventContext, &[0]),
            // Relative path not found in the payload: found in an earlier scope.
            path(Scope::EventContext, &[0]),
            path(Scope::EventPayload, &[4]),
        ]
    );
}

#[test]
fn targets_must_be_decoded_before_and_of_the_right_kind() {
    for (fields, msg) in [
        ("uint8_t x[len]; uint8_t len;", "cannot find field `len`"),
        (
            "uint8_t x[event.fields.len]; uint8_t len;",
            "`event.fields.len` refers to a field that is not decoded before this one",
        ),
        (
            "struct { uint8_t x[event.fields.s]; } s;",
            "`event.fields.s` refers to this field itself or to one of its parents",
        ),
        (
            "uint8_t x[event.fields.x];",
            "`event.fields.x` refers to this field itself or to one of its parents",
        ),
        (
            "integer { size = 8; signed = true; } len; uint8_t x[len];",
            "sequence length `len` is a signed integer, expected an unsigned integer",
        ),
        (
            "enum : integer { size = 8; signed = true; } { A } len; uint8_t x[len];",
            "sequence length `len` is a signed enumeration, expected an unsigned integer",
        ),
        (
            "string len; uint8_t x[len];",
            "`len` is a string, expected an unsigned integer",
        ),
        (
            "uint8_t tag; variant <tag> { string a; } v;",
            "variant tag `tag` is an integer, expected an enumeration",
        ),
        ("variant { string a; } v;", "variant without a tag"),
        (
            "struct { uint8_t n; } s[2]; uint8_t x[s.n];",
            "field path `s.n` goes through an array or sequence element",
        ),
    ] {
        let e = err(&event(fields));
        assert!(e.contains(msg), "{fields}: {e}");
    }
    let e = err(&format!(
        "{U8}stream {{ packet.context := struct {{ uint8_t x[stream.event.header.n]; }}; }};"
    ));
    assert!(
        e.contains("refers to a scope decoded after this field"),
        "{e}"
    );
    let e = err(&format!(
        "{U8}stream {{ packet.context := struct {{ uint8_t x[trace.packet.header.n]; }}; }};"
    ));
    assert!(e.contains("refers to a scope that is not defined"), "{e}");
}

#[test]
fn unsigned_enumerations_are_valid_lengths() {
    let m = ok(&event(
        "enum : uint8_t { A = 0 ... 255 } len; uint8_t x[len];",
    ));
    assert_eq!(
        seq_path(&payload(&m, 0).fields[1].ty),
        &path(Scope::EventPayload, &[0])
    );
}

#[test]
fn variant_tags_given_at_definition_or_at_use_site() {
    let m = ok(&format!(
        "{U8}variant named {{ string a; uint8_t b; }};\n\
         event {{ name = e; fields := struct {{\n\
             enum : uint8_t {{ a, b }} sel;\n\
             variant named <sel> v1;\n\
             variant <sel> {{ string a; uint8_t b; }} v2;\n\
             variant local <sel> {{ uint8_t a; }} v3;\n\
         }}; }};"
    ));
    let p = payload(&m, 0);
    for i in 1..=3 {
        assert_eq!(
            variant(&p.fields[i].ty).tag,
            path(Scope::EventPayload, &[0])
        );
    }
    let e = err(&format!(
        "{U8}variant named {{ string a; }};\n\
         event {{ name = e; fields := struct {{ enum : uint8_t {{ a }} sel; variant named v; }}; }};"
    ));
    assert!(e.contains("variant without a tag"), "{e}");
    let e = err("typedef variant { string a; } untagged_t;");
    assert!(e.contains("untagged variant is not allowed"), "{e}");
}

#[test]
fn paths_may_go_through_variant_options() {
    let m = ok(&event(
        "enum : uint8_t { a, b } sel;\n\
         variant <sel> { struct { uint8_t n; } a; string b; } v;\n\
         uint8_t x[v.a.n];",
    ));
    assert_eq!(
        seq_path(&payload(&m, 0).fields[2].ty),
        &path(Scope::EventPayload, &[1, 0, 0])
    );
}

/// babeltrace2 selects the option whose name, as written, is an enumeration label: leading
/// underscores are not stripped for this match (the meta-variant-* conformance traces).
#[test]
fn selectors_match_option_names_with_labels_exactly() {
    let m = ok(&event(
        "enum : uint8_t { COSSETTE, _PELCHAT, __PELCHAT, _VOISINE = 10 ... 12, _align, lonely } tag;\n\
         variant <tag> { string COSSETTE; string _PELCHAT; string __PELCHAT; string _VOISINE;\n\
                         string _align; string unmatched; } var;",
    ));
    let v = variant(&payload(&m, 0).fields[1].ty);
    let sel: Vec<_> = v.selectors.iter().map(|r| (r.lo, r.hi, r.option)).collect();
    assert_eq!(
        sel,
        vec![(0, 0, 0), (1, 1, 1), (2, 2, 2), (10, 12, 3), (13, 13, 4)]
    );
    let names: Vec<_> = v.options.iter().map(|o| o.display_name.as_str()).collect();
    assert_eq!(
        names,
        [
            "COSSETTE",
            "PELCHAT",
            "_PELCHAT",
            "VOISINE",
            "align",
            "unmatched"
        ]
    );
}

#[test]
fn lttng_compact_event_header() {
    let m = ok("typealias integer { size = 5; align = 1; } := uint5_t;\n\
        typealias integer { size = 27; align = 1; } := uint27_t;\n\
        typealias integer { size = 32; align = 8; } := uint32_t;\n\
        typealias integer { size = 64; align = 8; } := uint64_t;\n\
        clock { name = monotonic; };\n\
        struct event_header_compact {\n\
            enum : uint5_t { compact = 0 ... 30, extended = 31 } id;\n\
            variant <id> {\n\
                struct { uint27_t timestamp; } compact;\n\
                struct { uint32_t id; uint64_t timestamp; } extended;\n\
            } v;\n\
        } align(8);\n\
        stream { event.header := struct event_header_compact; };\n\
        event { name = a; id = 0; }; event { name = b; id = 40; };");
    let h = m.class.streams[0]
        .event_header
        .as_ref()
        .unwrap()
        .as_struct()
        .unwrap();
    assert_eq!(h.min_align_bits, 8);
    let v = variant(&h.fields[1].ty);
    assert_eq!(v.tag, path(Scope::EventHeader, &[0]));
    let sel: Vec<_> = v.selectors.iter().map(|r| (r.lo, r.hi, r.option)).collect();
    assert_eq!(sel, vec![(0, 30, 0), (31, 31, 1)]);
    // Both timestamps were mapped to the only clock automatically.
    for (option, member) in [(0, 0), (1, 1)] {
        let FieldType::Struct(s) = &v.options[option].ty else {
            panic!()
        };
        let FieldType::Int(ts) = &s.fields[member].ty else {
            panic!()
        };
        assert_eq!(ts.mapped_clock, Some(0));
    }
}
