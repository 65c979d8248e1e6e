#!/usr/bin/env python3
"""Generate small CTF 1.8 traces exercising babeltrace2's text printer.

The expected lines of the tests in src/pretty/tests*.rs are what babeltrace2 2.0.4 printed
for these traces: `python3 bt2_fixtures.py /tmp/ptest && cd /tmp/ptest &&
TZ=UTC babeltrace2 --clock-gmt ints`. Tests cite a fixture by name and line number.
"""
import os, struct, sys

OUT = sys.argv[1] if len(sys.argv) > 1 else "/tmp/ptest"
UUID = bytes(range(0x10, 0x20))
UUID_S = "10111213-1415-1617-1819-1a1b1c1d1e1f"

HEADER = """/* CTF 1.8 */
typealias integer { size = 8; align = 8; signed = false; } := uint8_t;
typealias integer { size = 16; align = 8; signed = false; } := uint16_t;
typealias integer { size = 32; align = 8; signed = false; } := uint32_t;
typealias integer { size = 64; align = 8; signed = false; } := uint64_t;
typealias integer { size = 64; align = 8; signed = true; } := int64_t;
typealias floating_point { exp_dig = 8; mant_dig = 24; align = 8; } := float;
typealias floating_point { exp_dig = 11; mant_dig = 53; align = 8; } := double;
trace {
	major = 1; minor = 8; byte_order = le; uuid = "%s";
	packet.header := struct { uint32_t magic; uint8_t uuid[16]; uint32_t stream_id; uint64_t stream_instance_id; };
};
""" % UUID_S

CLOCK = """clock { name = mono; freq = 1000000000; offset_s = %d; offset = %d; };
typealias integer { size = 64; align = 8; signed = false; map = clock.mono.value; } := clk64;
"""

STREAM = """stream {
	id = 0;
	event.header := struct { uint32_t id; clk64 timestamp; };
	packet.context := struct { clk64 timestamp_begin; clk64 timestamp_end; uint64_t content_size; uint64_t packet_size; uint64_t events_discarded; uint64_t packet_seq_num; uint32_t cpu_id; %s };
	%s
};
"""


def pkt(events, ts_begin, ts_end, disc=0, seq=0, cpu=0, extra_ctx=b"", instance=0):
    """events: list of (id, ts, payload bytes). Returns packet bytes."""
    hdr = struct.pack("<I", 0xC1FC1FC1) + UUID + struct.pack("<IQ", 0, instance)
    body = b"".join(struct.pack("<IQ", i, ts) + p for i, ts, p in events)
    ctx_len = 8 * 6 + 4 + len(extra_ctx)
    content = len(hdr) + ctx_len + len(body)
    size = (content + 63) // 64 * 64
    ctx = struct.pack("<QQQQQQI", ts_begin, ts_end, content * 8, size * 8, disc, seq, cpu) + extra_ctx
    data = hdr + ctx + body
    return data + b"\0" * (size - len(data))


def write(name, metadata, streams):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "metadata"), "w") as f:
        f.write(metadata)
    for fname, data in streams.items():
        with open(os.path.join(d, fname), "wb") as f:
            f.write(data)


def u8(v): return struct.pack("<B", v & 0xFF)
def u16(v): return struct.pack("<H", v & 0xFFFF)
def u32(v): return struct.pack("<I", v & 0xFFFFFFFF)
def u64(v): return struct.pack("<Q", v & 0xFFFFFFFFFFFFFFFF)
def f32(v):
    try:
        return struct.pack("<f", v)
    except OverflowError:
        return struct.pack("<f", float("inf") if v > 0 else float("-inf"))
def f64(v): return struct.pack("<d", v)
def f32bits(b): return struct.pack("<I", b)
def f64bits(b): return struct.pack("<Q", b)
def cstr(s): return s + b"\0"


