//! `routewise cost`: the month-by-month projection per route, or a sensitivity sweep.

use crate::cli::CostArgs;
use crate::commands::{AppError, check_routes, input_paths, load_with_templates, write_output};
use crate::model::workload::Growth;
use crate::outputs::projection::render as render_projection;
use crate::outputs::projection::sweep::{SweepSpec, sweep};
use crate::outputs::projection::{ProjectionOptions, project};
use crate::support::diagnostic::{Code, Diagnostic};

pub fn run(args: CostArgs) -> Result<String, AppError> {
    let growth = args
        .growth
        .as_deref()
        .map(Growth::parse)
        .transpose()
        .map_err(|e| {
            AppError::Input(
                Diagnostic::plain(Code::ArgInvalidValue, format!("--growth: {e}")).into(),
            )
        })?;
    let sweep_spec = args
        .sweep
        .as_deref()
        .map(|s| SweepSpec::parse(s, args.steps))
        .transpose()
        .map_err(|e| {
            AppError::Input(
                Diagnostic::plain(Code::ArgInvalidValue, format!("--sweep: {e}")).into(),
            )
        })?;
    let skip_eliminated = args.answers.is_some();
    let workload_path = args.workload.clone();
    let (mut inputs, templates) = load_with_templates(
        &input_paths(
            args.answers,
            Some(args.workload),
            &args.data,
            args.price_book,
        ),
        args.templates.as_deref(),
    )?;
    inputs.today = args.today;
    check_routes(&inputs, &args.routes)?;
    if let (Some(months), Some(workload)) = (args.months, inputs.workload.as_ref()) {
        // A shorter --months than the workload's horizon may leave a stream unstarted.
        let file = crate::data::parse::read_file(&workload_path).map_err(AppError::from)?;
        let mut problems = crate::support::diagnostic::Diagnostics::default();
        crate::data::inputs::check_start_months(workload, &file, months, "--months", &mut problems);
        if !problems.is_empty() {
            return Err(AppError::Input(problems));
        }
    }
    let options = ProjectionOptions {
        routes: args.routes,
        months: args.months,
        growth: growth.map(|g| g.0),
        skip_eliminated,
    };
    let projection = project(&inputs, &options).map_err(AppError::failure)?;
    let text = match sweep_spec {
        Some(spec) => {
            let ids: Vec<String> = projection.routes.iter().map(|r| r.id.clone()).collect();
            let result = sweep(
                &inputs,
                &spec,
                &ids,
                projection.assumptions.clone(),
                projection.monthly_growth,
            )
            .map_err(AppError::failure)?;
            render_projection::render_sweep(&projection, &result, args.format, &templates)
                .map_err(crate::commands::render_error)?
        }
        None => render_projection::render(&projection, args.format, &templates)
            .map_err(crate::commands::render_error)?,
    };
    write_output(text, args.output.as_deref())
}
