//! The two fast paths ([`Op::TaggedHeader`] with constant layouts, [`Op::Flat`] runs) must
//! decode exactly what the general ops decode, values and failures alike: each is run
//! against its general form on many random byte strings, start positions and content ends.

use super::*;
use crate::ctf::ir::{FieldType, Scope, TraceClass};
use crate::ctf::metadata::parse_metadata_bytes;
use crate::ctf::value::Value;

/// A small deterministic generator (xorshift64*), so that a failure replays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Bytes where 0 is common, so that strings end often but not always.
    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len)
            .map(|_| match self.below(8) {
                0 => 0,
                1 => 0xff,
                _ => self.next() as u8,
            })
            .collect()
    }
}

fn trace(order: &str, body: &str) -> TraceClass {
    let text = format!(
        "/* CTF 1.8 */\n\
         trace {{ major = 1; minor = 8; byte_order = {order}; }};\n\
         clock {{ name = monotonic; freq = 1000000000; }};\n\
         typealias integer {{ size = 27; align = 1; signed = false; \
             map = clock.monotonic.value; }} := uint27_clock_t;\n\
         typealias integer {{ size = 16; align = 8; signed = false; \
             map = clock.monotonic.value; }} := uint16_clock_t;\n\
         typealias integer {{ size = 32; align = 8; signed = false; \
             map = clock.monotonic.value; }} := uint32_clock_t;\n\
         typealias integer {{ size = 64; align = 8; signed = false; \
             map = clock.monotonic.value; }} := uint64_clock_t;\n\
         {body}"
    );
    parse_metadata_bytes(text.as_bytes(), "test")
        .expect("test metadata parses")
        .class
}

/// What one decoding leaves behind, everything the caller can observe.
#[derive(Debug, PartialEq)]
struct Outcome {
    result: Result<(), DecodeError>,
    /// Floats by their bits: a NaN must equal itself here.
    values: Vec<String>,
    pos: u64,
    clock: u64,
    event_id: Option<u64>,
    saved: Vec<i128>,
}

fn outcome(op: &Op, general: bool, case: &Case, slots: usize) -> Outcome {
    let mut st = ReadState::new(slots);
    st.clock = case.clock;
    let mut values = Vec::new();
    let mut dec = Decoder::new(&case.data, 0, case.start, case.end);
    let result = if general {
        dec.run(op, &mut st, &mut values)
    } else {
        dec.run_scope(op, &mut st, &mut values)
    };
    let values = values
        .iter()
        .map(|v| match v {
            Value::Float(f) => format!("Float({:#x})", f.to_bits()),
            v => format!("{v:?}"),
        })
        .collect();
    Outcome {
        result,
        values,
        pos: dec.pos,
        clock: st.clock,
        event_id: st.event_id,
        saved: st.saved,
    }
}

struct Case {
    data: Vec<u8>,
    start: u64,
    end: u64,
    clock: u64,
}

fn random_case(rng: &mut Rng, max_len: usize) -> Case {
    let len = 1 + rng.below(max_len as u64) as usize;
    let data = rng.bytes(len);
    let bits = data.len() as u64 * 8;
    let start = rng.below(bits.min(40));
    let end = start + rng.below(bits - start + 1);
    Case {
        data,
        start,
        end,
        clock: rng.next(),
    }
}

/// Runs `fast` and `general` on random inputs; returns how many of them the fast op decoded
/// without error, so that a caller can check both success and failure were exercised.
fn compare(fast: &Op, general: &Op, slots: usize, max_len: usize, seed: u64) -> usize {
    let mut rng = Rng(seed);
    let mut decoded = 0;
    for i in 0..20_000 {
        let case = random_case(&mut rng, max_len);
        let expected = outcome(general, true, &case, slots);
        let got = outcome(fast, false, &case, slots);
        assert_eq!(
            got, expected,
            "case {i}: start {} end {} data {:02x?}",
            case.start, case.end, case.data
        );
        decoded += usize::from(got.result.is_ok());
    }
    decoded
}

fn header_ops(trace: &TraceClass) -> (Op, Op, usize) {
    let stream = &trace.streams[0];
    let compiler = ScopeCompiler::for_stream_class(trace, stream);
    let ty = stream.event_header.as_ref().expect("a header");
    let general = compiler.compile(ty, Scope::EventHeader).unwrap();
    let fast = specialize_header(general.clone());
    assert!(
        matches!(&fast, Op::TaggedHeader(_)),
        "the header was not specialized"
    );
    (fast, general, compiler.slot_count())
}

