//! Destinations for finished packets: stream files plus their index files.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};
use std::thread::JoinHandle;

use super::index::{IndexEntry, index_header};

/// Receives finished packets. Returns an emptied buffer the caller may reuse, so steady-state
/// writing allocates nothing.
pub trait PacketSink: Send {
    /// Stores packet `bytes` of data stream `stream` (full packet, padding included).
    fn packet(&mut self, stream: usize, bytes: Vec<u8>, entry: IndexEntry) -> io::Result<Vec<u8>>;
    /// Flushes everything; call once at the end.
    fn finish(&mut self) -> io::Result<()>;
}

/// Writes `DIR/<name>_<n>` data files and `DIR/index/<name>_<n>.idx` in the calling thread.
pub struct FileSink {
    data: Vec<BufWriter<File>>,
    index: Vec<BufWriter<File>>,
}

impl FileSink {
    /// Creates stream files named `{prefix}_{n}` for `n` in `first..first + count` in `dir`
    /// (which must exist) and their index files; they are addressed as `0..count`.
    pub fn create(dir: &Path, prefix: &str, first: usize, count: usize) -> io::Result<Self> {
        let idx_dir = dir.join("index");
        fs::create_dir_all(&idx_dir)?;
        let mut data = Vec::with_capacity(count);
        let mut index = Vec::with_capacity(count);
        for n in first..first + count {
            let name = format!("{prefix}_{n}");
            data.push(BufWriter::with_capacity(
                1 << 16,
                File::create(dir.join(&name))?,
            ));
            let mut idx = BufWriter::new(File::create(idx_dir.join(format!("{name}.idx")))?);
            idx.write_all(&index_header())?;
            index.push(idx);
        }
        Ok(Self { data, index })
    }
}

impl PacketSink for FileSink {
    fn packet(
        &mut self,
        stream: usize,
        mut bytes: Vec<u8>,
        entry: IndexEntry,
    ) -> io::Result<Vec<u8>> {
        let (Some(d), Some(i)) = (self.data.get_mut(stream), self.index.get_mut(stream)) else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "no such stream",
            ));
        };
        d.write_all(&bytes)?;
        i.write_all(&entry.to_bytes())?;
        bytes.clear();
        Ok(bytes)
    }

    fn finish(&mut self) -> io::Result<()> {
        for w in self.data.iter_mut().chain(self.index.iter_mut()) {
            w.flush()?;
        }
        Ok(())
    }
}

type Job = (usize, Vec<u8>, IndexEntry);

/// Hands packets to a background thread that owns a [`FileSink`], so encoding and file I/O
/// overlap. The queue is bounded: memory stays at `depth` packets whatever the trace size.
pub struct ThreadedSink {
    tx: Option<SyncSender<Job>>,
    recycled: Receiver<Vec<u8>>,
    handle: Option<JoinHandle<io::Result<()>>>,
}

impl ThreadedSink {
    /// Starts the writer thread over `inner`, with at most `depth` packets in flight.
    pub fn spawn(mut inner: FileSink, depth: usize) -> io::Result<Self> {
        let (tx, rx) = sync_channel::<Job>(depth);
        let (back_tx, recycled) = sync_channel::<Vec<u8>>(depth + 1);
        let handle = std::thread::Builder::new()
            .name("gen-writer".into())
            .spawn(move || {
                for (stream, bytes, entry) in rx {
                    let buf = inner.packet(stream, bytes, entry)?;
                    // A full return queue just means the producer has enough spare buffers.
                    let _ = back_tx.try_send(buf);
                }
                inner.finish()
            })?;
        Ok(Self {
            tx: Some(tx),
            recycled,
            handle: Some(handle),
        })
    }

    fn join(&mut self) -> io::Result<()> {
        self.tx = None;
        match self.handle.take() {
            Some(h) => h
                .join()
                .map_err(|_| io::Error::other("writer thread panicked"))?,
            None => Ok(()),
        }
    }
}

impl PacketSink for ThreadedSink {
    fn packet(&mut self, stream: usize, bytes: Vec<u8>, entry: IndexEntry) -> io::Result<Vec<u8>> {
        let cap = bytes.capacity();
        let sent = match &self.tx {
            Some(tx) => tx.send((stream, bytes, entry)).is_ok(),
            None => false,
        };
        if !sent {
            // The thread stopped: report its error rather than a generic one.
            self.join()?;
            return Err(io::Error::other("writer thread stopped"));
        }
        match self.recycled.try_recv() {
            Ok(b) => Ok(b),
            Err(TryRecvError::Empty | TryRecvError::Disconnected) => Ok(Vec::with_capacity(cap)),
        }
    }

    fn finish(&mut self) -> io::Result<()> {
        self.join()
    }
}

impl Drop for ThreadedSink {
    fn drop(&mut self) {
        let _ = self.join();
    }
}

/// `DIR/kernel`, where LTTng puts a kernel trace inside a session directory.
pub fn kernel_dir(session: &Path) -> PathBuf {
    session.join("kernel")
}
