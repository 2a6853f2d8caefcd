//! Renderers of a usage replay: a terminal table, CSV (one row per route, model and line
//! item), Markdown (the `replay.md.j2` template) and JSON.

use minijinja::Value;
use rust_decimal::Decimal;

use crate::outputs::formats::CostFormat;
use crate::outputs::projection::render::json;
use crate::outputs::render_error::RenderError;
use crate::outputs::replay::Replay;
use crate::outputs::replay::reconcile::{ReconcileRow, Reconciliation};
use crate::outputs::templates::Templates;
use crate::support::csv_text::csv_text;
use crate::support::money::percent;
use crate::support::money::{format_count, format_usd};
use crate::support::table::text_table;

pub fn render(
    replay: &Replay,
    format: CostFormat,
    templates: &Templates,
) -> Result<String, RenderError> {
    match format {
        CostFormat::Json => json(replay),
        CostFormat::Csv => csv(replay),
        CostFormat::Table => Ok(table(replay)),
        CostFormat::Html => crate::outputs::replay::html::render(replay, templates),
        CostFormat::Markdown => {
            let mut text =
                templates.render("replay.md.j2", Value::from(minijinja::value::Serde(replay)))?;
            if !text.ends_with('\n') {
                text.push('\n');
            }
            Ok(text)
        }
    }
}

