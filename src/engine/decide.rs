//! Eliminate, score and rank the routes. Every reason cites the rule code that produced it.
//!
//! Ranking: highest score first; ties go to the cheaper route when a workload is priced
//! (a route with a complete total before one without), then to catalogue order, so the
//! same inputs always give the same ranking.

use std::collections::BTreeMap;

use minijinja::Value;
use rust_decimal::Decimal;

use crate::data::inputs::{Inputs, workload_families};
use crate::data::rule_set::{CompiledRule, Firing, RuleEvalError};
use crate::engine::capabilities::{Fact, RouteCapabilities, Scope, set_in_view};
use crate::model::answers::Answer;
use crate::model::route::{ITEM_CAPABILITIES, Route, SINGLE_CAPABILITIES};
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
    /// The capability values whose `no` eliminated the route, with their sources.
    pub evidence: Vec<Fact>,
    /// The `unknown` values that eliminated the route: questions for the vendor.
    pub open_questions: Vec<Fact>,
    /// The `configurable` and `on_request` values (and model-limited ones) a viable route
    /// meets a hard constraint with only once their condition is done: the "before go-live"
    /// checklist.
    pub conditions: Vec<Fact>,
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

/// The parts of every route's context that do not depend on the route, built once.
struct Contexts {
    answers: Value,
    workload: Value,
    /// The workload's model ids, sorted.
    models: Vec<String>,
    /// The features the answers need.
    features: Vec<String>,
    /// The model families the answers require.
    families: Vec<String>,
}

/// What conditions see as `route`, and the capabilities it was built from.
pub struct RouteView {
    pub capabilities: RouteCapabilities,
    pub json: serde_json::Map<String, serde_json::Value>,
}

impl Contexts {
    fn new(inputs: &Inputs) -> Contexts {
        let mut models: Vec<String> = inputs
            .workload
            .iter()
            .flat_map(|w| w.traffic.iter().map(|t| t.value.model.value.clone()))
            .collect();
        models.sort();
        models.dedup();
        let features = match inputs.answers.values.get("features") {
            Some(Answer::List(items)) => items.clone(),
            _ => Vec::new(),
        };
        let families = match inputs.answers.values.get("model_families") {
            Some(Answer::List(items)) => items.clone(),
            _ => Vec::new(),
        };
        Contexts {
            answers: Value::from(minijinja::value::Serde(&inputs.answers.values)),
            workload: workload_value(inputs),
            models,
            features,
            families,
        }
    }

    /// The route's attributes with each capability as rules see it (met or not, for the
    /// workload's models that the route serves and the features the answers need), the
    /// state words under `state`, and the models it serves.
    fn view(&self, inputs: &Inputs, route: &Route) -> RouteView {
        let served = inputs.catalogue.models_of(route, &inputs.prices);
        let models: Vec<String> = self
            .models
            .iter()
            .filter(|m| served.contains(m))
            .cloned()
            .collect();
        // Without a workload, the answered families stand in for its models.
        let families: Vec<(String, Vec<String>)> = if self.models.is_empty() {
            self.families
                .iter()
                .map(|f| {
                    let ids = served
                        .iter()
                        .filter(|m| inputs.prices.family_of(m) == Some(f.as_str()))
                        .cloned()
                        .collect();
                    (f.clone(), ids)
                })
                .collect()
        } else {
            Vec::new()
        };
        let scope = Scope {
            models: &models,
            features: &self.features,
            families: &families,
        };
        let capabilities = RouteCapabilities::of(&inputs.catalogue, route, scope);
        let mut json = match serde_json::to_value(route) {
            Ok(serde_json::Value::Object(map)) => map,
            _ => serde_json::Map::new(),
        };
        json.extend(capabilities.rule_view());
        json.insert(
            "models".to_owned(),
            serde_json::Value::Array(served.into_iter().map(serde_json::Value::String).collect()),
        );
        RouteView { capabilities, json }
    }

    fn with_route(&self, route: Option<&serde_json::Map<String, serde_json::Value>>) -> Value {
        let (answers, workload) = (self.answers.clone(), self.workload.clone());
        match route {
            Some(route) => {
                minijinja::context! { answers => answers, route => Value::from(minijinja::value::Serde(route)), workload => workload }
            }
            None => minijinja::context! { answers => answers, workload => workload },
        }
    }

    fn of(&self, inputs: &Inputs, route: Option<&Route>) -> Value {
        match route {
            Some(route) => self.with_route(Some(&self.view(inputs, route).json)),
            None => self.with_route(None),
        }
    }
}

/// The route view of one route for the inputs' workload and answers.
pub fn route_view(inputs: &Inputs, route: &Route) -> RouteView {
    Contexts::new(inputs).view(inputs, route)
}

/// The capabilities a rule condition reads (`route.cmek`, `route.state.residency`).
pub fn capabilities_read(rule: &CompiledRule) -> Vec<&'static str> {
    let text = &rule.rule.when.value;
    let mut found = Vec::new();
    for (at, _) in text.match_indices("route.") {
        let rest = &text[at + "route.".len()..];
        let word = |r: &str| -> String {
            r.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        };
        let mut name = word(rest);
        if name == "state" {
            name = word(rest.get("state.".len()..).unwrap_or_default());
        }
        let known = SINGLE_CAPABILITIES
            .iter()
            .chain(ITEM_CAPABILITIES)
            .find(|c| **c == name);
        if let Some(c) = known
            && !found.contains(c)
        {
            found.push(*c);
        }
    }
    found
}

