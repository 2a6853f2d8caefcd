//! The recommendation report, its decision-record keys, and its renderers.

pub mod html;
pub mod record;
pub mod render;
pub mod report;

use crate::data::inputs::Inputs;
use crate::engine::advice;

/// The whole advice pipeline in one place: decide (engine), then build the report (data
/// built from the decision). Records, renderers and commands start from its result.
pub fn advise(inputs: &Inputs) -> Result<report::Report, String> {
    let advice = advice::advise(inputs)?;
    Ok(report::build(inputs, &advice))
}
