//! The period matching engine (analyses.md §9.4): for each event, close the instances whose
//! end expression matches (children before parents), then open root instances and child
//! instances inside every open instance.

use anyhow::{Result, bail};

use std::collections::BTreeSet;

use super::eval::{Env, EvtCtx, Snapshot, Val, begin_refs, possible_names};
use super::parse::{Capture, CaptureDef, EvtRef, Expr, FieldRef, PeriodDef};

/// A registered definition.
#[derive(Debug, Clone)]
pub struct Def {
    /// Name.
    pub name: String,
    /// Path from the root (`conn/sys`).
    pub path: String,
    /// Parent definition.
    pub parent: Option<usize>,
    /// Child definitions.
    pub children: Vec<usize>,
    begin: Expr,
    end: Expr,
    /// The only event classes that can open an instance, when the begin expression limits
    /// them: a quick test before evaluating it.
    begin_names: Option<BTreeSet<String>>,
    /// The same for closing one.
    end_names: Option<BTreeSet<String>>,
    /// Begin captures.
    pub caps_begin: Vec<Capture>,
    /// End captures.
    pub caps_end: Vec<Capture>,
}

/// One instance of a period.
#[derive(Debug, Clone)]
pub struct Instance {
    /// Its definition.
    pub def: usize,
    /// Enclosing instance.
    pub parent: Option<usize>,
    /// Opening event time.
    pub begin: u64,
    /// Closing event time (or end of the range when incomplete).
    pub end: u64,
    /// Closed by its end expression.
    pub completed: bool,
    /// Captured on the opening event.
    pub begin_caps: Vec<(String, Val)>,
    /// Captured on the closing event.
    pub end_caps: Vec<(String, Val)>,
    snap: Snapshot,
}

impl Instance {
    /// Duration in ns.
    pub fn duration(&self) -> u64 {
        self.end - self.begin
    }

    /// A capture by name (begin captures first).
    pub fn capture(&self, name: &str) -> Option<&Val> {
        self.begin_caps
            .iter()
            .chain(&self.end_caps)
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }
}

/// Definitions and every instance found.
#[derive(Debug, Clone, Default)]
pub struct Periods {
    /// Definitions in command-line order.
    pub defs: Vec<Def>,
    /// Instances in opening order.
    pub instances: Vec<Instance>,
    keys: Vec<FieldRef>,
    open: Vec<usize>,
}

impl Periods {
    /// Registers definitions and captures (parents before children, unique names).
    pub fn new(defs: Vec<PeriodDef>, caps: Vec<CaptureDef>) -> Result<Periods> {
        let mut p = Periods::default();
        for d in defs {
            if p.defs.iter().any(|x| x.name == d.name) {
                bail!("period `{}` is defined twice", d.name);
            }
            let parent = match &d.parent {
                Some(name) => match p.defs.iter().position(|x| &x.name == name) {
                    Some(i) => Some(i),
                    None => bail!(
                        "period `{}`: parent `{name}` must be defined before it",
                        d.name
                    ),
                },
                None => None,
            };
            let mut refs = Vec::new();
            begin_refs(&d.begin, &mut refs);
            begin_refs(&d.end, &mut refs);
            if parent.is_none() && refs.iter().any(|r| r.evt == EvtRef::ParentBegin) {
                bail!("period `{}` has no parent but uses `$parent`", d.name);
            }
            p.keys.extend(refs);
            let path = parent.map_or(d.name.clone(), |i| format!("{}/{}", p.defs[i].path, d.name));
            let idx = p.defs.len();
            if let Some(i) = parent {
                p.defs[i].children.push(idx);
            }
            p.defs.push(Def {
                begin_names: possible_names(&d.begin),
                end_names: possible_names(&d.end),
                name: d.name,
                path,
                parent,
                children: Vec::new(),
                begin: d.begin,
                end: d.end,
                caps_begin: Vec::new(),
                caps_end: Vec::new(),
            });
        }
        for c in caps {
            let Some(d) = p.defs.iter_mut().find(|d| d.name == c.name) else {
                bail!("captures for `{}`, which no --period defines", c.name);
            };
            if !d.caps_begin.is_empty() || !d.caps_end.is_empty() {
                bail!("captures for `{}` given twice", c.name);
            }
            p.keys.extend(
                c.end
                    .iter()
                    .map(|(_, f)| f.clone())
                    .filter(|f| f.evt != EvtRef::Evt),
            );
            d.caps_begin = c.begin;
            d.caps_end = c.end;
        }
        p.keys.dedup();
        Ok(p)
    }

