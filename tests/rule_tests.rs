//! `routewise test`: the shipped cases pass with 100% rule coverage, failing cases exit 1
//! with one line per difference, JUnit output is well-formed XML, and bad test files are
//! input errors.

mod common;

use common::{Run, root};
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};

#[test]
fn the_shipped_cases_pass_and_exercise_every_rule() {
    let outcome = Run::new()
        .args(&["test", "--coverage", "--min-coverage", "100"])
        .run();
    assert_eq!(outcome.code, 0, "{}{}", outcome.stdout, outcome.stderr);
    let lines: Vec<&str> = outcome.stdout.lines().collect();
    assert!(
        lines[0].ends_with(" passed, 0 failed"),
        "{}",
        outcome.stdout
    );
    let passed: usize = lines[0]
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a count");
    assert!(passed >= 25, "at least 25 shipped cases, found {passed}");
    let codes = common::embedded_count("rules");
    assert_eq!(
        lines[1],
        format!("rule coverage: {codes} of {codes} rule codes exercised (100.0%)")
    );
    assert_eq!(lines.len(), 2, "no rule left unexercised");
}

#[test]
fn the_shipped_case_files_run_from_their_directory_too() {
    // CI runs the files in the repository, so failures name real paths.
    let dir = root().join("rules/tests");
    let outcome = Run::new()
        .args(&["test", &dir.display().to_string(), "--min-coverage", "100"])
        .run();
    assert_eq!(outcome.code, 0, "{}{}", outcome.stdout, outcome.stderr);
}

#[test]
fn every_shipped_case_names_its_source() {
    for entry in std::fs::read_dir(root().join("rules/tests")).expect("rules/tests") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("readable");
        let names = text.matches("\n  - name: ").count();
        let sources = text.matches("\n    source: ").count();
        assert!(names > 0, "{}: no cases", path.display());
        assert_eq!(
            names,
            sources,
            "{}: every case names its source",
            path.display()
        );
    }
}

const PASSING: &str = "cases:
  - name: guardrails mean Bedrock
    answers: { guardrails: true }
    expect:
      recommended: bedrock-global
      eliminated: { anthropic-api: [RW009] }
";

const FAILING: &str = "cases:
  - name: passes
    answers: { cloud: gcp }
    expect:
      recommended: vertex-global
  - name: wrong on purpose
    answers: { residency: eu, auth: iam }
    expect:
      recommended: anthropic-api
      eliminated: { bedrock-geo: [RW001], anthropic-api: [RW002] }
      viable: [bedrock-global]
      scored: { bedrock-geo: [RW150] }
      warnings: [RW209]
";

#[test]
fn a_passing_file_exits_zero() {
    let outcome = Run::new()
        .file("cases/guardrails.yaml", PASSING)
        .args(&["test", "cases"])
        .run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert_eq!(outcome.stdout, "1 passed, 0 failed\n");
}

#[test]
fn a_failing_case_exits_one_with_one_line_per_difference() {
    let outcome = Run::new()
        .file("failing.yaml", FAILING)
        .args(&["test", "failing.yaml"])
        .run();
    assert_eq!(outcome.code, 1);
    assert_eq!(outcome.stderr.trim(), "error: 1 of 2 cases failed");
    insta::assert_snapshot!("failing_case", outcome.stdout);
}

