//! Command-line options of the analysis commands (lttng-analyses' names and meanings).

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::{Args, Subcommand};

use super::time::{parse_time, us_to_ns};
use crate::analysis::common::{Filter, Options, Range};
use crate::analysis::period::Report;
use crate::analysis::registry::Kind;
use crate::analysis::text::Clock;
use crate::model::Model;

/// The analyses of lttng-analyses, computed from the index; each speaks LAMI 1.0 (`--mi`).
#[derive(Debug, Subcommand)]
pub enum AnalysisCommand {
    /// CPU usage per thread, per CPU and in total (lttng-cputop).
    Cputop(AnalysisArgs),
    /// I/O bytes per process, file, disk and network interface (lttng-iousagetop).
    Iousagetop(AnalysisArgs),
    /// Longest open/read/write/sync system calls (lttng-iolatencytop).
    Iolatencytop(AnalysisArgs),
    /// I/O system call and disk request latency statistics (lttng-iolatencystats).
    Iolatencystats(AnalysisArgs),
    /// I/O latency histograms (lttng-iolatencyfreq).
    Iolatencyfreq(AnalysisArgs),
    /// Every I/O system call (lttng-iolog).
    Iolog(AnalysisArgs),
    /// Per-thread system call statistics (lttng-syscallstats).
    Syscallstats(AnalysisArgs),
    /// Every wake-up latency (lttng-schedlog).
    Schedlog(AnalysisArgs),
    /// Largest wake-up latencies (lttng-schedtop).
    Schedtop(AnalysisArgs),
    /// Wake-up latency statistics (lttng-schedstats).
    Schedstats(AnalysisArgs),
    /// Wake-up latency histograms (lttng-schedfreq).
    Schedfreq(AnalysisArgs),
    /// Every interrupt (lttng-irqlog).
    Irqlog(AnalysisArgs),
    /// Hard IRQ and softirq duration statistics (lttng-irqstats).
    Irqstats(AnalysisArgs),
    /// Interrupt duration histograms (lttng-irqfreq).
    Irqfreq(AnalysisArgs),
    /// Pages allocated and freed per thread (lttng-memtop).
    Memtop(AnalysisArgs),
    /// Every instance of user-defined periods (lttng-periodlog).
    Periodlog(AnalysisArgs),
    /// Longest period instances (lttng-periodtop).
    Periodtop(AnalysisArgs),
    /// Period duration statistics, per parent too (lttng-periodstats).
    Periodstats(AnalysisArgs),
    /// Period duration histograms (lttng-periodfreq).
    Periodfreq(AnalysisArgs),
}

impl AnalysisCommand {
    /// The command and its options.
    pub fn split(&self) -> (Kind, &AnalysisArgs) {
        use AnalysisCommand as C;
        match self {
            C::Cputop(a) => (Kind::Cputop, a),
            C::Iousagetop(a) => (Kind::Iousagetop, a),
            C::Iolatencytop(a) => (Kind::Iolatencytop, a),
            C::Iolatencystats(a) => (Kind::Iolatencystats, a),
            C::Iolatencyfreq(a) => (Kind::Iolatencyfreq, a),
            C::Iolog(a) => (Kind::Iolog, a),
            C::Syscallstats(a) => (Kind::Syscallstats, a),
            C::Schedlog(a) => (Kind::Schedlog, a),
            C::Schedtop(a) => (Kind::Schedtop, a),
            C::Schedstats(a) => (Kind::Schedstats, a),
            C::Schedfreq(a) => (Kind::Schedfreq, a),
            C::Irqlog(a) => (Kind::Irqlog, a),
            C::Irqstats(a) => (Kind::Irqstats, a),
            C::Irqfreq(a) => (Kind::Irqfreq, a),
            C::Memtop(a) => (Kind::Memtop, a),
            C::Periodlog(a) => (Kind::Periodlog, a),
            C::Periodtop(a) => (Kind::Periodtop, a),
            C::Periodstats(a) => (Kind::Periodstats, a),
            C::Periodfreq(a) => (Kind::Periodfreq, a),
        }
    }
}

