//! On-disk cache of finished models, in `$XDG_CACHE_HOME/lttng-tui/` (never in the trace
//! directory).
//!
//! A cache file is only trusted when its key matches the traces as they are now (UUIDs,
//! stream file paths, sizes and modification times, plus the format and crate versions)
//! and its checksum matches its payload; anything else is treated as absent and rebuilt.
//!
//! Layout: `MAGIC`, key length (u64 LE), key bytes, then for each of the seven payload
//! sections its length and checksum (u64 LE each), then the sections: bincode of the
//! [`Model`] without its threads and optional lists, of its threads without their optional
//! lists, then of each optional list ([`Parts`]) of every thread, CPU or process (columns as byte strings, see [`crate::model::columns`]).
//!
//! Loading maps the file, checks the checksums of the sections it needs, then deserialises
//! them from the mapping (reopening must cost a small fraction of building). Lengths are
//! bounded by the section sizes, so a corrupt file fails cleanly.

use std::fs::{self, File};
use std::io::{BufWriter, Write};

use bincode::Options;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use crate::model::store::LatencyList;
use crate::model::{Model, StrId, SyscallList, Thread, Timeline};

const MAGIC: &[u8; 8] = b"LTTUIDX2";
/// Bump when the model's layout or meaning changes.
const FORMAT: u32 = 13;

/// What a cache entry must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key(Vec<u8>);

