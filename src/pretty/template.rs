//! Precomputed renderings of flat scopes.
//!
//! Nearly every scope of a kernel trace is a structure of integers and strings
//! (`{ cpu_id = 0 }`, `{ fd = 3, count = 4096 }`). Walking the field-class tree for each
//! event costs a lookup in the hidden-field set per member and a dozen small copies for the
//! separators and names. A template does that walk once per scope class: the constant text
//! between values (`{ fd = `, `, count = `, ` }`) is stored joined, so rendering a scope is
//! one copy of constant text, then one value, per member. Enumerations, floats, and arrays
//! and sequences of those or of integers render from templates too (lttng-ust payloads).
//! Scopes of any other shape (nested structures, variants) have no template and take the
//! general path of [`super::field`], as does any scope whose values do not match its class.

use crate::ctf::decode::{RawKind, RawLayout, RawMember};
use crate::ctf::ir::{ArrayType, EnumType, FieldType, IntType, SequenceType};
use crate::ctf::value::Value;

use super::field::{
    is_bt2_text, push_escaped, text_of, write_enum, write_enum_labels, write_indexed,
};
use super::num::{push_g, push_i64, push_int, push_u64};
use super::plan::TracePlan;
use super::recall::StaleText;

/// What one member of a flat scope contributes.
#[derive(Debug, Clone)]
enum Member {
    /// An integer babeltrace2 hides: its value is skipped.
    Hidden,
    /// A string, or a text array or sequence, shown quoted and escaped.
    Text,
    /// A single value of an integer (shown in its preferred base), enumeration or float
    /// class.
    Scalar(Scalar),
    /// An array or sequence (not shown as text) of such values: `[ [0] = a, [1] = b ]`.
    Elements(Scalar),
}

/// How a single value renders.
#[derive(Debug, Clone)]
enum Scalar {
    /// A decimal integer, unsigned: [`push_int`]'s base-10 case without its dispatch on the
    /// class, which cost an integer field a call and two tests.
    Unsigned,
    /// A decimal integer, signed.
    Signed,
    /// An integer in base 2, 8 or 16.
    Int(IntType),
    Enum(EnumText),
    Float,
}

/// An enumeration's rendering, with the text before the container's value worked out once
/// per value when its labels' ranges span few values: finding the labels of a value took a
/// scan of every range, a fifth of a field's cost.
#[derive(Debug, Clone)]
struct EnumText {
    class: EnumType,
    /// The lowest value of any range; `prefixes[i]` is for the value `low + i`.
    low: i128,
    /// [`write_enum_labels`]'s text for each value of the span of the ranges, when it has at
    /// most [`ENUM_SPAN`] values.
    prefixes: Vec<Box<[u8]>>,
    /// Its text for a value outside that span (no label).
    outside: Box<[u8]>,
}

/// The most values an [`EnumText`] works out.
const ENUM_SPAN: i128 = 64;

impl EnumText {
    fn new(class: &EnumType) -> EnumText {
        let ranges = || class.mappings.iter().flat_map(|m| m.ranges.iter().copied());
        let low = ranges().map(|(lo, _)| lo).min().unwrap_or(0);
        let high = ranges().map(|(_, hi)| hi).max().unwrap_or(-1);
        let text = |value: i128| {
            let mut text = Vec::new();
            write_enum_labels(&mut text, class, value);
            text.into_boxed_slice()
        };
        let prefixes = match high.checked_sub(low) {
            Some(span) if (0..ENUM_SPAN).contains(&span) => (low..=high).map(text).collect(),
            _ => Vec::new(),
        };
        // Below (or, at the bottom of i128, above) every range: no label.
        let outside = text(low.checked_sub(1).unwrap_or(high.saturating_add(1)));
        EnumText {
            class: class.clone(),
            low,
            prefixes,
            outside,
        }
    }

    /// Writes the enumeration's `value` (`bits`, its two's complement).
    #[inline(always)]
    fn write(&self, out: &mut Vec<u8>, value: i128, bits: u64) {
        if self.prefixes.is_empty() {
            return write_enum(out, &self.class, value, bits);
        }
        let prefix = value
            .checked_sub(self.low)
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| self.prefixes.get(i))
            .unwrap_or(&self.outside);
        out.extend_from_slice(prefix);
        push_int(out, &self.class.container, bits);
        out.extend_from_slice(b" )");
    }
}

impl Scalar {
    fn of(ty: &FieldType) -> Option<Scalar> {
        Some(match ty {
            FieldType::Int(int) if !matches!(int.base, 2 | 8 | 16) => match int.signed {
                true => Scalar::Signed,
                false => Scalar::Unsigned,
            },
            FieldType::Int(int) => Scalar::Int(int.clone()),
            FieldType::Enum(e) => Scalar::Enum(EnumText::new(e)),
            FieldType::Float(_) => Scalar::Float,
            _ => return None,
        })
    }

