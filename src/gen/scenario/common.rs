//! The machine every scenario runs on: kernel threads, tracing daemons, sshd, devices, and
//! shorthands for the syscalls behaviours make.

use std::sync::Arc;

use crate::r#gen::catalog::Sc;
use crate::r#gen::engine::{
    Action, Block, Disk, DiskReq, Engine, FdKind, NetIf, Noise, Script, Sys, ThreadSpec,
};

/// `AT_FDCWD`.
pub const AT_FDCWD: u64 = -100i64 as u64;
/// `O_RDONLY | O_CLOEXEC`.
pub const O_RDONLY_CLOEXEC: u64 = 0o2_000_000;
/// `AF_INET`.
pub const AF_INET: u64 = 2;
/// The machine's IPv4 address.
pub const HOST_IP: u32 = 0x0a00_020f; // 10.0.2.15
/// Index of the main disk in the engine.
pub const DISK: usize = 0;

/// Thread spec shorthand: a user process's main thread.
pub fn proc_spec(tid: u32, ppid: u32, comm: &str, first_wake_ns: u64) -> ThreadSpec {
    ThreadSpec {
        tid,
        pid: tid,
        ppid,
        comm: comm.to_string(),
        prio: 20,
        kernel: false,
        affinity: None,
        first_wake_ns,
    }
}

/// A kernel thread (child of kthreadd), optionally pinned.
pub fn kthread_spec(tid: u32, comm: &str, cpu: Option<u32>, first_wake_ns: u64) -> ThreadSpec {
    ThreadSpec {
        tid,
        pid: tid,
        ppid: 2,
        comm: comm.to_string(),
        prio: 20,
        kernel: true,
        affinity: cpu,
        first_wake_ns,
    }
}

/// `read(fd, count)` returning `ret` bytes of `kind`.
pub fn read(fd: u64, count: u64, ret: i64, kind: FdKind) -> Sys {
    Sys::new(Sc::Read, &[fd, count], ret)
        .out(&[0x7ffd_1a2b_3000])
        .io(kind, false)
}

/// `write(fd, count)` writing everything.
pub fn write(fd: u64, count: u64, kind: FdKind) -> Sys {
    Sys::new(Sc::Write, &[fd, 0x55e4_7a10_2000, count], count as i64).io(kind, true)
}

/// `close(fd)`.
pub fn close(fd: u64) -> Sys {
    Sys::new(Sc::Close, &[fd], 0).kernel(400, 300)
}

/// `openat(AT_FDCWD, path, O_RDONLY|O_CLOEXEC)` returning `fd`.
pub fn openat(path: &Arc<str>, fd: i64) -> Sys {
    Sys::new(Sc::Openat, &[AT_FDCWD, O_RDONLY_CLOEXEC, 0], fd)
        .text(path)
        .kernel(2_500, 800)
}

/// `openat(AT_FDCWD, path, O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0644)` returning `fd`.
pub fn openat_write(path: &Arc<str>, fd: i64) -> Sys {
    Sys::new(Sc::Openat, &[AT_FDCWD, 0o2_001_101, 0o644], fd)
        .text(path)
        .kernel(6_000, 1_500)
}

/// `clock_nanosleep(CLOCK_MONOTONIC, 0, ...)` for `ns`.
pub fn sleep(ns: u64) -> Sys {
    Sys::new(Sc::ClockNanosleep, &[1, 0, 0x7ffc_88d0_1e40], 0)
        .block(Block::Sleep(ns))
        .kernel(900, 700)
}

/// `epoll_wait(epfd, ...)` that sleeps `ns` then returns `ret`.
pub fn epoll_wait(epfd: u64, ns: u64, ret: i64) -> Sys {
    Sys::new(
        Sc::EpollWait,
        &[epfd, 0x7f12_3400_0010, 32, ns / 1_000_000],
        ret,
    )
    .out(&[0x7f12_3400_0010])
    .block(Block::Sleep(ns))
}

/// An IPv4 address from dotted parts.
pub const fn ip(a: u8, b: u8, c: u8, d: u8) -> u32 {
    u32::from_be_bytes([a, b, c, d])
}

/// Adds the devices of engine `group`: an NVMe disk (about 400 MB/s) and a queue of the NIC
/// with background traffic.
pub fn add_devices(e: &mut Engine, rx_noise_mean_ns: u64, group: u32) {
    e.add_disk(Disk {
        dev: (259 << 20) | (group * 8),
        name: format!("nvme{group}n1"),
        irq: 47 + group,
        irq_name: format!("nvme{group}q1"),
        base_ns: 60_000,
        ns_per_kib: 2_500,
        busy_until: 0,
        next_sector: 2_048_000,
    });
    e.add_netif(NetIf {
        name: "eth0".into(),
        irq: 36 - group.min(30),
        ipv4: HOST_IP,
        ..NetIf::default()
    });
    e.add_noise(Noise {
        mean_interval_ns: rx_noise_mean_ns,
    });
}

