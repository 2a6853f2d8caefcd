//! Why one route ended where it did: every rule evaluated for it, in the order the decision
//! evaluates them, with the condition, the values the condition saw, the result and the
//! effect. The verdicts come from the same rule set and report as `advise`, so an
//! explanation can never disagree with the decision it explains.

use minijinja::{Environment, UndefinedBehavior, Value};
use serde::Serialize;

use crate::data::inputs::Inputs;
use crate::engine::decide::{self, Status};
use crate::engine::error::EngineError;
use crate::model::rule::Effect;
use crate::outputs::advice::report::{self, RouteReport};

/// The explanation of one route.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub route: String,
    pub name: String,
    pub steps: Vec<Step>,
    pub status: Status,
    pub rank: Option<u32>,
    /// How many routes are viable, for "rank 2 of 5".
    pub viable: usize,
    pub score: i64,
    /// The codes that eliminated the route, in code order.
    pub eliminated_by: Vec<String>,
    pub warnings: Vec<String>,
}

/// One rule's evaluation.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub code: String,
    pub rule: String,
    pub effect: Effect,
    pub weight: Option<i64>,
    /// The condition as written, on one line.
    pub when: String,
    /// Each variable the condition reads, with its value as JSON (or `undefined`).
    pub saw: Vec<(String, String)>,
    /// True when the condition held; `None` when evaluating it failed.
    pub fired: Option<bool>,
    /// What the rule did to the route, in words.
    pub outcome: String,
    /// True for warnings about the answers alone: reported once, not per route.
    pub answers_only: bool,
}

/// Explains one route; `Err` names a route the catalogue does not have, or a rule that
/// failed to evaluate.
pub fn explain(inputs: &Inputs, route_id: &str) -> Result<Explanation, EngineError> {
    let route = inputs
        .catalogue
        .route(route_id)
        .ok_or_else(|| EngineError::UnknownRoute(route_id.to_owned()))?;
    let report = crate::outputs::advice::advise(inputs)?;
    let verdict: &RouteReport = report
        .routes
        .iter()
        .find(|r| r.id == route_id)
        .ok_or_else(|| EngineError::MissingRoute(route_id.to_owned()))?;
    let eliminated = verdict.status == Status::Eliminated;
    let route_context = decide::context(inputs, Some(route));
    let answers_context = decide::context(inputs, None);
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Lenient);

    let mut steps = Vec::new();
    for compiled in &inputs.rules.rules {
        let rule = &compiled.rule;
        let answers_only = rule.effect == Effect::Warn && !compiled.uses_route;
        let context = if answers_only {
            &answers_context
        } else {
            &route_context
        };
        let when = rule
            .when
            .value
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let saw = seen_values(&env, &when, context);
        let (fired, outcome) = match inputs.rules.evaluate(compiled, context) {
            Err(e) => (None, format!("error: {e}")),
            Ok(None) => (Some(false), "no effect".to_owned()),
            Ok(Some(firing)) => {
                let effect = match firing.effect {
                    Effect::Eliminate => format!("eliminates the route: {}", firing.message),
                    Effect::Score if eliminated => format!(
                        "{:+} (not counted: the route is eliminated): {}",
                        firing.weight, firing.message
                    ),
                    Effect::Score => format!("{:+}: {}", firing.weight, firing.message),
                    Effect::Warn if answers_only => {
                        format!("warns about the answers: {}", firing.message)
                    }
                    Effect::Warn if eliminated => format!(
                        "warning not shown (the route is eliminated): {}",
                        firing.message
                    ),
                    Effect::Warn => format!("warns: {}", firing.message),
                };
                (Some(true), effect)
            }
        };
        steps.push(Step {
            code: rule.code.to_string(),
            rule: rule.name.clone(),
            effect: rule.effect,
            weight: rule.weight,
            when,
            saw,
            fired,
            outcome,
            answers_only,
        });
    }
    let codes = |reasons: &[report::Reason]| reasons.iter().map(|r| r.code.clone()).collect();
    Ok(Explanation {
        route: route.id.clone(),
        name: route.name.clone(),
        steps,
        status: verdict.status,
        rank: verdict.rank,
        viable: report
            .routes
            .iter()
            .filter(|r| r.status != Status::Eliminated)
            .count(),
        score: verdict.score,
        eliminated_by: if eliminated {
            codes(&verdict.reasons)
        } else {
            Vec::new()
        },
        warnings: codes(&verdict.warnings),
    })
}

