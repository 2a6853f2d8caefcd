//! The decision-record side of `routewise advise`: the record's date, the command that
//! regenerates the output, the pricing-age check, `--check`, `--supersede` and the
//! stale-pricing gate, applied to the report once it is built. Also the date sources `diff`
//! shares.

use anyhow::Context;
use std::path::{Path, PathBuf};

use clap::ValueEnum;

use crate::cli::{AdviseArgs, AdviseGate, Format, RecordArgs};
use crate::commands::{AppError, input_paths, load_with_templates};
use crate::data::inputs::Inputs;
use crate::outputs::advice::record::{self, RunOptions};
use crate::outputs::advice::render;
use crate::outputs::advice::report::Report;
use crate::outputs::advice::supersede::{self, Record};
use crate::outputs::formats::ReportFormat;
use crate::outputs::templates::Templates;
use crate::support::date::Date;
use crate::support::diagnostic::{Code, Diagnostic};
use crate::support::path::normalize;
use crate::support::text_diff::unified;

pub fn run(args: AdviseArgs) -> Result<String, AppError> {
    if args.supersede.is_some() && args.format != Format::Madr {
        return Err(Diagnostic::plain(
            Code::ArgConflict,
            "--supersede keeps decision records: it needs --format madr",
        )
        .into());
    }
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
    let report =
        crate::outputs::advice::advise(&inputs).map_err(crate::commands::evaluation_error)?;
    let report = record.apply(report, &inputs);
    if let Some(dir) = &args.supersede {
        let output = record.supersede(dir, report.clone(), &templates)?;
        return record.gate(&report, output);
    }
    let text = match args.format {
        // The page also charts a projection and a sweep, which need the inputs.
        ReportFormat::Html => crate::outputs::advice::html::render(&report, &inputs, &templates),
        format => render::render(&report, format, &templates),
    }
    .map_err(crate::commands::render_error)?;
    record.finish(&report, text)
}

/// What `advise` needs from its arguments after the inputs are loaded.
pub struct RecordRun {
    output: Option<PathBuf>,
    supersede: Option<PathBuf>,
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
        // Paths as given, in one spelling: `./a/../b.yaml` records as `b.yaml`.
        let mut flag = |name: &str, value: &Path| {
            command.push(format!("--{name}"));
            command.push(normalize(value).display().to_string());
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
            supersede: args.supersede.clone(),
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
        self.gate(report, output)
    }

