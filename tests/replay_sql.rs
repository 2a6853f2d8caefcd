//! `routewise replay --emit-sql duckdb`: the SQL run on a real DuckDB (the Python `duckdb`
//! package) over generated Bedrock invocation logs, a LiteLLM spend-log export and
//! OpenTelemetry GenAI spans (OTLP JSON export lines), its
//! result replayed, must price exactly like replaying the logs directly, to the cent. The
//! logs include prompts above 200K tokens (long-context, decided per request) and two
//! requests either side of the mark.
//!
//! Skipped (saying why) where `python3 -c "import duckdb"` fails, unless
//! `ROUTEWISE_REQUIRE_DUCKDB=1` (set by `.ci/run`, which installs it), where it fails.

mod common;

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::process::Command;

use common::Run;
use serde_json::Value;

/// Runs `sql` on DuckDB in `dir` and writes its result as CSV with a header to `out`.
fn run_duckdb(dir: &Path, sql: &str, out: &str) {
    std::fs::write(dir.join("query.sql"), sql).unwrap();
    let script = format!(
        "import duckdb\nsql = open('query.sql').read().strip().rstrip(';')\nduckdb.connect().sql('COPY (' + sql + '\\n) TO ''{out}'' (HEADER)')\n"
    );
    let output = Command::new("python3")
        .current_dir(dir)
        .args(["-c", &script])
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "DuckDB failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn routewise_json(dir: &Path, args: &[&str]) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_routewise"))
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .args(args)
        .args(["--format", "json"])
        .output()
        .expect("routewise runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON")
}

fn emit(args: &[&str]) -> String {
    let mut all = vec!["replay"];
    all.extend_from_slice(args);
    let outcome = Run::new().args(&all).run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    outcome.stdout
}

/// A deterministic generator.
fn generator() -> impl FnMut(u64) -> u64 {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    move |n| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    }
}

/// The priced parts of two replays agree, route by route and line by line.
fn assert_same_prices(direct: &Value, via_sql: &Value) {
    assert_eq!(direct["routes"], via_sql["routes"]);
    assert_eq!(
        direct["observed"]["peak_tokens_per_minute"],
        via_sql["observed"]["peak_tokens_per_minute"]
    );
    // Rows differ (requests against minute buckets); tokens and peaks may not.
    let per_model = |r: &Value| -> Vec<(Value, Value, Value)> {
        r["observed"]["models"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["model"].clone(),
                    m["tokens"].clone(),
                    m["peak_tokens_per_minute"].clone(),
                )
            })
            .collect()
    };
    assert_eq!(per_model(direct), per_model(via_sql));
    let total = common::route(direct, "anthropic-api")["total_usd"].clone();
    assert!(total.as_str().is_some_and(|t| t != "0.00"), "{total}");
    // The logs hold long prompts, so the comparison covers the long-context lines.
    let long_lines = common::route(direct, "anthropic-api")["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| {
            i["name"]
                .as_str()
                .is_some_and(|n| n.contains("long prompts"))
        })
        .count();
    assert!(long_lines > 0, "no long-context lines in the direct replay");
}

