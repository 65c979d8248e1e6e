//! What to do with each event class, decided once per class (never per event): the
//! canonical kind of the event, whatever lttng-modules version named it, and the positions of
//! the members the state machine reads.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::fields::{Slot, resolve};
use super::intern::{Interner, StrId};
use super::syscall::{Effect, effect};
use crate::ctf::ir::{EventClass, FieldType, StreamClass};

/// Canonical event kinds (kernel-model.md §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Not used by the model.
    Ignore,
    SchedSwitch,
    /// `sched_waking`.
    Waking,
    /// `sched_wakeup`, `sched_wakeup_new`.
    Wakeup,
    Migrate,
    Fork,
    Exec,
    ProcessExit,
    ProcessFree,
    /// A syscall entry with its canonical name.
    SysEntry(StrId),
    /// A syscall exit; `None` for the 2.0–2.5 `exit_syscall` that does not say which.
    SysExit(Option<StrId>),
    IrqEntry,
    IrqExit,
    SoftirqEntry,
    SoftirqExit,
    SoftirqRaise,
    /// `mm_page_alloc` (`kmem_mm_page_alloc` before 2.7).
    PageAlloc,
    /// `mm_page_free` (`kmem_mm_page_free`).
    PageFree,
    BlockIssue,
    BlockComplete,
    NetXmit,
    NetRecv,
    DumpProcess,
    DumpFd,
    DumpBlockDevice,
    DumpInterrupt,
}

/// Member names read per kind, in slot order (the first name found wins per slot).
pub(super) fn wanted(kind: Kind) -> &'static [&'static [&'static str]] {
    match kind {
        Kind::SchedSwitch => &[
            &["prev_comm"],
            &["prev_tid"],
            &["prev_state"],
            &["next_comm"],
            &["next_tid"],
        ],
        Kind::Waking | Kind::Wakeup => &[&["comm"], &["tid"], &["target_cpu"]],
        Kind::Migrate => &[&["comm"], &["tid"], &["dest_cpu"]],
        Kind::Fork => &[
            &["parent_tid"],
            &["parent_pid"],
            &["child_comm"],
            &["child_tid"],
            &["child_pid"],
        ],
        Kind::Exec => &[&["filename"], &["tid", "pid"]],
        Kind::ProcessExit | Kind::ProcessFree => &[&["comm"], &["tid"]],
        Kind::SysEntry(_) => &[
            // `readfds` last: `select` has no `fd`, and its set resolves when it holds one fd.
            &["fd", "fd_in", "in_fd", "oldfd", "fildes", "readfds"],
            &["fd_out", "out_fd", "newfd"],
            &["filename", "pathname"],
            &["cmd"],
            &["family"],
            &["dport"],
            &["v4addr"],
            &["flags"],
        ],
        Kind::SysExit(_) => &[&["ret"], &["fildes"], &["family"], &["sport"], &["v4addr"]],
        Kind::IrqEntry => &[&["irq"], &["name"]],
        Kind::IrqExit => &[&["irq"]],
        Kind::SoftirqEntry | Kind::SoftirqExit | Kind::SoftirqRaise => &[&["vec"]],
        // Only the instant and the CPU count (memtop charges the page to the current thread).
        Kind::PageAlloc | Kind::PageFree => &[],
        Kind::BlockIssue => &[&["dev"], &["sector"], &["nr_sector"], &["rwbs"], &["tid"]],
        Kind::BlockComplete => &[&["dev"], &["sector"], &["nr_sector"]],
        Kind::NetXmit | Kind::NetRecv => &[&["len"], &["name"]],
        Kind::DumpProcess => &[
            &["tid"],
            &["pid"],
            &["ppid"],
            &["name"],
            &["type"],
            &["status"],
            &["file_table_address"],
        ],
        Kind::DumpFd => &[
            &["pid", "file_table_address"],
            &["fd"],
            &["filename"],
            &["flags"],
        ],
        Kind::DumpBlockDevice => &[&["dev"], &["diskname"]],
        Kind::DumpInterrupt => &[&["irq"], &["action"]],
        Kind::Ignore => &[],
    }
}

/// Names of the thread id context, first found wins.
pub(super) const TID_CONTEXT: &[&str] = &["tid", "vtid"];
/// Names of the process id context.
pub(super) const PID_CONTEXT: &[&str] = &["pid", "vpid"];

/// Most slots any kind needs.
pub const MAX_SLOTS: usize = 8;

/// Everything the state machine needs to know about one event class.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// What the event means.
    pub kind: Kind,
    /// Payload members, in the order [`wanted`] lists them.
    pub slots: [Slot; MAX_SLOTS],
    /// `cpu_id` in the packet context.
    pub cpu_id: Slot,
    /// `tid` context (stream event context, then event context).
    pub ctx_tid: (Slot, Slot),
    /// `pid` context.
    pub ctx_pid: (Slot, Slot),
    /// Whether the fd statedump is keyed by `file_table_address` (2.12+).
    pub by_table: bool,
    /// What a syscall entry's call does to fds and byte counts.
    pub effect: Effect,
}

/// Entry prefixes of both generations; the canonical name drops the prefix, so 32-bit
/// (compat) calls share their 64-bit counterpart's name.
const ENTRY_PREFIXES: [&str; 4] = [
    "compat_syscall_entry_",
    "syscall_entry_",
    "compat_sys_",
    "sys_",
];

