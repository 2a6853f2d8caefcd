//! Price drift: every (table, model, token category) routewise prices, compared with a
//! third-party price list. Which key of the list stands for a table's model is a fixed
//! mapping per list format; a table with no mapping (provisioned capacity, the free tier) is
//! not compared, and the report says so.

use rust_decimal::Decimal;

use crate::data::price_feed::{FeedFormat, FeedPrice, PriceFeed};
use crate::data::prices::Prices;
use crate::data::rate_card::{CategoryRates, RateCard};
use crate::model::pricing::{ModelPrice, PricingTable};
use crate::support::date::Date;

/// The token categories compared.
pub const CATEGORIES: &[&str] = &[
    "input",
    "output",
    "cache_read",
    "cache_write_5m",
    "cache_write_1h",
];

/// One compared price.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    pub table: String,
    pub model: String,
    pub key: String,
    /// `input`, or `input above 100K` for a prompt-length tier.
    pub category: String,
    pub ours: Decimal,
    pub theirs: Decimal,
    /// |theirs - ours| / ours (0 when both are 0).
    pub gap: Decimal,
}

/// Everything a check found.
#[derive(Debug, Clone, Default)]
pub struct DriftReport {
    pub agreements: Vec<Comparison>,
    pub differences: Vec<Comparison>,
    /// (table, model) with no key in the list.
    pub missing_in_feed: Vec<(String, String)>,
    /// (table, model, category): priced by routewise, absent from the list's entry.
    pub category_missing_in_feed: Vec<(String, String, String)>,
    /// (table, key): in the list under the table's prefix, not priced by routewise.
    pub missing_in_routewise: Vec<(String, String)>,
    /// Tables with no mapping to this list.
    pub not_compared: Vec<String>,
}

/// The keys, in order of preference, that may hold `model` of `table` in a list, and the
/// prefix of keys belonging to the table (for models missing on the routewise side).
/// `multiplied` says the list's keys already carry the table's regional multiplier.
struct Mapping {
    candidates: Vec<String>,
    prefix: String,
    multiplied: bool,
}

fn mapping(format: FeedFormat, table: &str, model: &str) -> Option<Mapping> {
    let m = model;
    let (prefixes, multiplied): (&[&str], bool) = match (format, table) {
        (FeedFormat::LiteLlm, "anthropic" | "anthropic-us") => (&[""], false),
        (FeedFormat::LiteLlm, "bedrock") => (&["global.anthropic.", "anthropic."], false),
        (FeedFormat::LiteLlm, "bedrock-govcloud") => (
            &["us-gov.anthropic.", "bedrock/us-gov-west-1/anthropic."],
            true,
        ),
        (FeedFormat::LiteLlm, "vertex" | "vertex-single-region") => (&["vertex_ai/", ""], false),
        (FeedFormat::LiteLlm, "gemini-api") => (&["gemini/"], false),
        (FeedFormat::LiteLlm, "foundry" | "foundry-us") => (&["azure_ai/"], false),
        (FeedFormat::ModelsDev, "anthropic" | "anthropic-us") => (&["anthropic/"], false),
        (FeedFormat::ModelsDev, "bedrock") => (&["amazon-bedrock/global.anthropic."], false),
        (FeedFormat::ModelsDev, "vertex" | "vertex-single-region") => {
            (&["google-vertex-anthropic/", "google-vertex/"], false)
        }
        (FeedFormat::ModelsDev, "gemini-api") => (&["google/"], false),
        (FeedFormat::ModelsDev, "foundry" | "foundry-us") => (&["azure/"], false),
        (FeedFormat::GenaiPrices, "anthropic" | "anthropic-us") => (&["anthropic/"], false),
        (FeedFormat::GenaiPrices, "bedrock") => (&["aws/global.anthropic."], false),
        (FeedFormat::GenaiPrices, "vertex" | "vertex-single-region") => (&["google/"], false),
        (FeedFormat::GenaiPrices, "gemini-api") => (&["google/"], false),
        (FeedFormat::GenaiPrices, "foundry" | "foundry-us") => (&["azure/"], false),
        _ => return None,
    };
    let mut candidates = Vec::new();
    for prefix in prefixes {
        // Bedrock ids carry a version suffix; Gemini previews a `-preview` one.
        for suffix in ["", "-v1", "-v1:0", "-preview"] {
            candidates.push(format!("{prefix}{m}{suffix}"));
        }
    }
    if format == FeedFormat::LiteLlm && table == "bedrock" {
        let own = match m {
            "llama-3.3-70b" => Some("meta.llama3-3-70b-instruct-v1:0"),
            "llama-4-maverick" => Some("meta.llama4-maverick-17b-instruct-v1:0"),
            "mistral-large-3" => Some("mistral.mistral-large-3-675b-instruct"),
            _ => None,
        };
        candidates.extend(own.map(str::to_owned));
    }
    Some(Mapping {
        candidates,
        prefix: prefixes[0].to_owned(),
        multiplied,
    })
}

