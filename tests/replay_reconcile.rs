//! `routewise replay --reconcile BILL`: replay's list price for the traffic a log says each
//! route served, beside what a bill charged, per month, model and token type. Bills: AWS
//! CUR 2.0 and FOCUS CSV exports (a directory keeps the latest snapshot of each billing
//! period) and Anthropic's cost report. Every fixture's figures are computed by hand below.

mod common;

use common::{Run, root};
use serde_json::Value;

fn fixture(path: &str) -> String {
    root()
        .join("tests/fixtures")
        .join(path)
        .display()
        .to_string()
}

fn run(args: &[&str]) -> common::Outcome {
    let mut all = vec!["replay"];
    all.extend_from_slice(args);
    Run::new().args(&all).run()
}

fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--format", "json"]);
    let outcome = run(&all);
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    outcome.json()
}

fn row<'a>(rec: &'a Value, month: &str, scope: &str, token_type: &str) -> &'a Value {
    rec["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(rec["subtotals"].as_array().into_iter().flatten())
        .find(|r| r["month"] == month && r["scope"] == scope && r["token_type"] == token_type)
        .unwrap_or_else(|| panic!("no row {month} {scope} {token_type}: {rec}"))
}

fn dec(v: &Value) -> rust_decimal::Decimal {
    v.as_str()
        .unwrap_or_else(|| panic!("not a decimal string: {v}"))
        .parse()
        .unwrap()
}

/// Bedrock logs for October: in-region and `us.` (regional rate, x1.10) 2,000,000 input,
/// 2,000,000 cache reads, 400,000 output of Sonnet 4.6; `global.` 500,000 input and 100,000
/// output. At list price: regional $6.60 + $0.66 + $6.60, global $1.50 + $1.50. The CUR
/// bills the regional output at $7.26, 10% over list: the planted gap.
#[test]
fn cur_reconciliation_flags_the_planted_price_gap() {
    let r = json(&[
        "--usage",
        &fixture("usage/bedrock_october.jsonl"),
        "--reconcile",
        &fixture("bills/cur_2026-10.csv"),
    ]);
    let rec = &r["reconciliation"];
    assert_eq!(rec["format"], "cur");
    let output = row(rec, "2026-10", "bedrock-region/geo", "output");
    assert_eq!(dec(&output["replay_usd"]), "6.6".parse().unwrap());
    assert_eq!(dec(&output["billed_usd"]), "7.26".parse().unwrap());
    assert_eq!(dec(&output["difference_usd"]), "0.66".parse().unwrap());
    assert_eq!(dec(&output["gap"]), "0.1".parse().unwrap());
    assert_eq!(dec(&output["log_tokens"]), 400_000.into());
    assert_eq!(dec(&output["bill_tokens"]), 400_000.into());
    // The cache reads were billed in `1K tokens`: 2,000 units are 2,000,000 tokens.
    let reads = row(rec, "2026-10", "bedrock-region/geo", "cache reads");
    assert_eq!(dec(&reads["bill_tokens"]), 2_000_000.into());
    assert_eq!(dec(&reads["difference_usd"]), 0.into());
    let global = row(rec, "2026-10", "bedrock-global", "all");
    assert_eq!(dec(&global["replay_usd"]), 3.into());
    assert_eq!(dec(&global["difference_usd"]), 0.into());
    let warnings: Vec<&str> = rec["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("`claude-sonnet-4-6` output"),
        "{}",
        warnings[0]
    );
    // Tax, EC2 and a flex-tier line are listed, and the bill's total is all of its lines.
    assert_eq!(rec["unattributed"].as_array().unwrap().len(), 3);
    assert_eq!(
        dec(&rec["billed_attributed_usd"]) + dec(&rec["billed_unattributed_usd"]),
        dec(&rec["billed_total_usd"])
    );
    assert_eq!(dec(&rec["billed_total_usd"]), "18.7771".parse().unwrap());
    // November's traffic is outside the bill: said, not compared.
    assert!(r["assumptions"].as_array().unwrap().iter().any(|a| {
        a.as_str()
            .unwrap()
            .contains("rows in 2026-11 are not compared")
    }));
}

