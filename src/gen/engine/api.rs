//! What scenarios use to describe threads: [`Behavior`]s yielding [`Action`]s, syscalls
//! ([`Sys`]) and how they block ([`Block`]).

use std::sync::Arc;

use super::Tid;
use crate::r#gen::catalog::Sc;
use crate::r#gen::rng::Rng;

/// What kind of file an I/O syscall used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FdKind {
    /// A regular file.
    Disk,
    /// A socket.
    Net,
    /// Anything else (anonymous inodes, pipes, device nodes): counted apart from disk and
    /// network bytes, as the model classifies such fds.
    Other,
}

/// Bytes moved by a successful I/O syscall (for the ground truth).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Io {
    /// File kind.
    pub kind: FdKind,
    /// Write (true) or read.
    pub write: bool,
    /// Bytes (equals the syscall's `ret`).
    pub bytes: u64,
}

/// A block request batch: `count` requests of `bytes` each, issued back to back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DiskReq {
    /// Index of the disk in the engine.
    pub disk: usize,
    /// Write or read.
    pub write: bool,
    /// Bytes per request (multiple of 512).
    pub bytes: u64,
    /// Requests in the batch; the thread wakes when the last one completes.
    pub count: u32,
}

/// Where a syscall (or kernel work) blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Block {
    /// Does not block.
    None,
    /// Sleeps on an hrtimer for this many ns (`prev_state` S).
    Sleep(u64),
    /// Waits until another thread wakes it ([`Sys::wake`]); a wake that came first is
    /// remembered, so the order of the two threads does not matter.
    Wait,
    /// Waits for a network packet of `len` bytes arriving after `delay` ns.
    Net {
        /// Delay until the packet arrives.
        delay: u64,
        /// Its length.
        len: u32,
    },
    /// Issues block requests and waits for the last one (`prev_state` D).
    Disk(DiskReq),
}

/// One system call as a behaviour asks for it.
#[derive(Debug, Clone)]
pub struct Sys {
    /// Which syscall.
    pub sc: Sc,
    /// Entry integer fields in order (string fields are skipped).
    pub args: [u64; 6],
    /// The entry's string field (`filename`), if it has one.
    pub text: Option<Arc<str>>,
    /// Return value.
    pub ret: i64,
    /// Exit fields after `ret`, in order.
    pub out: [u64; 5],
    /// Kernel time before blocking (or before returning).
    pub kernel_ns: u64,
    /// Kernel time after being woken.
    pub after_ns: u64,
    /// Blocking behaviour.
    pub block: Block,
    /// Thread to wake from inside the call (message sent to it).
    pub wake: Option<Tid>,
    /// Bytes transmitted on the NIC from inside the call.
    pub xmit: u32,
    /// Page allocations made inside the call.
    pub pages: u8,
    /// Pages freed inside the call.
    pub frees: u8,
    /// Bytes moved, for the ground truth.
    pub io: Option<Io>,
    /// The write half of a transfer (`splice`, `sendfile64`), whose bytes count as read from
    /// the input fd (`io`) and written to the output fd, as lttng-analyses counts them.
    pub io_out: Option<Io>,
    /// Non-zero: record a [`Mark`] at exit (scenario bookkeeping, e.g. request phases).
    pub mark: u32,
}

