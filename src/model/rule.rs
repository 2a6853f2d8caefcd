//! Decision rules as data (`rules/rules.yaml`): a stable code, a condition, an effect and a
//! message, each documented like a lint.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

/// One rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable code: `RW0xx` eliminates, `RW1xx` scores, `RW2xx` warns.
    pub code: String,
    /// Short kebab-case name, such as `residency-geography`.
    pub name: String,
    pub effect: Effect,
    /// Points added to a route's score when the condition holds (score rules only; may be
    /// negative).
    #[serde(default)]
    pub weight: Option<i64>,
    /// A minijinja expression over `answers`, `route` and `workload`; the rule fires when it
    /// is true. Checked at load: an unknown question or route attribute is an error.
    #[schemars(with = "String")]
    pub when: Spanned<String>,
    /// A minijinja template for the one-line reason shown in reports.
    #[schemars(with = "String")]
    pub message: Spanned<String>,
    /// What the rule checks and why it matters, for `routewise rules`.
    pub why: String,
    /// Where the logic comes from.
    pub source: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// The route breaks a hard constraint and is removed.
    Eliminate,
    /// The route gains (or loses) `weight` points.
    Score,
    /// A known gotcha is shown for the route.
    Warn,
}

impl Effect {
    /// The effect as written in rule files.
    pub fn name(self) -> &'static str {
        match self {
            Effect::Eliminate => "eliminate",
            Effect::Score => "score",
            Effect::Warn => "warn",
        }
    }

    /// The code prefix every rule of this effect must carry.
    pub fn code_prefix(self) -> &'static str {
        match self {
            Effect::Eliminate => "RW0",
            Effect::Score => "RW1",
            Effect::Warn => "RW2",
        }
    }
}
