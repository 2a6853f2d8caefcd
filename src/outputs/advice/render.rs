//! Format dispatch: a renderer is a pure function of the report. JSON is serde; Markdown is
//! the `report.md.j2` template and the MADR decision record `madr.md.j2`, both embedded by
//! default and overridable with `--templates`.

use minijinja::Value;

use crate::outputs::advice::report::Report;
use crate::outputs::formats::ReportFormat as Format;
use crate::outputs::render_error::RenderError;
use crate::outputs::templates::Templates;
use crate::support::internal::Internal;

/// Renders a report in the chosen format; the result always ends with a newline.
pub fn render(
    report: &Report,
    format: Format,
    templates: &Templates,
) -> Result<String, RenderError> {
    match format {
        Format::Json => serde_json::to_string_pretty(report)
            .map(|s| s + "\n")
            .map_err(RenderError::from),
        Format::Markdown if report.portfolio.is_some() => {
            template(report, "portfolio.md.j2", templates)
        }
        Format::Madr if report.portfolio.is_some() => {
            template(report, "portfolio-madr.md.j2", templates)
        }
        Format::Markdown => template(report, "report.md.j2", templates),
        Format::Madr => template(report, "madr.md.j2", templates),
        // The page also charts a projection and a sweep, which need the inputs:
        // `advice::html::render` draws it.
        Format::Html => Err(RenderError::Internal(Internal::new(
            "rendering the HTML report without its inputs (advice::html::render draws it)",
        ))),
    }
}

fn template(report: &Report, name: &str, templates: &Templates) -> Result<String, RenderError> {
    let mut text = templates.render(name, Value::from(minijinja::value::Serde(report)))?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}
