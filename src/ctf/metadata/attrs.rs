//! Attribute values: typed readers for unary expressions and the bodies of `integer`,
//! `floating_point` and `string` type specifiers (ctf.md §3.3).

use std::collections::HashSet;

use crate::ctf::ir::{ByteOrder, ClockClass, Encoding, FloatType, IntType};

use super::ast::{Entry, Expr, ExprKind};
use super::{DResult, Diag, Pos};

/// A set of names seen in one block or body, to refuse duplicates. Blocks hold a handful of
/// entries, so a short list is scanned first; a hash set takes over for big ones so that
/// hostile input stays linear.
#[derive(Default)]
pub(crate) struct Seen<'a> {
    few: Vec<&'a str>,
    many: HashSet<&'a str>,
}

impl<'a> Seen<'a> {
    const FEW: usize = 16;

    /// Adds `key`; false if it was already there.
    pub fn insert(&mut self, key: &'a str) -> bool {
        if self.many.is_empty() && self.few.len() < Self::FEW {
            if self.few.contains(&key) {
                return false;
            }
            self.few.push(key);
            return true;
        }
        if self.many.is_empty() {
            self.many.extend(self.few.drain(..));
        }
        self.many.insert(key)
    }

    pub fn contains(&self, key: &str) -> bool {
        self.few.contains(&key) || self.many.contains(key)
    }
}

/// What integer and float attributes need from the trace: the byte order `native` stands for
/// and the clocks `map` may name.
pub(crate) struct AttrCtx<'a> {
    pub native: ByteOrder,
    pub clocks: &'a [ClockClass],
}

/// The `key = value` entries of a specifier body; anything else, or a key given twice, is an
/// error.
pub(crate) fn attr_list<'e>(
    entries: &'e [Entry],
    what: &str,
) -> DResult<Vec<(&'e str, Pos, &'e Expr)>> {
    let mut seen = Seen::default();
    let mut out = Vec::with_capacity(entries.len());
    for entry in entries {
        match entry {
            Entry::Attr {
                key,
                key_pos,
                value,
            } => {
                if !seen.insert(key.as_str()) {
                    return Err(Diag::at(*key_pos, format!("duplicate `{key}` in {what}")));
                }
                out.push((key.as_str(), *key_pos, value));
            }
            Entry::TypeAssign { key_pos: pos, .. }
            | Entry::Typedef(super::ast::Typedef { pos, .. }) => {
                return Err(Diag::at(*pos, format!("unexpected declaration in {what}")));
            }
            Entry::Alias(a) => {
                return Err(Diag::at(a.pos, format!("unexpected declaration in {what}")));
            }
        }
    }
    Ok(out)
}

pub(crate) fn unknown_attr(warnings: &mut Vec<Diag>, pos: Pos, key: &str, what: &str) {
    warnings.push(Diag::at(
        pos,
        format!("unknown attribute `{key}` in {what} (ignored)"),
    ));
}

/// A non-negative integer constant.
pub(crate) fn expr_u64(e: &Expr, what: &str) -> DResult<u64> {
    match e.kind {
        ExprKind::UInt(v) => Ok(v),
        _ => Err(Diag::at(
            e.pos,
            format!("{what} must be an unsigned integer constant"),
        )),
    }
}

/// A signed or unsigned integer constant that fits in an i64.
pub(crate) fn expr_i64(e: &Expr, what: &str) -> DResult<i64> {
    match e.kind {
        ExprKind::SInt(v) => Ok(v),
        ExprKind::UInt(v) => i64::try_from(v).map_err(|_| {
            Diag::at(
                e.pos,
                format!("{what} does not fit in a signed 64-bit integer"),
            )
        }),
        _ => Err(Diag::at(
            e.pos,
            format!("{what} must be an integer constant"),
        )),
    }
}

/// `true`/`TRUE`/`false`/`FALSE` or an integer (non-zero is true).
pub(crate) fn expr_bool(e: &Expr, what: &str) -> DResult<bool> {
    match &e.kind {
        ExprKind::UInt(v) => Ok(*v != 0),
        ExprKind::SInt(v) => Ok(*v != 0),
        ExprKind::Path(p) if p.len() == 1 && matches!(p[0].as_str(), "true" | "TRUE") => Ok(true),
        ExprKind::Path(p) if p.len() == 1 && matches!(p[0].as_str(), "false" | "FALSE") => {
            Ok(false)
        }
        _ => Err(Diag::at(
            e.pos,
            format!("{what} must be a boolean (true or false)"),
        )),
    }
}

