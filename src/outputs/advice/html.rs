//! `advise --format html`: one self-contained page for people who decide but do not read
//! Markdown. The recommendation comes first in words, then charts (cost per viable route,
//! the month-by-month projection, cost against volume with its crossovers), then the
//! elimination matrix, sources and assumptions.
//!
//! The charts are SVG built as text by [`charts`](crate::outputs::charts) rather than by a
//! plotting crate: a plotting crate needs a font file to measure text, which would break
//! "no system fonts" and byte-for-byte determinism, and these three chart shapes are small.
//! The page layout is the `report.html.j2` template, where minijinja escapes every value
//! (HTML auto-escaping is on for `.html` templates); only the SVG strings built and escaped
//! here are passed as safe markup.

use std::collections::BTreeSet;

use minijinja::Value;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

use crate::data::inputs::Inputs;
use crate::engine::decide::Status;
use crate::outputs::advice::report::Report;
use crate::outputs::charts::{self, Bar};
use crate::outputs::projection::html::{
    ProjectionTable, SweepTable, projection_chart, projection_table, sweep_chart, sweep_table,
    tokens, usd_text,
};
use crate::outputs::projection::sweep::{Parameter, Sweep, SweepSpec, sweep};
use crate::outputs::projection::{Projection, ProjectionOptions, project};
use crate::outputs::render_error::RenderError;
use crate::outputs::templates::Templates;
use crate::support::money::format_usd;

/// Points of the cost-against-volume sweep.
const SWEEP_STEPS: u32 = 25;

/// Everything the page shows beyond the JSON report, computed from the same inputs.
#[derive(Debug, Serialize)]
struct Page {
    title: String,
    viable: Vec<ViableRow>,
    eliminated: Vec<EliminatedRow>,
    /// Elimination codes, the matrix's columns, in code order.
    codes: Vec<String>,
    projection: Option<ProjectionTable>,
    sweep: Option<SweepTable>,
    break_even: Vec<BreakEvenRow>,
}

#[derive(Debug, Serialize)]
struct ViableRow {
    id: String,
    name: String,
    rank: Option<u32>,
    score: i64,
    recommended: bool,
    monthly: Option<String>,
}

#[derive(Debug, Serialize)]
struct EliminatedRow {
    id: String,
    name: String,
    /// One cell per column of `codes`: the code when it eliminated this route, else "".
    cells: Vec<String>,
    reasons: Vec<String>,
}

#[derive(Debug, Serialize)]
struct BreakEvenRow {
    route: String,
    traffic: String,
    model: String,
    commitment: String,
    unit_monthly: String,
    tokens_per_month: String,
    on_demand_per_month: String,
}

