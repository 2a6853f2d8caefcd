//! The route catalogue: every door to a model, as data in `rules/routes.yaml`.
//!
//! Vocabulary fields (auth, residency, compliance, model families, features, cloud) are
//! plain strings checked against the questionnaire's choices when the catalogue loads, so
//! a new framework or geography is a data change, not a code change.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One route to a model: who runs it and what it guarantees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// Stable id used in reports, rules and price books, such as `bedrock-geo`.
    pub id: String,
    pub name: String,
    /// Who runs the inference endpoint (anthropic, aws, gcp, google, azure, gateway).
    pub platform: Platform,
    /// The existing cloud this route belongs to (a `cloud` answer), or `none`.
    pub cloud: String,
    /// Accepted authentication: `api_key` (static keys) and/or `iam` (short-lived credentials).
    pub auth: Vec<String>,
    /// Which invoice the usage lands on.
    pub billing: Billing,
    /// Geographies the route can keep prompts and completions in; empty means global only.
    #[serde(default)]
    pub residency: Vec<String>,
    /// True when traffic can be pinned to one cloud region, not only a geography.
    #[serde(default)]
    pub region_pinning: bool,
    /// Compliance frameworks the route is covered by.
    #[serde(default)]
    pub compliance: Vec<String>,
    #[serde(default)]
    pub private_networking: bool,
    #[serde(default)]
    pub audit_logging: bool,
    #[serde(default)]
    pub zero_data_retention: bool,
    #[serde(default)]
    pub cmek: bool,
    #[serde(default)]
    pub guardrails: bool,
    #[serde(default)]
    pub free_tier: bool,
    /// True when the provider may use prompts and completions to improve its products.
    #[serde(default)]
    pub data_used_for_improvement: bool,
    #[serde(default)]
    pub sla: bool,
    /// Model families served. For a gateway, add those of the routes behind it.
    #[serde(default)]
    pub model_families: Vec<String>,
    /// API features available on this route.
    #[serde(default)]
    pub features: Vec<String>,
    /// How long new models and features take to arrive here.
    pub feature_lag: FeatureLag,
    /// How capacity is bought: per token on demand, or reserved per hour.
    #[serde(default)]
    pub capacity: Capacity,
    /// True when the route offers batch processing at the batch discount.
    #[serde(default)]
    pub batch: bool,
    /// How much setup the route needs before the first call.
    pub setup: Setup,
    /// True when the route adds a network hop in front of another route.
    #[serde(default)]
    pub extra_hop: bool,
    /// For a gateway: the routes behind it, in the order it prefers them for pricing.
    #[serde(default)]
    pub behind: Vec<String>,
    pub pricing: RoutePricing,
    /// The pricing table whose models this route serves, when it differs from the table it
    /// is priced from (provisioned throughput serves Bedrock's models at unpublished prices).
    #[serde(default)]
    pub models_from: Option<String>,
    /// Which source (a key of the file's `sources`) supports each claim, by attribute name.
    pub sources: BTreeMap<String, String>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// Which pricing table a route uses and at which endpoint price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoutePricing {
    /// The `table` name of a pricing file.
    pub table: String,
    /// `regional` applies the table's regional multiplier to models that carry it.
    #[serde(default)]
    pub endpoint: Endpoint,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    #[default]
    Global,
    Regional,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Anthropic,
    Aws,
    Gcp,
    Google,
    Azure,
    Gateway,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Billing {
    Anthropic,
    Aws,
    Gcp,
    Google,
    Azure,
    /// No bill at all (a free tier).
    None,
    /// Depends on the routes behind a gateway and on who runs it.
    Varies,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Capacity {
    #[default]
    OnDemand,
    /// Reserved model units billed per hour, used or not.
    Provisioned,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FeatureLag {
    SameDay,
    DaysToWeeks,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Setup {
    Simple,
    Moderate,
    Complex,
}

/// The attributes of a route that make claims and therefore need a source.
pub const CLAIMS: &[&str] = &[
    "auth",
    "billing",
    "residency",
    "compliance",
    "private_networking",
    "audit_logging",
    "zero_data_retention",
    "cmek",
    "guardrails",
    "model_families",
    "features",
    "feature_lag",
];
