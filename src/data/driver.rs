//! A question's `driver` template: the sentence a decision record gives for a non-default
//! answer. Checked when the catalogue loads; rendered for the record's Decision Drivers.

use crate::support::invalid::InvalidValue;
use minijinja::{Environment, UndefinedBehavior};

use crate::model::answers::Answer;
use crate::model::question::Question;

/// The variables a driver template may use.
const DRIVER_VARIABLES: &[&str] = &["value", "label", "answer"];

/// The driver sentence for one answer; the prompt and the answer's label when the question
/// has no template.
pub fn driver_text(question: &Question, answer: &Answer) -> String {
    let label = match answer {
        Answer::Choice(c) => question.label_of(c).unwrap_or(c).to_owned(),
        Answer::List(items) if items.is_empty() => "none".into(),
        Answer::List(items) => items
            .iter()
            .map(|i| question.label_of(i).unwrap_or(i))
            .collect::<Vec<_>>()
            .join(", "),
        Answer::Bool(_) => answer.display(),
    };
    let fallback = || format!("{} {label}", question.prompt);
    let Some(template) = &question.driver else {
        return fallback();
    };
    let context = minijinja::context! {
        value => answer.display(),
        label => label.clone(),
        answer => minijinja::Value::from(minijinja::value::Serde(answer)),
    };
    DRIVER_ENV
        .with_borrow(|env| env.render_str(template, context))
        .map(|t| t.trim().to_owned())
        .unwrap_or_else(|_| fallback())
}

thread_local! {
    /// One environment for every driver sentence: building an environment registers every
    /// builtin filter, which costs more than rendering a sentence.
    static DRIVER_ENV: std::cell::RefCell<Environment<'static>> = std::cell::RefCell::new(driver_env());
}

fn driver_env() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env
}

/// Checks a question's `driver` template when the catalogue loads: it must parse and use
/// only `value`, `label` and `answer`.
pub fn check_driver(template: &str) -> Result<(), InvalidValue> {
    DRIVER_ENV.with_borrow_mut(|env| check_driver_in(env, template))
}

fn check_driver_in(env: &mut Environment<'static>, template: &str) -> Result<(), InvalidValue> {
    env.add_template_owned("driver", template.to_owned())
        .map_err(|e| {
            format!(
                "the driver template does not parse: {}",
                e.detail().unwrap_or(&e.to_string())
            )
        })?;
    let compiled = env
        .get_template("driver")
        .map_err(|e| format!("the driver template does not parse: {e}"))?;
    let mut unknown: Vec<String> = compiled
        .undeclared_variables(false)
        .into_iter()
        .filter(|v| !DRIVER_VARIABLES.contains(&v.as_str()))
        .collect();
    unknown.sort();
    match unknown.first() {
        None => Ok(()),
        Some(v) => Err(format!(
            "the driver template uses `{v}`; it may use {}",
            DRIVER_VARIABLES.join(", ")
        )
        .into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn driver_templates_are_checked() {
        assert!(check_driver("Data must stay in {{ label }}").is_ok());
        assert!(
            check_driver("{{ answers.cloud }}")
                .unwrap_err()
                .0
                .contains("uses `answers`")
        );
        assert!(check_driver("{{ value").unwrap_err().0.contains("parse"));
    }
}
