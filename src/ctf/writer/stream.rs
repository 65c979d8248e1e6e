//! Per-CPU data streams cut into packets, as the LTTng ring buffer does.

use std::io;

use super::index::IndexEntry;
use super::sink::PacketSink;

/// Packet header (32 bytes) plus LTTng packet context (52 bytes) on x86-64.
pub const PACKET_PREAMBLE_BYTES: usize = 84;
/// Packet magic.
const CTF_MAGIC: u32 = 0xC1FC_1FC1;
/// Event ids below this use the compact header's 5-bit id.
const COMPACT_ID_LIMIT: u32 = 31;
/// Bits of the compact header's timestamp.
const COMPACT_TS_BITS: u32 = 27;
/// The final, partial packet is padded to a page, like the consumer daemon does on flush.
const PAGE: usize = 4096;

/// A request to lose events, decided at each packet switch (see [`LossPolicy`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Loss {
    /// CPU (stream index).
    pub cpu: u32,
    /// Sequence number of the packet whose `events_discarded` includes the loss.
    pub packet_seq_num: u64,
    /// Number of events dropped.
    pub count: u64,
    /// Timestamp of the first dropped event.
    pub first_ts: u64,
    /// Timestamp of the last dropped event.
    pub last_ts: u64,
}

/// Decides, when stream `cpu` opens packet `seq` (> 0), how many of the next events the
/// simulated tracer drops (its buffer was full). Must be deterministic.
pub type LossPolicy = Box<dyn FnMut(u32, u64) -> u64 + Send>;

/// One data stream (one CPU of channel 0).
pub struct StreamWriter {
    /// CPU number written in the packets (`cpu_id`, `stream_instance_id`).
    cpu: u32,
    /// Index of the stream for the sink.
    sink_ix: usize,
    buf: Vec<u8>,
    packet_size: usize,
    seq: u64,
    discarded: u64,
    ts_begin: u64,
    last_ts: u64,
    /// Clock value a reader holds before the next event: the last written event's timestamp,
    /// or the packet's `timestamp_begin`. Dropped events do not move it.
    hdr_base: u64,
    file_offset: u64,
    events: u64,
    drop_left: u64,
    cur_loss: Option<Loss>,
}

impl StreamWriter {
    fn new(cpu: u32, sink_ix: usize, packet_size: usize, begin: u64) -> Self {
        let mut buf = Vec::with_capacity(packet_size);
        buf.resize(PACKET_PREAMBLE_BYTES, 0);
        Self {
            cpu,
            sink_ix,
            buf,
            packet_size,
            seq: 0,
            discarded: 0,
            ts_begin: begin,
            last_ts: begin,
            hdr_base: begin,
            file_offset: 0,
            events: 0,
            drop_left: 0,
            cur_loss: None,
        }
    }

    /// Number of events written so far.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// Timestamp of the last event written (or the stream's begin).
    pub fn last_ts(&self) -> u64 {
        self.last_ts
    }

    /// Fills the packet header and context, pads, and hands the packet to `sink`.
    fn close_packet(
        &mut self,
        end: u64,
        last: bool,
        uuid: &[u8; 16],
        sink: &mut dyn PacketSink,
    ) -> io::Result<()> {
        let content = self.buf.len();
        let size = if last {
            content.div_ceil(PAGE) * PAGE
        } else {
            self.packet_size
        };
        let mut h = [0u8; PACKET_PREAMBLE_BYTES];
        h[0..4].copy_from_slice(&CTF_MAGIC.to_le_bytes());
        h[4..20].copy_from_slice(uuid);
        // stream_id = 0 (bytes 20..24 stay zero); stream_instance_id = CPU, as LTTng does.
        h[24..32].copy_from_slice(&u64::from(self.cpu).to_le_bytes());
        let ctx = [
            self.ts_begin,
            end,
            content as u64 * 8,
            size as u64 * 8,
            self.seq,
            self.discarded,
        ];
        for (i, v) in ctx.iter().enumerate() {
            h[32 + i * 8..40 + i * 8].copy_from_slice(&v.to_le_bytes());
        }
        h[80..84].copy_from_slice(&self.cpu.to_le_bytes());
        self.buf[..PACKET_PREAMBLE_BYTES].copy_from_slice(&h);
        self.buf.resize(size, 0);
        let entry = IndexEntry {
            offset: self.file_offset,
            packet_size: size as u64 * 8,
            content_size: content as u64 * 8,
            timestamp_begin: self.ts_begin,
            timestamp_end: end,
            events_discarded: self.discarded,
            stream_id: 0,
            stream_instance_id: u64::from(self.cpu),
            packet_seq_num: self.seq,
        };
        self.file_offset += size as u64;
        let full = std::mem::take(&mut self.buf);
        self.buf = sink.packet(self.sink_ix, full, entry)?;
        self.buf.clear();
        self.buf.resize(PACKET_PREAMBLE_BYTES, 0);
        self.seq += 1;
        self.ts_begin = end;
        Ok(())
    }
}