/// One row per route and line item (`kind` = `line`), then the rows that are not amounts, so
/// that nothing the other formats say is dropped: `unpriceable` (a model a route cannot price,
/// with the reason), `unknown_model` (with its row count), `observed_route` (list price,
/// billed amount and their difference per route the log names) and
/// `observed_route_elsewhere` (that traffic on each replayed route), `skipped_row`, `eliminated`,
/// `assumption`, `price_book` and `pricing_source`. Their text is in `item`.
fn csv(replay: &Replay) -> Result<String, RenderError> {
    let row = |kind: &str, route: &str, model: &str, item: String| {
        vec![
            kind.to_string(),
            route.to_string(),
            model.to_string(),
            item,
            String::new(),
            String::new(),
            String::new(),
        ]
    };
    let mut rows: Vec<Vec<String>> = Vec::new();
    for route in &replay.routes {
        for item in &route.items {
            rows.push(
                [
                    "line".to_string(),
                    route.id.clone(),
                    item.model.clone(),
                    item.name.clone(),
                ]
                .into_iter()
                .chain(crate::outputs::projection::render::line_cells(item))
                .collect(),
            );
        }
    }
    for route in &replay.routes {
        for m in &route.by_model {
            if let Some(reason) = &m.reason {
                rows.push(row("unpriceable", &route.id, &m.model, reason.clone()));
            }
        }
    }
    for u in &replay.unknown_models {
        rows.push(row(
            "unknown_model",
            "",
            &u.model,
            format!(
                "{} row{} with a model no pricing table knows, not priced",
                u.rows,
                if u.rows == 1 { "" } else { "s" }
            ),
        ));
    }
    for o in &replay.observed_routes {
        let amount = |kind: &str, item: String, usd: Option<Decimal>, reason: Option<&String>| {
            let mut r = row(kind, &o.route, "", item);
            match (usd, reason) {
                (Some(usd), _) => r[6] = usd.to_string(),
                (None, Some(reason)) => r[3] = format!("{}: {reason}", r[3]),
                (None, None) => r[3] = format!("{}: not in the log", r[3]),
            }
            r
        };
        rows.push(amount(
            "observed_route",
            format!("list price there ({} rows)", o.rows),
            o.list_usd,
            o.list_reason.as_ref(),
        ));
        rows.push(amount(
            "observed_route",
            "billed (log)".into(),
            o.billed_usd,
            None,
        ));
        if let Some(difference) = o.difference_usd {
            rows.push(amount(
                "observed_route",
                "billed - list".into(),
                Some(difference),
                None,
            ));
        }
        for c in &o.elsewhere {
            rows.push(amount(
                "observed_route_elsewhere",
                format!("on {}", c.route),
                c.usd,
                c.reason.as_ref(),
            ));
        }
    }
    if let Some(rec) = &replay.reconciliation {
        for r in rec.rows.iter().chain(&rec.subtotals) {
            let item = format!("{} {}", r.month, r.token_type);
            let mut log = row("reconcile_replay", &r.scope, &r.model, item.clone());
            log[4] = r.log_tokens.to_string();
            match (r.replay_usd, &r.replay_reason) {
                (Some(usd), _) => log[6] = usd.to_string(),
                (None, reason) => {
                    log[3] = format!("{item}: {}", reason.as_deref().unwrap_or("cannot price"))
                }
            }
            rows.push(log);
            let mut billed = row("reconcile_billed", &r.scope, &r.model, item.clone());
            billed[4] = r.bill_tokens.map(|t| t.to_string()).unwrap_or_default();
            billed[6] = r.billed_usd.to_string();
            rows.push(billed);
            if let Some(difference) = r.difference_usd {
                let gap = r.gap.map_or("no gap: replay is zero".to_owned(), |g| {
                    format!(
                        "gap {}%",
                        (g * Decimal::ONE_HUNDRED).round_dp(4).normalize()
                    )
                });
                let mut d = row(
                    "reconcile_difference",
                    &r.scope,
                    &r.model,
                    format!("{item}: {gap}"),
                );
                d[6] = difference.to_string();
                rows.push(d);
            }
        }
        for u in &rec.unattributed {
            let mut r = row(
                "reconcile_unattributed",
                "",
                "",
                format!("{} {} ({} lines): {}", u.month, u.item, u.lines, u.reason),
            );
            r[4] = u.tokens.map(|t| t.to_string()).unwrap_or_default();
            r[6] = u.usd.to_string();
            rows.push(r);
        }
        let mut total = row("reconcile_total", "", "", "bill total".into());
        total[6] = rec.billed_total_usd.to_string();
        rows.push(total);
        for w in &rec.warnings {
            rows.push(row("reconcile_warning", "", "", w.clone()));
        }
        for s in &rec.skipped {
            rows.push(row("reconcile_skipped_line", "", "", s.clone()));
        }
    }
    for s in &replay.skipped {
        rows.push(row("skipped_row", "", "", s.clone()));
    }
    for e in &replay.eliminated {
        rows.push(row(
            "eliminated",
            &e.id,
            "",
            format!("eliminated by {}", e.codes.join(", ")),
        ));
    }
    for a in &replay.assumptions {
        rows.push(row("assumption", "", "", a.clone()));
    }
    if let Some(book) = &replay.price_book {
        for e in &book.entries {
            rows.push(row(
                "price_book",
                "",
                "",
                format!("{} for {}: {} ({})", e.kind, e.applies_to, e.detail, e.note),
            ));
        }
    }
    for s in replay
        .pricing_sources
        .iter()
        .filter(|s| !s.used_by.is_empty())
    {
        rows.push(row(
            "pricing_source",
            "",
            "",
            format!(
                "{} ({}, as of {}): {}",
                s.table, s.provider, s.as_of, s.source
            ),
        ));
    }
    csv_text(
        &[
            "kind",
            "route",
            "model",
            "item",
            "tokens",
            "usd_per_mtok",
            "usd",
        ],
        rows,
    )
    .map_err(RenderError::from)
}

