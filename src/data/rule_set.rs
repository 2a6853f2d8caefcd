//! Compiling rule conditions and messages once at load time, and evaluating them per route.
//!
//! Conditions are minijinja expressions, the same language as the report templates. At
//! load, each is parsed and its variables are checked against the questionnaire and the
//! route attributes, so `answers.clod` or `route.regoin` is a load error, not a rule that
//! silently never fires.

use minijinja::{Environment, UndefinedBehavior, Value};

use crate::data::catalogue::{Catalogue, Located};
use crate::model::route::Route;
use crate::model::rule::{Effect, Rule};
use crate::model::rule_code;
use crate::support::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::support::limits;

/// Variables the `workload` object offers to conditions.
pub const WORKLOAD_ATTRIBUTES: &[&str] = &["models", "model_families"];

/// A rule ready to evaluate.
#[derive(Debug, Clone)]
pub struct CompiledRule {
    pub rule: Rule,
    /// False when the condition never looks at `route`: the rule is about the answers only
    /// and is reported once, not once per route.
    pub uses_route: bool,
    /// Where the rule was written, for errors while evaluating it (see [`CompiledRule::at`]).
    place: Located<()>,
}

impl CompiledRule {
    /// Where the rule was written, `file:line:column`. For an embedded file this parses
    /// the file's YAML for positions, so it is asked only when an error needs it: at every
    /// start it was most of the CPU of a short run.
    pub fn at(&self) -> String {
        self.place.at()
    }
}

/// All rules, compiled into one template environment.
#[derive(Debug, Clone)]
pub struct RuleSet {
    env: Environment<'static>,
    pub rules: Vec<CompiledRule>,
}

/// What one rule did to one route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Firing {
    pub code: String,
    pub name: String,
    pub effect: Effect,
    pub weight: i64,
    pub message: String,
}

impl RuleSet {
    /// Compiles every rule of the catalogue, collecting every problem.
    pub fn compile(catalogue: &Catalogue) -> Result<RuleSet, Diagnostics> {
        RuleSet::compile_checked(catalogue, !catalogue.embedded_only())
    }

