//! The report of an answers file with surfaces: a portfolio summary (the surfaces' routes,
//! the gateway, the side-by-side comparison) and each surface's own report. The top-level
//! `routes` are the single-route view: a route is viable only if every surface allows it,
//! its score and cost are the sums over the surfaces, its reasons name their surface.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::data::inputs::Inputs;
use crate::data::rule_set::Firing;
use crate::engine::advice::Advice;
use crate::engine::cost::RouteCost;
use crate::engine::decide::{Decision, RouteOutcome, Status};
use crate::engine::portfolio::{Plan, Portfolio, Verdict};
use crate::model::answers::Answers;
use crate::outputs::adoption::{self, AdoptionGuide};
use crate::outputs::advice::record::RecordInfo;
use crate::outputs::advice::report::{self, Recommendation, Report};

pub use crate::outputs::advice::report::{PlanOption, PortfolioReport, SplitReport, SurfaceReport};

/// Builds the whole report of a portfolio decision.
pub fn build(inputs: &Inputs, portfolio: &Portfolio) -> Report {
    let merged = merged_advice(inputs, portfolio);
    let mut top = report::build(inputs, &merged);
    top.record = RecordInfo::from_inputs(inputs);
    let recommended = match portfolio.verdict {
        Verdict::SingleRoute => portfolio
            .single
            .clone()
            .unwrap_or(portfolio.portfolio.clone()),
        _ => portfolio.portfolio.clone(),
    };
    let single_route = (portfolio.verdict == Verdict::SingleRoute)
        .then(|| recommended.surfaces.first().and_then(|s| s.route.clone()))
        .flatten();
    top.recommendation = Recommendation {
        name: single_route
            .as_deref()
            .and_then(|r| inputs.catalogue.route(r))
            .map(|r| r.name.clone()),
        route: single_route,
        summary: portfolio.summary.clone(),
        tie_breaker: None,
    };
    // A need left unmet the same way on several surfaces is listed once, naming them all.
    top.unmet = Vec::new();
    for u in recommended.surfaces.iter().flat_map(|s| &s.unmet) {
        if !top.unmet.contains(u) {
            top.unmet.push(u.clone());
        }
    }
    let mut options = vec![PlanOption {
        kind: "portfolio",
        label: "each surface's own route".into(),
        plan: portfolio.portfolio.clone(),
    }];
    if let Some(single) = &portfolio.single {
        options.push(PlanOption {
            kind: "single_route",
            label: format!(
                "best single route (`{}`)",
                single
                    .surfaces
                    .first()
                    .and_then(|s| s.route.as_deref())
                    .unwrap_or_default()
            ),
            plan: single.clone(),
        });
    }
    if let Some(split) = &portfolio.cheapest_split {
        options.push(PlanOption {
            kind: "cheapest_split",
            label: "cheapest compliant route per surface".into(),
            plan: split.clone(),
        });
    }
    top.adoption = Some(adoption(portfolio, &recommended));
    top.portfolio = Some(PortfolioReport {
        verdict: portfolio.verdict,
        summary: portfolio.summary.clone(),
        recommended,
        options,
        splits: portfolio
            .splits
            .iter()
            .map(|split| {
                let whole = report::build(&split.whole.inputs, &split.whole.advice);
                SplitReport {
                    surface: split.whole.name.clone(),
                    parts: split.parts.clone(),
                    blocking_constraints: whole.blocking_constraints.clone(),
                    open_questions: whole.open_questions.clone(),
                    routes: whole.routes.clone(),
                    whole: Box::new(whole),
                }
            })
            .collect(),
    });
    top.surfaces = Some(
        portfolio
            .surfaces
            .iter()
            .map(|s| SurfaceReport {
                name: s.name.clone(),
                overrides: inputs
                    .answers
                    .surfaces
                    .get(s.origin)
                    .map(|a| a.overrides.clone())
                    .unwrap_or_default(),
                split_of: s
                    .family
                    .as_ref()
                    .and_then(|_| inputs.answers.surfaces.get(s.origin))
                    .map(|a| a.name.clone()),
                family: s.family.clone(),
                traffic: s
                    .inputs
                    .workload
                    .as_ref()
                    .map(|w| w.traffic.iter().map(|t| t.value.name.clone()).collect())
                    .unwrap_or_default(),
                report: {
                    let mut r = report::build(&s.inputs, &s.advice);
                    r.record = RecordInfo::from_inputs(&s.inputs);
                    r
                },
            })
            .collect(),
    );
    top
}

