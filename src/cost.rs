//! Monthly cost of a workload on a route: exact decimal line items that add up to the total.
//!
//! How a traffic entry is split (every share applies to token counts, exactly):
//! 1. `batch_share` of input and output goes to batch, at the batch discount, when the route
//!    offers batch processing;
//! 2. of the remaining (interactive) input, `cache_hit_rate` is read from the cache and
//!    `cache_write_rate` is written to it; the rest is fresh input;
//! 3. `long_context_share` of fresh input and interactive output pays long-context rates
//!    where the model has them;
//! 4. on a regional endpoint, models that carry the regional premium pay the table's
//!    multiplier on all of the above, shown as its own "regional premium" line.
//!
//! Each line is rounded once, to the cent, half away from zero; the total is the sum of the
//! rounded lines, so printed lines always add up to the printed total.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use crate::catalogue::Catalogue;
use crate::model::pricing::ModelPrice;
use crate::model::route::{Endpoint, Route};
use crate::model::workload::{CacheTtl, Traffic, Workload};
use crate::prices::Prices;

const MILLION: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);

/// One priced line of a route's monthly cost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineItem {
    /// The traffic entry this line belongs to.
    pub traffic: String,
    pub model: String,
    /// What is priced: `input`, `output`, `cache reads`, `batch input`, `regional premium`…
    pub name: String,
    /// Tokens priced on this line (absent for the premium and fixed costs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tokens: Option<Decimal>,
    /// USD per million tokens on this line (absent for the premium and fixed costs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usd_per_mtok: Option<Decimal>,
    /// The amount rounded to the cent: what is printed and summed.
    pub usd: Decimal,
    /// The unrounded amount, for audit.
    pub usd_exact: Decimal,
}

/// A traffic entry a route cannot price, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unserved {
    pub traffic: String,
    pub model: String,
    pub reason: String,
}

/// A route's monthly cost for a workload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RouteCost {
    /// The sum of the rounded line items; `None` when some traffic cannot be priced here.
    pub monthly_usd: Option<Decimal>,
    pub items: Vec<LineItem>,
    pub unserved: Vec<Unserved>,
    /// Assumptions specific to this route and workload.
    pub notes: Vec<String>,
}

/// Effective prices of one model on one route, in USD per million tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitPrice {
    pub model: String,
    pub input: Decimal,
    pub output: Decimal,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_read: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_write_5m: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_input: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_output: Option<Decimal>,
    /// The pricing table the prices come from.
    pub table: String,
    /// The route actually serving the model (differs from the route for a gateway).
    pub via: String,
}

/// Where a model's price on a route comes from.
struct PriceSource<'a> {
    price: &'a ModelPrice,
    table: &'a str,
    multiplier: Decimal,
    batch: bool,
    via: &'a Route,
}

/// Finds the price of `model` on `route`; a gateway uses the first route behind it that
/// prices the model.
fn price_source<'a>(
    route: &'a Route,
    model: &str,
    catalogue: &'a Catalogue,
    prices: &'a Prices,
) -> Result<PriceSource<'a>, String> {
    let candidates: Vec<&Route> = if route.behind.is_empty() {
        vec![route]
    } else {
        route
            .behind
            .iter()
            .filter_map(|id| catalogue.route(id))
            .collect()
    };
    for candidate in &candidates {
        let table_name = &candidate.pricing.table;
        let Some(table) = prices.table(table_name) else {
            continue;
        };
        let Some(price) = table.table.models.get(model) else {
            continue;
        };
        if !candidate.model_families.contains(&price.family) {
            continue;
        }
        let multiplier = match (candidate.pricing.endpoint, price.regional_premium) {
            (Endpoint::Regional, true) => table
                .table
                .regional_multiplier
                .map_or(Decimal::ONE, |m| m.0),
            _ => Decimal::ONE,
        };
        return Ok(PriceSource {
            price,
            table: table_name,
            multiplier,
            batch: candidate.batch,
            via: candidate,
        });
    }
    let table_note = prices
        .table(&route.pricing.table)
        .and_then(|t| t.table.note.clone())
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    Err(if route.behind.is_empty() {
        format!(
            "`{}` has no price for `{model}` on table `{}`{table_note}",
            route.id, route.pricing.table
        )
    } else {
        format!("no route behind `{}` prices `{model}`", route.id)
    })
}

