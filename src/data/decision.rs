//! The answers file's `decision:` metadata checked key by key, each problem at its position.

use serde_json::Value;
use serde_saphyr::Spanned;

use crate::model::decision::{DecisionMeta, FIELDS, KEY, RawDecision, STATUSES};
use crate::support::diagnostic::{Code, Diagnostic, Diagnostics, SourceFile};

impl DecisionMeta {
    /// Checks the raw mapping, reporting every problem at its own line and column.
    pub fn resolve(
        raw: &Spanned<RawDecision>,
        file: &SourceFile,
    ) -> Result<DecisionMeta, Diagnostics> {
        let mut meta = DecisionMeta::default();
        let mut problems = Diagnostics::default();
        if let Some(found) = raw.value.not_a_mapping {
            let at = &raw.referenced;
            problems.push(
                file.error_at_line(
                    Code::DecisionNotAMapping,
                    at.line(),
                    at.column(),
                    Some(KEY),
                    format!("`{KEY}` takes a mapping of decision-record metadata, found {found}"),
                )
                .with_help(format!("known keys: {}", FIELDS.join(", "))),
            );
        }
        for (key, value) in &raw.value.entries {
            let path = format!("{KEY}.{}", key.value);
            let at = |code: Code, loc: &serde_saphyr::Location, message: String| -> Diagnostic {
                file.error_at_line(code, loc.line(), loc.column(), Some(&path), message)
            };
            if !FIELDS.contains(&key.value.as_str()) {
                let help = match crate::support::suggest::closest(&key.value, FIELDS) {
                    Some(best) => {
                        format!("did you mean `{best}`? known keys: {}", FIELDS.join(", "))
                    }
                    None => format!("known keys: {}", FIELDS.join(", ")),
                };
                problems.push(
                    at(
                        Code::DecisionUnknownKey,
                        &key.referenced,
                        format!("unknown decision metadata key `{}`", key.value),
                    )
                    .with_help(help),
                );
                continue;
            }
            if value.value.is_null() {
                continue;
            }
            let checked = match key.value.as_str() {
                "title" => one_line(&key.value, &value.value).map(|t| meta.title = Some(t)),
                "status" => status(&value.value).map(|s| meta.status = Some(s)),
                "date" => date(&value.value).map(|d| meta.date = Some(d)),
                "context" => text(&key.value, &value.value).map(|t| meta.context = Some(t)),
                "decision-makers" => {
                    people(&key.value, &value.value).map(|p| meta.decision_makers = p)
                }
                "consulted" => people(&key.value, &value.value).map(|p| meta.consulted = p),
                "informed" => people(&key.value, &value.value).map(|p| meta.informed = p),
                other => unreachable!("`{other}` is checked against FIELDS above"),
            };
            if let Err(Rejected { message, help }) = checked {
                let mut d = at(Code::DecisionInvalidValue, &value.referenced, message);
                if let Some(help) = help {
                    d = d.with_help(help);
                }
                problems.push(d);
            }
        }
        problems.into_result(meta)
    }
}

/// Why a metadata value was refused, with a hint when there is one.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
struct Rejected {
    message: String,
    help: Option<String>,
}

type Checked<T> = Result<T, Rejected>;

fn text(key: &str, value: &Value) -> Checked<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Ok(s.trim().to_owned()),
        Value::String(_) => Err(Rejected {
            message: format!("`{key}` is empty"),
            help: None,
        }),
        other => Err(Rejected {
            message: format!("`{key}` takes text, found {}", describe(other)),
            help: None,
        }),
    }
}

fn one_line(key: &str, value: &Value) -> Checked<String> {
    let t = text(key, value)?;
    if t.contains('\n') {
        return Err(Rejected {
            message: format!("`{key}` must fit on one line"),
            help: None,
        });
    }
    Ok(t)
}

fn status(value: &Value) -> Checked<String> {
    let s = one_line("status", value)?;
    let superseded = s
        .strip_prefix("superseded by ")
        .is_some_and(|by| !by.trim().is_empty());
    if STATUSES.contains(&s.as_str()) || superseded {
        Ok(s)
    } else {
        Err(Rejected {
            message: format!("`{s}` is not a decision status"),
            help: Some(format!(
                "use one of {}, or `superseded by <record>`",
                STATUSES.join(", ")
            )),
        })
    }
}

fn date(value: &Value) -> Checked<String> {
    let s = one_line("date", value)?;
    crate::support::date::Date::parse_checked(&s)
        .map(|d| d.to_string())
        .map_err(|message| Rejected {
            message: message.0,
            help: None,
        })
}

/// A list of names, or one name; each must be non-empty text on one line.
fn people(key: &str, value: &Value) -> Checked<Vec<String>> {
    let items: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        Value::String(_) => vec![value],
        other => {
            return Err(Rejected {
                message: format!(
                    "`{key}` takes a list of names such as [Ana, Platform team], found {}",
                    describe(other)
                ),
                help: None,
            });
        }
    };
    items.into_iter().map(|item| one_line(key, item)).collect()
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(text: &str) -> Result<DecisionMeta, Diagnostics> {
        let file = SourceFile::new("answers.yaml", text);
        let raw: Spanned<RawDecision> =
            crate::data::parse::yaml(&file).map_err(Diagnostics::from)?;
        DecisionMeta::resolve(&raw, &file)
    }

    #[test]
    fn every_field_is_read() {
        let meta = resolve(
            "title: Use Bedrock\nstatus: superseded by 0007\ndate: 2026-11-22\ncontext: |\n  We ship in the EU.\ndecision-makers: [Ana, Bo]\nconsulted: Legal\ninformed: []\n",
        )
        .unwrap();
        assert_eq!(meta.title.as_deref(), Some("Use Bedrock"));
        assert_eq!(meta.status.as_deref(), Some("superseded by 0007"));
        assert_eq!(meta.date.as_deref(), Some("2026-11-22"));
        assert_eq!(meta.context.as_deref(), Some("We ship in the EU."));
        assert_eq!(meta.decision_makers, ["Ana", "Bo"]);
        assert_eq!(meta.consulted, ["Legal"]);
        assert!(meta.informed.is_empty());
    }

    #[test]
    fn problems_point_at_their_keys_and_values() {
        let errors = resolve("status: acepted\ndate: 2026-02-30\ndeciders: [Ana]\ninformed: 3\n")
            .unwrap_err();
        assert_eq!(errors.len(), 4);
        assert_eq!((errors.0[0].line, errors.0[0].column), (1, 9));
        assert_eq!(errors.0[0].key.as_deref(), Some("decision.status"));
        assert!(errors.0[1].message.contains("`2026-02-30` does not exist"));
        assert_eq!((errors.0[2].line, errors.0[2].column), (3, 1));
        assert!(
            errors.0[2]
                .message
                .contains("unknown decision metadata key")
        );
        assert!(errors.0[3].message.contains("list of names"));
    }
}
