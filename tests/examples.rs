//! The shipped examples, run through the binary: Markdown snapshots, JSON contract checks,
//! `--output`, and the report without a workload.

mod common;

use common::{Run, root};

fn example_args(name: &str, format: &str) -> Vec<String> {
    let dir = root().join("examples").join(name);
    vec![
        "advise".into(),
        "--answers".into(),
        dir.join("answers.yaml").display().to_string(),
        "--workload".into(),
        dir.join("workload.yaml").display().to_string(),
        "--format".into(),
        format.into(),
    ]
}

fn run_example(name: &str, format: &str) -> common::Outcome {
    let args = example_args(name, format);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let outcome = Run::new().args(&args).run();
    assert_eq!(outcome.code, 0, "{name} failed:\n{}", outcome.stderr);
    outcome
}

#[test]
fn markdown_reports_of_the_examples() {
    for name in [
        "solo-prototype",
        "aws-enterprise-eu",
        "gcp-hipaa",
        "voice-and-analytics",
    ] {
        let outcome = run_example(name, "markdown");
        insta::assert_snapshot!(format!("report-{name}"), outcome.stdout);
    }
}

#[test]
fn examples_recommend_the_expected_routes() {
    for (name, expected) in [
        ("solo-prototype", serde_json::json!("anthropic-api")),
        ("aws-enterprise-eu", serde_json::json!("bedrock-geo")),
        // No public source puts Claude on Vertex AI in HIPAA scope: the two GCP HIPAA
        // examples have no route for Claude and Gemini together.
        ("gcp-hipaa", serde_json::Value::Null),
        ("voice-and-analytics", serde_json::Value::Null),
    ] {
        let report = run_example(name, "json").json();
        assert_eq!(report["recommendation"]["route"], expected, "{name}");
    }
}

#[test]
fn an_unsourced_claim_is_an_open_question_not_a_recommendation() {
    let report = run_example("gcp-hipaa", "json").json();
    let questions = report["open_questions"].as_array().expect("open questions");
    let routes: Vec<&str> = questions
        .iter()
        .filter_map(|q| q["route"].as_str())
        .collect();
    assert_eq!(routes, ["vertex-global", "vertex-regional"]);
    for q in questions {
        assert_eq!(q["ask"], "Google Cloud");
        assert_eq!(q["code"], "RW003");
        assert!(
            q["question"]
                .as_str()
                .is_some_and(|t| t.starts_with("compliance with hipaa for claude-sonnet-4-5")),
            "{q}"
        );
    }
    // The Markdown says it in those words, under its own heading.
    let markdown = run_example("gcp-hipaa", "markdown").stdout;
    assert!(markdown.contains("## Open questions for the vendors"));
    assert!(markdown.contains(
        "- `vertex-global` (`RW003`): compliance with hipaa for claude-sonnet-4-5: no public source says it does: ask Google Cloud"
    ));
}