    /// Writes an integer (`bits`, its 64-bit two's complement) of an integer class; the
    /// callers hand it no other (`reads_bytes` admits only those, and [`Self::write`] sends
    /// enumerations and floats their own way), so the other classes write nothing.
    #[inline(always)]
    fn write_int(&self, out: &mut Vec<u8>, bits: u64) {
        match self {
            Scalar::Unsigned => push_u64(out, bits),
            Scalar::Signed => push_i64(out, bits as i64),
            Scalar::Int(int) => push_int(out, int, bits),
            Scalar::Enum(_) | Scalar::Float => {}
        }
    }

    /// Writes `v`; `None` when it is not a value of this class.
    #[inline(always)]
    fn write(&self, out: &mut Vec<u8>, v: Value) -> Option<()> {
        match (self, v) {
            (Scalar::Float, Value::Float(f)) => push_g(out, f),
            (Scalar::Enum(e), Value::UInt(u)) => e.write(out, i128::from(u), u),
            (Scalar::Enum(e), Value::SInt(i)) => e.write(out, i128::from(i), i as u64),
            (Scalar::Unsigned | Scalar::Signed | Scalar::Int(_), Value::UInt(u)) => {
                self.write_int(out, u)
            }
            (Scalar::Unsigned | Scalar::Signed | Scalar::Int(_), Value::SInt(i)) => {
                self.write_int(out, i as u64)
            }
            _ => return None,
        }
        Some(())
    }
}

/// Bytes copied at once for a piece of constant text ([`Template::piece`]).
const PIECE: usize = 32;

/// The rendering of a flat structure scope.
#[derive(Debug, Clone)]
pub struct Template {
    /// All constant text, joined, then [`PIECE`] zero bytes of padding (see
    /// [`Self::piece`]).
    text: Vec<u8>,
    /// Where the constant text ends (before the padding).
    end: u32,
    /// Per member: the end in `text` of the constant text written before its value.
    steps: Vec<(u32, Member)>,
}

impl Template {
    /// The template of `ty` when it is a structure of integers and texts only.
    pub fn new(plan: &TracePlan, ty: &FieldType) -> Option<Template> {
        let FieldType::Struct(s) = ty else {
            return None;
        };
        let mut text = b"{".to_vec();
        let mut steps = Vec::with_capacity(s.fields.len());
        let mut shown = 0;
        for field in &s.fields {
            let hidden = plan.is_hidden(&field.ty);
            let member = match &field.ty {
                FieldType::Int(_) if hidden => Member::Hidden,
                // Other hidden members would need the general path's subtree walk.
                _ if hidden => return None,
                FieldType::String(_) => Member::Text,
                FieldType::Array(ArrayType { element, .. })
                | FieldType::Sequence(SequenceType { element, .. }) => {
                    if is_bt2_text(element) {
                        Member::Text
                    } else {
                        Member::Elements(Scalar::of(element)?)
                    }
                }
                ty => Member::Scalar(Scalar::of(ty)?),
            };
            if !matches!(member, Member::Hidden) {
                text.extend_from_slice(if shown == 0 { b" " } else { b", " });
                text.extend_from_slice(field.display_name.as_bytes());
                text.extend_from_slice(b" = ");
                shown += 1;
            }
            steps.push((text.len() as u32, member));
        }
        text.extend_from_slice(b" }");
        let end = u32::try_from(text.len()).ok()?;
        text.extend_from_slice(&[0; PIECE]);
        Some(Template { text, end, steps })
    }

    /// Whether the scope, laid out as `layout` says, renders from its bytes alone
    /// ([`Self::render_bytes`]): every member it shows is an integer or a text read from
    /// bytes.
    pub fn reads_bytes(&self, layout: &RawLayout) -> bool {
        layout.members.len() == self.steps.len()
            && self
                .steps
                .iter()
                .zip(&layout.members[..])
                .all(|((_, m), r)| {
                    matches!(
                        (m, r.kind),
                        (Member::Hidden, _)
                            | (
                                Member::Scalar(Scalar::Unsigned | Scalar::Signed | Scalar::Int(_)),
                                RawKind::Int { .. }
                            )
                            | (Member::Text, RawKind::Text { .. } | RawKind::String)
                    )
                })
    }

    /// Writes the scope from its bytes, laid out as `members` says (a layout
    /// [`Self::reads_bytes`] accepted): the text [`Self::render`] writes from its decoded
    /// values.
    pub fn render_bytes(
        &self,
        out: &mut Vec<u8>,
        members: &[RawMember],
        bytes: &[u8],
        stale: &mut StaleText,
    ) {
        // The reader stepped over exactly the layout's bytes: every member is there.
        self.write_steps(out, members, |out, member, raw| match member {
            Member::Scalar(s) => {
                if let Some(v) = raw.int(bytes) {
                    s.write_int(out, v as u64);
                }
            }
            Member::Text => {
                let text = raw.text(bytes).unwrap_or_default();
                push_escaped(out, stale.resolve(text_of(text, 0, text.len())));
            }
            // `reads_bytes` refuses layouts with the other members.
            Member::Hidden | Member::Elements(_) => {}
        });
    }

