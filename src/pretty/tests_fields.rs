//! Field formatting: integers in every base, enumerations, floats, strings, compounds.
//! Expected lines: babeltrace2 2.0.4 (`TZ=UTC babeltrace2 --clock-gmt FIXTURE`) on the
//! fixtures of `bt2_fixtures.py`, whose clock offset is 1000 s.

use crate::ctf::ir::{Encoding, FieldPath, FieldType, Scope};
use crate::ctf::value::Value::{self, Array, SInt, Struct, Text, UInt, Variant};

use super::num::{push_g, push_int};
use super::tests::*;

pub(super) const T0: i64 = 1_000_000_000_000;

/// The fixtures' shape: LTTng packet context and one event class named `name`.
pub(super) fn fixture(name: &str, payload: FieldType) -> crate::ctf::ir::TraceClass {
    let sc = stream_class(
        Some(lttng_packet_context(vec![])),
        vec![event_class(0, name, Some(payload))],
    );
    trace_class(&[], sc, 1000)
}

pub(super) fn print_payloads(
    name: &str,
    payload: FieldType,
    events: &[(i64, &[Value])],
    data: &[u8],
) -> Vec<String> {
    let tc = fixture(name, payload);
    let mut p = gmt_printer();
    let packet = lttng_packet_values(0, &[]);
    events
        .iter()
        .map(|(t, values)| {
            let scopes = Scopes {
                packet: Some(&packet),
                payload: Some(values),
                data,
                ..Scopes::default()
            };
            print_event(&mut p, &tc, 0, Some(ts(T0 + t)), &scopes)
        })
        .collect()
}

#[test]
fn integers_in_every_base() {
    let names: [(&str, u32, bool, u8); 17] = [
        ("h8", 8, true, 16),
        ("h12", 12, true, 16),
        ("h32", 32, false, 16),
        ("h61", 61, true, 16),
        ("h62", 62, false, 16),
        ("h63", 63, true, 16),
        ("h64", 64, true, 16),
        ("o7", 7, true, 8),
        ("o16", 16, false, 8),
        ("o64", 64, true, 8),
        ("ozero", 8, false, 8),
        ("b1", 1, false, 2),
        ("b5", 5, true, 2),
        ("b64", 64, false, 2),
        ("d64", 64, true, 10),
        ("u64", 64, false, 10),
        ("s3", 3, true, 10),
    ];
    let payload = st(names
        .iter()
        .map(|&(n, size, signed, base)| member(n, int(size, signed, base)))
        .collect());
    let e1 = [
        Struct,
        SInt(-1),
        SInt(-2),
        UInt(0xdead_beef),
        SInt(-3),
        UInt(0x3fff_ffff_ffff_ffff),
        SInt(-5),
        SInt(-6),
        SInt(-1),
        UInt(0o17777),
        SInt(-1),
        UInt(0),
        UInt(1),
        SInt(-3),
        UInt(0x8000_0000_0000_0001),
        SInt(i64::MIN),
        UInt(u64::MAX),
        SInt(-4),
    ];
    let e2 = [
        Struct,
        SInt(0x7f),
        SInt(0x7ff),
        UInt(0),
        SInt(1),
        UInt(0x1_2345_6789),
        SInt(2),
        SInt(i64::MAX),
        SInt(0x3f),
        UInt(8),
        SInt(0o777),
        UInt(0o10),
        UInt(0),
        SInt(0xf),
        UInt(0),
        SInt(0),
        UInt(0),
        SInt(3),
    ];
    let lines = print_payloads("ints", payload, &[(100, &e1), (200, &e2)], &[]);
    // Fixture `ints`, lines 1 and 2. Hex fields of 61 to 63 bits print 0x0 (a bt2 bug).
    assert_eq!(
        lines[0],
        "[00:16:40.000000100] (+?.?????????) ints: { cpu_id = 0 }, { h8 = 0xFF, h12 = 0xFFE, h32 = 0xDEADBEEF, h61 = 0x0, h62 = 0x0, h63 = 0x0, h64 = 0xFFFFFFFFFFFFFFFA, o7 = 0777, o16 = 017777, o64 = 01777777777777777777777, ozero = 00, b1 = 0b1, b5 = 0b11101, b64 = 0b1000000000000000000000000000000000000000000000000000000000000001, d64 = -9223372036854775808, u64 = 18446744073709551615, s3 = -4 }\n"
    );
    assert_eq!(
        lines[1],
        "[00:16:40.000000200] (+0.000000100) ints: { cpu_id = 0 }, { h8 = 0x7F, h12 = 0x7FF, h32 = 0x0, h61 = 0x0, h62 = 0x0, h63 = 0x0, h64 = 0x7FFFFFFFFFFFFFFF, o7 = 077, o16 = 010, o64 = 0777, ozero = 010, b1 = 0b0, b5 = 0b01111, b64 = 0b0000000000000000000000000000000000000000000000000000000000000000, d64 = 0, u64 = 0, s3 = 3 }\n"
    );
}

