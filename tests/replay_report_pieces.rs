//! A large usage report (JSON pages one after another) is read in pieces on several
//! threads; `routewise replay` prints byte for byte what reading it in one go prints, in
//! every format: for good reports, reports with bad rows (skipped or not), broken JSON,
//! pages that put a bucket's `{` at the start of a line (a cut there is inside a page),
//! pretty-printed pages, unknown models, service tiers and `has_more`.
//! `ROUTEWISE_TEST_READ_PIECES` (test-only) sets the number of pieces whatever the file's
//! size; `1` reads in one go.

mod common;

use std::fmt::Write as _;
use std::path::Path;
use std::process::Output;

fn replay(dir: &Path, pieces: Option<&str>, args: &[&str]) -> Output {
    common::replay_in_pieces(dir, pieces, args)
}

/// How the pages of a generated report are laid out and what is wrong in them.
#[derive(Clone, Copy, Default)]
struct Shape {
    /// Every `bad`-th result has a negative count (0: none).
    bad: u32,
    /// Each bucket starts a line, as a cut candidate inside a page.
    bucket_lines: bool,
    /// Pages pretty-printed over many lines.
    pretty: bool,
}

/// `pages` pages of `buckets` buckets, some an hour wide, with known and unknown models,
/// results without a model, several service tiers, and `has_more` on the last page.
fn report(pages: u32, buckets: u32, shape: Shape) -> String {
    let models = [
        "\"claude-haiku-4-5-20251001\"",
        "\"claude-sonnet-4-5-20250929\"",
        "\"mystery-model\"",
        "null",
    ];
    let tiers = ["\"standard\"", "\"batch\"", "\"priority\"", "null"];
    let mut text = String::new();
    let mut result = 0u32;
    for page in 0..pages {
        let mut data = Vec::new();
        for b in 0..buckets {
            let minute = page * buckets + b;
            let width = if page % 3 == 2 { 60 } else { 1 };
            let start = minute * width;
            let end = start + width;
            let at = |m: u32| {
                format!(
                    "2026-10-{:02}T{:02}:{:02}:00Z",
                    1 + m / 1440,
                    m / 60 % 24,
                    m % 60
                )
            };
            let mut results = Vec::new();
            for r in 0..4 {
                result += 1;
                let input = if shape.bad > 0 && result.is_multiple_of(shape.bad) {
                    "-5".to_owned()
                } else {
                    (1000 + result % 97).to_string()
                };
                results.push(format!(
                    "{{\"uncached_input_tokens\": {input}, \"cache_creation\": \
                     {{\"ephemeral_5m_input_tokens\": {}, \"ephemeral_1h_input_tokens\": 0}}, \
                     \"cache_read_input_tokens\": {}, \"output_tokens\": {}, \
                     \"server_tool_use\": {{\"web_search_requests\": {}}}, \
                     \"model\": {}, \"service_tier\": {}, \"context_window\": \"0-200k\"}}",
                    result % 7,
                    result % 1000,
                    100 + result % 13,
                    result % 2,
                    models[((r + b) % 4) as usize],
                    tiers[((result / 5) % 4) as usize],
                ));
            }
            data.push(format!(
                "{{\"starting_at\": \"{}\", \"ending_at\": \"{}\", \"results\": [{}]}}",
                at(start),
                at(end),
                results.join(", ")
            ));
        }
        let separator = if shape.bucket_lines { ",\n" } else { ", " };
        let more = page + 1 < pages || page % 2 == 1;
        let page_text = format!(
            "{{\"data\": [{}], \"has_more\": {more}, \"next_page\": null}}",
            data.join(separator)
        );
        if shape.pretty {
            let value: serde_json::Value = serde_json::from_str(&page_text).unwrap();
            let _ = writeln!(text, "{}", serde_json::to_string_pretty(&value).unwrap());
        } else {
            let _ = writeln!(text, "{page_text}");
        }
    }
    text
}

