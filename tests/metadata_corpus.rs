//! The metadata parser against the real traces under `$LTTNG_TUI_TRACES` (the Trace Compass
//! test traces and babeltrace2's CTF conformance corpus). Skipped when the variable is unset.
#![allow(clippy::unwrap_used)] // tests fail loudly by design

mod common;

use std::path::{Path, PathBuf};
use std::time::Instant;

use lttng_tui::ctf::ir::{
    ByteOrder, Encoding, FieldPath, FieldType, IntType, Scope, StructType, TraceClass,
};
use lttng_tui::ctf::metadata::{ParsedMetadata, parse_metadata_file};

use common::traces_dir;

/// Every file named `metadata` under `dir`, sorted.
fn metadata_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            metadata_files(&p, out);
        } else if p.file_name().is_some_and(|n| n == "metadata") {
            out.push(p);
        }
    }
}

fn parse(root: &Path, trace: &str) -> ParsedMetadata {
    let path = root.join(trace).join("metadata");
    parse_metadata_file(&path).unwrap_or_else(|e| panic!("{e}"))
}

fn int(ty: &FieldType) -> &IntType {
    match ty {
        FieldType::Int(i) => i,
        FieldType::Enum(e) => &e.container,
        FieldType::Array(a) => int(&a.element),
        FieldType::Sequence(s) => int(&s.element),
        other => panic!("not an integer: {other:?}"),
    }
}

fn st(ty: &Option<FieldType>) -> &StructType {
    ty.as_ref()
        .and_then(FieldType::as_struct)
        .expect("structure")
}

fn event<'a>(c: &'a TraceClass, name: &str) -> &'a lttng_tui::ctf::ir::EventClass {
    c.streams
        .iter()
        .flat_map(|s| &s.events)
        .find(|e| e.name == name)
        .unwrap_or_else(|| panic!("no event {name}"))
}