#[test]
fn integer_edge_values() {
    let mut out = Vec::new();
    push_int(&mut out, &int_type(64, false, 16), u64::MAX);
    push_int(&mut out, &int_type(60, true, 16), -1i64 as u64);
    push_int(&mut out, &int_type(64, false, 8), u64::MAX);
    push_int(&mut out, &int_type(10, false, 10), 0);
    assert_eq!(
        String::from_utf8(out).expect("ASCII"),
        "0xFFFFFFFFFFFFFFFF0xFFFFFFFFFFFFFFF017777777777777777777770"
    );
}

#[test]
fn enumerations() {
    let payload = st(vec![
        member(
            "multi",
            enumeration(
                int_type(8, false, 10),
                &[
                    ("A", &[(1, 1), (9, 9)]),
                    ("B", &[(1, 3)]),
                    ("C\"q", &[(2, 2)]),
                    ("D", &[(7, 7)]),
                ],
            ),
        ),
        member(
            "sgn",
            enumeration(
                int_type(16, true, 16),
                &[("NEG", &[(-5, -1)]), ("ZERO", &[(0, 0)])],
            ),
        ),
        member(
            "oct",
            enumeration(int_type(32, false, 8), &[("X", &[(1, 1)])]),
        ),
    ]);
    let events: [(i64, &[Value]); 4] = [
        (100, &[Struct, UInt(1), SInt(-3), UInt(1)]),
        (200, &[Struct, UInt(2), SInt(0), UInt(8)]),
        (300, &[Struct, UInt(5), SInt(5), UInt(0)]),
        (400, &[Struct, UInt(9), SInt(-7), UInt(1)]),
    ];
    let lines = print_payloads("enums", payload, &events, &[]);
    // Fixture `enums`, lines 1 to 4.
    let tail = [
        "{ multi = ( \"A\", \"B\" : container = 1 ), sgn = ( \"NEG\" : container = 0xFFFD ), oct = ( \"X\" : container = 01 ) }",
        "{ multi = ( \"B\", \"C\\\"q\" : container = 2 ), sgn = ( \"ZERO\" : container = 0x0 ), oct = ( <unknown> : container = 010 ) }",
        "{ multi = ( <unknown> : container = 5 ), sgn = ( <unknown> : container = 0x5 ), oct = ( <unknown> : container = 00 ) }",
        "{ multi = ( \"A\" : container = 9 ), sgn = ( <unknown> : container = 0xFFF9 ), oct = ( \"X\" : container = 01 ) }",
    ];
    for (line, tail) in lines.iter().zip(tail) {
        assert!(
            line.ends_with(&format!("enums: {{ cpu_id = 0 }}, {tail}\n")),
            "{line}"
        );
    }
}

