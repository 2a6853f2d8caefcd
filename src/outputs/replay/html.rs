//! `replay --format html`: replayed usage priced per route as one self-contained page, with
//! each route's cost stacked by model and a routes-by-models table under the chart.

use minijinja::Value;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

use crate::outputs::charts::{self, Stack};
use crate::outputs::projection::html::usd_text;
use crate::outputs::render_error::RenderError;
use crate::outputs::replay::Replay;
use crate::outputs::templates::Templates;
use crate::support::money::format_usd;

/// The routes-by-models table of formatted amounts.
#[derive(Debug, Serialize)]
struct CostTable {
    models: Vec<String>,
    rows: Vec<CostRow>,
}

#[derive(Debug, Serialize)]
struct CostRow {
    name: String,
    by_model: Vec<String>,
    total: String,
}

/// Renders the `replay` page.
pub fn render(replay: &Replay, templates: &Templates) -> Result<String, RenderError> {
    let models: Vec<String> = replay
        .observed
        .models
        .iter()
        .map(|m| m.model.clone())
        .collect();
    let cost_of = |route: &crate::outputs::replay::ReplayRoute, model: &str| {
        route
            .by_model
            .iter()
            .find(|c| c.model == model)
            .and_then(|c| c.usd)
    };
    let table = CostTable {
        models: models.clone(),
        rows: replay
            .routes
            .iter()
            .map(|r| CostRow {
                name: r.name.clone(),
                by_model: models
                    .iter()
                    .map(|m| cost_of(r, m).map_or("-".into(), |v| format_usd(&v.to_string())))
                    .collect(),
                total: r.total_usd.map_or("cannot price all usage".into(), |v| {
                    format_usd(&v.to_string())
                }),
            })
            .collect(),
    };
    let stacks: Vec<Stack> = replay
        .routes
        .iter()
        .map(|r| Stack {
            label: r.name.clone(),
            parts: models
                .iter()
                .map(|m| cost_of(r, m).and_then(|v| v.to_f64()))
                .collect(),
        })
        .collect();
    let chart = (!stacks.is_empty() && !models.is_empty()).then(|| {
        charts::stacked_bar_chart(
            "Cost of the replayed usage per route, by model",
            "USD for the usage in the file",
            &models,
            &stacks,
            &usd_text,
        )
    });
    let context = minijinja::context! {
        replay => Value::from(minijinja::value::Serde(replay)),
        table => Value::from(minijinja::value::Serde(&table)),
        cost_chart => chart.map(Value::from_safe_string),
    };
    let mut text = templates.render("replay.html.j2", context)?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}