impl Key {
    /// The identity of every file of every trace under `path`: each trace directory's
    /// regular files (metadata and streams) with their sizes and modification times, and
    /// its `index/` files likewise.
    ///
    /// Taken from the directory listing alone, without parsing metadata, so a cached reopen
    /// does not pay for parsing (a kernel trace's TSDL is hundreds of KB: about 10 ms, a
    /// third of a warm analysis run). Any file added, removed, resized or touched changes
    /// the key; the metadata's UUID cannot change without the metadata file changing.
    pub fn of(path: &Path) -> anyhow::Result<Key> {
        let mut k = format!("format {FORMAT} crate {}\n", env!("CARGO_PKG_VERSION"));
        for root in crate::ctf::session::trace_roots(path)? {
            k.push_str(&format!("trace {}\n", root.display()));
            for dir in [root.clone(), root.join("index")] {
                let Ok(entries) = fs::read_dir(&dir) else {
                    continue;
                };
                let mut files: Vec<(PathBuf, u64, u128)> = entries
                    .filter_map(Result::ok)
                    .filter_map(|e| {
                        // Followed like the reader follows them: a stream may be a link.
                        let meta = fs::metadata(e.path()).ok().filter(fs::Metadata::is_file)?;
                        let mtime = meta
                            .modified()
                            .ok()
                            .and_then(|m| m.duration_since(UNIX_EPOCH).ok())
                            .map_or(0, |d| d.as_nanos());
                        Some((e.path(), meta.len(), mtime))
                    })
                    .collect();
                files.sort();
                for (f, size, mtime) in files {
                    k.push_str(&format!("{} {size} {mtime}\n", f.display()));
                }
            }
        }
        Ok(Key(k.into_bytes()))
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

/// FNV-1a style over 8-byte words in eight independent lanes (so the multiplications
/// overlap instead of forming one long dependency chain: eight keep the multiplier busy),
/// fed in pieces of any size: cheap, and enough to catch truncation and bit rot (this is
/// not a defence against tampering).
#[derive(Debug, Clone)]
struct Checksum {
    lanes: [u64; LANES],
    pending: [u8; BLOCK],
    npending: usize,
    total: u64,
}

const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;
const LANES: usize = 8;
const BLOCK: usize = LANES * 8;

impl Checksum {
    fn new() -> Checksum {
        Checksum {
            lanes: [0xcbf2_9ce4_8422_2325; LANES],
            pending: [0; BLOCK],
            npending: 0,
            total: 0,
        }
    }

    #[inline]
    fn block(&mut self, b: &[u8]) {
        for (lane, w) in self.lanes.iter_mut().zip(b.chunks_exact(8)) {
            let mut a = [0u8; 8];
            a.copy_from_slice(w);
            *lane = (*lane ^ u64::from_le_bytes(a)).wrapping_mul(FNV_PRIME);
        }
    }

    fn update(&mut self, mut bytes: &[u8]) {
        self.total += bytes.len() as u64;
        if self.npending > 0 {
            let n = (BLOCK - self.npending).min(bytes.len());
            self.pending[self.npending..self.npending + n].copy_from_slice(&bytes[..n]);
            self.npending += n;
            bytes = &bytes[n..];
            if self.npending < BLOCK {
                return;
            }
            let p = self.pending;
            self.block(&p);
            self.npending = 0;
        }
        let mut blocks = bytes.chunks_exact(BLOCK);
        for b in &mut blocks {
            self.block(b);
        }
        let rest = blocks.remainder();
        self.pending[..rest.len()].copy_from_slice(rest);
        self.npending = rest.len();
    }

    fn finish(&self) -> u64 {
        let mut h = 0xcbf2_9ce4_8422_2325u64;
        for &b in &self.pending[..self.npending] {
            h = (h ^ u64::from(b)).wrapping_mul(FNV_PRIME);
        }
        for l in self.lanes.iter().chain([&self.total]) {
            h = (h ^ l).wrapping_mul(FNV_PRIME);
        }
        h
    }
}

fn checksum(bytes: &[u8]) -> u64 {
    let mut c = Checksum::new();
    c.update(bytes);
    c.finish()
}

/// The cache file of the session rooted at `root`.
pub fn file_for(dir: &Path, root: &Path) -> PathBuf {
    let canon = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let h = checksum(canon.to_string_lossy().as_bytes());
    dir.join(format!("index-{h:016x}.bin"))
}

/// Whether a cache file exists for the session rooted at `root` (current or not).
pub fn exists(dir: &Path, root: &Path) -> bool {
    file_for(dir, root).is_file()
}

/// Splits `n` bytes off the front of `bytes`.
fn take<'a>(bytes: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
    let (head, tail) = bytes.split_at_checked(n)?;
    *bytes = tail;
    Some(head)
}

fn take_u64(bytes: &mut &[u8]) -> Option<u64> {
    Some(u64::from_le_bytes(take(bytes, 8)?.try_into().ok()?))
}

/// Lists of a model that the cache stores in sections of their own, so a reader that does
/// not need them skips their bytes instead of allocating them (each is one or more vectors
/// per thread, CPU or process: on a trace with thousands of threads, loading one of them
/// costs tens of thousands of allocations). Everything else is always loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts(u8);

impl Parts {
    /// Nothing beyond the always-loaded core.
    pub const NONE: Parts = Parts(0);
    /// Every thread's scheduling-state timeline ([`crate::model::Thread::states`]).
    pub const STATES: Parts = Parts(1);
    /// Every thread's syscalls ([`crate::model::Thread::syscalls`]).
    pub const SYSCALLS: Parts = Parts(2);
    /// Every thread's wake-up latencies ([`crate::model::Thread::wakeups`]).
    pub const WAKEUPS: Parts = Parts(4);
    /// Every CPU's interrupts ([`crate::model::Cpu::irqs`]).
    pub const IRQS: Parts = Parts(8);
    /// Every process's fd table ([`crate::model::Process::fds`]).
    pub const FDS: Parts = Parts(16);
    /// Every CPU's page allocations and frees ([`crate::model::Cpu::pages`]).
    pub const PAGES: Parts = Parts(32);
    /// The whole model.
    pub const ALL: Parts = Parts(63);

    /// Whether every part of `other` is in `self`.
    pub fn contains(self, other: Parts) -> bool {
        self.0 & other.0 == other.0
    }
}

impl std::ops::BitOr for Parts {
    type Output = Parts;

