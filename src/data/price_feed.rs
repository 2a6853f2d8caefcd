//! Third-party price lists that `routewise prices check` compares the tables with: LiteLLM's
//! `model_prices_and_context_window.json`, models.dev's `api.json` and pydantic's genai-prices
//! `data.json`. The format is detected from the shape of the JSON, never guessed from the
//! file name, and a file that is none of the three is an error, so a wrong file can never
//! produce an empty comparison that passes.

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::Value;

use crate::support::diagnostic::{Code, Diagnostic, SourceFile};

/// Which list a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedFormat {
    /// LiteLLM: one object keyed by model, USD per token, `litellm_provider` on each entry.
    LiteLlm,
    /// models.dev: providers keyed by id, each with `models`, USD per million tokens.
    ModelsDev,
    /// genai-prices: a list of providers, each with a list of `models` and their `prices`.
    GenaiPrices,
}

impl FeedFormat {
    pub fn name(self) -> &'static str {
        match self {
            FeedFormat::LiteLlm => "LiteLLM model_prices_and_context_window.json",
            FeedFormat::ModelsDev => "models.dev api.json",
            FeedFormat::GenaiPrices => "genai-prices data.json",
        }
    }
}

/// One model's prices in a feed, USD per million tokens; `None` where the feed has none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedPrice {
    pub input: Option<Decimal>,
    pub output: Option<Decimal>,
    pub cache_read: Option<Decimal>,
    pub cache_write_5m: Option<Decimal>,
    pub cache_write_1h: Option<Decimal>,
    /// Prompt-length tiers by threshold in tokens (LiteLLM's `..._above_200k_tokens` keys).
    pub tiers: BTreeMap<u64, FeedPrice>,
}

/// A parsed feed: prices by key. LiteLLM keys are its own (`global.anthropic.claude-...`);
/// models.dev and genai-prices keys are `provider/model`.
#[derive(Debug, Clone)]
pub struct PriceFeed {
    pub format: FeedFormat,
    pub prices: BTreeMap<String, FeedPrice>,
}

impl PriceFeed {
    /// Detects the format of `file` and reads every priced model in it.
    pub fn parse(file: &SourceFile) -> Result<PriceFeed, Diagnostic> {
        let value: Value = serde_json::from_str(&file.text).map_err(|e| {
            file.error_at_line(
                Code::ParseSyntax,
                e.line() as u64,
                e.column() as u64,
                None,
                format!("not valid JSON: {e}"),
            )
        })?;
        let format = detect(&value).ok_or_else(|| {
            file.error_whole(Code::PriceFeedUnknown, "not a price list routewise knows")
                .with_help(
                    "expected LiteLLM's model_prices_and_context_window.json (an object of models \
                 with `litellm_provider`), models.dev's api.json (an object of providers with \
                 `models`) or genai-prices' data.json (a list of providers with `models`)",
                )
        })?;
        let prices = match format {
            FeedFormat::LiteLlm => lite_llm(&value),
            FeedFormat::ModelsDev => models_dev(&value),
            FeedFormat::GenaiPrices => genai_prices(&value),
        };
        if prices.is_empty() {
            return Err(file.error_whole(
                Code::PriceFeedEmpty,
                format!("a {} with no priced model in it", format.name()),
            ));
        }
        Ok(PriceFeed { format, prices })
    }
}

fn detect(value: &Value) -> Option<FeedFormat> {
    match value {
        Value::Object(map) => {
            let entries = || map.values().filter_map(Value::as_object);
            if entries().any(|e| e.contains_key("litellm_provider")) {
                Some(FeedFormat::LiteLlm)
            } else if entries().any(|e| e.get("models").is_some_and(Value::is_object)) {
                Some(FeedFormat::ModelsDev)
            } else {
                None
            }
        }
        Value::Array(list) => list
            .iter()
            .filter_map(Value::as_object)
            .any(|p| p.get("models").is_some_and(Value::is_array))
            .then_some(FeedFormat::GenaiPrices),
        _ => None,
    }
}

