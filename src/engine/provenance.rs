//! Where the numbers come from: the pricing tables behind a set of routes, and every
//! assumption that is not a published price. Shared by every output that shows money.

use serde::Serialize;

use crate::data::inputs::Inputs;
use crate::model::pricing::ServiceTier;
use crate::model::route::Route;

/// One pricing table as cited in an output.
#[derive(Debug, Clone, Serialize)]
pub struct PricingSource {
    pub table: String,
    pub provider: String,
    pub source: String,
    pub as_of: String,
    /// Routes of the output priced from this table.
    pub used_by: Vec<String>,
}

/// The tables a route is priced from: its own, the one its models come from, and those of
/// the routes behind a gateway.
pub fn tables_of<'a>(route: &'a Route, inputs: &'a Inputs) -> Vec<&'a str> {
    let mut tables = vec![route.pricing.table.as_str()];
    tables.extend(route.models_from.as_deref());
    for id in &route.behind {
        if let Some(behind) = inputs.catalogue.route(id) {
            tables.push(&behind.pricing.table);
        }
    }
    tables
}

/// Every pricing table, with the given routes that use it.
pub fn pricing_sources(inputs: &Inputs, route_ids: &[String]) -> Vec<PricingSource> {
    inputs
        .prices
        .tables
        .iter()
        .map(|t| PricingSource {
            table: t.table.table.clone(),
            provider: t.table.provider.clone(),
            source: t.table.source.clone(),
            as_of: t.table.as_of.clone(),
            used_by: route_ids
                .iter()
                .filter(|id| {
                    inputs
                        .catalogue
                        .route(id)
                        .is_some_and(|r| tables_of(r, inputs).contains(&t.table.table.as_str()))
                })
                .cloned()
                .collect(),
        })
        .collect()
}

/// The assumptions behind numbers shown for `route_ids`, for the models of the workload (or
/// every model when there is none).
pub fn assumptions(inputs: &Inputs, route_ids: &[String]) -> Vec<String> {
    let models: Vec<String> = match &inputs.workload {
        Some(w) => w
            .traffic
            .iter()
            .map(|t| t.value.model.value.clone())
            .collect(),
        None => Vec::new(),
    };
    assumptions_for(inputs, route_ids, &models)
}

/// The assumptions behind numbers shown for `route_ids` and `models` (all models when empty).
pub fn assumptions_for(inputs: &Inputs, route_ids: &[String], models: &[String]) -> Vec<String> {
    let mut out = vec![
        "routewise works offline: prices are those of its pricing tables, as of the dates listed; check them before signing anything.".to_string(),
        "Prices are list prices in USD per million tokens. Taxes, support plans, data transfer and private-networking charges are not included.".to_string(),
    ];
    if inputs.workload.is_some() {
        out.push("Cache hits and writes apply to the non-batch share of input; batch traffic is priced at the batch discount without caching.".into());
        out.push("Prompt-length tiers apply to the long_context_share of every token category (fresh input, cache reads and writes, output, batch), at the first tier of the model's price.".into());
        out.push(match inputs.today {
            Some(today) => format!("Dated prices are those in force on {today} (--today); in a projection, month m uses the prices in force on the first day of its calendar month."),
            None => "Dated prices are those in force on each pricing table's as_of date (pass --today to choose the date); in a projection, month m uses the prices in force on the first day of its calendar month.".into(),
        });
        out.push("Each line item is rounded once to the cent (half away from zero); totals are sums of the rounded lines.".into());
    }
    if inputs.price_book.is_some() {
        out.push("Price-book discounts apply to list price and add up when several match; they do not apply to provisioned hourly charges.".into());
    }
    out.extend(inputs.notes.iter().cloned());
    let mut tables: Vec<&str> = route_ids
        .iter()
        .filter_map(|id| inputs.catalogue.route(id))
        .flat_map(|r| tables_of(r, inputs))
        .collect();
    tables.sort_unstable();
    tables.dedup();
    for name in tables {
        let Some(table) = inputs.prices.table(name) else {
            continue;
        };
        if let Some(note) = &table.table.note {
            out.push(format!("Pricing table `{name}`: {note}"));
        }
        let used_models: Vec<&str> = if models.is_empty() {
            table.table.models.keys().map(String::as_str).collect()
        } else {
            models.iter().map(String::as_str).collect()
        };
        for (model, price) in &table.table.models {
            if price.secondary && used_models.contains(&model.as_str()) {
                out.push(format!(
                    "The price of `{model}` in table `{name}` comes from a secondary source{}; re-check it.",
                    price.note.as_ref().map(|n| format!(" ({n})")).unwrap_or_default()
                ));
            }
            for (tier, rates) in &price.service_tiers {
                if rates.secondary && service_tier_used(inputs, model, *tier) {
                    out.push(format!(
                        "The {} price of `{model}` in table `{name}` comes from a secondary source{}; re-check it.",
                        tier.name(),
                        rates.note.as_ref().map(|n| format!(" ({n})")).unwrap_or_default()
                    ));
                }
            }
        }
    }
    out
}

/// True when the workload sends `model` traffic at `tier`: only then is that price used.
fn service_tier_used(inputs: &Inputs, model: &str, tier: ServiceTier) -> bool {
    inputs.workload.as_ref().is_some_and(|w| {
        w.traffic.iter().any(|t| {
            t.value.model.value == model
                && t.value
                    .service_tiers
                    .get(&tier)
                    .is_some_and(|s| !s.0.is_zero())
        })
    })
}

/// Adds each route's notes to `assumptions`, prefixed with the route id, once each.
pub fn add_route_notes<'a>(
    assumptions: &mut Vec<String>,
    routes: impl IntoIterator<Item = (&'a str, &'a [String])>,
) {
    for (id, notes) in routes {
        for note in notes {
            let line = format!("`{id}`: {note}");
            if !assumptions.contains(&line) {
                assumptions.push(line);
            }
        }
    }
}
