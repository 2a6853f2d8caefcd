//! `routewise adopt ROUTE`: how to switch to a route, for the workload's models.

use crate::cli::{AdoptArgs, AdoptFormat};
use crate::commands::{AppError, input_paths, load_with_templates};
use crate::outputs::adoption;
use crate::outputs::render_error::RenderError;
use crate::support::diagnostic::{Code, Diagnostic};
use crate::support::suggest::closest;

pub fn run(args: AdoptArgs) -> Result<String, AppError> {
    let (inputs, templates) = load_with_templates(
        &input_paths(args.answers, args.workload, &args.data, None),
        args.templates.as_deref(),
    )?;
    let ids: Vec<&str> = inputs
        .catalogue
        .routes
        .iter()
        .map(|r| r.item.id.as_str())
        .collect();
    if !ids.contains(&args.route.as_str()) {
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
    let guide = adoption::for_route(&inputs, &args.route).map_err(AppError::failure)?;
    match args.format {
        AdoptFormat::Json => serde_json::to_string_pretty(&guide)
            .map(|s| s + "\n")
            .map_err(|e| {
                AppError::failure(anyhow::Error::new(e).context("serialising the guide failed"))
            }),
        AdoptFormat::Markdown => {
            let ctx = minijinja::context! { guides => minijinja::Value::from(minijinja::value::Serde(vec![guide])) };
            let mut text = templates
                .render("adopt.md.j2", ctx)
                .map_err(RenderError::from)?;
            if !text.ends_with('\n') {
                text.push('\n');
            }
            Ok(text)
        }
    }
}