/// A JSON number as an exact decimal: its shortest decimal text, not a binary float.
fn decimal(value: &Value) -> Option<Decimal> {
    let n = value.as_number()?;
    let text = n.to_string();
    Decimal::from_str(&text)
        .or_else(|_| Decimal::from_scientific(&text))
        .ok()
}

fn per_token(entry: &serde_json::Map<String, Value>, key: &str) -> Option<Decimal> {
    entry
        .get(key)
        .and_then(decimal)
        .map(|d| (d * Decimal::from(1_000_000)).normalize())
}

fn lite_llm(value: &Value) -> BTreeMap<String, FeedPrice> {
    let mut out = BTreeMap::new();
    let Some(map) = value.as_object() else {
        return out;
    };
    for (key, entry) in map {
        let Some(entry) = entry.as_object() else {
            continue;
        };
        if key == "sample_spec" || !entry.contains_key("litellm_provider") {
            continue;
        }
        let price = FeedPrice {
            input: per_token(entry, "input_cost_per_token"),
            output: per_token(entry, "output_cost_per_token"),
            cache_read: per_token(entry, "cache_read_input_token_cost"),
            cache_write_5m: per_token(entry, "cache_creation_input_token_cost"),
            cache_write_1h: per_token(entry, "cache_creation_input_token_cost_above_1hr"),
            tiers: lite_llm_tiers(entry),
        };
        if price.input.is_some() || price.output.is_some() {
            out.insert(key.clone(), price);
        }
    }
    out
}

/// LiteLLM's prompt-length tiers: `<category>_above_<N>k_tokens` keys, by N x 1000.
fn lite_llm_tiers(entry: &serde_json::Map<String, Value>) -> BTreeMap<u64, FeedPrice> {
    let mut tiers: BTreeMap<u64, FeedPrice> = BTreeMap::new();
    for key in entry.keys() {
        let Some(rest) = key.strip_suffix("k_tokens") else {
            continue;
        };
        let Some((category, thousands)) = rest.rsplit_once("_above_") else {
            continue;
        };
        let Ok(thousands) = thousands.parse::<u64>() else {
            continue;
        };
        let value = per_token(entry, key);
        let tier = tiers.entry(thousands * 1000).or_default();
        match category {
            "input_cost_per_token" => tier.input = value,
            "output_cost_per_token" => tier.output = value,
            "cache_read_input_token_cost" => tier.cache_read = value,
            "cache_creation_input_token_cost" => tier.cache_write_5m = value,
            "cache_creation_input_token_cost_above_1hr" => tier.cache_write_1h = value,
            _ => {}
        }
    }
    tiers.retain(|_, t| t.input.is_some() || t.output.is_some());
    tiers
}

fn per_million(map: &serde_json::Map<String, Value>, key: &str) -> Option<Decimal> {
    let v = map.get(key)?;
    // genai-prices writes tiered prices as `{ "base": …, "tiers": […] }`: the base rate.
    let v = v.get("base").unwrap_or(v);
    decimal(v).map(|d| d.normalize())
}

fn models_dev(value: &Value) -> BTreeMap<String, FeedPrice> {
    let mut out = BTreeMap::new();
    for (provider, entry) in value.as_object().into_iter().flatten() {
        let Some(models) = entry.get("models").and_then(Value::as_object) else {
            continue;
        };
        for (model, spec) in models {
            let Some(cost) = spec.get("cost").and_then(Value::as_object) else {
                continue;
            };
            let price = FeedPrice {
                input: per_million(cost, "input"),
                output: per_million(cost, "output"),
                cache_read: per_million(cost, "cache_read"),
                cache_write_5m: per_million(cost, "cache_write"),
                cache_write_1h: None,
                tiers: BTreeMap::new(),
            };
            if price.input.is_some() || price.output.is_some() {
                out.insert(format!("{provider}/{model}"), price);
            }
        }
    }
    out
}

