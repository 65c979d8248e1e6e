//! Semantic tests.
