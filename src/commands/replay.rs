//! `routewise replay`: real usage priced on every route.

use crate::cli::ReplayArgs;
use crate::commands::{AppError, check_routes, input_paths, load_with_templates, write_output};
use crate::outputs;

pub fn run(args: ReplayArgs) -> Result<String, AppError> {
    let skip_eliminated = args.answers.is_some();
    let (inputs, templates) = load_with_templates(
        &input_paths(args.answers, None, &args.data, args.price_book),
        args.templates.as_deref(),
    )?;
    check_routes(&inputs, &args.routes)?;
    let known = inputs.prices.model_ids();
    let (totals, format) = outputs::replay::read(&args.usage, &known, args.skip_bad_rows)?;
    let options = outputs::replay::ReplayOptions {
        skip_bad_rows: args.skip_bad_rows,
        routes: args.routes,
        skip_eliminated,
    };
    let result = outputs::replay::replay(
        &inputs,
        &totals,
        &args.usage.display().to_string(),
        format,
        &options,
    )
    .map_err(AppError::Failure)?;
    let text = outputs::replay::render::render(&result, args.format, &templates)
        .map_err(|d| AppError::Failure(d.message))?;
    write_output(text, args.output.as_deref())
}
