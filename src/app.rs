//! The commands: each takes parsed arguments and returns its output or a typed error that
//! `main` maps to an exit code.

use std::fmt;

use crate::cli::{
    AdviseArgs, Cli, Command, CostArgs, CostFormat, DataArgs, ReplayArgs, SchemaKind, ValidateArgs,
};
use crate::data::catalogue::Catalogue;
use crate::data::inputs::{InputPaths, Inputs};
use crate::data::prices::Prices;
use crate::data::schema;
use crate::model::question::QuestionKind;
use crate::model::workload::Growth;
use crate::outputs::advice::{render, report};
use crate::outputs::projection::render as render_projection;
use crate::outputs::projection::sweep::{SweepSpec, sweep, to_csv};
use crate::outputs::projection::{ProjectionOptions, project};
use crate::outputs::replay;
use crate::outputs::replay::render as render_replay;
use crate::support::diagnostic::{Diagnostic, Diagnostics};
use crate::support::table::text_table;

/// Why a command failed, which decides the exit code.
#[derive(Debug)]
pub enum AppError {
    /// Invalid input files or arguments: exit code 2.
    Input(Diagnostics),
    /// Anything else (writing output, an internal failure): exit code 1.
    Failure(String),
    /// A check did not pass (a gate tripped, a rule test failed, a record is out of date):
    /// `output` still goes to standard output, `message` to standard error; exit code 1.
    Checks { output: String, message: String },
}

impl AppError {
    pub fn exit_code(&self) -> u8 {
        match self {
            AppError::Input(_) => 2,
            AppError::Failure(_) | AppError::Checks { .. } => 1,
        }
    }

    /// What goes to standard output even though the command failed.
    pub fn output(&self) -> &str {
        match self {
            AppError::Checks { output, .. } => output,
            _ => "",
        }
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppError::Input(d) => write!(f, "{d}"),
            AppError::Failure(message) => write!(f, "error: {message}"),
            AppError::Checks { message, .. } => write!(f, "{message}"),
        }
    }
}

impl From<Diagnostics> for AppError {
    fn from(d: Diagnostics) -> Self {
        AppError::Input(d)
    }
}

impl From<Diagnostic> for AppError {
    fn from(d: Diagnostic) -> Self {
        AppError::Input(d.into())
    }
}

/// Runs one command; `Ok` carries what goes to standard output.
pub fn run(cli: Cli) -> Result<String, AppError> {
    match cli.command {
        Command::Advise(args) => advise(args),
        Command::Cost(args) => cost(args),
        Command::Replay(args) => replay_usage(args),
        Command::Validate(args) => validate(args),
        Command::Routes(args) => routes(&args),
        Command::Questions(args) => questions(&args),
        Command::Schema { kind } => schema_of(kind),
        Command::Diff(args) => crate::commands::diff::run(args),
        Command::Test(args) => crate::commands::test::run(args),
        Command::Explain(args) => crate::commands::explain::run(args),
        Command::Rules(args) => crate::commands::rules::run(args),
    }
}

fn advise(args: AdviseArgs) -> Result<String, AppError> {
    // Dates, the regenerate command, --check and the stale-pricing gate.
    let mut record = crate::commands::advise::RecordRun::new(&args)?;

    let inputs = Inputs::load(&InputPaths {
        answers: Some(args.answers),
        workload: args.workload,
        rules: args.data.rules,
        pricing: args.data.pricing,
        templates: args.templates,
        price_book: args.price_book,
    })?;
    let report = report::build(&inputs).map_err(AppError::Failure)?;
    let report = record.apply(report, &inputs);
    let text = render::render(&report, args.format, &inputs.templates)
        .map_err(|d| AppError::Failure(d.message))?;
    let result = record.finish(&report, text);
    // The process ends right after this; freeing every table, rule and template one by one
    // would only delay the exit (it was a tenth of the run). The OS reclaims it at once.
    std::mem::forget(inputs);
    std::mem::forget(report);
    result
}

