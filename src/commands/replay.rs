//! `routewise replay`: real usage priced on every route.

use std::io::{IsTerminal, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::{BillFormatArg, ReplayArgs, SqlDialectArg, SqlSourceArg, UsageFormatArg};
use crate::commands::{AppError, check_routes, input_paths, load_with_templates, write_output};
use crate::outputs;
use crate::outputs::replay::reconcile;
use crate::support::diagnostic::{Code, Diagnostic};
use crate::usage::bill::BillFormat;
use crate::usage::column_map::ColumnMap;
use crate::usage::format::{ReadOptions, UsageFormat};
use crate::usage::litellm_db::{display_name, read_litellm_db};
use crate::usage::progress::Progress;
use crate::usage::sql::{self, Dialect, Source};
use crate::usage::{Chunking, CsvOptions};

pub fn run(args: ReplayArgs) -> Result<String, AppError> {
    if let (Some(dialect), Some(source)) = (args.emit_sql, args.source) {
        let dialect = match dialect {
            SqlDialectArg::Duckdb => Dialect::Duckdb,
            SqlDialectArg::Postgres => Dialect::Postgres,
            SqlDialectArg::Athena => Dialect::Athena,
            SqlDialectArg::Bigquery => Dialect::Bigquery,
            SqlDialectArg::Spark => Dialect::Spark,
        };
        let source = match source {
            SqlSourceArg::BedrockInvocation => Source::BedrockInvocation,
            SqlSourceArg::LitellmSpendlogs => Source::LitellmSpendlogs,
            SqlSourceArg::OtelGenai => Source::OtelGenai,
            SqlSourceArg::Cur => Source::Cur,
        };
        return write_output(
            sql::emit(dialect, source, args.sql_from.as_deref()),
            args.output.as_deref(),
        );
    }
    let read_options = read_options(&args)?;
    let skip_eliminated = args.answers.is_some();
    let (inputs, templates) = load_with_templates(
        &input_paths(args.answers, None, &args.data, args.price_book),
        args.templates.as_deref(),
    )?;
    check_routes(&inputs, &args.routes)?;
    let known = inputs.prices.model_ids();
    let (totals, format, name) = match (&args.litellm_db, &args.usage) {
        (Some(url), _) => {
            let totals = read_litellm_db(
                url,
                args.since.as_deref(),
                args.until.as_deref(),
                &known,
                args.skip_bad_rows,
            )
            .map_err(|d| AppError::Input(d.into()))?;
            (totals, "litellm_db", display_name(url))
        }
        (None, Some(path)) => {
            let mut read_options = read_options;
            let bar = progress_bar(path);
            read_options.progress = bar.as_ref().map(|(_, hook)| hook.clone());
            let read = outputs::replay::read(path, &known, &read_options);
            if let Some((bar, _)) = bar {
                bar.finish_and_clear();
            }
            let (totals, format) = read?;
            (totals, format, path.display().to_string())
        }
        (None, None) => {
            return Err(AppError::Input(
                Diagnostic::plain(
                    Code::ArgMissingInput,
                    "give --usage FILE or --litellm-db URL",
                )
                .into(),
            ));
        }
    };
    let options = outputs::replay::ReplayOptions {
        skip_bad_rows: args.skip_bad_rows,
        routes: args.routes,
        skip_eliminated,
    };
    let mut result = outputs::replay::replay(&inputs, &totals, &name, format, &options)
        .map_err(crate::commands::evaluation_error)?;
    if let Some(path) = &args.reconcile {
        let threshold = threshold(&args.reconcile_threshold)?;
        let bill_format = match args.bill_format {
            BillFormatArg::Auto => None,
            BillFormatArg::Cur => Some(BillFormat::Cur),
            BillFormatArg::Focus => Some(BillFormat::Focus),
            BillFormatArg::AnthropicCost => Some(BillFormat::AnthropicCost),
        };
        let (bill, bill_format) =
            reconcile::read_bills(path, &known, bill_format, args.skip_bad_rows)?;
        let reconciliation = reconcile::reconcile(
            &inputs,
            &totals,
            &bill,
            &path.display().to_string(),
            bill_format,
            threshold,
        );
        result.assumptions.push(reconcile::ASSUMPTION.to_owned());
        result
            .assumptions
            .extend(reconciliation.notes.iter().cloned());
        result.reconciliation = Some(reconciliation);
    }
    let text = outputs::replay::render::render(&result, args.format, &templates)
        .map_err(crate::commands::render_error)?;
    write_output(text, args.output.as_deref())
}

/// Inputs smaller than this read too fast for a progress bar to help.
const PROGRESS_MIN_BYTES: u64 = 4 << 20;

/// A progress bar on stderr (bytes, lines, time left) for one large file, when stderr is a
/// terminal; `None` otherwise, so piped runs write nothing extra. Lines are counted in the
/// raw bytes, so a gzip file shows bytes only.
fn progress_bar(path: &std::path::Path) -> Option<(ProgressBar, Progress)> {
    let size = std::fs::metadata(path).ok().filter(|m| m.is_file())?.len();
    if size < PROGRESS_MIN_BYTES || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(Some(size), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "reading {bytes}/{total_bytes} {msg}, {bytes_per_sec}, about {eta} left",
    )
    .ok()?;
    bar.set_style(style);
    bar.tick();
    let lines = Arc::new(AtomicU64::new(0));
    // Told from the file's first bytes, not from the first chunk the hook sees: a large
    // CSV is read in pieces on several threads, and any of them may read first.
    let gzip = std::fs::File::open(path)
        .and_then(|mut file| {
            let mut magic = [0u8; 2];
            file.read_exact(&mut magic).map(|()| magic == [0x1f, 0x8b])
        })
        .unwrap_or(false);
    let shown = bar.clone();
    let hook = Progress(Arc::new(move |chunk: &[u8]| {
        if !gzip {
            let n = chunk.iter().filter(|b| **b == b'\n').count() as u64;
            let total = lines.fetch_add(n, Ordering::Relaxed) + n;
            shown.set_message(format!("({total} lines)"));
        }
        shown.inc(chunk.len() as u64);
    }));
    Some((bar, hook))
}

/// `--reconcile-threshold` as a fraction: `1` (percent) is 0.01.
fn threshold(text: &str) -> Result<rust_decimal::Decimal, AppError> {
    text.trim()
        .trim_end_matches('%')
        .parse::<rust_decimal::Decimal>()
        .ok()
        .filter(|p| !p.is_sign_negative())
        .map(|p| p / rust_decimal::Decimal::ONE_HUNDRED)
        .ok_or_else(|| {
            AppError::Input(
                Diagnostic::plain(Code::ArgThreshold, format!(
                    "--reconcile-threshold `{text}` is not a percentage (a number such as 1 or 2.5)"
                ))
                .into(),
            )
        })
}

/// The reading options of the command's flags.
fn read_options(args: &ReplayArgs) -> Result<ReadOptions, AppError> {
    let map = match &args.map {
        Some(text) => ColumnMap::parse(text).map_err(|message| {
            AppError::Input(Diagnostic::plain(Code::ArgInvalidValue, message).into())
        })?,
        None => ColumnMap::default(),
    };
    let format = match args.usage_format {
        UsageFormatArg::Auto => None,
        UsageFormatArg::Csv => Some(UsageFormat::Csv),
        UsageFormatArg::UsageReport => Some(UsageFormat::UsageReport),
        UsageFormatArg::Bedrock => Some(UsageFormat::Bedrock),
        UsageFormatArg::Litellm => Some(UsageFormat::Litellm),
        UsageFormatArg::Otel => Some(UsageFormat::Otel),
        UsageFormatArg::AnthropicAnalytics => Some(UsageFormat::AnthropicAnalytics),
        UsageFormatArg::VertexRequestLog => Some(UsageFormat::VertexRequestLog),
        UsageFormatArg::Openrouter => Some(UsageFormat::Openrouter),
    };
    let sampling_rate = match &args.sampling_rate {
        Some(text) => Some(text.parse().map_err(|message: String| {
            AppError::Input(
                Diagnostic::plain(Code::ArgInvalidValue, format!("--sampling-rate: {message}"))
                    .into(),
            )
        })?),
        None => None,
    };
    Ok(ReadOptions {
        format,
        skip_bad_rows: args.skip_bad_rows,
        csv: CsvOptions {
            map,
            input_includes_cache: args.input_includes_cache,
        },
        sampling_rate,
        progress: None,
        chunking: chunking(),
    })
}

/// Each piece of a file read in parallel is at least this large: a smaller file reads in
/// one go faster than threads start.
const MIN_PIECE_BYTES: u64 = 16 << 20;

/// The environment variable that sets how many pieces every usage CSV is read in, whatever
/// its size (`1`: in one go). For tests, which compare the two readings on small files; not
/// a user setting.
pub const PIECES_VARIABLE: &str = "ROUTEWISE_TEST_READ_PIECES";

/// A large usage CSV is read in one piece per core, up to four.
fn chunking() -> Chunking {
    if let Some(pieces) = std::env::var(PIECES_VARIABLE)
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        return Chunking {
            max_pieces: pieces,
            min_piece_bytes: 1,
        };
    }
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    Chunking {
        max_pieces: cores.min(4),
        min_piece_bytes: MIN_PIECE_BYTES,
    }
}