    /// The stale-pricing gate, once the output is written or checked.
    fn gate(&self, report: &Report, output: String) -> Result<String, AppError> {
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
            words.extend(["--output".to_owned(), normalize(path).display().to_string()]);
        }
        if let Some(dir) = &self.supersede {
            words.extend([
                "--supersede".to_owned(),
                normalize(dir).display().to_string(),
            ]);
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
        Ok(existing) => Err(AppError::Failure(anyhow::anyhow!(
            "{} is out of date; regenerate it with:\n    {regenerate}\n{}",
            path.display(),
            what_differs(path, &String::from_utf8_lossy(&existing), text)
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

/// The unified diff from the file to what routewise would write, introduced.
fn what_differs(path: &Path, existing: &str, text: &str) -> String {
    let name = path.display().to_string();
    format!(
        "what differs (- the file, + what routewise writes):\n{}",
        unified(existing, text, &name, &format!("{name} (regenerated)"))
    )
}

impl RecordRun {
    /// `--supersede DIR`: the newest record stays when the decision is unchanged; otherwise
    /// the next one is written, the newest marked superseded, and the index rewritten. With
    /// `--check`, nothing is written and a changed decision fails.
    fn supersede(
        &self,
        dir: &Path,
        mut report: Report,
        templates: &Templates,
    ) -> Result<String, AppError> {
        let records = read_records(dir)?;
        let latest = records.last();
        let before_latest = latest.and_then(|_| records.iter().rev().nth(1));
        let render = |report: &Report| {
            render::render(report, Format::Madr, templates).map_err(crate::commands::render_error)
        };
        let index_path = dir.join(supersede::INDEX);
        let index_now = std::fs::read_to_string(&index_path).ok();
        let regenerate = self.options.command.clone().unwrap_or_default();

        // The newest record as it would be written now, superseding the one before it.
        if let Some(latest) = latest {
            report.record.supersedes = before_latest.map(supersede::supersedes_line);
            let current = render(&report)?;
            if current == latest.text {
                let index = supersede::index(&records);
                let path = dir.join(&latest.file);
                if index_now.as_deref() == Some(index.as_str()) {
                    return Ok(format!("{} is up to date\n", path.display()));
                }
                if self.check {
                    return Err(AppError::Failure(anyhow::anyhow!(
                        "{} is out of date; rewrite it with:\n    {regenerate}\n{}",
                        index_path.display(),
                        what_differs(&index_path, index_now.as_deref().unwrap_or(""), &index)
                    )));
                }
                write(&index_path, &index)?;
                return Ok(format!(
                    "{} is up to date; rewrote {}\n",
                    path.display(),
                    index_path.display()
                ));
            }
            if self.check {
                let path = dir.join(&latest.file);
                return Err(AppError::Failure(anyhow::anyhow!(
                    "{} does not match its inputs: the decision changed; record it as {:04}, superseding {:04}, with:\n    {regenerate}\n{}",
                    path.display(),
                    latest.number + 1,
                    latest.number,
                    what_differs(&path, &latest.text, &current)
                )));
            }
        } else if self.check {
            return Err(AppError::Failure(anyhow::anyhow!(
                "{} holds no decision record; write the first with:\n    {regenerate}",
                dir.display()
            )));
        }

        // A new record, superseding the newest.
        let number = latest.map_or(1, |r| r.number + 1);
        report.record.supersedes = latest.map(supersede::supersedes_line);
        let new = Record {
            number,
            file: supersede::file_name(number),
            text: render(&report)?,
        };
        std::fs::create_dir_all(dir).map_err(|e| {
            AppError::Failure(anyhow::anyhow!("cannot create {}: {e}", dir.display()))
        })?;
        let mut records = records.clone();
        let mut message = format!("wrote {}", dir.join(&new.file).display());
        if let Some(last) = records.last_mut() {
            last.text = supersede::mark_superseded(&last.text, number);
            write(&dir.join(&last.file), &last.text)?;
            message.push_str(&format!(
                "; marked {} superseded by {number:04}",
                dir.join(&last.file).display()
            ));
        }
        write(&dir.join(&new.file), &new.text)?;
        records.push(new);
        write(&index_path, &supersede::index(&records))?;
        message.push_str(&format!("; rewrote {}\n", index_path.display()));
        Ok(message)
    }
}

/// The numbered records of a directory, oldest first; a missing directory holds none.
fn read_records(dir: &Path) -> Result<Vec<Record>, AppError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(AppError::Failure(anyhow::anyhow!(
                "cannot read the directory {}: {e}",
                dir.display()
            )));
        }
    };
    let mut records = Vec::new();
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(number) = supersede::number_of(&file) else {
            continue;
        };
        let text = std::fs::read_to_string(entry.path()).map_err(|e| {
            AppError::Failure(anyhow::anyhow!(
                "cannot read {}: {e}",
                entry.path().display()
            ))
        })?;
        if let Some(other) = records.iter().find(|r: &&Record| r.number == number) {
            return Err(Diagnostic::plain(
                Code::RecordDuplicateNumber,
                format!(
                    "{}: two records are numbered {number:04}: {} and {file}",
                    dir.display(),
                    other.file
                ),
            )
            .into());
        }
        records.push(Record { number, file, text });
    }
    records.sort_by_key(|r| r.number);
    Ok(records)
}

fn write(path: &Path, text: &str) -> Result<(), AppError> {
    std::fs::write(path, text)
        .map_err(|e| AppError::Failure(anyhow::anyhow!("cannot write {}: {e}", path.display())))
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
