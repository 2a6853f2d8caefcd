//! Writes an answers file that explains itself: every question appears as a comment (its
//! prompt, why it matters, its choices and default) above its key. Answered questions get a
//! live key; the others stay commented out, so the file doubles as the questionnaire.
//! `routewise questions --format yaml` prints it with nothing answered; `routewise ask`
//! writes it with the answers typed in.

use std::collections::BTreeMap;

use crate::model::answers::Answer;
use crate::model::question::{Question, QuestionKind};

/// Comment lines are wrapped at this width so the file reads in any editor.
const WIDTH: usize = 92;

/// The answers file for `questions`, with a live key for each entry of `answered`.
pub fn render(questions: &[Question], answered: &BTreeMap<String, Answer>) -> String {
    let mut out = String::new();
    out.push_str("# routewise answers: one key per question; an omitted or commented-out key\n");
    out.push_str("# takes its default, which means \"no requirement\".\n");
    out.push_str("# Check it with `routewise validate --answers FILE`; get advice with\n");
    out.push_str(
        "# `routewise advise --answers FILE`. For completion and checks in an editor, save\n",
    );
    out.push_str(
        "# `routewise schema answers` as answers.schema.json and uncomment the next line.\n",
    );
    out.push_str("# # yaml-language-server: $schema=answers.schema.json\n");
    for q in questions {
        out.push('\n');
        for line in wrap(&q.prompt, WIDTH - 2) {
            out.push_str(&format!("# {line}\n"));
        }
        if let Some(help) = &q.help {
            for line in wrap(help, WIDTH - 4) {
                out.push_str(&format!("#   {line}\n"));
            }
        }
        for line in choices_lines(q) {
            out.push_str(&format!("#   {line}\n"));
        }
        match answered.get(&q.id) {
            Some(answer) => out.push_str(&format!("{}: {}\n", q.id, yaml_value(answer))),
            None => out.push_str(&format!("# {}: {}\n", q.id, default_text(q))),
        }
    }
    out
}

/// The question's kind, choices with labels and default, as comment lines.
fn choices_lines(q: &Question) -> Vec<String> {
    match q.kind {
        QuestionKind::Bool => vec![format!("true or false; default: {}", default_text(q))],
        QuestionKind::Choice | QuestionKind::List => {
            let mut lines = vec![match q.kind {
                QuestionKind::List => format!(
                    "a list of any of these, such as [{}]; default: {}",
                    q.choices
                        .first()
                        .map(|c| c.value.as_str())
                        .unwrap_or_default(),
                    default_text(q)
                ),
                _ => format!("one of these; default: {}", default_text(q)),
            }];
            let width = q.choices.iter().map(|c| c.value.len()).max().unwrap_or(0);
            for c in &q.choices {
                lines.push(format!("  {:<width$}  {}", c.value, c.label));
            }
            lines
        }
    }
}

fn default_text(q: &Question) -> String {
    match &q.default {
        serde_json::Value::Array(items) => {
            let items: Vec<String> = items
                .iter()
                .map(|i| i.as_str().map(scalar).unwrap_or_else(|| i.to_string()))
                .collect();
            format!("[{}]", items.join(", "))
        }
        serde_json::Value::String(s) => scalar(s),
        other => other.to_string(),
    }
}

fn yaml_value(answer: &Answer) -> String {
    match answer {
        Answer::Choice(c) => scalar(c),
        Answer::List(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|i| scalar(i))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Answer::Bool(b) => b.to_string(),
    }
}

/// A choice value as YAML: bare when it cannot be read as anything but text, else quoted.
fn scalar(value: &str) -> String {
    const READ_AS_OTHER: &[&str] = &[
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
    ];
    let plain = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !value.starts_with(|c: char| c.is_ascii_digit() || c == '-')
        && !READ_AS_OTHER.contains(&value.to_ascii_lowercase().as_str());
    if plain {
        value.to_string()
    } else {
        serde_json::to_string(value).unwrap_or_else(|_| format!("{value:?}"))
    }
}

/// Greedy word wrap; a word longer than the width gets a line of its own.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::question::Choice;
    use serde_json::Value;

    fn questions() -> Vec<Question> {
        vec![
            Question {
                id: "cloud".into(),
                prompt: "Where do you run?".into(),
                help: Some("Cloud routes bill on the cloud invoice.".into()),
                kind: QuestionKind::Choice,
                choices: vec![
                    Choice {
                        value: "none".into(),
                        label: "no cloud".into(),
                    },
                    Choice {
                        value: "aws".into(),
                        label: "Amazon Web Services".into(),
                    },
                ],
                default: Value::String("none".into()),
                driver: None,
            },
            Question {
                id: "sla".into(),
                prompt: "SLA?".into(),
                help: None,
                kind: QuestionKind::Bool,
                choices: vec![],
                default: Value::Bool(false),
                driver: None,
            },
        ]
    }

    #[test]
    fn answered_keys_are_live_and_the_rest_commented_with_their_choices() {
        let mut answered = BTreeMap::new();
        answered.insert("cloud".to_string(), Answer::Choice("aws".into()));
        let text = render(&questions(), &answered);
        assert!(text.contains("\ncloud: aws\n"), "{text}");
        assert!(text.contains("#   Cloud routes bill on the cloud invoice.\n"));
        assert!(text.contains("#     aws   Amazon Web Services\n"), "{text}");
        assert!(text.contains("\n# sla: false\n"), "{text}");
    }

    #[test]
    fn values_yaml_would_read_as_booleans_are_quoted() {
        assert_eq!(scalar("aws"), "aws");
        assert_eq!(scalar("no"), "\"no\"");
        assert_eq!(scalar("2024"), "\"2024\"");
        assert_eq!(scalar("a b"), "\"a b\"");
    }

    #[test]
    fn wrap_keeps_lines_within_the_width() {
        let lines = wrap("one two three four five six", 9);
        assert_eq!(lines, ["one two", "three", "four five", "six"]);
    }
}
