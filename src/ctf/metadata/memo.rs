//! Parsed metadata kept between runs: a kernel trace's metadata is some 300 KB of TSDL,
//! about 5 ms to parse, which is a fifth of a warm period command. A memo file holds the
//! metadata bytes it was made from and the trace class, so a hit costs one read, one byte
//! comparison and one deserialization.
//!
//! Nothing is trusted blindly: the memo is used only when its copy of the metadata equals
//! the file's bytes exactly and the class's checksum matches; anything else is parsed again.
//! Writes go to a temporary file renamed into place, so readers never see half a memo.

use std::fs;
use std::hash::Hasher;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{MetadataError, ParsedMetadata, parse_metadata_bytes};
use crate::ctf::ir::TraceClass;

const MAGIC: &[u8; 8] = b"LTTUIMD\0";
/// Bump when the serialized layout of [`TraceClass`] changes (the `layout_is_pinned` test
/// fails until it is).
const FORMAT: u32 = 1;
/// Header: magic, format, metadata length, class length, class checksum.
const HEADER: usize = 8 + 4 + 8 + 8 + 8;

/// Parses the metadata file at `path`, through a memo in `dir` when one is given.
pub fn parse_file(path: &Path, dir: Option<&Path>) -> Result<ParsedMetadata, MetadataError> {
    let origin = path.display().to_string();
    let bytes = fs::read(path).map_err(|source| MetadataError::Io {
        origin: origin.clone(),
        source,
    })?;
    let Some(dir) = dir else {
        return parse_metadata_bytes(&bytes, &origin);
    };
    let file = memo_file(dir, &bytes);
    if let Some(class) = load(&file, &bytes) {
        return Ok(ParsedMetadata {
            class,
            warnings: Vec::new(),
        });
    }
    let parsed = parse_metadata_bytes(&bytes, &origin)?;
    // Warnings name the file they were found in: only clean metadata is kept, so a memo
    // never reports another path. A memo that cannot be written only costs the next parse.
    if parsed.warnings.is_empty() {
        let _ = store(dir, &file, &bytes, &parsed.class);
    }
    Ok(parsed)
}

fn digest(bytes: &[u8]) -> u64 {
    // SipHash with fixed keys: the same bytes give the same name in every run.
    let mut h = std::hash::DefaultHasher::new();
    h.write(bytes);
    h.finish()
}

fn memo_file(dir: &Path, metadata: &[u8]) -> PathBuf {
    dir.join(format!("metadata-{:016x}.bin", digest(metadata)))
}

fn load(file: &Path, metadata: &[u8]) -> Option<TraceClass> {
    let memo = fs::read(file).ok()?;
    let (header, rest) = memo.split_at_checked(HEADER)?;
    let word = |at: usize| u64::from_le_bytes(header[at..at + 8].try_into().unwrap_or([0; 8]));
    if &header[..8] != MAGIC || header[8..12] != FORMAT.to_le_bytes() {
        return None;
    }
    let (meta_len, class_len, sum) = (word(12), word(20), word(28));
    let (copy, class) = rest.split_at_checked(usize::try_from(meta_len).ok()?)?;
    if copy != metadata || class.len() as u64 != class_len || digest(class) != sum {
        return None;
    }
    bincode::deserialize(class).ok()
}

