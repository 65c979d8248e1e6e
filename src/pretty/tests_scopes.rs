//! Which columns and scopes appear: environment columns, hidden fields, absent and empty
//! scopes, event names; checked against fixtures and real LTTng traces.

use crate::ctf::ir::{Encoding, EnvValue, FieldPath, FieldType, IntType, Scope};
use crate::ctf::value::Value::{Array, SInt, Struct, Text, UInt};

use super::tests::*;

const T0: i64 = 1_000_000_000_000;

/// Fixture `header`: every scope, environment columns, hidden fields.
fn header_trace() -> crate::ctf::ir::TraceClass {
    let mut hdr = event_class(
        0,
        "hdr",
        Some(st(vec![
            member("mapped", clk64()),
            member("seq", sequence(u8t(), Scope::StreamEventContext, &[0])),
            member(
                "nest",
                st(vec![
                    member("timestamp_begin", clk64()),
                    member("keep", u8t()),
                ]),
            ),
            member("after", u8t()),
        ])),
    );
    hdr.context = Some(st(vec![member("ectx", u8t())]));
    let events = vec![
        hdr,
        event_class(1, "empty", Some(st(vec![]))),
        event_class(2, "nopayload", None),
        event_class(3, "onlyhidden", Some(st(vec![member("m", clk64())]))),
    ];
    let nested = st(vec![member("timestamp_end", clk64()), member("z", u8t())]);
    let mut sc = stream_class(
        Some(lttng_packet_context(vec![member("nested_ctx", nested)])),
        events,
    );
    sc.event_context = Some(st(vec![
        member("slen", u8t()),
        member("vtid", int(32, false, 10)),
    ]));
    let env = [
        ("hostname", EnvValue::Str("hostA".into())),
        ("domain", EnvValue::Str("ust".into())),
        ("procname", EnvValue::Str("my-app".into())),
        ("vpid", EnvValue::Int(4242)),
        ("trace_name", EnvValue::Str("tn".into())),
    ];
    trace_class(&env, sc, 1000)
}

#[test]
fn environment_columns_hidden_fields_and_scopes() {
    let tc = header_trace();
    let mut p = gmt_printer();
    let packet = lttng_packet_values(0, &[Struct, UInt(99), UInt(3)]);
    let stream_ctx = [Struct, UInt(2), UInt(77)];
    let payloads: [Option<&[_]>; 4] = [
        Some(&[
            Struct,
            UInt(12345),
            Array { len: 2 },
            UInt(1),
            UInt(2),
            Struct,
            UInt(5),
            UInt(6),
            UInt(7),
        ]),
        Some(&[Struct]),
        None,
        Some(&[Struct, UInt(1)]),
    ];
    let lines: Vec<String> = payloads
        .iter()
        .enumerate()
        .map(|(i, payload)| {
            let scopes = Scopes {
                packet: Some(&packet),
                stream_ctx: Some(&stream_ctx),
                event_ctx: (i == 0).then_some(&[Struct, UInt(9)][..]),
                payload: *payload,
                data: &[],
            };
            print_event(&mut p, &tc, i, Some(ts(T0 + 100 * (i as i64 + 1))), &scopes)
        })
        .collect();
    // Fixture `header`, lines 1 to 4: `domain` is not shown; clock-mapped fields, even nested
    // ones, are hidden; a sequence length in another scope shows; an empty payload prints
    // `{ }` but one emptied by hiding disappears like an absent one.
    assert_eq!(
        lines[0],
        "[00:16:40.000000100] (+?.?????????) hostA:my-app:(4242) hdr: { cpu_id = 0, nested_ctx = { z = 3 } }, { slen = 2, vtid = 77 }, { ectx = 9 }, { seq = [ [0] = 1, [1] = 2 ], nest = { keep = 6 }, after = 7 }\n"
    );
    assert_eq!(
        lines[1],
        "[00:16:40.000000200] (+0.000000100) hostA:my-app:(4242) empty: { cpu_id = 0, nested_ctx = { z = 3 } }, { slen = 2, vtid = 77 }, { }\n"
    );
    assert_eq!(
        lines[2],
        "[00:16:40.000000300] (+0.000000100) hostA:my-app:(4242) nopayload: { cpu_id = 0, nested_ctx = { z = 3 } }, { slen = 2, vtid = 77 }\n"
    );
    assert_eq!(
        lines[3],
        "[00:16:40.000000400] (+0.000000100) hostA:my-app:(4242) onlyhidden: { cpu_id = 0, nested_ctx = { z = 3 } }, { slen = 2, vtid = 77 }\n"
    );
}

