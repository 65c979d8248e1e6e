//! Evaluating period expressions on events (analyses.md §9.2).
//!
//! A field is looked up in the payload, event context, stream event context, event header,
//! packet context and packet header, in that order. When none has it, `pid`, `tid`,
//! `procname` and `cpu_id` come from the state model (the thread current on the event's
//! CPU), so expressions written for traces recorded with those contexts also work on traces
//! without them.

use std::borrow::Cow;
use std::collections::BTreeSet;

use super::parse::{CmpOp, EvtRef, Expr, FieldRef, Operand, Scope};
use crate::analysis::events::cpu_of;
use crate::ctf::message::EventRecord;
use crate::ctf::value::{FieldsRef, Value};
use crate::model::{Model, NO_THREAD};

/// A field value.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// Integer.
    Int(i64),
    /// Real.
    Real(f64),
    /// Text.
    Str(String),
}

impl std::fmt::Display for Val {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Val::Int(i) => write!(f, "{i}"),
            Val::Real(r) => write!(f, "{r}"),
            Val::Str(s) => write!(f, "{s}"),
        }
    }
}

impl Val {
    /// The value as a [`ValRef`], for comparing without a copy.
    pub fn as_ref(&self) -> ValRef<'_> {
        match self {
            Val::Int(i) => ValRef::Int(*i),
            Val::Real(r) => ValRef::Real(*r),
            Val::Str(s) => ValRef::Str(Cow::Borrowed(s)),
        }
    }
}

/// A field value for one test, borrowed from the event, the expression or a snapshot: the
/// engine tests every candidate event, and a string copied per test would cost more than
/// the test itself.
#[derive(Debug, Clone, PartialEq)]
pub enum ValRef<'a> {
    /// Integer.
    Int(i64),
    /// Real.
    Real(f64),
    /// Text (owned only when the event's bytes are not UTF-8).
    Str(Cow<'a, str>),
}

impl ValRef<'_> {
    /// The value, owned.
    pub fn into_owned(self) -> Val {
        match self {
            ValRef::Int(i) => Val::Int(i),
            ValRef::Real(r) => Val::Real(r),
            ValRef::Str(s) => Val::Str(s.into_owned()),
        }
    }
}

/// Values of the fields of an opening event that later expressions refer to, one per key of
/// [`Env::keys`] (`None` when the event has no such field).
pub type Snapshot = Vec<Option<Val>>;

/// The event under test, with what is needed to resolve model-backed fields.
pub struct EvtCtx<'a, 'b> {
    /// The event.
    pub e: &'a EventRecord<'b>,
    /// Its timestamp.
    pub t: u64,
    /// The model.
    pub m: &'a Model,
}

fn scope_of<'b>(e: &EventRecord<'b>, s: Scope) -> Option<FieldsRef<'b>> {
    match s {
        Scope::Payload => e.payload,
        Scope::Ctx => e.event_context,
        Scope::StreamCtx => e.stream_event_context,
        Scope::Header => e.event_header,
        Scope::PktCtx => e.packet_context,
        Scope::PktHeader => e.packet_header,
    }
}

const ORDER: [Scope; 6] = [
    Scope::Payload,
    Scope::Ctx,
    Scope::StreamCtx,
    Scope::Header,
    Scope::PktCtx,
    Scope::PktHeader,
];