fn store(dir: &Path, file: &Path, metadata: &[u8], class: &TraceClass) -> std::io::Result<()> {
    let body = bincode::serialize(class).map_err(std::io::Error::other)?;
    fs::create_dir_all(dir)?;
    let tmp = file.with_extension(format!("tmp{}", std::process::id()));
    let mut f = fs::File::create(&tmp)?;
    f.write_all(MAGIC)?;
    f.write_all(&FORMAT.to_le_bytes())?;
    for n in [metadata.len() as u64, body.len() as u64, digest(&body)] {
        f.write_all(&n.to_le_bytes())?;
    }
    f.write_all(metadata)?;
    f.write_all(&body)?;
    drop(f);
    fs::rename(&tmp, file).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TSDL: &str = r#"/* CTF 1.8 */
typealias integer { size = 8; align = 8; signed = false; } := uint8_t;
typealias integer { size = 32; align = 8; signed = false; } := uint32_t;
trace { major = 1; minor = 8; byte_order = le; uuid = "2a6422d0-6cee-11e0-8c08-cb07d7b3a564";
  packet.header := struct { uint32_t magic; uint8_t uuid[16]; uint32_t stream_id; }; };
env { hostname = "h"; tracer_major = 2; };
clock { name = c; freq = 1000000000; offset = 5; };
typealias integer { size = 64; align = 8; signed = false; map = clock.c.value; } := ts_t;
stream { id = 0; event.header := struct { uint32_t id; ts_t timestamp; };
  packet.context := struct { uint32_t content_size; uint32_t packet_size; }; };
enum e : uint8_t { A = 0, B = 1 ... 3 };
event { name = "ev"; id = 7; stream_id = 0; loglevel = 4;
  fields := struct { enum e k; string s; uint8_t n; uint32_t a[n];
    variant <k> { uint8_t A; uint32_t B; } v; floating_point { exp_dig = 8; mant_dig = 24; align = 32; } f; }; };
"#;

    #[test]
    fn a_memo_gives_the_parsed_class_and_is_refused_when_anything_differs() {
        let dir = tempfile::tempdir().unwrap();
        let trace = dir.path().join("metadata");
        fs::write(&trace, TSDL).unwrap();
        let memo_dir = dir.path().join("memo");
        let parsed = parse_file(&trace, Some(&memo_dir)).unwrap();
        let file = memo_file(&memo_dir, TSDL.as_bytes());
        assert!(file.is_file(), "clean metadata is memoized");
        assert_eq!(load(&file, TSDL.as_bytes()), Some(parsed.class.clone()));
        assert_eq!(
            parse_file(&trace, Some(&memo_dir)).unwrap().class,
            parsed.class
        );
        // Other metadata under the same name (a collision, or a forged file): refused.
        let mut other = TSDL.as_bytes().to_vec();
        other[3] ^= 1;
        assert_eq!(load(&file, &other), None);
        // Any changed byte of the memo itself: refused, never a different class.
        let good = fs::read(&file).unwrap();
        for at in [0, 9, 13, 21, 29, HEADER + 5, good.len() - 1] {
            let mut bad = good.clone();
            bad[at] ^= 0x40;
            fs::write(&file, &bad).unwrap();
            assert_eq!(load(&file, TSDL.as_bytes()), None, "byte {at}");
            // And the caller still gets the right class (parsed again, memo rewritten).
            assert_eq!(
                parse_file(&trace, Some(&memo_dir)).unwrap().class,
                parsed.class
            );
        }
        fs::write(&file, &good[..good.len() / 2]).unwrap();
        assert_eq!(load(&file, TSDL.as_bytes()), None);
    }

    #[test]
    fn metadata_with_warnings_is_not_memoized() {
        let dir = tempfile::tempdir().unwrap();
        let trace = dir.path().join("metadata");
        // No `/* CTF 1.8` signature: read, with a warning naming the file.
        let unsigned = TSDL.replacen("/* CTF 1.8 */", "", 1);
        fs::write(&trace, &unsigned).unwrap();
        let memo_dir = dir.path().join("memo");
        let parsed = parse_file(&trace, Some(&memo_dir)).unwrap();
        assert!(!parsed.warnings.is_empty());
        assert!(!memo_file(&memo_dir, unsigned.as_bytes()).exists());
    }

    /// The serialized layout of a class using every kind of type. When the IR types change,
    /// this changes: bump [`FORMAT`] (so old memos are refused rather than misread) and
    /// update the expected digest.
    #[test]
    fn layout_is_pinned() {
        let class = parse_metadata_bytes(TSDL.as_bytes(), "t").unwrap().class;
        let body = bincode::serialize(&class).unwrap();
        // FNV-1a, spelled out: unlike `digest`, it never changes with the toolchain.
        let fnv = body.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        assert_eq!(
            (FORMAT, body.len(), fnv),
            (1, 1214, 647_628_784_293_421_526)
        );
    }
}