/// What a rule's outcome is for one view: `None` when it does not fire, else the message.
fn outcome_of(
    inputs: &Inputs,
    contexts: &Contexts,
    rule: &CompiledRule,
    view: &serde_json::Map<String, serde_json::Value>,
) -> Result<Option<String>, RuleEvalError> {
    let ctx = contexts.with_route(Some(view));
    Ok(inputs.rules.evaluate(rule, &ctx)?.map(|f| f.message))
}

/// True when the answer to the question named like the capability asks for this item
/// (`residency: eu` names `eu`; `compliance: [hipaa]` names `hipaa`; a yes to a bool
/// question names the single-valued capability).
fn answer_names(inputs: &Inputs, capability: &str, item: Option<&str>) -> bool {
    match (inputs.answers.values.get(capability), item) {
        (Some(Answer::Choice(c)), Some(i)) => c == i,
        (Some(Answer::List(items)), Some(i)) => items.iter().any(|x| x == i),
        (Some(Answer::Bool(b)), None) => *b,
        _ => false,
    }
}

/// Ties an eliminating rule's firing to the capability values behind it: the `no` values it
/// rests on (evidence, named by model or feature in the message), or, when only `unknown`
/// values made it fire, the questions to ask instead of a hard fact. For a rule that did
/// not fire, the conditional values it relies on.
fn analyse(
    inputs: &Inputs,
    contexts: &Contexts,
    rule: &CompiledRule,
    view: &RouteView,
    fired: Option<&mut Firing>,
    outcome: &mut RouteOutcome,
) -> Result<(), RuleEvalError> {
    let caps = capabilities_read(rule);
    if caps.is_empty() {
        return Ok(());
    }
    let code = &rule.rule.code;
    let values: Vec<(&str, Option<&str>, &crate::engine::capabilities::Effective)> = view
        .capabilities
        .all()
        .into_iter()
        .filter(|(c, _, _)| caps.contains(c))
        .collect();
    let catalogue = &inputs.catalogue;
    match fired {
        Some(firing) => {
            let before = Some(firing.message.clone());
            let unmet: Vec<_> = values.iter().filter(|(_, _, e)| !e.state.met()).collect();
            // The values that matter: those whose being met alone would stop the rule, or,
            // when it takes several (two frameworks missing), those the answers name.
            let mut demanded = Vec::new();
            for (c, i, e) in &unmet {
                let mut changed = view.json.clone();
                set_in_view(&mut changed, c, *i, true);
                if outcome_of(inputs, contexts, rule, &changed)?.is_none() {
                    demanded.push((*c, *i, *e));
                }
            }
            if demanded.is_empty() {
                demanded = unmet
                    .iter()
                    .filter(|(c, i, _)| answer_names(inputs, c, *i))
                    .map(|(c, i, e)| (*c, *i, *e))
                    .collect();
            }
            let _ = before;
            let unknowns: Vec<_> = demanded
                .iter()
                .filter(|(_, _, e)| e.state == crate::model::capability::State::Unknown)
                .collect();
            let mut all_unknown_met = view.json.clone();
            for (c, i, _) in &unknowns {
                set_in_view(&mut all_unknown_met, c, *i, true);
            }
            let only_unknowns = !unknowns.is_empty()
                && outcome_of(inputs, contexts, rule, &all_unknown_met)?.is_none();
            if only_unknowns {
                let facts: Vec<Fact> = unknowns
                    .iter()
                    .map(|(c, i, e)| Fact::new(catalogue, code, c, *i, e))
                    .collect();
                firing.message = facts
                    .iter()
                    .map(Fact::question)
                    .collect::<Vec<_>>()
                    .join("; ");
                outcome.open_questions.extend(facts);
            } else {
                let facts: Vec<Fact> = demanded
                    .iter()
                    .filter(|(_, _, e)| e.state == crate::model::capability::State::No)
                    .map(|(c, i, e)| Fact::new(catalogue, code, c, *i, e))
                    .collect();
                // A message that does not name the model or feature itself gets it appended.
                let details: Vec<String> = facts
                    .iter()
                    .filter_map(|f| {
                        let scope = f.value.scope_text()?;
                        Some(match &f.value.note {
                            Some(note) => format!("{scope}: {note}"),
                            None => scope,
                        })
                    })
                    .collect();
                if !details.is_empty() && !rule.rule.message.value.contains("route.why") {
                    firing.message = format!("{} {}", firing.message, details.join("; "));
                }
                outcome.evidence.extend(facts);
            }
        }
        None => {
            for (c, i, e) in values.iter().filter(|(_, _, e)| e.conditional()) {
                let mut changed = view.json.clone();
                set_in_view(&mut changed, c, *i, false);
                if outcome_of(inputs, contexts, rule, &changed)?.is_some() {
                    outcome
                        .conditions
                        .push(Fact::new(catalogue, code, c, *i, e));
                }
            }
        }
    }
    Ok(())
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
        let view = contexts.view(inputs, route);
        let ctx = contexts.with_route(Some(&view.json));
        let mut outcome = RouteOutcome {
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
        for rule in &inputs.rules.rules {
            if rule.rule.effect == Effect::Warn && !rule.uses_route {
                continue;
            }
            let fired = inputs.rules.evaluate(rule, &ctx)?;
            if rule.rule.effect == Effect::Eliminate {
                let mut fired = fired;
                analyse(inputs, contexts, rule, &view, fired.as_mut(), &mut outcome)?;
                if let Some(firing) = fired {
                    outcome.eliminations.push(firing);
                }
                continue;
            }
            let Some(firing) = fired else {
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
            outcome.conditions.clear();
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
