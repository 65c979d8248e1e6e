//! The background indexer (to be written).