/// All streams of one trace plus the sink they write to.
pub struct TraceWriter {
    uuid: [u8; 16],
    streams: Vec<StreamWriter>,
    sink: Box<dyn PacketSink>,
    loss: Option<LossPolicy>,
    losses: Vec<Loss>,
}

impl TraceWriter {
    /// Streams for CPUs `first_cpu..first_cpu + cpus` (addressed as `0..cpus` in
    /// [`TraceWriter::event`] and in the sink), with packets of `packet_size` bytes, all
    /// beginning at clock value `begin`.
    pub fn new(
        uuid: [u8; 16],
        first_cpu: u32,
        cpus: u32,
        packet_size: usize,
        begin: u64,
        sink: Box<dyn PacketSink>,
    ) -> Self {
        let packet_size = packet_size.max(PAGE);
        let streams = (0..cpus)
            .map(|c| StreamWriter::new(first_cpu + c, c as usize, packet_size, begin))
            .collect();
        Self {
            uuid,
            streams,
            sink,
            loss: None,
            losses: Vec::new(),
        }
    }

    /// Makes the tracer lose events at packet switches, as decided by `policy`.
    pub fn set_loss_policy(&mut self, policy: LossPolicy) {
        self.loss = Some(policy);
    }

    /// Losses that happened so far, in the order they ended.
    pub fn losses(&self) -> &[Loss] {
        &self.losses
    }

    /// The streams (one per CPU).
    pub fn streams(&self) -> &[StreamWriter] {
        &self.streams
    }

    /// Total events written (dropped ones excluded).
    pub fn events(&self) -> u64 {
        self.streams.iter().map(StreamWriter::events).sum()
    }

    /// Like [`TraceWriter::event`], but `encode` appends the payload straight into the packet
    /// (saving a copy on the hot path); `scratch` is used when the event starts a new packet
    /// or is dropped.
    pub fn event_with(
        &mut self,
        cpu: u32,
        id: u32,
        ts: u64,
        scratch: &mut Vec<u8>,
        encode: impl FnOnce(&mut Vec<u8>) -> io::Result<()>,
    ) -> io::Result<()> {
        let fast = self
            .streams
            .get(cpu as usize)
            .is_some_and(|s| s.drop_left == 0 && ts >= s.last_ts);
        if !fast {
            scratch.clear();
            encode(scratch)?;
            return self.event(cpu, id, ts, scratch);
        }
        let s = &mut self.streams[cpu as usize];
        let start = s.buf.len();
        let compact = id < COMPACT_ID_LIMIT && (ts - s.hdr_base) >> COMPACT_TS_BITS == 0;
        let h = if compact { 4 } else { 13 };
        write_header(&mut s.buf, id, ts, compact);
        if let Err(e) = encode(&mut s.buf) {
            s.buf.truncate(start);
            return Err(e);
        }
        if s.buf.len() > s.packet_size {
            // Does not fit: take the payload back and go through the packet switch.
            scratch.clear();
            scratch.extend_from_slice(&s.buf[start + h..]);
            s.buf.truncate(start);
            return self.event(cpu, id, ts, scratch);
        }
        s.last_ts = ts;
        s.hdr_base = ts;
        s.events += 1;
        Ok(())
    }