fn check_header(order: &str, header: &str, expect_words: bool, seed: u64) {
    let t = trace(order, &format!("stream {{ event.header := {header}; }};"));
    let (fast, general, slots) = header_ops(&t);
    let Op::TaggedHeader(h) = &fast else {
        unreachable!()
    };
    assert!(h.options.iter().all(|o| o.layout.is_some()));
    assert_eq!(h.by_tag.is_some(), h.tag.size <= 16);
    assert_eq!(h.tag_at.word.is_some(), expect_words);
    let decoded = compare(&fast, &general, slots, 24, seed);
    assert!(decoded > 1000 && decoded < 20_000, "{decoded} decoded");
}

const COMPACT: &str = "struct {
    enum : integer { size = 5; align = 1; signed = false; } { compact = 0 ... 30, extended = 31 } id;
    variant <id> {
        struct { uint27_clock_t timestamp; } compact;
        struct { integer { size = 32; align = 8; signed = false; } id; uint64_clock_t timestamp; } extended;
    } v;
} align(8)";

const LARGE: &str = "struct {
    enum : integer { size = 16; align = 8; signed = false; } { compact = 0 ... 65534, extended = 65535 } id;
    variant <id> {
        struct { uint32_clock_t timestamp; } compact;
        struct { integer { size = 32; align = 8; signed = false; } id; uint64_clock_t timestamp; } extended;
    } v;
} align(8)";

/// Nothing aligned to a byte: positions are constant but no field is read as a word.
const BIT_PACKED: &str = "struct {
    enum : integer { size = 3; align = 1; signed = false; } { a = 0 ... 2, b = 3, c = 5 } id;
    variant <id> {
        struct { uint27_clock_t timestamp; } a;
        struct { integer { size = 11; align = 1; signed = true; } id; uint27_clock_t timestamp; } b;
        struct { integer { size = 64; align = 1; signed = false; } x; } c;
    } v;
}";

/// A 32-bit tag: no option table, the option is found by searching the ranges.
const WIDE_TAG: &str = "struct {
    enum : integer { size = 32; align = 8; signed = false; } { compact = 0 ... 4000000000, extended = 4000000001 ... 4294967294 } id;
    variant <id> {
        struct { uint27_clock_t timestamp; } compact;
        struct { integer { size = 32; align = 8; signed = false; } id; uint64_clock_t timestamp; } extended;
    } v;
} align(8)";

#[test]
fn compact_header_matches_the_general_ops() {
    check_header("le", COMPACT, true, 1);
    check_header("be", COMPACT, false, 2);
}

#[test]
fn large_header_matches_the_general_ops() {
    check_header("le", LARGE, true, 3);
    check_header("be", LARGE, false, 4);
}

#[test]
fn header_without_an_option_table_matches_the_general_ops() {
    check_header("le", WIDE_TAG, true, 10);
    check_header("be", WIDE_TAG, false, 11);
}

#[test]
fn bit_packed_header_with_unmapped_tags_matches_the_general_ops() {
    check_header("le", BIT_PACKED, false, 5);
    check_header("be", BIT_PACKED, false, 6);
}

/// The general form of an op: every [`Op::Flat`] back to a plain structure.
fn without_flat(op: &Op) -> Op {
    let all = |ops: &[Op]| ops.iter().map(without_flat).collect();
    match op {
        Op::Flat { align, general, .. }
        | Op::Struct {
            align,
            body: general,
        } => Op::Struct {
            align: *align,
            body: all(general),
        },
        Op::Array {
            align,
            len,
            element,
            element_min_bits,
        } => Op::Array {
            align: *align,
            len: *len,
            element: all(element),
            element_min_bits: *element_min_bits,
        },
        Op::Sequence {
            align,
            len_slot,
            element,
            element_min_bits,
        } => Op::Sequence {
            align: *align,
            len_slot: *len_slot,
            element: all(element),
            element_min_bits: *element_min_bits,
        },
        Op::Variant {
            tag_slot,
            selectors,
            options,
        } => Op::Variant {
            tag_slot: *tag_slot,
            selectors: selectors.clone(),
            options: options.iter().map(|o| all(o)).collect(),
        },
        other => other.clone(),
    }
}

fn count_flat(op: &Op) -> usize {
    match op {
        Op::Flat { .. } => 1,
        Op::Struct { body, .. } => body.iter().map(count_flat).sum(),
        _ => 0,
    }
}

fn check_payload(order: &str, payload: &str, seed: u64) {
    check_payload_within(order, payload, seed, 160);
}

