//! `routewise replay` on the logs teams already have: Bedrock invocation logs (a directory
//! in the S3 layout, gzip included), LiteLLM spend-log exports (CSV and JSON),
//! OpenTelemetry GenAI spans and any CSV through `--map`. Every fixture's totals are
//! computed by hand in the comments; each format shows cached tokens counted once.

mod common;

use std::io::Write;

use common::{Run, root};
use serde_json::{Value, json};

fn fixture(name: &str) -> String {
    root()
        .join("tests/fixtures/usage")
        .join(name)
        .display()
        .to_string()
}

fn replay_json(args: &[&str]) -> Value {
    let mut all = vec!["replay"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let outcome = Run::new().args(&all).run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    outcome.json()
}

fn model_usd<'a>(route: &'a Value, model: &str) -> &'a Value {
    route["by_model"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["model"] == model))
        .map_or(&Value::Null, |m| &m["usd"])
}

/// The tokens of one category (`input`, `cache reads`…) of a model on a route: its line
/// item, or the long-prompt line of that category when the log's requests were above 200K.
fn item_tokens(route: &Value, model: &str, item: &str) -> u64 {
    let long = format!("{item} (long prompts");
    let lines: Vec<u64> = route["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|i| {
            i["model"] == model
                && i["name"]
                    .as_str()
                    .is_some_and(|n| n == item || n.starts_with(&long))
        })
        .filter_map(|i| i["tokens"].as_str()?.parse().ok())
        .collect();
    assert!(!lines.is_empty(), "no `{item}` line for {model}");
    lines.iter().sum()
}

fn observed<'a>(r: &'a Value, route: &str) -> &'a Value {
    r["observed_routes"]
        .as_array()
        .and_then(|o| o.iter().find(|o| o["route"] == route))
        .unwrap_or_else(|| panic!("no observed route {route}: {}", r["observed_routes"]))
}

fn model_tokens(r: &Value, model: &str) -> Value {
    r["observed"]["models"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["model"] == model))
        .map_or(Value::Null, |m| m["tokens"].clone())
}

#[test]
fn a_bedrock_log_directory_replays_to_its_hand_computed_totals() {
    // AWSLogs/…/12/*.json.gz: Sonnet on `us.` (1M input, 2M cache reads, 0.1M cache
    // writes, 0.2M output) and on `global.` (0.5M input, 0.1M output); …/12/*.json: Haiku
    // in-region (3M input, 1M output) and a throttled Haiku call; …/13/*.json: one
    // pretty-printed Nova record the catalogue does not price.
    let r = replay_json(&["--usage", &fixture("bedrock-logs")]);
    assert_eq!(r["format"], "bedrock");
    assert_eq!(r["rows"], 5);
    assert_eq!(
        r["unknown_models"],
        json!([{ "model": "amazon.nova-lite-v1:0", "rows": 1 }])
    );
    // Anthropic API: Sonnet 1.5M x $3 = 4.50, 2M x $0.30 = 0.60, 0.1M x $3.75 = 0.375 ->
    // 0.38, 0.3M x $15 = 4.50: 9.98. Haiku 3M x $1 + 1M x $5 = 8.00.
    let direct = common::route(&r, "anthropic-api");
    assert_eq!(model_usd(direct, "claude-sonnet-4-5"), "9.98");
    assert_eq!(model_usd(direct, "claude-haiku-4-5"), "8.00");
    assert_eq!(direct["total_usd"], "17.98");
    // Cached tokens are neither added to input nor dropped: each category holds exactly
    // what the log says, and the model's tokens are the log's sum (1.5M + 2M + 0.1M + 0.3M).
    assert_eq!(item_tokens(direct, "claude-sonnet-4-5", "input"), 1_500_000);
    assert_eq!(
        item_tokens(direct, "claude-sonnet-4-5", "cache reads"),
        2_000_000
    );
    assert_eq!(
        item_tokens(direct, "claude-sonnet-4-5", "cache writes (5m)"),
        100_000
    );
    assert_eq!(model_tokens(&r, "claude-sonnet-4-5"), 3_900_000);

    // Per observed route, at list price where it ran. `us.` is the geographic profile:
    // 3.00 + 0.60 + 0.38 + 3.00 + 10% of 6.975 (0.70) = 7.68. `global.`: 1.50 + 1.50.
    // In-region Haiku: 8.00 + 10% = 8.80; its three rows include the failed call and Nova.
    let geo = observed(&r, "bedrock-geo");
    assert_eq!(
        (geo["rows"].clone(), geo["list_usd"].clone()),
        (json!(1), json!("7.68"))
    );
    assert!(geo["billed_usd"].is_null(), "Bedrock logs carry no amount");
    assert_eq!(observed(&r, "bedrock-global")["list_usd"], "3.00");
    let region = observed(&r, "bedrock-region");
    assert_eq!(region["list_usd"], "8.80");
    assert_eq!(
        (region["rows"].clone(), region["unknown_model_rows"].clone()),
        (json!(3), json!(1))
    );
    // What the `us.` traffic would have cost elsewhere: 6.98 on the direct API.
    let elsewhere = geo["elsewhere"].as_array().unwrap();
    let direct_cost = elsewhere
        .iter()
        .find(|c| c["route"] == "anthropic-api")
        .unwrap();
    assert_eq!(direct_cost["usd"], "6.98");
    let assumptions = r["assumptions"].to_string();
    assert!(assumptions.contains("excludes cache reads and writes (Anthropic-style)"));
    assert!(assumptions.contains("1 Bedrock invocations failed"));
    assert!(assumptions.contains("amazon-bedrock-logs-permission-check"));
}

