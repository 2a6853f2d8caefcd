//! The decision and the prices: rule conditions, elimination, scoring and ranking, cost with
//! provisioned sizing, and the provenance every output prints.

pub mod advice;
pub mod capabilities;
pub mod cost;
pub mod decide;
pub mod error;
pub mod portfolio;
pub mod price_drift;
pub mod price_import;
pub mod provenance;
pub mod tie;
pub mod unmet;
