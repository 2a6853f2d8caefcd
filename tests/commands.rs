//! The smaller commands (routes, questions, schema, validate) and the directory overrides
//! of rules, prices and templates.

mod common;

use common::{Run, advise_json, route};

#[test]
fn routes_lists_the_catalogue() {
    let outcome = Run::new().args(&["routes"]).run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    insta::assert_snapshot!("routes_table", outcome.stdout);
}

#[test]
fn questions_lists_every_required_question() {
    let outcome = Run::new().args(&["questions"]).run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    for id in [
        "cloud",
        "team",
        "stage",
        "residency",
        "residency_scope",
        "compliance",
        "auth",
        "private_networking",
        "audit_logging",
        "zero_data_retention",
        "cmek",
        "guardrails",
        "billing",
        "latency_critical",
        "newest_features",
        "features",
        "model_families",
        "multi_provider",
        "free_tier",
        "sla",
    ] {
        assert!(
            outcome
                .stdout
                .lines()
                .any(|l| l.starts_with(&format!("{id}  "))),
            "question {id} missing"
        );
    }
}

#[test]
fn schemas_are_json_schema_documents() {
    for kind in ["answers", "workload", "rules", "pricing", "price-book"] {
        let outcome = Run::new().args(&["schema", kind]).run();
        assert_eq!(outcome.code, 0, "{kind}: {}", outcome.stderr);
        let schema = outcome.json();
        assert!(
            schema["properties"].is_object(),
            "{kind} schema has properties"
        );
    }
    let answers = Run::new().args(&["schema", "answers"]).run().json();
    assert_eq!(answers["additionalProperties"], false);
    assert_eq!(
        answers["properties"]["cloud"]["enum"],
        serde_json::json!(["none", "aws", "gcp", "azure", "multi"])
    );
}

#[test]
fn validate_accepts_the_embedded_data_and_the_examples() {
    let root = common::root();
    let answers = root.join("examples/gcp-hipaa/answers.yaml");
    let workload = root.join("examples/gcp-hipaa/workload.yaml");
    let outcome = Run::new()
        .args(&[
            "validate",
            "--answers",
            &answers.display().to_string(),
            "--workload",
            &workload.display().to_string(),
        ])
        .run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let counts = format!(
        "ok: {} questions, {} routes",
        common::embedded_count("questions"),
        common::embedded_count("routes")
    );
    assert!(outcome.stdout.starts_with(&counts), "{}", outcome.stdout);
}

#[test]
fn version_is_a_success() {
    let outcome = Run::new().args(&["--version"]).run();
    assert_eq!(outcome.code, 0);
    assert!(outcome.stdout.starts_with("routewise "));
}

#[test]
fn a_user_route_with_the_same_id_replaces_the_embedded_one() {
    // A team whose direct-API traffic goes through a private interconnect overrides one claim
    // of one route, in a file of its own; the other routes and the sources stay embedded.
    let embedded =
        std::fs::read_to_string(common::root().join("rules/routes.yaml")).expect("routes file");
    let start = embedded
        .find("  - id: anthropic-api\n")
        .expect("first route");
    let end = embedded
        .find("  - id: anthropic-api-us\n")
        .expect("second route");
    let mut replaced = false;
    let one_route: String = format!("routes:\n{}", &embedded[start..end])
        .lines()
        .map(|line| {
            if !replaced && line.trim_start().starts_with("private_networking:") {
                replaced = true;
                "    private_networking: yes\n".to_owned()
            } else {
                format!("{line}\n")
            }
        })
        .collect();
    let answers = "private_networking: true\nmodel_families: [claude]\n";
    let before = advise_json(answers, None);
    assert_eq!(route(&before, "anthropic-api")["status"], "eliminated");

    let outcome = Run::new()
        .file("answers.yaml", answers)
        .file("mine/interconnect.yaml", &one_route)
        .args(&[
            "advise",
            "--answers",
            "answers.yaml",
            "--rules",
            "mine",
            "--format",
            "json",
        ])
        .run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let after = outcome.json();
    assert_ne!(route(&after, "anthropic-api")["status"], "eliminated");
    assert_eq!(
        after["routes"].as_array().map(Vec::len),
        Some(17),
        "no route added or lost"
    );
}

#[test]
fn a_user_rule_extends_the_embedded_rules() {
    let rule = "rules:\n  - code: RW090\n    name: no-gemini-free\n    effect: eliminate\n    when: route.free_tier\n    message: free tiers are banned by policy\n    why: company policy\n    source: internal policy 7\n";
    let outcome = Run::new()
        .file("answers.yaml", "model_families: [gemini]\n")
        .file("policy/policy.yaml", rule)
        .args(&[
            "advise",
            "--answers",
            "answers.yaml",
            "--rules",
            "policy",
            "--format",
            "json",
        ])
        .run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let report = outcome.json();
    let free = route(&report, "gemini-api-free");
    assert_eq!(free["status"], "eliminated");
    assert_eq!(free["reasons"][0]["code"], "RW090");
    assert_eq!(
        free["reasons"][0]["message"],
        "free tiers are banned by policy"
    );
}

