//! `routewise cost`: snapshots of every format, hand-computed provisioned sizing, price-book
//! discounts to the cent, sweeps and their crossings, and the errors of bad price books.

mod common;

use common::{Run, root};

const FLAT: &str =
    "hourly_profile: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]";

fn example(name: &str, file: &str) -> String {
    root()
        .join("examples")
        .join(name)
        .join(file)
        .display()
        .to_string()
}

fn cost(run: Run, extra: &[&str]) -> common::Outcome {
    let mut args = vec!["cost", "--workload", "workload.yaml"];
    args.extend_from_slice(extra);
    let outcome = run.args(&args).run();
    assert_eq!(outcome.code, 0, "cost failed:\n{}", outcome.stderr);
    outcome
}

#[test]
fn every_format_of_the_aws_example() {
    for (format, name) in [
        ("table", "cost_table"),
        ("csv", "cost_csv"),
        ("markdown", "cost_markdown"),
    ] {
        let outcome = Run::new()
            .args(&[
                "cost",
                "--workload",
                &example("aws-enterprise-eu", "workload.yaml"),
                "--answers",
                &example("aws-enterprise-eu", "answers.yaml"),
                "--months",
                "3",
                "--growth",
                "10%",
                "--format",
                format,
            ])
            .run();
        assert_eq!(outcome.code, 0, "{}", outcome.stderr);
        insta::assert_snapshot!(name, outcome.stdout);
    }
}