/// Options shared by every analysis command.
#[derive(Debug, Args, Clone, Default)]
pub struct AnalysisArgs {
    /// Trace or session directory.
    pub path: Option<PathBuf>,
    /// LAMI: print results as LAMI 1.0 JSON.
    #[arg(long)]
    pub mi: bool,
    /// LAMI: print the LAMI version and exit.
    #[arg(long)]
    pub mi_version: bool,
    /// LAMI: print the analysis metadata and exit.
    #[arg(long)]
    pub metadata: bool,
    /// LAMI: exit 0 when the trace can be analysed.
    #[arg(long)]
    pub test_compatibility: bool,
    /// LAMI: print progress lines before the results.
    #[arg(long)]
    pub output_progress: bool,
    /// Start: ns since the epoch, `YYYY-MM-DD hh:mm:ss[.nnnnnnnnn]` or `hh:mm:ss[.nnnnnnnnn]`.
    #[arg(long, allow_hyphen_values = true)]
    pub begin: Option<String>,
    /// End, same forms as --begin.
    #[arg(long, allow_hyphen_values = true)]
    pub end: Option<String>,
    /// `[BEGIN,END]` (overrides --begin/--end).
    #[arg(long)]
    pub timerange: Option<String>,
    /// Times in UTC instead of local time.
    #[arg(long)]
    pub gmt: bool,
    /// Only these TIDs (comma list).
    #[arg(long)]
    pub tid: Option<String>,
    /// Only threads with these command names (comma list).
    #[arg(long)]
    pub procname: Option<String>,
    /// Only these CPUs (comma list).
    #[arg(long)]
    pub cpu: Option<String>,
    /// Rows per top table: a number or `unlimited` (default 10; unlimited with --mi).
    #[arg(long)]
    pub limit: Option<String>,
    /// Minimum duration/latency in µs.
    #[arg(long)]
    pub min: Option<f64>,
    /// Maximum duration/latency in µs.
    #[arg(long)]
    pub max: Option<f64>,
    /// Periods: minimum instance duration in µs.
    #[arg(long)]
    pub min_duration: Option<f64>,
    /// Periods: maximum instance duration in µs.
    #[arg(long)]
    pub max_duration: Option<f64>,
    /// Histogram buckets.
    #[arg(long, default_value_t = 20)]
    pub freq_resolution: usize,
    /// Same bucket range for every histogram.
    #[arg(long)]
    pub freq_uniform: bool,
    /// Accepted for compatibility (histograms are always separate tables).
    #[arg(long)]
    pub freq_series: bool,
    /// Sched: statistics per TID (default).
    #[arg(long)]
    pub per_tid: bool,
    /// Sched: statistics over all threads.
    #[arg(long)]
    pub total: bool,
    /// Sched: statistics per priority (not available: priorities are not indexed).
    #[arg(long)]
    pub per_prio: bool,
    /// IRQ lines to show (comma list).
    #[arg(long)]
    pub irq: Option<String>,
    /// Softirq vectors to show (comma list).
    #[arg(long)]
    pub softirq: Option<String>,
    /// Split the range in intervals of this length (`s`, `ms`, `us`, `ns`).
    #[arg(short = 'r', long)]
    pub refresh: Option<String>,
    /// A period: `NAME [(PARENT)] : BEGIN_EXPR [: END_EXPR]` (repeatable).
    #[arg(long)]
    pub period: Vec<String>,
    /// Captures: `NAME : [name = ]$evt.field, ... [: ...]` (repeatable).
    #[arg(long)]
    pub period_captures: Vec<String>,
    /// Deprecated: begin event name of an unnamed period (use --period).
    #[arg(long)]
    pub period_begin: Option<String>,
    /// Deprecated: end event name (default: the begin one).
    #[arg(long)]
    pub period_end: Option<String>,
    /// Deprecated: begin fields that must match at the end (default `cpu_id`).
    #[arg(long)]
    pub period_begin_key: Option<String>,
    /// Deprecated: end fields compared with the begin keys (default: the begin keys).
    #[arg(long)]
    pub period_end_key: Option<String>,
    /// Deprecated: values the begin keys must have.
    #[arg(long)]
    pub period_key_value: Option<String>,
    /// Period names to report (comma list).
    #[arg(long, visible_alias = "period-aggregate")]
    pub select: Option<String>,
    /// Aggregate the selected periods by this parent period.
    #[arg(long, visible_alias = "period-aggregate-by")]
    pub aggregate_by: Option<String>,
    /// Group statistics by captures `PERIOD.CAPTURE` (comma list).
    #[arg(long, visible_alias = "period-group-by")]
    pub group_by: Option<String>,
    /// Log order: `time` or `hierarchy`.
    #[arg(long)]
    pub order_by: Option<String>,
    /// No progress bar.
    #[arg(long)]
    pub no_progress: bool,
    /// Accepted for compatibility (lost events are read from the trace, no extra pass).
    #[arg(long)]
    pub skip_validation: bool,
    /// Accepted for compatibility (every event is analysed).
    #[arg(long)]
    pub no_intersection: bool,
    /// Accepted for compatibility.
    #[arg(long)]
    pub no_color: bool,
    /// Neither read nor write the index cache.
    #[arg(long)]
    pub no_cache: bool,
}

fn list<T: std::str::FromStr>(s: &Option<String>, what: &str) -> Result<Vec<T>> {
    let Some(s) = s else {
        return Ok(Vec::new());
    };
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(|x| {
            x.parse()
                .map_err(|_| anyhow::anyhow!("invalid {what} `{x}`"))
        })
        .collect()
}

