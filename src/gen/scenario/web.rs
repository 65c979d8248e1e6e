//! `web`: a slow WordPress site (after a LinuxCon 2016 case study).
//!
//! apache2 prefork workers serve requests: `accept4` returns the client fd, the worker reads
//! the request, `newstat`s `index.php`, opens and reads `wp-config.php`, connects to MariaDB on
//! 3306 (one mysqld connection thread per worker answers each query, sometimes reading its
//! table from disk), renders, `writev`s the response and `close`s the client fd. Three
//! problems are planted, each in its own time window (see [`Windows`]); the request list in
//! the ground truth says which requests were slow and why.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use super::common::{self, AF_INET, DISK, close, openat, proc_spec, read};
use super::requests::Assembler;
use crate::r#gen::catalog::Sc;
use crate::r#gen::engine::{
    Action, Behavior, Block, Cx, DiskReq, Engine, FdKind, Script, Spawn, Sys, ThreadSpec,
};
use crate::r#gen::truth::Problem;

/// Marks on the syscalls that delimit request phases.
pub(super) mod mark {
    pub const ACCEPT: u32 = 1;
    pub const PARSED: u32 = 2;
    pub const DNS_BEGIN: u32 = 3;
    pub const DNS_END: u32 = 4;
    pub const DB_BEGIN: u32 = 5;
    pub const DB_END: u32 = 6;
    pub const SEND: u32 = 7;
    pub const CLOSE: u32 = 8;
}

/// The planted problems' windows, in ns after the trace begin.
#[derive(Debug, Clone, Copy)]
pub struct Windows {
    /// DNS to 8.8.6.6 never answers: `select()` times out after 5 s.
    pub dns: (u64, u64),
    /// `xz` hogs one CPU.
    pub xz: (u64, u64),
    /// `my_service` crashes and dumps core (written back by a kworker).
    pub core: (u64, u64),
}

impl Windows {
    /// Windows at fixed fractions of the trace duration.
    pub fn for_duration(d: u64) -> Self {
        let at = |f: u64| d / 100 * f;
        Self {
            dns: (at(12), at(32)),
            xz: (at(42), at(62)),
            core: (at(72), at(80)),
        }
    }
}

const WORKERS: u32 = 16;
const WORKER_TID: u32 = 2000;
const APACHE_PID: u32 = 1990;
const MYSQLD_PID: u32 = 1500;
const DB_TID: u32 = 1510;
const XZ_CPU: u32 = 1;
const RESOLVERS: [u32; 5] = [
    common::ip(8, 8, 8, 8),
    common::ip(8, 8, 4, 4),
    common::ip(1, 1, 1, 1),
    common::ip(9, 9, 9, 9),
    common::ip(8, 8, 6, 6),
];
const DEAD_RESOLVER: u32 = common::ip(8, 8, 6, 6);
const DNS_TIMEOUT_NS: u64 = 5_000_000_000;

/// Builds the scenario on `e`; returns the planted problems (times relative to the begin)
/// and the request assembler the engine feeds.
pub fn setup(e: &mut Engine, cpus: u32, duration: u64) -> (Vec<Problem>, Arc<Mutex<Assembler>>) {
    let requests = Arc::new(Mutex::new(Assembler::default()));
    let feed = Arc::clone(&requests);
    e.set_mark_sink(Box::new(move |m| {
        if let Ok(mut a) = feed.lock() {
            a.push(m);
        }
    }));
    let w = Windows::for_duration(duration);
    common::add_devices(e, 3_000_000, 0);
    common::add_percpu_kthreads(e, 0, cpus);
    common::add_base_system(e);
    add_apache(e, w);
    add_mysqld(e);
    add_cron_xz(e, w);
    add_my_service(e, w);
    let problems = vec![
        Problem {
            kind: "dns_timeout".into(),
            begin_ns: w.dns.0,
            end_ns: w.dns.1,
            description: "a WordPress plugin resolves names through five DNS servers at random; \
                8.8.6.6 never answers, so select() waits 5 s"
                .into(),
        },
        Problem {
            kind: "cpu_hog".into(),
            begin_ns: w.xz.0,
            end_ns: w.xz.1,
            description: format!(
                "xz (nice -5) compresses rotated logs pinned on CPU {XZ_CPU}; requests woken there wait for the CPU"
            ),
        },
        Problem {
            kind: "core_dump".into(),
            begin_ns: w.core.0,
            end_ns: w.core.1,
            description:
                "my_service crashes; its 512 MiB core is written back by a kworker in 1 MiB \
                block writes, and mysqld's table reads queue behind them"
                    .into(),
        },
    ];
    (problems, requests)
}

