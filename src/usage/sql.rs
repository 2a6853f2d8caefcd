//! `routewise replay --emit-sql DIALECT --source SOURCE`: SQL that reduces usage logs to
//! routewise's usage CSV where they live (a warehouse, a data lake, LiteLLM's database), so
//! billions of rows are aggregated by the engine that holds them and routewise prices the
//! small result.
//!
//! The query returns the usage CSV's columns (see [`super::csv_header`]), one row per
//! minute, model and context window: `timestamp`, `model`, `input_tokens` (uncached),
//! `output_tokens`, `cache_read_input_tokens`, `cache_creation_input_tokens`,
//! `cache_creation_1h_input_tokens`, `context_window` (`0-200k` or `200k-1M`),
//! `bucket_width` (`1m`). Per-minute buckets keep the observed peak exact, so replaying the
//! result prices, and sizes, exactly like replaying the logs. Each source's input
//! convention is applied before summing, as its reader does: Bedrock counts input without
//! cache (Anthropic-style); LiteLLM's `prompt_tokens` includes it (OpenAI-style) and the
//! cache comes from `metadata.usage_object`; OpenTelemetry's `gen_ai.usage.input_tokens`
//! includes it too, with the cache in its own `gen_ai.usage.*` attributes.
//!
//! One builder per source writes the query for every engine: the engines differ only in the
//! handful of spellings [`Dialect`]'s methods give (JSON extraction, casts, timestamp parsing,
//! truncation and formatting, identifier quotes, how a raw log file is read), so the steps
//! and columns cannot drift between DuckDB, PostgreSQL, Athena, BigQuery and Spark.
//!
//! The context window is decided per request before summing, as the readers decide it
//! ([`super::tokens::Tier::of_request`]): a request whose prompt (uncached input, cache
//! reads and cache writes) is above [`SOURCE_LONG_CONTEXT_TOKENS`] is long-context. A minute's
//! sum cannot say which of its requests were long, so without the split a long prompt would
//! be priced at base rates.
//!
//! `Source::Cur` is the exception: an AWS CUR 2.0 export is a bill, hourly per usage type,
//! so its query writes one row per hour, model, route and batch tier (`bucket_width` `1h`,
//! `context_window` `0-200k`, `route`, `usage_source` `aws-cur`), built from the CUR
//! reader's own tables (see [`cur`]).
//!
//! What the SQL leaves out, compared with reading the logs directly: Bedrock's 1-hour
//! cache-write split (inside `output.outputBodyJson`; all writes count as 5-minute), the
//! observed route and LiteLLM's `spend` (the usage CSV has no columns for them), and the
//! per-row checks (a LiteLLM row or a span with less input than cache is left out here,
//! where the reader reports it).

use super::bill::{TokenType, tokens_per_unit};
use super::cur::BEDROCK_PRODUCTS;
use super::tokens::SOURCE_LONG_CONTEXT_TOKENS;
use super::usage_type::{MARKERS, MODIFIERS, Modifier, ROUTE_GEO, ROUTE_GLOBAL, ROUTE_IN_REGION};

/// The SQL engines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Duckdb,
    Postgres,
    /// Amazon Athena's engine (Trino).
    Athena,
    /// BigQuery's GoogleSQL.
    Bigquery,
    /// Spark SQL (and Databricks).
    Spark,
}

impl Dialect {
    pub const ALL: [Dialect; 5] = [
        Dialect::Duckdb,
        Dialect::Postgres,
        Dialect::Athena,
        Dialect::Bigquery,
        Dialect::Spark,
    ];

