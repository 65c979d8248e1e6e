//! LAMI 1.0, the machine interface Trace Compass uses to run external analyses: JSON for
//! metadata, results, errors and progress lines (`json`), and a validator implementing the
//! LAMI checklist plus Trace Compass's stricter rules (`validate`), used by the tests of
//! every command that speaks LAMI; `export` writes a time range as one results file.

pub mod export;
pub mod json;
pub mod validate;

/// The LAMI version we speak, as printed by `--mi-version`.
pub const MI_VERSION: &str = "1.0";