fn add_apache(e: &mut Engine, w: Windows) {
    let fds = vec![
        (0, "/dev/null".to_string(), 0o2),
        (2, "/var/log/apache2/error.log".to_string(), 0o2_102_001),
        (4, "socket:[21004]".to_string(), 0o2_004_002),
        (7, "/var/log/apache2/access.log".to_string(), 0o2_102_001),
    ];
    e.add_process(APACHE_PID, 1, fds.clone());
    let master = Script(|cx: &mut Cx<'_>| {
        let sys = Sys::new(Sc::Select, &[0, 0, 0x7ffe_2a10_9b00, 0, 0, 0], 0)
            .block(Block::Sleep(1_000_000_000 + cx.rng.below(1_000_000)));
        Action::Sys(sys)
    });
    e.add_thread(
        &proc_spec(APACHE_PID, 1, "apache2", 500_000_000),
        Box::new(master),
    );
    for i in 0..WORKERS {
        let tid = WORKER_TID + i;
        e.add_process(tid, APACHE_PID, fds.clone());
        let worker = Worker {
            db_tid: DB_TID + i,
            windows: w,
            queue: VecDeque::new(),
            accepted: false,
        };
        e.add_thread(
            &proc_spec(
                tid,
                APACHE_PID,
                "apache2",
                1_000_000 + u64::from(i) * 1_700_000,
            ),
            Box::new(worker),
        );
    }
}

/// An apache2 worker: one request after another.
struct Worker {
    db_tid: u32,
    windows: Windows,
    queue: VecDeque<Action>,
    accepted: bool,
}

const CLIENT_FD: u64 = 10;

impl Behavior for Worker {
    fn next(&mut self, cx: &mut Cx<'_>) -> Action {
        if let Some(a) = self.queue.pop_front() {
            return a;
        }
        if self.accepted {
            self.accepted = false;
            self.plan_request(cx);
            if let Some(a) = self.queue.pop_front() {
                return a;
            }
        }
        self.accepted = true;
        let client = common::ip(198, 51, 100, 1 + cx.rng.below(200) as u8);
        let sys = Sys::new(Sc::Accept4, &[4, 16, 0x80000], CLIENT_FD as i64)
            .out(&[AF_INET, 32_768 + cx.rng.below(28_000), u64::from(client), 0])
            .block(Block::Net {
                delay: cx.rng.exp(25_000_000),
                len: 74,
            })
            .kernel(2_000, 3_000)
            .mark(mark::ACCEPT);
        Action::Sys(sys)
    }
}

