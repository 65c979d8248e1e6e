//! What the state machine reads of one event, packed into a few bytes on the thread that
//! decoded it.
//!
//! The state machine runs on one core in time order while the streams are decoded on
//! others. Handing it every decoded value meant a few hundred bytes per event crossing
//! between cores, read once: a third of its time went to waiting for those cache lines. An
//! event is instead reduced where it was decoded, by the same per-class [`Plan`], to the
//! members the model reads (a read's entry is its fd: about twenty bytes with the CPU), and
//! the state machine reads [`Fields`] from those bytes.
//!
//! Record layout (little-endian), made and read only by this module:
//!
//! ```text
//! u8 context mask: 1 cpu_id, 2 tid, 4 pid; each present one follows as an i64
//! u8 slot mask: bit k when payload slot k holds an integer, a text or an array
//! per present slot, in order, a tag and its value:
//!   INT   i64
//!   TEXT  u32 length, the bytes up to the first NUL
//!   ARRAY u64 length, u8 leading integer elements kept (at most 4), i64 each,
//!         u8 whether the array is an fd set holding exactly one fd, i64 that fd
//! ```

use super::fields::{Slot, int, only_fd_in_set, sub};
use super::intern::Interner;
use super::plan::{MAX_SLOTS, Plan, PlanCache};
use crate::ctf::message::EventRecord;
use crate::ctf::parallel::EventFormatter;
use crate::ctf::value::Value;

const HAS_CPU: u8 = 1;
const HAS_TID: u8 = 2;
const HAS_PID: u8 = 4;

const INT: u8 = 1;
const TEXT: u8 = 2;
const ARRAY: u8 = 3;

/// Array elements kept: `v4addr[4]` is the longest array the model reads element by element.
const ARRAY_KEPT: usize = 4;

/// Appends the reduction of `ev` under `plan` to `out`.
pub fn encode(ev: &EventRecord<'_>, plan: &Plan, out: &mut Vec<u8>) {
    let read_ctx = |(a, b): (Slot, Slot)| {
        int(ev.stream_event_context.as_ref(), a).or_else(|| int(ev.event_context.as_ref(), b))
    };
    let cpu = int(ev.packet_context.as_ref(), plan.cpu_id);
    let (tid, pid) = if plan.ctx_tid.0.present() || plan.ctx_tid.1.present() {
        (read_ctx(plan.ctx_tid), read_ctx(plan.ctx_pid))
    } else {
        (None, None)
    };
    let mask_at = out.len();
    out.push(0);
    let mut mask = 0;
    for (bit, v) in [(HAS_CPU, cpu), (HAS_TID, tid), (HAS_PID, pid)] {
        if let Some(v) = v {
            mask |= bit;
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    out[mask_at] = mask;

    let slots_at = out.len();
    out.push(0);
    let mut slots = 0u8;
    let payload = ev.payload.as_ref();
    for (k, &slot) in plan.slots.iter().enumerate() {
        let Some(member) = payload.and_then(|p| sub(p, slot)) else {
            continue;
        };
        match member.head() {
            Some(Value::UInt(u)) => {
                out.push(INT);
                out.extend_from_slice(&(u as i64).to_le_bytes());
            }
            Some(Value::SInt(i)) => {
                out.push(INT);
                out.extend_from_slice(&i.to_le_bytes());
            }
            Some(Value::Text { .. }) => {
                let Some(bytes) = member.text_bytes() else {
                    continue;
                };
                // A text longer than 4 GiB cannot come from a stream file we map.
                let Ok(len) = u32::try_from(bytes.len()) else {
                    continue;
                };
                out.push(TEXT);
                out.extend_from_slice(&len.to_le_bytes());
                out.extend_from_slice(bytes);
            }
            Some(Value::Array { len }) => {
                out.push(ARRAY);
                out.extend_from_slice(&len.to_le_bytes());
                let kept_at = out.len();
                out.push(0);
                let mut kept = 0u8;
                for v in member
                    .values
                    .iter()
                    .skip(1)
                    .take(ARRAY_KEPT.min(len as usize))
                {
                    let n = match *v {
                        Value::UInt(u) => u as i64,
                        Value::SInt(i) => i,
                        _ => break,
                    };
                    out.extend_from_slice(&n.to_le_bytes());
                    kept += 1;
                }
                out[kept_at] = kept;
                match only_fd_in_set(Some(&member), Slot::At(0)) {
                    Some(fd) => {
                        out.push(1);
                        out.extend_from_slice(&fd.to_le_bytes());
                    }
                    None => out.push(0),
                }
            }
            _ => continue,
        }
        slots |= 1 << k;
    }
    out[slots_at] = slots;
}

/// Reduces events to what the model reads, on the thread that decoded them;
/// [`super::Builder::event_reduced`] takes the result.
#[derive(Default)]
pub struct Reducer {
    plans: PlanCache,
    /// Names interned for this thread's plans only (the builder interns its own).
    strings: Interner,
}

impl EventFormatter for Reducer {
    fn format(
        &mut self,
        event: &EventRecord<'_>,
        _packet: Option<u64>,
        primary: &mut Vec<u8>,
        _alternative: &mut Vec<u8>,
    ) {
        let plan = self
            .plans
            .get(event.class, event.stream.stream_class, &mut self.strings);
        encode(event, plan, primary);
    }
}

/// A reduced event, read back: the contexts and the payload slots of its plan.
#[derive(Debug, Clone, Copy)]
pub struct Fields<'a> {
    bytes: &'a [u8],
    /// `cpu_id` from the packet context.
    pub cpu: Option<i64>,
    /// `tid` context.
    pub tid: Option<i64>,
    /// `pid` context.
    pub pid: Option<i64>,
    /// Where each slot's tag is in `bytes` (`u32::MAX`: absent).
    at: [u32; MAX_SLOTS],
}

fn i64_at(bytes: &[u8], at: usize) -> Option<i64> {
    let b = bytes.get(at..at.checked_add(8)?)?;
    Some(i64::from_le_bytes(b.try_into().ok()?))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes(b.try_into().ok()?))
}