/// One row per observed route: list price there, billed, the difference and the cheapest
/// replayed route for the same traffic.
fn observed_routes_table(r: &Replay) -> String {
    let usd = |v: Option<Decimal>| v.map_or("-".to_string(), |u| format_usd(&u.to_string()));
    let rows: Vec<Vec<String>> = r
        .observed_routes
        .iter()
        .map(|o| {
            let cheapest = o
                .elsewhere
                .iter()
                .filter_map(|c| c.usd.map(|u| (u, c.route.as_str())))
                .min();
            vec![
                o.route.clone(),
                format_count(&o.rows.to_string()),
                usd(o.list_usd),
                usd(o.billed_usd),
                usd(o.difference_usd),
                cheapest.map_or("-".to_string(), |(u, route)| {
                    format!("{route} {}", format_usd(&u.to_string()))
                }),
            ]
        })
        .collect();
    let mut out = text_table(
        &[
            "observed route",
            "rows",
            "list price there",
            "billed (log)",
            "billed - list",
            "cheapest replayed route",
        ],
        &rows,
    );
    for o in &r.observed_routes {
        if let Some(reason) = &o.list_reason {
            out.push_str(&format!("{}: no list price: {reason}\n", o.route));
        }
        if o.unknown_model_rows > 0 {
            out.push_str(&format!(
                "{}: {} rows name models no pricing table knows; they are in no price above\n",
                o.route,
                format_count(&o.unknown_model_rows.to_string())
            ));
        }
        if o.billed_usd.is_some() && o.billed_rows < o.rows {
            out.push_str(&format!(
                "{}: only {} of {} rows carry a billed amount\n",
                o.route,
                format_count(&o.billed_rows.to_string()),
                format_count(&o.rows.to_string())
            ));
        }
    }
    out
}

/// The reconciliation: per month, scope, model and token type, then each model's subtotal,
/// the totals (attributed + unattributed = the bill), the unattributed lines and warnings.
fn reconciliation_table(rec: &Reconciliation) -> String {
    let usd = |v: Option<Decimal>| v.map_or("-".to_string(), |u| format_usd(&u.to_string()));
    let tokens = |v: Option<Decimal>| v.map_or("-".to_string(), |t| format_count(&t.to_string()));
    let gap = |v: Option<Decimal>| {
        v.map_or("-".to_string(), |g| {
            format!("{:+}%", (g * Decimal::ONE_HUNDRED).round_dp(2).normalize())
        })
    };
    let mut out = format!(
        "\nReconciliation against {} ({}, {} lines{}; warning above {}%):\n",
        rec.bill,
        rec.format,
        format_count(&rec.lines.to_string()),
        if rec.skipped_rows > 0 {
            format!(", {} bad lines skipped", rec.skipped_rows)
        } else {
            String::new()
        },
        (rec.threshold * Decimal::ONE_HUNDRED).normalize()
    );
    let line = |r: &ReconcileRow| {
        vec![
            r.month.clone(),
            r.scope.clone(),
            r.model.clone(),
            r.token_type.clone(),
            format_count(&r.log_tokens.to_string()),
            tokens(r.bill_tokens),
            usd(r.replay_usd),
            format_usd(&r.billed_usd.to_string()),
            usd(r.difference_usd),
            gap(r.gap),
        ]
    };
    let mut rows: Vec<Vec<String>> = Vec::new();
    for sub in &rec.subtotals {
        for r in rec
            .rows
            .iter()
            .filter(|r| r.month == sub.month && r.scope == sub.scope && r.model == sub.model)
        {
            rows.push(line(r));
        }
        rows.push(line(sub));
    }
    out.push_str(&text_table(
        &[
            "month",
            "billed as",
            "model",
            "tokens",
            "log tokens",
            "bill tokens",
            "replay (list)",
            "billed",
            "billed - replay",
            "gap",
        ],
        &rows,
    ));
    out.push_str(&format!(
        "Compared: billed {} against replay {}: {} ({})\n",
        format_usd(&rec.billed_attributed_usd.to_string()),
        format_usd(&rec.replay_usd.to_string()),
        format_usd(&rec.difference_usd.to_string()),
        gap(rec.gap)
    ));
    out.push_str(&format!(
        "Bill total {} = compared {} + unattributed {}\n",
        format_usd(&rec.billed_total_usd.to_string()),
        format_usd(&rec.billed_attributed_usd.to_string()),
        format_usd(&rec.billed_unattributed_usd.to_string())
    ));
    if !rec.unattributed.is_empty() {
        out.push_str("\nUnattributed bill lines (not compared, kept in the bill total):\n");
        let rows: Vec<Vec<String>> = rec
            .unattributed
            .iter()
            .map(|u| {
                vec![
                    u.month.clone(),
                    u.item.clone(),
                    format_count(&u.lines.to_string()),
                    format_usd(&u.usd.to_string()),
                    u.reason.clone(),
                ]
            })
            .collect();
        out.push_str(&text_table(
            &["month", "item", "lines", "billed", "why"],
            &rows,
        ));
    }
    if !rec.warnings.is_empty() {
        out.push_str("\nReconciliation warnings:\n");
        for w in &rec.warnings {
            out.push_str(&format!("- {w}\n"));
        }
    }
    if !rec.skipped.is_empty() {
        out.push_str("\nSkipped bill lines (first few):\n");
        for s in &rec.skipped {
            out.push_str(&format!("{s}\n"));
        }
    }
    out
}

