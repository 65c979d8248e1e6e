//! The builder's TID → thread index, as a vector for the TIDs Linux can give.

use foldhash::HashMap;

use super::NO_THREAD;

/// Linux never gives a TID above `PID_MAX_LIMIT` (2^22 on 64-bit). A larger one in a trace
/// is damage, kept in a map: as a vector index it could ask for gigabytes.
const DENSE_LIMIT: u32 = 1 << 22;

/// Thread index of the current generation of each TID.
#[derive(Debug, Default)]
pub(super) struct TidTable {
    dense: Vec<u32>,
    sparse: HashMap<u32, u32>,
}

impl TidTable {
    /// The thread of `tid`, if it has one now.
    #[inline]
    pub fn get(&self, tid: u32) -> Option<u32> {
        let ix = if tid < DENSE_LIMIT {
            self.dense.get(tid as usize).copied()
        } else {
            self.sparse.get(&tid).copied()
        };
        ix.filter(|&ix| ix != NO_THREAD)
    }

    /// Makes `ix` the thread of `tid`.
    pub fn set(&mut self, tid: u32, ix: u32) {
        if tid >= DENSE_LIMIT {
            self.sparse.insert(tid, ix);
            return;
        }
        let i = tid as usize;
        if self.dense.len() <= i {
            self.dense.resize(i + 1, NO_THREAD);
        }
        self.dense[i] = ix;
    }

    /// Leaves `tid` without a thread.
    pub fn remove(&mut self, tid: u32) {
        if tid >= DENSE_LIMIT {
            self.sparse.remove(&tid);
        } else if let Some(slot) = self.dense.get_mut(tid as usize) {
            *slot = NO_THREAD;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forged_tid_takes_no_room_in_the_vector() {
        let mut t = TidTable::default();
        t.set(7, 1);
        t.set(u32::MAX - 1, 2);
        assert_eq!(
            (t.get(7), t.get(u32::MAX - 1), t.get(8)),
            (Some(1), Some(2), None)
        );
        assert!(t.dense.len() <= 8);
        t.remove(u32::MAX - 1);
        t.remove(7);
        assert_eq!((t.get(7), t.get(u32::MAX - 1)), (None, None));
    }
}
