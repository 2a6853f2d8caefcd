//! Prompt-length tiers, dated prices, service tiers and `prices import`, through the binary:
//! bad tiers and periods are positioned errors with codes (snapshotted), reports show tier
//! and period lines, and an imported overlay is used by `cost --pricing`.

mod common;

use common::{Run, root};

/// Runs a case expected to fail on input and snapshots its standard error.
fn bad(name: &str, run: Run) {
    let outcome = run.run();
    assert_eq!(outcome.code, 2, "{name}: {}", outcome.stderr);
    assert!(!outcome.stderr.contains("panicked"), "{name}: panicked");
    insta::assert_snapshot!(name, outcome.stderr);
}

fn with_pricing(text: &str) -> Run {
    Run::new()
        .file("answers.yaml", "cloud: aws\n")
        .file("my-prices/extra.toml", text)
        .args(&[
            "advise",
            "--answers",
            "answers.yaml",
            "--pricing",
            "my-prices",
        ])
}

const HEAD: &str = "table = \"extra\"\nprovider = \"x\"\nsource = \"https://example.test\"\nas_of = \"2026-11-22\"\n\n[models.my-model]\nfamily = \"claude\"\ninput = 1\noutput = 5\ncache_read = 0.10\n";

#[test]
fn a_tier_missing_a_category_is_an_error() {
    bad(
        "tier_missing_category",
        with_pricing(&format!(
            "{HEAD}\n[[models.my-model.tiers]]\nabove_input_tokens = 100000\ninput = 2\noutput = 10\n"
        )),
    );
}

#[test]
fn overlapping_periods_are_an_error() {
    bad(
        "period_overlap",
        with_pricing(&format!(
            "{HEAD}\n[[models.my-model.periods]]\nuntil = \"2026-12-31\"\ninput = 0.5\noutput = 2\ncache_read = 0.05\n\n[[models.my-model.periods]]\nfrom = \"2026-12-15\"\nuntil = \"2027-06-30\"\ninput = 0.7\noutput = 3\ncache_read = 0.07\n"
        )),
    );
}

#[test]
fn periods_with_a_gap_are_an_error() {
    bad(
        "period_gap",
        with_pricing(&format!(
            "{HEAD}\n[[models.my-model.periods]]\nuntil = \"2026-12-31\"\ninput = 0.5\noutput = 2\ncache_read = 0.05\n\n[[models.my-model.periods]]\nfrom = \"2027-02-01\"\nuntil = \"2027-06-30\"\ninput = 0.7\noutput = 3\ncache_read = 0.07\n"
        )),
    );
}

fn cost(workload: &str, extra: &[&str]) -> common::Outcome {
    let mut args = vec!["cost", "--workload", "w.yaml"];
    args.extend_from_slice(extra);
    Run::new().file("w.yaml", workload).args(&args).run()
}