impl Sys {
    /// A non-blocking call with these entry fields and return value.
    pub fn new(sc: Sc, args: &[u64], ret: i64) -> Self {
        let mut a = [0u64; 6];
        let n = args.len().min(6);
        a[..n].copy_from_slice(&args[..n]);
        Self {
            sc,
            args: a,
            text: None,
            ret,
            out: [0; 5],
            kernel_ns: 800,
            after_ns: 600,
            block: Block::None,
            wake: None,
            xmit: 0,
            pages: 0,
            frees: 0,
            io: None,
            io_out: None,
            mark: 0,
        }
    }
    /// Sets the string field.
    pub fn text(mut self, t: &Arc<str>) -> Self {
        self.text = Some(Arc::clone(t));
        self
    }
    /// Sets the exit fields after `ret`.
    pub fn out(mut self, out: &[u64]) -> Self {
        let n = out.len().min(5);
        self.out[..n].copy_from_slice(&out[..n]);
        self
    }
    /// Sets kernel time before and after the blocking point.
    pub fn kernel(mut self, before: u64, after: u64) -> Self {
        self.kernel_ns = before;
        self.after_ns = after;
        self
    }
    /// Sets the blocking behaviour.
    pub fn block(mut self, b: Block) -> Self {
        self.block = b;
        self
    }
    /// Wakes `tid` from inside the call.
    pub fn wake(mut self, tid: Tid) -> Self {
        self.wake = Some(tid);
        self
    }
    /// Transmits `bytes` on the NIC.
    pub fn xmit(mut self, bytes: u32) -> Self {
        self.xmit = bytes;
        self
    }
    /// Allocates pages.
    pub fn pages(mut self, n: u8) -> Self {
        self.pages = n;
        self
    }
    /// Frees pages.
    pub fn frees(mut self, n: u8) -> Self {
        self.frees = n;
        self
    }
    /// Records bytes moved.
    pub fn io(mut self, kind: FdKind, write: bool) -> Self {
        self.io = Some(Io {
            kind,
            write,
            bytes: self.ret.max(0) as u64,
        });
        self
    }
    /// Records bytes moved from a `from` fd to a `to` fd without a user buffer (`splice`,
    /// `sendfile64`): read from the first and written to the second.
    pub fn transfer(mut self, from: FdKind, to: FdKind) -> Self {
        let bytes = self.ret.max(0) as u64;
        self.io = Some(Io {
            kind: from,
            write: false,
            bytes,
        });
        self.io_out = Some(Io {
            kind: to,
            write: true,
            bytes,
        });
        self
    }
    /// Records a mark at exit.
    pub fn mark(mut self, m: u32) -> Self {
        self.mark = m;
        self
    }
}

/// A new thread (and maybe process) to create with `clone`. The child starts with the
/// parent's comm; give it a new one with [`Action::Exec`].
pub struct Spawn {
    /// The child's program.
    pub behavior: Box<dyn Behavior>,
    /// New process (fork) or new thread in the parent's process.
    pub new_process: bool,
    /// Pin the child to this CPU.
    pub affinity: Option<u32>,
    /// Priority of the child if not the parent's (e.g. 15 for nice −5).
    pub prio: Option<i32>,
}

/// A [`Behavior`] from a closure (which keeps its own state).
pub struct Script<F>(pub F);

impl<F: FnMut(&mut Cx<'_>) -> Action + Send> Behavior for Script<F> {
    fn next(&mut self, cx: &mut Cx<'_>) -> Action {
        (self.0)(cx)
    }
}

/// What a thread does next.
pub enum Action {
    /// Run in user space for this many ns of CPU time.
    Compute(u64),
    /// Make a system call.
    Sys(Sys),
    /// Kernel-thread work (no syscall events): run `work_ns`, then block as asked.
    Kernel {
        /// CPU time.
        work_ns: u64,
        /// Blocking behaviour afterwards.
        block: Block,
        /// Page allocations.
        pages: u8,
    },
    /// `clone` a child.
    Spawn(Spawn),
    /// `execve` a new image; the comm becomes `comm`.
    Exec {
        /// Path.
        filename: Arc<str>,
        /// New comm.
        comm: &'static str,
    },
    /// `exit_group`.
    Exit,
    /// Killed by a signal (no `exit_group` call), after `pages` page frees.
    Crash,
    /// Emit the LTTng statedump from inside an `ioctl` (lttng-sessiond starting the trace).
    Statedump,
}

/// What a behaviour can see when choosing its next action.
pub struct Cx<'a> {
    /// Current time (clock value).
    pub now: u64,
    /// Trace begin.
    pub begin: u64,
    /// The thread.
    pub tid: Tid,
    /// Its process.
    pub pid: u32,
    /// CPU it runs on.
    pub cpu: u32,
    /// The shared random generator.
    pub rng: &'a mut Rng,
}

/// A thread's program.
pub trait Behavior: Send {
    /// The next action.
    fn next(&mut self, cx: &mut Cx<'_>) -> Action;
}

/// A scenario bookkeeping record: a marked syscall's thread, mark, times and the thread's
/// cumulative wait-for-CPU time at exit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    /// Thread.
    pub tid: Tid,
    /// The syscall's mark.
    pub mark: u32,
    /// Its return value.
    pub ret: i64,
    /// Entry timestamp.
    pub entry_ts: u64,
    /// Exit timestamp.
    pub exit_ts: u64,
    /// Thread's cumulative wait-for-CPU time at exit.
    pub wait_cpu_ns: u64,
}
