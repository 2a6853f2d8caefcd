//! "Usually both": each surface decided on its own, the chosen routes composed into a
//! portfolio (with a gateway in front when they span more than one route, or a surface asks
//! for several providers behind one interface), compared with the best single route and the
//! cheapest compliant split. A split must earn its place: when one route does as well on
//! every surface at no more cost, that route is recommended.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::data::inputs::Inputs;
use crate::data::rule_set::RuleEvalError;
use crate::engine::advice::{self, Advice};
use crate::engine::decide::Status;
use crate::engine::error::EngineError;
use crate::engine::unmet::{self, Unmet};
use crate::model::answers::Answer;
use crate::model::compose;
use crate::model::route::{Platform, Route};

/// One surface: its own inputs (answers and traffic) and its own decision. When no route
/// serves a surface's model families together, each family becomes a part of its own.
#[derive(Debug, Clone)]
pub struct SurfaceAdvice {
    pub name: String,
    pub inputs: Inputs,
    pub advice: Advice,
    /// The position of the answers' surface this decides.
    pub origin: usize,
    /// The model family this part carries when its surface is split by family.
    pub family: Option<String>,
}

/// A surface that no single route serves, decided again one model family at a time.
#[derive(Debug, Clone)]
pub struct FamilySplit {
    /// The surface decided whole: why no single route serves it.
    pub whole: SurfaceAdvice,
    /// The parts' names, in family order (each is a surface of the portfolio).
    pub parts: Vec<String>,
}

/// A set of routes, one per surface, with a gateway in front when needed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub surfaces: Vec<PlanSurface>,
    pub gateway: Option<GatewayPick>,
    /// The surfaces' costs plus the gateway's running cost; null when a part is unknown.
    pub monthly_usd: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanSurface {
    pub name: String,
    /// Null when every route is eliminated on this surface.
    pub route: Option<String>,
    pub monthly_usd: Option<Decimal>,
    pub unmet: Vec<Unmet>,
    /// The answers' surface this part belongs to, when that surface is split by family.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub split_of: Option<String>,
    /// The model family this part carries, when its surface is split by family.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GatewayPick {
    /// The gateway product (`rules/gateways.yaml`).
    pub id: String,
    pub name: String,
    /// The routes the gateway sends traffic to, in surface order.
    pub behind: Vec<String>,
    /// Why the portfolio needs a gateway.
    pub because: String,
    /// The workload's `gateway_monthly_usd`; null when not given (then excluded).
    pub monthly_usd: Option<Decimal>,
    /// The surfaces whose hard constraints the gateway breaks once composed with the route
    /// behind it, with the rule codes: empty when it is allowed on every surface.
    pub eliminated_on: Vec<GatewayBlock>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GatewayBlock {
    pub surface: String,
    pub codes: Vec<String>,
}

/// Which plan is recommended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The surfaces' own choices, composed.
    Portfolio,
    /// One route does as well on every surface at no more cost.
    SingleRoute,
    /// Some surface has no viable route.
    NoRoute,
}

/// The whole portfolio decision.
#[derive(Debug, Clone)]
pub struct Portfolio {
    /// The decided surfaces, a split surface replaced by its family parts.
    pub surfaces: Vec<SurfaceAdvice>,
    /// The surfaces split by model family, in surface order.
    pub splits: Vec<FamilySplit>,
    /// The surfaces' own choices, with a gateway when needed.
    pub portfolio: Plan,
    /// The best route viable on every surface (highest total score, then lowest total cost,
    /// then catalogue order), when there is one.
    pub single: Option<Plan>,
    /// The cheapest route viable on each surface, composed; only with a workload.
    pub cheapest_split: Option<Plan>,
    pub verdict: Verdict,
    /// The verdict in words.
    pub summary: String,
}

