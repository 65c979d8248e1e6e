//! `dump --output-format dummy` decodes the classes it can from bytes by layout and the
//! others into values. Both must find the same values: every event's field digest read the
//! way the decoding threads read it equals the digest of its fully decoded values, on
//! generated traces and on every trace of the corpus.
#![allow(clippy::unwrap_used)] // tests fail loudly by design

mod common;

use std::ops::ControlFlow;
use std::path::Path;
use std::sync::atomic::AtomicU64;

use lttng_tui::ctf::decode::RawLayout;
use lttng_tui::ctf::field_digest::FieldDigest;
use lttng_tui::ctf::message::Message;
use lttng_tui::ctf::parallel::EventFormatter;
use lttng_tui::ctf::reader::{Head, StreamReader};
use lttng_tui::ctf::session::Session;
use lttng_tui::r#gen::damage::damaged_copy;

/// What one comparison saw.
#[derive(Debug, Default)]
struct Seen {
    events: u64,
    from_bytes: u64,
    with_strings: u64,
}

/// Per stream: the digests of its events read as the decoding threads read them (runs of
/// events from bytes of lengths cycling through 1 to 7, each followed by one `advance`)
/// against those of a second reader decoding every event into values. Returns how many
/// streams ended with an error (the same one both ways).
fn compare_streams(path: &Path, seen: &mut Seen) -> usize {
    let session = Session::open(path).unwrap();
    let mut errors = 0;
    for (t, trace) in session.traces.iter().enumerate() {
        for s in 0..trace.streams.len() {
            let total = AtomicU64::new(0);
            let mut digest = FieldDigest::new(&total);
            let mut layouts: Vec<Option<(u64, [RawLayout; 3])>> = Vec::new();
            let mut fast = StreamReader::new(trace, t, s);
            let stream = fast.stream_ref();
            fast.set_raw_tails(&mut |i, l| {
                let wanted = digest.wants_raw(&stream, i, l);
                if wanted {
                    layouts.resize(layouts.len().max(i + 1), None);
                    let id = stream.stream_class.events[i].id;
                    layouts[i] = Some((id, l.map(Clone::clone)));
                }
                wanted
            });
            let mut got = Vec::new();
            for max in (1..=7).cycle() {
                fast.read_raw_run(max, |ev, _| {
                    let (id, l) = layouts[ev.class_index].as_ref().unwrap();
                    got.push(FieldDigest::of_bytes(ev, *id, l).unwrap());
                    seen.from_bytes += 1;
                    seen.with_strings += u64::from(l[2].strings > 0);
                });
                fast.advance();
                match fast.head() {
                    Head::End => break,
                    Head::Event { class_index, .. } => match fast.raw_event() {
                        Some(ev) => {
                            let (id, l) = layouts[class_index].as_ref().unwrap();
                            got.push(FieldDigest::of_bytes(&ev, *id, l).unwrap());
                            seen.from_bytes += 1;
                        }
                        None => got.push(FieldDigest::of_decoded(&fast.event().unwrap())),
                    },
                    Head::Lost { .. } => {}
                }
            }
            let mut full = StreamReader::new(trace, t, s);
            let mut expected = Vec::new();
            loop {
                full.advance();
                match full.head() {
                    Head::End => break,
                    Head::Event { .. } => {
                        expected.push(FieldDigest::of_decoded(&full.event().unwrap()))
                    }
                    Head::Lost { .. } => {}
                }
            }
            let where_ = format!("{} stream {s}", trace.path.display());
            assert_eq!(got.len(), expected.len(), "{where_}");
            for (i, (g, e)) in got.iter().zip(&expected).enumerate() {
                assert_eq!(g, e, "{where_}: event {i}");
            }
            assert_eq!(
                fast.error().map(ToString::to_string),
                full.error().map(ToString::to_string),
                "{where_}"
            );
            seen.events += expected.len() as u64;
            errors += usize::from(full.error().is_some());
        }
    }
    errors
}

/// The whole walk: `decode_all`'s digest (threads, runs from bytes) is the sum of the
/// digests of the events the single-threaded merger decodes into values, and it walks as
/// many messages.
fn compare_walk(path: &Path) {
    let session = Session::open(path).unwrap();
    let all = session.decode_all();
    let (mut digest, mut messages) = (0u64, 0u64);
    let mut merger = session.messages();
    while let Some(msg) = merger.next_message() {
        messages += 1;
        if let Message::Event(ev) = &msg {
            digest = digest.wrapping_add(FieldDigest::of_decoded(ev));
        }
    }
    assert_eq!(all.messages, messages, "{}", path.display());
    assert_eq!(all.digest, digest, "{}", path.display());
    // A reference formatter that reads nothing from bytes agrees as well.
    let total = AtomicU64::new(0);
    let factory =
        || -> Box<dyn EventFormatter + '_> { Box::new(FieldDigest::decoded_only(&total)) };
    session.for_each_formatted(Some(&factory), |_, _, _| ControlFlow::Continue(()));
    assert_eq!(total.into_inner(), digest, "{}", path.display());
}

#[test]
fn every_field_read_from_bytes_is_the_decoded_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut seen = Seen::default();
    for (what, kernel) in common::generated_traces(dir.path()) {
        compare_streams(&kernel, &mut seen);
        compare_walk(&kernel);
        eprintln!("{what}: {seen:?}");
    }
    // Most events of a kernel trace are read from bytes, some with strings at the end.
    assert!(seen.from_bytes * 10 > seen.events * 9, "{seen:?}");
    assert!(seen.with_strings > 100, "{seen:?}");
    let Some(root) = common::traces_dir() else {
        return;
    };
    let mut corpus = Seen::default();
    for t in ["many-threads", "scp-src", "scp-dest", "flipping-endianness"] {
        let path = root.join("kernel").join(t);
        compare_streams(&path, &mut corpus);
        compare_walk(&path);
    }
    for dir in ["ust", "conformance/succeed"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap().flatten() {
            if Session::open(&e.path()).is_ok() {
                compare_streams(&e.path(), &mut corpus);
                compare_walk(&e.path());
            }
        }
    }
    eprintln!("corpus: {corpus:?}");
    assert!(corpus.from_bytes > 100_000, "{corpus:?}");
}

/// Damaged streams: copies of a generated trace with stream files cut short and bits
/// flipped end with the same error, after events with the same digests, whichever way the
/// events were decoded; so do the damaged conformance traces.
#[test]
fn a_damaged_stream_digests_the_same_either_way() {
    let dir = tempfile::tempdir().unwrap();
    let (_, intact) = common::generated_traces(dir.path()).swap_remove(0);
    let mut rng = lttng_tui::r#gen::rng::Rng::new(2, 1);
    let (mut seen, mut errors) = (Seen::default(), 0);
    for case in 0..8 {
        let copy = dir.path().join(format!("damaged-{case}"));
        damaged_copy(&intact, &copy, &mut rng).unwrap();
        errors += compare_streams(&copy, &mut seen);
    }
    eprintln!("damaged copies: {seen:?}, {errors} streams ended by an error");
    // The damage was met on the byte path, not only intact prefixes.
    assert!(seen.from_bytes > 10_000, "{seen:?}");
    assert!(errors > 0);
    let Some(root) = common::traces_dir() else {
        return;
    };
    for e in std::fs::read_dir(root.join("conformance/fail"))
        .unwrap()
        .flatten()
    {
        if Session::open(&e.path()).is_ok() {
            compare_streams(&e.path(), &mut seen);
        }
    }
}
