//! Scheduling priority of the decoding threads.
//!
//! A parallel read runs one decoding thread per stream ahead of one merging thread that
//! consumes their batches in time order. On a machine with fewer cores than threads (two
//! cores, four CPUs' streams and the merging thread), the scheduler shares the cores equally
//! among the runnable threads, so the merging thread, the pipeline's longest stage when it
//! builds the model, waited for a core behind decoders that were ahead of it anyway. Lower
//! priority decoders run on what the merging thread leaves: it has a core whenever it has
//! work, and they still fill their channels, since it blocks as soon as one is empty.

/// How far below the caller's priority the decoding threads run (a `nice` increment). 5, 10
/// and 19 measured alike, within this VM's noise; what matters is that the merging thread
/// comes first. Indexing a 1 GB trace on two cores, the merging thread then spent about 10 %
/// less CPU time on the same work in two pairs of runs (5.05–5.16 s against 4.53–4.55 s):
/// fewer decoders scheduled onto its core mid-batch to cool its caches.
pub const DECODER_NICE: i32 = 10;

/// Lowers the calling thread's scheduling priority by `increment` (a `nice` value; higher is
/// lower priority). Best effort: where threads have no priority of their own, or the call
/// fails, nothing changes.
pub fn lower_current_thread(increment: i32) {
    #[cfg(target_os = "linux")]
    {
        let (tid, current) = current_thread();
        let target = current.saturating_add(increment).clamp(-20, 19);
        // SAFETY: `setpriority` only changes the priority of the thread `tid` names (on
        // Linux a thread id with `PRIO_PROCESS` names one thread); no memory is passed.
        unsafe {
            libc::setpriority(libc::PRIO_PROCESS, tid, target);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = increment;
}

/// The calling thread's id and `nice` value.
#[cfg(target_os = "linux")]
fn current_thread() -> (libc::id_t, i32) {
    // SAFETY: `gettid` and `getpriority` only read the calling thread's identity and
    // priority; no memory is passed to either.
    unsafe {
        let tid = libc::gettid() as libc::id_t;
        // -1 is both a valid priority and getpriority's error value; errno tells them
        // apart, but an error here only means an increment applies to 0 instead.
        (tid, libc::getpriority(libc::PRIO_PROCESS, tid))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The calling thread's `nice` value, where threads have one.
    fn current_thread_nice() -> Option<i32> {
        #[cfg(target_os = "linux")]
        return Some(current_thread().1);
        #[cfg(not(target_os = "linux"))]
        None
    }

    #[test]
    fn a_lowered_thread_runs_below_its_spawner_and_the_spawner_is_unchanged() {
        let Some(before) = current_thread_nice() else {
            eprintln!("skipped: threads have no priority of their own here");
            return;
        };
        let inside = std::thread::spawn(|| {
            lower_current_thread(3);
            current_thread_nice()
        })
        .join()
        .unwrap();
        assert_eq!(inside, Some((before + 3).min(19)));
        assert_eq!(current_thread_nice(), Some(before));
    }

    /// Writes, for each event, the `nice` value of the thread that formats it.
    struct NiceOfFormatter;

    impl crate::ctf::parallel::EventFormatter for NiceOfFormatter {
        fn format(
            &mut self,
            _: &crate::ctf::message::EventRecord<'_>,
            _: Option<u64>,
            primary: &mut Vec<u8>,
            _: &mut Vec<u8>,
        ) {
            primary.extend_from_slice(&current_thread_nice().unwrap_or(99).to_le_bytes());
        }
    }

    #[test]
    fn streams_are_decoded_below_the_merging_thread() {
        use crate::r#gen::{GenConfig, ScenarioKind, generate};
        let Some(merging) = current_thread_nice() else {
            eprintln!("skipped: threads have no priority of their own here");
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("web");
        let mut cfg = GenConfig::new(ScenarioKind::Web, &out);
        cfg.max_events = Some(2_000);
        generate(&cfg, &mut |_| {}).unwrap();
        let session = crate::ctf::session::Session::open(&out).unwrap();
        assert!(session.traces[0].streams.len() > 1);
        let factory =
            || -> Box<dyn crate::ctf::parallel::EventFormatter> { Box::new(NiceOfFormatter) };
        let mut events = 0;
        let outcome = session.for_each_formatted(Some(&factory), |_, text, _| {
            let nice = i32::from_le_bytes(text.try_into().unwrap());
            assert_eq!(nice, (merging + DECODER_NICE).min(19));
            events += 1;
            std::ops::ControlFlow::Continue(())
        });
        assert!(outcome.errors.is_empty());
        assert!(events >= 2_000, "{events} events");
        assert_eq!(current_thread_nice(), Some(merging));
    }
}
