//! API behaviour, automatic clock mapping, special-field checks, and robustness on hostile
//! input (no panic, bounded recursion and allocation).

use super::source::packetize;
use super::tests::{U8, err, int, ok, payload};
use super::*;
use crate::ctf::ir::FieldType;

/// A realistic LTTng-UST metadata (lttng-ust 2.x layout), used as fuzzing seed.
const LTTNG_UST: &str = r#"/* CTF 1.8 */
typealias integer { size = 8; align = 8; signed = false; } := uint8_t;
typealias integer { size = 16; align = 8; signed = false; } := uint16_t;
typealias integer { size = 32; align = 8; signed = false; } := uint32_t;
typealias integer { size = 64; align = 8; signed = false; } := uint64_t;
typealias integer { size = 64; align = 8; signed = false; } := unsigned long;
typealias integer { size = 5; align = 1; signed = false; } := uint5_t;
typealias integer { size = 27; align = 1; signed = false; } := uint27_t;
trace {
	major = 1; minor = 8; uuid = "59052333-e490-4ed9-af7a-b652437fba9a"; byte_order = le;
	packet.header := struct { uint32_t magic; uint8_t uuid[16]; uint32_t stream_id; };
};
env { hostname = "host"; domain = "ust"; tracer_name = "lttng-ust"; tracer_major = 2; };
clock {
	name = "monotonic"; uuid = "5f3ed925-9d73-4637-b8e4-02077abc8c8f";
	description = "Monotonic Clock"; freq = 1000000000; offset = 1375437179542680815;
};
typealias integer { size = 27; align = 1; signed = false; map = clock.monotonic.value; } := uint27_clock_monotonic_t;
typealias integer { size = 64; align = 8; signed = false; map = clock.monotonic.value; } := uint64_clock_monotonic_t;
struct packet_context {
	uint64_clock_monotonic_t timestamp_begin; uint64_clock_monotonic_t timestamp_end;
	uint64_t content_size; uint64_t packet_size; unsigned long events_discarded; uint32_t cpu_id;
};
struct event_header_compact {
	enum : uint5_t { compact = 0 ... 30, extended = 31 } id;
	variant <id> {
		struct { uint27_clock_monotonic_t timestamp; } compact;
		struct { uint32_t id; uint64_clock_monotonic_t timestamp; } extended;
	} v;
} align(8);
stream {
	id = 0; event.header := struct event_header_compact; packet.context := struct packet_context;
	event.context := struct { integer { size = 32; align = 8; signed = 1; } _vtid; };
};
event {
	name = "ust_tests:tp"; id = 0; stream_id = 0; loglevel = 13;
	fields := struct {
		integer { size = 64; align = 8; signed = 0; encoding = none; base = 10; } __seq_length;
		integer { size = 8; align = 8; signed = 1; encoding = UTF8; base = 10; } _seq[ __seq_length ];
		floating_point { exp_dig = 11; mant_dig = 53; align = 8; } _d;
		string _s;
	};
};
"#;

#[test]
fn seed_metadata_parses_without_warnings() {
    let m = parse_metadata_bytes(LTTNG_UST.as_bytes(), "seed").unwrap();
    assert!(m.warnings.is_empty(), "{:?}", m.warnings);
    let ev = &m.class.streams[0].events[0];
    assert_eq!((ev.name.as_str(), ev.loglevel), ("ust_tests:tp", Some(13)));
}

