//! Why loading the inputs failed: problems in the user's files (exit code 2), or a failure
//! of routewise itself (exit code 1).

use crate::support::diagnostic::{Diagnostic, Diagnostics};
use crate::support::internal::Internal;

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// Every problem found in the input files.
    #[error("{0}")]
    Invalid(Diagnostics),
    /// A loader thread panicked: a bug, not bad input.
    #[error(transparent)]
    Internal(#[from] Internal),
}

impl LoadError {
    /// The input problems, if that is what failed.
    pub fn diagnostics(&self) -> Option<&Diagnostics> {
        match self {
            LoadError::Invalid(d) => Some(d),
            LoadError::Internal(_) => None,
        }
    }
}

impl From<Diagnostics> for LoadError {
    fn from(d: Diagnostics) -> Self {
        LoadError::Invalid(d)
    }
}

impl From<Diagnostic> for LoadError {
    fn from(d: Diagnostic) -> Self {
        LoadError::Invalid(d.into())
    }
}

/// Gathers the outcomes of loads that ran side by side: an internal failure wins (it may
/// have hidden input problems), otherwise every input problem of every load.
#[derive(Debug, Default)]
pub struct Collected {
    problems: Diagnostics,
    internal: Option<Internal>,
}

impl Collected {
    /// Keeps the value of a load that succeeded, recording why one failed.
    pub fn take<T>(&mut self, result: Result<T, impl Into<LoadError>>) -> Option<T> {
        match result.map_err(Into::into) {
            Ok(value) => Some(value),
            Err(LoadError::Invalid(d)) => {
                self.problems.extend(d);
                None
            }
            Err(LoadError::Internal(e)) => {
                self.internal.get_or_insert(e);
                None
            }
        }
    }

    pub fn push(&mut self, d: Diagnostics) {
        self.problems.extend(d);
    }

    pub fn is_empty(&self) -> bool {
        self.problems.is_empty() && self.internal.is_none()
    }

    /// The failure to report, once something failed.
    pub fn into_error(self) -> LoadError {
        match self.internal {
            Some(e) => LoadError::Internal(e),
            None => LoadError::Invalid(self.problems),
        }
    }
}
