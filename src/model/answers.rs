//! An architect's answers to the questionnaire, checked against the questions.
//!
//! The file is read as a list of spanned key/value pairs first, so that an unknown question,
//! an unknown choice or a wrong type is reported at its own line and column.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_saphyr::Spanned;

use super::decision::{self, DecisionMeta, RawDecision};

/// The answers file as written: keys and values with their positions, in file order, and
/// the reserved `decision:` mapping of record metadata read apart from the questions.
#[derive(Debug, Default)]
pub struct RawAnswers {
    pub entries: Vec<(Spanned<String>, Spanned<Value>)>,
    pub decision: Option<Spanned<RawDecision>>,
    /// The reserved `surfaces:` list: named surfaces, each overriding shared answers.
    pub surfaces: Option<Spanned<Vec<Spanned<RawSurface>>>>,
}

/// The reserved key of the surfaces list.
pub const SURFACES_KEY: &str = "surfaces";

/// One surface as written: its `name` and the answers it overrides, with positions.
#[derive(Debug, Default)]
pub struct RawSurface {
    pub name: Option<Spanned<Value>>,
    pub entries: Vec<(Spanned<String>, Spanned<Value>)>,
}

impl<'de> Deserialize<'de> for RawSurface {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SurfaceVisitor;
        impl<'de> Visitor<'de> for SurfaceVisitor {
            type Value = RawSurface;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a surface: a mapping with `name` and the answers it overrides")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawSurface, A::Error> {
                let mut raw = RawSurface::default();
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    if key.value == "name" {
                        raw.name = Some(map.next_value()?);
                    } else {
                        raw.entries.push((key, map.next_value()?));
                    }
                }
                Ok(raw)
            }
        }
        deserializer.deserialize_map(SurfaceVisitor)
    }
}

impl<'de> Deserialize<'de> for RawAnswers {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor;
        impl<'de> Visitor<'de> for EntriesVisitor {
            type Value = RawAnswers;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping of question ids to answers, such as `cloud: aws`")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawAnswers, A::Error> {
                let mut raw = RawAnswers::default();
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    if key.value == decision::KEY {
                        raw.decision = Some(map.next_value()?);
                    } else if key.value == SURFACES_KEY {
                        raw.surfaces = Some(map.next_value()?);
                    } else {
                        raw.entries.push((key, map.next_value()?));
                    }
                }
                Ok(raw)
            }
        }
        deserializer.deserialize_map(EntriesVisitor)
    }
}

/// One question's answer, typed by the question's kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Answer {
    Choice(String),
    List(Vec<String>),
    Bool(bool),
}

impl Answer {
    /// The answer in words, for reports.
    pub fn display(&self) -> String {
        match self {
            Answer::Choice(c) => c.clone(),
            Answer::List(items) if items.is_empty() => "none".into(),
            Answer::List(items) => items.join(", "),
            Answer::Bool(b) => if *b { "yes" } else { "no" }.into(),
        }
    }
}

/// Every question's answer: what the file said, or the question's default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Answers {
    pub values: BTreeMap<String, Answer>,
    /// The ids the file answered explicitly (the rest took their defaults).
    pub given: Vec<String>,
    /// Metadata for the decision record, from the reserved `decision:` key.
    pub decision: DecisionMeta,
    /// Named surfaces, each with the shared answers under its own overrides; empty when the
    /// file has no `surfaces:` list.
    pub surfaces: Vec<Surface>,
}

/// One surface of the product (voice, analytics): decided on its own answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Surface {
    pub name: String,
    /// The shared answers with this surface's overrides laid over them (no nested surfaces).
    pub answers: Answers,
    /// The question ids this surface overrides.
    pub overrides: Vec<String>,
}

impl Answers {
    pub fn get(&self, id: &str) -> Option<&Answer> {
        self.values.get(id)
    }

    /// The answer to a choice question, or "" when the question is missing.
    pub fn choice(&self, id: &str) -> &str {
        match self.values.get(id) {
            Some(Answer::Choice(c)) => c,
            _ => "",
        }
    }

    pub fn list(&self, id: &str) -> &[String] {
        match self.values.get(id) {
            Some(Answer::List(items)) => items,
            _ => &[],
        }
    }
}
