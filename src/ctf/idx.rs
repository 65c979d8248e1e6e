//! LTTng packet index files (`index/<stream file>.idx`, ctf.md §1.4).
//!
//! An index lists every packet of a stream file without reading the file. It is checked the
//! way babeltrace2 checks it, and then compared with the packet table read from the packet
//! headers: a disagreement is reported as a warning and the headers win.

use std::path::Path;

const MAGIC: u32 = 0xC1F1_DCC1;
const HEADER_BYTES: usize = 16;
const MIN_ENTRY_BYTES: usize = 56;

/// One index entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexEntry {
    /// Byte offset of the packet in the data file.
    pub offset: u64,
    /// Packet size in bits.
    pub packet_bits: u64,
    /// Content size in bits.
    pub content_bits: u64,
    /// `timestamp_begin`, raw.
    pub ts_begin: u64,
    /// `timestamp_end`, raw.
    pub ts_end: u64,
    /// Cumulative discarded events.
    pub discarded: u64,
    /// Stream class id.
    pub stream_id: u64,
    /// `stream_instance_id` (index 1.1 only).
    pub instance_id: Option<u64>,
    /// `packet_seq_num` (index 1.1 only).
    pub seq_num: Option<u64>,
}

fn be_u32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn be_u64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// Parses and validates an index against the size of its data file.
pub fn parse_index(bytes: &[u8], data_file_len: u64) -> Result<Vec<IndexEntry>, String> {
    if be_u32(bytes, 0) != Some(MAGIC) {
        return Err("bad magic number".into());
    }
    if be_u32(bytes, 4) != Some(1) {
        return Err("unsupported index major version".into());
    }
    let entry_len = be_u32(bytes, 12).ok_or("truncated header")? as usize;
    if entry_len < MIN_ENTRY_BYTES {
        return Err(format!("entry size {entry_len} is below {MIN_ENTRY_BYTES}"));
    }
    let body = &bytes[HEADER_BYTES..];
    if !body.len().is_multiple_of(entry_len) {
        return Err("size is not a whole number of entries".into());
    }
    let mut entries = Vec::with_capacity(body.len() / entry_len);
    let mut total_bytes = 0u64;
    for raw in body.chunks_exact(entry_len) {
        let field = |i: usize| be_u64(raw, i * 8).unwrap_or(0);
        let extended = entry_len >= 72;
        let e = IndexEntry {
            offset: field(0),
            packet_bits: field(1),
            content_bits: field(2),
            ts_begin: field(3),
            ts_end: field(4),
            discarded: field(5),
            stream_id: field(6),
            instance_id: extended.then(|| field(7)),
            seq_num: extended.then(|| field(8)),
        };
        if !e.packet_bits.is_multiple_of(8) {
            return Err(format!(
                "packet at {} has a size in bits not a multiple of 8",
                e.offset
            ));
        }
        if e.content_bits > e.packet_bits {
            return Err(format!(
                "packet at {} has content larger than the packet",
                e.offset
            ));
        }
        if e.ts_end < e.ts_begin {
            return Err(format!("packet at {} ends before it begins", e.offset));
        }
        if entries
            .last()
            .is_some_and(|p: &IndexEntry| p.offset > e.offset)
        {
            return Err("packet offsets go backwards".into());
        }
        total_bytes = total_bytes.saturating_add(e.packet_bits / 8);
        entries.push(e);
    }
    if total_bytes != data_file_len {
        return Err(format!(
            "packets add up to {total_bytes} bytes but the data file has {data_file_len}"
        ));
    }
    Ok(entries)
}

/// The index of a stream file, when the trace has one: `Ok(None)` without an index file.
pub fn read_index_for(
    stream_file: &Path,
    data_file_len: u64,
) -> Result<Option<Vec<IndexEntry>>, String> {
    let (Some(dir), Some(name)) = (stream_file.parent(), stream_file.file_name()) else {
        return Ok(None);
    };
    let mut idx_name = name.to_os_string();
    idx_name.push(".idx");
    let path = dir.join("index").join(idx_name);
    match std::fs::read(&path) {
        Ok(bytes) => parse_index(&bytes, data_file_len).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(entries: &[[u64; 9]], entry_len: u32) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend(MAGIC.to_be_bytes());
        b.extend(1u32.to_be_bytes());
        b.extend(1u32.to_be_bytes());
        b.extend(entry_len.to_be_bytes());
        for e in entries {
            for v in &e[..entry_len as usize / 8] {
                b.extend(v.to_be_bytes());
            }
        }
        b
    }

    #[test]
    fn valid_index_parses() {
        let b = index(
            &[
                [0, 8192, 4000, 10, 20, 0, 0, 3, 0],
                [1024, 8192, 800, 20, 30, 2, 0, 3, 1],
            ],
            72,
        );
        let e = parse_index(&b, 2048).unwrap();
        assert_eq!(e.len(), 2);
        assert_eq!(e[1].offset, 1024);
        assert_eq!(e[1].instance_id, Some(3));
        assert_eq!(e[1].seq_num, Some(1));
        assert_eq!(e[1].discarded, 2);
    }

    #[test]
    fn version_1_0_entries_have_no_sequence_numbers() {
        let b = index(&[[0, 8192, 4000, 10, 20, 0, 0, 0, 0]], 56);
        let e = parse_index(&b, 1024).unwrap();
        assert_eq!(e[0].seq_num, None);
    }

    #[test]
    fn index_not_covering_the_file_is_refused() {
        let b = index(&[[0, 8192, 4000, 10, 20, 0, 0, 3, 0]], 72);
        assert!(parse_index(&b, 4096).unwrap_err().contains("add up"));
    }

    #[test]
    fn garbage_is_refused() {
        assert!(parse_index(b"nonsense", 0).is_err());
        assert!(parse_index(&[], 0).is_err());
        let b = index(&[[0, 8193, 4000, 10, 20, 0, 0, 3, 0]], 72);
        assert!(parse_index(&b, 1024).is_err());
    }
}
