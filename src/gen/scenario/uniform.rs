//! `uniform`: a busy server running a steady mix of the same events, for benchmarks.
//!
//! Per CPU: a database backend (file I/O, occasional disk reads, waits for its producer), a
//! producer that wakes it through futexes, and a network server thread (packets in, replies
//! out). A `make` process forks and execs short-lived compilers. The mix does not change
//! over time, so any prefix of the trace looks like the whole.

use std::sync::Arc;

use super::common::{self, AF_INET, DISK, close, openat, openat_write, proc_spec, read, write};
use crate::r#gen::catalog::Sc;
use crate::r#gen::engine::{
    Action, Block, Cx, DiskReq, Engine, FdKind, Script, Spawn, Sys, ThreadSpec,
};

/// CPUs per engine: `uniform` runs independent engines of this many CPUs in parallel.
pub const GROUP_CPUS: u32 = 2;

/// Builds part `group` of the scenario on `e`, which simulates global CPUs
/// `first_cpu..first_cpu + cpus`. Group 0 also runs the base system.
pub fn setup(e: &mut Engine, group: u32, first_cpu: u32, cpus: u32) {
    common::add_devices(e, 400_000, group);
    common::add_percpu_kthreads(e, first_cpu, cpus);
    if group == 0 {
        common::add_base_system(e);
    }
    let base = group * 10_000;
    let db_fds = vec![
        (0, "/dev/null".to_string(), 0o2),
        (
            5,
            "/var/lib/postgresql/16/main/base/16384/16397".to_string(),
            0o2_000_002,
        ),
        (
            6,
            "/var/lib/postgresql/16/main/pg_wal/000000010000000000000042".to_string(),
            0o2_000_002,
        ),
        (9, "socket:[40211]".to_string(), 0o2_004_002),
    ];
    e.add_process(3000 + base, 1, db_fds.clone());
    e.add_process(
        4000 + base,
        1,
        vec![
            (0, "/dev/null".to_string(), 0o2),
            (3, "/var/log/nginx/access.log".to_string(), 0o2_102_001),
            (8, "socket:[40990]".to_string(), 0o2_004_002),
        ],
    );
    for c in 0..cpus {
        let backend = base + 3001 + c * 2;
        let spec = ThreadSpec {
            pid: base + 3000,
            ..proc_spec(backend, 1, "postgres", 1_000_000 + u64::from(c) * 10_000)
        };
        e.add_thread(&spec, Box::new(Script(backend_mix())));
        let spec = ThreadSpec {
            pid: base + 3000,
            ..proc_spec(
                backend + 1,
                1,
                "postgres",
                1_500_000 + u64::from(c) * 10_000,
            )
        };
        e.add_thread(&spec, Box::new(Script(producer(backend))));
        let spec = ThreadSpec {
            pid: base + 4000,
            ..proc_spec(
                base + 4001 + c,
                1,
                "nginx",
                2_000_000 + u64::from(c) * 10_000,
            )
        };
        e.add_thread(&spec, Box::new(Script(net_server(12 + u64::from(c)))));
    }
    e.add_process(base + 5000, 1, vec![(0, "/dev/null".to_string(), 0o2)]);
    e.add_thread(
        &proc_spec(base + 5000, 1, "make", 5_000_000),
        Box::new(Script(make())),
    );
}

/// A postgres backend: file reads and writes, sometimes from disk, and waits for work.
fn backend_mix() -> impl FnMut(&mut Cx<'_>) -> Action + Send {
    move |cx| {
        let r = cx.rng.below(100);
        let a = match r {
            0..=29 => read(5, 8192, 8192, FdKind::Disk),
            30..=41 => write(6, 512 * cx.rng.range(1, 16), FdKind::Disk),
            42..=51 => return Action::Compute(cx.rng.range(1_000, 40_000)),
            52..=57 | 60..=61 => Sys::new(Sc::Lseek, &[5, cx.rng.below(1 << 30), 0], 0),
            58..=59 => {
                let req = DiskReq {
                    disk: DISK,
                    write: false,
                    bytes: 4096 * cx.rng.range(1, 16),
                    count: 1,
                };
                Sys::new(
                    Sc::Pread64,
                    &[5, req.bytes, cx.rng.below(1 << 30)],
                    req.bytes as i64,
                )
                .out(&[0x7f00_1000_0000])
                .block(Block::Disk(req))
                .io(FdKind::Disk, false)
            }
            62..=64 => Sys::new(Sc::Futex, &[0x7f00_2000_0040, 0x80, 0, 0, 0, 0], 0)
                .out(&[0x7f00_2000_0040, 0])
                .block(Block::Wait),
            65..=75 => Sys::new(
                Sc::Pwrite64,
                &[6, 0x7f00_3000_0000, 8192, cx.rng.below(1 << 24)],
                8192,
            )
            .io(FdKind::Disk, true),
            76..=79 => Sys::new(Sc::Newfstat, &[5], 0).out(&[0x7ffc_0000_1000]),
            80..=83 => Sys::new(Sc::RtSigprocmask, &[0, 0x7ffc_0000_2000, 8], 0).out(&[0]),
            84..=86 => Sys::new(Sc::Getpid, &[], i64::from(cx.pid)),
            87..=89 => Sys::new(
                Sc::Mmap,
                &[0, 1 << 20, 3, 0x22, -1i64 as u64, 0],
                0x7f00_4000_0000,
            )
            .pages(1),
            90..=91 => Sys::new(Sc::Munmap, &[0x7f00_4000_0000, 1 << 20], 0).frees(1),
            92..=93 => Sys::new(Sc::Brk, &[0x55aa_0000_0000], 0x55aa_0000_0000).pages(1),
            94 => Sys::new(Sc::Fsync, &[6], 0).block(Block::Disk(DiskReq {
                disk: DISK,
                write: true,
                bytes: 8192,
                count: 1,
            })),
            _ => return Action::Sys(common::sleep(cx.rng.range(20_000, 400_000))),
        };
        Action::Sys(a)
    }
}

