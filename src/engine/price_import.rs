//! `routewise prices import`: one routewise pricing table rebuilt from a third-party price
//! list, as an overlay for `--pricing DIR`. Every imported price names the list it came
//! from and the date given for it; models the list lacks keep routewise's price and say so.

use rust_decimal::Decimal;

use crate::data::price_feed::{FeedPrice, PriceFeed};
use crate::engine::price_drift::{feed_key, maps_table};
use crate::model::number::Amount;
use crate::model::pricing::{ModelPrice, PricingTable};
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
        "Imported by `routewise prices import` from {origin}. Prompt-length tiers, dated periods and service tiers are not in the list's base prices and are dropped for imported models; models the list lacks keep routewise's price (their notes say so).{}",
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
        *price = ModelPrice {
            family: price.family.clone(),
            input: ours(input),
            output: ours(output),
            cache_write_5m: entry.cache_write_5m.map(ours),
            cache_write_1h: entry.cache_write_1h.map(ours),
            cache_read: entry.cache_read.map(ours),
            batch_discount: price.batch_discount,
            regional_premium: price.regional_premium,
            tiers: Vec::new(),
            periods: Vec::new(),
            service_tiers: Default::default(),
            secondary: true,
            note: Some(format!(
                "imported from `{key}` in {origin}{}",
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

    #[test]
    fn a_listed_model_takes_the_list_price_and_an_unlisted_one_keeps_ours_with_a_note() {
        let feed = PriceFeed::parse(&SourceFile::new(
            "feed.json",
            r#"{"claude-haiku-4-5": {"litellm_provider": "anthropic", "input_cost_per_token": 1.1e-06, "output_cost_per_token": 5e-06, "cache_read_input_token_cost": 1e-07}}"#,
        ))
        .expect("a LiteLLM list");
        let table: PricingTable = toml::from_str(
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
        )
        .expect("a table");
        let (out, summary) = import_table(
            &table,
            &feed,
            "feed.json",
            Date::parse("2026-11-29").unwrap(),
        )
        .expect("imports");
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
}
