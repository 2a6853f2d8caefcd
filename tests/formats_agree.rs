//! Every output format of `cost` and `replay` carries the same assumptions, warnings,
//! unpriceable routes, eliminated routes and unknown models: the CSV as rows of their own
//! `kind`, the table and Markdown as text. Nothing the JSON says is dropped.

mod common;

use common::{Run, root};

fn example(file: &str) -> String {
    std::fs::read_to_string(root().join("examples/aws-enterprise-eu").join(file))
        .expect("example file")
}

fn cost(format: &str) -> String {
    let workload = format!(
        "{}  - name: too-peaky\n    model: claude-haiku-4-5\n    input_tokens_per_month: 20000000000\n    output_tokens_per_month: 0\n    peak_tokens_per_minute: 1000\n",
        example("workload.yaml")
    );
    let outcome = Run::new()
        .file("workload.yaml", &workload)
        .file("answers.yaml", &example("answers.yaml"))
        .args(&[
            "cost",
            "--workload",
            "workload.yaml",
            "--answers",
            "answers.yaml",
            "--months",
            "2",
            "--format",
            format,
        ])
        .run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    outcome.stdout
}

fn csv_rows(text: &str, kind: &str, column: usize) -> Vec<String> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| r.expect("a CSV record"))
        .filter(|r| &r[0] == kind)
        .map(|r| r[column].to_string())
        .collect()
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|s| s.as_str().expect("a string").to_string())
        .collect()
}

#[test]
fn cost_formats_carry_the_same_assumptions_and_exclusions() {
    let json: serde_json::Value = serde_json::from_str(&cost("json")).expect("JSON");
    let csv = cost("csv");
    let table = cost("table");
    let markdown = cost("markdown");

    let assumptions = strings(&json["assumptions"]);
    assert!(assumptions.len() > 3);
    assert_eq!(csv_rows(&csv, "assumption", 5), assumptions);
    let warnings = strings(&json["warnings"]);
    assert_eq!(
        warnings.len(),
        1,
        "the peak below the average: {warnings:?}"
    );
    assert_eq!(csv_rows(&csv, "warning", 5), warnings);
    for text in assumptions.iter().chain(&warnings) {
        assert!(table.contains(text.as_str()), "table lacks {text}");
        assert!(markdown.contains(text.as_str()), "markdown lacks {text}");
    }

    let unserved: Vec<String> = json["routes"]
        .as_array()
        .expect("routes")
        .iter()
        .flat_map(|r| {
            r["unserved"]
                .as_array()
                .expect("unserved")
                .iter()
                .map(move |u| {
                    format!(
                        "{}|{}|{}",
                        r["id"].as_str().unwrap_or_default(),
                        u["traffic"].as_str().unwrap_or_default(),
                        u["reason"].as_str().unwrap_or_default()
                    )
                })
        })
        .collect();
    assert!(
        !unserved.is_empty(),
        "bedrock-provisioned has no Sonnet quote"
    );
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let csv_unserved: Vec<String> = reader
        .records()
        .map(|r| r.expect("record"))
        .filter(|r| &r[0] == "unpriceable")
        .map(|r| format!("{}|{}|{}", &r[1], &r[3], &r[5]))
        .collect();
    assert_eq!(csv_unserved, unserved);

    let eliminated: Vec<String> = json["eliminated"]
        .as_array()
        .expect("eliminated")
        .iter()
        .map(|e| e["id"].as_str().expect("id").to_string())
        .collect();
    assert!(!eliminated.is_empty());
    assert_eq!(csv_rows(&csv, "eliminated", 1), eliminated);
    for id in &eliminated {
        assert!(table.contains(&format!("- {id}: ")), "table lacks {id}");
    }
}

#[test]
fn replay_formats_carry_the_same_assumptions_unpriceable_routes_and_unknown_models() {
    let usage = root()
        .join("tests/fixtures/usage/replay_month.csv")
        .display()
        .to_string();
    let run = |format: &str| {
        let outcome = Run::new()
            .args(&["replay", "--usage", &usage, "--format", format])
            .run();
        assert_eq!(outcome.code, 0, "{}", outcome.stderr);
        outcome.stdout
    };
    let json: serde_json::Value = serde_json::from_str(&run("json")).expect("JSON");
    let csv = run("csv");
    let table = run("table");

    let assumptions = strings(&json["assumptions"]);
    assert_eq!(csv_rows(&csv, "assumption", 3), assumptions);
    for a in &assumptions {
        assert!(table.contains(a.as_str()), "table lacks {a}");
    }
    let unknown: Vec<String> = json["unknown_models"]
        .as_array()
        .expect("unknown models")
        .iter()
        .map(|u| u["model"].as_str().expect("model").to_string())
        .collect();
    assert_eq!(unknown, ["mystery-model-x"]);
    assert_eq!(csv_rows(&csv, "unknown_model", 2), unknown);
    let unpriceable: Vec<String> = json["routes"]
        .as_array()
        .expect("routes")
        .iter()
        .flat_map(|r| {
            r["by_model"]
                .as_array()
                .expect("by_model")
                .iter()
                .filter(|m| !m["reason"].is_null())
                .map(move |m| {
                    format!(
                        "{}|{}",
                        r["id"].as_str().unwrap_or_default(),
                        m["model"].as_str().unwrap_or_default()
                    )
                })
        })
        .collect();
    assert!(!unpriceable.is_empty());
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let csv_unpriceable: Vec<String> = reader
        .records()
        .map(|r| r.expect("record"))
        .filter(|r| &r[0] == "unpriceable")
        .map(|r| format!("{}|{}", &r[1], &r[2]))
        .collect();
    assert_eq!(csv_unpriceable, unpriceable);
}