#[test]
fn packet_context_meanings_and_automatic_clock_mapping() {
    // Fixture `pctx`: unmapped `timestamp_begin`/`timestamp_end` below the packet context are
    // mapped to the clock (hidden); `events_discarded` is special only as a direct member;
    // array elements are never auto-mapped. An empty event name prints `<unknown>`.
    let inner = st(vec![
        member("timestamp_begin", int(64, false, 10)),
        member("timestamp_end", int(64, false, 10)),
        member("events_discarded", int(64, false, 10)),
    ]);
    let pc = lttng_packet_context(vec![
        member("inner", inner),
        member("arr", array(int(64, false, 10), 1)),
    ]);
    let sc = stream_class(
        Some(pc),
        vec![event_class(0, "", Some(st(vec![member("i", u8t())])))],
    );
    let tc = trace_class(&[], sc, 1000);
    let packet = lttng_packet_values(
        0,
        &[Struct, UInt(1), UInt(2), UInt(3), Array { len: 1 }, UInt(4)],
    );
    let scopes = Scopes {
        packet: Some(&packet),
        payload: Some(&[Struct, UInt(1)]),
        ..Scopes::default()
    };
    let line = print_event(&mut gmt_printer(), &tc, 0, Some(ts(T0 + 100)), &scopes);
    assert_eq!(
        line,
        "[00:16:40.000000100] (+?.?????????) <unknown>: { cpu_id = 0, inner = { events_discarded = 3 }, arr = [ [0] = 4 ] }, { i = 1 }\n"
    );
}

/// Fixture `depends`: a clock-mapped sequence length and variant tag.
fn depends_trace() -> crate::ctf::ir::TraceClass {
    let tag = enumeration(
        IntType {
            mapped_clock: Some(0),
            ..int_type(8, false, 10)
        },
        &[("A", &[(0, 0)]), ("B", &[(1, 1)]), ("C", &[(2, 2)])],
    );
    let tag_path = FieldPath {
        scope: Scope::EventPayload,
        indices: vec![1],
    };
    let options = vec![
        member("A", clk64()),
        member("B", st(vec![member("x", clk64())])),
        member("C", u8t()),
    ];
    let payload = st(vec![
        member("seq", sequence(u8t(), Scope::StreamEventContext, &[0])),
        member("tag", tag),
        member("v", variant(tag_path, options)),
    ]);
    let mut sc = stream_class(
        Some(lttng_packet_context(vec![])),
        vec![event_class(0, "dep", Some(payload))],
    );
    sc.event_context = Some(st(vec![member("n", clk64())]));
    trace_class(&[], sc, 1000)
}