#[test]
fn json_projection_keeps_its_contract_and_sums() {
    let outcome = Run::new()
        .args(&[
            "cost",
            "--workload",
            &example("gcp-hipaa", "workload.yaml"),
            "--months",
            "6",
            "--growth",
            "0.05",
            "--format",
            "json",
        ])
        .run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let p = outcome.json();
    assert!(p["assumptions"].as_array().is_some_and(|a| !a.is_empty()));
    let dec = |v: &serde_json::Value| {
        v.as_str()
            .expect("decimal string")
            .parse::<rust_decimal::Decimal>()
            .expect("decimal")
    };
    let mut priced = 0;
    for route in p["routes"].as_array().expect("routes") {
        assert!(route["id"].is_string());
        let months = route["months"].as_array().expect("months");
        assert_eq!(months.len(), 6);
        if route["total_usd"].is_null() {
            assert!(
                !route["unserved"].as_array().expect("unserved").is_empty(),
                "a missing total says why"
            );
            continue;
        }
        priced += 1;
        let mut sum = rust_decimal::Decimal::ZERO;
        for (i, month) in months.iter().enumerate() {
            assert_eq!(month["month"], i + 1);
            let items: rust_decimal::Decimal = month["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|it| dec(&it["usd"]))
                .sum();
            assert_eq!(
                items,
                dec(&month["total_usd"]),
                "{} month {}",
                route["id"],
                i + 1
            );
            for item in month["items"].as_array().expect("items") {
                assert!(item["name"].is_string());
            }
            sum += dec(&month["total_usd"]);
        }
        assert_eq!(sum, dec(&route["total_usd"]), "{}", route["id"]);
    }
    assert_eq!(
        priced, 3,
        "Claude and Gemini together: two Vertex routes and the gateway"
    );
}

#[test]
fn provisioned_capacity_is_sized_from_a_quote() {
    // 8.76 bn input tokens a month, flat: 200,000 tokens a minute over 730 h. On demand in
    // region: 8,760 x $3 x 1.1 = $28,908. Two quoted units of 100,000 tokens/min at $10/h
    // serve it all for 2 x 10 x 730 = $14,600; one unit would cost 7,300 + 14,454.
    let workload = format!(
        "traffic:\n  - name: steady\n    model: claude-sonnet-4-5\n    input_tokens_per_month: 8760000000\n    output_tokens_per_month: 0\n    {FLAT}\n"
    );
    let book = "[[provisioned]]\nmodel = \"claude-sonnet-4-5\"\nhourly_1_month = 10\ntokens_per_minute_per_unit = 100000\nnote = \"test quote\"\n";
    let outcome = cost(
        Run::new()
            .file("workload.yaml", &workload)
            .file("book.toml", book),
        &[
            "--price-book",
            "book.toml",
            "--route",
            "bedrock-provisioned",
            "--route",
            "bedrock-region",
            "--months",
            "1",
            "--format",
            "json",
        ],
    );
    let p = outcome.json();
    let provisioned = common::route(&p, "bedrock-provisioned");
    let region = common::route(&p, "bedrock-region");
    assert_eq!(region["total_usd"], "28908.00");
    assert_eq!(provisioned["total_usd"], "14600.00");
    let sizing = &provisioned["months"][0]["sizing"][0];
    assert_eq!(sizing["chosen"]["units"], 2);
    assert_eq!(sizing["chosen"]["commitment"], "1-month");
    assert_eq!(sizing["utilisation"], "1");
    assert_eq!(sizing["peak_tokens_per_minute"], "200000");
    assert_eq!(sizing["capacity_assumed"], false);
    // Break-even: one unit ($7,300 a month) over $3.30 per million tokens.
    assert_eq!(sizing["break_even"][0]["tokens_per_month"], "2212121212");
    let items = provisioned["months"][0]["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "no spill-over: {items:?}");
    assert_eq!(
        items[0]["name"],
        "provisioned: 2 units x 1-month commitment (730 h at $10/h)"
    );
}

#[test]
fn without_a_quote_the_provisioned_route_says_why_instead_of_a_number() {
    let workload = "traffic:\n  - name: t\n    model: claude-sonnet-4-5\n    input_tokens_per_month: 1000\n    output_tokens_per_month: 1000\n";
    let p = cost(
        Run::new().file("workload.yaml", workload),
        &["--route", "bedrock-provisioned", "--format", "json"],
    )
    .json();
    let route = common::route(&p, "bedrock-provisioned");
    assert!(route["total_usd"].is_null());
    let reason = route["unserved"][0]["reason"].as_str().expect("reason");
    assert!(reason.contains("price book"), "{reason}");
}

#[test]
fn price_book_discounts_are_their_own_lines_to_the_cent() {
    let workload = "traffic:\n  - name: t\n    model: claude-sonnet-4-5\n    input_tokens_per_month: 1000000\n    output_tokens_per_month: 1000000\n";
    let book = "name = \"test terms\"\n[[discount]]\nprovider = \"aws\"\npercent = 10\nnote = \"EDP\"\n\n[[override]]\ntable = \"anthropic\"\nmodel = \"claude-sonnet-4-5\"\ninput = 2\nnote = \"private offer\"\n";
    let p = cost(
        Run::new()
            .file("workload.yaml", workload)
            .file("book.toml", book),
        &[
            "--price-book",
            "book.toml",
            "--route",
            "bedrock-global",
            "--route",
            "anthropic-api",
            "--months",
            "1",
            "--format",
            "json",
        ],
    )
    .json();
    let bedrock = common::route(&p, "bedrock-global");
    assert_eq!(bedrock["total_usd"], "16.20", "$18 list less 10%");
    let items = bedrock["months"][0]["items"].as_array().expect("items");
    assert_eq!(items.last().expect("discount line")["usd"], "-1.80");
    assert_eq!(
        common::route(&p, "anthropic-api")["total_usd"],
        "17.00",
        "override: $2 input + $15 output"
    );
    let kinds: Vec<&str> = p["price_book"]["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["discount", "override"]);
}

#[test]
fn the_price_book_also_applies_to_advise() {
    let book = "[[discount]]\nroute = \"bedrock-global\"\npercent = 50\nnote = \"half off\"\n";
    let outcome = Run::new()
        .file("answers.yaml", "cloud: aws\n")
        .file("workload.yaml", "traffic:\n  - name: t\n    model: claude-haiku-4-5\n    input_tokens_per_month: 1000000\n    output_tokens_per_month: 1000000\n")
        .file("book.toml", book)
        .args(&["advise", "--answers", "answers.yaml", "--workload", "workload.yaml", "--price-book", "book.toml", "--format", "json"])
        .run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let report = outcome.json();
    assert_eq!(
        common::route(&report, "bedrock-global")["cost"]["monthly_usd"],
        "3.00"
    );
    assert_eq!(report["price_book"]["entries"][0]["note"], "half off");
}

#[test]
fn a_sweep_finds_where_provisioned_capacity_starts_to_pay() {
    let workload = format!(
        "traffic:\n  - name: steady\n    model: claude-sonnet-4-5\n    input_tokens_per_month: 1\n    output_tokens_per_month: 0\n    {FLAT}\n"
    );
    let book = "[[provisioned]]\nmodel = \"claude-sonnet-4-5\"\nhourly_1_month = 10\ntokens_per_minute_per_unit = 100000\nnote = \"test quote\"\n";
    let run = || {
        Run::new()
            .file("workload.yaml", &workload)
            .file("book.toml", book)
    };
    let args = [
        "--price-book",
        "book.toml",
        "--route",
        "bedrock-provisioned",
        "--route",
        "bedrock-region",
        "--sweep",
        "input_tokens_per_month=1e9..1e10",
        "--steps",
        "10",
    ];
    let json = cost(run(), &[&args[..], &["--format", "json"]].concat()).json();
    assert_eq!(json["values"].as_array().map(Vec::len), Some(10));
    let crossings = json["crossings"].as_array().expect("crossings");
    assert!(!crossings.is_empty(), "the routes cross: {json}");
    // Below the crossing no unit pays off, so both routes are on demand at the same price.
    assert!(crossings[0]["cheaper_below"].is_null(), "{}", crossings[0]);
    assert_eq!(crossings[0]["cheaper_above"], "bedrock-provisioned");
    let csv = cost(run(), &[&args[..], &["--format", "csv"]].concat()).stdout;
    assert_eq!(
        csv.lines().next(),
        Some("kind,input_tokens_per_month,route,monthly_usd,note")
    );
    assert_eq!(
        csv.lines().filter(|l| l.starts_with("cost,")).count(),
        10 * 2
    );
    let assumptions = json["assumptions"].as_array().expect("assumptions").len();
    assert!(assumptions > 0);
    assert_eq!(
        csv.lines().filter(|l| l.starts_with("assumption,")).count(),
        assumptions,
        "every assumption is a row:\n{csv}"
    );
    insta::assert_snapshot!("sweep_table", cost(run(), &args).stdout);
}

fn bad(name: &str, run: Run) {
    let outcome = run.run();
    assert_eq!(outcome.code, 2, "{name}: {}", outcome.stderr);
    insta::assert_snapshot!(name, outcome.stderr);
}

const WORKLOAD: &str = "traffic:\n  - name: t\n    model: claude-haiku-4-5\n    input_tokens_per_month: 1000\n    output_tokens_per_month: 1000\n";

#[test]
fn a_price_book_with_unknown_names_is_rejected() {
    let book = "[[discount]]\nroute = \"bedrok-global\"\npercent = 10\nnote = \"x\"\n\n[[discount]]\nmodel = \"claude-haiku-9\"\npercent = 120\nnote = \"y\"\n\n[[override]]\ntable = \"bedrock\"\nmodel = \"gemini-2.5-pro\"\ninput = 1\nnote = \"z\"\n";
    bad(
        "price_book_unknown_names",
        Run::new()
            .file("workload.yaml", WORKLOAD)
            .file("book.toml", book)
            .args(&[
                "cost",
                "--workload",
                "workload.yaml",
                "--price-book",
                "book.toml",
            ]),
    );
}

#[test]
fn bad_cost_arguments_are_usage_errors() {
    for (args, expected) in [
        (vec!["--growth", "lots"], "not a growth rate"),
        (vec!["--growth", "300%"], "out of range"),
        (vec!["--route", "bedrok"], "unknown route `bedrok`"),
        (vec!["--sweep", "input_tokens_per_month=5..1"], "empty"),
        (vec!["--months", "0"], "months"),
    ] {
        let mut all = vec!["cost", "--workload", "workload.yaml"];
        all.extend(args.iter());
        let outcome = Run::new().file("workload.yaml", WORKLOAD).args(&all).run();
        assert_eq!(outcome.code, 2, "{args:?}: {}", outcome.stderr);
        assert!(
            outcome.stderr.contains(expected),
            "{args:?}: {}",
            outcome.stderr
        );
    }
}

#[test]
fn workload_horizon_and_growth_are_range_checked() {
    bad(
        "workload_bad_horizon_and_growth",
        Run::new()
            .file(
                "workload.yaml",
                &format!("horizon_months: 500\nmonthly_growth: 3\n{WORKLOAD}"),
            )
            .args(&["cost", "--workload", "workload.yaml"]),
    );
}

#[test]
fn web_searches_are_priced_per_thousand_where_the_route_offers_them() {
    let workload = "traffic:\n  - name: research\n    model: claude-haiku-4-5\n    input_tokens_per_month: 0\n    output_tokens_per_month: 0\n    web_searches_per_month: 2500\n";
    let p = cost(
        Run::new().file("workload.yaml", workload),
        &[
            "--route",
            "anthropic-api",
            "--route",
            "bedrock-global",
            "--months",
            "1",
            "--format",
            "json",
        ],
    )
    .json();
    assert_eq!(
        common::route(&p, "anthropic-api")["total_usd"],
        "25.00",
        "2,500 searches at $10 per 1,000"
    );
    let bedrock = common::route(&p, "bedrock-global");
    assert!(bedrock["total_usd"].is_null());
    assert!(
        bedrock["unserved"][0]["reason"]
            .as_str()
            .is_some_and(|r| r.contains(
                "`bedrock-global` does not offer server tools, so the 2500 web searches a month of `research` cannot run or be priced here"
            )),
        "{}",
        bedrock["unserved"][0]["reason"]
    );
}

#[test]
fn a_mistyped_route_gets_did_you_mean_in_cost_and_replay() {
    let workload = common::root().join("examples/aws-enterprise-eu/workload.yaml");
    let cost = Run::new()
        .args(&[
            "cost",
            "--workload",
            workload.to_str().unwrap(),
            "--route",
            "bedrock-globl",
        ])
        .run();
    assert_eq!(cost.code, 2, "{}", cost.stderr);
    assert!(
        cost.stderr
            .contains("did you mean `bedrock-global`? known routes:"),
        "{}",
        cost.stderr
    );
    let replay = Run::new()
        .file(
            "usage.csv",
            "timestamp,model,input_tokens,output_tokens\n2026-11-01T00:00:00Z,claude-sonnet-4-5,10,10\n",
        )
        .args(&["replay", "--usage", "usage.csv", "--route", "vertex-globl"])
        .run();
    assert_eq!(replay.code, 2, "{}", replay.stderr);
    assert!(
        replay.stderr.contains("did you mean `vertex-global`?"),
        "{}",
        replay.stderr
    );
}

#[test]
fn price_book_key_paths_name_the_users_keys_not_serde_internals() {
    let outcome = Run::new()
        .file("workload.yaml", WORKLOAD)
        .file(
            "book.toml",
            "[[discount]]\nprovider = \"aws\"\npercentage = 8\nnote = \"x\"\n",
        )
        .args(&[
            "cost",
            "--workload",
            "workload.yaml",
            "--price-book",
            "book.toml",
        ])
        .run();
    assert_eq!(outcome.code, 2, "{}", outcome.stderr);
    assert!(
        outcome.stderr.contains("(key `discount[0].percentage`)"),
        "{}",
        outcome.stderr
    );
    assert!(!outcome.stderr.contains("serde"), "{}", outcome.stderr);
}

#[test]
fn an_aws_discount_covers_the_marketplace_route_unless_scoped_to_the_aws_platform() {
    // The rule: `provider` is the invoice. claude-platform-aws is operated by Anthropic and
    // billed on the AWS invoice (Marketplace), so `provider = "aws"` applies to it;
    // `platform = "aws"` keeps a discount to routes AWS operates.
    let workload = "traffic:\n  - name: t\n    model: claude-sonnet-4-5\n    input_tokens_per_month: 1000000\n    output_tokens_per_month: 1000000\n";
    let run = |book: &str| {
        cost(
            Run::new()
                .file("workload.yaml", workload)
                .file("book.toml", book),
            &[
                "--price-book",
                "book.toml",
                "--route",
                "claude-platform-aws",
                "--route",
                "bedrock-global",
                "--months",
                "1",
                "--format",
                "json",
            ],
        )
        .json()
    };
    let invoice = run("[[discount]]\nprovider = \"aws\"\npercent = 10\nnote = \"EDP\"\n");
    assert_eq!(
        common::route(&invoice, "claude-platform-aws")["total_usd"],
        "16.20"
    );
    assert_eq!(
        common::route(&invoice, "bedrock-global")["total_usd"],
        "16.20"
    );
    let operated = run(
        "[[discount]]\nprovider = \"aws\"\nplatform = \"aws\"\npercent = 10\nnote = \"EDP, Bedrock only\"\n",
    );
    assert_eq!(
        common::route(&operated, "claude-platform-aws")["total_usd"],
        "18.00",
        "Anthropic operates it: no Bedrock discount"
    );
    assert_eq!(
        common::route(&operated, "bedrock-global")["total_usd"],
        "16.20"
    );
    assert_eq!(
        operated["price_book"]["entries"][0]["applies_to"],
        "provider aws, platform aws"
    );
}

/// Structural errors (a wrong type, an unknown field, a missing note, an unknown top-level
/// key) and semantic ones (an unknown provider or model, a percentage over 100) of every
/// entry come in one run, in file order: one bad entry does not hide the others.
#[test]
fn a_price_book_reports_every_problem_in_one_run() {
    let book = "name = \"Our terms\"\nnmae = \"typo\"\n\n[[discount]]\nprovider = \"aws\"\npercent = \"eight\"\nnote = \"a\"\n\n[[discount]]\nprovider = \"amazon\"\npercent = 150\nnote = \"b\"\n\n[[discount]]\npercent = 5\nnote = \"c\"\ncolour = \"red\"\n\n[[override]]\ntable = \"anthropic\"\nmodel = \"claude-sonnet-4-5\"\ninput = 2.5\n\n[[provisioned]]\nmodel = \"claude-sonet-4-5\"\nhourly_1_month = 80\ntokens_per_minute_per_unit = 400000\nnote = \"q\"\n";
    bad(
        "price_book_every_problem",
        Run::new()
            .file("workload.yaml", WORKLOAD)
            .file("book.toml", book)
            .args(&[
                "cost",
                "--workload",
                "workload.yaml",
                "--price-book",
                "book.toml",
            ]),
    );
}

/// A workload may name models as the provider's console and logs do: every id form the
/// usage readers map is read as the catalogue id, priced the same, and said so.
#[test]
fn workload_model_ids_in_provider_forms_are_read_as_catalogue_ids() {
    let traffic = |name: &str, model: &str| {
        format!(
            "  - name: {name}\n    model: {model}\n    input_tokens_per_month: 1000000\n    output_tokens_per_month: 100000\n"
        )
    };
    let provider_forms = format!(
        "traffic:\n{}{}{}{}",
        traffic("dated", "claude-sonnet-4-5-20250929"),
        traffic("bedrock", "eu.anthropic.claude-haiku-4-5-20251001-v1:0"),
        traffic("vertex", "claude-opus-4-1@20250805"),
        traffic("litellm", "anthropic/claude-sonnet-4-5"),
    );
    let catalogue_ids = format!(
        "traffic:\n{}{}{}{}",
        traffic("dated", "claude-sonnet-4-5"),
        traffic("bedrock", "claude-haiku-4-5"),
        traffic("vertex", "claude-opus-4-1"),
        traffic("litellm", "claude-sonnet-4-5"),
    );
    let json = |workload: &str| {
        let outcome = Run::new()
            .file("workload.yaml", workload)
            .args(&[
                "cost",
                "--workload",
                "workload.yaml",
                "--months",
                "1",
                "--format",
                "json",
            ])
            .run();
        assert_eq!(outcome.code, 0, "{}", outcome.stderr);
        outcome.json()
    };
    let given = json(&provider_forms);
    let plain = json(&catalogue_ids);
    assert_eq!(given["routes"], plain["routes"], "priced the same");
    let assumptions: Vec<&str> = given["assumptions"]
        .as_array()
        .expect("assumptions")
        .iter()
        .filter_map(|a| a.as_str())
        .filter(|a| a.starts_with("Workload traffic"))
        .collect();
    assert_eq!(
        assumptions,
        [
            "Workload traffic `dated`: model id `claude-sonnet-4-5-20250929` is read as `claude-sonnet-4-5`.",
            "Workload traffic `bedrock`: model id `eu.anthropic.claude-haiku-4-5-20251001-v1:0` is read as `claude-haiku-4-5`.",
            "Workload traffic `vertex`: model id `claude-opus-4-1@20250805` is read as `claude-opus-4-1`.",
            "Workload traffic `litellm`: model id `anthropic/claude-sonnet-4-5` is read as `claude-sonnet-4-5`.",
        ]
    );
    // An id that maps to nothing is still an error.
    let outcome = Run::new()
        .file(
            "workload.yaml",
            &format!("traffic:\n{}", traffic("t", "claude-sonnet-9-20990101")),
        )
        .args(&["cost", "--workload", "workload.yaml"])
        .run();
    assert_eq!(outcome.code, 2);
    assert!(
        outcome
            .stderr
            .contains("unknown model `claude-sonnet-9-20990101`"),
        "{}",
        outcome.stderr
    );
}
