//! `routewise cost` with surfaces: each surface's own traffic on its own routes and the
//! portfolio total, in every format, adding up; per-model compliance decided per surface;
//! `replay` saying that usage is not split per surface.

mod common;

use common::{Run, root};
use rust_decimal::Decimal;

fn example(file: &str) -> String {
    std::fs::read_to_string(root().join("examples/voice-and-analytics").join(file))
        .expect("the example")
}

fn dec(v: &serde_json::Value) -> Decimal {
    v.as_str()
        .expect("a decimal string")
        .parse()
        .expect("a decimal")
}

fn run(format: &str, rules: Option<&str>) -> common::Outcome {
    let mut run = Run::new()
        .file("answers.yaml", &example("answers.yaml"))
        .file("workload.yaml", &example("workload.yaml"));
    let mut args = vec![
        "cost",
        "--answers",
        "answers.yaml",
        "--workload",
        "workload.yaml",
        "--months",
        "3",
        "--format",
        format,
    ];
    if let Some(routes) = rules {
        run = run.file("mine/routes.yaml", routes);
        args.extend(["--rules", "mine"]);
    }
    let outcome = run.args(&args).run();
    assert_eq!(outcome.code, 0, "{format}: {}", outcome.stderr);
    outcome
}

#[test]
fn each_surface_is_priced_on_its_own_route_and_the_portfolio_adds_up() {
    let p = run("json", Some(&hipaa_confirmed_routes())).json();
    let surfaces = p["surfaces"].as_array().expect("surfaces");
    assert_eq!(surfaces.len(), 2);
    assert_eq!(surfaces[0]["traffic"], serde_json::json!(["voice-turns"]));
    assert_eq!(
        surfaces[1]["traffic"],
        serde_json::json!(["notebook-analysis", "report-drafting"])
    );
    let portfolio = &p["portfolio"];
    let lines = portfolio["lines"].as_array().expect("lines");
    // Each surface's line is its own route's projected months.
    for (surface, line) in surfaces.iter().zip(lines) {
        let route = surface["route"].as_str().expect("a route");
        assert_eq!(line["route"], route);
        let projected = surface["routes"]
            .as_array()
            .expect("routes")
            .iter()
            .find(|r| r["id"] == route)
            .expect("the surface's route is projected");
        let months: Vec<&serde_json::Value> = projected["months"]
            .as_array()
            .expect("months")
            .iter()
            .map(|m| &m["total_usd"])
            .collect();
        let line_months: Vec<&serde_json::Value> =
            line["months"].as_array().expect("months").iter().collect();
        assert_eq!(months, line_months);
        // Only the surface's own traffic is in its lines.
        let own: Vec<&str> = surface["traffic"]
            .as_array()
            .expect("traffic")
            .iter()
            .filter_map(|t| t.as_str())
            .collect();
        for m in projected["months"].as_array().expect("months") {
            for item in m["items"].as_array().expect("items") {
                assert!(
                    own.contains(&item["traffic"].as_str().unwrap_or("")),
                    "{item}"
                );
            }
        }
    }
    assert_eq!(lines.last().expect("gateway")["kind"], "gateway");
    // Month totals are the sums of their lines; the total is the sum of the months.
    let mut total = Decimal::ZERO;
    for (i, month) in portfolio["months"]
        .as_array()
        .expect("months")
        .iter()
        .enumerate()
    {
        let sum: Decimal = lines.iter().map(|l| dec(&l["months"][i])).sum();
        assert_eq!(sum, dec(&month["total_usd"]));
        total += sum;
    }
    assert_eq!(total, dec(&portfolio["total_usd"]));
    assert_eq!(total, Decimal::new(257_916, 2));
}

#[test]
fn every_format_carries_the_surfaces_and_the_portfolio_total() {
    let table = run("table", Some(&hipaa_confirmed_routes())).stdout;
    assert!(
        table.contains("Surface `analytics` (notebook-analysis, report-drafting)")
            && table
                .contains("portfolio total                         $859.72  $859.72  $2,579.16"),
        "{table}"
    );
    let markdown = run("markdown", Some(&hipaa_confirmed_routes())).stdout;
    assert!(
        markdown.contains("### Surface `voice`")
            && markdown
                .contains("| **portfolio total** | | **$859.72** | **$859.72** | **$2,579.16** |"),
        "{markdown}"
    );
    let csv = run("csv", Some(&hipaa_confirmed_routes())).stdout;
    assert!(
        csv.starts_with("kind,route,month,traffic,model,item,tokens,usd_per_mtok,usd,surface\n"),
        "{csv}"
    );
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    for month in ["1", "2", "3"] {
        let lines: Decimal = rows
            .iter()
            .filter(|r| r[0] == "portfolio" && r[2] == month)
            .map(|r| r[8].parse::<Decimal>().expect("an amount"))
            .sum();
        let total = rows
            .iter()
            .find(|r| r[0] == "portfolio_total" && r[2] == month)
            .map(|r| r[8].parse::<Decimal>().expect("an amount"))
            .expect("a month total");
        assert_eq!(lines, total, "month {month}");
    }
    let surface_lines: Decimal = rows
        .iter()
        .filter(|r| r[0] == "surface_line" && r[1] == "vertex-regional" && r[9] == "analytics")
        .map(|r| r[8].parse::<Decimal>().expect("an amount"))
        .sum();
    assert_eq!(surface_lines, Decimal::new(94_950, 2));
    assert!(
        csv.contains("With surfaces, each surface's own traffic is projected"),
        "{csv}"
    );
}