#[test]
fn dependents_and_forced_variant_options() {
    // Fixture `depends`, lines 1 to 3: a clock-mapped sequence length or variant tag stays
    // visible; once a variant is kept, all its options are, even a clock-mapped integer (A),
    // while a structure option keeps hiding its mapped member (B prints `{ }`).
    let tc = depends_trace();
    let packet = lttng_packet_values(0, &[]);
    use crate::ctf::value::Value::Variant;
    let events: [(&[_], &[_]); 3] = [
        (
            &[Struct, UInt(2)],
            &[
                Struct,
                Array { len: 2 },
                UInt(7),
                UInt(8),
                UInt(0),
                Variant { option: 0 },
                UInt(55),
            ],
        ),
        (
            &[Struct, UInt(0)],
            &[
                Struct,
                Array { len: 0 },
                UInt(1),
                Variant { option: 1 },
                Struct,
                UInt(66),
            ],
        ),
        (
            &[Struct, UInt(1)],
            &[
                Struct,
                Array { len: 1 },
                UInt(9),
                UInt(2),
                Variant { option: 2 },
                UInt(77),
            ],
        ),
    ];
    let mut p = gmt_printer();
    let lines: Vec<String> = events
        .iter()
        .zip([100, 200, 300])
        .map(|((ctx, payload), t)| {
            let scopes = Scopes {
                packet: Some(&packet),
                stream_ctx: Some(ctx),
                payload: Some(payload),
                ..Scopes::default()
            };
            print_event(&mut p, &tc, 0, Some(ts(T0 + t)), &scopes)
        })
        .collect();
    assert_eq!(
        lines[0],
        "[00:16:40.000000100] (+?.?????????) dep: { cpu_id = 0 }, { n = 2 }, { seq = [ [0] = 7, [1] = 8 ], tag = ( \"A\" : container = 0 ), v = { 55 } }\n"
    );
    assert_eq!(
        lines[1],
        "[00:16:40.000000200] (+0.000000100) dep: { cpu_id = 0 }, { n = 0 }, { seq = [ ], tag = ( \"B\" : container = 1 ), v = { { } } }\n"
    );
    assert_eq!(
        lines[2],
        "[00:16:40.000000300] (+0.000000100) dep: { cpu_id = 0 }, { n = 1 }, { seq = [ [0] = 9 ], tag = ( \"C\" : container = 2 ), v = { 77 } }\n"
    );
}

#[test]
fn packet_context_with_only_special_fields_is_absent() {
    // conformance/succeed/ev-disc-no-ts-begin-end (no clock): `ev: { s = "hello" }`.
    let pc = st(vec![
        member("packet_size", u8t()),
        member("events_discarded", u8t()),
    ]);
    let payload = st(vec![member("s", FieldType::String(Encoding::Utf8))]);
    let sc = stream_class(Some(pc), vec![event_class(0, "ev", Some(payload))]);
    let tc = trace_class(&[], sc, 0);
    let scopes = Scopes {
        packet: Some(&[Struct, UInt(64), UInt(17)]),
        payload: Some(&[Struct, Text { start: 0, len: 5 }]),
        data: b"hello",
        ..Scopes::default()
    };
    let line = print_event(&mut gmt_printer(), &tc, 0, None, &scopes);
    assert_eq!(line, "ev: { s = \"hello\" }\n");
}

#[test]
fn real_kernel_event() {
    // kernel/many-threads, line 1.
    let payload = st(vec![
        member("_comm", array(char8(Encoding::Utf8), 16)),
        member("_tid", int(32, true, 10)),
        member("_prio", int(32, true, 10)),
        member("_target_cpu", int(32, true, 10)),
    ]);
    let sc = stream_class(
        Some(lttng_packet_context(vec![])),
        vec![event_class(0, "sched_waking", Some(payload))],
    );
    let env = [
        ("hostname", EnvValue::Str("wilbrod".into())),
        ("domain", EnvValue::Str("kernel".into())),
    ];
    let tc = trace_class(&env, sc, 0);
    let packet = lttng_packet_values(2, &[]);
    let scopes = Scopes {
        packet: Some(&packet),
        payload: Some(&[
            Struct,
            Text { start: 0, len: 16 },
            SInt(4297),
            SInt(20),
            SInt(5),
        ]),
        data: b"lttng-consumerd\0",
        ..Scopes::default()
    };
    let line = print_event(
        &mut gmt_printer(),
        &tc,
        0,
        Some(ts(1_457_113_582_794_565_804)),
        &scopes,
    );
    assert_eq!(
        line,
        "[17:46:22.794565804] (+?.?????????) wilbrod sched_waking: { cpu_id = 2 }, { comm = \"lttng-consumerd\", tid = 4297, prio = 20, target_cpu = 5 }\n"
    );
}