#[test]
fn the_observed_routes_table_shows_list_billed_and_the_difference() {
    let outcome = Run::new()
        .args(&[
            "replay",
            "--usage",
            &fixture("litellm_spendlogs.csv"),
            "--route",
            "anthropic-api",
            "--route",
            "bedrock-geo",
        ])
        .run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let text = outcome
        .stdout
        .replace(&fixture("litellm_spendlogs.csv"), "litellm_spendlogs.csv");
    insta::assert_snapshot!("replay_litellm_table", text);
    // CSV carries the same comparison, as rows that are not line items.
    let csv = Run::new()
        .args(&[
            "replay",
            "--usage",
            &fixture("litellm_spendlogs.csv"),
            "--route",
            "anthropic-api",
            "--format",
            "csv",
        ])
        .run();
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    for line in [
        "observed_route,bedrock-geo,,list price there (1 rows),,,1.90",
        "observed_route,bedrock-geo,,billed (log),,,1.50",
        "observed_route,bedrock-geo,,billed - list,,,-0.40",
        "observed_route_elsewhere,bedrock-geo,,on anthropic-api,,,1.73",
    ] {
        assert!(
            csv.stdout.lines().any(|l| l == line),
            "{line}\n{}",
            csv.stdout
        );
    }
}

#[test]
fn litellm_exports_subtract_the_cache_prompt_tokens_include() {
    // Row 1: Sonnet on Bedrock `eu.`: prompt 1.2M = 0.1M uncached + 1M cache reads + 0.1M
    // cache writes; 50K output; spend $1.50. Row 2: Haiku direct: prompt 2M = 1.5M + 0.5M
    // cache reads; 0.1M output; $2.00. Row 3: Haiku, no usage_object: 1M input; $1.00.
    // Direct API: Sonnet 0.30 + 0.30 + 0.38 + 0.75 = 1.73; Haiku 2.50 + 0.05 + 0.50 = 3.05.
    let csv = replay_json(&["--usage", &fixture("litellm_spendlogs.csv")]);
    let json_export = replay_json(&["--usage", &fixture("litellm_spendlogs.json")]);
    for r in [&csv, &json_export] {
        assert_eq!(r["format"], "litellm");
        let direct = common::route(r, "anthropic-api");
        assert_eq!(model_usd(direct, "claude-sonnet-4-5"), "1.73");
        assert_eq!(model_usd(direct, "claude-haiku-4-5"), "3.05");
        assert_eq!(direct["total_usd"], "4.78");
        assert_eq!(item_tokens(direct, "claude-sonnet-4-5", "input"), 100_000);
        assert_eq!(
            item_tokens(direct, "claude-sonnet-4-5", "cache reads"),
            1_000_000
        );
        // Every token once: prompt 1.2M + completion 50K.
        assert_eq!(model_tokens(r, "claude-sonnet-4-5"), 1_250_000);
        assert_eq!(model_tokens(r, "claude-haiku-4-5"), 3_100_000);
        // Billed (LiteLLM's spend) against list where each row ran.
        let anthropic = observed(r, "anthropic-api");
        assert_eq!(
            (
                &anthropic["list_usd"],
                &anthropic["billed_usd"],
                &anthropic["difference_usd"]
            ),
            (&json!("3.05"), &json!("3.00"), &json!("-0.05"))
        );
        // Bedrock geo: 1.725 + 10% (0.17) = 1.90 at list; $1.50 billed.
        let geo = observed(r, "bedrock-geo");
        assert_eq!(
            (&geo["list_usd"], &geo["billed_usd"], &geo["difference_usd"]),
            (&json!("1.90"), &json!("1.50"), &json!("-0.40"))
        );
    }
    assert_eq!(csv["routes"], json_export["routes"]);
}