    /// The event classes that can open or close an instance, when the definitions limit
    /// them (`None`: any event may): no other event can change what the engine finds.
    pub fn event_classes(&self) -> Option<BTreeSet<String>> {
        let mut all = BTreeSet::new();
        for d in &self.defs {
            all.extend(d.begin_names.clone()?);
            all.extend(d.end_names.clone()?);
        }
        Some(all)
    }

    fn snapshot(&self, ev: &EvtCtx<'_, '_>) -> Snapshot {
        self.keys
            .iter()
            .map(|k| ev.get(k.scope, k.field.as_deref()))
            .collect()
    }

    fn parent_snap(&self, inst: usize) -> Option<&Snapshot> {
        self.instances[inst].parent.map(|p| &self.instances[p].snap)
    }

    /// Feeds one event.
    pub fn step(&mut self, ev: &EvtCtx<'_, '_>) {
        let name = ev.e.class.name.as_str();
        let mut closed = Vec::new();
        for k in (0..self.open.len()).rev() {
            let idx = self.open[k];
            let def = &self.defs[self.instances[idx].def];
            if def.end_names.as_ref().is_some_and(|n| !n.contains(name)) || closed.contains(&idx) {
                continue;
            }
            let env = Env {
                evt: ev,
                begin: Some(&self.instances[idx].snap),
                parent: self.parent_snap(idx),
                keys: &self.keys,
            };
            if env.test(&def.end) {
                let caps = capture(&def.caps_end, &env);
                let inst = &mut self.instances[idx];
                inst.end_caps = caps;
                closed.push(idx);
                self.close_descendants(idx, ev.t, &mut closed);
                let inst = &mut self.instances[idx];
                inst.end = ev.t;
                inst.completed = true;
            }
        }
        self.open.retain(|i| !closed.contains(i));
        for d in 0..self.defs.len() {
            if self.defs[d].parent.is_none() {
                self.try_open(d, None, ev);
            }
        }
        let mut k = 0;
        while k < self.open.len() {
            let idx = self.open[k];
            for c in self.defs[self.instances[idx].def].children.clone() {
                self.try_open(c, Some(idx), ev);
            }
            k += 1;
        }
    }

    fn close_descendants(&mut self, idx: usize, t: u64, closed: &mut Vec<usize>) {
        for &o in &self.open {
            let mut up = self.instances[o].parent;
            while let Some(p) = up {
                if p == idx {
                    if !closed.contains(&o) {
                        closed.push(o);
                        self.instances[o].end = t;
                    }
                    break;
                }
                up = self.instances[p].parent;
            }
        }
    }

    fn try_open(&mut self, d: usize, parent: Option<usize>, ev: &EvtCtx<'_, '_>) {
        let def = &self.defs[d];
        if def
            .begin_names
            .as_ref()
            .is_some_and(|n| !n.contains(&ev.e.class.name))
        {
            return;
        }
        let psnap = parent.map(|p| &self.instances[p].snap);
        let env = Env {
            evt: ev,
            begin: None,
            parent: psnap,
            keys: &self.keys,
        };
        if !env.test(&def.begin) {
            return;
        }
        let begin_caps = capture(&def.caps_begin, &env);
        let snap = self.snapshot(ev);
        self.open.push(self.instances.len());
        self.instances.push(Instance {
            def: d,
            parent,
            begin: ev.t,
            end: ev.t,
            completed: false,
            begin_caps,
            end_caps: Vec::new(),
            snap,
        });
    }

    /// Closes every open instance, incomplete, at `t`.
    pub fn finish(&mut self, t: u64) {
        for i in std::mem::take(&mut self.open) {
            self.instances[i].end = t;
        }
    }
}

fn capture(caps: &[Capture], env: &Env<'_, '_, '_>) -> Vec<(String, Val)> {
    caps.iter()
        .filter_map(|(n, f)| env.value(f).map(|v| (n.clone(), v)))
        .collect()
}
