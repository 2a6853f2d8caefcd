//! `routewise ask`: the questionnaire answered in the terminal, one prompt per question of
//! the loaded question data (so a team's own questions from `--rules DIR` are asked too),
//! then a commented answers file and the recommendation.
//!
//! Prompts are drawn on standard error by `inquire`; standard output carries only the
//! closing summary, so it can be piped.

use std::collections::BTreeMap;
use std::fmt;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use inquire::{Confirm, InquireError, MultiSelect, Select, Text};

use crate::cli::AskArgs;
use crate::commands::AppError;
use crate::data::answers::yes_no;
use crate::data::catalogue::Catalogue;
use crate::data::inputs::{InputPaths, Inputs};
use crate::model::answers::Answer;
use crate::model::question::{Question, QuestionKind};
use crate::outputs::answers_file;
use crate::support::diagnostic::{Code, Diagnostic};

pub fn run(args: AskArgs) -> Result<String, AppError> {
    if !std::io::stdin().is_terminal() {
        return Err(Diagnostic::plain(
            Code::AskNoTerminal,
            "`routewise ask` needs a terminal on standard input to ask its questions",
        )
        .with_help(
            "to answer in an editor instead, run `routewise questions --format yaml > answers.yaml`, \
             edit the file, then `routewise advise --answers answers.yaml`",
        )
        .into());
    }
    // Pre-filled answers go through the same checks as `advise`, so a bad file is refused
    // with its line and column before any question is asked.
    let (questions, mut answered) = match &args.answers {
        Some(path) => {
            let inputs = Inputs::load(&InputPaths {
                answers: Some(path.clone()),
                rules: args.data.rules.clone(),
                pricing: args.data.pricing.clone(),
                ..InputPaths::default()
            })?;
            let given: BTreeMap<String, Answer> = inputs
                .answers
                .given
                .iter()
                .filter_map(|id| Some((id.clone(), inputs.answers.get(id)?.clone())))
                .collect();
            (inputs.catalogue.questions.clone(), given)
        }
        None => (
            Catalogue::load(args.data.rules.as_deref())?.questions,
            BTreeMap::new(),
        ),
    };

    eprintln!(
        "{} questions. Arrow keys move, space ticks a list item, typing filters, enter answers;\n\
         esc skips a question (it keeps its pre-filled answer or its default, \"no requirement\");\n\
         ctrl-c quits without writing anything.\n",
        questions.len()
    );
    for (n, q) in questions.iter().enumerate() {
        let current = answered.get(&q.id).cloned();
        match ask_one(q, n + 1, questions.len(), current.as_ref()).map_err(interrupted)? {
            Some(answer) => {
                answered.insert(q.id.clone(), answer);
            }
            None => {
                // Skipped: a pre-filled answer stays, otherwise the question stays unanswered.
            }
        }
    }

    let Some(path) = choose_output(&args.output).map_err(interrupted)? else {
        return Err(AppError::failure(anyhow::anyhow!(
            "nothing written: {} exists and was kept",
            args.output.display()
        )));
    };
    let text = answers_file::render(&questions, &answered);
    std::fs::write(&path, text).map_err(|e| {
        AppError::failure(anyhow::Error::new(e).context(format!("cannot write {}", path.display())))
    })?;
    summary(&args, &path, answered.len(), questions.len())
}

