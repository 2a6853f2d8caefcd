//! `routewise replay`: real usage priced on every route.

use crate::cli::{ReplayArgs, UsageFormatArg};
use crate::commands::{AppError, check_routes, input_paths, load_with_templates, write_output};
use crate::outputs;
use crate::support::diagnostic::Diagnostic;
use crate::usage::CsvOptions;
use crate::usage::column_map::ColumnMap;
use crate::usage::format::{ReadOptions, UsageFormat};

pub fn run(args: ReplayArgs) -> Result<String, AppError> {
    let read_options = read_options(&args)?;
    let skip_eliminated = args.answers.is_some();
    let (inputs, templates) = load_with_templates(
        &input_paths(args.answers, None, &args.data, args.price_book),
        args.templates.as_deref(),
    )?;
    check_routes(&inputs, &args.routes)?;
    let known = inputs.prices.model_ids();
    let (totals, format) = outputs::replay::read(&args.usage, &known, &read_options)?;
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

/// The reading options of the command's flags.
fn read_options(args: &ReplayArgs) -> Result<ReadOptions, AppError> {
    let map = match &args.map {
        Some(text) => ColumnMap::parse(text)
            .map_err(|message| AppError::Input(Diagnostic::plain(message).into()))?,
        None => ColumnMap::default(),
    };
    let format = match args.usage_format {
        UsageFormatArg::Auto => None,
        UsageFormatArg::Csv => Some(UsageFormat::Csv),
        UsageFormatArg::UsageReport => Some(UsageFormat::UsageReport),
        UsageFormatArg::Bedrock => Some(UsageFormat::Bedrock),
        UsageFormatArg::Litellm => Some(UsageFormat::Litellm),
        UsageFormatArg::Otel => Some(UsageFormat::Otel),
    };
    Ok(ReadOptions {
        format,
        skip_bad_rows: args.skip_bad_rows,
        csv: CsvOptions {
            map,
            input_includes_cache: args.input_includes_cache,
        },
    })
}
