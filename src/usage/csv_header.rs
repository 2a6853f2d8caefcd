//! The usage CSV's header: which column holds what.
//!
//! The header is required and columns may come in any order. Names are matched ignoring
//! letter case and surrounding spaces.
//!
//! | column | required | meaning |
//! | --- | --- | --- |
//! | `timestamp` | yes | when the request ran, or when the row's bucket starts |
//! | `model` | yes | any provider's model id (mapped to the catalogue) |
//! | `input_tokens` | yes | uncached input tokens, as in the Anthropic API |
//! | `output_tokens` | yes | output tokens |
//! | `cache_read_input_tokens` | no (0) | tokens read from the prompt cache |
//! | `cache_creation_input_tokens` | no (0) | tokens written to the cache, all lifetimes |
//! | `cache_creation_1h_input_tokens` | no (0) | the part of the writes with a 1-hour lifetime |
//! | `batch` | no (false) | `true`/`false`/`1`/`0`: sent through a batch API |
//! | `context_window` | no (`0-200k`) | `0-200k` or `200k-1M`, as in the usage report |
//! | `bucket_width` | no (one request) | `1m`, `1h` or `1d`: the row sums a time bucket |
//! | `web_search_requests` | no (0) | server-side web searches |
//! | `route` | no (none) | the route that served the row (`bedrock-geo`…), reported as an observed route |
//! | `usage_source` | no (none) | `aws-cur`: the row was reduced from an AWS CUR export, whose assumptions the report states |
//!
//! `cache_creation_input_tokens` keeps the API's meaning (every cache write), so the 5-minute
//! writes are it minus `cache_creation_1h_input_tokens`. Optional columns may be blank in a
//! row (read as their default); required ones may not. Other columns are ignored, and each
//! ignored column is named in the totals' notes, with a suggestion when it looks like a
//! misspelt known column. A column named twice is an error.

use ::csv::ByteRecord;

use crate::support::diagnostic::Diagnostic;

/// The columns routewise reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Timestamp,
    Model,
    Input,
    Output,
    CacheRead,
    CacheWrite,
    CacheWrite1h,
    Batch,
    ContextWindow,
    BucketWidth,
    WebSearch,
    Route,
    UsageSource,
}

impl Column {
    pub const ALL: [Column; 13] = [
        Column::Timestamp,
        Column::Model,
        Column::Input,
        Column::Output,
        Column::CacheRead,
        Column::CacheWrite,
        Column::CacheWrite1h,
        Column::Batch,
        Column::ContextWindow,
        Column::BucketWidth,
        Column::WebSearch,
        Column::Route,
        Column::UsageSource,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Column::Timestamp => "timestamp",
            Column::Model => "model",
            Column::Input => "input_tokens",
            Column::Output => "output_tokens",
            Column::CacheRead => "cache_read_input_tokens",
            Column::CacheWrite => "cache_creation_input_tokens",
            Column::CacheWrite1h => "cache_creation_1h_input_tokens",
            Column::Batch => "batch",
            Column::ContextWindow => "context_window",
            Column::BucketWidth => "bucket_width",
            Column::WebSearch => "web_search_requests",
            Column::Route => "route",
            Column::UsageSource => "usage_source",
        }
    }

    pub fn required(self) -> bool {
        matches!(
            self,
            Column::Timestamp | Column::Model | Column::Input | Column::Output
        )
    }
}

/// Where each column is, from a header row.
#[derive(Debug, Clone)]
pub struct Header {
    index: [Option<usize>; Column::ALL.len()],
    /// Fields every row must have.
    pub width: usize,
    /// Notes about ignored columns.
    pub notes: Vec<String>,
}

