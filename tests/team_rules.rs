//! A team's own rule codes (`ACME0123`, `ACME1007`...): loaded next to the embedded `RW`
//! rules, listed and documented in code order, counted by `test --coverage`, carried into
//! reports, and refused with a positioned error when they leave the grammar.

mod common;

use common::Run;

/// One rule of each effect under the ACME prefix; numbers chosen so that spelling order and
/// code order differ (`ACME0010` is rule 10, after `ACME002`).
const TEAM: &str = "rules:
  - code: ACME0010
    name: no-eu-gateway
    effect: eliminate
    when: answers.residency == \"eu\" and route.extra_hop
    message: our EU policy forbids an extra hop
    why: company policy
    source: internal policy 7
  - code: ACME002
    name: aws-only
    effect: eliminate
    when: answers.cloud == \"aws\" and route.cloud != \"aws\"
    message: is not on AWS
    why: company policy
    source: internal policy 8
  - code: ACME1007
    name: prefer-bedrock
    effect: score
    weight: 5
    when: route.cloud == \"aws\"
    message: the team runs on AWS
    why: company preference
    source: internal policy 9
  - code: ACME20001
    name: gateway-review
    effect: warn
    when: route.extra_hop
    message: our security team reviews every gateway
    why: company policy
    source: internal policy 10
";

/// A case exercising every ACME rule.
const CASES: &str = "cases:
  - name: the team's rules apply
    source: internal policy 7
    answers: { cloud: aws, residency: eu, multi_provider: true }
    expect:
      eliminated: { vertex-global: [ACME002] }
  - name: gateways are reviewed
    source: internal policy 10
    answers: { multi_provider: true }
    expect:
      warnings: [ACME20001]
";

fn team() -> Run {
    Run::new()
        .file("answers.yaml", "cloud: aws\nresidency: eu\n")
        .file("acme/acme.yaml", TEAM)
        .file("acme/tests/acme.yaml", CASES)
}

#[test]
fn a_directory_of_team_codes_validates_and_counts_its_rules() {
    let outcome = team().args(&["validate", "--rules", "acme"]).run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let rules = common::embedded_count("rules") + 4;
    assert!(
        outcome.stdout.contains(&format!(", {rules} rules,")),
        "{}",
        outcome.stdout
    );
}

#[test]
fn rules_are_listed_in_code_order_and_found_in_any_case() {
    let list = team().args(&["rules", "--rules", "acme"]).run();
    assert_eq!(list.code, 0, "{}", list.stderr);
    let codes: Vec<&str> = list
        .stdout
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| c.starts_with("ACME"))
        .collect();
    assert_eq!(codes, ["ACME002", "ACME0010", "ACME1007", "ACME20001"]);
    let acme = list.stdout.find("ACME002").expect("listed");
    let rw = list.stdout.find("RW001").expect("listed");
    assert!(acme < rw, "prefixes order alphabetically");

    let one = team().args(&["rules", "acme1007", "--rules", "acme"]).run();
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert!(
        one.stdout.starts_with("# ACME1007 prefer-bedrock"),
        "{}",
        one.stdout
    );
}

#[test]
fn reports_carry_team_codes_in_json() {
    let outcome = team()
        .args(&[
            "advise",
            "--answers",
            "answers.yaml",
            "--rules",
            "acme",
            "--format",
            "json",
        ])
        .run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let report = outcome.json();
    let gcp = common::route(&report, "vertex-global");
    let reasons: Vec<&str> = gcp["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .filter_map(|r| r["code"].as_str())
        .collect();
    assert!(reasons.contains(&"ACME002"), "{reasons:?}");
}

#[test]
fn coverage_counts_team_codes() {
    let outcome = team()
        .args(&["test", "--rules", "acme", "--no-shipped", "--coverage"])
        .run();
    assert_eq!(outcome.code, 0, "{}{}", outcome.stdout, outcome.stderr);
    let rules = common::embedded_count("rules") + 4;
    assert!(
        outcome
            .stdout
            .contains(&format!("rule coverage: 2 of {rules} rule codes exercised")),
        "{}",
        outcome.stdout
    );
    assert!(
        outcome.stdout.contains("  ACME0010 no-eu-gateway\n"),
        "{}",
        outcome.stdout
    );
    assert!(!outcome.stdout.contains("  ACME002 "), "{}", outcome.stdout);
}

/// Each way out of the grammar is refused with exit 2, the file, line and column of the
/// code's value, the key and the code itself.
#[test]
fn codes_outside_the_grammar_are_refused_where_they_are_written() {
    for (bad, code) in [
        ("acme002", "E-RULE-CODE-FORM"),
        ("ACME", "E-RULE-CODE-FORM"),
        ("ACME02", "E-RULE-CODE-FORM"),
        ("ACME0000001", "E-RULE-CODE-FORM"),
        ("ACME502", "E-RULE-CODE-FORM"),
        ("A002", "E-RULE-CODE-FORM"),
        ("ACME1002", "E-RULE-CODE-MISMATCH"),
    ] {
        let text = TEAM.replace("code: ACME002\n", &format!("code: {bad}\n"));
        let outcome = Run::new()
            .file("acme/acme.yaml", &text)
            .args(&["validate", "--rules", "acme"])
            .run();
        assert_eq!(outcome.code, 2, "{bad}: {}", outcome.stderr);
        assert!(
            outcome
                .stderr
                .starts_with(&format!("error[{code}]: rule code `{bad}` ")),
            "{bad}: {}",
            outcome.stderr
        );
        assert!(
            outcome
                .stderr
                .contains("--> acme/acme.yaml:9:11 (key `code`)"),
            "{bad}: {}",
            outcome.stderr
        );
    }
}

#[test]
fn a_lower_case_prefix_is_explained() {
    let text = TEAM.replace("code: ACME002\n", "code: acme002\n");
    let outcome = Run::new()
        .file("acme/acme.yaml", &text)
        .args(&["validate", "--rules", "acme"])
        .run();
    insta::assert_snapshot!(outcome.stderr);
}