#[test]
fn real_ust_event_with_contexts() {
    // ust/memory, line 1: stream event context with a text array, hexadecimal pointer.
    let payload = st(vec![
        member("size", int(64, false, 10)),
        member("ptr", int(64, false, 16)),
    ]);
    let mut sc = stream_class(
        Some(lttng_packet_context(vec![])),
        vec![event_class(0, "lttng_ust_libc:malloc", Some(payload))],
    );
    sc.event_context = Some(st(vec![
        member("_procname", array(char8(Encoding::Utf8), 17)),
        member("_vtid", int(32, true, 10)),
    ]));
    let tc = trace_class(&[("hostname", EnvValue::Str("elxa5slvvz1".into()))], sc, 0);
    let packet = lttng_packet_values(3, &[]);
    let scopes = Scopes {
        packet: Some(&packet),
        stream_ctx: Some(&[Struct, Text { start: 0, len: 17 }, SInt(10611)]),
        payload: Some(&[Struct, UInt(8), UInt(0x1F4_BEE0)]),
        data: b"challenger\0\0\0\0\0\0\0",
        ..Scopes::default()
    };
    let line = print_event(
        &mut gmt_printer(),
        &tc,
        0,
        Some(ts(1_448_652_394_359_148_425)),
        &scopes,
    );
    assert_eq!(
        line,
        "[19:26:34.359148425] (+?.?????????) elxa5slvvz1 lttng_ust_libc:malloc: { cpu_id = 3 }, { procname = \"challenger\", vtid = 10611 }, { size = 8, ptr = 0x1F4BEE0 }\n"
    );
}

#[test]
fn procname_and_vpid_without_hostname() {
    // conformance/succeed/wk-heartbeat-u, line 1: env has procname and vpid, no hostname.
    let payload = st(vec![member("_msg", FieldType::String(Encoding::Utf8))]);
    let mut sc = stream_class(
        Some(lttng_packet_context(vec![])),
        vec![event_class(0, "heartbeat:msg", Some(payload))],
    );
    sc.event_context = Some(st(vec![
        member("_vtid", int(32, true, 10)),
        member("_vpid", int(32, true, 10)),
    ]));
    let env = [
        ("vpid", EnvValue::Int(3208)),
        ("procname", EnvValue::Str("wk-heartbeat".into())),
        ("domain", EnvValue::Str("ust".into())),
    ];
    let tc = trace_class(&env, sc, 0);
    let packet = lttng_packet_values(2, &[]);
    let scopes = Scopes {
        packet: Some(&packet),
        stream_ctx: Some(&[Struct, SInt(3214), SInt(3208)]),
        payload: Some(&[Struct, Text { start: 0, len: 9 }]),
        data: b"heartbeat",
        ..Scopes::default()
    };
    let line = print_event(
        &mut gmt_printer(),
        &tc,
        0,
        Some(ts(1_351_532_897_586_558_519)),
        &scopes,
    );
    assert_eq!(
        line,
        "[17:48:17.586558519] (+?.?????????) wk-heartbeat:(3208) heartbeat:msg: { cpu_id = 2 }, { vtid = 3214, vpid = 3208 }, { msg = \"heartbeat\" }\n"
    );
}

#[test]
fn no_clock_no_packet_context() {
    // conformance/succeed/no-packet-context, line 3.
    let payload = st(vec![member("s", FieldType::String(Encoding::Utf8))]);
    let tc = trace_class(
        &[],
        stream_class(None, vec![event_class(0, "ev", Some(payload))]),
        0,
    );
    let scopes = Scopes {
        payload: Some(&[Struct, Text { start: 0, len: 14 }]),
        data: b"I'm fine, you?",
        ..Scopes::default()
    };
    let line = print_event(&mut gmt_printer(), &tc, 0, None, &scopes);
    assert_eq!(line, "ev: { s = \"I\\'m fine, you\\?\" }\n");
}