/// How to switch to each route of the plan, placed by the answers of the first surface
/// that uses it, for the models of every surface it carries; then the gateway, with a
/// LiteLLM config sending each surface's models to that surface's route.
fn adoption(portfolio: &Portfolio, plan: &Plan) -> Vec<AdoptionGuide> {
    let mut per_route: Vec<(String, Vec<String>, Answers)> = Vec::new();
    for (pick, surface) in plan.surfaces.iter().zip(&portfolio.surfaces) {
        let Some(route) = &pick.route else { continue };
        let models: Vec<String> = surface
            .inputs
            .workload
            .as_ref()
            .map(|w| {
                w.traffic
                    .iter()
                    .map(|t| t.value.model.value.clone())
                    .collect()
            })
            .unwrap_or_default();
        match per_route.iter_mut().find(|(r, _, _)| r == route) {
            Some(entry) => entry.1.extend(models),
            None => per_route.push((route.clone(), models, surface.inputs.answers.clone())),
        }
    }
    for entry in &mut per_route {
        entry.1.sort();
        entry.1.dedup();
    }
    let Some(first) = portfolio.surfaces.first() else {
        return Vec::new();
    };
    let inputs = &first.inputs;
    let mut guides: Vec<AdoptionGuide> = per_route
        .iter()
        .filter_map(|(route, models, answers)| {
            adoption::guide_with(inputs, route, models, answers, &[]).ok()
        })
        .collect();
    if let Some(gateway) = &plan.gateway {
        let (deployments, notes) = adoption::deployments(inputs, &per_route);
        let mut models: Vec<String> = deployments.iter().map(|d| d.model_name.clone()).collect();
        models.dedup();
        if let Ok(mut guide) =
            adoption::guide_with(inputs, &gateway.id, &models, &inputs.answers, &deployments)
        {
            guide.notes.extend(notes);
            guides.push(guide);
        }
    }
    guides
}

/// The single-route view over every surface, as one decision.
fn merged_advice(inputs: &Inputs, portfolio: &Portfolio) -> Advice {
    let tag = |name: &str, f: &Firing| Firing {
        message: format!("[{name}] {}", f.message),
        ..f.clone()
    };
    let mut outcomes: Vec<RouteOutcome> = Vec::new();
    let mut costs: BTreeMap<String, RouteCost> = BTreeMap::new();
    for route in inputs.catalogue.routes.iter().map(|r| &r.item) {
        let mut merged = RouteOutcome {
            route_id: route.id.clone(),
            status: Status::Viable,
            score: 0,
            eliminations: Vec::new(),
            scores: Vec::new(),
            warnings: Vec::new(),
            evidence: Vec::new(),
            open_questions: Vec::new(),
            conditions: Vec::new(),
        };
        let mut cost: Option<RouteCost> = None;
        for s in &portfolio.surfaces {
            if let Some(o) = s
                .advice
                .decision
                .outcomes
                .iter()
                .find(|o| o.route_id == route.id)
            {
                merged.score += o.score;
                merged
                    .eliminations
                    .extend(o.eliminations.iter().map(|f| tag(&s.name, f)));
                merged
                    .scores
                    .extend(o.scores.iter().map(|f| tag(&s.name, f)));
                for (all, these) in [
                    (&mut merged.evidence, &o.evidence),
                    (&mut merged.open_questions, &o.open_questions),
                    (&mut merged.conditions, &o.conditions),
                ] {
                    for fact in these {
                        if !all.contains(fact) {
                            all.push(fact.clone());
                        }
                    }
                }
                for w in &o.warnings {
                    if !merged.warnings.iter().any(|m| m.code == w.code) {
                        merged.warnings.push(w.clone());
                    }
                }
            }
            if let Some(c) = s.advice.costs.get(&route.id) {
                let total = cost.get_or_insert_with(|| RouteCost {
                    monthly_usd: Some(Decimal::ZERO),
                    ..RouteCost::default()
                });
                total.monthly_usd = match (total.monthly_usd, c.monthly_usd) {
                    (Some(a), Some(b)) => Some(a + b),
                    _ => None,
                };
                total.items.extend(c.items.iter().cloned());
                total.unserved.extend(c.unserved.iter().cloned());
                for n in &c.notes {
                    if !total.notes.contains(n) {
                        total.notes.push(n.clone());
                    }
                }
                total.sizing.extend(c.sizing.iter().cloned());
            }
        }
        if !merged.eliminations.is_empty() {
            merged.status = Status::Eliminated;
            merged.warnings.clear();
        }
        if let Some(c) = cost {
            costs.insert(route.id.clone(), c);
        }
        outcomes.push(merged);
    }
    let position = |id: &str| inputs.catalogue.routes.iter().position(|r| r.item.id == id);
    let cost_key = |id: &str| match costs.get(id).and_then(|c| c.monthly_usd) {
        Some(total) => (0, total),
        None => (1, Decimal::ZERO),
    };
    outcomes.sort_by(|a, b| {
        let out = |o: &RouteOutcome| o.status == Status::Eliminated;
        out(a)
            .cmp(&out(b))
            .then_with(|| {
                if out(a) {
                    std::cmp::Ordering::Equal
                } else {
                    b.score
                        .cmp(&a.score)
                        .then_with(|| cost_key(&a.route_id).cmp(&cost_key(&b.route_id)))
                }
            })
            .then_with(|| position(&a.route_id).cmp(&position(&b.route_id)))
    });
    if portfolio.verdict == Verdict::SingleRoute
        && let Some(first) = outcomes.first_mut()
        && first.status == Status::Viable
    {
        first.status = Status::Recommended;
    }
    let mut general_warnings: Vec<Firing> = Vec::new();
    for s in &portfolio.surfaces {
        for w in &s.advice.decision.general_warnings {
            if !general_warnings.contains(w) {
                general_warnings.push(w.clone());
            }
        }
    }
    Advice {
        costs,
        decision: Decision {
            outcomes,
            general_warnings,
        },
    }
}