fn table(r: &Replay) -> String {
    let mut out = format!(
        "Usage replay of {} ({}): {} rows{}, {} minutes from {}, peak {} tokens/min\n\n",
        r.file,
        r.format,
        format_count(&r.rows.to_string()),
        if r.skipped_rows > 0 {
            format!(" ({} bad rows skipped)", r.skipped_rows)
        } else {
            String::new()
        },
        format_count(&r.observed.minutes.to_string()),
        r.observed.first_minute.as_deref().unwrap_or("-"),
        format_count(&r.observed.peak_tokens_per_minute.to_string()),
    );
    let models: Vec<&str> = r.observed.models.iter().map(|m| m.model.as_str()).collect();
    let mut header = vec!["route".to_string()];
    header.extend(models.iter().map(|m| (*m).to_string()));
    header.push("total".into());
    let rows: Vec<Vec<String>> = r
        .routes
        .iter()
        .map(|route| {
            let mut row = vec![route.id.clone()];
            for model in &models {
                let cell = route.by_model.iter().find(|m| m.model == *model).map_or(
                    "-".to_string(),
                    |m| {
                        m.usd
                            .map_or("cannot price".to_string(), |u| format_usd(&u.to_string()))
                    },
                );
                row.push(cell);
            }
            row.push(
                route
                    .total_usd
                    .map_or("-".to_string(), |t| format_usd(&t.to_string())),
            );
            row
        })
        .collect();
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    out.push_str(&text_table(&header_refs, &rows));
    for route in &r.routes {
        for m in route.by_model.iter().filter(|m| m.reason.is_some()) {
            out.push_str(&format!(
                "{}: cannot price {}: {}\n",
                route.id,
                m.model,
                m.reason.as_deref().unwrap_or_default()
            ));
        }
    }
    if !r.observed_routes.is_empty() {
        out.push_str("\nObserved routes (as the log names them):\n");
        out.push_str(&observed_routes_table(r));
    }
    if !r.unknown_models.is_empty() {
        out.push_str("\nUnknown models (not priced anywhere):\n");
        for u in &r.unknown_models {
            out.push_str(&format!(
                "- {}: {} rows\n",
                u.model,
                format_count(&u.rows.to_string())
            ));
        }
    }
    for route in &r.routes {
        for s in &route.sizing {
            let chosen = s.chosen.describe();
            out.push_str(&format!(
                "\nProvisioned sizing on {} for {}: {chosen}; observed peak {} tokens/min{}\n",
                route.id,
                s.model,
                format_count(&s.peak_tokens_per_minute.to_string()),
                s.utilisation
                    .map(|u| format!("; utilisation {}", percent(u)))
                    .unwrap_or_default()
            ));
        }
    }
    if let Some(rec) = &r.reconciliation {
        out.push_str(&reconciliation_table(rec));
    }
    if !r.skipped.is_empty() {
        out.push_str("\nSkipped rows (first few):\n");
        for s in &r.skipped {
            out.push_str(&format!("{s}\n"));
        }
    }
    out.push_str("\nAssumptions:\n");
    for a in &r.assumptions {
        out.push_str(&format!("- {a}\n"));
    }
    out
}
