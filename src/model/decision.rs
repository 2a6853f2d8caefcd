//! Decision-record metadata: what an answers file may say about the decision itself under
//! the reserved `decision:` key (title, status, date, context and the MADR roles), so the
//! generated record names the people and state of the decision, not only its outcome.
//!
//! ```yaml
//! decision:
//!   title: Call Claude through Amazon Bedrock in the EU
//!   status: accepted
//!   date: 2026-11-22
//!   decision-makers: [Platform team, CISO office]
//!   consulted: [Legal]
//!   informed: [Engineering]
//! cloud: aws
//! ```

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_saphyr::Spanned;

use crate::support::diagnostic::{Diagnostic, Diagnostics, SourceFile};

/// The answers-file key that holds decision metadata; no question may use it as its id.
pub const KEY: &str = "decision";

/// The keys the `decision:` mapping accepts, as MADR spells them.
pub const FIELDS: &[&str] = &[
    "title",
    "status",
    "date",
    "context",
    "decision-makers",
    "consulted",
    "informed",
];

/// MADR's statuses; `superseded by <record>` is the one open-ended form.
pub const STATUSES: &[&str] = &["proposed", "rejected", "accepted", "deprecated"];

/// The validated metadata; every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DecisionMeta {
    /// The record's title; without it the record names the chosen route.
    pub title: Option<String>,
    /// `proposed`, `rejected`, `accepted`, `deprecated` or `superseded by ...`.
    pub status: Option<String>,
    /// When the decision was last updated, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Free text placed before the generated problem statement.
    pub context: Option<String>,
    pub decision_makers: Vec<String>,
    pub consulted: Vec<String>,
    pub informed: Vec<String>,
}

/// The `decision:` mapping as written: keys and values with their positions, or what was
/// written instead of a mapping (so the error can point at it and name the key).
#[derive(Debug, Default)]
pub struct RawDecision {
    pub entries: Vec<(Spanned<String>, Spanned<Value>)>,
    pub not_a_mapping: Option<&'static str>,
}

impl<'de> Deserialize<'de> for RawDecision {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor;
        impl EntriesVisitor {
            fn other<E>(found: &'static str) -> Result<RawDecision, E> {
                Ok(RawDecision {
                    entries: Vec::new(),
                    not_a_mapping: Some(found),
                })
            }
        }
        impl<'de> Visitor<'de> for EntriesVisitor {
            type Value = RawDecision;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping of decision-record metadata, such as `status: accepted`")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawDecision, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(RawDecision {
                    entries,
                    not_a_mapping: None,
                })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawDecision, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Self::other("a list")
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<RawDecision, E> {
                Self::other("text")
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<RawDecision, E> {
                Self::other("a boolean")
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<RawDecision, E> {
                Self::other("a number")
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<RawDecision, E> {
                Self::other("a number")
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<RawDecision, E> {
                Self::other("a number")
            }
            fn visit_unit<E: de::Error>(self) -> Result<RawDecision, E> {
                Ok(RawDecision::default())
            }
            fn visit_none<E: de::Error>(self) -> Result<RawDecision, E> {
                Ok(RawDecision::default())
            }
        }
        deserializer.deserialize_any(EntriesVisitor)
    }
}

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
            let at = |loc: &serde_saphyr::Location, message: String| -> Diagnostic {
                file.error_at_line(loc.line(), loc.column(), Some(&path), message)
            };
            if !FIELDS.contains(&key.value.as_str()) {
                let help = match crate::model::answers::closest(&key.value, FIELDS) {
                    Some(best) => {
                        format!("did you mean `{best}`? known keys: {}", FIELDS.join(", "))
                    }
                    None => format!("known keys: {}", FIELDS.join(", ")),
                };
                problems.push(
                    at(
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
                _ => people(&key.value, &value.value).map(|p| meta.informed = p),
            };
            if let Err((message, help)) = checked {
                let mut d = at(&value.referenced, message);
                if let Some(help) = help {
                    d = d.with_help(help);
                }
                problems.push(d);
            }
        }
        problems.into_result(meta)
    }
}

type Checked<T> = Result<T, (String, Option<String>)>;

fn text(key: &str, value: &Value) -> Checked<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Ok(s.trim().to_owned()),
        Value::String(_) => Err((format!("`{key}` is empty"), None)),
        other => Err((
            format!("`{key}` takes text, found {}", describe(other)),
            None,
        )),
    }
}

fn one_line(key: &str, value: &Value) -> Checked<String> {
    let t = text(key, value)?;
    if t.contains('\n') {
        return Err((format!("`{key}` must fit on one line"), None));
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
        Err((
            format!("`{s}` is not a decision status"),
            Some(format!(
                "use one of {}, or `superseded by <record>`",
                STATUSES.join(", ")
            )),
        ))
    }
}

fn date(value: &Value) -> Checked<String> {
    let s = one_line("date", value)?;
    match crate::support::date::Date::parse(&s) {
        Some(d) => Ok(d.to_string()),
        None => Err((format!("`{s}` is not a date in the form YYYY-MM-DD"), None)),
    }
}

/// A list of names, or one name; each must be non-empty text on one line.
fn people(key: &str, value: &Value) -> Checked<Vec<String>> {
    let items: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        Value::String(_) => vec![value],
        other => {
            return Err((
                format!(
                    "`{key}` takes a list of names such as [Ana, Platform team], found {}",
                    describe(other)
                ),
                None,
            ));
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
        assert!(errors.0[1].message.contains("not a date"));
        assert_eq!((errors.0[2].line, errors.0[2].column), (3, 1));
        assert!(
            errors.0[2]
                .message
                .contains("unknown decision metadata key")
        );
        assert!(errors.0[3].message.contains("list of names"));
    }
}
