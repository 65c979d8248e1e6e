//! Scenarios: which processes run, what they do, and what problems are planted.

pub mod common;
pub mod requests;
pub mod uniform;
pub mod web;
