//! From the bytes of a metadata file to TSDL text: plain text is used as is (after checking
//! its `/* CTF 1.8` signature), packetized metadata is unwrapped (ctf.md §2.2), CTF 2 is
//! recognized and refused.

use std::borrow::Cow;

use super::Diag;

/// Magic number of a metadata packet, as read in the trace's byte order.
const PACKET_MAGIC: u32 = 0x75D1_1D57;
/// Size of a metadata packet header in bytes.
const HEADER_LEN: usize = 37;
/// JSON text sequence record separator that starts every CTF 2 metadata fragment.
const RECORD_SEPARATOR: u8 = 0x1E;

/// Why no TSDL text could be extracted.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SourceError {
    /// A format we recognize but do not read (`CTF 2`).
    Unsupported(String),
    /// Broken packet framing.
    Invalid(String),
}

/// The TSDL text of a metadata stream. Warnings (missing signature, missing padding) are
/// appended to `warnings`.
pub(crate) fn metadata_text<'a>(
    bytes: &'a [u8],
    warnings: &mut Vec<Diag>,
) -> Result<Cow<'a, [u8]>, SourceError> {
    if let Some(big_endian) = packet_byte_order(bytes) {
        let text = unpacketize(bytes, big_endian, warnings)?;
        if looks_like_ctf2(&text) {
            return Err(SourceError::Unsupported("CTF 2".into()));
        }
        return Ok(Cow::Owned(text));
    }
    if looks_like_ctf2(bytes) {
        return Err(SourceError::Unsupported("CTF 2".into()));
    }
    check_signature(bytes, warnings)?;
    Ok(Cow::Borrowed(bytes))
}

/// `Some(true)` for big-endian packets, `Some(false)` for little-endian ones, `None` for text.
fn packet_byte_order(bytes: &[u8]) -> Option<bool> {
    let first: [u8; 4] = bytes.get(..4)?.try_into().ok()?;
    if u32::from_le_bytes(first) == PACKET_MAGIC {
        Some(false)
    } else if u32::from_be_bytes(first) == PACKET_MAGIC {
        Some(true)
    } else {
        None
    }
}

/// CTF 2 metadata is a JSON text sequence: each fragment starts with RS and is an object.
fn looks_like_ctf2(text: &[u8]) -> bool {
    let first = text.iter().find(|b| !b.is_ascii_whitespace());
    matches!(first, Some(&RECORD_SEPARATOR) | Some(&b'{'))
}

/// Checks the `/* CTF major.minor` signature of plain text metadata. babeltrace2 refuses a
/// file without it; we only warn, but a signature announcing another version is an error.
fn check_signature(text: &[u8], warnings: &mut Vec<Diag>) -> Result<(), SourceError> {
    match signature_version(text) {
        None => {
            warnings.push(Diag::nowhere(
                "plain text metadata does not start with the `/* CTF 1.8` signature",
            ));
            Ok(())
        }
        Some((1, 8)) => Ok(()),
        Some((2, _)) => Err(SourceError::Unsupported("CTF 2".into())),
        Some((major, minor)) => Err(SourceError::Invalid(format!(
            "unsupported metadata version {major}.{minor} in the text signature (expecting 1.8)"
        ))),
    }
}

/// Parses `/*` blanks `CTF` blanks `major.minor` at the start of the text (leading blanks
/// allowed, like `fscanf("/* CTF %u.%u")` does).
fn signature_version(text: &[u8]) -> Option<(u64, u64)> {
    fn skip_blanks(t: &[u8]) -> &[u8] {
        let n = t.iter().take_while(|b| b.is_ascii_whitespace()).count();
        &t[n..]
    }
    fn number(t: &[u8]) -> Option<(u64, &[u8])> {
        let n = t.iter().take_while(|b| b.is_ascii_digit()).count();
        let digits = std::str::from_utf8(&t[..n]).ok()?;
        Some((digits.parse().ok()?, &t[n..]))
    }
    let t = skip_blanks(text).strip_prefix(b"/*")?;
    let t = skip_blanks(t).strip_prefix(b"CTF")?;
    let (major, t) = number(skip_blanks(t))?;
    let (minor, _) = number(t.strip_prefix(b".")?)?;
    Some((major, minor))
}