#[test]
fn the_reconciliation_table_reads_as_finance_expects() {
    let outcome = run(&[
        "--usage",
        &fixture("usage/bedrock_october.jsonl"),
        "--reconcile",
        &fixture("bills/cur_2026-10.csv"),
        "--route",
        "bedrock-region",
    ]);
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let text = outcome.stdout.replace(&fixture(""), "fixtures/");
    let from = text.find("\nReconciliation against").unwrap();
    let to = text.find("\nAssumptions:").unwrap();
    insta::assert_snapshot!("reconcile_cur_table", &text[from..to]);
}

#[test]
fn the_csv_carries_every_reconciliation_figure() {
    let outcome = run(&[
        "--usage",
        &fixture("usage/bedrock_october.jsonl"),
        "--reconcile",
        &fixture("bills/cur_2026-10.csv"),
        "--route",
        "bedrock-region",
        "--format",
        "csv",
    ]);
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let lines: Vec<&str> = outcome
        .stdout
        .lines()
        .filter(|l| l.starts_with("reconcile"))
        .collect();
    assert!(lines.contains(
        &"reconcile_billed,bedrock-region/geo,claude-sonnet-4-6,2026-10 output,400000,,7.26"
    ));
    assert!(lines.iter().any(|l| l.starts_with(
        "reconcile_difference,bedrock-region/geo,claude-sonnet-4-6,2026-10 output: gap 10%"
    )));
    assert!(lines.contains(&"reconcile_total,,,bill total,,,18.7771"));
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.starts_with("reconcile_unattributed"))
            .count(),
        3
    );
    assert!(lines.iter().any(|l| l.starts_with("reconcile_warning")));
}

/// The analytics usage fixture: day 1 standard 1,000,000 uncached input, 10,000,000 cache
/// reads, 100,000 5-minute writes, 100,000 output ($3 + $3 + $0.375 + $1.50); day 2 batch
/// 2,000,000 input and 200,000 output at half price ($3 + $1.50). The cost report bills the
/// same in cents, plus a $1 web search line.
#[test]
fn the_anthropic_cost_report_reconciles_to_the_cent() {
    let r = json(&[
        "--usage",
        &fixture("usage/anthropic_analytics_usage.json"),
        "--reconcile",
        &fixture("bills/anthropic_cost_report.json"),
        "--route",
        "anthropic-api",
    ]);
    assert_eq!(r["format"], "anthropic_analytics");
    let rec = &r["reconciliation"];
    let all = row(rec, "2026-10", "anthropic-api", "all");
    assert_eq!(dec(&all["replay_usd"]), "12.375".parse().unwrap());
    assert_eq!(dec(&all["billed_usd"]), "12.375".parse().unwrap());
    assert_eq!(rec["warnings"].as_array().unwrap().len(), 0);
    assert_eq!(dec(&rec["billed_unattributed_usd"]), 1.into());
    let input = row(rec, "2026-10", "anthropic-api", "input");
    assert_eq!(dec(&input["log_tokens"]), 3_000_000.into());
}

/// Cached tokens are neither counted twice nor dropped: 1,000,000 + 10,000,000 + 100,000 +
/// 100,000 is the row's `total_tokens` (11,200,000).
#[test]
fn analytics_usage_counts_cache_once() {
    let r = json(&[
        "--usage",
        &fixture("usage/anthropic_analytics_usage.json"),
        "--route",
        "anthropic-api",
    ]);
    let models = r["observed"]["models"].as_array().unwrap();
    assert_eq!(models[0]["tokens"], 11_200_000 + 2_200_000);
    assert_eq!(r["rows"], 2);
}

#[test]
fn a_bill_given_as_usage_is_refused_with_the_way_to_reconcile() {
    let outcome = run(&["--usage", &fixture("bills/cur_2026-10.csv")]);
    assert_eq!(outcome.code, 2);
    let stderr = outcome.stderr.replace(&fixture(""), "fixtures/");
    insta::assert_snapshot!("reconcile_bill_as_usage", stderr);
}