def ints():
    ev = """event { id = 0; name = "ints"; fields := struct {
	integer { size = 8; signed = true; base = 16; align = 8; } h8;
	integer { size = 12; signed = true; base = 16; align = 8; } h12;
	integer { size = 32; signed = false; base = 16; align = 8; } h32;
	integer { size = 61; signed = true; base = 16; align = 8; } h61;
	integer { size = 62; signed = false; base = 16; align = 8; } h62;
	integer { size = 63; signed = true; base = 16; align = 8; } h63;
	integer { size = 64; signed = true; base = 16; align = 8; } h64;
	integer { size = 7; signed = true; base = 8; align = 8; } o7;
	integer { size = 16; signed = false; base = 8; align = 8; } o16;
	integer { size = 64; signed = true; base = 8; align = 8; } o64;
	integer { size = 8; signed = false; base = 8; align = 8; } ozero;
	integer { size = 1; signed = false; base = 2; align = 8; } b1;
	integer { size = 5; signed = true; base = 2; align = 8; } b5;
	integer { size = 64; signed = false; base = 2; align = 8; } b64;
	integer { size = 64; signed = true; base = 10; align = 8; } d64;
	integer { size = 64; signed = false; base = 10; align = 8; } u64;
	integer { size = 3; signed = true; align = 8; } s3;
}; };
"""
    md = HEADER + CLOCK % (1000, 0) + STREAM % ("", "") + ev
    p1 = (u8(-1) + u16(-2) + u32(0xdeadbeef) + u64(-3) + u64(0x3fffffffffffffff) + u64(-5) + u64(-6)
          + u8(-1) + u16(0o17777) + u64(-1) + u8(0) + u8(1) + u8(-3) + u64(0x8000000000000001)
          + u64(-9223372036854775808) + u64(18446744073709551615) + u8(-4))
    p2 = (u8(0x7f) + u16(0x7ff) + u32(0) + u64(1) + u64(0x123456789) + u64(2) + u64(0x7fffffffffffffff)
          + u8(0x3f) + u16(8) + u64(0o777) + u8(0o10) + u8(0) + u8(0xf) + u64(0)
          + u64(0) + u64(0) + u8(3))
    write("ints", md, {"s0": pkt([(0, 100, p1), (0, 200, p2)], 100, 200)})


def enums():
    ev = """event { id = 0; name = "enums"; fields := struct {
	enum : integer { size = 8; align = 8; } { A = 1, B = 1 ... 3, "C\\"q" = 2, D = 7, A = 9 } multi;
	enum : integer { size = 16; signed = true; base = 16; align = 8; } { NEG = -5 ... -1, ZERO = 0 } sgn;
	enum : integer { size = 32; base = 8; align = 8; } { X = 1 } oct;
}; };
"""
    md = HEADER + CLOCK % (1000, 0) + STREAM % ("", "") + ev
    evs = [(0, 100, u8(1) + u16(-3) + u32(1)), (0, 200, u8(2) + u16(0) + u32(8)),
           (0, 300, u8(5) + u16(5) + u32(0)), (0, 400, u8(9) + u16(-7) + u32(1))]
    write("enums", md, {"s0": pkt(evs, 100, 400)})


FLOATS = [0.0, -0.0, 1.0, 2222.0, 0.1, 3.14159265358979, 123456.0, 1234567.0, 999999.5, 9999995.0,
          1e6, 1e-4, 1.5e-5, 0.00012345678, 1e100, -2.5e-300, 5e-324, 1.7976931348623157e308,
          123456.5, 1234565.0, 0.5, 2.5, 100.0, 1e15, 65536.0, 1.0000005, 9.9999995e-5]
F64_BITS = [0x7FF8000000000000, 0xFFF8000000000000, 0x7FF0000000000000, 0xFFF0000000000000, 0x7FF0000000000001]


def floats():
    ev = """event { id = 0; name = "floats"; fields := struct { float f; double d; }; };
"""
    md = HEADER + CLOCK % (1000, 0) + STREAM % ("", "") + ev
    evs = []
    ts = 100
    for v in FLOATS:
        evs.append((0, ts, f32(v) + f64(v)))
        ts += 10
    for b in F64_BITS:
        evs.append((0, ts, f32bits(0x7FC00000) + f64bits(b)))
        ts += 10
    evs.append((0, ts, f32bits(0xFFC00000) + f64bits(0x8000000000000000)))
    write("floats", md, {"s0": pkt(evs, 100, ts)})


