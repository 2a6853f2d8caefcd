//! `routewise diff`: what moved between two JSON reports, every gate tripping and not
//! tripping, the pull-request comment, and bad reports.

mod common;

use common::{Run, root};

fn example(name: &str, file: &str) -> String {
    std::fs::read_to_string(root().join("examples").join(name).join(file)).expect("example file")
}

/// The JSON report of an answers text and a workload text (advise run through the binary).
fn report(answers: &str, workload: Option<&str>, extra: &[&str]) -> String {
    let mut run = Run::new().file("answers.yaml", answers);
    let mut args = vec!["advise", "--answers", "answers.yaml", "--format", "json"];
    if let Some(w) = workload {
        run = run.file("workload.yaml", w);
        args.extend(["--workload", "workload.yaml"]);
    }
    args.extend_from_slice(extra);
    let outcome = run.args(&args).run();
    assert_eq!(outcome.code, 0, "advise failed:\n{}", outcome.stderr);
    outcome.stdout
}

fn aws_answers() -> String {
    example("aws-enterprise-eu", "answers.yaml")
}

fn aws_workload() -> String {
    example("aws-enterprise-eu", "workload.yaml")
}

/// The baseline: the AWS example as shipped ($820.05 a month on bedrock-geo).
fn base() -> String {
    report(&aws_answers(), Some(&aws_workload()), &[])
}

/// The same decision with the batch pipeline grown from 400 M to `tokens` input tokens.
fn grown(tokens: &str) -> String {
    report(
        &aws_answers(),
        Some(&aws_workload().replace("400000000 ", &format!("{tokens} "))),
        &[],
    )
}

/// A region pin: bedrock-geo is eliminated by RW002 and bedrock-region takes over.
fn pinned() -> String {
    report(
        &aws_answers().replace(
            "residency: eu\n",
            "residency: eu\nresidency_scope: region\n",
        ),
        Some(&aws_workload()),
        &[],
    )
}

fn diff(base: &str, new: &str, args: &[&str]) -> common::Outcome {
    let mut all = vec!["diff", "base.json", "new.json"];
    all.extend_from_slice(args);
    Run::new()
        .file("base.json", base)
        .file("new.json", new)
        .args(&all)
        .run()
}

fn json(outcome: &common::Outcome) -> serde_json::Value {
    outcome.json()
}

#[test]
fn identical_reports_pass_every_gate() {
    let b = base();
    let outcome = diff(
        &b,
        &b,
        &[
            "--fail-on",
            "route-change",
            "--fail-on",
            "new-elimination",
            "--fail-on",
            "cost-increase=0%",
            "--fail-on",
            "cost-increase=0usd",
        ],
    );
    assert_eq!(outcome.code, 0, "{}{}", outcome.stdout, outcome.stderr);
    insta::assert_snapshot!("text_no_change", outcome.stdout);
}

#[test]
fn route_change_trips_when_the_recommendation_moves() {
    let outcome = diff(&base(), &pinned(), &["--fail-on", "route-change"]);
    assert_eq!(outcome.code, 1);
    assert!(
        outcome
            .stdout
            .contains("TRIPPED  route-change: `bedrock-geo` → `bedrock-region`"),
        "{}",
        outcome.stdout
    );
    assert_eq!(outcome.stderr.trim(), "1 gate tripped: route-change");

    let same = diff(&base(), &grown("420000000"), &["--fail-on", "route-change"]);
    assert_eq!(same.code, 0, "{}", same.stdout);
    assert!(
        same.stdout
            .contains("passed   route-change: unchanged: `bedrock-geo`")
    );
}