#[test]
fn junit_output_is_well_formed_and_counts_the_failures() {
    let outcome = Run::new()
        .file("failing.yaml", FAILING)
        .file("passing.yaml", PASSING)
        .args(&[
            "test",
            "failing.yaml",
            "passing.yaml",
            "--format",
            "junit",
            "--min-coverage",
            "100",
        ])
        .run();
    assert_eq!(outcome.code, 1);
    let xml = &outcome.stdout;
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));

    // Parse the whole document: every element must close, and attributes must unescape.
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<String> = Vec::new();
    let mut suites = Vec::new();
    let mut cases = Vec::new();
    let mut failures = Vec::new();
    let mut root_attributes = Vec::new();
    let mut text = String::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Eof => break,
            Event::Start(e) => {
                let name = e.name().as_ref().to_owned();
                let attrs = attributes(&e);
                match name.as_str() {
                    "testsuites" => root_attributes = attrs,
                    "testsuite" => suites.push(attrs),
                    "testcase" => cases.push(attrs),
                    "failure" => failures.push(attrs),
                    _ => {}
                }
                stack.push(name);
            }
            Event::Empty(e) => {
                let name = e.name().as_ref().to_owned();
                if name == "testcase" {
                    cases.push(attributes(&e));
                }
            }
            Event::End(e) => {
                let name = e.name().as_ref().to_owned();
                if name == "failure" {
                    text.push('\n');
                }
                assert_eq!(stack.pop().as_deref(), Some(name.as_str()), "balanced tags");
            }
            Event::Text(t) if stack.last().map(String::as_str) == Some("failure") => {
                text.push_str(&t.xml10_content());
            }
            Event::GeneralRef(r) if stack.last().map(String::as_str) == Some("failure") => {
                match r.resolve_char_ref().expect("a valid reference") {
                    Some(c) => text.push(c),
                    None => text.push_str(resolve_predefined_entity(&r).expect("a known entity")),
                }
            }
            _ => {}
        }
    }
    assert!(stack.is_empty(), "every element closed");
    let get = |attrs: &[(String, String)], key: &str| {
        attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    // Three cases and the coverage check; the wrong case and the coverage check fail.
    assert_eq!(get(&root_attributes, "tests"), "4");
    assert_eq!(get(&root_attributes, "failures"), "2");
    let suite_names: Vec<String> = suites.iter().map(|s| get(s, "name")).collect();
    assert_eq!(
        suite_names,
        ["failing.yaml", "passing.yaml", "rule coverage"]
    );
    assert_eq!(cases.len(), 4);
    assert_eq!(get(&cases[1], "name"), "wrong on purpose");
    assert_eq!(get(&cases[1], "line"), "6");
    assert_eq!(failures.len(), 2);
    assert_eq!(
        get(&failures[0], "message"),
        "recommended bedrock-geo, expected anthropic-api"
    );
    assert_eq!(get(&failures[1], "type"), "coverage");
    assert!(
        text.contains("recommended bedrock-geo, expected anthropic-api\nbedrock-geo is recommended, expected eliminated\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "not exercised by any case:\nRW001 residency-geography\nRW002 residency-single-region\n"
        ),
        "{text}"
    );
}

fn attributes(e: &quick_xml::events::BytesStart) -> Vec<(String, String)> {
    e.attributes()
        .map(|a| {
            let a = a.expect("attribute");
            (
                a.key.as_ref().to_owned(),
                a.normalized_value(XmlVersion::Implicit1_0)
                    .expect("unescapes")
                    .into_owned(),
            )
        })
        .collect()
}

#[test]
fn coverage_lists_the_rules_no_case_exercised() {
    let outcome = Run::new()
        .file("passing.yaml", PASSING)
        .args(&["test", "passing.yaml", "--coverage"])
        .run();
    assert_eq!(
        outcome.code, 0,
        "--coverage alone reports, it does not fail"
    );
    // The count and the share follow the data: one exercised rule of every embedded rule.
    let codes = common::embedded_count("rules");
    let prefix = format!("rule coverage: 1 of {codes} rule codes exercised (");
    let shown = outcome
        .stdout
        .split(&prefix)
        .nth(1)
        .and_then(|rest| rest.split("%)\n").next())
        .unwrap_or_else(|| panic!("no coverage line: {}", outcome.stdout))
        .to_owned();
    let share: f64 = shown.parse().expect("a percentage");
    // The share is shown cut to one decimal, never rounded up.
    let exact = 100.0 / codes as f64;
    assert!(share <= exact && exact - share < 0.1, "{shown}% of {codes}");
    assert!(
        outcome.stdout.contains(&format!(
            "{shown}%)\nnot exercised by any case:\n  RW001 residency-geography\n"
        )),
        "{}",
        outcome.stdout
    );
    assert!(!outcome.stdout.contains("  RW009 "), "RW009 was exercised");

    let below = Run::new()
        .file("passing.yaml", PASSING)
        .args(&["test", "passing.yaml", "--min-coverage", "50"])
        .run();
    assert_eq!(below.code, 1);
    assert!(
        below.stderr.contains(&format!(
            "rule coverage {shown}% is below --min-coverage 50%"
        )),
        "{}",
        below.stderr
    );
    // A minimum at the share, rounded down, is met.
    let floor = format!("{:.1}", (1000.0 / codes as f64).floor() / 10.0);
    let met = Run::new()
        .file("passing.yaml", PASSING)
        .args(&["test", "passing.yaml", "--min-coverage", &floor])
        .run();
    assert_eq!(met.code, 0, "{}", met.stderr);
}