/// The fixed part of a metadata packet header that matters to a reader.
struct PacketHeader {
    magic: u32,
    uuid: [u8; 16],
    checksum: u32,
    content_bits: u32,
    packet_bits: u32,
    compression: u8,
    encryption: u8,
    checksum_scheme: u8,
    major: u8,
    minor: u8,
}

fn read_header(h: &[u8; HEADER_LEN], big_endian: bool) -> PacketHeader {
    let word = |at: usize| {
        let b = [h[at], h[at + 1], h[at + 2], h[at + 3]];
        if big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        }
    };
    let mut uuid = [0u8; 16];
    uuid.copy_from_slice(&h[4..20]);
    PacketHeader {
        magic: word(0),
        uuid,
        checksum: word(20),
        content_bits: word(24),
        packet_bits: word(28),
        compression: h[32],
        encryption: h[33],
        checksum_scheme: h[34],
        major: h[35],
        minor: h[36],
    }
}

/// Concatenates the payloads of all metadata packets. Declarations may be split anywhere
/// between packets, so nothing is parsed before the whole text is known.
fn unpacketize(
    bytes: &[u8],
    big_endian: bool,
    warnings: &mut Vec<Diag>,
) -> Result<Vec<u8>, SourceError> {
    let mut text = Vec::with_capacity(bytes.len());
    let mut first_uuid: Option<[u8; 16]> = None;
    let mut offset = 0usize;
    while offset < bytes.len() {
        let Some(raw) = bytes.get(offset..offset + HEADER_LEN) else {
            // babeltrace2 stops silently at a partial header; say something at least.
            warnings.push(Diag::nowhere(format!(
                "ignoring {} trailing bytes after the last metadata packet",
                bytes.len() - offset
            )));
            break;
        };
        let raw: &[u8; HEADER_LEN] = raw.try_into().map_err(|_| invalid(offset, "short"))?;
        let header = read_header(raw, big_endian);
        check_header(&header, offset, &mut first_uuid)?;
        let content_end = offset + header.content_bits as usize / 8;
        let payload = bytes
            .get(offset + HEADER_LEN..content_end)
            .ok_or_else(|| invalid(offset, "content size goes past the end of the file"))?;
        text.extend_from_slice(payload);
        let next = offset + header.packet_bits as usize / 8;
        if next > bytes.len() {
            warnings.push(Diag::nowhere(format!(
                "metadata packet at offset {offset}: missing padding at the end of the file"
            )));
        }
        offset = next;
    }
    // babeltrace2 reads the text up to its first NUL byte; writers pad with zeros.
    if let Some(nul) = text.iter().position(|&b| b == 0) {
        text.truncate(nul);
    }
    Ok(text)
}

fn invalid(offset: usize, what: &str) -> SourceError {
    SourceError::Invalid(format!("metadata packet at offset {offset}: {what}"))
}

/// Validates one packet header as babeltrace2 does (ctf.md §2.2).
fn check_header(
    h: &PacketHeader,
    offset: usize,
    first_uuid: &mut Option<[u8; 16]>,
) -> Result<(), SourceError> {
    if h.magic != PACKET_MAGIC {
        return Err(invalid(
            offset,
            &format!("bad magic number {:#010x}", h.magic),
        ));
    }
    if (h.major, h.minor) != (1, 8) {
        if h.major == 2 {
            return Err(SourceError::Unsupported("CTF 2".into()));
        }
        let what = format!(
            "unsupported version {}.{} (expecting 1.8)",
            h.major, h.minor
        );
        return Err(invalid(offset, &what));
    }
    if h.compression != 0 {
        return Err(invalid(offset, "compressed metadata is not supported"));
    }
    if h.encryption != 0 {
        return Err(invalid(offset, "encrypted metadata is not supported"));
    }
    if h.checksum != 0 || h.checksum_scheme != 0 {
        return Err(invalid(offset, "metadata checksums are not supported"));
    }
    match first_uuid {
        None => *first_uuid = Some(h.uuid),
        Some(u) if *u != h.uuid => {
            return Err(invalid(
                offset,
                "trace UUID differs from the first packet's",
            ));
        }
        Some(_) => {}
    }
    if (h.content_bits as usize) / 8 < HEADER_LEN {
        let what = format!(
            "content size {} bits is smaller than the header",
            h.content_bits
        );
        return Err(invalid(offset, &what));
    }
    if h.packet_bits < h.content_bits {
        return Err(invalid(offset, "packet size is smaller than content size"));
    }
    Ok(())
}

