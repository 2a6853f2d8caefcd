//! Why the engine, or an output built on it, could not produce a result. None of these is a
//! problem in an input file (those are diagnostics, found while loading): a rule that fails
//! while it runs, a run that lacks what it needs, or a number too large to compute. They
//! exit with code 1.

use crate::data::rule_set::RuleEvalError;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A rule's condition or message failed while evaluating.
    #[error(transparent)]
    Rule(#[from] RuleEvalError),
    /// The run needs a workload and none was given.
    #[error("{what} needs a workload")]
    NoWorkload { what: &'static str },
    /// A route the catalogue does not have.
    #[error("unknown route `{0}`")]
    UnknownRoute(String),
    /// A result the engine computed has no entry for a route it should cover: a bug.
    #[error("route `{0}` is missing from the report")]
    MissingRoute(String),
    /// An adoption guide could not be built: no guide for the route, or its template failed.
    #[error("{0}")]
    Adoption(String),
    /// A growth or sum beyond what exact decimals hold.
    #[error("growth of {growth} over {months} months is too large to compute")]
    GrowthOverflow { growth: String, months: u32 },
    /// A traffic stream that starts after the projection's last month.
    #[error("traffic `{traffic}` starts in month {start}, after the {months}-month horizon")]
    StartAfterHorizon {
        traffic: String,
        start: u32,
        months: u32,
    },
}

/// A rule test case whose run failed, with where the case is.
#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}: {source}")]
pub struct CaseError {
    pub file: String,
    pub line: u64,
    #[source]
    pub source: EngineError,
}
