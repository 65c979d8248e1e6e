//! The one result type of every analysis: a titled table of typed columns and typed cells.
//!
//! The text printer, the TUI tables and the LAMI writer all render this type, so a figure is
//! computed once and shown the same way everywhere. Units are fixed by the cell kind, as in
//! LAMI: times in ns, timestamps in ns since the Unix epoch, sizes in bytes, ratios as
//! fractions.

use std::sync::Arc;

/// The text of cells: names of up to 24 bytes (syscalls, commands, disks) are stored inline,
/// so a table of tens of thousands of rows does not allocate once per name.
pub use compact_str::CompactString;

/// What a column holds. The names are LAMI's column classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnClass {
    /// Cells of any class.
    Mixed,
    /// A plain number (with an optional unit such as `calls`).
    Number,
    /// A fraction (0.25 = 25 %).
    Ratio,
    /// An instant, ns since the epoch.
    Timestamp,
    /// A length of time, ns.
    Duration,
    /// A size, bytes.
    Size,
    /// A bit rate, bits/s.
    Bitrate,
    /// A boolean.
    Bool,
    /// Free text.
    String,
    /// An interval.
    TimeRange,
    /// A system call name.
    Syscall,
    /// A process or thread.
    Process,
    /// A file-system path.
    Path,
    /// A file descriptor.
    Fd,
    /// An interrupt source.
    Irq,
    /// A CPU.
    Cpu,
    /// A disk.
    Disk,
    /// A disk partition.
    Part,
    /// A network interface.
    Netif,
}

impl ColumnClass {
    /// The LAMI class name.
    pub fn lami_name(self) -> &'static str {
        match self {
            ColumnClass::Mixed => "mixed",
            ColumnClass::Number => "number",
            ColumnClass::Ratio => "ratio",
            ColumnClass::Timestamp => "timestamp",
            ColumnClass::Duration => "duration",
            ColumnClass::Size => "size",
            ColumnClass::Bitrate => "bitrate",
            ColumnClass::Bool => "bool",
            ColumnClass::String => "string",
            ColumnClass::TimeRange => "time-range",
            ColumnClass::Syscall => "syscall",
            ColumnClass::Process => "process",
            ColumnClass::Path => "path",
            ColumnClass::Fd => "fd",
            ColumnClass::Irq => "irq",
            ColumnClass::Cpu => "cpu",
            ColumnClass::Disk => "disk",
            ColumnClass::Part => "part",
            ColumnClass::Netif => "netif",
        }
    }
}

/// A column: title, class, and for numbers an optional unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Title shown in headers (no unit for typed columns: the class implies it).
    pub title: String,
    /// What the cells hold.
    pub class: ColumnClass,
    /// Unit of a `Number` column (`calls`, `interrupts`).
    pub unit: Option<String>,
}

impl Column {
    /// A column without unit.
    pub fn new(title: &str, class: ColumnClass) -> Self {
        Column {
            title: title.to_owned(),
            class,
            unit: None,
        }
    }

    /// A number column with a unit.
    pub fn counted(title: &str, unit: &str) -> Self {
        Column {
            title: title.to_owned(),
            class: ColumnClass::Number,
            unit: Some(unit.to_owned()),
        }
    }
}

/// A table layout with a stable name (the LAMI table-class name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableClass {
    /// Stable identifier (`per-tid-cpu-usage`).
    pub name: String,
    /// Human title.
    pub title: String,
    /// Columns in order.
    pub columns: Vec<Column>,
}

impl TableClass {
    /// Appends the title of a table of this class with `subtitle`: `Title [subtitle]`.
    pub fn write_title(&self, subtitle: Option<&str>, out: &mut String) {
        out.push_str(&self.title);
        if let Some(sub) = subtitle {
            out.push_str(" [");
            out.push_str(sub);
            out.push(']');
        }
    }
}

