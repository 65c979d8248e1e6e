//! Opening one CTF trace: metadata, stream files (memory-mapped), packet tables, and the
//! grouping of files into data streams.

use std::fs::File;
use std::path::{Path, PathBuf};

use memmap2::Mmap;

use super::decode::CompileError;
use super::idx::read_index_for;
use super::ir::TraceClass;
use super::metadata::{MetadataError, ParsedMetadata, parse_metadata_file};
use super::packet::{PacketError, PacketInfo, PacketValues, read_packet};
use super::program::TraceProgram;

/// A memory-mapped data stream file.
#[derive(Debug)]
pub struct StreamFile {
    /// Its path.
    pub path: PathBuf,
    map: Option<Mmap>,
}

impl StreamFile {
    fn open(path: PathBuf) -> std::io::Result<Self> {
        let file = File::open(&path)?;
        let len = file.metadata()?.len();
        let map = if len == 0 {
            None
        } else {
            // SAFETY: the mapping is read-only and we never write to the trace directory.
            // Another process truncating the file while we read would raise SIGBUS; that is
            // the accepted cost of zero-copy reads on multi-gigabyte traces (babeltrace2 and
            // Trace Compass map their inputs the same way).
            Some(unsafe { Mmap::map(&file)? })
        };
        Ok(StreamFile { path, map })
    }

    /// The file's bytes.
    pub fn data(&self) -> &[u8] {
        self.map.as_deref().unwrap_or(&[])
    }
}

/// A packet of a data stream: which file it is in and what it says about itself.
#[derive(Debug, Clone)]
pub struct StreamPacket {
    /// Index into [`Trace::files`].
    pub file: usize,
    /// Header and context facts.
    pub info: PacketInfo,
}

/// A problem found while listing a stream's packets. Packets before it are still read.
#[derive(Debug, Clone)]
pub struct ScanError {
    /// The file.
    pub path: PathBuf,
    /// What is wrong.
    pub error: PacketError,
}

/// One data stream: a sequence of packets of one stream class, possibly over several files
/// (tracefile rotation), in time order.
#[derive(Debug, Clone)]
pub struct DataStream {
    /// Index of the stream class in the trace class.
    pub class_index: usize,
    /// `stream_instance_id`, when the packets carry one.
    pub instance_id: Option<u64>,
    /// The stream id babeltrace2 would give it: the instance id, or a counter in path order.
    pub stream_id: u64,
    /// Path of the first (earliest) file.
    pub path: PathBuf,
    /// Packets in order.
    pub packets: Vec<StreamPacket>,
    /// Where listing packets stopped early, if it did.
    pub scan_error: Option<ScanError>,
}

/// Why a trace cannot be opened.
#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    /// The metadata is invalid.
    #[error(transparent)]
    Metadata(#[from] MetadataError),
    /// The metadata describes fields the decoder cannot read.
    #[error("{path}: {error}")]
    Compile {
        /// Metadata path.
        path: PathBuf,
        /// What is unsupported.
        error: CompileError,
    },
    /// A file could not be read.
    #[error("{path}: {error}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        error: std::io::Error,
    },
}

/// An opened trace.
#[derive(Debug)]
pub struct Trace {
    /// The trace directory (the first one when several directories share a UUID).
    pub path: PathBuf,
    /// The decoded metadata.
    pub class: TraceClass,
    /// Compiled decoders.
    pub program: TraceProgram,
    /// Metadata warnings.
    pub warnings: Vec<String>,
    /// Data files, sorted by path.
    pub files: Vec<StreamFile>,
    /// Data streams, sorted by the path of their first file.
    pub streams: Vec<DataStream>,
}

impl Trace {
    /// Opens the trace in `dirs` (one directory, or several chunks of one trace that share a
    /// UUID). Packet tables are built by reading only packet headers and contexts.
    pub fn open(dirs: &[PathBuf]) -> Result<Trace, TraceError> {
        let mut parsed = Vec::new();
        for dir in dirs {
            parsed.push((dir.clone(), parse_metadata_file(&dir.join("metadata"))?));
        }
        Self::from_parsed(parsed)
    }

    /// Opens a trace whose metadata is already parsed, one entry per directory.
    pub fn from_parsed(mut parsed: Vec<(PathBuf, ParsedMetadata)>) -> Result<Trace, TraceError> {
        let dirs: Vec<PathBuf> = parsed.iter().map(|(d, _)| d.clone()).collect();
        // Later rotation chunks may know more event classes: keep the richest metadata.
        let best = (0..parsed.len())
            .max_by_key(|&i| {
                let c = &parsed[i].1.class;
                (
                    c.streams.iter().map(|s| s.events.len()).sum::<usize>(),
                    usize::MAX - i,
                )
            })
            .unwrap_or(0);
        if parsed.is_empty() {
            return Err(TraceError::Io {
                path: PathBuf::new(),
                error: std::io::Error::other("no trace directory given"),
            });
        }
        let (path, meta) = parsed.swap_remove(best);
        let program = TraceProgram::compile(&meta.class).map_err(|error| TraceError::Compile {
            path: path.join("metadata"),
            error,
        })?;
        let mut files = Vec::new();
        for dir in &dirs {
            for p in list_stream_files(dir)? {
                files.push(
                    StreamFile::open(p.clone())
                        .map_err(|error| TraceError::Io { path: p, error })?,
                );
            }
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let streams = group_streams(&meta.class, &program, &files);
        let mut warnings = meta.warnings;
        warnings.extend(check_indexes(&files, &streams));
        Ok(Trace {
            path,
            class: meta.class,
            program,
            warnings,
            files,
            streams,
        })
    }

    /// The trace name babeltrace2 uses: the `hostname` env entry, when there is one.
    pub fn name(&self) -> Option<&str> {
        match self.class.env("hostname") {
            Some(super::ir::EnvValue::Str(s)) => Some(s),
            _ => None,
        }
    }
}

/// Every regular, non-hidden, non-empty file of `dir` except `metadata`.
fn list_stream_files(dir: &Path) -> Result<Vec<PathBuf>, TraceError> {
    let io = |error| TraceError::Io {
        path: dir.to_path_buf(),
        error,
    };
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || name == "metadata" {
            continue;
        }
        let meta = entry.metadata().map_err(io)?;
        if meta.is_file() && meta.len() > 0 {
            out.push(entry.path());
        }
    }
    Ok(out)
}

