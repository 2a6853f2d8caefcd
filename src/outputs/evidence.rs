//! A route's evidence table (`routewise routes ROUTE`): every claim, its value, the source it
//! cites, the public pages that source names and the date it was checked. A claim citing
//! `not-found` shows as unknown, never as a plain "no".

use crate::data::catalogue::Catalogue;
use crate::model::route::{CLAIMS, Route};
use crate::support::table::text_table;

/// One row of the evidence table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub claim: String,
    pub value: String,
    pub source_key: String,
    pub urls: Vec<String>,
    pub checked: Option<String>,
}

/// The URLs in a source text, in order.
pub fn urls(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter_map(|w| w.find("https://").map(|i| &w[i..]))
        .map(|u| u.trim_end_matches([')', ';', ',', '"', '.']).to_string())
        .collect()
}

/// The date in `(checked YYYY-MM-DD)`, if the text has one.
pub fn checked(text: &str) -> Option<String> {
    let at = text.find("checked ")? + "checked ".len();
    let date: String = text[at..].chars().take(10).collect();
    let ok = date.len() == 10
        && date.chars().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    ok.then_some(date)
}

fn value_of(route: &Route, claim: &str) -> String {
    let json = serde_json::to_value(route).unwrap_or_default();
    match json.get(claim) {
        Some(serde_json::Value::Array(items)) if items.is_empty() => match claim {
            "residency" => "global only".to_string(),
            _ => "none".to_string(),
        },
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        Some(serde_json::Value::Bool(b)) => if *b { "yes" } else { "no" }.to_string(),
        Some(serde_json::Value::String(s)) => s.clone(),
        _ => "-".to_string(),
    }
}

/// The evidence for every claim of `route`, in the catalogue's claim order.
pub fn evidence(catalogue: &Catalogue, route: &Route) -> Vec<Evidence> {
    CLAIMS
        .iter()
        .map(|&claim| {
            let key = route.sources.get(claim).cloned().unwrap_or_default();
            let text = catalogue.sources.get(&key).cloned().unwrap_or_default();
            let mut value = value_of(route, claim);
            if key == "not-found" {
                value = format!("unknown (treated as {value})");
            }
            Evidence {
                claim: claim.to_string(),
                value,
                urls: urls(&text),
                checked: checked(&text),
                source_key: key,
            }
        })
        .collect()
}

/// The evidence table as text, with the route's notes under it.
pub fn render(route: &Route, rows: &[Evidence]) -> String {
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|e| {
            vec![
                e.claim.clone(),
                e.value.clone(),
                e.source_key.clone(),
                if e.urls.is_empty() {
                    "no public source found".to_string()
                } else {
                    e.urls.join(" ")
                },
                e.checked.clone().unwrap_or_else(|| "-".to_string()),
            ]
        })
        .collect();
    let mut out = format!("{} ({})\n\n", route.id, route.name);
    out.push_str(&text_table(
        &["claim", "value", "source", "public pages", "checked"],
        &table,
    ));
    if let Some(notes) = &route.notes {
        out.push_str(&format!("\nNotes: {notes}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_the_checked_date_are_read_from_a_source_text() {
        let text = "Anthropic, pricing: https://example.com/a (pages: https://example.com/b; x) (checked 2026-11-29)";
        assert_eq!(
            urls(text),
            ["https://example.com/a", "https://example.com/b"]
        );
        assert_eq!(checked(text).as_deref(), Some("2026-11-29"));
        assert_eq!(checked("checked recently"), None);
        assert!(urls("No public source found").is_empty());
    }
}
