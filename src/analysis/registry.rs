//! Every analysis command: its name, LAMI metadata and the function computing its tables.

use super::common::Options;
use super::table::{Table, TableClass};
use super::{cpu, freq, io, iolat, irq, mem, period, sched, syscalls};
use crate::index::cache::Parts;
use crate::lami::json::Metadata;
use crate::model::Model;

/// The analysis commands of lttng-analyses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// CPU usage per thread and CPU.
    Cputop,
    /// I/O bytes per process, file, disk, interface.
    Iousagetop,
    /// Longest I/O requests.
    Iolatencytop,
    /// I/O latency statistics.
    Iolatencystats,
    /// I/O latency histograms.
    Iolatencyfreq,
    /// Every I/O request.
    Iolog,
    /// Per-thread syscall statistics.
    Syscallstats,
    /// Every wake-up latency.
    Schedlog,
    /// Largest wake-up latencies.
    Schedtop,
    /// Wake-up latency statistics.
    Schedstats,
    /// Wake-up latency histograms.
    Schedfreq,
    /// Every interrupt.
    Irqlog,
    /// Interrupt statistics.
    Irqstats,
    /// Interrupt duration histograms.
    Irqfreq,
    /// Pages allocated/freed per thread.
    Memtop,
    /// Every period instance.
    Periodlog,
    /// Longest period instances.
    Periodtop,
    /// Period statistics.
    Periodstats,
    /// Period duration histograms.
    Periodfreq,
}

use Kind::*;

/// Every command, in the order of the issue.
pub const ALL: [Kind; 19] = [
    Cputop,
    Iousagetop,
    Iolatencytop,
    Iolatencystats,
    Iolatencyfreq,
    Iolog,
    Syscallstats,
    Schedlog,
    Schedtop,
    Schedstats,
    Schedfreq,
    Irqlog,
    Irqstats,
    Irqfreq,
    Memtop,
    Periodlog,
    Periodtop,
    Periodstats,
    Periodfreq,
];

