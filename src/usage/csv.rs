//! Streaming reader of usage CSV files (see [`super::csv_header`] for the columns).
//!
//! One `ByteRecord` is reused for every row and fields are parsed from bytes in place, so
//! memory stays flat however long the file is, and a row costs no allocation unless it is
//! bad or names a model not seen before.

use std::io::Read;

use ::csv::{ByteRecord, ReaderBuilder};

use super::accumulate::{Accumulator, Row};
use super::column_map::ColumnMap;
use super::csv_header::{Column, Header};
use super::line_limit::{CrlfToLf, LineLimit, too_long};
use super::model_cache::Slot;
use super::number::{parse_bucket_width, parse_context_window, parse_count, parse_flag};
use super::record::InputConvention;
use super::timestamp::TimestampParser;
use super::tokens::{Tier, TokenBreakdown};
use super::totals::UsageTotals;
use crate::support::diagnostic::{Code, Diagnostic};
use crate::support::limits;

/// Rows with more prompt tokens than this (uncached + cache reads + cache writes) and no
/// `context_window` column are counted in a warning: the column is where long-context rows
/// are marked, at the sources' own boundary (prices decide per model, in the cost engine).
const LONG_CONTEXT_TOKENS: u64 = super::tokens::SOURCE_LONG_CONTEXT_TOKENS;

/// What a row reduced from an AWS CUR export (`usage_source` = `aws-cur`, written by
/// `--emit-sql … --source cur`) cannot say.
pub const AWS_CUR_NOTE: &str = "Rows reduced from an AWS CUR export (usage_source aws-cur): \
CUR bills tokens per hour and usage type, with no per-request prompt size, so long-context \
requests cannot be told apart from others and are priced at the standard-context rate, and \
each hour's tokens are spread evenly over its minutes, so the peak is a lower bound.";

/// How to read a CSV that is not in routewise's own layout.
#[derive(Debug, Clone, Default)]
pub struct CsvOptions {
    /// Where the file keeps routewise's columns (`--map`).
    pub map: ColumnMap,
    /// The input column includes cache reads and writes (`--input-includes-cache`).
    pub input_includes_cache: bool,
}

/// Reads a usage CSV. `file_name` is used in diagnostics; `known_models` are the
/// catalogue's model ids. Without `skip_bad_rows` the first bad row is the error.
pub fn read_csv<R: Read>(
    reader: R,
    file_name: &str,
    known_models: &[&str],
    skip_bad_rows: bool,
) -> Result<UsageTotals, Diagnostic> {
    read_csv_with(
        reader,
        file_name,
        known_models,
        skip_bad_rows,
        &CsvOptions::default(),
    )
}

/// [`read_csv`] with a column map and an input convention.
pub fn read_csv_with<R: Read>(
    reader: R,
    file_name: &str,
    known_models: &[&str],
    skip_bad_rows: bool,
    options: &CsvOptions,
) -> Result<UsageTotals, Diagnostic> {
    let mut acc = Accumulator::new(file_name, known_models, skip_bad_rows);
    let mut csv = csv_reader(reader);
    let header = read_header(&mut csv, &mut acc, options)?;
    let unmarked = read_rows(&mut csv, &header, &mut acc, convention(options), || true)
        .map_err(Halt::into_diagnostic)?;
    Ok(finish(acc, unmarked))
}

/// The reader stack every usage CSV is parsed through.
pub(super) type CsvReader<R> = ::csv::Reader<LineLimit<CrlfToLf<R>>>;

pub(super) fn csv_reader<R: Read>(reader: R) -> CsvReader<R> {
    ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(LineLimit::new(
            CrlfToLf::new(reader),
            limits::MAX_USAGE_LINE_BYTES,
        ))
}

pub(super) fn convention(options: &CsvOptions) -> InputConvention {
    if options.input_includes_cache {
        InputConvention::IncludesCache
    } else {
        InputConvention::ExcludesCache
    }
}

/// Why reading rows stopped before the end.
pub(super) enum Halt {
    /// A bad row (without `skip_bad_rows`): the error names that row's line and nothing
    /// else depends on where the reading started.
    BadRow(Diagnostic),
    /// The bytes could not be read (an I/O error, a line over the limit).
    Unreadable(Diagnostic),
    /// The caller asked to stop.
    Stopped,
}

