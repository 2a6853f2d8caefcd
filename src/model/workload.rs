//! The workload file: monthly traffic per model, the input to cost projection.
//!
//! Every key is documented with its unit; shares are validated to 0..1, token counts to
//! 0..10^15 and the horizon and growth to sane ranges while the file is read.

use crate::support::invalid::InvalidValue;
use std::fmt;

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::de::{self, Deserializer};
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
    /// Months to project with `routewise cost` (1 to 120; default 12).
    #[serde(default)]
    pub horizon_months: Option<Months>,
    /// Monthly growth of every traffic entry, as a fraction (0.05 = 5% a month; -0.5 to 1).
    #[serde(default)]
    pub monthly_growth: Option<Growth>,
}

/// One stream of traffic to one model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Traffic {
    /// A name for the line items, such as `chat-assistant`.
    pub name: String,
    /// The answers file's surface this traffic belongs to (`surfaces[].name`). Without it,
    /// the entry belongs to the one surface that has no traffic of its own.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub surface: Option<Spanned<String>>,
    /// A model id from the pricing tables, such as `claude-sonnet-4-5`, or a provider's form
    /// of it (`claude-sonnet-4-5-20250929`, `eu.anthropic.claude-sonnet-4-5-20250929-v1:0`,
    /// `claude-sonnet-4-5@20250929`, `anthropic/claude-sonnet-4-5`), read as the catalogue id.
    #[schemars(with = "String")]
    pub model: Spanned<String>,
    /// Prompt tokens a month, including tokens read from or written to the cache.
    pub input_tokens_per_month: TokenCount,
    /// Completion tokens a month.
    pub output_tokens_per_month: TokenCount,
    /// Share of input tokens read from the prompt cache (0..1).
    #[serde(default)]
    pub cache_hit_rate: Share,
    /// Share of input tokens written to the cache with a 5-minute lifetime (0..1).
    #[serde(default)]
    pub cache_write_rate: Share,
    /// Share of input tokens written to the cache with a 1-hour lifetime (0..1). The three
    /// cache shares together are at most 1.
    #[serde(default)]
    pub cache_write_1h_rate: Share,
    /// Share of the traffic that can go through batch processing (0..1), at the batch discount.
    #[serde(default)]
    pub batch_share: Share,
    /// Share of the traffic in requests above the model's long-context threshold (0..1),
    /// priced at the long-context rates where the model has them.
    #[serde(default)]
    pub long_context_share: Share,
    /// Shares of the interactive (non-batch) traffic sent at a non-standard service tier,
    /// such as `{ flex: 0.3, priority: 0.1 }` (each 0..1, together at most 1). A route whose
    /// table lists no price for a tier asked for cannot price this entry.
    #[serde(default)]
    pub service_tiers: std::collections::BTreeMap<super::pricing::ServiceTier, Share>,
    /// Web searches a month (server tool), priced per 1,000 where the route has a price.
    #[serde(default)]
    pub web_searches_per_month: TokenCount,
    /// Input plus output tokens in the busiest minute; sizes provisioned throughput.
    #[serde(default)]
    pub peak_tokens_per_minute: Option<TokenCount>,
    /// Hours a day the traffic runs at its peak (1 to 24; default 8); the rest of the day
    /// carries the remaining volume evenly.
    #[serde(default)]
    pub peak_hours_per_day: Option<Hours>,
    /// Relative traffic in each of the 24 hours of a day (UTC); replaces the peak model.
    #[serde(default)]
    #[schemars(with = "Option<Vec<f64>>")]
    pub hourly_profile: Option<HourlyProfile>,
    /// This stream's own monthly growth (0.05 = 5% a month; -0.5 to 1), overriding the
    /// workload's `monthly_growth` and `--growth`.
    #[serde(default)]
    pub growth: Option<Growth>,
    /// The month of the projection (1-based, at most the horizon) in which this stream
    /// starts; before it the stream carries no traffic. Its token counts are those of its
    /// first month, and it grows from there. Default 1.
    #[serde(default)]
    #[schemars(with = "Option<StartMonth>")]
    pub start_month: Option<Spanned<StartMonth>>,
}