impl Kind {
    /// The subcommand name.
    pub fn name(self) -> &'static str {
        match self {
            Cputop => "cputop",
            Iousagetop => "iousagetop",
            Iolatencytop => "iolatencytop",
            Iolatencystats => "iolatencystats",
            Iolatencyfreq => "iolatencyfreq",
            Iolog => "iolog",
            Syscallstats => "syscallstats",
            Schedlog => "schedlog",
            Schedtop => "schedtop",
            Schedstats => "schedstats",
            Schedfreq => "schedfreq",
            Irqlog => "irqlog",
            Irqstats => "irqstats",
            Irqfreq => "irqfreq",
            Memtop => "memtop",
            Periodlog => "periodlog",
            Periodtop => "periodtop",
            Periodstats => "periodstats",
            Periodfreq => "periodfreq",
        }
    }

    /// Whether `--cpu` means nothing to it: an I/O request is not tied to one CPU (as in
    /// lttng-analyses, which warns that it ignores the option).
    pub fn ignores_cpu(self) -> bool {
        matches!(
            self,
            Iousagetop | Iolatencytop | Iolatencystats | Iolatencyfreq | Iolog
        )
    }

    /// Whether it needs a pass over the events (periods) besides the model.
    pub fn reads_events(self) -> bool {
        matches!(self, Periodlog | Periodtop | Periodstats | Periodfreq)
    }

    /// The optional model lists its tables read (see [`Parts`]): a command run from the
    /// cache loads only these (a command run once per period instance takes the whole
    /// model). syscallstats reads the thread states only to filter by CPU.
    pub fn parts(self, cpu_filter: bool) -> Parts {
        match self {
            Cputop => Parts::STATES,
            Syscallstats if cpu_filter => Parts::SYSCALLS | Parts::STATES,
            Syscallstats => Parts::SYSCALLS,
            Schedlog | Schedtop | Schedstats | Schedfreq => Parts::WAKEUPS | Parts::STATES,
            Irqlog | Irqstats | Irqfreq => Parts::IRQS,
            Iousagetop | Iolatencytop | Iolatencystats | Iolatencyfreq | Iolog => {
                Parts::SYSCALLS | Parts::FDS
            }
            Memtop => Parts::PAGES,
            // Periods come from the events; the model only answers the context fields
            // (`$evt.tid`, `procname`...) from its core: the CPUs' current threads.
            Periodlog | Periodtop | Periodstats | Periodfreq => Parts::NONE,
        }
    }

    /// Title, description and tags.
    fn about(self) -> (&'static str, &'static str, &'static [&'static str]) {
        match self {
            Cputop => (
                "Top CPU usage",
                "Per-TID, per-CPU, and total top CPU usage",
                &["cpu", "top"],
            ),
            Iousagetop => ("I/O usage top", "I/O usage top", &["io", "top"]),
            Iolatencytop => (
                "I/O latency top",
                "Top system call latencies",
                &["io", "latency", "top"],
            ),
            Iolatencystats => (
                "I/O latency statistics",
                "System call and partition latency statistics",
                &["io", "latency", "stats"],
            ),
            Iolatencyfreq => (
                "I/O latency frequency distribution",
                "System call and disk latency histograms",
                &["io", "latency", "freq"],
            ),
            Iolog => (
                "I/O operations log",
                "Every I/O system call",
                &["io", "log"],
            ),
            Syscallstats => (
                "System call statistics",
                "Per-TID system call statistics",
                &["syscall", "stats"],
            ),
            Schedlog => (
                "Scheduling latency log",
                "Every wake-up latency",
                &["sched", "latency", "log"],
            ),
            Schedtop => (
                "Scheduling latency top",
                "Largest wake-up latencies",
                &["sched", "latency", "top"],
            ),
            Schedstats => (
                "Scheduling latency stats",
                "Wake-up latency statistics",
                &["sched", "latency", "stats"],
            ),
            Schedfreq => (
                "Scheduling latency frequency distribution",
                "Wake-up latency histograms",
                &["sched", "latency", "freq"],
            ),
            Irqlog => ("Interrupt log", "Every interrupt", &["irq", "log"]),
            Irqstats => (
                "Hardware and software interrupt statistics",
                "Interrupt duration statistics",
                &["irq", "stats"],
            ),
            Irqfreq => (
                "Interrupt frequency distribution",
                "Interrupt duration histograms",
                &["irq", "freq"],
            ),
            Memtop => (
                "Top memory usage",
                "Per-TID top allocated/freed memory",
                &["memory", "top"],
            ),
            Periodlog => ("Period log", "Every period instance", &["period", "log"]),
            Periodtop => ("Period top", "Longest period instances", &["period", "top"]),
            Periodstats => (
                "Period statistics",
                "Period duration statistics",
                &["period", "stats"],
            ),
            Periodfreq => (
                "Period frequency distribution",
                "Period duration histograms",
                &["period", "freq"],
            ),
        }
    }

    /// Every table class the command may emit.
    pub fn classes(self) -> Vec<TableClass> {
        match self {
            Cputop => cpu::classes().to_vec(),
            Iousagetop => io::classes(),
            Iolatencytop => vec![iolat::request_class(
                "top-syscall",
                "Top system call latencies",
            )],
            Iolog => vec![iolat::request_class("log", "I/O operations log")],
            Iolatencystats => iolat::stats_classes().to_vec(),
            Iolatencyfreq => vec![freq::freq_class("requests")],
            Syscallstats => syscalls::classes().to_vec(),
            Schedlog => vec![sched::log_class("log", "Scheduling log")],
            Schedtop => vec![sched::log_class("top", "Scheduling top")],
            Schedstats => sched::stats_classes().to_vec(),
            Schedfreq => vec![freq::freq_class("latencies")],
            Irqlog => vec![irq::log_class()],
            Irqstats => irq::stats_classes().to_vec(),
            Irqfreq => vec![freq::freq_class("interrupts")],
            Memtop => mem::classes().to_vec(),
            Periodlog | Periodtop | Periodstats | Periodfreq => period::classes(self),
        }
    }

    /// The `--metadata` description.
    pub fn metadata(self) -> Metadata {
        let (title, description, tags) = self.about();
        let mut all = vec!["linux-kernel".to_owned(), "lttng-analyses".to_owned()];
        all.extend(tags.iter().map(|t| (*t).to_owned()));
        Metadata {
            title: title.into(),
            description: description.into(),
            tags: all,
            classes: self.classes(),
        }
    }

    /// The tables of a model-only command (`None` for the ones that read events).
    pub fn run(self, m: &Model, o: &Options) -> Option<Vec<Table>> {
        Some(match self {
            Cputop => cpu::run(m, o),
            Iousagetop => io::run(m, o),
            Iolatencytop => iolat::top(m, o),
            Iolatencystats => iolat::stats(m, o),
            Iolatencyfreq => iolat::freq(m, o),
            Iolog => iolat::log(m, o),
            Syscallstats => syscalls::run(m, o),
            Schedlog => sched::log(m, o),
            Schedtop => sched::top(m, o),
            Schedstats => sched::stats(m, o),
            Schedfreq => sched::freq(m, o),
            Irqlog => irq::log(m, o),
            Irqstats => irq::stats(m, o),
            Irqfreq => irq::freq(m, o),
            Memtop => mem::run(m, o),
            Periodlog | Periodtop | Periodstats | Periodfreq => return None,
        })
    }
}