    /// Compiles, checking every condition and message against the questionnaire and the
    /// route attributes when `check`: always with user data; for the embedded data alone the
    /// test suite does it once (`embedded_rules_pass_every_check`), so start-up skips it.
    pub fn compile_checked(catalogue: &Catalogue, check: bool) -> Result<RuleSet, Diagnostics> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        // A condition or message is user code: it gets a budget, so a loop in a rule file
        // is an error, not a hang (docs/limits.md).
        env.set_fuel(Some(limits::RULE_FUEL));
        env.set_recursion_limit(limits::TEMPLATE_RECURSION);
        let mut problems = Diagnostics::default();
        let route_attributes = if check {
            route_attribute_names()
        } else {
            Vec::new()
        };
        let mut rules = Vec::new();
        let mut located_rules: Vec<&Located<Rule>> = catalogue.rules.iter().collect();
        located_rules.sort_by(|a, b| a.item.code.cmp(&b.item.code));
        for located in located_rules {
            let rule = &located.item;
            let before = problems.len();
            check_shape(located, &mut problems);
            let condition = rule.when.value.trim();
            let mut uses_route = true;
            let parsed = if check {
                Some(env.compile_expression(condition))
            } else {
                None
            };
            match parsed {
                None => {}
                Some(Err(e)) => problems.push(located.error_at(
                    Code::RuleConditionSyntax,
                    &rule.when,
                    "when",
                    format!(
                        "rule {}: the condition does not parse: {}",
                        rule.code,
                        e.detail().unwrap_or(&e.to_string())
                    ),
                )),
                Some(Ok(expression)) => {
                    let variables = sorted(expression.undeclared_variables(true));
                    uses_route = variables
                        .iter()
                        .any(|v| v == "route" || v.starts_with("route."));
                    for variable in variables {
                        if let Some(problem) =
                            unknown_variable(&variable, catalogue, &route_attributes)
                        {
                            problems.push(
                                located
                                    .error_at(
                                        Code::RuleUnknownVariable,
                                        &rule.when,
                                        "when",
                                        format!("rule {}: {problem}", rule.code),
                                    )
                                    .with_help("conditions may use answers.<question id>, route.<attribute> and workload.models / workload.model_families"),
                            );
                        }
                    }
                }
            }
            let condition_source = format!("{{% if {condition} %}}1{{% endif %}}");
            if let Err(e) = env.add_template_owned(condition_name(&rule.code), condition_source)
                && problems.len() == before
            {
                problems.push(located.error_at(
                    Code::RuleConditionSyntax,
                    &rule.when,
                    "when",
                    format!("rule {}: {e}", rule.code),
                ));
            }
            if let Err(e) =
                env.add_template_owned(message_name(&rule.code), rule.message.value.clone())
            {
                problems.push(located.error_at(
                    Code::RuleMessageSyntax,
                    &rule.message,
                    "message",
                    format!(
                        "rule {}: the message template does not parse: {}",
                        rule.code,
                        e.detail().unwrap_or(&e.to_string())
                    ),
                ));
            } else if check && let Ok(template) = env.get_template(&message_name(&rule.code)) {
                for variable in sorted(template.undeclared_variables(true)) {
                    if let Some(problem) = unknown_variable(&variable, catalogue, &route_attributes)
                    {
                        problems.push(located.error_at(
                            Code::RuleUnknownVariable,
                            &rule.message,
                            "message",
                            format!("rule {}: {problem}", rule.code),
                        ));
                    }
                }
            }
            if !check && let Ok(template) = env.get_template(&condition_name(&rule.code)) {
                uses_route = template.undeclared_variables(false).contains("route");
            }
            rules.push(CompiledRule {
                rule: rule.clone(),
                uses_route,
                place: located.place(),
            });
        }
        problems.into_result(RuleSet { env, rules })
    }

    /// Evaluates one rule against one context; `Ok(None)` when the condition is false.
    pub fn evaluate(
        &self,
        rule: &CompiledRule,
        context: &Value,
    ) -> Result<Option<Firing>, RuleEvalError> {
        let code = &rule.rule.code;
        let fired = self
            .env
            .get_template(&condition_name(code))
            .and_then(|t| t.render(context))
            .map_err(|e| RuleEvalError::new(rule, "evaluating the condition", e))?;
        if fired != "1" {
            return Ok(None);
        }
        let message = self
            .env
            .get_template(&message_name(code))
            .and_then(|t| t.render(context))
            .map_err(|e| RuleEvalError::new(rule, "rendering the message", e))?;
        Ok(Some(Firing {
            code: code.to_string(),
            name: rule.rule.name.clone(),
            effect: rule.rule.effect,
            weight: rule.rule.weight.unwrap_or(0),
            message: message.trim().to_owned(),
        }))
    }
}

/// A rule that compiled but failed while it ran: out of fuel (a loop that would not end),
/// nested too deep, or a type error in its condition. A rule is the user's input, so this is
/// reported as a diagnostic with its code (exit 2), naming the rule and where it is defined.
#[derive(Debug, thiserror::Error)]
#[error("rule {rule} ({at}): {what} failed: {error}{hint}")]
pub struct RuleEvalError {
    pub code: Code,
    /// The rule's code, such as `RW090`.
    pub rule: String,
    /// Where the rule is defined, `file:line:column`.
    pub at: String,
    /// `evaluating the condition` or `rendering the message`.
    pub what: &'static str,
    pub error: minijinja::Error,
    /// Where to read about the limit the rule ran into, if any.
    hint: String,
}

impl RuleEvalError {
    fn new(rule: &CompiledRule, what: &'static str, error: minijinja::Error) -> Self {
        let hint = if error.kind() == minijinja::ErrorKind::OutOfFuel {
            format!(
                " (a rule may run {} instructions; see docs/limits.md)",
                limits::RULE_FUEL
            )
        } else {
            String::new()
        };
        Self {
            code: evaluation_code(&error),
            rule: rule.rule.code.to_string(),
            at: rule.at(),
            what,
            error,
            hint,
        }
    }

    /// The failure as the diagnostic a user sees.
    pub fn diagnostic(&self) -> Diagnostic {
        Diagnostic::plain(self.code, self.to_string())
    }
}

