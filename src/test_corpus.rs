//! Where the tests find the shared trace corpus (the unit tests, and through
//! `tests/common` the integration tests).

use std::path::PathBuf;

/// The corpus root `LTTNG_TUI_TRACES` names, or `None`, with a note on stderr, when it is
/// unset or empty (the tests then skip the corpus). A root that is not a directory fails
/// the test instead of skipping it: a mistyped path must not read as a corpus that was
/// checked.
pub(crate) fn root() -> Option<PathBuf> {
    let Some(root) = std::env::var_os("LTTNG_TUI_TRACES").filter(|r| !r.is_empty()) else {
        eprintln!("LTTNG_TUI_TRACES is not set: the shared trace corpus is skipped");
        return None;
    };
    let root = PathBuf::from(root);
    assert!(
        root.is_dir(),
        "LTTNG_TUI_TRACES={} is not a directory: point it at the shared trace corpus \
         (../shared/traces), or unset it to skip the corpus",
        root.display()
    );
    Some(root)
}
