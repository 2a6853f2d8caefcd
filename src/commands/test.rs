//! `routewise test [PATH...]`: run rule test cases, report failures and rule coverage.

use anyhow::Context;
use std::fmt::Write;

use crate::cli::{TestArgs, TestFormat};
use crate::commands::AppError;
use crate::data::inputs::{InputPaths, Inputs};
use crate::outputs::rule_tests::junit::{self, CoverageCheck};
use crate::outputs::rule_tests::{self, TestRun};

pub fn run(args: TestArgs) -> Result<String, AppError> {
    let mut inputs = Inputs::load(&InputPaths {
        rules: args.data.rules.clone(),
        pricing: args.data.pricing.clone(),
        ..InputPaths::default()
    })?;
    let (files, mut problems) = rule_tests::test_files(&args.paths, args.data.rules.as_deref());
    let cases = match rule_tests::read_cases(&files, &inputs) {
        Ok(cases) if problems.is_empty() => cases,
        Ok(_) => return Err(problems.into()),
        Err(d) => {
            problems.extend(d);
            return Err(problems.into());
        }
    };
    let run = rule_tests::run(cases, &mut inputs).map_err(AppError::failure)?;

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

/// One line per failure, the tally, and the coverage when asked.
fn text(run: &TestRun, coverage: bool) -> String {
    let mut out = String::new();
    for case in &run.cases {
        for failure in &case.failures {
            let _ = writeln!(out, "{}:{}: {}: {failure}", case.file, case.line, case.name);
        }
    }
    let _ = writeln!(out, "{} passed, {} failed", run.passed(), run.failed());
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
