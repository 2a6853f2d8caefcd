//! `routewise rules [CODE]`: the rule list and each rule's documentation, with an example
//! taken from a shipped test case and run for real.

mod common;

use common::{Run, root};

fn codes() -> Vec<String> {
    let rules = std::fs::read_to_string(root().join("rules/rules.yaml")).expect("rules");
    rules
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- code: "))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_list_shows_every_rule() {
    let outcome = Run::new().args(&["rules"]).run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    insta::assert_snapshot!("rules_list", outcome.stdout);
    for code in codes() {
        assert!(
            outcome.stdout.contains(&format!("\n{code}  ")),
            "{code} listed"
        );
    }
}

#[test]
fn one_rule_per_effect_is_documented() {
    for code in ["RW001", "RW134", "RW209"] {
        let outcome = Run::new().args(&["rules", code]).run();
        assert_eq!(outcome.code, 0, "{code}: {}", outcome.stderr);
        insta::assert_snapshot!(format!("rule_{code}"), outcome.stdout);
    }
}

#[test]
fn every_shipped_rule_has_docs_and_a_real_example() {
    for code in codes() {
        let outcome = Run::new().args(&["rules", &code]).run();
        assert_eq!(outcome.code, 0, "{code}: {}", outcome.stderr);
        let doc = &outcome.stdout;
        for section in [
            "## What it checks\n",
            "## Why it matters\n",
            "\nSource: ",
            "## Example\n",
        ] {
            assert!(doc.contains(section), "{code}: {section} missing");
        }
        assert!(doc.contains("From the test case \""), "{code}: no example");
        assert!(
            doc.contains(&format!("\n- {code} ")),
            "{code}: the example shows the rule firing:\n{doc}"
        );
        assert!(!doc.contains("did not fire"), "{code}");
    }
}

#[test]
fn rules_are_found_by_name_and_in_any_case() {
    let by_name = Run::new().args(&["rules", "private-networking"]).run();
    let by_code = Run::new().args(&["rules", "rw005"]).run();
    assert_eq!(by_name.code, 0, "{}", by_name.stderr);
    assert_eq!(by_name.stdout, by_code.stdout);
    assert!(by_name.stdout.starts_with("# RW005 private-networking\n"));
}

#[test]
fn an_unknown_rule_is_a_usage_error() {
    let outcome = Run::new().args(&["rules", "RW0001"]).run();
    assert_eq!(outcome.code, 2);
    assert!(
        outcome
            .stderr
            .contains("error[E-ARG-UNKNOWN-RULE]: unknown rule `RW0001`")
    );
    assert!(
        outcome.stderr.contains("did you mean `RW001`?"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn a_user_rule_without_a_case_says_how_to_add_one() {
    let rule = "rules:\n  - code: RW090\n    name: no-free-tiers\n    effect: eliminate\n    when: route.free_tier\n    message: free tiers are banned by policy\n    why: company policy\n    source: internal policy 7\n";
    let outcome = Run::new()
        .file("policy/policy.yaml", rule)
        .args(&["rules", "RW090", "--rules", "policy"])
        .run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert!(
        outcome
            .stdout
            .contains("Defined in: policy/policy.yaml:2\n"),
        "{}",
        outcome.stdout
    );
    assert!(outcome.stdout.contains("No test case exercises RW090 yet"));
    // With a case in the rules directory's tests, the example comes from it.
    let with_case = Run::new()
        .file("policy/policy.yaml", rule)
        .file("policy/tests/policy.yaml", "cases:\n  - name: free tiers are banned\n    answers: { model_families: [gemini] }\n    expect:\n      eliminated: { gemini-api-free: [RW090] }\n")
        .args(&["rules", "RW090", "--rules", "policy"])
        .run();
    assert!(
        with_case
            .stdout
            .contains("From the test case \"free tiers are banned\" (policy/tests/policy.yaml:2):"),
        "{}",
        with_case.stdout
    );
    assert!(
        with_case
            .stdout
            .contains("- RW090 eliminates `gemini-api-free`: free tiers are banned by policy\n")
    );
}
