//! Which reader a usage stream needs, told from its content (or named with
//! `--usage-format`), and the one entry point that reads any of them, gzip or not.
//!
//! Detection looks at the first 64 KiB after decompression:
//!
//! | format | told by |
//! | --- | --- |
//! | `otel` | JSON with `resourceSpans` or `startTimeUnixNano` |
//! | `vertex-request-log` | JSON with `full_response` or `logging_time` |
//! | `openrouter` | JSON with `provider_name` and `prompt_tokens`, `tokens_prompt` or `native_tokens_prompt` |
//! | `bedrock` | JSON with `modelId` or `schemaType` |
//! | `litellm` | JSON with `request_id` and `spend` or `call_type`; a CSV header with `request_id`, `startTime`, `prompt_tokens` and `spend` |
//! | `anthropic-analytics` | JSON with `uncached_input_tokens` and no `results` (rows, not buckets) |
//! | `usage-report` | any other JSON (the Anthropic usage report, as before) |
//! | `csv` | anything else: routewise's usage CSV, or any CSV with `--map` |
//!
//! A bill (an AWS CUR or FOCUS CSV, Anthropic's cost report) is refused with a pointer to
//! `--reconcile`: it holds amounts, not the tokens replay prices.
//!
//! A stream starting with the gzip magic bytes is decompressed as it is read (every member
//! of a multi-member file); a gzip stream cut short is an error, never a short total.

use std::io::{BufRead, BufReader, Cursor, Read};

use flate2::read::MultiGzDecoder;

use super::bedrock::read_bedrock;
use super::csv::{CsvOptions, read_csv_with};
use super::csv_chunks::{ByteSource, Chunking, read_csv_chunked, read_full_at};
use super::litellm::{is_spend_log_header, read_litellm_csv, read_litellm_json};
use super::openrouter::read_openrouter;
use super::otel::read_otel;
use super::progress::{Progress, Tap};
use super::report_chunks::read_report_chunked;
use super::report_json::read_usage_report;
use super::sampling::SamplingRate;
use super::totals::UsageTotals;
use super::vertex_log::read_vertex_log;
use crate::support::diagnostic::{Code, Diagnostic};

/// Bytes looked at to tell formats apart.
const HEAD_BYTES: u64 = 64 * 1024;

/// A usage format, as `--usage-format` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UsageFormat {
    /// routewise's usage CSV (or any CSV through `--map`).
    Csv,
    /// The Anthropic Admin API messages usage report (JSON).
    UsageReport,
    /// Amazon Bedrock model invocation logs (JSON).
    Bedrock,
    /// A LiteLLM `LiteLLM_SpendLogs` export (CSV or JSON).
    Litellm,
    /// OpenTelemetry GenAI spans (OTLP JSON).
    Otel,
    /// Anthropic's usage and cost analytics API, usage side (JSON).
    AnthropicAnalytics,
    /// Vertex AI request-response logging rows (BigQuery JSON export), sampled.
    VertexRequestLog,
    /// OpenRouter activity rows and generation records (JSON).
    Openrouter,
}

impl UsageFormat {
    /// The name reports carry.
    pub fn name(self) -> &'static str {
        match self {
            UsageFormat::Csv => "csv",
            UsageFormat::UsageReport => "usage_report",
            UsageFormat::Bedrock => "bedrock",
            UsageFormat::Litellm => "litellm",
            UsageFormat::Otel => "otel",
            UsageFormat::AnthropicAnalytics => "anthropic_analytics",
            UsageFormat::VertexRequestLog => "vertex_request_log",
            UsageFormat::Openrouter => "openrouter",
        }
    }

    /// Tells the format from the start of the (decompressed) stream.
    pub fn detect(head: &[u8]) -> UsageFormat {
        let text = String::from_utf8_lossy(head);
        let body = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
        let has = |key: &str| body.contains(&format!("\"{key}\""));
        if body.starts_with('{') || body.starts_with('[') {
            if has("resourceSpans") || has("startTimeUnixNano") {
                UsageFormat::Otel
            } else if has("full_response") || has("logging_time") {
                UsageFormat::VertexRequestLog
            } else if has("provider_name")
                && (has("prompt_tokens") || has("tokens_prompt") || has("native_tokens_prompt"))
            {
                UsageFormat::Openrouter
            } else if has("modelId") || has("schemaType") {
                UsageFormat::Bedrock
            } else if has("request_id") && (has("spend") || has("call_type")) {
                UsageFormat::Litellm
            } else if has("uncached_input_tokens") && !has("results") {
                UsageFormat::AnthropicAnalytics
            } else {
                UsageFormat::UsageReport
            }
        } else {
            let header: Vec<&str> = body.lines().next().unwrap_or("").split(',').collect();
            let header: Vec<&str> = header.iter().map(|h| h.trim().trim_matches('"')).collect();
            if is_spend_log_header(&header) {
                UsageFormat::Litellm
            } else {
                UsageFormat::Csv
            }
        }
    }
}

