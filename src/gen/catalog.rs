//! The event classes the generator writes, named and laid out as lttng-modules 2.13 does on
//! x86-64 (kernel-model.md §2), and their ids.
//!
//! Ids follow the order of [`CLASSES`]: the statedump events and the entries of the most common
//! system calls come first, so they get ids 0–30 and the compact header's fast path, while
//! scheduler, IRQ events and syscall exits use the extended header — the same mix a real
//! `lttng enable-event -k --all` session produces (see `many-threads`).

use crate::ctf::writer::{EventClassDesc, FieldDesc, FieldType};

use FieldType::{
    BeHex32, BeU16, Comm, Enum, FdSet, Hex32, Hex64, I32, I64, Oct32, Str, U8, U16, U32, U64,
    V4Seq, V6Seq, Vtids,
};

const fn f(name: &'static str, ty: FieldType) -> FieldDesc {
    FieldDesc { name, ty }
}

/// An event class of the catalogue (index into [`CLASSES`], equal to its event id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ev(pub u32);

macro_rules! classes {
    ($($konst:ident = $name:literal [$($fname:literal : $fty:expr),* $(,)?];)*) => {
        /// All event classes in id order.
        pub const CLASS_LIST: &[(&str, &[FieldDesc])] = &[
            $(($name, &[$(f($fname, $fty)),*]),)*
        ];
        classes!(@ids 0u32; $($konst)*);
    };
    (@ids $n:expr; $konst:ident $($rest:ident)*) => {
        #[doc = concat!("Event class `", stringify!($konst), "`.")]
        pub const $konst: Ev = Ev($n);
        classes!(@ids $n + 1; $($rest)*);
    };
    (@ids $n:expr;) => {};
}

const THREAD_TYPE: &[(&str, i32)] = &[("USER_THREAD", 0), ("KERNEL_THREAD", 1)];
const EXEC_MODE: &[(&str, i32)] = &[
    ("USER_MODE", 0),
    ("SYSCALL", 1),
    ("TRAP", 2),
    ("IRQ", 3),
    ("SOFTIRQ", 4),
    ("MODE_UNKNOWN", 5),
];
const SUBMODE: &[(&str, i32)] = &[("NONE", 0), ("UNKNOWN", 1)];
const STATUS: &[(&str, i32)] = &[
    ("UNNAMED", 0),
    ("WAIT_FORK", 1),
    ("WAIT_CPU", 2),
    ("EXIT", 3),
    ("ZOMBIE", 4),
    ("WAIT", 5),
    ("RUN", 6),
    ("DEAD", 7),
];