fn to_val(f: FieldsRef<'_>) -> Option<ValRef<'_>> {
    match f.head()? {
        Value::UInt(u) => Some(ValRef::Int(u as i64)),
        Value::SInt(i) => Some(ValRef::Int(i)),
        Value::Float(x) => Some(ValRef::Real(x)),
        Value::Text { .. } => Some(ValRef::Str(String::from_utf8_lossy(f.text_bytes()?))),
        _ => None,
    }
}

impl<'a> EvtCtx<'a, '_> {
    /// The value of a field (or the name) of this event.
    pub fn get(&self, scope: Option<Scope>, field: Option<&str>) -> Option<Val> {
        self.get_ref(scope, field).map(ValRef::into_owned)
    }

    /// [`EvtCtx::get`], borrowed.
    pub fn get_ref(&self, scope: Option<Scope>, field: Option<&str>) -> Option<ValRef<'a>> {
        let Some(name) = field else {
            return Some(ValRef::Str(Cow::Borrowed(&self.e.class.name)));
        };
        let found = match scope {
            Some(s) => scope_of(self.e, s)
                .and_then(|f| f.get(name))
                .and_then(to_val),
            None => ORDER.iter().find_map(|&s| {
                scope_of(self.e, s)
                    .and_then(|f| f.get(name))
                    .and_then(to_val)
            }),
        };
        found.or_else(|| {
            if matches!(scope, None | Some(Scope::Ctx)) {
                self.model_field(name)
            } else {
                None
            }
        })
    }

    /// `pid`, `tid`, `procname`, `cpu_id` of the thread current on the event's CPU.
    fn model_field(&self, name: &str) -> Option<ValRef<'a>> {
        let cpu = cpu_of(self.e)?;
        if name == "cpu_id" {
            return Some(ValRef::Int(i64::from(cpu)));
        }
        // A sched_switch is emitted by the outgoing thread, which the timeline already
        // replaced at this instant.
        let t = if self.e.class.name == "sched_switch" {
            self.t.saturating_sub(1)
        } else {
            self.t
        };
        let th = self
            .m
            .cpus
            .get(cpu as usize)?
            .current
            .at(t)
            .filter(|&th| th != NO_THREAD)?;
        let thread = self.m.threads.get(th as usize)?;
        match name {
            "tid" | "vtid" => Some(ValRef::Int(i64::from(thread.tid))),
            "pid" | "vpid" => thread.pid.map(|p| ValRef::Int(i64::from(p))),
            "procname" => thread
                .name_at(self.t)
                .map(|n| ValRef::Str(Cow::Borrowed(self.m.strings.get(n)))),
            _ => None,
        }
    }
}

/// Where `$begin.$evt` and `$parent.$begin.$evt` point for one test.
pub struct Env<'a, 'b, 'c> {
    /// The event under test.
    pub evt: &'c EvtCtx<'a, 'b>,
    /// The opener of the instance (`None` in a begin expression: the event itself).
    pub begin: Option<&'c Snapshot>,
    /// The opener of the parent instance.
    pub parent: Option<&'c Snapshot>,
    /// The fields snapshots hold, in their order.
    pub keys: &'c [FieldRef],
}

impl<'a, 'c> Env<'a, '_, 'c> {
    /// The value of a field reference.
    pub fn value(&self, f: &FieldRef) -> Option<Val> {
        self.value_ref(f).map(ValRef::into_owned)
    }

    /// [`Env::value`], borrowed.
    fn value_ref(&self, f: &FieldRef) -> Option<ValRef<'c>>
    where
        'a: 'c,
    {
        let held = |s: &'c Snapshot| {
            let k = self
                .keys
                .iter()
                .position(|k| k.scope == f.scope && k.field == f.field)?;
            s.get(k)?.as_ref().map(Val::as_ref)
        };
        match (f.evt, self.begin) {
            (EvtRef::Evt, _) | (EvtRef::Begin, None) => {
                self.evt.get_ref(f.scope, f.field.as_deref())
            }
            (EvtRef::Begin, Some(s)) => held(s),
            (EvtRef::ParentBegin, _) => held(self.parent?),
        }
    }

    fn operand<'o>(&self, o: &'o Operand) -> Option<ValRef<'o>>
    where
        'a: 'o,
        'c: 'o,
    {
        match o {
            Operand::Field(f) => self.value_ref(f),
            Operand::Num(n) => Some(ValRef::Real(*n)),
            Operand::Str(s) => Some(ValRef::Str(Cow::Borrowed(s))),
        }
    }

    /// Whether `e` holds.
    pub fn test(&self, e: &Expr) -> bool {
        match e {
            Expr::Or(a, b) => self.test(a) || self.test(b),
            Expr::And(a, b) => self.test(a) && self.test(b),
            Expr::Not(a) => !self.test(a),
            // `!=` is the negation of `==`: true when a side is missing (analyses.md §9.2).
            Expr::Cmp(l, CmpOp::Ne, r) => !self.compare(l, CmpOp::Eq, r),
            Expr::Cmp(l, op, r) => self.compare(l, *op, r),
        }
    }

    fn compare(&self, l: &Operand, op: CmpOp, r: &Operand) -> bool {
        let (Some(a), Some(b)) = (self.operand(l), self.operand(r)) else {
            return false;
        };
        let ord = match (&a, &b) {
            (ValRef::Str(x), ValRef::Str(y)) if op == CmpOp::Glob => {
                return glob(y.as_bytes(), x.as_bytes());
            }
            (ValRef::Str(x), ValRef::Str(y)) => x.partial_cmp(y),
            (ValRef::Int(x), ValRef::Int(y)) => x.partial_cmp(y),
            (ValRef::Int(x), ValRef::Real(y)) => (*x as f64).partial_cmp(y),
            (ValRef::Real(x), ValRef::Int(y)) => x.partial_cmp(&(*y as f64)),
            (ValRef::Real(x), ValRef::Real(y)) => x.partial_cmp(y),
            _ => None,
        };
        let Some(ord) = ord else {
            return false;
        };
        use std::cmp::Ordering::*;
        match op {
            CmpOp::Eq => ord == Equal,
            CmpOp::Ne => ord != Equal,
            CmpOp::Lt => ord == Less,
            CmpOp::Le => ord != Greater,
            CmpOp::Gt => ord == Greater,
            CmpOp::Ge => ord != Less,
            CmpOp::Glob => false,
        }
    }
}

