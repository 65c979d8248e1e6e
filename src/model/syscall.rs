//! Syscall entry/exit pairing, fd table effects and I/O attribution.

use super::NO_THREAD;
use super::build::{Builder, EntryArgs, Pending};
use super::fd::{FdEntry, FdKind, O_CLOEXEC};
use super::intern::StrId;
use super::plan::Plan;
use super::record::Fields;
use super::recorder::Row;
use super::store::sysflag;

type P<'a, 'b> = &'a Fields<'b>;

/// What a syscall does to fds and byte counts, by canonical name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Effect {
    #[default]
    None,
    Open,
    Socket,
    Accept,
    Pipe,
    OtherFd,
    Dup,
    Dup2,
    Fcntl,
    Close,
    Connect,
    Read,
    Write,
    /// `splice`, `sendfile64`: read from the first fd, write to the second.
    Transfer,
    Exec,
}

impl Effect {
    /// Whether the exit reads the call's [`EntryArgs`] (beyond its first fd).
    pub fn needs_args(self) -> bool {
        !matches!(
            self,
            Effect::None | Effect::Read | Effect::Write | Effect::Close
        )
    }
}

/// The effect of the syscall named `name`.
pub fn effect(name: &str) -> Effect {
    match name {
        "open" | "openat" | "creat" | "open_by_handle_at" | "openat2" => Effect::Open,
        "socket" => Effect::Socket,
        "accept" | "accept4" => Effect::Accept,
        "pipe" | "pipe2" => Effect::Pipe,
        "eventfd" | "eventfd2" | "epoll_create" | "epoll_create1" | "timerfd_create"
        | "signalfd" | "signalfd4" | "inotify_init" | "inotify_init1" | "fanotify_init"
        | "memfd_create" | "perf_event_open" | "userfaultfd" | "pidfd_open" | "io_uring_setup" => {
            Effect::OtherFd
        }
        "dup" => Effect::Dup,
        "dup2" | "dup3" => Effect::Dup2,
        "fcntl" | "fcntl64" => Effect::Fcntl,
        "close" => Effect::Close,
        "connect" => Effect::Connect,
        "read" | "readv" | "pread" | "pread64" | "preadv" | "preadv2" | "recvfrom" | "recvmsg" => {
            Effect::Read
        }
        "write" | "writev" | "pwrite" | "pwrite64" | "pwritev" | "pwritev2" | "sendto"
        | "sendmsg" => Effect::Write,
        "splice" | "sendfile" | "sendfile64" => Effect::Transfer,
        "execve" | "execveat" => Effect::Exec,
        _ => Effect::None,
    }
}

const EINTR: i64 = 4;
const F_DUPFD: i64 = 0;
const F_DUPFD_CLOEXEC: i64 = 1030;

impl Builder {
    pub(super) fn sys_entry(&mut self, p: P<'_, '_>, plan: &Plan, name: StrId, cpu: u32, t: u64) {
        let th = self.cpus[cpu as usize].current;
        if th == NO_THREAD {
            self.m.counters.unattributed += 1;
            return;
        }
        let pending = Pending {
            name,
            effect: plan.effect,
            begin: t,
            fd: p.int(0).or_else(|| p.only_fd_in_set(0)).unwrap_or(-1),
        };
        if plan.effect.needs_args() {
            self.live[th as usize].args = EntryArgs {
                fd_out: p.int(1).unwrap_or(-1),
                path: p.text(2).map(|b| self.m.strings.intern_bytes(b)),
                cmd: p.int(3).unwrap_or(-1),
                family: p.int(4).unwrap_or(0),
                port: p.int(5).unwrap_or(0),
                v4: p.int_array::<4>(6),
                flags: p.int(7).unwrap_or(0),
            };
        }
        if let Some(old) = self.live[th as usize].pending.replace(pending) {
            self.m.counters.entries_lost += 1;
            self.recorder.push(Row::abandoned(th, &old, t));
        }
    }

    pub(super) fn sys_exit(&mut self, p: P<'_, '_>, name: Option<StrId>, cpu: u32, t: u64) {
        let th = self.cpus[cpu as usize].current;
        if th == NO_THREAD {
            self.m.counters.unattributed += 1;
            return;
        }
        let ret = p.int(0).unwrap_or(0);
        let pending = self.live[th as usize].pending;
        let matched = match (pending, name) {
            (Some(pe), Some(n)) => pe.name == n,
            (Some(_), None) => true,
            (None, _) => false,
        };
        let Some(pe) = pending.filter(|_| matched) else {
            // The child's return from clone, or a call begun before we knew the thread.
            self.m.counters.exits_without_entry += 1;
            if let Some(n) = name {
                self.recorder.push(Row {
                    thread: th,
                    fd: -1,
                    begin: t,
                    end: t,
                    ret,
                    name: n,
                    flags: sysflag::NO_ENTRY,
                    out_kind: None,
                });
            }
            return;
        };
        self.live[th as usize].pending = None;
        let flags = self.apply_effect(p, th, &pe, ret, t);
        let transfer = flags & (sysflag::READ | sysflag::WRITE) == sysflag::READ | sysflag::WRITE;
        let out_kind = transfer.then(|| {
            let pr = self.process_of(th) as usize;
            self.m.processes[pr]
                .fds
                .kind(self.live[th as usize].args.fd_out as i32)
        });
        self.recorder.push(Row {
            thread: th,
            fd: pe.fd as i32,
            begin: pe.begin,
            end: t,
            ret,
            name: pe.name,
            flags,
            out_kind,
        });
    }

