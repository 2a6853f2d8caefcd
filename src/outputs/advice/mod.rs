//! The recommendation report, its decision-record keys, and its renderers.

pub mod record;
pub mod render;
pub mod report;
