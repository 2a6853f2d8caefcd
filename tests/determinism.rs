//! Same inputs, same bytes: every command and format is run twice, in different scratch
//! directories and with different locale and time-zone settings, and must print identical
//! output. routewise reads no clock, so without a date the record has none.

mod common;

use common::{Run, root};

/// Runs `args` in a fresh scratch directory holding the examples; `variant` changes the
/// environment in ways that must not matter.
fn run(args: &[&str], variant: usize, files: &[(&str, &str)]) -> common::Outcome {
    let mut run = Run::new();
    for name in &common::examples() {
        for file in ["answers.yaml", "workload.yaml"] {
            let text = std::fs::read_to_string(root().join("examples").join(name).join(file))
                .expect("example file");
            run = run.file(&format!("{name}/{file}"), &text);
        }
    }
    for (name, text) in files {
        run = run.file(name, text);
    }
    let (tz, lang) = [("UTC", "C"), ("Pacific/Chatham", "de_DE.UTF-8")][variant % 2];
    run.env("TZ", tz)
        .env("LANG", lang)
        .env("LC_ALL", lang)
        .args(args)
        .run()
}

fn twice(args: &[&str], files: &[(&str, &str)]) -> String {
    let first = run(args, 0, files);
    let second = run(args, 1, files);
    assert!(
        first.code == 0 || first.code == 1,
        "{args:?}: {}",
        first.stderr
    );
    assert_eq!(first.code, second.code, "{args:?}: exit codes differ");
    assert!(!first.stdout.is_empty(), "{args:?}: no output");
    assert!(
        first.stdout == second.stdout,
        "{args:?}: output differs between two runs"
    );
    assert_eq!(first.stderr, second.stderr, "{args:?}: messages differ");
    first.stdout
}

#[test]
fn advise_is_byte_identical_in_every_format() {
    for name in &common::examples() {
        let answers = format!("{name}/answers.yaml");
        let workload = format!("{name}/workload.yaml");
        for format in ["markdown", "json", "madr"] {
            twice(
                &[
                    "advise",
                    "--answers",
                    &answers,
                    "--workload",
                    &workload,
                    "--format",
                    format,
                ],
                &[],
            );
            twice(&["advise", "--answers", &answers, "--format", format], &[]);
            twice(
                &[
                    "advise",
                    "--answers",
                    &answers,
                    "--workload",
                    &workload,
                    "--format",
                    format,
                    "--max-pricing-age",
                    "30",
                    "--today",
                    "2027-01-10",
                    "--date",
                    "2027-01-10",
                ],
                &[],
            );
        }
    }
}

#[test]
fn no_clock_is_read_unless_a_date_is_given() {
    let record = twice(
        &[
            "advise",
            "--answers",
            "solo-prototype/answers.yaml",
            "--format",
            "madr",
        ],
        &[],
    );
    assert!(!record.contains("\ndate: "), "a date appeared from nowhere");
    let json = twice(
        &[
            "advise",
            "--answers",
            "solo-prototype/answers.yaml",
            "--format",
            "json",
        ],
        &[],
    );
    let report: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert!(report["decision"]["date"].is_null());
    assert!(report["pricing_age"].is_null());
}

#[test]
fn diff_is_byte_identical_in_every_format() {
    let report = |answers: &str| {
        let outcome = run(
            &[
                "advise",
                "--answers",
                "a.yaml",
                "--workload",
                "aws-enterprise-eu/workload.yaml",
                "--format",
                "json",
            ],
            0,
            &[("a.yaml", answers)],
        );
        assert_eq!(outcome.code, 0, "{}", outcome.stderr);
        outcome.stdout
    };
    let answers = std::fs::read_to_string(root().join("examples/aws-enterprise-eu/answers.yaml"))
        .expect("answers");
    let base = report(&answers);
    let new = report(&answers.replace(
        "residency: eu\n",
        "residency: eu\nresidency_scope: region\n",
    ));
    let files = [("base.json", base.as_str()), ("new.json", new.as_str())];
    for format in ["text", "markdown", "json"] {
        twice(
            &[
                "diff",
                "base.json",
                "new.json",
                "--format",
                format,
                "--fail-on",
                "route-change",
                "--fail-on",
                "cost-increase=5%",
                "--max-pricing-age",
                "30",
                "--today",
                "2027-01-10",
            ],
            &files,
        );
    }
}

#[test]
fn rule_tests_explain_and_rule_docs_are_byte_identical() {
    twice(&["test", "--coverage"], &[]);
    twice(&["test", "--format", "junit", "--min-coverage", "100"], &[]);
    twice(
        &[
            "explain",
            "--answers",
            "gcp-hipaa/answers.yaml",
            "--workload",
            "gcp-hipaa/workload.yaml",
            "vertex-global",
        ],
        &[],
    );
    twice(&["rules"], &[]);
    twice(&["rules", "RW012"], &[]);
}
