//! Splits a stream of JSON records into one object at a time, each with the line it starts on.
//!
//! Logs come as JSON lines (Bedrock's S3 objects, OTLP file exports), as one pretty-printed
//! record, as several records one after another, or as an array of records (a LiteLLM
//! export, a CloudWatch export). A small byte scanner finds where each top-level object
//! (or each element of a top-level array) starts and ends, tracking strings and nesting, so
//! each record is parsed on its own from a slice: memory is one record, not the file, and a
//! bad record is named by its exact line and its number.

use std::io::BufRead;

use serde::de::DeserializeOwned;

/// One record: its bytes, the 1-based line and column where it starts, and its 1-based
/// number in the file.
pub struct Record<'b> {
    pub bytes: &'b [u8],
    pub line: u64,
    pub column: u64,
    pub number: u64,
}

impl Record<'_> {
    /// Parses the record into `T`, naming the failing field's path and its exact line and
    /// column in the file.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, FieldProblem> {
        let mut de = serde_json::Deserializer::from_slice(self.bytes);
        serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let (line, column) = if inner.line() <= 1 {
                (
                    self.line,
                    self.column + inner.column().saturating_sub(1) as u64,
                )
            } else {
                (self.line + inner.line() as u64 - 1, inner.column() as u64)
            };
            let mut message = inner.to_string();
            // serde_json appends " at line L column C" (relative to the record): the
            // diagnostic carries the position in the file instead.
            if let Some(cut) = message.rfind(" at line ") {
                message.truncate(cut);
            }
            FieldProblem {
                field: (path != ".").then_some(path),
                line,
                column,
                message,
            }
        })
    }
}

/// A record that is not what the reader expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The field's path (`input.inputTokenCount`), when the problem is in one field.
    pub field: Option<String>,
    pub line: u64,
    pub column: u64,
    pub message: String,
}

/// Why the stream cannot be split: the file is not a sequence of JSON objects, or it ends
/// inside one (a truncated file, or a truncated gzip stream reported by the reader).
#[derive(Debug)]
pub enum SplitError<E> {
    /// Reading failed (an I/O error, or a gzip stream that is cut short).
    Io(std::io::Error),
    /// The bytes at `line`:`column` cannot start or continue a record.
    Syntax {
        line: u64,
        column: u64,
        message: String,
    },
    /// The caller's error for one record.
    Record(E),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the first value: it decides between records and an array of records.
    Start,
    /// Between records (top level, or inside the top-level array).
    Between,
    /// Inside the top-level array, after an element: a comma or the closing bracket.
    AfterElement,
    /// Inside a record.
    InRecord,
    InString,
    Escape,
}

/// Calls `each` for every record of `reader`, in file order.
pub fn for_each_record<R: BufRead, E>(
    mut reader: R,
    mut each: impl FnMut(Record) -> Result<(), E>,
) -> Result<u64, SplitError<E>> {
    let mut state = State::Start;
    let mut in_array = false;
    let mut depth = 0usize;
    let (mut line, mut column) = (1u64, 0u64);
    let (mut start_line, mut start_column) = (1u64, 1u64);
    let mut record = Vec::new();
    let mut number = 0u64;
    let syntax = |line: u64, column: u64, message: String| SplitError::Syntax {
        line,
        column,
        message,
    };
    loop {
        let buffer = reader.fill_buf().map_err(SplitError::Io)?;
        if buffer.is_empty() {
            break;
        }
        let length = buffer.len();
        let mut i = 0;
        while i < length {
            let byte = buffer[i];
            if byte == b'\n' {
                line += 1;
                column = 0;
            } else {
                column += 1;
            }
            match state {
                State::Start | State::Between => {
                    if byte.is_ascii_whitespace() || (state == State::Start && is_bom(byte)) {
                    } else if byte == b'[' && !in_array {
                        in_array = true;
                        state = State::Between;
                    } else if byte == b']' && in_array && state == State::Between {
                        // An empty array, or `[` … `]` closing after a trailing comma is
                        // refused below; here the array simply ends.
                        in_array = false;
                        state = State::Between;
                    } else if byte == b'{' {
                        state = State::InRecord;
                        depth = 1;
                        start_line = line;
                        start_column = column;
                        record.clear();
                        record.push(byte);
                    } else {
                        return Err(syntax(
                            line,
                            column,
                            format!(
                                "expected a JSON object (one record), found `{}`",
                                char::from(byte).escape_default()
                            ),
                        ));
                    }
                }
                State::AfterElement => {
                    if byte.is_ascii_whitespace() {
                    } else if byte == b',' {
                        state = State::Between;
                    } else if byte == b']' {
                        in_array = false;
                        state = State::Between;
                    } else {
                        return Err(syntax(
                            line,
                            column,
                            "expected `,` or `]` after a record of the array".to_owned(),
                        ));
                    }
                }
                State::InRecord | State::InString | State::Escape => {
                    // Copy the run of bytes up to the next one that matters in one go.
                    let run_end = buffer[i..]
                        .iter()
                        .position(|b| matches!(b, b'"' | b'\\' | b'{' | b'}' | b'[' | b']' | b'\n'))
                        .map_or(length, |p| i + p);
                    if run_end > i + 1 && state != State::Escape {
                        // Bytes before `run_end` are plain: count columns and copy.
                        record.extend_from_slice(&buffer[i..run_end]);
                        column += (run_end - i - 1) as u64;
                        i = run_end;
                        continue;
                    }
                    record.push(byte);
                    state = match (state, byte) {
                        (State::Escape, _) => State::InString,
                        (State::InString, b'\\') => State::Escape,
                        (State::InString, b'"') => State::InRecord,
                        (State::InString, _) => State::InString,
                        (_, b'"') => State::InString,
                        (_, b'{' | b'[') => {
                            depth += 1;
                            State::InRecord
                        }
                        (_, b'}' | b']') => {
                            depth -= 1;
                            if depth == 0 {
                                number += 1;
                                each(Record {
                                    bytes: &record,
                                    line: start_line,
                                    column: start_column,
                                    number,
                                })
                                .map_err(SplitError::Record)?;
                                if in_array {
                                    State::AfterElement
                                } else {
                                    State::Between
                                }
                            } else {
                                State::InRecord
                            }
                        }
                        _ => State::InRecord,
                    };
                }
            }
            i += 1;
        }
        reader.consume(length);
    }
    match state {
        State::InRecord | State::InString | State::Escape => Err(syntax(
            start_line,
            start_column,
            format!(
                "the file ends inside record {} (it starts here): the file is cut short",
                number + 1
            ),
        )),
        _ if in_array => Err(syntax(
            line,
            column,
            "the file ends inside the array of records: the file is cut short".to_owned(),
        )),
        _ => Ok(number),
    }
}

