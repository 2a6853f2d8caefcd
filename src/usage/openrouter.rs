//! OpenRouter usage: the activity API's daily rows (`GET /api/v1/activity`) and generation
//! records (`GET /api/v1/generation?id=`), as the API returns them (`{"data": …}`), as bare
//! rows, arrays of rows or JSON lines.
//!
//! Fields read (names as in OpenRouter's API reference):
//!
//! | field | meaning |
//! | --- | --- |
//! | `date` (activity) / `created_at` (generation) | the UTC day of a daily row; the time of a generation |
//! | `model`, else `model_permaslug` | the model slug (`anthropic/claude-sonnet-4.5`, mapped like every other id by [`super::model_id`]) |
//! | `provider_name` | the upstream that served it: the route (see [`super::routes::openrouter_route`]) |
//! | `requests` (activity) | requests in the daily row |
//! | `prompt_tokens`, `completion_tokens` (activity) | input **including** any cache reads (**OpenAI-style**; the row does not split them) and output |
//! | `native_tokens_prompt`, `native_tokens_completion`, `native_tokens_cached` (generation; else `tokens_prompt`, `tokens_completion`) | the provider's own counts: input **including** cache reads, output, cache reads |
//! | `usage` + `byok_usage_inference` (activity), `total_cost` (generation) | what was charged, in dollars: reported as billed beside the list price |
//!
//! Reasoning tokens (`reasoning_tokens`, `native_tokens_reasoning`) are taken to be part of
//! the completion count, as in OpenAI-style usage, and are not added again.
//!
//! Not verified: the column names of the Activity page's CSV export (not published; give it
//! through `--map`), whether `native_tokens_prompt` includes cache writes (no cache-write
//! count is exported, so none are subtracted), and the reasoning convention above.

use std::io::BufRead;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::Value;

use super::accumulate::Accumulator;
use super::json_records::{FieldProblem, Record};
use super::log_reader::{field_problem, read_records};
use super::record::{InputConvention, UsageRecord};
use super::routes::openrouter_route;
use super::timestamp::TimestampParser;
use super::tokens::{Tier, TokenBreakdown};
use super::totals::UsageTotals;
use crate::support::diagnostic::Diagnostic;

/// How OpenRouter counts input.
pub const CONVENTION: InputConvention = InputConvention::IncludesCache;

const MINUTES_PER_DAY: u64 = 24 * 60;

#[derive(Default)]
struct Counts {
    daily_rows: u64,
    generations: u64,
    byok_rows: u64,
}

/// Reads OpenRouter activity rows and generation records.
pub fn read_openrouter<R: BufRead>(
    reader: R,
    file_name: &str,
    known_models: &[&str],
    skip_bad_rows: bool,
) -> Result<UsageTotals, Diagnostic> {
    let mut acc = Accumulator::new(file_name, known_models, skip_bad_rows);
    let mut timestamps = TimestampParser::default();
    let mut counts = Counts::default();
    read_records(reader, &mut acc, |record, acc| {
        let value: Value = record.parse()?;
        let rows: Vec<(String, &Value)> = match value.get("data") {
            Some(Value::Array(rows)) => rows
                .iter()
                .enumerate()
                .map(|(i, r)| (format!("data[{i}]."), r))
                .collect(),
            Some(row @ Value::Object(_)) => vec![("data.".to_owned(), row)],
            _ => vec![(String::new(), &value)],
        };
        // Convert every row first, so a bad row leaves none of its record's rows added.
        let mut converted = Vec::with_capacity(rows.len());
        for (path, row) in &rows {
            converted.push(convert(record, row, path, &mut timestamps, &mut counts)?);
        }
        for ((usage, count), (path, _)) in converted.iter().zip(&rows) {
            acc.add_records(usage, *count)
                .map_err(|message| field_problem(record, path.trim_end_matches('.'), message))?;
        }
        Ok(Vec::new())
    })?;
    acc.note(format!("OpenRouter usage: {}.", CONVENTION.describe()));
    if counts.daily_rows > 0 {
        acc.note(format!(
            "{} OpenRouter activity rows are daily totals: their prompt tokens do not split out cache reads, so any cached tokens are priced as uncached input, and their tokens are spread evenly over the day.",
            counts.daily_rows
        ));
    }
    if counts.generations > 0 {
        acc.note(
            "OpenRouter generations: the provider's native token counts are used when present; reasoning tokens are taken as part of the completion count.".to_owned(),
        );
    }
    acc.note("OpenRouter's charge (`usage` plus `byok_usage_inference`, or `total_cost`) is shown as the billed amount to compare, not used as a price.".to_owned());
    if counts.byok_rows > 0 {
        acc.note(format!(
            "{} OpenRouter generations used your own provider key (`is_byok`): their `total_cost` may not include what the provider charged that key.",
            counts.byok_rows
        ));
    }
    Ok(acc.finish())
}

