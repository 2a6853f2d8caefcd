//! The usage readers on small fixtures with hand-computed totals, against the embedded
//! catalogue's model ids, and laws that must hold for any usage: reading a file in two
//! parts and merging equals reading it whole; row order does not matter; a CSV and a
//! usage report of the same one-minute traffic give the same totals; no input panics.

use std::fs::File;
use std::path::PathBuf;
use std::sync::OnceLock;

use proptest::prelude::*;
use routewise::data::catalogue::Catalogue;
use routewise::data::prices::Prices;
use routewise::usage::{TokenBreakdown, UsageTotals, catalogue_model, read_csv, read_usage_report};

/// The embedded catalogue's model ids, loaded once.
fn known() -> &'static [&'static str] {
    static IDS: OnceLock<Vec<&'static str>> = OnceLock::new();
    IDS.get_or_init(|| {
        let catalogue = Catalogue::load(None).expect("embedded catalogue");
        let prices =
            Prices::load(None, &catalogue.vocabulary("model_families")).expect("embedded prices");
        let prices: &'static Prices = Box::leak(Box::new(prices));
        prices.model_ids()
    })
}

fn fixture(name: &str) -> File {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/usage")
        .join(name);
    File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn tokens(
    input: u64,
    output: u64,
    cache_read: u64,
    write_5m: u64,
    write_1h: u64,
) -> TokenBreakdown {
    TokenBreakdown {
        input,
        output,
        cache_read,
        cache_write_5m: write_5m,
        cache_write_1h: write_1h,
    }
}

/// 2026-10-01T12:00Z in minutes since the epoch (1_790_856_000 s / 60).
const NOON: u64 = 29_847_600;

#[test]
fn request_csv_fixture_totals() {
    let totals = read_csv(fixture("requests.csv"), "requests.csv", known(), false).unwrap();
    assert_eq!((totals.rows, totals.skipped_rows), (9, 0));

    let sonnet = &totals.by_model["claude-sonnet-4-5"];
    assert_eq!(sonnet.rows, 3);
    // r1 + r2; r1's 300 cache writes are 100 one-hour and 200 five-minute.
    assert_eq!(sonnet.standard, tokens(3000, 600, 5000, 200, 100));
    assert_eq!(sonnet.batch, tokens(500, 100, 0, 0, 0));
    assert!(sonnet.long_context.is_zero() && sonnet.batch_long_context.is_zero());

    let haiku = &totals.by_model["claude-haiku-4-5"];
    assert_eq!(
        (haiku.rows, haiku.standard),
        (1, tokens(800, 80, 0, 200, 0))
    );
    assert_eq!(
        totals.by_model["llama-3.3-70b"].batch,
        tokens(3000, 300, 0, 0, 0)
    );
    assert_eq!(
        totals.by_model["mistral-large-3"].standard,
        tokens(100, 10, 0, 0, 0)
    );
    assert_eq!(
        totals.by_model["gemini-2.5-pro"].standard,
        tokens(700, 70, 0, 0, 0)
    );
    assert_eq!(totals.by_model.len(), 5);
    assert_eq!(
        totals.unknown_models.into_iter().collect::<Vec<_>>(),
        [("gpt-4o-2024-08-06".to_owned(), 2)]
    );

    // 12:00 holds r1 (6500), r2 (2400) and r3 (14:00:59+02:00 is 12:00:59Z, 600).
    assert_eq!(
        totals.load.per_minute().collect::<Vec<_>>(),
        [9500, 1080, 0, 3410, 880]
    );
    assert_eq!(totals.load.first_minute(), Some(NOON));
    assert_eq!(totals.load.peak_tokens_per_minute(), 9500);
    assert_eq!(totals.load.total_tokens(), 14_870);
    assert_eq!(totals.load_by_model["claude-sonnet-4-5"].minutes(), 1);
    assert_eq!(totals.notes, ["column `request_id` is not read"]);
}

#[test]
fn bad_rows_stop_reading_or_are_counted() {
    let error = read_csv(fixture("bad_rows.csv"), "bad_rows.csv", known(), false).unwrap_err();
    assert_eq!((error.file.as_str(), error.line), ("bad_rows.csv", 3));
    assert_eq!(error.key.as_deref(), Some("input_tokens"));
    assert!(error.to_string().contains("--> bad_rows.csv:3:"), "{error}");

    let totals = read_csv(fixture("bad_rows.csv"), "bad_rows.csv", known(), true).unwrap();
    assert_eq!((totals.rows, totals.skipped_rows), (2, 5));
    let skipped: Vec<(u64, Option<&str>)> = totals
        .skipped
        .iter()
        .map(|d| (d.line, d.key.as_deref()))
        .collect();
    assert_eq!(
        skipped,
        [
            (3, Some("input_tokens")),
            (4, Some("timestamp")),
            (5, Some("batch")),
            (6, None),
            (7, Some("input_tokens")),
        ]
    );
    let haiku = &totals.by_model["claude-haiku-4-5"];
    assert_eq!(haiku.standard, tokens(100, 10, 0, 0, 0));
    assert_eq!(haiku.batch, tokens(200, 20, 0, 0, 0));
}

#[test]
fn usage_report_fixture_totals() {
    let totals = read_usage_report(
        fixture("usage_report.json"),
        "usage_report.json",
        known(),
        false,
    )
    .unwrap();
    assert_eq!((totals.rows, totals.skipped_rows), (5, 0));
    let sonnet = &totals.by_model["claude-sonnet-4-5"];
    assert_eq!(sonnet.rows, 3);
    assert_eq!(sonnet.standard, tokens(1000, 300, 4000, 500, 0));
    assert_eq!(sonnet.batch, tokens(2000, 700, 0, 0, 0));
    assert_eq!(sonnet.long_context, tokens(250_000, 1000, 0, 0, 1000));
    assert_eq!(sonnet.web_search_requests, 2);
    let haiku = &totals.by_model["claude-haiku-4-5"];
    assert_eq!(haiku.standard, tokens(600, 60, 100, 0, 0));
    assert_eq!(haiku.web_search_requests, 1);
    assert_eq!(totals.unknown_models["claude-3-5-haiku-20241022"], 1);
    assert_eq!(totals.load.per_minute().collect::<Vec<_>>(), [260_500, 775]);
    assert_eq!(totals.load.first_minute(), Some(NOON));
    assert_eq!(totals.load.widest_bucket_minutes(), 1);
    // The first page's has_more is answered by the second page in the same file.
    assert!(totals.notes.is_empty(), "{:?}", totals.notes);
}

#[test]
fn daily_buckets_spread_over_the_day_and_say_the_peak_is_a_lower_bound() {
    let totals = read_usage_report(
        fixture("daily_report.json"),
        "daily_report.json",
        known(),
        false,
    )
    .unwrap();
    let opus = &totals.by_model["claude-opus-4-1"];
    assert_eq!(opus.standard, tokens(1_440_000, 144_005, 0, 0, 0));
    // 1_584_005 tokens over 1440 minutes: 1100 a minute, and 1 more in the first 5.
    assert_eq!(totals.load.minutes(), 1440);
    assert_eq!(totals.load.peak_tokens_per_minute(), 1101);
    assert_eq!(totals.load.per_minute().filter(|&t| t == 1101).count(), 5);
    assert_eq!(totals.load.widest_bucket_minutes(), 1440);
    assert!(
        totals.notes[0].contains("lower bound"),
        "{:?}",
        totals.notes
    );
}

#[test]
fn the_embedded_catalogue_maps_every_provider_format() {
    for (raw, id) in [
        ("claude-sonnet-4-5-20250929", "claude-sonnet-4-5"),
        (
            "eu.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "claude-sonnet-4-5",
        ),
        ("claude-opus-4-1@20250805", "claude-opus-4-1"),
        ("vertex_ai/claude-haiku-4-5@20251001", "claude-haiku-4-5"),
        ("gemini/gemini-2.5-flash-lite", "gemini-2.5-flash-lite"),
        ("meta.llama3-3-70b-instruct-v1:0", "llama-3.3-70b"),
        ("mistral.mistral-large-3-675b-instruct", "mistral-large-3"),
    ] {
        assert_eq!(catalogue_model(raw, known()).as_deref(), Some(id), "{raw}");
    }
}

/// One generated request.
#[derive(Debug, Clone)]
struct Request {
    minute: u64,
    model: &'static str,
    input: u64,
    output: u64,
    cache_read: u64,
    write_5m: u64,
    write_1h: u64,
    batch: bool,
    long: bool,
}

const MODELS: &[&str] = &[
    "claude-sonnet-4-5-20250929",
    "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    "claude-haiku-4-5@20251001",
    "anthropic/claude-opus-4-1-20250805",
    "models/gemini-2.5-pro",
    "meta.llama3-3-70b-instruct-v1:0",
    "gpt-4o",
    "claude-2.1",
];

/// Counts small and large, but small enough that 60 rows cannot overflow the totals (an
/// overflowing row is refused, and which one depends on the order: unit tests cover that).
fn request() -> impl Strategy<Value = Request> {
    let count = prop_oneof![0..1000u64, 0..10_000_000u64, Just(1u64 << 50)];
    (
        0..180u64,
        prop::sample::select(MODELS),
        (
            count.clone(),
            count.clone(),
            count.clone(),
            count.clone(),
            count,
        ),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(minute, model, (input, output, cache_read, write_5m, write_1h), batch, long)| {
                Request {
                    minute: NOON + minute,
                    model,
                    input,
                    output,
                    cache_read,
                    write_5m,
                    write_1h,
                    batch,
                    long,
                }
            },
        )
}

fn timestamp(minute: u64, second: u64) -> String {
    let minute = minute - NOON;
    format!(
        "2026-10-01T{:02}:{:02}:{second:02}Z",
        12 + minute / 60,
        minute % 60
    )
}

fn csv(requests: &[Request]) -> String {
    let mut text = String::from(
        "timestamp,model,input_tokens,output_tokens,cache_read_input_tokens,\
         cache_creation_input_tokens,cache_creation_1h_input_tokens,batch,context_window\n",
    );
    for (i, r) in requests.iter().enumerate() {
        text.push_str(&format!(
            "{},{},{},{},{},{},{},{},{}\n",
            timestamp(r.minute, i as u64 % 60),
            r.model,
            r.input,
            r.output,
            r.cache_read,
            r.write_5m.saturating_add(r.write_1h),
            r.write_1h,
            r.batch,
            if r.long { "200k-1M" } else { "0-200k" },
        ));
    }
    text
}

/// The same requests as a usage report with one one-minute bucket per request.
fn report(requests: &[Request]) -> String {
    let buckets: Vec<String> = requests
        .iter()
        .map(|r| {
            format!(
                r#"{{"starting_at": "{}", "ending_at": "{}", "results": [{{"model": "{}",
                "service_tier": "{}", "context_window": "{}", "uncached_input_tokens": {},
                "output_tokens": {}, "cache_read_input_tokens": {}, "cache_creation":
                {{"ephemeral_5m_input_tokens": {}, "ephemeral_1h_input_tokens": {}}}}}]}}"#,
                timestamp(r.minute, 0),
                timestamp(r.minute + 1, 0),
                r.model,
                if r.batch { "batch" } else { "standard" },
                if r.long { "200k-1M" } else { "0-200k" },
                r.input,
                r.output,
                r.cache_read,
                r.write_5m,
                r.write_1h,
            )
        })
        .collect();
    format!(
        r#"{{"data": [{}], "has_more": false}}"#,
        buckets.join(",\n")
    )
}

