//! `validate` renders the user's templates against sample outputs built from the inputs, so
//! that a template failing only at render time (an unknown key, a loop out of fuel, an
//! include of itself) fails validation rather than the first real run.

use minijinja::Value;
use minijinja::value::Serde;

use crate::data::inputs::Inputs;
use crate::outputs::diff;
use crate::outputs::projection::{ProjectionOptions, project};
use crate::outputs::replay::{self, ReplayOptions};
use crate::outputs::templates::Templates;
use crate::support::diagnostic::{Diagnostics, SourceFile};

/// Usage rows for the sample replay: one per model family the catalogue prices first.
const SAMPLE_USAGE: &str = "timestamp,model,input_tokens,output_tokens\n\
                            2026-10-01T12:00:00Z,claude-sonnet-4-5,1200,300\n";

/// Renders every top-level template the user overrides (`report.md.j2`, `madr.md.j2`,
/// `diff.md.j2`, `replay.md.j2`, and `cost.md.j2` when a workload is given) against a
/// sample; partials are rendered through the templates that include them.
pub fn render_user_templates(inputs: &Inputs, templates: &Templates) -> Diagnostics {
    let mut problems = Diagnostics::default();
    let user = &templates.user;
    if user.is_empty() {
        return problems;
    }
    let mut check = |name: &str, value: Option<Value>| {
        if let Some(value) = value
            && let Err(d) = templates.render(name, value)
        {
            problems.push(d);
        }
    };
    let report = crate::outputs::advice::advise(inputs).ok();
    for name in ["report.md.j2", "madr.md.j2"] {
        check(name, report.as_ref().map(|r| Value::from(Serde(r))));
    }
    let diff = report.as_ref().and_then(|r| {
        let json = serde_json::to_string(r).ok()?;
        let view = diff::from_source(&SourceFile::new("sample.json", json)).ok()?;
        diff::compare("base.json", &view, "new.json", &view, &[], None).ok()
    });
    check("diff.md.j2", diff.as_ref().map(|d| Value::from(Serde(d))));
    if inputs.workload.is_some() {
        let projection = project(inputs, &ProjectionOptions::default()).ok();
        check(
            "cost.md.j2",
            projection.as_ref().map(|p| Value::from(Serde(p))),
        );
    }
    let models = inputs.prices.model_ids();
    let replayed = crate::usage::read_csv(SAMPLE_USAGE.as_bytes(), "sample.csv", &models, false)
        .ok()
        .and_then(|totals| {
            replay::replay(
                inputs,
                &totals,
                "sample.csv",
                "csv",
                &ReplayOptions::default(),
            )
            .ok()
        });
    check(
        "replay.md.j2",
        replayed.as_ref().map(|r| Value::from(Serde(r))),
    );
    problems
}

/// The diagnostics of [`render_user_templates`], or nothing.
pub fn check(inputs: &Inputs, templates: &Templates) -> Result<(), Diagnostics> {
    let problems = render_user_templates(inputs, templates);
    problems.into_result(())
}