    fn bitor(self, rhs: Parts) -> Parts {
        Parts(self.0 | rhs.0)
    }
}

/// Sections of the payload, in file order: the core (the model without its threads), the
/// threads without their optional lists, then one per optional part.
const SECTIONS: [Parts; 9] = [
    Parts::NONE,
    Parts::NONE,
    Parts::STATES,
    Parts::SYSCALLS,
    Parts::SYSCALLS,
    Parts::WAKEUPS,
    Parts::IRQS,
    Parts::FDS,
    Parts::PAGES,
];

/// Below this many bytes of sections to load, a cache entry loads on the calling thread only.
const PARALLEL_LOAD_BYTES: usize = 32 << 20;

// Positions in `SECTIONS`. The syscall lists are in two sections: those of the threads
// holding the first half of all syscalls, then the others (so that they load in parallel).
const STATES: usize = 2;
const SYSCALLS_A: usize = 3;
const SYSCALLS_B: usize = 4;
const WAKEUPS: usize = 5;
const IRQS: usize = 6;
const FDS: usize = 7;
const PAGES: usize = 8;

/// A thread without its optional lists, as the threads section stores it: a whole
/// [`Thread`] would also store the lengths of its empty lists, about 180 bytes per thread
/// to write, checksum and decode.
#[derive(Serialize, Deserialize)]
struct ThreadCore {
    tid: u32,
    pid: Option<u32>,
    ppid: Option<u32>,
    idle_cpu: Option<u32>,
    kernel: bool,
    names: Vec<(u64, StrId)>,
    born: Option<u64>,
    exited: Option<u64>,
    process: Option<u32>,
    cpu_ns: u64,
    inferred_cpu_ns: u64,
    io: [u64; 6],
    block: [u64; 2],
}

impl ThreadCore {
    /// Splits `t` into its core and its optional lists. Destructured field by field: a
    /// field added to [`Thread`] does not compile here until the cache stores it.
    fn split(t: Thread) -> (ThreadCore, Timeline, SyscallList, LatencyList) {
        let Thread {
            tid,
            pid,
            ppid,
            idle_cpu,
            kernel,
            names,
            born,
            exited,
            process,
            states,
            syscalls,
            wakeups,
            cpu_ns,
            inferred_cpu_ns,
            io,
            block,
        } = t;
        let core = ThreadCore {
            tid,
            pid,
            ppid,
            idle_cpu,
            kernel,
            names,
            born,
            exited,
            process,
            cpu_ns,
            inferred_cpu_ns,
            io,
            block,
        };
        (core, states, syscalls, wakeups)
    }

    /// The thread, with empty optional lists.
    fn thread(self) -> Thread {
        Thread {
            tid: self.tid,
            pid: self.pid,
            ppid: self.ppid,
            idle_cpu: self.idle_cpu,
            kernel: self.kernel,
            names: self.names,
            born: self.born,
            exited: self.exited,
            process: self.process,
            states: Timeline::default(),
            syscalls: SyscallList::default(),
            wakeups: LatencyList::default(),
            cpu_ns: self.cpu_ns,
            inferred_cpu_ns: self.inferred_cpu_ns,
            io: self.io,
            block: self.block,
        }
    }
}

/// The threads section, decoded straight into threads (no vector of [`ThreadCore`] first).
struct Threads(Vec<Thread>);

impl<'de> Deserialize<'de> for Threads {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Threads, D::Error> {
        d.deserialize_seq(ThreadsVisitor)
    }
}

struct ThreadsVisitor;

impl<'de> serde::de::Visitor<'de> for ThreadsVisitor {
    type Value = Threads;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("threads")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Threads, A::Error> {
        // The length is checksummed; the cap only bounds what a damaged one could reserve.
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
        while let Some(c) = seq.next_element::<ThreadCore>()? {
            out.push(c.thread());
        }
        Ok(Threads(out))
    }
}

/// Deserialises one section, which must be exactly consumed.
fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    let opts = bincode::DefaultOptions::new()
        .with_fixint_encoding()
        .with_limit(bytes.len() as u64);
    opts.deserialize(bytes).ok()
}

/// Deserialises a section holding one value per element of `into` (a thread, CPU or
/// process) straight into each element's `field`; `None` when the counts differ. No vector
/// of the values is built first: for syscalls that would be megabytes of fresh memory.
fn fill<T, U: serde::de::DeserializeOwned>(
    bytes: &[u8],
    into: &mut [T],
    field: impl Fn(&mut T) -> &mut U,
) -> Option<()> {
    let opts = bincode::DefaultOptions::new()
        .with_fixint_encoding()
        .with_limit(bytes.len() as u64);
    let seed = Fill {
        into,
        field,
        value: std::marker::PhantomData,
    };
    opts.deserialize_seed(seed, bytes).ok()
}

