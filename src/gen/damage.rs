//! Damaged copies of a trace, for tests of what the readers do with broken input.

use std::io;
use std::path::Path;

use super::rng::Rng;

/// Copies the regular files of the trace directory `intact` into `out` (created), with each
/// stream file (`channel*`) cut at a random length and up to 15 random bits of what is
/// left flipped; the metadata and other files are copied whole. The same `rng` state gives
/// the same damage, so a failing case replays.
pub fn damaged_copy(intact: &Path, out: &Path, rng: &mut Rng) -> io::Result<()> {
    std::fs::create_dir_all(out)?;
    for entry in std::fs::read_dir(intact)? {
        let entry = entry?;
        if !entry.file_type()?.is_file() {
            continue;
        }
        let mut bytes = std::fs::read(entry.path())?;
        if entry.file_name().to_string_lossy().starts_with("channel") {
            bytes.truncate(below(rng, bytes.len()));
            for _ in 0..rng.below(16) {
                let i = below(rng, bytes.len());
                if let Some(b) = bytes.get_mut(i) {
                    *b ^= 1 << rng.below(8);
                }
            }
        }
        std::fs::write(out.join(entry.file_name()), bytes)?;
    }
    Ok(())
}

/// A random index below `n` (0 when `n` is 0).
fn below(rng: &mut Rng, n: usize) -> usize {
    rng.below(n as u64) as usize
}
