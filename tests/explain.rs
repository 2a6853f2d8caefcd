//! `routewise explain`: every rule's verdict on one route, snapshotted for the examples, and
//! always in agreement with the decision `advise` makes.

mod common;

use common::{Run, root};

fn explain(example: &str, route: &str) -> common::Outcome {
    let dir = root().join("examples").join(example);
    let mut run = Run::new();
    for file in ["answers.yaml", "workload.yaml"] {
        run = run.file(
            file,
            &std::fs::read_to_string(dir.join(file)).expect("example"),
        );
    }
    run.args(&[
        "explain",
        "--answers",
        "answers.yaml",
        "--workload",
        "workload.yaml",
        route,
    ])
    .run()
}

#[test]
fn explanations_of_the_examples() {
    for (example, route) in [
        ("aws-enterprise-eu", "bedrock-geo"),
        ("aws-enterprise-eu", "anthropic-api"),
        ("gcp-hipaa", "vertex-regional"),
        ("solo-prototype", "gateway"),
    ] {
        let outcome = explain(example, route);
        assert_eq!(outcome.code, 0, "{example} {route}: {}", outcome.stderr);
        insta::assert_snapshot!(format!("explain-{example}-{route}"), outcome.stdout);
    }
}

#[test]
fn every_rule_is_shown_in_code_order() {
    let text = explain("gcp-hipaa", "vertex-global").stdout;
    let rules = std::fs::read_to_string(root().join("rules/rules.yaml")).expect("rules");
    let mut codes: Vec<&str> = rules
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- code: "))
        .collect();
    codes.sort_unstable();
    let shown: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("RW"))
        .filter_map(|l| l.split(' ').next())
        .collect();
    assert_eq!(shown, codes);
    for block in text.split("\n\n").filter(|b| b.starts_with("RW")) {
        assert!(block.contains("\n  when:   "), "{block}");
        assert!(block.contains("\n  result: "), "{block}");
    }
}

#[test]
fn explanations_agree_with_the_decision() {
    for example in &common::single_route_examples() {
        let dir = root().join("examples").join(example);
        let report = Run::new()
            .args(&[
                "advise",
                "--answers",
                &dir.join("answers.yaml").display().to_string(),
                "--workload",
                &dir.join("workload.yaml").display().to_string(),
                "--format",
                "json",
            ])
            .run()
            .json();
        for route in report["routes"].as_array().expect("routes") {
            let id = route["id"].as_str().expect("id");
            let text = explain(example, id).stdout;
            let outcome = text
                .lines()
                .find(|l| l.starts_with("outcome: "))
                .expect("an outcome line");
            let codes: Vec<&str> = route["reasons"]
                .as_array()
                .expect("reasons")
                .iter()
                .filter_map(|r| r["code"].as_str())
                .collect();
            match route["status"].as_str() {
                Some("eliminated") => assert!(
                    outcome.starts_with(&format!("outcome: eliminated by {}", codes.join(", "))),
                    "{example} {id}: {outcome}"
                ),
                Some("recommended") => assert!(
                    outcome.starts_with("outcome: recommended: rank 1 of"),
                    "{example} {id}: {outcome}"
                ),
                _ => assert!(
                    outcome.starts_with(&format!("outcome: viable: rank {} of", route["rank"])),
                    "{example} {id}: {outcome}"
                ),
            }
            if route["status"] != "eliminated" {
                assert!(
                    outcome.contains(&format!(", score {}", route["score"])),
                    "{outcome}"
                );
                for code in codes {
                    assert!(
                        text.contains(&format!("{code} ")) && outcome.contains(code),
                        "{example} {id}: {code} missing from {outcome}"
                    );
                }
            }
        }
    }
}

#[test]
fn an_unknown_route_is_a_usage_error() {
    let outcome = explain("gcp-hipaa", "vertex-globl");
    assert_eq!(outcome.code, 2);
    assert!(
        outcome
            .stderr
            .contains("error[E-ARG-UNKNOWN-ROUTE]: unknown route `vertex-globl`")
    );
    assert!(outcome.stderr.contains("did you mean `vertex-global`?"));
}

#[test]
fn bad_answers_are_reported_like_advise_does() {
    let outcome = Run::new()
        .file("answers.yaml", "cloud: oracle\n")
        .args(&["explain", "--answers", "answers.yaml", "gateway"])
        .run();
    assert_eq!(outcome.code, 2);
    assert!(
        outcome
            .stderr
            .contains("--> answers.yaml:1:8 (key `cloud`)"),
        "{}",
        outcome.stderr
    );
}