classes! {
    STATEDUMP_START = "lttng_statedump_start" [];
    STATEDUMP_END = "lttng_statedump_end" [];
    STATEDUMP_PROCESS_STATE = "lttng_statedump_process_state" [
        "tid": I32, "pid": I32, "ppid": I32, "name": Comm, "type": Enum(THREAD_TYPE),
        "mode": Enum(EXEC_MODE), "submode": Enum(SUBMODE), "status": Enum(STATUS), "cpu": U32,
        "file_table_address": Hex64,
    ];
    STATEDUMP_PID_NS = "lttng_statedump_process_pid_ns" [
        "tid": I32, "vtid": I32, "vpid": I32, "vppid": I32, "ns_level": I32, "ns_inum": U32,
    ];
    STATEDUMP_FD = "lttng_statedump_file_descriptor" [
        "file_table_address": Hex64, "fd": I32, "flags": Oct32, "fmode": Hex32, "filename": Str,
    ];
    STATEDUMP_BLOCK_DEVICE = "lttng_statedump_block_device" ["dev": U32, "diskname": Str];
    STATEDUMP_INTERRUPT = "lttng_statedump_interrupt" ["irq": U32, "name": Str, "action": Str];
    STATEDUMP_NET_IF = "lttng_statedump_network_interface" ["name": Str, "address_ipv4": BeHex32];
    STATEDUMP_CPU_TOPOLOGY = "lttng_statedump_cpu_topology" [
        "architecture": Str, "cpu_id": U64, "vendor": Str, "family": U64, "model": U64,
        "model_name": Str, "physical_id": U64, "core_id": U64, "cores": U64,
    ];
    // Syscall entries, in [`Sc`] order (the first 22 get compact ids).
    E_READ = "syscall_entry_read" ["fd": U32, "count": U64];
    E_WRITE = "syscall_entry_write" ["fd": U32, "buf": Hex64, "count": U64];
    E_WRITEV = "syscall_entry_writev" ["fd": U64, "vec": Hex64, "vlen": U64];
    E_OPENAT = "syscall_entry_openat" ["dfd": I32, "filename": Str, "flags": I32, "mode": U16];
    E_NEWSTAT = "syscall_entry_newstat" ["filename": Str];
    E_NEWFSTAT = "syscall_entry_newfstat" ["fd": U32];
    E_CLOSE = "syscall_entry_close" ["fd": U32];
    E_SOCKET = "syscall_entry_socket" ["family": I32, "type": I32, "protocol": I32];
    E_CONNECT = "syscall_entry_connect" [
        "fd": I32, "uservaddr": Hex64, "addrlen": I32, "family": I32, "dport": BeU16,
        "v4addr": V4Seq, "v6addr": V6Seq,
    ];
    E_ACCEPT4 = "syscall_entry_accept4" ["fd": I32, "upeer_addrlen": I32, "flags": I32];
    E_SENDTO = "syscall_entry_sendto" [
        "fd": I32, "buff": Hex64, "len": U64, "flags": U32, "addr": Hex64, "addr_len": I32,
    ];
    E_RECVFROM = "syscall_entry_recvfrom" ["fd": I32, "size": U64, "flags": U32, "addr_len": Hex64];
    E_SELECT = "syscall_entry_select" [
        "n": I32, "overflow": U8, "tvp": Hex64, "readfds": FdSet, "writefds": FdSet,
        "exceptfds": FdSet,
    ];
    E_EPOLL_WAIT = "syscall_entry_epoll_wait" ["epfd": I32, "events": Hex64, "maxevents": I32, "timeout": I32];
    E_FUTEX = "syscall_entry_futex" [
        "uaddr": Hex64, "op": I32, "val": U32, "utime": Hex64, "uaddr2": Hex64, "val3": U32,
    ];
    E_MMAP = "syscall_entry_mmap" [
        "addr": Hex64, "len": U64, "prot": I32, "flags": I32, "fd": I32, "off": U64,
    ];
    E_MUNMAP = "syscall_entry_munmap" ["addr": Hex64, "len": U64];
    E_PREAD64 = "syscall_entry_pread64" ["fd": U32, "count": U64, "pos": I64];
    E_PWRITE64 = "syscall_entry_pwrite64" ["fd": U32, "buf": Hex64, "count": U64, "pos": I64];
    E_IOCTL = "syscall_entry_ioctl" ["fd": U32, "cmd": U32, "arg": U64];
    E_LSEEK = "syscall_entry_lseek" ["fd": U32, "offset": I64, "whence": U32];
    E_FSYNC = "syscall_entry_fsync" ["fd": U32];
    E_CLOCK_NANOSLEEP = "syscall_entry_clock_nanosleep" ["which_clock": I32, "flags": I32, "rqtp": Hex64];
    E_CLONE = "syscall_entry_clone" [
        "clone_flags": Hex64, "newsp": Hex64, "parent_tid": Hex64, "child_tid": Hex64,
    ];
    E_EXECVE = "syscall_entry_execve" ["filename": Str, "argv": Hex64, "envp": Hex64];
    E_WAIT4 = "syscall_entry_wait4" ["upid": I32, "options": I32, "ru": Hex64];
    E_EXIT_GROUP = "syscall_entry_exit_group" ["error_code": I32];
    E_RT_SIGPROCMASK = "syscall_entry_rt_sigprocmask" ["how": I32, "nset": Hex64, "sigsetsize": U64];
    E_BRK = "syscall_entry_brk" ["brk": Hex64];
    E_GETPID = "syscall_entry_getpid" [];
    E_SPLICE = "syscall_entry_splice" [
        "fd_in": I32, "off_in": Hex64, "fd_out": I32, "off_out": Hex64, "len": U64, "flags": U32,
    ];
    // Syscall exits, same order.
    X_READ = "syscall_exit_read" ["ret": I64, "buf": Hex64];
    X_WRITE = "syscall_exit_write" ["ret": I64];
    X_WRITEV = "syscall_exit_writev" ["ret": I64, "vec": Hex64];
    X_OPENAT = "syscall_exit_openat" ["ret": I64];
    X_NEWSTAT = "syscall_exit_newstat" ["ret": I64, "statbuf": Hex64];
    X_NEWFSTAT = "syscall_exit_newfstat" ["ret": I64, "statbuf": Hex64];
    X_CLOSE = "syscall_exit_close" ["ret": I64];
    X_SOCKET = "syscall_exit_socket" ["ret": I64];
    X_CONNECT = "syscall_exit_connect" ["ret": I64];
    X_ACCEPT4 = "syscall_exit_accept4" [
        "ret": I64, "family": I32, "sport": BeU16, "v4addr": V4Seq, "v6addr": V6Seq,
    ];
    X_SENDTO = "syscall_exit_sendto" ["ret": I64];
    X_RECVFROM = "syscall_exit_recvfrom" ["ret": I64, "ubuf": Hex64, "addr": Hex64, "addr_len": Hex64];
    X_SELECT = "syscall_exit_select" [
        "ret": I64, "overflow": U8, "tvp": Hex64, "readfds": FdSet, "writefds": FdSet,
        "exceptfds": FdSet,
    ];
    X_EPOLL_WAIT = "syscall_exit_epoll_wait" ["ret": I64, "events": Hex64];
    X_FUTEX = "syscall_exit_futex" ["ret": I64, "uaddr": Hex64, "uaddr2": Hex64];
    X_MMAP = "syscall_exit_mmap" ["ret": Hex64];
    X_MUNMAP = "syscall_exit_munmap" ["ret": I64];
    X_PREAD64 = "syscall_exit_pread64" ["ret": I64, "buf": Hex64];
    X_PWRITE64 = "syscall_exit_pwrite64" ["ret": I64];
    X_IOCTL = "syscall_exit_ioctl" ["ret": I64];
    X_LSEEK = "syscall_exit_lseek" ["ret": I64];
    X_FSYNC = "syscall_exit_fsync" ["ret": I64];
    X_CLOCK_NANOSLEEP = "syscall_exit_clock_nanosleep" ["ret": I64, "rmtp": Hex64];
    X_CLONE = "syscall_exit_clone" ["ret": I64];
    X_EXECVE = "syscall_exit_execve" ["ret": I64];
    X_WAIT4 = "syscall_exit_wait4" ["ret": I64, "stat_addr": Hex64, "ru": Hex64];
    X_EXIT_GROUP = "syscall_exit_exit_group" ["ret": I64];
    X_RT_SIGPROCMASK = "syscall_exit_rt_sigprocmask" ["ret": I64, "oset": Hex64];
    X_BRK = "syscall_exit_brk" ["ret": Hex64];
    X_GETPID = "syscall_exit_getpid" ["ret": I64];
    X_SPLICE = "syscall_exit_splice" ["ret": I64];
    // Tracepoints.
    SCHED_SWITCH = "sched_switch" [
        "prev_comm": Comm, "prev_tid": I32, "prev_prio": I32, "prev_state": I64,
        "next_comm": Comm, "next_tid": I32, "next_prio": I32,
    ];
    SCHED_WAKING = "sched_waking" ["comm": Comm, "tid": I32, "prio": I32, "target_cpu": I32];
    SCHED_WAKEUP = "sched_wakeup" ["comm": Comm, "tid": I32, "prio": I32, "target_cpu": I32];
    SCHED_WAKEUP_NEW = "sched_wakeup_new" ["comm": Comm, "tid": I32, "prio": I32, "target_cpu": I32];
    SCHED_MIGRATE_TASK = "sched_migrate_task" [
        "comm": Comm, "tid": I32, "prio": I32, "orig_cpu": I32, "dest_cpu": I32,
    ];
    SCHED_PROCESS_FORK = "sched_process_fork" [
        "parent_comm": Comm, "parent_tid": I32, "parent_pid": I32, "parent_ns_inum": U32,
        "child_comm": Comm, "child_tid": I32, "vtids": Vtids, "child_pid": I32,
        "child_ns_inum": U32,
    ];
    SCHED_PROCESS_EXEC = "sched_process_exec" ["filename": Str, "tid": I32, "old_tid": I32];
    SCHED_PROCESS_EXIT = "sched_process_exit" ["comm": Comm, "tid": I32, "prio": I32];
    SCHED_PROCESS_FREE = "sched_process_free" ["comm": Comm, "tid": I32, "prio": I32];
    SCHED_PROCESS_WAIT = "sched_process_wait" ["comm": Comm, "tid": I32, "prio": I32];
    IRQ_HANDLER_ENTRY = "irq_handler_entry" ["irq": I32, "name": Str];
    IRQ_HANDLER_EXIT = "irq_handler_exit" ["irq": I32, "ret": I32];
    SOFTIRQ_ENTRY = "irq_softirq_entry" ["vec": U32];
    SOFTIRQ_EXIT = "irq_softirq_exit" ["vec": U32];
    SOFTIRQ_RAISE = "irq_softirq_raise" ["vec": U32];
    HRTIMER_START = "timer_hrtimer_start" [
        "hrtimer": Hex64, "function": Hex64, "expires": I64, "softexpires": I64, "mode": U32,
    ];
    HRTIMER_CANCEL = "timer_hrtimer_cancel" ["hrtimer": Hex64];
    HRTIMER_EXPIRE_ENTRY = "timer_hrtimer_expire_entry" ["hrtimer": Hex64, "now": I64, "function": Hex64];
    HRTIMER_EXPIRE_EXIT = "timer_hrtimer_expire_exit" ["hrtimer": Hex64];
    TIMER_START = "timer_start" [
        "timer": Hex64, "function": Hex64, "expires": U64, "now": U64, "flags": U32,
    ];
    TIMER_CANCEL = "timer_cancel" ["timer": Hex64];
    TIMER_EXPIRE_ENTRY = "timer_expire_entry" ["timer": Hex64, "now": U64, "function": Hex64];
    TIMER_EXPIRE_EXIT = "timer_expire_exit" ["timer": Hex64];
    BLOCK_RQ_INSERT = "block_rq_insert" [
        "dev": U32, "sector": U64, "nr_sector": U32, "bytes": U32, "tid": I32, "rwbs": U32,
        "comm": Comm,
    ];
    BLOCK_RQ_ISSUE = "block_rq_issue" [
        "dev": U32, "sector": U64, "nr_sector": U32, "bytes": U32, "tid": I32, "rwbs": U32,
        "comm": Comm,
    ];
    BLOCK_RQ_COMPLETE = "block_rq_complete" [
        "dev": U32, "sector": U64, "nr_sector": U32, "error": I32, "rwbs": U32,
    ];
    NET_DEV_XMIT = "net_dev_xmit" ["skbaddr": Hex64, "rc": I32, "len": U32, "name": Str];
    NET_IF_RECEIVE_SKB = "net_if_receive_skb" ["skbaddr": Hex64, "len": U32, "name": Str];
    KMEM_PAGE_ALLOC = "kmem_mm_page_alloc" [
        "page": Hex64, "pfn": U64, "order": U32, "gfp_flags": U32, "migratetype": I32,
    ];
    KMEM_PAGE_FREE = "kmem_mm_page_free" ["page": Hex64, "pfn": U64, "order": U32];
}

