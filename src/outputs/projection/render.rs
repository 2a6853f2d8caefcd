//! Renderers of a cost projection: a terminal table, CSV for spreadsheets (one row per
//! route, month and line item), Markdown (the `cost.md.j2` template) and JSON.

use minijinja::Value;

use rust_decimal::Decimal;

use crate::engine::cost::round_cents;
use crate::outputs::formats::CostFormat;
use crate::outputs::projection::{Projection, RouteProjection, TrafficPlan};
use crate::outputs::render_error::RenderError;
use crate::outputs::templates::Templates;
use crate::support::csv_text::csv_text;
use crate::support::money::percent;
use crate::support::money::{format_count, format_usd};
use crate::support::table::text_table;

pub fn render(
    projection: &Projection,
    format: CostFormat,
    templates: &Templates,
) -> Result<String, RenderError> {
    match format {
        CostFormat::Json => json(projection),
        CostFormat::Csv => csv(projection),
        CostFormat::Table => Ok(table(projection)),
        CostFormat::Html => crate::outputs::projection::html::render(projection, None, templates),
        CostFormat::Markdown => {
            let mut text = templates.render(
                "cost.md.j2",
                Value::from(minijinja::value::Serde(projection)),
            )?;
            if !text.ends_with('\n') {
                text.push('\n');
            }
            Ok(text)
        }
    }
}

/// Pretty JSON with a final newline.
/// Renders a sensitivity sweep in `format`; the HTML page charts it beside the projection
/// it was swept from.
pub fn render_sweep(
    projection: &Projection,
    swept: &crate::outputs::projection::sweep::Sweep,
    format: CostFormat,
    templates: &Templates,
) -> Result<String, RenderError> {
    match format {
        CostFormat::Csv => Ok(crate::outputs::projection::sweep::to_csv(swept)?),
        CostFormat::Json => json(swept),
        CostFormat::Table | CostFormat::Markdown => Ok(sweep_table(swept)),
        CostFormat::Html => {
            crate::outputs::projection::html::render(projection, Some(swept), templates)
        }
    }
}

pub fn json<T: serde::Serialize>(value: &T) -> Result<String, RenderError> {
    Ok(serde_json::to_string_pretty(value)? + "\n")
}