impl Worker {
    fn plan_request(&mut self, cx: &mut Cx<'_>) {
        let q = &mut self.queue;
        let rel = cx.now - cx.begin;
        let req_len = cx.rng.range(350, 900) as i64;
        q.push_back(Action::Sys(read(CLIENT_FD, 8192, req_len, FdKind::Net)));
        let index: Arc<str> = Arc::from("/var/www/html/wordpress/index.php");
        let stat = Sys::new(Sc::Newstat, &[], 0)
            .text(&index)
            .out(&[0x7ffe_2a10_9c80])
            .mark(mark::PARSED);
        q.push_back(Action::Sys(stat.kernel(1_800, 600)));
        q.push_back(Action::Compute(cx.rng.range(150_000, 500_000)));
        let config: Arc<str> = Arc::from("/var/www/html/wordpress/wp-config.php");
        q.push_back(Action::Sys(openat(&config, 11)));
        q.push_back(Action::Sys(read(11, 8192, 3012, FdKind::Disk)));
        q.push_back(Action::Sys(close(11)));
        if (self.windows.dns.0..self.windows.dns.1).contains(&rel) {
            plan_dns(q, cx);
        }
        plan_db(q, cx, self.db_tid);
        for _ in 0..3 {
            q.push_back(Action::Compute(cx.rng.range(300_000, 2_000_000)));
            let brk = Sys::new(
                Sc::Brk,
                &[0x55d0_5f00_0000 + cx.rng.below(1 << 20) * 4096],
                0x55d0_5f21_0000,
            );
            q.push_back(Action::Sys(brk.pages(1)));
        }
        let size = cx.rng.range(15_000, 90_000);
        let wv = Sys::new(Sc::Writev, &[CLIENT_FD, 0x7ffe_2a10_a000, 3], size as i64)
            .out(&[0x7ffe_2a10_a000])
            .kernel(6_000 + size / 10, 1_500)
            .xmit(size as u32 + 66 * (size as u32 / 1448 + 1))
            .io(FdKind::Net, true)
            .mark(mark::SEND);
        q.push_back(Action::Sys(wv));
        q.push_back(Action::Sys(close(CLIENT_FD).mark(mark::CLOSE)));
    }
}

fn connect(fd: u64, port: u64, addr: u32) -> Sys {
    Sys::new(
        Sc::Connect,
        &[fd, 0x7ffe_2a10_9d00, 16, AF_INET, port, u64::from(addr)],
        0,
    )
    .kernel(4_000, 2_000)
}

/// A DNS lookup through a random resolver; 8.8.6.6 never answers.
fn plan_dns(q: &mut VecDeque<Action>, cx: &mut Cx<'_>) {
    let resolver = *cx.rng.pick(&RESOLVERS);
    let sock = Sys::new(Sc::Socket, &[AF_INET, 2 | 0x800 | 0x80000, 0], 12).mark(mark::DNS_BEGIN);
    q.push_back(Action::Sys(sock));
    q.push_back(Action::Sys(connect(12, 53, resolver)));
    let send = Sys::new(Sc::Sendto, &[12, 0x7ffe_2a10_9e00, 36, 0, 0, 0], 36)
        .xmit(78)
        .io(FdKind::Net, true);
    q.push_back(Action::Sys(send));
    let fdset = (2u64 << 56) | (1 << 12);
    let select = |ret| Sys::new(Sc::Select, &[13, 0, 0x7ffe_2a10_9f00, fdset, 0, 0], ret);
    if resolver == DEAD_RESOLVER {
        let s = select(0)
            .out(&[0, 0x7ffe_2a10_9f00, 2 << 56, 0, 0])
            .block(Block::Sleep(DNS_TIMEOUT_NS));
        q.push_back(Action::Sys(s));
    } else {
        let delay = cx.rng.range(500_000, 8_000_000);
        let s = select(1)
            .out(&[0, 0x7ffe_2a10_9f00, fdset, 0, 0])
            .block(Block::Net { delay, len: 120 });
        q.push_back(Action::Sys(s));
        let recv = Sys::new(Sc::Recvfrom, &[12, 512, 0, 0x7ffe_2a10_9e80], 84)
            .out(&[0x7ffe_2a10_9e00, 0x7ffe_2a10_9e90, 0x7ffe_2a10_9e80])
            .io(FdKind::Net, false);
        q.push_back(Action::Sys(recv));
    }
    q.push_back(Action::Sys(close(12).mark(mark::DNS_END)));
}

