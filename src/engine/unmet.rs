//! Needs left unmet: every answered preference that some route earns and the chosen route
//! does not. A preference is a score rule with a positive weight whose condition reads an
//! answered question (`latency_critical`, `newest_features`, `multi_provider`, `free_tier`,
//! `cloud`, ...), so a new preference rule is covered without code.

use serde::Serialize;

use crate::data::inputs::Inputs;
use crate::engine::decide::{Decision, Status};
use crate::model::rule::Effect;

/// One need the chosen route leaves unmet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unmet {
    /// The answered question the need comes from.
    pub question: String,
    /// The route that leaves it unmet.
    pub route: String,
    /// The preference rule the route does not earn.
    pub rule: String,
    pub why: String,
}

/// The question ids a condition reads as `answers.<id>`, in order of first appearance.
pub fn answers_read(condition: &str) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    let mut rest = condition;
    while let Some(at) = rest.find("answers.") {
        let preceded = condition.len() - rest.len() + at;
        let boundary = preceded == 0
            || !condition.as_bytes()[preceded - 1].is_ascii_alphanumeric()
                && condition.as_bytes()[preceded - 1] != b'_';
        rest = &rest[at + "answers.".len()..];
        let id: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if boundary && !id.is_empty() && !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

/// The answered preferences `route_id` does not earn but another route does.
pub fn unmet(inputs: &Inputs, decision: &Decision, route_id: &str) -> Vec<Unmet> {
    let Some(chosen) = decision.outcomes.iter().find(|o| o.route_id == route_id) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for compiled in &inputs.rules.rules {
        let rule = &compiled.rule;
        if rule.effect != Effect::Score || rule.weight.unwrap_or(0) <= 0 {
            continue;
        }
        let Some(question) = inputs.catalogue.questions.iter().map(|q| &q.id).find(|id| {
            answers_read(&rule.when.value).contains(id) && inputs.answers.given.contains(id)
        }) else {
            continue;
        };
        if chosen.scores.iter().any(|f| rule.code == f.code) {
            continue;
        }
        let earners: Vec<&str> = decision
            .outcomes
            .iter()
            .filter(|o| o.scores.iter().any(|f| rule.code == f.code))
            .map(|o| o.route_id.as_str())
            .collect();
        let Some(first) = earners.first() else {
            continue;
        };
        let viable: Vec<&str> = decision
            .outcomes
            .iter()
            .filter(|o| o.status != Status::Eliminated && earners.contains(&o.route_id.as_str()))
            .map(|o| o.route_id.as_str())
            .collect();
        let earned_by = if viable.is_empty() {
            format!("only eliminated routes earn it (`{first}` among them)")
        } else {
            format!(
                "{} earn{} it",
                viable
                    .iter()
                    .map(|r| format!("`{r}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                if viable.len() == 1 { "s" } else { "" }
            )
        };
        out.push(Unmet {
            question: question.clone(),
            route: route_id.to_owned(),
            rule: rule.code.to_string(),
            why: format!(
                "`{route_id}` does not earn `{}` {} (+{}); {earned_by}. {}",
                rule.code,
                rule.name,
                rule.weight.unwrap_or(0),
                rule.why.trim()
            ),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::answers_read;

    #[test]
    fn reads_the_answers_a_condition_uses() {
        assert_eq!(
            answers_read(
                "(answers.compliance | length > 0 or answers.residency != \"none\") and route.platform"
            ),
            ["compliance", "residency"]
        );
        assert_eq!(
            answers_read("route.x and myanswers.y"),
            Vec::<String>::new()
        );
        assert_eq!(answers_read("answers.sla and answers.sla"), ["sla"]);
    }
}
