//! The input types: questionnaire, answers, workload, routes, rules and pricing tables.
//!
//! Each type derives `Deserialize` (with unknown keys denied) and `JsonSchema`, so
//! `routewise schema` can hand editors the exact shape of every file.

pub mod adoption;
pub mod answers;
pub mod capability;
pub mod compose;
pub mod decision;
pub mod number;
pub mod pricing;
pub mod question;
pub mod route;
pub mod rule;
pub mod rule_code;
pub mod source;
pub mod workload;
