//! On-disk cache of finished models, in `$XDG_CACHE_HOME/lttng-tui/` (never in the trace
//! directory).
//!
//! A cache file is only trusted when its key matches the traces as they are now (UUIDs,
//! stream file paths, sizes and modification times, plus the format and crate versions)
//! and its checksum matches its payload; anything else is treated as absent and rebuilt.
//!
//! Layout: `MAGIC`, key length (u64 LE), key bytes, payload length (u64 LE), payload
//! checksum (u64 LE), payload (bincode of [`Model`]).

use std::fs::{self, File};
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use crate::ctf::session::Session;
use crate::model::Model;

const MAGIC: &[u8; 8] = b"LTTUIDX1";
/// Bump when the model's layout or meaning changes.
const FORMAT: u32 = 2;

/// What a cache entry must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key(Vec<u8>);

impl Key {
    /// The identity of every trace and stream file of `session`.
    pub fn of(session: &Session) -> Key {
        let mut k = format!("format {FORMAT} crate {}\n", env!("CARGO_PKG_VERSION"));
        for t in &session.traces {
            k.push_str(&format!("trace {:?} {}\n", t.class.uuid, t.path.display()));
            for f in &t.files {
                let meta = fs::metadata(&f.path).ok();
                let size = meta.as_ref().map_or(0, fs::Metadata::len);
                let mtime = meta
                    .and_then(|m| m.modified().ok())
                    .and_then(|m| m.duration_since(UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos());
                k.push_str(&format!("{} {size} {mtime}\n", f.path.display()));
            }
        }
        Key(k.into_bytes())
    }
}

/// `$XDG_CACHE_HOME/lttng-tui`, or `~/.cache/lttng-tui`.
pub fn default_dir() -> Option<PathBuf> {
    let base = match std::env::var_os("XDG_CACHE_HOME") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => PathBuf::from(std::env::var_os("HOME")?).join(".cache"),
    };
    Some(base.join("lttng-tui"))
}

/// FNV-1a over 8-byte words: cheap, and enough to catch truncation and bit rot (this is
/// not a defence against tampering).
fn checksum(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h ^ u64::from_le_bytes(w)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    for &b in chunks.remainder() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The cache file of the session rooted at `root`.
pub fn file_for(dir: &Path, root: &Path) -> PathBuf {
    let canon = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let h = checksum(canon.to_string_lossy().as_bytes());
    dir.join(format!("index-{h:016x}.bin"))
}

fn read_u64(r: &mut impl Read) -> Option<u64> {
    let mut b = [0u8; 8];
    r.read_exact(&mut b).ok()?;
    Some(u64::from_le_bytes(b))
}

/// The cached model, when present, matching `key` and intact.
pub fn load(dir: &Path, root: &Path, key: &Key) -> Option<Model> {
    let mut f = File::open(file_for(dir, root)).ok()?;
    let mut magic = [0u8; 8];
    f.read_exact(&mut magic).ok()?;
    if &magic != MAGIC {
        return None;
    }
    let klen = usize::try_from(read_u64(&mut f)?).ok()?;
    if klen != key.0.len() {
        return None;
    }
    let mut k = vec![0u8; klen];
    f.read_exact(&mut k).ok()?;
    if k != key.0 {
        return None;
    }
    let plen = usize::try_from(read_u64(&mut f)?).ok()?;
    let sum = read_u64(&mut f)?;
    let mut payload = Vec::new();
    f.read_to_end(&mut payload).ok()?;
    if payload.len() != plen || checksum(&payload) != sum {
        return None;
    }
    let mut m: Model = bincode::deserialize(&payload).ok()?;
    m.rebuild();
    Some(m)
}

/// Writes the cache entry atomically (temporary file, then rename).
pub fn store(dir: &Path, root: &Path, key: &Key, model: &Model) -> anyhow::Result<()> {
    fs::create_dir_all(dir)?;
    let payload = bincode::serialize(model)?;
    let path = file_for(dir, root);
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    {
        let mut w = BufWriter::new(File::create(&tmp)?);
        w.write_all(MAGIC)?;
        w.write_all(&(key.0.len() as u64).to_le_bytes())?;
        w.write_all(&key.0)?;
        w.write_all(&(payload.len() as u64).to_le_bytes())?;
        w.write_all(&checksum(&payload).to_le_bytes())?;
        w.write_all(&payload)?;
        w.flush()?;
    }
    fs::rename(&tmp, &path)?;
    Ok(())
}
