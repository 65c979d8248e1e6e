//! A hint to the CPU to start loading a cache line before it is read.
//!
//! The indexing thread reads each batch item and reduced record shortly after another core
//! wrote it, so the first touch of each line waits for a cross-core transfer: sampling put
//! the merge loop's costliest instruction on the load of the batch item. Asking for the
//! lines a few items ahead overlaps those waits with the work on the current event.

/// Asks for the cache line holding `p` to be loaded into all cache levels. Any address is
/// allowed, including one past the end of an allocation or a null pointer: a prefetch
/// never faults and never changes what a program computes.
#[inline(always)]
pub fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: `prefetcht0` needs SSE, which every x86-64 CPU has; it reads no memory
        // architecturally, so no pointer validity is required.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(p.cast()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}
