//! `cost --format html`: the projection (and a sweep, when asked for) as one self-contained
//! page, and the projection and sweep charts and tables the recommendation page reuses.
//!
//! Pages are the `*.html.j2` templates (HTML auto-escaping on); only SVG built and escaped
//! by [`charts`](crate::outputs::charts) is passed as safe markup.

use minijinja::Value;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

use crate::outputs::charts::{self, Bar, LineChart, Marker, Series};
use crate::outputs::projection::Projection;
use crate::outputs::projection::sweep::{Crossing, Sweep};
use crate::outputs::render_error::RenderError;
use crate::outputs::templates::Templates;
use crate::support::money::{format_count, format_usd};

/// A projection as a months-by-routes table of formatted amounts.
#[derive(Debug, Serialize)]
pub struct ProjectionTable {
    pub months: Vec<u32>,
    pub growth_percent: String,
    pub rows: Vec<ProjectionRow>,
}

/// One route's amounts across months (or across swept values), and its total.
#[derive(Debug, Serialize)]
pub struct ProjectionRow {
    pub name: String,
    pub months: Vec<String>,
    pub total: String,
}

/// A sweep as a values-by-routes table, with its crossings in words.
#[derive(Debug, Serialize)]
pub struct SweepTable {
    pub parameter: String,
    pub values: Vec<String>,
    pub rows: Vec<ProjectionRow>,
    pub crossings: Vec<String>,
}

