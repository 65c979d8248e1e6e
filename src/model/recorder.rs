//! Appending completed syscalls to their threads' lists on a thread of their own.
//!
//! The state machine runs on one core in time order and sets the pace of a build, while the
//! decoding threads leave part of the other core idle. A syscall's exit was its costliest
//! step: appending the call to its thread's columns (six of them, in one of thousands of
//! lists) took about 140 instructions. The state machine now
//! writes the finished call as one fixed-size [`Row`] into a batch, and this module's
//! thread appends the batches in order. The lists are only ever appended to while building
//! (nothing reads them before the model is finished or copied for a snapshot), so moving
//! them elsewhere changes no result.

use crossbeam_channel::{Receiver, Sender, bounded};

use super::fd::FdKind;
use super::intern::StrId;
use super::store::SyscallList;

/// Rows per batch handed over: enough that the hand-over costs nothing per row, few enough
/// (160 KB) that a batch is still in cache when the recorder reads it.
const BATCH_ROWS: usize = 4096;
/// Batches in flight: the state machine blocks when the recorder is this far behind.
const BATCHES_IN_FLIGHT: usize = 4;

/// One completed (or abandoned) syscall of one thread.
#[derive(Debug, Clone, Copy)]
pub(super) struct Row {
    pub thread: u32,
    pub fd: i32,
    pub begin: u64,
    pub end: u64,
    pub ret: i64,
    pub name: StrId,
    pub flags: u8,
    /// The output fd's kind of a transfer (`splice`, `sendfile`).
    pub out_kind: Option<FdKind>,
}

impl Row {
    /// A call whose exit will not be seen (the thread exited, events were lost, a second
    /// entry came first), ended at `t`.
    pub fn abandoned(thread: u32, p: &super::build::Pending, t: u64) -> Row {
        Row {
            thread,
            fd: p.fd as i32,
            begin: p.begin,
            end: t,
            ret: 0,
            name: p.name,
            flags: super::store::sysflag::NO_EXIT,
            out_kind: None,
        }
    }

    fn apply(&self, lists: &mut Vec<SyscallList>) {
        let t = self.thread as usize;
        if lists.len() <= t {
            lists.resize_with(t + 1, SyscallList::default);
        }
        let list = &mut lists[t];
        list.push(
            self.begin, self.end, self.name, self.ret, self.fd, self.flags,
        );
        if let Some(kind) = self.out_kind {
            list.set_last_out_kind(kind);
        }
    }
}

/// What the state machine asks of the recording thread.
enum Job {
    /// Append these rows (the emptied vector comes back for reuse).
    Rows(Vec<Row>),
    /// Reply with a copy of every list so far, with these rows appended to the copy.
    Copy(Vec<Row>, Sender<Vec<SyscallList>>),
}

/// The state machine's end of the recording thread.
pub(super) struct Recorder {
    rows: Vec<Row>,
    jobs: Option<Sender<Job>>,
    spare: Receiver<Vec<Row>>,
    done: Option<std::thread::JoinHandle<Vec<SyscallList>>>,
    /// Where the rows go when no thread could be started: appended here, on the caller's
    /// thread.
    local: Vec<SyscallList>,
}

impl Recorder {
    /// Starts the recording thread (or, when none can be started, records on the caller's).
    pub fn spawn() -> Recorder {
        let (jobs, inbox) = bounded::<Job>(BATCHES_IN_FLIGHT);
        let (give_back, spare) = bounded::<Vec<Row>>(BATCHES_IN_FLIGHT + 1);
        let done = std::thread::Builder::new()
            .name("syscall-recorder".into())
            .spawn(move || record(&inbox, &give_back))
            .ok();
        Recorder {
            rows: Vec::with_capacity(BATCH_ROWS),
            jobs: done.is_some().then_some(jobs),
            spare,
            done,
            local: Vec::new(),
        }
    }

    /// Records one call. Inlined: it runs at every exit; handing a batch over is not.
    #[inline(always)]
    pub fn push(&mut self, row: Row) {
        self.rows.push(row);
        if self.rows.len() >= BATCH_ROWS {
            self.hand_over();
        }
    }