fn is_bom(byte: u8) -> bool {
    matches!(byte, 0xEF | 0xBB | 0xBF)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Result<Vec<(String, u64, u64)>, String> {
        let mut out = Vec::new();
        for_each_record::<_, ()>(text.as_bytes(), |r| {
            out.push((
                String::from_utf8_lossy(r.bytes).into_owned(),
                r.line,
                r.number,
            ));
            Ok(())
        })
        .map_err(|e| match e {
            SplitError::Syntax {
                line,
                column,
                message,
            } => format!("{line}:{column}: {message}"),
            _ => "other".to_owned(),
        })?;
        Ok(out)
    }

    #[test]
    fn lines_arrays_and_pretty_records_split_alike() {
        let lines = split("{\"a\":1}\n{\"b\":\"}{\\\"\"}\n\n{\"c\":[1,{}]}\n").unwrap();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[1], ("{\"b\":\"}{\\\"\"}".to_owned(), 2, 2));
        assert_eq!(lines[2].1, 4);
        let array = split("[\n  {\"a\": 1},\n  {\"a\": 2}\n]\n").unwrap();
        assert_eq!(array.iter().map(|r| r.1).collect::<Vec<_>>(), [2, 3]);
        let pretty = split("{\n  \"a\": {\n    \"b\": 2\n  }\n}").unwrap();
        assert_eq!(pretty.len(), 1);
        assert_eq!(split("[]").unwrap().len(), 0);
        assert_eq!(split("  \n").unwrap().len(), 0);
    }

    #[test]
    fn a_cut_or_foreign_stream_is_an_error_with_its_place() {
        assert!(
            split("{\"a\":1}\n{\"b\":")
                .unwrap_err()
                .starts_with("2:1: the file ends inside record 2")
        );
        assert!(
            split("[{\"a\":1},")
                .unwrap_err()
                .contains("ends inside the array")
        );
        assert!(
            split("{\"a\":1}\nnot json")
                .unwrap_err()
                .starts_with("2:1: expected a JSON object")
        );
        assert!(
            split("[{\"a\":1} {\"a\":2}]")
                .unwrap_err()
                .contains("expected `,` or `]`")
        );
    }

    #[test]
    fn a_bad_field_names_its_path_and_line() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Inner {
            n: u64,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Outer {
            inner: Inner,
        }
        let text = "{\"inner\":{\"n\":1}}\n{\n \"inner\": {\"n\": -3}\n}\n";
        let mut problems = Vec::new();
        for_each_record::<_, ()>(text.as_bytes(), |r| {
            if let Err(p) = r.parse::<Outer>() {
                problems.push(p);
            }
            Ok(())
        })
        .ok();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field.as_deref(), Some("inner.n"));
        assert_eq!(problems[0].line, 3);
        assert!(
            problems[0].message.contains("-3"),
            "{}",
            problems[0].message
        );
    }
}