/// Renders the `cost` page.
pub fn render(
    projection: &Projection,
    swept: Option<&Sweep>,
    templates: &Templates,
) -> Result<String, RenderError> {
    let names = |id: &str| {
        projection
            .routes
            .iter()
            .find(|r| r.id == id)
            .map_or(id.to_string(), |r| r.name.clone())
    };
    let totals: Vec<Bar> = projection
        .routes
        .iter()
        .filter_map(|r| {
            Some(Bar {
                label: r.name.clone(),
                value: r.total_usd?.to_f64()?,
                highlight: false,
            })
        })
        .collect();
    let total_chart = (!totals.is_empty()).then(|| {
        charts::bar_chart(
            &format!("Total cost over {} months", projection.horizon_months),
            "USD over the horizon",
            &totals,
            &usd_text,
        )
    });
    let context = minijinja::context! {
        projection => Value::from(minijinja::value::Serde(projection)),
        table => Value::from(minijinja::value::Serde(&projection_table(projection))),
        sweep => swept.map(|s| Value::from(minijinja::value::Serde(&sweep_table(s, &names)))),
        total_chart => total_chart.map(Value::from_safe_string),
        projection_chart => projection_chart(projection).map(Value::from_safe_string),
        sweep_chart => swept.map(|s| Value::from_safe_string(sweep_chart(s, &names))),
    };
    let mut text = templates.render("cost.html.j2", context)?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

fn usd(v: Option<Decimal>) -> String {
    v.map_or("-".to_string(), |v| format_usd(&v.to_string()))
}

pub fn projection_table(p: &Projection) -> ProjectionTable {
    ProjectionTable {
        months: (1..=p.horizon_months).collect(),
        growth_percent: (p.monthly_growth * Decimal::ONE_HUNDRED)
            .round_dp(2)
            .normalize()
            .to_string(),
        rows: p
            .routes
            .iter()
            .map(|r| ProjectionRow {
                name: r.name.clone(),
                months: r.months.iter().map(|m| usd(m.total_usd)).collect(),
                total: usd(r.total_usd),
            })
            .collect(),
    }
}

pub fn sweep_table(s: &Sweep, names: &dyn Fn(&str) -> String) -> SweepTable {
    SweepTable {
        parameter: s.parameter.clone(),
        values: s
            .values
            .iter()
            .map(|v| swept_value(&s.parameter, *v))
            .collect(),
        rows: s
            .routes
            .iter()
            .map(|r| ProjectionRow {
                name: names(&r.id),
                months: r.monthly_usd.iter().map(|v| usd(*v)).collect(),
                total: String::new(),
            })
            .collect(),
        crossings: s
            .crossings
            .iter()
            .map(|c| crossing_text(c, &s.parameter, names))
            .collect(),
    }
}

/// A swept value in words: token counts as tokens, shares as percentages.
fn swept_value(parameter: &str, v: Decimal) -> String {
    if parameter.contains("tokens") {
        tokens(v)
    } else {
        format!("{}%", (v * Decimal::ONE_HUNDRED).round_dp(2).normalize())
    }
}

fn crossing_text(c: &Crossing, parameter: &str, names: &dyn Fn(&str) -> String) -> String {
    let above = names(&c.cheaper_above);
    let at = swept_value(parameter, c.at);
    match &c.cheaper_below {
        Some(below) => format!(
            "At about {at} ({parameter}), {above} becomes cheaper than {}.",
            names(below)
        ),
        None => format!(
            "From about {at} ({parameter}), {above} becomes the cheaper of two routes that cost the same below it."
        ),
    }
}

/// Whole tokens with thousands separators; millions and billions in words above them.
pub fn tokens(v: Decimal) -> String {
    let whole = v.round_dp(0);
    let f = whole.to_f64().unwrap_or(0.0);
    if f >= 1e9 {
        format!("{:.1} billion", f / 1e9)
    } else if f >= 1e6 {
        format!("{:.1} million", f / 1e6)
    } else {
        format_count(&whole.to_string())
    }
}

pub fn projection_chart(p: &Projection) -> Option<String> {
    let x: Vec<f64> = (1..=p.horizon_months).map(f64::from).collect();
    let series: Vec<Series> = p
        .routes
        .iter()
        .map(|r| Series {
            name: r.name.clone(),
            values: r
                .months
                .iter()
                .map(|m| m.total_usd.and_then(|v| v.to_f64()))
                .collect(),
        })
        .collect();
    if series.iter().all(|s| s.values.iter().all(Option::is_none)) {
        return None;
    }
    Some(charts::line_chart(&LineChart {
        title: &format!("Cost per month over {} months", p.horizon_months),
        x_label: "month",
        y_label: "USD per month",
        x: &x,
        series: &series,
        markers: &[],
        log_x: false,
        log_y: false,
        x_text: &|v| format!("{v}"),
        y_text: &usd_text,
    }))
}

pub fn sweep_chart(s: &Sweep, names: &dyn Fn(&str) -> String) -> String {
    let x: Vec<f64> = s.values.iter().filter_map(|v| v.to_f64()).collect();
    let series: Vec<Series> = s
        .routes
        .iter()
        .map(|r| Series {
            name: names(&r.id),
            values: r
                .monthly_usd
                .iter()
                .map(|v| v.and_then(|v| v.to_f64()))
                .collect(),
        })
        .collect();
    let markers: Vec<Marker> = s
        .crossings
        .iter()
        .filter_map(|c| {
            Some(Marker {
                x: c.at.to_f64()?,
                label: format!("{} cheaper above", c.cheaper_above),
            })
        })
        .collect();
    let tokens_axis = s.parameter.contains("tokens");
    let x_label = format!(
        "{}{}",
        s.parameter.replace('_', " "),
        if tokens_axis { " (log scale)" } else { "" }
    );
    let parameter = s.parameter.clone();
    charts::line_chart(&LineChart {
        title: "Monthly cost across the sweep (log cost scale)",
        x_label: &x_label,
        y_label: "USD per month (log scale)",
        x: &x,
        series: &series,
        markers: &markers,
        log_x: tokens_axis,
        log_y: true,
        x_text: &|v| swept_value(&parameter, Decimal::from_f64_retain(v).unwrap_or_default()),
        y_text: &usd_text,
    })
}

/// Axis and bar labels: whole dollars with separators (the tables carry the cents).
/// Below $100 the cents are kept, so small amounts do not all read as the same dollar.
pub fn usd_text(v: f64) -> String {
    if v.abs() < 100.0 && v.fract().abs() > f64::EPSILON {
        return format!("${v:.2}");
    }
    let whole = Decimal::from_f64_retain(v.round())
        .unwrap_or_default()
        .round_dp(0);
    format!("${}", format_count(&whole.to_string()))
}
