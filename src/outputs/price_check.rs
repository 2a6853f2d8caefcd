//! The text of `routewise prices check`: every compared price with its status, then what is
//! missing on either side, then one summary line.

use crate::data::price_feed::FeedFormat;
use crate::engine::price_drift::DriftReport;
use crate::support::table::text_table;

fn percent(gap: rust_decimal::Decimal) -> String {
    format!(
        "{}%",
        (gap * rust_decimal::Decimal::ONE_HUNDRED)
            .round_dp(2)
            .normalize()
    )
}

/// Renders `report`; `file` is the list as the user named it.
pub fn render(report: &DriftReport, format: FeedFormat, file: &str) -> String {
    let mut out = format!(
        "Prices compared with {file} ({}), USD per million tokens\n\n",
        format.name()
    );
    let mut all: Vec<_> = report
        .differences
        .iter()
        .map(|c| (c, "DIFFERS"))
        .chain(report.agreements.iter().map(|c| (c, "agrees")))
        .collect();
    all.sort_by(|a, b| {
        (&a.0.table, &a.0.model, &a.0.category).cmp(&(&b.0.table, &b.0.model, &b.0.category))
    });
    let rows: Vec<Vec<String>> = all
        .iter()
        .map(|(c, status)| {
            vec![
                c.table.clone(),
                c.model.clone(),
                c.category.to_string(),
                c.ours.to_string(),
                c.theirs.to_string(),
                percent(c.gap),
                (*status).to_string(),
                c.key.clone(),
            ]
        })
        .collect();
    out.push_str(&text_table(
        &[
            "table",
            "model",
            "category",
            "routewise",
            "list",
            "gap",
            "status",
            "list key",
        ],
        &rows,
    ));
    let section = |out: &mut String, title: &str, lines: Vec<String>| {
        if !lines.is_empty() {
            out.push_str(&format!("\n{title} ({}):\n", lines.len()));
            for line in lines {
                out.push_str(&format!("  {line}\n"));
            }
        }
    };
    section(
        &mut out,
        "Priced by routewise, not in the list",
        report
            .missing_in_feed
            .iter()
            .map(|(t, m)| format!("{t}: {m}"))
            .collect(),
    );
    section(
        &mut out,
        "Token categories priced by routewise, absent from the list's entry",
        report
            .category_missing_in_feed
            .iter()
            .map(|(t, m, c)| format!("{t}: {m} {c}"))
            .collect(),
    );
    section(
        &mut out,
        "In the list under a table's prefix, not priced by routewise",
        report
            .missing_in_routewise
            .iter()
            .map(|(t, k)| format!("{t}: {k}"))
            .collect(),
    );
    section(
        &mut out,
        "Tables not compared (no mapping to this list)",
        report.not_compared.clone(),
    );
    out.push_str(&format!(
        "\n{} agree, {} differ, {} models missing from the list, {} list models not priced by routewise\n",
        report.agreements.len(),
        report.differences.len(),
        report.missing_in_feed.len(),
        report.missing_in_routewise.len()
    ));
    out
}