/// Bytes of a slot's value after its tag, or `None` for a tag this module never writes.
fn value_len(bytes: &[u8], tag_at: usize) -> Option<usize> {
    let at = tag_at + 1;
    match *bytes.get(tag_at)? {
        INT => Some(8),
        TEXT => Some(4 + u32_at(bytes, at)? as usize),
        ARRAY => {
            let kept = *bytes.get(at + 8)? as usize;
            let fd_at = at + 9 + kept * 8;
            let fd = *bytes.get(fd_at)?;
            Some(9 + kept * 8 + 1 + if fd == 1 { 8 } else { 0 })
        }
        _ => None,
    }
}

impl<'a> Fields<'a> {
    /// Reads a record made by [`encode`]. A record cut short reads as having fewer fields.
    pub fn parse(bytes: &'a [u8]) -> Fields<'a> {
        let mut f = Fields {
            bytes,
            cpu: None,
            tid: None,
            pid: None,
            at: [u32::MAX; MAX_SLOTS],
        };
        let Some(&ctx) = bytes.first() else {
            return f;
        };
        let mut at = 1;
        for (bit, dst) in [
            (HAS_CPU, &mut f.cpu),
            (HAS_TID, &mut f.tid),
            (HAS_PID, &mut f.pid),
        ] {
            if ctx & bit != 0 {
                *dst = i64_at(bytes, at);
                at += 8;
            }
        }
        let Some(&slots) = bytes.get(at) else {
            return f;
        };
        at += 1;
        let mut rest = slots;
        while rest != 0 {
            let k = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            let Some(len) = value_len(bytes, at) else {
                break;
            };
            f.at[k] = at as u32;
            at += 1 + len;
        }
        f
    }

    fn tagged(&self, k: usize, tag: u8) -> Option<usize> {
        let at = *self.at.get(k)? as usize;
        (*self.bytes.get(at)? == tag).then_some(at + 1)
    }

    /// Slot `k` as an integer.
    #[inline]
    pub fn int(&self, k: usize) -> Option<i64> {
        i64_at(self.bytes, self.tagged(k, INT)?)
    }

    /// Slot `k` as text (up to the first NUL).
    #[inline]
    pub fn text(&self, k: usize) -> Option<&'a [u8]> {
        let at = self.tagged(k, TEXT)?;
        let len = u32_at(self.bytes, at)? as usize;
        self.bytes.get(at + 4..(at + 4).checked_add(len)?)
    }

    /// The first `N` integer elements of array slot `k` (`N` at most 4).
    pub fn int_array<const N: usize>(&self, k: usize) -> Option<[i64; N]> {
        let at = self.tagged(k, ARRAY)?;
        let len = u64::from_le_bytes(self.bytes.get(at..at + 8)?.try_into().ok()?);
        let kept = *self.bytes.get(at + 8)? as usize;
        if len < N as u64 || kept < N {
            return None;
        }
        let mut out = [0i64; N];
        for (i, o) in out.iter_mut().enumerate() {
            *o = i64_at(self.bytes, at + 9 + i * 8)?;
        }
        Some(out)
    }

