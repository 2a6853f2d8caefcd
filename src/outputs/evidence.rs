//! A route's evidence table (`routewise routes ROUTE`): every claim, its value (each
//! capability value in one of five states, per item and per scope), the condition it takes,
//! the models or features it is limited to, the source it cites, that source's public pages
//! and the date it was checked.

use crate::data::catalogue::Catalogue;
use crate::model::capability::Capability;
use crate::model::route::{CLAIMS, Route};
use crate::support::table::text_table;

/// One row of the evidence table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// The claim, with its item for capabilities with items (`residency.eu`).
    pub claim: String,
    pub value: String,
    pub condition: String,
    pub scope: String,
    pub source_key: String,
    pub urls: Vec<String>,
    pub checked: Option<String>,
}

/// The rows of one capability: one per value, in the order they are tried.
fn capability_rows(
    catalogue: &Catalogue,
    claim: &str,
    capability: &Capability,
    default_source: &str,
    vendor: &str,
) -> Vec<Evidence> {
    capability
        .values()
        .map(|v| {
            let key = v
                .source
                .clone()
                .unwrap_or_else(|| default_source.to_owned());
            let source = catalogue.sources.get(&key);
            let mut scope = Vec::new();
            if !v.models.is_empty() {
                scope.push(format!("models {}", v.models.join(", ")));
            }
            if !v.features.is_empty() {
                scope.push(format!("with {}", v.features.join(", ")));
            }
            let mut value = v.state.0.clone();
            if let Some(note) = &v.note {
                value = format!("{value} ({note})");
            }
            if v.state() == crate::model::capability::State::Unknown {
                let ask = v.ask.clone().unwrap_or_else(|| vendor.to_owned());
                value = format!("{value}: no public source says either way, ask {ask}");
            }
            Evidence {
                claim: claim.to_owned(),
                value,
                condition: v.condition.clone().unwrap_or_default(),
                scope: scope.join("; "),
                urls: source
                    .map(|s| s.urls().map(str::to_owned).collect())
                    .unwrap_or_default(),
                checked: source.map(|s| s.checked.clone()),
                source_key: key,
            }
        })
        .collect()
}

fn word<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value).unwrap_or_default() {
        serde_json::Value::String(s) => s,
        serde_json::Value::Array(items) if items.is_empty() => "none".to_owned(),
        serde_json::Value::Array(items) => items
            .iter()
            .filter_map(|v| v.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// The evidence for every claim of `route`, in the catalogue's claim order.
pub fn evidence(catalogue: &Catalogue, route: &Route) -> Vec<Evidence> {
    let mut rows = Vec::new();
    let vendor = crate::engine::capabilities::vendor(route.platform);
    for &claim in CLAIMS {
        let key = route.sources.get(claim).cloned().unwrap_or_default();
        if let Some(capability) = route.capability(claim) {
            rows.extend(capability_rows(catalogue, claim, capability, &key, vendor));
            continue;
        }
        if let Some(items) = route.items(claim) {
            if items.items.is_empty() {
                let none = if claim == "residency" {
                    "global only"
                } else {
                    "none"
                };
                rows.extend(capability_rows(
                    catalogue,
                    claim,
                    &Capability::default(),
                    &key,
                    vendor,
                ));
                if let Some(last) = rows.last_mut() {
                    last.value = none.to_owned();
                }
            }
            for (item, capability) in &items.items {
                rows.extend(capability_rows(
                    catalogue,
                    &format!("{claim}.{item}"),
                    &capability.value,
                    &key,
                    vendor,
                ));
            }
            continue;
        }
        let mut value = match claim {
            "billing" => word(&route.billing),
            "model_families" => word(&route.model_families),
            "feature_lag" => word(&route.feature_lag),
            _ => "-".to_owned(),
        };
        if value == "unknown" {
            value = format!("unknown: no public source says either way, ask {vendor}");
        }
        let source = catalogue.sources.get(&key);
        rows.push(Evidence {
            claim: claim.to_owned(),
            value,
            condition: String::new(),
            scope: String::new(),
            urls: source
                .map(|s| s.urls().map(str::to_owned).collect())
                .unwrap_or_default(),
            checked: source.map(|s| s.checked.clone()),
            source_key: key,
        });
    }
    rows
}

/// The evidence table as text, with the route's notes under it.
pub fn render(route: &Route, rows: &[Evidence]) -> String {
    let dash = |s: &str| {
        if s.is_empty() {
            "-".to_owned()
        } else {
            s.to_owned()
        }
    };
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|e| {
            vec![
                e.claim.clone(),
                e.value.clone(),
                dash(&e.condition),
                dash(&e.scope),
                e.source_key.clone(),
                e.urls.join(" "),
                e.checked.clone().unwrap_or_else(|| "-".to_string()),
            ]
        })
        .collect();
    let mut out = format!("{} ({})\n\n", route.id, route.name);
    out.push_str(&text_table(
        &[
            "claim",
            "value",
            "condition",
            "scope",
            "source",
            "public pages",
            "checked",
        ],
        &table,
    ));
    if let Some(notes) = &route.notes {
        out.push_str(&format!("\nNotes: {notes}\n"));
    }
    out
}
