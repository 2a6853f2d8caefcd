//! The regional premiums the November 2026 fact audit found mispriced: GovCloud at 1.2x,
//! Foundry's US Data Zone and Claude Platform on AWS's US inference at 1.1x, and the prices of
//! models the tables did not know. Each expectation cites the page it comes from.

mod common;

use common::Run;

const WORKLOAD: &str = "traffic:
  - name: chat
    model: MODEL
    input_tokens_per_month: 1000000
    output_tokens_per_month: 100000
";

/// The CSV lines of a one-month projection of 1M input and 100K output tokens of `model`.
fn lines(model: &str, routes: &[&str]) -> Vec<String> {
    let mut args = vec![
        "cost",
        "--workload",
        "workload.yaml",
        "--months",
        "1",
        "--format",
        "csv",
    ];
    for route in routes {
        args.extend(["--route", route]);
    }
    let outcome = Run::new()
        .file("workload.yaml", &WORKLOAD.replace("MODEL", model))
        .args(&args)
        .run();
    assert_eq!(outcome.code, 0, "cost failed:\n{}", outcome.stderr);
    outcome.stdout.lines().map(str::to_owned).collect()
}

/// A priced line of the CSV (rows of kind `line`).
fn has(lines: &[String], line: &str) {
    let line = format!("line,{line}");
    assert!(
        lines.contains(&line),
        "missing `{line}` in:\n{}",
        lines.join("\n")
    );
}

#[test]
fn govcloud_costs_one_point_two_times_global() {
    // LiteLLM community table: us-gov.anthropic.claude-sonnet-5 2.4/12 against global 2/10.
    let out = lines("claude-sonnet-5", &["bedrock-govcloud"]);
    has(
        &out,
        "bedrock-govcloud,1,chat,claude-sonnet-5,input,1000000,2,2.00",
    );
    has(
        &out,
        "bedrock-govcloud,1,chat,claude-sonnet-5,output,100000,10,1.00",
    );
    has(
        &out,
        "bedrock-govcloud,1,chat,claude-sonnet-5,regional premium (x1.2),,,0.60",
    );
}

#[test]
fn foundry_us_data_zone_and_claude_platform_us_cost_one_point_one_times() {
    // https://platform.claude.com/docs/en/about-claude/pricing: US Data Zone "applies the same
    // 1.1x pricing multiplier"; https://platform.claude.com/docs/en/build-with-claude/claude-platform-on-aws:
    // "US: ... A 1.1x pricing multiplier applies."
    let out = lines(
        "claude-sonnet-5",
        &["azure-foundry-us", "claude-platform-aws-us"],
    );
    for route in ["azure-foundry-us", "claude-platform-aws-us"] {
        has(
            &out,
            &format!("{route},1,chat,claude-sonnet-5,regional premium (x1.1),,,0.30"),
        );
    }
}

#[test]
fn foundry_us_data_zone_does_not_serve_anthropic_hosted_models() {
    // https://learn.microsoft.com/en-us/azure/foundry/foundry-models/concepts/claude-models-hosting-comparison:
    // Sonnet 4.6 is hosted on Anthropic, Global Standard only.
    let outcome = Run::new()
        .file(
            "workload.yaml",
            &WORKLOAD.replace("MODEL", "claude-sonnet-4-6"),
        )
        .args(&[
            "cost",
            "--workload",
            "workload.yaml",
            "--route",
            "azure-foundry-us",
            "--format",
            "csv",
        ])
        .run();
    assert!(
        !outcome
            .stdout
            .contains("azure-foundry-us,1,chat,claude-sonnet-4-6,input"),
        "{}",
        outcome.stdout
    );
}

#[test]
fn fable_5_1_reads_the_cache_at_a_fortieth_of_input() {
    // https://platform.claude.com/docs/en/about-claude/pricing: Fable 5.1 cache reads at 0.025x.
    let outcome = Run::new()
        .file(
            "workload.yaml",
            "traffic:
  - name: agent
    model: claude-fable-5-1
    input_tokens_per_month: 1000000
    output_tokens_per_month: 0
    cache_hit_rate: 1.0
",
        )
        .args(&[
            "cost",
            "--workload",
            "workload.yaml",
            "--route",
            "anthropic-api",
            "--months",
            "1",
            "--format",
            "csv",
        ])
        .run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert!(
        outcome
            .stdout
            .contains("anthropic-api,1,agent,claude-fable-5-1,cache reads,1000000,0.25,0.25"),
        "{}",
        outcome.stdout
    );
}
