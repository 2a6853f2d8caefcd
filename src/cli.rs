//! Command-line definitions only: every command, flag and help text.

use crate::support::invalid::InvalidValue;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub use crate::outputs::formats::{CostFormat, ReportFormat as Format};

use crate::support::date::Date;

/// Which door to a foundation model? routewise eliminates the routes that break your hard
/// constraints, ranks the rest, prices your workload on each, and explains every step.
/// It works offline, from its embedded data files or yours.
#[derive(Debug, Parser)]
#[command(name = "routewise", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Recommend a route: eliminate, score, rank and price, then print a report.
    Advise(AdviseArgs),
    /// Project monthly costs of a workload on every route, with growth, provisioned sizing,
    /// price books and sensitivity sweeps.
    Cost(CostArgs),
    /// Price real usage (a usage CSV or the Anthropic usage report) on every route.
    Replay(ReplayArgs),
    /// Check answers, workload, rules and pricing files and print every problem found.
    Validate(ValidateArgs),
    /// List the route catalogue, or print one route's evidence: every claim with its value,
    /// source and checked date.
    Routes(RoutesArgs),
    /// Answer the questionnaire in the terminal, write a commented answers file and print
    /// the recommendation.
    Ask(AskArgs),
    /// List every model: its family, and per route that serves it the pricing table and
    /// unit prices.
    Models(ModelsArgs),
    /// List the questionnaire: every question, its choices and its default.
    Questions(QuestionsArgs),
    /// Print the JSON Schema of an input file, for editors.
    Schema {
        /// Which file's schema.
        #[arg(value_enum)]
        kind: SchemaKind,
    },
    /// Compare two JSON reports (route, eliminations, scores, costs, pricing dates) and
    /// fail (exit 1) when a gate trips.
    Diff(DiffArgs),
    /// Run rule test cases (YAML files of answers and the decision they must give); exit 1
    /// when a case fails or coverage is below --min-coverage.
    Test(TestArgs),
    /// Show, for one route, every rule evaluated in order: its condition, the values it
    /// saw, the result and the effect.
    Explain(ExplainArgs),
    /// List the rules, or document one: what it checks, why it matters, an example.
    Rules(RulesArgs),
    /// How to switch to a route: SDK clients, the model id of each workload model, endpoint
    /// or region, auth, Claude Code's environment, features that break there; for a
    /// gateway, a LiteLLM proxy config for the routes behind it.
    Adopt(AdoptArgs),
    /// Print a shell completion script, such as `routewise completions bash > routewise.bash`.
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the man page (roff), or write one page per command into a directory.
    Man {
        /// Write routewise.1 and routewise-COMMAND.1 here instead of printing routewise.1.
        #[arg(long, value_name = "DIR")]
        output_dir: Option<PathBuf>,
    },
    /// Compare the pricing tables with a third-party price list (LiteLLM, models.dev or
    /// genai-prices); exit 1 when a price differs by more than --tolerance.
    Prices(PricesArgs),
}

#[derive(Debug, Args)]
pub struct PricesArgs {
    #[command(subcommand)]
    pub command: PricesCommand,
}