fn ours(rates: &CategoryRates, category: &str) -> Option<Decimal> {
    match category {
        "input" => Some(rates.input),
        "output" => Some(rates.output),
        "cache_read" => rates.cache_read,
        "cache_write_5m" => rates.cache_write_5m,
        "cache_write_1h" => rates.cache_write_1h,
        _ => None,
    }
}

fn theirs(price: &FeedPrice, category: &str) -> Option<Decimal> {
    match category {
        "input" => price.input,
        "output" => price.output,
        "cache_read" => price.cache_read,
        "cache_write_5m" => price.cache_write_5m,
        "cache_write_1h" => price.cache_write_1h,
        _ => None,
    }
}

/// The relative gap |theirs - ours| / ours; a price of 0 against a non-zero one is 100%.
pub fn gap(ours: Decimal, theirs: Decimal) -> Decimal {
    if ours.is_zero() {
        return if theirs.is_zero() {
            Decimal::ZERO
        } else {
            Decimal::ONE
        };
    }
    ((theirs - ours).abs() / ours).round_dp(6).normalize()
}

/// The key of `feed` that holds `model` of `table`, and the factor its prices carry over
/// ours (the table's regional multiplier when the list's keys include it, else 1).
pub fn feed_key(
    feed: &PriceFeed,
    table: &PricingTable,
    model: &str,
    price: &ModelPrice,
) -> Option<(String, Decimal)> {
    let map = mapping(feed.format, &table.table, model)?;
    let dated = |k: &String| {
        feed.prices
            .keys()
            .find(|key| key.starts_with(&format!("{k}-20")))
            .cloned()
    };
    let key = map
        .candidates
        .iter()
        .find(|k| feed.prices.contains_key(k.as_str()))
        .cloned()
        .or_else(|| map.candidates.iter().find_map(dated))?;
    let factor = match (
        map.multiplied,
        price.regional_premium,
        table.regional_multiplier,
    ) {
        (true, true, Some(m)) => m.0,
        _ => Decimal::ONE,
    };
    Some((key, factor))
}

/// Whether `feed` has a key mapping for `table` at all.
pub fn maps_table(feed: &PriceFeed, table: &PricingTable) -> bool {
    table
        .models
        .keys()
        .any(|m| mapping(feed.format, &table.table, m).is_some())
}