/// The shipped routes with Vertex's single-region HIPAA value scoped: one model (used only
/// by the analytics surface) outside it.
fn hipaa_scoped_routes() -> String {
    vertex_regional_hipaa(
        "\n        - { state: no, models: [claude-sonnet-4-5], note: \"this model is outside the BAA on this route\", source: vertex-security }\n        - { state: yes, source: vertex-security }",
    )
}

/// The shipped routes with Vertex's single-region HIPAA value replaced by `value`.
fn vertex_regional_hipaa(value: &str) -> String {
    let routes = std::fs::read_to_string(root().join("rules/routes.yaml")).expect("routes");
    let start = routes
        .find("  - id: vertex-regional")
        .expect("vertex-regional");
    let at = start
        + routes[start..]
            .find("      hipaa: *vertex-framework")
            .expect("hipaa");
    format!(
        "{}      hipaa:{value}{}",
        &routes[..at],
        &routes[at + "      hipaa: *vertex-framework".len()..]
    )
}

/// The shipped routes as if Google Cloud had confirmed HIPAA for every model on the
/// single-region endpoint (the shipped value is `unknown` for Claude, which leaves the
/// example's analytics surface without a route): the portfolio arithmetic needs a route
/// on both surfaces.
fn hipaa_confirmed_routes() -> String {
    vertex_regional_hipaa(" { state: yes, source: vertex-security }")
}

#[test]
fn a_model_outside_hipaa_on_a_route_eliminates_it_for_the_surface_that_uses_it() {
    let outcome = Run::new()
        .file("answers.yaml", &example("answers.yaml"))
        .file("workload.yaml", &example("workload.yaml"))
        .file("mine/routes.yaml", &hipaa_scoped_routes())
        .args(&[
            "advise",
            "--answers",
            "answers.yaml",
            "--workload",
            "workload.yaml",
            "--rules",
            "mine",
            "--format",
            "json",
        ])
        .run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let report = outcome.json();
    let on = |routes: &serde_json::Value| {
        routes
            .as_array()
            .and_then(|routes| routes.iter().find(|r| r["id"] == "vertex-regional"))
            .cloned()
            .expect("vertex-regional")
    };
    let surface = |name: &str| {
        report["surfaces"]
            .as_array()
            .expect("surfaces")
            .iter()
            .find(|s| s["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("no surface {name}"))
    };
    // Voice runs only Haiku: still covered.
    assert_ne!(on(&surface("voice")["routes"])["status"], "eliminated");
    // Analytics as a whole (Sonnet and Gemini on one route) loses vertex-regional, with the
    // rule, the fact and its source...
    let split = &report["portfolio"]["splits"][0];
    assert_eq!(split["surface"], "analytics");
    let analytics = on(&split["routes"]);
    assert_eq!(analytics["status"], "eliminated");
    assert_eq!(analytics["reasons"][0]["code"], "RW003");
    assert_eq!(analytics["reasons"][0]["rule"], "compliance-coverage");
    assert_eq!(
        analytics["reasons"][0]["message"],
        "is not covered by hipaa for claude-sonnet-4-5: this model is outside the BAA on this route"
    );
    let fact = &analytics["evidence"][0];
    assert_eq!(fact["model"], "claude-sonnet-4-5");
    assert_eq!(fact["state"], "no");
    assert_eq!(fact["source"], "vertex-security");
    assert!(
        fact["url"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://")),
        "{fact}"
    );
    // ...so each family is decided on its own: Gemini keeps vertex-regional, where its
    // coverage holds, and Sonnet moves to a route that covers it.
    assert_ne!(
        on(&surface("analytics/gemini")["routes"])["status"],
        "eliminated"
    );
    assert_eq!(
        on(&surface("analytics/claude")["routes"])["status"],
        "eliminated"
    );
    assert_eq!(report["portfolio"]["verdict"], "portfolio");
    // The cost projection follows the split: a part per family, each with its route.
    let p = run("json", Some(&hipaa_scoped_routes())).json();
    assert!(
        p["portfolio"]["total_usd"].is_string(),
        "{}",
        p["portfolio"]
    );
    assert_eq!(p["surfaces"][1]["name"], "analytics/claude");
    assert_eq!(p["surfaces"][2]["route"], "vertex-regional");
}

#[test]
fn replay_says_usage_is_not_split_per_surface() {
    let outcome = Run::new()
        .file("answers.yaml", &example("answers.yaml"))
        .file(
            "usage.csv",
            "timestamp,model,input_tokens,output_tokens\n2026-10-01T00:00:00Z,claude-haiku-4-5,1000000,0\n",
        )
        .args(&[
            "replay",
            "--usage",
            "usage.csv",
            "--answers",
            "answers.yaml",
            "--format",
            "csv",
        ])
        .run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert!(
        outcome.stdout.contains(
            "The answers name surfaces (voice, analytics), but usage rows carry no surface"
        ),
        "{}",
        outcome.stdout
    );
}
