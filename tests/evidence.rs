//! `routewise routes ROUTE`: the evidence table, and the promise behind it: every claim of
//! every shipped route names a public page and a checked date, `unknown` ones included (they
//! cite the page that was checked and does not say).

mod common;

use common::Run;

#[test]
fn the_evidence_of_claude_platform_on_aws() {
    let outcome = Run::new().args(&["routes", "claude-platform-aws"]).run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    insta::assert_snapshot!("evidence_claude_platform_aws", outcome.stdout);
}

#[test]
fn every_claim_of_every_route_has_a_public_page_and_a_date() {
    let list = Run::new().args(&["routes"]).run();
    let ids: Vec<String> = list
        .stdout
        .lines()
        .skip(2)
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect();
    assert!(ids.len() > 10, "{}", list.stdout);
    for id in ids {
        let outcome = Run::new().args(&["routes", &id]).run();
        assert_eq!(outcome.code, 0, "{}", outcome.stderr);
        for line in outcome.stdout.lines().skip(4) {
            if line.is_empty() || line.starts_with("Notes:") {
                break;
            }
            let sourced = line.contains("https://")
                && line
                    .split_whitespace()
                    .last()
                    .is_some_and(|d| d.len() == 10 && d.starts_with("20"));
            assert!(sourced, "route `{id}`: {line}");
            if line.contains(" unknown") {
                assert!(
                    line.contains(": no public source says either way, ask "),
                    "route `{id}`: {line}"
                );
            }
        }
    }
}

#[test]
fn an_unknown_route_is_an_input_error_with_a_suggestion() {
    let outcome = Run::new().args(&["routes", "bedrok-geo"]).run();
    assert_eq!(outcome.code, 2);
    assert!(
        outcome.stderr.contains("did you mean `bedrock-geo`?"),
        "{}",
        outcome.stderr
    );
}