    /// Writes the scope; false, having written nothing, when the values do not fit.
    pub fn render(
        &self,
        out: &mut Vec<u8>,
        values: &[Value],
        data: &[u8],
        stale: &mut StaleText,
    ) -> bool {
        // One pass that checks each value as it writes it, where a pass checking them all
        // first read every value twice (a twentieth of rendering a payload of lttng-ust's
        // shape). Values that do not fit are rare (damage the decoder let through): what
        // was written is then taken back, and so are the texts `stale` was told about,
        // since the general path tells it again.
        let (start, mark) = (out.len(), stale.mark());
        let done = self.write_values(out, values, data, stale).is_some();
        if !done {
            out.truncate(start);
            stale.rewind(mark);
        }
        done
    }

    #[inline(always)]
    fn write_values(
        &self,
        out: &mut Vec<u8>,
        values: &[Value],
        data: &[u8],
        stale: &mut StaleText,
    ) -> Option<()> {
        let (Value::Struct, mut rest) = values.split_first()? else {
            return None;
        };
        let mut from = 0;
        for (to, member) in &self.steps {
            let to = *to as usize;
            self.piece(out, from, to);
            from = to;
            let (&value, after) = rest.split_first()?;
            rest = after;
            match (member, value) {
                (Member::Hidden, Value::UInt(_) | Value::SInt(_)) => {}
                (Member::Text, Value::Text { start, len }) => {
                    push_escaped(out, stale.resolve(text_of(data, start, len)));
                }
                // The common decimal cases in this match, not behind `Scalar::write`'s:
                // one dispatch fewer per value (−2 % on an lttng-ust payload).
                (Member::Scalar(Scalar::Unsigned), Value::UInt(u)) => push_u64(out, u),
                (Member::Scalar(Scalar::Signed), Value::SInt(i)) => push_i64(out, i),
                (Member::Scalar(s), v) => s.write(out, v)?,
                (Member::Elements(s), Value::Array { len }) => {
                    let n = usize::try_from(len).ok().filter(|&n| n <= rest.len())?;
                    let (elements, after) = rest.split_at(n);
                    rest = after;
                    write_indexed(out, n, |out, i| s.write(out, elements[i]))?;
                }
                _ => return None,
            }
        }
        self.piece(out, from, self.end as usize);
        rest.is_empty().then_some(())
    }

    /// Appends the constant text `from..to`. A piece (`, name = `) is short and of varying
    /// length: copied as such it was a call to `memcpy`, a twentieth of rendering a payload
    /// of lttng-ust's shape. A short one is copied as [`PIECE`] bytes, which compiles to a
    /// few moves, and the excess cut off; the padding keeps the last one in bounds.
    #[inline(always)]
    fn piece(&self, out: &mut Vec<u8>, from: usize, to: usize) {
        let len = out.len();
        match self.text.get(from..from + PIECE) {
            Some(padded) if to - from <= PIECE => {
                out.extend_from_slice(padded);
                out.truncate(len + (to - from));
            }
            _ => out.extend_from_slice(&self.text[from..to]),
        }
    }

    /// Writes the constant text around the members, and each member's value with `value`
    /// (given the member and its counterpart in `members`).
    #[inline(always)]
    fn write_steps<T>(
        &self,
        out: &mut Vec<u8>,
        members: &[T],
        mut value: impl FnMut(&mut Vec<u8>, &Member, &T),
    ) {
        let mut from = 0;
        for ((to, member), m) in self.steps.iter().zip(members) {
            let to = *to as usize;
            self.piece(out, from, to);
            from = to;
            value(out, member, m);
        }
        self.piece(out, from, self.end as usize);
    }
}

#[cfg(test)]
mod tests {
    use super::{Scalar, Template};
    use crate::ctf::ir::{Encoding, FieldType, Scope};
    use crate::ctf::value::Value::{self, *};
    use crate::pretty::field::write_enum;
    use crate::pretty::field::write_field;
    use crate::pretty::plan::TracePlan;
    use crate::pretty::recall::StaleText;
    use crate::pretty::tests::{
        array, char8, enumeration, float, int, int_type, member, sequence, st,
    };

