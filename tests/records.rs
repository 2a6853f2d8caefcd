//! Decision records (`advise --format madr`): a golden record per example, where the date
//! comes from, `--check`, the JSON keys the record adds, and bad decision metadata.

mod common;

use common::{Run, root};

/// A run with an example's files copied into the scratch directory, so the paths in the
/// record's regenerate command are the relative ones a repository would use.
fn with_example(run: Run, name: &str) -> Run {
    let mut run = run;
    for file in ["answers.yaml", "workload.yaml"] {
        let text = std::fs::read_to_string(root().join("examples").join(name).join(file))
            .expect("example file");
        run = run.file(&format!("examples/{name}/{file}"), &text);
    }
    run
}

fn record_args(name: &str) -> Vec<String> {
    vec![
        "advise".into(),
        "--answers".into(),
        format!("examples/{name}/answers.yaml"),
        "--workload".into(),
        format!("examples/{name}/workload.yaml"),
        "--format".into(),
        "madr".into(),
    ]
}

fn run_record(name: &str, extra: &[&str], env: &[(&str, &str)]) -> common::Outcome {
    let mut args = record_args(name);
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut run = with_example(Run::new(), name).args(&args);
    for (k, v) in env {
        run = run.env(k, v);
    }
    run.run()
}

#[test]
fn madr_records_of_the_examples() {
    for name in &common::examples() {
        let outcome = run_record(name, &[], &[]);
        assert_eq!(outcome.code, 0, "{name}: {}", outcome.stderr);
        insta::assert_snapshot!(format!("madr-{name}"), outcome.stdout);
    }
}

#[test]
fn records_follow_the_madr_section_order() {
    for name in &common::examples() {
        let text = run_record(name, &[], &[]).stdout;
        let mut last = 0;
        for heading in [
            "\n---\n\n# ",
            "\n## Context and Problem Statement\n",
            "\n## Decision Drivers\n",
            "\n## Considered Options\n",
            "\n## Decision Outcome\n",
            // A record without a route says so where the chosen option would be.
            if text.contains("\nNo option is chosen") {
                "\nNo option is chosen"
            } else {
                "\nChosen option: \""
            },
            "\n### Consequences\n",
            "\n### Confirmation\n",
            "\n## Pros and Cons of the Options\n",
            "\n## More Information\n",
        ] {
            let at = text[last..]
                .find(heading)
                .unwrap_or_else(|| panic!("{name}: `{heading}` missing or out of order"));
            last += at + heading.len();
        }
        assert!(text.starts_with("---\nstatus: "), "{name}: front matter");
        // Every route of the catalogue is a considered option with its own pros and cons;
        // with surfaces, the options are the portfolio, the single route and the split.
        if *name != "voice-and-analytics" {
            let routes = common::embedded_count("routes");
            assert_eq!(text.matches("\n### ").count(), 2 + routes, "{name}");
        }
    }
}

#[test]
fn front_matter_carries_the_decision_metadata() {
    let text = run_record("aws-enterprise-eu", &[], &[]).stdout;
    let front = text.split("\n---\n").next().expect("front matter");
    assert_eq!(
        front,
        "---\nstatus: \"accepted\"\ndate: 2026-11-22\ndecision-makers: [\"Platform architecture board\"]\nconsulted: [\"Information security\", \"Data protection officer\"]\ninformed: [\"Product engineering\"]"
    );
    assert!(text.contains("\n# Call Claude through Amazon Bedrock in the EU\n"));
}

#[test]
fn the_date_comes_from_the_flag_then_the_answers_then_source_date_epoch() {
    let date_line = |o: &common::Outcome| {
        assert_eq!(o.code, 0, "{}", o.stderr);
        o.stdout
            .lines()
            .find(|l| l.starts_with("date: "))
            .map(str::to_owned)
    };
    // 1795392000 is 2026-11-23T00:00:00Z.
    let epoch = [("SOURCE_DATE_EPOCH", "1795392000")];
    // No date anywhere: no date line, and no clock is read.
    assert_eq!(date_line(&run_record("solo-prototype", &[], &[])), None);
    assert_eq!(
        date_line(&run_record("solo-prototype", &[], &epoch)).as_deref(),
        Some("date: 2026-11-23")
    );
    // The answers file's date wins over SOURCE_DATE_EPOCH ...
    assert_eq!(
        date_line(&run_record("aws-enterprise-eu", &[], &epoch)).as_deref(),
        Some("date: 2026-11-22")
    );
    // ... and --date wins over both, and is written into the regenerate command.
    let flagged = run_record("aws-enterprise-eu", &["--date", "2027-01-05"], &epoch);
    assert_eq!(date_line(&flagged).as_deref(), Some("date: 2027-01-05"));
    assert!(flagged.stdout.contains("--format madr --date 2027-01-05\n"));
}

