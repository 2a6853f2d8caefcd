//! `routewise test [PATH...]`: run rule test cases, report failures and rule coverage.
//! With `--rules` or `--pricing`, a shipped case that fails is run again over the shipped
//! data alone: if it passes there, the team's data changed its decision, and it is listed as
//! "changed by your rules" instead of failing.

use anyhow::Context;
use std::fmt::Write;

use crate::cli::{TestArgs, TestFormat};
use crate::commands::AppError;
use crate::data::inputs::{InputPaths, Inputs};
use crate::outputs::rule_tests::junit::{self, CoverageCheck};
use crate::outputs::rule_tests::{self, TestRun};
use crate::support::diagnostic::{Code, Diagnostic};

pub fn run(args: TestArgs) -> Result<String, AppError> {
    let mut inputs = Inputs::load(&InputPaths {
        rules: args.data.rules.clone(),
        pricing: args.data.pricing.clone(),
        ..InputPaths::default()
    })?;
    let (files, mut problems) =
        rule_tests::test_files(&args.paths, args.data.rules.as_deref(), !args.no_shipped);
    if files.is_empty() && problems.is_empty() {
        return Err(Diagnostic::plain(
            Code::TestNoFiles,
            "--no-shipped: there are no test cases of your own to run",
        )
        .with_help("put them in <--rules DIR>/tests/, or name test files or directories")
        .into());
    }
    let cases = match rule_tests::read_cases(&files, &inputs) {
        Ok(cases) if problems.is_empty() => cases,
        Ok(_) => return Err(problems.into()),
        Err(d) => {
            problems.extend(d);
            return Err(problems.into());
        }
    };
    let mut run = rule_tests::run(cases, &mut inputs).map_err(AppError::failure)?;
    let own_data = args.data.rules.is_some() || args.data.pricing.is_some();
    if own_data && run.shipped_not_passing().next().is_some() {
        run.mark_changed_by_rules(&shipped_run()?);
    }

    let text = match args.format {
        TestFormat::Text => text(&run, args.coverage || args.min_coverage.is_some()),
        TestFormat::Junit => junit::render(
            &run,
            args.min_coverage
                .map(|min_percent| CoverageCheck { min_percent }),
        )
        .context("writing JUnit XML failed")
        .map_err(AppError::failure)?,
    };
    let output = match &args.output {
        Some(path) => {
            std::fs::write(path, &text)
                .with_context(|| format!("cannot write {}", path.display()))
                .map_err(AppError::failure)?;
            String::new()
        }
        None => text,
    };

    let mut problems = Vec::new();
    if run.failed() > 0 {
        problems.push(format!(
            "{} of {} cases failed",
            run.failed(),
            run.cases.len()
        ));
    }
    if let Some(min) = args.min_coverage
        && run.coverage() < min
    {
        problems.push(format!(
            "rule coverage {} is below --min-coverage {}%",
            junit::percent(&run),
            min.normalize()
        ));
    }
    if problems.is_empty() {
        Ok(output)
    } else {
        Err(AppError::Checks {
            output,
            message: format!("error: {}", problems.join("; ")),
        })
    }
}

/// The shipped cases over the shipped rules and prices alone.
fn shipped_run() -> Result<TestRun, AppError> {
    let mut inputs = Inputs::load(&InputPaths::default())?;
    let cases = rule_tests::read_cases(&rule_tests::shipped_files(), &inputs)?;
    rule_tests::run(cases, &mut inputs).map_err(AppError::failure)
}

/// One line per failure, the shipped cases your rules changed, the tally, and the coverage
/// when asked.
fn text(run: &TestRun, coverage: bool) -> String {
    let mut out = String::new();
    for case in run.cases.iter().filter(|c| c.failed()) {
        for failure in &case.failures {
            let _ = writeln!(out, "{}:{}: {}: {failure}", case.file, case.line, case.name);
        }
    }
    let changed: Vec<_> = run.cases.iter().filter(|c| c.changed_by_rules).collect();
    if !changed.is_empty() {
        let _ = writeln!(
            out,
            "changed by your rules (these shipped cases pass with the shipped rules and prices; yours decide differently):"
        );
        for case in changed {
            let _ = writeln!(out, "  {}:{}: {}", case.file, case.line, case.name);
            for failure in &case.failures {
                let _ = writeln!(out, "      {failure}");
            }
        }
    }
    let _ = write!(out, "{} passed, {} failed", run.passed(), run.failed());
    if run.changed_by_rules() > 0 {
        let _ = write!(out, ", {} changed by your rules", run.changed_by_rules());
    }
    out.push('\n');
    if coverage {
        let missing = run.unexercised();
        let _ = writeln!(
            out,
            "rule coverage: {} of {} rule codes exercised ({})",
            run.rules.len() - missing.len(),
            run.rules.len(),
            junit::percent(run)
        );
        if !missing.is_empty() {
            let _ = writeln!(out, "not exercised by any case:");
            for (code, name) in missing {
                let _ = writeln!(out, "  {code} {name}");
            }
        }
    }
    out
}
