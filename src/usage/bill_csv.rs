//! What the CSV bill readers (CUR 2.0 and FOCUS) share: the header resolved to the columns
//! a format needs (refused, with what was expected and what is there, when one is missing),
//! and each line's fields with the file, line and character column of a bad one. The same
//! exports as Parquet come through here too ([`super::bill_parquet`]), as rows of text.

use std::io::Read;

use ::csv::{ByteRecord, ReaderBuilder};
use rust_decimal::Decimal;

use super::bill::{Bill, parse_amount};
use super::bill_parquet::{ParquetBill, ParquetRows};
use super::csv::character_column;
use crate::support::diagnostic::{Code, Diagnostic};

/// A column a format reads: its accepted names (the first is the one documented) and
/// whether the format needs it.
pub struct Wanted {
    pub names: &'static [&'static str],
    pub required: bool,
}

/// Where a bill's lines come from.
pub enum BillSource<R: Read> {
    /// A CSV stream (un-gzipped).
    Csv(R),
    /// A Parquet file, opened.
    Parquet(ParquetBill),
}

/// A source with its header read.
enum Opened<R: Read> {
    Csv(::csv::Reader<R>),
    Parquet(ParquetBill),
}

/// A source being read line by line.
enum Lines<R: Read> {
    Csv(::csv::Reader<R>),
    /// The rows, and each wanted column's 1-based position in the file.
    Parquet(ParquetRows, Vec<u64>),
}

/// A CSV bill, its header resolved.
pub struct BillCsv<R: Read> {
    file: String,
    lines: Lines<R>,
    /// For each wanted column, its index in the record.
    index: Vec<Option<usize>>,
    names: Vec<&'static str>,
    pub record: ByteRecord,
}

impl<R: Read> BillCsv<R> {
    /// Reads the header; `format` names the format in the error of a header that is not it.
    pub fn open(
        source: BillSource<R>,
        file: &str,
        wanted: &[Wanted],
        format: &str,
    ) -> Result<Self, Diagnostic> {
        let error = |line: u64, message: String, code: Code| {
            let mut d = Diagnostic::plain(code, message);
            d.file = file.to_owned();
            d.line = line;
            d.column = 1;
            d
        };
        let mut record = ByteRecord::new();
        let (present, opened) = match source {
            BillSource::Csv(reader) => {
                let mut csv = ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .buffer_capacity(1 << 16)
                    .from_reader(reader);
                let read = csv.read_byte_record(&mut record).map_err(|e| {
                    let line = e.position().map_or(1, |p| p.line());
                    error(
                        line,
                        format!("cannot read the bill: {e}"),
                        Code::BillUnreadable,
                    )
                })?;
                if !read {
                    return Err(error(1, "the bill is empty".into(), Code::BillEmpty));
                }
                let present: Vec<String> = record
                    .iter()
                    .map(|f| {
                        String::from_utf8_lossy(f)
                            .trim()
                            .trim_start_matches('\u{feff}')
                            .to_owned()
                    })
                    .collect();
                (present, Opened::Csv(csv))
            }
            BillSource::Parquet(bill) => (bill.names().to_vec(), Opened::Parquet(bill)),
        };
        let index: Vec<Option<usize>> = wanted
            .iter()
            .map(|w| {
                w.names
                    .iter()
                    .find_map(|name| present.iter().position(|p| p.eq_ignore_ascii_case(name)))
            })
            .collect();
        let missing: Vec<String> = wanted
            .iter()
            .zip(&index)
            .filter(|(w, i)| w.required && i.is_none())
            .map(|(w, _)| w.names.join(" or "))
            .collect();
        if !missing.is_empty() {
            let expected: Vec<&str> = wanted
                .iter()
                .filter(|w| w.required)
                .map(|w| w.names[0])
                .collect();
            let shown: Vec<&str> = present.iter().take(30).map(String::as_str).collect();
            let mut d = error(
                1,
                format!(
                    "this is not {format}: it has no {} column (expected {}; the file has {}{})",
                    missing.join(", "),
                    expected.join(", "),
                    shown.join(", "),
                    if present.len() > shown.len() {
                        ", …"
                    } else {
                        ""
                    }
                ),
                Code::BillHeader,
            );
            d.key = Some(missing[0].clone());
            return Err(d.with_help(
                "export the bill with these columns, or name the right format with --bill-format",
            ));
        }
        let (lines, index) = match opened {
            Opened::Csv(csv) => (Lines::Csv(csv), index),
            Opened::Parquet(bill) => {
                // Only the wanted columns are decoded; field `i` of a record is the `i`th
                // present one.
                let in_file: Vec<usize> = index.iter().flatten().copied().collect();
                let columns = in_file.iter().map(|&c| c as u64 + 1).collect();
                let mut next = 0;
                let index = index
                    .iter()
                    .map(|i| {
                        i.map(|_| {
                            next += 1;
                            next - 1
                        })
                    })
                    .collect();
                (Lines::Parquet(bill.rows(&in_file)?, columns), index)
            }
        };
        Ok(Self {
            file: file.to_owned(),
            lines,
            index,
            names: wanted.iter().map(|w| w.names[0]).collect(),
            record,
        })
    }