#[test]
#[allow(clippy::approx_constant)] // The fixture's literal, not meant as pi.
fn floats_like_printf_g() {
    // Fixture `floats`: the `d` column of lines 1 to 27, then NaNs and infinities.
    let cases: [(f64, &str); 27] = [
        (0.0, "0"),
        (-0.0, "-0"),
        (1.0, "1"),
        (2222.0, "2222"),
        (0.1, "0.1"),
        (3.14159265358979, "3.14159"),
        (123456.0, "123456"),
        (1234567.0, "1.23457e+06"),
        (999999.5, "1e+06"),
        (9999995.0, "1e+07"),
        (1e6, "1e+06"),
        (1e-4, "0.0001"),
        (1.5e-5, "1.5e-05"),
        (0.00012345678, "0.000123457"),
        (1e100, "1e+100"),
        (-2.5e-300, "-2.5e-300"),
        (5e-324, "4.94066e-324"),
        (f64::MAX, "1.79769e+308"),
        (123456.5, "123456"),
        (1234565.0, "1.23456e+06"),
        (0.5, "0.5"),
        (2.5, "2.5"),
        (100.0, "100"),
        (1e15, "1e+15"),
        (65536.0, "65536"),
        (1.0000005, "1"),
        (9.9999995e-5, "0.0001"),
    ];
    let specials: [(u64, &str); 6] = [
        (0x7FF8_0000_0000_0000, "nan"),
        (0xFFF8_0000_0000_0000, "-nan"),
        (0x7FF0_0000_0000_0000, "inf"),
        (0xFFF0_0000_0000_0000, "-inf"),
        (0x7FF0_0000_0000_0001, "nan"),
        (0x8000_0000_0000_0000, "-0"),
    ];
    let all = cases
        .iter()
        .copied()
        .chain(specials.iter().map(|&(b, s)| (f64::from_bits(b), s)));
    for (v, expected) in all {
        let mut out = Vec::new();
        push_g(&mut out, v);
        assert_eq!(String::from_utf8(out).expect("ASCII"), expected, "{v:e}");
    }
    // A 32-bit float widened to f64 prints the same: fixture `floats`, line 6 (`f` column).
    let mut out = Vec::new();
    push_g(&mut out, f64::from(std::f32::consts::PI));
    assert_eq!(out, b"3.14159");
}

#[test]
fn float_fields_in_a_line() {
    let payload = st(vec![member("f", float(8, 24)), member("d", float(11, 53))]);
    let values = [Struct, Value::Float(1.0), Value::Float(1.0)];
    let lines = print_payloads("floats", payload, &[(120, &values)], &[]);
    // Fixture `floats`, line 3 (printed here as the first event, so no delta).
    assert_eq!(
        lines[0],
        "[00:16:40.000000120] (+?.?????????) floats: { cpu_id = 0 }, { f = 1, d = 1 }\n"
    );
}

/// The payload of fixture `compound`.
fn compound_payload() -> FieldType {
    let tag_path = FieldPath {
        scope: Scope::EventPayload,
        indices: vec![6],
    };
    let options = || {
        vec![
            member("INT", int(16, false, 10)),
            member("STR", FieldType::String(Encoding::Utf8)),
            member("STRUCT", st(vec![member("p", u8t()), member("q", u8t())])),
            member("_EMPTY", st(vec![])),
        ]
    };
    let tag = enumeration(
        int_type(8, false, 10),
        &[
            ("INT", &[(0, 0)]),
            ("STR", &[(1, 1)]),
            ("STRUCT", &[(2, 2)]),
            ("_EMPTY", &[(3, 3)]),
        ],
    );
    st(vec![
        member(
            "nested",
            st(vec![
                member("a", u8t()),
                member("inner", st(vec![member("b", u8t())])),
                member("empty", st(vec![])),
            ]),
        ),
        member(
            "pts",
            array(st(vec![member("x", u8t()), member("y", u8t())]), 2),
        ),
        member("grid", array(array(u8t(), 3), 2)),
        member("none", array(u8t(), 0)),
        member("n", u8t()),
        member(
            "seq",
            sequence(st(vec![member("v", u8t())]), Scope::EventPayload, &[4]),
        ),
        member("tag", tag),
        member("var", variant(tag_path.clone(), options())),
        member("vars", array(variant(tag_path, options()), 2)),
    ])
}