#[test]
fn otel_spans_subtract_the_cache_input_tokens_include() {
    // Span 1: Bedrock `us.` Sonnet, input 1.1M including 1M cache reads, 20K output:
    // 0.30 + 0.30 + 0.30 = 0.90. Span 2: direct Haiku, input 1M including 0.2M cache
    // writes, 0.1M output: 0.80 + 0.25 + 0.50 = 1.55. A health-check span has no usage.
    let r = replay_json(&["--usage", &fixture("otel_spans.jsonl")]);
    assert_eq!(r["format"], "otel");
    assert_eq!(r["rows"], 2);
    let direct = common::route(&r, "anthropic-api");
    assert_eq!(direct["total_usd"], "2.45");
    assert_eq!(item_tokens(direct, "claude-haiku-4-5", "input"), 800_000);
    assert_eq!(
        item_tokens(direct, "claude-haiku-4-5", "cache writes (5m)"),
        200_000
    );
    assert_eq!(model_tokens(&r, "claude-sonnet-4-5"), 1_120_000);
    assert_eq!(observed(&r, "bedrock-geo")["list_usd"], "0.99");
    assert!(r["assumptions"].to_string().contains("1 spans carry no"));
}

const MAP: &str = "timestamp=ts,model=model_group,input_tokens=prompt_tokens,output_tokens=completion_tokens,cache_read_input_tokens=cached";

#[test]
fn any_csv_through_a_column_map() {
    // Haiku: prompt 2M including 1M cached, 0.1M output: 1.00 + 0.10 + 0.50 = 1.60.
    // Sonnet: 1M uncached input: 3.00.
    let r = replay_json(&[
        "--usage",
        &fixture("mapped_gateway.csv"),
        "--map",
        MAP,
        "--input-includes-cache",
        "--route",
        "anthropic-api",
    ]);
    let direct = common::route(&r, "anthropic-api");
    assert_eq!(direct["total_usd"], "4.60");
    assert_eq!(model_tokens(&r, "claude-haiku-4-5"), 2_100_000);
    // Without the flag the cached million would be priced twice, as input and as cache
    // reads: 2.00 + 0.10 + 0.50 = 2.60 for Haiku.
    let doubled = replay_json(&[
        "--usage",
        &fixture("mapped_gateway.csv"),
        "--map",
        MAP,
        "--route",
        "anthropic-api",
    ]);
    assert_eq!(
        model_usd(common::route(&doubled, "anthropic-api"), "claude-haiku-4-5"),
        "2.60"
    );
}

