//! Hostile input: the pathological files of issue 13 each end with a clear error and exit
//! code 2 (or a correct result), never a panic (101), a signal, a hang or an abort. The
//! harness kills a run after [`LIMIT`]: a test fails by timing out, it never asserts on
//! speed.

mod common;

use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;
use common::root;

/// Far above what any of these runs needs; only unbounded work reaches it.
const LIMIT: Duration = Duration::from_secs(60);

struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run_in(dir: &std::path::Path, args: &[&str]) -> Outcome {
    let output: Output = Command::cargo_bin("routewise")
        .expect("the routewise binary")
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .args(args)
        .timeout(LIMIT)
        .output()
        .expect("routewise runs");
    Outcome {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Asserts a clean refusal: exit 2, the diagnostic code, no panic.
fn refused(outcome: &Outcome, code: &str) {
    assert_eq!(
        outcome.code,
        Some(2),
        "expected exit 2 (a killed or signalled run has none); stderr:\n{}",
        truncate(&outcome.stderr)
    );
    assert!(
        outcome.stderr.contains(&format!("error[{code}]")),
        "expected {code}; stderr:\n{}",
        truncate(&outcome.stderr)
    );
    assert!(!outcome.stderr.contains("panicked"));
}

fn truncate(text: &str) -> &str {
    &text[..text.len().min(4000)]
}

fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

fn write(dir: &std::path::Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn a_device_as_a_yaml_file_is_refused_at_the_size_limit() {
    let dir = scratch();
    let outcome = run_in(dir.path(), &["advise", "--answers", "/dev/zero"]);
    refused(&outcome, "E-LIMIT-FILE-SIZE");
    assert!(
        outcome.stderr.contains("/dev/zero:1:1"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn a_device_as_a_usage_file_is_refused_at_the_line_limit() {
    let dir = scratch();
    let outcome = run_in(dir.path(), &["replay", "--usage", "/dev/zero"]);
    refused(&outcome, "E-LIMIT-LINE");
    assert!(
        outcome.stderr.contains("/dev/zero:1:1"),
        "{}",
        outcome.stderr
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_is_read_only_up_to_the_size_limit() {
    let dir = scratch();
    let fifo = dir.path().join("answers.yaml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        return; // no mkfifo on this system: nothing to test
    }
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let Ok(mut f) = std::fs::OpenOptions::new().write(true).open(&fifo) else {
            return;
        };
        let chunk = vec![b'#'; 1 << 20];
        // More than the limit; the reader stops early, so a failed write is expected.
        for _ in 0..12 {
            if f.write_all(&chunk).is_err() {
                return;
            }
        }
    });
    let outcome = run_in(dir.path(), &["advise", "--answers", "answers.yaml"]);
    refused(&outcome, "E-LIMIT-FILE-SIZE");
    let _ = writer.join();
}

#[test]
fn a_typod_year_in_usage_costs_no_more_than_the_right_one() {
    // A span of a century used to be walked minute by minute (about 10 s of CPU in a
    // release build, minutes in a debug one); the load is now kept as runs.
    let dir = scratch();
    write(
        dir.path(),
        "usage.csv",
        "timestamp,model,input_tokens,output_tokens\n\
         2026-10-01T12:00:05Z,claude-sonnet-4-5,10,10\n\
         2126-10-01T12:00:05Z,claude-sonnet-4-5,10,10\n",
    );
    let outcome = run_in(
        dir.path(),
        &["replay", "--usage", "usage.csv", "--format", "json"],
    );
    assert_eq!(outcome.code, Some(0), "{}", outcome.stderr);
    let json: serde_json::Value = serde_json::from_str(&outcome.stdout).unwrap();
    assert_eq!(json["observed"]["minutes"], 52_594_561);
    assert_eq!(json["observed"]["peak_tokens_per_minute"], 20);
}

#[test]
fn a_template_that_loops_runs_out_of_fuel() {
    let dir = scratch();
    write(
        dir.path(),
        "templates/report.md.j2",
        "# Report\n{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}\n",
    );
    let outcome = run_in(
        dir.path(),
        &[
            "advise",
            "--answers",
            &root()
                .join("examples/solo-prototype/answers.yaml")
                .display()
                .to_string(),
            "--templates",
            "templates",
        ],
    );
    refused(&outcome, "E-LIMIT-TEMPLATE-FUEL");
    assert!(
        outcome.stderr.contains("templates/report.md.j2:2:"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn a_template_that_includes_itself_is_stopped_with_its_position() {
    let dir = scratch();
    write(
        dir.path(),
        "templates/report.md.j2",
        "# Report\n\n{% include \"report.md.j2\" %}\n",
    );
    let outcome = run_in(
        dir.path(),
        &[
            "advise",
            "--answers",
            &root()
                .join("examples/solo-prototype/answers.yaml")
                .display()
                .to_string(),
            "--templates",
            "templates",
        ],
    );
    refused(&outcome, "E-LIMIT-TEMPLATE-DEPTH");
    assert!(
        outcome.stderr.contains("templates/report.md.j2:3:"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn a_template_that_fails_at_render_time_fails_validate() {
    let dir = scratch();
    write(
        dir.path(),
        "templates/report.md.j2",
        "# Report\n{{ recommendation.no_such_key.deeper }}\n",
    );
    let outcome = run_in(dir.path(), &["validate", "--templates", "templates"]);
    refused(&outcome, "E-TEMPLATE-RENDER");
    assert!(
        outcome.stderr.contains("templates/report.md.j2:2:"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn a_rule_message_that_loops_runs_out_of_fuel() {
    let dir = scratch();
    write(
        dir.path(),
        "rules/zz-loop.yaml",
        "rules:\n  - code: RW299\n    name: loop\n    effect: warn\n    when: \"true\"\n    message: \"{% for a in 'x' * 100000 %}{% for b in 'x' * 100000 %}{% endfor %}{% endfor %}\"\n    why: a test\n    source: a test\n",
    );
    let outcome = run_in(
        dir.path(),
        &[
            "advise",
            "--answers",
            &root()
                .join("examples/solo-prototype/answers.yaml")
                .display()
                .to_string(),
            "--rules",
            "rules",
        ],
    );
    refused(&outcome, "E-LIMIT-RULE-FUEL");
    assert!(outcome.stderr.contains("RW299"), "{}", outcome.stderr);
}

#[cfg(unix)]
#[test]
fn dangling_and_looping_symlinks_in_a_rules_directory_are_errors() {
    let dir = scratch();
    let rules = dir.path().join("rules");
    std::fs::create_dir_all(&rules).unwrap();
    std::os::unix::fs::symlink("nowhere.yaml", rules.join("dangling.yaml")).unwrap();
    std::os::unix::fs::symlink("loop-b.yaml", rules.join("loop-a.yaml")).unwrap();
    std::os::unix::fs::symlink("loop-a.yaml", rules.join("loop-b.yaml")).unwrap();
    let outcome = run_in(dir.path(), &["validate", "--rules", "rules"]);
    refused(&outcome, "E-DATA-SYMLINK");
    for name in ["dangling.yaml", "loop-a.yaml", "loop-b.yaml"] {
        assert!(outcome.stderr.contains(name), "{name}: {}", outcome.stderr);
    }
}

#[test]
fn a_huge_value_is_not_echoed_in_full() {
    let dir = scratch();
    let huge = "x".repeat(5_000_000);
    write(dir.path(), "answers.yaml", &format!("cloud: {huge}\n"));
    let outcome = run_in(dir.path(), &["advise", "--answers", "answers.yaml"]);
    assert_eq!(outcome.code, Some(2), "{}", truncate(&outcome.stderr));
    assert!(
        outcome.stderr.len() < 20_000,
        "stderr is {} bytes",
        outcome.stderr.len()
    );
}

#[test]
fn a_huge_traffic_name_is_refused() {
    let dir = scratch();
    let name = "n".repeat(1_000_000);
    write(dir.path(), "answers.yaml", "cloud: aws\n");
    write(
        dir.path(),
        "workload.yaml",
        &format!(
            "traffic:\n  - name: {name}\n    model: claude-sonnet-4-5\n    input_tokens_per_month: 1000\n    output_tokens_per_month: 100\n"
        ),
    );
    let outcome = run_in(
        dir.path(),
        &[
            "advise",
            "--answers",
            "answers.yaml",
            "--workload",
            "workload.yaml",
            "--format",
            "json",
        ],
    );
    refused(&outcome, "E-LIMIT-NAME");
    assert!(outcome.stdout.is_empty());
    assert!(outcome.stderr.len() < 20_000);
}

#[test]
fn diff_of_a_report_with_a_65536_character_route_id_is_refused_not_a_panic() {
    let dir = scratch();
    let base = run_in(
        dir.path(),
        &[
            "advise",
            "--answers",
            &root()
                .join("examples/solo-prototype/answers.yaml")
                .display()
                .to_string(),
            "--format",
            "json",
        ],
    );
    assert_eq!(base.code, Some(0), "{}", base.stderr);
    write(dir.path(), "base.json", &base.stdout);
    let mut report: serde_json::Value = serde_json::from_str(&base.stdout).unwrap();
    report["routes"][0]["id"] = serde_json::Value::String("r".repeat(65_536));
    write(dir.path(), "new.json", &report.to_string());
    let outcome = run_in(dir.path(), &["diff", "base.json", "new.json"]);
    refused(&outcome, "E-LIMIT-NAME");
}

#[test]
fn a_crlf_usage_csv_reports_the_bad_row_on_its_own_line() {
    let dir = scratch();
    write(
        dir.path(),
        "usage.csv",
        "timestamp,model,input_tokens,output_tokens\r\n\
         2026-10-01T12:00:05Z,claude-sonnet-4-5,1,10\r\n\
         2026-10-01T12:00:06Z,claude-sonnet-4-5,1,10\r\n\
         2026-10-01T12:00:07Z,claude-sonnet-4-5,y,10\r\n",
    );
    let outcome = run_in(dir.path(), &["replay", "--usage", "usage.csv"]);
    assert_eq!(outcome.code, Some(2), "{}", outcome.stderr);
    assert!(
        outcome.stderr.contains("usage.csv:4:40"),
        "{}",
        outcome.stderr
    );
}

#[cfg(unix)]
#[test]
fn a_closed_standard_error_is_not_a_panic() {
    use std::process::{Command as Std, Stdio};
    let dir = scratch();
    let mut child = Std::new(assert_cmd::cargo::cargo_bin("routewise"))
        .current_dir(dir.path())
        .args(["advise", "--answers", "missing.yaml"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("routewise starts");
    drop(child.stderr.take());
    let status = child.wait().expect("routewise ends");
    assert_eq!(status.code(), Some(2));
}

#[test]
fn replay_csv_carries_the_notes_of_the_other_formats() {
    let dir = scratch();
    let usage = root().join("tests/fixtures/usage/bad_rows.csv");
    let outcome = run_in(
        dir.path(),
        &[
            "replay",
            "--usage",
            &usage.display().to_string(),
            "--skip-bad-rows",
            "--format",
            "csv",
        ],
    );
    assert_eq!(outcome.code, Some(0), "{}", outcome.stderr);
    for expected in ["\nunpriceable,", "\nskipped_row,", "\nassumption,"] {
        assert!(
            outcome.stdout.contains(expected),
            "{expected}:\n{}",
            outcome.stdout
        );
    }
}

#[test]
fn an_empty_or_comment_only_price_book_warns_that_nothing_was_applied() {
    for (name, text) in [
        ("bom.toml", "\u{feff}"),
        ("comments.toml", "# nothing yet\n"),
    ] {
        let dir = scratch();
        write(dir.path(), name, text);
        let outcome = run_in(
            dir.path(),
            &[
                "advise",
                "--answers",
                &root()
                    .join("examples/solo-prototype/answers.yaml")
                    .display()
                    .to_string(),
                "--price-book",
                name,
            ],
        );
        assert_eq!(outcome.code, Some(0), "{}", outcome.stderr);
        assert!(
            outcome.stdout.contains("so nothing was applied"),
            "{name}:\n{}",
            outcome.stdout
        );
    }
}

#[test]
fn today_before_a_tables_date_is_a_warning_not_a_negative_age() {
    let dir = scratch();
    let outcome = run_in(
        dir.path(),
        &[
            "advise",
            "--answers",
            &root()
                .join("examples/solo-prototype/answers.yaml")
                .display()
                .to_string(),
            "--today",
            "2020-01-01",
            "--max-pricing-age",
            "90",
            "--format",
            "json",
        ],
    );
    assert_eq!(outcome.code, Some(0), "{}", outcome.stderr);
    let json: serde_json::Value = serde_json::from_str(&outcome.stdout).unwrap();
    let codes: Vec<&str> = json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w["code"].as_str())
        .collect();
    assert!(codes.contains(&"pricing-after-today"), "{codes:?}");
}

#[test]
fn an_integer_amount_above_the_limit_is_refused_like_a_float() {
    let dir = scratch();
    write(
        dir.path(),
        "book.toml",
        "[[discount]]\nprovider = \"anthropic\"\npercent = 10000000000000\nnote = \"typo\"\n",
    );
    let outcome = run_in(
        dir.path(),
        &[
            "advise",
            "--answers",
            &root()
                .join("examples/solo-prototype/answers.yaml")
                .display()
                .to_string(),
            "--price-book",
            "book.toml",
        ],
    );
    assert_eq!(outcome.code, Some(2), "{}", outcome.stderr);
    assert!(outcome.stderr.contains("10^12"), "{}", outcome.stderr);
    assert!(
        outcome.stderr.contains("book.toml:3:"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn flag_errors_name_the_flag_and_the_range() {
    let dir = scratch();
    let workload = root().join("examples/solo-prototype/workload.yaml");
    let workload = workload.display().to_string();
    for (args, expected) in [
        (
            vec!["--months", "-1"],
            "'--months <N>': -1 is not in 1..=120",
        ),
        (
            vec!["--sweep", "input_tokens_per_month=1..2", "--steps", "0"],
            "'--steps <N>': 0 is not in 2..=1000",
        ),
    ] {
        let mut all = vec!["cost", "--workload", &workload];
        all.extend(args);
        let outcome = run_in(dir.path(), &all);
        assert_eq!(outcome.code, Some(2), "{}", outcome.stderr);
        assert!(outcome.stderr.contains(expected), "{}", outcome.stderr);
    }
}

#[test]
fn toml_key_paths_never_show_serde_internals() {
    let dir = scratch();
    write(
        dir.path(),
        "book.toml",
        "[[override]]\ntable = \"anthropic\"\nmodel = \"claude-sonnet-4-5\"\ninput = \"x\"\nnote = \"n\"\n",
    );
    let outcome = run_in(
        dir.path(),
        &[
            "advise",
            "--answers",
            &root()
                .join("examples/solo-prototype/answers.yaml")
                .display()
                .to_string(),
            "--price-book",
            "book.toml",
        ],
    );
    assert_eq!(outcome.code, Some(2), "{}", outcome.stderr);
    assert!(
        outcome.stderr.contains("(key `override[0].input`)"),
        "{}",
        outcome.stderr
    );
    assert!(!outcome.stderr.contains("$__serde"), "{}", outcome.stderr);
}

const ONE_RESULT: &str = r#"{"data": [{"starting_at": "2026-10-01T00:00:00Z", "ending_at": "2026-10-01T00:01:00Z", "results": [
  {"uncached_input_tokens": 1000, "output_tokens": 10, RESULT_EXTRA "model": "claude-sonnet-4-5-20250929"}
]}], "has_more": false}"#;

#[test]
fn a_duplicate_key_in_a_usage_report_is_an_error_not_last_wins() {
    let dir = scratch();
    let json = ONE_RESULT.replace("RESULT_EXTRA", r#""output_tokens": 999999,"#);
    write(dir.path(), "usage.json", &json);
    let outcome = run_in(dir.path(), &["replay", "--usage", "usage.json"]);
    assert_eq!(outcome.code, Some(2), "{}", outcome.stderr);
    assert!(
        outcome.stderr.contains("`output_tokens` appears twice"),
        "{}",
        outcome.stderr
    );
    assert!(
        outcome.stderr.contains("usage.json:2:"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn a_token_count_nested_where_it_is_not_expected_is_noted() {
    let dir = scratch();
    let json = ONE_RESULT.replace(
        "RESULT_EXTRA",
        r#""cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_24h_input_tokens": 500},"#,
    );
    write(dir.path(), "usage.json", &json);
    let outcome = run_in(
        dir.path(),
        &["replay", "--usage", "usage.json", "--format", "json"],
    );
    assert_eq!(outcome.code, Some(0), "{}", outcome.stderr);
    assert!(
        outcome
            .stdout
            .contains("key `cache_creation.ephemeral_24h_input_tokens` of the usage report's results is not read"),
        "{}",
        outcome.stdout
    );
}

#[cfg(unix)]
#[test]
fn a_test_directory_with_two_symlink_loops_is_walked_once_and_the_loops_named() {
    let dir = scratch();
    let tests = dir.path().join("cases");
    std::fs::create_dir_all(tests.join("a")).unwrap();
    std::fs::copy(
        root().join("rules/tests/warnings.yaml"),
        tests.join("a/warnings.yaml"),
    )
    .unwrap();
    // Each loop doubles the ways down if links are followed blindly; forty levels of two
    // loops was 2^40 walks.
    std::os::unix::fs::symlink("..", tests.join("a/up")).unwrap();
    std::os::unix::fs::symlink(".", tests.join("a/here")).unwrap();
    let outcome = run_in(dir.path(), &["test", "cases"]);
    refused(&outcome, "E-DATA-SYMLINK");
    assert!(outcome.stderr.contains("a/up"), "{}", outcome.stderr);
    assert!(outcome.stderr.contains("a/here"), "{}", outcome.stderr);
}