    fn name(self) -> &'static str {
        match self {
            Dialect::Duckdb => "DuckDB",
            Dialect::Postgres => "PostgreSQL",
            Dialect::Athena => "Amazon Athena",
            Dialect::Bigquery => "BigQuery",
            Dialect::Spark => "Spark SQL",
        }
    }

    /// A quoted identifier: BigQuery and Spark read `"…"` as a string.
    fn ident(self, name: &str) -> String {
        match self {
            Dialect::Bigquery | Dialect::Spark => format!("`{name}`"),
            _ => format!("\"{name}\""),
        }
    }

    /// The 64-bit integer type.
    fn int_type(self) -> &'static str {
        match self {
            Dialect::Bigquery => "INT64",
            _ => "BIGINT",
        }
    }

    /// `expr` as a 64-bit integer. A plain CAST everywhere, so a malformed count stops the
    /// query instead of becoming a silent zero (BigQuery's `SAFE_CAST` would).
    fn int(self, expr: &str) -> String {
        format!("CAST({expr} AS {})", self.int_type())
    }

    /// The scalar at `path` inside the JSON document `doc`, as text (NULL when absent).
    fn json_text(self, doc: &str, path: &[&str]) -> String {
        let dotted = format!("'$.{}'", path.join("."));
        match self {
            Dialect::Duckdb => format!("json_extract_string({doc}, {dotted})"),
            Dialect::Postgres => {
                let (last, parents) = path.split_last().expect("a JSON path has a key");
                let parents: String = parents.iter().map(|p| format!(" -> '{p}'")).collect();
                format!("({doc}{parents} ->> '{last}')")
            }
            Dialect::Athena => format!("json_extract_scalar({doc}, {dotted})"),
            Dialect::Bigquery => format!("JSON_VALUE({doc}, {dotted})"),
            Dialect::Spark => format!("get_json_object({doc}, {dotted})"),
        }
    }

    /// An ISO 8601 UTC text (`2026-10-01T12:34:56Z`, Bedrock's `timestamp`) as a timestamp
    /// whose wall clock is UTC.
    fn iso_timestamp(self, text: &str) -> String {
        match self {
            Dialect::Duckdb => {
                format!("CAST(replace(replace({text}, 'T', ' '), 'Z', '') AS TIMESTAMP)")
            }
            Dialect::Postgres => format!("CAST({text} AS timestamptz) AT TIME ZONE 'UTC'"),
            Dialect::Athena => format!("from_iso8601_timestamp({text})"),
            Dialect::Bigquery => format!("CAST({text} AS TIMESTAMP)"),
            Dialect::Spark => format!("to_timestamp({text})"),
        }
    }

    /// A column holding a UTC time without a zone (LiteLLM's `startTime`: a timestamp
    /// column, or its text in an export) as a timestamp.
    fn column_timestamp(self, column: &str) -> String {
        match self {
            Dialect::Postgres => column.to_owned(),
            Dialect::Spark => format!("to_timestamp({column})"),
            _ => format!("CAST({column} AS TIMESTAMP)"),
        }
    }

    /// A timestamp truncated to its minute.
    fn trunc_minute(self, timestamp: &str) -> String {
        match self {
            Dialect::Bigquery => format!("TIMESTAMP_TRUNC({timestamp}, MINUTE)"),
            Dialect::Spark => format!("date_trunc('MINUTE', {timestamp})"),
            _ => format!("date_trunc('minute', {timestamp})"),
        }
    }

    /// A minute as the usage CSV writes it, `2026-10-01T12:34:00Z`.
    fn format_minute(self, minute: &str) -> String {
        match self {
            Dialect::Duckdb => format!("strftime({minute}, '%Y-%m-%dT%H:%M:00Z')"),
            Dialect::Postgres => format!("to_char({minute}, 'YYYY-MM-DD\"T\"HH24:MI:00\"Z\"')"),
            Dialect::Athena => format!("date_format({minute}, '%Y-%m-%dT%H:%i:00Z')"),
            Dialect::Bigquery => {
                format!("FORMAT_TIMESTAMP('%Y-%m-%dT%H:%M:00Z', {minute}, 'UTC')")
            }
            // Spark's patterns quote literals with '…', which a SQL string cannot hold
            // without escapes, so the literal parts are concatenated.
            Dialect::Spark => format!(
                "concat(date_format({minute}, 'yyyy-MM-dd'), 'T', date_format({minute}, 'HH:mm'), ':00Z')"
            ),
        }
    }

    /// One JSON log record per row, in a column `record`, from `from`: DuckDB reads the
    /// files itself, Spark reads them with its `text` source (one `value` per line), and
    /// the others read a table with a `record` column.
    fn json_records(self, from: &str) -> String {
        match self {
            Dialect::Duckdb => {
                format!("SELECT json AS record FROM read_json_objects({from}, format = 'auto')")
            }
            Dialect::Spark => format!("SELECT value AS record FROM {from}"),
            _ => format!("SELECT record FROM {from}"),
        }
    }

    /// Nanoseconds since the epoch (OTLP's `startTimeUnixNano`, text or a number) as a
    /// timestamp whose wall clock is UTC; whole seconds are enough to find the minute.
    fn epoch_nanos(self, nanos: &str) -> String {
        let n = self.int(nanos);
        match self {
            Dialect::Duckdb => format!("epoch_ms({n} // 1000000)"),
            Dialect::Postgres => format!("to_timestamp({n} / 1000000000) AT TIME ZONE 'UTC'"),
            Dialect::Athena => format!("from_unixtime({n} / 1000000000, 'UTC')"),
            Dialect::Bigquery => format!("TIMESTAMP_SECONDS(DIV({n}, 1000000000))"),
            // Exact decimal seconds (Spark's `/` on integers is a double).
            Dialect::Spark => {
                format!("timestamp_seconds(CAST({nanos} AS DECIMAL(20, 0)) / 1000000000)")
            }
        }
    }

    /// The elements of the JSON array at `doc.key` as a relation of one column `alias`
    /// (not for Spark, which explodes arrays in a LATERAL VIEW or filters them).
    fn elements(self, doc: &str, key: &str, alias: &str) -> String {
        match self {
            Dialect::Duckdb => format!(
                "unnest(CAST(json_extract({doc}, '$.{key}') AS JSON[])) AS {alias}_list({alias})"
            ),
            Dialect::Postgres => {
                format!("jsonb_array_elements({doc} -> '{key}') AS {alias}_list({alias})")
            }
            Dialect::Athena => format!(
                "UNNEST(CAST(json_extract({doc}, '$.{key}') AS ARRAY(JSON))) AS {alias}_list({alias})"
            ),
            Dialect::Bigquery => format!("UNNEST(JSON_QUERY_ARRAY({doc}, '$.{key}')) AS {alias}"),
            Dialect::Spark => {
                format!("from_json(get_json_object({doc}, '$.{key}'), 'array<string>')")
            }
        }
    }

    /// Each row before joined to each element of its JSON array at `doc.key`, as `alias`.
    fn join_elements(self, doc: &str, key: &str, alias: &str) -> String {
        match self {
            Dialect::Spark => format!(
                "LATERAL VIEW explode({}) {alias}_list AS {alias}",
                self.elements(doc, key, alias)
            ),
            Dialect::Postgres => format!("CROSS JOIN LATERAL {}", self.elements(doc, key, alias)),
            _ => format!("CROSS JOIN {}", self.elements(doc, key, alias)),
        }
    }

    /// The value, as text, of the OTLP attribute `key` of `span`
    /// (`"attributes": [{"key": …, "value": {"intValue": …}}]`); NULL when absent.
    fn attribute(self, span: &str, key: &str) -> String {
        let value = |a: &str| {
            format!(
                "COALESCE({}, {})",
                self.json_text(a, &["value", "intValue"]),
                self.json_text(a, &["value", "stringValue"])
            )
        };
        match self {
            Dialect::Spark => value(&format!(
                "try_element_at(filter({}, a -> get_json_object(a, '$.key') = '{key}'), 1)",
                self.elements(span, "attributes", "a")
            )),
            _ => format!(
                "(SELECT {} FROM {} WHERE {} = '{key}')",
                value("a"),
                self.elements(span, "attributes", "a"),
                self.json_text("a", &["key"])
            ),
        }
    }

    /// A timestamp truncated to its hour.
    fn trunc_hour(self, timestamp: &str) -> String {
        match self {
            Dialect::Bigquery => format!("TIMESTAMP_TRUNC({timestamp}, HOUR)"),
            Dialect::Spark => format!("date_trunc('HOUR', {timestamp})"),
            _ => format!("date_trunc('hour', {timestamp})"),
        }
    }

    /// The 1-based position of `needle` in `text`, 0 when absent.
    fn strpos(self, text: &str, needle: &str) -> String {
        match self {
            Dialect::Spark => format!("instr({text}, {needle})"),
            _ => format!("strpos({text}, {needle})"),
        }
    }

    /// The first capture group of `pattern` in `text`; NULL or '' when it does not match.
    fn regex_group(self, text: &str, pattern: &str) -> String {
        match self {
            Dialect::Postgres => format!("substring({text} from '{pattern}')"),
            Dialect::Bigquery => format!("REGEXP_EXTRACT({text}, '{pattern}')"),
            _ => format!("regexp_extract({text}, '{pattern}', 1)"),
        }
    }

    /// The path of the export file a CUR row was read from, which names its billing period
    /// and snapshot: DuckDB's `filename` (read with `filename = true`), Athena's `"$path"`,
    /// BigQuery's `_FILE_NAME` (external tables), Spark's `input_file_name()`, and on
    /// PostgreSQL a `file_path` column the loader fills.
    fn export_path(self) -> &'static str {
        match self {
            Dialect::Duckdb => "filename",
            Dialect::Postgres => "file_path",
            Dialect::Athena => "\"$path\"",
            Dialect::Bigquery => "_FILE_NAME",
            Dialect::Spark => "input_file_name()",
        }
    }

    /// What the engine needs to be told before the query, if anything.
    fn preamble(self) -> &'static str {
        match self {
            Dialect::Spark => {
                "-- Spark formats timestamps in the session time zone: run with\n\
                 -- spark.sql.session.timeZone=UTC (SET spark.sql.session.timeZone = UTC).\n"
            }
            _ => "",
        }
    }
}