    /// Applies the fd table change and I/O accounting of a completed call; returns its flags.
    fn apply_effect(&mut self, p: P<'_, '_>, th: u32, pe: &Pending, ret: i64, t: u64) -> u8 {
        let eff = pe.effect;
        if eff == Effect::None {
            return 0;
        }
        let pr = self.process_of(th) as usize;
        let fd = pe.fd as i32;
        let args = self.live[th as usize].args;
        let new_fd = i32::try_from(ret).ok().filter(|&r| r >= 0);
        let entry = |kind, name, t| FdEntry {
            fd: new_fd.unwrap_or(-1),
            kind,
            name,
            family: args.family as u16,
            opened: t,
            closed: u64::MAX,
            cloexec: args.flags & O_CLOEXEC != 0,
        };
        match eff {
            Effect::Open if new_fd.is_some() => {
                let name = args
                    .path
                    .unwrap_or_else(|| self.m.strings.intern("unknown"));
                let e = entry(FdKind::File, name, t);
                self.m.processes[pr].fds.open(e);
            }
            Effect::Socket | Effect::Accept if new_fd.is_some() => {
                let name = self.peer_name(p, eff == Effect::Accept);
                let e = entry(FdKind::Socket, name, t);
                self.m.processes[pr].fds.open(e);
            }
            Effect::OtherFd if new_fd.is_some() => {
                let e = entry(FdKind::Other, pe.name, t);
                self.m.processes[pr].fds.open(e);
            }
            Effect::Pipe if ret == 0 => {
                if let Some(fds) = p.int_array::<2>(1) {
                    let name = self.m.strings.intern("pipe");
                    for f in fds {
                        let mut e = entry(FdKind::Pipe, name, t);
                        e.fd = f as i32;
                        self.m.processes[pr].fds.open(e);
                    }
                }
            }
            Effect::Dup | Effect::Dup2 => {
                if let Some(n) = new_fd {
                    self.m.processes[pr].fds.dup(fd, n, t, &mut self.m.strings);
                }
            }
            Effect::Fcntl if args.cmd == F_DUPFD || args.cmd == F_DUPFD_CLOEXEC => {
                if let Some(n) = new_fd {
                    self.m.processes[pr].fds.dup(fd, n, t, &mut self.m.strings);
                }
            }
            Effect::Close if ret == 0 || ret == -EINTR => self.m.processes[pr].fds.close(fd, t),
            Effect::Connect if args.v4.is_some() => {
                let name = self.addr_name(args.v4, args.port);
                self.m.processes[pr].fds.set_peer(fd, name);
            }
            Effect::Exec if ret == 0 => self.m.processes[pr].fds.exec(t),
            // splice/sendfile move bytes between two fds without user buffers; like
            // lttng-analyses (and the generator's ground truth), their bytes count both as
            // read from the input fd and as written to the output fd.
            Effect::Read | Effect::Write | Effect::Transfer if ret > 0 => {
                return self.account_io(th, pr, eff, pe, ret);
            }
            _ => {}
        }
        0
    }

    fn account_io(&mut self, th: u32, pr: usize, eff: Effect, pe: &Pending, ret: i64) -> u8 {
        let fds = &self.m.processes[pr].fds;
        let kind = fds.kind(pe.fd as i32);
        let fd_out = self.live[th as usize].args.fd_out;
        let (read_kind, write_kind) = match eff {
            Effect::Read => (Some(kind), None),
            Effect::Transfer => (Some(kind), Some(fds.kind(fd_out as i32))),
            _ => (None, Some(kind)),
        };
        let slot = |k: FdKind| match k {
            FdKind::File => 0,
            FdKind::Socket => 2,
            _ => 4,
        };
        let io = &mut self.m.threads[th as usize].io;
        let mut flags = 0;
        if let Some(k) = read_kind {
            io[slot(k)] += ret as u64;
            flags |= sysflag::READ | (k as u8) << sysflag::KIND_SHIFT;
        }
        if let Some(k) = write_kind {
            io[slot(k) + 1] += ret as u64;
            flags |= sysflag::WRITE;
            if read_kind.is_none() {
                flags |= (k as u8) << sysflag::KIND_SHIFT;
            }
        }
        flags
    }

    /// The peer address an `accept` exit reports, or `socket`.
    fn peer_name(&mut self, p: P<'_, '_>, accept: bool) -> StrId {
        if accept && let Some(v4) = p.int_array::<4>(4) {
            let port = p.int(3).unwrap_or(0);
            return self.addr_name(Some(v4), port);
        }
        self.m.strings.intern("socket")
    }

    fn addr_name(&mut self, v4: Option<[i64; 4]>, port: i64) -> StrId {
        match v4 {
            Some(v4) => {
                // One buffer for every connection: no allocation unless the name is new. The
                // numbers go through `itoa`: `write!` cost half of this function's 2 200
                // instructions, and a server names every connection it accepts (its peer's
                // port differs each time, so the names do not repeat).
                let mut s = std::mem::take(&mut self.addr_buf);
                s.clear();
                let mut digits = itoa::Buffer::new();
                for (k, n) in v4.into_iter().enumerate() {
                    if k > 0 {
                        s.push('.');
                    }
                    s.push_str(digits.format(n));
                }
                s.push(':');
                s.push_str(digits.format(port));
                let id = self.m.strings.intern(&s);
                self.addr_buf = s;
                id
            }
            None => self.m.strings.intern("socket"),
        }
    }
}