/// The diagnostic code of a rule that failed while it was evaluated: out of fuel (a loop
/// that would not end), too deep, or another failure.
pub fn evaluation_code(error: &minijinja::Error) -> Code {
    match error.kind() {
        minijinja::ErrorKind::OutOfFuel => Code::LimitRuleFuel,
        _ if error.to_string().contains("recursion limit exceeded") => Code::LimitRuleDepth,
        _ => Code::RuleEval,
    }
}

fn condition_name(code: &str) -> String {
    format!("{code}.when")
}

fn message_name(code: &str) -> String {
    format!("{code}.message")
}

fn sorted(set: std::collections::HashSet<String>) -> Vec<String> {
    let mut v: Vec<String> = set.into_iter().collect();
    v.sort();
    v
}

/// Route attributes computed for conditions rather than written in the catalogue.
pub const COMPUTED_ROUTE_ATTRIBUTES: &[&str] = &["models", "state", "why"];

/// The attribute names a route exposes to conditions.
fn route_attribute_names() -> Vec<String> {
    let schema = schemars::schema_for!(Route);
    let mut names: Vec<String> = schema
        .get("properties")
        .and_then(|p| p.as_object())
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    names.extend(COMPUTED_ROUTE_ATTRIBUTES.iter().map(|a| (*a).to_owned()));
    names
}

/// Says what is wrong with a variable a condition uses, or `None` when it is known.
fn unknown_variable(
    variable: &str,
    catalogue: &Catalogue,
    route_attributes: &[String],
) -> Option<String> {
    let mut parts = variable.split('.');
    let root = parts.next().unwrap_or_default();
    let attribute = parts.next();
    match (root, attribute) {
        ("answers", Some(id)) if catalogue.question(id).is_some() => None,
        ("answers", Some(id)) => Some(format!(
            "`answers.{id}` refers to an unknown question `{id}`"
        )),
        ("route", Some(a)) if route_attributes.iter().any(|x| x == a) => None,
        ("route", Some(a)) => Some(format!(
            "`route.{a}` refers to an unknown route attribute `{a}`"
        )),
        ("workload", Some(a)) if WORKLOAD_ATTRIBUTES.contains(&a) => None,
        ("workload", Some(a)) => Some(format!(
            "`workload.{a}` refers to an unknown workload attribute `{a}`"
        )),
        ("answers" | "route" | "workload", None) => None,
        (other, _) => Some(format!(
            "`{other}` is not a variable; use answers, route or workload"
        )),
    }
}