/// The serde seed of [`fill`].
struct Fill<'a, T, U, F> {
    into: &'a mut [T],
    field: F,
    value: std::marker::PhantomData<U>,
}

impl<'de, T, U: serde::de::DeserializeOwned, F: Fn(&mut T) -> &mut U>
    serde::de::DeserializeSeed<'de> for Fill<'_, T, U, F>
{
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T, U: serde::de::DeserializeOwned, F: Fn(&mut T) -> &mut U> serde::de::Visitor<'de>
    for Fill<'_, T, U, F>
{
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} values", self.into.len())
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        use serde::de::Error;
        let expected = self.into.len();
        let mut n = 0;
        while let Some(v) = seq.next_element::<U>()? {
            let slot = self
                .into
                .get_mut(n)
                .ok_or_else(|| A::Error::invalid_length(n + 1, &"one value per element"))?;
            *(self.field)(slot) = v;
            n += 1;
        }
        if n != expected {
            return Err(A::Error::invalid_length(n, &"one value per element"));
        }
        Ok(())
    }
}

/// The cached model, whole, when present, matching `key` and intact.
pub fn load(dir: &Path, root: &Path, key: &Key) -> Option<Model> {
    load_parts(dir, root, key, Parts::ALL)
}

/// The cached model with only the optional lists in `parts` (the others are left empty),
/// when present, matching `key` and intact. For readers that know what they use, such as
/// one analysis command; anything that may show every list must ask for [`Parts::ALL`].
///
/// The file is mapped rather than read: the checksums run over the mapped sections, and
/// the deserialiser borrows each column's bytes straight from the mapping, so a column costs
/// one allocation and one copy, and the payload is never held twice in memory. Each section
/// has its own checksum, verified before the section is used; a section that is skipped is
/// neither checksummed nor read, so nothing unverified reaches the model.
pub fn load_parts(dir: &Path, root: &Path, key: &Key, parts: Parts) -> Option<Model> {
    load_with(dir, root, key, parts, PARALLEL_LOAD_BYTES)
}

