//! Reading real usage: the input side of `routewise replay`.
//!
//! Two formats are read, both streaming (memory does not grow with the file's size):
//!
//! - a usage **CSV**, one row per request or per time bucket ([`read_csv`]; the columns are
//!   described in [`csv_header`]);
//! - the JSON of Anthropic's Admin API **messages usage report**
//!   (`GET /v1/organizations/usage_report/messages`), one page or several pages one after
//!   another ([`read_usage_report`]).
//!
//! Both produce [`UsageTotals`]: token sums per catalogue model, split into standard, batch
//! and long-context traffic ([`ModelUsage`]), the raw names of models the catalogue does not
//! know with their row counts (never silently dropped), bad rows skipped, and a per-minute
//! [`LoadProfile`] for provisioned-throughput sizing.
//!
//! Model names in any provider's format are mapped to the catalogue with
//! [`catalogue_model`]. Bad rows are [`Diagnostic`]s naming file, line, column and key;
//! with `skip_bad_rows` they are counted and the first few kept instead of stopping.
//! Sums are checked: a file whose totals would overflow 64 bits gets an error, never a
//! wrapped number. No input makes these readers panic.
//!
//! ## What the totals mean
//!
//! - `input` is uncached input (the API's `input_tokens`, the report's
//!   `uncached_input_tokens`); cache reads and 5-minute and 1-hour cache writes have their
//!   own counts.
//! - Each model's rows fall in exactly one of four breakdowns: `standard`, `batch`,
//!   `long_context` (above 200K tokens of context, where the source says so) and
//!   `batch_long_context` (both, since the batch discount applies to long-context rates).
//! - `rows` counts accepted rows, priced or not; `rows + skipped_rows` is every data row.
//! - `load` holds tokens per minute of every accepted row (unknown models included);
//!   `load_by_model` one profile per catalogue model, since provisioned capacity is bought
//!   per model. Bucketed rows are spread evenly over their minutes, so the peak of hourly
//!   or daily data is a lower bound ([`LoadProfile::widest_bucket_minutes`] says how coarse
//!   it was). Memory grows with the time span (a few bytes per minute and profile), not
//!   with the file.
//! - `notes` say what a reader of the totals should know: ignored CSV columns, coarse
//!   buckets, service tiers counted as standard, rows that look long-context but were not
//!   marked, a usage report with pages missing.
//!
//! ```
//! use routewise::usage::read_csv;
//!
//! let csv = "timestamp,model,input_tokens,output_tokens,batch\n\
//!            2026-10-01T12:00:05Z,us.anthropic.claude-sonnet-4-5-20250929-v1:0,1200,300,false\n\
//!            2026-10-01T12:00:40Z,claude-sonnet-4-5@20250929,800,100,true\n\
//!            2026-10-01T12:01:10Z,gpt-4o,10,10,false\n";
//! let totals = read_csv(csv.as_bytes(), "usage.csv", &["claude-sonnet-4-5"], false).unwrap();
//! let sonnet = &totals.by_model["claude-sonnet-4-5"];
//! assert_eq!((sonnet.standard.input, sonnet.batch.input), (1200, 800));
//! assert_eq!(totals.unknown_models["gpt-4o"], 1);
//! assert_eq!(totals.load.peak_tokens_per_minute(), 2400);
//! ```

mod accumulate;
pub mod analytics;
pub mod bedrock;
pub mod bill;
mod bill_csv;
pub mod bill_parquet;
pub mod bill_reader;
mod change_log;
pub mod column_map;
pub mod cost_report;
mod csv;
mod csv_chunks;
pub mod csv_header;
pub mod cur;
pub mod focus;
pub mod format;
mod gathered_load;
mod json_pages;
mod json_records;
mod json_values;
mod late_changes;
mod line_counter;
mod line_limit;
pub mod litellm;
pub mod litellm_db;
pub mod load;
mod log_reader;
mod model_cache;
pub mod model_id;
mod number;
pub mod openrouter;
pub mod otel;
pub mod progress;
pub mod record;
mod record_starts;
mod report_chunks;
pub mod report_json;
mod report_page;
pub mod routes;
pub mod sampling;
pub mod sql;
pub mod timestamp;
pub mod tokens;
pub mod totals;
pub mod usage_type;
pub mod vertex_log;

pub use self::csv::{CsvOptions, read_csv, read_csv_with};
pub use self::csv_chunks::Chunking;
pub use self::load::LoadProfile;
pub use self::model_cache::{MAX_MODEL_NAMES, OTHER_UNKNOWN_MODELS};
pub use self::model_id::catalogue_model;
pub use self::report_json::{NO_MODEL, read_usage_report};
pub use self::tokens::{ModelUsage, Tier, TokenBreakdown};
pub use self::totals::{MAX_SKIPPED_MESSAGES, RouteUsage, UsageTotals};

#[doc(no_inline)]
pub use crate::support::diagnostic::Diagnostic;