/// One question's prompt; `Ok(None)` when skipped with esc.
fn ask_one(
    q: &Question,
    n: usize,
    total: usize,
    current: Option<&Answer>,
) -> Result<Option<Answer>, InquireError> {
    let message = format!("[{n}/{total}] {}", q.prompt);
    let help = help_text(q);
    match q.kind {
        QuestionKind::Choice => {
            let options = options_of(q);
            let selected = match current {
                Some(Answer::Choice(value)) => Some(value.as_str()),
                _ => q.default.as_str(),
            };
            let cursor = selected
                .and_then(|v| options.iter().position(|o| o.value == v))
                .unwrap_or(0);
            Ok(Select::new(&message, options)
                .with_help_message(&help)
                .with_starting_cursor(cursor)
                .with_page_size(10)
                .prompt_skippable()?
                .map(|o| Answer::Choice(o.value)))
        }
        QuestionKind::List => {
            let options = options_of(q);
            let ticked: Vec<String> = match current {
                Some(Answer::List(items)) => items.clone(),
                _ => default_list(q),
            };
            let defaults: Vec<usize> = options
                .iter()
                .enumerate()
                .filter(|(_, o)| ticked.contains(&o.value))
                .map(|(i, _)| i)
                .collect();
            Ok(MultiSelect::new(&message, options)
                .with_help_message(&help)
                .with_default(&defaults)
                .with_page_size(10)
                .prompt_skippable()?
                .map(|chosen| {
                    let mut values: Vec<String> = chosen.into_iter().map(|o| o.value).collect();
                    values.sort();
                    Answer::List(values)
                }))
        }
        QuestionKind::Bool => {
            let default = match current {
                Some(Answer::Bool(b)) => *b,
                _ => q.default.as_bool().unwrap_or(false),
            };
            Ok(Confirm::new(&message)
                .with_help_message(&help)
                .with_default(default)
                .with_parser(&|text| yes_no(text).ok_or(()))
                .with_error_message("type y or n (yes or no)")
                .prompt_skippable()?
                .map(Answer::Bool))
        }
    }
}

/// The "why this matters" text and the default, under every prompt.
fn help_text(q: &Question) -> String {
    let default = match &q.default {
        serde_json::Value::Array(items) if items.is_empty() => "none".to_string(),
        serde_json::Value::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match &q.help {
        Some(help) => format!("{help} (default: {default})"),
        None => format!("default: {default}"),
    }
}

fn default_list(q: &Question) -> Vec<String> {
    q.default
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// A choice as the prompt lists it: the value to type or filter by, and its label.
struct ChoiceOption {
    value: String,
    label: String,
}

impl fmt::Display for ChoiceOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} - {}", self.value, self.label)
    }
}

fn options_of(q: &Question) -> Vec<ChoiceOption> {
    q.choices
        .iter()
        .map(|c| ChoiceOption {
            value: c.value.clone(),
            label: c.label.clone(),
        })
        .collect()
}

/// The file to write: `wanted`, or when it exists and the user will not overwrite it,
/// another name they type; `None` when they give none.
fn choose_output(wanted: &Path) -> Result<Option<PathBuf>, InquireError> {
    let mut path = wanted.to_path_buf();
    loop {
        if !path.exists() {
            return Ok(Some(path));
        }
        let question = format!("{} exists. Overwrite it?", path.display());
        if Confirm::new(&question).with_default(false).prompt()? {
            return Ok(Some(path));
        }
        let other =
            Text::new("Write the answers to which file instead? (empty keeps nothing)").prompt()?;
        if other.trim().is_empty() {
            return Ok(None);
        }
        path = PathBuf::from(other.trim());
    }
}

/// Ctrl-C ends the command with nothing written (exit 130, as for SIGINT).
fn interrupted(error: InquireError) -> AppError {
    match error {
        InquireError::OperationInterrupted => AppError::Interrupted,
        other => AppError::failure(anyhow::Error::new(other).context("the questionnaire stopped")),
    }
}

/// What the answers give: the recommended route in words, and what to run next.
fn summary(args: &AskArgs, path: &Path, answered: usize, total: usize) -> Result<String, AppError> {
    let inputs = Inputs::load(&InputPaths {
        answers: Some(path.to_path_buf()),
        workload: args.workload.clone(),
        rules: args.data.rules.clone(),
        pricing: args.data.pricing.clone(),
        ..InputPaths::default()
    })?;
    let report = crate::outputs::advice::advise(&inputs).map_err(AppError::failure)?;
    let mut out = format!(
        "Wrote {} ({answered} of {total} questions answered; the others take their defaults).\n\n",
        path.display()
    );
    match (&report.recommendation.name, &report.recommendation.route) {
        (Some(name), Some(id)) => out.push_str(&format!("Recommended route: {name} ({id})\n")),
        _ => out.push_str("No route satisfies every hard constraint.\n"),
    }
    out.push_str(&report.recommendation.summary);
    out.push_str("\n\nThe full report: routewise advise --answers ");
    out.push_str(&path.display().to_string());
    if let Some(workload) = &args.workload {
        out.push_str(&format!(" --workload {}", workload.display()));
    }
    out.push('\n');
    Ok(out)
}