/// [`load_parts`], on two threads when the sections to load add up to `parallel_from`
/// bytes or more.
fn load_with(
    dir: &Path,
    root: &Path,
    key: &Key,
    parts: Parts,
    parallel_from: usize,
) -> Option<Model> {
    let f = File::open(file_for(dir, root)).ok()?;
    // SAFETY: cache files are only ever written under a temporary name and renamed into
    // place (see `store`), never modified in place, so the mapped file does not change while
    // it is mapped; the mapping lives until the end of this function and nothing borrowed
    // from it outlives it (the model owns its data).
    let map = unsafe { memmap2::Mmap::map(&f) }.ok()?;
    let mut bytes: &[u8] = &map;
    if take(&mut bytes, MAGIC.len())? != MAGIC {
        return None;
    }
    let klen = usize::try_from(take_u64(&mut bytes)?).ok()?;
    if take(&mut bytes, klen)? != key.0.as_slice() {
        return None;
    }
    let mut table = [(0usize, 0u64); SECTIONS.len()];
    for entry in &mut table {
        *entry = (
            usize::try_from(take_u64(&mut bytes)?).ok()?,
            take_u64(&mut bytes)?,
        );
    }
    let mut sections: [&[u8]; SECTIONS.len()] = [&[]; SECTIONS.len()];
    for (s, &(len, _)) in sections.iter_mut().zip(&table) {
        *s = take(&mut bytes, len)?;
    }
    // Whatever follows the last section must be nothing.
    if !bytes.is_empty() {
        return None;
    }
    let wanted = |i: usize| parts.contains(SECTIONS[i]);
    let intact = |i: usize| checksum(sections[i]) == table[i].1;
    if !intact(1) {
        return None;
    }
    let mut threads = decode::<Threads>(sections[1])?.0;
    // The two halves of the syscall lists (two thirds of a large model) load on two threads,
    // each with some of the other parts: most of the cost is the kernel handing out fresh
    // pages, which two cores do in parallel. The first half's length (its leading count)
    // says which threads it fills. The states and wake-ups come into vectors of their own
    // (one header per thread), moved into the threads at the end.
    let split = if wanted(SYSCALLS_A) {
        let n = u64::from_le_bytes(sections[SYSCALLS_A].get(..8)?.try_into().ok()?);
        usize::try_from(n).ok().filter(|&n| n <= threads.len())?
    } else {
        0
    };
    let (first, second) = threads.split_at_mut(split);
    // A small model loads faster on one thread: a new thread allocates from a fresh malloc
    // arena, whose pages are all new (cputop on `many-threads`: 9.2 ms against 7.3 ms).
    let wanted_bytes: usize = (0..SECTIONS.len())
        .filter(|&i| wanted(i))
        .map(|i| sections[i].len())
        .sum();
    let parallel = wanted_bytes >= parallel_from;
    let loaded = std::thread::scope(|scope| {
        let load_first = move || {
            let mut lists: (Option<Vec<Timeline>>, Option<Vec<LatencyList>>) = (None, None);
            for i in [SYSCALLS_A, STATES, WAKEUPS] {
                if !wanted(i) {
                    continue;
                }
                intact(i).then_some(())?;
                let s = sections[i];
                match i {
                    SYSCALLS_A => fill(s, first, |t| &mut t.syscalls)?,
                    STATES => lists.0 = Some(decode(s)?),
                    _ => lists.1 = Some(decode(s)?),
                }
            }
            Some(lists)
        };
        let mut load_first = Some(load_first);
        // A thread that cannot be started makes the entry unusable: rebuilding still works.
        let worker = load_first
            .take_if(|_| parallel)
            .map(|load| std::thread::Builder::new().spawn_scoped(scope, load));
        let mut here = || -> Option<Model> {
            intact(0).then_some(())?;
            let mut m: Model = decode(sections[0])?;
            for i in [SYSCALLS_B, IRQS, FDS, PAGES] {
                if !wanted(i) {
                    continue;
                }
                intact(i).then_some(())?;
                let s = sections[i];
                match i {
                    SYSCALLS_B => fill(s, second, |t| &mut t.syscalls)?,
                    IRQS => fill(s, &mut m.cpus, |c| &mut c.irqs)?,
                    PAGES => fill(s, &mut m.cpus, |c| &mut c.pages)?,
                    _ => fill(s, &mut m.processes, |p| &mut p.fds)?,
                }
            }
            Some(m)
        };
        let m = here();
        let lists = match worker {
            Some(w) => w.ok()?.join().ok().flatten(),
            None => load_first.and_then(|mut load| load()),
        };
        m.zip(lists)
    });
    let (mut m, (states, wakeups)) = loaded?;
    attach(&mut threads, states, |t| &mut t.states)?;
    attach(&mut threads, wakeups, |t| &mut t.wakeups)?;
    m.threads = threads;
    m.rebuild();
    Some(m)
}

/// Moves one loaded list per thread into the threads; `None` when the counts differ.
fn attach<U>(
    threads: &mut [Thread],
    lists: Option<Vec<U>>,
    field: impl Fn(&mut Thread) -> &mut U,
) -> Option<()> {
    let Some(lists) = lists else {
        return Some(());
    };
    (lists.len() == threads.len()).then_some(())?;
    for (t, l) in threads.iter_mut().zip(lists) {
        *field(t) = l;
    }
    Some(())
}

