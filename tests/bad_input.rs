//! The bad-input suite: every malformed file gets a message naming file, line, column and
//! key, exit code 2, and never a panic. Each case's message is snapshotted.

mod common;

use common::Run;

/// Runs a case and snapshots its exit code and standard error.
fn case(name: &str, run: Run) {
    let outcome = run.run();
    assert_eq!(
        outcome.code, 2,
        "{name}: expected exit code 2, stderr:\n{}",
        outcome.stderr
    );
    assert!(outcome.stdout.is_empty(), "{name}: nothing on stdout");
    assert!(!outcome.stderr.contains("panicked"), "{name}: panicked");
    insta::assert_snapshot!(name, outcome.stderr);
}

fn advise(answers: &str) -> Run {
    Run::new()
        .file("answers.yaml", answers)
        .args(&["advise", "--answers", "answers.yaml"])
}

fn advise_with_workload(workload: &str) -> Run {
    Run::new()
        .file("answers.yaml", "cloud: aws\n")
        .file("workload.yaml", workload)
        .args(&[
            "advise",
            "--answers",
            "answers.yaml",
            "--workload",
            "workload.yaml",
        ])
}

const TRAFFIC: &str = "traffic:\n  - name: chat\n    model: claude-sonnet-4-5\n    input_tokens_per_month: 1000\n    output_tokens_per_month: 100\n";

#[test]
fn answers_yaml_syntax_error() {
    case(
        "answers_yaml_syntax_error",
        advise("cloud: [aws\nteam: solo\n"),
    );
}

#[test]
fn answers_unknown_key() {
    case("answers_unknown_key", advise("team: solo\nclod: aws\n"));
}

#[test]
fn answers_unknown_choice() {
    case("answers_unknown_choice", advise("cloud: oracle\n"));
}

#[test]
fn answers_wrong_type() {
    case(
        "answers_wrong_type",
        advise("private_networking: maybe\ncompliance: hipaa\n"),
    );
}

#[test]
fn answers_not_a_mapping() {
    case("answers_not_a_mapping", advise("- cloud: aws\n"));
}

#[test]
fn answers_empty_file() {
    case("answers_empty_file", advise("# nothing yet\n"));
}

#[test]
fn answers_missing_file() {
    case(
        "answers_missing_file",
        Run::new().args(&["advise", "--answers", "nowhere.yaml"]),
    );
}

#[test]
fn answers_alias_bomb() {
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (name, previous) in [
        ("b", "a"),
        ("c", "b"),
        ("d", "c"),
        ("e", "d"),
        ("f", "e"),
        ("g", "f"),
        ("h", "g"),
    ] {
        bomb.push_str(&format!(
            "{name}: &{name} [{}]\n",
            vec![format!("*{previous}"); 10].join(", ")
        ));
    }
    case("answers_alias_bomb", advise(&bomb));
}

#[test]
fn workload_share_out_of_range() {
    case(
        "workload_share_out_of_range",
        advise_with_workload(&format!("{TRAFFIC}    batch_share: 1.5\n")),
    );
}

#[test]
fn workload_negative_tokens() {
    case(
        "workload_negative_tokens",
        advise_with_workload(
            "traffic:\n  - name: chat\n    model: claude-sonnet-4-5\n    input_tokens_per_month: -5\n    output_tokens_per_month: 100\n",
        ),
    );
}

#[test]
fn workload_absurd_tokens() {
    case(
        "workload_absurd_tokens",
        advise_with_workload(
            "traffic:\n  - name: chat\n    model: claude-sonnet-4-5\n    input_tokens_per_month: 1e20\n    output_tokens_per_month: 100\n",
        ),
    );
}

#[test]
fn workload_unknown_model() {
    case(
        "workload_unknown_model",
        advise_with_workload(
            "traffic:\n  - name: chat\n    model: claude-sonet-4-5\n    input_tokens_per_month: 1000\n    output_tokens_per_month: 100\n",
        ),
    );
}

#[test]
fn workload_unknown_key() {
    case(
        "workload_unknown_key",
        advise_with_workload(&format!("{TRAFFIC}    cache_hit: 0.5\n")),
    );
}

