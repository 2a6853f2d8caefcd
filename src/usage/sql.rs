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
//! What the SQL leaves out, compared with reading the logs directly: Bedrock's 1-hour
//! cache-write split (inside `output.outputBodyJson`; all writes count as 5-minute), the
//! observed route and LiteLLM's `spend` (the usage CSV has no columns for them), and the
//! per-row checks (a LiteLLM row or a span with less input than cache is left out here,
//! where the reader reports it).

use super::tokens::SOURCE_LONG_CONTEXT_TOKENS;

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
}

impl Source {
    pub const ALL: [Source; 3] = [
        Source::BedrockInvocation,
        Source::LitellmSpendlogs,
        Source::OtelGenai,
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
        }
    }

    fn name(self) -> &'static str {
        match self {
            Source::BedrockInvocation => "Amazon Bedrock model invocation logs",
            Source::LitellmSpendlogs => "LiteLLM_SpendLogs",
            Source::OtelGenai => "OpenTelemetry GenAI spans (OTLP JSON)",
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
    };
    format!(
        "-- routewise usage CSV from {} ({}), one row per minute, model and context window.\n\
         -- Generated by `routewise replay --emit-sql`; replay the result with\n\
         -- `routewise replay --usage result.csv`.\n{}{body}\n",
        source.name(),
        dialect.name(),
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
                    "GROUP BY minute, model, context_window",
                ] {
                    assert!(sql.contains(column), "{dialect:?} {source:?}: {column}");
                }
                assert!(sql.contains(source.default_from(dialect)));
                assert!(sql.contains(&mark), "{dialect:?} {source:?}: {mark}");
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