/// Feeds a backend: computes, reads its socket, and wakes the backend with a futex; sleeps
/// a little every few rounds.
fn producer(backend: u32) -> impl FnMut(&mut Cx<'_>) -> Action + Send {
    let mut step = 0u32;
    move |cx| {
        step = (step + 1) % 24;
        match step % 6 {
            1 => Action::Compute(cx.rng.range(2_000, 30_000)),
            2 => Action::Sys(
                Sys::new(Sc::Futex, &[0x7f00_2000_0040, 0x81, 1, 0, 0, 0], 1)
                    .out(&[0x7f00_2000_0040, 0])
                    .wake(backend),
            ),
            3 | 4 => Action::Sys(read(9, 4096, cx.rng.range(64, 4096) as i64, FdKind::Net)),
            5 => Action::Sys(write(6, 512 * cx.rng.range(1, 16), FdKind::Disk)),
            _ if step == 0 => Action::Sys(common::sleep(cx.rng.range(10_000, 200_000))),
            _ => Action::Sys(Sys::new(Sc::Getpid, &[], i64::from(cx.pid))),
        }
    }
}

/// An nginx worker: waits for packets, reads, replies. The workers share one fd table, so
/// each has its own client fd number (`client`): one worker's close must not end another's
/// connection.
fn net_server(client: u64) -> impl FnMut(&mut Cx<'_>) -> Action + Send {
    let mut step = 0u32;
    move |cx| {
        step = (step + 1) % 6;
        let a = match step {
            1 => Sys::new(Sc::Accept4, &[8, 16, 0x80800], client as i64)
                .out(&[
                    AF_INET,
                    cx.rng.range(32_768, 60_999),
                    u64::from(common::ip(203, 0, 113, 7)),
                    0,
                ])
                .block(Block::Net {
                    delay: cx.rng.exp(150_000),
                    len: 74,
                }),
            2 => {
                let n = cx.rng.range(200, 1_400) as i64;
                Sys::new(Sc::Recvfrom, &[client, 16_384, 0, 0], n)
                    .out(&[0x7f10_0000_0000, 0, 0])
                    .io(FdKind::Net, false)
            }
            3 => return Action::Compute(cx.rng.range(5_000, 60_000)),
            4 => {
                let n = cx.rng.range(500, 30_000);
                Sys::new(
                    Sc::Sendto,
                    &[client, 0x7f10_0001_0000, n, 0x4000, 0, 0],
                    n as i64,
                )
                .xmit(n as u32 + 66)
                .io(FdKind::Net, true)
            }
            5 => Sys::new(Sc::Writev, &[3, 0x7f10_0002_0000, 2], 180)
                .out(&[0x7f10_0002_0000])
                .io(FdKind::Disk, true),
            _ => close(client),
        };
        Action::Sys(a)
    }
}

/// `make`: forks a compiler every few ms.
fn make() -> impl FnMut(&mut Cx<'_>) -> Action + Send {
    let mut step = 0u32;
    move |cx| {
        step = (step + 1) % 2;
        if step == 1 {
            return Action::Sys(common::sleep(cx.rng.range(5_000_000, 40_000_000)));
        }
        let work = cx.rng.range(60, 400);
        Action::Spawn(Spawn {
            behavior: Box::new(Script(compiler(work))),
            new_process: true,
            affinity: None,
            prio: None,
        })
    }
}

/// A short-lived compiler: exec, open its source (fd 3) and output (fd 4), read sources,
/// compute, write the assembly, exit.
fn compiler(actions: u64) -> impl FnMut(&mut Cx<'_>) -> Action + Send {
    let mut step = 0u64;
    let src: Arc<str> = Arc::from("/home/build/src/kernel/sched/core.c");
    let out: Arc<str> = Arc::from("/tmp/ccA1b2C3.s");
    move |cx| {
        step += 1;
        match step {
            1 => Action::Exec {
                filename: Arc::from("/usr/lib/gcc/x86_64-linux-gnu/13/cc1"),
                comm: "cc1",
            },
            2 => Action::Sys(openat(&src, 3)),
            3 => Action::Sys(openat_write(&out, 4)),
            s if s >= actions => Action::Exit,
            s => match s % 5 {
                0 => Action::Sys(read(3, 65_536, 65_536, FdKind::Disk)),
                1 | 2 => Action::Compute(cx.rng.range(5_000, 80_000)),
                3 => Action::Sys(
                    Sys::new(Sc::Brk, &[0x5600_0000_0000 + s * 4096], 0x5600_0000_0000).pages(2),
                ),
                _ => Action::Sys(write(4, 4096, FdKind::Disk)),
            },
        }
    }
}