/// The log sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Amazon Bedrock model invocation logs.
    BedrockInvocation,
    /// LiteLLM's `LiteLLM_SpendLogs` table.
    LitellmSpendlogs,
    /// OpenTelemetry GenAI spans as the OTLP JSON file exporter writes them.
    OtelGenai,
    /// AWS Cost and Usage Report 2.0 (Data Exports): Bedrock's billed token lines.
    Cur,
}

impl Source {
    pub const ALL: [Source; 4] = [
        Source::BedrockInvocation,
        Source::LitellmSpendlogs,
        Source::OtelGenai,
        Source::Cur,
    ];

    /// What `FROM` reads when the user names nothing: the logs where they usually are.
    pub fn default_from(self, dialect: Dialect) -> &'static str {
        match (self, dialect) {
            (Source::BedrockInvocation, Dialect::Duckdb) => {
                "'AWSLogs/*/BedrockModelInvocationLogs/*/*/*/*/*/*.json.gz'"
            }
            (Source::BedrockInvocation, Dialect::Spark) => {
                "text.`AWSLogs/*/BedrockModelInvocationLogs/*/*/*/*/*/*.json.gz`"
            }
            (Source::BedrockInvocation, Dialect::Bigquery) => "`bedrock_invocation_logs`",
            (Source::BedrockInvocation, _) => "bedrock_invocation_logs",
            (Source::LitellmSpendlogs, Dialect::Athena) => "litellm_spendlogs",
            (Source::LitellmSpendlogs, Dialect::Bigquery | Dialect::Spark) => "`LiteLLM_SpendLogs`",
            (Source::LitellmSpendlogs, _) => "\"LiteLLM_SpendLogs\"",
            (Source::OtelGenai, Dialect::Duckdb) => "'otel/*.json*'",
            (Source::OtelGenai, Dialect::Spark) => "text.`otel/*.json*`",
            (Source::OtelGenai, Dialect::Bigquery) => "`otel_spans`",
            (Source::OtelGenai, _) => "otel_spans",
            (Source::Cur, Dialect::Duckdb) => {
                "read_parquet('data/BILLING_PERIOD=*/**/*.parquet', filename = true)"
            }
            (Source::Cur, Dialect::Spark) => "parquet.`data/BILLING_PERIOD=*/*/*.parquet`",
            (Source::Cur, Dialect::Bigquery) => "`cur_export`",
            (Source::Cur, _) => "cur_export",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Source::BedrockInvocation => "Amazon Bedrock model invocation logs",
            Source::LitellmSpendlogs => "LiteLLM_SpendLogs",
            Source::OtelGenai => "OpenTelemetry GenAI spans (OTLP JSON)",
            Source::Cur => "AWS CUR 2.0 (Data Exports), Amazon Bedrock token lines",
        }
    }

    /// What one row of the result sums.
    fn rows(self) -> &'static str {
        match self {
            Source::Cur => "one row per hour, model, route and batch tier",
            _ => "one row per minute, model and context window",
        }
    }
}

/// The SQL for a source in a dialect. `from` replaces the default relation: for Bedrock on
/// DuckDB a quoted glob of log files, on Spark a file source such as
/// ``text.`s3://bucket/AWSLogs/…` ``; otherwise a table (for Bedrock and OpenTelemetry, one
/// JSON record per row in a column `record`: `jsonb` on PostgreSQL, a string on Athena, JSON
/// or a string on BigQuery).
pub fn emit(dialect: Dialect, source: Source, from: Option<&str>) -> String {
    let from = from.unwrap_or(source.default_from(dialect));
    let body = match source {
        Source::BedrockInvocation => bedrock(dialect, from),
        Source::LitellmSpendlogs => litellm(dialect, from),
        Source::OtelGenai => otel(dialect, from),
        Source::Cur => cur(dialect, from),
    };
    format!(
        "-- routewise usage CSV from {} ({}), {}.\n\
         -- Generated by `routewise replay --emit-sql`; replay the result with\n\
         -- `routewise replay --usage result.csv`.\n{}{body}\n",
        source.name(),
        dialect.name(),
        source.rows(),
        dialect.preamble(),
    )
}

