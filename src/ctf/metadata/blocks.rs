//! The top-level visit. Like babeltrace2, blocks are visited by category, not in file order:
//! the `trace` byte order first (aliases declared before the trace block use it for
//! `native`), then `env`, `clock`, root declarations, `trace`, `stream`s and `event`s. This is
//! why an event may come before its stream class and why aliases may follow the blocks that
//! use them.

use std::collections::{HashMap, HashSet};

use crate::ctf::ir::{ByteOrder, ClockClass, EnvValue, TraceClass};

use super::ast::{Block, BlockKind, Entry, ExprKind, TopDecl};
use super::attrs::{self, Seen, expr_bool, expr_i64, expr_text, expr_u64};
use super::classes::{self, ScopeTy, TraceBuild};
use super::scope::Scopes;
use super::ty::TyKind;
use super::typegen::Sem;
use super::{DResult, Diag, Pos};

/// Builds the trace class described by a parsed metadata stream.
pub(crate) fn build_trace_class(
    decls: &[TopDecl],
    warnings: &mut Vec<Diag>,
) -> DResult<TraceClass> {
    let blocks = |kind: BlockKind| {
        decls.iter().filter_map(move |d| match d {
            TopDecl::Block(b) if b.kind == kind => Some(b),
            _ => None,
        })
    };
    let mut traces = blocks(BlockKind::Trace);
    let trace = traces
        .next()
        .ok_or_else(|| Diag::nowhere("the metadata has no `trace` block"))?;
    if let Some(dup) = traces.next() {
        return Err(Diag::at(dup.pos, "duplicate `trace` block"));
    }
    let mut sem = Sem {
        scopes: Scopes::new(),
        native: trace_byte_order(trace)?,
        clocks: Vec::new(),
        env: Vec::new(),
        warnings,
    };
    for b in blocks(BlockKind::Env) {
        visit_env(&mut sem, b)?;
    }
    let is_lttng = matches!(
        sem.env.iter().find(|(k, _)| k == "tracer_name"),
        Some((_, EnvValue::Str(s))) if s.starts_with("lttng")
    );
    let mut clock_names = HashSet::new();
    for b in blocks(BlockKind::Clock) {
        let clock = visit_clock(&mut sem, b, is_lttng)?;
        if !clock_names.insert(clock.name.clone()) {
            return Err(Diag::at(b.pos, format!("duplicate clock `{}`", clock.name)));
        }
        sem.clocks.push(clock);
    }
    for d in decls {
        match d {
            TopDecl::Alias(a) => sem.type_alias(a)?,
            TopDecl::Typedef(t) => sem.typedef(t)?,
            TopDecl::Specs(s) => {
                sem.specs_type(s)?;
            }
            TopDecl::Block(_) => {}
        }
    }
    let tb = visit_trace(&mut sem, trace)?;
    let mut streams = classes::Streams::default();
    for b in blocks(BlockKind::Stream) {
        let s = classes::visit_stream(&mut sem, b, &streams)?;
        streams.add(s);
    }
    for b in blocks(BlockKind::Event) {
        classes::visit_event(&mut sem, b, &mut streams)?;
    }
    classes::assemble(tb, streams, sem.clocks, sem.env)
}

/// The trace's `byte_order`, needed before any type is built.
fn trace_byte_order(trace: &Block) -> DResult<ByteOrder> {
    let mut found = None;
    for e in &trace.entries {
        if let Entry::Attr {
            key,
            key_pos,
            value,
        } = e
        {
            if key != "byte_order" {
                continue;
            }
            if found.is_some() {
                return Err(Diag::at(*key_pos, "duplicate `byte_order` in trace block"));
            }
            found = Some(match value.as_text().as_deref() {
                Some("be" | "network") => ByteOrder::Be,
                Some("le") => ByteOrder::Le,
                _ => {
                    let msg = "trace `byte_order` must be `be`, `le` or `network`";
                    return Err(Diag::at(value.pos, msg));
                }
            });
        }
    }
    found.ok_or_else(|| Diag::at(trace.pos, "trace block without `byte_order`"))
}

/// Rejects an attribute given twice in one block.
pub(crate) fn first_time<'a>(
    seen: &mut Seen<'a>,
    key: &'a str,
    pos: Pos,
    what: &str,
) -> DResult<()> {
    if seen.insert(key) {
        Ok(())
    } else {
        Err(Diag::at(pos, format!("duplicate `{key}` in {what}")))
    }
}

fn visit_env(sem: &mut Sem<'_>, block: &Block) -> DResult<()> {
    let mut index: HashMap<String, usize> = sem
        .env
        .iter()
        .enumerate()
        .map(|(i, (k, _))| (k.clone(), i))
        .collect();
    for e in &block.entries {
        let Entry::Attr {
            key,
            key_pos,
            value,
        } = e
        else {
            return Err(Diag::at(
                block.pos,
                "only `name = value;` entries are allowed in `env`",
            ));
        };
        let v = match &value.kind {
            ExprKind::UInt(u) => match i64::try_from(*u) {
                Ok(i) => EnvValue::Int(i),
                Err(_) => {
                    let msg =
                        format!("env `{key}` does not fit in a signed 64-bit integer (ignored)");
                    sem.warnings.push(Diag::at(value.pos, msg));
                    continue;
                }
            },
            ExprKind::SInt(i) => EnvValue::Int(*i),
            _ => EnvValue::Str(value.as_text().unwrap_or_default()),
        };
        // A key given twice keeps its first place with its last value.
        match index.get(key) {
            Some(&i) => {
                sem.warnings
                    .push(Diag::at(*key_pos, format!("duplicate env `{key}`")));
                sem.env[i].1 = v;
            }
            None => {
                index.insert(key.clone(), sem.env.len());
                sem.env.push((key.clone(), v));
            }
        }
    }
    Ok(())
}

