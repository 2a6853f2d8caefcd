//! OpenTelemetry GenAI spans, as the OTLP JSON file exporter writes them: one
//! `ExportTraceServiceRequest` per line (`{"resourceSpans":[{"scopeSpans":[{"spans":[…]}]}]}`),
//! or single span objects with the same fields.
//!
//! Attributes read (OTLP `[{"key","value":{"intValue"…}}]` lists, or plain objects):
//!
//! | attribute | meaning |
//! | --- | --- |
//! | `gen_ai.usage.input_tokens` | input **including** cache reads and writes (**OpenAI-style**: the conventions say the cache attributes "SHOULD be included") |
//! | `gen_ai.usage.output_tokens` | output tokens |
//! | `gen_ai.usage.cache_read.input_tokens` | cache reads (0 when absent) |
//! | `gen_ai.usage.cache_creation.input_tokens` | cache writes (0 when absent; priced as 5-minute writes) |
//! | `gen_ai.response.model`, else `gen_ai.request.model` | the model |
//! | `gen_ai.provider.name`, else `gen_ai.system` | the route (see [`super::routes::otel_route`]) |
//!
//! The span's `startTimeUnixNano` is its time. Spans with no `gen_ai.usage.*` attribute
//! (HTTP, database, tool spans) carry no tokens: they are counted in the notes, not read.

use std::io::BufRead;

use serde_json::Value;

use super::accumulate::Accumulator;
use super::json_records::{FieldProblem, Record};
use super::log_reader::{field_problem, read_records};
use super::record::{InputConvention, UsageRecord};
use super::routes::otel_route;
use super::tokens::{Tier, TokenBreakdown};
use super::totals::UsageTotals;
use crate::support::diagnostic::Diagnostic;

/// How OpenTelemetry GenAI counts input.
pub const CONVENTION: InputConvention = InputConvention::IncludesCache;

const NANOS_PER_MINUTE: u64 = 60_000_000_000;

/// Reads OTLP JSON spans.
pub fn read_otel<R: BufRead>(
    reader: R,
    file_name: &str,
    known_models: &[&str],
    skip_bad_rows: bool,
) -> Result<UsageTotals, Diagnostic> {
    let mut acc = Accumulator::new(file_name, known_models, skip_bad_rows);
    let mut other_spans = 0u64;
    read_records(reader, &mut acc, |record, _| {
        let value: Value = record.parse()?;
        let mut out = Vec::new();
        if let Some(resources) = value.get("resourceSpans") {
            for (r, resource) in array(resources).iter().enumerate() {
                let scopes = resource
                    .get("scopeSpans")
                    .or_else(|| resource.get("instrumentationLibrarySpans"));
                for (s, scope) in scopes.map(array).unwrap_or_default().iter().enumerate() {
                    let spans = scope.get("spans").map(array).unwrap_or_default();
                    for (i, span) in spans.iter().enumerate() {
                        let path = format!("resourceSpans[{r}].scopeSpans[{s}].spans[{i}]");
                        match span_usage(record, span, &path)? {
                            Some(usage) => out.push(usage),
                            None => other_spans += 1,
                        }
                    }
                }
            }
        } else {
            match span_usage(record, &value, "")? {
                Some(usage) => out.push(usage),
                None => other_spans += 1,
            }
        }
        Ok(out)
    })?;
    acc.note(format!(
        "OpenTelemetry GenAI spans: {}.",
        CONVENTION.describe()
    ));
    if other_spans > 0 {
        acc.note(format!(
            "{other_spans} spans carry no `gen_ai.usage.*` attributes (not model calls) and were not counted."
        ));
    }
    Ok(acc.finish())
}

fn array(value: &Value) -> &[Value] {
    value.as_array().map_or(&[], Vec::as_slice)
}

/// An attribute's value: OTLP `{"key": k, "value": {"intValue": "3"}}` lists or a plain map.
fn attribute<'v>(span: &'v Value, key: &str) -> Option<&'v Value> {
    let attributes = span.get("attributes")?;
    let value = match attributes {
        Value::Object(map) => return map.get(key),
        Value::Array(list) => list
            .iter()
            .find(|kv| kv.get("key").and_then(Value::as_str) == Some(key))?
            .get("value")?,
        _ => return None,
    };
    ["intValue", "stringValue", "doubleValue", "boolValue"]
        .iter()
        .find_map(|kind| value.get(*kind))
        .or(Some(value))
}