#[test]
fn a_map_naming_a_missing_column_lists_the_columns_present() {
    let outcome = Run::new()
        .args(&[
            "replay",
            "--usage",
            &fixture("mapped_gateway.csv"),
            "--map",
            "timestamp=ts,model=model,input_tokens=prompt_tokens,output_tokens=completion_tokens",
        ])
        .run();
    assert_eq!(outcome.code, 2, "{}", outcome.stderr);
    let stderr = outcome
        .stderr
        .replace(&fixture("mapped_gateway.csv"), "mapped_gateway.csv");
    insta::assert_snapshot!("replay_map_missing_column", stderr);
}

#[test]
fn a_bad_record_inside_a_directory_names_its_file_line_and_field() {
    let good = "{\"timestamp\":\"2026-10-01T00:00:00Z\",\"modelId\":\"anthropic.claude-haiku-4-5\",\"input\":{\"inputTokenCount\":1},\"output\":{\"outputTokenCount\":1}}\n";
    let bad = format!(
        "{good}{}",
        "{\"timestamp\":\"2026-10-01T00:01:00Z\",\"modelId\":\"anthropic.claude-haiku-4-5\",\"input\":{\"inputTokenCount\":1.5},\"output\":{\"outputTokenCount\":1}}\n"
    );
    let dir = "logs/AWSLogs/1/BedrockModelInvocationLogs/us-east-1/2026/10/01/00";
    let outcome = Run::new()
        .file(&format!("{dir}/a.json"), good)
        .file(&format!("{dir}/b.json"), &bad)
        .args(&["replay", "--usage", "logs"])
        .run();
    assert_eq!(outcome.code, 2, "{}", outcome.stderr);
    insta::assert_snapshot!("replay_bedrock_bad_record", outcome.stderr);
}

#[test]
fn a_truncated_gzip_is_an_error_not_a_short_total() {
    let line = "{\"timestamp\":\"2026-10-01T00:00:00Z\",\"modelId\":\"anthropic.claude-haiku-4-5\",\"input\":{\"inputTokenCount\":7},\"output\":{\"outputTokenCount\":3}}\n";
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    for _ in 0..20_000 {
        encoder.write_all(line.as_bytes()).unwrap();
    }
    let gz = encoder.finish().unwrap();
    let run = Run::new();
    std::fs::write(run.path().join("whole.json.gz"), &gz).unwrap();
    let outcome = run
        .args(&["replay", "--usage", "whole.json.gz", "--format", "json"])
        .run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert_eq!(outcome.json()["rows"], 20_000);

    let run = Run::new();
    std::fs::write(run.path().join("cut.json.gz"), &gz[..gz.len() / 2]).unwrap();
    let outcome = run.args(&["replay", "--usage", "cut.json.gz"]).run();
    assert_eq!(outcome.code, 2, "{}", outcome.stdout);
    assert!(outcome.stderr.contains("cut.json.gz"), "{}", outcome.stderr);
    assert!(outcome.stderr.contains("cut short"), "{}", outcome.stderr);
}