/// Per-CPU kernel threads (ksoftirqd, kworker) of global CPUs `first..first + cpus`, which
/// the engine numbers from 0. TIDs `10 + 4 × cpu` and the next one (below 300: at most 64
/// CPUs).
pub fn add_percpu_kthreads(e: &mut Engine, first: u32, cpus: u32) {
    for local in 0..cpus {
        let c = first + local;
        let tid = 10 + c * 4;
        e.add_process(tid, 2, Vec::new());
        let spec = kthread_spec(tid, &format!("ksoftirqd/{c}"), Some(local), u64::MAX / 4);
        e.add_thread(&spec, Box::new(Script(idle_forever())));
        e.add_process(tid + 1, 2, Vec::new());
        let spec = kthread_spec(
            tid + 1,
            &format!("kworker/{c}:1"),
            Some(local),
            2_000_000 + u64::from(c) * 700_000,
        );
        e.add_thread(
            &spec,
            Box::new(Script(periodic_kwork(
                20_000_000 + u64::from(c) * 3_000_000,
            ))),
        );
    }
}

/// The base system: systemd, kthreadd, rcu_sched, lttng-sessiond (which emits the
/// statedump), lttng-consumerd and sshd. TIDs below 1000.
pub fn add_base_system(e: &mut Engine) {
    e.add_process(
        1,
        0,
        vec![
            (0, "/dev/null".into(), 0o2),
            (3, "anon_inode:[eventpoll]".into(), 0o2_000_002),
            (5, "/proc/1/mountinfo".into(), 0o2_000_000),
        ],
    );
    e.add_thread(
        &proc_spec(1, 0, "systemd", 900_000_000),
        Box::new(Script(systemd())),
    );
    e.add_process(2, 0, Vec::new());
    e.add_thread(
        &kthread_spec(2, "kthreadd", None, u64::MAX / 4),
        Box::new(Script(idle_forever())),
    );
    e.add_process(9, 2, Vec::new());
    e.add_thread(
        &kthread_spec(9, "rcu_sched", None, 3_000_000),
        Box::new(Script(periodic_kwork(12_000_000))),
    );
    add_daemons(e);
}

fn add_daemons(e: &mut Engine) {
    let sessiond_fds = vec![
        (0, "/dev/null".to_string(), 0o2),
        (1, "/var/log/lttng/sessiond.log".to_string(), 0o102_001),
        (3, "/proc/lttng".to_string(), 0o2_000_002),
        (4, "socket:[23817]".to_string(), 0o2_004_002),
    ];
    e.add_process(812, 1, sessiond_fds);
    e.add_thread(
        &proc_spec(812, 1, "lttng-sessiond", 1_000),
        Box::new(Script(sessiond())),
    );
    let consumer_fds = vec![
        (0, "/dev/null".to_string(), 0o2),
        (5, "anon_inode:[lttng_stream]".to_string(), 0o2_000_000),
        (
            9,
            "/root/lttng-traces/auto/kernel/channel0_0".to_string(),
            0o2_100_101,
        ),
    ];
    e.add_process(830, 812, consumer_fds);
    e.add_thread(
        &proc_spec(830, 812, "lttng-consumerd", 150_000_000),
        Box::new(Script(consumerd())),
    );
    let sshd_fds = vec![
        (0, "/dev/null".to_string(), 0o2),
        (3, "socket:[19230]".to_string(), 0o2_004_002),
        (4, "socket:[31517]".to_string(), 0o2_004_002),
        (5, "/dev/ptmx".to_string(), 0o2_004_002),
    ];
    e.add_process(901, 1, sshd_fds);
    e.add_thread(
        &proc_spec(901, 1, "sshd", 40_000_000),
        Box::new(Script(sshd())),
    );
}

fn idle_forever() -> impl FnMut(&mut crate::r#gen::engine::Cx<'_>) -> Action + Send {
    |_| Action::Kernel {
        work_ns: 2_000,
        block: Block::Sleep(3_600_000_000_000),
        pages: 0,
    }
}

/// A kernel thread doing a little work every `period` ns.
pub fn periodic_kwork(
    period: u64,
) -> impl FnMut(&mut crate::r#gen::engine::Cx<'_>) -> Action + Send {
    move |cx| {
        let work = cx.rng.range(3_000, 40_000);
        let sleep = period / 2 + cx.rng.below(period);
        Action::Kernel {
            work_ns: work,
            block: Block::Sleep(sleep),
            pages: u8::from(cx.rng.chance(0.2)),
        }
    }
}