/// A name or a string literal.
pub(crate) fn expr_text(e: &Expr, what: &str) -> DResult<String> {
    e.as_text()
        .ok_or_else(|| Diag::at(e.pos, format!("{what} must be a name or a string")))
}

/// `be`, `le`, `network` (big endian) or `native` (the trace's order).
pub(crate) fn byte_order(e: &Expr, native: ByteOrder) -> DResult<ByteOrder> {
    match e.as_text().as_deref() {
        Some("be" | "network") => Ok(ByteOrder::Be),
        Some("le") => Ok(ByteOrder::Le),
        Some("native") => Ok(native),
        _ => Err(Diag::at(
            e.pos,
            "`byte_order` must be `be`, `le`, `network` or `native`",
        )),
    }
}

/// A UUID string `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
pub(crate) fn uuid(e: &Expr) -> DResult<[u8; 16]> {
    let bad = || {
        Diag::at(
            e.pos,
            "invalid UUID (expecting xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
        )
    };
    let text = match &e.kind {
        ExprKind::Str(s) => s,
        _ => return Err(bad()),
    };
    let b = text.as_bytes();
    if b.len() != 36 || [8, 13, 18, 23].iter().any(|&i| b[i] != b'-') {
        return Err(bad());
    }
    let hex: Vec<u8> = b.iter().copied().filter(|&c| c != b'-').collect();
    if hex.len() != 32 {
        return Err(bad());
    }
    let mut out = [0u8; 16];
    for (i, pair) in hex.chunks(2).enumerate() {
        let s = std::str::from_utf8(pair).map_err(|_| bad())?;
        let byte = u8::from_str_radix(s, 16).map_err(|_| bad())?;
        *out.get_mut(i).ok_or_else(bad)? = byte;
    }
    Ok(out)
}

fn power_of_two(e: &Expr, what: &str) -> DResult<u32> {
    let v = expr_u64(e, what)?;
    match u32::try_from(v) {
        Ok(a) if a.is_power_of_two() => Ok(a),
        _ => Err(Diag::at(
            e.pos,
            format!("{what} must be a power of two, not {v}"),
        )),
    }
}

/// The body of `integer { ... }`.
pub(crate) fn integer(
    entries: &[Entry],
    pos: Pos,
    ctx: &AttrCtx<'_>,
    warnings: &mut Vec<Diag>,
) -> DResult<IntType> {
    let mut size = None;
    let mut t = IntType {
        size_bits: 0,
        align_bits: 0,
        signed: false,
        byte_order: ctx.native,
        base: 10,
        encoding: Encoding::None,
        mapped_clock: None,
    };
    for (key, key_pos, e) in attr_list(entries, "integer")? {
        match key {
            "size" => {
                let v = expr_u64(e, "integer `size`")?;
                if !(1..=64).contains(&v) {
                    let msg = format!("integer `size` must be between 1 and 64, not {v}");
                    return Err(Diag::at(e.pos, msg));
                }
                size = Some(v as u32);
            }
            "align" => t.align_bits = power_of_two(e, "integer `align`")?,
            "signed" => t.signed = expr_bool(e, "integer `signed`")?,
            "byte_order" => t.byte_order = byte_order(e, ctx.native)?,
            "base" => t.base = base(e)?,
            "encoding" => t.encoding = encoding(e)?,
            "map" => t.mapped_clock = mapped_clock(e, ctx.clocks, warnings)?,
            _ => unknown_attr(warnings, key_pos, key, "integer"),
        }
    }
    let size = size.ok_or_else(|| Diag::at(pos, "integer without `size`"))?;
    t.size_bits = size;
    if t.align_bits == 0 {
        // CTF: byte-packed when the size is a whole number of bytes, bit-packed otherwise.
        t.align_bits = if size % 8 == 0 { 8 } else { 1 };
    }
    Ok(t)
}

