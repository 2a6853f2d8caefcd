//! The commands, one file each: the only code that reads files named on the command line,
//! the environment or writes to standard output. Each takes parsed arguments and returns its
//! output or a typed error that `main` maps to an exit code.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::cli::{Cli, Command};
use crate::data::inputs::{InputPaths, Inputs};
use crate::outputs::templates::Templates;
use crate::support::diagnostic::{Diagnostic, Diagnostics};
use crate::support::suggest::closest;

pub mod adopt;
pub mod advise;
pub mod ask;
pub mod completions;
pub mod cost;
pub mod diff;
pub mod explain;
pub mod models;
pub mod prices;
pub mod questions;
pub mod replay;
pub mod routes;
pub mod rules;
pub mod schema;
pub mod test;
pub mod validate;

/// A rule that failed while it ran (out of fuel, too deep) is bad input: exit 2.
pub fn evaluation_error(message: String) -> AppError {
    let code = crate::data::rule_set::EVALUATION_CODES
        .iter()
        .find(|c| message.starts_with(&format!("[{c}] ")));
    match code {
        Some(code) => AppError::Input(
            Diagnostic::plain(message[code.len() + 3..].to_owned())
                .with_code(code)
                .into(),
        ),
        None => AppError::Failure(message),
    }
}

/// A user's template that fails to render is bad input (exit 2); an embedded one failing
/// is an internal error (exit 1).
pub fn render_error(d: Diagnostic) -> AppError {
    if d.file.is_empty() || d.file.starts_with("<embedded>") {
        AppError::Failure(d.to_string())
    } else {
        AppError::Input(d.into())
    }
}

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
    /// The user pressed Ctrl-C in an interactive prompt: nothing was written; exit code 130.
    Interrupted,
}

impl AppError {
    pub fn exit_code(&self) -> u8 {
        match self {
            AppError::Input(_) => 2,
            AppError::Failure(_) | AppError::Checks { .. } => 1,
            AppError::Interrupted => 130,
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
            AppError::Interrupted => write!(f, "interrupted: nothing was written"),
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
        Command::Advise(args) => advise::run(args),
        Command::Cost(args) => cost::run(args),
        Command::Replay(args) => replay::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Routes(args) => routes::run(&args),
        Command::Ask(args) => ask::run(args),
        Command::Questions(args) => questions::run(&args.data, args.format),
        Command::Models(args) => models::run(&args),
        Command::Schema { kind } => schema::run(kind),
        Command::Diff(args) => diff::run(args),
        Command::Test(args) => test::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Adopt(args) => adopt::run(args),
        Command::Rules(args) => rules::run(args),
        Command::Completions { shell } => completions::completions(shell),
        Command::Man { output_dir } => completions::man(output_dir.as_deref()),
        Command::Prices(args) => prices::run(args),
    }
}

/// Loads the inputs and the report templates side by side, reporting every problem of both.
pub fn load_with_templates(
    paths: &InputPaths,
    templates: Option<&Path>,
) -> Result<(Inputs, Templates), AppError> {
    let (inputs, templates) = std::thread::scope(|scope| {
        let templates = scope.spawn(|| Templates::load(templates));
        let inputs = Inputs::load(paths);
        (inputs, templates.join())
    });
    let templates = templates.map_err(|_| internal("reading the templates"))?;
    match (inputs, templates) {
        (Ok(i), Ok(t)) => Ok((i, t)),
        (i, t) => {
            let mut problems = Diagnostics::default();
            for e in [i.err(), t.err()].into_iter().flatten() {
                problems.extend(e);
            }
            Err(problems.into())
        }
    }
}

/// A failure of routewise itself (a panicked worker thread), never the user's input.
pub fn internal(what: &str) -> AppError {
    AppError::Failure(format!(
        "internal error while {what}; please report it with the command that caused it"
    ))
}

/// Every `--route` must name a route of the catalogue.
pub fn check_routes(inputs: &Inputs, routes: &[String]) -> Result<(), AppError> {
    let known: Vec<&str> = inputs
        .catalogue
        .routes
        .iter()
        .map(|r| r.item.id.as_str())
        .collect();
    for id in routes {
        if !known.contains(&id.as_str()) {
            let help = match closest(id, &known) {
                Some(best) => format!("did you mean `{best}`? known routes: {}", known.join(", ")),
                None => format!("known routes: {}", known.join(", ")),
            };
            return Err(AppError::Input(
                Diagnostic::plain(format!("--route: unknown route `{id}`"))
                    .with_help(help)
                    .into(),
            ));
        }
    }
    Ok(())
}

/// Writes to `--output` when given (printing nothing), else returns the text for stdout.
pub fn write_output(text: String, output: Option<&Path>) -> Result<String, AppError> {
    match output {
        Some(path) => {
            std::fs::write(path, text)
                .map_err(|e| AppError::Failure(format!("cannot write {}: {e}", path.display())))?;
            Ok(String::new())
        }
        None => Ok(text),
    }
}

/// The inputs a command reads, with the defaults for what it does not name.
pub fn input_paths(
    answers: Option<PathBuf>,
    workload: Option<PathBuf>,
    data: &crate::cli::DataArgs,
    price_book: Option<PathBuf>,
) -> InputPaths {
    InputPaths {
        answers,
        workload,
        rules: data.rules.clone(),
        pricing: data.pricing.clone(),
        price_book,
    }
}