/// One cell. Every variant maps to one LAMI data-object class.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// The cell does not apply (LAMI `null`).
    Empty,
    /// Should exist but could not be computed (LAMI `unknown`).
    Unknown,
    /// An integral count.
    Count(u64),
    /// A real number.
    Number(f64),
    /// A fraction.
    Ratio(f64),
    /// An instant, ns since the epoch.
    Timestamp(i64),
    /// A duration in ns.
    Duration(u64),
    /// A size in bytes.
    Size(u64),
    /// Bits per second.
    Bitrate(f64),
    /// A boolean.
    Bool(bool),
    /// Free text.
    Text(CompactString),
    /// An interval, ns since the epoch.
    TimeRange {
        /// Start.
        begin_ns: i64,
        /// End.
        end_ns: i64,
    },
    /// A system call name without prefix (`read`).
    Syscall(CompactString),
    /// A process or thread. Behind a pointer, since the one large variant would size every
    /// cell; shared, since a log repeats one thread in thousands of rows.
    Process(Arc<Process>),
    /// A path, shared: a log repeats one file in thousands of rows, and most paths are too
    /// long to be stored inline.
    Path(Arc<str>),
    /// A file descriptor.
    Fd(i64),
    /// An interrupt: hard IRQ or softirq vector.
    Irq {
        /// Number.
        nr: u32,
        /// Hard IRQ (false: softirq).
        hard: bool,
        /// Handler or vector name.
        name: Option<CompactString>,
    },
    /// A CPU.
    Cpu(u32),
    /// A disk name.
    Disk(CompactString),
    /// A partition name.
    Part(CompactString),
    /// A network interface name.
    Netif(CompactString),
}

/// A process or thread; any part may be unknown.
#[derive(Debug, Clone, PartialEq)]
pub struct Process {
    /// Command name.
    pub name: Option<CompactString>,
    /// Process id.
    pub pid: Option<i64>,
    /// Thread id.
    pub tid: Option<i64>,
}

impl Cell {
    /// A [`Cell::Process`].
    pub fn process<S: Into<CompactString>>(
        name: Option<S>,
        pid: Option<i64>,
        tid: Option<i64>,
    ) -> Cell {
        Cell::Process(Arc::new(Process {
            name: name.map(Into::into),
            pid,
            tid,
        }))
    }

    /// The column class this cell belongs in (`None` for `Empty`/`Unknown`, valid anywhere).
    pub fn class(&self) -> Option<ColumnClass> {
        Some(match self {
            Cell::Empty | Cell::Unknown => return None,
            Cell::Count(_) | Cell::Number(_) => ColumnClass::Number,
            Cell::Ratio(_) => ColumnClass::Ratio,
            Cell::Timestamp(_) => ColumnClass::Timestamp,
            Cell::Duration(_) => ColumnClass::Duration,
            Cell::Size(_) => ColumnClass::Size,
            Cell::Bitrate(_) => ColumnClass::Bitrate,
            Cell::Bool(_) => ColumnClass::Bool,
            Cell::Text(_) => ColumnClass::String,
            Cell::TimeRange { .. } => ColumnClass::TimeRange,
            Cell::Syscall(_) => ColumnClass::Syscall,
            Cell::Process(_) => ColumnClass::Process,
            Cell::Path(_) => ColumnClass::Path,
            Cell::Fd(_) => ColumnClass::Fd,
            Cell::Irq { .. } => ColumnClass::Irq,
            Cell::Cpu(_) => ColumnClass::Cpu,
            Cell::Disk(_) => ColumnClass::Disk,
            Cell::Part(_) => ColumnClass::Part,
            Cell::Netif(_) => ColumnClass::Netif,
        })
    }
}

/// A filled table: which class it is, an optional subtitle, the time range it describes.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The layout, shared: syscallstats prints one table per thread, all of one class.
    pub class: Arc<TableClass>,
    /// A subtitle (`[tid 1234]`), shown after the class title.
    pub subtitle: Option<String>,
    /// First and last event timestamps actually analysed, ns since the epoch.
    pub begin_ns: i64,
    /// See `begin_ns`.
    pub end_ns: i64,
    /// Rows, each with one cell per column.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// An empty table of `class` over `[begin_ns, end_ns]`.
    pub fn new(class: impl Into<Arc<TableClass>>, begin_ns: i64, end_ns: i64) -> Self {
        Table {
            class: class.into(),
            subtitle: None,
            begin_ns,
            end_ns,
            rows: Vec::new(),
        }
    }

    /// The title with its subtitle, as LAMI consumers show it.
    pub fn title(&self) -> String {
        let mut out = String::new();
        self.write_title(&mut out);
        out
    }

    /// The table as text reports print it.
    pub fn view(&self) -> super::text::TableView<'_> {
        super::text::TableView {
            class: &self.class,
            subtitle: self.subtitle.as_deref(),
            rows: &self.rows,
        }
    }

    /// Appends [`Table::title`] to `out` (text reports print thousands of titles).
    pub fn write_title(&self, out: &mut String) {
        self.class.write_title(self.subtitle.as_deref(), out);
    }
}
