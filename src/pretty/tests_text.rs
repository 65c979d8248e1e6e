//! Strings and text arrays: escaping, NULs, and babeltrace2's rule for which arrays are text.
//! Expected lines: babeltrace2 2.0.4 on the fixtures of `bt2_fixtures.py`.

use crate::ctf::ir::{Encoding, FieldType, Scope};
use crate::ctf::value::Value::{Array, Struct, Text, UInt};

use super::tests::*;
use super::tests_fields::{T0, fixture};

#[test]
fn strings_and_text_arrays() {
    let payload = st(vec![
        member("s", FieldType::String(Encoding::Utf8)),
        member("arr", array(char8(Encoding::Utf8), 8)),
        member("len", u8t()),
        member(
            "seq",
            sequence(char8(Encoding::Ascii), Scope::EventPayload, &[2]),
        ),
        member("notext", array(u8t(), 3)),
    ]);
    let mut data = (1u8..32).collect::<Vec<u8>>();
    data.extend_from_slice(b"\x7f\\'\"?");
    data.extend_from_slice("é€".as_bytes());
    data.extend_from_slice(b"\x80\xff");
    let s_len = data.len();
    data.extend_from_slice(b"ab\0cdefgx\ty12345678a\0bc\0\0\0\0\0\0\0\0");
    let text = |start: usize, len: usize| Text { start, len };
    let (arr, seq, full, nul) = (s_len, s_len + 8, s_len + 11, s_len + 19);
    let e1 = [
        Struct,
        text(0, s_len),
        text(arr, 8),
        UInt(3),
        text(seq, 3),
        Array { len: 3 },
        UInt(1),
        UInt(2),
        UInt(3),
    ];
    let e2 = [
        Struct,
        text(0, 0),
        text(full, 8),
        UInt(0),
        text(seq, 0),
        Array { len: 3 },
        UInt(0),
        UInt(0),
        UInt(255),
    ];
    let e3 = [
        Struct,
        text(0, 0),
        text(nul + 4, 8),
        UInt(4),
        text(nul, 4),
        Array { len: 3 },
        UInt(0),
        UInt(1),
        UInt(2),
    ];
    let tc = fixture("strings", payload);
    let mut p = gmt_printer();
    let packet = lttng_packet_values(0, &[]);
    let events = [&e1[..], &e2, &e3];
    let mut lines = events.iter().zip([100, 200, 300]).map(|(values, t)| {
        let scopes = Scopes {
            packet: Some(&packet),
            payload: Some(values),
            data: &data,
            ..Scopes::default()
        };
        print_event_bytes(&mut p, &tc, 0, Some(ts(T0 + t)), &scopes)
    });
    // Fixture `strings`, line 1 (raw bytes: UTF-8 and invalid bytes go out unchanged).
    let mut expected = b"[00:16:40.000000100] (+?.?????????) strings: { cpu_id = 0 }, { s = \"\\x01\\x02\\x03\\x04\\x05\\x06\\a\\b\\t\\n\\v\\f\\r\\x0e\\x0f\\x10\\x11\\x12\\x13\\x14\\x15\\x16\\x17\\x18\\x19\\x1a\\e\\x1c\\x1d\\x1e\\x1f\\x7f\\\\\\'\\\"\\?".to_vec();
    expected.extend_from_slice("é€".as_bytes());
    expected.extend_from_slice(b"\x80\xff\", arr = \"ab\", len = 3, seq = \"x\\ty\", notext = [ [0] = 1, [1] = 2, [2] = 3 ] }\n");
    assert_eq!(lines.next(), Some(expected));
    // Fixture `strings`, lines 2 and 3: empty string, full text array, NULs in text.
    let line2 = lines.next().expect("line 2");
    assert!(line2.ends_with(b"{ s = \"\", arr = \"12345678\", len = 0, seq = \"\", notext = [ [0] = 0, [1] = 0, [2] = 255 ] }\n"));
    let line3 = lines.next().expect("line 3");
    assert!(line3.ends_with(
        b"{ s = \"\", arr = \"\", len = 4, seq = \"a\", notext = [ [0] = 0, [1] = 1, [2] = 2 ] }\n"
    ));
}

#[test]
fn arrays_at_the_edge_of_the_text_rule() {
    // bt2 shows as text only arrays of 8-bit integers or enumerations aligned on exactly 8
    // bits with an encoding; the printer follows it whatever form the decoder chose.
    let mut a16 = int_type(8, false, 10);
    a16.align_bits = 16;
    a16.encoding = Encoding::Utf8;
    let mut e8 = int_type(8, false, 10);
    e8.encoding = Encoding::Utf8;
    let mut s8 = int_type(8, true, 10);
    s8.encoding = Encoding::Utf8;
    let payload = st(vec![
        member("a16", array(FieldType::Int(a16), 3)),
        member("etext", array(enumeration(e8, &[("X", &[(104, 104)])]), 3)),
        member("stext", array(FieldType::Int(s8), 3)),
    ]);
    let data = b"hi!\xffab";
    let values = [
        Struct,
        Text { start: 0, len: 3 },
        Array { len: 3 },
        UInt(104),
        UInt(101),
        UInt(121),
        Text { start: 3, len: 3 },
    ];
    let tc = fixture("te", payload);
    let packet = lttng_packet_values(0, &[]);
    let scopes = Scopes {
        packet: Some(&packet),
        payload: Some(&values),
        data,
        ..Scopes::default()
    };
    let line = print_event_bytes(&mut gmt_printer(), &tc, 0, Some(ts(T0 + 100)), &scopes);
    // Fixture `textedge`, line 1.
    let expected = b"[00:16:40.000000100] (+?.?????????) te: { cpu_id = 0 }, { a16 = [ [0] = 104, [1] = 105, [2] = 33 ], etext = \"hey\", stext = \"\xffab\" }\n";
    assert_eq!(line, expected);
}
