//! The screenshots in `screenshots/`: every tab at 120x40 on the demo trace, as insta text
//! snapshots and colour SVG renders. Regenerate both after a reviewed UI change with
//!
//! ```sh
//! UPDATE_SCREENSHOTS=1 INSTA_UPDATE=always cargo test --release --test tui_screenshots
//! ```
//!
//! Without `UPDATE_SCREENSHOTS`, a stale SVG fails the test like a stale text snapshot.
#![allow(clippy::unwrap_used)]

mod tui_support;

use std::path::PathBuf;

use lttng_tui::tui::harness::Harness;
use lttng_tui::tui::svg::to_svg;
use tui_support::{open_demo, settle, stable_screen};

fn check(h: &mut Harness, name: &str) {
    let text = stable_screen(h);
    insta::with_settings!({ snapshot_path => "../screenshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!(name, text);
    });
    let svg = to_svg(h.draw().unwrap()).replace(
        &tui_support::demo_trace().display().to_string(),
        "&lt;demo&gt;/kernel",
    );
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("screenshots")
        .join(format!("{name}.svg"));
    if std::env::var_os("UPDATE_SCREENSHOTS").is_some() {
        std::fs::write(&path, &svg).unwrap();
    } else {
        let stored = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            stored == svg,
            "{} is stale: regenerate with UPDATE_SCREENSHOTS=1 (see this file's docs)",
            path.display()
        );
    }
}

#[test]
fn screenshots() {
    let mut h = open_demo(120, 40);
    h.press("l l l l l l l l l l [ l l l l l l l l l l ]");
    // The Top tables of the selection come from a background thread.
    settle(&mut h);
    check(&mut h, "overview");
    h.press("2 :");
    h.type_text("filter_threads apache2");
    h.press("enter j z l l l l l l l l l l l l l l l l l l l l");
    check(&mut h, "control-flow");
    h.press("3 f");
    check(&mut h, "resources");
    h.press("4");
    check(&mut h, "top");
    h.press("5");
    h.press("/");
    h.type_text("block_rq_issue");
    h.press("enter");
    settle(&mut h);
    check(&mut h, "events-search");
    h.press("?");
    check(&mut h, "help");
    h.press("esc :");
    h.type_text("the");
    check(&mut h, "palette");
    h.press("esc 6");
    settle(&mut h);
    check(&mut h, "latency");
    let mut a = tui_support::args();
    a.view = Some("web-requests".into());
    let mut h = Harness::open(tui_support::demo_trace(), &a, 120, 40).unwrap();
    settle(&mut h);
    h.press("7");
    settle(&mut h);
    check(&mut h, "periods");
    h.press("enter");
    check(&mut h, "periods-drill-down");
}

/// The final screen of each README walkthrough, as the README shows it: the same command
/// line options and keys, pressed one at a time once the background work has settled.
#[test]
fn walkthrough_screenshots() {
    for w in tui_support::readme::readme_walkthroughs() {
        let mut a = tui_support::args();
        let mut rest = w.args.iter().skip(1);
        while let Some(arg) = rest.next() {
            match arg.as_str() {
                "--view" => a.view = rest.next().cloned(),
                other => panic!("the screenshot test does not know the option `{other}`"),
            }
        }
        let mut h = Harness::open(tui_support::demo_trace(), &a, 120, 40).unwrap();
        settle(&mut h);
        for key in &w.keys {
            h.press(key);
            settle(&mut h);
        }
        check(&mut h, &format!("walkthrough-{}", slug(&w.heading)));
    }
}

/// `CPU theft by xz` → `cpu-theft-by-xz`.
fn slug(heading: &str) -> String {
    let words: Vec<String> = heading
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    words.join("-")
}
