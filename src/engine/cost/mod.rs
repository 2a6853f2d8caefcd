//! Monthly cost of a workload on a route: exact decimal line items that add up to the total.
//!
//! - [`breakdown`] splits a traffic entry into priced token categories;
//! - [`source`] finds where a model's price on a route comes from (and the regional
//!   multiplier, applied in [`lines`] as its own "regional premium" line);
//! - [`lines`] prices a breakdown, adding price-book discounts as negative lines;
//! - [`provisioned`] sizes reserved capacity with on-demand spill-over, and [`plan`] buys it
//!   over a horizon;
//! - [`growth`] says how much of its declared volume each stream carries in each month.

pub mod breakdown;
pub mod growth;
pub mod lines;
pub mod plan;
pub mod provisioned;
pub mod source;

use rust_decimal::Decimal;
use serde::Serialize;

pub use breakdown::Breakdown;
pub use lines::{LineItem, round_cents};
pub use source::{PriceSource, price_source};

use crate::data::catalogue::Catalogue;
use crate::data::inputs::Inputs;
use crate::data::price_book::PriceBook;
use crate::data::prices::Prices;
use crate::data::rate_card::RateCard;
use crate::model::pricing::{ProvisionedRate, ServiceTier};
use crate::model::route::{Capacity, Endpoint, Route};
use crate::model::workload::{Traffic, Workload};
use crate::support::date::Date;
use lines::{LineContext, fixed_line, price_breakdown};
use provisioned::{Commitment, LoadShape, Sizing};

/// Hours in a billing month when a table does not say: 24 x 365 / 12.
pub const DEFAULT_HOURS_PER_MONTH: Decimal = Decimal::from_parts(730, 0, 0, false, 0);

/// What pricing needs besides the route and the traffic.
#[derive(Clone, Copy)]
pub struct CostContext<'a> {
    pub catalogue: &'a Catalogue,
    pub prices: &'a Prices,
    pub book: Option<&'a PriceBook>,
    /// The date whose prices apply (`--today`); `None`: each table's own `as_of` date.
    pub on: Option<Date>,
    /// Months after `on`: a projection's month m is priced m - 1 months later.
    pub months_after: u32,
}

impl<'a> CostContext<'a> {
    /// What the cost engine needs from a run's inputs.
    pub fn of(inputs: &'a Inputs) -> CostContext<'a> {
        CostContext {
            catalogue: &inputs.catalogue,
            prices: &inputs.prices,
            book: inputs.price_book.as_ref(),
            on: inputs.today,
            months_after: 0,
        }
    }
}

/// A traffic entry a route cannot price, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unserved {
    pub traffic: String,
    pub model: String,
    pub reason: String,
}

/// A route's cost for a workload over one month.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RouteCost {
    /// The sum of the rounded line items; `None` when some traffic cannot be priced here.
    pub monthly_usd: Option<Decimal>,
    pub items: Vec<LineItem>,
    pub unserved: Vec<Unserved>,
    /// Assumptions specific to this route and workload.
    pub notes: Vec<String>,
    /// Provisioned-capacity sizing, one per traffic entry, on provisioned routes.
    pub sizing: Vec<Sizing>,
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
            .filter(|_| source.batch())
            .map(|d| Decimal::ONE - d.0);
        out.push(UnitPrice {
            model: model.to_owned(),
            input: (p.input.0 * m).normalize(),
            output: (p.output.0 * m).normalize(),
            cache_read: p.cache_read.map(|c| (c.0 * m).normalize()),
            cache_write_5m: p.cache_write_5m.map(|c| (c.0 * m).normalize()),
            batch_input: discount.map(|d| (p.input.0 * m * d).normalize()),
            batch_output: discount.map(|d| (p.output.0 * m * d).normalize()),
            table: source.table.table.clone(),
            via: source.via.id.clone(),
        });
    }
    out
}

/// Prices a whole workload on a route for one month, every count multiplied by `scale`
/// (the growth since the first month).
pub fn route_cost(
    route: &Route,
    workload: &Workload,
    scale: Decimal,
    ctx: CostContext,
) -> RouteCost {
    route_cost_held(
        route,
        workload,
        &vec![scale; workload.traffic.len()],
        ctx,
        &[],
    )
}

