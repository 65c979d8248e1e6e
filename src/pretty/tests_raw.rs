//! Bodies rendered from bytes ([`super::raw`]) against bodies rendered from decoded values,
//! event by event, on generated and real traces. The decoded rendering is the one proven
//! against babeltrace2 (the dump oracle tests); the byte one must write the same text.

use std::path::{Path, PathBuf};

use crate::ctf::parallel::EventFormatter;
use crate::ctf::reader::{Head, StreamReader};
use crate::ctf::session::Session;
use crate::r#gen::{GenConfig, ScenarioKind, generate};

use super::PrettyOptions;
use super::threaded::BodyFormatter;

/// Events that came raw, and how many of them had what.
#[derive(Debug, Default, Clone, Copy)]
struct Seen {
    events: u64,
    /// A text shown (quoted).
    with_text: u64,
    /// A stale-string alternative.
    with_alternative: u64,
    /// A packet context shown.
    with_packet: u64,
}

/// Reads every stream of the trace(s) at `path` twice, decoded and raw where a
/// [`BodyFormatter`] asks for it, and checks that each event's body (and its alternative)
/// is the same either way.
fn check(path: &Path) -> Seen {
    let session = Session::open(path).unwrap();
    let mut seen = Seen::default();
    let options = PrettyOptions { clock_gmt: true };
    for (t, trace) in session.traces.iter().enumerate() {
        for s in 0..trace.streams.len() {
            let mut decoded = StreamReader::new(trace, t, s);
            let mut raw = StreamReader::new(trace, t, s);
            let mut by_values = BodyFormatter::new(options.clone(), None);
            let mut by_bytes = BodyFormatter::new(options.clone(), None);
            let stream = raw.stream_ref();
            raw.set_raw_tails(&mut |i, layouts| by_bytes.wants_raw(&stream, i, layouts));
            let (mut a, mut alt) = (Vec::new(), Vec::new());
            let (mut b, mut b_alt) = (Vec::new(), Vec::new());
            loop {
                decoded.advance();
                raw.advance();
                let where_ = || format!("{} event {}", trace.path.display(), raw.events_read());
                assert_eq!(decoded.head(), raw.head(), "{}", where_());
                if decoded.head() == Head::End {
                    break;
                }
                let Some(ev) = raw.raw_event() else { continue };
                let Some(dev) = decoded.event() else {
                    panic!("{}: raw, but not decoded", where_());
                };
                for buf in [&mut a, &mut alt, &mut b, &mut b_alt] {
                    buf.clear();
                }
                by_values.format(&dev, Some(decoded.packet_generation()), &mut a, &mut alt);
                by_bytes.format_raw(&ev, &mut b, &mut b_alt);
                let text = |t: &[u8]| String::from_utf8_lossy(t).into_owned();
                assert_eq!(text(&a), text(&b), "{}", where_());
                // The stale-string alternative too (babeltrace2's recycled empty strings).
                assert_eq!(text(&alt), text(&b_alt), "{}", where_());
                seen.events += 1;
                seen.with_text += u64::from(b.contains(&b'"'));
                seen.with_alternative += u64::from(!b_alt.is_empty());
                seen.with_packet += u64::from(dev.packet_context.is_some());
            }
            assert_eq!(
                decoded.error().map(ToString::to_string),
                raw.error().map(ToString::to_string)
            );
        }
    }
    seen
}

fn generated(dir: &Path, scenario: ScenarioKind, seed: u64) -> PathBuf {
    let out = dir.join(format!("{scenario:?}-{seed}"));
    let mut cfg = GenConfig::new(scenario, &out);
    cfg.seed = seed;
    cfg.duration_ns = Some(500_000_000);
    generate(&cfg, &mut |_| {}).unwrap();
    out.join("kernel")
}

#[test]
fn a_body_rendered_from_bytes_is_the_decoded_one() {
    let dir = tempfile::tempdir().unwrap();
    for scenario in [ScenarioKind::Web, ScenarioKind::Uniform] {
        let seen = check(&generated(dir.path(), scenario, 3));
        // Syscalls, timers, softirqs, scheduling: most events of a kernel trace.
        assert!(seen.events > 10_000, "{scenario:?}: {seen:?}");
        assert!(seen.with_text > 1_000, "{scenario:?}: {seen:?}");
        assert_eq!(seen.with_packet, seen.events, "{scenario:?}");
    }
    let Some(root) = crate::test_corpus::root() else {
        return;
    };
    // Other byte orders (flipping-endianness), old layouts (scp-*), user-space contexts.
    let mut alternatives = 0;
    for t in ["many-threads", "scp-src", "scp-dest", "flipping-endianness"] {
        let seen = check(&root.join("kernel").join(t));
        eprintln!("{t}: {seen:?}");
        assert!(seen.events > 1000 && seen.with_text > 100, "{t}: {seen:?}");
        alternatives += seen.with_alternative;
    }
    eprintln!("{alternatives} stale-string alternatives in the kernel traces");
    let mut corpus = 0;
    for dir in ["ust", "conformance/succeed"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for e in entries.flatten() {
            if Session::open(&e.path()).is_ok() {
                corpus += check(&e.path()).events;
            }
        }
    }
    eprintln!("{corpus} events raw in ust and conformance");
    assert!(corpus > 0);
}

/// A trace of one class with a string, some events of which hold an empty one: babeltrace2
/// may print those stale (see `recall`), so each has an alternative rendering, from bytes
/// as from values.
#[test]
fn an_empty_string_read_from_bytes_has_its_stale_alternative() {
    let dir = tempfile::tempdir().unwrap();
    let metadata = "/* CTF 1.8 */\n\
        typealias integer { size = 32; align = 8; signed = false; } := uint32_t;\n\
        typealias integer { size = 16; align = 8; signed = true; base = 16; } := hex16_t;\n\
        trace { major = 1; minor = 8; byte_order = le; };\n\
        stream { event.header := struct { uint32_t id; }; };\n\
        event { name = \"with_text\"; id = 0; fields := struct {\n\
            uint32_t n; hex16_t h; string s; }; };\n";
    std::fs::write(dir.path().join("metadata"), metadata).unwrap();
    let mut stream = Vec::new();
    for (n, s) in [(1u32, "abc"), (2, ""), (3, "d\te"), (4, ""), (5, "")] {
        stream.extend_from_slice(&0u32.to_le_bytes());
        stream.extend_from_slice(&n.to_le_bytes());
        stream.extend_from_slice(&(-(n as i16)).to_le_bytes());
        stream.extend_from_slice(s.as_bytes());
        stream.push(0);
    }
    std::fs::write(dir.path().join("stream_0"), stream).unwrap();
    let seen = check(dir.path());
    assert_eq!(seen.events, 5, "{seen:?}");
    assert_eq!(seen.with_alternative, 3, "{seen:?}");
}
