//! Pricing tables (`pricing/*.toml`): USD per million tokens, with source and date.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::number::{Amount, Share, TokenCount};

/// One pricing table: one provider or platform, one source, one date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PricingTable {
    /// The name routes refer to (`pricing.table` in the catalogue).
    pub table: String,
    /// Who publishes these prices.
    pub provider: String,
    /// Where the prices were read: a URL or a document.
    pub source: String,
    /// When they were read, `YYYY-MM-DD`.
    pub as_of: String,
    /// Multiplier for geographic and regional endpoints, applied to models that set
    /// `regional_premium = true`.
    #[serde(default)]
    pub regional_multiplier: Option<Amount>,
    /// Something every reader of these prices must know (printed as an assumption).
    #[serde(default)]
    pub note: Option<String>,
    /// USD per 1,000 web searches (a server tool), where the route offers it.
    #[serde(default)]
    pub web_search_per_1k: Option<Amount>,
    /// Prices per model id.
    #[serde(default)]
    pub models: BTreeMap<String, ModelPrice>,
    /// Hours billed in a month for hourly (provisioned) capacity; 730 is 24 x 365 / 12.
    #[serde(default)]
    pub hours_per_month: Option<Amount>,
    /// Tokens a minute one provisioned unit serves when a rate does not say; an assumption.
    #[serde(default)]
    pub default_tokens_per_minute_per_unit: Option<TokenCount>,
    /// Hourly prices of provisioned capacity per model id.
    #[serde(default)]
    pub provisioned: BTreeMap<String, ProvisionedRate>,
}

/// Hourly price of one provisioned model unit, by commitment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProvisionedRate {
    #[serde(default)]
    pub hourly_no_commitment: Option<Amount>,
    #[serde(default)]
    pub hourly_1_month: Option<Amount>,
    #[serde(default)]
    pub hourly_6_months: Option<Amount>,
    /// Input plus output tokens a minute one unit serves; unpublished for current models.
    #[serde(default)]
    pub tokens_per_minute_per_unit: Option<TokenCount>,
    /// True for figures of an earlier generation kept for reference, not current prices.
    #[serde(default)]
    pub historical: bool,
    #[serde(default)]
    pub note: Option<String>,
}

/// The prices of one model on one table, in USD per million tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelPrice {
    /// The model family (a `model_families` choice), such as `claude`.
    pub family: String,
    pub input: Amount,
    pub output: Amount,
    /// Price of writing to the cache with a 5-minute lifetime.
    #[serde(default)]
    pub cache_write_5m: Option<Amount>,
    /// Price of writing to the cache with a 1-hour lifetime.
    #[serde(default)]
    pub cache_write_1h: Option<Amount>,
    #[serde(default)]
    pub cache_read: Option<Amount>,
    /// Share taken off input and output for batch processing (0.5 = 50% off), from 0 to 1.
    #[serde(default)]
    pub batch_discount: Option<Share>,
    /// True when geographic and regional endpoints charge the table's regional multiplier.
    #[serde(default)]
    pub regional_premium: bool,
    #[serde(default)]
    pub long_context: Option<LongContext>,
    /// True when the price comes from a secondary source (a mirror or third-party page).
    #[serde(default)]
    pub secondary: bool,
    /// Why a price is what it is, or where it differs from the table's source.
    #[serde(default)]
    pub note: Option<String>,
}

/// Higher rates for requests whose input exceeds a threshold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LongContext {
    /// Requests with more input tokens than this pay the long-context rates on all tokens.
    pub threshold_tokens: TokenCount,
    pub input: Amount,
    pub output: Amount,
}