#[test]
fn new_elimination_trips_when_a_viable_route_is_eliminated() {
    let outcome = diff(
        &base(),
        &pinned(),
        &["--fail-on", "new-elimination", "--format", "json"],
    );
    assert_eq!(outcome.code, 1);
    let d = json(&outcome);
    assert_eq!(d["tripped"], serde_json::json!(["new-elimination"]));
    assert_eq!(d["gates"][0]["detail"], "`bedrock-geo` by RW002");
    let geo = d["routes"]
        .as_array()
        .expect("routes")
        .iter()
        .find(|r| r["id"] == "bedrock-geo")
        .expect("bedrock-geo changed");
    assert_eq!(geo["change"], "newly_eliminated");
    assert_eq!(geo["eliminated_by"], serde_json::json!(["RW002"]));
    assert_eq!(geo["base_status"], "recommended");
    // Routes that were already eliminated and gain a code are not new eliminations.
    let direct = d["routes"]
        .as_array()
        .expect("routes")
        .iter()
        .find(|r| r["id"] == "anthropic-api")
        .expect("anthropic-api changed");
    assert_eq!(direct["change"], "changed");
    assert_eq!(direct["codes_added"], serde_json::json!(["RW002"]));

    // The reverse direction revives bedrock-geo and eliminates nothing.
    let back = diff(
        &pinned(),
        &base(),
        &["--fail-on", "new-elimination", "--format", "json"],
    );
    assert_eq!(back.code, 0, "{}", back.stderr);
    let d = json(&back);
    assert_eq!(d["gates"][0]["tripped"], false);
    let geo = d["routes"]
        .as_array()
        .expect("routes")
        .iter()
        .find(|r| r["id"] == "bedrock-geo")
        .expect("bedrock-geo changed");
    assert_eq!(geo["change"], "revived");
    assert_eq!(geo["was_eliminated_by"], serde_json::json!(["RW002"]));
    assert_eq!(
        geo["summary"],
        "revived: no longer eliminated by RW002; now recommended, rank 1, score 60"
    );
}

#[test]
fn cost_increase_in_percent_trips_above_the_limit_only() {
    // 400 M → 500 M batch input tokens: $820.05 → $875.05, +6.7%.
    let new = grown("500000000");
    let within = diff(&base(), &new, &["--fail-on", "cost-increase=10%"]);
    assert_eq!(within.code, 0, "{}", within.stdout);
    assert!(
        within
            .stdout
            .contains("passed   cost-increase=10%: within 10%: $820.05 → $875.05 (+$55.00, +6.7%)")
    );
    let over = diff(&base(), &new, &["--fail-on", "cost-increase=5%"]);
    assert_eq!(over.code, 1);
    assert!(
        over.stdout.contains(
            "TRIPPED  cost-increase=5%: more than 5%: $820.05 → $875.05 (+$55.00, +6.7%)"
        )
    );
    // A fall in cost never trips.
    let fall = diff(&new, &base(), &["--fail-on", "cost-increase=0%"]);
    assert_eq!(fall.code, 0, "{}", fall.stdout);
    assert!(fall.stdout.contains("$875.05 → $820.05 (-$55.00, -6.3%)"));
}

#[test]
fn cost_increase_in_dollars_trips_above_the_amount_only() {
    let new = grown("500000000");
    assert_eq!(
        diff(&base(), &new, &["--fail-on", "cost-increase=55usd"]).code,
        0,
        "exactly the limit is within it"
    );
    let over = diff(&base(), &new, &["--fail-on", "cost-increase=54.99usd"]);
    assert_eq!(over.code, 1);
    assert!(
        over.stdout
            .contains("TRIPPED  cost-increase=54.99usd: more than $54.99: $820.05 → $875.05"),
        "{}",
        over.stdout
    );
}

#[test]
fn the_cost_gate_follows_the_recommendation_when_it_changes() {
    // bedrock-geo at $820.05 → bedrock-region at $820.05: the decision's cost is unchanged.
    let outcome = diff(
        &base(),
        &pinned(),
        &["--fail-on", "cost-increase=0usd", "--format", "json"],
    );
    assert_eq!(outcome.code, 0, "{}", outcome.stdout);
    let d = json(&outcome);
    assert_eq!(d["decision_cost"]["base_usd"], "820.05");
    assert_eq!(d["decision_cost"]["new_usd"], "820.05");
}

