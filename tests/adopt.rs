//! `routewise adopt ROUTE`: the guide to switch, its JSON model, and a bad route name.

mod common;

use common::{Run, root};

fn example(name: &str, file: &str) -> String {
    root()
        .join("examples")
        .join(name)
        .join(file)
        .display()
        .to_string()
}

#[test]
fn bedrock_guide_for_the_eu_example() {
    let outcome = Run::new()
        .args(&[
            "adopt",
            "bedrock-geo",
            "--answers",
            &example("aws-enterprise-eu", "answers.yaml"),
            "--workload",
            &example("aws-enterprise-eu", "workload.yaml"),
        ])
        .run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    // The EU profile, not the US one, because the answers keep data in the EU.
    assert!(
        outcome
            .stdout
            .contains("`eu.anthropic.claude-sonnet-4-5-20250929-v1:0`")
    );
    insta::assert_snapshot!("adopt-bedrock-geo", outcome.stdout);
}

#[test]
fn gateway_guide_carries_a_litellm_config() {
    let outcome = Run::new()
        .args(&[
            "adopt",
            "gateway",
            "--workload",
            &example("gcp-hipaa", "workload.yaml"),
            "--format",
            "json",
        ])
        .run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let guide = outcome.json();
    let config = guide["litellm_config"].as_str().expect("a config");
    assert!(config.starts_with("model_list:\n"), "{config}");
    assert!(config.contains("gemini/gemini-2.5-flash"), "{config}");
}

#[test]
fn unknown_route_is_an_input_error() {
    let outcome = Run::new().args(&["adopt", "bedrok-geo"]).run();
    assert_eq!(outcome.code, 2);
    assert!(
        outcome.stderr.contains("did you mean `bedrock-geo`?"),
        "{}",
        outcome.stderr
    );
}