/// The final aggregation, shared: `requests` has `minute` (a timestamp), `model`, `prompt`
/// (the whole prompt of one request, in the source's convention) and the token columns.
/// The context window is each request's own, so it is decided before the sums.
fn aggregate(d: Dialect) -> String {
    let sum = |column: &str| format!("CAST(sum({column}) AS {})", d.int_type());
    format!(
        "), tiered AS (
  -- One request's prompt above {SOURCE_LONG_CONTEXT_TOKENS} tokens is long-context, as routewise's readers decide.
  SELECT *, CASE WHEN prompt > {SOURCE_LONG_CONTEXT_TOKENS} THEN '200k-1M' ELSE '0-200k' END AS context_window
  FROM requests
)
SELECT {} AS {},
       model,
       {} AS input_tokens,
       {} AS output_tokens,
       {} AS cache_read_input_tokens,
       {} AS cache_creation_input_tokens,
       {} AS cache_creation_1h_input_tokens,
       context_window,
       '1m' AS bucket_width
FROM tiered
GROUP BY minute, model, context_window
ORDER BY minute, model, context_window;",
        d.format_minute("minute"),
        d.ident("timestamp"),
        sum("input"),
        sum("output"),
        sum("cache_read"),
        sum("cache_write"),
        sum("cache_write_1h"),
    )
}

/// Bedrock invocation records: `input.inputTokenCount` excludes cache reads and writes
/// (Anthropic-style); a record with an `errorCode` was not billed.
fn bedrock(d: Dialect, from: &str) -> String {
    let count = |path: &[&str]| format!("COALESCE({}, 0)", d.int(&d.json_text("record", path)));
    let input = count(&["input", "inputTokenCount"]);
    let cache_read = count(&["input", "cacheReadInputTokenCount"]);
    let cache_write = count(&["input", "cacheWriteInputTokenCount"]);
    format!(
        "WITH logs AS (
  {records}
), requests AS (
  -- Bedrock's inputTokenCount excludes cache reads and writes (Anthropic-style).
  SELECT {minute} AS minute,
         {model} AS model,
         {input} AS input,
         {output} AS output,
         {cache_read} AS cache_read,
         {cache_write} AS cache_write,
         0 AS cache_write_1h,
         {input}
           + {cache_read}
           + {cache_write} AS prompt
  FROM logs
  WHERE {error} IS NULL  -- failed invocations are not billed
{aggregate}",
        records = d.json_records(from),
        minute = d.trunc_minute(&d.iso_timestamp(&d.json_text("record", &["timestamp"]))),
        model = d.json_text("record", &["modelId"]),
        output = count(&["output", "outputTokenCount"]),
        error = d.json_text("record", &["errorCode"]),
        aggregate = aggregate(d),
    )
}

/// LiteLLM's spend logs: `prompt_tokens` includes the cache (OpenAI-style), which comes
/// from `metadata.usage_object`.
fn litellm(d: Dialect, from: &str) -> String {
    // DuckDB reads any relation (an all-text CSV export included); elsewhere `metadata` is
    // the table's JSON column (jsonb on PostgreSQL, JSON or a string on the others).
    let metadata = match d {
        Dialect::Duckdb => "CAST(metadata AS VARCHAR)".to_owned(),
        _ => "metadata".to_owned(),
    };
    let usage = |path: &[&str]| {
        let mut full = vec!["usage_object"];
        full.extend_from_slice(path);
        d.int(&d.json_text("m", &full))
    };
    format!(
        "WITH spend AS (
  SELECT {start} AS t,
         model,
         {prompt} AS prompt,
         {completion} AS completion,
         {metadata} AS m
  FROM {from}
), split AS (
  -- prompt_tokens includes the cache (OpenAI-style); the cache is in metadata.usage_object.
  SELECT {minute} AS minute, model, prompt, completion,
         COALESCE(NULLIF({read}, 0),
                  {cached}, 0) AS cache_read,
         COALESCE({write}, 0) AS cache_write_all,
         COALESCE({write_1h}, 0) AS cache_write_1h
  FROM spend
), requests AS (
  -- prompt_tokens is the whole prompt, cache reads and writes included.
  SELECT minute, model, prompt - cache_read - cache_write_all AS input, completion AS output,
         cache_read, cache_write_all AS cache_write, cache_write_1h, prompt
  FROM split
  WHERE prompt >= cache_read + cache_write_all AND cache_write_all >= cache_write_1h
{aggregate}",
        start = d.column_timestamp(&d.ident("startTime")),
        prompt = d.int("prompt_tokens"),
        completion = d.int("completion_tokens"),
        minute = d.trunc_minute("t"),
        read = usage(&["cache_read_input_tokens"]),
        cached = usage(&["prompt_tokens_details", "cached_tokens"]),
        write = usage(&["cache_creation_input_tokens"]),
        write_1h = usage(&["cache_creation_token_details", "ephemeral_1h_input_tokens"]),
        aggregate = aggregate(d),
    )
}