#[derive(Debug, Subcommand)]
pub enum PricesCommand {
    /// Print agreements, differences (both values and the relative gap) and models missing on
    /// either side; exit 1 when a difference exceeds --tolerance.
    Check {
        /// LiteLLM's model_prices_and_context_window.json, models.dev's api.json or
        /// genai-prices' data.json (detected from its content).
        #[arg(long, value_name = "FILE")]
        against: PathBuf,
        /// Largest relative gap that still agrees, such as 0.01 or 1% (default 0: exact).
        #[arg(long, value_name = "RATE", value_parser = parse_tolerance, default_value = "0")]
        tolerance: rust_decimal::Decimal,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Write an overlay pricing directory (use it with --pricing DIR) holding table T rebuilt
    /// from a LiteLLM, models.dev or genai-prices file, every price marked with the file and
    /// the --as-of date.
    Import {
        /// LiteLLM's model_prices_and_context_window.json, models.dev's api.json or
        /// genai-prices' data.json (detected from its content).
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        /// The routewise table to rebuild, such as `anthropic`.
        #[arg(long, value_name = "T")]
        table: String,
        /// The directory to write `T.toml` into (created if missing).
        #[arg(long, value_name = "DIR")]
        output: PathBuf,
        /// The date the file's prices were read (YYYY-MM-DD): a file's modification time
        /// is not a fact about its prices, so it is asked for.
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        as_of: Date,
        #[command(flatten)]
        data: DataArgs,
    },
}

fn parse_tolerance(text: &str) -> Result<rust_decimal::Decimal, String> {
    let t = text.trim();
    let value = match t.strip_suffix('%') {
        Some(p) => p
            .trim()
            .parse::<rust_decimal::Decimal>()
            .map(|p| p / rust_decimal::Decimal::ONE_HUNDRED),
        None => t.parse::<rust_decimal::Decimal>(),
    };
    value
        .ok()
        .filter(|v| (rust_decimal::Decimal::ZERO..=rust_decimal::Decimal::ONE).contains(v))
        .ok_or_else(|| format!("`{text}` is not a tolerance from 0 to 1 (or 0% to 100%)"))
}

#[derive(Debug, Args)]
pub struct AskArgs {
    /// Pre-fill the answers from this file.
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// Where to write the answers; an existing file is only replaced after asking.
    #[arg(long, value_name = "FILE", default_value = "answers.yaml")]
    pub output: PathBuf,
    /// Monthly traffic (YAML) for the closing recommendation.
    #[arg(long, value_name = "FILE")]
    pub workload: Option<PathBuf>,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Debug, Args)]
pub struct QuestionsArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Output format; yaml is an answers file to fill in, every question commented.
    #[arg(long, value_enum, default_value_t = QuestionsFormat::Text)]
    pub format: QuestionsFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum QuestionsFormat {
    /// For reading: each question, its choices and its default.
    Text,
    /// A template answers file: every question, why it matters, its choices and default.
    Yaml,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// A rule code such as RW001 or a team's ACME1007 (any case), or a rule name such as residency-geography.
    #[arg(value_name = "CODE")]
    pub code: Option<String>,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The route to explain, such as `bedrock-geo` (`routewise routes` lists them).
    #[arg(value_name = "ROUTE")]
    pub route: String,
    /// The questionnaire answers (YAML).
    #[arg(long, value_name = "FILE")]
    pub answers: PathBuf,
    /// Monthly traffic (YAML): decides `workload.*` conditions and cost tie-breaks.
    #[arg(long, value_name = "FILE")]
    pub workload: Option<PathBuf>,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Debug, Args)]
pub struct AdoptArgs {
    /// The route to adopt, such as `vertex-regional` (`routewise routes` lists them).
    #[arg(value_name = "ROUTE")]
    pub route: String,
    /// Monthly traffic (YAML): its models get their ids on the route.
    #[arg(long, value_name = "FILE")]
    pub workload: Option<PathBuf>,
    /// The questionnaire answers (YAML): `residency` picks the region, `features` marks the
    /// features that break.
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    #[command(flatten)]
    pub data: DataArgs,
    /// Directory of templates over the embedded ones (`adopt.md.j2` renders markdown).
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AdoptFormat::Markdown)]
    pub format: AdoptFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AdoptFormat {
    /// The guide to read.
    Markdown,
    /// The guide's model, for other tools.
    Json,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Test files, or directories searched for *.yaml and *.yml; without any, the shipped
    /// cases and those in `<--rules DIR>/tests/`.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Run only your own cases (`<--rules DIR>/tests/`), not the shipped ones.
    #[arg(long, conflicts_with = "paths")]
    pub no_shipped: bool,
    #[command(flatten)]
    pub data: DataArgs,
    /// Output format; junit is JUnit XML for CI systems.
    #[arg(long, value_enum, default_value_t = TestFormat::Text)]
    pub format: TestFormat,
    /// List the rule codes that no case exercised.
    #[arg(long)]
    pub coverage: bool,
    /// Fail (exit 1) when less than PCT percent of the rule codes are exercised.
    #[arg(long, value_name = "PCT", value_parser = parse_percent)]
    pub min_coverage: Option<rust_decimal::Decimal>,
    /// Write the results to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    /// One line per failure, then `N passed, M failed`.
    Text,
    /// JUnit XML.
    Junit,
}

