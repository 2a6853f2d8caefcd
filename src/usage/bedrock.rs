//! Amazon Bedrock model invocation logs: one JSON record per invocation, as Bedrock writes
//! them to S3 (`AWSLogs/<account>/BedrockModelInvocationLogs/<region>/YYYY/MM/DD/HH/*.json.gz`,
//! JSON lines) or as a CloudWatch Logs export (single records or an array).
//!
//! Fields read (everything else is ignored; the record's bodies can be large):
//!
//! | field | meaning |
//! | --- | --- |
//! | `timestamp` | RFC 3339 time of the invocation |
//! | `modelId` | the model, and the route (see [`super::routes::bedrock_route`]) |
//! | `input.inputTokenCount` | uncached input: Bedrock counts it **Anthropic-style** |
//! | `input.cacheReadInputTokenCount` | cache reads (0 when absent) |
//! | `input.cacheWriteInputTokenCount` | cache writes, all lifetimes (0 when absent) |
//! | `output.outputTokenCount` | output tokens |
//! | `output.outputBodyJson.usage.cache_creation.ephemeral_1h_input_tokens` | the 1-hour part of the writes, when the body has it; the rest are 5-minute writes |
//! | `errorCode` | a failed invocation: counted, not priced (failures are not billed) |
//! | `schemaType` | when present, must be `ModelInvocationLog` |

use std::io::BufRead;

use serde::Deserialize;

use super::accumulate::Accumulator;
use super::json_records::{FieldProblem, Record};
use super::log_reader::{field_problem, read_records};
use super::record::{InputConvention, UsageRecord};
use super::routes::bedrock_route;
use super::timestamp::TimestampParser;
use super::tokens::{Tier, TokenBreakdown};
use super::totals::UsageTotals;
use crate::support::diagnostic::Diagnostic;

