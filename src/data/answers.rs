//! Answers resolution: raw answers checked against the questionnaire, every problem
//! collected with its position; omitted questions take their defaults.

use crate::support::invalid::InvalidValue;
use std::collections::BTreeMap;

use serde_json::Value;

use serde_saphyr::Spanned;

use crate::model::answers::{Answer, Answers, RawAnswers, RawSurface, SURFACES_KEY, Surface};
use crate::model::decision::{self, DecisionMeta};
use crate::model::question::{Question, QuestionKind};
use crate::support::diagnostic::{Code, Diagnostic, Diagnostics, SourceFile};
use crate::support::suggest::closest;

impl Answers {
    /// All defaults: the answers of someone with no requirements.
    pub fn defaults(questions: &[Question]) -> Answers {
        let mut values = BTreeMap::new();
        for q in questions {
            if let Ok(answer) = typed(q, &q.default) {
                values.insert(q.id.clone(), answer);
            }
        }
        Answers {
            values,
            given: Vec::new(),
            decision: DecisionMeta::default(),
            surfaces: Vec::new(),
        }
    }

    /// Checks raw answers against the questionnaire, collecting every problem.
    pub fn resolve(
        raw: &RawAnswers,
        questions: &[Question],
        file: &SourceFile,
    ) -> Result<Answers, Diagnostics> {
        let mut answers = Answers::defaults(questions);
        let mut problems = Diagnostics::default();
        let mut near: Vec<&str> = questions.iter().map(|q| q.id.as_str()).collect();
        near.push(decision::KEY);
        near.push(SURFACES_KEY);
        if let Some(meta) = &raw.decision {
            match DecisionMeta::resolve(meta, file) {
                Ok(meta) => answers.decision = meta,
                Err(d) => problems.extend(d),
            }
        }
        apply_entries(
            &mut answers,
            &raw.entries,
            questions,
            file,
            &near,
            &mut problems,
        );
        if let Some(list) = &raw.surfaces {
            answers.surfaces = resolve_surfaces(list, &answers, questions, file, &mut problems);
        }
        // Metadata problems were collected first; report everything in file order.
        problems.0.sort_by_key(|d| (d.line, d.column));
        problems.into_result(answers)
    }
}

/// Checks each key/value against the questionnaire and lays the answers over `answers`.
fn apply_entries(
    answers: &mut Answers,
    entries: &[(Spanned<String>, Spanned<Value>)],
    questions: &[Question],
    file: &SourceFile,
    near: &[&str],
    problems: &mut Diagnostics,
) {
    let known: Vec<&str> = questions.iter().map(|q| q.id.as_str()).collect();
    for (key, value) in entries {
        let at = |code: Code, loc: &serde_saphyr::Location, message: String| -> Diagnostic {
            file.error_at_line(code, loc.line(), loc.column(), Some(&key.value), message)
        };
        let Some(question) = questions.iter().find(|q| q.id == key.value) else {
            let mut d = at(
                Code::AnswersUnknownKey,
                &key.referenced,
                format!("unknown question `{}`", key.value),
            );
            d = d.with_help(match closest(&key.value, near) {
                Some(best) => format!(
                    "did you mean `{best}`? known questions: {}",
                    known.join(", ")
                ),
                None => format!("known questions: {}", known.join(", ")),
            });
            problems.push(d);
            continue;
        };
        if value.value.is_null() {
            continue; // an explicit empty answer means "no requirement", like omitting it
        }
        match typed(question, &value.value) {
            Ok(answer) => {
                answers.values.insert(question.id.clone(), answer);
                if !answers.given.contains(&question.id) {
                    answers.given.push(question.id.clone());
                }
            }
            Err(message) => {
                let mut d = at(Code::AnswersInvalidValue, &value.referenced, message.0);
                if !question.choices.is_empty() {
                    d = d.with_help(format!(
                        "allowed values: {}",
                        question.choice_values().join(", ")
                    ));
                }
                problems.push(d);
            }
        }
    }
}