/// [`check_payload`] on random data of up to `max_len` bytes.
fn check_payload_within(order: &str, payload: &str, seed: u64, max_len: usize) {
    let t = trace(
        order,
        &format!("stream {{ }};\nevent {{ name = e; fields := {payload}; }};"),
    );
    let stream = &t.streams[0];
    let event = &stream.events[0];
    let compiler = ScopeCompiler::for_stream_class(&t, stream).with_event(event);
    let ty: &FieldType = event.payload.as_ref().unwrap();
    let fast = compiler.compile(ty, Scope::EventPayload).unwrap();
    assert!(count_flat(&fast) > 0, "nothing was flattened: {fast:?}");
    let general = without_flat(&fast);
    let decoded = compare(&fast, &general, compiler.slot_count(), max_len, seed);
    assert!(decoded > 200 && decoded < 20_000, "{decoded} decoded");
    if let Op::Flat { steps, .. } = &fast {
        let flat = flat_decodes(steps, &general, compiler.slot_count(), max_len, seed);
        assert!(flat > 200, "the flat steps decoded only {flat} cases");
    }
}

/// Checks that the flat steps alone decode every case on a byte that the general ops decode
/// (so that the fast path is taken, not only equal through its fallback); returns how many.
fn flat_decodes(
    steps: &[FlatStep],
    general: &Op,
    slots: usize,
    max_len: usize,
    seed: u64,
) -> usize {
    let mut rng = Rng(seed);
    let mut decoded = 0;
    for i in 0..20_000 {
        let mut case = random_case(&mut rng, max_len);
        case.start -= case.start % 8;
        let expected = outcome(general, true, &case, slots);
        if expected.result.is_err() {
            continue;
        }
        let mut st = ReadState::new(slots);
        st.clock = case.clock;
        let mut values = vec![Value::Struct];
        let mut dec = Decoder::new(&case.data, 0, case.start, case.end);
        let flat = dec.flat(steps, &mut st, &mut values);
        assert!(
            flat.is_ok(),
            "case {i}: the flat steps failed with {flat:?}"
        );
        assert_eq!(values.len(), expected.values.len(), "case {i}");
        assert_eq!(dec.pos, expected.pos, "case {i}");
        decoded += 1;
    }
    decoded
}

/// Every kind of run member, strings between runs, two clock fields (a fallback after the
/// second must not count a wrap by applying the first again), and a saved length that a
/// sequence after the flat structure reads.
const MIXED: &str = "struct {
    struct {
        integer { size = 8; align = 8; signed = false; } n;
        integer { size = 16; align = 8; signed = true; } s16;
        uint16_clock_t t1;
        integer { size = 32; align = 8; signed = false; byte_order = be; } be32;
        string name;
        integer { size = 24; align = 8; signed = true; } odd;
        floating_point { exp_dig = 8; mant_dig = 24; align = 8; } f;
        floating_point { exp_dig = 11; mant_dig = 53; align = 8; } d;
        uint16_clock_t t2;
        integer { size = 8; align = 8; signed = false; encoding = UTF8; } text[3];
        string tail;
        integer { size = 64; align = 8; signed = true; } s64;
    } head;
    integer { size = 16; align = 8; signed = false; } items[head.n];
}";

#[test]
fn flat_structure_matches_the_general_ops() {
    check_payload("le", MIXED, 7);
    check_payload("be", MIXED, 8);
}

/// A flat structure that starts off a byte takes the general path.
#[test]
fn flat_structure_after_a_bit_field_matches_the_general_ops() {
    let payload = "struct {
        integer { size = 3; align = 1; signed = false; } bits;
        struct {
            integer { size = 8; align = 1; signed = false; } a;
            integer { size = 32; align = 1; signed = false; } b;
        } packed;
    }";
    check_payload("le", payload, 9);
}