/// Effective unit prices of every model a route can serve.
pub fn unit_prices(route: &Route, catalogue: &Catalogue, prices: &Prices) -> Vec<UnitPrice> {
    let mut out = Vec::new();
    for model in prices.model_ids() {
        let Ok(source) = price_source(route, model, catalogue, prices) else {
            continue;
        };
        let m = source.multiplier;
        let p = source.price;
        let discount = p
            .batch_discount
            .filter(|_| source.batch)
            .map(|d| Decimal::ONE - d.0);
        out.push(UnitPrice {
            model: model.to_owned(),
            input: (p.input.0 * m).normalize(),
            output: (p.output.0 * m).normalize(),
            cache_read: p.cache_read.map(|c| (c.0 * m).normalize()),
            cache_write_5m: p.cache_write_5m.map(|c| (c.0 * m).normalize()),
            batch_input: discount.map(|d| (p.input.0 * m * d).normalize()),
            batch_output: discount.map(|d| (p.output.0 * m * d).normalize()),
            table: source.table.to_owned(),
            via: source.via.id.clone(),
        });
    }
    out
}

/// Prices a whole workload on a route.
pub fn route_cost(
    route: &Route,
    workload: &Workload,
    catalogue: &Catalogue,
    prices: &Prices,
) -> RouteCost {
    let mut cost = RouteCost {
        monthly_usd: None,
        items: Vec::new(),
        unserved: Vec::new(),
        notes: Vec::new(),
    };
    for spanned in &workload.traffic {
        let traffic = &spanned.value;
        match price_source(route, &traffic.model.value, catalogue, prices) {
            Ok(source) => {
                match traffic_items(traffic, &source, !route.behind.is_empty(), &mut cost.notes) {
                    Ok(items) => cost.items.extend(items),
                    Err(reason) => cost.unserved.push(unserved(traffic, reason)),
                }
            }
            Err(reason) => cost.unserved.push(unserved(traffic, reason)),
        }
    }
    if !route.behind.is_empty() {
        match workload.gateway_monthly_usd {
            Some(fixed) => cost.items.push(fixed_item("gateway operations", fixed.0)),
            None => cost.notes.push(format!(
                "`{}` excludes the gateway's own running cost: set gateway_monthly_usd in the workload",
                route.id
            )),
        }
    }
    if cost.unserved.is_empty() {
        cost.monthly_usd = cost
            .items
            .iter()
            .try_fold(round_cents(Decimal::ZERO), |sum, item| {
                sum.checked_add(item.usd)
            });
        if cost.monthly_usd.is_none() {
            cost.notes
                .push("the total is too large to compute exactly".into());
        }
    }
    cost.notes.sort();
    cost.notes.dedup();
    cost
}

fn unserved(traffic: &Traffic, reason: String) -> Unserved {
    Unserved {
        traffic: traffic.name.clone(),
        model: traffic.model.value.clone(),
        reason,
    }
}

fn fixed_item(name: &str, usd: Decimal) -> LineItem {
    LineItem {
        traffic: "(route)".into(),
        model: String::new(),
        name: name.into(),
        tokens: None,
        usd_per_mtok: None,
        usd: round_cents(usd),
        usd_exact: usd,
    }
}

/// Rounds to the cent, half away from zero (how invoices round).
pub fn round_cents(amount: Decimal) -> Decimal {
    let mut rounded = amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(2);
    rounded
}