/// Number of event classes.
pub const CLASS_COUNT: usize = CLASS_LIST.len();

/// Descriptions for the metadata writer.
pub fn classes() -> Vec<EventClassDesc> {
    CLASS_LIST
        .iter()
        .enumerate()
        .map(|(i, (name, fields))| EventClassDesc {
            id: i as u32,
            name,
            fields,
        })
        .collect()
}

/// Field list of an event class.
pub fn fields(ev: Ev) -> &'static [FieldDesc] {
    CLASS_LIST.get(ev.0 as usize).map_or(&[], |c| c.1)
}

/// Name of an event class.
pub fn name(ev: Ev) -> &'static str {
    CLASS_LIST.get(ev.0 as usize).map_or("?", |c| c.0)
}

/// The system calls the generator uses, in entry/exit id order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)]
pub enum Sc {
    Read,
    Write,
    Writev,
    Openat,
    Newstat,
    Newfstat,
    Close,
    Socket,
    Connect,
    Accept4,
    Sendto,
    Recvfrom,
    Select,
    EpollWait,
    Futex,
    Mmap,
    Munmap,
    Pread64,
    Pwrite64,
    Ioctl,
    Lseek,
    Fsync,
    ClockNanosleep,
    Clone,
    Execve,
    Wait4,
    ExitGroup,
    RtSigprocmask,
    Brk,
    Getpid,
    Splice,
}

