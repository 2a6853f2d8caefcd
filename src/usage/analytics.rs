//! Anthropic's usage and cost analytics API, usage side:
//! `GET /v1/organizations/analytics/usage` (beta `analytics-usage-cost-2026-08-24`), the
//! successor of the messages usage report.
//!
//! A page is `{"data": [item…], "has_more", "next_page"}`; pages may follow one another,
//! and items may also come one per line. An item carries its own `starting_at` and
//! `ending_at`, its dimensions (`model`, `service_tier`, `context_window`,
//! `inference_geo`, `workspace_id`, `api_key_id`, `actor`, `product`, `speed`…) and its
//! counts; dimensions and counts are read from the item itself or from its `group` and
//! `usage` objects, so both the flat rows of the SDK models and grouped rows are read.
//!
//! | field | meaning |
//! | --- | --- |
//! | `uncached_input_tokens` | uncached input: **Anthropic-style**, cache is counted apart |
//! | `cache_read_input_tokens` | cache reads |
//! | `cache_creation.ephemeral_5m_input_tokens`, `cache_creation.ephemeral_1h_input_tokens` | cache writes by lifetime |
//! | `output_tokens` | output |
//! | `server_tool_use.web_search_requests` | web searches |
//! | `service_tier` `batch` | batch traffic; `priority`/`flex` are counted as standard and noted |
//! | `context_window` `200k-1M` | long-context traffic |
//! | `inference_geo` `us` | served on `anthropic-api-us`, otherwise `anthropic-api` |
//!
//! `total_tokens` and `requests` are not summed (`total_tokens` repeats the counts above).

use std::io::BufRead;

use serde_json::Value;

use super::accumulate::Accumulator;
use super::json_records::{FieldProblem, Record};
use super::log_reader::{field_problem, read_records};
use super::record::{InputConvention, UsageRecord};
use super::timestamp::TimestampParser;
use super::tokens::{Tier, TokenBreakdown};
use super::totals::UsageTotals;
use crate::support::diagnostic::Diagnostic;

/// How the analytics API counts input.
pub const CONVENTION: InputConvention = InputConvention::ExcludesCache;

/// Reads analytics usage pages or items.
pub fn read_analytics<R: BufRead>(
    reader: R,
    file_name: &str,
    known_models: &[&str],
    skip_bad_rows: bool,
) -> Result<UsageTotals, Diagnostic> {
    let mut acc = Accumulator::new(file_name, known_models, skip_bad_rows);
    let mut timestamps = TimestampParser::default();
    let mut other_tiers = 0u64;
    let mut has_more = false;
    read_records(reader, &mut acc, |record, _| {
        let value: Value = record.parse()?;
        let mut out = Vec::new();
        match value.get("data") {
            Some(Value::Array(items)) => {
                has_more = value.get("has_more").and_then(Value::as_bool) == Some(true);
                for (i, item) in items.iter().enumerate() {
                    let path = format!("data[{i}]");
                    out.push(item_usage(
                        record,
                        item,
                        &path,
                        &mut timestamps,
                        &mut other_tiers,
                    )?);
                }
            }
            Some(_) => {
                return Err(field_problem(
                    record,
                    "data",
                    "`data` is not an array of usage rows",
                ));
            }
            None => out.push(item_usage(
                record,
                &value,
                "",
                &mut timestamps,
                &mut other_tiers,
            )?),
        }
        Ok(out)
    })?;
    acc.note(format!(
        "Anthropic usage analytics: {}.",
        CONVENTION.describe()
    ));
    if other_tiers > 0 {
        acc.note(format!(
            "{other_tiers} analytics rows in a service tier other than standard or batch are counted as standard traffic."
        ));
    }
    if has_more {
        acc.note("the last analytics page says has_more: later pages are not in this file; append them (next_page fetches the next one)".to_owned());
    }
    Ok(acc.finish())
}

/// A field of the item, its `usage` object or its `group` object.
fn field<'v>(item: &'v Value, name: &str) -> Option<&'v Value> {
    item.get(name)
        .or_else(|| item.get("usage").and_then(|u| u.get(name)))
        .or_else(|| item.get("group").and_then(|g| g.get(name)))
        .filter(|v| !v.is_null())
}