/// Decides every surface, then composes and compares.
pub fn advise(inputs: &Inputs) -> Result<Portfolio, EngineError> {
    let mut surfaces = Vec::new();
    let mut splits = Vec::new();
    let all = inputs.surface_inputs();
    let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
    for (origin, (name, surface_inputs)) in all.iter().enumerate() {
        let advice = advice::advise(surface_inputs)?;
        let whole = SurfaceAdvice {
            name: name.clone(),
            inputs: surface_inputs.clone(),
            advice,
            origin,
            family: None,
        };
        if whole.advice.decision.recommended().is_none()
            && let Some(parts) = split_by_family(&whole, &names)?
        {
            splits.push(FamilySplit {
                parts: parts.iter().map(|p| p.name.clone()).collect(),
                whole,
            });
            surfaces.extend(parts);
        } else {
            surfaces.push(whole);
        }
    }
    let gateway_cost = inputs
        .workload
        .as_ref()
        .and_then(|w| w.gateway_monthly_usd)
        .map(|a| a.0);
    let products: Vec<&Route> = inputs.catalogue.gateways.iter().map(|g| &g.item).collect();
    let compose = |choice: &dyn Fn(&SurfaceAdvice) -> Option<String>| -> Plan {
        let picks: Vec<PlanSurface> = surfaces
            .iter()
            .map(|s| {
                let route = choice(s);
                PlanSurface {
                    name: s.name.clone(),
                    monthly_usd: route.as_deref().and_then(|r| cost_of(s, r)),
                    unmet: route
                        .as_deref()
                        .map(|r| unmet::unmet(&s.inputs, &s.advice.decision, r))
                        .unwrap_or_default(),
                    route,
                    split_of: s.family.as_ref().map(|_| names[s.origin].to_owned()),
                    family: s.family.clone(),
                }
            })
            .collect();
        with_gateway(picks, &surfaces, &splits, &products, gateway_cost, inputs)
    };

    let portfolio =
        compose(&|s: &SurfaceAdvice| s.advice.decision.recommended().map(|o| o.route_id.clone()));
    let single_id = best_single(&surfaces, inputs);
    let single = single_id
        .as_ref()
        .map(|id| compose(&|_: &SurfaceAdvice| Some(id.clone())));
    let cheapest_split = inputs
        .workload
        .as_ref()
        .map(|_| compose(&|s: &SurfaceAdvice| cheapest(s)))
        .filter(|p| p.surfaces.iter().all(|s| s.route.is_some()));

    let (verdict, mut summary) =
        verdict(&surfaces, &portfolio, single.as_ref(), single_id.as_deref());
    for split in &splits {
        let parts: Vec<String> = portfolio
            .surfaces
            .iter()
            .filter(|p| split.parts.contains(&p.name))
            .map(|p| {
                format!(
                    "{} on `{}`",
                    p.family.as_deref().unwrap_or_default(),
                    p.route.as_deref().unwrap_or("no route")
                )
            })
            .collect();
        summary = format!(
            "No route serves every model family of `{}` within its hard constraints, so each family is decided on its own: {}. {summary}",
            split.whole.name,
            parts.join(", ")
        );
    }
    Ok(Portfolio {
        surfaces,
        splits,
        portfolio,
        single,
        cheapest_split,
        verdict,
        summary,
    })
}

/// The model families a surface needs: its answer, else those of its traffic.
fn families(surface: &SurfaceAdvice) -> Vec<String> {
    let answered = surface.inputs.answers.list("model_families");
    if !answered.is_empty() {
        return answered.to_vec();
    }
    surface
        .inputs
        .workload
        .as_ref()
        .map(|w| crate::data::inputs::workload_families(w, &surface.inputs.prices))
        .unwrap_or_default()
}

/// The surface decided one model family at a time, each with that family's traffic: `None`
/// when it needs a single family, when some family has no route either, or when a part's
/// name would clash with another surface's.
fn split_by_family(
    whole: &SurfaceAdvice,
    names: &[&str],
) -> Result<Option<Vec<SurfaceAdvice>>, EngineError> {
    let families = families(whole);
    if families.len() < 2 {
        return Ok(None);
    }
    let mut parts = Vec::new();
    for family in families {
        let name = format!("{}/{family}", whole.name);
        if names.contains(&name.as_str()) {
            return Ok(None);
        }
        let mut inputs = whole.inputs.clone();
        inputs
            .answers
            .values
            .insert("model_families".into(), Answer::List(vec![family.clone()]));
        if !inputs.answers.given.iter().any(|g| g == "model_families") {
            inputs.answers.given.push("model_families".into());
        }
        if let Some(workload) = inputs.workload.as_mut() {
            let prices = &whole.inputs.prices;
            workload
                .traffic
                .retain(|t| prices.family_of(&t.value.model.value) == Some(family.as_str()));
        }
        let advice = advice::advise(&inputs)?;
        if advice.decision.recommended().is_none() {
            return Ok(None);
        }
        parts.push(SurfaceAdvice {
            name,
            inputs,
            advice,
            origin: whole.origin,
            family: Some(family),
        });
    }
    Ok(Some(parts))
}

fn cost_of(surface: &SurfaceAdvice, route: &str) -> Option<Decimal> {
    surface.advice.costs.get(route).and_then(|c| c.monthly_usd)
}