#[test]
fn a_rules_directory_brings_its_own_rules_and_cases() {
    let rule = "rules:\n  - code: RW290\n    name: gateway-review\n    effect: warn\n    when: route.extra_hop\n    message: our security team reviews every gateway deployment\n    why: company policy\n    source: internal policy 7\n";
    let case = "cases:\n  - name: gateways are reviewed\n    source: internal policy 7\n    answers: { multi_provider: true }\n    expect:\n      recommended: gateway\n      warnings: [RW290]\n";
    let outcome = Run::new()
        .file("policy/policy.yaml", rule)
        .file("policy/tests/policy.yaml", case)
        .args(&[
            "test",
            "--rules",
            "policy",
            "--coverage",
            "--min-coverage",
            "100",
        ])
        .run();
    assert_eq!(outcome.code, 0, "{}{}", outcome.stdout, outcome.stderr);
    let codes = common::embedded_count("rules") + 1;
    assert!(
        outcome.stdout.contains(&format!(
            "rule coverage: {codes} of {codes} rule codes exercised (100.0%)"
        )),
        "{}",
        outcome.stdout
    );
}

#[test]
fn cases_named_on_the_command_line_are_yours_and_fail_when_your_rules_break_them() {
    // Only the embedded cases are compared with the shipped data; files you name are checked
    // against your rules, so a contradiction fails there.
    let rule = "rules:\n  - code: RW090\n    name: no-free-tiers\n    effect: eliminate\n    when: route.free_tier\n    message: free tiers are banned by policy\n    why: company policy\n    source: internal policy 7\n";
    let dir = root().join("rules/tests");
    let outcome = Run::new()
        .file("policy/policy.yaml", rule)
        .args(&["test", &dir.display().to_string(), "--rules", "policy"])
        .run();
    assert_eq!(outcome.code, 1);
    assert!(
        outcome.stdout.contains(
            "seed-scenarios.yaml:14: Gemini prototype on the free tier: recommended gemini-api-paid, expected gemini-api-free\n"
        ),
        "{}",
        outcome.stdout
    );
    assert!(!outcome.stdout.contains("changed by your rules"));
}

#[test]
fn junit_can_be_written_to_a_file() {
    let (outcome, dir) = Run::new()
        .file("passing.yaml", PASSING)
        .args(&[
            "test",
            "passing.yaml",
            "--format",
            "junit",
            "--output",
            "junit.xml",
        ])
        .run_in();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let xml = std::fs::read_to_string(dir.path().join("junit.xml")).expect("written");
    assert!(xml.contains("<testcase name=\"guardrails mean Bedrock\""));
}

#[test]
fn bad_test_files_are_input_errors() {
    let bad = "cases:
  - name: unknown things
    answers: { clod: aws }
    expect:
      recommended: bedrock-gobal
      eliminated: { anthropic-api: [RW201, RW999] }
      scored: { bedrock-geo: [RW001] }
      warnings: [RW101]
  - name: unknown things
    expect: {}
";
    let outcome = Run::new()
        .file("bad.yaml", bad)
        .file(
            "typo.yaml",
            "cases:\n  - name: x\n    expect:\n      recomended: gateway\n",
        )
        .args(&["test", "bad.yaml", "typo.yaml", "missing.yaml"])
        .run();
    assert_eq!(outcome.code, 2);
    assert!(outcome.stdout.is_empty());
    insta::assert_snapshot!("bad_test_files", outcome.stderr);
    let empty_dir = Run::new()
        .file("empty/readme.txt", "no cases")
        .args(&["test", "empty"])
        .run();
    assert_eq!(empty_dir.code, 2);
    assert!(
        empty_dir
            .stderr
            .contains("empty holds no .yaml or .yml test files")
    );
}

/// docs/ci.md's team policy (ban free tiers) with its own case: the shipped cases it
/// changes are listed as changed by your rules, not failures, and the run passes.
#[test]
fn a_team_policy_lists_the_shipped_cases_it_changes_and_passes() {
    let files = common::ci_doc_files();
    assert_eq!(
        files.len(),
        2,
        "docs/ci.md has the rule and its test: {files:?}"
    );
    let mut run = Run::new();
    for (path, text) in &files {
        run = run.file(path, text);
    }
    let outcome = run.args(&["test", "--rules", "decision/rules"]).run();
    assert_eq!(outcome.code, 0, "{}{}", outcome.stdout, outcome.stderr);
    insta::assert_snapshot!(outcome.stdout);

    let mut run = Run::new();
    for (path, text) in &files {
        run = run.file(path, text);
    }
    let own = run
        .args(&["test", "--rules", "decision/rules", "--no-shipped"])
        .run();
    assert_eq!(own.code, 0, "{}", own.stderr);
    assert_eq!(own.stdout, "1 passed, 0 failed\n");
}

#[test]
fn no_shipped_without_cases_of_your_own_is_an_input_error() {
    let outcome = Run::new().args(&["test", "--no-shipped"]).run();
    assert_eq!(outcome.code, 2, "{}", outcome.stdout);
    assert!(
        outcome.stderr.contains("no test cases of your own"),
        "{}",
        outcome.stderr
    );
}