/// Builds a packetized metadata stream from TSDL text (tests and test-trace generators).
#[cfg(test)]
pub(crate) fn packetize(text: &[u8], chunk: usize, big_endian: bool, uuid: [u8; 16]) -> Vec<u8> {
    let mut out = Vec::new();
    for part in text.chunks(chunk.max(1)) {
        let content = ((HEADER_LEN + part.len()) * 8) as u32;
        let packet = content.div_ceil(64) * 64;
        let word = |v: u32| {
            if big_endian {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        };
        out.extend_from_slice(&word(PACKET_MAGIC));
        out.extend_from_slice(&uuid);
        out.extend_from_slice(&word(0));
        out.extend_from_slice(&word(content));
        out.extend_from_slice(&word(packet));
        out.extend_from_slice(&[0, 0, 0, 1, 8]);
        out.extend_from_slice(part);
        out.resize(out.len() + (packet - content) as usize / 8, 0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_with_and_without_signature() {
        let mut w = Vec::new();
        let t = metadata_text(b"/* CTF 1.8 */ trace {};", &mut w).unwrap();
        assert_eq!(&*t, b"/* CTF 1.8 */ trace {};");
        assert!(w.is_empty());
        metadata_text(b"trace {};", &mut w).unwrap();
        assert_eq!(w.len(), 1);
        assert!(w[0].msg.contains("signature"));
        let e = metadata_text(b"/* CTF 1.7 */", &mut w).unwrap_err();
        assert!(matches!(e, SourceError::Invalid(m) if m.contains("1.7")));
    }

    #[test]
    fn ctf2_is_recognized() {
        let mut w = Vec::new();
        for text in [&b"\x1e{\"type\":\"preamble\"}"[..], b"  {\"type\": 1}"] {
            let e = metadata_text(text, &mut w).unwrap_err();
            assert_eq!(e, SourceError::Unsupported("CTF 2".into()));
        }
        let packets = packetize(b"\x1e{}", 100, false, [1; 16]);
        let e = metadata_text(&packets, &mut w).unwrap_err();
        assert_eq!(e, SourceError::Unsupported("CTF 2".into()));
    }

    #[test]
    fn packets_in_both_byte_orders_are_concatenated() {
        let text = b"typealias integer { size = 8; } := uint8_t; trace { major = 1; };";
        for be in [false, true] {
            let packets = packetize(text, 10, be, [7; 16]);
            let mut w = Vec::new();
            let out = metadata_text(&packets, &mut w).unwrap();
            assert_eq!(&*out, &text[..]);
            assert!(w.is_empty());
        }
    }

    #[test]
    fn bad_packets_are_refused() {
        let mut w = Vec::new();
        let mut p = packetize(b"trace {};", 100, false, [7; 16]);
        p[35] = b't';
        p[36] = b'y';
        let e = metadata_text(&p, &mut w).unwrap_err();
        assert_eq!(
            e,
            SourceError::Invalid(
                "metadata packet at offset 0: unsupported version 116.121 (expecting 1.8)".into()
            )
        );
        let mut p = packetize(b"trace {}; stream {};", 10, false, [7; 16]);
        let second = p.len() / 2;
        p[second + 4] ^= 0xFF;
        let e = metadata_text(&p, &mut w).unwrap_err();
        assert!(matches!(e, SourceError::Invalid(m) if m.contains("UUID")));
        let mut p = packetize(b"trace {};", 100, false, [7; 16]);
        p[32] = 1;
        assert!(metadata_text(&p, &mut w).is_err());
        let mut p = packetize(b"trace {};", 100, false, [7; 16]);
        p[24..28].copy_from_slice(&8u32.to_le_bytes());
        assert!(metadata_text(&p, &mut w).is_err());
    }

    #[test]
    fn truncated_packet_stream() {
        let p = packetize(b"trace {};", 100, false, [7; 16]);
        let mut w = Vec::new();
        // Cut inside the padding: accepted with a warning.
        let out = metadata_text(&p[..p.len() - 2], &mut w).unwrap();
        assert_eq!(&*out, b"trace {};");
        assert_eq!(w.len(), 1);
        // Cut inside the content: refused.
        assert!(metadata_text(&p[..HEADER_LEN + 3], &mut w).is_err());
    }
}
