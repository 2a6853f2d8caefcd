//! Per-stream `growth` and `start_month`, through the binary: a stream carries nothing before
//! its start and grows at its own rate from it, in every month, in the provisioned plan and
//! in sweeps; a start after the horizon is a positioned error.

mod common;

use common::{Run, root};
use rust_decimal::Decimal;

/// A stream from month 1 at the workload's 10%, and one launching in month 3 at its own 50%.
const WORKLOAD: &str = "monthly_growth: 0.1\nhorizon_months: 5\ntraffic:\n  - name: steady\n    model: claude-haiku-4-5\n    input_tokens_per_month: 1000000\n    output_tokens_per_month: 100000\n  - name: launch\n    model: claude-sonnet-4-5\n    start_month: 3\n    growth: 50%\n    input_tokens_per_month: 2000000\n    output_tokens_per_month: 200000\n";

fn dec(v: &serde_json::Value) -> Decimal {
    v.as_str()
        .expect("a decimal string")
        .parse()
        .expect("a decimal")
}

fn cost(workload: &str, extra: &[&str]) -> common::Outcome {
    let mut args = vec!["cost", "--workload", "workload.yaml"];
    args.extend_from_slice(extra);
    Run::new().file("workload.yaml", workload).args(&args).run()
}

/// The sum of a month's line items for one traffic entry.
fn traffic_usd(month: &serde_json::Value, traffic: &str) -> Option<Decimal> {
    let items: Vec<Decimal> = month["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| i["traffic"] == traffic)
        .map(|i| dec(&i["usd"]))
        .collect();
    (!items.is_empty()).then(|| items.iter().sum())
}

#[test]
fn a_later_stream_carries_nothing_before_its_start_and_grows_at_its_own_rate() {
    let outcome = cost(WORKLOAD, &["--route", "anthropic-api", "--format", "json"]);
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let p = outcome.json();
    let route = common::route(&p, "anthropic-api");
    let months = route["months"].as_array().expect("months");
    for m in &months[..2] {
        assert_eq!(traffic_usd(m, "launch"), None, "{m}");
        assert!(traffic_usd(m, "steady").is_some());
    }
    // Month 3 is the launch's declared volume: the same lines as a workload of it alone.
    let alone = cost(
        "traffic:\n  - name: launch\n    model: claude-sonnet-4-5\n    input_tokens_per_month: 2000000\n    output_tokens_per_month: 200000\n",
        &["--route", "anthropic-api", "--months", "2", "--format", "json"],
    )
    .json();
    let alone = &common::route(&alone, "anthropic-api")["months"];
    assert_eq!(
        traffic_usd(&months[2], "launch"),
        traffic_usd(&alone[0], "launch")
    );
    // $6 of input and $3 of output in month 3; month 4 carries 1.5x, month 5 2.25x.
    let launch: Vec<Decimal> = months[2..]
        .iter()
        .map(|m| traffic_usd(m, "launch").expect("launch priced"))
        .collect();
    assert_eq!(
        launch,
        [
            Decimal::new(900, 2),
            Decimal::new(1350, 2),
            Decimal::new(2025, 2)
        ]
    );
    // Every month's total is the sum of its lines, the route's total the sum of its months.
    let mut total = Decimal::ZERO;
    for m in months {
        let lines: Decimal = m["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| dec(&i["usd"]))
            .sum();
        assert_eq!(lines, dec(&m["total_usd"]));
        total += lines;
    }
    assert_eq!(total, dec(&route["total_usd"]));
    let streams = p["streams"].as_array().expect("streams");
    assert_eq!(streams[1]["start_month"], 3);
    assert_eq!(streams[1]["own_growth"], true);
    assert_eq!(
        streams[1]["factors"],
        serde_json::json!(["0", "0", "1", "1.5", "2.25"])
    );
    assert_eq!(streams[0]["factors"][4], "1.4641");
    let assumptions = p["assumptions"].to_string();
    assert!(
        assumptions.contains("Traffic `launch` starts in month 3 and carries nothing before it"),
        "{assumptions}"
    );
}

#[test]
fn every_format_states_each_streams_growth_and_start() {
    for format in ["table", "markdown", "csv"] {
        let outcome = cost(WORKLOAD, &["--route", "anthropic-api", "--format", format]);
        assert_eq!(outcome.code, 0, "{format}: {}", outcome.stderr);
        assert!(
            outcome
                .stdout
                .contains("Traffic `launch` starts in month 3 and carries nothing before it; its declared volume is that of month 3, and it grows 50% a month (its own rate)"),
            "{format}: {}",
            outcome.stdout
        );
    }
    let markdown = cost(
        WORKLOAD,
        &["--route", "anthropic-api", "--format", "markdown"],
    )
    .stdout;
    assert!(
        markdown.contains("| launch | 50% (own) | 3 |"),
        "{markdown}"
    );
    let table = cost(WORKLOAD, &["--route", "anthropic-api"]).stdout;
    assert!(
        table.contains("Streams with their own growth or start: launch (50% a month from month 3)"),
        "{table}"
    );
}

#[test]
fn a_start_after_the_horizon_is_an_error_with_its_position() {
    let late = WORKLOAD.replace("start_month: 3", "start_month: 6");
    let outcome = cost(&late, &[]);
    assert_eq!(outcome.code, 2, "{}", outcome.stderr);
    insta::assert_snapshot!("start_after_horizon", outcome.stderr);
    // --months may shorten the horizon below a start the workload allows.
    let short = cost(WORKLOAD, &["--months", "2"]);
    assert_eq!(short.code, 2, "{}", short.stderr);
    assert!(
        short
            .stderr
            .contains("workload.yaml:10:18 (key `traffic[1].start_month`)")
            && short
                .stderr
                .contains("after the 2-month horizon (--months)")
            && short.stderr.contains("E-WORKLOAD-START-MONTH"),
        "{}",
        short.stderr
    );
    for (bad, expected) in [
        ("start_month: 0", "start month 0 is out of range"),
        ("growth: 3", "out of range"),
    ] {
        let text = WORKLOAD.replace("start_month: 3", bad).replace(
            "growth: 50%",
            if bad.starts_with("growth") {
                bad
            } else {
                "growth: 50%"
            },
        );
        let outcome = cost(&text, &[]);
        assert_eq!(outcome.code, 2, "{bad}: {}", outcome.stderr);
        assert!(
            outcome.stderr.contains(expected),
            "{bad}: {}",
            outcome.stderr
        );
        assert!(
            outcome.stderr.contains("workload.yaml:"),
            "{}",
            outcome.stderr
        );
    }
}

#[test]
fn the_provisioned_plan_buys_nothing_before_a_launch_and_says_when_it_pays_off() {
    let dir = root().join("examples/aws-enterprise-eu");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).expect("the example");
    let run = |format: &str| {
        let outcome = Run::new()
            .file("workload-launch.yaml", &read("workload-launch.yaml"))
            .file("price-book.toml", &read("price-book.toml"))
            .args(&[
                "cost",
                "--workload",
                "workload-launch.yaml",
                "--price-book",
                "price-book.toml",
                "--route",
                "bedrock-provisioned",
                "--format",
                format,
            ])
            .run();
        assert_eq!(outcome.code, 0, "{}", outcome.stderr);
        outcome
    };
    let p = run("json").json();
    let route = common::route(&p, "bedrock-provisioned");
    let plan = route["plans"]
        .as_array()
        .expect("plans")
        .iter()
        .find(|pl| pl["traffic"] == "support-agent")
        .expect("a plan for the launch");
    let months = plan["months"].as_array().expect("months");
    for m in &months[..3] {
        assert_eq!(m["units"], 0, "{m}");
        assert_eq!(dec(&m["all_on_demand_usd"]), Decimal::ZERO);
    }
    let pays_off = plan["pays_off_from_month"].as_u64().expect("pays off");
    assert!(pays_off >= 4, "{pays_off}");
    let sum: Decimal = months
        .iter()
        .map(|m| dec(&m["provisioned_usd"]) + dec(&m["spill_usd"]))
        .sum();
    assert_eq!(sum, dec(&plan["plan_usd"]));
    let table = run("table").stdout;
    assert!(
        table.contains("support-agent (claude-sonnet-4-5): peak 1,200,000 tokens/min in month 4"),
        "{table}"
    );
    insta::assert_snapshot!("launch_plan_table", table);
}

#[test]
fn a_sweep_prices_the_first_month_every_stream_runs() {
    let outcome = cost(
        WORKLOAD,
        &[
            "--route",
            "anthropic-api",
            "--sweep",
            "output_tokens_per_month=100000..200000",
            "--steps",
            "2",
            "--format",
            "json",
        ],
    );
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let s = outcome.json();
    assert_eq!(s["month"], 3);
    // Month 3 with 100k output tokens on each entry: `steady` at 1.21x ($1.21 input, $0.61
    // output on Haiku), `launch` at its declared volume ($6 input, $1.50 output on Sonnet).
    assert_eq!(dec(&s["routes"][0]["monthly_usd"][0]), Decimal::new(932, 2));
    assert!(
        s["assumptions"].to_string().contains(
            "The sweep prices month 3, the first month in which every traffic stream runs"
        ),
        "{}",
        s["assumptions"]
    );
}

#[test]
fn advise_prices_a_later_stream_and_says_so() {
    let outcome = Run::new()
        .file("workload.yaml", WORKLOAD)
        .file("answers.yaml", "model_families: [claude]\n")
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
    assert!(
        report["assumptions"]
            .to_string()
            .contains("including streams that start later: `launch` (month 3)"),
        "{}",
        report["assumptions"]
    );
}
