//! `routewise replay --reconcile BILL` with CUR 2.0 and FOCUS exports as Parquet: the same
//! lines as the CSV fixtures, written to Parquet by a real DuckDB (the Python `duckdb`
//! package) with typed columns (timestamps, doubles, a map column as CUR has) and each
//! compression CUR and FOCUS exports use, reconcile exactly as the CSV does.
//!
//! Skipped (saying why) where `python3 -c "import duckdb"` fails, unless
//! `ROUTEWISE_REQUIRE_DUCKDB=1` (set by `.ci/run`, which installs it), where it fails.

mod common;

use std::path::Path;
use std::process::Command;

use common::root;
use rust_decimal::Decimal;
use serde_json::Value;

/// Runs a DuckDB statement in `dir`.
fn duckdb(dir: &Path, sql: &str) {
    std::fs::write(dir.join("statement.sql"), sql).unwrap();
    let output = Command::new("python3")
        .current_dir(dir)
        .args([
            "-c",
            "import duckdb\nduckdb.connect().sql(open('statement.sql').read())\n",
        ])
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "DuckDB failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn fixture(path: &str) -> String {
    root()
        .join("tests/fixtures")
        .join(path)
        .display()
        .to_string()
}

fn replay(dir: &Path, bill: &str, extra: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_routewise"))
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .args([
            "replay",
            "--usage",
            &fixture("usage/bedrock_october.jsonl"),
            "--reconcile",
            bill,
        ])
        .args(extra)
        .output()
        .expect("routewise runs")
}

/// The reconciliation of `bill`, its file name removed and every amount written in its
/// normal form: a Parquet double `1.0` and a CSV `1.00` are the same amount.
fn reconciliation(dir: &Path, bill: &str, extra: &[&str]) -> Value {
    let mut args = extra.to_vec();
    args.extend_from_slice(&["--format", "json"]);
    let output = replay(dir, bill, &args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut rec = json["reconciliation"].clone();
    rec.as_object_mut().unwrap().remove("bill");
    normalise(&mut rec);
    rec
}

fn normalise(value: &mut Value) {
    match value {
        Value::String(s) => {
            if let Ok(d) = s.parse::<Decimal>() {
                *s = d.normalize().to_string();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(normalise),
        Value::Object(map) => map.values_mut().for_each(normalise),
        _ => {}
    }
}

/// The CUR fixture as CUR 2.0 Parquet: dates as timestamps, amounts as doubles, a map.
fn cur_to_parquet(dir: &Path, out: &str, compression: &str) {
    duckdb(
        dir,
        &format!(
            "COPY (SELECT CAST(bill_billing_period_start_date AS TIMESTAMP) AS bill_billing_period_start_date,
                CAST(line_item_usage_start_date AS TIMESTAMP) AS line_item_usage_start_date,
                line_item_product_code, line_item_line_item_type, line_item_usage_type,
                CAST(line_item_usage_amount AS DOUBLE) AS line_item_usage_amount, pricing_unit,
                CAST(line_item_unblended_cost AS DOUBLE) AS line_item_unblended_cost,
                product_region_code, MAP {{'user:team': 'ml'}} AS resource_tags
             FROM read_csv('{}', all_varchar = true))
             TO '{out}' (FORMAT parquet, COMPRESSION {compression})",
            fixture("bills/cur_2026-10.csv")
        ),
    );
}

#[test]
fn a_cur_parquet_export_reconciles_like_the_csv_in_every_compression() {
    if !common::duckdb_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let csv = reconciliation(dir.path(), &fixture("bills/cur_2026-10.csv"), &[]);
    assert_eq!(csv["format"], "cur");
    assert_eq!(csv["billed_total_usd"], "18.7771");
    for compression in ["snappy", "gzip", "zstd"] {
        let file = format!("cur-{compression}.parquet");
        cur_to_parquet(dir.path(), &file, compression);
        assert!(
            std::fs::read(dir.path().join(&file))
                .unwrap()
                .starts_with(b"PAR1")
        );
        assert_eq!(reconciliation(dir.path(), &file, &[]), csv, "{compression}");
    }
}

#[test]
fn a_focus_parquet_export_reconciles_like_the_csv() {
    if !common::duckdb_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("focus.csv"),
        "BilledCost,ChargePeriodStart,ChargeCategory,ProviderName,ServiceName,x_UsageType,ConsumedQuantity,ConsumedUnit,BillingCurrency\n\
         1.50,2026-10-07T00:00:00Z,Usage,AWS,Amazon Bedrock,USE1-Claude4.6Sonnet-input-tokens-cross-region-global,500000,Tokens,USD\n\
         1.50,2026-10-07T00:00:00Z,Usage,AWS,Amazon Bedrock,USE1-Claude4.6Sonnet-output-tokens-cross-region-global,100,1K Tokens,USD\n\
         9.50,2026-10-01T00:00:00Z,Usage,Google Cloud,Vertex AI,,1000,count,USD\n",
    )
    .unwrap();
    duckdb(
        dir.path(),
        "COPY (SELECT CAST(BilledCost AS DECIMAL(18, 6)) AS BilledCost,
                CAST(ChargePeriodStart AS TIMESTAMP) AS ChargePeriodStart, ChargeCategory,
                ProviderName, ServiceName, x_UsageType,
                CAST(ConsumedQuantity AS DOUBLE) AS ConsumedQuantity, ConsumedUnit, BillingCurrency
             FROM read_csv('focus.csv', all_varchar = true))
         TO 'focus.parquet' (FORMAT parquet, COMPRESSION zstd)",
    );
    let route = ["--route", "bedrock-global"];
    let csv = reconciliation(dir.path(), "focus.csv", &route);
    assert_eq!(csv["format"], "focus");
    assert_eq!(reconciliation(dir.path(), "focus.parquet", &route), csv);
}