/// How Bedrock counts input.
pub const CONVENTION: InputConvention = InputConvention::ExcludesCache;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    schema_type: Option<String>,
    timestamp: Option<String>,
    model_id: Option<String>,
    error_code: Option<String>,
    input: Option<Input>,
    output: Option<Output>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Input {
    input_token_count: Option<u64>,
    cache_read_input_token_count: Option<u64>,
    cache_write_input_token_count: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Output {
    output_token_count: Option<u64>,
    output_body_json: Option<serde_json::Value>,
}

/// Reads Bedrock invocation records. `file_name` names the file in diagnostics (inside a
/// directory walk, the exact file).
pub fn read_bedrock<R: BufRead>(
    reader: R,
    file_name: &str,
    known_models: &[&str],
    skip_bad_rows: bool,
) -> Result<UsageTotals, Diagnostic> {
    let mut acc = Accumulator::new(file_name, known_models, skip_bad_rows);
    let mut timestamps = TimestampParser::default();
    let mut failed = 0u64;
    read_records(reader, &mut acc, |record, _| {
        let (usage, is_failure) = convert(record, &mut timestamps)?;
        failed += u64::from(is_failure);
        Ok(vec![usage])
    })?;
    acc.note(format!(
        "Bedrock invocation logs: {}.",
        CONVENTION.describe()
    ));
    if failed > 0 {
        acc.note(format!(
            "{failed} Bedrock invocations failed (`errorCode`); failed invocations are not billed, so they are counted as rows without tokens."
        ));
    }
    Ok(acc.finish())
}

fn convert(
    record: &Record,
    timestamps: &mut TimestampParser,
) -> Result<(UsageRecord, bool), FieldProblem> {
    let invocation: Invocation = record.parse()?;
    if let Some(schema) = &invocation.schema_type
        && schema != "ModelInvocationLog"
    {
        return Err(field_problem(
            record,
            "schemaType",
            format!("`{schema}` is not a model invocation record (expected `ModelInvocationLog`)"),
        ));
    }
    let timestamp = invocation
        .timestamp
        .ok_or_else(|| field_problem(record, "timestamp", "the record has no `timestamp`"))?;
    let minute = timestamps
        .parse_minute(timestamp.as_bytes())
        .map_err(|why| field_problem(record, "timestamp", format!("`{timestamp}`: {why}")))?;
    let model = invocation
        .model_id
        .filter(|m| !m.trim().is_empty())
        .ok_or_else(|| field_problem(record, "modelId", "the record has no `modelId`"))?;
    let route = Some(bedrock_route(&model));
    if invocation.error_code.is_some() {
        // A failed invocation is not billed: it is a row with no tokens.
        let failure = UsageRecord {
            minute,
            bucket_minutes: 1,
            model,
            route,
            tier: Tier::Standard,
            tokens: TokenBreakdown::default(),
            web_search_requests: 0,
            billed_usd: None,
            billed_rows: None,
        };
        return Ok((failure, true));
    }
    let input = invocation.input.ok_or_else(|| {
        field_problem(record, "input.inputTokenCount", "the record has no `input`")
    })?;
    let input_tokens = input.input_token_count.ok_or_else(|| {
        field_problem(
            record,
            "input.inputTokenCount",
            "the record has no `input.inputTokenCount`",
        )
    })?;
    let output = invocation.output.ok_or_else(|| {
        field_problem(
            record,
            "output.outputTokenCount",
            "the record has no `output`",
        )
    })?;
    let output_tokens = output.output_token_count.ok_or_else(|| {
        field_problem(
            record,
            "output.outputTokenCount",
            "the record has no `output.outputTokenCount`",
        )
    })?;
    let cache_read = input.cache_read_input_token_count.unwrap_or(0);
    let cache_write = input.cache_write_input_token_count.unwrap_or(0);
    let one_hour = output
        .output_body_json
        .as_ref()
        .and_then(|body| body.pointer("/usage/cache_creation/ephemeral_1h_input_tokens"))
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(0);
    let Some(five_minute) = cache_write.checked_sub(one_hour) else {
        return Err(field_problem(
            record,
            "output.outputBodyJson.usage.cache_creation.ephemeral_1h_input_tokens",
            format!(
                "the 1-hour cache writes ({one_hour}) are more than \
                 `input.cacheWriteInputTokenCount` ({cache_write})"
            ),
        ));
    };
    let uncached = CONVENTION
        .uncached(input_tokens, cache_read, cache_write)
        .map_err(|why| field_problem(record, "input.inputTokenCount", why))?;
    let tokens = TokenBreakdown {
        input: uncached,
        output: output_tokens,
        cache_read,
        cache_write_5m: five_minute,
        cache_write_1h: one_hour,
    };
    let usage = UsageRecord {
        minute,
        bucket_minutes: 1,
        model,
        route,
        tier: Tier::of_request(false, &tokens),
        tokens,
        web_search_requests: 0,
        billed_usd: None,
        billed_rows: None,
    };
    Ok((usage, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[&str] = &["claude-sonnet-4-5", "claude-haiku-4-5"];

    fn read(text: &str) -> Result<UsageTotals, Diagnostic> {
        read_bedrock(text.as_bytes(), "log.json", KNOWN, false)
    }

    #[test]
    fn cache_tokens_are_counted_once_beside_uncached_input() {
        let totals = read(
            r#"{"schemaType":"ModelInvocationLog","timestamp":"2026-10-01T00:00:00Z","modelId":"us.anthropic.claude-haiku-4-5-20251001-v1:0","input":{"inputTokenCount":1,"cacheReadInputTokenCount":238604,"cacheWriteInputTokenCount":1314},"output":{"outputTokenCount":38}}"#,
        )
        .unwrap();
        // A prompt of 1 + 238,604 + 1,314 = 239,919 tokens: one request above 200K.
        let haiku = &totals.by_model["claude-haiku-4-5"].long_context;
        assert_eq!(
            (haiku.input, haiku.cache_read, haiku.cache_write_5m),
            (1, 238_604, 1314)
        );
        assert_eq!(haiku.total(), Some(1 + 238_604 + 1314 + 38));
        assert_eq!(totals.observed_routes["bedrock-geo"].rows, 1);
    }

    #[test]
    fn the_one_hour_split_comes_from_the_body() {
        let totals = read(
            r#"{"timestamp":"2026-10-01T00:00:00Z","modelId":"anthropic.claude-sonnet-4-5-20250929-v1:0","input":{"inputTokenCount":5,"cacheWriteInputTokenCount":100},"output":{"outputTokenCount":1,"outputBodyJson":{"usage":{"cache_creation":{"ephemeral_1h_input_tokens":40}}}}}"#,
        )
        .unwrap();
        let s = &totals.by_model["claude-sonnet-4-5"].standard;
        assert_eq!((s.cache_write_5m, s.cache_write_1h), (60, 40));
        assert!(totals.observed_routes.contains_key("bedrock-region"));
    }

    #[test]
    fn bad_records_name_line_and_field() {
        let e = read("{\"timestamp\":\"2026-10-01T00:00:00Z\",\"modelId\":\"x\",\"input\":{\"inputTokenCount\":1},\"output\":{\"outputTokenCount\":1}}\n{\"timestamp\":\"2026-10-01T00:00:00Z\",\"modelId\":\"x\",\"input\":{\"inputTokenCount\":-4},\"output\":{}}\n").unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("log.json", 2));
        assert_eq!(e.key.as_deref(), Some("input.inputTokenCount"));
        let e = read("{\"timestamp\":\"2026-10-01T00:00:00Z\",\"modelId\":\"x\",\"input\":{\"inputTokenCount\":1}}").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("output.outputTokenCount"));
        let e = read("{\"schemaType\":\"Other\"}").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("schemaType"));
    }

    #[test]
    fn failed_invocations_are_rows_without_tokens() {
        let totals = read(r#"{"timestamp":"2026-10-01T00:00:00Z","modelId":"global.anthropic.claude-sonnet-4-5","errorCode":"ThrottlingException"}"#).unwrap();
        assert_eq!(totals.rows, 1);
        assert_eq!(
            totals.by_model["claude-sonnet-4-5"].all().unwrap().total(),
            Some(0)
        );
    }
}