#[test]
fn a_bad_date_or_epoch_is_a_usage_error() {
    let bad_flag = run_record("solo-prototype", &["--date", "2026-02-30"], &[]);
    assert_eq!(bad_flag.code, 2);
    assert!(
        bad_flag
            .stderr
            .contains("`2026-02-30` does not exist: month 2 of 2026 has 28 days"),
        "{}",
        bad_flag.stderr
    );
    let bad_form = run_record("solo-prototype", &["--date", "30/02/2026"], &[]);
    assert_eq!(bad_form.code, 2);
    assert!(
        bad_form
            .stderr
            .contains("not a date in the form YYYY-MM-DD")
    );
    let bad_epoch = run_record("solo-prototype", &[], &[("SOURCE_DATE_EPOCH", "tomorrow")]);
    assert_eq!(bad_epoch.code, 2, "{}", bad_epoch.stderr);
    assert!(
        bad_epoch
            .stderr
            .contains("SOURCE_DATE_EPOCH=`tomorrow` is not a whole number of seconds"),
        "{}",
        bad_epoch.stderr
    );
}

#[test]
fn check_passes_on_a_fresh_record_and_fails_on_a_stale_one() {
    let mut args = record_args("gcp-hipaa");
    args.extend(["--output".into(), "docs/0001-route.md".into()]);
    let write: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut check = write.clone();
    check.push("--check");

    // Missing file: exit 1, and the message says how to create it.
    let run = with_example(Run::new(), "gcp-hipaa").file("docs/.keep", "");
    let (missing, dir) = run.args(&check).run_in();
    assert_eq!(missing.code, 1);
    assert!(missing.stderr.contains("docs/0001-route.md does not exist; generate it with:\n    routewise advise --answers examples/gcp-hipaa/answers.yaml --workload examples/gcp-hipaa/workload.yaml --format madr --output docs/0001-route.md"), "{}", missing.stderr);
    drop(dir);

    let run = with_example(Run::new(), "gcp-hipaa").file("docs/.keep", "");
    let scratch = run.path().to_owned();
    let written = run.args(&write).run_in();
    assert_eq!(written.0.code, 0, "{}", written.0.stderr);
    let record = std::fs::read_to_string(scratch.join("docs/0001-route.md")).expect("written");
    assert!(record.contains(
        "--output docs/0001-route.md\nroutewise advise --answers examples/gcp-hipaa/answers.yaml"
    ));

    let recheck = |contents: &str| {
        let run = with_example(Run::new(), "gcp-hipaa").file("docs/0001-route.md", contents);
        run.args(&check).run()
    };
    let fresh = recheck(&record);
    assert_eq!(fresh.code, 0, "{}", fresh.stderr);
    assert_eq!(fresh.stdout, "docs/0001-route.md is up to date\n");
    let edited = recheck(&record.replace("status: \"proposed\"", "status: \"accepted\""));
    assert_eq!(edited.code, 1);
    assert!(
        edited
            .stderr
            .contains("docs/0001-route.md is out of date; regenerate it with:")
    );
    // What differs, as a unified diff from the file to what routewise writes.
    assert!(
        edited.stderr.contains(
            "--- docs/0001-route.md\n+++ docs/0001-route.md (regenerated)\n@@ -1,5 +1,5 @@\n ---\n-status: \"accepted\"\n+status: \"proposed\"\n"
        ),
        "{}",
        edited.stderr
    );
}

/// `./a.yaml`, `a/../a.yaml` and `a.yaml` are one path: the record's command line holds
/// its normalised spelling, so a record made with one spelling checks against another.
#[test]
fn the_recorded_command_line_is_normalised() {
    let run = with_example(Run::new(), "gcp-hipaa").file("docs/.keep", "");
    let scratch = run.path().to_owned();
    let (written, _dir) = run
        .args(&[
            "advise",
            "--answers",
            "./examples/gcp-hipaa/answers.yaml",
            "--workload",
            "examples/./gcp-hipaa/../gcp-hipaa/workload.yaml",
            "--format",
            "madr",
            "--output",
            "./docs/0001-route.md",
        ])
        .run_in();
    assert_eq!(written.code, 0, "{}", written.stderr);
    let record = std::fs::read_to_string(scratch.join("docs/0001-route.md")).expect("written");
    assert!(
        record.contains("routewise advise --answers examples/gcp-hipaa/answers.yaml --workload examples/gcp-hipaa/workload.yaml --format madr --output docs/0001-route.md\n"),
        "{record}"
    );
    let check = with_example(Run::new(), "gcp-hipaa")
        .file("docs/0001-route.md", &record)
        .args(&[
            "advise",
            "--answers",
            "examples/gcp-hipaa/answers.yaml",
            "--workload",
            "examples/gcp-hipaa/workload.yaml",
            "--format",
            "madr",
            "--output",
            "docs/0001-route.md",
            "--check",
        ])
        .run();
    assert_eq!(check.code, 0, "{}", check.stderr);
}

