//! The commands, one file each: the only code that reads files named on the command line,
//! the environment or writes to standard output. Each takes parsed arguments and returns its
//! output or a typed error that `main` maps to an exit code.

use std::fmt;

use anyhow::Context;
use std::path::{Path, PathBuf};

use crate::cli::{Cli, Command};
use crate::data::inputs::{InputPaths, Inputs};
use crate::data::load_error::{Collected, LoadError};
use crate::engine::error::EngineError;
use crate::outputs::render_error::RenderError;
use crate::outputs::templates::Templates;
use crate::support::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::support::internal::{Internal, join};
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

/// Why the engine could not produce a result, as the command reports it: a rule that failed
/// while it ran (out of fuel, too deep, a type error) is the user's input (exit 2); anything
/// else is a failure of routewise (exit 1).
pub fn evaluation_error(error: impl Into<EngineError>) -> AppError {
    match error.into() {
        EngineError::Rule(e) => AppError::Input(e.diagnostic().into()),
        other => AppError::Failure(other.into()),
    }
}

/// Why rendering failed, as the command reports it: a user's template that fails is bad
/// input (exit 2); an embedded one failing, or JSON and CSV writing, is a failure of
/// routewise (exit 1).
pub fn render_error(error: impl Into<RenderError>) -> AppError {
    match error.into() {
        RenderError::Template(d) => {
            let embedded = |d: &Diagnostic| d.file.is_empty() || d.file.starts_with("<embedded>");
            if d.0.iter().all(embedded) {
                AppError::Failure(anyhow::anyhow!(
                    "{}",
                    d.0.iter()
                        .map(ToString::to_string)
                        .collect::<String>()
                        .trim_end()
                ))
            } else {
                AppError::Input(d)
            }
        }
        RenderError::Engine(e) => evaluation_error(e),
        other => AppError::Failure(other.into()),
    }
}

/// Why a command failed, which decides the exit code.
#[derive(Debug)]
pub enum AppError {
    /// Invalid input files or arguments: exit code 2.
    Input(Diagnostics),
    /// A failure of routewise or of the system (writing output, a panicked worker), with
    /// the context of what was being done: exit code 1.
    Failure(anyhow::Error),
    /// A check did not pass (a gate tripped, a rule test failed, a record is out of date):
    /// `output` still goes to standard output, `message` to standard error; exit code 1.
    Checks { output: String, message: String },
    /// The user pressed Ctrl-C in an interactive prompt: nothing was written; exit code 130.
    Interrupted,
}

impl AppError {
    /// A failure of routewise or the system, from any error type (`.map_err(AppError::failure)`).
    pub fn failure(error: impl Into<anyhow::Error>) -> Self {
        AppError::Failure(error.into())
    }

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
            AppError::Failure(error) => write!(f, "error: {error:#}"),
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

impl From<RenderError> for AppError {
    fn from(e: RenderError) -> Self {
        render_error(e)
    }
}

impl From<EngineError> for AppError {
    fn from(e: EngineError) -> Self {
        evaluation_error(e)
    }
}

impl From<LoadError> for AppError {
    fn from(e: LoadError) -> Self {
        match e {
            LoadError::Invalid(d) => AppError::Input(d),
            LoadError::Internal(e) => AppError::Failure(e.into()),
        }
    }
}

impl From<Internal> for AppError {
    fn from(e: Internal) -> Self {
        AppError::Failure(e.into())
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
        (inputs, join(templates, "reading the templates"))
    });
    let mut failed = Collected::default();
    let inputs = failed.take(inputs);
    let templates = failed.take(templates?);
    match (inputs, templates) {
        (Some(i), Some(t)) => Ok((i, t)),
        _ => Err(failed.into_error().into()),
    }
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
                Diagnostic::plain(
                    Code::ArgUnknownRoute,
                    format!("--route: unknown route `{id}`"),
                )
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
                .with_context(|| format!("cannot write {}", path.display()))
                .map_err(AppError::failure)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicked_loader_is_an_internal_error_with_exit_code_1_not_bad_input() {
        let error = AppError::from(LoadError::Internal(Internal::new(
            "reading the pricing tables",
        )));
        assert_eq!(error.exit_code(), 1);
        let text = error.to_string();
        assert!(
            text.starts_with("error: internal error while reading the pricing tables"),
            "{text}"
        );
        assert!(!text.contains("problem"), "{text}");
    }

    #[test]
    fn an_internal_failure_wins_over_input_problems_found_beside_it() {
        let mut failed = Collected::default();
        let bad_input: Result<(), Diagnostics> =
            Err(Diagnostic::plain(Code::FileEmpty, "the file is empty").into());
        assert!(failed.take(bad_input).is_none());
        assert!(
            failed
                .take(Err::<(), _>(Internal::new("compiling the rules")))
                .is_none()
        );
        assert_eq!(AppError::from(failed.into_error()).exit_code(), 1);
    }

    #[test]
    fn input_problems_exit_with_code_2() {
        let error = AppError::from(LoadError::Invalid(
            Diagnostic::plain(Code::FileEmpty, "the file is empty").into(),
        ));
        assert_eq!(error.exit_code(), 2);
        assert!(
            error
                .to_string()
                .starts_with("error[E-FILE-EMPTY]: the file is empty")
        );
    }

    #[test]
    fn a_failure_prints_its_context_chain() {
        let io = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "permission denied");
        let error = AppError::failure(anyhow::Error::new(io).context("cannot write out.md"));
        assert_eq!(
            error.to_string(),
            "error: cannot write out.md: permission denied"
        );
        assert_eq!(error.exit_code(), 1);
    }
}
