//! Month-by-month cost projection (`routewise cost`): every route's line items for each
//! month of the horizon, with traffic growing by a fixed monthly rate.
//!
//! Month m carries every token count times (1 + growth)^(m-1), computed in decimals to 28
//! significant digits; a stream with its own `growth` or a later `start_month` follows its
//! own factors (see [`cost::growth`]). Each month's lines are rounded once; a month's total is the sum of
//! its printed lines and a route's total the sum of its printed month totals.

pub mod html;
pub mod render;
pub mod surfaces;
pub mod sweep;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::data::inputs::Inputs;
use crate::engine::cost::growth::{self, StreamGrowth};
use crate::engine::cost::{self, LineItem, Unserved, plan::HorizonPlan, provisioned::Sizing};
use crate::engine::decide::{self, EliminatedRoute};
use crate::engine::error::EngineError;
use crate::engine::provenance::{self, PricingSource};
use crate::outputs::advice::report::PriceBookReport;

/// The JSON projection's schema version; keys are only ever added.
pub const SCHEMA_VERSION: u32 = 1;

/// Months projected when neither the workload nor `--months` says.
pub const DEFAULT_HORIZON: u32 = crate::model::workload::DEFAULT_HORIZON_MONTHS;

#[derive(Debug, Clone, Serialize)]
pub struct Projection {
    pub schema_version: u32,
    pub horizon_months: u32,
    /// Monthly growth as a fraction (0.05 = 5% a month).
    pub monthly_growth: Decimal,
    /// Each traffic stream's growth rate, start month and monthly factors.
    pub streams: Vec<StreamGrowth>,
    pub routes: Vec<RouteProjection>,
    /// Routes left out because the answers eliminate them, with the codes that did.
    pub eliminated: Vec<EliminatedRoute>,
    pub assumptions: Vec<String>,
    /// Problems with the workload that make some figures doubtful, such as a declared peak
    /// below the average load.
    pub warnings: Vec<String>,
    pub price_book: Option<PriceBookReport>,
    pub pricing_sources: Vec<PricingSource>,
    /// With `surfaces:` in the answers: each surface's own traffic on its own routes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub surfaces: Vec<surfaces::SurfaceProjection>,
    /// With `surfaces:`: the recommended portfolio, month by month.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub portfolio: Option<surfaces::PortfolioProjection>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RouteProjection {
    pub id: String,
    pub name: String,
    /// Sum of the printed month totals; absent when some traffic cannot be priced here.
    pub total_usd: Option<Decimal>,
    pub months: Vec<MonthCost>,
    /// Traffic this route cannot price, and why (then no totals are given).
    pub unserved: Vec<Unserved>,
    pub notes: Vec<String>,
    /// Provisioned purchase plans over the horizon, one per traffic entry that uses
    /// provisioned capacity (provisioned routes only).
    pub plans: Vec<TrafficPlan>,
}

/// The purchase plan of one traffic entry on a provisioned route.
#[derive(Debug, Clone, Serialize)]
pub struct TrafficPlan {
    pub traffic: String,
    pub model: String,
    #[serde(flatten)]
    pub plan: HorizonPlan,
}

#[derive(Debug, Clone, Serialize)]
pub struct MonthCost {
    pub month: u32,
    /// (1 + growth)^(month - 1) at the workload's rate; streams with their own growth or
    /// start follow `streams[].factors`.
    pub growth_factor: Decimal,
    pub total_usd: Option<Decimal>,
    pub items: Vec<LineItem>,
    /// Provisioned-capacity sizing for this month, on provisioned routes.
    pub sizing: Vec<Sizing>,
}

/// What to project, beyond the inputs.
#[derive(Debug, Clone, Default)]
pub struct ProjectionOptions {
    /// Only these routes (all when empty).
    pub routes: Vec<String>,
    pub months: Option<u32>,
    pub growth: Option<Decimal>,
    /// Skip routes the answers eliminate.
    pub skip_eliminated: bool,
}