/// How to read.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// The format, or `None` to detect it.
    pub format: Option<UsageFormat>,
    pub skip_bad_rows: bool,
    /// Column map and input convention for CSV input.
    pub csv: CsvOptions,
    /// `--sampling-rate`: the share of requests a sampled log (Vertex) holds.
    pub sampling_rate: Option<SamplingRate>,
    /// Shown each chunk of raw bytes read (a progress bar); never changes the result.
    pub progress: Option<Progress>,
    /// In how many pieces, on as many threads, [`read_usage_file`] reads a large plain
    /// usage CSV (the default: one).
    pub chunking: Chunking,
}

/// Reads one usage stream (a file's bytes, gzip or not) with the right reader.
pub fn read_usage<R: Read>(
    reader: R,
    file_name: &str,
    known_models: &[&str],
    options: &ReadOptions,
) -> Result<(UsageTotals, UsageFormat), Diagnostic> {
    let whole = |code: Code, message: String| {
        let mut d = Diagnostic::plain(code, message);
        d.file = file_name.to_owned();
        d
    };
    let reader = Tap {
        inner: reader,
        hook: options.progress.clone(),
    };
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let magic = reader
        .fill_buf()
        .map_err(|e| whole(Code::UsageUnreadable, format!("cannot read the file: {e}")))?;
    let gzip = magic.starts_with(&[0x1f, 0x8b]);
    let stream: Box<dyn Read> = if gzip {
        Box::new(MultiGzDecoder::new(reader))
    } else {
        Box::new(reader)
    };
    let mut head = Vec::new();
    let mut stream = stream;
    (&mut stream)
        .take(HEAD_BYTES)
        .read_to_end(&mut head)
        .map_err(|e| {
            let d = whole(Code::UsageUnreadable, format!("cannot read the file: {e}"));
            if gzip {
                d.with_help("the gzip stream is damaged or cut short; fetch the file again")
            } else {
                d
            }
        })?;
    let format = choose_format(&head, file_name, options)?;
    let is_json = head
        .iter()
        .find(|b| !b.is_ascii_whitespace() && !matches!(b, 0xEF | 0xBB | 0xBF))
        .is_some_and(|b| matches!(b, b'{' | b'['));
    let stream = BufReader::with_capacity(1 << 16, Cursor::new(head).chain(stream));
    let skip = options.skip_bad_rows;
    let totals = match format {
        UsageFormat::Csv => read_csv_with(stream, file_name, known_models, skip, &options.csv),
        UsageFormat::UsageReport => read_usage_report(stream, file_name, known_models, skip),
        UsageFormat::Bedrock => read_bedrock(stream, file_name, known_models, skip),
        UsageFormat::Litellm if is_json => read_litellm_json(stream, file_name, known_models, skip),
        UsageFormat::Litellm => read_litellm_csv(stream, file_name, known_models, skip),
        UsageFormat::Otel => read_otel(stream, file_name, known_models, skip),
        UsageFormat::AnthropicAnalytics => {
            super::analytics::read_analytics(stream, file_name, known_models, skip)
        }
        UsageFormat::VertexRequestLog => {
            let rate = options.sampling_rate.ok_or_else(|| {
                whole(
                    Code::UsageSamplingRate,
                    "Vertex request-response logging is sampled, and its rows do not say at what rate".into(),
                )
                .with_help("pass --sampling-rate with the logging config's sampling_rate (1 if every request was logged)")
            })?;
            read_vertex_log(stream, file_name, known_models, skip, rate)
        }
        UsageFormat::Openrouter => read_openrouter(stream, file_name, known_models, skip),
    }?;
    Ok((totals, format))
}

/// The format of a stream whose first (decompressed) bytes are `head`, or why it is refused.
fn choose_format(
    head: &[u8],
    file_name: &str,
    options: &ReadOptions,
) -> Result<UsageFormat, Diagnostic> {
    let whole = |code: Code, message: String| {
        let mut d = Diagnostic::plain(code, message);
        d.file = file_name.to_owned();
        d
    };
    if head.iter().all(u8::is_ascii_whitespace) {
        return Err(whole(Code::UsageEmpty, "the file is empty".into()));
    }
    let format = options.format.unwrap_or_else(|| UsageFormat::detect(head));
    if options.format.is_none()
        && matches!(format, UsageFormat::Csv | UsageFormat::UsageReport)
        && let Some(bill) = super::bill::BillFormat::detect(head)
    {
        return Err(whole(
            Code::UsageIsABill,
            format!(
                "this is a bill ({}), not usage: it holds amounts, not the tokens replay prices",
                bill.name()
            ),
        )
        .with_help("give the usage it bills with --usage, and the bill with --reconcile"));
    }
    if options.sampling_rate.is_some() && format != UsageFormat::VertexRequestLog {
        return Err(whole(
            Code::UsageSamplingRate,
            format!(
                "--sampling-rate applies to sampled logs (Vertex request-response logging), not to {}",
                format.name()
            ),
        ));
    }
    Ok(format)
}