/// Reads a CSV DuckDB wrote into (header, rows).
fn read_csv(path: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|line| {
            header
                .iter()
                .zip(line.split(','))
                .map(|(h, v)| ((*h).to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

/// Two requests of one model in one minute, with prompts of 200,000 and 200,001 tokens:
/// the SQL puts them in two rows, `0-200k` and `200k-1M`, each with its own uncached input.
/// Runs the DuckDB SQL of `source` over `file` holding `text` (two requests either side of
/// 200K prompt tokens), read as `from`, and checks they come out as two rows with the given
/// uncached input; `None` without DuckDB.
fn split_at_the_mark(
    source: &str,
    (file, text, from): (&str, &str, &str),
    input_short: &str,
    input_long: &str,
) -> Option<tempfile::TempDir> {
    if !common::duckdb_available() {
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(file), text).unwrap();
    let sql = emit(&[
        "--emit-sql",
        "duckdb",
        "--source",
        source,
        "--sql-from",
        from,
    ]);
    run_duckdb(dir.path(), &sql, "usage.csv");
    assert_split_at_the_mark(dir.path(), input_short, input_long);
    Some(dir)
}

fn assert_split_at_the_mark(dir: &Path, input_short: &str, input_long: &str) {
    let rows = read_csv(&dir.join("usage.csv"));
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0]["context_window"], "0-200k");
    assert_eq!(rows[0]["input_tokens"], input_short);
    assert_eq!(rows[1]["context_window"], "200k-1M");
    assert_eq!(rows[1]["input_tokens"], input_long);
    for row in &rows {
        assert_eq!(row["timestamp"], "2026-10-02T12:00:00Z");
        assert_eq!(row["bucket_width"], "1m");
    }
}

/// Bedrock records for the two requests either side of the 200K mark. Bedrock's
/// `inputTokenCount` excludes the cache, so the prompts are input plus cache reads:
/// 100,000 + 100,000 and 100,000 + 100,001.
fn bedrock_boundary_records() -> String {
    [100_000u64, 100_001]
        .iter()
        .enumerate()
        .map(|(i, cache_read)| {
            format!(
                r#"{{"schemaType":"ModelInvocationLog","timestamp":"2026-10-02T12:00:1{i}Z","requestId":"mark-{i}","modelId":"us.anthropic.claude-sonnet-4-5-20250929-v1:0","input":{{"inputTokenCount":100000,"cacheReadInputTokenCount":{cache_read},"cacheWriteInputTokenCount":0}},"output":{{"outputTokenCount":1000}}}}"#
            ) + "\n"
        })
        .collect()
}

/// LiteLLM rows for the two requests either side of the 200K mark. `prompt_tokens`
/// includes the 150,000 cache reads: counting them again would make both prompts long.
fn litellm_boundary_rows() -> String {
    [200_000u64, 200_001]
        .iter()
        .enumerate()
        .map(|(i, prompt)| {
            format!(
                "mark-{i},acompletion,1.0,{prompt},1000,2026-10-02 12:00:1{i}.000,claude-sonnet-4-5-20250929,anthropic,\"{{\"\"usage_object\"\":{{\"\"cache_read_input_tokens\"\":150000}}}}\"\n"
            )
        })
        .collect()
}

const LITELLM_HEADER: &str = "request_id,call_type,spend,prompt_tokens,completion_tokens,startTime,model,custom_llm_provider,metadata\n";

#[test]
fn bedrock_requests_either_side_of_200k_land_in_two_context_windows() {
    let Some(dir) = split_at_the_mark(
        "bedrock-invocation",
        ("mark.json", &bedrock_boundary_records(), "'mark.json'"),
        "100000",
        "100000",
    ) else {
        return;
    };
    let rows = read_csv(&dir.path().join("usage.csv"));
    assert_eq!(rows[0]["cache_read_input_tokens"], "100000");
    assert_eq!(rows[1]["cache_read_input_tokens"], "100001");
    let direct = routewise_json(dir.path(), &["replay", "--usage", "mark.json"]);
    let via_sql = routewise_json(dir.path(), &["replay", "--usage", "usage.csv"]);
    assert_eq!(direct["routes"], via_sql["routes"]);
}

#[test]
fn litellm_requests_either_side_of_200k_land_in_two_context_windows() {
    let csv = format!("{LITELLM_HEADER}{}", litellm_boundary_rows());
    let from = "read_csv('spend.csv', header = true, all_varchar = true)";
    let Some(dir) = split_at_the_mark(
        "litellm-spendlogs",
        ("spend.csv", &csv, from),
        "50000",
        "50001",
    ) else {
        return;
    };
    let direct = routewise_json(dir.path(), &["replay", "--usage", "spend.csv"]);
    let via_sql = routewise_json(dir.path(), &["replay", "--usage", "usage.csv"]);
    assert_eq!(direct["routes"], via_sql["routes"]);
}

#[test]
fn bedrock_logs_through_duckdb_price_like_the_logs() {
    if !common::duckdb_available() {
        return;
    }
    let models = [
        "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "global.anthropic.claude-haiku-4-5-20251001-v1:0",
        "anthropic.claude-sonnet-4-5-20250929-v1:0",
        "eu.anthropic.claude-opus-4-5-20251101-v1:0",
    ];
    let mut next = generator();
    let dir = tempfile::tempdir().unwrap();
    let logs = dir
        .path()
        .join("AWSLogs/123456789012/BedrockModelInvocationLogs/us-east-1/2026/10/01");
    for hour in 0..6u64 {
        let hour_dir = logs.join(format!("{hour:02}"));
        std::fs::create_dir_all(&hour_dir).unwrap();
        let mut lines = String::new();
        for i in 0..400u64 {
            let model = models[next(models.len() as u64) as usize];
            let minute = next(60);
            let record = if next(50) == 0 {
                format!(
                    r#"{{"schemaType":"ModelInvocationLog","timestamp":"2026-10-01T{hour:02}:{minute:02}:{:02}Z","requestId":"{hour}-{i}","modelId":"{model}","errorCode":"ThrottlingException"}}"#,
                    next(60)
                )
            } else {
                format!(
                    r#"{{"schemaType":"ModelInvocationLog","timestamp":"2026-10-01T{hour:02}:{minute:02}:{:02}Z","requestId":"{hour}-{i}","modelId":"{model}","input":{{"inputTokenCount":{},"cacheReadInputTokenCount":{},"cacheWriteInputTokenCount":{}}},"output":{{"outputTokenCount":{}}}}}"#,
                    next(60),
                    // One request in eight has a long prompt, most above 200K tokens.
                    if next(8) == 0 {
                        100_000 + next(150_000)
                    } else {
                        next(20_000)
                    },
                    next(3) * next(40_000),
                    next(4) / 3 * next(10_000),
                    next(3_000)
                )
            };
            lines.push_str(&record);
            lines.push('\n');
        }
        if hour % 2 == 0 {
            let file = std::fs::File::create(hour_dir.join("part.json.gz")).unwrap();
            let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
            gz.write_all(lines.as_bytes()).unwrap();
            gz.finish().unwrap();
        } else {
            std::fs::write(hour_dir.join("part.json"), lines).unwrap();
        }
    }
    let mark_dir = dir
        .path()
        .join("AWSLogs/123456789012/BedrockModelInvocationLogs/us-east-1/2026/10/02/12");
    std::fs::create_dir_all(&mark_dir).unwrap();
    std::fs::write(mark_dir.join("mark.json"), bedrock_boundary_records()).unwrap();
    let sql = emit(&[
        "--emit-sql",
        "duckdb",
        "--source",
        "bedrock-invocation",
        "--sql-from",
        "'AWSLogs/*/BedrockModelInvocationLogs/*/*/*/*/*/*.json*'",
    ]);
    run_duckdb(dir.path(), &sql, "usage.csv");
    let direct = routewise_json(dir.path(), &["replay", "--usage", "AWSLogs"]);
    let via_sql = routewise_json(dir.path(), &["replay", "--usage", "usage.csv"]);
    assert_eq!(direct["format"], "bedrock");
    assert_same_prices(&direct, &via_sql);
}

#[test]
fn a_litellm_export_through_duckdb_prices_like_the_export() {
    if !common::duckdb_available() {
        return;
    }
    let models = [
        ("us.anthropic.claude-sonnet-4-5-20250929-v1:0", "bedrock"),
        ("claude-haiku-4-5-20251001", "anthropic"),
        ("claude-sonnet-4-5-20250929", "anthropic"),
    ];
    let mut next = generator();
    let mut csv = String::from(LITELLM_HEADER);
    for id in 0..2000u64 {
        let (model, provider) = models[next(3) as usize];
        let cache_read = next(2) * next(50_000);
        let cache_write = next(4) / 3 * next(20_000);
        // One request in eight has a long prompt, most above 200K tokens.
        let uncached = if next(8) == 0 {
            150_000 + next(100_000)
        } else {
            next(30_000)
        };
        let prompt = uncached + cache_read + cache_write;
        let metadata = if next(8) == 0 {
            "{}".to_owned()
        } else {
            format!(
                r#"{{"usage_object":{{"cache_read_input_tokens":{cache_read},"cache_creation_input_tokens":{cache_write}}}}}"#
            )
        };
        writeln!(
            csv,
            "r{id},acompletion,{}.{:04},{prompt},{},2026-10-01 {:02}:{:02}:{:02}.{:03},{model},{provider},\"{}\"",
            next(2),
            next(10_000),
            next(2_000),
            id / 100,
            next(60),
            next(60),
            next(1000),
            metadata.replace('"', "\"\"")
        )
        .unwrap();
    }
    csv.push_str(&litellm_boundary_rows());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("spend.csv"), csv).unwrap();
    let sql = emit(&[
        "--emit-sql",
        "duckdb",
        "--source",
        "litellm-spendlogs",
        "--sql-from",
        "read_csv('spend.csv', header = true, all_varchar = true)",
    ]);
    run_duckdb(dir.path(), &sql, "usage.csv");
    let direct = routewise_json(dir.path(), &["replay", "--usage", "spend.csv"]);
    let via_sql = routewise_json(dir.path(), &["replay", "--usage", "usage.csv"]);
    assert_eq!(direct["format"], "litellm");
    assert_same_prices(&direct, &via_sql);
}

/// One OTLP JSON export line (`ExportTraceServiceRequest`) holding `spans`.
fn otlp_line(spans: &[String]) -> String {
    format!(
        r#"{{"resourceSpans":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"app"}}}}]}},"scopeSpans":[{{"scope":{{"name":"opentelemetry.instrumentation.genai"}},"spans":[{}]}}]}}]}}"#,
        spans.join(",")
    ) + "\n"
}

/// A GenAI span: `input` includes the cache reads and writes (OpenAI-style); token counts
/// are OTLP `intValue`s, as text or as numbers, as exporters write both.
fn genai_span(nanos: u64, model: &str, input: u64, output: u64, read: u64, write: u64) -> String {
    let mut attributes = vec![
        r#"{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}}"#.to_owned(),
        format!(r#"{{"key":"gen_ai.request.model","value":{{"stringValue":"{model}"}}}}"#),
        format!(r#"{{"key":"gen_ai.usage.input_tokens","value":{{"intValue":"{input}"}}}}"#),
        format!(r#"{{"key":"gen_ai.usage.output_tokens","value":{{"intValue":{output}}}}}"#),
    ];
    if read > 0 {
        attributes.push(format!(
            r#"{{"key":"gen_ai.usage.cache_read.input_tokens","value":{{"intValue":"{read}"}}}}"#
        ));
    }
    if write > 0 {
        attributes.push(format!(
            r#"{{"key":"gen_ai.usage.cache_creation.input_tokens","value":{{"intValue":"{write}"}}}}"#
        ));
    }
    format!(
        r#"{{"traceId":"t","spanId":"s{nanos}","name":"chat {model}","startTimeUnixNano":"{nanos}","endTimeUnixNano":"{}","attributes":[{}]}}"#,
        nanos + 1_000_000_000,
        attributes.join(",")
    )
}

/// Two spans either side of the 200K mark at 2026-10-02T12:00: `input_tokens` includes
/// the 150,000 cache reads, so the prompts are 200,000 and 200,001.
fn otel_boundary_line() -> String {
    let noon = 1_790_942_400u64 * 1_000_000_000;
    otlp_line(&[
        genai_span(
            noon + 10_000_000_123,
            "claude-sonnet-4-5-20250929",
            200_000,
            1000,
            150_000,
            0,
        ),
        genai_span(
            noon + 11_000_000_456,
            "claude-sonnet-4-5-20250929",
            200_001,
            1000,
            150_000,
            0,
        ),
    ])
}

#[test]
fn otel_spans_either_side_of_200k_land_in_two_context_windows() {
    let Some(dir) = split_at_the_mark(
        "otel-genai",
        ("mark.json", &otel_boundary_line(), "'mark.json'"),
        "50000",
        "50001",
    ) else {
        return;
    };
    let direct = routewise_json(dir.path(), &["replay", "--usage", "mark.json"]);
    let via_sql = routewise_json(dir.path(), &["replay", "--usage", "usage.csv"]);
    assert_eq!(direct["format"], "otel");
    assert_eq!(direct["routes"], via_sql["routes"]);
}

#[test]
fn otel_spans_through_duckdb_price_like_the_spans() {
    if !common::duckdb_available() {
        return;
    }
    let models = [
        "claude-sonnet-4-5-20250929",
        "claude-haiku-4-5-20251001",
        "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    ];
    let mut next = generator();
    let start = 1_790_812_800u64 * 1_000_000_000;
    let mut lines = String::new();
    for batch in 0..400u64 {
        let mut spans = Vec::new();
        for _ in 0..1 + next(5) {
            // Six hours, to the nanosecond, so spans land on every side of minute marks.
            let nanos = start + next(6 * 3600) * 1_000_000_000 + next(1_000_000_000);
            let model = models[next(models.len() as u64) as usize];
            let read = next(2) * next(50_000);
            let write = next(4) / 3 * next(20_000);
            // One request in eight has a long prompt, most above 200K tokens.
            let uncached = if next(8) == 0 {
                150_000 + next(100_000)
            } else {
                next(30_000)
            };
            spans.push(genai_span(
                nanos,
                model,
                uncached + read + write,
                next(3_000),
                read,
                write,
            ));
            if next(3) == 0 {
                // An HTTP span with no gen_ai.usage: not a model call.
                spans.push(format!(
                    r#"{{"traceId":"t","spanId":"h{batch}","name":"POST /v1/messages","startTimeUnixNano":"{nanos}","attributes":[{{"key":"http.request.method","value":{{"stringValue":"POST"}}}}]}}"#
                ));
            }
        }
        lines.push_str(&otlp_line(&spans));
    }
    lines.push_str(&otel_boundary_line());
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("otel")).unwrap();
    std::fs::write(dir.path().join("otel/traces.json"), lines).unwrap();
    // The default relation reads otel/*.json*.
    let sql = emit(&["--emit-sql", "duckdb", "--source", "otel-genai"]);
    run_duckdb(dir.path(), &sql, "usage.csv");
    let direct = routewise_json(dir.path(), &["replay", "--usage", "otel/traces.json"]);
    let via_sql = routewise_json(dir.path(), &["replay", "--usage", "usage.csv"]);
    assert_eq!(direct["format"], "otel");
    assert_same_prices(&direct, &via_sql);
}

/// The CUR 2.0 header, as Data Exports writes it (the columns the SQL reads).
const CUR_HEADER: &str = "line_item_usage_start_date,line_item_product_code,line_item_line_item_type,line_item_usage_type,line_item_usage_amount,pricing_unit,line_item_unblended_cost,product_region_code\n";

#[test]
fn a_cur_export_through_duckdb_prices_like_the_hand_totals_and_reconciles_to_the_bill() {
    if !common::duckdb_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let period = dir.path().join("data/BILLING_PERIOD=2026-10");
    let (older, latest) = (
        period.join("20261102T000000Z"),
        period.join("20261103T000000Z"),
    );
    std::fs::create_dir_all(&older).unwrap();
    std::fs::create_dir_all(&latest).unwrap();
    // The latest snapshot, billed at Bedrock's list prices for claude-sonnet-4-5
    // ($3.30/$16.50 in-region and geographic, $3/$15 global) and claude-haiku-4-5.
    std::fs::write(
        latest.join("part-0.csv"),
        format!(
            "{CUR_HEADER}\
             2026-10-01T05:00:00Z,AmazonBedrock,Usage,USE1-Claude4.5Sonnet-input-tokens,1000000,tokens,3.30,us-east-1\n\
             2026-10-01T05:00:00Z,AmazonBedrock,Usage,USE1-Claude4.5Sonnet-output-tokens,200,1K tokens,3.30,us-east-1\n\
             2026-10-01T05:00:00Z,AmazonBedrock,Usage,USE1-Claude4.5Sonnet-cache-read-input-token-count-cross-region-global,3000000,tokens,0.90,us-east-1\n\
             2026-10-01T05:00:00Z,AmazonBedrock,Usage,USE1-Claude4.5Sonnet-cache-write-input-token-count-cross-region,400000,tokens,1.65,us-east-1\n\
             2026-10-01T05:00:00Z,AmazonBedrock,Usage,USE1-Claude4.5Sonnet-cache-write-input-token-count-1-hour-cross-region,100000,tokens,0.66,us-east-1\n\
             2026-10-01T06:00:00Z,AmazonBedrock,Usage,USE1-Claude4.5Sonnet_InputTokenCount_Global,500000,tokens,1.50,us-east-1\n\
             2026-10-01T06:00:00Z,AmazonBedrock,Usage,USE1-Claude4.5Sonnet-input-tokens-batch,2000000,tokens,3.30,us-east-1\n\
             2026-10-01T06:00:00Z,AmazonBedrock,Usage,USE1-Claude4.5Sonnet-output-tokens-batch,100000,tokens,0.825,us-east-1\n\
             2026-10-01T06:00:00Z,AmazonBedrock,Usage,USE1-Claude4.5Sonnet-input-tokens-priority,700000,tokens,3.675,us-east-1\n\
             2026-10-01T07:00:00Z,AmazonBedrock,Usage,USW2-anthropic.claude-haiku-4-5-mantle-output-tokens-standard,0.05,1M tokens,0.275,us-west-2\n\
             2026-10-01T07:00:00Z,AmazonEC2,Usage,USE1-BoxUsage:t3.micro,24,Hrs,0.25,us-east-1\n\
             2026-10-01T07:00:00Z,AmazonBedrock,Tax,,0,,1.10,\n"
        ),
    )
    .unwrap();
    // An earlier snapshot of the same period: a full copy then, never summed with the latest.
    std::fs::write(
        older.join("part-0.csv"),
        format!(
            "{CUR_HEADER}\
             2026-10-01T05:00:00Z,AmazonBedrock,Usage,USE1-Claude4.5Sonnet-input-tokens,9000000,tokens,29.70,us-east-1\n\
             2026-10-01T08:00:00Z,AmazonBedrock,Usage,USE1-Claude4.5Sonnet-output-tokens,9000000,tokens,148.50,us-east-1\n"
        ),
    )
    .unwrap();
    let sql = emit(&[
        "--emit-sql",
        "duckdb",
        "--source",
        "cur",
        "--sql-from",
        "read_csv('data/BILLING_PERIOD=*/*/*.csv', filename = true, all_varchar = true)",
    ]);
    run_duckdb(dir.path(), &sql, "usage.csv");
    let rows = read_csv(&dir.path().join("usage.csv"));
    let row = |hour: &str, route: &str, batch: &str| {
        rows.iter()
            .find(|r| {
                r["timestamp"] == format!("2026-10-01T{hour}:00:00Z")
                    && r["route"] == route
                    && r["batch"] == batch
            })
            .unwrap_or_else(|| panic!("no {hour} {route} {batch} row in {rows:?}"))
    };
    // Per hour, model, route and batch tier; the priority line, the EC2 line, the tax line
    // and the earlier snapshot are left out.
    assert_eq!(rows.len(), 6, "{rows:?}");
    let geo = row("05", "bedrock-geo", "false");
    assert_eq!(geo["model"], "claude4.5sonnet");
    assert_eq!(
        (
            geo["cache_creation_input_tokens"].as_str(),
            geo["cache_creation_1h_input_tokens"].as_str()
        ),
        ("500000", "100000")
    );
    assert_eq!(
        row("05", "bedrock-region", "false")["output_tokens"],
        "200000"
    );
    assert_eq!(
        row("05", "bedrock-global", "false")["cache_read_input_tokens"],
        "3000000"
    );
    assert_eq!(
        row("06", "bedrock-global", "false")["input_tokens"],
        "500000"
    );
    assert_eq!(
        row("06", "bedrock-region", "true")["input_tokens"],
        "2000000"
    );
    let haiku = row("07", "bedrock-region", "false");
    assert_eq!(
        (haiku["model"].as_str(), haiku["output_tokens"].as_str()),
        ("anthropic.claude-haiku-4-5", "50000")
    );
    assert!(rows.iter().all(|r| r["bucket_width"] == "1h"
        && r["usage_source"] == "aws-cur"
        && r["context_window"] == "0-200k"));

    let replay = routewise_json(dir.path(), &["replay", "--usage", "usage.csv"]);
    // By hand, Anthropic API list prices: sonnet input 1.5M x $3 + output 200K x $15 + cache
    // reads 3M x $0.30 + 5-minute writes 400K x $3.75 + 1-hour writes 100K x $6, batch input
    // 2M x $1.50 + batch output 100K x $7.50, haiku output 50K x $5:
    // 4.50 + 3.00 + 0.90 + 1.50 + 0.60 + 3.00 + 0.75 + 0.25.
    assert_eq!(
        common::route(&replay, "anthropic-api")["total_usd"],
        "14.50"
    );
    let models = &replay["observed"]["models"];
    assert_eq!(models[0]["model"], "claude-haiku-4-5");
    assert_eq!(models[1]["model"], "claude-sonnet-4-5");
    assert_eq!(replay["unknown_models"], serde_json::json!([]));
    assert_eq!(replay["observed"]["widest_bucket_minutes"], 60);
    let observed: Vec<&str> = replay["observed_routes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["route"].as_str().unwrap())
        .collect();
    for route in ["bedrock-region", "bedrock-geo", "bedrock-global"] {
        assert!(observed.contains(&route), "{observed:?}");
    }
    let assumptions = replay["assumptions"].to_string();
    assert!(
        assumptions.contains("no per-request prompt size")
            && assumptions.contains("standard-context rate"),
        "{assumptions}"
    );

    // Reconciled against the same export: the CSV's tokens are the bill's, and at list
    // price they cost what the bill charged, line for line.
    let reconciled = routewise_json(
        dir.path(),
        &["replay", "--usage", "usage.csv", "--reconcile", "data"],
    );
    let r = &reconciled["reconciliation"];
    assert_eq!(r["billed_attributed_usd"], "15.710");
    assert_eq!(r["replay_usd"], "15.710");
    assert_eq!(r["difference_usd"], "0.000");
    assert_eq!(r["warnings"], serde_json::json!([]));
    let compared = r["rows"].as_array().unwrap();
    assert_eq!(compared.len(), 7, "{compared:?}");
    for row in compared {
        assert_eq!(row["log_tokens"], row["bill_tokens"], "{row}");
        assert_eq!(row["replay_usd"], row["billed_usd"], "{row}");
    }
}
