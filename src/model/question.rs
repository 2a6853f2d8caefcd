//! The questionnaire: the constraint questions an architect answers, shipped as data in
//! `rules/questions.yaml`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What kind of answer a question takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// Exactly one of the choices.
    Choice,
    /// Any number of the choices, as a list.
    List,
    /// `true` or `false`.
    Bool,
}

/// One allowed answer to a choice or list question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub value: String,
    /// What the choice means, in words, for the report and `routewise questions`.
    pub label: String,
}

/// One question of the questionnaire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// The key used in answers files and in rule conditions (`answers.<id>`).
    pub id: String,
    pub prompt: String,
    /// Why the question matters, in a sentence or two: shown by `routewise ask` and in the
    /// commented answers template, so the person answering knows what hangs on it.
    #[serde(default)]
    pub help: Option<String>,
    pub kind: QuestionKind,
    #[serde(default)]
    pub choices: Vec<Choice>,
    /// The answer assumed when the key is omitted; it must mean "no requirement".
    pub default: serde_json::Value,
    /// How the answer reads as a decision driver, e.g. "Data must stay in {{ value }}".
    /// Drivers are listed only for answers that differ from the default.
    #[serde(default)]
    pub driver: Option<String>,
}

impl Question {
    pub fn allows(&self, value: &str) -> bool {
        self.choices.iter().any(|c| c.value == value)
    }

    /// The choice a typed answer means, ignoring case and surrounding spaces, so `GCP` and
    /// ` eu ` are read as `gcp` and `eu`.
    pub fn canonical(&self, value: &str) -> Option<&str> {
        let value = value.trim();
        self.choices
            .iter()
            .find(|c| c.value == value)
            .or_else(|| {
                self.choices
                    .iter()
                    .find(|c| c.value.eq_ignore_ascii_case(value))
            })
            .map(|c| c.value.as_str())
    }

    pub fn choice_values(&self) -> Vec<&str> {
        self.choices.iter().map(|c| c.value.as_str()).collect()
    }

    pub fn label_of(&self, value: &str) -> Option<&str> {
        self.choices
            .iter()
            .find(|c| c.value == value)
            .map(|c| c.label.as_str())
    }
}