/// Shell-style glob over the whole text: `*`, `?`, `[...]`, `[!...]`.
pub fn glob(pat: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pat.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
                continue;
            }
            Some(b'?') => {
                p += 1;
                t += 1;
                continue;
            }
            Some(b'[') => {
                if let Some((ok, next)) = class(&pat[p..], text[t])
                    && ok
                {
                    p += next;
                    t += 1;
                    continue;
                }
            }
            Some(&c) if c == text[t] => {
                p += 1;
                t += 1;
                continue;
            }
            _ => {}
        }
        match star {
            Some((sp, st)) => {
                p = sp + 1;
                t = st + 1;
                star = Some((sp, st + 1));
            }
            None => return false,
        }
    }
    pat[p..].iter().all(|&c| c == b'*')
}

/// Matches a `[...]` class at the start of `pat`: (matched, length of the class).
fn class(pat: &[u8], c: u8) -> Option<(bool, usize)> {
    let mut i = 1;
    let neg = pat.get(1) == Some(&b'!');
    if neg {
        i += 1;
    }
    let mut hit = false;
    let mut first = true;
    while let Some(&x) = pat.get(i) {
        if x == b']' && !first {
            return Some((hit != neg, i + 1));
        }
        first = false;
        if pat.get(i + 1) == Some(&b'-') && pat.get(i + 2).is_some_and(|&y| y != b']') {
            hit |= (x..=pat[i + 2]).contains(&c);
            i += 3;
        } else {
            hit |= x == c;
            i += 1;
        }
    }
    None
}

/// Every field an expression reads from `$begin.$evt` or `$parent.$begin.$evt`.
pub fn begin_refs(e: &Expr, out: &mut Vec<FieldRef>) {
    match e {
        Expr::Or(a, b) | Expr::And(a, b) => {
            begin_refs(a, out);
            begin_refs(b, out);
        }
        Expr::Not(a) => begin_refs(a, out),
        Expr::Cmp(l, _, r) => {
            for o in [l, r] {
                if let Operand::Field(f) = o
                    && f.evt != EvtRef::Evt
                    && !out.contains(f)
                {
                    out.push(f.clone());
                }
            }
        }
    }
}

/// The only event names that can satisfy an expression, when it limits them (`None`: any
/// event may). A conjunct `$evt.$name == "X"` limits to X; `&&` keeps what both sides allow;
/// `||` allows what either side does, and only limits when both sides do.
pub fn possible_names(e: &Expr) -> Option<BTreeSet<String>> {
    match e {
        Expr::And(a, b) => match (possible_names(a), possible_names(b)) {
            (Some(x), Some(y)) => Some(x.intersection(&y).cloned().collect()),
            (x, y) => x.or(y),
        },
        Expr::Or(a, b) => {
            let mut x = possible_names(a)?;
            x.extend(possible_names(b)?);
            Some(x)
        }
        Expr::Cmp(Operand::Field(f), CmpOp::Eq, Operand::Str(s))
            if f.evt == EvtRef::Evt && f.field.is_none() =>
        {
            Some(BTreeSet::from([s.clone()]))
        }
        _ => None,
    }
}