fn viable(surface: &SurfaceAdvice, route: &str) -> bool {
    surface
        .advice
        .decision
        .outcomes
        .iter()
        .any(|o| o.route_id == route && o.status != Status::Eliminated)
}

fn score(surface: &SurfaceAdvice, route: &str) -> Option<i64> {
    surface
        .advice
        .decision
        .outcomes
        .iter()
        .find(|o| o.route_id == route && o.status != Status::Eliminated)
        .map(|o| o.score)
}

/// The cheapest viable route of a surface with a complete price; rank breaks ties.
fn cheapest(surface: &SurfaceAdvice) -> Option<String> {
    let mut best: Option<(&str, Decimal)> = None;
    for o in &surface.advice.decision.outcomes {
        if o.status == Status::Eliminated {
            continue;
        }
        if let Some(c) = cost_of(surface, &o.route_id)
            && best.is_none_or(|(_, b)| c < b)
        {
            best = Some((&o.route_id, c));
        }
    }
    best.map(|(id, _)| id.to_owned())
}

/// The route viable on every surface with the highest total score, then the lowest total
/// cost (a complete total first), then catalogue order.
fn best_single(surfaces: &[SurfaceAdvice], inputs: &Inputs) -> Option<String> {
    let mut best: Option<(String, i64, (u8, Decimal))> = None;
    for route in inputs.catalogue.routes.iter().map(|r| &r.item) {
        if !surfaces.iter().all(|s| viable(s, &route.id)) {
            continue;
        }
        let total: i64 = surfaces.iter().filter_map(|s| score(s, &route.id)).sum();
        let cost: Option<Decimal> = surfaces.iter().map(|s| cost_of(s, &route.id)).sum();
        let key = match cost {
            Some(c) => (0, c),
            None => (1, Decimal::ZERO),
        };
        let better = match &best {
            None => true,
            Some((_, s, k)) => total > *s || (total == *s && key < *k),
        };
        if better {
            best = Some((route.id.clone(), total, key));
        }
    }
    best.map(|(id, _, _)| id)
}