/// OpenTelemetry GenAI spans, one OTLP `ExportTraceServiceRequest` per record
/// (`resourceSpans[].scopeSpans[].spans[]`): `gen_ai.usage.input_tokens` includes cache
/// reads and writes (OpenAI-style), as [`super::otel`] reads it. Spans without
/// `gen_ai.usage.*` attributes (HTTP, database, tool spans) are not model calls.
fn otel(d: Dialect, from: &str) -> String {
    let tokens = |key: &str| d.int(&d.attribute("span", key));
    format!(
        "WITH logs AS (
  {records}
), spans AS (
  SELECT span FROM logs
  {resources}
  {scopes}
  {spans}
), calls AS (
  SELECT {minute} AS minute,
         COALESCE(NULLIF(trim({response_model}), ''), trim({request_model})) AS model,
         {input} AS input_all,
         {output} AS output,
         COALESCE({cache_read}, 0) AS cache_read,
         COALESCE({cache_write}, 0) AS cache_write
  FROM spans
), requests AS (
  -- gen_ai.usage.input_tokens includes cache reads and writes (OpenAI-style).
  SELECT minute, model, COALESCE(input_all, 0) - cache_read - cache_write AS input,
         COALESCE(output, 0) AS output, cache_read, cache_write, 0 AS cache_write_1h,
         COALESCE(input_all, 0) AS prompt
  FROM calls
  WHERE (input_all IS NOT NULL OR output IS NOT NULL)  -- spans without usage are not model calls
    AND COALESCE(input_all, 0) >= cache_read + cache_write
{aggregate}",
        records = d.json_records(from),
        resources = d.join_elements("record", "resourceSpans", "resource"),
        scopes = d.join_elements("resource", "scopeSpans", "scope"),
        spans = d.join_elements("scope", "spans", "span"),
        minute = d.trunc_minute(&d.epoch_nanos(&d.json_text("span", &["startTimeUnixNano"]))),
        response_model = d.attribute("span", "gen_ai.response.model"),
        request_model = d.attribute("span", "gen_ai.request.model"),
        input = tokens("gen_ai.usage.input_tokens"),
        output = tokens("gen_ai.usage.output_tokens"),
        cache_read = tokens("gen_ai.usage.cache_read.input_tokens"),
        cache_write = tokens("gen_ai.usage.cache_creation.input_tokens"),
        aggregate = aggregate(d),
    )
}

/// `pricing_unit` spellings the CUR SQL converts to tokens (after lower-casing and dropping
/// a leading `per `), each at the factor the CUR reader's [`tokens_per_unit`] gives it. A
/// line in any other unit is left out.
const UNIT_SPELLINGS: &[&str] = &[
    "token",
    "tokens",
    "1 token",
    "1 tokens",
    "k tokens",
    "1k tokens",
    "1k token",
    "1000 tokens",
    "1,000 tokens",
    "m tokens",
    "1m tokens",
    "1m token",
    "1000000 tokens",
    "1,000,000 tokens",
];

/// A SQL string literal.
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A usage-type marker or modifier as the SQL sees it: lower case, `_` written `-`.
fn dashed(text: &str) -> String {
    text.to_ascii_lowercase().replace('_', "-")
}

/// The token-column name of a marker's token type.
fn kind(token_type: TokenType) -> &'static str {
    match token_type {
        TokenType::Input => "input",
        TokenType::Output => "output",
        TokenType::CacheRead => "cache_read",
        TokenType::CacheWrite5m | TokenType::CacheWrite1h => "cache_write",
    }
}