/// One month of a workload on a route, each traffic entry carrying its own share of its
/// declared volume (`scales`, by traffic index; see [`growth`]), with the provisioned units
/// each entry holds this month under a horizon plan (entries missing or `None` are sized on
/// their own). An entry with a zero share has not started: it adds no line.
pub fn route_cost_held(
    route: &Route,
    workload: &Workload,
    scales: &[Decimal],
    ctx: CostContext,
    held: &[Option<Vec<provisioned::HeldUnits>>],
) -> RouteCost {
    let mut cost = RouteCost {
        monthly_usd: None,
        items: Vec::new(),
        unserved: Vec::new(),
        notes: Vec::new(),
        sizing: Vec::new(),
    };
    for (index, spanned) in workload.traffic.iter().enumerate() {
        let traffic = &spanned.value;
        let scale = scales.get(index).copied().unwrap_or(Decimal::ONE);
        if scale.is_zero() && traffic.start() > 1 {
            continue;
        }
        let held = held.get(index).and_then(|h| h.as_deref());
        let result = Breakdown::from_traffic(traffic, scale)
            .ok_or_else(|| {
                Unpriceable(format!(
                    "the amounts for `{}` are too large to compute exactly",
                    traffic.name
                ))
            })
            .and_then(|breakdown| {
                let load = |tokens: Decimal, minutes: Decimal| {
                    LoadShape::from_traffic(traffic, tokens, minutes, scale)
                };
                let mut items = Vec::new();
                let mut sizing = None;
                for (service, part) in service_parts(traffic, &breakdown) {
                    let usage = Usage {
                        name: &traffic.name,
                        model: &traffic.model.value,
                        breakdown: part,
                        load: Load::Monthly(&load),
                        held,
                        service,
                    };
                    let (part_items, part_sizing) =
                        price_usage(route, &usage, ctx, &mut cost.notes)?;
                    items.extend(part_items);
                    sizing = sizing.or(part_sizing);
                }
                Ok((items, sizing))
            });
        match result {
            Ok((items, sizing)) => {
                cost.items.extend(items);
                cost.sizing.extend(sizing);
            }
            Err(reason) => cost.unserved.push(Unserved {
                traffic: traffic.name.clone(),
                model: traffic.model.value.clone(),
                reason: reason.0,
            }),
        }
    }
    if !route.behind.is_empty() {
        match workload.gateway_monthly_usd {
            Some(fixed) => cost.items.push(fixed_line("(route)", "", "gateway operations".into(), fixed.0)),
            None => cost.notes.push(format!(
                "`{}` excludes the gateway's own running cost: set gateway_monthly_usd in the workload",
                route.id
            )),
        }
    }
    if cost.unserved.is_empty() {
        cost.monthly_usd = sum_items(&cost.items);
        if cost.monthly_usd.is_none() {
            cost.notes
                .push("the total is too large to compute exactly".into());
        }
    }
    cost.notes.sort();
    cost.notes.dedup();
    cost
}

/// A traffic entry's parts by service tier: the standard part (all batch traffic and the
/// interactive share no tier takes), then each flex or priority share of the interactive
/// traffic. Without `service_tiers` the standard part is the whole entry.
pub fn service_parts(
    traffic: &Traffic,
    breakdown: &Breakdown,
) -> Vec<(Option<ServiceTier>, Breakdown)> {
    if traffic.service_tiers.is_empty() {
        return vec![(None, *breakdown)];
    }
    let taken: Decimal = traffic.service_tiers.values().map(|s| s.0).sum();
    let mut parts = vec![(None, breakdown.with_interactive_share(Decimal::ONE - taken))];
    for (tier, share) in &traffic.service_tiers {
        if !share.0.is_zero() {
            parts.push((Some(*tier), breakdown.interactive_scaled(share.0)));
        }
    }
    parts
}