fn item_usage(
    record: &Record,
    item: &Value,
    path: &str,
    timestamps: &mut TimestampParser,
    other_tiers: &mut u64,
) -> Result<UsageRecord, FieldProblem> {
    let at = |name: &str| {
        if path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        }
    };
    let count = |name: &str, value: Option<&Value>| -> Result<u64, FieldProblem> {
        match value {
            None => Ok(0),
            Some(v) => v.as_u64().ok_or_else(|| {
                field_problem(
                    record,
                    &at(name),
                    format!("`{v}` is not a whole number of tokens"),
                )
            }),
        }
    };
    let mut time = |name: &str| -> Result<u64, FieldProblem> {
        let text = field(item, name)
            .and_then(Value::as_str)
            .ok_or_else(|| field_problem(record, &at(name), format!("the row has no `{name}`")))?;
        timestamps
            .parse_minute(text.as_bytes())
            .map_err(|why| field_problem(record, &at(name), format!("`{text}`: {why}")))
    };
    let start = time("starting_at")?;
    let end = time("ending_at")?;
    if end <= start {
        return Err(field_problem(
            record,
            &at("ending_at"),
            "`ending_at` is not after `starting_at`",
        ));
    }
    let model = field(item, "model")
        .and_then(Value::as_str)
        .unwrap_or(super::NO_MODEL)
        .to_owned();
    let cache_creation = field(item, "cache_creation");
    let tokens = TokenBreakdown {
        input: count(
            "uncached_input_tokens",
            field(item, "uncached_input_tokens"),
        )?,
        output: count("output_tokens", field(item, "output_tokens"))?,
        cache_read: count(
            "cache_read_input_tokens",
            field(item, "cache_read_input_tokens"),
        )?,
        cache_write_5m: count(
            "cache_creation.ephemeral_5m_input_tokens",
            cache_creation.and_then(|c| c.get("ephemeral_5m_input_tokens")),
        )?,
        cache_write_1h: count(
            "cache_creation.ephemeral_1h_input_tokens",
            cache_creation.and_then(|c| c.get("ephemeral_1h_input_tokens")),
        )?,
    };
    let web_search_requests = count(
        "server_tool_use.web_search_requests",
        field(item, "server_tool_use").and_then(|s| s.get("web_search_requests")),
    )?;
    let batch = match field(item, "service_tier").and_then(Value::as_str) {
        Some("batch") => true,
        None | Some("standard") => false,
        Some(_) => {
            *other_tiers += 1;
            false
        }
    };
    let long_context = match field(item, "context_window").and_then(Value::as_str) {
        None | Some("0-200k") => false,
        Some("200k-1M") => true,
        Some(other) => {
            return Err(field_problem(
                record,
                &at("context_window"),
                format!("`{other}` is not a context window (0-200k or 200k-1M)"),
            ));
        }
    };
    let route = match field(item, "inference_geo").and_then(Value::as_str) {
        Some("us") => "anthropic-api-us",
        _ => "anthropic-api",
    };
    Ok(UsageRecord {
        minute: start,
        bucket_minutes: end - start,
        model,
        route: Some(route.to_owned()),
        tier: Tier::new(batch, long_context),
        tokens,
        web_search_requests,
        billed_usd: None,
        billed_rows: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[&str] = &["claude-sonnet-4-6"];

    #[test]
    fn cached_tokens_are_counted_once_beside_uncached_input() {
        let text = r#"{"data":[{"starting_at":"2026-10-01T00:00:00Z","ending_at":"2026-10-01T01:00:00Z",
 "model":"claude-sonnet-4-6","service_tier":"standard","context_window":"0-200k","inference_geo":"global",
 "uncached_input_tokens":100,"cache_read_input_tokens":5000,
 "cache_creation":{"ephemeral_5m_input_tokens":300,"ephemeral_1h_input_tokens":40},
 "output_tokens":70,"server_tool_use":{"web_search_requests":2},"total_tokens":5510,"requests":3},
 {"starting_at":"2026-10-01T01:00:00Z","ending_at":"2026-10-01T02:00:00Z",
  "group":{"model":"claude-sonnet-4-6","service_tier":"batch","inference_geo":"us"},
  "usage":{"uncached_input_tokens":10,"output_tokens":1}}],"has_more":false}"#;
        let totals = read_analytics(text.as_bytes(), "a.json", KNOWN, false).unwrap();
        let s = &totals.by_model["claude-sonnet-4-6"];
        assert_eq!(
            (
                s.standard.input,
                s.standard.cache_read,
                s.standard.cache_write_5m,
                s.standard.cache_write_1h,
                s.standard.output
            ),
            (100, 5000, 300, 40, 70)
        );
        assert_eq!(s.standard.total(), Some(5510));
        assert_eq!((s.batch.input, s.batch.output), (10, 1));
        assert_eq!(s.web_search_requests, 2);
        assert_eq!(totals.observed_routes["anthropic-api-us"].rows, 1);
        assert_eq!(totals.load.widest_bucket_minutes(), 60);
    }

    #[test]
    fn a_bad_count_names_its_path_and_line() {
        let text = "{\"data\":[\n{\"starting_at\":\"2026-10-01T00:00:00Z\",\"ending_at\":\"2026-10-01T01:00:00Z\",\"output_tokens\":-1}]}";
        let e = read_analytics(text.as_bytes(), "a.json", KNOWN, false).unwrap_err();
        assert_eq!(e.key.as_deref(), Some("data[0].output_tokens"));
        assert_eq!(e.line, 1);
    }
}
