//! JSON Schemas of the input files, for editors and CI validation.

use schemars::JsonSchema;
use serde_json::{Map, Value, json};

use crate::model::question::{Question, QuestionKind};

/// The schema of a statically typed input file.
pub fn of<T: JsonSchema>() -> Value {
    serde_json::to_value(schemars::schema_for!(T)).unwrap_or(Value::Null)
}

/// The answers schema is built from the questionnaire, so it lists exactly the questions
/// and choices the loaded rules know.
pub fn answers_schema(questions: &[Question]) -> Value {
    let mut properties = Map::new();
    for q in questions {
        let choices: Vec<&str> = q.choice_values();
        let schema = match q.kind {
            QuestionKind::Bool => json!({ "type": ["boolean", "null"] }),
            QuestionKind::Choice => json!({ "enum": choices }),
            QuestionKind::List => {
                json!({ "type": "array", "items": { "enum": choices }, "uniqueItems": true })
            }
        };
        let mut schema = schema;
        schema["description"] = Value::String(q.prompt.clone());
        schema["default"] = q.default.clone();
        properties.insert(q.id.clone(), schema);
    }
    properties.insert(crate::model::decision::KEY.into(), decision_schema());
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "routewise answers",
        "description": "Answers to the routewise questionnaire; every key is optional and an omitted key means no requirement.",
        "type": "object",
        "properties": properties,
        "additionalProperties": false
    })
}

/// The reserved `decision:` mapping of decision-record metadata.
fn decision_schema() -> Value {
    let people = json!({
        "oneOf": [
            { "type": "string" },
            { "type": "array", "items": { "type": "string" } }
        ]
    });
    let statuses: Vec<&str> = crate::model::decision::STATUSES.to_vec();
    json!({
        "description": "Metadata for the decision record (`--format madr`), not a question.",
        "type": "object",
        "properties": {
            "title": { "type": "string" },
            "status": {
                "anyOf": [
                    { "enum": statuses },
                    { "type": "string", "pattern": "^superseded by .+" }
                ]
            },
            "date": { "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" },
            "context": { "type": "string" },
            "decision-makers": people,
            "consulted": people,
            "informed": people
        },
        "additionalProperties": false
    })
}