fn visit_clock(sem: &mut Sem<'_>, block: &Block, is_lttng: bool) -> DResult<ClockClass> {
    let mut c = ClockClass {
        name: String::new(),
        uuid: None,
        description: None,
        freq: 1_000_000_000,
        precision: 0,
        offset_s: 0,
        offset_cycles: 0,
        absolute: false,
    };
    let mut seen = Seen::default();
    for e in &block.entries {
        let Entry::Attr {
            key,
            key_pos,
            value,
        } = e
        else {
            return Err(Diag::at(
                block.pos,
                "only `name = value;` entries are allowed in `clock`",
            ));
        };
        first_time(&mut seen, key, *key_pos, "clock block")?;
        match key.as_str() {
            "name" => c.name = expr_text(value, "clock `name`")?,
            "uuid" => c.uuid = Some(attrs::uuid(value)?),
            "description" => c.description = Some(expr_text(value, "clock `description`")?),
            "freq" => {
                c.freq = expr_u64(value, "clock `freq`")?;
                if c.freq == 0 || c.freq == u64::MAX {
                    return Err(Diag::at(
                        value.pos,
                        format!("invalid clock frequency {}", c.freq),
                    ));
                }
            }
            "precision" => c.precision = expr_u64(value, "clock `precision`")?,
            "offset_s" => c.offset_s = expr_i64(value, "clock `offset_s`")?,
            "offset" => c.offset_cycles = expr_i64(value, "clock `offset`")?,
            "absolute" => c.absolute = expr_bool(value, "clock `absolute`")?,
            _ => attrs::unknown_attr(sem.warnings, *key_pos, key, "clock block"),
        }
    }
    if !seen.contains("name") {
        return Err(Diag::at(block.pos, "clock block without `name`"));
    }
    normalize_offset(&mut c, block.pos)?;
    // LTTng never sets `absolute`, yet its monotonic clock is comparable across traces of a
    // host; babeltrace2 forces it so traces can be merged, and so do we.
    if is_lttng && c.name == "monotonic" {
        c.absolute = true;
    }
    Ok(c)
}

/// Moves whole seconds from `offset` (cycles) to `offset_s` so that `0 <= offset < freq`, as
/// babeltrace2 does; readers can then convert without overflow.
fn normalize_offset(c: &mut ClockClass, pos: Pos) -> DResult<()> {
    let freq = i128::from(c.freq);
    let cycles = i128::from(c.offset_cycles);
    let seconds = i128::from(c.offset_s) + cycles.div_euclid(freq);
    c.offset_s = i64::try_from(seconds)
        .map_err(|_| Diag::at(pos, "clock offset does not fit in 64 bits"))?;
    c.offset_cycles = i64::try_from(cycles.rem_euclid(freq))
        .map_err(|_| Diag::at(pos, "clock offset does not fit in 64 bits"))?;
    Ok(())
}

fn visit_trace(sem: &mut Sem<'_>, block: &Block) -> DResult<TraceBuild> {
    let mut tb = TraceBuild {
        byte_order: sem.native,
        major: 0,
        minor: 0,
        uuid: None,
        packet_header: None,
    };
    let mut seen = Seen::default();
    sem.scopes.push();
    for e in &block.entries {
        match e {
            Entry::Alias(a) => sem.type_alias(a)?,
            Entry::Typedef(t) => sem.typedef(t)?,
            Entry::Attr {
                key,
                key_pos,
                value,
            } => {
                first_time(&mut seen, key, *key_pos, "trace block")?;
                match key.as_str() {
                    "major" => tb.major = version(value, "major", 1)?,
                    "minor" => tb.minor = version(value, "minor", 8)?,
                    "uuid" => tb.uuid = Some(attrs::uuid(value)?),
                    "byte_order" => {}
                    _ => attrs::unknown_attr(sem.warnings, *key_pos, key, "trace block"),
                }
            }
            Entry::TypeAssign {
                key,
                key_pos,
                specs,
            } => {
                first_time(&mut seen, key, *key_pos, "trace block")?;
                if key != "packet.header" {
                    attrs::unknown_attr(sem.warnings, *key_pos, key, "trace block");
                    continue;
                }
                let ty = sem.specs_type(specs)?;
                tb.packet_header = Some(ScopeTy::new(ty, *key_pos, "packet.header")?);
            }
        }
    }
    sem.scopes.pop();
    for key in ["major", "minor"] {
        if !seen.contains(key) {
            return Err(Diag::at(block.pos, format!("trace block without `{key}`")));
        }
    }
    Ok(tb)
}

fn version(value: &super::ast::Expr, key: &str, expected: u64) -> DResult<u32> {
    let v = expr_u64(value, &format!("trace `{key}`"))?;
    if v != expected {
        let msg = format!("unsupported CTF version: trace `{key}` is {v}, expected {expected}");
        return Err(Diag::at(value.pos, msg));
    }
    Ok(v as u32)
}

/// Checks that a scope type (`packet.header := ...`) is a structure.
pub(crate) fn require_struct(ty: &super::ty::Ty, pos: Pos, key: &str) -> DResult<()> {
    match ty.kind {
        TyKind::Struct { .. } => Ok(()),
        _ => Err(Diag::at(
            pos,
            format!("`{key}` must be a structure, not {}", ty.describe()),
        )),
    }
}
