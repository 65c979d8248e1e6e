//! One module per tab.

pub mod control_flow;
pub mod events;
pub mod latency;
pub mod overview;
pub mod overview_top;
pub mod period_detail;
pub mod periods;
pub mod resources;
pub mod timeline;
pub mod top;
