//! Why rendering an output failed. A template is the user's input when they pass
//! `--templates`, so its problems are diagnostics; serialising JSON or writing CSV can only
//! fail through a fault of routewise.

use crate::engine::error::EngineError;
use crate::support::csv_text::CsvError;
use crate::support::diagnostic::{Diagnostic, Diagnostics};
use crate::support::internal::Internal;

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A template is missing or failed to render: an input problem (exit 2).
    #[error("{0}")]
    Template(Diagnostics),
    /// Serialising the output as JSON failed (exit 1).
    #[error("serialising the output failed: {0}")]
    Json(#[from] serde_json::Error),
    /// Writing the output as CSV failed (exit 1).
    #[error(transparent)]
    Csv(#[from] CsvError),
    /// Computing what a page charts (a projection, a sweep) failed (exit 1).
    #[error("building the report failed: {0}")]
    Engine(#[from] EngineError),
    /// A renderer was asked for a format it does not draw: a bug (exit 1).
    #[error(transparent)]
    Internal(#[from] Internal),
}

impl From<Diagnostic> for RenderError {
    fn from(diagnostic: Diagnostic) -> Self {
        RenderError::Template(diagnostic.into())
    }
}
