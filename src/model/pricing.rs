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
    /// Price of reading from the cache, given per model (no global multiplier: Claude Fable
    /// 5.1 reads at 0.025x of input where most Claude models read at 0.1x).
    #[serde(default)]
    pub cache_read: Option<Amount>,
    /// Share taken off input and output for batch processing (0.5 = 50% off), from 0 to 1.
    #[serde(default)]
    pub batch_discount: Option<Share>,
    /// True when geographic and regional endpoints charge the table's regional multiplier.
    #[serde(default)]
    pub regional_premium: bool,
    /// Rates for requests whose prompt exceeds a threshold, for every token category
    /// (`[[models.X.tiers]]`), in ascending order of threshold.
    #[serde(default)]
    pub tiers: Vec<PromptTier>,
    /// Dated prices (`[[models.X.periods]]`): each replaces the rates above on its dates.
    /// Periods are contiguous (no overlap, no gap); outside them the rates above apply.
    #[serde(default)]
    pub periods: Vec<PricePeriod>,
    /// Flex and priority processing, where the table lists them (`[models.X.service_tiers.flex]`).
    #[serde(default)]
    pub service_tiers: BTreeMap<ServiceTier, Rates>,
    /// True when the price comes from a secondary source (a mirror or third-party page).
    #[serde(default)]
    pub secondary: bool,
    /// Why a price is what it is, or where it differs from the table's source.
    #[serde(default)]
    pub note: Option<String>,
}

/// Rates for requests whose prompt (fresh input plus cache reads and writes) has more
/// tokens than `above_input_tokens`. Every category the base price has must be given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PromptTier {
    pub above_input_tokens: TokenCount,
    pub input: Option<Amount>,
    pub output: Option<Amount>,
    #[serde(default)]
    pub cache_write_5m: Option<Amount>,
    #[serde(default)]
    pub cache_write_1h: Option<Amount>,
    #[serde(default)]
    pub cache_read: Option<Amount>,
}

/// A price in force on a range of dates (inclusive), replacing the base rates there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PricePeriod {
    /// First day, `YYYY-MM-DD`; absent for "from the beginning".
    #[serde(default)]
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD`; absent for "from then on".
    #[serde(default)]
    pub until: Option<String>,
    pub input: Option<Amount>,
    pub output: Option<Amount>,
    #[serde(default)]
    pub cache_write_5m: Option<Amount>,
    #[serde(default)]
    pub cache_write_1h: Option<Amount>,
    #[serde(default)]
    pub cache_read: Option<Amount>,
    /// Prompt-length tiers in force in this period (the base tiers do not carry over).
    #[serde(default)]
    pub tiers: Vec<PromptTier>,
    #[serde(default)]
    pub note: Option<String>,
}

/// A processing tier other than standard, chosen per request (Gemini's flex and priority).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ServiceTier {
    /// Cheaper, slower, may be pre-empted.
    Flex,
    /// Dearer, served first.
    Priority,
}

impl ServiceTier {
    pub const ALL: [ServiceTier; 2] = [ServiceTier::Flex, ServiceTier::Priority];

    pub fn name(self) -> &'static str {
        match self {
            ServiceTier::Flex => "flex",
            ServiceTier::Priority => "priority",
        }
    }
}

/// A full set of per-token rates (a service tier's prices).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rates {
    pub input: Option<Amount>,
    pub output: Option<Amount>,
    #[serde(default)]
    pub cache_write_5m: Option<Amount>,
    #[serde(default)]
    pub cache_write_1h: Option<Amount>,
    #[serde(default)]
    pub cache_read: Option<Amount>,
    /// Prompt-length tiers at this service tier.
    #[serde(default)]
    pub tiers: Vec<PromptTier>,
    #[serde(default)]
    pub secondary: bool,
    #[serde(default)]
    pub note: Option<String>,
}