fn base(e: &Expr) -> DResult<u8> {
    let b = match (&e.kind, e.as_text().as_deref()) {
        (ExprKind::UInt(v @ (2 | 8 | 10 | 16)), _) => *v as u8,
        (_, Some("decimal" | "dec" | "d" | "i" | "u")) => 10,
        (_, Some("hexadecimal" | "hex" | "x" | "X" | "p")) => 16,
        (_, Some("octal" | "oct" | "o")) => 8,
        (_, Some("binary" | "b")) => 2,
        _ => return Err(Diag::at(e.pos, "integer `base` must be 2, 8, 10 or 16")),
    };
    Ok(b)
}

fn encoding(e: &Expr) -> DResult<Encoding> {
    match e.as_text().as_deref() {
        Some("none") => Ok(Encoding::None),
        Some("UTF8" | "utf8" | "UTF-8" | "utf-8") => Ok(Encoding::Utf8),
        Some("ASCII" | "ascii") => Ok(Encoding::Ascii),
        _ => Err(Diag::at(
            e.pos,
            "`encoding` must be `none`, `UTF8` or `ASCII`",
        )),
    }
}

/// `map = clock.NAME.value`: the index of clock NAME. A malformed value is only a warning
/// (babeltrace2 ignores it too); an unknown clock is an error.
fn mapped_clock(
    e: &Expr,
    clocks: &[ClockClass],
    warnings: &mut Vec<Diag>,
) -> DResult<Option<usize>> {
    let name = match &e.kind {
        ExprKind::Path(p) if p.len() == 3 && p[0] == "clock" && p[2] == "value" => &p[1],
        _ => {
            let msg = "integer `map` is not of the form `clock.NAME.value` (ignored)";
            warnings.push(Diag::at(e.pos, msg));
            return Ok(None);
        }
    };
    match clocks.iter().position(|c| &c.name == name) {
        Some(i) => Ok(Some(i)),
        None => Err(Diag::at(
            e.pos,
            format!("integer `map`: no clock named `{name}`"),
        )),
    }
}

/// The body of `floating_point { ... }`.
pub(crate) fn float(
    entries: &[Entry],
    pos: Pos,
    ctx: &AttrCtx<'_>,
    warnings: &mut Vec<Diag>,
) -> DResult<FloatType> {
    let (mut exp, mut mant, mut align) = (None, None, None);
    let mut byte_order_ = ctx.native;
    for (key, key_pos, e) in attr_list(entries, "floating_point")? {
        match key {
            "exp_dig" => exp = Some(expr_u64(e, "`exp_dig`")?),
            "mant_dig" => mant = Some(expr_u64(e, "`mant_dig`")?),
            "align" => align = Some(power_of_two(e, "floating point `align`")?),
            "byte_order" => byte_order_ = byte_order(e, ctx.native)?,
            _ => unknown_attr(warnings, key_pos, key, "floating_point"),
        }
    }
    let (Some(exp), Some(mant)) = (exp, mant) else {
        return Err(Diag::at(
            pos,
            "floating_point needs `exp_dig` and `mant_dig`",
        ));
    };
    let bits = exp.checked_add(mant).filter(|b| (2..=64).contains(b));
    let Some(bits) = bits else {
        return Err(Diag::at(pos, "floating_point size must be at most 64 bits"));
    };
    if (exp, mant) != (8, 24) && (exp, mant) != (11, 53) {
        let msg = format!(
            "floating_point with exp_dig = {exp}, mant_dig = {mant} is not IEEE 754 binary32 \
             or binary64 and cannot be decoded"
        );
        warnings.push(Diag::at(pos, msg));
    }
    Ok(FloatType {
        exp_dig: exp as u32,
        mant_dig: mant as u32,
        byte_order: byte_order_,
        // Same default rule as integers (babeltrace2 behaviour).
        align_bits: align.unwrap_or(if bits % 8 == 0 { 8 } else { 1 }),
    })
}

/// The body of `string { ... }`: its encoding (UTF-8 by default).
pub(crate) fn string(entries: &[Entry], warnings: &mut Vec<Diag>) -> DResult<Encoding> {
    let mut enc = Encoding::Utf8;
    for (key, key_pos, e) in attr_list(entries, "string")? {
        match key {
            "encoding" => enc = encoding(e)?,
            _ => unknown_attr(warnings, key_pos, key, "string"),
        }
    }
    Ok(enc)
}