fn parse_percent(text: &str) -> Result<rust_decimal::Decimal, InvalidValue> {
    text.trim()
        .trim_end_matches('%')
        .parse::<rust_decimal::Decimal>()
        .ok()
        .filter(|p| (rust_decimal::Decimal::ZERO..=rust_decimal::Decimal::ONE_HUNDRED).contains(p))
        .ok_or_else(|| InvalidValue(format!("`{text}` is not a percentage from 0 to 100")))
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The baseline JSON report (`advise --format json`), such as the base branch's.
    #[arg(value_name = "BASE.json")]
    pub base: PathBuf,
    /// The JSON report of the change.
    #[arg(value_name = "NEW.json")]
    pub new: PathBuf,
    /// Output format; markdown is written to be posted as a pull-request comment.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Fail (exit 1) when GATE trips; repeatable. Gates: route-change, new-elimination,
    /// cost-increase=N% or cost-increase=Nusd (the recommended route's monthly cost
    /// rising by more than that), stale-pricing.
    #[arg(long, value_name = "GATE", value_parser = crate::outputs::diff::gates::parse)]
    pub fail_on: Vec<crate::outputs::diff::gates::Gate>,
    /// Check the new report's pricing tables against this age (with --today or
    /// SOURCE_DATE_EPOCH); without it, stale-pricing uses the ages in the new report.
    #[arg(long, value_name = "DAYS", allow_negative_numbers = true)]
    pub max_pricing_age: Option<u32>,
    /// The date pricing ages are measured to (YYYY-MM-DD); defaults to SOURCE_DATE_EPOCH.
    /// Only ages use it, so it needs --max-pricing-age.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date, requires = "max_pricing_age")]
    pub today: Option<Date>,
    /// Directory of templates over the embedded ones (`diff.md.j2` renders markdown).
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Write the diff to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// For terminals and CI logs.
    Text,
    /// A pull-request comment: summary first, details in a collapsible block.
    Markdown,
    /// The diff model, for other tools.
    Json,
}

#[derive(Debug, Args)]
pub struct ModelsArgs {
    /// Only the models this route serves, such as bedrock-geo.
    #[arg(long, value_name = "ID")]
    pub route: Option<String>,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Debug, Args)]
pub struct RoutesArgs {
    /// A route id, such as bedrock-geo: print its evidence table instead of the list.
    #[arg(value_name = "ROUTE")]
    pub route: Option<String>,
    #[command(flatten)]
    pub data: DataArgs,
}

/// Directories that override or extend the embedded data.
#[derive(Debug, Args, Clone, Default)]
pub struct DataArgs {
    /// Directory of rule files (questions, routes, rules) over the embedded ones.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Directory of pricing tables over the embedded ones.
    #[arg(long, value_name = "DIR")]
    pub pricing: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AdviseArgs {
    /// The questionnaire answers (YAML).
    #[arg(long, value_name = "FILE")]
    pub answers: PathBuf,
    /// Monthly traffic to price (YAML); without it the report shows unit prices.
    #[arg(long, value_name = "FILE")]
    pub workload: Option<PathBuf>,
    #[command(flatten)]
    pub data: DataArgs,
    /// Directory of report templates over the embedded ones.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Negotiated discounts and private prices (TOML) laid over the pricing tables.
    #[arg(long, value_name = "FILE")]
    pub price_book: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    pub format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long, value_name = "FILE", group = "destination")]
    pub output: Option<PathBuf>,
    /// With --format madr: keep numbered records in DIR. When the decision changed, write
    /// the next record (0002-model-route.md, ...), mark the previous one `superseded by
    /// NNNN`, and rewrite the index DIR/README.md; when it did not, change nothing.
    #[arg(long, value_name = "DIR", group = "destination")]
    pub supersede: Option<PathBuf>,
    /// Compare the report with the file given by --output (or the newest record in the
    /// --supersede directory) instead of writing it; exit 1 when it is missing or out of
    /// date, printing a unified diff of what differs.
    #[arg(long, requires = "destination")]
    pub check: bool,
    #[command(flatten)]
    pub record: RecordArgs,
    /// Fail (exit 1) when a pricing table used by a viable route is older than
    /// --max-pricing-age; the report is still written.
    #[arg(long, value_enum, value_name = "GATE", requires = "max_pricing_age")]
    pub fail_on: Vec<AdviseGate>,
}

