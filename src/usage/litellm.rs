//! LiteLLM proxy spend logs: an export of the `LiteLLM_SpendLogs` table, as CSV (a
//! PostgreSQL `\copy … CSV HEADER`, a spreadsheet) or JSON (`GET /spend/logs`, `row_to_json`:
//! an array, or one object per line).
//!
//! Fields read (names as in LiteLLM's schema, matched ignoring case; others are ignored):
//!
//! | field | meaning |
//! | --- | --- |
//! | `startTime` | when the request started (`YYYY-MM-DD HH:MM:SS[.fff]`, UTC, or RFC 3339) |
//! | `model` | the deployment's model id (its Bedrock prefix tells the route) |
//! | `prompt_tokens` | input **including** cache reads and writes (**OpenAI-style**) |
//! | `completion_tokens` | output tokens |
//! | `metadata.usage_object.cache_read_input_tokens` | cache reads (also `prompt_tokens_details.cached_tokens`) |
//! | `metadata.usage_object.cache_creation_input_tokens` | cache writes, all lifetimes |
//! | `metadata.usage_object.cache_creation_token_details.ephemeral_1h_input_tokens` | the 1-hour part, when present |
//! | `custom_llm_provider`, `api_base` | the route served on (see [`super::routes::litellm_route`]) |
//! | `spend` | LiteLLM's own estimate of the charge, in dollars: reported as billed, never trusted as a price |
//!
//! The spend-log table has no cache columns, so cache tokens come from `metadata`'s
//! `usage_object` and are subtracted from `prompt_tokens`. A row without a `usage_object`
//! cannot be split and is counted as uncached input; the notes say how many.

use std::io::{BufRead, Read};
use std::str::FromStr;

use ::csv::ByteRecord;
use rust_decimal::Decimal;
use serde_json::Value;

use super::accumulate::Accumulator;
use super::csv::{csv_reader, io_error, line_of};
use super::json_records::FieldProblem;
use super::log_reader::{field_problem, read_records};
use super::number::parse_count;
use super::record::{InputConvention, UsageRecord};
use super::routes::litellm_route;
use super::timestamp::TimestampParser;
use super::tokens::{Tier, TokenBreakdown};
use super::totals::UsageTotals;
use crate::support::diagnostic::{Code, Diagnostic};

/// How LiteLLM counts input.
pub const CONVENTION: InputConvention = InputConvention::IncludesCache;

/// One spend-log row, whichever file it came from.
struct SpendRow {
    start_time: String,
    model: String,
    provider: String,
    api_base: String,
    prompt_tokens: u64,
    completion_tokens: u64,
    spend: Option<Decimal>,
    metadata: Option<Value>,
}

/// Counts the notes need.
#[derive(Default)]
pub(super) struct Counts {
    pub without_usage_object: u64,
}

fn convert(
    row: SpendRow,
    timestamps: &mut TimestampParser,
    counts: &mut Counts,
    problem: &dyn Fn(&str, String) -> FieldProblem,
) -> Result<UsageRecord, FieldProblem> {
    let minute = timestamps
        .parse_minute(row.start_time.as_bytes())
        .map_err(|why| problem("startTime", format!("`{}`: {why}", row.start_time)))?;
    if row.model.trim().is_empty() {
        return Err(problem("model", "`model` is empty".to_owned()));
    }
    let usage = row.metadata.as_ref().and_then(|m| m.get("usage_object"));
    if usage.is_none_or(Value::is_null) {
        counts.without_usage_object += 1;
    }
    let count = |pointer: &str| -> Result<u64, FieldProblem> {
        match usage.and_then(|u| u.pointer(pointer)) {
            None | Some(Value::Null) => Ok(0),
            Some(v) => v.as_u64().ok_or_else(|| {
                problem(
                    &format!("metadata.usage_object{}", pointer.replace('/', ".")),
                    format!("`{v}` is not a whole number of tokens"),
                )
            }),
        }
    };
    let mut cache_read = count("/cache_read_input_tokens")?;
    if cache_read == 0 {
        cache_read = count("/prompt_tokens_details/cached_tokens")?;
    }
    let cache_write = count("/cache_creation_input_tokens")?;
    let one_hour = count("/cache_creation_token_details/ephemeral_1h_input_tokens")?;
    let five_minute = cache_write.checked_sub(one_hour).ok_or_else(|| {
        problem(
            "metadata.usage_object.cache_creation_token_details.ephemeral_1h_input_tokens",
            format!("the 1-hour writes ({one_hour}) are more than all writes ({cache_write})"),
        )
    })?;
    let input = CONVENTION
        .uncached(row.prompt_tokens, cache_read, cache_write)
        .map_err(|why| problem("prompt_tokens", why))?;
    let route = litellm_route(&row.provider, &row.model, &row.api_base);
    let tokens = TokenBreakdown {
        input,
        output: row.completion_tokens,
        cache_read,
        cache_write_5m: five_minute,
        cache_write_1h: one_hour,
    };
    Ok(UsageRecord {
        minute,
        bucket_minutes: 1,
        model: row.model,
        route,
        tier: Tier::of_request(false, &tokens),
        tokens,
        web_search_requests: 0,
        billed_usd: row.spend,
        billed_rows: None,
    })
}

