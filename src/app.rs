//! The commands: each takes parsed arguments and returns its output or a typed error that
//! `main` maps to an exit code.

use std::fmt;
use std::path::Path;

use clap::ValueEnum;

use crate::catalogue::Catalogue;
use crate::cli::{
    AdviseArgs, AdviseGate, Cli, Command, DataArgs, RecordArgs, SchemaKind, ValidateArgs,
};
use crate::date::Date;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::inputs::{InputPaths, Inputs};
use crate::model::question::QuestionKind;
use crate::prices::Prices;
use crate::record::{self, RunOptions};
use crate::table::text_table;
use crate::{commands, render, report, schema};

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
        Command::Validate(args) => validate(args),
        Command::Routes(args) => routes(&args),
        Command::Questions(args) => questions(&args),
        Command::Schema { kind } => schema_of(kind),
        Command::Diff(args) => commands::diff::run(args),
        Command::Test(args) => commands::test::run(args),
        Command::Explain(args) => commands::explain::run(args),
        Command::Rules(args) => commands::rules::run(args),
    }
}

fn advise(args: AdviseArgs) -> Result<String, AppError> {
    let epoch = source_date_epoch()?;
    let today = measuring_date(&args.record, epoch)?;
    let inputs = Inputs::load(&InputPaths {
        answers: Some(args.answers.clone()),
        workload: args.workload.clone(),
        rules: args.data.rules.clone(),
        pricing: args.data.pricing.clone(),
        templates: args.templates.clone(),
    })?;
    let mut report = report::build(&inputs).map_err(AppError::Failure)?;
    // The answers file's own date wins over SOURCE_DATE_EPOCH, but not over --date.
    let date = args.record.date.or(match inputs.answers.decision.date {
        Some(_) => None,
        None => epoch,
    });
    let options = RunOptions {
        date,
        today,
        max_pricing_age: args.record.max_pricing_age,
        command: Some(advise_command(&args, date, today)),
    };
    record::apply(&mut report, &options);
    let text = render::render(&report, args.format, &inputs.templates)
        .map_err(|d| AppError::Failure(d.message))?;
    let output = match &args.output {
        Some(path) if args.check => check_file(path, &text, &options)?,
        Some(path) => {
            std::fs::write(path, &text)
                .map_err(|e| AppError::Failure(format!("cannot write {}: {e}", path.display())))?;
            String::new()
        }
        None => text,
    };
    if args.fail_on.contains(&AdviseGate::StalePricing) && record::has_stale_pricing(&report) {
        return Err(AppError::Checks {
            output,
            message: format!(
                "gate tripped: {}: a pricing table used by a viable route is more than {} days old (see the `{}` warnings)",
                record::STALE_PRICING,
                args.record.max_pricing_age.unwrap_or_default(),
                record::STALE_PRICING
            ),
        });
    }
    Ok(output)
}

/// `--check`: the file must hold exactly what would be written.
fn check_file(path: &Path, text: &str, options: &RunOptions) -> Result<String, AppError> {
    let regenerate = options.command.clone().unwrap_or_default();
    match std::fs::read(path) {
        Ok(existing) if existing == text.as_bytes() => {
            Ok(format!("{} is up to date\n", path.display()))
        }
        Ok(_) => Err(AppError::Failure(format!(
            "{} is out of date; regenerate it with:\n    {regenerate}",
            path.display()
        ))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(AppError::Failure(format!(
            "{} does not exist; generate it with:\n    {regenerate}",
            path.display()
        ))),
        Err(e) => Err(AppError::Failure(format!(
            "cannot read {}: {e}",
            path.display()
        ))),
    }
}

/// The `advise` command line that regenerates this exact output: input paths as given,
/// and every date spelled out so neither the clock nor the environment is needed again.
fn advise_command(args: &AdviseArgs, date: Option<Date>, today: Option<Date>) -> String {
    let mut words: Vec<String> = vec!["routewise".into(), "advise".into()];
    let mut flag = |name: &str, value: String| {
        words.push(format!("--{name}"));
        words.push(value);
    };
    let path = |p: &Path| p.display().to_string();
    flag("answers", path(&args.answers));
    if let Some(p) = &args.workload {
        flag("workload", path(p));
    }
    if let Some(p) = &args.data.rules {
        flag("rules", path(p));
    }
    if let Some(p) = &args.data.pricing {
        flag("pricing", path(p));
    }
    if let Some(p) = &args.templates {
        flag("templates", path(p));
    }
    if let Some(name) = args.format.to_possible_value() {
        flag("format", name.get_name().to_owned());
    }
    if let Some(d) = date {
        flag("date", d.to_string());
    }
    if let (Some(days), Some(today)) = (args.record.max_pricing_age, today) {
        flag("max-pricing-age", days.to_string());
        flag("today", today.to_string());
    }
    if let Some(p) = &args.output {
        flag("output", path(p));
    }
    words
        .iter()
        .map(|w| record::shell_word(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `SOURCE_DATE_EPOCH` as a date; a malformed value is an input error.
pub fn source_date_epoch() -> Result<Option<Date>, AppError> {
    match std::env::var(crate::date::SOURCE_DATE_EPOCH) {
        Ok(value) => Date::from_source_date_epoch(&value)
            .map_err(|e| AppError::Input(Diagnostic::plain(e).into())),
        Err(_) => Ok(None),
    }
}

/// The date pricing ages are measured to; required when an age limit is set.
pub fn measuring_date(args: &RecordArgs, epoch: Option<Date>) -> Result<Option<Date>, AppError> {
    let today = args.today.or(epoch);
    if args.max_pricing_age.is_some() && today.is_none() {
        return Err(Diagnostic::plain(
            "--max-pricing-age needs a date to measure ages to: pass --today YYYY-MM-DD or set SOURCE_DATE_EPOCH",
        )
        .into());
    }
    Ok(today)
}

fn validate(args: ValidateArgs) -> Result<String, AppError> {
    let inputs = Inputs::load(&InputPaths {
        answers: args.answers,
        workload: args.workload,
        rules: args.data.rules,
        pricing: args.data.pricing,
        templates: args.templates,
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
        SchemaKind::Rules => schema::of::<crate::catalogue::RulesDirFile>(),
        SchemaKind::Pricing => schema::of::<crate::model::pricing::PricingTable>(),
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