fn cost(args: CostArgs) -> Result<String, AppError> {
    let growth = args
        .growth
        .as_deref()
        .map(Growth::parse)
        .transpose()
        .map_err(|e| AppError::Input(Diagnostic::plain(format!("--growth: {e}")).into()))?;
    let sweep_spec = args
        .sweep
        .as_deref()
        .map(|s| SweepSpec::parse(s, args.steps))
        .transpose()
        .map_err(|e| AppError::Input(Diagnostic::plain(format!("--sweep: {e}")).into()))?;
    let skip_eliminated = args.answers.is_some();
    let inputs = Inputs::load(&InputPaths {
        answers: args.answers,
        workload: Some(args.workload),
        rules: args.data.rules,
        pricing: args.data.pricing,
        templates: args.templates,
        price_book: args.price_book,
    })?;
    check_routes(&inputs, &args.routes)?;
    let options = ProjectionOptions {
        routes: args.routes,
        months: args.months,
        growth: growth.map(|g| g.0),
        skip_eliminated,
    };
    let projection = project(&inputs, &options).map_err(AppError::Failure)?;
    let text = match sweep_spec {
        Some(spec) => {
            let ids: Vec<String> = projection.routes.iter().map(|r| r.id.clone()).collect();
            let result = sweep(&inputs, &spec, &ids, projection.assumptions.clone())
                .map_err(AppError::Failure)?;
            match args.format {
                CostFormat::Csv => to_csv(&result).map_err(AppError::Failure)?,
                CostFormat::Json => {
                    render_projection::json(&result).map_err(|d| AppError::Failure(d.message))?
                }
                CostFormat::Table | CostFormat::Markdown => render_projection::sweep_table(&result),
            }
        }
        None => render_projection::render(&projection, args.format, &inputs.templates)
            .map_err(|d| AppError::Failure(d.message))?,
    };
    write_output(text, args.output)
}

/// Every `--route` must name a route of the catalogue.
fn check_routes(inputs: &Inputs, routes: &[String]) -> Result<(), AppError> {
    let known: Vec<&str> = inputs
        .catalogue
        .routes
        .iter()
        .map(|r| r.item.id.as_str())
        .collect();
    for id in routes {
        if !known.contains(&id.as_str()) {
            return Err(AppError::Input(
                Diagnostic::plain(format!("--route: unknown route `{id}`"))
                    .with_help(format!("known routes: {}", known.join(", ")))
                    .into(),
            ));
        }
    }
    Ok(())
}

fn replay_usage(args: ReplayArgs) -> Result<String, AppError> {
    let skip_eliminated = args.answers.is_some();
    let inputs = Inputs::load(&InputPaths {
        answers: args.answers,
        workload: None,
        rules: args.data.rules,
        pricing: args.data.pricing,
        templates: args.templates,
        price_book: args.price_book,
    })?;
    check_routes(&inputs, &args.routes)?;
    let known = inputs.prices.model_ids();
    let (totals, format) = replay::read(&args.usage, &known, args.skip_bad_rows)?;
    let options = replay::ReplayOptions {
        skip_bad_rows: args.skip_bad_rows,
        routes: args.routes,
        skip_eliminated,
    };
    let result = replay::replay(
        &inputs,
        &totals,
        &args.usage.display().to_string(),
        format,
        &options,
    )
    .map_err(AppError::Failure)?;
    let text = render_replay::render(&result, args.format, &inputs.templates)
        .map_err(|d| AppError::Failure(d.message))?;
    write_output(text, args.output)
}

/// Writes to `--output` when given (printing nothing), else returns the text for stdout.
fn write_output(text: String, output: Option<std::path::PathBuf>) -> Result<String, AppError> {
    match output {
        Some(path) => {
            std::fs::write(&path, text)
                .map_err(|e| AppError::Failure(format!("cannot write {}: {e}", path.display())))?;
            Ok(String::new())
        }
        None => Ok(text),
    }
}