fn genai_prices(value: &Value) -> BTreeMap<String, FeedPrice> {
    let mut out = BTreeMap::new();
    for provider in value.as_array().into_iter().flatten() {
        let Some(id) = provider.get("id").and_then(Value::as_str) else {
            continue;
        };
        for model in provider
            .get("models")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let (Some(model_id), Some(prices)) = (
                model.get("id").and_then(Value::as_str),
                model.get("prices").and_then(Value::as_object),
            ) else {
                continue;
            };
            let price = FeedPrice {
                input: per_million(prices, "input_mtok"),
                output: per_million(prices, "output_mtok"),
                cache_read: per_million(prices, "cache_read_mtok"),
                cache_write_5m: per_million(prices, "cache_write_mtok"),
                cache_write_1h: None,
                tiers: BTreeMap::new(),
            };
            if price.input.is_some() || price.output.is_some() {
                out.insert(format!("{id}/{model_id}"), price);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<PriceFeed, Diagnostic> {
        PriceFeed::parse(&SourceFile::new("feed.json", text))
    }

    #[test]
    fn litellm_prices_per_token_become_exact_per_million() {
        let feed = parse(
            r#"{"sample_spec": {"litellm_provider": "x"},
                "claude-sonnet-4-5": {"litellm_provider": "anthropic", "input_cost_per_token": 3e-06,
                 "output_cost_per_token": 1.5e-05, "cache_read_input_token_cost": 3e-07}}"#,
        )
        .expect("parses");
        assert_eq!(feed.format, FeedFormat::LiteLlm);
        let p = &feed.prices["claude-sonnet-4-5"];
        assert_eq!(p.input, Some(Decimal::from(3)));
        assert_eq!(p.output, Some(Decimal::from(15)));
        assert_eq!(p.cache_read, Some(Decimal::from_str("0.3").unwrap()));
        assert_eq!(feed.prices.len(), 1, "sample_spec is not a model");
        let tiered = parse(
            r#"{"claude-haiku-5-5": {"litellm_provider": "anthropic", "input_cost_per_token": 1e-07,
                 "input_cost_per_token_above_100k_tokens": 5e-07,
                 "cache_creation_input_token_cost_above_1hr_above_100k_tokens": 1e-06,
                 "input_cost_per_token_above_100k_tokens_batches": 2.5e-07}}"#,
        )
        .expect("parses");
        let tier = &tiered.prices["claude-haiku-5-5"].tiers[&100_000];
        assert_eq!(tier.input, Some(Decimal::from_str("0.5").unwrap()));
        assert_eq!(tier.cache_write_1h, Some(Decimal::from(1)));
    }

    #[test]
    fn models_dev_and_genai_prices_are_detected() {
        let md = parse(r#"{"anthropic": {"id": "anthropic", "models": {"claude-opus-4-6": {"cost": {"input": 5, "output": 25, "cache_read": 0.5}}}}}"#)
            .expect("parses");
        assert_eq!(md.format, FeedFormat::ModelsDev);
        assert_eq!(
            md.prices["anthropic/claude-opus-4-6"].output,
            Some(Decimal::from(25))
        );
        let gp = parse(r#"[{"id": "anthropic", "models": [{"id": "claude-haiku-4-5", "prices": {"input_mtok": 1, "output_mtok": {"base": 5, "tiers": []}}}]}]"#)
            .expect("parses");
        assert_eq!(gp.format, FeedFormat::GenaiPrices);
        assert_eq!(
            gp.prices["anthropic/claude-haiku-4-5"].output,
            Some(Decimal::from(5))
        );
    }

    #[test]
    fn an_unknown_shape_is_an_error_never_an_empty_feed() {
        let err = parse(r#"{"models": []}"#).expect_err("not a price list");
        assert!(err.message.contains("not a price list"), "{err}");
        assert!(err.help.expect("help").contains("LiteLLM"));
        let empty = parse(r#"{"x": {"litellm_provider": "anthropic"}}"#).expect_err("empty");
        assert!(empty.message.contains("no priced model"), "{empty}");
        assert!(parse("not json").is_err());
    }
}