/// Number of syscalls in [`Sc`].
pub const SC_COUNT: u32 = Sc::Splice as u32 + 1;

impl Sc {
    /// Every syscall, in id order.
    pub const ALL: [Sc; SC_COUNT as usize] = {
        use Sc::*;
        [
            Read,
            Write,
            Writev,
            Openat,
            Newstat,
            Newfstat,
            Close,
            Socket,
            Connect,
            Accept4,
            Sendto,
            Recvfrom,
            Select,
            EpollWait,
            Futex,
            Mmap,
            Munmap,
            Pread64,
            Pwrite64,
            Ioctl,
            Lseek,
            Fsync,
            ClockNanosleep,
            Clone,
            Execve,
            Wait4,
            ExitGroup,
            RtSigprocmask,
            Brk,
            Getpid,
            Splice,
        ]
    };

    /// Entry event class.
    pub fn entry(self) -> Ev {
        Ev(E_READ.0 + self as u32)
    }
    /// Exit event class.
    pub fn exit(self) -> Ev {
        Ev(X_READ.0 + self as u32)
    }
    /// Syscall name (event name minus its prefix).
    pub fn name(self) -> &'static str {
        name(self.entry()).trim_start_matches("syscall_entry_")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syscall_ids_line_up() {
        assert_eq!(X_READ.0, E_READ.0 + SC_COUNT);
        assert_eq!(SCHED_SWITCH.0, X_READ.0 + SC_COUNT);
        assert_eq!(name(Sc::Splice.exit()), "syscall_exit_splice");
        assert_eq!(Sc::Select.name(), "select");
        assert!(Sc::Write.entry().0 < 31 && Sc::Socket.entry().0 < 31);
    }
}