#[test]
fn cost_gates_need_priced_reports() {
    let unpriced = report(&aws_answers(), None, &[]);
    let outcome = diff(&unpriced, &unpriced, &["--fail-on", "cost-increase=10%"]);
    assert_eq!(outcome.code, 2, "{}", outcome.stdout);
    assert!(
        outcome.stderr.contains(
            "the gate `cost-increase=10%` compares the recommended route's monthly cost, but neither report prices a workload"
        ),
        "{}",
        outcome.stderr
    );
    let priced = diff(&unpriced, &base(), &["--fail-on", "cost-increase=10%"]);
    assert_eq!(priced.code, 2);
    assert!(
        priced
            .stderr
            .contains("but the base report base.json prices no workload")
    );
    // Without a cost gate, unpriced reports compare fine.
    assert_eq!(diff(&unpriced, &unpriced, &[]).code, 0);
}

#[test]
fn losing_the_decisions_cost_trips_the_cost_gate() {
    // A new report whose recommended route cannot price the whole workload: the gate must
    // trip, not pass silently.
    let mut new: serde_json::Value = serde_json::from_str(&base()).expect("json");
    new["routes"][0]["cost"]["monthly_usd"] = serde_json::Value::Null;
    let outcome = diff(
        &base(),
        &new.to_string(),
        &["--fail-on", "cost-increase=10%"],
    );
    assert_eq!(outcome.code, 1, "{}", outcome.stdout);
    assert!(outcome.stdout.contains(
        "the recommended route's monthly cost can no longer be computed ($820.05 → not computable)"
    ));
}

#[test]
fn stale_pricing_is_measured_to_today() {
    let b = base();
    let stale = diff(
        &b,
        &b,
        &[
            "--fail-on",
            "stale-pricing",
            "--max-pricing-age",
            "30",
            "--today",
            "2027-01-10",
        ],
    );
    assert_eq!(stale.code, 1);
    assert!(stale.stdout.contains(
        "TRIPPED  stale-pricing: `bedrock` is 49 days old (as of 2026-11-22), `bedrock-provisioned` is 49 days old (as of 2026-11-22); at most 30 days allowed on 2027-01-10"
    ), "{}", stale.stdout);
    let fresh = diff(
        &b,
        &b,
        &[
            "--fail-on",
            "stale-pricing",
            "--max-pricing-age",
            "49",
            "--today",
            "2027-01-10",
        ],
    );
    assert_eq!(fresh.code, 0, "{}", fresh.stdout);
    let epoch = Run::new()
        .file("base.json", &b)
        .file("new.json", &b)
        .args(&[
            "diff",
            "base.json",
            "new.json",
            "--fail-on",
            "stale-pricing",
            "--max-pricing-age",
            "30",
        ])
        .env("SOURCE_DATE_EPOCH", "1799625600")
        .run();
    assert_eq!(epoch.code, 1);
    assert!(
        epoch
            .stdout
            .contains("at most 30 days allowed on 2027-01-11")
    );
}

