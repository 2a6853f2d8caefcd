//! Decision rules as data (`rules/rules.yaml`): a stable code, a condition, an effect and a
//! message, each documented like a lint.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use crate::model::rule_code::RuleCode;

/// One rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable code: a prefix (`RW` for the embedded rules, a team's own of 2 to 8 upper-case
    /// letters), the effect digit (0 eliminates, 1 scores, 2 warns) and 2 to 5 digits:
    /// `RW001`, `ACME1007` (see `model::rule_code`).
    pub code: RuleCode,
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

    /// The digit after the prefix of every code of this effect: `RW0xx`, `ACME1xxx`.
    pub fn code_digit(self) -> char {
        match self {
            Effect::Eliminate => '0',
            Effect::Score => '1',
            Effect::Warn => '2',
        }
    }
}
