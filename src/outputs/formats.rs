//! The output formats each product renders. The command line offers them as they are (the
//! doc comments are their help text), so a new format is one variant here and one renderer.

use clap::ValueEnum;

/// Formats of the recommendation report (`advise`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// The recommendation report.
    Markdown,
    /// The report model, a stable contract (keys are only ever added).
    Json,
    /// A MADR 4.0 architecture decision record.
    Madr,
    /// One self-contained page with charts, for people who will not read Markdown.
    Html,
}

/// Formats of money-over-time outputs (`cost`, `replay`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CostFormat {
    /// Aligned columns for a terminal.
    Table,
    /// A Markdown document from the `cost.md.j2` or `replay.md.j2` template.
    Markdown,
    /// One row per route, month (or model) and line item, for a spreadsheet.
    Csv,
    /// The full model as JSON.
    Json,
    /// One self-contained page with charts and their data tables.
    Html,
}