/// The payload sections of `model`, in [`SECTIONS`] order: the core (the model without
/// threads and with the other optional lists emptied), the threads' cores, then each
/// optional list of every thread, CPU or process.
fn sections(model: &Model) -> anyhow::Result<Vec<Vec<u8>>> {
    let mut core = model.clone();
    let (mut cores, mut states, mut syscalls, mut wakeups) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for t in std::mem::take(&mut core.threads) {
        let (c, st, sy, w) = ThreadCore::split(t);
        cores.push(c);
        states.push(st);
        syscalls.push(sy);
        wakeups.push(w);
    }
    let irqs: Vec<_> = core
        .cpus
        .iter_mut()
        .map(|c| std::mem::take(&mut c.irqs))
        .collect();
    let fds: Vec<_> = core
        .processes
        .iter_mut()
        .map(|p| std::mem::take(&mut p.fds))
        .collect();
    let pages: Vec<_> = core
        .cpus
        .iter_mut()
        .map(|c| std::mem::take(&mut c.pages))
        .collect();
    // Split where half of all syscalls come before (see `SYSCALLS_A`).
    let total: usize = syscalls.iter().map(SyscallList::len).sum();
    let mut seen = 0;
    let split = syscalls
        .iter()
        .position(|l| {
            seen += l.len();
            seen * 2 >= total
        })
        .map_or(syscalls.len(), |i| i + 1);
    let (first, second) = syscalls.split_at(split);
    Ok(vec![
        bincode::serialize(&core)?,
        bincode::serialize(&cores)?,
        bincode::serialize(&states)?,
        bincode::serialize(first)?,
        bincode::serialize(second)?,
        bincode::serialize(&wakeups)?,
        bincode::serialize(&irqs)?,
        bincode::serialize(&fds)?,
        bincode::serialize(&pages)?,
    ])
}

/// Writes the cache entry atomically (temporary file, then rename).
pub fn store(dir: &Path, root: &Path, key: &Key, model: &Model) -> anyhow::Result<()> {
    fs::create_dir_all(dir)?;
    let sections = sections(model)?;
    let path = file_for(dir, root);
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    {
        let mut w = BufWriter::new(File::create(&tmp)?);
        w.write_all(MAGIC)?;
        w.write_all(&(key.0.len() as u64).to_le_bytes())?;
        w.write_all(&key.0)?;
        for s in &sections {
            w.write_all(&(s.len() as u64).to_le_bytes())?;
            w.write_all(&checksum(s).to_le_bytes())?;
        }
        for s in &sections {
            w.write_all(s)?;
        }
        w.flush()?;
    }
    fs::rename(&tmp, &path)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ctf::session::Session;
    use crate::r#gen::{GenConfig, ScenarioKind, generate};
    use crate::model::Builder;

    /// Small models load on one thread and large ones on two: both ways give the model that
    /// was stored, and both refuse a damaged section.
    #[test]
    fn one_or_two_loading_threads_give_the_stored_model() {
        let dir = tempfile::tempdir().unwrap();
        let mut cfg = GenConfig::new(ScenarioKind::Web, &dir.path().join("t"));
        cfg.duration_ns = Some(1_000_000_000);
        generate(&cfg, &mut |_| {}).unwrap();
        let trace = dir.path().join("t/kernel");
        let model = Builder::build_session(&Session::open(&trace).unwrap());
        let key = Key::of(&trace).unwrap();
        let cache = dir.path().join("cache");
        store(&cache, &trace, &key, &model).unwrap();
        // The stored form of every part, compared byte for byte.
        let stored = sections(&model).unwrap();
        assert!(stored[SYSCALLS_A].len() > 8 && stored[SYSCALLS_B].len() > 8);
        for parallel_from in [0, usize::MAX] {
            let loaded = load_with(&cache, &trace, &key, Parts::ALL, parallel_from).unwrap();
            assert!(sections(&loaded).unwrap() == stored, "{parallel_from}");
        }

        let file = file_for(&cache, &trace);
        let intact = fs::read(&file).unwrap();
        let mut start = intact.len() - stored.iter().map(Vec::len).sum::<usize>();
        for (i, s) in stored.iter().enumerate() {
            for parallel_from in [0, usize::MAX] {
                let mut bytes = intact.clone();
                bytes[start + s.len() / 3] ^= 0x04;
                fs::write(&file, &bytes).unwrap();
                let loaded = load_with(&cache, &trace, &key, Parts::ALL, parallel_from);
                assert!(
                    loaded.is_none(),
                    "section {i}, parallel from {parallel_from}"
                );
            }
            start += s.len();
        }
    }
}