/// Reads one usage file as [`read_usage`] does, with the same result; a large plain usage
/// CSV or usage report (not gzip) is read in pieces on several threads (see
/// `csv_chunks.rs`, `report_chunks.rs` and [`ReadOptions::chunking`]).
pub fn read_usage_file(
    file: std::fs::File,
    file_name: &str,
    known_models: &[&str],
    options: &ReadOptions,
) -> Result<(UsageTotals, UsageFormat), Diagnostic> {
    if let Ok(size) = file.size() {
        let pieces = options.chunking.pieces(size);
        let mut head = vec![0; usize::try_from(size.min(HEAD_BYTES)).unwrap_or(0)];
        let format = if pieces > 1
            && read_full_at(&file, &mut head, 0).is_ok_and(|n| n == head.len())
            && !head.starts_with(&[0x1f, 0x8b])
        {
            choose_format(&head, file_name, options).ok()
        } else {
            None
        };
        if format == Some(UsageFormat::UsageReport)
            && let Some(totals) = read_report_chunked(
                &file,
                size,
                file_name,
                known_models,
                options.skip_bad_rows,
                pieces,
                options.progress.clone(),
            )
        {
            return Ok((totals, UsageFormat::UsageReport));
        }
        if format == Some(UsageFormat::Csv) {
            let totals = read_csv_chunked(
                &file,
                size,
                file_name,
                known_models,
                options.skip_bad_rows,
                &options.csv,
                pieces,
                options.progress.clone(),
            )?;
            return Ok((totals, UsageFormat::Csv));
        }
    }
    read_usage(file, file_name, known_models, options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_from_their_content() {
        let detect = |s: &str| UsageFormat::detect(s.as_bytes());
        assert_eq!(
            detect("timestamp,model,input_tokens,output_tokens\n"),
            UsageFormat::Csv
        );
        assert_eq!(
            detect("request_id,call_type,spend,prompt_tokens,\"startTime\"\n"),
            UsageFormat::Litellm
        );
        assert_eq!(
            detect("{\"data\":[],\"has_more\":false}"),
            UsageFormat::UsageReport
        );
        assert_eq!(
            detect("{\"schemaType\":\"ModelInvocationLog\"}\n"),
            UsageFormat::Bedrock
        );
        assert_eq!(
            detect(" [{\"request_id\":\"a\",\"spend\":0}]"),
            UsageFormat::Litellm
        );
        assert_eq!(detect("{\"resourceSpans\":[]}"), UsageFormat::Otel);
        assert_eq!(
            detect("{\"logging_time\":\"x\",\"full_response\":{}}"),
            UsageFormat::VertexRequestLog
        );
        assert_eq!(
            detect("{\"data\":[{\"provider_name\":\"Anthropic\",\"prompt_tokens\":1}]}"),
            UsageFormat::Openrouter
        );
    }

    #[test]
    fn gzip_is_read_and_a_cut_stream_is_an_error() {
        use std::io::Write;
        let line = "{\"timestamp\":\"2026-10-01T00:00:00Z\",\"modelId\":\"anthropic.claude-haiku-4-5\",\"input\":{\"inputTokenCount\":7},\"output\":{\"outputTokenCount\":3}}\n";
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        for _ in 0..2000 {
            encoder.write_all(line.as_bytes()).unwrap();
        }
        let gz = encoder.finish().unwrap();
        let known = ["claude-haiku-4-5"];
        let (totals, format) =
            read_usage(&gz[..], "a.json.gz", &known, &ReadOptions::default()).unwrap();
        assert_eq!(format, UsageFormat::Bedrock);
        assert_eq!(totals.by_model["claude-haiku-4-5"].standard.input, 14_000);
        let cut = &gz[..gz.len() - 10];
        let e = read_usage(cut, "a.json.gz", &known, &ReadOptions::default()).unwrap_err();
        assert_eq!(e.file, "a.json.gz");
        assert!(e.to_string().contains("cut short"), "{e}");
    }
}