impl Header {
    /// Reads the header row; `error` builds a diagnostic at a 1-based column of it.
    pub fn parse(
        record: &ByteRecord,
        error: impl Fn(u64, Option<&str>, String) -> Diagnostic,
    ) -> Result<Header, Diagnostic> {
        let mut index = [None; Column::ALL.len()];
        let mut ignored = Vec::new();
        let mut character = 1u64;
        for (i, field) in record.iter().enumerate() {
            let name = String::from_utf8_lossy(field);
            let trimmed = name.trim();
            match Column::ALL
                .iter()
                .position(|c| c.name().eq_ignore_ascii_case(trimmed))
            {
                Some(c) if index[c].is_some() => {
                    return Err(error(
                        character,
                        Some(Column::ALL[c].name()),
                        format!("the header names column `{trimmed}` twice"),
                    ));
                }
                Some(c) => index[c] = Some(i),
                None => ignored.push(trimmed.to_owned()),
            }
            character += name.chars().count() as u64 + 1;
        }
        let missing: Vec<&str> = Column::ALL
            .iter()
            .filter(|c| c.required() && index[**c as usize].is_none())
            .map(|c| c.name())
            .collect();
        if !missing.is_empty() {
            let looks_like_data = record
                .get(0)
                .is_some_and(|f| super::timestamp::parse_minute(f).is_ok());
            let help = if looks_like_data {
                "the first line must be a header row naming the columns, such as \
                 `timestamp,model,input_tokens,output_tokens`"
            } else {
                "required columns: timestamp, model, input_tokens, output_tokens; optional: \
                 cache_read_input_tokens, cache_creation_input_tokens, \
                 cache_creation_1h_input_tokens, batch, context_window, bucket_width, \
                 web_search_requests, route, usage_source"
            };
            let list = missing
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let noun = if missing.len() == 1 {
                "column"
            } else {
                "columns"
            };
            return Err(error(
                1,
                missing.first().copied(),
                format!("the header has no {list} {noun}"),
            )
            .with_help(help));
        }
        let notes = ignored
            .iter()
            .map(|name| {
                let near = Column::ALL
                    .iter()
                    .filter(|c| index[**c as usize].is_none())
                    .find(|c| similar(name, c.name()));
                match near {
                    Some(c) => format!("column `{name}` is not read; did you mean `{}`?", c.name()),
                    None => format!("column `{name}` is not read"),
                }
            })
            .collect();
        Ok(Header {
            index,
            width: record.len(),
            notes,
        })
    }

    /// The field index of a column, if the header has it.
    #[inline]
    pub fn get(&self, column: Column) -> Option<usize> {
        self.index[column as usize]
    }
}

/// Close enough to be a misspelling: at most 3 single-character edits apart, or one name
/// contained in the other (`cache_read_tokens` and `cache_read_input_tokens`).
fn similar(a: &str, b: &str) -> bool {
    let a = a.to_ascii_lowercase();
    if a.len() < 4 {
        return false;
    }
    if b.contains(&a) || a.contains(b) {
        return true;
    }
    let without = |s: &str| s.replace("_input", "");
    if without(&a) == without(b) {
        return true;
    }
    edit_distance(&a, b) <= 3
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(fields: &[&str]) -> Result<Header, Diagnostic> {
        Header::parse(
            &ByteRecord::from(fields.to_vec()),
            |column, key, message| {
                let mut d = Diagnostic::plain(crate::support::codes::Code::UsageHeader, message);
                d.column = column;
                d.key = key.map(str::to_owned);
                d
            },
        )
    }

    #[test]
    fn columns_in_any_order_and_any_case() {
        let h = header(&[
            " Output_Tokens",
            "model",
            "batch",
            "timestamp",
            "input_tokens",
        ])
        .unwrap();
        assert_eq!(h.get(Column::Output), Some(0));
        assert_eq!(h.get(Column::Timestamp), Some(3));
        assert_eq!(h.get(Column::CacheRead), None);
        assert_eq!(h.width, 5);
        assert!(h.notes.is_empty());
    }

    #[test]
    fn missing_required_columns_are_named() {
        let d = header(&["timestamp", "model", "output_tokens"]).unwrap_err();
        assert_eq!(d.message, "the header has no `input_tokens` column");
        assert_eq!(d.key.as_deref(), Some("input_tokens"));
        let d = header(&["2026-10-01T00:00:00Z", "claude-sonnet-4-5", "1", "2"]).unwrap_err();
        assert!(
            d.message
                .contains("`timestamp`, `model`, `input_tokens`, `output_tokens` columns")
        );
        assert!(d.help.unwrap().contains("must be a header row"));
    }

    #[test]
    fn duplicates_are_errors_and_extra_columns_are_noted() {
        let d = header(&[
            "timestamp",
            "model",
            "input_tokens",
            "output_tokens",
            "MODEL",
        ])
        .unwrap_err();
        assert_eq!(d.column, 44);
        assert!(d.message.contains("twice"));
        let h = header(&[
            "timestamp",
            "model",
            "input_tokens",
            "output_tokens",
            "request_id",
            "cache_read_tokens",
        ])
        .unwrap();
        assert_eq!(
            h.notes,
            [
                "column `request_id` is not read",
                "column `cache_read_tokens` is not read; did you mean `cache_read_input_tokens`?"
            ]
        );
    }
}