/// Adds a gateway when the picks span more than one route or a surface asks for
/// `multi_provider`, and totals the cost.
fn with_gateway(
    picks: Vec<PlanSurface>,
    surfaces: &[SurfaceAdvice],
    splits: &[FamilySplit],
    products: &[&Route],
    gateway_cost: Option<Decimal>,
    inputs: &Inputs,
) -> Plan {
    let mut behind: Vec<String> = Vec::new();
    for p in &picks {
        if let Some(r) = &p.route
            && !behind.contains(r)
        {
            behind.push(r.clone());
        }
    }
    let asks: Vec<&str> = surfaces
        .iter()
        .filter(|s| s.inputs.answers.get("multi_provider") == Some(&Answer::Bool(true)))
        .map(|s| s.name.as_str())
        .collect();
    let gateway_route = |r: &str| {
        inputs
            .catalogue
            .route(r)
            .is_some_and(|r| r.platform == Platform::Gateway)
    };
    behind.retain(|r| !gateway_route(r));
    let split: Vec<String> = splits
        .iter()
        .filter(|split| {
            let routes: Vec<&str> = picks
                .iter()
                .filter(|p| split.parts.contains(&p.name))
                .filter_map(|p| p.route.as_deref())
                .collect();
            routes.iter().any(|r| *r != routes[0])
        })
        .map(|split| format!("`{}`", split.whole.name))
        .collect();
    let because = if !split.is_empty() {
        Some(format!(
            "{} sends each model family to a different route, and one endpoint in front keeps that split out of the application",
            split.join(", ")
        ))
    } else if behind.len() > 1 {
        Some(format!(
            "the surfaces use {} different routes",
            behind.len()
        ))
    } else if !asks.is_empty() {
        Some(format!(
            "{} asks for several providers behind one interface (`multi_provider`)",
            asks.iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    } else {
        None
    };
    let gateway = because.and_then(|because| {
        // The first product, in data order, allowed on every surface once composed with the
        // surface's own route; else the first product, with what blocks it.
        let candidates: Vec<GatewayPick> = products
            .iter()
            .map(|product| GatewayPick {
                id: product.id.clone(),
                name: product.name.clone(),
                behind: behind.clone(),
                because: because.clone(),
                monthly_usd: gateway_cost,
                eliminated_on: surfaces
                    .iter()
                    .zip(&picks)
                    .filter_map(|(s, p)| {
                        let route = inputs.catalogue.route(p.route.as_deref()?)?;
                        let codes = gateway_blocks(&s.inputs, product, route).ok()?;
                        (!codes.is_empty()).then(|| GatewayBlock {
                            surface: s.name.clone(),
                            codes,
                        })
                    })
                    .collect(),
            })
            .collect();
        let first = candidates.first().cloned();
        candidates
            .into_iter()
            .find(|c| c.eliminated_on.is_empty())
            .or(first)
    });
    // A gateway allowed on every surface meets `multi_provider` for the whole portfolio.
    let mut picks = picks;
    if gateway.as_ref().is_some_and(|g| g.eliminated_on.is_empty()) {
        for p in &mut picks {
            p.unmet.retain(|u| u.question != "multi_provider");
        }
    }
    let mut total: Option<Decimal> = picks.iter().map(|p| p.monthly_usd).sum();
    if picks.iter().any(|p| p.route.is_none()) {
        total = None;
    }
    if let (Some(t), Some(g)) = (total, &gateway) {
        total = g.monthly_usd.map(|c| t + c).or(Some(t));
    }
    Plan {
        surfaces: picks,
        gateway,
        monthly_usd: total,
    }
}

fn verdict(
    surfaces: &[SurfaceAdvice],
    portfolio: &Plan,
    single: Option<&Plan>,
    single_id: Option<&str>,
) -> (Verdict, String) {
    if let Some(blocked) = portfolio.surfaces.iter().find(|p| p.route.is_none()) {
        return (
            Verdict::NoRoute,
            format!(
                "No route satisfies every hard constraint of the surface `{}`; see its blocking constraints.",
                blocked.name
            ),
        );
    }
    let routes: Vec<&str> = portfolio
        .surfaces
        .iter()
        .filter_map(|p| p.route.as_deref())
        .collect();
    let (Some(single), Some(id)) = (single, single_id) else {
        return (
            Verdict::Portfolio,
            "No single route is allowed on every surface, so each surface keeps its own route."
                .into(),
        );
    };
    let as_good = surfaces
        .iter()
        .zip(&portfolio.surfaces)
        .all(|(s, p)| score(s, id) >= p.route.as_deref().and_then(|r| score(s, r)));
    let no_dearer = match (single.monthly_usd, portfolio.monthly_usd) {
        (Some(a), Some(b)) => a <= b,
        (None, None) => true,
        (Some(_), None) => true,
        (None, Some(_)) => false,
    };
    if routes.iter().all(|r| *r == id) {
        let gateway = match &portfolio.gateway {
            Some(g) => format!(" A gateway stays in front: {}.", g.because),
            None => String::new(),
        };
        return (
            Verdict::SingleRoute,
            format!("Every surface chooses `{id}` on its own: one route, no split.{gateway}"),
        );
    }
    if as_good && no_dearer {
        return (
            Verdict::SingleRoute,
            format!(
                "`{id}` is allowed on every surface, scores as well as each surface's own choice and costs no more than the split, so one route is recommended."
            ),
        );
    }
    let why = if !as_good {
        let worse: Vec<String> = surfaces
            .iter()
            .zip(&portfolio.surfaces)
            .filter(|(s, p)| score(s, id) < p.route.as_deref().and_then(|r| score(s, r)))
            .map(|(s, p)| {
                format!(
                    "`{}` (score {} against {} for `{}`)",
                    s.name,
                    score(s, id).unwrap_or_default(),
                    p.route
                        .as_deref()
                        .and_then(|r| score(s, r))
                        .unwrap_or_default(),
                    p.route.as_deref().unwrap_or_default()
                )
            })
            .collect();
        format!(
            "the best single route, `{id}`, scores lower on {}",
            worse.join(", ")
        )
    } else {
        format!("the best single route, `{id}`, costs more than the split")
    };
    (
        Verdict::Portfolio,
        format!("Each surface keeps its own route: {why}."),
    )
}

/// The eliminating rules that fire for `product` composed in front of `route`, with the
/// surface's answers: the gateway is allowed on the surface when there are none.
pub fn gateway_blocks(
    inputs: &Inputs,
    product: &Route,
    route: &Route,
) -> Result<Vec<String>, RuleEvalError> {
    let composed = compose::composed(product, &[route]);
    let ctx = crate::engine::decide::context(inputs, Some(&composed));
    let mut codes = Vec::new();
    for rule in inputs
        .rules
        .rules
        .iter()
        .filter(|r| r.rule.effect == crate::model::rule::Effect::Eliminate)
    {
        if inputs.rules.evaluate(rule, &ctx)?.is_some() {
            codes.push(rule.rule.code.to_string());
        }
    }
    Ok(codes)
}
