//! `routewise cost` with an answers file holding `surfaces:`: each surface's own traffic
//! projected on the routes its own answers allow, and the recommended portfolio (each
//! surface on its chosen route, plus the gateway's running cost) month by month.
//!
//! The portfolio is the one `advise` recommends: the surfaces' own choices composed, or the
//! single route when it does as well at no more cost. A surface's line is the printed total
//! of its route's month (itself the sum of its printed line items); the gateway's line is
//! the workload's `gateway_monthly_usd` each month, flat. The portfolio's month is the sum of
//! its lines and its total the sum of its months, so everything printed adds up.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::data::inputs::Inputs;
use crate::engine::cost::round_cents;
use crate::engine::decide::EliminatedRoute;
use crate::engine::error::EngineError;
use crate::engine::portfolio::{self, Verdict};
use crate::outputs::projection::{ProjectionOptions, RouteProjection, project};

/// One surface's own traffic, projected on the routes its answers allow.
#[derive(Debug, Clone, Serialize)]
pub struct SurfaceProjection {
    pub name: String,
    /// The route the recommended portfolio gives this surface; null when none is viable.
    pub route: Option<String>,
    /// The traffic entries this surface carries.
    pub traffic: Vec<String>,
    pub routes: Vec<RouteProjection>,
    /// Routes this surface's answers eliminate, with the codes that did.
    pub eliminated: Vec<EliminatedRoute>,
}

/// The recommended portfolio over the horizon.
#[derive(Debug, Clone, Serialize)]
pub struct PortfolioProjection {
    /// `portfolio` (the surfaces' own choices), `single_route` or `no_route`.
    pub verdict: Verdict,
    pub lines: Vec<PortfolioLine>,
    /// Each month's total: the sum of its lines; null when a line is unknown.
    pub months: Vec<PortfolioMonth>,
    /// The sum of the month totals; null when a month is unknown.
    pub total_usd: Option<Decimal>,
}

/// One line of the portfolio: a surface on its route, or the gateway in front.
#[derive(Debug, Clone, Serialize)]
pub struct PortfolioLine {
    /// `surface` or `gateway`.
    pub kind: &'static str,
    /// The surface's name, or the gateway product's id.
    pub name: String,
    /// The surface's route, or the routes behind the gateway joined by `, `.
    pub route: String,
    /// USD per month, month 1 first; null where unknown.
    pub months: Vec<Option<Decimal>>,
    pub total_usd: Option<Decimal>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PortfolioMonth {
    pub month: u32,
    pub total_usd: Option<Decimal>,
}

/// Projects every surface and the recommended portfolio; `None` without `surfaces:`.
pub fn project_surfaces(
    inputs: &Inputs,
    options: &ProjectionOptions,
    months: u32,
    notes: &mut Vec<String>,
) -> Result<Option<(Vec<SurfaceProjection>, PortfolioProjection)>, EngineError> {
    if inputs.answers.surfaces.is_empty() || inputs.workload.is_none() {
        return Ok(None);
    }
    let decided = portfolio::advise(inputs)?;
    let plan = match decided.verdict {
        Verdict::SingleRoute => decided.single.as_ref().unwrap_or(&decided.portfolio),
        _ => &decided.portfolio,
    };
    let mut surfaces = Vec::new();
    let mut lines = Vec::new();
    for (surface, pick) in decided.surfaces.iter().zip(&plan.surfaces) {
        let mut routes = options.routes.clone();
        if let Some(r) = pick.route.as_ref().filter(|_| !routes.is_empty())
            && !routes.contains(r)
        {
            routes.push(r.clone());
        }
        let projected = project(
            &surface.inputs,
            &ProjectionOptions {
                routes,
                skip_eliminated: true,
                ..options.clone()
            },
        )?;
        let chosen = pick
            .route
            .as_ref()
            .and_then(|r| projected.routes.iter().find(|p| &p.id == r));
        let line_months: Vec<Option<Decimal>> = match chosen {
            Some(r) => r.months.iter().map(|m| m.total_usd).collect(),
            None => vec![None; months as usize],
        };
        lines.push(PortfolioLine {
            kind: "surface",
            name: surface.name.clone(),
            route: pick.route.clone().unwrap_or_else(|| "(no route)".into()),
            total_usd: chosen.and_then(|r| r.total_usd),
            months: line_months,
        });
        surfaces.push(SurfaceProjection {
            name: surface.name.clone(),
            route: pick.route.clone(),
            traffic: surface
                .inputs
                .workload
                .iter()
                .flat_map(|w| w.traffic.iter().map(|t| t.value.name.clone()))
                .collect(),
            routes: projected.routes,
            eliminated: projected.eliminated,
        });
    }
    if let Some(gateway) = &plan.gateway {
        let month = gateway.monthly_usd.map(round_cents);
        if month.is_none() {
            notes.push(format!(
                "The portfolio's gateway `{}` has no running cost: set gateway_monthly_usd in the workload; the portfolio total excludes it.",
                gateway.id
            ));
        }
        lines.push(PortfolioLine {
            kind: "gateway",
            name: gateway.id.clone(),
            route: gateway.behind.join(", "),
            months: vec![month; months as usize],
            total_usd: month.map(|m| m * Decimal::from(months)),
        });
    }
    let month_totals: Vec<PortfolioMonth> = (0..months as usize)
        .map(|i| PortfolioMonth {
            month: i as u32 + 1,
            total_usd: lines
                .iter()
                // A gateway without a running cost is excluded (and said so), not unknown.
                .filter(|l| l.kind == "surface" || l.months.get(i).copied().flatten().is_some())
                .map(|l| l.months.get(i).copied().flatten())
                .try_fold(round_cents(Decimal::ZERO), |sum, m| sum.checked_add(m?)),
        })
        .collect();
    let total_usd = month_totals
        .iter()
        .try_fold(round_cents(Decimal::ZERO), |sum, m| {
            sum.checked_add(m.total_usd?)
        });
    notes.push(format!(
        "With surfaces, each surface's own traffic is projected on the routes its own answers allow; the portfolio is the plan `advise` recommends ({}): each surface on its route, plus the gateway's running cost each month. Its months are the sums of their lines and its total the sum of its months.",
        match decided.verdict {
            Verdict::Portfolio => "the surfaces' own choices",
            Verdict::SingleRoute => "one route for every surface",
            Verdict::NoRoute => "some surface has no viable route",
        }
    ));
    Ok(Some((
        surfaces,
        PortfolioProjection {
            verdict: decided.verdict,
            lines,
            months: month_totals,
            total_usd,
        },
    )))
}
