//! One module per tab.

pub mod events;
pub mod overview;
