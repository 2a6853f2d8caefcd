//! The rates of one model in force on one date at one service tier: the base price, a dated
//! period or a flex/priority price, resolved into plain decimals with its prompt-length tiers.

use rust_decimal::Decimal;

use crate::model::number::Amount;
use crate::model::pricing::{ModelPrice, PricePeriod, PromptTier, ServiceTier};
use crate::support::date::Date;

/// Per-token rates of every category, USD per million tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CategoryRates {
    pub input: Decimal,
    pub output: Decimal,
    pub cache_write_5m: Option<Decimal>,
    pub cache_write_1h: Option<Decimal>,
    pub cache_read: Option<Decimal>,
}

/// The rates above one prompt-length threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TierRates {
    /// Prompts with more tokens than this pay these rates on all their tokens.
    pub above_input_tokens: u64,
    pub rates: CategoryRates,
}

/// A model's rates as they apply on one date at one service tier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateCard {
    pub base: CategoryRates,
    /// Ascending by threshold.
    pub tiers: Vec<TierRates>,
    /// The dated period in force, as `from..until` for messages (`None`: the base price).
    pub period: Option<String>,
}

impl RateCard {
    /// The standard-tier rates of `price` in force on `on` (the base rates when no period
    /// covers it, or when `on` is `None`).
    pub fn of(price: &ModelPrice, on: Option<Date>) -> RateCard {
        match on.and_then(|d| period_on(price, d)) {
            Some(period) => RateCard {
                base: rates(
                    period.input.unwrap_or(price.input),
                    period.output.unwrap_or(price.output),
                    period.cache_write_5m,
                    period.cache_write_1h,
                    period.cache_read,
                ),
                tiers: tiers(&period.tiers),
                period: Some(describe(period)),
            },
            None => RateCard {
                base: rates(
                    price.input,
                    price.output,
                    price.cache_write_5m,
                    price.cache_write_1h,
                    price.cache_read,
                ),
                tiers: tiers(&price.tiers),
                period: None,
            },
        }
    }

    /// The rates of a service tier, or `None` when the table does not list it.
    pub fn service(price: &ModelPrice, tier: ServiceTier) -> Option<RateCard> {
        let r = price.service_tiers.get(&tier)?;
        Some(RateCard {
            base: rates(
                r.input?,
                r.output?,
                r.cache_write_5m,
                r.cache_write_1h,
                r.cache_read,
            ),
            tiers: tiers(&r.tiers),
            period: None,
        })
    }

    /// The first (lowest) prompt-length tier: the one a workload's `long_context_share` means.
    pub fn first_tier(&self) -> Option<&TierRates> {
        self.tiers.first()
    }
}

/// The period of `price` covering `on`, if any.
pub fn period_on(price: &ModelPrice, on: Date) -> Option<&PricePeriod> {
    price.periods.iter().find(|p| {
        let after_start = p
            .from
            .as_deref()
            .and_then(Date::parse)
            .is_none_or(|from| from <= on);
        let before_end = p
            .until
            .as_deref()
            .and_then(Date::parse)
            .is_none_or(|until| on <= until);
        after_start && before_end
    })
}

/// `from 2027-01-01`, `through 2026-12-31`, `2027-01-01 to 2027-06-30`.
pub fn describe(period: &PricePeriod) -> String {
    match (&period.from, &period.until) {
        (Some(f), Some(u)) => format!("{f} to {u}"),
        (Some(f), None) => format!("from {f}"),
        (None, Some(u)) => format!("through {u}"),
        (None, None) => "always".into(),
    }
}

fn rates(
    input: Amount,
    output: Amount,
    cache_write_5m: Option<Amount>,
    cache_write_1h: Option<Amount>,
    cache_read: Option<Amount>,
) -> CategoryRates {
    CategoryRates {
        input: input.0,
        output: output.0,
        cache_write_5m: cache_write_5m.map(|a| a.0),
        cache_write_1h: cache_write_1h.map(|a| a.0),
        cache_read: cache_read.map(|a| a.0),
    }
}

fn tiers(tiers: &[PromptTier]) -> Vec<TierRates> {
    let mut out: Vec<TierRates> = tiers
        .iter()
        .filter_map(|t| {
            Some(TierRates {
                above_input_tokens: t.above_input_tokens.0,
                rates: rates(
                    t.input?,
                    t.output?,
                    t.cache_write_5m,
                    t.cache_write_1h,
                    t.cache_read,
                ),
            })
        })
        .collect();
    out.sort_by_key(|t| t.above_input_tokens);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gemini_3_8_flash() -> ModelPrice {
        toml::from_str(
            r#"
family = "gemini"
input = 1.50
output = 7.50
[[periods]]
until = "2026-12-31"
input = 0.75
output = 3.75
"#,
        )
        .expect("reads")
    }

    #[test]
    fn the_period_in_force_replaces_the_base_rates_and_the_base_applies_after_it() {
        let p = gemini_3_8_flash();
        let before = RateCard::of(&p, Date::parse("2026-12-31"));
        assert_eq!(before.base.input, Decimal::new(75, 2));
        assert_eq!(before.period.as_deref(), Some("through 2026-12-31"));
        let after = RateCard::of(&p, Date::parse("2027-01-01"));
        assert_eq!(after.base.input, Decimal::new(150, 2));
        assert_eq!(after.base.output, Decimal::new(750, 2));
        assert!(after.period.is_none());
    }

    #[test]
    fn tiers_are_sorted_by_threshold_and_service_tiers_absent_are_none() {
        let p: ModelPrice = toml::from_str(
            r#"
family = "claude"
input = 0.10
output = 0.50
[[tiers]]
above_input_tokens = 500000
input = 1
output = 5
[[tiers]]
above_input_tokens = 100000
input = 0.50
output = 2.50
"#,
        )
        .expect("reads");
        let card = RateCard::of(&p, None);
        assert_eq!(
            card.first_tier().map(|t| t.above_input_tokens),
            Some(100_000)
        );
        assert!(RateCard::service(&p, ServiceTier::Flex).is_none());
    }
}
