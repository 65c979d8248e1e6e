//! Precomputed renderings of flat scopes.
//!
//! Nearly every scope of a kernel trace is a structure of integers and strings
//! (`{ cpu_id = 0 }`, `{ fd = 3, count = 4096 }`). Walking the field-class tree for each
//! event costs a lookup in the hidden-field set per member and a dozen small copies for the
//! separators and names. A template does that walk once per scope class: the constant text
//! between values (`{ fd = `, `, count = `, ` }`) is stored joined, so rendering a scope is
//! one copy of constant text, then one value, per member. Scopes of any other shape (enums,
//! floats, arrays, nested structures, variants) have no template and take the general path
//! of [`super::field`], as does any scope whose values do not match its class.

use crate::ctf::decode::{RawKind, RawLayout, RawMember};
use crate::ctf::ir::{FieldType, IntType};
use crate::ctf::value::Value;

use super::field::{is_bt2_text, push_escaped, text_of};
use super::num::push_int;
use super::plan::TracePlan;
use super::recall::StaleText;

/// What one member of a flat scope contributes.
#[derive(Debug, Clone)]
enum Member {
    /// An integer babeltrace2 hides: its value is skipped.
    Hidden,
    /// An integer shown in its preferred base.
    Int(IntType),
    /// A string, or a text array or sequence, shown quoted and escaped.
    Text,
}

/// The rendering of a flat structure scope.
#[derive(Debug, Clone)]
pub struct Template {
    /// All constant text, joined.
    text: Vec<u8>,
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
                FieldType::Int(int) => Member::Int(int.clone()),
                FieldType::String(_) => Member::Text,
                FieldType::Array(a) if is_bt2_text(&a.element) => Member::Text,
                FieldType::Sequence(q) if is_bt2_text(&q.element) => Member::Text,
                _ => return None,
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
        Some(Template { text, steps })
    }

    /// Whether `values` (the scope's, structure head included) fit this template.
    fn fits(&self, values: &[Value]) -> bool {
        values.len() == self.steps.len() + 1
            && matches!(values[0], Value::Struct)
            && self.steps.iter().zip(&values[1..]).all(|((_, m), v)| {
                matches!(
                    (m, v),
                    (
                        Member::Hidden | Member::Int(_),
                        Value::UInt(_) | Value::SInt(_)
                    ) | (Member::Text, Value::Text { .. })
                )
            })
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
                            | (Member::Int(_), RawKind::Int { .. })
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
            Member::Int(int) => {
                if let Some(v) = raw.int(bytes) {
                    push_int(out, int, v as u64);
                }
            }
            Member::Text => {
                let text = raw.text(bytes).unwrap_or_default();
                push_escaped(out, stale.resolve(text_of(text, 0, text.len())));
            }
            Member::Hidden => {}
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
        if !self.fits(values) {
            return false;
        }
        self.write_steps(out, &values[1..], |out, member, value| {
            match (member, *value) {
                (Member::Int(int), Value::UInt(u)) => push_int(out, int, u),
                (Member::Int(int), Value::SInt(i)) => push_int(out, int, i as u64),
                (Member::Text, Value::Text { start, len }) => {
                    push_escaped(out, stale.resolve(text_of(data, start, len)));
                }
                _ => {}
            }
        });
        true
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
            out.extend_from_slice(&self.text[from..to]);
            from = to;
            value(out, member, m);
        }
        out.extend_from_slice(&self.text[from..]);
    }
}