#[test]
fn workload_missing_key() {
    case(
        "workload_missing_key",
        advise_with_workload(
            "traffic:\n  - name: chat\n    model: claude-sonnet-4-5\n    input_tokens_per_month: 1000\n",
        ),
    );
}

#[test]
fn workload_cache_rates_above_one() {
    case(
        "workload_cache_rates_above_one",
        advise_with_workload(&format!(
            "{TRAFFIC}    cache_hit_rate: 0.8\n    cache_write_rate: 0.3\n"
        )),
    );
}

#[test]
fn workload_without_traffic() {
    case(
        "workload_without_traffic",
        advise_with_workload("traffic: []\n"),
    );
}

fn with_rules(file: &str, text: &str) -> Run {
    Run::new()
        .file("answers.yaml", "cloud: aws\n")
        .file(&format!("my-rules/{file}"), text)
        .args(&["advise", "--answers", "answers.yaml", "--rules", "my-rules"])
}

const RULE: &str = "rules:\n  - code: RW090\n    name: custom\n    effect: eliminate\n    when: {WHEN}\n    message: custom\n    why: a test\n    source: a test\n";

#[test]
fn rule_condition_with_unknown_question() {
    case(
        "rule_unknown_question",
        with_rules(
            "extra.yaml",
            &RULE.replace("{WHEN}", "answers.clould == \"aws\""),
        ),
    );
}

#[test]
fn rule_condition_with_unknown_route_attribute() {
    case(
        "rule_unknown_route_attribute",
        with_rules(
            "extra.yaml",
            &RULE.replace("{WHEN}", "not route.private_network"),
        ),
    );
}

#[test]
fn rule_condition_that_does_not_parse() {
    case(
        "rule_condition_syntax",
        with_rules("extra.yaml", &RULE.replace("{WHEN}", "answers.cloud ==")),
    );
}

#[test]
fn rule_code_that_does_not_match_its_effect() {
    let text = RULE.replace("{WHEN}", "false").replace("RW090", "RW190");
    case("rule_code_mismatch", with_rules("extra.yaml", &text));
}

#[test]
fn route_with_unknown_vocabulary_and_missing_sources() {
    let text = "routes:\n  - id: my-route\n    name: Mine\n    platform: aws\n    cloud: aws\n    auth: [iam, password]\n    billing: aws\n    feature_lag: same_day\n    setup: simple\n    pricing: { table: nowhere }\n    sources: { auth: nobody }\n";
    case(
        "route_bad_vocabulary_and_sources",
        with_rules("mine.yaml", text),
    );
}

