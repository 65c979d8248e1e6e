//! The README's walkthroughs: the problem, the command that opens the demo, and the keys.
//!
//! Each `## Walkthrough: PROBLEM` section holds the command in a fenced block
//! (`cargo run --release -- demo ...`) and the keys, in `tmux send-keys` syntax, in a
//! ```` ```keys ```` block. The tmux test replays them on the binary and the screenshot test
//! renders their final screens, so the README cannot drift from what works.

/// One README walkthrough.
#[derive(Debug)]
pub struct Walkthrough {
    /// `dead DNS server` for `## Walkthrough: dead DNS server`.
    pub heading: String,
    /// The arguments after `cargo run --release --`.
    pub args: Vec<String>,
    /// Keys in `tmux send-keys` syntax.
    pub keys: Vec<String>,
}

/// Every walkthrough of the README, in order.
pub fn readme_walkthroughs() -> Vec<Walkthrough> {
    let readme = include_str!("../../README.md");
    let mut out: Vec<Walkthrough> = Vec::new();
    // Whether the section being read is a walkthrough, and the open fence's info string.
    let mut in_walkthrough = false;
    let mut fence: Option<&str> = None;
    for line in readme.lines() {
        if let Some(info) = fence {
            if line.starts_with("```") {
                fence = None;
            } else if let (true, Some(w)) = (in_walkthrough, out.last_mut()) {
                if info == "keys" {
                    w.keys = line.split_whitespace().map(str::to_owned).collect();
                } else if let Some(rest) = line.strip_prefix("cargo run --release -- ") {
                    w.args = rest.split_whitespace().map(str::to_owned).collect();
                }
            }
        } else if let Some(info) = line.strip_prefix("```") {
            fence = Some(info.trim());
        } else if let Some(heading) = line.strip_prefix("## Walkthrough: ") {
            in_walkthrough = true;
            out.push(Walkthrough {
                heading: heading.to_owned(),
                args: Vec::new(),
                keys: Vec::new(),
            });
        } else if line.starts_with("## ") {
            in_walkthrough = false;
        }
    }
    out
}