/// Dates and ages: routewise never reads the clock, so these come from flags or from
/// `SOURCE_DATE_EPOCH`.
#[derive(Debug, Args, Clone, Default)]
pub struct RecordArgs {
    /// The decision record's date (YYYY-MM-DD); otherwise the answers file's
    /// `decision.date`, then SOURCE_DATE_EPOCH; without any, the record has no date.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub date: Option<Date>,
    /// Warn about pricing tables more than DAYS old (measured to --today or SOURCE_DATE_EPOCH).
    #[arg(long, value_name = "DAYS", allow_negative_numbers = true)]
    pub max_pricing_age: Option<u32>,
    /// The date pricing ages are measured to (YYYY-MM-DD); defaults to SOURCE_DATE_EPOCH.
    /// Only ages use it, so it needs --max-pricing-age.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date, requires = "max_pricing_age")]
    pub today: Option<Date>,
}

/// The gate `advise` can fail on; the others compare two reports (see `diff`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AdviseGate {
    /// A pricing table used by a viable route is older than --max-pricing-age.
    StalePricing,
}

fn parse_date(text: &str) -> Result<Date, InvalidValue> {
    Date::parse_checked(text)
}

#[derive(Debug, Args)]
pub struct CostArgs {
    /// Monthly traffic to price (YAML).
    #[arg(long, value_name = "FILE")]
    pub workload: PathBuf,
    /// Questionnaire answers: routes they eliminate are left out.
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// Only this route (repeatable).
    #[arg(long = "route", value_name = "ID")]
    pub routes: Vec<String>,
    /// Months to project (overrides horizon_months in the workload; 1 to 120).
    #[arg(
        long,
        value_name = "N",
        allow_negative_numbers = true,
        value_parser = clap::value_parser!(u32).range(1..=120)
    )]
    pub months: Option<u32>,
    /// Monthly growth, such as 0.05 or 5% (overrides monthly_growth in the workload).
    #[arg(long, value_name = "RATE", allow_hyphen_values = true)]
    pub growth: Option<String>,
    /// The first projected month's date (YYYY-MM-DD): dated prices are read on it, and month
    /// m on the first day of the (m-1)th month after. Without it, each table's `as_of` date.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<Date>,
    /// Negotiated discounts and private prices (TOML) laid over the pricing tables.
    #[arg(long, value_name = "FILE")]
    pub price_book: Option<PathBuf>,
    /// Vary one parameter across a range, such as input_tokens_per_month=1e6..1e10.
    #[arg(long, value_name = "PARAM=LO..HI")]
    pub sweep: Option<String>,
    /// Number of points in a sweep (2 to 1000).
    #[arg(
        long,
        value_name = "N",
        default_value_t = 20,
        allow_negative_numbers = true,
        value_parser = clap::value_parser!(u32).range(2..=1000)
    )]
    pub steps: u32,
    #[command(flatten)]
    pub data: DataArgs,
    /// Directory of report templates over the embedded ones.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CostFormat::Table)]
    pub format: CostFormat,
    /// Write the output to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// Usage to replay: a usage CSV, the Anthropic usage report JSON, Bedrock invocation
    /// logs, a LiteLLM spend-log export or OpenTelemetry GenAI spans (gzip or not), or a
    /// directory of log files walked recursively.
    #[arg(
        long,
        value_name = "FILE|DIR",
        required_unless_present_any = ["litellm_db", "emit_sql"]
    )]
    pub usage: Option<PathBuf>,
    /// Read LiteLLM's spend logs from its PostgreSQL database instead of a file
    /// (`postgres://user:password@host:5432/litellm`); the database aggregates them.
    #[arg(long, value_name = "URL", conflicts_with = "usage")]
    pub litellm_db: Option<String>,
    /// Print the SQL that reduces a log source to routewise's usage CSV in this engine,
    /// instead of replaying (see docs/replay-at-scale.md).
    #[arg(long, value_enum, value_name = "DIALECT", requires = "source")]
    pub emit_sql: Option<SqlDialectArg>,
    /// With --emit-sql: the logs the SQL reads.
    #[arg(long, value_enum, requires = "emit_sql")]
    pub source: Option<SqlSourceArg>,
    /// With --emit-sql: the relation to read instead of the default (a table name; for
    /// Bedrock on DuckDB a quoted file glob such as `'logs/**/*.json.gz'`, on Spark a file
    /// source such as ``text.`s3://bucket/AWSLogs/…/*.json.gz` ``; for CUR on DuckDB
    /// `read_parquet('export/data/BILLING_PERIOD=*/**/*.parquet', filename = true)`).
    #[arg(long, value_name = "RELATION", requires = "emit_sql")]
    pub sql_from: Option<String>,
    /// With --litellm-db: the first day (or time) to read, UTC (`2026-10-01`).
    #[arg(long, value_name = "DATE", requires = "litellm_db")]
    pub since: Option<String>,
    /// With --litellm-db: the day (or time) to stop before, UTC (`2026-11-01`).
    #[arg(long, value_name = "DATE", requires = "litellm_db")]
    pub until: Option<String>,
    /// The usage format; by default it is told from the content.
    #[arg(long, value_enum, default_value_t = UsageFormatArg::Auto)]
    pub usage_format: UsageFormatArg,
    /// Where a CSV keeps routewise's columns: `input_tokens=prompt_tokens,model=model_group,...`.
    #[arg(long, value_name = "COLUMN=SOURCE,...")]
    pub map: Option<String>,
    /// The CSV's input column includes cache reads and writes (OpenAI-style); subtract them.
    #[arg(long)]
    pub input_includes_cache: bool,
    /// The share of requests a sampled log holds (Vertex request-response logging's
    /// `sampling_rate`, such as 0.1): token totals are scaled by 1/RATE.
    #[arg(long, value_name = "RATE", conflicts_with = "litellm_db")]
    pub sampling_rate: Option<String>,
    /// Questionnaire answers: routes they eliminate are left out.
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// Only this route (repeatable).
    #[arg(long = "route", value_name = "ID")]
    pub routes: Vec<String>,
    /// Negotiated discounts and private prices (TOML) laid over the pricing tables.
    #[arg(long, value_name = "FILE")]
    pub price_book: Option<PathBuf>,
    /// Count and report bad rows instead of stopping at the first.
    #[arg(long)]
    pub skip_bad_rows: bool,
    /// A bill to reconcile the replay against: an AWS CUR 2.0 or FOCUS export, CSV or Parquet (or a
    /// directory of them, latest snapshot per billing period), or Anthropic's cost report
    /// JSON. Compared per month, model and token type (see docs/reconcile.md).
    #[arg(long, value_name = "FILE|DIR")]
    pub reconcile: Option<PathBuf>,
    /// With --reconcile: the bill's format; by default it is told from the content.
    #[arg(long, value_enum, default_value_t = BillFormatArg::Auto, requires = "reconcile")]
    pub bill_format: BillFormatArg,
    /// With --reconcile: a relative gap above this percentage is a warning.
    #[arg(
        long,
        value_name = "PERCENT",
        default_value = "1",
        requires = "reconcile"
    )]
    pub reconcile_threshold: String,
    #[command(flatten)]
    pub data: DataArgs,
    /// Directory of report templates over the embedded ones.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CostFormat::Table)]
    pub format: CostFormat,
    /// Write the output to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// SQL engines `routewise replay --emit-sql` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SqlDialectArg {
    /// DuckDB (files, globs, S3 through httpfs).
    Duckdb,
    /// PostgreSQL (LiteLLM's own database).
    Postgres,
    /// Amazon Athena (Trino SQL) over the logs in S3.
    Athena,
    /// BigQuery (GoogleSQL).
    Bigquery,
    /// Spark SQL (and Databricks), over files or tables.
    Spark,
}

