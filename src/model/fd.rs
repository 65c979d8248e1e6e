//! File descriptor tables per process over time.

use serde::{Deserialize, Serialize};

use super::intern::{Interner, StrId};

/// What an fd refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[repr(u8)]
pub enum FdKind {
    /// Never seen opened.
    #[default]
    Unknown = 0,
    /// A regular (disk) file.
    File = 1,
    /// A socket.
    Socket = 2,
    /// A pipe.
    Pipe = 3,
    /// A device node (`/dev/...`).
    Device = 4,
    /// eventfd, epoll, timerfd, `anon_inode:...`.
    Other = 5,
}

impl FdKind {
    /// From the 3 bits stored in syscall flags.
    pub fn from_bits(b: u8) -> FdKind {
        match b & 7 {
            1 => FdKind::File,
            2 => FdKind::Socket,
            3 => FdKind::Pipe,
            4 => FdKind::Device,
            5 => FdKind::Other,
            _ => FdKind::Unknown,
        }
    }

    /// Classifies a statedump file name (kernel-model.md §7).
    pub fn of_path(path: &[u8]) -> FdKind {
        if path.starts_with(b"socket:") {
            FdKind::Socket
        } else if path.starts_with(b"pipe:") {
            FdKind::Pipe
        } else if path.starts_with(b"anon_inode:") {
            FdKind::Other
        } else if path.starts_with(b"/dev/") {
            FdKind::Device
        } else if path.starts_with(b"/") {
            FdKind::File
        } else {
            FdKind::Unknown
        }
    }
}

/// One fd's lifetime.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct FdEntry {
    /// The descriptor number.
    pub fd: i32,
    /// Class.
    pub kind: FdKind,
    /// Path, `socket`, or the peer address (`10.0.0.2:3306`) once connected.
    pub name: StrId,
    /// Socket family when known.
    pub family: u16,
    /// When it was opened (the statedump time for inherited ones).
    pub opened: u64,
    /// When it was closed (`u64::MAX` while open).
    pub closed: u64,
    /// Opened with `O_CLOEXEC`.
    pub cloexec: bool,
}

/// The fd table of one process: every lifetime ever seen, plus the open ones.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FdTable {
    /// Every lifetime, in opening order.
    pub history: Vec<FdEntry>,
    /// Open fds: history index by fd number (`NONE` when closed). Fd numbers are small
    /// (the kernel hands out the lowest free one), so a vector beats a hash map here.
    #[serde(skip)]
    open: Vec<u32>,
}

const NONE: u32 = u32::MAX;
/// Fds above this are not tracked (they would make the vector huge).
const MAX_FD: i32 = 1 << 20;

/// `O_CLOEXEC` on x86 and ARM.
pub const O_CLOEXEC: i64 = 0x80000;

impl FdTable {
    /// The open entry of `fd`.
    pub fn get(&self, fd: i32) -> Option<&FdEntry> {
        let i = *self.open.get(usize::try_from(fd).ok()?)?;
        self.history.get(i as usize)
    }

    fn slot(&mut self, fd: i32) -> Option<&mut u32> {
        if !(0..MAX_FD).contains(&fd) {
            return None;
        }
        let i = fd as usize;
        if self.open.len() <= i {
            self.open.resize(i + 1, NONE);
        }
        self.open.get_mut(i)
    }

    /// The class of `fd` now.
    pub fn kind(&self, fd: i32) -> FdKind {
        self.get(fd).map_or(FdKind::Unknown, |e| e.kind)
    }

    /// Opens `fd` at `t`, closing a stale entry with the same number first.
    pub fn open(&mut self, mut e: FdEntry) {
        self.close(e.fd, e.opened);
        e.closed = u64::MAX;
        let next = self.history.len() as u32;
        if let Some(s) = self.slot(e.fd) {
            *s = next;
            self.history.push(e);
        }
    }

    /// Adds an fd only when no entry is open for it (statedump data never overrides fresher
    /// knowledge).
    pub fn seed(&mut self, e: FdEntry) {
        if self.get(e.fd).is_none() {
            self.open(e);
        }
    }

    /// Closes `fd` at `t`.
    pub fn close(&mut self, fd: i32, t: u64) {
        if let Some(s) = self.slot(fd)
            && *s != NONE
        {
            let i = std::mem::replace(s, NONE) as usize;
            self.history[i].closed = t;
        }
    }

    /// Duplicates `old` as `new` at `t` (`dup*`, `fcntl(F_DUPFD)`).
    pub fn dup(&mut self, old: i32, new: i32, t: u64, strings: &mut Interner) {
        let mut e = self.get(old).copied().unwrap_or(FdEntry {
            fd: old,
            kind: FdKind::Unknown,
            name: strings.intern("unknown"),
            family: 0,
            opened: t,
            closed: u64::MAX,
            cloexec: false,
        });
        e.fd = new;
        e.opened = t;
        e.cloexec = false;
        self.open(e);
    }

    /// Renames a socket after `connect` (the peer address).
    pub fn set_peer(&mut self, fd: i32, name: StrId) {
        if let Some(&i) = usize::try_from(fd).ok().and_then(|f| self.open.get(f))
            && i != NONE
        {
            let e = &mut self.history[i as usize];
            e.name = name;
            if e.kind == FdKind::Unknown {
                e.kind = FdKind::Socket;
            }
        }
    }

    /// Drops close-on-exec fds at a successful exec.
    pub fn exec(&mut self, t: u64) {
        let gone: Vec<i32> = self
            .open
            .iter()
            .filter(|&&i| i != NONE && self.history[i as usize].cloexec)
            .map(|&i| self.history[i as usize].fd)
            .collect();
        for fd in gone {
            self.close(fd, t);
        }
    }

    /// A copy of the open fds, for a fork child (opened at `t`).
    pub fn fork(&self, t: u64) -> FdTable {
        let mut child = FdTable::default();
        let fds = self.open.iter().filter(|&&i| i != NONE);
        for mut e in fds.map(|&i| self.history[i as usize]) {
            e.opened = t;
            child.open(e);
        }
        child
    }

    /// The entries open at `t`.
    pub fn at(&self, t: u64) -> impl Iterator<Item = &FdEntry> {
        self.history
            .iter()
            .filter(move |e| e.opened <= t && t < e.closed)
    }

    /// Rebuilds the open map after deserialisation.
    pub fn rebuild(&mut self) {
        self.open.clear();
        for i in 0..self.history.len() {
            let e = self.history[i];
            if e.closed == u64::MAX
                && let Some(s) = self.slot(e.fd)
            {
                *s = i as u32;
            }
        }
    }
}
