//! How fast `routewise replay` reads usage, against the floor of parsing the same CSV.
//!
//! - `parse_only`: csv `ByteRecord` iteration and integer parsing of the token columns and
//!   the batch flag, summing them, and nothing else: what reading a usage CSV cannot avoid.
//! - `read_csv`: the real reader: timestamps, model-id mapping, per-model and per-tier
//!   sums with checked arithmetic, and the per-minute load profiles.
//! - `read_csv_shuffled`: the real reader on the same rows in a fixed random order.
//!
//! Both run on the same in-memory CSV of 1,000,000 generated requests (a month of traffic,
//! models in several providers' id formats, cache reads and writes, a batch share), and
//! report rows per second. Targets (issue 3): `read_csv` at least 2,000,000 rows/s on one
//! core, and no more than 2x the `parse_only` time.
//!
//! Run: `cargo bench --bench replay_parser -- --warm-up-time 1 --measurement-time 5`

use std::hint::black_box;
use std::io::Write;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use routewise::data::catalogue::Catalogue;
use routewise::data::prices::Prices;
use routewise::usage::read_csv;

const ROWS: usize = 1_000_000;

/// Models as they appear in real exports: Anthropic dated ids, Bedrock profiles, Vertex
/// `@` ids, LiteLLM and Gemini prefixes, Bedrock open-model ids, and one unknown model.
const MODELS: &[(&str, u32)] = &[
    ("claude-sonnet-4-5-20250929", 30),
    ("global.anthropic.claude-sonnet-4-5-20250929-v1:0", 15),
    ("claude-sonnet-4-5@20250929", 10),
    ("claude-haiku-4-5-20251001", 12),
    ("us.anthropic.claude-haiku-4-5-20251001-v1:0", 8),
    ("anthropic/claude-opus-4-1-20250805", 5),
    ("models/gemini-2.5-pro", 6),
    ("gemini/gemini-2.5-flash", 6),
    ("meta.llama3-3-70b-instruct-v1:0", 4),
    ("mistral.mistral-large-3-675b-instruct", 3),
    ("gpt-4o-2024-08-06", 1),
];

/// A small deterministic generator (xorshift), so every run reads the same bytes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn usage_csv(rows: usize) -> Vec<u8> {
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let weights: u32 = MODELS.iter().map(|(_, w)| w).sum();
    let mut out = Vec::with_capacity(rows * 110);
    out.extend_from_slice(
        b"timestamp,model,input_tokens,output_tokens,cache_read_input_tokens,\
          cache_creation_input_tokens,batch\n",
    );
    // A month: about 2.6 seconds between requests.
    let step_ms = 30 * 24 * 3600 * 1000 / rows as u64;
    for i in 0..rows as u64 {
        let ms = i * step_ms;
        let (day, rest) = (ms / 86_400_000, ms % 86_400_000);
        let (h, m, s) = (rest / 3_600_000, rest / 60_000 % 60, rest / 1000 % 60);
        let mut pick = rng.below(u64::from(weights)) as u32;
        let model = MODELS
            .iter()
            .find(|(_, w)| {
                let hit = pick < *w;
                pick = pick.saturating_sub(*w);
                hit
            })
            .map_or(MODELS[0].0, |(name, _)| name);
        let input = 200 + rng.below(8000);
        let output = 50 + rng.below(1500);
        let cached = rng.below(10) < 6;
        let cache_read = if cached { rng.below(50_000) } else { 0 };
        let cache_write = if !cached && rng.below(10) < 3 {
            rng.below(20_000)
        } else {
            0
        };
        let batch = rng.below(100) < 15;
        writeln!(
            out,
            "2026-10-{:02}T{h:02}:{m:02}:{s:02}Z,{model},{input},{output},{cache_read},{cache_write},{batch}",
            day + 1
        )
        .expect("write to memory");
    }
    out
}

/// The same rows out of time order (a fixed shuffle), header first: reading must not cost
/// more when a log is not sorted.
fn shuffled(csv: &[u8]) -> Vec<u8> {
    let mut lines: Vec<&[u8]> = csv.split_inclusive(|&b| b == b'\n').collect();
    let mut rng = Rng(0x0dd_ba11_5eed_cafe);
    for i in (2..lines.len()).rev() {
        let j = 1 + rng.below(i as u64) as usize;
        lines.swap(i, j);
    }
    lines.concat()
}

/// The unavoidable work: split records and parse the same numbers.
fn parse_only(csv: &[u8]) -> u64 {
    let mut reader = csv::ReaderBuilder::new()
        .buffer_capacity(1 << 16)
        .from_reader(csv);
    let mut record = csv::ByteRecord::new();
    let mut sum = 0u64;
    let number = |field: &[u8]| {
        field.iter().fold(0u64, |n, b| {
            n.wrapping_mul(10).wrapping_add(u64::from(b - b'0'))
        })
    };
    while reader.read_byte_record(&mut record).expect("valid csv") {
        for column in 2..6 {
            sum = sum.wrapping_add(number(&record[column]));
        }
        sum = sum.wrapping_add(u64::from(record[6] == *b"true"));
    }
    sum
}

fn known_models() -> Vec<&'static str> {
    let catalogue = Catalogue::load(None).expect("embedded catalogue");
    let prices = Prices::load(None, &catalogue.vocabulary("model_families")).expect("prices");
    Box::leak(Box::new(prices)).model_ids()
}

fn replay_parser(c: &mut Criterion) {
    let csv = usage_csv(ROWS);
    let known = known_models();
    let mut group = c.benchmark_group("replay_parser");
    group.throughput(Throughput::Elements(ROWS as u64));
    group.sample_size(10);
    group.bench_function("parse_only", |b| b.iter(|| parse_only(black_box(&csv))));
    group.bench_function("read_csv", |b| {
        b.iter(|| {
            let totals = read_csv(black_box(&csv[..]), "bench.csv", &known, false)
                .expect("generated CSV is valid");
            assert_eq!(totals.rows, ROWS as u64);
            totals
        })
    });
    let out_of_order = shuffled(&csv);
    group.bench_function("read_csv_shuffled", |b| {
        b.iter(|| {
            let totals = read_csv(black_box(&out_of_order[..]), "bench.csv", &known, false)
                .expect("generated CSV is valid");
            assert_eq!(totals.rows, ROWS as u64);
            totals
        })
    });
    group.finish();
}

criterion_group!(benches, replay_parser);
criterion_main!(benches);