/// `--today` only sets the date ages are measured to, so without an age limit it is an
/// input error rather than silently ignored.
#[test]
fn today_without_a_pricing_age_limit_is_an_error() {
    let advise = run_record("gcp-hipaa", &["--today", "2026-11-22"], &[]);
    assert_eq!(advise.code, 2, "{}", advise.stdout);
    assert!(
        advise.stderr.contains("--max-pricing-age"),
        "{}",
        advise.stderr
    );
    let diff = Run::new()
        .args(&["diff", "a.json", "b.json", "--today", "2026-11-22"])
        .run();
    assert_eq!(diff.code, 2);
    assert!(diff.stderr.contains("--max-pricing-age"), "{}", diff.stderr);
}

/// `--supersede DIR`: the first record is 0001; an unchanged decision writes nothing; a
/// changed one is recorded as the next number, the previous marked superseded, and the
/// index lists both. `--check` fails on a changed decision and shows what differs.
#[test]
fn a_changed_decision_supersedes_the_record() {
    let run = with_example(Run::new(), "aws-enterprise-eu");
    let scratch = run.path().to_owned();
    let routewise = |extra: &[&str]| {
        let mut args: Vec<String> = record_args("aws-enterprise-eu");
        args.extend(["--supersede".into(), "docs/decisions".into()]);
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        let output = assert_cmd::Command::cargo_bin("routewise")
            .expect("binary")
            .current_dir(&scratch)
            .env_remove("SOURCE_DATE_EPOCH")
            .args(&args)
            .output()
            .expect("runs");
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let read = |file: &str| std::fs::read_to_string(scratch.join("docs/decisions").join(file));
    let (_, _dir) = run.args(&["routes"]).run_in();

    let (code, _, stderr) = routewise(&["--check"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("docs/decisions holds no decision record; write the first with:\n    routewise advise --answers examples/aws-enterprise-eu/answers.yaml --workload examples/aws-enterprise-eu/workload.yaml --format madr --supersede docs/decisions\n"), "{stderr}");
    let (code, stdout, stderr) = routewise(&[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "wrote docs/decisions/0001-model-route.md; rewrote docs/decisions/README.md\n"
    );
    let first = read("0001-model-route.md").expect("0001");
    assert!(!first.contains("Supersedes"));
    let (code, stdout, _) = routewise(&["--check"]);
    assert_eq!(
        (code, stdout.as_str()),
        (0, "docs/decisions/0001-model-route.md is up to date\n")
    );
    let (code, stdout, _) = routewise(&[]);
    assert_eq!(
        (code, stdout.as_str()),
        (0, "docs/decisions/0001-model-route.md is up to date\n")
    );

    // Pin one region: the decision changes.
    let answers = scratch.join("examples/aws-enterprise-eu/answers.yaml");
    let text = std::fs::read_to_string(&answers).expect("answers");
    std::fs::write(
        &answers,
        text.replace(
            "residency: eu\n",
            "residency: eu\nresidency_scope: region\n",
        ),
    )
    .expect("write");
    let (code, _, stderr) = routewise(&["--check"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("docs/decisions/0001-model-route.md does not match its inputs: the decision changed; record it as 0002, superseding 0001, with:"), "{stderr}");
    assert!(
        stderr.contains("\n+* Traffic must be pinned to one named cloud region"),
        "{stderr}"
    );
    let (code, stdout, stderr) = routewise(&[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "wrote docs/decisions/0002-model-route.md; marked docs/decisions/0001-model-route.md superseded by 0002; rewrote docs/decisions/README.md\n"
    );
    let old = read("0001-model-route.md").expect("0001");
    assert_eq!(
        old,
        first.replace("status: \"accepted\"", "status: superseded by 0002")
    );
    let new = read("0002-model-route.md").expect("0002");
    assert!(new.contains("# Call Claude through Amazon Bedrock in the EU\n\nSupersedes [0001](0001-model-route.md).\n\n## Context"), "{new}");
    insta::assert_snapshot!("supersede-index", read("README.md").expect("index"));
    let (code, _, stderr) = routewise(&["--check"]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn supersede_needs_the_madr_format() {
    let outcome = Run::new()
        .file("answers.yaml", "cloud: aws\n")
        .args(&["advise", "--answers", "answers.yaml", "--supersede", "docs"])
        .run();
    assert_eq!(outcome.code, 2);
    assert!(
        outcome
            .stderr
            .contains("--supersede keeps decision records: it needs --format madr"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn check_requires_an_output_file() {
    let outcome = run_record("gcp-hipaa", &["--check"], &[]);
    assert_eq!(outcome.code, 2);
    assert!(outcome.stderr.contains("--output"), "{}", outcome.stderr);
}

#[test]
fn the_json_report_gains_the_record_keys_only() {
    let mut args = record_args("aws-enterprise-eu");
    let last = args.len() - 1;
    args[last] = "json".into();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let report = with_example(Run::new(), "aws-enterprise-eu")
        .args(&args)
        .run()
        .json();
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["decision"]["status"], "accepted");
    assert_eq!(report["decision"]["date"], "2026-11-22");
    assert_eq!(
        report["decision"]["decision_makers"],
        serde_json::json!(["Platform architecture board"])
    );
    assert_eq!(
        report["command"],
        "routewise advise --answers examples/aws-enterprise-eu/answers.yaml --workload examples/aws-enterprise-eu/workload.yaml --format json"
    );
    assert!(report["pricing_age"].is_null());
    let drivers: Vec<&str> = report["drivers"]
        .as_array()
        .expect("drivers")
        .iter()
        .filter_map(|d| d["question"].as_str())
        .collect();
    // Answers equal to their default (stage: production) are not drivers.
    assert_eq!(
        drivers,
        [
            "cloud",
            "team",
            "residency",
            "compliance",
            "auth",
            "private_networking",
            "audit_logging",
            "billing",
            "model_families"
        ]
    );
    // The keys that were there before keep their place and meaning.
    for key in [
        "generator",
        "recommendation",
        "answers",
        "routes",
        "warnings",
        "blocking_constraints",
        "priced_workload",
        "pricing_sources",
        "assumptions",
    ] {
        assert!(report.get(key).is_some(), "{key} kept");
    }
}

#[test]
fn a_record_without_a_surviving_route_says_what_blocks() {
    let outcome = Run::new()
        .file(
            "answers.yaml",
            "residency: eu\nauth: iam\nzero_data_retention: true\nfeatures: [files_api]\n",
        )
        .args(&["advise", "--answers", "answers.yaml", "--format", "madr"])
        .run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert!(
        outcome
            .stdout
            .contains("\n# No route to foundation models meets every constraint\n")
    );
    assert!(
        outcome
            .stdout
            .contains("No option is chosen: no route satisfies every hard constraint.")
    );
    // How many routes the rule eliminates and which it would free follow the catalogue: the
    // line is checked for its shape and that every route it names is a real one.
    let line = outcome
        .stdout
        .lines()
        .find(|l| l.starts_with("* `RW011` required-api-features eliminated "))
        .unwrap_or_else(|| panic!("no RW011 line: {}", outcome.stdout));
    let (count, freed) = line
        .trim_start_matches("* `RW011` required-api-features eliminated ")
        .split_once(" routes; relaxing it alone would make ")
        .unwrap_or_else(|| panic!("{line}"));
    let count: usize = count.parse().expect("a count");
    assert!(
        (1..=common::embedded_count("routes")).contains(&count),
        "{line}"
    );
    let freed: Vec<&str> = freed.trim_end_matches(" viable.").split(", ").collect();
    let ids = Run::new().args(&["routes"]).run().stdout;
    assert!(!freed.is_empty() && freed.len() <= count, "{line}");
    for id in freed {
        assert!(
            ids.lines().any(|l| l.starts_with(&format!("{id} "))),
            "{id} in {line}"
        );
    }
    assert!(!outcome.stdout.contains("Chosen option:"));
}

#[test]
fn a_user_template_can_replace_the_record() {
    let outcome = Run::new()
        .file(
            "answers.yaml",
            "decision:\n  status: accepted\ncloud: gcp\n",
        )
        .file(
            "tpl/madr.md.j2",
            "{{ decision.status }}: {{ recommendation.route }}\n",
        )
        .args(&[
            "advise",
            "--answers",
            "answers.yaml",
            "--templates",
            "tpl",
            "--format",
            "madr",
        ])
        .run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert_eq!(outcome.stdout, "accepted: vertex-global\n");
}

#[test]
fn a_question_may_not_be_called_decision() {
    let rules =
        "questions:\n  - id: decision\n    prompt: Decided?\n    kind: bool\n    default: false\n";
    let outcome = Run::new()
        .file("answers.yaml", "cloud: gcp\n")
        .file("mine/q.yaml", rules)
        .args(&["advise", "--answers", "answers.yaml", "--rules", "mine"])
        .run();
    assert_eq!(outcome.code, 2);
    assert!(
        outcome
            .stderr
            .contains("`decision` is reserved for decision-record metadata"),
        "{}",
        outcome.stderr
    );
    assert!(
        outcome.stderr.contains("mine/q.yaml:2:5"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn the_answers_schema_describes_the_decision_block() {
    let schema = Run::new().args(&["schema", "answers"]).run().json();
    let decision = &schema["properties"]["decision"];
    assert_eq!(decision["additionalProperties"], false);
    assert!(decision["properties"]["decision-makers"].is_object());
}