/// Compares every priced (table, model, category) with `feed`; a gap above `tolerance`
/// (a fraction, 0.01 = 1%) is a difference.
pub fn compare(prices: &Prices, feed: &PriceFeed, tolerance: Decimal) -> DriftReport {
    let mut report = DriftReport::default();
    let mut listed_prefixes: Vec<String> = Vec::new();
    for loaded in &prices.tables {
        let table: &PricingTable = &loaded.table;
        if table.models.is_empty() {
            continue;
        }
        let mut compared_any_mapping = false;
        let mut matched_keys: Vec<String> = Vec::new();
        let mut prefix = String::new();
        for (model, price) in &table.models {
            let Some(map) = mapping(feed.format, &table.table, model) else {
                continue;
            };
            compared_any_mapping = true;
            prefix.clone_from(&map.prefix);
            // An exact key first, then a dated one (`...-20250929-v1:0`).
            let dated = |k: &String| {
                feed.prices
                    .keys()
                    .find(|key| key.starts_with(&format!("{k}-20")))
                    .cloned()
            };
            let Some(key) = map
                .candidates
                .iter()
                .find(|k| feed.prices.contains_key(k.as_str()))
                .cloned()
                .or_else(|| map.candidates.iter().find_map(dated))
            else {
                report
                    .missing_in_feed
                    .push((table.table.clone(), model.clone()));
                continue;
            };
            matched_keys.push(key.clone());
            let entry = &feed.prices[&key];
            let factor = match (
                map.multiplied,
                price.regional_premium,
                table.regional_multiplier,
            ) {
                (true, true, Some(m)) => m.0,
                _ => Decimal::ONE,
            };
            // The price in force on the table's own date (a dated period, where one applies).
            let card = RateCard::of(price, Date::parse(&table.as_of));
            let mut rows: Vec<(String, Option<Decimal>, Option<Decimal>)> = CATEGORIES
                .iter()
                .map(|&c| (c.to_owned(), ours(&card.base, c), theirs(entry, c)))
                .collect();
            for tier in &card.tiers {
                let threshold = tier.above_input_tokens;
                let label = if threshold % 1000 == 0 {
                    format!("{}K", threshold / 1000)
                } else {
                    threshold.to_string()
                };
                let feed_tier = entry.tiers.get(&threshold);
                for &c in CATEGORIES {
                    rows.push((
                        format!("{c} above {label}"),
                        ours(&tier.rates, c),
                        feed_tier.and_then(|t| theirs(t, c)),
                    ));
                }
            }
            for (category, mine, other) in rows {
                let Some(mine) = mine else {
                    continue;
                };
                let mine = (mine * factor).normalize();
                match other {
                    None => report.category_missing_in_feed.push((
                        table.table.clone(),
                        model.clone(),
                        category,
                    )),
                    Some(other) => {
                        let comparison = Comparison {
                            table: table.table.clone(),
                            model: model.clone(),
                            key: key.clone(),
                            category,
                            ours: mine,
                            theirs: other,
                            gap: gap(mine, other),
                        };
                        if comparison.gap > tolerance {
                            report.differences.push(comparison);
                        } else {
                            report.agreements.push(comparison);
                        }
                    }
                }
            }
        }
        if !compared_any_mapping {
            report.not_compared.push(table.table.clone());
            continue;
        }
        // Models the list has under this table's prefix (same family words) that routewise
        // does not price: only for prefixed keys, where the prefix names the route.
        // Tables that share a prefix (foundry and foundry-us) list the list's extras once.
        if !prefix.is_empty() && !listed_prefixes.contains(&prefix) {
            listed_prefixes.push(prefix.clone());
            let families: Vec<&str> = table
                .models
                .keys()
                .filter_map(|m| m.split('-').next())
                .collect();
            for key in feed.prices.keys() {
                let Some(rest) = key.strip_prefix(prefix.as_str()) else {
                    continue;
                };
                let known = families.iter().any(|f| rest.starts_with(&format!("{f}-")));
                if known
                    && !matched_keys.contains(key)
                    && !rest.contains('@')
                    && !rest.contains(':')
                {
                    report
                        .missing_in_routewise
                        .push((table.table.clone(), key.clone()));
                }
            }
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn the_gap_is_relative_to_routewise_and_zero_is_handled() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert_eq!(gap(d("0.20"), d("0.10")), d("0.5"));
        assert_eq!(gap(d("3"), d("3.0")), Decimal::ZERO);
        assert_eq!(gap(Decimal::ZERO, Decimal::ZERO), Decimal::ZERO);
        assert_eq!(gap(Decimal::ZERO, d("1")), Decimal::ONE);
    }

    #[test]
    fn litellm_keys_for_bedrock_try_the_global_profile_first() {
        let m = mapping(FeedFormat::LiteLlm, "bedrock", "claude-opus-4-6").expect("mapped");
        assert_eq!(m.candidates[0], "global.anthropic.claude-opus-4-6");
        assert!(
            m.candidates
                .contains(&"global.anthropic.claude-opus-4-6-v1".to_string())
        );
        assert!(mapping(FeedFormat::LiteLlm, "bedrock-provisioned", "x").is_none());
    }
}