#[test]
fn error_display_is_one_line_with_position() {
    let e = parse_metadata_bytes(
        b"/* CTF 1.8 */\ntrace {\n  major = 2; byte_order = le;\n};",
        "dir/metadata",
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "dir/metadata:3:11: unsupported CTF version: trace `major` is 2, expected 1"
    );
    assert_eq!(e.position(), Some((3, 11)));
    assert_eq!(
        e.message(),
        "unsupported CTF version: trace `major` is 2, expected 1"
    );
    let e = parse_metadata_bytes(b"/* CTF 1.8 */ env { a = 1; };", "m").unwrap_err();
    assert_eq!(e.to_string(), "m: the metadata has no `trace` block");
    let e = parse_metadata_bytes(b"\x1e{\"type\": \"preamble\"}", "m").unwrap_err();
    assert_eq!(e.to_string(), "m: unsupported format: CTF 2");
    let e = parse_metadata_bytes(b"trace { major = 1; minor = 8; \"a\\nb\" };", "m").unwrap_err();
    assert_eq!(
        e.to_string(),
        "m:1:31: syntax error: unexpected string \"a\\nb\", expected an attribute name or `}`"
    );
    let e = parse_metadata_file(std::path::Path::new("/nonexistent/metadata")).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("/nonexistent/metadata: cannot read metadata:"),
        "{e}"
    );
}

#[test]
fn packetized_metadata_through_the_api() {
    let packets = packetize(LTTNG_UST.as_bytes(), 100, true, [3; 16]);
    let m = parse_metadata_bytes(&packets, "p").unwrap();
    assert_eq!(m.class.streams[0].events.len(), 1);
    // The signature comment is optional in packets.
    let text = LTTNG_UST.replace("/* CTF 1.8 */", "");
    let m = parse_metadata_bytes(&packetize(text.as_bytes(), 4096, false, [3; 16]), "p").unwrap();
    assert!(m.warnings.is_empty());
}

#[test]
fn warnings_for_accepted_oddities() {
    let text = "trace { major = 1; minor = 8; byte_order = le; color = blue; };\n\
                event { name = e; fields := struct { integer { size = 8; shape = round; } x; }; };";
    let m = parse_metadata_bytes(text.as_bytes(), "w").unwrap();
    assert_eq!(
        m.warnings,
        vec![
            "w: plain text metadata does not start with the `/* CTF 1.8` signature",
            "w:1:48: unknown attribute `color` in trace block (ignored)",
            "w:2:58: unknown attribute `shape` in integer (ignored)",
        ]
    );
}

#[test]
fn timestamps_are_mapped_to_the_only_clock() {
    let fields = "integer { size = 64; } timestamp_begin; integer { size = 64; } timestamp_end;";
    let m = ok(&format!(
        "stream {{ packet.context := struct {{ {fields} }};\n\
         event.header := struct {{ integer {{ size = 32; }} id; integer {{ size = 64; }} timestamp; }}; }};\n\
         event {{ name = e; }};"
    ));
    // No clock: a 1 GHz clock named `default` is created.
    assert_eq!(m.class.clocks.len(), 1);
    assert_eq!(
        (m.class.clocks[0].name.as_str(), m.class.clocks[0].freq),
        ("default", 1_000_000_000)
    );
    let s = &m.class.streams[0];
    for scope in [&s.packet_context, &s.event_header] {
        let st = scope.as_ref().and_then(|t| t.as_struct()).unwrap();
        let mapped: Vec<_> = st.fields.iter().map(|f| int(&f.ty).mapped_clock).collect();
        assert!(mapped.contains(&Some(0)), "{mapped:?}");
    }
    let e = err(&format!(
        "clock {{ name = a; }}; clock {{ name = b; }}; stream {{ packet.context := struct {{ {fields} }}; }};"
    ));
    assert!(
        e.contains("cannot map field `timestamp_begin` to a clock automatically"),
        "{e}"
    );
    // An explicit `map` is kept.
    let m = ok("clock { name = a; }; clock { name = b; };\n\
        stream { event.header := struct { integer { size = 64; map = clock.b.value; } timestamp; }; };");
    let h = m.class.streams[0]
        .event_header
        .as_ref()
        .unwrap()
        .as_struct()
        .unwrap();
    assert_eq!(int(&h.fields[0].ty).mapped_clock, Some(1));
}

