//! The floor replay is measured against: the csv crate's parse of a usage CSV and its four
//! token columns, with nothing else (no model mapping, no time buckets, no pricing).
//!
//! Built as an example so `scripts/bench_peers.py --bare` can time it as a whole process on
//! the same file as routewise, DuckDB and polars:
//! `cargo build --release --example bare_csv_parse`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: bare_csv_parse FILE");
        return ExitCode::from(2);
    };
    let mut reader = match csv::ReaderBuilder::new()
        .buffer_capacity(1 << 16)
        .from_path(&path)
    {
        Ok(reader) => reader,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(2);
        }
    };
    let number = |field: &[u8]| {
        field.iter().fold(0u64, |n, b| {
            n.wrapping_mul(10)
                .wrapping_add(u64::from(b.wrapping_sub(b'0')))
        })
    };
    let mut record = csv::ByteRecord::new();
    let mut sum = 0u64;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                eprintln!("{path}: {e}");
                return ExitCode::from(2);
            }
        }
        for column in 2..6 {
            sum = sum.wrapping_add(record.get(column).map_or(0, number));
        }
        sum = sum.wrapping_add(u64::from(record.get(6) == Some(b"true")));
    }
    println!("{sum}");
    ExitCode::SUCCESS
}