/// Checks the code is well formed, its effect digit agrees with the effect, and only score
/// rules have a weight. Code errors point at the code's value (`model::rule_code`).
fn check_shape(located: &Located<Rule>, problems: &mut Diagnostics) {
    let rule = &located.item;
    match rule.code.parse() {
        Err(problem) => problems.push(
            located
                .error_at(
                    Code::RuleCodeForm,
                    &rule.code.0,
                    "code",
                    format!("rule code `{}` {problem}", rule.code),
                )
                .with_help(rule_code::FORM),
        ),
        Ok(parts) if parts.effect_digit != rule.effect.code_digit() => problems.push(
            located
                .error_at(
                    Code::RuleCodeMismatch,
                    &rule.code.0,
                    "code",
                    format!(
                        "rule code `{}` does not match its effect: {} rules are numbered {}{}xx",
                        rule.code,
                        rule.effect.name(),
                        parts.prefix,
                        rule.effect.code_digit()
                    ),
                )
                .with_help(
                    "the digit after the prefix tells the effect: 0 eliminates, 1 scores, 2 warns",
                ),
        ),
        Ok(_) => {}
    }
    match (rule.effect, rule.weight) {
        (Effect::Score, None) => problems.push(located.error(
            Code::RuleWeight,
            Some("weight"),
            format!("score rule {} needs a weight", rule.code),
        )),
        (Effect::Eliminate | Effect::Warn, Some(_)) => problems.push(located.error(
            Code::RuleWeight,
            Some("weight"),
            format!("rule {} takes no weight: only score rules do", rule.code),
        )),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::catalogue::Catalogue;

    fn catalogue() -> Catalogue {
        Catalogue::load(None).expect("embedded catalogue")
    }

    #[test]
    fn known_and_unknown_variables_are_told_apart() {
        let c = catalogue();
        let attributes = route_attribute_names();
        assert_eq!(unknown_variable("answers.cloud", &c, &attributes), None);
        assert_eq!(
            unknown_variable("route.region_pinning", &c, &attributes),
            None
        );
        assert_eq!(unknown_variable("route.models", &c, &attributes), None);
        assert_eq!(unknown_variable("workload.models", &c, &attributes), None);
        assert!(
            unknown_variable("answers.clod", &c, &attributes)
                .unwrap()
                .contains("unknown question `clod`")
        );
        assert!(
            unknown_variable("route.regoin", &c, &attributes)
                .unwrap()
                .contains("unknown route attribute")
        );
        assert!(
            unknown_variable("workload.tokens", &c, &attributes)
                .unwrap()
                .contains("unknown workload attribute")
        );
        assert!(
            unknown_variable("env", &c, &attributes)
                .unwrap()
                .contains("not a variable")
        );
    }

    #[test]
    fn rules_that_never_look_at_the_route_are_marked() {
        let set = RuleSet::compile(&catalogue()).expect("embedded rules compile");
        let by_code = |code: &str| {
            set.rules
                .iter()
                .find(|r| r.rule.code == code)
                .expect("rule exists")
        };
        assert!(
            !by_code("RW209").uses_route,
            "RW209 looks only at the answers"
        );
        assert!(by_code("RW001").uses_route);
    }

    #[test]
    fn a_rule_fires_with_its_rendered_message_and_weight() {
        let set = RuleSet::compile(&catalogue()).expect("embedded rules compile");
        let rule = set
            .rules
            .iter()
            .find(|r| r.rule.code == "RW003")
            .expect("RW003");
        let context = minijinja::context! {
            answers => minijinja::context! { compliance => vec!["hipaa", "fedramp"] },
            route => minijinja::context! { compliance => vec!["hipaa"] },
        };
        let firing = set
            .evaluate(rule, &context)
            .expect("evaluates")
            .expect("fires");
        assert_eq!(firing.effect, Effect::Eliminate);
        assert_eq!(firing.message, "is not covered by fedramp");
        let covered = minijinja::context! {
            answers => minijinja::context! { compliance => vec!["hipaa"] },
            route => minijinja::context! { compliance => vec!["hipaa"] },
        };
        assert_eq!(set.evaluate(rule, &covered).expect("evaluates"), None);
    }

    #[test]
    fn a_missing_value_at_evaluation_is_an_error_not_a_silent_false() {
        let set = RuleSet::compile(&catalogue()).expect("embedded rules compile");
        let rule = set
            .rules
            .iter()
            .find(|r| r.rule.code == "RW005")
            .expect("RW005");
        let context = minijinja::context! { answers => minijinja::context! { private_networking => true }, route => minijinja::context! {} };
        assert!(
            set.evaluate(rule, &context)
                .unwrap_err()
                .to_string()
                .contains("RW005")
        );
    }

    #[test]
    fn embedded_rules_pass_every_check() {
        // `compile` skips these checks for the embedded data alone; this test is why it may.
        let checked =
            RuleSet::compile_checked(&catalogue(), true).expect("every variable is known");
        let fast = RuleSet::compile_checked(&catalogue(), false).expect("compiles");
        let uses = |set: &RuleSet| {
            set.rules
                .iter()
                .map(|r| (r.rule.code.clone(), r.uses_route))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            uses(&checked),
            uses(&fast),
            "both ways agree on which rules look at the route"
        );
    }

    #[test]
    fn every_embedded_rule_documents_why_and_where_from() {
        let set = RuleSet::compile(&catalogue()).expect("embedded rules compile");
        assert!(set.rules.len() >= 30);
        for r in &set.rules {
            assert!(
                !r.rule.why.trim().is_empty(),
                "{} explains why",
                r.rule.code
            );
            assert!(
                !r.rule.source.trim().is_empty(),
                "{} names a source",
                r.rule.code
            );
        }
    }
}