impl Traffic {
    /// The first month this stream carries traffic (1 without `start_month`).
    pub fn start(&self) -> u32 {
        self.start_month.as_ref().map_or(1, |s| s.value.0)
    }
}

/// A month of the projection, 1 to 120 (the longest horizon).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(transparent)]
pub struct StartMonth(#[schemars(range(min = 1, max = 120))] pub u32);

impl<'de> Deserialize<'de> for StartMonth {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = i64::deserialize(d)?;
        if !(1..=120).contains(&n) {
            return Err(de::Error::custom(format!(
                "start month {n} is out of range; months are counted from 1 (the first month of the projection) to the horizon"
            )));
        }
        Ok(StartMonth(n as u32))
    }
}

/// Months projected when neither the workload nor `--months` says.
pub const DEFAULT_HORIZON_MONTHS: u32 = 12;

/// A horizon in months, 1 to 120.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(transparent)]
pub struct Months(#[schemars(range(min = 1, max = 120))] pub u32);

impl<'de> Deserialize<'de> for Months {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = i64::deserialize(d)?;
        if !(1..=120).contains(&n) {
            return Err(de::Error::custom(format!(
                "{n} months is out of range; the horizon is 1 to 120 months"
            )));
        }
        Ok(Months(n as u32))
    }
}

/// Monthly growth as a fraction, from -0.5 (halving every month) to 1 (doubling).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(transparent)]
pub struct Growth(#[schemars(with = "f64")] pub Decimal);

impl Growth {
    /// Parses and checks a growth rate written as `0.05` or `5%`.
    pub fn parse(text: &str) -> Result<Growth, InvalidValue> {
        let trimmed = text.trim();
        let (number, scale) = match trimmed.strip_suffix('%') {
            Some(n) => (n.trim(), Decimal::ONE_HUNDRED),
            None => (trimmed, Decimal::ONE),
        };
        let value: Decimal = number
            .parse::<Decimal>()
            .or_else(|_| {
                number
                    .parse::<f64>()
                    .map_err(|_| ())
                    .and_then(|f| Decimal::try_from(f).map_err(|_| ()))
            })
            .map_err(|()| format!("`{text}` is not a growth rate; write 0.05 or 5%"))?;
        Growth::checked(value / scale)
    }

    fn checked(value: Decimal) -> Result<Growth, InvalidValue> {
        if value < Decimal::new(-5, 1) || value > Decimal::ONE {
            return Err(format!(
                "a monthly growth of {value} is out of range; expected -0.5 to 1 (5% is 0.05)"
            )
            .into());
        }
        Ok(Growth(value))
    }
}

impl<'de> Deserialize<'de> for Growth {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct GrowthVisitor;
        impl de::Visitor<'_> for GrowthVisitor {
            type Value = Growth;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a monthly growth rate such as 0.05 or \"5%\"")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Growth, E> {
                Growth::checked(Decimal::from(v)).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Growth, E> {
                Growth::checked(Decimal::from(v)).map_err(E::custom)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Growth, E> {
                Growth::parse(&v.to_string()).map_err(E::custom)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Growth, E> {
                Growth::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_any(GrowthVisitor)
    }
}

/// Hours a day, 1 to 24.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(transparent)]
pub struct Hours(#[schemars(range(min = 1, max = 24))] pub u32);

impl<'de> Deserialize<'de> for Hours {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = i64::deserialize(d)?;
        if !(1..=24).contains(&n) {
            return Err(de::Error::custom(format!(
                "{n} hours a day is out of range; expected 1 to 24"
            )));
        }
        Ok(Hours(n as u32))
    }
}

/// Relative traffic in each hour of the day: 24 non-negative weights, not all zero.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct HourlyProfile(pub Vec<Decimal>);

impl<'de> Deserialize<'de> for HourlyProfile {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let weights = Vec::<Amount>::deserialize(d)?;
        if weights.len() != 24 {
            return Err(de::Error::custom(format!(
                "an hourly profile has 24 weights, one per hour of the day; found {}",
                weights.len()
            )));
        }
        if weights.iter().all(|w| w.0.is_zero()) {
            return Err(de::Error::custom(
                "an hourly profile needs at least one hour with traffic",
            ));
        }
        Ok(HourlyProfile(weights.into_iter().map(|w| w.0).collect()))
    }
}
