//! Eliminate, score and rank the routes. Every reason cites the rule code that produced it.
//!
//! Ranking: highest score first; ties go to the cheaper route when a workload is priced
//! (a route with a complete total before one without), then to catalogue order, so the
//! same inputs always give the same ranking.

use std::collections::BTreeMap;

use minijinja::Value;
use rust_decimal::Decimal;

use crate::data::inputs::{Inputs, workload_families};
use crate::data::rule_set::{Firing, RuleEvalError};
use crate::model::route::Route;
use crate::model::rule::Effect;

/// Where a route ended up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Recommended,
    Viable,
    Eliminated,
}

/// The decision for one route.
#[derive(Debug, Clone)]
pub struct RouteOutcome {
    pub route_id: String,
    pub status: Status,
    pub score: i64,
    /// Eliminating rules that fired (every one of them, not only the first).
    pub eliminations: Vec<Firing>,
    /// Score rules that fired, with their weights.
    pub scores: Vec<Firing>,
    /// Warning rules that fired for this route (viable routes only).
    pub warnings: Vec<Firing>,
}

/// The ranked outcome of every route plus the warnings about the answers themselves.
#[derive(Debug, Clone)]
pub struct Decision {
    /// Recommended first, then viable routes by rank, then eliminated routes.
    pub outcomes: Vec<RouteOutcome>,
    /// Warnings whose condition looks only at the answers.
    pub general_warnings: Vec<Firing>,
}

impl Decision {
    pub fn recommended(&self) -> Option<&RouteOutcome> {
        self.outcomes
            .iter()
            .find(|o| o.status == Status::Recommended)
    }
}

/// The evaluation context for a route: `answers`, `route` (a gateway's families include
/// those behind it) and `workload`.
pub fn context(inputs: &Inputs, route: Option<&Route>) -> Value {
    Contexts::new(inputs).of(inputs, route)
}

/// What conditions see as `route`: the route's attributes plus the models it serves.
#[derive(serde::Serialize)]
struct RouteView<'a> {
    #[serde(flatten)]
    route: &'a Route,
    models: Vec<String>,
}

/// The parts of every route's context that do not depend on the route, built once.
struct Contexts {
    answers: Value,
    workload: Value,
}

impl Contexts {
    fn new(inputs: &Inputs) -> Contexts {
        Contexts {
            answers: Value::from(minijinja::value::Serde(&inputs.answers.values)),
            workload: workload_value(inputs),
        }
    }

    fn of(&self, inputs: &Inputs, route: Option<&Route>) -> Value {
        let (answers, workload) = (self.answers.clone(), self.workload.clone());
        match route {
            Some(route) => {
                let view = RouteView {
                    route,
                    models: inputs.catalogue.models_of(route, &inputs.prices),
                };
                minijinja::context! { answers => answers, route => Value::from(minijinja::value::Serde(&view)), workload => workload }
            }
            None => minijinja::context! { answers => answers, workload => workload },
        }
    }
}

fn workload_value(inputs: &Inputs) -> Value {
    let (models, families) = match &inputs.workload {
        Some(w) => {
            let mut models: Vec<String> = w
                .traffic
                .iter()
                .map(|t| t.value.model.value.clone())
                .collect();
            models.sort();
            models.dedup();
            (models, workload_families(w, &inputs.prices))
        }
        None => (Vec::new(), Vec::new()),
    };
    minijinja::context! { models => models, model_families => families }
}

/// Evaluates every rule for each of `routes`, in order.
fn evaluate_routes(
    inputs: &Inputs,
    contexts: &Contexts,
    routes: &[&Route],
) -> Result<Vec<RouteOutcome>, RuleEvalError> {
    let mut outcomes = Vec::with_capacity(routes.len());
    for route in routes {
        let ctx = contexts.of(inputs, Some(route));
        let mut outcome = RouteOutcome {
            route_id: route.id.clone(),
            status: Status::Viable,
            score: 0,
            eliminations: Vec::new(),
            scores: Vec::new(),
            warnings: Vec::new(),
        };
        for rule in &inputs.rules.rules {
            if rule.rule.effect == Effect::Warn && !rule.uses_route {
                continue;
            }
            let Some(firing) = inputs.rules.evaluate(rule, &ctx)? else {
                continue;
            };
            match firing.effect {
                Effect::Eliminate => outcome.eliminations.push(firing),
                Effect::Score => {
                    outcome.score += firing.weight;
                    outcome.scores.push(firing);
                }
                Effect::Warn => outcome.warnings.push(firing),
            }
        }
        if !outcome.eliminations.is_empty() {
            outcome.status = Status::Eliminated;
            outcome.warnings.clear();
        }
        outcomes.push(outcome);
    }
    Ok(outcomes)
}