fn span_usage(
    record: &Record,
    span: &Value,
    path: &str,
) -> Result<Option<UsageRecord>, FieldProblem> {
    let at = |name: &str| {
        if path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        }
    };
    let tokens = |key: &str| -> Result<Option<u64>, FieldProblem> {
        match attribute(span, key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) if n.as_u64().is_some() => Ok(n.as_u64()),
            Some(Value::String(s)) if s.parse::<u64>().is_ok() => Ok(s.parse().ok()),
            Some(v) => Err(field_problem(
                record,
                &at(&format!("attributes.{key}")),
                format!("`{v}` is not a whole number of tokens"),
            )),
        }
    };
    let input = tokens("gen_ai.usage.input_tokens")?;
    let output = tokens("gen_ai.usage.output_tokens")?;
    let cache_read = tokens("gen_ai.usage.cache_read.input_tokens")?.unwrap_or(0);
    let cache_write = tokens("gen_ai.usage.cache_creation.input_tokens")?.unwrap_or(0);
    if input.is_none() && output.is_none() {
        return Ok(None);
    }
    let text = |key: &str| {
        attribute(span, key)
            .and_then(Value::as_str)
            .unwrap_or("")
            .trim()
    };
    let model = [text("gen_ai.response.model"), text("gen_ai.request.model")]
        .into_iter()
        .find(|m| !m.is_empty())
        .ok_or_else(|| {
            field_problem(
                record,
                &at("attributes.gen_ai.request.model"),
                "the span has usage but no model",
            )
        })?
        .to_owned();
    let provider = [text("gen_ai.provider.name"), text("gen_ai.system")]
        .into_iter()
        .find(|p| !p.is_empty())
        .unwrap_or("");
    let nanos = match span.get("startTimeUnixNano") {
        Some(Value::String(s)) => s.parse::<u64>().ok(),
        Some(Value::Number(n)) => n.as_u64(),
        _ => None,
    }
    .ok_or_else(|| {
        field_problem(
            record,
            &at("startTimeUnixNano"),
            "the span has no `startTimeUnixNano` (nanoseconds since the epoch)",
        )
    })?;
    let uncached = CONVENTION
        .uncached(input.unwrap_or(0), cache_read, cache_write)
        .map_err(|why| field_problem(record, &at("attributes.gen_ai.usage.input_tokens"), why))?;
    let tokens = TokenBreakdown {
        input: uncached,
        output: output.unwrap_or(0),
        cache_read,
        cache_write_5m: cache_write,
        cache_write_1h: 0,
    };
    Ok(Some(UsageRecord {
        minute: nanos / NANOS_PER_MINUTE,
        bucket_minutes: 1,
        route: otel_route(provider, &model),
        model,
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

    const KNOWN: &[&str] = &["claude-sonnet-4-5"];

    #[test]
    fn otlp_spans_subtract_the_cache_they_include() {
        let line = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"chat","startTimeUnixNano":"1760000000000000000","attributes":[{"key":"gen_ai.provider.name","value":{"stringValue":"aws.bedrock"}},{"key":"gen_ai.request.model","value":{"stringValue":"us.anthropic.claude-sonnet-4-5-20250929-v1:0"}},{"key":"gen_ai.usage.input_tokens","value":{"intValue":"3200"}},{"key":"gen_ai.usage.cache_read.input_tokens","value":{"intValue":"3000"}},{"key":"gen_ai.usage.output_tokens","value":{"intValue":150}}]},{"name":"GET /","startTimeUnixNano":"1760000000000000000","attributes":[]}]}]}]}"#;
        let totals = read_otel(line.as_bytes(), "spans.json", KNOWN, false).unwrap();
        let sonnet = &totals.by_model["claude-sonnet-4-5"].standard;
        assert_eq!(
            (sonnet.input, sonnet.cache_read, sonnet.output),
            (200, 3000, 150)
        );
        assert_eq!(totals.rows, 1);
        assert!(totals.observed_routes.contains_key("bedrock-geo"));
        assert!(
            totals
                .notes
                .iter()
                .any(|n| n.starts_with("1 spans carry no"))
        );
    }

    #[test]
    fn a_bad_attribute_names_its_span() {
        let line = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"1","attributes":[{"key":"gen_ai.request.model","value":{"stringValue":"claude-sonnet-4-5"}},{"key":"gen_ai.usage.input_tokens","value":{"stringValue":"many"}}]}]}]}]}"#;
        let e = read_otel(line.as_bytes(), "spans.json", KNOWN, false).unwrap_err();
        assert_eq!(
            e.key.as_deref(),
            Some("resourceSpans[0].scopeSpans[0].spans[0].attributes.gen_ai.usage.input_tokens")
        );
    }
}