/// The values of fixture `compound`'s members up to `none`, the same in every event.
fn compound_fixed_values() -> Vec<Value> {
    vec![
        Struct,
        Struct,
        UInt(1),
        Struct,
        UInt(2),
        Struct,
        Array { len: 2 },
        Struct,
        UInt(3),
        UInt(4),
        Struct,
        UInt(5),
        UInt(6),
        Array { len: 2 },
        Array { len: 3 },
        UInt(7),
        UInt(8),
        UInt(9),
        Array { len: 3 },
        UInt(10),
        UInt(11),
        UInt(12),
        Array { len: 0 },
    ]
}

#[test]
fn compound_fields() {
    let fixed = compound_fixed_values();
    let with = |rest: &[Value]| [&fixed[..], rest].concat();
    let e1 = with(&[
        UInt(2),
        Array { len: 2 },
        Struct,
        UInt(20),
        Struct,
        UInt(21),
        UInt(0),
        Variant { option: 0 },
        UInt(513),
        Array { len: 2 },
        Variant { option: 0 },
        UInt(7),
        Variant { option: 0 },
        UInt(8),
    ]);
    let data = b"heyab";
    let e2 = with(&[
        UInt(0),
        Array { len: 0 },
        UInt(1),
        Variant { option: 1 },
        Text { start: 0, len: 3 },
        Array { len: 2 },
        Variant { option: 1 },
        Text { start: 3, len: 1 },
        Variant { option: 1 },
        Text { start: 4, len: 1 },
    ]);
    let e4 = with(&[
        UInt(0),
        Array { len: 0 },
        UInt(3),
        Variant { option: 3 },
        Struct,
        Array { len: 2 },
        Variant { option: 3 },
        Struct,
        Variant { option: 3 },
        Struct,
    ]);
    let lines = print_payloads(
        "compound",
        compound_payload(),
        &[(100, &e1), (200, &e2), (400, &e4)],
        data,
    );
    // Fixture `compound`, lines 1, 2 and 4.
    let head = "{ nested = { a = 1, inner = { b = 2 }, empty = { } }, pts = [ [0] = { x = 3, y = 4 }, [1] = { x = 5, y = 6 } ], grid = [ [0] = [ [0] = 7, [1] = 8, [2] = 9 ], [1] = [ [0] = 10, [1] = 11, [2] = 12 ] ], none = [ ], ";
    let tails = [
        "n = 2, seq = [ [0] = { v = 20 }, [1] = { v = 21 } ], tag = ( \"INT\" : container = 0 ), var = { 513 }, vars = [ [0] = { 7 }, [1] = { 8 } ] }\n",
        "n = 0, seq = [ ], tag = ( \"STR\" : container = 1 ), var = { \"hey\" }, vars = [ [0] = { \"a\" }, [1] = { \"b\" } ] }\n",
        "n = 0, seq = [ ], tag = ( \"_EMPTY\" : container = 3 ), var = { { } }, vars = [ [0] = { { } }, [1] = { { } } ] }\n",
    ];
    for (line, tail) in lines.iter().zip(tails) {
        assert!(
            line.ends_with(&format!("compound: {{ cpu_id = 0 }}, {head}{tail}")),
            "{line}"
        );
    }
}

#[test]
fn mismatched_values_cut_the_scope_short() {
    // A decoder bug must not panic the printer: the line ends where the values stop matching.
    let payload = st(vec![member("a", u8t()), member("b", u8t())]);
    let lines = print_payloads("bad", payload, &[(100, &[Struct, UInt(1)])], &[]);
    assert_eq!(
        lines[0],
        "[00:16:40.000000100] (+?.?????????) bad: { cpu_id = 0 }, { a = 1, b = \n"
    );
}
