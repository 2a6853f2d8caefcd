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
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "routewise answers",
        "description": "Answers to the routewise questionnaire; every key is optional and an omitted key means no requirement.",
        "type": "object",
        "properties": properties,
        "additionalProperties": false
    })
}