/// Where a dated price changes within a projection of `months` months on `route`: one note
/// per model and change, naming the month and both prices.
pub fn price_changes(
    route: &Route,
    workload: &Workload,
    ctx: CostContext,
    months: u32,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut models: Vec<&str> = workload
        .traffic
        .iter()
        .map(|t| t.value.model.value.as_str())
        .collect();
    models.sort_unstable();
    models.dedup();
    for model in models {
        let Ok(source) = price_source(route, model, ctx.catalogue, ctx.prices) else {
            continue;
        };
        if source.price.periods.is_empty() {
            continue;
        }
        let card = |m: u32| {
            let on = lines::price_date(ctx.on, m, source.table);
            (on, RateCard::of(source.price, on))
        };
        let (_, mut previous) = card(0);
        for m in 1..months {
            let (on, now) = card(m);
            if now.base != previous.base {
                let month = on.map(|d| d.year_month()).unwrap_or_default();
                out.push(format!(
                    "`{model}` on `{}` changes price in month {} ({month}): input {} -> {}, output {} -> {} USD per million tokens",
                    source.table.table,
                    m + 1,
                    previous.base.input.normalize(),
                    now.base.input.normalize(),
                    previous.base.output.normalize(),
                    now.base.output.normalize(),
                ));
            }
            previous = now;
        }
    }
    out
}

/// The sum of rounded line items, or `None` on overflow.
pub fn sum_items(items: &[LineItem]) -> Option<Decimal> {
    items
        .iter()
        .try_fold(round_cents(Decimal::ZERO), |sum, item| {
            sum.checked_add(item.usd)
        })
}

/// How traffic is spread over time, for sizing provisioned capacity.
pub enum Load<'a> {
    /// A month of `hours_per_month`; the shape is built from the interactive tokens and the
    /// minutes of that month.
    Monthly(&'a dyn Fn(Decimal, Decimal) -> LoadShape),
    /// An observed period: its shape and its length in hours.
    Observed(LoadShape, Decimal),
}

/// One model's traffic to price: from a workload entry or from replayed usage.
pub struct Usage<'a> {
    /// The name line items carry (a traffic entry, or the model for replayed usage).
    pub name: &'a str,
    pub model: &'a str,
    pub breakdown: Breakdown,
    pub load: Load<'a>,
    /// Units held this month under a horizon plan; `None` sizes the month on its own.
    pub held: Option<&'a [provisioned::HeldUnits]>,
    /// A flex or priority share, priced at that service tier's rates; `None`: standard.
    pub service: Option<ServiceTier>,
}

/// Prices one model's traffic on a route: per token on demand, or sized provisioned
/// capacity with on-demand spill-over on a provisioned route.
pub fn price_usage(
    route: &Route,
    usage: &Usage,
    ctx: CostContext,
    notes: &mut Vec<String>,
) -> Result<(Vec<LineItem>, Option<Sizing>), Unpriceable> {
    match route.capacity {
        Capacity::OnDemand => {
            let source = price_source(route, usage.model, ctx.catalogue, ctx.prices)?;
            let items = price_breakdown(
                &usage.breakdown,
                &source,
                &line_context(route, usage, &source, ctx, ""),
                notes,
            )?;
            Ok((items, None))
        }
        Capacity::Provisioned => match usage.service {
            Some(tier) => Err(Unpriceable(format!(
                "`{}` sells reserved capacity, which has no {} service tier for the {} share of `{}`",
                route.id,
                tier.name(),
                tier.name(),
                usage.name
            ))),
            None => provisioned_items(route, usage, ctx, notes),
        },
    }
}

fn line_context<'a>(
    route: &Route,
    usage: &Usage<'a>,
    source: &PriceSource,
    ctx: CostContext<'a>,
    suffix: &str,
) -> LineContext<'a> {
    let gateway = if route.behind.is_empty() {
        String::new()
    } else {
        format!(" via {}", source.via.id)
    };
    LineContext {
        traffic: usage.name,
        model: usage.model,
        suffix: format!("{suffix}{gateway}"),
        discounts: ctx
            .book
            .map(|b| b.discounts_for(route, source.via, usage.model))
            .unwrap_or_default(),
        on: ctx.on,
        months_after: ctx.months_after,
        service: usage.service,
    }
}

