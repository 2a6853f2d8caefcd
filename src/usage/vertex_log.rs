//! Vertex AI request-response logging: the rows Vertex writes to its BigQuery table
//! (`request_response_logging`), exported as JSON lines (or an array of rows).
//!
//! Logging is **sampled**: only a `sampling_rate` share of requests is written, so every
//! token count is scaled by 1/rate ([`super::sampling`]); the rate is given with
//! `--sampling-rate` (the rows do not carry it) and the report says so.
//!
//! Columns read (names as in Elastic's Vertex AI parser; BigQuery exports JSON columns as
//! objects or as JSON text, and integers as numbers or strings, all accepted):
//!
//! | column | meaning |
//! | --- | --- |
//! | `logging_time` | when the row was logged (RFC 3339, or BigQuery's `YYYY-MM-DD HH:MM:SS[.ffffff] UTC`) |
//! | `model` | `publishers/google/models/gemini-2.5-pro`; else `full_response.modelVersion` or `.model`, or `full_request.model` |
//! | `endpoint`, else `model` | a resource path whose `locations/<location>` tells the route (see [`super::routes::vertex_location_route`]) |
//! | `full_response.usageMetadata.promptTokenCount` | Gemini input **including** cached content (**OpenAI-style**) |
//! | `….cachedContentTokenCount` | Gemini cache reads (0 when absent) |
//! | `….candidatesTokenCount`, `….thoughtsTokenCount` | Gemini output; thinking is billed as output, so both count |
//! | `….trafficType` | `ON_DEMAND`, or `PROVISIONED_THROUGHPUT` (counted in the notes, priced as on-demand) |
//! | `full_response.usage` | Claude (`rawPredict`): the Anthropic `usage` block, input **excluding** cache (**Anthropic-style**) |
//!
//! A streamed response logged as an array of chunks is read from its last chunk that
//! carries usage (streams report the running total). A row whose response has no usage
//! (a refused or failed request) carries no tokens: it is counted in the notes.
//!
//! Not verified against a real export: the Claude `usage` block inside `full_response`
//! (taken to be the Anthropic Messages response body), the location inside `endpoint`, and
//! the array form of streamed responses.

use std::io::BufRead;

use serde_json::Value;

use super::accumulate::Accumulator;
use super::json_records::{FieldProblem, Record};
use super::log_reader::{field_problem, read_records};
use super::record::{InputConvention, UsageRecord};
use super::routes::{VERTEX_UNKNOWN, vertex_location_route};
use super::sampling::{SamplingRate, Scaler};
use super::timestamp::TimestampParser;
use super::tokens::{Tier, TokenBreakdown};
use super::totals::UsageTotals;
use crate::support::diagnostic::Diagnostic;

/// How Gemini's `usageMetadata` counts input.
pub const GEMINI_CONVENTION: InputConvention = InputConvention::IncludesCache;
/// How Claude's `usage` block counts input.
pub const CLAUDE_CONVENTION: InputConvention = InputConvention::ExcludesCache;

#[derive(Default)]
struct Counts {
    gemini: u64,
    claude: u64,
    without_usage: u64,
    provisioned: u64,
    without_location: u64,
}

/// Reads Vertex request-response log rows, scaled by 1/`rate`.
pub fn read_vertex_log<R: BufRead>(
    reader: R,
    file_name: &str,
    known_models: &[&str],
    skip_bad_rows: bool,
    rate: SamplingRate,
) -> Result<UsageTotals, Diagnostic> {
    let mut acc = Accumulator::new(file_name, known_models, skip_bad_rows);
    let mut timestamps = TimestampParser::default();
    let mut counts = Counts::default();
    let mut scaler = Scaler::new(rate);
    read_records(reader, &mut acc, |record, _| {
        let row: Value = record.parse()?;
        let Some(usage) = convert(record, &row, &mut timestamps, &mut counts)? else {
            return Ok(Vec::new());
        };
        let scaled = scaler
            .scale(usage)
            .map_err(|message| field_problem(record, "full_response", message))?;
        Ok(vec![scaled])
    })?;
    acc.note(rate.describe("Vertex request-response logging"));
    if counts.gemini > 0 {
        acc.note(format!(
            "Vertex Gemini rows: {}; `thoughtsTokenCount` is billed as output and added to it.",
            GEMINI_CONVENTION
                .describe()
                .replace("its input count", "`promptTokenCount`")
                .replace("cache reads and writes", "`cachedContentTokenCount`")
        ));
    }
    if counts.claude > 0 {
        acc.note(format!(
            "Vertex Claude rows: the Anthropic `usage` block; {}.",
            CLAUDE_CONVENTION.describe()
        ));
    }
    if counts.without_usage > 0 {
        acc.note(format!(
            "{} Vertex log rows have no usage in their response (failed or refused requests) and carry no tokens.",
            counts.without_usage
        ));
    }
    if counts.provisioned > 0 {
        acc.note(format!(
            "{} Vertex rows ran on Provisioned Throughput (`trafficType`); they are priced per token like the rest.",
            counts.provisioned
        ));
    }
    if counts.without_location > 0 {
        acc.note(format!(
            "{} Vertex rows name no `locations/…` in `endpoint` or `model`, so whether they used the global or a regional endpoint is unknown.",
            counts.without_location
        ));
    }
    Ok(acc.finish())
}