/// The variables a condition reads (`answers.residency`, `route.pricing.endpoint`), each
/// with the value it had, sorted by name.
fn seen_values(
    env: &Environment<'static>,
    condition: &str,
    context: &Value,
) -> Vec<(String, String)> {
    let Ok(expression) = env.compile_expression(condition) else {
        return Vec::new();
    };
    let mut names: Vec<String> = expression.undeclared_variables(true).into_iter().collect();
    names.sort();
    // `route.pricing` and `route.pricing.endpoint` both appear; keep the most specific.
    let names: Vec<String> = names
        .iter()
        .filter(|n| !names.iter().any(|m| m.starts_with(&format!("{n}."))))
        .cloned()
        .collect();
    names
        .into_iter()
        .map(|name| {
            let value = env
                .compile_expression(&name)
                .ok()
                .and_then(|e| e.eval(context).ok())
                .filter(|v| !v.is_undefined())
                .map_or_else(
                    || "undefined".to_owned(),
                    |v| serde_json::to_string(&v).unwrap_or_else(|_| v.to_string()),
                );
            (name, value)
        })
        .collect()
}

/// The explanation as text, ending with a newline.
pub fn render(e: &Explanation) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(out, "{} ({})", e.route, e.name);
    let _ = writeln!(out, "every rule, in the order the decision evaluates them:");
    let _ = writeln!(out);
    for step in &e.steps {
        let effect = match (step.effect, step.weight) {
            (Effect::Score, Some(w)) => format!("score {w:+}"),
            (effect, _) => effect.name().to_owned(),
        };
        let _ = writeln!(out, "{} {} [{effect}]", step.code, step.rule);
        let _ = writeln!(out, "  when:   {}", step.when);
        for (i, (name, value)) in step.saw.iter().enumerate() {
            let label = if i == 0 { "saw:" } else { "" };
            let _ = writeln!(out, "  {label:7} {name} = {value}");
        }
        let result = match step.fired {
            Some(true) => "true",
            Some(false) => "false",
            None => "failed",
        };
        let scope = if step.answers_only {
            " (about the answers alone; reported once, not per route)"
        } else {
            ""
        };
        let _ = writeln!(out, "  result: {result}: {}{scope}", step.outcome);
        let _ = writeln!(out);
    }
    let outcome = match e.status {
        Status::Eliminated => format!(
            "eliminated by {} ({} hard constraint{})",
            e.eliminated_by.join(", "),
            e.eliminated_by.len(),
            if e.eliminated_by.len() == 1 { "" } else { "s" }
        ),
        Status::Recommended => format!(
            "recommended: rank 1 of {} viable route{}, score {}{}",
            e.viable,
            if e.viable == 1 { "" } else { "s" },
            e.score,
            score_parts(e)
        ),
        Status::Viable => format!(
            "viable: rank {} of {} viable routes, score {}{}",
            e.rank.unwrap_or_default(),
            e.viable,
            e.score,
            score_parts(e)
        ),
    };
    let _ = writeln!(out, "outcome: {outcome}");
    if !e.warnings.is_empty() {
        let _ = writeln!(out, "warnings: {}", e.warnings.join(", "));
    }
    out
}

/// ` = RW101 +40, RW120 +20`: the score rules that added up to the score.
fn score_parts(e: &Explanation) -> String {
    let parts: Vec<String> = e
        .steps
        .iter()
        .filter(|s| s.effect == Effect::Score && s.fired == Some(true))
        .map(|s| format!("{} {:+}", s.code, s.weight.unwrap_or_default()))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" = {}", parts.join(", "))
    }
}