/// An export directory of Parquet parts: only the latest snapshot is read, as for CSV.
#[test]
fn a_directory_of_parquet_parts_keeps_the_latest_snapshot() {
    if !common::duckdb_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for snapshot in ["20261015T000000Z", "20261101T000000Z"] {
        let folder = dir
            .path()
            .join(format!("export/data/BILLING_PERIOD=2026-10/{snapshot}"));
        std::fs::create_dir_all(&folder).unwrap();
        cur_to_parquet(
            dir.path(),
            &folder
                .join("part-00001.snappy.parquet")
                .display()
                .to_string(),
            "snappy",
        );
    }
    let rec = reconciliation(dir.path(), "export", &[]);
    assert_eq!(rec["billed_total_usd"], "18.7771");
    assert!(
        rec["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains("1 files of earlier snapshots")),
        "{rec}"
    );
}

/// A bad amount names the file, the row's line (as in a CSV export), the column's
/// position in the file and its name; a file cut short is unreadable, not a short total.
#[test]
fn a_bad_parquet_bill_names_file_row_column_and_key() {
    if !common::duckdb_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    duckdb(
        dir.path(),
        "COPY (SELECT * FROM (VALUES
            (TIMESTAMP '2026-10-01 00:00:00', 'USE1-Claude4.6Sonnet-output-tokens', 1.0, '1.0'),
            (TIMESTAMP '2026-10-02 00:00:00', 'USE1-Claude4.6Sonnet-output-tokens', 1.0, 'one'))
            AS t(line_item_usage_start_date, line_item_usage_type, line_item_usage_amount, line_item_unblended_cost))
         TO 'bad.parquet' (FORMAT parquet)",
    );
    let output = replay(dir.path(), "bad.parquet", &[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bad.parquet:3:4"), "{stderr}");
    assert!(stderr.contains("line_item_unblended_cost"), "{stderr}");
    assert!(stderr.contains("`one` is not an amount"), "{stderr}");

    let whole = std::fs::read(dir.path().join("bad.parquet")).unwrap();
    std::fs::write(dir.path().join("cut.parquet"), &whole[..whole.len() / 2]).unwrap();
    let output = replay(dir.path(), "cut.parquet", &[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cut.parquet"), "{stderr}");
    assert!(stderr.contains("E-BILL-UNREADABLE"), "{stderr}");
}