/// A JSON column: an object or array, or the same as JSON text.
fn json_column(record: &Record, row: &Value, key: &str) -> Result<Option<Value>, FieldProblem> {
    match row.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => serde_json::from_str(s)
            .map(Some)
            .map_err(|e| field_problem(record, key, format!("`{key}` is not JSON: {e}"))),
        Some(v @ (Value::Object(_) | Value::Array(_))) => Ok(Some(v.clone())),
        Some(v) => Err(field_problem(
            record,
            key,
            format!("`{v}` is not a JSON object"),
        )),
    }
}

/// A token count: a whole number, or a string holding one (BigQuery's INT64 in JSON).
fn count(
    record: &Record,
    parent: &Value,
    path: &str,
    key: &str,
) -> Result<Option<u64>, FieldProblem> {
    match parent.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) if n.as_u64().is_some() => Ok(n.as_u64()),
        Some(Value::String(s)) if s.trim().parse::<u64>().is_ok() => Ok(s.trim().parse().ok()),
        Some(v) => Err(field_problem(
            record,
            &format!("{path}.{key}"),
            format!("`{v}` is not a whole number of tokens"),
        )),
    }
}

fn text(value: Option<&Value>) -> &str {
    value.and_then(Value::as_str).unwrap_or("").trim()
}