    /// Reads the next line into `self.record`; `false` at the end.
    pub fn next(&mut self) -> Result<bool, Diagnostic> {
        let csv = match &mut self.lines {
            Lines::Csv(csv) => csv,
            Lines::Parquet(rows, _) => return rows.next(&mut self.record),
        };
        csv.read_byte_record(&mut self.record).map_err(|e| {
            let line = e.position().map_or(1, |p| p.line());
            let mut d =
                Diagnostic::plain(Code::BillUnreadable, format!("cannot read the bill: {e}"))
                    .with_help("the file is cut short or damaged; export it again");
            d.file = self.file.clone();
            d.line = line;
            d.column = 1;
            d
        })
    }

    /// Whether the header has wanted column `i`.
    pub fn has(&self, i: usize) -> bool {
        self.index[i].is_some()
    }

    /// Wanted column `i` of the current line, trimmed (empty when the header lacks it).
    pub fn text(&self, i: usize) -> String {
        self.index[i]
            .and_then(|at| self.record.get(at))
            .map(|f| String::from_utf8_lossy(f).trim().to_owned())
            .unwrap_or_default()
    }

    /// A bad value in wanted column `i` of the current line.
    pub fn bad(&self, i: usize, message: String) -> Diagnostic {
        let mut d = Diagnostic::plain(Code::BillInvalidValue, message);
        d.file = self.file.clone();
        d.line = self.record.position().map_or(1, |p| p.line());
        d.column = self.index[i].map_or(1, |at| match &self.lines {
            Lines::Csv(_) => character_column(&self.record, at),
            Lines::Parquet(_, columns) => columns[at],
        });
        d.key = Some(self.names[i].to_owned());
        d
    }

    /// An amount in wanted column `i`: a bad line when it is empty or not a number.
    pub fn amount(&self, i: usize) -> Result<Decimal, Diagnostic> {
        let text = self.text(i);
        parse_amount(&text).ok_or_else(|| {
            self.bad(
                i,
                if text.is_empty() {
                    format!("`{}` is empty", self.names[i])
                } else {
                    format!("`{text}` is not an amount")
                },
            )
        })
    }

    /// The month (`YYYY-MM`) of a date or time in wanted column `i`
    /// (`2026-10-01T00:00:00Z`, `2026-10-01 00:00:00`, `2026-10`).
    pub fn month(&self, i: usize) -> Result<String, Diagnostic> {
        let text = self.text(i);
        month_of(&text).ok_or_else(|| {
            self.bad(
                i,
                format!("`{text}` is not a date (expected YYYY-MM-DD, a time, or YYYY-MM)"),
            )
        })
    }
}

/// `YYYY-MM` of a date, a time or a month.
pub fn month_of(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let ok = bytes.len() >= 7
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[5..7].iter().all(u8::is_ascii_digit)
        && (bytes.len() == 7 || !bytes[7].is_ascii_digit());
    let month: u32 = text.get(5..7)?.parse().ok()?;
    (ok && (1..=12).contains(&month)).then(|| text[..7].to_owned())
}

/// What a format's reader says about one line: attributed, or listed as unattributed
/// (`Ok(Ok(()))`); an amount that overflowed the bill (`Ok(Err(why))`); or a bad value
/// (`Err`). Either failure is a bad line, skipped or fatal as the user asked.
pub type LineOutcome = Result<Result<(), &'static str>, Diagnostic>;

/// The line loop the CSV bill readers share: each line's amount (wanted column `cost`) and
/// month (wanted column `month`) are read, then `attribute` attributes the line to the bill
/// or lists it as unattributed. A bad line stops the read, or is counted and skipped when
/// `skip_bad_rows`.
pub fn read_lines<R: Read>(
    mut csv: BillCsv<R>,
    mut bill: Bill,
    cost: usize,
    month: usize,
    skip_bad_rows: bool,
    mut attribute: impl FnMut(&BillCsv<R>, &mut Bill, &str, Decimal) -> LineOutcome,
) -> Result<Bill, Diagnostic> {
    while csv.next()? {
        let (amount, line_month) = match (csv.amount(cost), csv.month(month)) {
            (Ok(amount), Ok(line_month)) => (amount, line_month),
            (Err(d), _) | (_, Err(d)) => {
                bill.bad_row(d, skip_bad_rows)?;
                continue;
            }
        };
        match attribute(&csv, &mut bill, &line_month, amount) {
            Ok(Ok(())) => {}
            // An overflow: a bad line at its amount.
            Ok(Err(message)) => bill.bad_row(csv.bad(cost, message.to_owned()), skip_bad_rows)?,
            Err(d) => bill.bad_row(d, skip_bad_rows)?,
        }
    }
    Ok(bill)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_come_from_dates_times_and_months() {
        assert_eq!(month_of("2026-10-01T00:00:00Z").as_deref(), Some("2026-10"));
        assert_eq!(month_of("2026-10-01 00:00:00").as_deref(), Some("2026-10"));
        assert_eq!(month_of("2026-10").as_deref(), Some("2026-10"));
        assert_eq!(month_of("2026-13-01"), None);
        assert_eq!(month_of("20261001"), None);
        assert_eq!(month_of("2026-100"), None);
    }
}