impl AnalysisArgs {
    /// The analysis options for `model`.
    pub fn options(&self, model: &Model, clock: &mut Clock) -> Result<Options> {
        let (mut b, mut e) = (self.begin.clone(), self.end.clone());
        if let Some(tr) = &self.timerange {
            let inner = tr
                .trim()
                .strip_prefix('[')
                .and_then(|s| s.strip_suffix(']'));
            let Some((x, y)) = inner.and_then(|s| s.split_once(',')) else {
                bail!("--timerange must look like [BEGIN,END]");
            };
            (b, e) = (Some(x.trim().to_owned()), Some(y.trim().to_owned()));
        }
        let begin = b.map(|s| parse_time(&s, model.begin, clock)).transpose()?;
        let end = e.map(|s| parse_time(&s, model.begin, clock)).transpose()?;
        if let (Some(b), Some(e)) = (begin, end)
            && e < b
        {
            bail!("--end is before --begin");
        }
        if end.is_some_and(|e| e < model.begin) {
            bail!("--end is before the start of the trace");
        }
        let mut o = Options::new(Range::of(model, begin, end));
        o.filter = Filter {
            tids: list(&self.tid, "TID")?,
            procnames: list(&self.procname, "process name")?,
            cpus: list(&self.cpu, "CPU")?,
        };
        o.limit = match self.limit.as_deref() {
            // 0 means no limit, as lttng-analyses' cputop and memtop take it.
            Some("unlimited" | "0") => None,
            Some(n) => Some(
                n.parse()
                    .map_err(|_| anyhow::anyhow!("--limit takes a number or `unlimited`"))?,
            ),
            None if self.mi => None,
            None => Some(10),
        };
        o.min_ns = self.min.map(us_to_ns);
        o.max_ns = self.max.map(us_to_ns);
        o.freq_resolution = self.freq_resolution.max(1);
        o.freq_uniform = self.freq_uniform || self.freq_series;
        o.total = self.total;
        o.per_prio = self.per_prio;
        o.per_tid = self.per_tid || !(self.total || self.per_prio);
        if self.irq.is_some() {
            o.irqs = Some(list(&self.irq, "IRQ")?);
        }
        if self.softirq.is_some() {
            o.softirqs = Some(list(&self.softirq, "softirq")?);
        }
        Ok(o)
    }

    /// `--period` plus the definition the deprecated `--period-begin` options describe
    /// (analyses.md §9.6).
    pub fn periods(&self) -> Result<Vec<String>> {
        let Some(begin) = &self.period_begin else {
            return Ok(self.period.clone());
        };
        if !self.period.is_empty() {
            bail!("--period-begin cannot be mixed with --period");
        }
        eprintln!("lttng-tui: warning: --period-begin is deprecated, use --period");
        let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
        let bkeys = list::<String>(&self.period_begin_key, "key")?;
        let bkeys = if bkeys.is_empty() {
            vec!["cpu_id".to_owned()]
        } else {
            bkeys
        };
        let ekeys = list::<String>(&self.period_end_key, "key")?;
        let ekeys = if ekeys.is_empty() {
            bkeys.clone()
        } else {
            ekeys
        };
        if ekeys.len() != bkeys.len() {
            bail!("--period-end-key needs as many keys as --period-begin-key");
        }
        let mut b = format!("$evt.$name == {}", quote(begin));
        for (k, v) in bkeys
            .iter()
            .zip(list::<String>(&self.period_key_value, "value")?)
        {
            let v = if v.parse::<f64>().is_ok() {
                v
            } else {
                quote(&v)
            };
            b.push_str(&format!(" && $evt.{k} == {v}"));
        }
        let mut e = format!(
            "$evt.$name == {}",
            quote(self.period_end.as_deref().unwrap_or(begin))
        );
        for (ek, bk) in ekeys.iter().zip(&bkeys) {
            e.push_str(&format!(" && $evt.{ek} == $begin.$evt.{bk}"));
        }
        Ok(vec![format!(": {b} : {e}")])
    }

    /// The period report options.
    pub fn report(&self) -> Result<Report> {
        let mut group_by = Vec::new();
        for g in list::<String>(&self.group_by, "group")? {
            let Some((p, c)) = g.split_once('.') else {
                bail!("--group-by takes PERIOD.CAPTURE, not `{g}`");
            };
            group_by.push((p.to_owned(), c.to_owned()));
        }
        let hierarchy = match self.order_by.as_deref() {
            None | Some("time") => false,
            Some("hierarchy") => true,
            Some(o) => bail!("--order-by takes `time` or `hierarchy`, not `{o}`"),
        };
        Ok(Report {
            select: list(&self.select, "period name")?,
            aggregate_by: self.aggregate_by.clone(),
            group_by,
            hierarchy,
            min_duration: self.min_duration.map(us_to_ns),
            max_duration: self.max_duration.map(us_to_ns),
        })
    }
}
