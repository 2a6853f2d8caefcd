//! What the JSON log readers share: records split from the stream, each converted to
//! [`UsageRecord`]s by the format's own code, added to the totals, bad ones named.

use std::io::BufRead;

use super::accumulate::Accumulator;
use super::json_records::{FieldProblem, Record, SplitError, for_each_record};
use super::record::UsageRecord;
use crate::support::diagnostic::{Code, Diagnostic};

/// The help of a gzip file cut short.
const TRUNCATED: &str = "the file ends before its data does (a truncated download or a gzip stream cut short); fetch it again";

/// Reads every record of `reader`; `convert` turns one record into the usage it holds
/// (none, for a record that carries no usage). A record `convert` refuses is a bad row.
pub fn read_records<R: BufRead>(
    reader: R,
    acc: &mut Accumulator,
    mut convert: impl FnMut(&Record, &mut Accumulator) -> Result<Vec<UsageRecord>, FieldProblem>,
) -> Result<u64, Diagnostic> {
    let result = for_each_record(reader, |record| {
        match convert(&record, acc) {
            Ok(usage) => {
                for one in &usage {
                    if let Err(message) = acc.add_record(one) {
                        let diagnostic = acc.error(
                            Code::UsageOverflow,
                            record.line,
                            record.column,
                            None,
                            message.to_owned(),
                        );
                        acc.bad_row(diagnostic)?;
                    }
                }
            }
            Err(problem) => {
                let diagnostic = acc.error(
                    Code::UsageInvalidValue,
                    problem.line,
                    problem.column,
                    problem.field.as_deref(),
                    format!("record {}: {}", record.number, problem.message),
                );
                acc.bad_row(diagnostic)?;
            }
        }
        Ok(())
    });
    result.map_err(|e| match e {
        SplitError::Record(diagnostic) => diagnostic,
        SplitError::Syntax {
            line,
            column,
            message,
        } => acc
            .error(Code::UsageNotAReport, line, column, None, message)
            .with_help(
                "a log file holds JSON objects: one per line, one after another, or in an array",
            ),
        SplitError::Io(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => acc
            .error(
                Code::UsageUnreadable,
                0,
                0,
                None,
                format!("cannot read the file: {e}"),
            )
            .with_help(TRUNCATED),
        SplitError::Io(e) => acc.error(
            Code::UsageUnreadable,
            0,
            0,
            None,
            format!("cannot read the file: {e}"),
        ),
    })
}

/// A problem in one field of a record, at the record's start.
pub fn field_problem(record: &Record, field: &str, message: impl Into<String>) -> FieldProblem {
    FieldProblem {
        field: Some(field.to_owned()),
        line: record.line,
        column: record.column,
        message: message.into(),
    }
}
