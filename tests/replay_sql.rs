//! `routewise replay --emit-sql duckdb`: the SQL run on a real DuckDB (the Python `duckdb`
//! package) over generated Bedrock invocation logs and a LiteLLM spend-log export, its
//! result replayed, must price exactly like replaying the logs directly, to the cent.
//!
//! Skipped (saying why) where `python3 -c "import duckdb"` fails, unless
//! `ROUTEWISE_REQUIRE_DUCKDB=1` (set by `.ci/run`, which installs it), where it fails.

mod common;

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::process::Command;

use common::Run;
use serde_json::Value;

fn duckdb_available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import duckdb"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("ROUTEWISE_REQUIRE_DUCKDB").as_deref() != Ok("1"),
            "ROUTEWISE_REQUIRE_DUCKDB=1 but the Python duckdb package is not installed"
        );
        println!("skipping: the Python duckdb package is not installed (pip install duckdb)");
    }
    ok
}

/// Runs `sql` on DuckDB in `dir` and writes its result as CSV with a header to `out`.
fn run_duckdb(dir: &Path, sql: &str, out: &str) {
    std::fs::write(dir.join("query.sql"), sql).unwrap();
    let script = format!(
        "import duckdb\nsql = open('query.sql').read().strip().rstrip(';')\nduckdb.connect().sql('COPY (' + sql + '\\n) TO ''{out}'' (HEADER)')\n"
    );
    let output = Command::new("python3")
        .current_dir(dir)
        .args(["-c", &script])
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "DuckDB failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn routewise_json(dir: &Path, args: &[&str]) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_routewise"))
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .args(args)
        .args(["--format", "json"])
        .output()
        .expect("routewise runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON")
}

fn emit(args: &[&str]) -> String {
    let mut all = vec!["replay"];
    all.extend_from_slice(args);
    let outcome = Run::new().args(&all).run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    outcome.stdout
}

/// A deterministic generator.
fn generator() -> impl FnMut(u64) -> u64 {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    move |n| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    }
}

/// The priced parts of two replays agree, route by route and line by line.
fn assert_same_prices(direct: &Value, via_sql: &Value) {
    assert_eq!(direct["routes"], via_sql["routes"]);
    assert_eq!(
        direct["observed"]["peak_tokens_per_minute"],
        via_sql["observed"]["peak_tokens_per_minute"]
    );
    // Rows differ (requests against minute buckets); tokens and peaks may not.
    let per_model = |r: &Value| -> Vec<(Value, Value, Value)> {
        r["observed"]["models"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["model"].clone(),
                    m["tokens"].clone(),
                    m["peak_tokens_per_minute"].clone(),
                )
            })
            .collect()
    };
    assert_eq!(per_model(direct), per_model(via_sql));
    let total = common::route(direct, "anthropic-api")["total_usd"].clone();
    assert!(total.as_str().is_some_and(|t| t != "0.00"), "{total}");
}

