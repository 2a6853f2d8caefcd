//! `routewise cost` on provisioned routes: one purchase plan over the horizon (commitments
//! hold their units), the month it pays off from, batch traffic needing no quote, and the
//! peak warnings of cost projections and sweeps.

mod common;

use common::{Run, root};
use rust_decimal::Decimal;

const BOOK: &str = "[[provisioned]]\nmodel = \"claude-sonnet-4-5\"\nhourly_1_month = 80\nhourly_6_months = 60\ntokens_per_minute_per_unit = 400000\nnote = \"test quote\"\n";

/// A support agent of 13.5 bn tokens a month growing 10% a month.
const GROWING: &str = "monthly_growth: 0.1\ntraffic:\n  - name: support-agent\n    model: claude-sonnet-4-5\n    input_tokens_per_month: 12000000000\n    output_tokens_per_month: 1500000000\n    peak_tokens_per_minute: 500000\n    peak_hours_per_day: 16\n";

fn dec(v: &serde_json::Value) -> Decimal {
    v.as_str()
        .expect("a decimal string")
        .parse()
        .expect("a decimal")
}

fn growing(format: &str) -> common::Outcome {
    let outcome = Run::new()
        .file("workload.yaml", GROWING)
        .file("book.toml", BOOK)
        .args(&[
            "cost",
            "--workload",
            "workload.yaml",
            "--price-book",
            "book.toml",
            "--route",
            "bedrock-provisioned",
            "--format",
            format,
        ])
        .run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    outcome
}