/// The header read by words ([`WordHeader`]) against the laid-out path: where it reads a header,
/// the same event id, clock, saved tag and end; where it declines, nothing changed. Returns
/// how many it read, and the header lengths it read (both options, when both are held).
fn check_word_header(header: &str, seed: u64) -> (usize, std::collections::BTreeSet<u64>) {
    let t = trace("le", &format!("stream {{ event.header := {header}; }};"));
    let (fast, _, slots) = header_ops(&t);
    let words = WordHeader::of(&fast).expect("a header read by words");
    let mut rng = Rng(seed);
    let (mut read, mut lengths) = (0, std::collections::BTreeSet::new());
    for i in 0..20_000 {
        let case = random_case(&mut rng, 24);
        let fresh = || {
            let mut st = ReadState::new(slots);
            st.clock = case.clock;
            (st, Decoder::new(&case.data, 0, case.start, case.end))
        };
        let (mut st, mut dec) = fresh();
        let got = dec.word_header(&words, &mut st);
        let after = (dec.pos, st.clock, st.event_id, st.saved.clone());
        let (mut st2, mut dec2) = fresh();
        match got {
            Some(id) => {
                read += 1;
                // From the aligned start (the cases start within the first 40 bits).
                lengths.insert(dec.pos - case.start.next_multiple_of(8));
                assert_eq!(dec2.laid_out_scope(&fast, &mut st2), Some(()), "case {i}");
                assert_eq!(st2.event_id, Some(id), "case {i}");
                assert_eq!(
                    after,
                    (dec2.pos, st2.clock, st2.event_id, st2.saved),
                    "case {i}"
                );
            }
            None => {
                assert_eq!(
                    after,
                    (case.start, case.clock, None, vec![0; slots]),
                    "case {i}"
                );
            }
        }
    }
    (read, lengths)
}

#[test]
fn word_header_reads_as_the_laid_out_path() {
    for (header, seed, options) in [(COMPACT, 12, [32, 104]), (LARGE, 13, [48, 112])] {
        let (read, lengths) = check_word_header(header, seed);
        // Both outcomes were exercised, and both options read.
        assert!(read > 1000 && read < 19_000, "{read} read");
        assert_eq!(lengths.into_iter().collect::<Vec<_>>(), options);
    }
    // Big-endian words, bit-packed tags and 32-bit tags without a table: none.
    for (order, header) in [("be", COMPACT), ("le", BIT_PACKED), ("le", WIDE_TAG)] {
        let t = trace(order, &format!("stream {{ event.header := {header}; }};"));
        let (fast, _, _) = header_ops(&t);
        assert!(WordHeader::of(&fast).is_none(), "{order} {header}");
    }
}

/// A payload of lttng-ust's shape (byte-packed on x86-64): integers of every width, a string
/// in the middle, floats, fixed arrays, and sequences with their lengths before them, of
/// bytes, of text, and of big-endian integers (sharing the first one's length). The lengths
/// are single bytes so that random data often gives lengths that fit.
const UST_SAMPLE: &str = "struct {
    integer { size = 32; align = 8; signed = 0; } k;
    integer { size = 8; align = 8; signed = 1; } small;
    integer { size = 64; align = 8; signed = 1; } neg;
    integer { size = 32; align = 8; signed = 0; byte_order = be; } net;
    string text;
    floating_point { exp_dig = 11; mant_dig = 53; align = 8; } eighth;
    floating_point { exp_dig = 8; mant_dig = 24; align = 8; } quarter;
    integer { size = 32; align = 8; signed = 1; } triple[3];
    integer { size = 16; align = 8; signed = 0; byte_order = be; } pair[2];
    integer { size = 8; align = 8; signed = 0; } _bytes_length;
    integer { size = 8; align = 8; signed = 0; } bytes[_bytes_length];
    integer { size = 8; align = 8; signed = 0; } _label_length;
    integer { size = 8; align = 8; signed = 1; encoding = UTF8; } label[_label_length];
    integer { size = 16; align = 8; signed = 1; byte_order = be; } wide[_bytes_length];
    integer { size = 8; align = 8; signed = 0; } empty[0];
    enum : integer { size = 32; align = 8; signed = 1; } { IDLE = 0, BUSY = 1 ... 3 } state;
}";

#[test]
fn flat_structure_with_arrays_and_sequences_matches_the_general_ops() {
    check_payload_within("le", UST_SAMPLE, 10, 400);
    check_payload_within("be", UST_SAMPLE, 11, 400);
}

/// A fixed array is a run of its elements only while it is short: a long one (metadata may
/// claim any length) keeps its structure on the general ops, which decode it as one op.
#[test]
fn long_arrays_stay_on_the_general_ops() {
    let compiled = |len: u32| {
        let payload =
            format!("struct {{ integer {{ size = 8; align = 8; signed = false; }} a[{len}]; }}");
        let t = trace(
            "le",
            &format!("stream {{ }};\nevent {{ name = e; fields := {payload}; }};"),
        );
        let stream = &t.streams[0];
        let event = &stream.events[0];
        let compiler = ScopeCompiler::for_stream_class(&t, stream).with_event(event);
        compiler
            .compile(event.payload.as_ref().unwrap(), Scope::EventPayload)
            .unwrap()
    };
    assert_eq!(count_flat(&compiled(64)), 1);
    assert_eq!(count_flat(&compiled(65)), 0);
    assert_eq!(count_flat(&compiled(4_000_000_000)), 0);
}
