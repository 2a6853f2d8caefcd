//! Where a model's price on a route comes from: the route's own table, or for a gateway
//! the first route behind it that prices the model; with the regional multiplier that
//! applies there.

use crate::engine::cost::Unpriceable;
use rust_decimal::Decimal;

use crate::data::catalogue::Catalogue;
use crate::data::prices::Prices;
use crate::model::pricing::{ModelPrice, PricingTable};
use crate::model::route::{Endpoint, Route};

/// The price of one model as one route charges it.
#[derive(Debug, Clone, Copy)]
pub struct PriceSource<'a> {
    pub price: &'a ModelPrice,
    pub table: &'a PricingTable,
    /// The table's regional multiplier when it applies here, else 1.
    pub multiplier: Decimal,
    /// The route that actually serves the model (the route itself, or one behind a gateway).
    pub via: &'a Route,
}

impl PriceSource<'_> {
    /// True when the serving route offers batch processing at this model's discount.
    pub fn batch(&self) -> bool {
        self.via.offers_batch() && self.price.batch_discount.is_some()
    }
}

/// Finds the price of `model` on `route`, or says why there is none.
pub fn price_source<'a>(
    route: &'a Route,
    model: &str,
    catalogue: &'a Catalogue,
    prices: &'a Prices,
) -> Result<PriceSource<'a>, Unpriceable> {
    let candidates: Vec<&Route> = if route.behind.is_empty() {
        vec![route]
    } else {
        route
            .behind
            .iter()
            .filter_map(|id| catalogue.route(id))
            .collect()
    };
    for candidate in candidates {
        let Some(table) = prices.table(&candidate.pricing.table) else {
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
            table: &table.table,
            multiplier,
            via: candidate,
        });
    }
    let family = prices.family_of(model);
    if let Some(family) = family
        && !catalogue.families_of(route).iter().any(|f| f == family)
    {
        return Err(format!(
            "`{}` does not serve {family} models such as `{model}`",
            route.id
        )
        .into());
    }
    if !route.behind.is_empty() {
        return Err(format!("no route behind `{}` prices `{model}`", route.id).into());
    }
    let table_note = prices
        .table(&route.pricing.table)
        .and_then(|t| t.table.note.clone())
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    Err(format!(
        "`{}` has no price for `{model}` on table `{}`{table_note}",
        route.id, route.pricing.table
    )
    .into())
}
