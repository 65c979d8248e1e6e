//! Turning the `web` scenario's marked syscalls into the request list of the ground truth.

use std::collections::HashMap;

use super::web::mark;
use crate::r#gen::engine::Mark;
use crate::r#gen::truth::{Phase, Request};

/// A request taking longer than this is slow.
pub const SLOW_NS: u64 = 30_000_000;

/// Builds requests from marks as they arrive: only requests in progress are held.
#[derive(Debug, Default)]
pub struct Assembler {
    open: HashMap<u32, Vec<Mark>>,
    done: Vec<Request>,
}

impl Assembler {
    /// Takes the next mark of a worker thread.
    pub fn push(&mut self, m: Mark) {
        let v = self.open.entry(m.tid).or_default();
        if m.mark == mark::ACCEPT {
            v.clear();
        }
        v.push(m);
        if m.mark == mark::CLOSE {
            if let Some(r) = build(v) {
                self.done.push(r);
            }
            v.clear();
        }
    }

    /// Complete requests (accept4 exit to close exit), in begin order.
    pub fn finish(&mut self) -> Vec<Request> {
        let mut out = std::mem::take(&mut self.done);
        out.sort_by_key(|r| (r.begin_ns, r.tid));
        out
    }
}

fn build(v: &[Mark]) -> Option<Request> {
    let find = |k: u32| v.iter().find(|m| m.mark == k);
    let acc = find(mark::ACCEPT)?;
    let close = find(mark::CLOSE)?;
    let (begin, end) = (acc.exit_ts, close.exit_ts);
    let mut phases = Vec::new();
    let mut phase = |name: &str, b: u64, e: u64| {
        phases.push(Phase {
            name: name.to_string(),
            begin_ns: b,
            end_ns: e,
        });
    };
    let parsed = find(mark::PARSED)?.exit_ts;
    phase("parse", begin, parsed);
    let mut dns_ns = 0;
    if let (Some(b), Some(e)) = (find(mark::DNS_BEGIN), find(mark::DNS_END)) {
        phase("dns", b.entry_ts, e.exit_ts);
        dns_ns = e.exit_ts - b.entry_ts;
    }
    let db_b = find(mark::DB_BEGIN)?.entry_ts;
    let db_e = find(mark::DB_END)?.exit_ts;
    phase("db", db_b, db_e);
    let send = find(mark::SEND)?.entry_ts;
    phase("render", db_e, send);
    phase("send", send, end);
    let duration = end - begin;
    let wait = close.wait_cpu_ns - acc.wait_cpu_ns;
    let slow = duration >= SLOW_NS;
    let cause = if !slow {
        ""
    } else if dns_ns >= 1_000_000_000 {
        "dns_timeout"
    } else if wait * 4 >= duration {
        "cpu_contention"
    } else if (db_e - db_b) * 2 >= duration {
        "disk_contention"
    } else {
        "other"
    };
    Some(Request {
        tid: acc.tid,
        fd: acc.ret,
        begin_ns: begin,
        end_ns: end,
        duration_ns: duration,
        phases,
        wait_cpu_ns: wait,
        slow,
        cause: cause.to_string(),
    })
}