/// Projects the workload of `inputs` over the horizon for each selected route.
pub fn project(inputs: &Inputs, options: &ProjectionOptions) -> Result<Projection, EngineError> {
    let workload = inputs.workload.as_ref().ok_or(EngineError::NoWorkload {
        what: "a cost projection",
    })?;
    let months = options
        .months
        .or(workload.horizon_months.map(|m| m.0))
        .unwrap_or(DEFAULT_HORIZON);
    let growth = options
        .growth
        .or(workload.monthly_growth.map(|g| g.0))
        .unwrap_or(Decimal::ZERO);

    let eliminated = decide::eliminated_routes(inputs, options.skip_eliminated)?;
    let skip: Vec<String> = eliminated.iter().map(|e| e.id.clone()).collect();

    let factors = growth_factors(growth, months)?;
    let streams = growth::streams(workload, growth, months)?;
    let mut routes = Vec::new();
    for located in &inputs.catalogue.routes {
        let route = &located.item;
        if skip.contains(&route.id)
            || (!options.routes.is_empty() && !options.routes.contains(&route.id))
        {
            continue;
        }
        let mut projection = RouteProjection {
            id: route.id.clone(),
            name: route.name.clone(),
            total_usd: None,
            months: Vec::with_capacity(factors.len()),
            unserved: Vec::new(),
            notes: Vec::new(),
            plans: Vec::new(),
        };
        let plans = cost::plan_route(route, workload, &streams, cost::CostContext::of(inputs));
        for (index, factor) in factors.iter().enumerate() {
            let held: Vec<_> = plans
                .iter()
                .map(|p| p.as_ref().map(|p| p.months[index].held.clone()))
                .collect();
            let month = cost::route_cost_held(
                route,
                workload,
                &growth::month_factors(&streams, index as u32 + 1),
                cost::CostContext {
                    months_after: index as u32,
                    ..cost::CostContext::of(inputs)
                },
                &held,
            );
            if index == 0 {
                projection.unserved = month.unserved.clone();
            } else {
                for u in &month.unserved {
                    if !projection.unserved.iter().any(|x| x.traffic == u.traffic) {
                        projection.unserved.push(u.clone());
                    }
                }
            }
            projection.notes.extend(month.notes.iter().cloned());
            projection.months.push(MonthCost {
                month: index as u32 + 1,
                growth_factor: factor.normalize(),
                total_usd: month.monthly_usd,
                items: month.items,
                sizing: month.sizing,
            });
        }
        projection.notes.extend(cost::price_changes(
            route,
            workload,
            cost::CostContext::of(inputs),
            factors.len() as u32,
        ));
        projection.notes.sort();
        projection.notes.dedup();
        projection.plans = plans
            .into_iter()
            .zip(&workload.traffic)
            .filter_map(|(plan, traffic)| {
                plan.map(|plan| TrafficPlan {
                    traffic: traffic.value.name.clone(),
                    model: traffic.value.model.value.clone(),
                    plan,
                })
            })
            .collect();
        if projection.unserved.is_empty() {
            projection.total_usd = projection
                .months
                .iter()
                .try_fold(cost::round_cents(Decimal::ZERO), |sum, m| {
                    sum.checked_add(m.total_usd?)
                });
        }
        routes.push(projection);
    }

    let ids: Vec<String> = routes.iter().map(|r| r.id.clone()).collect();
    let mut assumptions = provenance::assumptions(inputs, &ids);
    assumptions.push(format!(
        "The projection covers {months} month{} with traffic growing {} a month, compounded; month m carries (1 + growth)^(m-1) of the workload.",
        if months == 1 { "" } else { "s" },
        crate::support::money::percent(growth)
    ));
    if streams.iter().any(|s| !s.is_default()) {
        assumptions.extend(streams.iter().map(StreamGrowth::describe));
        if options.growth.is_some() && streams.iter().any(|s| s.own_growth) {
            assumptions.push("--growth replaces the workload's monthly_growth only: traffic entries with their own growth keep it.".into());
        }
    }
    if routes
        .iter()
        .any(|r| r.months.iter().any(|m| !m.sizing.is_empty()))
    {
        assumptions.push("Provisioned capacity follows one purchase plan over the horizon: a commitment holds its units for every month it spans (a 6-month term is re-sized only when it ends), extra units are bought a month at a time on the cheapest short commitment, and load above capacity spills over to on-demand prices. The plan holds at most one 6-month term at a time, and a term must end within the horizon.".into());
        assumptions.push("Provisioned throughput is billed every hour whether used or not, HTTP 500 errors are charged, and a commitment locks the model version.".into());
        assumptions.push("Batch traffic does not use provisioned capacity: it is priced at on-demand batch rates.".into());
    }
    let per_surface = surfaces::project_surfaces(inputs, options, months, &mut assumptions)?;
    provenance::add_route_notes(
        &mut assumptions,
        routes.iter().map(|r| (r.id.as_str(), r.notes.as_slice())),
    );
    Ok(Projection {
        schema_version: SCHEMA_VERSION,
        horizon_months: months,
        monthly_growth: growth.normalize(),
        streams,
        pricing_sources: provenance::pricing_sources(inputs, &ids),
        routes,
        eliminated,
        assumptions,
        warnings: workload
            .traffic
            .iter()
            .filter_map(|t| cost::provisioned::peak_below_average(&t.value))
            .collect(),
        price_book: inputs.price_book.as_ref().map(PriceBookReport::of),
        surfaces: per_surface
            .as_ref()
            .map(|(s, _)| s.clone())
            .unwrap_or_default(),
        portfolio: per_surface.map(|(_, p)| p),
    })
}

/// (1 + growth)^(m-1) for m = 1..=months.
fn growth_factors(growth: Decimal, months: u32) -> Result<Vec<Decimal>, EngineError> {
    let mut factors = Vec::with_capacity(months as usize);
    let mut factor = Decimal::ONE;
    for _ in 0..months {
        factors.push(factor);
        factor = factor.checked_mul(Decimal::ONE + growth).ok_or_else(|| {
            EngineError::GrowthOverflow {
                growth: crate::support::money::percent(growth),
                months,
            }
        })?;
    }
    Ok(factors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growth_compounds_monthly() {
        let f = growth_factors(Decimal::new(10, 2), 3).unwrap();
        assert_eq!(
            f,
            vec![Decimal::ONE, Decimal::new(110, 2), Decimal::new(12100, 4)]
        );
        assert_eq!(
            growth_factors(Decimal::ZERO, 2).unwrap(),
            vec![Decimal::ONE, Decimal::ONE]
        );
    }

    #[test]
    fn percentages_read_naturally() {
        use crate::support::money::percent;
        assert_eq!(percent(Decimal::new(5, 2)), "5%");
        assert_eq!(percent(Decimal::new(-125, 3)), "-12.5%");
    }
}