#[test]
fn a_six_month_commitment_holds_its_units_across_its_months() {
    let p = growing("json").json();
    let route = common::route(&p, "bedrock-provisioned");
    let plan = &route["plans"][0];
    let units: Vec<u64> = plan["months"]
        .as_array()
        .expect("months")
        .iter()
        .map(|m| m["units"].as_u64().expect("units"))
        .collect();
    assert_eq!(units, [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2]);
    let purchases: Vec<(u64, &str, u64, u64)> = plan["purchases"]
        .as_array()
        .expect("purchases")
        .iter()
        .map(|h| {
            (
                h["units"].as_u64().expect("units"),
                h["commitment"].as_str().expect("commitment"),
                h["from_month"].as_u64().expect("from"),
                h["to_month"].as_u64().expect("to"),
            )
        })
        .collect();
    assert_eq!(purchases, [(1, "6-months", 1, 6), (2, "6-months", 7, 12)]);
    assert_eq!(plan["pays_off_from_month"], 1);
    // Every month's line items follow the plan, and the route total is the sum of months.
    let mut sum = Decimal::ZERO;
    for (i, month) in route["months"]
        .as_array()
        .expect("months")
        .iter()
        .enumerate()
    {
        let provisioned: Vec<&str> = month["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|i| i["name"].as_str())
            .filter(|n| n.starts_with("provisioned:"))
            .collect();
        let term = if i < 6 {
            "1 unit x 6-month commitment, months 1-6"
        } else {
            "2 units x 6-month commitment, months 7-12"
        };
        assert_eq!(provisioned.len(), 1, "{provisioned:?}");
        assert!(provisioned[0].contains(term), "{}", provisioned[0]);
        sum += dec(&month["total_usd"]);
    }
    assert_eq!(sum, dec(&route["total_usd"]));
}

#[test]
fn the_plan_table_adds_up_and_says_when_it_pays_off() {
    let table = growing("table").stdout;
    assert!(
        table.contains("- buy 1 unit on 6-month commitment, months 1-6\n"),
        "{table}"
    );
    assert!(
        table.contains("Provisioned pays off from month 1:"),
        "{table}"
    );
    insta::assert_snapshot!("growing_plan_table", table);
    insta::assert_snapshot!("growing_plan_markdown", growing("markdown").stdout);
}

#[test]
fn pay_off_is_a_later_month_when_traffic_grows_into_a_unit() {
    // 4 bn tokens a month, flat, growing 25% a month: one unit (400,000 tokens/min at
    // $80/h on 1 month = $58,400) costs less than the tokens it serves on demand only
    // once traffic has grown.
    let workload = "monthly_growth: 0.25\nhorizon_months: 6\ntraffic:\n  - name: t\n    model: claude-sonnet-4-5\n    input_tokens_per_month: 4000000000\n    output_tokens_per_month: 0\n    hourly_profile: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n";
    let book = "[[provisioned]]\nmodel = \"claude-sonnet-4-5\"\nhourly_1_month = 20\ntokens_per_minute_per_unit = 400000\nnote = \"test quote\"\n";
    let outcome = Run::new()
        .file("workload.yaml", workload)
        .file("book.toml", book)
        .args(&[
            "cost",
            "--workload",
            "workload.yaml",
            "--price-book",
            "book.toml",
            "--route",
            "bedrock-provisioned",
            "--format",
            "json",
        ])
        .run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let p = outcome.json();
    let plan = &common::route(&p, "bedrock-provisioned")["plans"][0];
    // On demand in region: $3.30 per million. Month m carries 4 bn x 1.25^(m-1) tokens at
    // 91,324 x 1.25^(m-1) tokens/min; one unit ($14,600) serves them all and beats on
    // demand ($13,200 in month 1, $16,500 in month 2).
    assert_eq!(plan["months"][0]["units"], 0);
    assert_eq!(plan["months"][1]["units"], 1);
    assert_eq!(plan["pays_off_from_month"], 2);
}

#[test]
fn the_shipped_example_prices_the_provisioned_route() {
    let example = |f: &str| {
        root()
            .join("examples/aws-enterprise-eu")
            .join(f)
            .display()
            .to_string()
    };
    let outcome = Run::new()
        .args(&[
            "cost",
            "--workload",
            &example("workload.yaml"),
            "--price-book",
            &example("price-book.toml"),
            "--route",
            "bedrock-provisioned",
            "--months",
            "3",
            "--format",
            "json",
        ])
        .run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let p = outcome.json();
    let route = common::route(&p, "bedrock-provisioned");
    assert!(
        route["unserved"].as_array().expect("unserved").is_empty(),
        "{route}"
    );
    assert!(route["total_usd"].is_string(), "{route}");
    // The batch-only Haiku stream is priced on demand, without a provisioned quote.
    let batch: Vec<&str> = route["months"][0]["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| i["traffic"] == "document-batch")
        .filter_map(|i| i["name"].as_str())
        .collect();
    assert!(
        !batch.is_empty() && batch.iter().all(|n| n.contains("(batch, on demand)")),
        "{batch:?}"
    );
    let read = |f: &str| std::fs::read_to_string(example(f)).expect("example file");
    let table = Run::new()
        .file("workload.yaml", &read("workload.yaml"))
        .file("price-book.toml", &read("price-book.toml"))
        .args(&[
            "cost",
            "--workload",
            "workload.yaml",
            "--price-book",
            "price-book.toml",
            "--route",
            "bedrock-provisioned",
            "--months",
            "3",
        ])
        .run();
    assert_eq!(table.code, 0, "{}", table.stderr);
    insta::assert_snapshot!("shipped_example_provisioned", table.stdout);
}

#[test]
fn an_average_above_the_declared_peak_is_a_warning() {
    // 20 bn tokens a month is ~456,621 tokens/min on average, above the 300,000 peak.
    let workload = "traffic:\n  - name: t\n    model: claude-sonnet-4-5\n    input_tokens_per_month: 20000000000\n    output_tokens_per_month: 0\n    peak_tokens_per_minute: 300000\n";
    let outcome = Run::new()
        .file("workload.yaml", workload)
        .args(&[
            "cost",
            "--workload",
            "workload.yaml",
            "--route",
            "bedrock-region",
            "--months",
            "1",
        ])
        .run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert!(
        outcome.stdout.contains("Warnings:\n- `t`: the average load (456621 tokens/min) exceeds the declared peak (300000 tokens/min)"),
        "{}",
        outcome.stdout
    );
}

#[test]
fn a_volume_sweep_scales_the_peak_and_warns_only_when_the_peak_is_swept_below_the_average() {
    let workload = "traffic:\n  - name: t\n    model: claude-sonnet-4-5\n    input_tokens_per_month: 1000000000\n    output_tokens_per_month: 0\n    peak_tokens_per_minute: 300000\n";
    let sweep = |param: &str| {
        let outcome = Run::new()
            .file("workload.yaml", workload)
            .file("book.toml", BOOK)
            .args(&[
                "cost",
                "--workload",
                "workload.yaml",
                "--price-book",
                "book.toml",
                "--route",
                "bedrock-provisioned",
                "--sweep",
                param,
                "--steps",
                "5",
                "--format",
                "json",
            ])
            .run();
        assert_eq!(outcome.code, 0, "{}", outcome.stderr);
        outcome.json()
    };
    // Volume sweep to 20 bn: the peak grows with the volume, so it stays above the average.
    let volume = sweep("input_tokens_per_month=1e9..2e10");
    assert_eq!(
        volume["warnings"].as_array().map(Vec::len),
        Some(0),
        "{volume}"
    );
    // Peak sweep at 1 bn (22,831 tokens/min on average): the low peaks are below it.
    let peak = sweep("peak_tokens_per_minute=1000..100000");
    let warnings = peak["warnings"].as_array().expect("warnings");
    assert_eq!(warnings.len(), 1, "{peak}");
    assert!(
        warnings[0]
            .as_str()
            .unwrap_or_default()
            .contains("at 3 of the 5 values"),
        "{warnings:?}"
    );
}