#[test]
fn duplicate_rule_code_in_one_directory() {
    let rule = RULE.replace("{WHEN}", "false");
    let twice = format!("{rule}{}", rule.trim_start_matches("rules:\n"));
    case("rule_duplicate_code", with_rules("extra.yaml", &twice));
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

#[test]
fn pricing_negative_price() {
    case(
        "pricing_negative_price",
        with_pricing(
            "table = \"extra\"\nprovider = \"x\"\nsource = \"x\"\nas_of = \"2026-11-22\"\n\n[models.my-model]\nfamily = \"claude\"\ninput = -1\noutput = 2\n",
        ),
    );
}

#[test]
fn pricing_bad_date_and_family() {
    case(
        "pricing_bad_date_and_family",
        with_pricing(
            "table = \"extra\"\nprovider = \"x\"\nsource = \"x\"\nas_of = \"22/11/2026\"\n\n[models.my-model]\nfamily = \"gpt\"\ninput = 1\noutput = 2\n",
        ),
    );
}

#[test]
fn pricing_unknown_key() {
    case(
        "pricing_unknown_key",
        with_pricing(
            "table = \"extra\"\nprovider = \"x\"\nsource = \"x\"\nas_of = \"2026-11-22\"\ncurrency = \"EUR\"\n",
        ),
    );
}

#[test]
fn pricing_toml_syntax_error() {
    case(
        "pricing_toml_syntax_error",
        with_pricing("table = \"extra\nprovider = \"x\"\n"),
    );
}

#[test]
fn template_syntax_error() {
    case(
        "template_syntax_error",
        Run::new()
            .file("answers.yaml", "cloud: aws\n")
            .file(
                "tpl/report.md.j2",
                "# report\n{% for r in routes %}\n{{ r.id }\n",
            )
            .args(&["advise", "--answers", "answers.yaml", "--templates", "tpl"]),
    );
}

#[test]
fn missing_required_flag_is_a_usage_error() {
    let outcome = Run::new().args(&["advise"]).run();
    assert_eq!(outcome.code, 2);
    assert!(outcome.stderr.contains("--answers"), "{}", outcome.stderr);
}

#[test]
fn missing_data_directory() {
    case(
        "missing_rules_directory",
        Run::new().file("answers.yaml", "cloud: aws\n").args(&[
            "advise",
            "--answers",
            "answers.yaml",
            "--rules",
            "no-such-dir",
        ]),
    );
}

#[test]
fn validate_reports_problems_in_every_file() {
    case(
        "validate_every_file",
        Run::new()
            .file("answers.yaml", "cloud: oracle\nsla: sometimes\n")
            .file("workload.yaml", &format!("{TRAFFIC}    batch_share: 2\n"))
            .args(&[
                "validate",
                "--answers",
                "answers.yaml",
                "--workload",
                "workload.yaml",
            ]),
    );
}

#[test]
fn answers_decision_unknown_key() {
    case(
        "answers_decision_unknown_key",
        advise("cloud: aws\ndecision:\n  title: Use Bedrock\n  decison-makers: [Ana]\n"),
    );
}

#[test]
fn answers_decision_bad_values() {
    case(
        "answers_decision_bad_values",
        advise("decision:\n  status: done\n  date: 2026-13-01\n  informed: 3\nclod: aws\n"),
    );
}

#[test]
fn answers_decision_not_a_mapping() {
    case(
        "answers_decision_not_a_mapping",
        advise("decision: accepted\n"),
    );
}

fn advise_surfaces(answers: &str, workload: &str) -> Run {
    Run::new()
        .file("answers.yaml", answers)
        .file("workload.yaml", workload)
        .args(&[
            "advise",
            "--answers",
            "answers.yaml",
            "--workload",
            "workload.yaml",
        ])
}

const TWO_SURFACES_TRAFFIC: &str = "traffic:\n  - name: chat\n    surface: voice\n    model: claude-sonnet-4-5\n    input_tokens_per_month: 1000\n    output_tokens_per_month: 100\n  - name: notebooks\n    surface: analytics\n    model: gemini-2.5-pro\n    input_tokens_per_month: 1000\n    output_tokens_per_month: 100\n";

#[test]
fn surface_without_a_name() {
    case(
        "surface_without_a_name",
        advise("cloud: gcp\nsurfaces:\n  - latency_critical: true\n  - name: analytics\n"),
    );
}

#[test]
fn surface_with_a_duplicate_name() {
    case(
        "surface_with_a_duplicate_name",
        advise("surfaces:\n  - name: voice\n  - name: voice\n    sla: true\n"),
    );
}

#[test]
fn surface_override_of_an_unknown_question() {
    case(
        "surface_override_of_an_unknown_question",
        advise("surfaces:\n  - name: voice\n    latency_critcal: true\n"),
    );
}

#[test]
fn traffic_naming_an_unknown_surface() {
    case(
        "traffic_naming_an_unknown_surface",
        advise_surfaces(
            "surfaces:\n  - name: voice\n  - name: analytics\n",
            &TWO_SURFACES_TRAFFIC.replace("surface: analytics", "surface: analytcs"),
        ),
    );
}

#[test]
fn traffic_without_a_surface_when_that_is_ambiguous() {
    case(
        "traffic_without_a_surface_when_that_is_ambiguous",
        advise_surfaces("surfaces:\n  - name: voice\n  - name: analytics\n", TRAFFIC),
    );
}

#[test]
fn traffic_naming_a_surface_without_surfaces() {
    case(
        "traffic_naming_a_surface_without_surfaces",
        advise_surfaces("cloud: gcp\n", TWO_SURFACES_TRAFFIC),
    );
}

#[test]
fn gateway_claiming_more_than_its_routes() {
    let rules = "sources:\n  ours: { title: Our gateway, url: https://gateway.example.com/docs, checked: 2026-11-29 }\nroutes:\n  - id: my-gateway\n    name: Our gateway\n    platform: gateway\n    cloud: none\n    auth: [iam]\n    billing: varies\n    residency: [eu]\n    compliance: [hipaa]\n    feature_lag: days_to_weeks\n    setup: moderate\n    extra_hop: true\n    behind: [anthropic-api, gemini-api-paid]\n    pricing: { table: anthropic, endpoint: global }\n    sources: { auth: ours, billing: ours, residency: ours, compliance: ours, private_networking: ours, audit_logging: ours, zero_data_retention: ours, cmek: ours, guardrails: ours, sla: ours, region_pinning: ours, batch: ours, model_families: ours, features: ours, feature_lag: ours }\n";
    case(
        "gateway_claiming_more_than_its_routes",
        Run::new()
            .file("answers.yaml", "cloud: gcp\n")
            .file("rules/gateway.yaml", rules)
            .args(&["advise", "--answers", "answers.yaml", "--rules", "rules"]),
    );
}

/// A user route with every claim sourced, whose capabilities the cases below break.
fn capability_route(capabilities: &str) -> String {
    format!(
        "sources:\n  mine:\n    title: Our provider's page\n    url: https://example.com/provider\n    checked: 2026-11-29\nroutes:\n  - id: my-route\n    name: Mine\n    platform: aws\n    cloud: aws\n    auth: [iam]\n    billing: aws\n{capabilities}    model_families: [claude]\n    feature_lag: same_day\n    setup: simple\n    pricing: {{ table: bedrock }}\n    sources: {{ auth: mine, billing: mine, residency: mine, compliance: mine, private_networking: mine, audit_logging: mine, zero_data_retention: mine, cmek: mine, guardrails: mine, sla: mine, region_pinning: mine, batch: mine, model_families: mine, features: mine, feature_lag: mine }}\n"
    )
}

#[test]
fn capability_state_outside_the_five() {
    case(
        "capability_bad_state",
        with_rules(
            "mine.yaml",
            &capability_route(
                "    private_networking: maybe\n    cmek:\n      - { state: sometimes, models: [claude-sonnet-4-5] }\n      - yes\n",
            ),
        ),
    );
}

#[test]
fn capability_condition_missing() {
    case(
        "capability_missing_condition",
        with_rules(
            "mine.yaml",
            &capability_route(
                "    zero_data_retention: configurable\n    residency:\n      eu: { state: on_request, condition: \"  \" }\n    cmek: { state: yes, condition: always on }\n",
            ),
        ),
    );
}

#[test]
fn capability_scope_names_an_unknown_model_or_feature() {
    case(
        "capability_unknown_scope",
        with_rules(
            "mine.yaml",
            &capability_route(
                "    compliance:\n      hipaa:\n        - { state: no, features: [file_api] }\n        - yes\n",
            ),
        ),
    );
    case(
        "capability_unknown_model",
        with_rules(
            "mine.yaml",
            &capability_route(
                "    zero_data_retention:\n      - { state: no, models: [claude-sonet-4-5] }\n      - yes\n",
            ),
        ),
    );
}

#[test]
fn source_that_is_not_a_url() {
    let text = capability_route("    cmek: yes\n").replace(
        "url: https://example.com/provider\n    checked: 2026-11-29",
        "url: seed 002 (the provider's blog)\n    checked: last week",
    );
    case("capability_source_not_url", with_rules("mine.yaml", &text));
}

#[test]
fn capability_value_citing_an_undefined_source() {
    case(
        "capability_undefined_source",
        with_rules(
            "mine.yaml",
            &capability_route("    cmek: { state: no, source: nowhere }\n"),
        ),
    );
}

#[test]
fn pricing_batch_discount_is_a_share() {
    case(
        "pricing_batch_discount_above_one",
        with_pricing(
            "table = \"extra\"\nprovider = \"x\"\nsource = \"x\"\nas_of = \"2026-11-22\"\n\n[models.my-model]\nfamily = \"claude\"\ninput = 1\noutput = 2\nbatch_discount = 50\n",
        ),
    );
}
