//! `routewise replay`: real usage priced on every route, checked against hand-computed
//! totals for a usage CSV and a usage-report JSON, with bad rows and unknown models.

mod common;

use common::{Run, root};

fn fixture(name: &str) -> String {
    root()
        .join("tests/fixtures/usage")
        .join(name)
        .display()
        .to_string()
}

fn replay(args: &[&str]) -> common::Outcome {
    let mut all = vec!["replay"];
    all.extend_from_slice(args);
    Run::new().args(&all).run()
}

fn model_usd<'a>(route: &'a serde_json::Value, model: &str) -> &'a serde_json::Value {
    route["by_model"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["model"] == model))
        .map_or(&serde_json::Value::Null, |m| &m["usd"])
}

#[test]
fn a_usage_csv_is_priced_to_the_cent_on_every_route() {
    let outcome = replay(&["--usage", &fixture("replay_month.csv"), "--format", "json"]);
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let r = outcome.json();
    assert_eq!(r["rows"], 4);
    assert_eq!(r["skipped_rows"], 0);
    assert_eq!(
        r["unknown_models"],
        serde_json::json!([{ "model": "mystery-model-x", "rows": 1 }])
    );
    assert_eq!(r["observed"]["peak_tokens_per_minute"], 4_300_000);

    // Sonnet on the direct API: input 1M x $3 = 3.00, cache reads 2M x 0.30 = 0.60, cache
    // writes 0.1M x 3.75 = 0.375 -> 0.38, output 0.2M x 15 = 3.00, batch input 1M x 1.50 = 1.50.
    let direct = common::route(&r, "anthropic-api");
    assert_eq!(model_usd(direct, "claude-sonnet-4-5"), "8.48");
    // Haiku: 3M x $1 + 1M x $5.
    assert_eq!(model_usd(direct, "claude-haiku-4-5"), "8.00");
    assert_eq!(direct["total_usd"], "16.48");

    // The geographic profile adds 10% as its own line: 8.475 x 0.1 = 0.8475 -> 0.85.
    let geo = common::route(&r, "bedrock-geo");
    assert_eq!(model_usd(geo, "claude-sonnet-4-5"), "9.33");
    assert_eq!(model_usd(geo, "claude-haiku-4-5"), "8.80");
    assert_eq!(geo["total_usd"], "18.13");

    // A route that cannot serve a model says so for that model, and gives no total.
    let gemini = common::route(&r, "gemini-api-paid");
    assert!(gemini["total_usd"].is_null());
    assert!(
        gemini["by_model"][0]["reason"]
            .as_str()
            .is_some_and(|s| s.contains("does not serve claude"))
    );
}

#[test]
fn the_usage_report_json_is_priced_with_batch_and_web_search() {
    let outcome = replay(&[
        "--usage",
        &fixture("replay_report.json"),
        "--route",
        "anthropic-api",
        "--format",
        "json",
    ]);
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let r = outcome.json();
    assert_eq!(r["format"], "usage_report");
    assert_eq!(r["rows"], 2);
    // 1M x $3 + 0.1M x $15 + 10 searches x $10/1000 + 2M batch x $1.50.
    assert_eq!(common::route(&r, "anthropic-api")["total_usd"], "7.60");
}

#[test]
fn every_format_of_a_replay() {
    for (format, name) in [
        ("table", "replay_table"),
        ("csv", "replay_csv"),
        ("markdown", "replay_markdown"),
    ] {
        let outcome = replay(&[
            "--usage",
            &fixture("replay_month.csv"),
            "--route",
            "anthropic-api",
            "--route",
            "bedrock-geo",
            "--format",
            format,
        ]);
        assert_eq!(outcome.code, 0, "{}", outcome.stderr);
        let text = outcome
            .stdout
            .replace(&fixture("replay_month.csv"), "replay_month.csv");
        insta::assert_snapshot!(name, text);
    }
}

const BAD: &str = "timestamp,model,input_tokens,output_tokens\n2026-10-01T00:00:00Z,claude-haiku-4-5,1000000,0\n2026-10-01T00:01:00Z,claude-haiku-4-5,lots,0\n2026-10-01T00:02:00Z,claude-haiku-4-5,1000000,0\n";

#[test]
fn a_bad_row_stops_the_replay_with_its_line_number() {
    let outcome = Run::new()
        .file("usage.csv", BAD)
        .args(&["replay", "--usage", "usage.csv"])
        .run();
    assert_eq!(outcome.code, 2);
    insta::assert_snapshot!("replay_bad_row", outcome.stderr);
}

#[test]
fn skip_bad_rows_counts_and_reports_them() {
    let outcome = Run::new()
        .file("usage.csv", BAD)
        .args(&[
            "replay",
            "--usage",
            "usage.csv",
            "--skip-bad-rows",
            "--route",
            "anthropic-api",
            "--format",
            "json",
        ])
        .run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let r = outcome.json();
    assert_eq!(r["rows"], 2);
    assert_eq!(r["skipped_rows"], 1);
    assert!(
        r["skipped"][0]
            .as_str()
            .is_some_and(|s| s.contains("usage.csv:3")),
        "{}",
        r["skipped"]
    );
    assert_eq!(common::route(&r, "anthropic-api")["total_usd"], "2.00");
}

#[test]
fn an_empty_or_missing_usage_file_is_an_input_error() {
    let empty = Run::new()
        .file("usage.csv", "\n\n")
        .args(&["replay", "--usage", "usage.csv"])
        .run();
    assert_eq!(empty.code, 2);
    assert!(empty.stderr.contains("empty"), "{}", empty.stderr);
    let missing = Run::new().args(&["replay", "--usage", "nowhere.csv"]).run();
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("no such file"),
        "{}",
        missing.stderr
    );
}

#[test]
fn provisioned_capacity_is_sized_from_the_observed_load() {
    // One hour of flat traffic: 100,000 tokens a minute of Sonnet input.
    let mut csv = String::from("timestamp,model,input_tokens,output_tokens\n");
    for minute in 0..60 {
        csv.push_str(&format!(
            "2026-10-01T00:{minute:02}:00Z,claude-sonnet-4-5,100000,0\n"
        ));
    }
    let book = "[[provisioned]]\nmodel = \"claude-sonnet-4-5\"\nhourly_no_commitment = 1\ntokens_per_minute_per_unit = 100000\nnote = \"test quote\"\n";
    let outcome = Run::new()
        .file("usage.csv", &csv)
        .file("book.toml", book)
        .args(&[
            "replay",
            "--usage",
            "usage.csv",
            "--price-book",
            "book.toml",
            "--route",
            "bedrock-provisioned",
            "--format",
            "json",
        ])
        .run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let r = outcome.json();
    let route = common::route(&r, "bedrock-provisioned");
    let sizing = &route["sizing"][0];
    assert_eq!(sizing["peak_tokens_per_minute"], "100000");
    assert_eq!(sizing["chosen"]["units"], 1, "{sizing}");
    // The observed span is the 60 minutes from the first to the last minute with traffic:
    // one unit for 1 h at $1 beats 6M tokens x $3.30 on demand.
    assert_eq!(route["total_usd"], "1.00");
}