/// The canonical kind of an event name (both naming generations).
pub fn classify(name: &str, strings: &mut Interner) -> Kind {
    let simple = match name {
        "sched_switch" => Kind::SchedSwitch,
        "sched_waking" => Kind::Waking,
        "sched_wakeup" | "sched_wakeup_new" => Kind::Wakeup,
        "sched_migrate_task" => Kind::Migrate,
        "sched_process_fork" => Kind::Fork,
        "sched_process_exec" => Kind::Exec,
        "sched_process_exit" => Kind::ProcessExit,
        "sched_process_free" => Kind::ProcessFree,
        "exit_syscall" => Kind::SysExit(None),
        "irq_handler_entry" => Kind::IrqEntry,
        "irq_handler_exit" => Kind::IrqExit,
        "irq_softirq_entry" | "softirq_entry" => Kind::SoftirqEntry,
        "irq_softirq_exit" | "softirq_exit" => Kind::SoftirqExit,
        "irq_softirq_raise" | "softirq_raise" => Kind::SoftirqRaise,
        "mm_page_alloc" | "kmem_mm_page_alloc" => Kind::PageAlloc,
        "mm_page_free" | "kmem_mm_page_free" => Kind::PageFree,
        "block_rq_issue" => Kind::BlockIssue,
        "block_rq_complete" => Kind::BlockComplete,
        "net_dev_xmit" => Kind::NetXmit,
        "net_if_receive_skb" | "netif_receive_skb" => Kind::NetRecv,
        "lttng_statedump_process_state" => Kind::DumpProcess,
        "lttng_statedump_file_descriptor" => Kind::DumpFd,
        "lttng_statedump_block_device" => Kind::DumpBlockDevice,
        "lttng_statedump_interrupt" => Kind::DumpInterrupt,
        _ => Kind::Ignore,
    };
    if simple != Kind::Ignore {
        return simple;
    }
    for exit in ["compat_syscall_exit_", "syscall_exit_"] {
        if let Some(rest) = name.strip_prefix(exit) {
            return Kind::SysExit(Some(strings.intern(rest)));
        }
    }
    for prefix in ENTRY_PREFIXES {
        if let Some(rest) = name.strip_prefix(prefix) {
            return Kind::SysEntry(strings.intern(rest));
        }
    }
    Kind::Ignore
}

impl Plan {
    /// The plan of `class` in `stream`.
    pub fn new(class: &EventClass, stream: &StreamClass, strings: &mut Interner) -> Plan {
        let kind = classify(&class.name, strings);
        let payload = class.payload.as_ref();
        let mut slots = [Slot::Missing; MAX_SLOTS];
        for (slot, names) in slots.iter_mut().zip(wanted(kind)) {
            *slot = resolve(payload, names);
        }
        let by_table = kind == Kind::DumpFd
            && !resolve(payload, &["pid"]).present()
            && resolve(payload, &["file_table_address"]).present();
        let sec = stream.event_context.as_ref();
        let ec = class.context.as_ref();
        Plan {
            kind,
            slots,
            cpu_id: resolve(stream.packet_context.as_ref(), &["cpu_id"]),
            ctx_tid: (resolve(sec, TID_CONTEXT), resolve(ec, TID_CONTEXT)),
            ctx_pid: (resolve(sec, PID_CONTEXT), resolve(ec, PID_CONTEXT)),
            by_table,
            effect: match kind {
                Kind::SysEntry(n) => effect(strings.get(n)),
                _ => Effect::None,
            },
        }
    }
}

/// A hasher for pointer keys: one multiply, since the keys are already unique addresses.
#[derive(Default)]
pub struct PtrHasher(u64);

impl Hasher for PtrHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8 | u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// Direct-mapped memo entries in front of the map.
const RECENT: usize = 256;

/// Plans by event class address (classes live as long as the session). Plans are a few
/// hundred bytes, so they are handed out by reference: copying one per event was a tenth
/// of the state machine's time.
#[derive(Default)]
pub struct PlanCache {
    map: HashMap<usize, usize, BuildHasherDefault<PtrHasher>>,
    plans: Vec<Plan>,
    /// (class address, plan index) by the class's position in memory: a stream class's
    /// event classes sit side by side in one vector, so up to 256 of them never collide,
    /// and the events of a trace, which alternate between classes, rarely reach the map.
    /// Allocated on first use: an empty cache (what `std::mem::take` leaves) costs nothing.
    recent: Vec<(usize, usize)>,
}

impl PlanCache {
    /// The plan of `class`, computed on first sight. Inlined (once per event, on both
    /// sides); what misses the memo is out of line.
    #[inline(always)]
    pub fn get(
        &mut self,
        class: &EventClass,
        stream: &StreamClass,
        strings: &mut Interner,
    ) -> &Plan {
        let key = class as *const EventClass as usize;
        let slot = (key / std::mem::size_of::<EventClass>()) % RECENT;
        let i = match self.recent.get(slot) {
            Some(&(k, i)) if k == key => i,
            _ => self.miss(key, slot, class, stream, strings),
        };
        &self.plans[i]
    }

    /// The plan index of `class` when the memo does not have it.
    #[cold]
    fn miss(
        &mut self,
        key: usize,
        slot: usize,
        class: &EventClass,
        stream: &StreamClass,
        strings: &mut Interner,
    ) -> usize {
        if self.recent.is_empty() {
            self.recent = vec![(0, 0); RECENT];
        }
        let plans = &mut self.plans;
        let i = *self.map.entry(key).or_insert_with(|| {
            plans.push(Plan::new(class, stream, strings));
            plans.len() - 1
        });
        self.recent[slot] = (key, i);
        i
    }
}

/// Whether a structure scope has a member named `name` (for capability checks).
pub fn has_member(scope: Option<&FieldType>, name: &'static str) -> bool {
    resolve(scope, &[name]).present()
}