/// Lists the packets of one file, stopping at the first packet that cannot be read.
fn scan_file(
    class: &TraceClass,
    program: &TraceProgram,
    file_index: usize,
    file: &StreamFile,
) -> (Vec<StreamPacket>, Option<ScanError>) {
    let data = file.data();
    let mut values = PacketValues::default();
    let mut packets = Vec::new();
    let mut offset = 0u64;
    while offset < data.len() as u64 {
        let mut state = None;
        match read_packet(class, program, data, offset, &mut values, &mut state) {
            Ok(info) => {
                let next = info.end_offset();
                let truncated = info.truncated;
                packets.push(StreamPacket {
                    file: file_index,
                    info,
                });
                if truncated || next <= offset {
                    break;
                }
                offset = next;
            }
            Err(error) => {
                let path = file.path.clone();
                return (packets, Some(ScanError { path, error }));
            }
        }
    }
    (packets, None)
}

/// Groups files into data streams as babeltrace2 does (ctf.md §1.3): by (stream class,
/// instance id) when packets have both an instance id and a begin timestamp, files ordered by
/// their first packet's begin time; otherwise every file is its own stream.
fn group_streams(
    class: &TraceClass,
    program: &TraceProgram,
    files: &[StreamFile],
) -> Vec<DataStream> {
    struct Scanned {
        packets: Vec<StreamPacket>,
        error: Option<ScanError>,
        first_ts: u64,
        file: usize,
    }
    let mut groups: Vec<(usize, Option<u64>, Vec<Scanned>)> = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let (packets, error) = scan_file(class, program, i, file);
        let first = packets.first().map(|p| &p.info);
        let class_index = first.map_or(0, |p| p.stream_class);
        let groupable = first.is_some_and(|p| p.instance_id.is_some() && p.ts_begin.is_some());
        let instance_id = first.and_then(|p| p.instance_id).filter(|_| groupable);
        let first_ts = first.and_then(|p| p.ts_begin).unwrap_or(0);
        let scanned = Scanned {
            packets,
            error,
            first_ts,
            file: i,
        };
        match groups
            .iter_mut()
            .find(|g| groupable && g.0 == class_index && g.1 == instance_id)
        {
            Some(group) => group.2.push(scanned),
            None => groups.push((class_index, instance_id, vec![scanned])),
        }
    }
    let mut streams: Vec<DataStream> = groups
        .into_iter()
        .map(|(class_index, instance_id, mut parts)| {
            parts.sort_by_key(|p| p.first_ts);
            let path = parts
                .first()
                .map_or_else(PathBuf::new, |p| files[p.file].path.clone());
            let mut stream = DataStream {
                class_index,
                instance_id,
                stream_id: 0,
                path,
                packets: Vec::new(),
                scan_error: None,
            };
            for part in parts {
                stream.packets.extend(part.packets);
                stream.scan_error = stream.scan_error.take().or(part.error);
            }
            stream
        })
        .collect();
    // babeltrace2 numbers streams without an instance id in first-path order.
    streams.sort_by(|a, b| a.path.cmp(&b.path));
    let mut next_auto_id = 0;
    for stream in &mut streams {
        stream.stream_id = stream.instance_id.unwrap_or_else(|| {
            next_auto_id += 1;
            next_auto_id - 1
        });
    }
    streams
}

/// Compares each stream file's LTTng index, when there is one, with the packet table read from
/// the packet headers. The headers are authoritative; a disagreement is only reported.
fn check_indexes(files: &[StreamFile], streams: &[DataStream]) -> Vec<String> {
    let mut warnings = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let len = file.data().len() as u64;
        let entries = match read_index_for(&file.path, len) {
            Ok(Some(e)) => e,
            Ok(None) => continue,
            Err(why) => {
                warnings.push(format!("{}: index ignored: {why}", file.path.display()));
                continue;
            }
        };
        let scanned: Vec<&PacketInfo> = streams
            .iter()
            .flat_map(|s| s.packets.iter())
            .filter(|p| p.file == i)
            .map(|p| &p.info)
            .collect();
        let agrees = entries.len() == scanned.len()
            && entries.iter().zip(&scanned).all(|(e, p)| {
                e.offset == p.offset
                    && e.packet_bits == p.size_bits
                    && e.content_bits == p.content_bits
            });
        if !agrees {
            warnings.push(format!(
                "{}: index disagrees with the packet headers ({} entries, {} packets); using the headers",
                file.path.display(),
                entries.len(),
                scanned.len()
            ));
        }
    }
    warnings
}