fn validate(args: ValidateArgs) -> Result<String, AppError> {
    let inputs = Inputs::load(&InputPaths {
        answers: args.answers,
        workload: args.workload,
        rules: args.data.rules,
        pricing: args.data.pricing,
        templates: args.templates,
        price_book: args.price_book,
    })?;
    Ok(format!(
        "ok: {} questions, {} routes, {} rules, {} pricing tables ({} models){}{}\n",
        inputs.catalogue.questions.len(),
        inputs.catalogue.routes.len(),
        inputs.rules.rules.len(),
        inputs.prices.tables.len(),
        inputs.prices.model_ids().len(),
        if inputs.answers.given.is_empty() {
            ""
        } else {
            ", answers"
        },
        if inputs.workload.is_some() {
            ", workload"
        } else {
            ""
        },
    ))
}

fn load_catalogue(args: &DataArgs) -> Result<(Catalogue, Prices), AppError> {
    let catalogue = Catalogue::load(args.rules.as_deref())?;
    let prices = Prices::load(
        args.pricing.as_deref(),
        &catalogue.vocabulary("model_families"),
    )?;
    Ok((catalogue, prices))
}

fn routes(args: &DataArgs) -> Result<String, AppError> {
    let (catalogue, _) = load_catalogue(args)?;
    let list = |items: &[String]| {
        if items.is_empty() {
            "-".to_string()
        } else {
            items.join(",")
        }
    };
    let rows: Vec<Vec<String>> = catalogue
        .routes
        .iter()
        .map(|located| {
            let r = &located.item;
            let residency = match (r.residency.is_empty(), r.region_pinning) {
                (true, _) => "global".to_string(),
                (false, true) => format!("{} (region)", list(&r.residency)),
                (false, false) => list(&r.residency),
            };
            vec![
                r.id.clone(),
                json_word(&r.platform),
                list(&r.auth),
                residency,
                list(&r.compliance),
                json_word(&r.billing),
                list(&catalogue.families_of(r)),
                list(&r.features),
            ]
        })
        .collect();
    Ok(text_table(
        &[
            "id",
            "platform",
            "auth",
            "residency",
            "compliance",
            "billing",
            "families",
            "features",
        ],
        &rows,
    ))
}

fn questions(args: &DataArgs) -> Result<String, AppError> {
    let (catalogue, _) = load_catalogue(args)?;
    let mut out = String::new();
    for q in &catalogue.questions {
        let kind = match q.kind {
            QuestionKind::Choice => "one of",
            QuestionKind::List => "a list of",
            QuestionKind::Bool => "true or false",
        };
        out.push_str(&format!(
            "{}  ({kind}; default: {})\n    {}\n",
            q.id, q.default, q.prompt
        ));
        for choice in &q.choices {
            out.push_str(&format!("    - {}: {}\n", choice.value, choice.label));
        }
        out.push('\n');
    }
    Ok(out)
}

fn schema_of(kind: SchemaKind) -> Result<String, AppError> {
    let value = match kind {
        SchemaKind::Answers => {
            let catalogue = Catalogue::load(None)?;
            schema::answers_schema(&catalogue.questions)
        }
        SchemaKind::Workload => schema::of::<crate::model::workload::Workload>(),
        SchemaKind::Rules => schema::of::<crate::data::catalogue::RulesDirFile>(),
        SchemaKind::Pricing => schema::of::<crate::model::pricing::PricingTable>(),
        SchemaKind::PriceBook => schema::of::<crate::data::price_book::PriceBookFile>(),
    };
    serde_json::to_string_pretty(&value)
        .map(|s| s + "\n")
        .map_err(|e| AppError::Failure(e.to_string()))
}

/// A serde enum's wire name, such as `aws` or `days_to_weeks`.
fn json_word<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}
