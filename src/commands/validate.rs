//! `routewise validate`: every input file checked, every problem reported.

use crate::cli::ValidateArgs;
use crate::commands::{AppError, input_paths, load_with_templates};

pub fn run(args: ValidateArgs) -> Result<String, AppError> {
    let (inputs, templates) = load_with_templates(
        &input_paths(args.answers, args.workload, &args.data, args.price_book),
        args.templates.as_deref(),
    )?;
    // Templates that fail only when rendered fail here, not on the first real run.
    crate::outputs::template_check::check(&inputs, &templates)?;
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
