//! Capability values as users meet them: eliminations that name the model or feature, the
//! conditions a viable route rests on (per route, in a "before go-live" checklist and in
//! the decision record), and unknowns worded as questions for the vendor.

mod common;

use common::{Run, advise_json, route};

fn workload(model: &str) -> String {
    format!(
        "traffic:\n  - {{ name: chat, model: {model}, input_tokens_per_month: 1000000, output_tokens_per_month: 100000 }}\n"
    )
}

fn reasons(report: &serde_json::Value, id: &str) -> Vec<String> {
    route(report, id)["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r["code"].as_str().unwrap_or(""),
                r["message"].as_str().unwrap_or("")
            )
        })
        .collect()
}

#[test]
fn an_elimination_names_the_model_that_caused_it() {
    let report = advise_json("residency: us\n", Some(&workload("claude-sonnet-4-6")));
    assert_eq!(
        reasons(&report, "azure-foundry"),
        ["RW001 cannot keep claude-sonnet-4-6 in us (Anthropic-hosted; Global Standard only)"]
    );
    let evidence = &route(&report, "azure-foundry")["evidence"][0];
    assert_eq!(evidence["model"], "claude-sonnet-4-6");
    assert_eq!(
        evidence["url"],
        "https://learn.microsoft.com/en-us/azure/foundry/foundry-models/concepts/claude-models-hosting-comparison"
    );
    assert_eq!(evidence["checked"], "2026-11-29");
    assert_ne!(route(&report, "anthropic-api-us")["status"], "eliminated");
}

#[test]
fn a_model_excluded_from_zero_retention_is_named_on_every_route() {
    let report = advise_json(
        "zero_data_retention: true\n",
        Some(&workload("claude-fable-5-1")),
    );
    assert!(report["recommendation"]["route"].is_null());
    for id in [
        "anthropic-api",
        "claude-platform-aws",
        "bedrock-global",
        "vertex-global",
    ] {
        assert_eq!(
            reasons(&report, id),
            [
                "RW007 offers no zero data retention for claude-fable-5-1: the model requires 30-day retention on every platform"
            ],
            "{id}"
        );
    }
    // Without Fable, Bedrock's ZDR is a condition to meet, not a reason to eliminate.
    let report = advise_json(
        "cloud: aws\nzero_data_retention: true\n",
        Some(&workload("claude-sonnet-4-6")),
    );
    let conditions = &route(&report, "bedrock-global")["conditions"];
    assert_eq!(conditions[0]["state"], "configurable");
    assert_eq!(
        conditions[0]["what_it_takes"],
        "set `data_retention_mode: none` on the account"
    );
}

#[test]
fn hipaa_stops_at_the_features_its_programme_excludes() {
    let report = advise_json("compliance: [hipaa]\nfeatures: [message_batches]\n", None);
    assert_eq!(
        reasons(&report, "anthropic-api"),
        [
            "RW003 is not covered by hipaa with message_batches: Anthropic's HIPAA-ready programme excludes Batch processing and the Files API"
        ]
    );
    // Without those features the direct API is covered once a BAA is signed.
    let report = advise_json("compliance: [hipaa]\nmodel_families: [claude]\n", None);
    assert_ne!(route(&report, "anthropic-api")["status"], "eliminated");
    let condition = &route(&report, "anthropic-api")["conditions"][0];
    assert_eq!(condition["state"], "on_request");
    assert!(
        condition["what_it_takes"]
            .as_str()
            .is_some_and(|t| t.contains("Business Associate Agreement")),
        "{condition}"
    );
}

#[test]
fn the_recommended_routes_conditions_are_a_checklist_in_every_format() {
    let answers = "cloud: aws\nauth: iam\nzero_data_retention: true\nbilling: cloud_invoice\nmodel_families: [claude]\n";
    let report = advise_json(answers, None);
    assert_eq!(report["recommendation"]["route"], "claude-platform-aws");
    let checklist = report["before_go_live"].as_array().expect("checklist");
    assert_eq!(checklist.len(), 1, "{checklist:?}");
    assert_eq!(checklist[0]["code"], "RW007");
    assert_eq!(checklist[0]["state"], "on_request");

    for (format, line) in [
        (
            "markdown",
            "- [ ] ask Anthropic for zero data retention (available on request): zero data retention is `on_request`",
        ),
        (
            "madr",
            "* [ ] ask Anthropic for zero data retention (available on request)",
        ),
    ] {
        let outcome = Run::new()
            .file("answers.yaml", answers)
            .args(&["advise", "--answers", "answers.yaml", "--format", format])
            .run();
        assert_eq!(outcome.code, 0, "{}", outcome.stderr);
        assert!(
            outcome.stdout.contains(line),
            "{format}:\n{}",
            outcome.stdout
        );
    }
}

#[test]
fn an_unknown_eliminates_as_a_question_for_the_vendor_not_as_a_fact() {
    let report = advise_json(
        "zero_data_retention: true\nmodel_families: [claude]\n",
        None,
    );
    assert_eq!(
        reasons(&report, "azure-foundry"),
        ["RW007 zero data retention: no public source says it does: ask Anthropic"]
    );
    assert!(
        route(&report, "azure-foundry")["evidence"]
            .as_array()
            .is_some_and(Vec::is_empty)
    );
    let questions = report["open_questions"].as_array().expect("questions");
    assert!(
        questions
            .iter()
            .any(|q| q["route"] == "azure-foundry" && q["ask"] == "Anthropic"),
        "{questions:?}"
    );
    // A route that also breaks a hard fact is not worth a question.
    assert!(!questions.iter().any(|q| q["route"] == "gemini-api-paid"));
}

#[test]
fn rules_can_read_the_state_of_a_capability() {
    let rule = "rules:\n  - code: RW290\n    name: zdr-by-agreement\n    effect: warn\n    when: route.state.zero_data_retention == \"on_request\"\n    message: zero retention here takes an agreement\n    why: procurement needs lead time\n    source: internal\n";
    let outcome = Run::new()
        .file("answers.yaml", "model_families: [claude]\n")
        .file("mine/extra.yaml", rule)
        .args(&[
            "advise",
            "--answers",
            "answers.yaml",
            "--rules",
            "mine",
            "--format",
            "json",
        ])
        .run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let report = outcome.json();
    let warned: Vec<&str> = report["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .filter(|w| w["code"] == "RW290")
        .flat_map(|w| w["routes"].as_array().into_iter().flatten())
        .filter_map(|r| r.as_str())
        .collect();
    assert!(
        warned.contains(&"anthropic-api") && warned.contains(&"claude-platform-aws"),
        "{warned:?}"
    );
    assert!(!warned.contains(&"bedrock-global"), "{warned:?}");
}
