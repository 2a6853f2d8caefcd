//! Command-line definitions only: every command, flag and help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
    /// Check answers, workload, rules and pricing files and print every problem found.
    Validate(ValidateArgs),
    /// List the route catalogue.
    Routes(DataArgs),
    /// List the questionnaire: every question, its choices and its default.
    Questions(DataArgs),
    /// Print the JSON Schema of an input file, for editors.
    Schema {
        /// Which file's schema.
        #[arg(value_enum)]
        kind: SchemaKind,
    },
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
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
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
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=120))]
    pub months: Option<u32>,
    /// Monthly growth, such as 0.05 or 5% (overrides monthly_growth in the workload).
    #[arg(long, value_name = "RATE", allow_hyphen_values = true)]
    pub growth: Option<String>,
    /// Negotiated discounts and private prices (TOML) laid over the pricing tables.
    #[arg(long, value_name = "FILE")]
    pub price_book: Option<PathBuf>,
    /// Vary one parameter across a range, such as input_tokens_per_month=1e6..1e10.
    #[arg(long, value_name = "PARAM=LO..HI")]
    pub sweep: Option<String>,
    /// Number of points in a sweep (2 to 1000).
    #[arg(long, value_name = "N", default_value_t = 20)]
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

/// Output formats of money-over-time commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CostFormat {
    Table,
    Markdown,
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Markdown,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    Answers,
    Workload,
    Rules,
    Pricing,
}
