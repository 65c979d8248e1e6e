//! Trace generator: writes realistic LTTng kernel traces together with a ground-truth file
//! (`lttng-tui gen`, `lttng-tui demo`).
//!
//! A scenario ([`scenario`]) populates a simulated machine ([`engine`]) whose side effects are
//! LTTng kernel events ([`catalog`]), written through the CTF writer
//! ([`crate::ctf::writer`]). What the simulation did is recorded in [`truth::GroundTruth`].

pub mod catalog;
pub mod damage;
pub mod engine;
mod parallel;
pub mod rng;
pub mod scenario;
mod setup;
pub mod truth;

pub use setup::{GenConfig, Progress, ScenarioKind, Summary, generate, generate_demo};
