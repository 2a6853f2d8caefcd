//! The decision-record side of `routewise advise`: the record's date, the command that
//! regenerates the output, the pricing-age check, `--check` and the stale-pricing gate,
//! applied to the report once it is built. Also the date sources `diff` shares.

use anyhow::Context;
use std::path::{Path, PathBuf};

use clap::ValueEnum;

use crate::cli::{AdviseArgs, AdviseGate, RecordArgs};
use crate::commands::{AppError, input_paths, load_with_templates};
use crate::data::inputs::Inputs;
use crate::outputs::advice::record::{self, RunOptions};
use crate::outputs::advice::render;
use crate::outputs::advice::report::Report;
use crate::outputs::formats::ReportFormat;
use crate::support::date::Date;
use crate::support::diagnostic::{Code, Diagnostic};

pub fn run(args: AdviseArgs) -> Result<String, AppError> {
    // Dates, the regenerate command, --check and the stale-pricing gate.
    let mut record = RecordRun::new(&args)?;

    let (inputs, templates) = load_with_templates(
        &input_paths(
            Some(args.answers),
            args.workload,
            &args.data,
            args.price_book,
        ),
        args.templates.as_deref(),
    )?;
    let report = crate::outputs::advice::advise(&inputs).map_err(AppError::failure)?;
    let report = record.apply(report, &inputs);
    let text = match args.format {
        // The page also charts a projection and a sweep, which need the inputs.
        ReportFormat::Html => crate::outputs::advice::html::render(&report, &inputs, &templates),
        format => render::render(&report, format, &templates),
    }?;
    record.finish(&report, text)
}

/// What `advise` needs from its arguments after the inputs are loaded.
pub struct RecordRun {
    output: Option<PathBuf>,
    check: bool,
    fail_on: Vec<AdviseGate>,
    record: RecordArgs,
    epoch: Option<Date>,
    today: Option<Date>,
    /// The command line up to `--format`; dates and `--output` are added once known.
    command: Vec<String>,
    /// What `apply` decided, for `finish`.
    options: RunOptions,
}

impl RecordRun {
    /// Reads the date sources before anything is loaded, so a bad `SOURCE_DATE_EPOCH` or a
    /// missing `--today` is reported first.
    pub fn new(args: &AdviseArgs) -> Result<RecordRun, AppError> {
        let epoch = source_date_epoch()?;
        let today = measuring_date(&args.record, epoch)?;
        let mut command: Vec<String> = vec!["routewise".into(), "advise".into()];
        let mut flag = |name: &str, value: &Path| {
            command.push(format!("--{name}"));
            command.push(value.display().to_string());
        };
        flag("answers", &args.answers);
        for (name, path) in [
            ("workload", &args.workload),
            ("rules", &args.data.rules),
            ("pricing", &args.data.pricing),
            ("templates", &args.templates),
            ("price-book", &args.price_book),
        ] {
            if let Some(path) = path {
                flag(name, path);
            }
        }
        if let Some(name) = args.format.to_possible_value() {
            command.extend(["--format".to_owned(), name.get_name().to_owned()]);
        }
        Ok(RecordRun {
            output: args.output.clone(),
            check: args.check,
            fail_on: args.fail_on.clone(),
            record: args.record.clone(),
            epoch,
            today,
            command,
            options: RunOptions::default(),
        })
    }

    /// Dates the report, adds the regenerate command and checks pricing ages.
    pub fn apply(&mut self, mut report: Report, inputs: &Inputs) -> Report {
        // The answers file's own date wins over SOURCE_DATE_EPOCH, but not over --date.
        let date = self.record.date.or(match inputs.answers.decision.date {
            Some(_) => None,
            None => self.epoch,
        });
        let options = RunOptions {
            date,
            today: self.today,
            max_pricing_age: self.record.max_pricing_age,
            command: Some(self.command_line(date)),
        };
        record::apply(&mut report, &options);
        self.options = options;
        report
    }

    /// Writes or checks the rendered report, then applies the stale-pricing gate.
    pub fn finish(&self, report: &Report, text: String) -> Result<String, AppError> {
        let output = match &self.output {
            Some(path) if self.check => check_file(path, &text, &self.options)?,
            Some(path) => {
                std::fs::write(path, &text)
                    .with_context(|| format!("cannot write {}", path.display()))
                    .map_err(AppError::failure)?;
                String::new()
            }
            None => text,
        };
        if self.fail_on.contains(&AdviseGate::StalePricing) && record::has_stale_pricing(report) {
            return Err(AppError::Checks {
                output,
                message: format!(
                    "gate tripped: {0}: a pricing table used by a viable route is more than {1} days old (see the `{0}` warnings)",
                    record::STALE_PRICING,
                    self.record.max_pricing_age.unwrap_or_default(),
                ),
            });
        }
        Ok(output)
    }

    /// The command line that regenerates this exact output: input paths as given, and every
    /// date spelled out so neither the clock nor the environment is needed again.
    fn command_line(&self, date: Option<Date>) -> String {
        let mut words = self.command.clone();
        if let Some(d) = date {
            words.extend(["--date".to_owned(), d.to_string()]);
        }
        if let (Some(days), Some(today)) = (self.record.max_pricing_age, self.today) {
            words.extend([
                "--max-pricing-age".to_owned(),
                days.to_string(),
                "--today".to_owned(),
                today.to_string(),
            ]);
        }
        if let Some(path) = &self.output {
            words.extend(["--output".to_owned(), path.display().to_string()]);
        }
        words
            .iter()
            .map(|w| crate::support::shell::shell_word(w))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// `--check`: the file must hold exactly what would be written.
fn check_file(path: &Path, text: &str, options: &RunOptions) -> Result<String, AppError> {
    let regenerate = options.command.clone().unwrap_or_default();
    match std::fs::read(path) {
        Ok(existing) if existing == text.as_bytes() => {
            Ok(format!("{} is up to date\n", path.display()))
        }
        Ok(_) => Err(AppError::Failure(anyhow::anyhow!(
            "{} is out of date; regenerate it with:\n    {regenerate}",
            path.display()
        ))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(AppError::Failure(anyhow::anyhow!(
                "{} does not exist; generate it with:\n    {regenerate}",
                path.display()
            )))
        }
        Err(e) => Err(AppError::Failure(anyhow::anyhow!(
            "cannot read {}: {e}",
            path.display()
        ))),
    }
}

/// `SOURCE_DATE_EPOCH` as a date; a malformed value is an input error.
pub fn source_date_epoch() -> Result<Option<Date>, AppError> {
    match std::env::var(crate::support::date::SOURCE_DATE_EPOCH) {
        Ok(value) => Date::from_source_date_epoch(&value)
            .map_err(|e| AppError::Input(Diagnostic::plain(Code::EnvInvalidEpoch, e).into())),
        Err(_) => Ok(None),
    }
}

/// The date pricing ages are measured to; required when an age limit is set.
pub fn measuring_date(args: &RecordArgs, epoch: Option<Date>) -> Result<Option<Date>, AppError> {
    let today = args.today.or(epoch);
    if args.max_pricing_age.is_some() && today.is_none() {
        return Err(Diagnostic::plain(
            Code::ArgMissingDate,
            "--max-pricing-age needs a date to measure ages to: pass --today YYYY-MM-DD or set SOURCE_DATE_EPOCH",
        )
        .into());
    }
    Ok(today)
}
