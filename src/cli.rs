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