/// Log sources `routewise replay --emit-sql` reduces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SqlSourceArg {
    /// Amazon Bedrock model invocation logs.
    BedrockInvocation,
    /// LiteLLM's `LiteLLM_SpendLogs` table.
    LitellmSpendlogs,
    /// OpenTelemetry GenAI spans, as the OTLP JSON file exporter writes them.
    OtelGenai,
    /// AWS CUR 2.0 (Data Exports): Bedrock's billed token lines, per hour (no per-request
    /// prompt size: long-context traffic is priced at the standard rate).
    Cur,
}

/// Usage formats `routewise replay` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum UsageFormatArg {
    /// Tell the format from the content.
    Auto,
    /// routewise's usage CSV, or any CSV with `--map`.
    Csv,
    /// The Anthropic Admin API messages usage report (JSON).
    UsageReport,
    /// Amazon Bedrock model invocation logs (JSON lines, records, arrays; `.gz`).
    Bedrock,
    /// A LiteLLM `LiteLLM_SpendLogs` export (CSV or JSON).
    Litellm,
    /// OpenTelemetry GenAI spans (OTLP JSON).
    Otel,
    /// Anthropic's usage and cost analytics API, `/v1/organizations/analytics/usage` (JSON).
    AnthropicAnalytics,
    /// Vertex AI request-response logging rows exported from BigQuery (JSON lines); needs
    /// --sampling-rate.
    VertexRequestLog,
    /// OpenRouter activity rows or generation records (JSON).
    Openrouter,
}