impl Halt {
    pub(super) fn into_diagnostic(self) -> Diagnostic {
        match self {
            Halt::BadRow(d) | Halt::Unreadable(d) => d,
            // Only a caller that asks to stop sees this, and it never reports it.
            Halt::Stopped => Diagnostic::plain(Code::UsageUnreadable, "reading was stopped"),
        }
    }
}

/// The diagnostic of a CSV that cannot be read (an I/O error, a line over the limit).
pub(super) fn io_error(acc: &Accumulator, e: ::csv::Error) -> Diagnostic {
    if let ::csv::ErrorKind::Io(io) = e.kind()
        && let Some(long) = too_long(io)
    {
        return acc
            .error(
                Code::LimitLine,
                long.line,
                1,
                None,
                format!(
                    "line {} is longer than {} bytes, the limit for a usage CSV row",
                    long.line, long.max
                ),
            )
            .with_help("is this a usage CSV? see docs/limits.md");
    }
    let line = e.position().map_or(1, |p| p.line());
    acc.error(
        Code::UsageUnreadable,
        line,
        1,
        None,
        format!("cannot read the file: {e}"),
    )
}

/// Reads the header row (the file's first record), applies the column map and notes what
/// the header says.
pub(super) fn read_header<R: Read>(
    csv: &mut CsvReader<R>,
    acc: &mut Accumulator,
    options: &CsvOptions,
) -> Result<Header, Diagnostic> {
    let mut record = ByteRecord::new();
    if !csv
        .read_byte_record(&mut record)
        .map_err(|e| io_error(acc, e))?
    {
        return Err(acc
            .error(Code::UsageEmpty, 1, 1, None, "the file is empty".to_owned())
            .with_help(
                "a usage CSV starts with a header row, such as \
                 `timestamp,model,input_tokens,output_tokens`",
            ));
    }
    let header_line = line_of(&record);
    if !options.map.is_empty() {
        let renamed = options
            .map
            .apply(&record)
            .map_err(|message| acc.error(Code::UsageHeader, header_line, 1, None, message))?;
        let position = record.position().cloned();
        record = renamed;
        if let Some(position) = position {
            record.set_position(Some(position));
        }
    }
    if options.input_includes_cache {
        acc.note(format!(
            "The usage CSV (--input-includes-cache): {}.",
            convention(options).describe()
        ));
    }
    let header = Header::parse(&record, |column, key, message| {
        acc.error(Code::UsageHeader, header_line, column, key, message)
    })?;
    for note in &header.notes {
        acc.note(note.clone());
    }
    Ok(header)
}

/// Rows between two looks at `keep_going`.
const ROWS_PER_CHECK: u32 = 4096;

/// Reads data rows to the end into `acc`; returns how many rows looked long-context with no
/// column saying so. `keep_going` is asked every few thousand rows.
pub(super) fn read_rows<R: Read>(
    csv: &mut CsvReader<R>,
    header: &Header,
    acc: &mut Accumulator,
    convention: InputConvention,
    mut keep_going: impl FnMut() -> bool,
) -> Result<u64, Halt> {
    let mut record = ByteRecord::new();
    let mut unmarked_long_rows: u64 = 0;
    let mut timestamps = TimestampParser::default();
    let mut until_check = ROWS_PER_CHECK;
    while csv
        .read_byte_record(&mut record)
        .map_err(|e| Halt::Unreadable(io_error(acc, e)))?
    {
        until_check -= 1;
        if until_check == 0 {
            if !keep_going() {
                return Err(Halt::Stopped);
            }
            until_check = ROWS_PER_CHECK;
        }
        match parse_row(&record, header, acc, &mut timestamps, convention) {
            Ok((slot, row, unmarked_long)) => {
                let route = field(&record, header, Column::Route).trim_ascii();
                let added = if route.is_empty() {
                    acc.add(slot, &row, 1)
                } else {
                    acc.add_routed(slot, &row, &String::from_utf8_lossy(route), None, None, 1)
                };
                if let Err(message) = added {
                    let diagnostic = acc.error(
                        Code::UsageOverflow,
                        line_of(&record),
                        1,
                        None,
                        message.to_owned(),
                    );
                    acc.bad_row(diagnostic).map_err(Halt::BadRow)?;
                } else if unmarked_long {
                    unmarked_long_rows += 1;
                }
            }
            Err(problem) => {
                let diagnostic = problem.diagnostic(&record, header, acc);
                acc.bad_row(diagnostic).map_err(Halt::BadRow)?;
            }
        }
    }
    Ok(unmarked_long_rows)
}