/// Each surface: the shared answers with its overrides laid over them. A surface needs a
/// unique, non-empty name; an override must name a question.
fn resolve_surfaces(
    list: &Spanned<Vec<Spanned<RawSurface>>>,
    shared: &Answers,
    questions: &[Question],
    file: &SourceFile,
    problems: &mut Diagnostics,
) -> Vec<Surface> {
    let loc = &list.referenced;
    if list.value.is_empty() {
        problems.push(
            file.error_at_line(
                Code::SurfacesEmpty,
                loc.line(),
                loc.column(),
                Some(SURFACES_KEY),
                "`surfaces` is empty".to_string(),
            )
            .with_help("list at least one surface, such as `- name: voice`, or remove the key"),
        );
    }
    let mut near: Vec<&str> = questions.iter().map(|q| q.id.as_str()).collect();
    near.push("name");
    let mut surfaces: Vec<Surface> = Vec::new();
    for (i, raw) in list.value.iter().enumerate() {
        let key = format!("{SURFACES_KEY}[{i}].name");
        let at = |code: Code, loc: &serde_saphyr::Location, key: &str, message: String| {
            file.error_at_line(code, loc.line(), loc.column(), Some(key), message)
        };
        let name = match &raw.value.name {
            None => {
                problems.push(
                    at(
                        Code::SurfaceName,
                        &raw.referenced,
                        &key,
                        "a surface has no `name`".into(),
                    )
                    .with_help("give every surface a name, such as `name: voice`"),
                );
                continue;
            }
            Some(n) => match n.value.as_str().map(str::trim) {
                Some(text) if !text.is_empty() => (text.to_owned(), &n.referenced),
                _ => {
                    problems.push(at(
                        Code::SurfaceName,
                        &n.referenced,
                        &key,
                        "a surface name must be non-empty text".into(),
                    ));
                    continue;
                }
            },
        };
        if surfaces.iter().any(|s| s.name == name.0) {
            problems.push(
                at(
                    Code::SurfaceDuplicate,
                    name.1,
                    &key,
                    format!("surface name `{}` is used twice", name.0),
                )
                .with_help("each surface needs its own name; traffic names its surface by it"),
            );
            continue;
        }
        let mut answers = Answers {
            surfaces: Vec::new(),
            ..shared.clone()
        };
        apply_entries(
            &mut answers,
            &raw.value.entries,
            questions,
            file,
            &near,
            problems,
        );
        let overrides: Vec<String> = raw
            .value
            .entries
            .iter()
            .map(|(k, _)| k.value.clone())
            .filter(|k| questions.iter().any(|q| &q.id == k))
            .collect();
        surfaces.push(Surface {
            name: name.0,
            answers,
            overrides,
        });
    }
    surfaces
}

/// Converts a raw value to the question's answer type, or says why it cannot.
fn typed(question: &Question, value: &Value) -> Result<Answer, InvalidValue> {
    let id = &question.id;
    match question.kind {
        QuestionKind::Bool => value
            .as_bool()
            .or_else(|| value.as_str().and_then(yes_no))
            .map(Answer::Bool)
            .ok_or_else(|| {
                InvalidValue(format!(
                    "`{id}` takes true or false, found {}",
                    describe(value)
                ))
            }),
        QuestionKind::Choice => {
            let text = scalar_text(value)
                .ok_or_else(|| format!("`{id}` takes one value, found {}", describe(value)))?;
            match question.canonical(&text) {
                Some(value) => Ok(Answer::Choice(value.to_string())),
                None => Err(not_allowed(question, &text)),
            }
        }
        QuestionKind::List => {
            let items = value.as_array().ok_or_else(|| {
                format!(
                    "`{id}` takes a list such as [a, b], found {}",
                    describe(value)
                )
            })?;
            let mut out: Vec<String> = Vec::with_capacity(items.len());
            for item in items {
                let text = scalar_text(item).ok_or_else(|| {
                    format!(
                        "`{id}` items must be single values, found {}",
                        describe(item)
                    )
                })?;
                let Some(value) = question.canonical(&text) else {
                    return Err(not_allowed(question, &text));
                };
                if !out.iter().any(|v| v == value) {
                    out.push(value.to_string());
                }
            }
            out.sort();
            Ok(Answer::List(out))
        }
    }
}