fn convert(
    record: &Record,
    row: &Value,
    path: &str,
    timestamps: &mut TimestampParser,
    counts: &mut Counts,
) -> Result<(UsageRecord, u64), FieldProblem> {
    let problem =
        |key: &str, message: String| field_problem(record, &format!("{path}{key}"), message);
    let count = |key: &str| -> Result<Option<u64>, FieldProblem> {
        match row.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) if n.as_u64().is_some() => Ok(n.as_u64()),
            Some(v) => Err(problem(key, format!("`{v}` is not a whole number"))),
        }
    };
    let amount = |key: &str| -> Result<Option<Decimal>, FieldProblem> {
        match row.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v @ (Value::Number(_) | Value::String(_))) => {
                let text = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                Decimal::from_str(text.trim())
                    .or_else(|_| Decimal::from_scientific(text.trim()))
                    .map(Some)
                    .map_err(|_| problem(key, format!("`{v}` is not an amount of dollars")))
            }
            Some(v) => Err(problem(key, format!("`{v}` is not an amount of dollars"))),
        }
    };
    let text = |key: &str| row.get(key).and_then(Value::as_str).unwrap_or("").trim();
    let raw_model = [text("model"), text("model_permaslug")]
        .into_iter()
        .find(|m| !m.is_empty())
        .ok_or_else(|| problem("model", "the row has no `model`".to_owned()))?;
    let model = raw_model.to_owned();
    let route = openrouter_route(text("provider_name"));
    let daily = row.get("date").is_some();
    let (minute, bucket_minutes, rows, prompt, output, cached, billed) = if daily {
        let date = text("date");
        let minute = timestamps
            .parse_minute(format!("{date}T00:00:00Z").as_bytes())
            .map_err(|why| problem("date", format!("`{date}`: {why}")))?;
        let requests = count("requests")?.filter(|r| *r > 0).ok_or_else(|| {
            problem(
                "requests",
                "a daily row needs `requests` above 0".to_owned(),
            )
        })?;
        let prompt = count("prompt_tokens")?
            .ok_or_else(|| problem("prompt_tokens", "the row has no `prompt_tokens`".to_owned()))?;
        let output = count("completion_tokens")?.ok_or_else(|| {
            problem(
                "completion_tokens",
                "the row has no `completion_tokens`".to_owned(),
            )
        })?;
        count("reasoning_tokens")?;
        let usage = amount("usage")?;
        let byok = amount("byok_usage_inference")?;
        let billed = match (usage, byok) {
            (None, None) => None,
            (a, b) => Some(
                a.unwrap_or_default()
                    .checked_add(b.unwrap_or_default())
                    .ok_or_else(|| problem("usage", "the amount is too large".to_owned()))?,
            ),
        };
        counts.daily_rows += 1;
        (minute, MINUTES_PER_DAY, requests, prompt, output, 0, billed)
    } else {
        let time = text("created_at");
        if time.is_empty() {
            return Err(problem(
                "created_at",
                "the row has neither `date` (activity) nor `created_at` (generation)".to_owned(),
            ));
        }
        let minute = timestamps
            .parse_minute(time.as_bytes())
            .map_err(|why| problem("created_at", format!("`{time}`: {why}")))?;
        let native = count("native_tokens_prompt")?.is_some();
        let (prompt_key, output_key) = if native {
            ("native_tokens_prompt", "native_tokens_completion")
        } else {
            ("tokens_prompt", "tokens_completion")
        };
        let prompt = count(prompt_key)?
            .ok_or_else(|| problem(prompt_key, format!("the record has no `{prompt_key}`")))?;
        let output = count(output_key)?.unwrap_or(0);
        let cached = count("native_tokens_cached")?.unwrap_or(0);
        count("native_tokens_reasoning")?;
        if row.get("is_byok").and_then(Value::as_bool) == Some(true) {
            counts.byok_rows += 1;
        }
        counts.generations += 1;
        (minute, 1, 1, prompt, output, cached, amount("total_cost")?)
    };
    let input_key = if daily {
        "prompt_tokens"
    } else if row.get("native_tokens_prompt").is_some() {
        "native_tokens_prompt"
    } else {
        "tokens_prompt"
    };
    let input = CONVENTION
        .uncached(prompt, cached, 0)
        .map_err(|why| problem(input_key, why))?;
    let tokens = TokenBreakdown {
        input,
        output,
        cache_read: cached,
        cache_write_5m: 0,
        cache_write_1h: 0,
    };
    Ok((
        UsageRecord {
            minute,
            bucket_minutes,
            model,
            route,
            // A generation is one request, so its prompt says whether it was long; a daily
            // activity row sums many and cannot.
            tier: if daily {
                Tier::Standard
            } else {
                Tier::of_request(false, &tokens)
            },
            tokens,
            web_search_requests: 0,
            billed_usd: billed,
            billed_rows: None,
        },
        rows,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[&str] = &["claude-sonnet-4-5", "gemini-2.5-pro"];

    #[test]
    fn generation_cache_is_subtracted_once() {
        let row = r#"{"data":{"created_at":"2026-10-01T10:00:00Z","model":"anthropic/claude-sonnet-4.5","provider_name":"Anthropic","tokens_prompt":9,"native_tokens_prompt":1000,"native_tokens_completion":50,"native_tokens_cached":900,"total_cost":0.01}}"#;
        let totals = read_openrouter(row.as_bytes(), "g.json", KNOWN, false).unwrap();
        let s = &totals.by_model["claude-sonnet-4-5"].standard;
        assert_eq!((s.input, s.cache_read, s.output), (100, 900, 50));
        let direct = &totals.observed_routes["anthropic-api"];
        assert_eq!(direct.billed_usd, Decimal::new(1, 2));
    }

    #[test]
    fn a_daily_row_without_requests_names_its_path() {
        let doc = r#"{"data":[{"date":"2026-10-01","model":"google/gemini-2.5-pro","provider_name":"Google AI Studio","prompt_tokens":1,"completion_tokens":1,"requests":"x"}]}"#;
        let e = read_openrouter(doc.as_bytes(), "a.json", KNOWN, false).unwrap_err();
        assert_eq!(e.key.as_deref(), Some("data[0].requests"));
    }
}
