//! When two routes tie on score and cost, catalogue order decides; this finds the answer
//! that would break the tie, so the report can say which rule separates them instead of
//! leaving the reader to compare the two alone.

use crate::data::inputs::Inputs;
use crate::engine::decide;
use crate::model::answers::Answer;
use crate::model::question::QuestionKind;
use crate::model::rule::Effect;

/// One changed answer and the rule that then treats the two routes differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TieBreaker {
    pub question: String,
    pub answer: String,
    pub code: String,
    pub rule: String,
    /// The route the rule eliminates or scores lower.
    pub against: String,
    pub effect: Effect,
}

impl TieBreaker {
    pub fn sentence(&self) -> String {
        let what = match self.effect {
            Effect::Eliminate => "eliminates",
            _ => "scores lower",
        };
        format!(
            "answering `{}: {}` would break the tie: `{}` {} {what} `{}`",
            self.question, self.answer, self.code, self.rule, self.against
        )
    }
}

/// The first answer change (questionnaire order, then choice order) under which an
/// eliminating or scoring rule treats `a` and `b` differently.
pub fn tie_breaker(inputs: &Inputs, a: &str, b: &str) -> Option<TieBreaker> {
    let (route_a, route_b) = (inputs.catalogue.route(a)?, inputs.catalogue.route(b)?);
    let mut trial = inputs.clone();
    for question in &inputs.catalogue.questions {
        let current = inputs.answers.get(&question.id).cloned();
        let alternatives: Vec<Answer> = match question.kind {
            QuestionKind::Bool => vec![Answer::Bool(true), Answer::Bool(false)],
            QuestionKind::Choice => question
                .choice_values()
                .into_iter()
                .map(|v| Answer::Choice(v.to_owned()))
                .collect(),
            QuestionKind::List => question
                .choice_values()
                .into_iter()
                .map(|v| {
                    let mut items = inputs.answers.list(&question.id).to_vec();
                    if !items.iter().any(|i| i == v) {
                        items.push(v.to_owned());
                    }
                    items.sort();
                    Answer::List(items)
                })
                .collect(),
        };
        for alternative in alternatives {
            if Some(&alternative) == current.as_ref() {
                continue;
            }
            trial
                .answers
                .values
                .insert(question.id.clone(), alternative.clone());
            let (ctx_a, ctx_b) = (
                decide::context(&trial, Some(route_a)),
                decide::context(&trial, Some(route_b)),
            );
            for rule in trial
                .rules
                .rules
                .iter()
                .filter(|r| r.uses_route && r.rule.effect != Effect::Warn)
            {
                let fires = |ctx| trial.rules.evaluate(rule, ctx).ok().flatten().is_some();
                let (on_a, on_b) = (fires(&ctx_a), fires(&ctx_b));
                if on_a == on_b {
                    continue;
                }
                let weight = rule.rule.weight.unwrap_or(0);
                let against = match (rule.rule.effect, on_a, weight > 0) {
                    (Effect::Eliminate, true, _) | (_, true, false) | (_, false, true) => a,
                    _ => b,
                };
                let answer = match &alternative {
                    Answer::List(items) => format!("[{}]", items.join(", ")),
                    other => other
                        .display()
                        .replace("yes", "true")
                        .replace("no", "false"),
                };
                return Some(TieBreaker {
                    question: question.id.clone(),
                    answer,
                    code: rule.rule.code.to_string(),
                    rule: rule.rule.name.clone(),
                    against: against.to_owned(),
                    effect: rule.rule.effect,
                });
            }
        }
        match current {
            Some(c) => trial.answers.values.insert(question.id.clone(), c),
            None => trial.answers.values.remove(&question.id),
        };
    }
    None
}
