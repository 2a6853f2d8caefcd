//! `routewise prices import`: one routewise pricing table rebuilt from a third-party price
//! list, as an overlay for `--pricing DIR`. Every imported price names the list it came
//! from and the date given for it; models the list lacks keep routewise's price and say so.

use rust_decimal::Decimal;

use crate::data::price_feed::{FeedPrice, PriceFeed};
use crate::engine::price_drift::{feed_key, maps_table};
use crate::model::number::{Amount, TokenCount};
use crate::model::pricing::{ModelPrice, PricingTable, PromptTier};
use crate::support::date::Date;

/// What an import did, for the command's summary.
#[derive(Debug, Clone, Default)]
pub struct ImportSummary {
    /// (model, key in the list).
    pub imported: Vec<(String, String)>,
    /// Models the list has no price for, kept from routewise's table.
    pub kept: Vec<String>,
}

/// Rebuilds `table` from `feed` (read from `file`, whose prices are as of `as_of`).
/// `Err` says why the table cannot be imported from this list.
pub fn import_table(
    table: &PricingTable,
    feed: &PriceFeed,
    file: &str,
    as_of: Date,
) -> Result<(PricingTable, ImportSummary), String> {
    if !maps_table(feed, table) {
        return Err(format!(
            "a {} has no keys routewise maps to table `{}`",
            feed.format.name(),
            table.table
        ));
    }
    let origin = format!("{file} ({}), as of {as_of}", feed.format.name());
    let mut out = table.clone();
    out.source = format!(
        "imported from {origin}; routewise table `{}` from {} as of {}",
        table.table, table.source, table.as_of
    );
    out.as_of = as_of.to_string();
    out.note = Some(format!(
        "Imported by `routewise prices import` from {origin}. Prompt-length tiers come from the list where it gives every category the base price has; dated periods and service tiers are not in the list and are dropped for imported models; models the list lacks keep routewise's price (their notes say so).{}",
        table
            .note
            .as_ref()
            .map(|n| format!(" Original note: {n}"))
            .unwrap_or_default()
    ));
    let mut summary = ImportSummary::default();
    for (model, price) in out.models.iter_mut() {
        let Some((key, factor)) = feed_key(feed, table, model, price) else {
            price.note = Some(format!(
                "not in {origin}: kept from routewise's table `{}` as of {}{}",
                table.table,
                table.as_of,
                price
                    .note
                    .as_ref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default()
            ));
            summary.kept.push(model.clone());
            continue;
        };
        let entry: &FeedPrice = &feed.prices[&key];
        let (Some(input), Some(output)) = (entry.input, entry.output) else {
            price.note = Some(format!(
                "{origin} gives `{key}` no input or output price: kept from routewise's table `{}` as of {}",
                table.table, table.as_of
            ));
            summary.kept.push(model.clone());
            continue;
        };
        let ours = |v: Decimal| Amount((v / factor).normalize());
        let categories = |p: &FeedPrice| {
            [
                p.cache_write_5m.is_some(),
                p.cache_write_1h.is_some(),
                p.cache_read.is_some(),
            ]
        };
        // A tier must price every category the base price has (the loader refuses it
        // otherwise); a tier the list gives only in part is left out, and the note says so.
        let (whole, partial): (Vec<_>, Vec<_>) = entry.tiers.iter().partition(|(_, t)| {
            t.input.is_some() && t.output.is_some() && categories(t) == categories(entry)
        });
        let tiers: Vec<PromptTier> = whole
            .into_iter()
            .map(|(above, t)| PromptTier {
                above_input_tokens: TokenCount(*above),
                input: t.input.map(ours),
                output: t.output.map(ours),
                cache_write_5m: t.cache_write_5m.map(ours),
                cache_write_1h: t.cache_write_1h.map(ours),
                cache_read: t.cache_read.map(ours),
            })
            .collect();
        let left_out = if partial.is_empty() {
            String::new()
        } else {
            format!(
                "; the list's tiers above {} tokens lack a category the base price has and are left out",
                partial
                    .iter()
                    .map(|(above, _)| above.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        *price = ModelPrice {
            family: price.family.clone(),
            input: ours(input),
            output: ours(output),
            cache_write_5m: entry.cache_write_5m.map(ours),
            cache_write_1h: entry.cache_write_1h.map(ours),
            cache_read: entry.cache_read.map(ours),
            batch_discount: price.batch_discount,
            regional_premium: price.regional_premium,
            tiers,
            periods: Vec::new(),
            service_tiers: Default::default(),
            secondary: true,
            note: Some(format!(
                "imported from `{key}` in {origin}{}{left_out}",
                if factor == Decimal::ONE {
                    String::new()
                } else {
                    format!(
                        ", divided by the regional multiplier {}",
                        factor.normalize()
                    )
                }
            )),
        };
        summary.imported.push((model.clone(), key));
    }
    Ok((out, summary))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::diagnostic::SourceFile;

    /// A table (TOML) imported from a LiteLLM list (JSON) named `feed.json` on 2026-11-29.
    fn imported(feed: &str, table: &str) -> (PricingTable, ImportSummary) {
        let feed = PriceFeed::parse(&SourceFile::new("feed.json", feed)).expect("a LiteLLM list");
        let table: PricingTable = toml::from_str(table).expect("a table");
        import_table(
            &table,
            &feed,
            "feed.json",
            Date::parse("2026-11-29").unwrap(),
        )
        .expect("imports")
    }

    #[test]
    fn a_listed_model_takes_the_list_price_and_an_unlisted_one_keeps_ours_with_a_note() {
        let (out, summary) = imported(
            r#"{"claude-haiku-4-5": {"litellm_provider": "anthropic", "input_cost_per_token": 1.1e-06, "output_cost_per_token": 5e-06, "cache_read_input_token_cost": 1e-07}}"#,
            r#"
table = "anthropic"
provider = "Anthropic"
source = "https://example.test/pricing"
as_of = "2026-11-22"
[models.claude-haiku-4-5]
family = "claude"
input = 1
output = 5
cache_read = 0.10
[models.claude-sonnet-4-5]
family = "claude"
input = 3
output = 15
"#,
        );
        let haiku = &out.models["claude-haiku-4-5"];
        assert_eq!(haiku.input.0, Decimal::new(11, 1));
        assert!(haiku.note.as_deref().unwrap().contains("feed.json"));
        assert!(haiku.secondary);
        assert_eq!(out.as_of, "2026-11-29");
        assert_eq!(summary.kept, vec!["claude-sonnet-4-5".to_string()]);
        assert!(
            out.models["claude-sonnet-4-5"]
                .note
                .as_deref()
                .unwrap()
                .contains("not in feed.json")
        );
    }

    #[test]
    fn a_listed_prompt_length_tier_is_imported_when_it_prices_every_category() {
        let (out, _) = imported(
            r#"{"claude-sonnet-4-5": {"litellm_provider": "anthropic", "input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05, "cache_read_input_token_cost": 3e-07, "input_cost_per_token_above_200k_tokens": 6e-06, "output_cost_per_token_above_200k_tokens": 2.25e-05, "cache_read_input_token_cost_above_200k_tokens": 6e-07},
                "claude-haiku-4-5": {"litellm_provider": "anthropic", "input_cost_per_token": 1e-06, "output_cost_per_token": 5e-06, "cache_read_input_token_cost": 1e-07, "input_cost_per_token_above_200k_tokens": 2e-06, "output_cost_per_token_above_200k_tokens": 1e-05}}"#,
            r#"
table = "anthropic"
provider = "Anthropic"
source = "https://example.test/pricing"
as_of = "2026-11-22"
[models.claude-sonnet-4-5]
family = "claude"
input = 3
output = 15
cache_read = 0.30
[models.claude-haiku-4-5]
family = "claude"
input = 1
output = 5
cache_read = 0.10
"#,
        );
        let sonnet = &out.models["claude-sonnet-4-5"];
        assert_eq!(sonnet.tiers.len(), 1);
        assert_eq!(sonnet.tiers[0].above_input_tokens.0, 200_000);
        assert_eq!(sonnet.tiers[0].input.map(|a| a.0), Some(Decimal::new(6, 0)));
        assert_eq!(
            sonnet.tiers[0].cache_read.map(|a| a.0),
            Some(Decimal::new(6, 1))
        );
        // Haiku's listed tier has no cache-read price: left out, and said.
        let haiku = &out.models["claude-haiku-4-5"];
        assert!(haiku.tiers.is_empty());
        assert!(
            haiku
                .note
                .as_deref()
                .unwrap()
                .contains("tiers above 200000 tokens lack a category")
        );
    }
}
