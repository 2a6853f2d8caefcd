//! Renderers of a cost projection: a terminal table, CSV for spreadsheets (one row per
//! route, month and line item), Markdown (the `cost.md.j2` template) and JSON.

use minijinja::Value;

use crate::outputs::formats::CostFormat;
use crate::outputs::projection::Projection;
use crate::outputs::templates::Templates;
use crate::support::csv_text::csv_text;
use crate::support::diagnostic::Diagnostic;
use crate::support::money::percent;
use crate::support::money::{format_count, format_usd};
use crate::support::table::text_table;

pub fn render(
    projection: &Projection,
    format: CostFormat,
    templates: &Templates,
) -> Result<String, Diagnostic> {
    match format {
        CostFormat::Json => json(projection),
        CostFormat::Csv => csv(projection),
        CostFormat::Table => Ok(table(projection)),
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
pub fn json<T: serde::Serialize>(value: &T) -> Result<String, Diagnostic> {
    serde_json::to_string_pretty(value)
        .map(|s| s + "\n")
        .map_err(|e| Diagnostic::plain(format!("serialising the output failed: {e}")))
}

fn csv(projection: &Projection) -> Result<String, Diagnostic> {
    let rows = projection.routes.iter().flat_map(|route| {
        route.months.iter().flat_map(move |month| {
            month.items.iter().map(move |item| {
                vec![
                    route.id.clone(),
                    month.month.to_string(),
                    item.traffic.clone(),
                    item.model.clone(),
                    item.name.clone(),
                    item.tokens.map(|t| t.to_string()).unwrap_or_default(),
                    item.usd_per_mtok.map(|p| p.to_string()).unwrap_or_default(),
                    item.usd.to_string(),
                ]
            })
        })
    });
    csv_text(
        &[
            "route",
            "month",
            "traffic",
            "model",
            "item",
            "tokens",
            "usd_per_mtok",
            "usd",
        ],
        rows,
    )
}

fn table(p: &Projection) -> String {
    let mut out = format!(
        "Cost projection: {} month{}, traffic growing {} a month (USD, offline prices; see assumptions)\n\n",
        p.horizon_months,
        if p.horizon_months == 1 { "" } else { "s" },
        percent(p.monthly_growth)
    );
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
    let sizing: Vec<_> = p
        .routes
        .iter()
        .flat_map(|r| {
            r.months
                .first()
                .into_iter()
                .flat_map(move |m| m.sizing.iter().map(move |s| (r, s)))
        })
        .collect();
    if !sizing.is_empty() {
        out.push_str("\nProvisioned sizing (month 1):\n");
        for (r, s) in sizing {
            let chosen = s.chosen.describe();
            out.push_str(&format!(
                "- {} / {} ({}): {chosen}; peak {} tokens/min; {} tokens/min per unit{}{}\n",
                r.id,
                s.traffic,
                s.model,
                format_count(&s.peak_tokens_per_minute.to_string()),
                format_count(&s.capacity_per_unit.to_string()),
                if s.capacity_assumed { " (assumed)" } else { "" },
                s.utilisation
                    .map(|u| format!("; utilisation {}", percent(u.round_dp(4))))
                    .unwrap_or_default()
            ));
            for be in &s.break_even {
                out.push_str(&format!(
                    "    break-even, {}: {}\n",
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
        "Monthly cost (month 1, USD) as {} varies\n\n",
        sweep.parameter
    );
    out.push_str(&text_table(&header_refs, &rows));
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