/// Reads `file` with `args` in one go and in 2, 3 and 4 pieces: the same output.
fn pieces_agree(dir: &Path, file: &str, extra: &[&str]) -> Output {
    let mut args = vec!["--usage", file];
    args.extend_from_slice(extra);
    let one = replay(dir, Some("1"), &args);
    for pieces in ["2", "3", "4"] {
        let cut = replay(dir, Some(pieces), &args);
        common::assert_same_run(&one, &cut, &format!("{file} {extra:?}, {pieces} pieces"));
    }
    one
}

#[test]
fn pieces_print_what_one_reading_prints_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("good.json"),
        report(12, 40, Shape::default()),
    )
    .unwrap();
    for format in ["table", "json", "csv", "markdown", "html"] {
        let one = pieces_agree(dir.path(), "good.json", &["--format", format]);
        assert!(
            one.status.success(),
            "{}",
            String::from_utf8_lossy(&one.stderr)
        );
    }
    let one = pieces_agree(dir.path(), "good.json", &["--format", "json"]);
    let text = String::from_utf8_lossy(&one.stdout);
    for expected in ["mystery-model", "has_more", "priority", "1 hour wide"] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
}

#[test]
fn bad_rows_broken_json_and_cuts_inside_pages_read_as_one_reading() {
    let dir = tempfile::tempdir().unwrap();
    let bad = Shape {
        bad: 150,
        ..Shape::default()
    };
    std::fs::write(dir.path().join("bad.json"), report(12, 40, bad)).unwrap();
    // The first bad row is the error, with its line and column and key.
    let one = pieces_agree(dir.path(), "bad.json", &["--format", "json"]);
    assert_eq!(one.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&one.stderr);
    assert!(stderr.contains("bad.json:1:"), "{stderr}");
    // Skipped, they are listed with theirs, in file order, in every piece.
    let one = pieces_agree(
        dir.path(),
        "bad.json",
        &["--format", "json", "--skip-bad-rows"],
    );
    let text = String::from_utf8_lossy(&one.stdout);
    assert!(text.contains("page 12: data["), "{text}");

    // Broken JSON in the last page.
    let mut broken = report(12, 40, Shape::default());
    let at = broken.len() - 200;
    broken.replace_range(at..at + 1, "]");
    std::fs::write(dir.path().join("broken.json"), &broken).unwrap();
    let one = pieces_agree(dir.path(), "broken.json", &["--format", "json"]);
    assert_eq!(one.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&one.stderr).contains("broken.json:12:"));

    // Every bucket starts a line, and pretty-printed pages: cuts may fall inside pages.
    for (name, shape) in [
        (
            "lines.json",
            Shape {
                bucket_lines: true,
                ..Shape::default()
            },
        ),
        (
            "pretty.json",
            Shape {
                pretty: true,
                bad: 400,
                ..Shape::default()
            },
        ),
    ] {
        std::fs::write(dir.path().join(name), report(5, 40, shape)).unwrap();
        for extra in [&[][..], &["--skip-bad-rows"][..]] {
            let mut args = vec!["--format", "json"];
            args.extend_from_slice(extra);
            pieces_agree(dir.path(), name, &args);
        }
    }
}

#[test]
fn a_report_above_the_threshold_reads_in_pieces_with_the_same_report() {
    let dir = tempfile::tempdir().unwrap();
    let page = report(1, 1440, Shape::default());
    let mut text = String::new();
    // Past 32 MB, where two cores read it in two pieces without being told to.
    while text.len() <= 33 << 20 {
        text.push_str(&page);
    }
    std::fs::write(dir.path().join("large.json"), text).unwrap();
    let args = ["--usage", "large.json", "--format", "json"];
    let one = replay(dir.path(), Some("1"), &args);
    assert!(
        one.status.success(),
        "{}",
        String::from_utf8_lossy(&one.stderr)
    );
    let automatic = replay(dir.path(), None, &args);
    common::assert_same_run(&one, &automatic, "automatic pieces");
}