/// The on-demand prices spill-over pays on a provisioned route: its `models_from` table at
/// its own endpoint.
fn spill_source<'a>(
    route: &Route,
    model: &str,
    ctx: CostContext<'a>,
) -> Result<PriceSource<'a>, Unpriceable> {
    let table_name = route.models_from.as_deref().unwrap_or(&route.pricing.table);
    let table = ctx
        .prices
        .table(table_name)
        .ok_or_else(|| format!("no pricing table `{table_name}` for on-demand spill-over"))?;
    let price = table.table.models.get(model).ok_or_else(|| {
        format!(
            "`{}` has no on-demand price for `{model}` on table `{table_name}`",
            route.id
        )
    })?;
    let via = ctx
        .catalogue
        .route(&route.id)
        .ok_or_else(|| format!("route `{}` is not in the catalogue", route.id))?;
    let multiplier = match (route.pricing.endpoint, price.regional_premium) {
        (Endpoint::Regional, true) => table
            .table
            .regional_multiplier
            .map_or(Decimal::ONE, |m| m.0),
        _ => Decimal::ONE,
    };
    Ok(PriceSource {
        price,
        table: &table.table,
        multiplier,
        via,
    })
}

/// Everything sizing needs to know about one model's interactive traffic on a provisioned
/// route.
struct ProvisionedSetup<'a> {
    rate: &'a ProvisionedRate,
    capacity: Decimal,
    capacity_assumed: bool,
    source: PriceSource<'a>,
    interactive: Breakdown,
    tokens: Decimal,
    /// What the interactive tokens cost fully on demand (exact).
    on_demand_usd: Decimal,
    shape: LoadShape,
    hours: Decimal,
}

/// The rate, capacity and load of `usage` on a provisioned route; `None` when it has no
/// interactive tokens (batch never uses provisioned capacity, so it needs no quote).
fn provisioned_setup<'a>(
    route: &Route,
    usage: &Usage,
    ctx: CostContext<'a>,
    notes: &mut Vec<String>,
) -> Result<Option<ProvisionedSetup<'a>>, Unpriceable> {
    let model = usage.model;
    let interactive = usage.breakdown.interactive_scaled(Decimal::ONE);
    let tokens = interactive.interactive_tokens();
    if tokens.is_zero() && interactive.web_searches.is_zero() {
        return Ok(None);
    }
    let table = ctx
        .prices
        .table(&route.pricing.table)
        .ok_or_else(|| format!("no pricing table `{}`", route.pricing.table))?;
    let rate: &ProvisionedRate = table.table.provisioned.get(model).ok_or_else(|| {
        format!(
            "no provisioned-throughput price for `{model}`{}: add your quote to a price book ([[provisioned]])",
            table.table.note.as_ref().map(|n| format!(" ({n})")).unwrap_or_default()
        )
    })?;
    if rate.historical {
        notes.push(format!(
            "the provisioned price of `{model}` is a historical figure{}, not a current price; add a quote to a price book",
            rate.note.as_ref().map(|n| format!(" ({n})")).unwrap_or_default()
        ));
    }
    let (capacity, capacity_assumed) = match (
        rate.tokens_per_minute_per_unit,
        table.table.default_tokens_per_minute_per_unit,
    ) {
        (Some(c), _) => (Decimal::from(c.0), false),
        (None, Some(c)) => (Decimal::from(c.0), true),
        (None, None) => {
            return Err(format!(
                "no capacity per unit for `{model}`: add tokens_per_minute_per_unit to the quote"
            )
            .into());
        }
    };
    if capacity_assumed {
        notes.push(format!(
            "one provisioned unit is assumed to serve {capacity} tokens a minute for `{model}` (not published; set tokens_per_minute_per_unit in a quote)"
        ));
    }
    let source = spill_source(route, model, ctx)?;
    let mut scratch = Vec::new();
    let all_on_demand = price_breakdown(
        &interactive,
        &source,
        &line_context(route, usage, &source, ctx, ""),
        &mut scratch,
    )?;
    let on_demand_usd: Decimal = all_on_demand.iter().map(|i| i.usd_exact).sum();
    let (shape, hours) = match &usage.load {
        Load::Monthly(shape_of) => {
            let hours = table
                .table
                .hours_per_month
                .map_or(DEFAULT_HOURS_PER_MONTH, |h| h.0);
            (shape_of(tokens, hours * Decimal::from(60)), hours)
        }
        Load::Observed(shape, hours) => (shape.clone(), *hours),
    };
    Ok(Some(ProvisionedSetup {
        rate,
        capacity,
        capacity_assumed,
        source,
        interactive,
        tokens,
        on_demand_usd,
        shape,
        hours,
    }))
}

