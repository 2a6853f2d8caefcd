//! `routewise explain --answers FILE ROUTE`: every rule's verdict on one route.

use crate::cli::ExplainArgs;
use crate::commands::AppError;
use crate::data::inputs::{InputPaths, Inputs};
use crate::outputs::explain;
use crate::support::diagnostic::{Code, Diagnostic};
use crate::support::suggest::closest;

pub fn run(args: ExplainArgs) -> Result<String, AppError> {
    let inputs = Inputs::load(&InputPaths {
        answers: Some(args.answers),
        workload: args.workload,
        rules: args.data.rules,
        pricing: args.data.pricing,
        ..InputPaths::default()
    })?;
    if inputs.catalogue.route(&args.route).is_none() {
        let ids: Vec<&str> = inputs
            .catalogue
            .routes
            .iter()
            .map(|r| r.item.id.as_str())
            .collect();
        let help = match closest(&args.route, &ids) {
            Some(best) => format!("did you mean `{best}`? routes: {}", ids.join(", ")),
            None => format!("routes: {}", ids.join(", ")),
        };
        return Err(Diagnostic::plain(
            Code::ArgUnknownRoute,
            format!("unknown route `{}`", args.route),
        )
        .with_help(help)
        .into());
    }
    let explanation = explain::explain(&inputs, &args.route).map_err(AppError::failure)?;
    Ok(explain::render(&explanation))
}
