//! Backs the main thread's heap with 2 MiB pages while a command builds large results.
//!
//! A warm analysis run (cached index) spends most of its time building and printing tables
//! of tens of thousands of rows. Every first touch of a 4 KiB page costs a page fault; on the
//! virtual machines traces are often read on, one fault costs about 1.5 µs, a third of a 30 ms
//! `iolog`. With transparent huge pages in `madvise` mode (the common default), a heap
//! region marked `MADV_HUGEPAGE` takes one fault per 2 MiB instead.

/// Grows the heap by `bytes` up front, keeps what is freed in it, and marks it for huge
/// pages. Best effort: without glibc or transparent huge pages nothing changes.
pub fn prefer_huge_pages(bytes: usize) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        const HUGE: usize = 2 << 20;
        let Ok(pad) = i32::try_from(bytes) else {
            return;
        };
        // SAFETY: `mallopt` only changes glibc's allocation parameters; `sbrk(0)` only reads
        // the program break; the block is allocated and freed here without being touched;
        // `madvise(MADV_HUGEPAGE)` only changes how the kernel backs a range that is mapped
        // (between the old and the new break), never its contents.
        unsafe {
            // Large blocks come from the heap and stay there once freed, so the marked range
            // is what later allocations reuse; the heap grows by `pad` past each request.
            libc::mallopt(libc::M_MMAP_THRESHOLD, pad.min(32 << 20));
            libc::mallopt(libc::M_TRIM_THRESHOLD, i32::MAX);
            libc::mallopt(libc::M_TOP_PAD, pad);
            let start = libc::sbrk(0) as usize;
            // Through `black_box`: an unused malloc/free pair would be optimised away.
            libc::free(std::hint::black_box(libc::malloc(HUGE)));
            let end = libc::sbrk(0) as usize;
            let lo = start.next_multiple_of(HUGE);
            if start != usize::MAX && end > lo + HUGE {
                libc::madvise(lo as *mut libc::c_void, end - lo, libc::MADV_HUGEPAGE);
            }
        }
    }
}
