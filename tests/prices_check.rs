//! `routewise prices check`: a trimmed LiteLLM fixture (MIT licence, noted in its
//! `__source__` key) agrees with the tables; a drifted price exits 1 with both values and the
//! gap; `--tolerance` lets it pass; a file of another shape is an input error (exit 2).

mod common;

use common::{Run, root};

fn fixture() -> String {
    std::fs::read_to_string(root().join("tests/fixtures/prices/litellm-trimmed.json"))
        .expect("the fixture")
}

fn check(text: &str, extra: &[&str]) -> common::Outcome {
    let mut args = vec!["prices", "check", "--against", "list.json"];
    args.extend_from_slice(extra);
    Run::new().file("list.json", text).args(&args).run()
}

#[test]
fn the_trimmed_litellm_list_agrees_with_every_shared_price() {
    let outcome = check(&fixture(), &[]);
    assert_eq!(outcome.code, 0, "{}{}", outcome.stdout, outcome.stderr);
    assert!(
        outcome
            .stdout
            .contains("(LiteLLM model_prices_and_context_window.json)")
    );
    assert!(
        outcome.stdout.contains(
            "bedrock-govcloud      claude-sonnet-5-5  input           2.4        2.4   0%   agrees  us-gov.anthropic.claude-sonnet-5-5"
        ),
        "GovCloud compares at 1.2x:\n{}",
        outcome.stdout
    );
    assert!(
        outcome.stdout.contains("\n78 agree, 0 differ, "),
        "{}",
        outcome.stdout
    );
}

#[test]
fn a_drifted_price_exits_one_with_both_values_and_the_gap() {
    // The fixture's Sonnet 5.5 cache read (1e-07 a token, $0.10 per million) raised to $0.20.
    let drifted = fixture().replacen(
        "\"cache_read_input_token_cost\": 1e-07",
        "\"cache_read_input_token_cost\": 2e-07",
        1,
    );
    assert_ne!(drifted, fixture(), "the fixture holds the price to drift");
    let outcome = check(&drifted, &[]);
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    assert!(
        outcome.stdout.contains(
            "anthropic             claude-sonnet-5-5  cache_read      0.1        0.2   100%  DIFFERS"
        ),
        "{}",
        outcome.stdout
    );
    assert!(
        outcome
            .stderr
            .contains("differ from `list.json` by more than the tolerance")
    );
    let tolerated = check(&drifted, &["--tolerance", "100%"]);
    assert_eq!(tolerated.code, 0, "{}", tolerated.stderr);
}

#[test]
fn a_file_of_another_shape_is_an_input_error_not_an_empty_pass() {
    let outcome = check("{\"models\": {}}", &[]);
    assert_eq!(outcome.code, 2);
    assert!(
        outcome.stderr.contains("not a price list routewise knows"),
        "{}",
        outcome.stderr
    );
    assert!(outcome.stderr.contains("models.dev"), "{}", outcome.stderr);

    let unrelated = check(
        "{\"some-other-model\": {\"litellm_provider\": \"x\", \"input_cost_per_token\": 1e-06}}",
        &[],
    );
    assert_eq!(unrelated.code, 2, "{}", unrelated.stdout);
    assert!(
        unrelated.stderr.contains("nothing was compared"),
        "{}",
        unrelated.stderr
    );
}
