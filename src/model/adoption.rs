//! How to switch to a route, as data (`rules/adoption.yaml`): every field is a template
//! rendered with the model, region and ids, so a provider's new id format is a data change.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One route's adoption guide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Adoption {
    /// The route id this guide is for.
    pub route: String,
    /// The endpoint (a template over `region`).
    pub endpoint: String,
    /// The region to use per `residency` answer (`none` when there is no requirement).
    #[serde(default)]
    pub regions: BTreeMap<String, String>,
    /// Bedrock inference-profile prefix per `residency` answer.
    #[serde(default)]
    pub profiles: BTreeMap<String, String>,
    /// The model id on this route: a template over `model`, `ids`, `region`, `profile`.
    pub model_id: String,
    /// How the application authenticates.
    pub auth: String,
    /// A Python client: a template over `model_id`, `region`, `endpoint`.
    pub python: String,
    /// A TypeScript client, likewise.
    pub typescript: String,
    /// Claude Code's environment variables, `NAME=value` templates.
    #[serde(default)]
    pub claude_code: Vec<String>,
    /// Features that do not work on this route, with what to use instead.
    #[serde(default)]
    pub breaks: Vec<Break>,
    /// The LiteLLM `litellm_params.model` of this route, for a gateway in front of it.
    #[serde(default)]
    pub litellm: Option<String>,
    /// The `litellm_params` key that takes the region (`aws_region_name`, `vertex_location`).
    #[serde(default)]
    pub litellm_region_key: Option<String>,
    /// Where the snippets and ids come from, with the date they were checked.
    pub source: String,
}

/// A feature that breaks on a route, and the alternative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Break {
    /// A `features` choice, such as `message_batches`.
    pub feature: String,
    pub alternative: String,
}
