//! The packet index files agree with the stream files they describe (babeltrace2 silently
//! ignores an invalid index, so its acceptance alone would not catch a broken one), and the
//! packets are laid out as LTTng lays them out.

// Test code: a panic is how a failure is reported.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use lttng_tui::r#gen::{GenConfig, ScenarioKind, generate};

fn be(b: &[u8], at: usize) -> u64 {
    u64::from_be_bytes(b[at..at + 8].try_into().unwrap())
}

fn le64(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
}

fn le32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}

fn check_stream(kernel: &Path, cpu: u32, begin: u64) {
    let data = std::fs::read(kernel.join(format!("channel0_{cpu}"))).unwrap();
    let idx = std::fs::read(kernel.join(format!("index/channel0_{cpu}.idx"))).unwrap();
    assert_eq!(
        &idx[0..16],
        &[0xC1, 0xF1, 0xDC, 0xC1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 72]
    );
    assert_eq!((idx.len() - 16) % 72, 0);
    let mut expect_offset = 0u64;
    let mut prev_end = begin;
    for (seq, e) in idx[16..].chunks(72).enumerate() {
        let (off, size, content) = (be(e, 0), be(e, 8), be(e, 16));
        assert_eq!(off, expect_offset, "packets are contiguous");
        assert_eq!(size % (4096 * 8), 0, "packets are whole pages");
        assert!(content <= size);
        let p = &data[off as usize..(off + size / 8) as usize];
        assert_eq!(le32(p, 0), 0xC1FC_1FC1, "magic");
        assert_eq!(le32(p, 20), 0, "stream_id");
        assert_eq!(le64(p, 24), u64::from(cpu), "stream_instance_id");
        let ctx: Vec<u64> = (0..6).map(|i| le64(p, 32 + 8 * i)).collect();
        assert_eq!(
            ctx,
            [be(e, 24), be(e, 32), content, size, seq as u64, be(e, 40)]
        );
        assert_eq!(le32(p, 80), cpu, "cpu_id");
        assert_eq!(be(e, 48), 0);
        assert_eq!(be(e, 56), u64::from(cpu));
        assert_eq!(be(e, 64), seq as u64);
        assert_eq!(
            ctx[0], prev_end,
            "each packet begins where the previous one ended"
        );
        assert!(ctx[1] >= ctx[0]);
        assert!(
            p[(content / 8) as usize..].iter().all(|&b| b == 0),
            "padding is zeroed"
        );
        prev_end = ctx[1];
        expect_offset += size / 8;
    }
    assert_eq!(
        expect_offset,
        data.len() as u64,
        "the index covers the whole file"
    );
}

#[test]
fn index_files_match_packets() {
    for (scenario, cpus) in [(ScenarioKind::Uniform, 3), (ScenarioKind::Web, 2)] {
        let dir = tempfile::tempdir().unwrap();
        let mut cfg = GenConfig::new(scenario, dir.path());
        cfg.cpus = cpus;
        cfg.max_events = Some(300_000);
        cfg.packet_bytes = 64 * 1024;
        cfg.discard_rate = 0.2;
        generate(&cfg, &mut |_| {}).unwrap();
        let t: lttng_tui::r#gen::truth::GroundTruth =
            serde_json::from_slice(&std::fs::read(dir.path().join("ground-truth.json")).unwrap())
                .unwrap();
        let begin = t.trace_begin_ns - t.clock_offset_ns;
        for cpu in 0..cpus {
            check_stream(&dir.path().join("kernel"), cpu, begin);
        }
        let meta = std::fs::read(dir.path().join("kernel/metadata")).unwrap();
        assert_eq!(meta.len() % 4096, 0);
        assert_eq!(le32(&meta, 0), 0x75D1_1D57, "packetized metadata");
    }
}
