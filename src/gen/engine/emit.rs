//! Writing events: timestamps from the CPU clocks, payloads encoded in place.

use std::io;

use super::Engine;
use crate::ctf::writer::payload::{encode, encode_one};
use crate::ctf::writer::{FieldType, Val};
use crate::r#gen::catalog::{self, Ev};

impl Engine {
    /// Writes event `ev` on `cpu` at the CPU's current time, then advances that time a little
    /// (an event takes time to record; it also keeps timestamps distinct).
    pub(super) fn emit(&mut self, cpu: u32, ev: Ev, vals: &[Val<'_>]) -> io::Result<()> {
        let ts = self.tick_clock(cpu);
        self.w.event_with(cpu, ev.0, ts, &mut self.scratch, |buf| {
            encode(catalog::fields(ev), vals, buf)
                .map_err(|e| io::Error::other(format!("{}: {e}", catalog::name(ev))))
        })
    }

    /// The timestamp of the next event on `cpu`, advancing its clock.
    #[inline]
    fn tick_clock(&mut self, cpu: u32) -> u64 {
        let c = &mut self.cpus[cpu as usize];
        let ts = c.now;
        c.now += 90 + (self.seq & 63);
        ts
    }

    /// Encodes a syscall's entry or exit from its integer slots and string (the hot path:
    /// no intermediate value list, integers written directly).
    pub(super) fn emit_sys(
        &mut self,
        cpu: u32,
        ev: Ev,
        ints: &[u64],
        text: Option<&str>,
    ) -> io::Result<()> {
        let ts = self.tick_clock(cpu);
        self.w.event_with(cpu, ev.0, ts, &mut self.scratch, |buf| {
            let mut k = 0;
            for f in catalog::fields(ev) {
                let v = if f.ty == FieldType::Str {
                    Val::S(text.unwrap_or(""))
                } else {
                    let v = ints.get(k).copied().unwrap_or(0);
                    k += 1;
                    match f.ty {
                        FieldType::U32 | FieldType::I32 | FieldType::Hex32 => {
                            buf.extend_from_slice(&(v as u32).to_le_bytes());
                            continue;
                        }
                        FieldType::U64 | FieldType::I64 | FieldType::Hex64 => {
                            buf.extend_from_slice(&v.to_le_bytes());
                            continue;
                        }
                        _ => Val::I(v),
                    }
                };
                if encode_one(f.ty, v, buf).is_err() {
                    return Err(io::Error::other(format!(
                        "{}: bad field {}",
                        catalog::name(ev),
                        f.name
                    )));
                }
            }
            Ok(())
        })
    }
}