fn systemd() -> impl FnMut(&mut crate::r#gen::engine::Cx<'_>) -> Action + Send {
    let mut step = 0u32;
    move |cx| {
        step = (step + 1) % 3;
        match step {
            1 => Action::Sys(epoll_wait(3, 800_000_000 + cx.rng.below(1_000_000_000), 1)),
            // The epoll set reports a mount change: re-read the mount table.
            2 => Action::Sys(read(5, 4096, 128, FdKind::Disk)),
            _ => Action::Compute(cx.rng.range(20_000, 200_000)),
        }
    }
}

fn sessiond() -> impl FnMut(&mut crate::r#gen::engine::Cx<'_>) -> Action + Send {
    let mut step = 0u32;
    move |cx| {
        step += 1;
        match step {
            1 => Action::Statedump,
            _ if step.is_multiple_of(2) => {
                Action::Sys(epoll_wait(7, 1_000_000_000 + cx.rng.below(500_000_000), 0))
            }
            _ => Action::Compute(cx.rng.range(10_000, 50_000)),
        }
    }
}

fn consumerd() -> impl FnMut(&mut crate::r#gen::engine::Cx<'_>) -> Action + Send {
    let mut step = 0u32;
    move |cx| {
        step = (step + 1) % 5;
        match step {
            1 => Action::Sys(epoll_wait(4, 200_000_000, 1)),
            2 => Action::Sys(Sys::new(Sc::Ioctl, &[5, 0xf605, 0], 0)),
            3 => {
                let len = 262_144;
                // Sub-buffer from the stream's anonymous inode to the trace file.
                Action::Sys(
                    Sys::new(Sc::Splice, &[5, 0, 9, 0, len, 0], len as i64)
                        .kernel(60_000, 5_000)
                        .pages(2)
                        .transfer(FdKind::Other, FdKind::Disk),
                )
            }
            4 => Action::Sys(Sys::new(Sc::Ioctl, &[5, 0xf606, 0], 0)),
            _ => Action::Compute(cx.rng.range(5_000, 30_000)),
        }
    }
}

fn sshd() -> impl FnMut(&mut crate::r#gen::engine::Cx<'_>) -> Action + Send {
    let mut step = 0u32;
    move |cx| {
        step = (step + 1) % 4;
        match step {
            1 => {
                let delay = cx.rng.exp(700_000_000);
                let fds = (1u64 << 56) | 0b0011_0000;
                let sys = Sys::new(Sc::Select, &[6, 0, 0x7ffd_4410_0c40, fds, 0, 0], 1)
                    .out(&[0, 0x7ffd_4410_0c40, (1 << 56) | 0b0001_0000, 0, 0])
                    .block(Block::Net {
                        delay,
                        len: 52 + cx.rng.below(120) as u32,
                    });
                Action::Sys(sys)
            }
            2 => Action::Sys(read(4, 16_384, 36 + cx.rng.below(64) as i64, FdKind::Net)),
            3 => {
                let n = 36 + cx.rng.below(200);
                Action::Sys(write(4, n, FdKind::Net).xmit(n as u32 + 66))
            }
            _ => Action::Compute(cx.rng.range(15_000, 60_000)),
        }
    }
}

/// A kernel writeback thread flushing `batches` batches of `count` × `bytes` writes after
/// sleeping `delay` ns; then periodic small flushes.
pub fn writeback(
    delay: u64,
    batches: u32,
    count: u32,
    bytes: u64,
) -> impl FnMut(&mut crate::r#gen::engine::Cx<'_>) -> Action + Send {
    let mut step = 0u32;
    move |cx| {
        step += 1;
        if step == 1 {
            return Action::Kernel {
                work_ns: 1_000,
                block: Block::Sleep(delay.max(1)),
                pages: 0,
            };
        }
        if step <= batches + 1 {
            let req = DiskReq {
                disk: DISK,
                write: true,
                bytes,
                count,
            };
            return Action::Kernel {
                work_ns: cx.rng.range(20_000, 80_000),
                block: Block::Disk(req),
                pages: 0,
            };
        }
        if step.is_multiple_of(2) {
            Action::Kernel {
                work_ns: 5_000,
                block: Block::Sleep(5_000_000_000),
                pages: 0,
            }
        } else {
            let req = DiskReq {
                disk: DISK,
                write: true,
                bytes: 4096 * cx.rng.range(1, 16),
                count: 1,
            };
            Action::Kernel {
                work_ns: 10_000,
                block: Block::Disk(req),
                pages: 0,
            }
        }
    }
}