#[test]
fn bedrock_logs_through_duckdb_price_like_the_logs() {
    if !duckdb_available() {
        return;
    }
    let models = [
        "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "global.anthropic.claude-haiku-4-5-20251001-v1:0",
        "anthropic.claude-sonnet-4-5-20250929-v1:0",
        "eu.anthropic.claude-opus-4-5-20251101-v1:0",
    ];
    let mut next = generator();
    let dir = tempfile::tempdir().unwrap();
    let logs = dir
        .path()
        .join("AWSLogs/123456789012/BedrockModelInvocationLogs/us-east-1/2026/10/01");
    for hour in 0..6u64 {
        let hour_dir = logs.join(format!("{hour:02}"));
        std::fs::create_dir_all(&hour_dir).unwrap();
        let mut lines = String::new();
        for i in 0..400u64 {
            let model = models[next(models.len() as u64) as usize];
            let minute = next(60);
            let record = if next(50) == 0 {
                format!(
                    r#"{{"schemaType":"ModelInvocationLog","timestamp":"2026-10-01T{hour:02}:{minute:02}:{:02}Z","requestId":"{hour}-{i}","modelId":"{model}","errorCode":"ThrottlingException"}}"#,
                    next(60)
                )
            } else {
                format!(
                    r#"{{"schemaType":"ModelInvocationLog","timestamp":"2026-10-01T{hour:02}:{minute:02}:{:02}Z","requestId":"{hour}-{i}","modelId":"{model}","input":{{"inputTokenCount":{},"cacheReadInputTokenCount":{},"cacheWriteInputTokenCount":{}}},"output":{{"outputTokenCount":{}}}}}"#,
                    next(60),
                    next(20_000),
                    next(3) * next(40_000),
                    next(4) / 3 * next(10_000),
                    next(3_000)
                )
            };
            lines.push_str(&record);
            lines.push('\n');
        }
        if hour % 2 == 0 {
            let file = std::fs::File::create(hour_dir.join("part.json.gz")).unwrap();
            let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
            gz.write_all(lines.as_bytes()).unwrap();
            gz.finish().unwrap();
        } else {
            std::fs::write(hour_dir.join("part.json"), lines).unwrap();
        }
    }
    let sql = emit(&[
        "--emit-sql",
        "duckdb",
        "--source",
        "bedrock-invocation",
        "--sql-from",
        "'AWSLogs/*/BedrockModelInvocationLogs/*/*/*/*/*/*.json*'",
    ]);
    run_duckdb(dir.path(), &sql, "usage.csv");
    let direct = routewise_json(dir.path(), &["replay", "--usage", "AWSLogs"]);
    let via_sql = routewise_json(dir.path(), &["replay", "--usage", "usage.csv"]);
    assert_eq!(direct["format"], "bedrock");
    assert_same_prices(&direct, &via_sql);
}

#[test]
fn a_litellm_export_through_duckdb_prices_like_the_export() {
    if !duckdb_available() {
        return;
    }
    let models = [
        ("us.anthropic.claude-sonnet-4-5-20250929-v1:0", "bedrock"),
        ("claude-haiku-4-5-20251001", "anthropic"),
        ("claude-sonnet-4-5-20250929", "anthropic"),
    ];
    let mut next = generator();
    let mut csv = String::from(
        "request_id,call_type,spend,prompt_tokens,completion_tokens,startTime,model,custom_llm_provider,metadata\n",
    );
    for id in 0..2000u64 {
        let (model, provider) = models[next(3) as usize];
        let cache_read = next(2) * next(50_000);
        let cache_write = next(4) / 3 * next(20_000);
        let prompt = next(30_000) + cache_read + cache_write;
        let metadata = if next(8) == 0 {
            "{}".to_owned()
        } else {
            format!(
                r#"{{"usage_object":{{"cache_read_input_tokens":{cache_read},"cache_creation_input_tokens":{cache_write}}}}}"#
            )
        };
        writeln!(
            csv,
            "r{id},acompletion,{}.{:04},{prompt},{},2026-10-01 {:02}:{:02}:{:02}.{:03},{model},{provider},\"{}\"",
            next(2),
            next(10_000),
            next(2_000),
            id / 100,
            next(60),
            next(60),
            next(1000),
            metadata.replace('"', "\"\"")
        )
        .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("spend.csv"), csv).unwrap();
    let sql = emit(&[
        "--emit-sql",
        "duckdb",
        "--source",
        "litellm-spendlogs",
        "--sql-from",
        "read_csv('spend.csv', header = true, all_varchar = true)",
    ]);
    run_duckdb(dir.path(), &sql, "usage.csv");
    let direct = routewise_json(dir.path(), &["replay", "--usage", "spend.csv"]);
    let via_sql = routewise_json(dir.path(), &["replay", "--usage", "usage.csv"]);
    assert_eq!(direct["format"], "litellm");
    assert_same_prices(&direct, &via_sql);
}