/// The totals, with the note on rows that looked long-context.
pub(super) fn finish(mut acc: Accumulator, unmarked_long_rows: u64) -> UsageTotals {
    if unmarked_long_rows > 0 {
        acc.note(format!(
            "{unmarked_long_rows} rows have more than 200000 input tokens but no \
             context_window; they are counted at standard context. If each row is one \
             request, add a context_window column (0-200k or 200k-1M)"
        ));
    }
    acc.finish()
}

pub(super) fn line_of(record: &ByteRecord) -> u64 {
    record.position().map_or(1, |p| p.line())
}

/// Why a row was refused: which column, and what was wrong.
enum Problem {
    Field(Column, &'static str),
    Empty(Column),
    Width(usize),
    CacheSplit { all: u64, one_hour: u64 },
}

impl Problem {
    #[cold]
    fn diagnostic(&self, record: &ByteRecord, header: &Header, acc: &Accumulator) -> Diagnostic {
        let line = line_of(record);
        let at = |column: Column| {
            let index = header.get(column).unwrap_or(0);
            let value = record.get(index).unwrap_or_default();
            (
                character_column(record, index),
                String::from_utf8_lossy(value),
            )
        };
        match self {
            Problem::Field(column, why) => {
                let (character, value) = at(*column);
                let value: String = value.trim().chars().take(40).collect();
                let name = column.name();
                acc.error(
                    Code::UsageInvalidValue,
                    line,
                    character,
                    Some(name),
                    format!("`{name}` value `{value}` {why}"),
                )
            }
            Problem::Empty(column) => {
                let (character, _) = at(*column);
                let name = column.name();
                let help = if matches!(column, Column::Timestamp | Column::Model) {
                    "every row needs a timestamp and a model"
                } else {
                    "write 0 for none"
                };
                acc.error(
                    Code::UsageInvalidValue,
                    line,
                    character,
                    Some(name),
                    format!("`{name}` is empty"),
                )
                .with_help(help)
            }
            Problem::Width(found) => acc.error(
                Code::UsageRowWidth,
                line,
                1,
                None,
                format!(
                    "the row has {found} fields but the header has {}",
                    header.width
                ),
            ),
            Problem::CacheSplit { all, one_hour } => {
                let (character, _) = at(Column::CacheWrite1h);
                acc.error(
                    Code::UsageCacheSplit,
                    line,
                    character,
                    Some(Column::CacheWrite1h.name()),
                    format!(
                        "`cache_creation_1h_input_tokens` ({one_hour}) is more than \
                         `cache_creation_input_tokens` ({all}), which counts every cache write"
                    ),
                )
            }
        }
    }
}

/// The 1-based character column where field `index` starts, counting the fields' text and
/// the commas between them (exact unless an earlier field was quoted).
pub(super) fn character_column(record: &ByteRecord, index: usize) -> u64 {
    record
        .iter()
        .take(index)
        .map(|field| String::from_utf8_lossy(field).chars().count() as u64 + 1)
        .sum::<u64>()
        + 1
}

#[inline]
fn field<'r>(record: &'r ByteRecord, header: &Header, column: Column) -> &'r [u8] {
    header
        .get(column)
        .and_then(|i| record.get(i))
        .unwrap_or_default()
}

#[inline]
fn count(record: &ByteRecord, header: &Header, column: Column) -> Result<u64, Problem> {
    match parse_count(field(record, header, column)) {
        Ok(Some(n)) => Ok(n),
        Ok(None) if column.required() => Err(Problem::Empty(column)),
        Ok(None) => Ok(0),
        Err(why) => Err(Problem::Field(column, why)),
    }
}