def strings():
    ev = """event { id = 0; name = "strings"; fields := struct {
	string s;
	integer { size = 8; align = 8; encoding = UTF8; } arr[8];
	uint8_t len;
	integer { size = 8; align = 8; encoding = ASCII; } seq[len];
	integer { size = 8; align = 8; } notext[3];
}; };
"""
    md = HEADER + CLOCK % (1000, 0) + STREAM % ("", "") + ev
    specials = bytes(range(1, 32)) + b"\x7f\\'\"?" + "é€".encode() + b"\x80\xff"
    evs = [
        (0, 100, cstr(specials) + b"ab\0cdefg" + u8(3) + b"x\ty" + b"\x01\x02\x03"),
        (0, 200, cstr(b"") + b"12345678" + u8(0) + b"\x00\x00\xff"),
        (0, 300, cstr(b"plain") + b"\0\0\0\0\0\0\0\0" + u8(4) + b"a\0bc" + b"\x00\x01\x02"),
    ]
    write("strings", md, {"s0": pkt(evs, 100, 300)})


def compound():
    ev = """event { id = 0; name = "compound"; fields := struct {
	struct { uint8_t a; struct { uint8_t b; } inner; struct { } empty; } nested;
	struct { uint8_t x; uint8_t y; } pts[2];
	uint8_t grid[2][3];
	uint8_t none[0];
	uint8_t n;
	struct { uint8_t v; } seq[n];
	enum : uint8_t { INT, STR, STRUCT, _EMPTY } tag;
	variant <tag> { uint16_t INT; string STR; struct { uint8_t p; uint8_t q; } STRUCT; struct { } _EMPTY; } var;
	variant <tag> { uint16_t INT; string STR; struct { uint8_t p; uint8_t q; } STRUCT; struct { } _EMPTY; } vars[2];
}; };
"""
    md = HEADER + CLOCK % (1000, 0) + STREAM % ("", "") + ev
    fixed = b"".join(u8(i) for i in range(1, 13))
    evs = [
        (0, 100, fixed + u8(2) + u8(20) + u8(21) + u8(0) + u16(513) + u16(7) + u16(8)),
        (0, 200, fixed + u8(0) + u8(1) + cstr(b"hey") + cstr(b"a") + cstr(b"b")),
        (0, 300, fixed + u8(1) + u8(30) + u8(2) + u8(40) + u8(41) + u8(50) + u8(51) + u8(60) + u8(61)),
        (0, 400, fixed + u8(0) + u8(3) + b""),
    ]
    # `vars` uses the same tag for each element.
    write("compound", md, {"s0": pkt(evs, 100, 400)})


def header_fields():
    """env fields shown in the header, contexts, hidden fields."""
    env = """env { hostname = "hostA"; domain = "ust"; procname = "my-app"; vpid = 4242; trace_name = "tn"; };
"""
    sctx = """event.context := struct { uint8_t slen; uint32_t vtid; };"""
    ev = """event { id = 0; name = "hdr"; context := struct { uint8_t ectx; }; fields := struct {
	clk64 mapped;
	uint8_t seq[stream.event.context.slen];
	struct { clk64 timestamp_begin; uint8_t keep; } nest;
	uint8_t after;
}; };
event { id = 1; name = "empty"; fields := struct { }; };
event { id = 2; name = "nopayload"; };
event { id = 3; name = "onlyhidden"; fields := struct { clk64 m; }; };
"""
    md = (HEADER + env + CLOCK % (1000, 0)
          + STREAM % ("struct { clk64 timestamp_end; uint8_t z; } nested_ctx;", sctx) + ev)
    ectx_hdr = lambda: u8(2) + u32(77)
    evs = [
        (0, 100, ectx_hdr() + u8(9) + u64(12345) + u8(1) + u8(2) + u64(5) + u8(6) + u8(7)),
        (1, 200, ectx_hdr()),
        (2, 300, ectx_hdr()),
        (3, 400, ectx_hdr() + u64(1)),
    ]
    write("header", md, {"s0": pkt(evs, 100, 400, extra_ctx=u64(99) + u8(3))})


def times():
    """Negative and large clock offsets."""
    ev = """event { id = 0; name = "t"; fields := struct { uint8_t i; }; };
"""
    md = HEADER + CLOCK % (-11, 999_999_500) + STREAM % ("", "") + ev
    evs = [(0, t, u8(i)) for i, t in enumerate([0, 5, 1_000_000_000, 9_999_999_000,
                                                10_000_000_499, 10_000_000_500, 10_000_000_501,
                                                11_500_000_000, 100_000_000_000])]
    write("negtime", md, {"s0": pkt(evs, 0, 100_000_000_000)})
    md = HEADER + CLOCK % (9_000_000_000, 999_999_999) + STREAM % ("", "") + ev
    evs = [(0, t, u8(i)) for i, t in enumerate([0, 1, 86_400_000_000_000])]
    write("bigtime", md, {"s0": pkt(evs, 0, 86_400_000_000_000)})