/// `yes`/`no` (and `True`, `NO`, `y`, `n`) typed as text where YAML did not read a boolean.
pub fn yes_no(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" => Some(true),
        "false" | "no" | "n" => Some(false),
        _ => None,
    }
}

/// Why a value is refused, with the nearest allowed value when it looks like a typo.
fn not_allowed(question: &Question, text: &str) -> InvalidValue {
    let mut message = format!("`{text}` is not an allowed value for `{}`", question.id);
    if let Some(best) = closest(text, &question.choice_values()) {
        message.push_str(&format!(" (did you mean `{best}`?)"));
    }
    InvalidValue(message)
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "nothing".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the text \"{s}\""),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::question::Choice;

    fn questions() -> Vec<Question> {
        let choice = |v: &str| Choice {
            value: v.into(),
            label: v.into(),
        };
        vec![
            Question {
                id: "cloud".into(),
                prompt: "Where do you run?".into(),
                kind: QuestionKind::Choice,
                choices: vec![choice("none"), choice("aws")],
                default: Value::String("none".into()),
                driver: None,
                help: None,
            },
            Question {
                id: "compliance".into(),
                prompt: "Frameworks?".into(),
                kind: QuestionKind::List,
                choices: vec![choice("hipaa"), choice("soc2")],
                default: Value::Array(vec![]),
                driver: None,
                help: None,
            },
            Question {
                id: "sla".into(),
                prompt: "SLA?".into(),
                kind: QuestionKind::Bool,
                choices: vec![],
                default: Value::Bool(false),
                driver: None,
                help: None,
            },
        ]
    }

    fn resolve(text: &str) -> Result<Answers, Diagnostics> {
        let file = SourceFile::new("answers.yaml", text);
        let raw: RawAnswers = crate::data::parse::yaml(&file).map_err(Diagnostics::from)?;
        Answers::resolve(&raw, &questions(), &file)
    }

    #[test]
    fn omitted_questions_take_their_defaults() {
        let answers = resolve("cloud: aws\n").unwrap();
        assert_eq!(answers.choice("cloud"), "aws");
        assert_eq!(answers.get("sla"), Some(&Answer::Bool(false)));
        assert_eq!(answers.given, vec!["cloud".to_string()]);
    }

    #[test]
    fn every_problem_is_reported_with_its_position() {
        let errors = resolve("clod: aws\ncompliance: [hipaa, gdpr]\nsla: maybe\n").unwrap_err();
        assert_eq!(errors.len(), 3);
        assert_eq!((errors.0[0].line, errors.0[0].column), (1, 1));
        assert!(
            errors.0[0]
                .help
                .as_deref()
                .unwrap()
                .contains("did you mean `cloud`?")
        );
        assert_eq!(errors.0[1].line, 2);
        assert!(
            errors.0[1]
                .message
                .contains("`gdpr` is not an allowed value")
        );
        assert_eq!(errors.0[2].key.as_deref(), Some("sla"));
    }

    #[test]
    fn lists_are_sorted_and_deduplicated() {
        let answers = resolve("compliance: [soc2, hipaa, soc2]\n").unwrap();
        assert_eq!(answers.list("compliance"), ["hipaa", "soc2"]);
    }

    #[test]
    fn answers_are_read_without_regard_to_case() {
        let answers = resolve("cloud: AWS\ncompliance: [SOC2, hipaa, soc2]\nsla: Yes\n").unwrap();
        assert_eq!(answers.choice("cloud"), "aws");
        assert_eq!(answers.list("compliance"), ["hipaa", "soc2"]);
        assert_eq!(answers.get("sla"), Some(&Answer::Bool(true)));
    }

    #[test]
    fn a_mistyped_value_gets_a_suggestion() {
        let errors = resolve("cloud: asw\n").unwrap_err();
        assert!(
            errors.0[0].message.contains("did you mean `aws`?"),
            "{}",
            errors.0[0].message
        );
    }
}