/// Bill formats `routewise replay --reconcile` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BillFormatArg {
    /// Tell the format from the content.
    Auto,
    /// AWS Cost and Usage Report 2.0 (Data Exports), CSV.
    Cur,
    /// A FOCUS 1.x export (AWS, GCP, Azure), CSV.
    Focus,
    /// Anthropic's Admin API cost report or the cost analytics API's `/cost` (JSON).
    AnthropicCost,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Questionnaire answers (YAML) to check against the questions.
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// A workload (YAML) to check, models included.
    #[arg(long, value_name = "FILE")]
    pub workload: Option<PathBuf>,
    #[command(flatten)]
    pub data: DataArgs,
    /// Directory of report templates over the embedded ones.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// A price book to check along with the rest.
    #[arg(long, value_name = "FILE")]
    pub price_book: Option<PathBuf>,
}

/// Shells `routewise completions` writes scripts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    /// Bash: `source <(routewise completions bash)`.
    Bash,
    /// Zsh: write `_routewise` into a directory on `$fpath`.
    Zsh,
    /// Fish: write `routewise.fish` into `~/.config/fish/completions/`.
    Fish,
    /// PowerShell: dot-source the script from your profile.
    Powershell,
    /// Elvish: `eval (routewise completions elvish | slurp)`.
    Elvish,
}

impl From<Shell> for clap_complete::Shell {
    fn from(shell: Shell) -> Self {
        match shell {
            Shell::Bash => clap_complete::Shell::Bash,
            Shell::Zsh => clap_complete::Shell::Zsh,
            Shell::Fish => clap_complete::Shell::Fish,
            Shell::Powershell => clap_complete::Shell::PowerShell,
            Shell::Elvish => clap_complete::Shell::Elvish,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// The answers file, with the loaded questionnaire's choices.
    Answers,
    /// The workload file.
    Workload,
    /// A rules-directory file (questions, sources, routes, rules).
    Rules,
    /// A pricing table (TOML).
    Pricing,
    /// A price book (TOML).
    PriceBook,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// Every option, argument and value of every command says what it is for, so `--help`,
    /// the man page and the completions all carry help text.
    #[test]
    fn every_option_and_value_has_help() {
        fn missing(command: &clap::Command, path: &str, out: &mut Vec<String>) {
            let path = format!("{path} {}", command.get_name()).trim().to_owned();
            if command.get_about().is_none() && !path.eq("routewise") {
                out.push(format!("{path}: no about text"));
            }
            for arg in command.get_arguments() {
                let id = arg.get_id().as_str();
                if id == "help" || id == "version" {
                    continue;
                }
                if arg.get_help().is_none() {
                    out.push(format!("{path} {id}: no help"));
                }
                let values = if arg.get_action().takes_values() {
                    arg.get_possible_values()
                } else {
                    Vec::new()
                };
                for value in values {
                    if value.get_help().is_none() {
                        out.push(format!("{path} {id}={}: no help", value.get_name()));
                    }
                }
            }
            for sub in command.get_subcommands() {
                if sub.get_name() != "help" {
                    missing(sub, &path, out);
                }
            }
        }
        let mut out = Vec::new();
        missing(&Cli::command(), "", &mut out);
        assert!(out.is_empty(), "missing help text:\n{}", out.join("\n"));
    }

    #[test]
    fn advise_spells_the_stale_pricing_gate_as_diff_does() {
        let value = AdviseGate::StalePricing
            .to_possible_value()
            .expect("a value");
        assert_eq!(value.get_name(), crate::outputs::diff::gates::STALE_PRICING);
        assert_eq!(
            crate::outputs::diff::gates::parse(value.get_name()),
            Ok(crate::outputs::diff::gates::Gate::StalePricing)
        );
    }

    #[test]
    fn the_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