/// AWS CUR 2.0 (Data Exports): the Amazon Bedrock token lines of each billing period's
/// latest snapshot, reduced to hourly usage-CSV rows per model, route and batch tier. The
/// usage type is parsed with the same tables as the reconciliation reader ([`MARKERS`],
/// [`MODIFIERS`] of [`super::usage_type`]); `pricing_unit` converts the amount to tokens as
/// [`tokens_per_unit`] does. Lines the reader would not attribute to a model's tokens (not
/// Usage, not Bedrock, GovCloud, an unknown marker, modifier or unit, a tier replay does
/// not price) are left out. CUR has no per-request prompt size, so every row is
/// `0-200k`, and the rows say `usage_source` `aws-cur` so replay states that assumption.
fn cur(d: Dialect, from: &str) -> String {
    let any = |needles: Vec<String>, haystack: &str| -> String {
        let arms: Vec<String> = needles
            .iter()
            .map(|n| format!("{} > 0", d.strpos(haystack, &literal(n))))
            .collect();
        format!("({})", arms.join(" OR "))
    };
    let modifiers = |wanted: Modifier| -> Vec<String> {
        MODIFIERS
            .iter()
            .filter(|(_, m)| *m == wanted)
            .map(|(spelling, _)| format!("-{spelling}-"))
            .collect()
    };
    let marker_arms: String = MARKERS
        .iter()
        .map(|(marker, _)| {
            let m = literal(&dashed(marker));
            format!(
                "\n              WHEN {} > 0 THEN {m}",
                d.strpos("rest_dashed", &m)
            )
        })
        .collect();
    let kind_arms: String = MARKERS
        .iter()
        .map(|(marker, token_type)| {
            format!(
                "\n              WHEN {} THEN '{}'",
                literal(&dashed(marker)),
                kind(*token_type)
            )
        })
        .collect();
    // Every recognised modifier removed, longest first, leaves `-`: anything else is a
    // modifier the reader does not know, and the line is left out as it leaves it
    // unattributed.
    let mut left = "modifiers".to_owned();
    for (spelling, _) in MODIFIERS {
        left = format!(
            "replace({left}, {}, '-')",
            literal(&format!("-{spelling}-"))
        );
    }
    let unit_arms: String = UNIT_SPELLINGS
        .iter()
        .map(|unit| {
            let per = tokens_per_unit(unit).expect("a spelling the CUR reader reads");
            format!("\n              WHEN {} THEN {per}", literal(unit))
        })
        .collect();
    let products = BEDROCK_PRODUCTS
        .iter()
        .map(|p| literal(&p.to_ascii_lowercase()))
        .collect::<Vec<_>>()
        .join(", ");
    let sum = |condition: &str| {
        format!(
            "CAST(round(sum(CASE WHEN {condition} THEN tokens ELSE 0 END)) AS {})",
            d.int_type()
        )
    };
    format!(
        "WITH export AS (
  SELECT *, {path} AS export_path
  FROM {from}
), snapshots AS (
  -- Each run of an export writes a full snapshot of the billing period under
  -- BILLING_PERIOD=<period>/<snapshot>/; only each period's latest snapshot (the folder
  -- name that sorts last) counts. Files outside that layout are all kept.
  SELECT *,
         NULLIF(COALESCE({period}, ''), '') AS period,
         COALESCE({snapshot}, '') AS snapshot
  FROM export
), latest AS (
  SELECT *, max(snapshot) OVER (PARTITION BY period) AS latest_snapshot
  FROM snapshots
), lines AS (
  -- Amazon Bedrock Usage lines; tax, credits, fees and GovCloud are not token usage.
  SELECT {hour} AS hour,
         regexp_replace(lower(trim(line_item_usage_type)), '^[a-z0-9]+[-_]', '') AS rest,
         replace(regexp_replace(lower(trim(line_item_usage_type)), '^[a-z0-9]+[-_]', ''), '_', '-') AS rest_dashed,
         CAST(line_item_usage_amount AS DECIMAL(38, 9)) AS amount,
         regexp_replace(lower(trim(pricing_unit)), '^per ', '') AS unit
  FROM latest
  WHERE (period IS NULL OR snapshot = latest_snapshot)
    AND lower(line_item_line_item_type) = 'usage'
    AND lower(line_item_product_code) IN ({products})
    AND lower(COALESCE(product_region_code, '')) NOT LIKE 'us-gov%'
), marked AS (
  -- The marker says the token type (the usage-type table of routewise's CUR reader).
  -- (Each step names only columns of the step before: PostgreSQL, Trino and BigQuery
  -- do not let a SELECT read an alias it defines.)
  SELECT hour, rest, rest_dashed, amount, unit,
         CASE{marker_arms}
         END AS marker
  FROM lines
), parsed AS (
  SELECT hour, amount, unit,
         CASE marker{kind_arms}
         END AS kind,
         regexp_replace(substr(rest, 1, {at} - 1), '(-mantle)+$', '') AS model,
         concat(substr(rest_dashed, {at} + length(marker)), '-') AS modifiers
  FROM marked
  WHERE marker IS NOT NULL
), classified AS (
  SELECT hour, amount, unit, kind, model,
         CASE WHEN {global} THEN '{route_global}'
              WHEN {geo} THEN '{route_geo}'
              ELSE '{route_region}' END AS route,
         {one_hour} AS one_hour,
         {batch} AS batch,
         {unpriced} AS unpriced_tier,
         {left} AS unknown_modifiers,
         CASE unit{unit_arms}
         END AS per_unit
  FROM parsed
), tokens AS (
  -- Left out: tiers replay does not price (priority, flex, reserved), modifiers or units
  -- the reader does not know, and a 1-hour modifier on tokens that are not cache writes.
  SELECT hour, model, route, batch, kind, one_hour, amount * per_unit AS tokens
  FROM classified
  WHERE model <> ''
    AND per_unit IS NOT NULL
    AND NOT unpriced_tier
    AND unknown_modifiers = '-'
    AND (kind = 'cache_write' OR NOT one_hour)
)
SELECT {timestamp} AS {timestamp_ident},
       model,
       route,
       {input} AS input_tokens,
       {output} AS output_tokens,
       {cache_read} AS cache_read_input_tokens,
       {cache_write} AS cache_creation_input_tokens,
       {cache_write_1h} AS cache_creation_1h_input_tokens,
       CASE WHEN batch THEN 'true' ELSE 'false' END AS batch,
       '0-200k' AS context_window,
       '1h' AS bucket_width,
       'aws-cur' AS usage_source
FROM tokens
GROUP BY hour, model, route, batch
ORDER BY hour, model, route, batch;",
        path = d.export_path(),
        period = d.regex_group("export_path", "(?i)billing_period=([^/]+)/"),
        snapshot = d.regex_group("export_path", "(?i)billing_period=[^/]+/([^/]+)/"),
        hour = d.trunc_hour(&d.column_timestamp("line_item_usage_start_date")),
        at = d.strpos("rest_dashed", "marker"),
        global = any(modifiers(Modifier::Global), "modifiers"),
        geo = any(modifiers(Modifier::Geo), "modifiers"),
        one_hour = any(modifiers(Modifier::OneHour), "modifiers"),
        batch = any(modifiers(Modifier::Batch), "modifiers"),
        unpriced = any(modifiers(Modifier::UnpricedTier), "modifiers"),
        route_global = ROUTE_GLOBAL,
        route_geo = ROUTE_GEO,
        route_region = ROUTE_IN_REGION,
        timestamp = d.format_minute("hour"),
        timestamp_ident = d.ident("timestamp"),
        input = sum("kind = 'input'"),
        output = sum("kind = 'output'"),
        cache_read = sum("kind = 'cache_read'"),
        cache_write = sum("kind = 'cache_write'"),
        cache_write_1h = sum("kind = 'cache_write' AND one_hour"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::ast::{SelectItem, SetExpr, Statement};
    use sqlparser::dialect::{
        AnsiDialect, BigQueryDialect, DatabricksDialect, Dialect as Grammar, DuckDbDialect,
        HiveDialect, PostgreSqlDialect, SparkSqlDialect,
    };
    use sqlparser::parser::Parser;

    /// Athena's engine, Trino, as far as these statements need it. sqlparser has no Trino
    /// grammar, so this is its ANSI one (Trino follows ANSI names: `"…"` only, never
    /// backquotes) with Trino's `ARRAY(T)` type.
    #[derive(Debug)]
    struct TrinoGrammar;

    impl Grammar for TrinoGrammar {
        fn is_identifier_start(&self, ch: char) -> bool {
            AnsiDialect {}.is_identifier_start(ch)
        }
        fn is_identifier_part(&self, ch: char) -> bool {
            AnsiDialect {}.is_identifier_part(ch)
        }
        fn is_delimited_identifier_start(&self, ch: char) -> bool {
            ch == '"'
        }
        fn identifier_quote_style(&self, _identifier: &str) -> Option<char> {
            Some('"')
        }
        fn supports_array_typedef_with_parentheses(&self) -> bool {
            true
        }
    }

    /// The sqlparser grammars each engine's SQL must parse under.
    fn grammars(dialect: Dialect) -> Vec<Box<dyn Grammar>> {
        match dialect {
            Dialect::Duckdb => vec![Box::new(DuckDbDialect {})],
            Dialect::Postgres => vec![Box::new(PostgreSqlDialect {})],
            Dialect::Athena => vec![Box::new(TrinoGrammar)],
            Dialect::Bigquery => vec![Box::new(BigQueryDialect {})],
            Dialect::Spark => vec![
                Box::new(SparkSqlDialect {}),
                Box::new(DatabricksDialect {}),
                Box::new(HiveDialect {}),
            ],
        }
    }

    fn parse(dialect: Dialect, grammar: &dyn Grammar, sql: &str) -> Statement {
        let mut statements = Parser::parse_sql(grammar, sql).unwrap_or_else(|e| {
            panic!("{dialect:?} SQL does not parse as {grammar:?}: {e}\n{sql}")
        });
        assert_eq!(statements.len(), 1, "{dialect:?}: one statement");
        statements.remove(0)
    }

    /// A query's steps: each CTE's name and output columns, then the final columns and
    /// the grouping, as the parser sees them.
    fn shape(statement: &Statement) -> Vec<(String, Vec<String>)> {
        let Statement::Query(query) = statement else {
            panic!("not a query: {statement}")
        };
        let columns = |body: &SetExpr| -> Vec<String> {
            let SetExpr::Select(select) = body else {
                panic!("not a SELECT: {body}")
            };
            let mut out: Vec<String> = select
                .projection
                .iter()
                .map(|item| match item {
                    SelectItem::ExprWithAlias { alias, .. } => alias.value.clone(),
                    SelectItem::UnnamedExpr(expr) => expr.to_string(),
                    SelectItem::Wildcard(_) => "*".to_owned(),
                    other => panic!("unexpected select item {other}"),
                })
                .collect();
            out.push(format!("GROUP BY {}", select.group_by));
            out
        };
        let mut steps: Vec<(String, Vec<String>)> = query
            .with
            .as_ref()
            .expect("a WITH query")
            .cte_tables
            .iter()
            .map(|cte| (cte.alias.name.value.clone(), columns(&cte.query.body)))
            .collect();
        steps.push(("result".to_owned(), columns(&query.body)));
        steps
    }

    #[test]
    fn every_dialect_and_source_parses_in_its_engines_grammar() {
        for source in Source::ALL {
            for dialect in Dialect::ALL {
                let sql = emit(dialect, source, None);
                for grammar in grammars(dialect) {
                    parse(dialect, grammar.as_ref(), &sql);
                }
            }
        }
    }

    #[test]
    fn a_parse_failure_is_caught() {
        // sqlparser's grammars are lenient (each accepts the others' functions and casts),
        // so the parse catches broken statements, and the text checks below catch another
        // engine's syntax. A statement cut short does not parse; backquoted names are not
        // PostgreSQL or Trino.
        for dialect in Dialect::ALL {
            let sql = emit(dialect, Source::LitellmSpendlogs, None);
            let cut = &sql[..sql.rfind("), tiered").unwrap()];
            for grammar in grammars(dialect) {
                assert!(
                    Parser::parse_sql(grammar.as_ref(), cut).is_err(),
                    "{dialect:?}"
                );
            }
        }
        let bigquery = emit(Dialect::Bigquery, Source::LitellmSpendlogs, None);
        assert!(Parser::parse_sql(&PostgreSqlDialect {}, &bigquery).is_err());
        assert!(Parser::parse_sql(&TrinoGrammar, &bigquery).is_err());
    }

    #[test]
    fn every_dialect_builds_the_same_steps_and_columns() {
        // One builder per source: the engines may differ in spelling only, so each
        // dialect's query has the DuckDB query's steps, columns and grouping.
        for source in Source::ALL {
            let reference = shape(&parse(
                Dialect::Duckdb,
                &DuckDbDialect {},
                &emit(Dialect::Duckdb, source, None),
            ));
            assert!(reference.len() >= 3, "{reference:?}");
            for dialect in Dialect::ALL {
                let grammar = grammars(dialect).remove(0);
                let sql = emit(dialect, source, None);
                assert_eq!(
                    shape(&parse(dialect, grammar.as_ref(), &sql)),
                    reference,
                    "{dialect:?} {source:?}"
                );
            }
        }
    }

    /// The statement without its comments.
    fn sql_lines(sql: &str) -> String {
        sql.lines()
            .map(|line| line.split(" --").next().unwrap_or(""))
            .filter(|line| !line.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn each_engine_uses_its_own_functions() {
        let has = |dialect: Dialect, source: Source, needles: &[&str]| {
            let sql = emit(dialect, source, None);
            for needle in needles {
                assert!(
                    sql.contains(needle),
                    "{dialect:?} {source:?}: {needle}\n{sql}"
                );
            }
        };
        use Source::{BedrockInvocation as Bedrock, LitellmSpendlogs as Litellm};
        has(
            Dialect::Athena,
            Bedrock,
            &[
                "json_extract_scalar(record, '$.input.inputTokenCount')",
                "date_trunc('minute', from_iso8601_timestamp(",
                "date_format(minute, '%Y-%m-%dT%H:%i:00Z') AS \"timestamp\"",
            ],
        );
        has(
            Dialect::Bigquery,
            Litellm,
            &[
                "JSON_VALUE(m, '$.usage_object.cache_read_input_tokens')",
                "TIMESTAMP_TRUNC(t, MINUTE)",
                "CAST(`startTime` AS TIMESTAMP)",
                "AS `timestamp`",
                "CAST(sum(input) AS INT64)",
            ],
        );
        has(
            Dialect::Spark,
            Bedrock,
            &[
                "get_json_object(record, '$.modelId')",
                "date_trunc('MINUTE', to_timestamp(",
                "SELECT value AS record FROM text.`AWSLogs/",
                "spark.sql.session.timeZone=UTC",
            ],
        );
        has(
            Dialect::Postgres,
            Source::OtelGenai,
            &[
                "CROSS JOIN LATERAL jsonb_array_elements(record -> 'resourceSpans')",
                "to_timestamp(CAST((span ->> 'startTimeUnixNano') AS BIGINT) / 1000000000)",
            ],
        );
        has(
            Dialect::Athena,
            Source::OtelGenai,
            &["UNNEST(CAST(json_extract(span, '$.attributes') AS ARRAY(JSON)))"],
        );
        has(
            Dialect::Bigquery,
            Source::OtelGenai,
            &[
                "UNNEST(JSON_QUERY_ARRAY(span, '$.attributes'))",
                "TIMESTAMP_SECONDS(DIV(",
            ],
        );
        has(
            Dialect::Spark,
            Source::OtelGenai,
            &[
                "LATERAL VIEW explode(from_json(get_json_object(record, '$.resourceSpans'), 'array<string>'))",
                "try_element_at(filter(",
            ],
        );
        for source in Source::ALL {
            for dialect in [Dialect::Athena, Dialect::Bigquery, Dialect::Spark] {
                // PostgreSQL's casts and JSON operators are not theirs.
                let sql = sql_lines(&emit(dialect, source, None));
                assert!(!sql.contains("::"), "{dialect:?} {source:?}");
                assert!(!sql.contains("->>"), "{dialect:?} {source:?}");
            }
            // Trino quotes names with "…"; backquotes are BigQuery's and Spark's.
            let athena = emit(Dialect::Athena, source, None);
            assert!(!sql_lines(&athena).contains('`'), "{source:?}");
        }
    }

    #[test]
    fn the_cur_sql_is_built_from_the_usage_type_and_unit_tables() {
        // Every marker and modifier of the reconciliation reader's table is in the SQL,
        // so the two cannot drift apart.
        for dialect in Dialect::ALL {
            let sql = emit(dialect, Source::Cur, None);
            for (marker, token_type) in MARKERS {
                let marker = dashed(marker);
                assert!(
                    sql.contains(&format!("WHEN '{marker}' THEN '{}'", kind(*token_type))),
                    "{dialect:?}: {marker}"
                );
            }
            for (spelling, _) in MODIFIERS {
                assert!(
                    sql.contains(&format!("'-{spelling}-'")),
                    "{dialect:?}: {spelling}"
                );
            }
            for route in [ROUTE_GLOBAL, ROUTE_GEO, ROUTE_IN_REGION] {
                assert!(sql.contains(&format!("'{route}'")), "{dialect:?}: {route}");
            }
            assert!(sql.contains("WHEN '1k tokens' THEN 1000"), "{dialect:?}");
            assert!(sql.contains("WHEN '1m tokens' THEN 1000000"), "{dialect:?}");
            assert!(sql.contains(dialect.export_path()), "{dialect:?}");
            assert!(sql.contains("'amazonbedrock'"), "{dialect:?}");
        }
        // Each unit spelling is one the CUR reader reads, at the factor it gives.
        for unit in UNIT_SPELLINGS {
            assert!(tokens_per_unit(unit).is_some(), "{unit}");
            assert!(tokens_per_unit(&format!("per {unit}")).is_some(), "{unit}");
        }
        let athena = emit(Dialect::Athena, Source::Cur, None);
        assert!(athena.contains("\"$path\" AS export_path"));
        assert!(emit(Dialect::Spark, Source::Cur, None).contains("instr(rest_dashed, marker)"));
        assert!(
            emit(Dialect::Postgres, Source::Cur, None)
                .contains("substring(export_path from '(?i)billing_period=([^/]+)/')")
        );
    }

    #[test]
    fn every_source_and_dialect_selects_the_usage_csv_columns() {
        // Each request's own prompt against the sources' boundary, the number written once.
        let mark = format!("WHEN prompt > {SOURCE_LONG_CONTEXT_TOKENS} THEN '200k-1M'");
        for dialect in Dialect::ALL {
            for source in Source::ALL {
                let sql = emit(dialect, source, None);
                for column in [
                    &format!("AS {}", dialect.ident("timestamp")),
                    "AS input_tokens",
                    "AS cache_read_input_tokens",
                    "AS cache_creation_1h_input_tokens",
                    "AS context_window",
                    "AS bucket_width",
                ] {
                    assert!(sql.contains(column), "{dialect:?} {source:?}: {column}");
                }
                assert!(sql.contains(source.default_from(dialect)));
                if source == Source::Cur {
                    // Hours of billed lines: no request, so no prompt to split at the mark.
                    for column in [
                        "'1h' AS bucket_width",
                        "'0-200k' AS context_window",
                        "'aws-cur' AS usage_source",
                        "GROUP BY hour, model, route, batch",
                    ] {
                        assert!(sql.contains(column), "{dialect:?}: {column}");
                    }
                } else {
                    assert!(sql.contains("GROUP BY minute, model, context_window"));
                    assert!(sql.contains(&mark), "{dialect:?} {source:?}: {mark}");
                }
            }
        }
        assert!(
            emit(
                Dialect::Duckdb,
                Source::LitellmSpendlogs,
                Some("read_csv('x.csv')")
            )
            .contains("FROM read_csv('x.csv')")
        );
    }
}