#[test]
fn fields_with_implicit_meaning_are_checked() {
    let hdr = |fields: &str| {
        let text = format!(
            "/* CTF 1.8 */ {U8} trace {{ major = 1; minor = 8; byte_order = le; packet.header := struct {{ {fields} }}; }};"
        );
        parse_metadata_bytes(text.as_bytes(), "t").map_err(|e| e.to_string())
    };
    let magic = "integer { size = 32; } magic;";
    assert!(hdr(&format!("{magic} uint8_t uuid[16];")).is_ok());
    for (fields, msg) in [
        (
            format!("uint8_t x; {magic}"),
            "`magic` must be the first field",
        ),
        (
            "integer { size = 16; } magic;".to_string(),
            "`magic` must be the first field",
        ),
        (
            format!("{magic} uint8_t uuid[15];"),
            "`uuid` in the packet header must be",
        ),
        (
            "integer { size = 8; signed = true; } stream_id;".into(),
            "`stream_id` in the packet header must be an unsigned",
        ),
    ] {
        let e = hdr(&fields).unwrap_err();
        assert!(e.contains(msg), "{fields}: {e}");
    }
    let e = err("stream { packet.context := struct { string packet_size; }; };");
    assert!(
        e.contains("`packet_size` in the packet context must be an unsigned integer"),
        "{e}"
    );
    let e = err(&format!(
        "{U8}stream {{ event.header := struct {{ uint8_t x; }}; }}; event {{ name = a; id = 0; }}; event {{ name = b; id = 1; }};"
    ));
    assert!(e.contains("the event header has no `id` field"), "{e}");
    let e = err("stream { id = 0; }; stream { id = 1; };");
    assert!(
        e.contains("no `stream_id` field but the trace has several stream classes"),
        "{e}"
    );
}

#[test]
fn deep_types_are_errors_not_stack_overflows() {
    // Each alias wraps the previous one: shallow syntax, deep type.
    let mut s = format!("{U8}typealias struct {{ uint8_t a; }} := t0;\n");
    for i in 1..200 {
        s.push_str(&format!("typealias struct {{ t{} a; }} := t{i};\n", i - 1));
    }
    assert!(err(&s).contains("nested more than"));
    let dims = "[1]".repeat(10_000);
    assert!(
        err(&format!(
            "{U8}event {{ name = e; fields := struct {{ uint8_t x{dims}; }}; }};"
        ))
        .contains("too many array dimensions")
    );
    let nested = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
    assert!(err(&format!("env {{ x = {nested}; }};")).contains("nested more than"));
    let variants = "variant <x> { ".repeat(5_000);
    assert!(
        err(&format!(
            "event {{ name = e; fields := struct {{ {variants} }}; }};"
        ))
        .contains("nested more than")
    );
}

#[test]
fn no_panic_on_truncated_or_corrupted_metadata() {
    let seed = LTTNG_UST.as_bytes();
    for end in 0..seed.len() {
        let _ = parse_metadata_bytes(&seed[..end], "fuzz");
    }
    let mut buf = seed.to_vec();
    let replacements = [b'{', b'}', b';', b'[', b'"', b'0', b'_', 0x00, 0xFF, b'.'];
    for i in 0..buf.len() {
        let original = buf[i];
        for (k, &r) in replacements.iter().enumerate() {
            if (i + k) % 3 == 0 {
                buf[i] = r;
                let _ = parse_metadata_bytes(&buf, "fuzz");
            }
        }
        buf[i] = original;
    }
    let packets = packetize(seed, 50, false, [9; 16]);
    for end in (0..packets.len()).step_by(7) {
        let _ = parse_metadata_bytes(&packets[..end], "fuzz");
    }
}

#[test]
fn huge_values_do_not_allocate() {
    let m = ok(&format!(
        "{U8}event {{ name = e; id = 18446744073709551615; fields := struct {{ uint8_t x[4000000000][4000000000]; }}; }};"
    ));
    assert_eq!(m.class.streams[0].events[0].id, u64::MAX);
    let FieldType::Array(a) = &payload(&m, 0).fields[0].ty else {
        panic!()
    };
    assert_eq!(a.length, 4_000_000_000);
}