    #[inline(never)]
    fn hand_over(&mut self) {
        let fresh = self
            .spare
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(BATCH_ROWS));
        let rows = std::mem::replace(&mut self.rows, fresh);
        match &self.jobs {
            Some(jobs) => {
                if jobs.send(Job::Rows(rows)).is_err() {
                    self.rethrow();
                }
            }
            None => self.apply_locally(&rows),
        }
    }

    /// The recording thread stopped early, which only a panic there does: raise it on the
    /// building thread, as if the appends had run here, rather than go on with lists that
    /// miss calls.
    #[cold]
    fn rethrow(&mut self) -> ! {
        self.jobs = None;
        match self.done.take().map(std::thread::JoinHandle::join) {
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            _ => unreachable!("the recording thread ended while its channel was open"),
        }
    }

    fn apply_locally(&mut self, rows: &[Row]) {
        for r in rows {
            r.apply(&mut self.local);
        }
    }

    /// A copy of every list recorded so far, by thread index (shorter than the threads
    /// when the last ones made no call). Should the recording thread have failed, the copy
    /// misses what it held; [`Self::finish`] then raises its panic.
    pub fn copy(&self) -> Vec<SyscallList> {
        if let Some(jobs) = &self.jobs {
            let (reply, answer) = bounded(1);
            if jobs.send(Job::Copy(self.rows.clone(), reply)).is_ok()
                && let Ok(lists) = answer.recv()
            {
                return lists;
            }
        }
        let mut lists = self.local.clone();
        for r in &self.rows {
            r.apply(&mut lists);
        }
        lists
    }

    /// Every list, by thread index, once every row is appended.
    pub fn finish(&mut self) -> Vec<SyscallList> {
        let rows = std::mem::take(&mut self.rows);
        let Some(jobs) = self.jobs.take() else {
            self.apply_locally(&rows);
            return std::mem::take(&mut self.local);
        };
        let sent = jobs.send(Job::Rows(rows));
        // Closing the channel ends the thread, which returns the lists.
        drop(jobs);
        match self.done.take().map(std::thread::JoinHandle::join) {
            Some(Ok(lists)) if sent.is_ok() => lists,
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            _ => unreachable!("the recording thread ended while its channel was open"),
        }
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        // Closing the channel ends the thread; wait for it so that none outlives a build.
        self.jobs = None;
        if let Some(h) = self.done.take() {
            let _ = h.join();
        }
    }
}

/// The recording thread: appends batches in order until the channel closes.
fn record(inbox: &Receiver<Job>, give_back: &Sender<Vec<Row>>) -> Vec<SyscallList> {
    crate::ctf::niceness::lower_current_thread(crate::ctf::niceness::DECODER_NICE);
    let mut lists = Vec::new();
    for job in inbox {
        match job {
            Job::Rows(mut rows) => {
                for r in &rows {
                    r.apply(&mut lists);
                }
                rows.clear();
                let _ = give_back.try_send(rows);
            }
            Job::Copy(rows, reply) => {
                let mut copy = lists.clone();
                for r in &rows {
                    r.apply(&mut copy);
                }
                let _ = reply.send(copy);
            }
        }
    }
    lists
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lists as bytes, to compare them whole.
    fn bytes(lists: &[SyscallList]) -> Vec<u8> {
        bincode::serialize(lists).expect("serialize")
    }

    fn rows(n: usize) -> Vec<Row> {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        (0..n)
            .map(|i| {
                let r = next();
                Row {
                    thread: (r % 37) as u32,
                    fd: (r >> 8) as i32 % 300,
                    begin: i as u64 * 1000,
                    end: i as u64 * 1000 + (r >> 20) % 100_000,
                    ret: (r >> 40) as i64 - (1 << 23),
                    name: (r >> 30) as StrId % 50,
                    flags: (r >> 50) as u8,
                    out_kind: (r % 11 == 0).then_some(FdKind::Pipe),
                }
            })
            .collect()
    }

    /// Rows recorded on the thread, over several hand-overs, give the lists appending them
    /// in place gives; a copy taken on the way holds exactly the rows recorded before it.
    #[test]
    fn the_recording_thread_appends_as_in_place_appends_would() {
        let all = rows(3 * BATCH_ROWS + 123);
        let cut = BATCH_ROWS + 77;
        let mut direct = Vec::new();
        let mut recorder = Recorder::spawn();
        assert!(recorder.jobs.is_some(), "no recording thread");
        let mut copy = Vec::new();
        for (i, r) in all.iter().enumerate() {
            if i == cut {
                copy = recorder.copy();
                assert_eq!(bytes(&copy), bytes(&direct), "copy after {cut} rows");
            }
            r.apply(&mut direct);
            recorder.push(*r);
        }
        assert!(!copy.is_empty());
        let lists = recorder.finish();
        assert_eq!(lists.len(), 37);
        assert_eq!(bytes(&lists), bytes(&direct));
        assert!(lists.iter().all(|l| l.len() > 1));
    }
}