#[test]
fn every_good_metadata_parses() {
    let Some(root) = traces_dir() else { return };
    let mut files = Vec::new();
    for sub in ["kernel", "ust", "other", "conformance/succeed"] {
        metadata_files(&root.join(sub), &mut files);
    }
    assert!(
        files.len() > 40,
        "only {} metadata files found",
        files.len()
    );
    let failures: Vec<String> = files
        .iter()
        .filter_map(|f| parse_metadata_file(f).err())
        .map(|e| e.to_string())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The conformance traces babeltrace2 refuses because of their metadata, with our message.
#[test]
fn bad_metadata_is_refused_with_a_clear_message() {
    let Some(root) = traces_dir() else { return };
    let fail = root.join("conformance/fail");
    for (trace, expected) in [
        (
            "fail1",
            "fail1/metadata:15:10: unsupported CTF version: trace `major` is 0, expected 1",
        ),
        (
            "smalltrace",
            "smalltrace/metadata:6:10: unsupported CTF version: trace `major` is 0",
        ),
        (
            "fail2",
            "fail2/metadata:9:16: invalid escape sequence `\\o` in string literal",
        ),
        (
            "integer-range",
            "integer-range/metadata:7:10: integer literal `2345239785634897562389",
        ),
        (
            "metadata-syntax-error",
            "metadata-syntax-error/metadata:3:58: syntax error: unexpected `]`",
        ),
        (
            "invalid-sequence-length-field-class",
            "metadata:23:13: sequence length `len` is a structure, expected an unsigned integer",
        ),
        (
            "invalid-variant-selector-field-class",
            "metadata:23:3: variant tag `selector` is a structure, expected an enumeration",
        ),
        (
            "lttng-modules-2.0-pre1",
            "metadata: metadata packet at offset 0: unsupported version 116.121 (expecting 1.8)",
        ),
        (
            "packet-based-metadata",
            "metadata: metadata packet at offset 0: unsupported version 116.121 (expecting 1.8)",
        ),
    ] {
        let e = parse_metadata_file(&fail.join(trace).join("metadata"))
            .expect_err(trace)
            .to_string();
        assert!(e.contains(expected), "{trace}: {e}");
        assert!(!e.contains('\n'), "{trace}: multi-line message");
    }
    // These fail later, in the data: their metadata is fine.
    for trace in [
        "invalid-packet-size/trace",
        "valid-events-then-invalid-events/trace",
    ] {
        parse(&fail, trace);
    }
}

#[test]
fn many_threads() {
    let Some(root) = traces_dir() else { return };
    let m = parse(&root, "kernel/many-threads");
    let c = &m.class;
    assert!(m.warnings.is_empty(), "{:?}", m.warnings);
    assert_eq!((c.major, c.minor, c.byte_order), (1, 8, ByteOrder::Le));
    assert_eq!(c.streams.len(), 1);
    assert_eq!(c.streams[0].events.len(), 1181);
    let clock = &c.clocks[0];
    assert_eq!(
        (clock.name.as_str(), clock.freq),
        ("monotonic", 1_000_000_000)
    );
    // offset = 1457111225177515989 ns, split into seconds and cycles.
    assert_eq!(
        (clock.offset_s, clock.offset_cycles),
        (1_457_111_225, 177_515_989)
    );
    assert!(clock.absolute, "LTTng monotonic clocks are absolute");
    assert_eq!(
        c.env("tracer_name").map(|v| v.to_string()).as_deref(),
        Some("lttng-modules")
    );
    let switch = event(c, "sched_switch");
    assert_eq!(switch.id, 1180);
    let fields: Vec<_> = st(&switch.payload)
        .fields
        .iter()
        .map(|f| (f.display_name.as_str(), int(&f.ty).size_bits))
        .collect();
    assert_eq!(
        fields,
        [
            ("prev_comm", 8),
            ("prev_tid", 32),
            ("prev_prio", 32),
            ("prev_state", 64),
            ("next_comm", 8),
            ("next_tid", 32),
            ("next_prio", 32)
        ]
    );
    assert!(st(&switch.payload).fields[0].ty.is_text_container());
    // The compact event header: a 5-bit enum `id` selecting `compact` or `extended`.
    let header = st(&c.streams[0].event_header);
    assert_eq!(header.min_align_bits, 8);
    let FieldType::Variant(v) = &header.fields[1].ty else {
        panic!()
    };
    let sel: Vec<_> = v.selectors.iter().map(|r| (r.lo, r.hi, r.option)).collect();
    assert_eq!(sel, [(0, 30, 0), (31, 31, 1)]);
    assert_eq!(
        v.tag,
        FieldPath {
            scope: Scope::EventHeader,
            indices: vec![0]
        }
    );
    let ctx = st(&c.streams[0].packet_context);
    assert!(
        ctx.fields
            .iter()
            .take(2)
            .all(|f| int(&f.ty).mapped_clock == Some(0))
    );
}

#[test]
fn funky_trace_odd_sizes_and_variant() {
    let Some(root) = traces_dir() else { return };
    let c = parse(&root, "other/funky_trace").class;
    let clock = &c.clocks[0];
    assert_eq!(
        (clock.offset_s, clock.offset_cycles, clock.precision),
        (1_351_530_929_945_824_323, 1_234_567, 10)
    );
    let simple = st(&event(&c, "Simple Event").payload);
    assert_eq!(simple.min_align_bits, 32);
    assert_eq!(
        (
            int(&simple.fields[0].ty).size_bits,
            int(&simple.fields[0].ty).align_bits
        ),
        (12, 1)
    );
    let FieldType::Float(f) = &simple.fields[1].ty else {
        panic!()
    };
    assert_eq!((f.exp_dig, f.mant_dig, f.align_bits), (11, 53, 32));
    assert_eq!(
        int(&st(&event(&c, "Spammy_Event").payload).fields[0].ty).size_bits,
        17
    );
    let complex = st(&event(&c, "Complex Test Event").payload);
    assert_eq!(int(&complex.fields[0].ty).size_bits, 35);
    assert_eq!(int(&complex.fields[0].ty).base, 16);
    let FieldType::Struct(inner) = &complex.fields[2].ty else {
        panic!()
    };
    let FieldType::Variant(v) = &inner.fields[2].ty else {
        panic!()
    };
    assert_eq!(
        v.tag,
        FieldPath {
            scope: Scope::EventPayload,
            indices: vec![2, 0]
        }
    );
    let sel: Vec<_> = v.selectors.iter().map(|r| (r.lo, r.hi, r.option)).collect();
    assert_eq!(sel, [(0, 0, 0), (1, 1, 1), (2, 7, 2)]);
    let sizes: Vec<_> = v.options.iter().map(|o| int(&o.ty).size_bits).collect();
    assert_eq!(sizes, [3, 16, 35]);
    let FieldType::Struct(seq_holder) = &inner.fields[3].ty else {
        panic!()
    };
    let FieldType::Sequence(s) = &seq_holder.fields[1].ty else {
        panic!()
    };
    assert_eq!(
        s.length,
        FieldPath {
            scope: Scope::EventPayload,
            indices: vec![2, 3, 0]
        }
    );
}

#[test]
fn flipping_endianness_is_big_endian_and_naturally_aligned() {
    let Some(root) = traces_dir() else { return };
    let c = parse(&root, "kernel/flipping-endianness").class;
    assert_eq!(c.byte_order, ByteOrder::Be);
    let header = st(&c.packet_header);
    assert!(
        header
            .fields
            .iter()
            .all(|f| int(&f.ty).byte_order == ByteOrder::Be)
    );
    assert_eq!(int(&header.fields[0].ty).align_bits, 32);
    let eh = st(&c.streams[0].event_header);
    assert_eq!(eh.min_align_bits, 32);
    assert_eq!(c.streams[0].event_header.as_ref().unwrap().align_bits(), 32);
    let irq = st(&event(&c, "irq_handler_entry").payload);
    assert_eq!(
        (
            int(&irq.fields[0].ty).byte_order,
            int(&irq.fields[0].ty).align_bits
        ),
        (ByteOrder::Be, 32)
    );
}

#[test]
fn hello_lost_floats_sequences_and_network_fields() {
    let Some(root) = traces_dir() else { return };
    let c = parse(&root, "ust/hello-lost").class;
    let p = st(&event(&c, "ust_tests_hello:tptest").payload);
    let by_name = |n: &str| &p.fields.iter().find(|f| f.display_name == n).unwrap().ty;
    let FieldType::Float(f) = by_name("floatfield") else {
        panic!()
    };
    assert_eq!((f.exp_dig, f.mant_dig), (8, 24));
    let FieldType::Float(d) = by_name("doublefield") else {
        panic!()
    };
    assert_eq!((d.exp_dig, d.mant_dig), (11, 53));
    let FieldType::Sequence(s) = by_name("seqfield2") else {
        panic!()
    };
    assert_eq!(
        s.length,
        FieldPath {
            scope: Scope::EventPayload,
            indices: vec![9]
        }
    );
    assert_eq!(p.fields[9].display_name, "_seqfield2_length");
    assert_eq!(int(&s.element).encoding, Encoding::Utf8);
    assert_eq!(int(by_name("netintfield")).byte_order, ByteOrder::Be);
    assert_eq!(int(by_name("intfield")).byte_order, ByteOrder::Le);
    assert_eq!(event(&c, "ust_tests_hello:tptest").loglevel, Some(13));
}

#[test]
fn perf_timestamps_are_mapped_automatically() {
    let Some(root) = traces_dir() else { return };
    let c = parse(&root, "other/perf-taskset2").class;
    assert_eq!(c.clocks.len(), 1);
    let ctx = st(&c.streams[0].packet_context);
    let mapped: Vec<_> = ctx.fields.iter().map(|f| int(&f.ty).mapped_clock).collect();
    assert_eq!(mapped, [Some(0), Some(0), None, None, None]);
    assert_eq!(c.streams[0].events.len(), 18);
    let names: Vec<_> = st(&event(&c, "sched:sched_switch").payload)
        .fields
        .iter()
        .map(|f| f.display_name.as_str())
        .filter(|n| n.starts_with("prev_"))
        .collect();
    assert_eq!(names, ["prev_comm", "prev_pid", "prev_prio", "prev_state"]);
}

#[test]
fn conformance_variant_underscore_rules() {
    let Some(root) = traces_dir() else { return };
    for (trace, labels) in [
        (
            "meta-variant-no-underscore",
            ["COSSETTE", "PELCHAT", "VOISINE"],
        ),
        (
            "meta-variant-one-underscore",
            ["COSSETTE", "PELCHAT", "_VOISINE"],
        ),
        (
            "meta-variant-two-underscores",
            ["COSSETTE", "__PELCHAT", "VOISINE"],
        ),
        (
            "meta-variant-same-with-underscore",
            ["COSSETTE", "_PELCHAT", "__PELCHAT"],
        ),
    ] {
        let c = parse(&root, &format!("conformance/succeed/{trace}")).class;
        let p = st(&c.streams[0].events[0].payload);
        let FieldType::Variant(v) = &p.fields[1].ty else {
            panic!()
        };
        let sel: Vec<_> = v.selectors.iter().map(|r| (r.lo, r.option)).collect();
        assert_eq!(sel, [(0, 0), (1, 1), (2, 2)], "{trace}");
        let names: Vec<_> = v.options.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(names, labels, "{trace}");
    }
    let c = parse(&root, "conformance/succeed/meta-variant-reserved-keywords").class;
    let p = st(&c.streams[0].events[0].payload);
    let FieldType::Variant(v) = &p.fields[1].ty else {
        panic!()
    };
    assert_eq!(v.selectors.len(), 28);
    assert_eq!(
        (
            v.options[1].name.as_str(),
            v.options[1].display_name.as_str()
        ),
        ("_callsite", "callsite")
    );
}

#[test]
fn metadata_parses_fast() {
    let Some(root) = traces_dir() else { return };
    let bytes = std::fs::read(root.join("kernel/many-threads/metadata")).unwrap();
    let start = Instant::now();
    let rounds = 5;
    for _ in 0..rounds {
        lttng_tui::ctf::metadata::parse_metadata_bytes(&bytes, "many-threads").unwrap();
    }
    let each = start.elapsed() / rounds;
    println!(
        "many-threads metadata: {} bytes parsed in {each:?}",
        bytes.len()
    );
    // Generous bound for unoptimized or busy machines; release builds take a few ms.
    assert!(each.as_millis() < 1000, "{each:?}");
}
