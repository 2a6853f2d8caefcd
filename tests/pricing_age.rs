//! Stale prices: `advise --max-pricing-age DAYS` measured to `--today` or
//! `SOURCE_DATE_EPOCH`, the `stale-pricing` warning, and `--fail-on stale-pricing`.

mod common;

use common::Run;

const ANSWERS: &str = "cloud: aws\nresidency: eu\nmodel_families: [claude]\n";

fn advise(extra: &[&str]) -> Run {
    let mut args = vec!["advise", "--answers", "answers.yaml"];
    args.extend_from_slice(extra);
    Run::new().file("answers.yaml", ANSWERS).args(&args)
}

fn stale_warnings(report: &serde_json::Value) -> Vec<serde_json::Value> {
    report["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .filter(|w| w["code"] == "stale-pricing")
        .cloned()
        .collect()
}

#[test]
fn tables_older_than_the_limit_warn_for_the_routes_they_price() {
    // The embedded tables are as of 2026-11-22: 49 days before 2027-01-10.
    let outcome = advise(&[
        "--max-pricing-age",
        "30",
        "--today",
        "2027-01-10",
        "--format",
        "json",
    ])
    .run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let report = outcome.json();
    let age = &report["pricing_age"];
    assert_eq!(age["today"], "2027-01-10");
    assert_eq!(age["max_days"], 30);
    let bedrock = age["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .find(|t| t["table"] == "bedrock")
        .expect("bedrock table");
    assert_eq!(bedrock["age_days"], 49);
    assert_eq!(bedrock["stale"], true);
    let warnings = stale_warnings(&report);
    let bedrock_warning = warnings
        .iter()
        .find(|w| {
            w["message"]
                .as_str()
                .unwrap_or_default()
                .contains("`bedrock`")
        })
        .expect("a warning about the bedrock table");
    // The viable routes priced from the table, in rank order.
    let routes = bedrock_warning["routes"].as_array().expect("routes");
    assert_eq!(
        routes[..2],
        [
            serde_json::json!("bedrock-geo"),
            serde_json::json!("bedrock-region")
        ]
    );
    assert!(
        routes
            .iter()
            .all(|r| r.as_str().is_some_and(|r| r.starts_with("bedrock-")))
    );
    assert_eq!(
        bedrock_warning["message"],
        "pricing table `bedrock` is 49 days old (as of 2026-11-22, measured on 2027-01-10), more than the 30 days allowed; re-check its prices before relying on the costs."
    );
}

#[test]
fn fresh_tables_do_not_warn() {
    let report = advise(&[
        "--max-pricing-age",
        "90",
        "--today",
        "2027-01-10",
        "--format",
        "json",
        "--fail-on",
        "stale-pricing",
    ])
    .run();
    assert_eq!(report.code, 0, "{}", report.stderr);
    let report = report.json();
    assert!(stale_warnings(&report).is_empty());
    assert!(
        report["pricing_age"]["tables"]
            .as_array()
            .expect("tables")
            .iter()
            .all(|t| t["stale"] == false)
    );
}

#[test]
fn the_gate_fails_the_run_but_the_report_is_still_written() {
    let outcome = advise(&[
        "--max-pricing-age",
        "30",
        "--today",
        "2027-01-10",
        "--fail-on",
        "stale-pricing",
    ])
    .run();
    assert_eq!(outcome.code, 1);
    assert!(outcome.stdout.contains("## Warnings"), "{}", outcome.stdout);
    assert!(
        outcome
            .stdout
            .contains("- `stale-pricing` (bedrock-geo, bedrock-region")
    );
    assert!(
        outcome
            .stdout
            .contains("pricing table `bedrock` is 49 days old")
    );
    assert!(
        outcome.stderr.contains(
            "gate tripped: stale-pricing: a pricing table used by a viable route is more than 30 days old"
        ),
        "{}",
        outcome.stderr
    );
}

#[test]
fn source_date_epoch_is_the_default_today() {
    // 1799625600 is 2027-01-11T00:00:00Z: 50 days after 2026-11-22.
    let report = advise(&["--max-pricing-age", "30", "--format", "json"])
        .env("SOURCE_DATE_EPOCH", "1799625600")
        .run()
        .json();
    assert_eq!(report["pricing_age"]["today"], "2027-01-11");
    assert!(
        report["command"]
            .as_str()
            .unwrap()
            .ends_with("--format json --date 2027-01-11 --max-pricing-age 30 --today 2027-01-11")
    );
    // --today wins over SOURCE_DATE_EPOCH.
    let report = advise(&[
        "--max-pricing-age",
        "30",
        "--today",
        "2026-12-01",
        "--format",
        "json",
    ])
    .env("SOURCE_DATE_EPOCH", "1799625600")
    .run()
    .json();
    assert_eq!(report["pricing_age"]["today"], "2026-12-01");
    assert!(stale_warnings(&report).is_empty());
}

#[test]
fn an_age_limit_without_a_date_is_a_usage_error() {
    let outcome = advise(&["--max-pricing-age", "30"]).run();
    assert_eq!(outcome.code, 2);
    assert!(
        outcome
            .stderr
            .contains("--max-pricing-age needs a date to measure ages to: pass --today YYYY-MM-DD or set SOURCE_DATE_EPOCH"),
        "{}",
        outcome.stderr
    );
    let gate_alone = advise(&["--fail-on", "stale-pricing"]).run();
    assert_eq!(gate_alone.code, 2);
    let other_gate = advise(&[
        "--max-pricing-age",
        "9",
        "--today",
        "2027-01-01",
        "--fail-on",
        "route-change",
    ])
    .run();
    assert_eq!(other_gate.code, 2);
    assert!(
        other_gate.stderr.contains("stale-pricing"),
        "{}",
        other_gate.stderr
    );
}

#[test]
fn a_stale_table_no_viable_route_uses_does_not_warn() {
    let old_gemini = "table = \"gemini-api\"\nprovider = \"Google\"\nsource = \"an old page\"\nas_of = \"2020-01-01\"\n\n[models.\"gemini-2.5-pro\"]\nfamily = \"gemini\"\ninput = 1.25\noutput = 10\n";
    let outcome = advise(&[
        "--pricing",
        "prices",
        "--max-pricing-age",
        "90",
        "--today",
        "2027-01-10",
        "--format",
        "json",
        "--fail-on",
        "stale-pricing",
    ])
    .file("prices/gemini-api.toml", old_gemini)
    .run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let report = outcome.json();
    let gemini = report["pricing_age"]["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .find(|t| t["table"] == "gemini-api")
        .cloned()
        .expect("gemini table");
    assert_eq!(gemini["stale"], true);
    assert_eq!(gemini["used_by"], serde_json::json!([]));
    assert!(stale_warnings(&report).is_empty());
}

#[test]
fn the_record_shows_each_table_age() {
    let outcome = advise(&[
        "--max-pricing-age",
        "30",
        "--today",
        "2027-01-10",
        "--format",
        "madr",
    ])
    .run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert!(outcome.stdout.contains(
        "Prices are list prices from these tables, with their age on 2027-01-10 (at most 30 days allowed):"
    ));
    assert!(
        outcome
            .stdout
            .contains("| `bedrock` | Amazon Web Services | 2026-11-22 | 49 days (stale) |")
    );
    assert!(
        outcome
            .stdout
            .contains("* Bad, because of `stale-pricing`: pricing table `bedrock` is 49 days old")
    );
}