#[test]
fn stale_pricing_can_come_from_the_new_report() {
    let aged = report(
        &aws_answers(),
        Some(&aws_workload()),
        &["--max-pricing-age", "30", "--today", "2027-01-10"],
    );
    let tripped = diff(&base(), &aged, &["--fail-on", "stale-pricing"]);
    assert_eq!(tripped.code, 1, "{}", tripped.stdout);
    let fresh = report(
        &aws_answers(),
        Some(&aws_workload()),
        &["--max-pricing-age", "90", "--today", "2027-01-10"],
    );
    let passed = diff(&base(), &fresh, &["--fail-on", "stale-pricing"]);
    assert_eq!(passed.code, 0, "{}", passed.stdout);
    // Neither an age limit nor ages in the report: the gate cannot be evaluated.
    let unknown = diff(&base(), &base(), &["--fail-on", "stale-pricing"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown
            .stderr
            .contains("the gate `stale-pricing` needs an age limit")
    );
    let no_date = diff(&base(), &base(), &["--max-pricing-age", "30"]);
    assert_eq!(no_date.code, 2);
    assert!(no_date.stderr.contains("--max-pricing-age needs a date"));
}

#[test]
fn pricing_dates_and_warnings_that_moved_are_listed() {
    let embedded = std::fs::read_to_string(root().join("pricing/bedrock.toml")).expect("table");
    let newer = embedded.replace("as_of = \"2026-11-22\"", "as_of = \"2027-02-01\"");
    assert_ne!(embedded, newer, "the table carries its date");
    let new = {
        let outcome = Run::new()
            .file("answers.yaml", &aws_answers())
            .file("workload.yaml", &aws_workload())
            .file("prices/bedrock.toml", &newer)
            .args(&[
                "advise",
                "--answers",
                "answers.yaml",
                "--workload",
                "workload.yaml",
                "--pricing",
                "prices",
                "--format",
                "json",
            ])
            .run();
        assert_eq!(outcome.code, 0, "{}", outcome.stderr);
        outcome.stdout
    };
    let outcome = diff(&base(), &new, &["--format", "json"]);
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let d = json(&outcome);
    assert_eq!(
        d["pricing_tables"],
        serde_json::json!([{ "table": "bedrock", "base_as_of": "2026-11-22", "new_as_of": "2027-02-01" }])
    );
    let text = diff(&base(), &new, &[]).stdout;
    assert!(
        text.contains("pricing tables:\n  bedrock  as of 2026-11-22 → 2027-02-01\n"),
        "{text}"
    );

    // A prototype stage removes the Bedrock prompt-caching warning (RW210).
    let prototype = report(
        &aws_answers().replace("stage: production", "stage: prototype"),
        Some(&aws_workload()),
        &[],
    );
    let d = json(&diff(&base(), &prototype, &["--format", "json"]));
    assert_eq!(d["warnings"]["removed"], serde_json::json!(["RW210"]));
}

#[test]
fn the_pull_request_comment_puts_the_summary_first() {
    let outcome = diff(
        &base(),
        &pinned(),
        &[
            "--format",
            "markdown",
            "--fail-on",
            "route-change",
            "--fail-on",
            "cost-increase=10%",
        ],
    );
    assert_eq!(outcome.code, 1);
    let md = &outcome.stdout;
    assert!(md.starts_with("<!-- routewise-diff -->\n### routewise: ❌ 1 of 2 gates tripped\n"));
    let details = md.find("<details>").expect("a collapsible block");
    assert!(
        md.find("| `route-change` | ❌ tripped |")
            .expect("gate table")
            < details
    );
    assert!(md[details..].contains("</details>"));
    insta::assert_snapshot!("markdown_route_change", md);
    insta::assert_snapshot!("text_route_change", diff(&base(), &pinned(), &[]).stdout);
}

#[test]
fn the_comment_says_so_when_nothing_changed() {
    let b = base();
    let outcome = diff(&b, &b, &["--format", "markdown"]);
    assert_eq!(outcome.code, 0);
    assert!(
        outcome
            .stdout
            .contains("### routewise: no change in the decision\n")
    );
    assert!(!outcome.stdout.contains("<details>"));
}

#[test]
fn output_writes_the_diff_and_still_fails_on_gates() {
    let (outcome, dir) = Run::new()
        .file("base.json", &base())
        .file("new.json", &pinned())
        .args(&[
            "diff",
            "base.json",
            "new.json",
            "--format",
            "markdown",
            "--output",
            "comment.md",
            "--fail-on",
            "route-change",
        ])
        .run_in();
    assert_eq!(outcome.code, 1);
    assert!(outcome.stdout.is_empty());
    let written = std::fs::read_to_string(dir.path().join("comment.md")).expect("written");
    assert!(written.starts_with("<!-- routewise-diff -->"));
}

#[test]
fn bad_reports_and_gates_are_usage_errors() {
    let b = base();
    let cases: Vec<(&str, common::Outcome)> = vec![
        (
            "missing",
            Run::new()
                .file("new.json", &b)
                .args(&["diff", "base.json", "new.json"])
                .run(),
        ),
        (
            "not json",
            diff("{\"schema_version\": 1,\n  oops\n}", &b, &[]),
        ),
        (
            "wrong shape",
            diff(
                &b,
                "{\"schema_version\": 1, \"recommendation\": {\"route\": null}, \"routes\": [{\"id\": \"x\"}]}",
                &[],
            ),
        ),
        (
            "newer schema",
            diff(
                &b.replacen("\"schema_version\": 1", "\"schema_version\": 2", 1),
                &b,
                &[],
            ),
        ),
        (
            "bad gate",
            diff(&b, &b, &["--fail-on", "cost-increase=ten%"]),
        ),
        (
            "unknown gate",
            diff(&b, &b, &["--fail-on", "route-changed"]),
        ),
    ];
    let mut messages = String::new();
    for (name, outcome) in cases {
        assert_eq!(outcome.code, 2, "{name}: {}", outcome.stderr);
        assert!(outcome.stdout.is_empty(), "{name}");
        assert!(!outcome.stderr.contains("panicked"), "{name}");
        messages.push_str(&format!("== {name}\n{}\n", outcome.stderr));
    }
    insta::assert_snapshot!("bad_reports", messages);
}

#[test]
fn a_surface_changing_route_trips_route_change() {
    let answers = example("voice-and-analytics", "answers.yaml");
    let workload = example("voice-and-analytics", "workload.yaml");
    let base = report(&answers, Some(&workload), &[]);
    // The voice surface no longer needs EU residency: it moves from Bedrock's EU profile to
    // the direct API.
    let moved = answers.replace(
        "  - name: voice\n",
        "  - name: voice\n    residency: none\n",
    );
    let new = report(&moved, Some(&workload), &[]);
    let outcome = diff(&base, &new, &["--fail-on", "route-change"]);
    assert_eq!(outcome.code, 1, "{}", outcome.stdout);
    assert!(
        outcome
            .stdout
            .contains("surface voice: bedrock-geo → anthropic-api (changed)"),
        "{}",
        outcome.stdout
    );
    assert!(
        outcome
            .stdout
            .contains("surface `voice`: `bedrock-geo` → `anthropic-api`"),
        "{}",
        outcome.stdout
    );
    let same = diff(
        &base,
        &base,
        &["--fail-on", "route-change", "--format", "json"],
    );
    assert_eq!(same.code, 0);
    assert_eq!(json(&same)["surfaces"][1]["surface"], "analytics/claude");
}

#[test]
fn a_surface_split_in_one_report_is_compared_part_by_part() {
    let answers = example("voice-and-analytics", "answers.yaml");
    let workload = example("voice-and-analytics", "workload.yaml");
    // Without HIPAA, the EU Vertex endpoint serves analytics whole, Claude and Gemini alike;
    // with it (the example), analytics is split by model family.
    let whole_answers = answers.replace(
        "    model_families: [claude, gemini]\n",
        "    model_families: [claude, gemini]\n    compliance: []\n",
    );
    assert_ne!(whole_answers, answers, "the example changed");
    let whole = report(&whole_answers, Some(&workload), &[]);
    let split = report(&answers, Some(&workload), &[]);
    let outcome = diff(&whole, &split, &["--fail-on", "route-change"]);
    assert_eq!(outcome.code, 1, "{}", outcome.stdout);
    for line in [
        "surface analytics/claude (served whole as analytics in the base report): \
         vertex-regional → bedrock-geo (changed)",
        "surface analytics/gemini (served whole as analytics in the base report): \
         vertex-regional (unchanged)",
    ] {
        assert!(outcome.stdout.contains(line), "{line}\n{}", outcome.stdout);
    }
    assert!(
        !outcome.stdout.contains("surface analytics:"),
        "the whole surface has no line of its own:\n{}",
        outcome.stdout
    );
    // The other way round, each part's route goes back to the whole surface's.
    let back = diff(&split, &whole, &["--format", "json"]);
    assert_eq!(back.code, 0, "{}", back.stderr);
    let surfaces = json(&back)["surfaces"].clone();
    let names: Vec<_> = surfaces
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["surface"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["voice", "analytics/claude", "analytics/gemini"]);
    assert_eq!(surfaces[1]["base"], "bedrock-geo");
    assert_eq!(surfaces[1]["new"], "vertex-regional");
    assert_eq!(surfaces[1]["whole"]["surface"], "analytics");
    assert_eq!(surfaces[1]["whole"]["report"], "new");
    assert_eq!(surfaces[2]["changed"], false);
}