#[test]
fn a_csv_that_is_not_cur_is_refused_with_what_was_expected() {
    let outcome = Run::new()
        .file("bill.csv", "date,sku,cost\n2026-10-01,x,1\n")
        .args(&[
            "replay",
            "--usage",
            &fixture("usage/bedrock_october.jsonl"),
            "--reconcile",
            "bill.csv",
            "--bill-format",
            "cur",
        ])
        .run();
    assert_eq!(outcome.code, 2);
    insta::assert_snapshot!("reconcile_not_cur", outcome.stderr);
}

#[test]
fn a_bad_bill_line_names_file_line_column_and_key() {
    let outcome = Run::new()
        .file(
            "bill.csv",
            "line_item_usage_start_date,line_item_usage_type,line_item_usage_amount,line_item_unblended_cost\n2026-10-01,USE1-Claude4.6Sonnet-output-tokens,1,1.0\n2026-10-02,USE1-Claude4.6Sonnet-output-tokens,1,one\n",
        )
        .args(&[
            "replay",
            "--usage",
            &fixture("usage/bedrock_october.jsonl"),
            "--reconcile",
            "bill.csv",
        ])
        .run();
    assert_eq!(outcome.code, 2);
    insta::assert_snapshot!("reconcile_bad_line", outcome.stderr);
}

/// Two snapshots of October: the older one (which would double the amounts) is not read.
#[test]
fn only_the_latest_snapshot_of_a_billing_period_counts() {
    let bill = std::fs::read_to_string(fixture("bills/cur_2026-10.csv")).unwrap();
    let older = "BILLING_PERIOD=2026-10/20261015T000000Z/part-00001.csv";
    let latest = "BILLING_PERIOD=2026-10/20261101T000000Z/part-00001.csv";
    let outcome = Run::new()
        .file(&format!("export/data/{older}"), &bill)
        .file(&format!("export/data/{latest}"), &bill)
        .args(&[
            "replay",
            "--usage",
            &fixture("usage/bedrock_october.jsonl"),
            "--reconcile",
            "export",
            "--format",
            "json",
        ])
        .run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let r = outcome.json();
    let rec = &r["reconciliation"];
    assert_eq!(dec(&rec["billed_total_usd"]), "18.7771".parse().unwrap());
    assert!(
        rec["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains("1 files of earlier snapshots"))
    );
}

/// An AWS FOCUS 1.2 export with `x_UsageType`: the global input at list price, and a Google
/// Cloud line listed with its reason.
#[test]
fn a_focus_export_reconciles_aws_lines_and_lists_the_rest() {
    let focus = "BilledCost,ChargePeriodStart,ChargeCategory,ProviderName,ServiceName,x_UsageType,ConsumedQuantity,ConsumedUnit,BillingCurrency\n\
        1.50,2026-10-07T00:00:00Z,Usage,AWS,Amazon Bedrock,USE1-Claude4.6Sonnet-input-tokens-cross-region-global,500000,Tokens,USD\n\
        1.50,2026-10-07T00:00:00Z,Usage,AWS,Amazon Bedrock,USE1-Claude4.6Sonnet-output-tokens-cross-region-global,100,1K Tokens,USD\n\
        9.50,2026-10-01T00:00:00Z,Usage,Google Cloud,Vertex AI,,1000,count,USD\n";
    let outcome = Run::new()
        .file("focus.csv", focus)
        .args(&[
            "replay",
            "--usage",
            &fixture("usage/bedrock_october.jsonl"),
            "--reconcile",
            "focus.csv",
            "--route",
            "bedrock-global",
            "--format",
            "json",
        ])
        .run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let r = outcome.json();
    let rec = &r["reconciliation"];
    assert_eq!(rec["format"], "focus");
    let global = row(rec, "2026-10", "bedrock-global", "all");
    assert_eq!(dec(&global["difference_usd"]), 0.into());
    assert_eq!(dec(&global["bill_tokens"]), 600_000.into());
    assert_eq!(rec["unattributed"][0]["usd"], "9.50");
    // The regional traffic has no bill line in this export: each type is a warning.
    assert!(
        rec["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("bill charges nothing"))
    );
}