/// One row per route, month and line item (`kind` = `line`), then the rows that are not
/// amounts, so that nothing the other formats say is dropped: `purchase` (a provisioned plan's
/// purchases), `unpriceable` (traffic a route cannot price, with the reason), `eliminated`,
/// `warning`, `assumption`, `price_book` and `pricing_source`. Their text is in `item`.
fn csv(projection: &Projection) -> Result<String, RenderError> {
    let row = |kind: &str, route: &str, month: String, traffic: &str, model: &str, item: String| {
        vec![
            kind.to_string(),
            route.to_string(),
            month,
            traffic.to_string(),
            model.to_string(),
            item,
            String::new(),
            String::new(),
            String::new(),
        ]
    };
    let mut rows: Vec<Vec<String>> = Vec::new();
    for route in &projection.routes {
        for month in &route.months {
            for item in &month.items {
                rows.push(
                    [
                        "line".to_string(),
                        route.id.clone(),
                        month.month.to_string(),
                        item.traffic.clone(),
                        item.model.clone(),
                        item.name.clone(),
                    ]
                    .into_iter()
                    .chain(line_cells(item))
                    .collect(),
                );
            }
        }
    }
    // With surfaces: each surface's own line items (the surface in the last column), then
    // the portfolio's lines per month and its month totals.
    let with_surface = !projection.surfaces.is_empty();
    for s in &projection.surfaces {
        for route in &s.routes {
            for month in &route.months {
                for item in &month.items {
                    rows.push(
                        [
                            "surface_line".to_string(),
                            route.id.clone(),
                            month.month.to_string(),
                            item.traffic.clone(),
                            item.model.clone(),
                            item.name.clone(),
                        ]
                        .into_iter()
                        .chain(line_cells(item))
                        .collect(),
                    );
                    if let Some(r) = rows.last_mut() {
                        r.push(s.name.clone());
                    }
                }
            }
            for u in &route.unserved {
                let mut r = row(
                    "unpriceable",
                    &route.id,
                    String::new(),
                    &u.traffic,
                    &u.model,
                    u.reason.clone(),
                );
                r.push(s.name.clone());
                rows.push(r);
            }
        }
        for e in &s.eliminated {
            let mut r = row(
                "eliminated",
                &e.id,
                String::new(),
                "",
                "",
                format!("eliminated by {}", e.codes.join(", ")),
            );
            r.push(s.name.clone());
            rows.push(r);
        }
    }
    if let Some(portfolio) = &projection.portfolio {
        for (i, month) in portfolio.months.iter().enumerate() {
            for l in &portfolio.lines {
                let amount = l.months.get(i).copied().flatten();
                let mut r = row(
                    "portfolio",
                    &l.route,
                    month.month.to_string(),
                    "",
                    "",
                    match (l.kind, amount) {
                        ("gateway", None) => {
                            format!("gateway {}: running cost not set (excluded)", l.name)
                        }
                        _ => format!("{} {}", l.kind, l.name),
                    },
                );
                r[8] = amount.map(|a| a.to_string()).unwrap_or_default();
                r.push(if l.kind == "surface" {
                    l.name.clone()
                } else {
                    String::new()
                });
                rows.push(r);
            }
            let mut r = row(
                "portfolio_total",
                "",
                month.month.to_string(),
                "",
                "",
                "portfolio month total".into(),
            );
            r[8] = month.total_usd.map(|a| a.to_string()).unwrap_or_default();
            rows.push(r);
        }
        let mut r = row(
            "portfolio_total",
            "",
            String::new(),
            "",
            "",
            "portfolio total".into(),
        );
        r[8] = portfolio
            .total_usd
            .map(|a| a.to_string())
            .unwrap_or_default();
        rows.push(r);
    }
    for route in &projection.routes {
        for plan in &route.plans {
            for h in &plan.plan.purchases {
                rows.push(row(
                    "purchase",
                    &route.id,
                    String::new(),
                    &plan.traffic,
                    &plan.model,
                    h.describe(),
                ));
            }
        }
        for u in &route.unserved {
            rows.push(row(
                "unpriceable",
                &route.id,
                String::new(),
                &u.traffic,
                &u.model,
                u.reason.clone(),
            ));
        }
    }
    for e in &projection.eliminated {
        rows.push(row(
            "eliminated",
            &e.id,
            String::new(),
            "",
            "",
            format!("eliminated by {}", e.codes.join(", ")),
        ));
    }
    for w in &projection.warnings {
        rows.push(row("warning", "", String::new(), "", "", w.clone()));
    }
    for a in &projection.assumptions {
        rows.push(row("assumption", "", String::new(), "", "", a.clone()));
    }
    if let Some(book) = &projection.price_book {
        for e in &book.entries {
            rows.push(row(
                "price_book",
                "",
                String::new(),
                "",
                "",
                format!("{} for {}: {} ({})", e.kind, e.applies_to, e.detail, e.note),
            ));
        }
    }
    for s in projection
        .pricing_sources
        .iter()
        .filter(|s| !s.used_by.is_empty())
    {
        rows.push(row(
            "pricing_source",
            "",
            String::new(),
            "",
            "",
            format!(
                "{} ({}, as of {}): {}",
                s.table, s.provider, s.as_of, s.source
            ),
        ));
    }
    let mut header = vec![
        "kind",
        "route",
        "month",
        "traffic",
        "model",
        "item",
        "tokens",
        "usd_per_mtok",
        "usd",
    ];
    if with_surface {
        header.push("surface");
        for r in &mut rows {
            r.resize(10, String::new());
        }
    }
    csv_text(&header, rows).map_err(RenderError::from)
}

