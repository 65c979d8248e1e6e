//! Path tests.
