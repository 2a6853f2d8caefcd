//! The HTML reports opened in real headless Chromium: the page loads, the headings and
//! chart SVGs are there with a non-zero size, the totals equal the JSON report's, nothing
//! from a user file executes, and a screenshot is not blank.
//!
//! Without Chromium the tests say so and pass, except when `ROUTEWISE_REQUIRE_CHROMIUM` or
//! `CI` is set (as `.ci/run` does): then a missing browser fails them.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::{Run, root};

fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|dir| dir.join(name))
                    .find(|p| p.is_file())
            })
        });
    if found.is_none() {
        let required = std::env::var_os("ROUTEWISE_REQUIRE_CHROMIUM").is_some()
            || std::env::var_os("CI").is_some();
        assert!(
            !required,
            "Chromium is required (ROUTEWISE_REQUIRE_CHROMIUM or CI is set) but not on PATH; \
             install it with `apt-get install -y chromium`"
        );
        eprintln!("skipped: chromium is not installed");
    }
    found
}

/// Runs headless Chromium on `page` with a fresh profile and returns its output.
fn browse(browser: &Path, page: &Path, mode: &[&str]) -> std::process::Output {
    let profile = tempfile::tempdir().unwrap();
    Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            "--virtual-time-budget=3000",
            // Console messages, including every request the page's CSP blocked, go to stderr.
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(mode)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs")
}

/// The DOM after load. The test's copy of the page gets one script, allowed by a nonce in
/// the page's Content-Security-Policy, that writes what only a browser knows (the chart
/// sizes, the visible headings) into the DOM for `--dump-dom`.
fn rendered_dom(browser: &Path, html: &str, dir: &Path) -> String {
    rendered(browser, html, dir).0
}

/// The console messages Chromium logged for a page (errors, blocked requests).
fn console(stderr: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_owned)
        .collect()
}

