//! The recommendation report, its decision-record keys, and its renderers.

pub mod html;
pub mod portfolio;
pub mod record;
pub mod render;
pub mod report;
pub mod supersede;

use crate::data::inputs::Inputs;
use crate::engine::advice;
use crate::engine::error::EngineError;

/// The whole advice pipeline in one place: decide (engine), then build the report (data
/// built from the decision). Records, renderers and commands start from its result.
pub fn advise(inputs: &Inputs) -> Result<report::Report, EngineError> {
    if !inputs.answers.surfaces.is_empty() {
        let decided = crate::engine::portfolio::advise(inputs)?;
        return Ok(portfolio::build(inputs, &decided));
    }
    let advice = advice::advise(inputs)?;
    let mut report = report::build(inputs, &advice);
    report.record = record::RecordInfo::from_inputs(inputs);
    Ok(report)
}