/// Renders the page for `report`, projecting and sweeping the workload of `inputs` when
/// there is one.
pub fn render(
    report: &Report,
    inputs: &Inputs,
    templates: &Templates,
) -> Result<String, RenderError> {
    let failed = RenderError::Engine;
    let viable_ids: Vec<String> = report
        .routes
        .iter()
        .filter(|r| r.status != Status::Eliminated)
        .map(|r| r.id.clone())
        .collect();
    let projection = match (&inputs.workload, viable_ids.is_empty()) {
        (Some(_), false) => Some(
            project(
                inputs,
                &ProjectionOptions {
                    routes: viable_ids.clone(),
                    skip_eliminated: true,
                    ..ProjectionOptions::default()
                },
            )
            .map_err(failed)?,
        ),
        _ => None,
    };
    let swept = match &inputs.workload {
        Some(workload) if !viable_ids.is_empty() => {
            let monthly: u64 = workload
                .traffic
                .iter()
                .map(|t| t.value.input_tokens_per_month.0)
                .max()
                .unwrap_or(0);
            if monthly == 0 {
                None
            } else {
                let spec = SweepSpec {
                    parameter: Parameter::InputTokensPerMonth,
                    name: "input_tokens_per_month".into(),
                    low: monthly as f64 / 100.0,
                    high: monthly as f64 * 100.0,
                    steps: SWEEP_STEPS,
                };
                Some(
                    sweep(
                        inputs,
                        &spec,
                        &viable_ids,
                        Vec::new(),
                        workload
                            .monthly_growth
                            .map_or(rust_decimal::Decimal::ZERO, |g| g.0),
                    )
                    .map_err(failed)?,
                )
            }
        }
        _ => None,
    };

    let page = page(report, projection.as_ref(), swept.as_ref());
    let context = minijinja::context! {
        report => Value::from(minijinja::value::Serde(report)),
        page => Value::from(minijinja::value::Serde(&page)),
        projection => projection.as_ref().map(|p| Value::from(minijinja::value::Serde(p))),
        cost_chart => cost_chart(report).map(Value::from_safe_string),
        projection_chart => projection.as_ref().and_then(projection_chart).map(Value::from_safe_string),
        sweep_chart => swept.as_ref().map(|s| sweep_chart(s, &|id: &str| route_name(report, id))).map(Value::from_safe_string),
    };
    let mut text = templates.render("report.html.j2", context)?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

fn page(report: &Report, projection: Option<&Projection>, swept: Option<&Sweep>) -> Page {
    let title = report
        .record
        .decision
        .title
        .clone()
        .unwrap_or_else(|| "Which route to the model".to_string());
    let viable = report
        .routes
        .iter()
        .filter(|r| r.status != Status::Eliminated)
        .map(|r| ViableRow {
            id: r.id.clone(),
            name: r.name.clone(),
            rank: r.rank,
            score: r.score,
            recommended: r.status == Status::Recommended,
            monthly: r
                .cost
                .as_ref()
                .and_then(|c| c.monthly_usd)
                .map(|v| format_usd(&v.to_string())),
        })
        .collect();
    let eliminated_routes: Vec<_> = report
        .routes
        .iter()
        .filter(|r| r.status == Status::Eliminated)
        .collect();
    let codes: Vec<String> = eliminated_routes
        .iter()
        .flat_map(|r| r.reasons.iter().map(|x| x.code.clone()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let eliminated = eliminated_routes
        .iter()
        .map(|r| EliminatedRow {
            id: r.id.clone(),
            name: r.name.clone(),
            cells: codes
                .iter()
                .map(|c| {
                    if r.reasons.iter().any(|x| &x.code == c) {
                        c.clone()
                    } else {
                        String::new()
                    }
                })
                .collect(),
            reasons: r
                .reasons
                .iter()
                .map(|x| format!("{} {}", x.code, x.message))
                .collect(),
        })
        .collect();
    let names = |id: &str| route_name(report, id);
    let projection = projection.map(projection_table);
    let sweep = swept.map(|s| sweep_table(s, &names));
    let mut break_even = Vec::new();
    for r in &report.routes {
        let Some(cost) = &r.cost else { continue };
        for sizing in &cost.sizing {
            for b in &sizing.break_even {
                break_even.push(BreakEvenRow {
                    route: r.name.clone(),
                    traffic: sizing.traffic.clone(),
                    model: sizing.model.clone(),
                    commitment: b.commitment.label().to_string(),
                    unit_monthly: format_usd(&b.unit_monthly_usd.to_string()),
                    tokens_per_month: b
                        .tokens_per_month
                        .map_or("never (a full unit costs more)".into(), tokens),
                    on_demand_per_month: format_usd(&b.on_demand_usd_per_month.to_string()),
                });
            }
        }
    }
    Page {
        title,
        viable,
        eliminated,
        codes,
        projection,
        sweep,
        break_even,
    }
}

fn route_name(report: &Report, id: &str) -> String {
    report
        .routes
        .iter()
        .find(|r| r.id == id)
        .map_or(id.to_string(), |r| r.name.clone())
}

fn cost_chart(report: &Report) -> Option<String> {
    let bars: Vec<Bar> = report
        .routes
        .iter()
        .filter(|r| r.status != Status::Eliminated)
        .filter_map(|r| {
            let usd = r.cost.as_ref()?.monthly_usd?;
            Some(Bar {
                label: r.name.clone(),
                value: usd.to_f64()?,
                highlight: r.status == Status::Recommended,
            })
        })
        .collect();
    if bars.is_empty() {
        return None;
    }
    Some(charts::bar_chart(
        "Monthly cost per viable route",
        "USD per month (first month of the workload)",
        &bars,
        &usd_text,
    ))
}