#[test]
fn service_tier_shares_above_one_are_an_error() {
    bad(
        "service_tiers_over_one",
        Run::new()
            .file(
                "w.yaml",
                "traffic:\n  - name: t\n    model: gemini-2.5-flash\n    input_tokens_per_month: 1000\n    output_tokens_per_month: 10\n    service_tiers: { flex: 0.7, priority: 0.5 }\n",
            )
            .args(&["cost", "--workload", "w.yaml"]),
    );
    let outcome = cost(
        "traffic:\n  - name: t\n    model: gemini-2.5-flash\n    input_tokens_per_month: 1000\n    output_tokens_per_month: 10\n    service_tiers: { flex: 1.5 }\n",
        &[],
    );
    assert_eq!(outcome.code, 2, "{}", outcome.stderr);
    assert!(
        outcome.stderr.contains("a share is from 0 to 1"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn haiku_5_5_long_prompts_pay_the_tier_in_every_category() {
    let outcome = cost(
        "traffic:\n  - name: long\n    model: claude-haiku-5-5\n    input_tokens_per_month: 10000000\n    output_tokens_per_month: 1000000\n    cache_hit_rate: 0.5\n    cache_write_rate: 0.1\n    cache_write_1h_rate: 0.1\n    long_context_share: 0.2\n",
        &[
            "--route",
            "anthropic-api",
            "--months",
            "1",
            "--format",
            "csv",
        ],
    );
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    insta::assert_snapshot!("haiku_tier_lines", outcome.stdout);
    for line in [
        "cache reads (prompts above 100K tokens),1000000,0.05,0.05",
        "cache writes (5m) (prompts above 100K tokens),200000,0.625,0.13",
        "cache writes (1h) (prompts above 100K tokens),200000,1,0.20",
        "input (prompts above 100K tokens),600000,0.5,0.30",
    ] {
        assert!(outcome.stdout.contains(line), "{line}\n{}", outcome.stdout);
    }
}

#[test]
fn gemini_3_8_flash_changes_price_in_january_and_the_projection_says_so() {
    let workload = "traffic:\n  - name: chat\n    model: gemini-3.8-flash\n    input_tokens_per_month: 10000000\n    output_tokens_per_month: 1000000\n";
    let outcome = cost(
        workload,
        &[
            "--route",
            "gemini-api-paid",
            "--months",
            "3",
            "--today",
            "2026-11-15",
            "--format",
            "csv",
        ],
    );
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    insta::assert_snapshot!("gemini_dated_months", outcome.stdout);
    assert!(
        outcome
            .stdout
            .contains("line,gemini-api-paid,2,chat,gemini-3.8-flash,input,10000000,0.75,7.50")
    );
    assert!(
        outcome
            .stdout
            .contains("line,gemini-api-paid,3,chat,gemini-3.8-flash,input,10000000,1.5,15.00")
    );
    assert!(
        outcome
            .stdout
            .contains("changes price in month 3 (2027-01): input 0.75 -> 1.5, output 3.75 -> 7.5")
    );
    // A single month in 2027 is priced at the later price.
    let later = cost(
        workload,
        &[
            "--route",
            "gemini-api-paid",
            "--months",
            "1",
            "--today",
            "2027-03-01",
            "--format",
            "csv",
        ],
    );
    assert!(
        later.stdout.contains(",input,10000000,1.5,15.00"),
        "{}",
        later.stdout
    );
}

#[test]
fn a_service_tier_the_table_lacks_makes_the_route_unpriceable_not_standard() {
    let outcome = cost(
        "traffic:\n  - name: t\n    model: gemini-2.5-pro\n    input_tokens_per_month: 1000000\n    output_tokens_per_month: 1000\n    service_tiers: { flex: 0.5 }\n",
        &["--route", "gemini-api-paid", "--months", "1"],
    );
    assert!(
        outcome
            .stdout
            .contains("lists no flex price for `gemini-2.5-pro`"),
        "{}{}",
        outcome.stdout,
        outcome.stderr
    );
    let priced = cost(
        "traffic:\n  - name: t\n    model: gemini-2.5-flash\n    input_tokens_per_month: 1000000\n    output_tokens_per_month: 1000\n    service_tiers: { flex: 0.5 }\n",
        &[
            "--route",
            "gemini-api-paid",
            "--months",
            "1",
            "--format",
            "csv",
        ],
    );
    assert!(
        priced.stdout.contains("flex input,500000,0.15,0.08"),
        "{}",
        priced.stdout
    );
    assert!(
        priced.stdout.contains(",input,500000,0.3,0.15"),
        "{}",
        priced.stdout
    );
    // The flex rates come from a secondary source: the CSV says so among its assumptions,
    // and says nothing of the priority rates, which this workload does not use.
    assert!(
        priced.stdout.contains(
            "The flex price of `gemini-2.5-flash` in table `gemini-api` comes from a secondary source"
        ),
        "{}",
        priced.stdout
    );
    assert!(
        !priced.stdout.contains("The priority price"),
        "{}",
        priced.stdout
    );
}

#[test]
fn fable_5_1_reads_cache_at_a_fortieth_of_input_on_every_table() {
    let outcome = cost(
        "traffic:\n  - name: t\n    model: claude-fable-5-1\n    input_tokens_per_month: 1000000\n    output_tokens_per_month: 0\n    cache_hit_rate: 1\n",
        &["--months", "1", "--format", "csv"],
    );
    let reads: Vec<&str> = outcome
        .stdout
        .lines()
        .filter(|l| l.starts_with("line,") && l.contains("cache reads"))
        .collect();
    assert!(reads.len() >= 3, "{}", outcome.stdout);
    for line in reads {
        assert!(line.ends_with(",1000000,0.25,0.25"), "{line}");
    }
}

#[test]
fn an_imported_overlay_is_written_and_priced_with() {
    let fixture =
        std::fs::read_to_string(root().join("tests/fixtures/prices/litellm-trimmed.json"))
            .expect("the fixture");
    let (outcome, dir) = Run::new()
        .file("list.json", &fixture)
        .file("w.yaml", "traffic:\n  - name: t\n    model: claude-sonnet-4-5\n    input_tokens_per_month: 1000000\n    output_tokens_per_month: 1000000\n")
        .args(&["prices", "import", "--from", "list.json", "--table", "anthropic", "--output", "overlay", "--as-of", "2026-11-22"])
        .run_in();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert!(
        outcome
            .stdout
            .contains("imported  claude-sonnet-4-5 <- claude-sonnet-4-5"),
        "{}",
        outcome.stdout
    );
    let written =
        std::fs::read_to_string(dir.path().join("overlay/anthropic.toml")).expect("written");
    assert!(written.contains("imported from `claude-sonnet-4-5` in list.json (LiteLLM model_prices_and_context_window.json), as of 2026-11-22"), "{written}");
    let cost = std::process::Command::new(env!("CARGO_BIN_EXE_routewise"))
        .current_dir(dir.path())
        .env_remove("SOURCE_DATE_EPOCH")
        .args([
            "cost",
            "--workload",
            "w.yaml",
            "--pricing",
            "overlay",
            "--route",
            "anthropic-api",
            "--months",
            "1",
            "--format",
            "csv",
        ])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&cost.stdout);
    assert!(
        cost.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&cost.stderr)
    );
    assert!(text.contains("imported from list.json"), "{text}");
    assert!(
        text.contains("claude-sonnet-4-5,input,1000000,3,3.00"),
        "{text}"
    );
    // A file of another shape is refused, naming what was expected.
    let other = Run::new()
        .file("x.json", "{\"a\": 1}")
        .args(&[
            "prices",
            "import",
            "--from",
            "x.json",
            "--table",
            "anthropic",
            "--output",
            "o",
            "--as-of",
            "2026-11-22",
        ])
        .run();
    assert_eq!(other.code, 2, "{}", other.stderr);
    assert!(
        other.stderr.contains("expected LiteLLM"),
        "{}",
        other.stderr
    );
}