#[test]
fn a_named_format_overrides_detection() {
    // The LiteLLM export read as routewise's own CSV is refused for its missing columns.
    let outcome = Run::new()
        .args(&[
            "replay",
            "--usage",
            &fixture("litellm_spendlogs.csv"),
            "--usage-format",
            "csv",
        ])
        .run();
    assert_eq!(outcome.code, 2);
    assert!(
        outcome.stderr.contains("the header has no"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn vertex_request_logs_scale_by_the_sampling_rate() {
    // Sampled at 0.1, so every logged count is multiplied by 10, exactly.
    // Row 1, Gemini 2.5 Pro on the global endpoint: promptTokenCount 30K INCLUDES 20K
    // cached, so 10K uncached; output = 4K candidates + 6K thoughts = 10K. Scaled: 100K
    // input, 200K cache reads, 100K output. On Vertex global: 0.1M × 1.25 = 0.125 → 0.13,
    // 0.2M × 0.125 = 0.025 → 0.03 (each line rounded once, half away from zero),
    // 0.1M × 10 = 1.00: 1.16.
    // Row 2, Claude Sonnet 4.5 in us-east5 (Anthropic-style usage: input EXCLUDES cache):
    // 5K input, 80K cache reads, 20K cache writes, 2K output. Scaled: 50K, 800K, 200K, 20K.
    // On the Anthropic API: 0.05M × 3 = 0.15, 0.8M × 0.30 = 0.24, 0.2M × 3.75 = 0.75,
    // 0.02M × 15 = 0.30: 1.44.
    // Row 3: an unknown model, counted and listed. Row 4: no usage (a failed request).
    let usage = fixture("vertex_request_log.jsonl");
    let r = replay_json(&["--usage", &usage, "--sampling-rate", "0.1"]);
    assert_eq!(r["format"], "vertex_request_log");
    assert_eq!(r["rows"], 3);
    let direct = common::route(&r, "anthropic-api");
    assert_eq!(model_usd(direct, "claude-sonnet-4-5"), "1.44");
    assert_eq!(item_tokens(direct, "claude-sonnet-4-5", "input"), 50_000);
    assert_eq!(
        item_tokens(direct, "claude-sonnet-4-5", "cache reads"),
        800_000
    );
    let global = common::route(&r, "vertex-global");
    assert_eq!(model_usd(global, "gemini-2.5-pro"), "1.16");
    assert_eq!(item_tokens(global, "gemini-2.5-pro", "input"), 100_000);
    assert_eq!(
        item_tokens(global, "gemini-2.5-pro", "cache reads"),
        200_000
    );
    // Every logged token once, times 10: Gemini (30K prompt + 10K output) × 10; Claude
    // (5K + 80K + 20K + 2K) × 10. Cached tokens are neither counted twice nor dropped.
    assert_eq!(model_tokens(&r, "gemini-2.5-pro"), 400_000);
    assert_eq!(model_tokens(&r, "claude-sonnet-4-5"), 1_070_000);
    // us-east5 (Claude) and europe-west4 (the unknown model) are regional.
    assert_eq!(observed(&r, "vertex-regional")["rows"], 2);
    assert!(
        r["unknown_models"].to_string().contains("acme-chat-7"),
        "{}",
        r["unknown_models"]
    );
    let assumptions = r["assumptions"].to_string();
    assert!(
        assumptions.contains(
            "sampled at rate 0.1: every token count is multiplied by 10 (1/0.1), exactly"
        ),
        "{assumptions}"
    );
    assert!(
        assumptions.contains("1 Vertex log rows have no usage"),
        "{assumptions}"
    );
    // The sampling assumption is in every output format, CSV included.
    for format in ["table", "csv", "markdown"] {
        let outcome = Run::new()
            .args(&[
                "replay",
                "--usage",
                &usage,
                "--sampling-rate",
                "0.1",
                "--format",
                format,
            ])
            .run();
        assert_eq!(outcome.code, 0, "{}", outcome.stderr);
        assert!(
            outcome.stdout.contains("sampled at rate 0.1"),
            "{format}: {}",
            outcome.stdout
        );
    }
}

#[test]
fn a_sampling_rate_that_is_not_a_whole_multiple_rounds_once_and_says_so() {
    // At 0.3 the multiplier is 10/3: Gemini's 10K uncached input becomes 33,333.3… → 33,333,
    // its 20K cache reads 66,666.6… → 66,667 and its 10K output 33,333.
    let r = replay_json(&[
        "--usage",
        &fixture("vertex_request_log.jsonl"),
        "--sampling-rate",
        "0.3",
    ]);
    let global = common::route(&r, "vertex-global");
    assert_eq!(item_tokens(global, "gemini-2.5-pro", "input"), 33_333);
    assert_eq!(item_tokens(global, "gemini-2.5-pro", "cache reads"), 66_667);
    assert!(
        r["assumptions"]
            .to_string()
            .contains("multiplied by 10/3 (1/0.3) and rounded to the nearest token")
    );
}

#[test]
fn a_vertex_log_without_a_sampling_rate_is_refused() {
    let outcome = Run::new()
        .args(&["replay", "--usage", &fixture("vertex_request_log.jsonl")])
        .run();
    assert_eq!(outcome.code, 2, "{}", outcome.stdout);
    let stderr = outcome.stderr.replace(
        &fixture("vertex_request_log.jsonl"),
        "vertex_request_log.jsonl",
    );
    insta::assert_snapshot!("replay_vertex_no_sampling_rate", stderr);
    let outcome = Run::new()
        .args(&[
            "replay",
            "--usage",
            &fixture("otel_spans.jsonl"),
            "--sampling-rate",
            "0.5",
        ])
        .run();
    assert_eq!(outcome.code, 2);
    assert!(
        outcome.stderr.contains("E-USAGE-SAMPLING-RATE"),
        "{}",
        outcome.stderr
    );
    let outcome = Run::new()
        .args(&[
            "replay",
            "--usage",
            &fixture("vertex_request_log.jsonl"),
            "--sampling-rate",
            "2",
        ])
        .run();
    assert_eq!(outcome.code, 2);
    assert!(
        outcome.stderr.contains("not a sampling rate"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn a_bad_vertex_row_names_its_line_and_field() {
    let good = std::fs::read_to_string(fixture("vertex_request_log.jsonl")).unwrap();
    let first = good.lines().next().unwrap();
    let bad = format!(
        "{first}\n{}\n",
        first.replace(
            "\"candidatesTokenCount\":4000",
            "\"candidatesTokenCount\":-4"
        )
    );
    let outcome = Run::new()
        .file("vertex.jsonl", &bad)
        .args(&["replay", "--usage", "vertex.jsonl", "--sampling-rate", "1"])
        .run();
    assert_eq!(outcome.code, 2, "{}", outcome.stdout);
    insta::assert_snapshot!("replay_vertex_bad_record", outcome.stderr);
}

#[test]
fn openrouter_activity_rows_carry_the_route_and_the_charge() {
    // Daily rows; prompt tokens include cache reads, which the activity export does not
    // split, so every prompt token is priced as uncached input (said in the notes).
    // Anthropic: Sonnet 1M input × 3 + 0.1M output × 15 = 4.50 at list; 4.60 billed.
    // Google AI Studio: Gemini 2.5 Pro 0.4M × 1.25 + 0.05M × 10 = 1.00; 1.00 billed.
    // Amazon Bedrock (profile unknown): Sonnet 0.1M × 3 + 0.01M × 15 = 0.45 on the API.
    // OpenAI: an unknown model on an unknown provider, counted and listed, not dropped.
    // Rows are requests: 10 + 4 + 2 + 5 = 21.
    let r = replay_json(&["--usage", &fixture("openrouter_activity.json")]);
    assert_eq!(r["format"], "openrouter");
    assert_eq!(r["rows"], 21);
    let direct = common::route(&r, "anthropic-api");
    assert_eq!(model_usd(direct, "claude-sonnet-4-5"), "4.95");
    let anthropic = observed(&r, "anthropic-api");
    assert_eq!(
        (
            &anthropic["list_usd"],
            &anthropic["billed_usd"],
            &anthropic["difference_usd"]
        ),
        (&json!("4.50"), &json!("4.60"), &json!("0.10"))
    );
    let studio = observed(&r, "gemini-api-paid");
    assert_eq!(
        (&studio["list_usd"], &studio["billed_usd"]),
        (&json!("1.00"), &json!("1.00"))
    );
    let openai = observed(&r, "(openrouter provider `OpenAI`: not a catalogue route)");
    assert_eq!(openai["rows"], 5);
    assert!(r["unknown_models"].to_string().contains("openai/gpt-4.1"));
    observed(
        &r,
        "(bedrock via OpenRouter: inference profile not in the log)",
    );
    assert_eq!(model_tokens(&r, "claude-sonnet-4-5"), 1_210_000);
}

#[test]
fn openrouter_generations_subtract_the_cache_their_prompt_includes() {
    // Sonnet via Anthropic: native prompt 1.1M INCLUDES 1M cached: 0.1M × 3 = 0.30,
    // 1M × 0.30 = 0.30, 20K output × 15 = 0.30: 0.90, billed 0.90.
    // Gemini via Google Vertex: 200K prompt including 100K cached, 10K output: on the
    // Gemini API 0.1M × 1.25 = 0.125 + 0.1M × 0.125 = 0.0125 + 0.01M × 10 = 0.10: 0.2375.
    let r = replay_json(&["--usage", &fixture("openrouter_generations.jsonl")]);
    assert_eq!(r["format"], "openrouter");
    assert_eq!(r["rows"], 2);
    let direct = common::route(&r, "anthropic-api");
    assert_eq!(model_usd(direct, "claude-sonnet-4-5"), "0.90");
    assert_eq!(item_tokens(direct, "claude-sonnet-4-5", "input"), 100_000);
    assert_eq!(
        item_tokens(direct, "claude-sonnet-4-5", "cache reads"),
        1_000_000
    );
    // Every token once: 1.1M prompt + 20K completion; 200K + 10K.
    assert_eq!(model_tokens(&r, "claude-sonnet-4-5"), 1_120_000);
    assert_eq!(model_tokens(&r, "gemini-2.5-pro"), 210_000);
    let anthropic = observed(&r, "anthropic-api");
    assert_eq!(
        (&anthropic["list_usd"], &anthropic["billed_usd"]),
        (&json!("0.90"), &json!("0.90"))
    );
}

#[test]
fn a_bad_openrouter_row_names_its_record_and_field() {
    let doc = "{\"data\":[\n{\"date\":\"2026-10-01\",\"model\":\"google/gemini-2.5-pro\",\"provider_name\":\"Google AI Studio\",\"requests\":1,\"prompt_tokens\":10,\"completion_tokens\":\"ten\"}\n]}\n";
    let outcome = Run::new()
        .file("activity.json", doc)
        .args(&["replay", "--usage", "activity.json"])
        .run();
    assert_eq!(outcome.code, 2, "{}", outcome.stdout);
    insta::assert_snapshot!("replay_openrouter_bad_record", outcome.stderr);
}

#[test]
fn the_new_readers_replay_tables_are_stable() {
    for (name, extra) in [
        ("vertex_request_log.jsonl", &["--sampling-rate", "0.1"][..]),
        ("openrouter_activity.json", &[][..]),
    ] {
        let mut args = vec!["replay", "--usage"];
        let path = fixture(name);
        args.push(&path);
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--route", "anthropic-api", "--route", "vertex-global"]);
        let outcome = Run::new().args(&args).run();
        assert_eq!(outcome.code, 0, "{}", outcome.stderr);
        let text = outcome.stdout.replace(&path, name);
        insta::assert_snapshot!(format!("replay_table_{name}"), text);
    }
}

#[test]
fn a_logged_request_above_200k_is_priced_at_the_long_prompt_tier() {
    // The OTel fixture's Sonnet span is one request of 1.1M prompt tokens (0.1M uncached +
    // 1M cache reads) and 20K output. Vertex prices Sonnet 4.5 prompts above 200K at
    // 6 / 0.60 / 22.50 per million: 0.60 + 0.60 + 0.45 = 1.65 (base rates would give 0.90).
    let r = replay_json(&["--usage", &fixture("otel_spans.jsonl")]);
    let vertex = common::route(&r, "vertex-global");
    assert_eq!(model_usd(vertex, "claude-sonnet-4-5"), "1.65");
}