#[test]
fn json_report_keeps_its_contract() {
    let report = run_example("aws-enterprise-eu", "json").json();
    assert_eq!(report["schema_version"], 1);
    assert!(
        report["recommendation"]["summary"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
    for route in report["routes"].as_array().expect("routes") {
        assert!(route["id"].is_string());
        let status = route["status"].as_str().expect("status");
        assert!(["recommended", "viable", "eliminated"].contains(&status));
        assert!(route["score"].is_number());
        for reason in route["reasons"].as_array().expect("reasons") {
            assert!(reason["code"].as_str().is_some_and(|c| c.starts_with("RW")));
            assert!(reason["message"].is_string());
        }
        if status == "eliminated" {
            assert!(route["cost"].is_null());
            assert!(
                !route["reasons"].as_array().expect("reasons").is_empty(),
                "an eliminated route says why"
            );
        } else {
            let cost = &route["cost"];
            for item in cost["items"].as_array().expect("items") {
                assert!(item["name"].is_string());
                assert!(item["usd"].is_string(), "amounts are decimal strings");
            }
        }
    }
    for w in report["warnings"].as_array().expect("warnings") {
        assert!(w["code"].is_string() && w["message"].is_string());
    }
    for s in report["pricing_sources"]
        .as_array()
        .expect("pricing sources")
    {
        assert!(s["table"].is_string() && s["source"].is_string());
        assert_eq!(s["as_of"].as_str().map(str::len), Some(10));
    }
}

#[test]
fn output_flag_writes_the_report_to_a_file() {
    let mut args = example_args("gcp-hipaa", "json");
    args.extend(["--output".into(), "report.json".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (outcome, dir) = Run::new().args(&args).run_in();
    let path = dir.path().join("report.json");
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert!(outcome.stdout.is_empty());
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("written")).expect("JSON");
    assert_eq!(
        written["recommendation"]["summary"]
            .as_str()
            .map(|s| s.starts_with("No route")),
        Some(true)
    );
}

#[test]
fn without_a_workload_the_report_shows_unit_prices() {
    let report = common::advise_json("cloud: aws\nresidency: eu\n", None);
    assert_eq!(report["priced_workload"], false);
    let geo = common::route(&report, "bedrock-geo");
    assert!(geo["cost"].is_null());
    let sonnet = geo["unit_prices"]
        .as_array()
        .expect("unit prices")
        .iter()
        .find(|p| p["model"] == "claude-sonnet-4-5")
        .expect("sonnet priced");
    // The geographic profile carries the 10% premium on every category.
    assert_eq!(sonnet["input"], "3.3");
    assert_eq!(sonnet["output"], "16.5");
}

#[test]
fn surfaces_are_decided_one_by_one_and_composed() {
    let report = run_example("voice-and-analytics", "json").json();
    let portfolio = &report["portfolio"];
    let surfaces = portfolio["surfaces"]
        .as_array()
        .expect("portfolio surfaces");
    let names: Vec<&str> = surfaces.iter().filter_map(|s| s["name"].as_str()).collect();
    assert_eq!(names, ["voice", "analytics/claude", "analytics/gemini"]);
    // voice (Claude Haiku, EU, HIPAA, IAM) lands on Bedrock's EU profile. No route serves
    // analytics' Claude and Gemini together (HIPAA for Claude on Vertex AI has no public
    // source), so each family is decided on its own: Claude on Bedrock's EU profile, Gemini
    // on a Vertex AI EU region, with the gateway in front of both.
    let routes: Vec<&str> = surfaces
        .iter()
        .filter_map(|s| s["route"].as_str())
        .collect();
    assert_eq!(routes, ["bedrock-geo", "bedrock-geo", "vertex-regional"]);
    assert_eq!(surfaces[1]["split_of"], "analytics");
    assert_eq!(surfaces[1]["family"], "claude");
    assert_eq!(surfaces[2]["family"], "gemini");
    assert!(surfaces[0].get("split_of").is_none());
    assert_eq!(portfolio["verdict"], "portfolio");
    // The total is the three parts plus the gateway, to the cent.
    let usd = |v: &serde_json::Value| -> rust_decimal::Decimal {
        v.as_str()
            .expect("decimal string")
            .parse()
            .expect("decimal")
    };
    let parts: rust_decimal::Decimal = surfaces.iter().map(|s| usd(&s["monthly_usd"])).sum();
    assert_eq!(
        usd(&portfolio["monthly_usd"]),
        parts + usd(&portfolio["gateway"]["monthly_usd"])
    );
    // ...and the report says what keeps one route from serving analytics whole, and what to
    // ask: the only thing between vertex-regional and serving both families.
    let split = &portfolio["splits"][0];
    assert_eq!(split["surface"], "analytics");
    assert_eq!(
        split["parts"],
        serde_json::json!(["analytics/claude", "analytics/gemini"])
    );
    let asked: Vec<(&str, &str)> = split["open_questions"]
        .as_array()
        .expect("open questions")
        .iter()
        .filter_map(|q| Some((q["route"].as_str()?, q["question"].as_str()?)))
        .collect();
    assert_eq!(
        asked,
        [(
            "vertex-regional",
            "compliance with hipaa for claude-sonnet-4-5: no public source says it does: ask Google Cloud"
        )]
    );
    let blocking: Vec<&str> = split["blocking_constraints"]
        .as_array()
        .expect("blocking constraints")
        .iter()
        .filter_map(|b| b["code"].as_str())
        .collect();
    assert!(blocking.contains(&"RW003"), "{blocking:?}");
    // voice asked for latency and newest features, and runs on GCP: left unmet, and said.
    // It also asked for several providers behind one interface: the gateway meets that.
    let unmet: Vec<&str> = surfaces[0]["unmet"]
        .as_array()
        .expect("unmet")
        .iter()
        .filter_map(|u| u["question"].as_str())
        .collect();
    assert_eq!(unmet, ["latency_critical", "newest_features", "cloud"]);
    // The gateway is a product composed with each part's route, allowed on every part: its
    // Claude traffic meets HIPAA on Bedrock, its Gemini traffic on Vertex AI.
    assert_eq!(portfolio["gateway"]["id"], "litellm-proxy");
    assert_eq!(
        portfolio["gateway"]["behind"],
        serde_json::json!(["bedrock-geo", "vertex-regional"])
    );
    assert_eq!(portfolio["gateway"]["eliminated_on"], serde_json::json!([]));
    // How to switch: one guide per route, then the gateway's with its LiteLLM config.
    let adoption = report["adoption"].as_array().expect("adoption");
    let guides: Vec<&str> = adoption
        .iter()
        .filter_map(|g| g["route"].as_str())
        .collect();
    assert_eq!(guides, ["bedrock-geo", "vertex-regional", "litellm-proxy"]);
    // Gemini on Vertex AI takes Google's SDK, and Claude Code has no part in it.
    assert!(
        adoption[1]["python"]
            .as_str()
            .is_some_and(|p| p.contains("genai.Client(vertexai=True")),
        "{}",
        adoption[1]["python"]
    );
    assert_eq!(adoption[1]["claude_code"], serde_json::json!([]));
    let config = adoption[2]["litellm_config"].as_str().expect("config");
    assert!(
        config.contains("bedrock/eu.anthropic.claude-sonnet-4-5"),
        "{config}"
    );
    assert!(config.contains("vertex_ai/gemini-2.5-pro"), "{config}");
    // Each surface carries today's report shape, for its own traffic only.
    let per_surface = report["surfaces"].as_array().expect("surfaces");
    assert_eq!(
        per_surface[0]["traffic"],
        serde_json::json!(["voice-turns"])
    );
    assert_eq!(
        per_surface[1]["traffic"],
        serde_json::json!(["report-drafting"])
    );
    assert_eq!(
        per_surface[2]["traffic"],
        serde_json::json!(["notebook-analysis"])
    );
    assert_eq!(per_surface[2]["split_of"], "analytics");
}

#[test]
fn a_portfolio_costs_its_surfaces_plus_the_gateway() {
    // The example's brief without HIPAA: both surfaces have a route, so the total adds up.
    let dir = root().join("examples").join("voice-and-analytics");
    let answers = std::fs::read_to_string(dir.join("answers.yaml"))
        .expect("answers")
        .replace("compliance: [hipaa]\n", "");
    let workload = std::fs::read_to_string(dir.join("workload.yaml")).expect("workload");
    let outcome = Run::new()
        .file("answers.yaml", &answers)
        .file("workload.yaml", &workload)
        .args(&[
            "advise",
            "--answers",
            "answers.yaml",
            "--workload",
            "workload.yaml",
            "--format",
            "json",
        ])
        .run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let report = outcome.json();
    let portfolio = &report["portfolio"];
    let surfaces = portfolio["surfaces"].as_array().expect("surfaces");
    let usd = |v: &serde_json::Value| -> rust_decimal::Decimal {
        v.as_str()
            .expect("decimal string")
            .parse()
            .expect("decimal")
    };
    let sum: rust_decimal::Decimal = surfaces.iter().map(|s| usd(&s["monthly_usd"])).sum();
    assert_eq!(
        usd(&portfolio["monthly_usd"]),
        sum + usd(&portfolio["gateway"]["monthly_usd"])
    );
    // Side by side: the portfolio, the best single route, the cheapest split.
    let kinds: Vec<&str> = portfolio["options"]
        .as_array()
        .expect("options")
        .iter()
        .filter_map(|o| o["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["portfolio", "single_route", "cheapest_split"]);
}

#[test]
fn without_surfaces_the_json_has_no_portfolio_keys() {
    let report = run_example("gcp-hipaa", "json").json();
    assert!(report.get("portfolio").is_none());
    assert!(report.get("surfaces").is_none());
    assert!(report["unmet"].is_array());
}

#[test]
fn a_surface_is_split_by_family_only_when_every_family_has_a_route() {
    let answers = "zero_data_retention: true\nsurfaces:\n  - name: analytics\n    model_families: [claude, gemini]\n";
    let workload = |claude: &str| {
        format!(
            "traffic:\n  - {{ name: agent, model: {claude}, input_tokens_per_month: 1000000, output_tokens_per_month: 100000 }}\n  - {{ name: notebooks, model: gemini-2.5-pro, input_tokens_per_month: 1000000, output_tokens_per_month: 100000 }}\n"
        )
    };
    let advise = |claude: &str| {
        let outcome = Run::new()
            .file("answers.yaml", answers)
            .file("workload.yaml", &workload(claude))
            .args(&[
                "advise",
                "--answers",
                "answers.yaml",
                "--workload",
                "workload.yaml",
                "--format",
                "json",
            ])
            .run();
        assert_eq!(outcome.code, 0, "{}", outcome.stderr);
        outcome.json()["portfolio"].clone()
    };
    // Claude Fable 5.1 needs 30-day retention on every route: no route for the Claude
    // family, so splitting would not help; the surface stays whole, with no route.
    let none = advise("claude-fable-5-1");
    assert_eq!(none["verdict"], "no_route");
    assert!(none.get("splits").is_none(), "{none}");
    let names: Vec<&str> = none["surfaces"]
        .as_array()
        .expect("surfaces")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(names, ["analytics"]);
    // With Sonnet 4.5 one route serves both families: no split either.
    let one = advise("claude-sonnet-4-5");
    assert!(one.get("splits").is_none(), "{one}");
    assert_eq!(one["surfaces"][0]["name"], "analytics");
    assert!(one["surfaces"][0]["route"].is_string(), "{one}");
}