    /// The one fd set in the `fd_set` bitmap of slot `k` (see [`only_fd_in_set`]).
    pub fn only_fd_in_set(&self, k: usize) -> Option<i64> {
        let at = self.tagged(k, ARRAY)?;
        let kept = *self.bytes.get(at + 8)? as usize;
        let fd_at = at + 9 + kept * 8;
        match *self.bytes.get(fd_at)? {
            1 => i64_at(self.bytes, fd_at + 1),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::ctf::message::Message;
    use crate::ctf::session::Session;
    use crate::r#gen::{GenConfig, ScenarioKind, generate};
    use crate::model::fields::{int_array, text};

    /// How often each reading gave a value, so a test cannot pass on nothing.
    #[derive(Debug, Default)]
    struct Seen {
        events: u64,
        ints: u64,
        texts: u64,
        pairs: u64,
        quads: u64,
        fd_sets: u64,
        contexts: u64,
    }

    /// Reduces every event of the trace at `path` and checks that every slot of its plan
    /// reads back as it reads from the decoded values.
    fn check(path: &Path, seen: &mut Seen) {
        let session = Session::open(path).unwrap();
        let (mut plans, mut strings) = (PlanCache::default(), Interner::default());
        let mut merger = session.messages();
        let mut record = Vec::new();
        while let Some(msg) = merger.next_message() {
            let Message::Event(ev) = msg else { continue };
            let plan = plans.get(ev.class, ev.stream.stream_class, &mut strings);
            record.clear();
            encode(&ev, plan, &mut record);
            let f = Fields::parse(&record);
            let ctx = |(a, b): (Slot, Slot)| {
                int(ev.stream_event_context.as_ref(), a)
                    .or_else(|| int(ev.event_context.as_ref(), b))
            };
            assert_eq!(f.cpu, int(ev.packet_context.as_ref(), plan.cpu_id));
            if plan.ctx_tid.0.present() || plan.ctx_tid.1.present() {
                assert_eq!((f.tid, f.pid), (ctx(plan.ctx_tid), ctx(plan.ctx_pid)));
                seen.contexts += u64::from(f.tid.is_some());
            } else {
                assert_eq!((f.tid, f.pid), (None, None));
            }
            let p = ev.payload.as_ref();
            for (k, &s) in plan.slots.iter().enumerate() {
                // The same readings through the decoded values.
                let (i, t) = (int(p, s), text(p, s));
                let (a2, a4) = (int_array::<2>(p, s), int_array::<4>(p, s));
                let set = only_fd_in_set(p, s);
                let name = &ev.class.name;
                assert_eq!(f.int(k), i, "{name} slot {k}");
                assert_eq!(f.text(k), t, "{name} slot {k}");
                assert_eq!(f.int_array::<2>(k), a2, "{name} slot {k}");
                assert_eq!(f.int_array::<4>(k), a4, "{name} slot {k}");
                assert_eq!(f.only_fd_in_set(k), set, "{name} slot {k}");
                seen.ints += u64::from(i.is_some());
                seen.texts += u64::from(t.is_some());
                seen.pairs += u64::from(a2.is_some());
                seen.quads += u64::from(a4.is_some());
                seen.fd_sets += u64::from(set.is_some());
            }
            seen.events += 1;
        }
    }

    fn generated(dir: &Path, scenario: ScenarioKind, seed: u64, discard: f64) -> PathBuf {
        let out = dir.join(format!("{scenario:?}-{seed}"));
        let mut cfg = GenConfig::new(scenario, &out);
        cfg.seed = seed;
        cfg.duration_ns = Some(1_000_000_000);
        cfg.discard_rate = discard;
        generate(&cfg, &mut |_| {}).unwrap();
        out.join("kernel")
    }

    #[test]
    fn a_reduced_event_reads_as_its_values() {
        let dir = tempfile::tempdir().unwrap();
        let mut seen = Seen::default();
        check(&generated(dir.path(), ScenarioKind::Web, 5, 0.0), &mut seen);
        check(
            &generated(dir.path(), ScenarioKind::Uniform, 2, 0.2),
            &mut seen,
        );
        // The real traces add the old field layouts and other byte orders.
        match std::env::var_os("LTTNG_TUI_TRACES") {
            Some(root) => {
                for t in ["many-threads", "scp-src", "scp-dest", "flipping-endianness"] {
                    check(&Path::new(&root).join("kernel").join(t), &mut seen);
                }
            }
            None => eprintln!("LTTNG_TUI_TRACES is not set: generated traces only"),
        }
        // Every kind of reading was exercised, not only the absent ones.
        assert!(seen.events > 100_000, "{seen:?}");
        for n in [seen.ints, seen.texts, seen.quads, seen.fd_sets] {
            assert!(n > 0, "{seen:?}");
        }
        eprintln!("{seen:?}");
    }
}
