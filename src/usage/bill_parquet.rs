//! A bill exported as Parquet (CUR 2.0 and FOCUS are usually exported so), read as the
//! rows of a CSV: the schema's top-level column names are the header and each row's values
//! are written as the CSV export writes them, so the CSV bill readers apply unchanged.
//!
//! Only the columns a format reads are decoded (a projection), which also keeps the bill's
//! map and list columns (`resource_tags`, `product`) out of the row reader. Values become
//! text: strings as they are, integers and decimals exactly, doubles in their shortest
//! round-trip form (`6.6`, not `6.6000000000000005`), dates and timestamps as
//! `YYYY-MM-DD` and `YYYY-MM-DDTHH:MM:SSZ` (UTC). A Parquet file needs random access, so
//! the whole file is held in memory while it is read; bill exports are compressed and
//! split into parts, so that is one part's size.
//!
//! Positions: a row's line is its number counting the header as line 1, the line the same
//! row has in a CSV export; its column is the column's 1-based position in the file.

use std::sync::Arc;

use ::csv::{ByteRecord, Position};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use parquet::record::reader::RowIter;
use parquet::schema::types::Type;

use crate::support::date::civil_from_days;
use crate::support::diagnostic::{Code, Diagnostic};

/// The magic number a Parquet file starts (and ends) with.
pub const MAGIC: &[u8] = b"PAR1";

/// An opened Parquet bill: its column names, before the rows are read.
pub struct ParquetBill {
    file: String,
    reader: SerializedFileReader<bytes::Bytes>,
    names: Vec<String>,
}

/// The rows of the columns asked for, in the order asked.
pub struct ParquetRows {
    file: String,
    rows: RowIter<'static>,
    /// For each asked column, its index in the projection.
    asked: Vec<usize>,
    /// The current row's values, in projection order.
    fields: Vec<String>,
    line: u64,
}

fn unreadable(file: &str, message: String) -> Diagnostic {
    let mut d = Diagnostic::plain(Code::BillUnreadable, message)
        .with_help("the file is cut short or damaged; export it again");
    d.file = file.to_owned();
    d
}

impl ParquetBill {
    /// Opens a whole Parquet file held in memory.
    pub fn open(bytes: Vec<u8>, file: &str) -> Result<Self, Diagnostic> {
        let reader = SerializedFileReader::new(bytes::Bytes::from(bytes))
            .map_err(|e| unreadable(file, format!("cannot read the Parquet bill: {e}")))?;
        let names = reader
            .metadata()
            .file_metadata()
            .schema_descr()
            .root_schema()
            .get_fields()
            .iter()
            .map(|f| f.name().to_owned())
            .collect();
        Ok(Self {
            file: file.to_owned(),
            reader,
            names,
        })
    }

    /// The top-level column names, in file order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The rows of columns `wanted` (indexes into [`Self::names`]); a record's field `i`
    /// is column `wanted[i]`.
    pub fn rows(self, wanted: &[usize]) -> Result<ParquetRows, Diagnostic> {
        let root = self
            .reader
            .metadata()
            .file_metadata()
            .schema_descr()
            .root_schema()
            .clone();
        let all = root.get_fields();
        // The projection keeps file order; `asked` maps each asked column into it.
        let mut in_file: Vec<usize> = wanted.to_vec();
        in_file.sort_unstable();
        in_file.dedup();
        let asked = wanted
            .iter()
            .map(|c| in_file.binary_search(c).unwrap_or(0))
            .collect();
        let projection = Type::group_type_builder(root.name())
            .with_fields(in_file.iter().map(|&c| Arc::clone(&all[c])).collect())
            .build()
            .map_err(|e| unreadable(&self.file, format!("cannot read the Parquet bill: {e}")))?;
        let file = self.file;
        let rows = RowIter::from_file_into(Box::new(self.reader))
            .project(Some(projection))
            .map_err(|e| unreadable(&file, format!("cannot read the Parquet bill: {e}")))?;
        Ok(ParquetRows {
            file,
            rows,
            asked,
            fields: vec![String::new(); in_file.len()],
            line: 1,
        })
    }
}

impl ParquetRows {
    /// Reads the next row into `record` (one field per asked column); `false` at the end.
    pub fn next(&mut self, record: &mut ByteRecord) -> Result<bool, Diagnostic> {
        let Some(row) = self.rows.next() else {
            return Ok(false);
        };
        self.line += 1;
        let row = row.map_err(|e| {
            let mut d = unreadable(&self.file, format!("cannot read the Parquet bill: {e}"));
            d.line = self.line;
            d.column = 1;
            d
        })?;
        for (slot, (_, field)) in self.fields.iter_mut().zip(row.get_column_iter()) {
            *slot = text(field);
        }
        record.clear();
        for &at in &self.asked {
            record.push_field(self.fields[at].as_bytes());
        }
        let mut position = Position::new();
        position.set_line(self.line).set_record(self.line - 1);
        record.set_position(Some(position));
        Ok(true)
    }
}

/// A value as a CSV export writes it.
fn text(field: &Field) -> String {
    match field {
        Field::Null => String::new(),
        Field::Str(s) => s.clone(),
        Field::Bytes(b) => String::from_utf8_lossy(b.data()).into_owned(),
        Field::Bool(b) => b.to_string(),
        Field::Byte(v) => v.to_string(),
        Field::Short(v) => v.to_string(),
        Field::Int(v) => v.to_string(),
        Field::Long(v) => v.to_string(),
        Field::UByte(v) => v.to_string(),
        Field::UShort(v) => v.to_string(),
        Field::UInt(v) => v.to_string(),
        Field::ULong(v) => v.to_string(),
        // Rust's shortest round-trip form, never an exponent.
        Field::Float(v) => v.to_string(),
        Field::Double(v) => v.to_string(),
        Field::Date(days) => date(i64::from(*days)),
        Field::TimestampMillis(ms) => timestamp(ms.div_euclid(1000)),
        Field::TimestampMicros(us) => timestamp(us.div_euclid(1_000_000)),
        // Decimals, times and nested values: the library's own text.
        other => other.to_string(),
    }
}

fn date(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

fn timestamp(seconds: i64) -> String {
    let (days, rest) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        date(days),
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_written_as_a_csv_export_writes_them() {
        assert_eq!(text(&Field::Double(6.6)), "6.6");
        assert_eq!(text(&Field::Double(0.0000001)), "0.0000001");
        assert_eq!(text(&Field::Double(18.0)), "18");
        assert_eq!(text(&Field::Str("USE1-x".into())), "USE1-x");
        assert_eq!(text(&Field::Null), "");
        assert_eq!(text(&Field::Date(20_362)), "2025-10-01");
        assert_eq!(
            text(&Field::TimestampMicros(
                1_759_276_800_000_000 + 3_723_000_000
            )),
            "2025-10-01T01:02:03Z"
        );
        assert_eq!(
            text(&Field::TimestampMillis(-1_000)),
            "1969-12-31T23:59:59Z"
        );
    }

    #[test]
    fn a_file_that_is_not_parquet_is_unreadable_with_its_name() {
        let e = ParquetBill::open(b"PAR1 not really".to_vec(), "cur.parquet")
            .err()
            .unwrap();
        assert_eq!(e.code, Code::BillUnreadable);
        assert_eq!(e.file, "cur.parquet");
    }
}