/// Runs every rule over every route and ranks the survivors. `monthly_cost` breaks ties.
pub fn decide(
    inputs: &Inputs,
    monthly_cost: &BTreeMap<String, Option<Decimal>>,
) -> Result<Decision, RuleEvalError> {
    let mut general_warnings = Vec::new();
    let answers_only = Contexts::new(inputs).of(inputs, None);
    for rule in inputs
        .rules
        .rules
        .iter()
        .filter(|r| !r.uses_route && r.rule.effect == Effect::Warn)
    {
        if let Some(firing) = inputs.rules.evaluate(rule, &answers_only)? {
            general_warnings.push(firing);
        }
    }

    let contexts = Contexts::new(inputs);
    let routes: Vec<&Route> = inputs.catalogue.routes.iter().map(|r| &r.item).collect();
    let mut outcomes = evaluate_routes(inputs, &contexts, &routes)?;

    let position = |id: &str| inputs.catalogue.routes.iter().position(|r| r.item.id == id);
    let cost_key = |id: &str| match monthly_cost.get(id) {
        Some(Some(total)) => (0, *total),
        _ => (1, Decimal::ZERO),
    };
    outcomes.sort_by(|a, b| {
        let eliminated = |o: &RouteOutcome| o.status == Status::Eliminated;
        eliminated(a)
            .cmp(&eliminated(b))
            .then_with(|| {
                if eliminated(a) {
                    std::cmp::Ordering::Equal
                } else {
                    b.score
                        .cmp(&a.score)
                        .then_with(|| cost_key(&a.route_id).cmp(&cost_key(&b.route_id)))
                }
            })
            .then_with(|| position(&a.route_id).cmp(&position(&b.route_id)))
    });
    if let Some(first) = outcomes.first_mut()
        && first.status == Status::Viable
    {
        first.status = Status::Recommended;
    }
    Ok(Decision {
        outcomes,
        general_warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::inputs::{InputPaths, Inputs};

    fn inputs_with(answers: &str) -> Inputs {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("answers.yaml");
        std::fs::write(&path, answers).expect("write answers");
        Inputs::load(&InputPaths {
            answers: Some(path),
            ..InputPaths::default()
        })
        .expect("valid inputs")
    }

    #[test]
    fn ties_on_score_go_to_the_cheaper_route() {
        let inputs = inputs_with("cloud: aws\nresidency: eu\n");
        let mut costs = BTreeMap::new();
        costs.insert("bedrock-geo".to_string(), Some(Decimal::from(200)));
        costs.insert("bedrock-region".to_string(), Some(Decimal::from(100)));
        let decision = decide(&inputs, &costs).expect("decides");
        assert_eq!(
            decision.recommended().map(|o| o.route_id.as_str()),
            Some("bedrock-region")
        );
    }

    #[test]
    fn without_costs_ties_follow_catalogue_order() {
        let inputs = inputs_with("cloud: aws\nresidency: eu\n");
        let decision = decide(&inputs, &BTreeMap::new()).expect("decides");
        assert_eq!(
            decision.recommended().map(|o| o.route_id.as_str()),
            Some("bedrock-geo")
        );
    }

    #[test]
    fn eliminated_routes_come_last_and_keep_every_reason() {
        let inputs = inputs_with("residency: eu\nprivate_networking: true\n");
        let decision = decide(&inputs, &BTreeMap::new()).expect("decides");
        let first_eliminated = decision
            .outcomes
            .iter()
            .position(|o| o.status == Status::Eliminated)
            .expect("some eliminated");
        assert!(
            decision.outcomes[first_eliminated..]
                .iter()
                .all(|o| o.status == Status::Eliminated)
        );
        let direct = decision
            .outcomes
            .iter()
            .find(|o| o.route_id == "anthropic-api")
            .expect("direct API");
        let codes: Vec<&str> = direct
            .eliminations
            .iter()
            .map(|f| f.code.as_str())
            .collect();
        assert_eq!(codes, ["RW001", "RW005"]);
        assert!(
            direct.warnings.is_empty(),
            "no warnings about an eliminated route"
        );
    }
}

/// A route the answers eliminate, with the codes that did, for outputs that leave it out.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EliminatedRoute {
    pub id: String,
    pub codes: Vec<String>,
}

/// The routes the answers eliminate (none are when `skip` is false).
pub fn eliminated_routes(
    inputs: &Inputs,
    skip: bool,
) -> Result<Vec<EliminatedRoute>, RuleEvalError> {
    if !skip {
        return Ok(Vec::new());
    }
    let decision = decide(inputs, &BTreeMap::new())?;
    Ok(decision
        .outcomes
        .iter()
        .filter(|o| o.status == Status::Eliminated)
        .map(|o| EliminatedRoute {
            id: o.route_id.clone(),
            codes: o.eliminations.iter().map(|f| f.code.clone()).collect(),
        })
        .collect())
}
