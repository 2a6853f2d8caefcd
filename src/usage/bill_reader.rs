//! Opens a bill for reconciliation: un-gzips it, tells its format from the first bytes (a
//! Parquet file from its `PAR1` magic, then from its column names), and hands it to the
//! reader of that format. It sits apart from `bill` so that the readers can
//! build `bill`'s types without `bill` depending on them.

use std::io::{BufRead, BufReader, Cursor, Read};

use flate2::read::MultiGzDecoder;

use super::bill::{Bill, BillFormat};
use super::bill_csv::BillSource;
use super::bill_parquet::{self, ParquetBill};
use crate::support::diagnostic::{Code, Diagnostic};

/// How much of a stream is looked at to tell bill formats apart.
const HEAD_BYTES: u64 = 64 * 1024;

/// Reads one bill stream (gzip or not) in `format`, or the format told from its content.
pub fn read_bill<R: Read>(
    reader: R,
    file_name: &str,
    known_models: &[&str],
    format: Option<BillFormat>,
    skip_bad_rows: bool,
) -> Result<(Bill, BillFormat), Diagnostic> {
    let whole = |message: String| {
        let mut d = Diagnostic::plain(Code::BillUnreadable, message);
        d.file = file_name.to_owned();
        d
    };
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let magic = reader
        .fill_buf()
        .map_err(|e| whole(format!("cannot read the bill: {e}")))?;
    if magic.starts_with(bill_parquet::MAGIC) {
        return read_parquet(reader, file_name, known_models, format, skip_bad_rows);
    }
    let gzip = magic.starts_with(&[0x1f, 0x8b]);
    let mut stream: Box<dyn Read> = if gzip {
        Box::new(MultiGzDecoder::new(reader))
    } else {
        Box::new(reader)
    };
    let mut head = Vec::new();
    (&mut stream)
        .take(HEAD_BYTES)
        .read_to_end(&mut head)
        .map_err(|e| whole(format!("cannot read the bill: {e}")))?;
    if head.iter().all(u8::is_ascii_whitespace) {
        let mut d = whole("the bill is empty".into());
        d.code = Code::BillEmpty;
        return Err(d);
    }
    let format = match format.or_else(|| BillFormat::detect(&head)) {
        Some(format) => format,
        None => {
            return Err(whole(
                "this is not a bill routewise reads: expected an AWS CUR 2.0 CSV (columns line_item_usage_type, line_item_usage_amount, line_item_unblended_cost, pricing_unit), a FOCUS CSV (BilledCost, ChargePeriodStart, ConsumedQuantity, ConsumedUnit), or Anthropic's cost report JSON".into(),
            )
            .with_help("name the format with --bill-format if the columns are there"));
        }
    };
    let stream = BufReader::with_capacity(1 << 16, Cursor::new(head).chain(stream));
    let bill = match format {
        BillFormat::Cur => super::cur::read_cur(
            BillSource::Csv(stream),
            file_name,
            known_models,
            skip_bad_rows,
        ),
        BillFormat::Focus => super::focus::read_focus(
            BillSource::Csv(stream),
            file_name,
            known_models,
            skip_bad_rows,
        ),
        BillFormat::AnthropicCost => {
            super::cost_report::read_cost_report(stream, file_name, known_models, skip_bad_rows)
        }
    }?;
    Ok((bill, format))
}

/// A Parquet bill: CUR 2.0 or FOCUS, told from its column names as for a CSV header.
fn read_parquet<R: Read>(
    mut reader: R,
    file_name: &str,
    known_models: &[&str],
    format: Option<BillFormat>,
    skip_bad_rows: bool,
) -> Result<(Bill, BillFormat), Diagnostic> {
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).map_err(|e| {
        let mut d = Diagnostic::plain(Code::BillUnreadable, format!("cannot read the bill: {e}"));
        d.file = file_name.to_owned();
        d
    })?;
    let bill = ParquetBill::open(bytes, file_name)?;
    let header = bill.names().join(",");
    let refused = |message: &str| {
        let mut d = Diagnostic::plain(Code::BillUnreadable, message.to_owned());
        d.file = file_name.to_owned();
        d
    };
    let format = match format.or_else(|| BillFormat::detect(header.as_bytes())) {
        Some(BillFormat::AnthropicCost) => {
            return Err(refused(
                "this is a Parquet file; Anthropic's cost report is JSON",
            ));
        }
        Some(format) => format,
        None => {
            return Err(refused(&format!(
                "this Parquet file is not a bill routewise reads: expected the columns of an AWS CUR 2.0 export (line_item_usage_type, line_item_usage_amount, line_item_unblended_cost, pricing_unit) or of a FOCUS export (BilledCost, ChargePeriodStart, ConsumedQuantity, ConsumedUnit); it has {}",
                bill.names().iter().take(30).cloned().collect::<Vec<_>>().join(", ")
            ))
            .with_help("name the format with --bill-format if the columns are there"));
        }
    };
    let source = BillSource::<std::io::Empty>::Parquet(bill);
    let bill = match format {
        BillFormat::Focus => {
            super::focus::read_focus(source, file_name, known_models, skip_bad_rows)
        }
        _ => super::cur::read_cur(source, file_name, known_models, skip_bad_rows),
    }?;
    Ok((bill, format))
}