fn traffic_items(
    traffic: &Traffic,
    source: &PriceSource,
    through_gateway: bool,
    notes: &mut Vec<String>,
) -> Result<Vec<LineItem>, String> {
    let overflow = || {
        format!(
            "the amounts for `{}` are too large to compute exactly",
            traffic.name
        )
    };
    let p = source.price;
    let model = &traffic.model.value;
    let input = Decimal::from(traffic.input_tokens_per_month.0);
    let output = Decimal::from(traffic.output_tokens_per_month.0);
    let hit = traffic.cache_hit_rate.0;
    let write = traffic.cache_write_rate.0;
    if hit + write > Decimal::ONE {
        return Err(format!(
            "`{}`: cache_hit_rate ({hit}) and cache_write_rate ({write}) add up to more than 1",
            traffic.name
        ));
    }

    let batch_share = match p.batch_discount {
        Some(_) if source.batch => traffic.batch_share.0,
        _ => {
            if !traffic.batch_share.0.is_zero() {
                notes.push(format!(
                    "`{}` has no batch processing for `{model}`: its batch share is priced on demand",
                    source.via.id
                ));
            }
            Decimal::ZERO
        }
    };
    let discount_factor = Decimal::ONE - p.batch_discount.map_or(Decimal::ZERO, |d| d.0);
    let batch_in = input * batch_share;
    let batch_out = output * batch_share;
    let inter_in = input - batch_in;
    let inter_out = output - batch_out;

    let mut fresh = inter_in;
    let mut lines: Vec<(String, Decimal, Decimal)> = Vec::new(); // (name, tokens, price)
    if !hit.is_zero() {
        let tokens = inter_in * hit;
        fresh -= tokens;
        match p.cache_read {
            Some(price) => lines.push(("cache reads".into(), tokens, price.0)),
            None => {
                notes.push(format!(
                    "`{model}` has no cache-read price on `{}`: cache reads are priced as input",
                    source.table
                ));
                lines.push(("cache reads (as input)".into(), tokens, p.input.0));
            }
        }
    }
    if !write.is_zero() {
        let tokens = inter_in * write;
        fresh -= tokens;
        let (label, price) = match traffic.cache_ttl {
            CacheTtl::FiveMinutes => ("cache writes (5m)", p.cache_write_5m),
            CacheTtl::OneHour => ("cache writes (1h)", p.cache_write_1h),
        };
        match price {
            Some(price) => lines.push((label.into(), tokens, price.0)),
            None => {
                notes.push(format!(
                    "`{model}` has no {label} price on `{}`: cache writes are priced as input",
                    source.table
                ));
                lines.push((format!("{label} (as input)"), tokens, p.input.0));
            }
        }
    }
    let long_share = match &p.long_context {
        Some(_) => traffic.long_context_share.0,
        None => {
            if !traffic.long_context_share.0.is_zero() {
                notes.push(format!(
                    "`{model}` has no long-context tier on `{}`: long-context traffic is priced at standard rates",
                    source.table
                ));
            }
            Decimal::ZERO
        }
    };
    let long_in = fresh * long_share;
    let long_out = inter_out * long_share;
    lines.insert(0, ("input".into(), fresh - long_in, p.input.0));
    lines.push(("output".into(), inter_out - long_out, p.output.0));
    if let Some(lc) = &p.long_context
        && !long_share.is_zero()
    {
        lines.push(("long-context input".into(), long_in, lc.input.0));
        lines.push(("long-context output".into(), long_out, lc.output.0));
    }
    if !batch_share.is_zero() {
        lines.push(("batch input".into(), batch_in, p.input.0 * discount_factor));
        lines.push((
            "batch output".into(),
            batch_out,
            p.output.0 * discount_factor,
        ));
    }

    let mut items = Vec::with_capacity(lines.len() + 1);
    let mut base_exact = Decimal::ZERO;
    for (name, tokens, price) in lines {
        if tokens.is_zero() {
            continue; // a line of nothing would only pad the table
        }
        let exact = tokens
            .checked_mul(price)
            .and_then(|x| x.checked_div(MILLION))
            .ok_or_else(overflow)?;
        base_exact = base_exact.checked_add(exact).ok_or_else(overflow)?;
        items.push(LineItem {
            traffic: traffic.name.clone(),
            model: model.clone(),
            name,
            tokens: Some(tokens.normalize()),
            usd_per_mtok: Some(price.normalize()),
            usd: round_cents(exact),
            usd_exact: exact.normalize(),
        });
    }
    if source.multiplier != Decimal::ONE {
        let premium = base_exact
            .checked_mul(source.multiplier - Decimal::ONE)
            .ok_or_else(overflow)?;
        items.push(LineItem {
            traffic: traffic.name.clone(),
            model: model.clone(),
            name: format!("regional premium (x{})", source.multiplier.normalize()),
            tokens: None,
            usd_per_mtok: None,
            usd: round_cents(premium),
            usd_exact: premium.normalize(),
        });
    }
    if through_gateway {
        for item in &mut items {
            item.name = format!("{} via {}", item.name, source.via.id);
        }
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_half_away_from_zero_and_always_in_cents() {
        assert_eq!(round_cents(Decimal::new(12345, 3)).to_string(), "12.35");
        assert_eq!(round_cents(Decimal::new(12344, 3)).to_string(), "12.34");
        assert_eq!(round_cents(Decimal::from(7)).to_string(), "7.00");
    }
}
