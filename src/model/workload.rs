//! The workload file: monthly traffic per model, the input to cost projection.
//!
//! Every key is documented with its unit; shares are validated to 0..1 and token counts
//! to 0..10^15 while the file is read.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use super::number::{Amount, Share, TokenCount};

/// Monthly traffic, one entry per application surface or model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Workload {
    /// Traffic entries; each is priced separately and summed.
    #[schemars(with = "Vec<Traffic>")]
    pub traffic: Vec<Spanned<Traffic>>,
    /// USD a month to run a gateway (hosting, licence or vendor fee). Not published anywhere
    /// routewise could cite, so it is yours to set; without it the gateway route's cost
    /// excludes its own running cost and the report says so.
    #[serde(default)]
    pub gateway_monthly_usd: Option<Amount>,
}

/// One stream of traffic to one model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Traffic {
    /// A name for the line items, such as `chat-assistant`.
    pub name: String,
    /// A model id from the pricing tables, such as `claude-sonnet-4-5`.
    #[schemars(with = "String")]
    pub model: Spanned<String>,
    /// Prompt tokens a month, including tokens read from or written to the cache.
    pub input_tokens_per_month: TokenCount,
    /// Completion tokens a month.
    pub output_tokens_per_month: TokenCount,
    /// Share of input tokens read from the prompt cache (0..1).
    #[serde(default)]
    pub cache_hit_rate: Share,
    /// Share of input tokens written to the prompt cache (0..1); with `cache_hit_rate` at most 1.
    #[serde(default)]
    pub cache_write_rate: Share,
    /// How long cache writes live: `5m` (1.25x input) or `1h` (2x input).
    #[serde(default)]
    pub cache_ttl: CacheTtl,
    /// Share of the traffic that can go through batch processing (0..1), at the batch discount.
    #[serde(default)]
    pub batch_share: Share,
    /// Share of the traffic in requests above the model's long-context threshold (0..1),
    /// priced at the long-context rates where the model has them.
    #[serde(default)]
    pub long_context_share: Share,
}

/// Prompt-cache lifetime, which sets the cache-write price.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum CacheTtl {
    #[default]
    #[serde(rename = "5m")]
    FiveMinutes,
    #[serde(rename = "1h")]
    OneHour,
}
