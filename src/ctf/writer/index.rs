//! LTTng packet index files (`index/<stream>.idx`, version 1.1, big endian; ctf.md §1.4).

/// Magic number at the start of an index file.
pub const INDEX_MAGIC: u32 = 0xC1F1_DCC1;
/// Size of one v1.1 entry in bytes.
pub const ENTRY_BYTES: usize = 72;

/// One packet's index entry. Sizes are in bits, timestamps in raw clock cycles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IndexEntry {
    /// Byte offset of the packet in the data file.
    pub offset: u64,
    /// Packet size in bits, padding included.
    pub packet_size: u64,
    /// Content size in bits.
    pub content_size: u64,
    /// `timestamp_begin` of the packet context.
    pub timestamp_begin: u64,
    /// `timestamp_end` of the packet context.
    pub timestamp_end: u64,
    /// Cumulative discarded-event counter.
    pub events_discarded: u64,
    /// Stream class id.
    pub stream_id: u64,
    /// Stream instance id.
    pub stream_instance_id: u64,
    /// Packet sequence number.
    pub packet_seq_num: u64,
}

impl IndexEntry {
    /// The 72-byte big-endian encoding.
    pub fn to_bytes(&self) -> [u8; ENTRY_BYTES] {
        let mut b = [0u8; ENTRY_BYTES];
        let vals = [
            self.offset,
            self.packet_size,
            self.content_size,
            self.timestamp_begin,
            self.timestamp_end,
            self.events_discarded,
            self.stream_id,
            self.stream_instance_id,
            self.packet_seq_num,
        ];
        for (i, v) in vals.iter().enumerate() {
            b[i * 8..i * 8 + 8].copy_from_slice(&v.to_be_bytes());
        }
        b
    }
}

/// The 16-byte file header: magic, major 1, minor 1, entry size.
pub fn index_header() -> [u8; 16] {
    let mut b = [0u8; 16];
    b[0..4].copy_from_slice(&INDEX_MAGIC.to_be_bytes());
    b[4..8].copy_from_slice(&1u32.to_be_bytes());
    b[8..12].copy_from_slice(&1u32.to_be_bytes());
    b[12..16].copy_from_slice(&(ENTRY_BYTES as u32).to_be_bytes());
    b
}