#[test]
fn a_user_pricing_table_replaces_the_embedded_one_and_is_cited() {
    let table = "table = \"anthropic\"\nprovider = \"Anthropic (negotiated)\"\nsource = \"order form 2026-11\"\nas_of = \"2026-11-01\"\n\n[models.claude-haiku-4-5]\nfamily = \"claude\"\ninput = 0.80\noutput = 4\nbatch_discount = 0.5\n";
    let workload = "traffic:\n  - name: t\n    model: claude-haiku-4-5\n    input_tokens_per_month: 1000000\n    output_tokens_per_month: 1000000\n";
    let outcome = Run::new()
        .file("answers.yaml", "model_families: [claude]\n")
        .file("workload.yaml", workload)
        .file("prices/anthropic.toml", table)
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
    let report = outcome.json();
    assert_eq!(
        route(&report, "anthropic-api")["cost"]["monthly_usd"],
        "4.80"
    );
    let source = report["pricing_sources"]
        .as_array()
        .and_then(|s| s.iter().find(|t| t["table"] == "anthropic"))
        .expect("anthropic table cited");
    assert_eq!(source["source"], "order form 2026-11");
    assert_eq!(source["as_of"], "2026-11-01");
}

#[test]
fn a_user_template_replaces_the_report() {
    let outcome = Run::new()
        .file("answers.yaml", "cloud: gcp\n")
        .file(
            "tpl/report.md.j2",
            "Pick {{ recommendation.route }} ({{ routes | length }} routes considered)\n",
        )
        .args(&["advise", "--answers", "answers.yaml", "--templates", "tpl"])
        .run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert_eq!(
        outcome.stdout,
        format!(
            "Pick vertex-global ({} routes considered)\n",
            common::embedded_count("routes")
        )
    );
}

#[test]
fn the_report_says_plainly_when_no_route_survives() {
    let outcome = Run::new()
        .file(
            "answers.yaml",
            "residency: eu\nauth: iam\nzero_data_retention: true\nfeatures: [files_api]\n",
        )
        .args(&["advise", "--answers", "answers.yaml"])
        .run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    insta::assert_snapshot!("report_no_route_survives", outcome.stdout);
    let report = advise_json(
        "residency: eu\nauth: iam\nzero_data_retention: true\nfeatures: [files_api]\n",
        None,
    );
    assert!(report["recommendation"]["route"].is_null());
    let codes: Vec<&str> = report["blocking_constraints"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|b| b["code"].as_str())
        .collect();
    assert_eq!(codes, ["RW011", "RW001", "RW007", "RW004"]);
}

/// `routewise models`: every model with its family, and per route the table and unit
/// prices; `--route` keeps one route; an unknown route is an input error.
#[test]
fn models_lists_families_routes_and_prices() {
    let all = Run::new().args(&["models"]).run();
    assert_eq!(all.code, 0, "{}", all.stderr);
    let header = all.stdout.lines().next().expect("a header");
    assert_eq!(
        header.split_whitespace().collect::<Vec<_>>(),
        [
            "model", "family", "route", "table", "input", "output", "cache", "read", "batch",
            "input"
        ]
    );
    let row = |text: &str, model: &str, route: &str| {
        text.lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>())
            .find(|w| w.first() == Some(&model) && w.get(2) == Some(&route))
            .map(|w| w.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>())
    };
    let direct = row(&all.stdout, "claude-sonnet-4-5", "anthropic-api").expect("served directly");
    assert_eq!(direct[1], "claude");
    assert_eq!(direct[3], "anthropic");
    assert!(row(&all.stdout, "gemini-2.5-pro", "vertex-global").is_some());
    assert!(
        all.stdout
            .contains("Workloads and usage files may also name it as the provider does")
    );

    let one = Run::new().args(&["models", "--route", "bedrock-geo"]).run();
    assert_eq!(one.code, 0, "{}", one.stderr);
    let routes: Vec<&str> = one
        .stdout
        .lines()
        .skip(2)
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_whitespace().nth(2))
        .collect();
    assert!(!routes.is_empty());
    assert!(routes.iter().all(|r| *r == "bedrock-geo"), "{routes:?}");

    let bad = Run::new().args(&["models", "--route", "bedrok-geo"]).run();
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("--route: unknown route `bedrok-geo`"),
        "{}",
        bad.stderr
    );
}