    /// An enumeration's worked-out texts give what the general writer gives, inside the
    /// span of its ranges (gaps and overlaps included), below and above it; a wide span
    /// takes the general writer.
    #[test]
    fn enumeration_texts_match_the_general_writer() {
        let classes = [
            enumeration(
                int_type(32, true, 10),
                &[
                    ("LOW", &[(-3, -1)]),
                    ("A\"B", &[(2, 4), (10, 10)]),
                    ("BOTH", &[(3, 3)]),
                ],
            ),
            enumeration(int_type(16, false, 16), &[("ONE", &[(1, 1)])]),
            enumeration(int_type(32, true, 10), &[("WIDE", &[(0, 1000)])]),
            enumeration(int_type(32, true, 10), &[]),
        ];
        for (c, ty) in classes.iter().enumerate() {
            let (Some(Scalar::Enum(text)), FieldType::Enum(class)) = (Scalar::of(ty), ty) else {
                panic!("class {c}: not an enumeration");
            };
            assert_eq!(text.prefixes.is_empty(), c >= 2, "class {c}");
            for v in -20i64..=1_020 {
                let (mut fast, mut general) = (Vec::new(), Vec::new());
                text.write(&mut fast, i128::from(v), v as u64);
                write_enum(&mut general, class, i128::from(v), v as u64);
                assert_eq!(
                    String::from_utf8_lossy(&fast),
                    String::from_utf8_lossy(&general),
                    "class {c}, value {v}"
                );
            }
        }
    }

    /// A payload of lttng-ust's shape renders from its template as the general walk renders
    /// it, and values that do not fit the class leave the template writing nothing.
    #[test]
    fn arrays_sequences_enums_and_floats_render_as_the_general_path() {
        let ty = st(vec![
            member("delta", int(64, true, 10)),
            member("k", int(32, false, 10)),
            member("d", float(11, 53)),
            member("f", float(8, 24)),
            member("triple", array(int(32, true, 10), 3)),
            member("_n_length", int(8, false, 10)),
            member("n", sequence(int(16, false, 16), Scope::EventPayload, &[4])),
            member(
                "label",
                sequence(char8(Encoding::Utf8), Scope::EventPayload, &[4]),
            ),
            member(
                "state",
                enumeration(
                    int_type(32, true, 10),
                    &[("IDLE", &[(0, 0)]), ("BUSY", &[(1, 3)])],
                ),
            ),
            member("fs", array(float(8, 24), 2)),
        ]);
        let data = b"abc";
        let fitting: [&[Value]; 2] = [
            &[
                Struct,
                SInt(-5),
                UInt(7),
                Float(6250.125),
                Float(0.1f32 as f64),
                Array { len: 3 },
                SInt(1),
                SInt(-2),
                SInt(3),
                UInt(2),
                Array { len: 2 },
                UInt(0xAB),
                UInt(0),
                Text { start: 0, len: 3 },
                SInt(2),
                Array { len: 2 },
                Float(0.5),
                Float(-1e-7),
            ],
            &[
                Struct,
                UInt(5),
                UInt(0),
                Float(0.0),
                Float(1e300),
                Array { len: 3 },
                SInt(0),
                SInt(0),
                SInt(0),
                UInt(0),
                Array { len: 0 },
                Text { start: 0, len: 0 },
                SInt(9),
                Array { len: 2 },
                Float(1.0),
                Float(2.0),
            ],
        ];
        // Each case that does not fit differs from the first fitting one in one place; the
        // last three fail after its text was written.
        let changed = |at: usize, v: Value| {
            let mut values = fitting[0].to_vec();
            values[at] = v;
            values
        };
        let longer = [fitting[0], &[UInt(1)]].concat();
        let failing = [
            // A float where an integer belongs.
            changed(1, Float(1.0)),
            // A float where the enumeration belongs.
            changed(14, Float(9.0)),
            // A value more than the class has.
            longer,
            // An array longer than the values left.
            changed(15, Array { len: 3 }),
        ];
        let cases: Vec<&[Value]> = fitting
            .into_iter()
            .chain(failing.iter().map(Vec::as_slice))
            .collect();
        let plan = TracePlan::default();
        let template = Template::new(&plan, &ty).expect("a template");
        for (i, values) in cases.iter().enumerate() {
            let mut general = Vec::new();
            let used = write_field(
                &mut general,
                &plan,
                &ty,
                values,
                data,
                &mut StaleText::default(),
            );
            let mut rendered = Vec::new();
            let mut stale = StaleText::default();
            stale.start_event(1);
            let before = stale.mark();
            let fits = template.render(&mut rendered, values, data, &mut stale);
            if i < 2 {
                assert_eq!(used, Some(values.len()), "case {i}");
                assert!(fits, "case {i}");
                assert_eq!(
                    String::from_utf8_lossy(&rendered),
                    String::from_utf8_lossy(&general),
                    "case {i}"
                );
            } else {
                assert!(!fits && rendered.is_empty(), "case {i}");
                // The general path, which takes over, resolves the same texts again.
                assert_eq!(stale.mark(), before, "case {i}");
            }
        }
    }
}