/// Connects to MariaDB and runs a few queries, each answered by the worker's mysqld thread.
fn plan_db(q: &mut VecDeque<Action>, cx: &mut Cx<'_>, db_tid: u32) {
    let sock = Sys::new(Sc::Socket, &[AF_INET, 1 | 0x80000, 6], 13).mark(mark::DB_BEGIN);
    q.push_back(Action::Sys(sock));
    q.push_back(Action::Sys(connect(13, 3306, common::ip(127, 0, 0, 1))));
    for _ in 0..cx.rng.range(4, 12) {
        let len = cx.rng.range(60, 400);
        let send = Sys::new(
            Sc::Sendto,
            &[13, 0x55d0_6000_1000, len, 0x4000, 0, 0],
            len as i64,
        )
        .wake(db_tid)
        .io(FdKind::Net, true);
        q.push_back(Action::Sys(send));
        let resp = cx.rng.range(100, 8_000) as i64;
        let recv = Sys::new(Sc::Recvfrom, &[13, 16_384, 0, 0], resp)
            .out(&[0x55d0_6000_8000, 0, 0])
            .block(Block::Wait)
            .io(FdKind::Net, false);
        q.push_back(Action::Sys(recv));
        q.push_back(Action::Compute(cx.rng.range(30_000, 200_000)));
    }
    q.push_back(Action::Sys(close(13).mark(mark::DB_END)));
}

fn add_mysqld(e: &mut Engine) {
    let fds = vec![
        (0, "/dev/null".to_string(), 0o2),
        (3, "/var/lib/mysql/ibdata1".to_string(), 0o2_000_002),
        (
            21,
            "/var/lib/mysql/wordpress/wp_posts.ibd".to_string(),
            0o2_000_002,
        ),
        (22, "/var/lib/mysql/ib_logfile0".to_string(), 0o2_010_002),
        (24, "socket:[22051]".to_string(), 0o2_004_002),
        // The connection the apache workers' queries arrive on.
        (30, "socket:[22107]".to_string(), 0o2_004_002),
    ];
    e.add_process(MYSQLD_PID, 1, fds);
    let spec = |tid: u32, wake: u64| ThreadSpec {
        pid: MYSQLD_PID,
        ..proc_spec(tid, 1, "mysqld", wake)
    };
    e.add_thread(
        &spec(MYSQLD_PID, u64::MAX / 4),
        Box::new(Script(|_: &mut Cx<'_>| Action::Compute(1))),
    );
    let mut step = 0u32;
    let innodb = Script(move |cx: &mut Cx<'_>| {
        step = (step + 1) % 3;
        match step {
            1 => Action::Sys(common::sleep(1_000_000_000)),
            2 => {
                let n = 4096 * cx.rng.range(4, 16);
                Action::Sys(
                    Sys::new(Sc::Pwrite64, &[22, 0x7f2a_1000_0000, n, 0], n as i64)
                        .io(FdKind::Disk, true),
                )
            }
            _ => {
                let req = DiskReq {
                    disk: DISK,
                    write: true,
                    bytes: 65_536,
                    count: 1,
                };
                Action::Sys(Sys::new(Sc::Fsync, &[22], 0).block(Block::Disk(req)))
            }
        }
    });
    e.add_thread(&spec(MYSQLD_PID + 1, 300_000_000), Box::new(innodb));
    for i in 0..WORKERS {
        e.add_thread(
            &spec(DB_TID + i, 2_000_000 + u64::from(i) * 100_000),
            Box::new(Script(db_conn(WORKER_TID + i))),
        );
    }
}

/// A mysqld connection thread answering its worker's queries.
fn db_conn(worker: u32) -> impl FnMut(&mut Cx<'_>) -> Action + Send {
    let mut step = 0u32;
    move |cx| {
        step = (step + 1) % 4;
        match step {
            1 => {
                let len = cx.rng.range(60, 400) as i64;
                let sys = Sys::new(Sc::Recvfrom, &[30, 16_384, 0x40, 0], len)
                    .out(&[0x7f2a_2000_0000, 0, 0])
                    .block(Block::Wait)
                    .io(FdKind::Net, false);
                Action::Sys(sys)
            }
            2 => Action::Compute(cx.rng.range(50_000, 300_000)),
            3 if cx.rng.chance(0.15) => {
                let req = DiskReq {
                    disk: DISK,
                    write: false,
                    bytes: 16_384,
                    count: 1,
                };
                let pos = cx.rng.below(1 << 20) * 16_384;
                let sys = Sys::new(Sc::Pread64, &[21, 16_384, pos], 16_384)
                    .out(&[0x7f2a_2100_0000])
                    .block(Block::Disk(req))
                    .io(FdKind::Disk, false);
                Action::Sys(sys)
            }
            3 => Action::Compute(cx.rng.range(20_000, 100_000)),
            _ => {
                let len = cx.rng.range(100, 8_000);
                let sys = Sys::new(
                    Sc::Sendto,
                    &[30, 0x7f2a_2200_0000, len, 0x4000, 0, 0],
                    len as i64,
                )
                .wake(worker)
                .io(FdKind::Net, true);
                Action::Sys(sys)
            }
        }
    }
}

fn add_cron_xz(e: &mut Engine, w: Windows) {
    e.add_process(700, 1, vec![(0, "/dev/null".to_string(), 0o2)]);
    let mut step = 0u32;
    let cron = Script(move |_: &mut Cx<'_>| {
        step += 1;
        match step {
            1 => Action::Spawn(Spawn {
                behavior: Box::new(Script(xz(w.xz.1))),
                new_process: true,
                affinity: Some(XZ_CPU),
                prio: Some(15),
            }),
            _ => Action::Sys(common::sleep(3_600_000_000_000)),
        }
    });
    e.add_thread(&proc_spec(700, 1, "cron", w.xz.0), Box::new(cron));
}