pub(super) fn finish(mut acc: Accumulator, counts: &Counts) -> UsageTotals {
    acc.note(format!("LiteLLM spend logs: {}.", CONVENTION.describe()));
    acc.note(
        "LiteLLM's `spend` is its own estimate from its price map; it is shown as the billed amount to compare, not used as a price.".to_owned(),
    );
    if counts.without_usage_object > 0 {
        acc.note(format!(
            "{} LiteLLM rows have no `metadata.usage_object`, so their cache reads and writes cannot be told apart from input; they are priced as uncached input.",
            counts.without_usage_object
        ));
    }
    acc.finish()
}

/// A dollar amount from text (`0.047`, `4.7e-2`); empty is none.
fn parse_spend(text: &str) -> Result<Option<Decimal>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    Decimal::from_str(text)
        .or_else(|_| Decimal::from_scientific(text))
        .map(Some)
        .map_err(|_| format!("`{text}` is not an amount of dollars"))
}

/// Reads a JSON export (an array of rows, or one row per line).
pub fn read_litellm_json<R: BufRead>(
    reader: R,
    file_name: &str,
    known_models: &[&str],
    skip_bad_rows: bool,
) -> Result<UsageTotals, Diagnostic> {
    let mut acc = Accumulator::new(file_name, known_models, skip_bad_rows);
    let mut timestamps = TimestampParser::default();
    let mut counts = Counts::default();
    read_records(reader, &mut acc, |record, _| {
        let value: Value = record.parse()?;
        let problem = |field: &str, message: String| field_problem(record, field, message);
        let text = |key: &str| -> Result<String, FieldProblem> {
            match get(&value, key) {
                None | Some(Value::Null) => Ok(String::new()),
                Some(Value::String(s)) => Ok(s.clone()),
                Some(v) => Err(problem(key, format!("`{v}` is not text"))),
            }
        };
        let tokens = |key: &str| -> Result<u64, FieldProblem> {
            match get(&value, key) {
                None | Some(Value::Null) => Err(problem(key, format!("the row has no `{key}`"))),
                Some(v) => v
                    .as_u64()
                    .ok_or_else(|| problem(key, format!("`{v}` is not a whole number of tokens"))),
            }
        };
        let spend = match get(&value, "spend") {
            None | Some(Value::Null) => None,
            Some(v @ (Value::Number(_) | Value::String(_))) => {
                let text = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                parse_spend(&text).map_err(|why| problem("spend", why))?
            }
            Some(v) => return Err(problem("spend", format!("`{v}` is not an amount"))),
        };
        let metadata = match get(&value, "metadata") {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(
                serde_json::from_str(s)
                    .map_err(|e| problem("metadata", format!("the metadata is not JSON: {e}")))?,
            ),
            Some(v @ Value::Object(_)) => Some(v.clone()),
            _ => None,
        };
        let row = SpendRow {
            start_time: text("startTime")?,
            model: text("model")?,
            provider: text("custom_llm_provider")?,
            api_base: text("api_base")?,
            prompt_tokens: tokens("prompt_tokens")?,
            completion_tokens: tokens("completion_tokens")?,
            spend,
            metadata,
        };
        if row.start_time.is_empty() {
            return Err(problem(
                "startTime",
                "the row has no `startTime`".to_owned(),
            ));
        }
        Ok(vec![convert(row, &mut timestamps, &mut counts, &problem)?])
    })?;
    Ok(finish(acc, &counts))
}

