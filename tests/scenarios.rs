//! Questionnaire scenarios drawn from the seed documents (`tests/scenarios/*.yaml`): each
//! runs the binary and checks the recommended route, the eliminations with their codes, the
//! routes that must stay viable and the warnings that must appear.

mod common;

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioFile {
    cases: Vec<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    source: String,
    answers: serde_json::Value,
    #[serde(default)]
    workload: Option<serde_json::Value>,
    expect: Expect,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    /// Absent: not checked; null: no route may be recommended.
    #[serde(default, deserialize_with = "present")]
    recommended: Option<Option<String>>,
    #[serde(default)]
    eliminated: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    viable: Vec<String>,
    #[serde(default)]
    warnings: Vec<String>,
}

fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

fn to_yaml(value: &serde_json::Value) -> String {
    // JSON is valid YAML, so the answers can be written as JSON text.
    serde_json::to_string_pretty(value).expect("serialisable")
}

fn check(case: &Case) -> Vec<String> {
    let report = common::advise_json(
        &to_yaml(&case.answers),
        case.workload.as_ref().map(to_yaml).as_deref(),
    );
    let mut failures = Vec::new();
    let recommended = report["recommendation"]["route"]
        .as_str()
        .map(str::to_owned);
    if let Some(expected) = &case.expect.recommended
        && &recommended != expected
    {
        failures.push(format!(
            "recommended {recommended:?}, expected {expected:?}"
        ));
    }
    for (id, codes) in &case.expect.eliminated {
        let route = common::route(&report, id);
        if route["status"] != "eliminated" {
            failures.push(format!("{id} is {}, expected eliminated", route["status"]));
            continue;
        }
        let actual: Vec<&str> = route["reasons"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r["code"].as_str())
            .collect();
        for code in codes {
            if !actual.contains(&code.as_str()) {
                failures.push(format!("{id} not eliminated by {code} (codes: {actual:?})"));
            }
        }
    }
    for id in &case.expect.viable {
        let status = &common::route(&report, id)["status"];
        if status == "eliminated" {
            failures.push(format!("{id} eliminated, expected viable"));
        }
    }
    let warnings: Vec<&str> = report["warnings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|w| w["code"].as_str())
        .collect();
    for code in &case.expect.warnings {
        if !warnings.contains(&code.as_str()) {
            failures.push(format!("warning {code} missing (warnings: {warnings:?})"));
        }
    }
    failures
}

#[test]
fn seed_scenarios_give_the_expected_decisions() {
    let dir = common::root().join("tests/scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("scenario directory")
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    let mut failures = Vec::new();
    let mut count = 0;
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable scenario file");
        let file: ScenarioFile =
            serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for case in &file.cases {
            count += 1;
            assert!(
                !case.source.is_empty(),
                "{}: every scenario names its source",
                case.name
            );
            for failure in check(case) {
                failures.push(format!("{}: {}", case.name, failure));
            }
        }
    }
    assert!(count >= 10, "at least ten scenarios, found {count}");
    assert!(
        failures.is_empty(),
        "{} scenario failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