fn table(p: &Projection) -> String {
    let mut out = format!(
        "Cost projection: {} month{}, traffic growing {} a month (USD, offline prices; see assumptions)\n\n",
        p.horizon_months,
        if p.horizon_months == 1 { "" } else { "s" },
        percent(p.monthly_growth)
    );
    let own: Vec<String> = p
        .streams
        .iter()
        .filter(|s| !s.is_default())
        .map(|s| {
            format!(
                "{} ({} a month from month {})",
                s.traffic,
                percent(s.monthly_growth),
                s.start_month
            )
        })
        .collect();
    if !own.is_empty() {
        out.truncate(out.len() - 1);
        out.push_str(&format!(
            "Streams with their own growth or start: {}\n\n",
            own.join(", ")
        ));
    }
    let last = p.horizon_months;
    let mut header = vec!["route".to_string(), "month 1".to_string()];
    if last > 1 {
        header.push(format!("month {last}"));
    }
    header.push(format!(
        "total ({last} month{})",
        if last == 1 { "" } else { "s" }
    ));
    let mut rows = Vec::new();
    let mut unpriced = Vec::new();
    for r in &p.routes {
        match r.total_usd {
            Some(total) => {
                let month = |i: usize| {
                    r.months
                        .get(i)
                        .and_then(|m| m.total_usd)
                        .map_or("-".to_string(), |t| format_usd(&t.to_string()))
                };
                let mut row = vec![r.id.clone(), month(0)];
                if last > 1 {
                    row.push(month(last as usize - 1));
                }
                row.push(format_usd(&total.to_string()));
                rows.push(row);
            }
            None => unpriced.push(r),
        }
    }
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    out.push_str(&text_table(&header_refs, &rows));
    for r in unpriced {
        for u in &r.unserved {
            out.push_str(&format!(
                "{}: cannot price `{}` ({}): {}\n",
                r.id, u.traffic, u.model, u.reason
            ));
        }
    }
    for r in &p.routes {
        for plan in &r.plans {
            out.push_str(&plan_text(r, plan));
        }
    }
    out.push_str(&surfaces_table(p));
    if !p.warnings.is_empty() {
        out.push_str("\nWarnings:\n");
        for w in &p.warnings {
            out.push_str(&format!("- {w}\n"));
        }
    }
    if !p.eliminated.is_empty() {
        out.push_str("\nLeft out (eliminated by the answers):\n");
        for e in &p.eliminated {
            out.push_str(&format!("- {}: {}\n", e.id, e.codes.join(", ")));
        }
    }
    if let Some(book) = &p.price_book {
        out.push_str(&format!("\nPrice book {}:\n", book.file));
        for e in &book.entries {
            out.push_str(&format!(
                "- {} for {}: {} ({})\n",
                e.kind, e.applies_to, e.detail, e.note
            ));
        }
    }
    out.push_str("\nAssumptions:\n");
    for a in &p.assumptions {
        out.push_str(&format!("- {a}\n"));
    }
    out.push_str("\nPricing sources:\n");
    for s in p.pricing_sources.iter().filter(|s| !s.used_by.is_empty()) {
        out.push_str(&format!(
            "- {} ({}, as of {}): {}\n",
            s.table, s.provider, s.as_of, s.source
        ));
    }
    out
}

/// A sweep as a terminal table: one row per value, one column per route.
pub fn sweep_table(sweep: &crate::outputs::projection::sweep::Sweep) -> String {
    let mut header = vec![sweep.parameter.clone()];
    header.extend(sweep.routes.iter().map(|r| r.id.clone()));
    let rows: Vec<Vec<String>> =
        sweep
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let mut row = vec![format_count(&v.to_string())];
                row.extend(sweep.routes.iter().map(|r| {
                    r.monthly_usd[i].map_or("-".to_string(), |u| format_usd(&u.to_string()))
                }));
                row
            })
            .collect();
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut out = format!(
        "Monthly cost (month {}, USD) as {} varies\n\n",
        sweep.month, sweep.parameter
    );
    out.push_str(&text_table(&header_refs, &rows));
    if !sweep.warnings.is_empty() {
        out.push_str("\nWarnings:\n");
        for w in &sweep.warnings {
            out.push_str(&format!("- {w}\n"));
        }
    }
    if !sweep.crossings.is_empty() {
        out.push_str("\nWhere the cheaper route changes:\n");
        for c in &sweep.crossings {
            let between = format!(
                "between {} and {}",
                format_count(&c.between[0].to_string()),
                format_count(&c.between[1].to_string())
            );
            out.push_str(&match &c.cheaper_below {
                Some(below) => format!(
                    "- {between} (about {}): {below} is cheaper below, {} above\n",
                    format_count(&c.at.round_dp(0).to_string()),
                    c.cheaper_above
                ),
                None => format!(
                    "- {between}: both cost the same below, {} is cheaper above\n",
                    c.cheaper_above
                ),
            });
        }
    }
    out
}