/// A key of an object, ignoring letter case (`startTime` is `starttime` in some exports).
fn get<'v>(value: &'v Value, key: &str) -> Option<&'v Value> {
    let object = value.as_object()?;
    object.get(key).or_else(|| {
        object
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

/// The CSV columns read; the first four are required.
const COLUMNS: [&str; 8] = [
    "startTime",
    "model",
    "prompt_tokens",
    "completion_tokens",
    "spend",
    "custom_llm_provider",
    "api_base",
    "metadata",
];

/// Whether a CSV header is a LiteLLM spend-log export's.
pub fn is_spend_log_header(header: &[&str]) -> bool {
    let has = |name: &str| header.iter().any(|h| h.trim().eq_ignore_ascii_case(name));
    has("request_id") && has("spend") && has("prompt_tokens") && has("startTime")
}

/// Reads a CSV export.
pub fn read_litellm_csv<R: Read>(
    reader: R,
    file_name: &str,
    known_models: &[&str],
    skip_bad_rows: bool,
) -> Result<UsageTotals, Diagnostic> {
    let mut acc = Accumulator::new(file_name, known_models, skip_bad_rows);
    // The reader every usage CSV goes through: CRLF lines numbered right, a runaway line
    // refused rather than buffered.
    let mut csv = csv_reader(reader);
    let mut record = ByteRecord::new();
    if !csv
        .read_byte_record(&mut record)
        .map_err(|e| io_error(&acc, e))?
    {
        return Err(acc.error(Code::UsageEmpty, 1, 1, None, "the file is empty".to_owned()));
    }
    let names: Vec<String> = record
        .iter()
        .map(|f| String::from_utf8_lossy(f).trim().to_owned())
        .collect();
    let mut index = [None; COLUMNS.len()];
    for (slot, column) in index.iter_mut().zip(COLUMNS) {
        *slot = names.iter().position(|n| n.eq_ignore_ascii_case(column));
    }
    if let Some(missing) = COLUMNS[..4]
        .iter()
        .zip(&index)
        .find(|(_, i)| i.is_none())
        .map(|(c, _)| *c)
    {
        return Err(acc
            .error(
                Code::UsageHeader,
                line_of(&record),
                1,
                Some(missing),
                format!("the LiteLLM spend-log export has no `{missing}` column"),
            )
            .with_help(format!("columns present: {}", names.join(", "))));
    }
    let width = names.len();
    let mut timestamps = TimestampParser::default();
    let mut counts = Counts::default();
    while csv
        .read_byte_record(&mut record)
        .map_err(|e| io_error(&acc, e))?
    {
        let line = line_of(&record);
        let column_of = |name: &str| {
            let i = COLUMNS
                .iter()
                .position(|c| *c == name)
                .and_then(|c| index[c])
                .unwrap_or(0);
            record
                .iter()
                .take(i)
                .map(|f| String::from_utf8_lossy(f).chars().count() as u64 + 1)
                .sum::<u64>()
                + 1
        };
        let problem = |field: &str, message: String| {
            let key = field.split('.').next().unwrap_or(field);
            FieldProblem {
                field: Some(field.to_owned()),
                line,
                column: column_of(key),
                message,
            }
        };
        let parsed = (|| {
            if record.len() != width {
                return Err(FieldProblem {
                    field: None,
                    line,
                    column: 1,
                    message: format!(
                        "the row has {} fields but the header has {width}",
                        record.len()
                    ),
                });
            }
            let text = |c: usize| {
                index[c]
                    .and_then(|i| record.get(i))
                    .map(|f| String::from_utf8_lossy(f).trim().to_owned())
                    .unwrap_or_default()
            };
            let tokens = |c: usize| -> Result<u64, FieldProblem> {
                let raw = index[c].and_then(|i| record.get(i)).unwrap_or_default();
                match parse_count(raw) {
                    Ok(Some(n)) => Ok(n),
                    Ok(None) => Err(problem(COLUMNS[c], format!("`{}` is empty", COLUMNS[c]))),
                    Err(why) => Err(problem(
                        COLUMNS[c],
                        format!(
                            "`{}` value `{}` {why}",
                            COLUMNS[c],
                            String::from_utf8_lossy(raw).trim()
                        ),
                    )),
                }
            };
            let metadata = text(7);
            let metadata =
                if metadata.is_empty() {
                    None
                } else {
                    Some(serde_json::from_str::<Value>(&metadata).map_err(|e| {
                        problem("metadata", format!("the metadata is not JSON: {e}"))
                    })?)
                };
            let start_time = text(0);
            if start_time.is_empty() {
                return Err(problem("startTime", "`startTime` is empty".to_owned()));
            }
            let row = SpendRow {
                start_time,
                model: text(1),
                prompt_tokens: tokens(2)?,
                completion_tokens: tokens(3)?,
                spend: parse_spend(&text(4)).map_err(|why| problem("spend", why))?,
                provider: text(5),
                api_base: text(6),
                metadata,
            };
            convert(row, &mut timestamps, &mut counts, &problem)
        })();
        match parsed {
            Ok(usage) => {
                if let Err(message) = acc.add_record(&usage) {
                    let diagnostic =
                        acc.error(Code::UsageOverflow, line, 1, None, message.to_owned());
                    acc.bad_row(diagnostic)?;
                }
            }
            Err(p) => {
                let diagnostic = acc.error(
                    Code::UsageInvalidValue,
                    p.line,
                    p.column,
                    p.field.as_deref(),
                    p.message,
                );
                acc.bad_row(diagnostic)?;
            }
        }
    }
    Ok(finish(acc, &counts))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[&str] = &["claude-opus-4-5", "claude-haiku-4-5"];

    #[test]
    fn cached_tokens_come_out_of_prompt_tokens_once() {
        let json = r#"{"request_id":"chatcmpl-1","model":"eu.anthropic.claude-opus-4-5-20251101-v1:0","custom_llm_provider":"bedrock","startTime":"2026-01-19T10:00:00Z","spend":0.047,"prompt_tokens":98805,"completion_tokens":5120,"metadata":{"usage_object":{"prompt_tokens":98805,"cache_read_input_tokens":66360,"cache_creation_input_tokens":32435}}}"#;
        let totals = read_litellm_json(json.as_bytes(), "spend.json", KNOWN, false).unwrap();
        let opus = &totals.by_model["claude-opus-4-5"].standard;
        assert_eq!(
            (
                opus.input,
                opus.cache_read,
                opus.cache_write_5m,
                opus.output
            ),
            (10, 66_360, 32_435, 5120)
        );
        assert_eq!(opus.total(), Some(98_805 + 5120));
        let route = &totals.observed_routes["bedrock-geo"];
        assert_eq!(route.billed_usd, Decimal::new(47, 3));
    }

    #[test]
    fn the_csv_export_reads_metadata_from_its_json_column() {
        let csv = "request_id,startTime,model,custom_llm_provider,prompt_tokens,completion_tokens,spend,metadata\n\
                   r1,2026-01-19 10:00:00.123,claude-haiku-4-5,anthropic,2459,10,0.001,\"{\"\"usage_object\"\":{\"\"cache_read_input_tokens\"\":2455}}\"\n";
        let totals = read_litellm_csv(csv.as_bytes(), "spend.csv", KNOWN, false).unwrap();
        let haiku = &totals.by_model["claude-haiku-4-5"].standard;
        assert_eq!((haiku.input, haiku.cache_read), (4, 2455));
        assert_eq!(totals.observed_routes["anthropic-api"].billed_rows, 1);
    }

    #[test]
    fn bad_values_name_the_column() {
        let csv = "request_id,startTime,model,prompt_tokens,completion_tokens,spend\n\
                   r1,2026-01-19 10:00:00,claude-haiku-4-5,12,x,0\n";
        let e = read_litellm_csv(csv.as_bytes(), "spend.csv", KNOWN, false).unwrap_err();
        assert_eq!((e.line, e.key.as_deref()), (2, Some("completion_tokens")));
        let csv = "request_id,startTime,model,prompt_tokens,completion_tokens,spend,metadata\n\
                   r1,2026-01-19 10:00:00,claude-haiku-4-5,12,1,0,\"{\"\"usage_object\"\":{\"\"cache_read_input_tokens\"\":20}}\"\n";
        let e = read_litellm_csv(csv.as_bytes(), "spend.csv", KNOWN, false).unwrap_err();
        assert_eq!(e.key.as_deref(), Some("prompt_tokens"));
        assert!(
            e.message.contains("smaller than the cache"),
            "{}",
            e.message
        );
        let e =
            read_litellm_csv("request_id,spend\n".as_bytes(), "s.csv", KNOWN, false).unwrap_err();
        assert!(e.help.unwrap().contains("request_id, spend"));
    }

    #[test]
    fn a_crlf_export_names_the_right_line_and_a_runaway_line_is_refused() {
        let csv = "request_id,startTime,model,prompt_tokens,completion_tokens,spend\r\n\
                   r1,2026-01-19 10:00:00,claude-haiku-4-5,12,1,0\r\n\
                   r2,2026-01-19 10:00:00,claude-haiku-4-5,12,x,0\r\n";
        let e = read_litellm_csv(csv.as_bytes(), "spend.csv", KNOWN, false).unwrap_err();
        assert_eq!((e.line, e.key.as_deref()), (3, Some("completion_tokens")));
        let long = format!(
            "request_id,startTime,model,prompt_tokens,completion_tokens,spend\n{}\n",
            "x".repeat(crate::support::limits::MAX_USAGE_LINE_BYTES + 1)
        );
        let e = read_litellm_csv(long.as_bytes(), "spend.csv", KNOWN, false).unwrap_err();
        assert_eq!((e.code, e.line), (Code::LimitLine, 2), "{}", e.message);
    }
}