/// What one month of `usage` asks of provisioned capacity on `route`, for a horizon plan;
/// `None` when it has no interactive tokens. Also returns the rate and capacity per unit.
pub fn provisioned_demand<'a>(
    route: &Route,
    usage: &Usage,
    ctx: CostContext<'a>,
) -> Result<Option<(plan::MonthDemand, &'a ProvisionedRate, Decimal)>, Unpriceable> {
    let mut scratch = Vec::new();
    Ok(
        provisioned_setup(route, usage, ctx, &mut scratch)?.map(|s| {
            (
                plan::MonthDemand {
                    shape: s.shape,
                    on_demand_usd: s.on_demand_usd,
                    hours: s.hours,
                },
                s.rate,
                s.capacity,
            )
        }),
    )
}

/// The horizon plan of every traffic entry of `workload` on a provisioned `route`, month m
/// carrying `streams[i].factors[m - 1]` of entry i; `None` for an entry with nothing to plan
/// (batch only) or that cannot be priced (the month costs say why). Months before a stream
/// starts ask for no capacity.
pub fn plan_route(
    route: &Route,
    workload: &Workload,
    streams: &[growth::StreamGrowth],
    ctx: CostContext,
) -> Vec<Option<plan::HorizonPlan>> {
    if route.capacity != Capacity::Provisioned {
        return Vec::new();
    }
    workload
        .traffic
        .iter()
        .zip(streams)
        .map(|(spanned, stream)| {
            let traffic = &spanned.value;
            let mut demands: Vec<Option<plan::MonthDemand>> =
                Vec::with_capacity(stream.factors.len());
            let mut rate_capacity = None;
            for factor in &stream.factors {
                if factor.is_zero() {
                    demands.push(None);
                    continue;
                }
                let breakdown = Breakdown::from_traffic(traffic, *factor)?;
                let load = |tokens: Decimal, minutes: Decimal| {
                    LoadShape::from_traffic(traffic, tokens, minutes, *factor)
                };
                let usage = Usage {
                    name: &traffic.name,
                    model: &traffic.model.value,
                    breakdown,
                    load: Load::Monthly(&load),
                    held: None,
                    service: None,
                };
                let (demand, rate, capacity) = provisioned_demand(route, &usage, ctx).ok()??;
                rate_capacity = Some((rate, capacity));
                demands.push(Some(demand));
            }
            let (rate, capacity) = rate_capacity?;
            // A month before the start holds the same billed hours and asks for nothing.
            let hours = demands.iter().flatten().map(|d| d.hours).next()?;
            let demands: Vec<plan::MonthDemand> = demands
                .into_iter()
                .map(|d| d.unwrap_or_else(|| plan::MonthDemand::idle(hours)))
                .collect();
            plan::plan(&demands, rate, capacity).ok()
        })
        .collect()
}