/// Each surface's own routes, then the recommended portfolio line by line; empty without
/// surfaces.
fn surfaces_table(p: &Projection) -> String {
    let Some(portfolio) = &p.portfolio else {
        return String::new();
    };
    let last = p.horizon_months as usize;
    let usd = |v: Option<Decimal>| v.map_or("-".to_string(), |t| format_usd(&t.to_string()));
    let mut header = vec!["route".to_string(), "month 1".to_string()];
    if last > 1 {
        header.push(format!("month {last}"));
    }
    header.push(format!(
        "total ({last} month{})",
        if last == 1 { "" } else { "s" }
    ));
    let mut out = String::new();
    for s in &p.surfaces {
        out.push_str(&format!(
            "\nSurface `{}` ({}): its own traffic on the routes its answers allow; portfolio route: {}\n",
            s.name,
            s.traffic.join(", "),
            s.route.as_deref().unwrap_or("none")
        ));
        let rows: Vec<Vec<String>> = s
            .routes
            .iter()
            .map(|r| {
                let month = |i: usize| usd(r.months.get(i).and_then(|m| m.total_usd));
                let mark = if s.route.as_deref() == Some(r.id.as_str()) {
                    " *"
                } else {
                    ""
                };
                let mut row = vec![format!("{}{mark}", r.id), month(0)];
                if last > 1 {
                    row.push(month(last - 1));
                }
                row.push(
                    r.total_usd
                        .map_or("cannot price all traffic".to_string(), |t| {
                            format_usd(&t.to_string())
                        }),
                );
                row
            })
            .collect();
        let refs: Vec<&str> = header.iter().map(String::as_str).collect();
        out.push_str(&text_table(&refs, &rows));
        for r in &s.routes {
            for u in &r.unserved {
                out.push_str(&format!(
                    "{}: cannot price `{}` ({}): {}\n",
                    r.id, u.traffic, u.model, u.reason
                ));
            }
        }
        if !s.eliminated.is_empty() {
            out.push_str(&format!(
                "Left out for `{}`: {}\n",
                s.name,
                s.eliminated
                    .iter()
                    .map(|e| format!("{} ({})", e.id, e.codes.join(", ")))
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }
    }
    out.push_str(&format!(
        "\nPortfolio ({}): each surface on its route, plus the gateway\n",
        match portfolio.verdict {
            crate::engine::portfolio::Verdict::Portfolio => "the surfaces' own choices",
            crate::engine::portfolio::Verdict::SingleRoute => "one route for every surface",
            crate::engine::portfolio::Verdict::NoRoute => "some surface has no viable route",
        }
    ));
    let mut header = vec![
        "line".to_string(),
        "route".to_string(),
        "month 1".to_string(),
    ];
    if last > 1 {
        header.push(format!("month {last}"));
    }
    header.push(format!(
        "total ({last} month{})",
        if last == 1 { "" } else { "s" }
    ));
    let mut rows: Vec<Vec<String>> = portfolio
        .lines
        .iter()
        .map(|l| {
            let mut row = vec![
                format!("{} {}", l.kind, l.name),
                l.route.clone(),
                usd(l.months.first().copied().flatten()),
            ];
            if last > 1 {
                row.push(usd(l.months.get(last - 1).copied().flatten()));
            }
            row.push(match (l.kind, l.total_usd) {
                ("gateway", None) => "not set (excluded)".into(),
                (_, t) => usd(t),
            });
            row
        })
        .collect();
    let mut total = vec![
        "portfolio total".to_string(),
        String::new(),
        usd(portfolio.months.first().and_then(|m| m.total_usd)),
    ];
    if last > 1 {
        total.push(usd(portfolio
            .months
            .get(last - 1)
            .and_then(|m| m.total_usd)));
    }
    total.push(usd(portfolio.total_usd));
    rows.push(total);
    let refs: Vec<&str> = header.iter().map(String::as_str).collect();
    out.push_str(&text_table(&refs, &rows));
    out
}

/// One traffic entry's purchase plan: what to buy, month by month what it costs (the
/// month's printed lines for that traffic, so the total is the sum of the months), and when
/// it pays off.
fn plan_text(route: &RouteProjection, plan: &TrafficPlan) -> String {
    // The stream's first month with traffic (month 1 unless it starts later).
    let (first_month, first) = route
        .months
        .iter()
        .find_map(|m| {
            m.sizing
                .iter()
                .find(|s| s.traffic == plan.traffic)
                .map(|s| (m.month, s))
        })
        .unzip();
    let first_month = first_month.unwrap_or(1);
    let mut out = format!(
        "\nProvisioned purchase plan, {} / {} ({}){}:\n",
        route.id,
        plan.traffic,
        plan.model,
        first
            .map(|s| format!(
                ": peak {} tokens/min in month {first_month}; {} tokens/min per unit{}",
                format_count(&s.peak_tokens_per_minute.to_string()),
                format_count(&s.capacity_per_unit.to_string()),
                if s.capacity_assumed { " (assumed)" } else { "" }
            ))
            .unwrap_or_default()
    );
    if plan.plan.purchases.is_empty() {
        out.push_str(&format!(
            "- buy nothing: all on demand is cheapest over the {} months\n",
            route.months.len()
        ));
    }
    for h in &plan.plan.purchases {
        out.push_str(&format!("- buy {}\n", h.describe()));
    }
    let mut rows = Vec::new();
    let (mut provisioned_sum, mut other_sum) = (Decimal::ZERO, Decimal::ZERO);
    for (month, planned) in route.months.iter().zip(&plan.plan.months) {
        let lines = month.items.iter().filter(|i| i.traffic == plan.traffic);
        let (provisioned, other): (Vec<_>, Vec<_>) =
            lines.partition(|i| i.name.starts_with("provisioned:"));
        let provisioned: Decimal = provisioned.iter().map(|i| i.usd).sum();
        let other: Decimal = other.iter().map(|i| i.usd).sum();
        provisioned_sum += provisioned;
        other_sum += other;
        rows.push(vec![
            month.month.to_string(),
            planned.units.to_string(),
            planned
                .utilisation
                .map_or("-".to_string(), |u| percent(u.round_dp(4))),
            format_usd(&provisioned.to_string()),
            format_usd(&other.to_string()),
            format_usd(&(provisioned + other).to_string()),
        ]);
    }
    rows.push(vec![
        "total".to_string(),
        String::new(),
        String::new(),
        format_usd(&provisioned_sum.to_string()),
        format_usd(&other_sum.to_string()),
        format_usd(&(provisioned_sum + other_sum).to_string()),
    ]);
    out.push_str(&text_table(
        &[
            "month",
            "units",
            "utilisation",
            "provisioned",
            "on demand",
            "total",
        ],
        &rows,
    ));
    let saving = round_cents(plan.plan.all_on_demand_usd - plan.plan.plan_usd);
    out.push_str(&match plan.plan.pays_off_from_month {
        Some(month) => format!(
            "Provisioned pays off from month {month}: from then on the plan's cumulative cost stays below all on demand; it saves about {} over {} months against all on demand (interactive traffic, before rounding).\n",
            format_usd(&saving.to_string()),
            route.months.len()
        ),
        None => format!(
            "Provisioned does not pay off within {} months: all on demand is cheapest for the interactive traffic.\n",
            route.months.len()
        ),
    });
    if let Some(s) = first {
        for be in &s.break_even {
            out.push_str(&format!(
                "  break-even of one unit in month {first_month}, {}: {}\n",
                be.commitment.label(),
                match be.tokens_per_month {
                    Some(t) => format!(
                        "{} interactive tokens a month ({} a month of on-demand spend)",
                        format_count(&t.to_string()),
                        format_usd(&be.on_demand_usd_per_month.round_dp(2).to_string())
                    ),
                    None => format!(
                        "never: one fully used unit ({} a month) costs more than its traffic on demand",
                        format_usd(&be.unit_monthly_usd.round_dp(2).to_string())
                    ),
                }
            ));
        }
    }
    out
}
/// The CSV cells every priced line ends with: whole tokens, unit price and amount; shared
/// by the cost and replay CSVs so both print a line item the same way.
pub fn line_cells(item: &crate::engine::cost::LineItem) -> [String; 3] {
    [
        item.tokens
            .map(|t| crate::support::money::whole(t).to_string())
            .unwrap_or_default(),
        item.usd_per_mtok.map(|p| p.to_string()).unwrap_or_default(),
        item.usd.to_string(),
    ]
}