    /// Writes one event on local stream `cpu` at clock value `ts` (must not go back in time on that CPU).
    ///
    /// LTTng's header choice: the compact header when the id fits in 5 bits and the time
    /// since the previous event of the packet fits in 27 bits; otherwise the 13-byte extended
    /// one (escape id 31, 32-bit id, full 64-bit timestamp).
    pub fn event(&mut self, cpu: u32, id: u32, ts: u64, payload: &[u8]) -> io::Result<()> {
        let Some(s) = self.streams.get_mut(cpu as usize) else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "no such CPU stream",
            ));
        };
        if ts < s.last_ts {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("cpu {cpu}: timestamp {ts} before previous {}", s.last_ts),
            ));
        }
        if s.drop_left > 0 {
            s.drop_left -= 1;
            s.discarded += 1;
            s.last_ts = ts;
            if let Some(l) = &mut s.cur_loss {
                l.last_ts = ts;
                l.count += 1;
                if s.drop_left == 0 {
                    self.losses.push(*l);
                    s.cur_loss = None;
                }
            }
            return Ok(());
        }
        let hdr = |last: u64| {
            if id < COMPACT_ID_LIMIT && (ts - last) >> COMPACT_TS_BITS == 0 {
                4
            } else {
                13
            }
        };
        let mut h = hdr(s.hdr_base);
        if s.buf.len() + h + payload.len() > s.packet_size {
            if PACKET_PREAMBLE_BYTES + 13 + payload.len() > s.packet_size {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "event larger than packet",
                ));
            }
            s.close_packet(ts, false, &self.uuid, self.sink.as_mut())?;
            s.last_ts = ts;
            s.hdr_base = ts;
            if let Some(policy) = &mut self.loss {
                let n = policy(s.cpu, s.seq);
                if n > 0 {
                    s.cur_loss = Some(Loss {
                        cpu: s.cpu,
                        packet_seq_num: s.seq,
                        count: 0,
                        first_ts: ts,
                        last_ts: ts,
                    });
                    s.drop_left = n;
                    // This very event is the first one lost.
                    return self.event(cpu, id, ts, payload);
                }
            }
            h = hdr(s.hdr_base);
        }
        write_header(&mut s.buf, id, ts, h == 4);
        s.buf.extend_from_slice(payload);
        s.last_ts = ts;
        s.hdr_base = ts;
        s.events += 1;
        Ok(())
    }

    /// Closes every stream's last packet at `end` (or its last event if later) and flushes.
    /// Returns the losses and the number of bytes of all stream files.
    pub fn finish(mut self, end: u64) -> io::Result<(Vec<Loss>, u64)> {
        for s in &mut self.streams {
            if let Some(l) = s.cur_loss.take() {
                self.losses.push(l);
            }
            let e = end.max(s.last_ts);
            s.close_packet(e, true, &self.uuid, self.sink.as_mut())?;
        }
        self.sink.finish()?;
        let bytes = self.streams.iter().map(|s| s.file_offset).sum();
        Ok((std::mem::take(&mut self.losses), bytes))
    }
}