fn provisioned_items(
    route: &Route,
    usage: &Usage,
    ctx: CostContext,
    notes: &mut Vec<String>,
) -> Result<(Vec<LineItem>, Option<Sizing>), Unpriceable> {
    let model = usage.model;
    let mut items = Vec::new();
    let batch = usage.breakdown.batch_only();
    let batch_items = |items: &mut Vec<LineItem>, notes: &mut Vec<String>| {
        if batch.batch_is_zero() {
            return Ok(());
        }
        let source = spill_source(route, model, ctx)?;
        items.extend(price_breakdown(
            &batch,
            &source,
            &line_context(route, usage, &source, ctx, " (batch, on demand)"),
            notes,
        )?);
        Ok::<(), Unpriceable>(())
    };
    let Some(setup) = provisioned_setup(route, usage, ctx, notes)? else {
        batch_items(&mut items, notes)?;
        return Ok((items, None));
    };
    let ProvisionedSetup {
        rate,
        capacity,
        capacity_assumed,
        source,
        interactive,
        tokens,
        on_demand_usd,
        shape,
        hours,
    } = setup;
    let minutes = hours * Decimal::from(60);
    let (chosen, best_per_commitment, utilisation) =
        provisioned::size(&shape, tokens, on_demand_usd, rate, capacity, hours)?;

    // A horizon plan fixes the units held; otherwise the month is sized on its own.
    let (held, spill_share, utilisation) = match usage.held {
        Some(held) => {
            let units: u64 = held.iter().map(|h| h.units).sum();
            let capacity_held = capacity * Decimal::from(units);
            let total = shape.total();
            let spill = if total.is_zero() {
                Decimal::ZERO
            } else {
                (total - shape.served(capacity_held)) / total
            };
            let bought = capacity_held * shape.minutes();
            let used = (units > 0).then(|| {
                if bought.is_zero() {
                    Decimal::ZERO
                } else {
                    shape.served(capacity_held) / bought
                }
            });
            (held.to_vec(), spill, used)
        }
        None => {
            let held = chosen
                .commitment
                .map(|commitment| provisioned::HeldUnits {
                    commitment,
                    units: chosen.units,
                    hourly_usd: chosen.hourly_usd,
                    from_month: 1,
                    to_month: 1,
                })
                .into_iter()
                .collect::<Vec<_>>();
            (held, chosen.spill_share, utilisation)
        }
    };
    for h in &held {
        let term = match (usage.held, h.commitment) {
            (Some(_), Commitment::SixMonths) => {
                format!(", months {}-{}", h.from_month, h.to_month)
            }
            _ => String::new(),
        };
        items.push(fixed_line(
            usage.name,
            model,
            format!(
                "provisioned: {} unit{} x {}{term} ({} h at ${}/h)",
                h.units,
                if h.units == 1 { "" } else { "s" },
                h.commitment.label(),
                hours.round_dp(2).normalize(),
                h.hourly_usd.normalize()
            ),
            h.hourly_usd * Decimal::from(h.units) * hours,
        ));
    }
    if !spill_share.is_zero() {
        let spill = interactive.interactive_scaled(spill_share);
        let suffix = if held.is_empty() {
            " (on demand)"
        } else {
            " (spill-over above capacity)"
        };
        items.extend(price_breakdown(
            &spill,
            &source,
            &line_context(route, usage, &source, ctx, suffix),
            notes,
        )?);
    }
    batch_items(&mut items, notes)?;
    let break_even = provisioned::break_even(rate, tokens, on_demand_usd, capacity, hours, minutes);
    let sizing = Sizing {
        traffic: usage.name.to_owned(),
        model: model.to_owned(),
        peak_tokens_per_minute: shape.peak().round_dp(0),
        capacity_per_unit: capacity,
        capacity_assumed,
        hours,
        chosen,
        utilisation: utilisation.map(|u| u.round_dp(4)),
        held: if usage.held.is_some() {
            held
        } else {
            Vec::new()
        },
        best_per_commitment,
        break_even,
        load: shape.description.clone(),
    };
    Ok((items, Some(sizing)))
}

/// Why a route cannot price some traffic. Not a failure of the run: the reason is shown to
/// the user beside the route (an unserved line, an unpriceable model).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Unpriceable(pub String);

impl From<String> for Unpriceable {
    fn from(reason: String) -> Self {
        Unpriceable(reason)
    }
}

impl From<&str> for Unpriceable {
    fn from(reason: &str) -> Self {
        Unpriceable(reason.to_owned())
    }
}
