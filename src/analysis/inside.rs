//! What a thread did inside a time range (a period instance): its system calls, longest
//! first, each fd resolved to what it was at that moment (a file path, or a socket's peer
//! address once connected), so "5 s in select()" comes with "on 8.8.6.6:53".

use crate::model::{FdEntry, Model, Thread};

/// One system call of the thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// Syscall name.
    pub name: String,
    /// Entry time, ns.
    pub begin: u64,
    /// Duration, ns.
    pub dur: u64,
    /// Return value.
    pub ret: i64,
    /// Fd argument, −1 for none.
    pub fd: i32,
    /// What the fd was: a path or a peer address (`None`: no fd, or unknown).
    pub target: Option<String>,
}

/// The fd table entry `fd` of thread `t`'s process named when a call entered at `at`: an fd
/// number is reused after close, so the entry open at that instant, not the latest one.
pub fn fd_at<'m>(m: &'m Model, t: &Thread, fd: i32, at: u64) -> Option<&'m FdEntry> {
    if fd < 0 {
        return None;
    }
    let p = m.processes.get(t.process? as usize)?;
    p.fds
        .history
        .iter()
        .rev()
        .find(|x| x.fd == fd && x.opened <= at && at < x.closed)
}

/// The syscalls of thread `tid` overlapping `[begin, end]`, longest first (then by time).
pub fn syscalls(m: &Model, tid: u32, begin: u64, end: u64) -> Vec<Call> {
    let mut out = Vec::new();
    for t in m.threads.iter().filter(|t| t.tid == tid) {
        let s = &t.syscalls;
        for i in s.span.candidates(begin, end) {
            let (b, e) = (s.span.begin(i), s.span.end(i));
            if b > end || e < begin {
                continue;
            }
            let fd = s.fd(i);
            let target = fd_at(m, t, fd, b).map(|x| m.strings.get(x.name).to_owned());
            out.push(Call {
                name: m.strings.get(s.name(i)).to_owned(),
                begin: b,
                dur: s.span.dur(i),
                ret: s.ret(i),
                fd,
                target,
            });
        }
    }
    out.sort_by(|a, b| b.dur.cmp(&a.dur).then(a.begin.cmp(&b.begin)));
    out
}