/// Appends an LTTng compact event header: one little-endian word with the 5-bit id and the
/// low 27 bits of the timestamp, or the escape id 31 followed by the 32-bit id and the full
/// 64-bit timestamp (13 bytes).
#[inline]
fn write_header(buf: &mut Vec<u8>, id: u32, ts: u64, compact: bool) {
    if compact {
        let w = (id & 0x1F) | (((ts & ((1 << COMPACT_TS_BITS) - 1)) as u32) << 5);
        buf.extend_from_slice(&w.to_le_bytes());
    } else {
        buf.push(31);
        buf.extend_from_slice(&id.to_le_bytes());
        buf.extend_from_slice(&ts.to_le_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sink that hands its packets back through a channel, since the writer owns it.
    struct Tx(std::sync::mpsc::Sender<(usize, Vec<u8>, IndexEntry)>);

    impl PacketSink for Tx {
        fn packet(
            &mut self,
            stream: usize,
            bytes: Vec<u8>,
            entry: IndexEntry,
        ) -> io::Result<Vec<u8>> {
            self.0
                .send((stream, bytes, entry))
                .map_err(io::Error::other)?;
            Ok(Vec::new())
        }
        fn finish(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn packets(f: impl FnOnce(&mut TraceWriter)) -> Vec<(usize, Vec<u8>, IndexEntry)> {
        let (tx, rx) = std::sync::mpsc::channel();
        let mut w = TraceWriter::new([7; 16], 5, 1, 4096, 1000, Box::new(Tx(tx)));
        f(&mut w);
        w.finish(0).unwrap();
        rx.iter().collect()
    }

    #[test]
    fn compact_header_until_the_delta_needs_27_bits() {
        let p = packets(|w| {
            w.event(0, 3, 1000 + (1 << 27) - 1, &[0xAA]).unwrap();
            w.event(0, 3, 1000 + (1 << 28), &[0xBB]).unwrap();
            w.event(0, 40, 1000 + (1 << 28) + 5, &[]).unwrap();
        });
        assert_eq!(p.len(), 1);
        let b = &p[0].1[PACKET_PREAMBLE_BYTES..];
        let w0 = u32::from_le_bytes(b[0..4].try_into().unwrap());
        assert_eq!(w0 & 31, 3);
        assert_eq!(u64::from(w0 >> 5), (1000 + (1 << 27) - 1) & ((1 << 27) - 1));
        assert_eq!(b[4], 0xAA);
        // Delta of 2^28 - 2^27 + 1 > 2^27 - 1: extended header even though id < 31.
        assert_eq!(b[5], 31);
        assert_eq!(u32::from_le_bytes(b[6..10].try_into().unwrap()), 3);
        assert_eq!(
            u64::from_le_bytes(b[10..18].try_into().unwrap()),
            1000 + (1 << 28)
        );
        assert_eq!(b[18], 0xBB);
        // Id ≥ 31: always extended.
        assert_eq!(b[19], 31);
        assert_eq!(u32::from_le_bytes(b[20..24].try_into().unwrap()), 40);
        let e = p[0].2;
        assert_eq!(
            (e.timestamp_begin, e.timestamp_end),
            (1000, 1000 + (1 << 28) + 5)
        );
        assert_eq!(e.content_size, (PACKET_PREAMBLE_BYTES as u64 + 32) * 8);
        assert_eq!(e.packet_size, 4096 * 8);
        assert_eq!(
            (e.stream_instance_id, p[0].1[80]),
            (5, 5),
            "global CPU number"
        );
    }

    #[test]
    fn packets_switch_and_lose_events_as_told() {
        let p = packets(|w| {
            w.set_loss_policy(Box::new(|_, seq| if seq == 1 { 3 } else { 0 }));
            for i in 0..400u64 {
                w.event(0, 1, 2000 + i * 10, &[0u8; 20]).unwrap();
            }
            assert_eq!(w.losses().len(), 1);
            assert_eq!(w.losses()[0].count, 3);
            assert_eq!(w.events(), 397);
        });
        assert!(p.len() >= 3);
        assert_eq!(p[0].2.events_discarded, 0);
        assert_eq!(p[1].2.events_discarded, 3);
        assert_eq!(p[1].2.timestamp_begin, p[0].2.timestamp_end);
        assert!(
            p.iter()
                .enumerate()
                .all(|(i, x)| x.2.packet_seq_num == i as u64)
        );
    }

    #[test]
    fn rejects_time_going_back() {
        packets(|w| {
            w.event(0, 1, 5000, &[]).unwrap();
            assert!(w.event(0, 1, 4999, &[]).is_err());
        });
    }
}
