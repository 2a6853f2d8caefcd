//! A small black-box mutation test: every input kind's seeds, mutated on a fixed seed, go
//! through the same library entry points the command line uses, and none may panic. The
//! coverage-guided fuzz targets (`fuzz/`) do this for real; this keeps the stable suite
//! honest between fuzzing runs. A fixed number of cases, never a time budget.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::OnceLock;

use routewise::data::catalogue::Catalogue;
use routewise::data::load::{DataKind, user_file, with_user_files};
use routewise::data::parse::source_from_bytes;
use routewise::data::price_book::PriceBook;
use routewise::data::prices::Prices;
use routewise::outputs::diff;

/// Mutants per seed file.
const CASES: usize = 60;

/// xorshift64*: a fixed sequence, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Tokens that tend to matter to these formats.
const TOKENS: &[&str] = &[
    "\n",
    "\r\n",
    ":",
    "- ",
    "[",
    "]",
    "{",
    "}",
    "\"",
    "'",
    ",",
    "=",
    "#",
    "&a",
    "*a",
    "!!",
    "0",
    "-1",
    "1e309",
    "99999999999999999999",
    "2126-10-01T12:00:05Z",
    "null",
    "true",
    "{{",
    "}}",
    "{%",
    "%}",
    "\u{feff}",
    "\u{0}",
    "é",
    "        ",
];

fn mutate(seed: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut data = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(data.len() + 1);
        match rng.below(6) {
            0 if !data.is_empty() => {
                let i = at.min(data.len() - 1);
                data[i] ^= 1 << rng.below(8);
            }
            1 => {
                let token = TOKENS[rng.below(TOKENS.len())].as_bytes();
                data.splice(at..at, token.iter().copied());
            }
            2 => {
                let end = (at + rng.below(64)).min(data.len());
                data.drain(at..end);
            }
            3 => data.truncate(at),
            4 => {
                // Repeat a slice: long lines, long names, duplicate keys.
                let end = (at + rng.below(200)).min(data.len());
                let slice = data[at..end].to_vec();
                for _ in 0..rng.below(8) {
                    data.splice(at..at, slice.iter().copied());
                }
            }
            _ => {
                let other = rng.below(data.len() + 1);
                let (a, b) = (at.min(other), at.max(other));
                data[a..b].reverse();
            }
        }
    }
    data
}

fn seeds(dir: &str, extension: &str) -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    let mut visit = |path: &Path| {
        if path.extension().is_some_and(|e| e == extension) {
            out.push((
                path.display().to_string(),
                std::fs::read(path).expect("a seed file"),
            ));
        }
    };
    for entry in std::fs::read_dir(root.join(dir)).expect("a seed directory") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            for inner in std::fs::read_dir(&path).expect("a directory") {
                visit(&inner.expect("an entry").path());
            }
        } else {
            visit(&path);
        }
    }
    out.sort();
    assert!(!out.is_empty(), "no .{extension} seeds under {dir}");
    out
}

/// Runs `check` on every mutant of every seed; a panic fails with the seed and case.
fn run(kind: &str, seeds: &[(String, Vec<u8>)], check: impl Fn(&[u8])) {
    let mut rng = Rng(0x5EED_0000 + kind.len() as u64);
    for (name, seed) in seeds {
        for case in 0..CASES {
            let mutant = mutate(seed, &mut rng);
            let outcome = catch_unwind(AssertUnwindSafe(|| check(&mutant)));
            assert!(
                outcome.is_ok(),
                "{kind}: mutant {case} of {name} panicked; input:\n{}",
                String::from_utf8_lossy(&mutant)
            );
        }
    }
}

fn catalogue() -> &'static Catalogue {
    static C: OnceLock<Catalogue> = OnceLock::new();
    C.get_or_init(|| Catalogue::load(None).expect("the embedded catalogue"))
}

fn prices() -> &'static Prices {
    static P: OnceLock<Prices> = OnceLock::new();
    P.get_or_init(|| {
        Prices::load(None, &catalogue().vocabulary("model_families")).expect("embedded prices")
    })
}

#[test]
fn mutated_answers_never_panic() {
    run("answers", &seeds("examples", "yaml"), |data| {
        if let Ok(file) = source_from_bytes("answers.yaml", data.to_vec()) {
            let _ = routewise::data::inputs::answers_from_source(&file, catalogue())
                .map_err(|e| e.to_string());
        }
    });
}

#[test]
fn mutated_workloads_never_panic() {
    run("workload", &seeds("examples", "yaml"), |data| {
        if let Ok(file) = source_from_bytes("workload.yaml", data.to_vec()) {
            let _ = routewise::data::inputs::workload_from_source(&file, prices())
                .map_err(|e| e.to_string());
        }
    });
}

#[test]
fn mutated_rules_files_never_panic() {
    run("rules", &seeds("rules", "yaml"), |data| {
        if let Ok(file) = source_from_bytes("rules.yaml", data.to_vec()) {
            let files = with_user_files(DataKind::Rules, vec![user_file("rules.yaml", file)]);
            if let Ok(catalogue) = Catalogue::from_files(files) {
                let _ = routewise::data::rule_set::RuleSet::compile(&catalogue)
                    .map_err(|e| e.to_string());
            }
        }
    });
}

#[test]
fn mutated_pricing_tables_and_price_books_never_panic() {
    let families = catalogue().vocabulary("model_families");
    run("pricing", &seeds("pricing", "toml"), |data| {
        if let Ok(file) = source_from_bytes("user.toml", data.to_vec()) {
            let files = with_user_files(DataKind::Pricing, vec![user_file("user.toml", file)]);
            let _ = Prices::read_files(files)
                .and_then(|read| read.check(&families))
                .map_err(|e| e.to_string());
        }
    });
    run("price book", &seeds("examples", "toml"), |data| {
        if let Ok(file) = source_from_bytes("book.toml", data.to_vec()) {
            let mut prices = prices().clone();
            let _ =
                PriceBook::from_source(&file, catalogue(), &mut prices).map_err(|e| e.to_string());
        }
    });
}

#[test]
fn mutated_usage_files_never_panic() {
    let models = prices().model_ids();
    run("usage csv", &seeds("tests/fixtures", "csv"), |data| {
        for skip in [false, true] {
            let _ = routewise::usage::read_csv(data, "usage.csv", &models, skip)
                .map_err(|e| e.to_string());
        }
    });
    run("usage json", &seeds("tests/fixtures", "json"), |data| {
        for skip in [false, true] {
            let _ = routewise::usage::read_usage_report(data, "usage.json", &models, skip)
                .map_err(|e| e.to_string());
        }
    });
}

#[test]
fn mutated_diff_reports_never_panic() {
    let seeds = seeds("fuzz/corpus/diff_report", "json");
    let base =
        diff::from_source(&source_from_bytes("base.json", seeds[0].1.clone()).expect("a report"))
            .expect("the seed report reads");
    run("diff", &seeds, |data| {
        if let Ok(file) = source_from_bytes("new.json", data.to_vec())
            && let Ok(new) = diff::from_source(&file)
        {
            for b in [&base, &new] {
                if let Ok(d) = diff::compare("base.json", b, "new.json", &new, &[], None) {
                    let _ = diff::text::render(&d);
                }
            }
        }
    });
}