/// `xz` compressing a log until `until` (relative to the begin): CPU bound.
fn xz(until: u64) -> impl FnMut(&mut Cx<'_>) -> Action + Send {
    let mut step = 0u32;
    move |cx| {
        step += 1;
        if step == 1 {
            return Action::Exec {
                filename: Arc::from("/usr/bin/xz"),
                comm: "xz",
            };
        }
        if step == 2 {
            return Action::Sys(common::openat(&Arc::from("/var/log/syslog.1"), 3));
        }
        if step == 3 {
            return Action::Sys(common::openat_write(&Arc::from("/var/log/syslog.1.xz"), 4));
        }
        if cx.now - cx.begin >= until {
            return Action::Exit;
        }
        match step % 3 {
            0 => Action::Sys(read(3, 131_072, 131_072, FdKind::Disk).kernel(30_000, 5_000)),
            1 => Action::Compute(cx.rng.range(30_000_000, 50_000_000)),
            _ => Action::Sys(
                common::write(4, 32_768, FdKind::Disk)
                    .kernel(12_000, 2_000)
                    .pages(4),
            ),
        }
    }
}

fn add_my_service(e: &mut Engine, w: Windows) {
    e.add_process(
        1700,
        1,
        vec![
            (0, "/dev/null".to_string(), 0o2),
            (3, "/etc/my_service.conf".to_string(), 0),
        ],
    );
    let mut step = 0u32;
    let svc = Script(move |cx: &mut Cx<'_>| {
        step += 1;
        let rel = cx.now - cx.begin;
        if rel >= w.core.0 {
            return match step % 40 {
                0 => Action::Crash,
                _ => Action::Kernel {
                    work_ns: 50_000,
                    block: Block::None,
                    pages: 8,
                },
            };
        }
        match step % 2 {
            0 => Action::Sys(common::sleep((w.core.0 - rel).min(1_000_000_000))),
            _ => Action::Compute(cx.rng.range(100_000, 400_000)),
        }
    });
    e.add_thread(
        &proc_spec(1700, 1, "my_service", 200_000_000),
        Box::new(svc),
    );
    let spec = common::kthread_spec(120, "kworker/u8:2", None, 1_000);
    e.add_process(120, 2, Vec::new());
    let wb = common::writeback(w.core.0 + 30_000_000, 32, 16, 1 << 20);
    e.add_thread(&spec, Box::new(Script(wb)));
}