/// Parses one data row; the flag says it looks long-context but no column said so.
#[inline]
fn parse_row(
    record: &ByteRecord,
    header: &Header,
    acc: &mut Accumulator,
    timestamps: &mut TimestampParser,
    convention: InputConvention,
) -> Result<(Slot, Row, bool), Problem> {
    if record.len() != header.width {
        return Err(Problem::Width(record.len()));
    }
    let timestamp = field(record, header, Column::Timestamp);
    if timestamp.trim_ascii().is_empty() {
        return Err(Problem::Empty(Column::Timestamp));
    }
    let minute = timestamps
        .parse_minute(timestamp)
        .map_err(|why| Problem::Field(Column::Timestamp, why))?;
    let input = count(record, header, Column::Input)?;
    let output = count(record, header, Column::Output)?;
    let cache_read = count(record, header, Column::CacheRead)?;
    let cache_write = count(record, header, Column::CacheWrite)?;
    let cache_write_1h = count(record, header, Column::CacheWrite1h)?;
    let web_search_requests = count(record, header, Column::WebSearch)?;
    let input = match convention {
        InputConvention::ExcludesCache => input,
        InputConvention::IncludesCache => convention
            .uncached(input, cache_read, cache_write)
            .map_err(|_| {
                Problem::Field(
                    Column::Input,
                    "is smaller than the cache reads plus cache writes it includes (--input-includes-cache)",
                )
            })?,
    };
    let Some(cache_write_5m) = cache_write.checked_sub(cache_write_1h) else {
        return Err(Problem::CacheSplit {
            all: cache_write,
            one_hour: cache_write_1h,
        });
    };
    let batch = parse_flag(field(record, header, Column::Batch))
        .map_err(|why| Problem::Field(Column::Batch, why))?
        .unwrap_or(false);
    let long_context = parse_context_window(field(record, header, Column::ContextWindow))
        .map_err(|why| Problem::Field(Column::ContextWindow, why))?;
    let bucket_minutes = parse_bucket_width(field(record, header, Column::BucketWidth))
        .map_err(|why| Problem::Field(Column::BucketWidth, why))?;
    let model = field(record, header, Column::Model).trim_ascii();
    if model.is_empty() {
        return Err(Problem::Empty(Column::Model));
    }
    match field(record, header, Column::UsageSource).trim_ascii() {
        b"" => {}
        b"aws-cur" => acc.note_once(AWS_CUR_NOTE),
        _ => {
            return Err(Problem::Field(
                Column::UsageSource,
                "is not `aws-cur` (or blank)",
            ));
        }
    }
    let slot = acc.models.slot(model);
    let unmarked_long = long_context.is_none()
        && bucket_minutes.is_none()
        && input.saturating_add(cache_read).saturating_add(cache_write) > LONG_CONTEXT_TOKENS;
    let row = Row {
        minute,
        bucket_minutes: bucket_minutes.unwrap_or(1),
        tier: Tier::new(batch, long_context.unwrap_or(false)),
        tokens: TokenBreakdown {
            input,
            output,
            cache_read,
            cache_write_5m,
            cache_write_1h,
        },
        web_search_requests,
    };
    Ok((slot, row, unmarked_long))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[&str] = &["claude-haiku-4-5", "claude-sonnet-4-5", "llama-3.3-70b"];

    fn read(text: &str, skip: bool) -> Result<UsageTotals, Diagnostic> {
        read_csv(text.as_bytes(), "usage.csv", KNOWN, skip)
    }

    #[test]
    fn route_and_usage_source_columns_are_read() {
        let totals = read(
            "timestamp,model,input_tokens,output_tokens,route,usage_source\n\
             2026-10-01T00:00:00Z,claude4.5sonnet,100,10,bedrock-geo,aws-cur\n\
             2026-10-01T01:00:00Z,claude-sonnet-4-5,200,20,,\n",
            false,
        )
        .unwrap();
        // The marketing name a CUR usage type gives maps like the catalogue id.
        assert_eq!(totals.by_model["claude-sonnet-4-5"].rows, 2);
        assert_eq!(totals.observed_routes["bedrock-geo"].rows, 1);
        assert_eq!(totals.observed_routes.len(), 1);
        assert!(
            totals.notes.iter().any(|n| n == AWS_CUR_NOTE),
            "{:?}",
            totals.notes
        );
        let plain = read("timestamp,model,input_tokens,output_tokens\n2026-10-01T00:00:00Z,claude-sonnet-4-5,1,1\n", false).unwrap();
        assert!(!plain.notes.iter().any(|n| n == AWS_CUR_NOTE));
        let e = read(
            "timestamp,model,input_tokens,output_tokens,usage_source\n\
             2026-10-01T00:00:00Z,claude-sonnet-4-5,1,1,aws-bill\n",
            false,
        )
        .unwrap_err();
        assert_eq!((e.line, e.column), (2, 44));
        assert_eq!(e.key.as_deref(), Some("usage_source"));
        assert!(e.message.contains("`aws-bill`"), "{}", e.message);
    }

    #[test]
    fn sums_rows_per_catalogue_model_and_tier() {
        let totals = read(
            "model,timestamp,input_tokens,output_tokens,cache_read_input_tokens,cache_creation_input_tokens,cache_creation_1h_input_tokens,batch,context_window\n\
             claude-sonnet-4-5-20250929,2026-10-01T00:00:10Z,100,10,1000,50,20,false,\n\
             us.anthropic.claude-sonnet-4-5-20250929-v1:0,2026-10-01T00:00:50Z,200,20,,,,TRUE,0-200k\n\
             claude-sonnet-4-5@20250929,2026-10-01T00:01:00Z,300,30,0,0,0,0,200k-1M\n\
             gpt-4o,2026-10-01T00:03:00Z,5,5,0,0,0,0,\n",
            false,
        )
        .unwrap();
        assert_eq!(totals.rows, 4);
        assert_eq!(totals.skipped_rows, 0);
        let sonnet = &totals.by_model["claude-sonnet-4-5"];
        assert_eq!(sonnet.rows, 3);
        assert_eq!(
            sonnet.standard,
            TokenBreakdown {
                input: 100,
                output: 10,
                cache_read: 1000,
                cache_write_5m: 30,
                cache_write_1h: 20
            }
        );
        assert_eq!(sonnet.batch.input, 200);
        assert_eq!(sonnet.long_context.output, 30);
        assert_eq!(totals.unknown_models["gpt-4o"], 1);
        assert_eq!(
            totals.load.per_minute().collect::<Vec<_>>(),
            [1160 + 220, 330, 0, 10]
        );
        assert_eq!(totals.load_by_model["claude-sonnet-4-5"].minutes(), 2);
        assert!(totals.notes.is_empty(), "{:?}", totals.notes);
    }

    #[test]
    fn bad_rows_name_line_column_and_key() {
        let text = "timestamp,model,input_tokens,output_tokens\n\
                    2026-10-01T00:00:00Z,claude-haiku-4-5,1,2\n\
                    2026-10-01T00:00:00Z,claude-haiku-4-5,-3,2\n";
        let d = read(text, false).unwrap_err();
        assert_eq!((d.file.as_str(), d.line, d.column), ("usage.csv", 3, 39));
        assert_eq!(d.key.as_deref(), Some("input_tokens"));
        assert_eq!(
            d.message,
            "`input_tokens` value `-3` is negative; token counts cannot be negative"
        );
        for (row, key, needle) in [
            (
                "2026-10-01,claude-haiku-4-5,1,2",
                Some("timestamp"),
                "expected",
            ),
            (",claude-haiku-4-5,1,2", Some("timestamp"), "empty"),
            ("2026-10-01T00:00:00Z,,1,2", Some("model"), "empty"),
            (
                "2026-10-01T00:00:00Z,claude-haiku-4-5,1.5,2",
                Some("input_tokens"),
                "whole",
            ),
            (
                "2026-10-01T00:00:00Z,claude-haiku-4-5,1,",
                Some("output_tokens"),
                "empty",
            ),
            ("2026-10-01T00:00:00Z,claude-haiku-4-5,1", None, "3 fields"),
            (
                "2026-10-01T00:00:00Z,claude-haiku-4-5,1,2,3",
                None,
                "5 fields",
            ),
        ] {
            let d = read(
                &format!("timestamp,model,input_tokens,output_tokens\n{row}\n"),
                false,
            )
            .unwrap_err();
            assert_eq!(d.line, 2, "{row}");
            assert_eq!(d.key.as_deref(), key, "{row}");
            assert!(d.message.contains(needle), "{row}: {}", d.message);
        }
    }

    #[test]
    fn skipping_counts_bad_rows_and_keeps_going() {
        let mut text = String::from("timestamp,model,input_tokens,output_tokens,batch\n");
        for i in 0..30 {
            text.push_str(&format!(
                "2026-10-01T00:00:00Z,claude-haiku-4-5,{i},1,maybe\n"
            ));
            text.push_str("2026-10-01T00:00:00Z,claude-haiku-4-5,1,1,1\n");
        }
        let totals = read(&text, true).unwrap();
        assert_eq!(totals.rows, 30);
        assert_eq!(totals.skipped_rows, 30);
        assert_eq!(totals.skipped.len(), 20);
        assert_eq!(totals.skipped[0].line, 2);
        assert_eq!(totals.skipped[1].line, 4);
        assert_eq!(totals.by_model["claude-haiku-4-5"].batch.input, 30);
    }

    #[test]
    fn overflow_is_a_bad_row_not_a_wrap() {
        let max = u64::MAX;
        let text = format!(
            "timestamp,model,input_tokens,output_tokens\n\
             2026-10-01T00:00:00Z,claude-haiku-4-5,{max},0\n\
             2026-10-01T00:00:00Z,claude-haiku-4-5,1,0\n\
             2026-10-01T00:00:00Z,claude-haiku-4-5,{max},{max}\n"
        );
        let d = read(&text, false).unwrap_err();
        assert_eq!(d.line, 3);
        assert!(d.message.contains("overflow"));
        let totals = read(&text, true).unwrap();
        assert_eq!(totals.rows, 1);
        assert_eq!(totals.skipped_rows, 2);
        assert_eq!(totals.by_model["claude-haiku-4-5"].standard.input, max);
    }

    #[test]
    fn empty_files_headers_and_notes() {
        assert!(read("", false).unwrap_err().message.contains("empty"));
        let totals = read("timestamp,model,input_tokens,output_tokens\n", false).unwrap();
        assert_eq!(totals, UsageTotals::default());
        let totals = read(
            "timestamp,model,input_tokens,output_tokens,cache_read_input_tokens,user\n\
             2026-10-01T00:00:00Z,claude-haiku-4-5,150000,1,60000,alice\n",
            false,
        )
        .unwrap();
        assert_eq!(totals.notes.len(), 2, "{:?}", totals.notes);
        assert!(totals.notes[1].starts_with("1 rows have more than 200000"));
    }

    #[test]
    fn bucket_rows_spread_their_load() {
        let totals = read(
            "timestamp,model,input_tokens,output_tokens,bucket_width\n\
             2026-10-01T00:00:00Z,llama3-3-70b,6000,0,1h\n\
             2026-10-01T00:30:00Z,meta.llama3-3-70b-instruct-v1:0,10,0,\n",
            false,
        )
        .unwrap();
        assert_eq!(totals.load.minutes(), 60);
        assert_eq!(totals.load.peak_tokens_per_minute(), 110);
        assert_eq!(totals.load.widest_bucket_minutes(), 60);
    }

    #[test]
    fn the_crlf_and_quoted_forms_read_the_same() {
        let plain = read(
            "timestamp,model,input_tokens,output_tokens\n2026-10-01T00:00:00Z,claude-haiku-4-5,1,2\n",
            false,
        )
        .unwrap();
        let other = read(
            "\u{feff}\"timestamp\",\"model\",\"input_tokens\",\"output_tokens\"\r\n\"2026-10-01T00:00:00Z\",\"claude-haiku-4-5\",\" 1 \",2\r\n",
            false,
        )
        .unwrap();
        assert_eq!(plain, other);
    }
}
