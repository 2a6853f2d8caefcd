//! `routewise diff BASE.json NEW.json`: what moved between two reports, and the gates.

use crate::cli::{DiffArgs, DiffFormat, RecordArgs};
use crate::commands::AppError;
use crate::commands::advise::{measuring_date, source_date_epoch};
use crate::outputs::diff::{self, AgeLimit};
use crate::outputs::templates::Templates;
use crate::support::diagnostic::Diagnostics;
use anyhow::Context;

pub fn run(args: DiffArgs) -> Result<String, AppError> {
    let epoch = source_date_epoch()?;
    let today = measuring_date(
        &RecordArgs {
            date: None,
            max_pricing_age: args.max_pricing_age,
            today: args.today,
        },
        epoch,
    )?;
    // Both files are read before either error is reported, so every problem shows at once.
    let (base, new) = (diff::load(&args.base), diff::load(&args.new));
    let (base, new) = match (base, new) {
        (Ok(b), Ok(n)) => (b, n),
        (b, n) => {
            let mut problems = Diagnostics::default();
            for e in [b.err(), n.err()].into_iter().flatten() {
                problems.extend(e);
            }
            return Err(problems.into());
        }
    };
    let age = match (args.max_pricing_age, today) {
        (Some(max_days), Some(today)) => Some(AgeLimit { today, max_days }),
        _ => None,
    };
    let name = |p: &std::path::Path| p.display().to_string();
    let diff = diff::compare(
        &name(&args.base),
        &base,
        &name(&args.new),
        &new,
        &args.fail_on,
        age,
    )?;
    let text = match args.format {
        DiffFormat::Text => crate::outputs::diff::text::render(&diff),
        DiffFormat::Json => serde_json::to_string_pretty(&diff)
            .map(|s| s + "\n")
            .context("serialising the diff failed")
            .map_err(AppError::failure)?,
        DiffFormat::Markdown => {
            let templates = Templates::load(args.templates.as_deref())?;
            let mut text = templates
                .render(
                    "diff.md.j2",
                    minijinja::Value::from(minijinja::value::Serde(&diff)),
                )
                .map_err(crate::commands::render_error)?;
            if !text.ends_with('\n') {
                text.push('\n');
            }
            text
        }
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
    if diff.tripped.is_empty() {
        Ok(output)
    } else {
        Err(AppError::Checks {
            output,
            message: format!(
                "{} gate{} tripped: {}",
                diff.tripped.len(),
                if diff.tripped.len() == 1 { "" } else { "s" },
                diff.tripped.join(", ")
            ),
        })
    }
}