fn convert(
    record: &Record,
    row: &Value,
    timestamps: &mut TimestampParser,
    counts: &mut Counts,
) -> Result<Option<UsageRecord>, FieldProblem> {
    let response = json_column(record, row, "full_response")?;
    // A stream logged as chunks: the last chunk with usage holds the totals.
    let response = match response {
        Some(Value::Array(chunks)) => chunks
            .into_iter()
            .rev()
            .find(|c| c.get("usageMetadata").is_some() || c.get("usage").is_some()),
        other => other,
    };
    let Some(response) = response else {
        counts.without_usage += 1;
        return Ok(None);
    };
    let tokens = if let Some(meta) = response.get("usageMetadata") {
        let path = "full_response.usageMetadata";
        let prompt = count(record, meta, path, "promptTokenCount")?.ok_or_else(|| {
            field_problem(
                record,
                &format!("{path}.promptTokenCount"),
                "the usage has no `promptTokenCount`",
            )
        })?;
        let cached = count(record, meta, path, "cachedContentTokenCount")?.unwrap_or(0);
        let candidates = count(record, meta, path, "candidatesTokenCount")?.unwrap_or(0);
        let thoughts = count(record, meta, path, "thoughtsTokenCount")?.unwrap_or(0);
        let input = GEMINI_CONVENTION
            .uncached(prompt, cached, 0)
            .map_err(|why| field_problem(record, &format!("{path}.promptTokenCount"), why))?;
        let output = candidates.checked_add(thoughts).ok_or_else(|| {
            field_problem(
                record,
                &format!("{path}.thoughtsTokenCount"),
                "the output does not fit in 64 bits",
            )
        })?;
        if text(meta.get("trafficType")).eq_ignore_ascii_case("PROVISIONED_THROUGHPUT") {
            counts.provisioned += 1;
        }
        counts.gemini += 1;
        TokenBreakdown {
            input,
            output,
            cache_read: cached,
            cache_write_5m: 0,
            cache_write_1h: 0,
        }
    } else if let Some(usage) = response.get("usage") {
        let path = "full_response.usage";
        let input = count(record, usage, path, "input_tokens")?.ok_or_else(|| {
            field_problem(
                record,
                &format!("{path}.input_tokens"),
                "the usage has no `input_tokens`",
            )
        })?;
        let output = count(record, usage, path, "output_tokens")?.unwrap_or(0);
        let cache_read = count(record, usage, path, "cache_read_input_tokens")?.unwrap_or(0);
        let cache_write = count(record, usage, path, "cache_creation_input_tokens")?.unwrap_or(0);
        let one_hour = match usage.get("cache_creation") {
            Some(split) => count(
                record,
                split,
                &format!("{path}.cache_creation"),
                "ephemeral_1h_input_tokens",
            )?
            .unwrap_or(0),
            None => 0,
        };
        let five_minute = cache_write.checked_sub(one_hour).ok_or_else(|| {
            field_problem(
                record,
                &format!("{path}.cache_creation.ephemeral_1h_input_tokens"),
                format!("the 1-hour writes ({one_hour}) are more than all writes ({cache_write})"),
            )
        })?;
        counts.claude += 1;
        let input = CLAUDE_CONVENTION
            .uncached(input, cache_read, cache_write)
            .map_err(|why| field_problem(record, &format!("{path}.input_tokens"), why))?;
        TokenBreakdown {
            input,
            output,
            cache_read,
            cache_write_5m: five_minute,
            cache_write_1h: one_hour,
        }
    } else {
        counts.without_usage += 1;
        return Ok(None);
    };
    let request = json_column(record, row, "full_request")?;
    let model = [
        text(row.get("model")),
        text(response.get("modelVersion")),
        text(response.get("model")),
        text(request.as_ref().and_then(|r| r.get("model"))),
    ]
    .into_iter()
    .find(|m| !m.is_empty())
    .ok_or_else(|| field_problem(record, "model", "the row has usage but no model"))?
    .to_owned();
    let time = match row.get("logging_time") {
        Some(Value::String(s)) => s.trim().trim_end_matches(" UTC").to_owned(),
        Some(v) => {
            return Err(field_problem(
                record,
                "logging_time",
                format!("`{v}` is not a time"),
            ));
        }
        None => {
            return Err(field_problem(
                record,
                "logging_time",
                "the row has no `logging_time`",
            ));
        }
    };
    let minute = timestamps
        .parse_minute(time.as_bytes())
        .map_err(|why| field_problem(record, "logging_time", format!("`{time}`: {why}")))?;
    let route = [text(row.get("endpoint")), model.as_str()]
        .into_iter()
        .find_map(vertex_location_route)
        .unwrap_or_else(|| {
            counts.without_location += 1;
            VERTEX_UNKNOWN.to_owned()
        });
    Ok(Some(UsageRecord {
        minute,
        bucket_minutes: 1,
        model,
        route: Some(route),
        tier: Tier::of_request(false, &tokens),
        tokens,
        web_search_requests: 0,
        billed_usd: None,
        billed_rows: None,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[&str] = &["gemini-2.5-pro", "claude-sonnet-4-5"];

    fn read(text: &str, rate: &str) -> Result<UsageTotals, Diagnostic> {
        read_vertex_log(
            text.as_bytes(),
            "vertex.jsonl",
            KNOWN,
            false,
            rate.parse().unwrap(),
        )
    }

    #[test]
    fn gemini_cached_content_is_taken_out_of_the_prompt_once() {
        let row = r#"{"logging_time":"2026-10-01 12:00:00.5 UTC","model":"projects/p/locations/global/publishers/google/models/gemini-2.5-pro","full_response":"{\"usageMetadata\":{\"promptTokenCount\":\"1000\",\"cachedContentTokenCount\":600,\"candidatesTokenCount\":20,\"thoughtsTokenCount\":80}}"}"#;
        let totals = read(row, "0.5").unwrap();
        let pro = &totals.by_model["gemini-2.5-pro"].standard;
        // ×2: (1000 − 600) uncached, 600 cached, 20 + 80 output.
        assert_eq!((pro.input, pro.cache_read, pro.output), (800, 1200, 200));
        assert!(totals.observed_routes.contains_key("vertex-global"));
        assert!(totals.notes.iter().any(|n| n.contains("multiplied by 2")));
    }

    #[test]
    fn claude_usage_is_anthropic_style() {
        let row = r#"{"logging_time":"2026-10-01T12:00:00Z","model":"publishers/anthropic/models/claude-sonnet-4-5@20250929","endpoint":"projects/p/locations/us-east5/endpoints/x","full_response":{"usage":{"input_tokens":10,"output_tokens":5,"cache_read_input_tokens":100,"cache_creation_input_tokens":40,"cache_creation":{"ephemeral_1h_input_tokens":30}}}}"#;
        let totals = read(row, "1").unwrap();
        let s = &totals.by_model["claude-sonnet-4-5"].standard;
        assert_eq!(
            (s.input, s.cache_read, s.cache_write_5m, s.cache_write_1h),
            (10, 100, 10, 30)
        );
        assert!(totals.observed_routes.contains_key("vertex-regional"));
    }

    #[test]
    fn a_bad_count_names_its_path() {
        let row = r#"{"logging_time":"2026-10-01T12:00:00Z","model":"gemini-2.5-pro","full_response":{"usageMetadata":{"promptTokenCount":1.5}}}"#;
        let e = read(row, "1").unwrap_err();
        assert_eq!(
            e.key.as_deref(),
            Some("full_response.usageMetadata.promptTokenCount")
        );
        assert_eq!(e.line, 1);
    }
}