def lost():
    ev = """event { id = 0; name = "e"; fields := struct { uint8_t i; }; };
"""
    env = 'env { hostname = "lhost"; };\n'
    md = HEADER + env + CLOCK % (1000, 0) + STREAM % ("", "") + ev
    s0 = (pkt([(0, 100, u8(0))], 50, 150, disc=0, seq=0, instance=3)
          + pkt([(0, 300, u8(1))], 250, 350, disc=1, seq=1, instance=3)
          + pkt([(0, 500, u8(2))], 450, 550, disc=21, seq=4, instance=3))
    s1 = (pkt([(0, 120, u8(10))], 60, 160, disc=0, seq=0, cpu=1, instance=7)
          + pkt([(0, 320, u8(11))], 260, 360, disc=0, seq=2, cpu=1, instance=7))
    write("lost", md, {"chan_0": s0, "chan_1": s1})


for fn in (ints, enums, floats, strings, compound, header_fields, times, lost):
    fn()


def edgetime():
    ev = """event { id = 0; name = "t"; fields := struct { uint8_t i; }; };
"""
    md = HEADER + CLOCK % (0, 0) + STREAM % ("", "") + ev
    evs = [(0, t, u8(i)) for i, t in enumerate([0, 10**18, 9_000_000_000_000_000_000])]
    write("edgetime", md, {"s0": pkt(evs, 0, 9_000_000_000_000_000_000)})


def pctx():
    """Packet-context fields hidden by meaning or automatic clock mapping; empty event name."""
    md = HEADER + CLOCK % (1000, 0) + """stream {
	id = 0;
	event.header := struct { uint32_t id; clk64 timestamp; };
	packet.context := struct { clk64 timestamp_begin; clk64 timestamp_end; uint64_t content_size; uint64_t packet_size; uint64_t events_discarded; uint64_t packet_seq_num; uint32_t cpu_id;
		struct { uint64_t timestamp_begin; uint64_t timestamp_end; uint64_t events_discarded; } inner;
		uint64_t arr[1];
	};
};
event { id = 0; name = ""; fields := struct { uint8_t i; }; };
"""
    evs = [(0, 100, u8(1))]
    write("pctx", md, {"s0": pkt(evs, 100, 100, extra_ctx=u64(1) + u64(2) + u64(3) + u64(4))})


for fn in (edgetime, pctx):
    fn()


def textedge():
    """Arrays at the edge of babeltrace2's text rule."""
    ev = """event { id = 0; name = "te"; fields := struct {
	integer { size = 8; align = 16; encoding = UTF8; } a16[3];
	enum : integer { size = 8; align = 8; encoding = UTF8; } { X = 104 } etext[3];
	integer { size = 8; align = 8; signed = true; encoding = UTF8; } stext[3];
}; };
"""
    md = HEADER + CLOCK % (1000, 0) + STREAM % ("", "") + ev
    evs = [(0, 100, b"h\0i\0!" + b"hey" + b"\xffab")]
    write("textedge", md, {"s0": pkt(evs, 100, 100)})


textedge()


def depends():
    """Clock-mapped fields kept because a sequence or variant depends on them; forced options."""
    sctx = "event.context := struct { clk64 n; };"
    ev = """event { id = 0; name = "dep"; fields := struct {
	uint8_t seq[stream.event.context.n];
	enum : integer { size = 8; align = 8; signed = false; map = clock.mono.value; } { A, B, C } tag;
	variant <tag> { clk64 A; struct { clk64 x; } B; uint8_t C; } v;
}; };
"""
    md = HEADER + CLOCK % (1000, 0) + STREAM % ("", sctx) + ev
    evs = [(0, 100, u64(2) + u8(7) + u8(8) + u8(0) + u64(55)),
           (0, 200, u64(0) + u8(1) + u64(66)),
           (0, 300, u64(1) + u8(9) + u8(2) + u8(77))]
    write("depends", md, {"s0": pkt(evs, 100, 300)})


depends()