/// The DOM after load and the console messages.
fn rendered(browser: &Path, html: &str, dir: &Path) -> (String, Vec<String>) {
    let probe = r#"<script nonce="probe">
addEventListener('load', () => {
  const sizes = [...document.querySelectorAll('svg.chart')].map(s => {
    const r = s.getBoundingClientRect(); return Math.round(r.width) + 'x' + Math.round(r.height);
  });
  const out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = JSON.stringify({sizes, title: document.title,
    images: document.images.length, scripts: document.scripts.length});
  document.body.appendChild(out);
});
</script></body>"#;
    let instrumented = html
        .replace(
            "default-src 'none';",
            "default-src 'none'; script-src 'nonce-probe';",
        )
        .replace("</body>", probe);
    let page = dir.join("probe.html");
    std::fs::write(&page, instrumented).unwrap();
    let out = browse(browser, &page, &["--dump-dom"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (String::from_utf8(out.stdout).unwrap(), console(&out.stderr))
}

fn probe(dom: &str) -> serde_json::Value {
    let start = dom.find("<pre id=\"probe\">").expect("the probe ran") + "<pre id=\"probe\">".len();
    let end = start + dom[start..].find("</pre>").unwrap();
    let text = dom[start..end]
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    serde_json::from_str(&text).expect("probe JSON")
}

fn advise(example: &str, format: &str, extra: &[&str]) -> String {
    let dir = root().join("examples").join(example);
    let answers = dir.join("answers.yaml");
    let workload = dir.join("workload.yaml");
    let mut args = vec![
        "advise",
        "--answers",
        answers.to_str().unwrap(),
        "--workload",
        workload.to_str().unwrap(),
        "--format",
        format,
    ];
    args.extend_from_slice(extra);
    let outcome = Run::new().args(&args).run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    outcome.stdout
}

#[test]
fn the_example_reports_render_with_charts_headings_and_the_json_totals() {
    let Some(browser) = chromium() else { return };
    for example in &common::single_route_examples() {
        let html = advise(example, "html", &[]);
        let json: serde_json::Value = serde_json::from_str(&advise(example, "json", &[])).unwrap();
        // An example without a route (gcp-hipaa, with the sourced facts) has none to chart.
        if json["recommendation"]["route"].is_null() {
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        let (dom, messages) = rendered(&browser, &html, dir.path());
        assert!(
            messages.is_empty(),
            "{example}: console messages {messages:?}"
        );
        let probe = probe(&dom);

        for heading in [
            "Recommendation",
            "Viable routes",
            "Pricing sources",
            "Assumptions",
        ] {
            assert!(
                dom.contains(&format!("<h2>{heading}</h2>")),
                "{example}: {heading}"
            );
        }
        let sizes = probe["sizes"].as_array().unwrap();
        assert!(sizes.len() >= 2, "{example}: charts {sizes:?}");
        for size in sizes {
            let (w, h) = size.as_str().unwrap().split_once('x').unwrap();
            assert!(
                w.parse::<u32>().unwrap() > 100 && h.parse::<u32>().unwrap() > 50,
                "{example}: {size}"
            );
        }
        assert_eq!(probe["images"], 0);

        let recommended = json["recommendation"]["name"].as_str().unwrap();
        assert!(
            dom.contains(&format!("<p class=\"route\">{recommended}</p>")),
            "{example}"
        );
        // Every viable route's monthly total in the page is the JSON report's.
        for route in json["routes"].as_array().unwrap() {
            if let Some(usd) = route["cost"]["monthly_usd"].as_str() {
                let shown = routewise::support::money::format_usd(usd);
                assert!(dom.contains(&shown), "{example}: {} {shown}", route["id"]);
            }
        }
        for source in json["pricing_sources"].as_array().unwrap() {
            assert!(dom.contains(source["as_of"].as_str().unwrap()));
        }
    }
}

#[test]
fn a_screenshot_of_the_report_is_not_blank() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    std::fs::write(&page, advise("aws-enterprise-eu", "html", &[])).unwrap();
    let shot = dir.path().join("shot.png");
    let out = browse(
        &browser,
        &page,
        &[
            "--window-size=1000,1400",
            &format!("--screenshot={}", shot.display()),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let png = std::fs::read(&shot).expect("a screenshot");
    assert_eq!(&png[1..4], b"PNG");
    // A blank white page of this size compresses to a few kilobytes; text and charts do not.
    assert!(png.len() > 50_000, "screenshot is {} bytes", png.len());
}

#[test]
fn values_from_user_files_never_execute() {
    let Some(browser) = chromium() else { return };
    let attack =
        r#"<script>document.title='pwned'</script>"><img src=x onerror="document.title='pwned'">"#;
    let run = Run::new()
        .file(
            "answers.yaml",
            &format!(
                "cloud: aws\nresidency: eu\ndecision:\n  title: {}\n",
                serde_json::to_string(attack).unwrap()
            ),
        )
        .file(
            "workload.yaml",
            &format!(
                "traffic:\n  - name: {}\n    model: claude-sonnet-4-5\n    input_tokens_per_month: 1000000\n    output_tokens_per_month: 100000\n",
                serde_json::to_string(attack).unwrap()
            ),
        );
    let run = run.file(
        "book.toml",
        &format!(
            "name = {}\n\n[[discount]]\nprovider = \"aws\"\npercent = 5\nnote = {}\n",
            serde_json::to_string(attack).unwrap(),
            serde_json::to_string(attack).unwrap()
        ),
    );
    let dir = run.path().to_path_buf();
    let outcome = run
        .args(&[
            "advise",
            "--answers",
            dir.join("answers.yaml").to_str().unwrap(),
            "--workload",
            dir.join("workload.yaml").to_str().unwrap(),
            "--price-book",
            dir.join("book.toml").to_str().unwrap(),
            "--format",
            "html",
        ])
        .run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let html = outcome.stdout;
    assert!(!html.contains("<img"), "an unescaped tag reached the page");
    // Open it without the Content-Security-Policy, so escaping alone must hold.
    let unprotected = html.replace(
        "http-equiv=\"Content-Security-Policy\"",
        "name=\"csp-removed\"",
    );
    let scratch = tempfile::tempdir().unwrap();
    let dom = rendered_dom(&browser, &unprotected, scratch.path());
    let probe = probe(&dom);
    assert_ne!(probe["title"], "pwned");
    assert_eq!(probe["images"], 0);
    assert!(
        dom.contains("&lt;script&gt;document.title"),
        "the title is shown as text"
    );
    assert!(
        dom.matches("&lt;script&gt;document.title").count() >= 3,
        "the title, the price book's name and its note are all shown as text"
    );
}

#[test]
fn a_page_that_tries_a_request_is_caught_by_the_console_check() {
    let Some(browser) = chromium() else { return };
    let html = advise("solo-prototype", "html", &[]).replace(
        "</body>",
        "<img src=\"https://example.invalid/pixel.png\"></body>",
    );
    let dir = tempfile::tempdir().unwrap();
    let (_, messages) = rendered(&browser, &html, dir.path());
    assert!(
        messages.iter().any(|m| m.contains("example.invalid")),
        "the blocked request was not reported: {messages:?}"
    );
}

fn run_ok(args: &[&str]) -> String {
    let outcome = Run::new().args(args).run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    outcome.stdout
}

/// Loads a page, checks it is quiet and its charts have a size, and returns its DOM.
fn check_page(browser: &Path, html: &str, headings: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let (dom, messages) = rendered(browser, html, dir.path());
    assert!(messages.is_empty(), "console messages {messages:?}");
    for heading in headings {
        assert!(dom.contains(&format!("<h2>{heading}</h2>")), "{heading}");
    }
    let probe = probe(&dom);
    let sizes = probe["sizes"].as_array().unwrap();
    assert!(!sizes.is_empty(), "no chart");
    for size in sizes {
        let (w, h) = size.as_str().unwrap().split_once('x').unwrap();
        assert!(
            w.parse::<u32>().unwrap() > 100 && h.parse::<u32>().unwrap() > 50,
            "{size}"
        );
    }
    dom
}

#[test]
fn the_cost_page_with_a_sweep_renders_and_matches_the_json_totals() {
    let Some(browser) = chromium() else { return };
    let workload = root().join("examples/solo-prototype/workload.yaml");
    let workload = workload.to_str().unwrap();
    let base = ["cost", "--workload", workload, "--months", "6"];
    let json: serde_json::Value =
        serde_json::from_str(&run_ok(&[&base[..], &["--format", "json"]].concat())).unwrap();
    let html = run_ok(
        &[
            &base[..],
            &[
                "--sweep",
                "input_tokens_per_month=1e6..1e10",
                "--format",
                "html",
            ],
        ]
        .concat(),
    );
    let dom = check_page(
        &browser,
        &html,
        &[
            "Summary",
            "Month by month",
            "Sweep of input_tokens_per_month",
            "Pricing sources",
            "Assumptions",
        ],
    );
    assert!(
        dom.matches("<svg").count() >= 3,
        "total, projection and sweep charts"
    );
    for route in json["routes"].as_array().unwrap() {
        if let Some(total) = route["total_usd"].as_str() {
            let shown = routewise::support::money::format_usd(total);
            assert!(dom.contains(&shown), "{} {shown}", route["id"]);
        }
    }
}

#[test]
fn the_replay_page_renders_and_matches_the_json_totals() {
    let Some(browser) = chromium() else { return };
    let usage = root().join("tests/fixtures/usage/replay_month.csv");
    let usage = usage.to_str().unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&run_ok(&["replay", "--usage", usage, "--format", "json"])).unwrap();
    let html = run_ok(&["replay", "--usage", usage, "--format", "html"]);
    let dom = check_page(
        &browser,
        &html,
        &[
            "Summary",
            "Cost per route",
            "Observed load",
            "Pricing sources",
            "Assumptions",
        ],
    );
    for route in json["routes"].as_array().unwrap() {
        if let Some(total) = route["total_usd"].as_str() {
            let shown = routewise::support::money::format_usd(total);
            assert!(dom.contains(&shown), "{} {shown}", route["id"]);
        }
    }
    // A route that cannot price everything is never drawn as costing $0.
    assert!(dom.contains("cannot price all"));
}

#[test]
fn the_portfolio_page_renders_each_surfaces_decision_the_gateway_and_the_unmet_needs() {
    let Some(browser) = chromium() else { return };
    let html = advise("voice-and-analytics", "html", &[]);
    let json: serde_json::Value =
        serde_json::from_str(&advise("voice-and-analytics", "json", &[])).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (dom, messages) = rendered(&browser, &html, dir.path());
    assert!(messages.is_empty(), "console messages {messages:?}");
    assert!(
        dom.contains("<h2>Portfolio: one decision per surface</h2>"),
        "{dom}"
    );
    let portfolio = &json["portfolio"];
    for surface in portfolio["surfaces"].as_array().unwrap() {
        let name = surface["name"].as_str().unwrap();
        let row_start = dom
            .find(&format!("<tr class=\"surface\" data-surface=\"{name}\">"))
            .unwrap_or_else(|| panic!("no row for {name}"));
        let row = &dom[row_start..row_start + dom[row_start..].find("</tr>").unwrap()];
        let route = surface["route"].as_str().unwrap_or("no route");
        assert!(row.contains(&format!("<td>{route}</td>")), "{row}");
        for unmet in surface["unmet"].as_array().unwrap() {
            let question = unmet["question"].as_str().unwrap();
            assert!(
                row.contains(&format!("<code>{question}</code>")),
                "{name}: {question} not in {row}"
            );
        }
        assert!(
            dom.contains(&format!("<h3>Surface {name}</h3>")),
            "no section for {name}"
        );
    }
    let gateway = &portfolio["gateway"];
    let id = gateway["id"].as_str().unwrap();
    assert!(
        dom.contains(&format!("(<code>{id}</code>) in front of")),
        "no gateway {id}"
    );
    for behind in gateway["behind"].as_array().unwrap() {
        assert!(dom.contains(behind.as_str().unwrap()), "{behind}");
    }
    // A surface split by model family says why, with what blocks it whole and what to ask.
    let splits = portfolio["splits"].as_array().unwrap();
    assert!(!splits.is_empty(), "the example splits analytics");
    for split in splits {
        let name = split["surface"].as_str().unwrap();
        let start = dom
            .find(&format!("<div class=\"split\" data-split=\"{name}\">"))
            .unwrap_or_else(|| panic!("no split block for {name}"));
        let block = &dom[start..start + dom[start..].find("</div>").unwrap()];
        for b in split["blocking_constraints"].as_array().unwrap() {
            let code = b["code"].as_str().unwrap();
            assert!(block.contains(&format!("<code>{code}</code>")), "{code}");
        }
        for q in split["open_questions"].as_array().unwrap() {
            let route = q["route"].as_str().unwrap();
            assert!(
                block.contains(&format!("open question, <code>{route}</code>")),
                "{route} in {block}"
            );
        }
    }
}