fn read(text: &str) -> UsageTotals {
    read_csv(text.as_bytes(), "usage.csv", known(), true).expect("reads")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn reading_two_parts_and_merging_equals_reading_the_whole(
        requests in prop::collection::vec(request(), 0..60),
        split in any::<prop::sample::Index>(),
    ) {
        let at = split.index(requests.len() + 1);
        let whole = read(&csv(&requests));
        let mut parts = read(&csv(&requests[..at]));
        parts.merge(&read(&csv(&requests[at..]))).unwrap();
        prop_assert_eq!(parts, whole);
    }

    #[test]
    fn row_order_does_not_matter_and_every_token_is_in_the_load(
        requests in prop::collection::vec(request(), 0..60),
    ) {
        let forward = read(&csv(&requests));
        let mut reversed_requests = requests.clone();
        reversed_requests.reverse();
        let reversed = read(&csv(&reversed_requests));
        prop_assert_eq!(&forward.by_model, &reversed.by_model);
        prop_assert_eq!(&forward.unknown_models, &reversed.unknown_models);
        prop_assert_eq!(&forward.load, &reversed.load);
        prop_assert_eq!(forward.rows + forward.skipped_rows, requests.len() as u64);
        let counted: u64 = forward.by_model.values().map(|m| m.rows).sum::<u64>()
            + forward.unknown_models.values().sum::<u64>();
        prop_assert_eq!(counted, forward.rows);
        let per_minute: u128 = forward.load.per_minute().map(u128::from).sum();
        prop_assert_eq!(per_minute, forward.load.total_tokens());
    }

    #[test]
    fn a_csv_and_a_report_of_the_same_traffic_agree(
        requests in prop::collection::vec(request(), 0..40),
    ) {
        let from_csv = read(&csv(&requests));
        let from_report = read_usage_report(report(&requests).as_bytes(), "r.json", known(), true)
            .expect("reads");
        prop_assert_eq!(&from_csv.by_model, &from_report.by_model);
        prop_assert_eq!(&from_csv.unknown_models, &from_report.unknown_models);
        prop_assert_eq!(&from_csv.load, &from_report.load);
        prop_assert_eq!(from_csv.rows, from_report.rows);
        prop_assert_eq!(from_csv.skipped_rows, from_report.skipped_rows);
    }

    #[test]
    fn no_input_makes_a_reader_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = read_csv(&bytes[..], "x.csv", known(), true);
        let _ = read_csv(&bytes[..], "x.csv", known(), false);
        let _ = read_usage_report(&bytes[..], "x.json", known(), true);
        let mut csv_like = b"timestamp,model,input_tokens,output_tokens,batch\n".to_vec();
        csv_like.extend_from_slice(&bytes);
        let _ = read_csv(&csv_like[..], "x.csv", known(), true);
        let mut json_like = br#"{"data": [{"starting_at": "2026-10-01T00:00:00Z", "results": ["#.to_vec();
        json_like.extend_from_slice(&bytes);
        let _ = read_usage_report(&json_like[..], "x.json", known(), true);
    }
}
