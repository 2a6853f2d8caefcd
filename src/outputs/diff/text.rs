//! The plain-text rendering of a diff, for terminals and CI logs. A pure function of the
//! diff; the Markdown form for pull-request comments is the `diff.md.j2` template.

use std::fmt::Write;

use crate::outputs::diff::Diff;

/// The widest a name column is padded to, in characters. Names come from the reports, so
/// their length is the user's: padding to a 65,536-character name would panic in `format!`
/// (its width is a `u16`), and padding every line to a long one would multiply the output.
const MAX_COLUMN_WIDTH: usize = 48;

/// The padded width of a column of names: the longest name, at most [`MAX_COLUMN_WIDTH`].
fn column_width<'a>(names: impl Iterator<Item = &'a str>) -> usize {
    names
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(0)
        .min(MAX_COLUMN_WIDTH)
}

/// Renders the diff as text ending with a newline.
pub fn render(diff: &Diff) -> String {
    let mut out = String::new();
    let id = |r: &Option<String>| match r {
        Some(id) => id.clone(),
        None => "no route".into(),
    };
    let _ = writeln!(out, "routewise diff: {} → {}", diff.base, diff.new);
    let _ = writeln!(out);
    let r = &diff.recommendation;
    if r.changed {
        let _ = writeln!(
            out,
            "recommended route: {} → {} (changed)",
            id(&r.base),
            id(&r.new)
        );
    } else {
        let _ = writeln!(out, "recommended route: {} (unchanged)", id(&r.new));
    }
    for s in &diff.surfaces {
        let whole = s.whole.as_ref().map_or(String::new(), |w| {
            format!(
                " (served whole as {} in the {} report)",
                w.surface, w.report
            )
        });
        if s.changed {
            let _ = writeln!(
                out,
                "surface {}{whole}: {} → {} (changed)",
                s.surface,
                id(&s.base),
                id(&s.new)
            );
        } else {
            let _ = writeln!(
                out,
                "surface {}{whole}: {} (unchanged)",
                s.surface,
                id(&s.new)
            );
        }
    }
    if let Some(cost) = &diff.decision_cost {
        let _ = writeln!(
            out,
            "monthly cost of the recommended route: {}",
            cost.summary
        );
    }

    let nothing_moved = diff.routes.is_empty()
        && diff.warnings.added.is_empty()
        && diff.warnings.removed.is_empty()
        && diff.pricing_tables.is_empty();
    if nothing_moved && !r.changed {
        let _ = writeln!(
            out,
            "no other change: the same routes, scores, costs, warnings and pricing dates"
        );
    }
    if !diff.routes.is_empty() {
        let _ = writeln!(
            out,
            "\nroutes ({} changed, {} unchanged):",
            diff.routes.len(),
            diff.unchanged_routes
        );
        let width = column_width(diff.routes.iter().map(|r| r.id.as_str()));
        for route in &diff.routes {
            let _ = writeln!(out, "  {:width$}  {}", route.id, route.summary);
        }
    }
    if !diff.warnings.added.is_empty() || !diff.warnings.removed.is_empty() {
        let mut parts = Vec::new();
        if !diff.warnings.added.is_empty() {
            parts.push(format!("added {}", diff.warnings.added.join(", ")));
        }
        if !diff.warnings.removed.is_empty() {
            parts.push(format!("removed {}", diff.warnings.removed.join(", ")));
        }
        let _ = writeln!(out, "\nwarnings: {}", parts.join("; "));
    }
    if !diff.pricing_tables.is_empty() {
        let _ = writeln!(out, "\npricing tables:");
        let width = column_width(diff.pricing_tables.iter().map(|t| t.table.as_str()));
        for t in &diff.pricing_tables {
            let line = match (&t.base_as_of, &t.new_as_of) {
                (Some(b), Some(n)) => format!("as of {b} → {n}"),
                (None, Some(n)) => format!("added (as of {n})"),
                (Some(b), None) => format!("removed (was as of {b})"),
                (None, None) => continue,
            };
            let _ = writeln!(out, "  {:width$}  {line}", t.table);
        }
    }
    if let Some(age) = &diff.pricing_age {
        if age.stale.is_empty() {
            let _ = writeln!(
                out,
                "\npricing age: every table in use is at most {} days old on {}",
                age.max_days, age.today
            );
        } else {
            let _ = writeln!(
                out,
                "\nstale pricing (more than {} days old on {}):",
                age.max_days, age.today
            );
            let width = column_width(age.stale.iter().map(|t| t.table.as_str()));
            for t in &age.stale {
                let _ = writeln!(
                    out,
                    "  {:width$}  {} days old (as of {}), used by {}",
                    t.table,
                    t.age_days,
                    t.as_of,
                    t.used_by.join(", ")
                );
            }
        }
    }
    if !diff.gates.is_empty() {
        let _ = writeln!(out, "\ngates:");
        for g in &diff.gates {
            let verdict = if g.tripped { "TRIPPED" } else { "passed " };
            let _ = writeln!(out, "  {verdict}  {}: {}", g.gate, g.detail);
        }
        let _ = writeln!(out);
        let n = diff.gates.len();
        let gates = if n == 1 { "gate" } else { "gates" };
        if diff.tripped.is_empty() {
            let _ = writeln!(out, "{n} {gates} passed");
        } else {
            let _ = writeln!(
                out,
                "{} of {n} {gates} tripped: {}",
                diff.tripped.len(),
                diff.tripped.join(", ")
            );
        }
    }
    out
}
